/*
 * moderate.h - the held queue: keeping a post for a moderator, and what
 * a moderator (by mail or with listctl), the poster or expiry does with
 * it.
 *
 * A held post is its exact bytes in spooldir/held/LIST/new/ (Maildir,
 * fsync'd) and a row in the held table.  Every decision first moves the
 * row out of state held, changing it only if it is still there, so that
 * a decision is taken once: a second "release 12" says what became of
 * post 12 and changes nothing.
 */
#ifndef LISTPIPE_MODERATE_H
#define LISTPIPE_MODERATE_H

#include <stddef.h>

#include "common/list.h"
#include "common/status.h"
#include "list/policy.h"
#include "list/site.h"
#include "mail/message.h"

/*
 * moderate_hold - keep m for a moderator: stored, a held row, one notice
 * to each moderator (owners when there is none), and a note to a poster
 * who is on the list with a token to withdraw it.  0 once the post is
 * stored and recorded (a notice that fails is a log line); -1 with st,
 * nothing kept, when it could not be.
 */
int	moderate_hold(const struct site *s, const struct list *l,
		      struct message *m, const struct post_facts *f,
		      const char *reason, struct status *st);

enum moderation {
	MODERATE_APPROVE,	/* distribute it */
	MODERATE_TRUST,		/* distribute it; its author becomes a poster */
	MODERATE_REJECT,	/* drop it, tell the poster (with a reason) */
	MODERATE_DISCARD,	/* drop it silently */
	MODERATE_WITHDRAW,	/* the poster takes it back */
	MODERATE_EXPIRE,	/* nobody decided in time */
};

extern const char *const moderation_names[];	/* "approve", ... */

/*
 * moderate - act on held post id for actor (an address, "listctl").
 * 1 when done, with what happened in result; 0 when it could not be
 * done for a reason about the post (no such post, decided already,
 * expired, its list is gone), said in result; -1 with st for a problem
 * of ours (the row and the file then stay as they were).
 */
int	moderate(const struct site *s, long long id, enum moderation what,
		 const char *actor, const char *reason, char *result,
		 size_t size, struct status *st);

#endif

/*
 * notice.h - mail listpipe writes itself: robot replies, moderator
 * notices, confirmations.
 *
 * The words come from the texts table (the list's row, then '*') or the
 * built-in texts (mail/texts.h); the message is built by mail/compose.h
 * and handed to sendmail by the same inject code as a post, always with
 * the list's bounce address as envelope sender, so that a failure comes
 * back to listpipe and never starts a loop with a robot elsewhere.
 */
#ifndef LISTPIPE_NOTICE_H
#define LISTPIPE_NOTICE_H

#include "common/list.h"
#include "common/status.h"
#include "list/site.h"
#include "mail/headers.h"
#include "mail/spool.h"
#include "mail/texts.h"

struct notice {
	const char *text;		/* the text's name: "help", ... */
	const char *to;			/* one address */
	const char *auto_submitted;	/* "auto-replied" or "auto-generated" */
	const struct text_var *vars;	/* beside list, owner, request,
					 * description; name NULL ends */
	const struct headers *answers;	/* what it answers, or NULL */
	const struct spool *attach;	/* a message to attach, or NULL */
	const char *from;		/* NULL: "description" <list-request@>;
					 * bounce and report notices come
					 * from list-bounces@ */
};

/*
 * notice_send - compose and send n for list l, and record it in the sent
 * table.  OUTCOME_TEMP on failure; the callers decide whether a notice
 * that could not be sent defers anything (mostly it does not).
 */
int	notice_send(const struct site *s, const struct list *l,
		    const struct notice *n, struct status *st);

/*
 * notice_allowed - may one more go out: to address (limit REPLY_LIMIT
 * an hour, whatever the list), or, with address NULL, of kind for list
 * (NOTICE_LIMIT an hour)?  1 yes, 0 no (a log line says so), -1 error.
 */
int	notice_allowed(const struct site *s, const struct list *l,
		       const char *address, const char *kind,
		       struct status *st);

#endif

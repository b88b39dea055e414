/*
 * policy.h - whether a post to a list goes out, and if not, what happens
 * to it.  Pure decisions: the facts (roles from the database, the size
 * from the spool, what the header block says) are gathered by the
 * caller, so every combination is a unit test.
 *
 * The order of the checks: automatic mail (never distributed, never
 * answered), then the size limit, then who sent it.  Copies distributed
 * by one of our lists that has this list as a member (ROLE_LIST) are
 * accepted as they are: the outer list's rules applied already.
 */
#ifndef LISTPIPE_POLICY_H
#define LISTPIPE_POLICY_H

#include "common/list.h"
#include "mail/headers.h"

enum verdict {
	VERDICT_ACCEPT,		/* distribute */
	VERDICT_REJECT,		/* refuse: Postfix bounces it (5.7.1, 5.3.4) */
	VERDICT_DISCARD,	/* accept, log, send nothing */
	VERDICT_HOLD,		/* keep it for a moderator */
};

extern const char *const verdict_names[];	/* "accept", ... */

/* What is known about one post. */
struct post_facts {
	const char *sender;	/* envelope sender, "" for <> */
	const char *author;	/* the From: address, or NULL */
	unsigned roles;		/* ROLE_* bits of the author (list.h) */
	long long size;		/* bytes, as spooled */
	const char *automatic;	/* why it is automatic mail, or NULL */
};

struct decision {
	enum verdict verdict;
	enum outcome outcome;	/* for VERDICT_REJECT: OUTCOME_REFUSED, _TOO_BIG */
	char	reason[300];	/* for the log, the status line, the held row */
};

/*
 * policy_own_copy - is sender this list's own bounce address, plain or
 * VERP (local-bounces+member=host@domain)?  Then the mail is one of the
 * list's own copies come back: a loop, X-Loop or not (a DKIM signature
 * that covers X-Loop keeps the list from adding it).
 */
int	policy_own_copy(const struct list *l, const char *sender);

/*
 * policy_automatic - why this is an auto-reply, a bounce or other
 * automatic mail that must not reach the members (null sender,
 * Auto-Submitted other than "no", Precedence bulk/junk/list unless it
 * comes from one of our lists or an upstream one (ROLE_UPSTREAM), a
 * multipart/report), or NULL.  The
 * result is a static string.
 */
const char *policy_automatic(const char *sender, const struct headers *hd,
			     unsigned roles);

/* policy_holds - does this list keep what it does not distribute? */
int	policy_holds(const struct list *l);

/* policy_decide - the verdict for a post with facts f to list l */
void	policy_decide(const struct list *l, const struct post_facts *f,
		      struct decision *d);

#endif

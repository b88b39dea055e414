/*
 * bounce.h - what listpipe does with a bounce once it is stored: read
 * it (mail/dsn.h), decide who it is about, record every report, count
 * hard failures against the member, disable at the list's limit and
 * tell the owners once.
 *
 * Who a bounce is about: the VERP address decides (mail/verp.h), even
 * when the report names another recipient (forwarding, SRS, aliases),
 * which is recorded beside it.  Without VERP a report is matched to a
 * member only when exactly one member address is what it names (its
 * Final-Recipient, or its Original-Recipient).  Nobody else is blamed.
 *
 * What counts: only DSN_HARD, the member's own address failing for
 * good.  Policy refusals (DMARC, spam, 5.7.x), delays, temporary
 * failures, auto-replies and feedback reports are recorded, never
 * scored.
 *
 * Nothing here can lose the bounce or defer its delivery: it is stored
 * before this runs.  A failure to read it or to record it is logged, and
 * the file stays for listctl report and the postmaster.
 */
#ifndef LISTPIPE_LIST_BOUNCE_H
#define LISTPIPE_LIST_BOUNCE_H

#include "common/list.h"
#include "list/site.h"

/*
 * bounce_process - the bounce stored as file (below the spool
 * directory, e.g. "bounces/LIST/new/NAME"), readable at fd, that came to
 * envelope recipient rcpt of list l.  In a dry run, print what would be
 * recorded.  Returns nothing: the bounce is delivered either way.
 */
void	bounce_process(const struct site *s, const struct list *l,
		       const char *rcpt, const char *file, int fd);

#endif

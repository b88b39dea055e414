/*
 * distribute.h - a post on its way to the members.
 *
 * The one path by which a post reaches a list's members: a post listpipe
 * accepts and a held post a moderator releases both go through here, so
 * a released post gets the same header block and the same sendmail
 * batches as any other.
 */
#ifndef LISTPIPE_DISTRIBUTE_H
#define LISTPIPE_DISTRIBUTE_H

#include "common/address.h"
#include "common/list.h"
#include "common/status.h"
#include "list/site.h"
#include "mail/message.h"

/*
 * distribute - the list copy of m (X-Loop checked, headers rewritten,
 * body byte for byte) to rcpts (sorted), with the list's bounce address
 * as envelope sender, VERP, exactly once: key is what makes this
 * distribution one (Postfix's queue id, "held-ID" for a release; NULL:
 * none, then no journal and nothing is resumed), rcpt the envelope
 * recipient that asks for it (team+1@: the claim is per list, not per
 * recipient).  A duplicate (db/journal.h) is accepted and not sent.
 * OUTCOME_LOOP when m went through l already.
 */
int	distribute(const struct site *s, const struct list *l,
		   const struct address_list *rcpts, struct message *m,
		   const char *key, const char *rcpt, struct status *st);

#endif

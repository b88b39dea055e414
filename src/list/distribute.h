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
 * body byte for byte) to rcpts, with the list's bounce address as
 * envelope sender.  OUTCOME_LOOP when m went through l already.
 */
int	distribute(const struct site *s, const struct list *l,
		   const struct address_list *rcpts, struct message *m,
		   struct status *st);

#endif

/*
 * route.h - what a recipient is to listpipe, decided from the database
 * alone, before anything is delivered.
 */
#ifndef LISTPIPE_ROUTE_H
#define LISTPIPE_ROUTE_H

#include "common/address.h"
#include "common/list.h"
#include "common/status.h"
#include "db/db.h"
#include "listpipe/config.h"

enum target_kind {
	TARGET_LIST,		/* a post to a list */
	TARGET_OWNER,		/* list-owner@ */
	TARGET_BOUNCES,		/* list-bounces@, with or without extension */
	TARGET_REQUEST,		/* list-request@: the robot */
	TARGET_PASS,		/* no list's domain, and -p: pass on unchanged */
	TARGET_REFUSED,		/* the verdict is known already */
};

struct target {
	enum target_kind kind;
	char	address[ADDRESS_MAX];	/* normalised envelope recipient */
	struct list list;		/* the list concerned, if any */
	struct address_list rcpts;	/* members, owners, or the address */
	struct status verdict;		/* for TARGET_REFUSED */
};

/*
 * route - decide what recipient is, reading everything delivery will need
 * (members, owners).  A verdict about the address (no such list,
 * disabled) is TARGET_REFUSED with t->verdict; -1 with st is a problem
 * that defers the whole message.
 */
int	route(const struct config *cf, struct db *db, const char *recipient,
	      struct target *t, struct status *st);

void	target_free(struct target *t);

#endif

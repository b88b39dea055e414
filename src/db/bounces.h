/*
 * bounces.h - the bounces table and the members' bounce scores.
 *
 * A member's score counts days with a hard bounce: at most one a day
 * (UTC), starting again at 1 when the last counted day is more than the
 * list's bounce_days ago.  When it reaches the list's bounce_limit the
 * member row's state becomes 'disabled' with the reason, never deleted.
 * Only enabled member rows are scored.  The callers decide what counts
 * (list/bounce.h); this file only keeps the books.
 */
#ifndef LISTPIPE_DB_BOUNCES_H
#define LISTPIPE_DB_BOUNCES_H

#include <stddef.h>

#include "common/list.h"
#include "common/status.h"
#include "db/db.h"

/* One row of the bounces table. */
struct bounce {
	long long id;
	char   *list;
	char   *member;		/* NULL: not attributed */
	char   *recipient;
	char   *received;
	char   *kind;		/* hard, soft, policy, ... (dsn_kind_names) */
	char   *action;
	char   *status;
	char   *diagnostic;
	char   *mta;
	char   *file;		/* below the spool directory */
	int	scored;
};

/* db_bounce_add - insert b (id and received are set by the database) */
int	db_bounce_add(struct db *db, const struct bounce *b, struct status *st);

/* Where a bounced address is a member of a list: the list itself or a
 * list nested in it. */
struct membership {
	char   *list;		/* the list whose row it is */
	char   *state;
};

/*
 * db_bounce_memberships - the member rows (role member, any state) of
 * address in list and in the lists nested in it, into *out (free with
 * db_memberships_free); their number, or -1
 */
int	db_bounce_memberships(struct db *db, const char *list,
			      const char *address, struct membership **out,
			      size_t *n, struct status *st);
void	db_memberships_free(struct membership *m, size_t n);

/* What one hard bounce did to a member row. */
struct score {
	int	counted;	/* 1: the score went up (first hard bounce today) */
	int	score;		/* the score now */
	int	disabled;	/* 1: this bounce disabled the member */
};

/*
 * db_member_score - count a hard bounce against address's enabled member
 * row on list (whose limits are bounce_limit and bounce_days); reason is
 * what the row's reason says if this disables it.  A row that is not
 * enabled is left alone (result all 0).  Call inside a transaction.
 */
int	db_member_score(struct db *db, const char *list, const char *address,
			int bounce_limit, int bounce_days, const char *reason,
			struct score *result, struct status *st);

/*
 * db_bounces - rows of list (NULL: all), about address (NULL: anyone,
 * matching member or recipient), received from since to until, both
 * included (each NULL: no bound), in order; free with db_bounces_free
 */
int	db_bounces(struct db *db, const char *list, const char *address,
		   const char *since, const char *until, struct bounce **out,
		   size_t *n, struct status *st);
void	db_bounces_free(struct bounce *b, size_t n);

/* A member row disabled by bounce processing, for the report. */
struct disabled {
	char   *address;
	char   *since;
	char   *reason;
};

/* db_disabled_since - member rows of list disabled with a reason from
 * since (NULL: ever) to until (NULL: now), both included */
int	db_disabled_since(struct db *db, const char *list, const char *since,
			  const char *until, struct disabled **out, size_t *n,
			  struct status *st);
void	db_disabled_free(struct disabled *d, size_t n);

/* db_member_enable - address's disabled member row on list back to
 * enabled (the schema's trigger clears score and reason): 1 done, 0 no
 * such disabled row */
int	db_member_enable(struct db *db, const char *list, const char *address,
			 struct status *st);

/* db_list_reported - the time of list's last report into *at (g_free;
 * NULL: never) */
int	db_list_reported(struct db *db, const char *list, char **at,
			 struct status *st);
/* db_list_set_reported - make it at (NULL: never) */
int	db_list_set_reported(struct db *db, const char *list, const char *at,
			     struct status *st);
/* db_now - the database's CURRENT_TIMESTAMP into *now (g_free) */
int	db_now(struct db *db, char **now, struct status *st);

#endif

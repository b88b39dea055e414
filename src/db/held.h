/*
 * held.h - the held and requests tables: what waits for a moderator.
 *
 * A held post moves between states only through db_held_move(), which
 * changes a row only if it is still in the state the caller saw; that
 * is what makes "release 12" twice, or a release racing a discard, act
 * once and say so the second time.
 */
#ifndef LISTPIPE_DB_HELD_H
#define LISTPIPE_DB_HELD_H

#include <stddef.h>

#include "common/status.h"
#include "db/db.h"

struct held {
	long long id;
	char   *list;
	char   *sender;		/* envelope sender; "" for <> */
	char   *author;		/* the From: address; "" when none */
	char   *subject;	/* decoded, controls scrubbed */
	long long size;
	char   *reason;
	char   *received;	/* "YYYY-MM-DD HH:MM:SS" UTC */
	char   *expires;
	char   *file;		/* Maildir file name in held/LIST/new/ */
	char   *state;		/* held, releasing, released, ... */
	char   *acted;		/* NULL while held */
	char   *actor;
	int	expired;	/* expires is in the past */
};

/* db_held_add - a new row in state held, expiring hold_days from now;
 * fills h->id */
int	db_held_add(struct db *db, struct held *h, int hold_days,
		    struct status *st);

/* db_held_get - row id: 1 and h filled in, 0 when there is none */
int	db_held_get(struct db *db, long long id, struct held *h,
		    struct status *st);

/* db_held_waiting - rows in state held or releasing, of list (NULL for
 * every list), oldest first; free with db_held_free_all() */
int	db_held_waiting(struct db *db, const char *list, struct held **out,
			size_t *n, struct status *st);

/* db_held_expired - held rows past their expiry, or whose list is gone */
int	db_held_expired(struct db *db, struct held **out, size_t *n,
			struct status *st);

/*
 * db_held_move - row id from state from to state to, recording when and
 * actor: 1 when moved, 0 when the row was not in state from (unknown,
 * decided already); -1 with st
 */
int	db_held_move(struct db *db, long long id, const char *from,
		     const char *to, const char *actor, struct status *st);

void	db_held_free(struct held *h);
void	db_held_free_all(struct held *h, size_t n);

/* A subscription request waiting for a moderator. */
struct request {
	long long id;
	char   *list;
	char   *address;
	char   *state;		/* pending, approved, rejected, ... */
	int	expired;
};

/* db_request_add - a pending request; fills *id */
int	db_request_add(struct db *db, const char *list, const char *address,
		       int hold_days, long long *id, struct status *st);

/* db_request_get - 1 and r filled in, 0 when there is none */
int	db_request_get(struct db *db, long long id, struct request *r,
		       struct status *st);

/* db_request_move - as db_held_move */
int	db_request_move(struct db *db, long long id, const char *from,
			const char *to, const char *actor, struct status *st);

/* db_requests_expire - pending requests past expiry become expired;
 * the number of rows changed */
int	db_requests_expire(struct db *db, struct status *st);

void	db_request_free(struct request *r);

#endif

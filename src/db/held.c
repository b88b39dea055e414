/*
 * held.c - read and write the held and requests tables.
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "db/held.h"
#include "db/sql.h"

#define HELD_COLUMNS "id, list, sender, author, subject, size, reason, " \
		     "received, expires, file, state, acted, actor, " \
		     "expires < CURRENT_TIMESTAMP"

static void read_held(sqlite3_stmt *stmt, struct held *h)
{
	h->id = sqlite3_column_int64(stmt, 0);
	h->list = db_text_at(stmt, 1);
	h->sender = db_text_at(stmt, 2);
	h->author = db_text_at(stmt, 3);
	h->subject = db_text_at(stmt, 4);
	h->size = sqlite3_column_int64(stmt, 5);
	h->reason = db_text_at(stmt, 6);
	h->received = db_text_at(stmt, 7);
	h->expires = db_text_at(stmt, 8);
	h->file = db_text_at(stmt, 9);
	h->state = db_text_at(stmt, 10);
	h->acted = db_text_at(stmt, 11);
	h->actor = db_text_at(stmt, 12);
	h->expired = sqlite3_column_int(stmt, 13);
}

int db_held_add(struct db *db, struct held *h, int hold_days,
		struct status *st)
{
	char	size[32], days[32];

	snprintf(size, sizeof(size), "%lld", h->size);
	snprintf(days, sizeof(days), "+%d days", hold_days);
	if (db_run(db, "hold post", st, "INSERT INTO held(list, sender, "
		   "author, subject, size, reason, expires, file) VALUES (?1, "
		   "?2, ?3, ?4, ?5, ?6, datetime('now', ?7), ?8)", h->list,
		   h->sender, h->author, h->subject, size, h->reason, days,
		   h->file, NULL) < 0)
		return -1;
	h->id = sqlite3_last_insert_rowid(db->sql);
	return 0;
}

static void read_held_row(sqlite3_stmt *stmt, void *row)
{
	read_held(stmt, row);
}

static void free_held_rows(void *rows, size_t n)
{
	db_held_free_all(rows, n);
}

/* held_rows - every row sql finds, with the given parameters */
static int held_rows(struct db *db, const char *sql, const char *const *args,
		     struct held **out, size_t *n, struct status *st)
{
	return db_rows(db, sql, args, sizeof(**out), read_held_row,
		       free_held_rows, (void **)out, n, "read held posts", st);
}

int db_held_get(struct db *db, long long id, struct held *h,
		struct status *st)
{
	char	idtext[32];
	const char *args[] = {idtext, NULL};
	struct held *rows;
	size_t	n;

	memset(h, 0, sizeof(*h));
	snprintf(idtext, sizeof(idtext), "%lld", id);
	if (held_rows(db, "SELECT " HELD_COLUMNS " FROM held WHERE id = ?1",
		      args, &rows, &n, st) < 0)
		return -1;
	if (n == 1)
		*h = rows[0];
	g_free(rows);
	return n == 1;
}

int db_held_waiting(struct db *db, const char *list, struct held **out,
		    size_t *n, struct status *st)
{
	const char *args[] = {list ? list : DB_NULL, NULL};

	return held_rows(db, "SELECT " HELD_COLUMNS " FROM held WHERE state IN "
			 "('held', 'releasing') AND (?1 IS NULL OR list = ?1) "
			 "ORDER BY id", args, out, n, st);
}

int db_held_expired(struct db *db, struct held **out, size_t *n,
		    struct status *st)
{
	const char *args[] = {NULL};

	return held_rows(db, "SELECT " HELD_COLUMNS " FROM held h WHERE "
			 "state = 'held' AND (expires < CURRENT_TIMESTAMP OR "
			 "NOT EXISTS (SELECT 1 FROM lists l WHERE l.address = "
			 "h.list)) ORDER BY id", args, out, n, st);
}

int db_held_move(struct db *db, long long id, const char *from,
		 const char *to, const char *actor, struct status *st)
{
	char	idtext[32];

	snprintf(idtext, sizeof(idtext), "%lld", id);
	return db_run(db, "update held post", st, "UPDATE held SET state = "
		      "?3, acted = CURRENT_TIMESTAMP, actor = ?4 WHERE id = ?1 "
		      "AND state = ?2", idtext, from, to, actor, NULL);
}

void db_held_free(struct held *h)
{
	g_free(h->list);
	g_free(h->sender);
	g_free(h->author);
	g_free(h->subject);
	g_free(h->reason);
	g_free(h->received);
	g_free(h->expires);
	g_free(h->file);
	g_free(h->state);
	g_free(h->acted);
	g_free(h->actor);
	memset(h, 0, sizeof(*h));
}

void db_held_free_all(struct held *h, size_t n)
{
	for (size_t i = 0; i < n; i++)
		db_held_free(&h[i]);
	g_free(h);
}

int db_request_add(struct db *db, const char *list, const char *address,
		   int hold_days, long long *id, struct status *st)
{
	char	days[32];

	snprintf(days, sizeof(days), "+%d days", hold_days);
	if (db_run(db, "add request", st, "INSERT INTO requests(list, address, "
		   "expires) VALUES (?1, ?2, datetime('now', ?3))", list,
		   address, days, NULL) < 0)
		return -1;
	*id = sqlite3_last_insert_rowid(db->sql);
	return 0;
}

int db_request_get(struct db *db, long long id, struct request *r,
		   struct status *st)
{
	sqlite3_stmt *stmt;
	int	rc;

	memset(r, 0, sizeof(*r));
	if (db_prepare(db, "SELECT id, list, address, state, expires < "
		       "CURRENT_TIMESTAMP FROM requests WHERE id = ?1", &stmt,
		       st) < 0)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		r->id = sqlite3_column_int64(stmt, 0);
		r->list = db_text_at(stmt, 1);
		r->address = db_text_at(stmt, 2);
		r->state = db_text_at(stmt, 3);
		r->expired = sqlite3_column_int(stmt, 4);
	}
	sqlite3_finalize(stmt);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : db_fail(db, rc, "read request", st);
}

int db_request_move(struct db *db, long long id, const char *from,
		    const char *to, const char *actor, struct status *st)
{
	char	idtext[32];

	snprintf(idtext, sizeof(idtext), "%lld", id);
	return db_run(db, "update request", st, "UPDATE requests SET state = "
		      "?3, acted = CURRENT_TIMESTAMP, actor = ?4 WHERE id = ?1 "
		      "AND state = ?2", idtext, from, to, actor, NULL);
}

int db_requests_expire(struct db *db, struct status *st)
{
	return db_run(db, "expire requests", st, "UPDATE requests SET state = "
		      "'expired', acted = CURRENT_TIMESTAMP, actor = 'expire' "
		      "WHERE state = 'pending' AND expires < CURRENT_TIMESTAMP",
		      NULL);
}

void db_request_free(struct request *r)
{
	g_free(r->list);
	g_free(r->address);
	g_free(r->state);
	memset(r, 0, sizeof(*r));
}

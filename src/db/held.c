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

static char *text_at(sqlite3_stmt *stmt, int col)
{
	const char *v = (const char *)sqlite3_column_text(stmt, col);

	return v ? g_strdup(v) : NULL;
}

static void read_held(sqlite3_stmt *stmt, struct held *h)
{
	h->id = sqlite3_column_int64(stmt, 0);
	h->list = text_at(stmt, 1);
	h->sender = text_at(stmt, 2);
	h->author = text_at(stmt, 3);
	h->subject = text_at(stmt, 4);
	h->size = sqlite3_column_int64(stmt, 5);
	h->reason = text_at(stmt, 6);
	h->received = text_at(stmt, 7);
	h->expires = text_at(stmt, 8);
	h->file = text_at(stmt, 9);
	h->state = text_at(stmt, 10);
	h->acted = text_at(stmt, 11);
	h->actor = text_at(stmt, 12);
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

/* held_rows - every row sql finds, with the given parameters */
static int held_rows(struct db *db, const char *sql, const char *const *args,
		     struct held **out, size_t *n, struct status *st)
{
	GArray *rows = g_array_new(FALSE, TRUE, sizeof(struct held));
	sqlite3_stmt *stmt;
	int	rc;

	*out = NULL;
	*n = 0;
	if (db_prepare(db, sql, &stmt, st) < 0) {
		g_array_free(rows, TRUE);
		return -1;
	}
	db_bind_all(stmt, args);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct held h;

		read_held(stmt, &h);
		g_array_append_val(rows, h);
	}
	sqlite3_finalize(stmt);
	*n = rows->len;
	*out = (struct held *)(void *)g_array_free(rows, FALSE);
	if (rc != SQLITE_DONE) {
		db_held_free_all(*out, *n);
		*out = NULL;
		*n = 0;
		return db_fail(db, rc, "read held posts", st);
	}
	return 0;
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
		r->list = text_at(stmt, 1);
		r->address = text_at(stmt, 2);
		r->state = text_at(stmt, 3);
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

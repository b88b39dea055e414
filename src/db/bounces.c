/*
 * bounces.c - write and read the bounces table; score member rows.
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "db/bounces.h"
#include "db/sql.h"

int db_bounce_add(struct db *db, const struct bounce *b, struct status *st)
{
	return db_run(db, "record bounce", st, "INSERT INTO bounces(list, "
		      "member, recipient, kind, action, status, diagnostic, mta, "
		      "file, scored) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
		      "?10)", b->list, b->member ? b->member : DB_NULL,
		      b->recipient, b->kind, b->action, b->status,
		      b->diagnostic, b->mta, b->file, b->scored ? "1" : "0",
		      NULL) < 0 ? -1 : 0;
}

/* A list and the lists nested in it, however deep, each once. */
#define REACH "WITH RECURSIVE reach(list) AS (SELECT ?1 UNION SELECT " \
	      "m.address FROM reach r JOIN members m ON m.list = r.list " \
	      "WHERE m.role = 'member' AND m.address IN (SELECT address " \
	      "FROM lists)) "

static void read_membership(sqlite3_stmt *stmt, void *row)
{
	struct membership *m = row;

	m->list = db_text_at(stmt, 0);
	m->state = db_text_at(stmt, 1);
}

static void free_memberships(void *rows, size_t n)
{
	db_memberships_free(rows, n);
}

int db_bounce_memberships(struct db *db, const char *list,
			  const char *address, struct membership **out,
			  size_t *n, struct status *st)
{
	const char *args[] = {list, address, NULL};

	if (db_rows(db, REACH "SELECT m.list, m.state FROM members m JOIN "
		    "reach r ON m.list = r.list WHERE m.address = ?2 AND "
		    "m.role = 'member' ORDER BY m.list = ?1 DESC, m.list", args,
		    sizeof(**out), read_membership, free_memberships,
		    (void **)out, n, "find bounced member", st) < 0)
		return -1;
	return (int)*n;
}

void db_memberships_free(struct membership *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		g_free(m[i].list);
		g_free(m[i].state);
	}
	g_free(m);
}

int db_member_score(struct db *db, const char *list, const char *address,
		    int bounce_limit, int bounce_days, const char *reason,
		    struct score *result, struct status *st)
{
	const char *args[] = {list, address, NULL};
	sqlite3_stmt *stmt;
	int	rc, score, today, quiet;
	char	scoretext[32];

	memset(result, 0, sizeof(*result));
	/* today: the last counted bounce was today (UTC); quiet: it is
	 * more than bounce_days old, or there was none. */
	if (db_prepare(db, "SELECT score, coalesce(date(bounced) = "
		       "date('now'), 0), bounced IS NULL OR julianday('now') - "
		       "julianday(bounced) > ?3 FROM members WHERE list = ?1 "
		       "AND address = ?2 AND role = 'member' AND state = "
		       "'enabled'", &stmt, st) < 0)
		return -1;
	db_bind_all(stmt, args);
	/* An integer: a number compared with text is always smaller. */
	sqlite3_bind_int(stmt, 3, bounce_days);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_DONE) {
		sqlite3_finalize(stmt);
		return 0;
	}
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(stmt);
		return db_fail(db, rc, "read bounce score", st);
	}
	score = sqlite3_column_int(stmt, 0);
	today = sqlite3_column_int(stmt, 1);
	quiet = sqlite3_column_int(stmt, 2);
	sqlite3_finalize(stmt);
	if (today) {
		result->score = score;
		return 0;
	}
	score = quiet ? 1 : score + 1;
	snprintf(scoretext, sizeof(scoretext), "%d", score);
	if (db_run(db, "raise bounce score", st, "UPDATE members SET score = "
		   "?3, bounced = CURRENT_TIMESTAMP WHERE list = ?1 AND address "
		   "= ?2 AND role = 'member'", list, address, scoretext,
		   NULL) < 0)
		return -1;
	result->counted = 1;
	result->score = score;
	if (bounce_limit > 0 && score >= bounce_limit) {
		if (db_run(db, "disable member", st, "UPDATE members SET state "
			   "= 'disabled', reason = ?3 WHERE list = ?1 AND "
			   "address = ?2 AND role = 'member'", list, address,
			   reason, NULL) < 0)
			return -1;
		result->disabled = 1;
	}
	return 0;
}

#define BOUNCE_COLUMNS "id, list, member, recipient, received, kind, " \
		       "action, status, diagnostic, mta, file, scored"

static void read_bounce(sqlite3_stmt *stmt, void *row)
{
	struct bounce *b = row;

	b->id = sqlite3_column_int64(stmt, 0);
	b->list = db_text_at(stmt, 1);
	b->member = db_text_at(stmt, 2);
	b->recipient = db_text_at(stmt, 3);
	b->received = db_text_at(stmt, 4);
	b->kind = db_text_at(stmt, 5);
	b->action = db_text_at(stmt, 6);
	b->status = db_text_at(stmt, 7);
	b->diagnostic = db_text_at(stmt, 8);
	b->mta = db_text_at(stmt, 9);
	b->file = db_text_at(stmt, 10);
	b->scored = sqlite3_column_int(stmt, 11);
}

static void free_bounces(void *rows, size_t n)
{
	db_bounces_free(rows, n);
}

int db_bounces(struct db *db, const char *list, const char *address,
	       const char *since, const char *until, struct bounce **out,
	       size_t *n, struct status *st)
{
	const char *args[] = {list ? list : DB_NULL,
			      address ? address : DB_NULL,
			      since ? since : DB_NULL,
			      until ? until : DB_NULL, NULL};

	return db_rows(db, "SELECT " BOUNCE_COLUMNS " FROM bounces WHERE (?1 "
		       "IS NULL OR list = ?1) AND (?2 IS NULL OR member = ?2 OR "
		       "recipient = ?2) AND (?3 IS NULL OR received >= ?3) AND "
		       "(?4 IS NULL OR received <= ?4) ORDER BY id", args, sizeof(**out), read_bounce,
		       free_bounces, (void **)out, n, "read bounces", st);
}

void db_bounces_free(struct bounce *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		g_free(b[i].list);
		g_free(b[i].member);
		g_free(b[i].recipient);
		g_free(b[i].received);
		g_free(b[i].kind);
		g_free(b[i].action);
		g_free(b[i].status);
		g_free(b[i].diagnostic);
		g_free(b[i].mta);
		g_free(b[i].file);
	}
	g_free(b);
}

static void read_disabled(sqlite3_stmt *stmt, void *row)
{
	struct disabled *d = row;

	d->address = db_text_at(stmt, 0);
	d->since = db_text_at(stmt, 1);
	d->reason = db_text_at(stmt, 2);
}

static void free_disabled(void *rows, size_t n)
{
	db_disabled_free(rows, n);
}

int db_disabled_since(struct db *db, const char *list, const char *since,
		      const char *until, struct disabled **out, size_t *n,
		      struct status *st)
{
	const char *args[] = {list, since ? since : DB_NULL,
			      until ? until : DB_NULL, NULL};

	return db_rows(db, "SELECT address, coalesce(since, ''), reason FROM "
		       "members WHERE list = ?1 AND role = 'member' AND state = "
		       "'disabled' AND reason IS NOT NULL AND (?2 IS NULL OR "
		       "since >= ?2) AND (?3 IS NULL OR since <= ?3) ORDER BY "
		       "since, address", args,
		       sizeof(**out), read_disabled, free_disabled,
		       (void **)out, n, "read disabled members", st);
}

void db_disabled_free(struct disabled *d, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		g_free(d[i].address);
		g_free(d[i].since);
		g_free(d[i].reason);
	}
	g_free(d);
}

int db_member_enable(struct db *db, const char *list, const char *address,
		     struct status *st)
{
	return db_run(db, "enable member", st, "UPDATE members SET state = "
		      "'enabled' WHERE list = ?1 AND address = ?2 AND role = "
		      "'member' AND state = 'disabled'", list, address, NULL);
}

int db_list_reported(struct db *db, const char *list, char **at,
		     struct status *st)
{
	const char *args[] = {list, NULL};
	sqlite3_stmt *stmt;
	int	rc;

	*at = NULL;
	if (db_prepare(db, "SELECT reported FROM lists WHERE address = ?1",
		       &stmt, st) < 0)
		return -1;
	db_bind_all(stmt, args);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*at = db_text_at(stmt, 0);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, rc, "read last report time", st);
	return 0;
}

int db_list_set_reported(struct db *db, const char *list, const char *at,
			 struct status *st)
{
	return db_run(db, "record report time", st, "UPDATE lists SET reported "
		      "= ?2 WHERE address = ?1", list, at ? at : DB_NULL,
		      NULL) < 0 ? -1 : 0;
}

int db_now(struct db *db, char **now, struct status *st)
{
	const char *args[] = {NULL};
	sqlite3_stmt *stmt;
	int	rc;

	*now = NULL;
	if (db_prepare(db, "SELECT CURRENT_TIMESTAMP", &stmt, st) < 0)
		return -1;
	db_bind_all(stmt, args);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*now = db_text_at(stmt, 0);
	sqlite3_finalize(stmt);
	return rc == SQLITE_ROW ? 0 : db_fail(db, rc, "read the time", st);
}

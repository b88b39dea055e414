/*
 * settings.c - secret, tokens, sent, texts.
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "db/settings.h"
#include "db/sql.h"

int db_secret(struct db *db, char **secret, struct status *st)
{
	sqlite3_stmt *stmt;
	int	rc;

	*secret = NULL;
	if (db_prepare(db, "SELECT value FROM settings WHERE name = 'secret'",
		       &stmt, st) < 0)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW && sqlite3_column_text(stmt, 0))
		*secret = g_strdup((const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(db, rc, "read secret", st);
	if (*secret == NULL || strlen(*secret) < 32) {
		g_free(*secret);
		*secret = NULL;
		return status_temp(st, "4.3.5", "listpipe: database %s has no "
		    "token secret of 32 characters or more: INSERT OR REPLACE "
		    "INTO settings VALUES ('secret', lower(hex(randomblob(32))))",
		    db->path);
	}
	return 0;
}

int db_token_use(struct db *db, const char *mac, time_t expires,
		 struct status *st)
{
	char	when[32];

	snprintf(when, sizeof(when), "%lld", (long long)expires);
	return db_run(db, "record token", st, "INSERT OR IGNORE INTO "
		      "tokens(mac, expires) VALUES (?1, datetime(?2, "
		      "'unixepoch'))", mac, when, NULL);
}

int db_tokens_expire(struct db *db, struct status *st)
{
	return db_run(db, "expire tokens", st, "DELETE FROM tokens WHERE "
		      "expires < CURRENT_TIMESTAMP", NULL);
}

int db_sent_count(struct db *db, const char *address, const char *list,
		  const char *kind, int seconds, struct status *st)
{
	char	window[32];
	const char *args[] = {address ? address : DB_NULL,
			      list ? list : DB_NULL, kind ? kind : DB_NULL,
			      window, NULL};
	sqlite3_stmt *stmt;
	int	rc, n = 0;

	snprintf(window, sizeof(window), "-%d seconds", seconds);
	if (db_prepare(db, "SELECT count(*) FROM sent WHERE (?1 IS NULL OR "
		       "address = ?1) AND (?2 IS NULL OR list = ?2) AND (?3 IS "
		       "NULL OR kind = ?3) AND at > datetime('now', ?4)",
		       &stmt, st) < 0)
		return -1;
	db_bind_all(stmt, args);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		n = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	return rc == SQLITE_ROW ? n : db_fail(db, rc, "count sent mail", st);
}

int db_sent_add(struct db *db, const char *address, const char *list,
		const char *kind, struct status *st)
{
	return db_run(db, "record sent mail", st, "INSERT INTO sent(address, "
		      "list, kind) VALUES (?1, ?2, ?3)", address, list, kind,
		      NULL) < 0 ? -1 : 0;
}

int db_sent_expire(struct db *db, struct status *st)
{
	return db_run(db, "expire sent mail", st, "DELETE FROM sent WHERE at < "
		      "datetime('now', '-1 day')", NULL);
}

int db_text(struct db *db, const char *list, const char *name,
	    char **subject, char **body, struct status *st)
{
	sqlite3_stmt *stmt;
	int	rc;

	*subject = *body = NULL;
	/* The list's own row first, then '*'; a NULL column falls through. */
	if (db_prepare(db, "SELECT subject, body FROM texts WHERE name = ?2 "
		       "AND list IN (?1, '*') ORDER BY list = '*'", &stmt,
		       st) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, list, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, name, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *s = (const char *)sqlite3_column_text(stmt, 0);
		const char *b = (const char *)sqlite3_column_text(stmt, 1);

		if (*subject == NULL && s)
			*subject = g_strdup(s);
		if (*body == NULL && b)
			*body = g_strdup(b);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		g_free(*subject);
		g_free(*body);
		*subject = *body = NULL;
		return db_fail(db, rc, "read texts", st);
	}
	return 0;
}

/*
 * db.c - open and close the lists database.
 *
 * Every query in src/db/ is a prepared statement with bound parameters;
 * nothing from the envelope is ever pasted into SQL.  Errors carry
 * sqlite's own text up to the status line, so the postmaster sees
 * "database is locked" in the maillog, not a bare "error".
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <glib.h>

#include "common/params.h"
#include "db/sql.h"

int db_fail(struct db *db, int rc, const char *what, struct status *st)
{
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return status_temp(st, "4.3.0",
		    "listpipe: database %s is locked (waited %d s): %s",
		    db->path, DB_BUSY_TIMEOUT_MS / 1000, what);
	if (rc == SQLITE_NOMEM)
		return status_temp(st, "4.3.0", "listpipe: out of memory: %s",
				   what);
	return status_temp(st, "4.3.0", "listpipe: database %s: %s: %s",
			   db->path, what,
			   db->sql ? sqlite3_errmsg(db->sql) : sqlite3_errstr(rc));
}

int db_prepare(struct db *db, const char *sql, sqlite3_stmt **stmt,
	       struct status *st)
{
	int	rc = sqlite3_prepare_v2(db->sql, sql, -1, stmt, NULL);

	if (rc != SQLITE_OK)
		return db_fail(db, rc, "prepare", st);
	return 0;
}

int db_single_row(struct db *db, const char *sql, const char *arg,
		  const char *what, struct status *st)
{
	sqlite3_stmt *stmt;
	int	rc;

	if (db_prepare(db, sql, &stmt, st) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, arg, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return db_fail(db, rc, what, st);
}

const char DB_NULL[] = "";

void db_bind_all(sqlite3_stmt *stmt, const char *const *args)
{
	for (int i = 0; args[i]; i++) {
		if (args[i] == DB_NULL)
			sqlite3_bind_null(stmt, i + 1);
		else
			sqlite3_bind_text(stmt, i + 1, args[i], -1,
					  SQLITE_STATIC);
	}
}

int db_rows(struct db *db, const char *sql, const char *const *args,
	    size_t size, void (*read)(sqlite3_stmt *stmt, void *row),
	    void (*free_rows)(void *rows, size_t n), void **out, size_t *n,
	    const char *what, struct status *st)
{
	GArray *rows = g_array_new(FALSE, TRUE, (guint)size);
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
		g_array_set_size(rows, rows->len + 1);
		read(stmt, rows->data + (size_t)(rows->len - 1) * size);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		guint	len = rows->len;

		free_rows(g_array_free(rows, FALSE), len);
		return db_fail(db, rc, what, st);
	}
	*n = rows->len;
	*out = g_array_free(rows, FALSE);
	return 0;
}

char *db_text_at(sqlite3_stmt *stmt, int col)
{
	const char *v = (const char *)sqlite3_column_text(stmt, col);

	return v ? g_strdup(v) : NULL;
}

int db_run(struct db *db, const char *what, struct status *st,
	   const char *sql, ...)
{
	const char *args[16];
	sqlite3_stmt *stmt;
	va_list	ap;
	int	n = 0;
	int	rc;

	va_start(ap, sql);
	while (n < 15 && (args[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	args[n] = NULL;
	if (db_prepare(db, sql, &stmt, st) < 0)
		return -1;
	db_bind_all(stmt, args);
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return db_fail(db, rc, what, st);
	return sqlite3_changes(db->sql);
}

int db_begin(struct db *db, struct status *st)
{
	/* IMMEDIATE: take the write lock now, inside the busy timeout,
	 * rather than fail half-way with SQLITE_BUSY on the first write. */
	return db_run(db, "begin transaction", st, "BEGIN IMMEDIATE", NULL) < 0
	       ? -1 : 0;
}

int db_flush_each_commit(struct db *db, int flush, struct status *st)
{
	return db_run(db, "set synchronous", st, flush ? "PRAGMA synchronous "
		      "= FULL" : "PRAGMA synchronous = NORMAL", NULL) < 0
	       ? -1 : 0;
}

int db_commit(struct db *db, struct status *st)
{
	return db_run(db, "commit", st, "COMMIT", NULL) < 0 ? -1 : 0;
}

void db_rollback(struct db *db)
{
	if (!sqlite3_get_autocommit(db->sql))
		sqlite3_exec(db->sql, "ROLLBACK", NULL, NULL, NULL);
}

/* pragma_text - the first column of a PRAGMA into buf */
static int pragma_text(struct db *db, const char *sql, const char *what,
		       char *buf, size_t size, struct status *st)
{
	sqlite3_stmt *stmt;
	int	rc;

	if (db_prepare(db, sql, &stmt, st) < 0)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(stmt);
		return db_fail(db, rc, what, st);
	}
	if (snprintf(buf, size, "%s",
		     (const char *)sqlite3_column_text(stmt, 0)
		     ? (const char *)sqlite3_column_text(stmt, 0) : "")
	    >= (int)size)
		buf[size - 1] = 0;
	sqlite3_finalize(stmt);
	return 0;
}

int db_open(struct db **dbp, const char *path, int read_only,
	    struct status *st)
{
	struct db *db;
	struct stat sb;
	int	flags = read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	int	persist = 1;
	int	rc;
	char	version[32];
	long	v;

	*dbp = NULL;
	/* SQLITE_OPEN_CREATE is never given: a typo in -d must not create an
	 * empty database that then refuses every list. */
	if (stat(path, &sb) < 0)
		return status_temp(st, errno == ENOENT ? "4.3.5" : "4.3.0",
		    "listpipe: database %s: %s", path, strerror(errno));
	db = g_new0(struct db, 1);
	db->path = path;
	rc = sqlite3_open_v2(path, &db->sql, flags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		db_fail(db, rc, "open", st);
		db_close(db);
		return -1;
	}
	sqlite3_busy_timeout(db->sql, DB_BUSY_TIMEOUT_MS);
	/* Delivering, keep -wal and -shm when we close, so that Postfix's
	 * sqlite: maps, which may not create them, can always read.  A
	 * reader that only looks (listctl, a dry run) leaves nothing behind
	 * that it created, perhaps as root. */
	if (!read_only)
		sqlite3_file_control(db->sql, "main", SQLITE_FCNTL_PERSIST_WAL,
				     &persist);

	if (pragma_text(db, "PRAGMA user_version", "read schema version",
			version, sizeof(version), st) < 0)
		goto fail;
	v = strtol(version, NULL, 10);
	if (v == 0) {
		status_temp(st, "4.3.5", "listpipe: database %s has no listpipe "
		    "schema (user_version 0): load sql/schema.sql", path);
		goto fail;
	}
	if (v > 0 && v < DB_SCHEMA_VERSION) {
		/* Each upgrade script takes one step; name them all. */
		char	steps[120] = "";
		size_t	used = 0;

		for (long u = v + 1; u <= DB_SCHEMA_VERSION; u++) {
			int	n = snprintf(steps + used, sizeof(steps) - used,
					     "%ssql/upgrade-%ld.sql",
					     u > v + 1 ? " then " : "", u);

			if (n < 0 || (size_t)n >= sizeof(steps) - used)
				break;
			used += (size_t)n;
		}
		status_temp(st, "4.3.5", "listpipe: database %s has schema "
		    "version %ld: upgrade it with %s", path, v, steps);
		goto fail;
	}
	if (v != DB_SCHEMA_VERSION) {
		status_temp(st, "4.3.5", "listpipe: database %s has schema "
		    "version %ld, this listpipe knows %d", path, v,
		    DB_SCHEMA_VERSION);
		goto fail;
	}
	*dbp = db;
	return 0;

fail:
	db_close(db);
	return -1;
}

int db_journal_mode(struct db *db, char *buf, size_t size, struct status *st)
{
	return pragma_text(db, "PRAGMA journal_mode", "read journal mode", buf,
			   size, st);
}

void db_close(struct db *db)
{
	if (db == NULL)
		return;
	sqlite3_close(db->sql);
	g_free(db);
}

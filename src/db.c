/*
 * db.c - read lists and members from SQLite.
 *
 * Every query is a prepared statement with bound parameters; nothing from
 * the envelope is ever pasted into SQL.  Errors carry sqlite's own text
 * up to the status line, so the postmaster sees "database is locked" in
 * the maillog, not a bare "error".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "db.h"
#include "log.h"

struct db {
	sqlite3 *sql;
	const char *path;
};

/* db_fail - turn a sqlite error into a deferral with a useful reason */
static int db_fail(struct db *db, int rc, const char *what, struct status *st)
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

static int prepare(struct db *db, const char *sql, sqlite3_stmt **stmt,
		   struct status *st)
{
	int	rc = sqlite3_prepare_v2(db->sql, sql, -1, stmt, NULL);

	if (rc != SQLITE_OK)
		return db_fail(db, rc, "prepare", st);
	return 0;
}

int db_open(struct db **dbp, const char *path, int read_only,
	    struct status *st)
{
	struct db *db;
	struct stat sb;
	sqlite3_stmt *stmt = NULL;
	int	flags = read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	int	persist = 1;
	int	rc;
	int	version;

	*dbp = NULL;
	/* SQLITE_OPEN_CREATE is never given: a typo in -d must not create an
	 * empty database that then refuses every list. */
	if (stat(path, &sb) < 0)
		return status_temp(st, errno == ENOENT ? "4.3.5" : "4.3.0",
		    "listpipe: database %s: %s", path, strerror(errno));
	if ((db = calloc(1, sizeof(*db))) == NULL)
		return status_temp(st, "4.3.0", "listpipe: out of memory");
	db->path = path;
	rc = sqlite3_open_v2(path, &db->sql, flags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		db_fail(db, rc, "open", st);
		db_close(db);
		return -1;
	}
	sqlite3_busy_timeout(db->sql, DB_BUSY_TIMEOUT_MS);
	/* Keep -wal and -shm when we close, so that Postfix's sqlite: maps,
	 * which may not create them, can always read. */
	sqlite3_file_control(db->sql, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);

	if (prepare(db, "PRAGMA user_version", &stmt, st) < 0)
		goto fail;
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW) {
		db_fail(db, rc, "read schema version", st);
		goto fail;
	}
	version = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (version == 0) {
		status_temp(st, "4.3.5", "listpipe: database %s has no listpipe "
		    "schema (user_version 0): load sql/schema.sql", path);
		goto fail;
	}
	if (version != DB_SCHEMA_VERSION) {
		status_temp(st, "4.3.5", "listpipe: database %s has schema "
		    "version %d, this listpipe knows %d", path, version,
		    DB_SCHEMA_VERSION);
		goto fail;
	}
	*dbp = db;
	return 0;

fail:
	sqlite3_finalize(stmt);
	db_close(db);
	return -1;
}

void db_close(struct db *db)
{
	if (db == NULL)
		return;
	sqlite3_close(db->sql);
	free(db);
}

static int dup_column(sqlite3_stmt *stmt, int col, char **out, int optional)
{
	const char *text = (const char *)sqlite3_column_text(stmt, col);

	*out = NULL;
	if (text == NULL) {
		if (sqlite3_column_type(stmt, col) != SQLITE_NULL)
			return -1;		/* out of memory converting */
		if (optional)
			return 0;
		text = "";
	}
	return (*out = strdup(text)) ? 0 : -1;
}

static const char list_columns[] =
	/* Lower case: an operator's "Team@" must not become "Team-bounces@"
	 * in one place and "team-bounces@" in another. */
	"lower(l.address), lower(l.local), l.domain, "
	"lower(l.local) || '-bounces@' || l.domain, "
	"lower(l.local) || '-owner@' || l.domain, "
	"coalesce(l.name, lower(l.local)), "
	"l.description, l.subject_prefix, l.reply_to, l.help_url, "
	"l.subscribe_url, l.unsubscribe_url, l.owner_url, l.archive_url";

static int read_list(sqlite3_stmt *stmt, int first, struct db_list *list)
{
	char  **required[] = {&list->address, &list->local, &list->domain,
			      &list->bounces, &list->owner, &list->name};
	char  **optional[] = {&list->description, &list->subject_prefix,
			      &list->reply_to, &list->help_url,
			      &list->subscribe_url, &list->unsubscribe_url,
			      &list->owner_url, &list->archive_url};
	int	col = first;

	memset(list, 0, sizeof(*list));
	for (size_t i = 0; i < sizeof(required) / sizeof(*required); i++)
		if (dup_column(stmt, col++, required[i], 0) < 0)
			return -1;
	for (size_t i = 0; i < sizeof(optional) / sizeof(*optional); i++)
		if (dup_column(stmt, col++, optional[i], 1) < 0)
			return -1;
	if (list->reply_to == NULL && (list->reply_to = strdup("poster")) == NULL)
		return -1;
	return 0;
}

int db_find(struct db *db, const char *address, enum db_kind *kind,
	    struct db_list *list, struct status *st)
{
	static const char *const kinds[] = {"post", "bounces", "owner"};
	sqlite3_stmt *stmt;
	char	sql[512];
	const char *k;
	int	rc;

	memset(list, 0, sizeof(*list));
	/* A list literally named like another's -bounces address wins. */
	if (snprintf(sql, sizeof(sql), "SELECT a.kind, %s FROM addresses a "
		     "JOIN lists l ON l.address = a.list WHERE a.address = ?1 "
		     "ORDER BY a.kind <> 'post' LIMIT 1", list_columns)
	    >= (int)sizeof(sql))
		return status_temp(st, "4.3.0", "listpipe: internal error: "
				   "query too long");
	if (prepare(db, sql, &stmt, st) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, address, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_DONE) {
		sqlite3_finalize(stmt);
		return 0;
	}
	if (rc != SQLITE_ROW) {
		db_fail(db, rc, "look up address", st);
		sqlite3_finalize(stmt);
		return -1;
	}
	k = (const char *)sqlite3_column_text(stmt, 0);
	*kind = DB_KIND_POST;
	for (size_t i = 0; k && i < sizeof(kinds) / sizeof(*kinds); i++)
		if (strcmp(k, kinds[i]) == 0)
			*kind = (enum db_kind)i;
	if (read_list(stmt, 1, list) < 0) {
		db_list_free(list);
		sqlite3_finalize(stmt);
		return status_temp(st, "4.3.0", "listpipe: out of memory");
	}
	sqlite3_finalize(stmt);
	return 1;
}

/* single_row - run a one-parameter query; 1 if it returns a row */
static int single_row(struct db *db, const char *sql, const char *arg,
		      const char *what, struct status *st)
{
	sqlite3_stmt *stmt;
	int	rc;

	if (prepare(db, sql, &stmt, st) < 0)
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

int db_list_disabled(struct db *db, const char *address, struct status *st)
{
	return single_row(db, "SELECT 1 FROM lists WHERE address = ?1 "
			  "AND NOT enabled", address, "look up list", st);
}

int db_domain_served(struct db *db, const char *domain, struct status *st)
{
	return single_row(db, "SELECT 1 FROM lists WHERE domain = lower(?1) "
			  "LIMIT 1", domain, "look up domain", st);
}

/* collect - every row's first column, lower-cased by the query */
static int collect(struct db *db, const char *sql, const char *arg,
		   struct address_list *out, const char *what,
		   struct status *st)
{
	sqlite3_stmt *stmt;
	int	rc;

	if (prepare(db, sql, &stmt, st) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, arg, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *a = (const char *)sqlite3_column_text(stmt, 0);
		const char *why = "empty";

		/* One unusable row must not hold the whole list hostage
		 * (one 200 KB address made every sendmail run fail with
		 * E2BIG): skip it, say so, deliver to the rest. */
		if (a == NULL || address_check_member(a, &why) < 0) {
			char	shown[81];
			size_t	k = 0;

			for (; a && a[k] && k < sizeof(shown) - 1; k++)
				shown[k] = (unsigned char)a[k] < 0x20
					   || a[k] == 0x7f ? '?' : a[k];
			shown[k] = 0;
			log_warn("list %s: skipped member <%s%s> (%zu bytes): "
				 "%s", arg, shown, a && a[k] ? "..." : "",
				 a ? strlen(a) : 0, why);
			continue;
		}
		if (address_list_add(out, a) < 0) {
			sqlite3_finalize(stmt);
			return status_temp(st, "4.3.0",
					   "listpipe: out of memory");
		}
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, what, st);
	return 0;
}

/*
 * UNION (not UNION ALL) removes duplicates as it goes, which is also what
 * stops a cycle of lists: a list already expanded adds no new rows.  The
 * first column carries NOCASE so "Bob@x" and "bob@x" are one member.
 * Keep in step with the recipients view in sql/schema.sql (a test checks).
 */
int db_recipients(struct db *db, const char *list, struct address_list *out,
		  struct status *st)
{
	return collect(db,
	    "WITH RECURSIVE expand(address) AS ("
	    "  SELECT ?1 COLLATE NOCASE"
	    "  UNION"
	    "  SELECT m.address FROM expand e"
	    "  JOIN members m ON m.list = e.address"
	    "  JOIN lists l ON l.address = m.list"
	    "  WHERE m.role = 'member' AND m.state = 'enabled' AND l.enabled"
	    ") "
	    "SELECT DISTINCT lower(address) FROM expand "
	    "WHERE address NOT IN (SELECT address FROM lists) ORDER BY 1",
	    list, out, "expand members", st);
}

int db_owners(struct db *db, const char *list, struct address_list *out,
	      struct status *st)
{
	return collect(db,
	    "SELECT DISTINCT lower(address) FROM members WHERE list = ?1 "
	    "AND role = 'owner' AND state = 'enabled' ORDER BY 1",
	    list, out, "read owners", st);
}

void db_list_free(struct db_list *list)
{
	char  **all[] = {&list->address, &list->local, &list->domain,
			 &list->bounces, &list->owner, &list->name, &list->description, &list->subject_prefix,
			 &list->reply_to, &list->help_url, &list->subscribe_url,
			 &list->unsubscribe_url, &list->owner_url,
			 &list->archive_url};

	for (size_t i = 0; i < sizeof(all) / sizeof(*all); i++) {
		free(*all[i]);
		*all[i] = NULL;
	}
}

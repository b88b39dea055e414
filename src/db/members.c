/*
 * members.c - read the members table.
 */
#include <string.h>

#include <glib.h>

#include "common/log.h"
#include "common/text.h"
#include "db/members.h"
#include "db/sql.h"

/* collect - every row's first column, lower-cased by the query */
static int collect(struct db *db, const char *sql, const char *arg,
		   struct address_list *out, const char *what,
		   struct status *st)
{
	sqlite3_stmt *stmt;
	int	rc;

	if (db_prepare(db, sql, &stmt, st) < 0)
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

			g_strlcpy(shown, a ? a : "", sizeof(shown));
			text_scrub(shown, strlen(shown), '?');
			log_warn("list %s: skipped member <%s%s> (%zu bytes): "
				 "%s", arg, shown,
				 a && strlen(a) >= sizeof(shown) ? "..." : "",
				 a ? strlen(a) : 0, why);
			continue;
		}
		address_list_add(out, a);
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

int db_members(struct db *db, const char *list, struct member **out,
	       size_t *n, struct status *st)
{
	sqlite3_stmt *stmt;
	GArray *rows = g_array_new(FALSE, TRUE, sizeof(struct member));
	int	rc;

	*out = NULL;
	*n = 0;
	if (db_prepare(db, "SELECT m.address, m.role, m.state, "
		       "EXISTS (SELECT 1 FROM lists l WHERE l.address = "
		       "m.address) FROM members m WHERE m.list = ?1 "
		       "ORDER BY m.role <> 'owner', m.address", &stmt, st) < 0) {
		g_array_free(rows, TRUE);
		return -1;
	}
	sqlite3_bind_text(stmt, 1, list, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct member m = {
			g_strdup((const char *)sqlite3_column_text(stmt, 0)),
			g_strdup((const char *)sqlite3_column_text(stmt, 1)),
			g_strdup((const char *)sqlite3_column_text(stmt, 2)),
			sqlite3_column_int(stmt, 3),
		};

		g_array_append_val(rows, m);
	}
	sqlite3_finalize(stmt);
	*n = rows->len;
	*out = (struct member *)(void *)g_array_free(rows, FALSE);
	if (rc != SQLITE_DONE) {
		db_members_free(*out, *n);
		*out = NULL;
		*n = 0;
		return db_fail(db, rc, "read members", st);
	}
	return 0;
}

void db_members_free(struct member *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		g_free(m[i].address);
		g_free(m[i].role);
		g_free(m[i].state);
	}
	g_free(m);
}

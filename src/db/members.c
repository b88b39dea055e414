/*
 * members.c - read the members table.
 */
#include <string.h>

#include <glib.h>

#include "common/list.h"
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
	/* The recursion walks the nested lists only, not every member:
	 * half the time of the view's form on a list of 100 000. */
	return collect(db,
	    "WITH RECURSIVE reach(list) AS ("
	    "  SELECT ?1 COLLATE NOCASE"
	    "  UNION"
	    "  SELECT m.address FROM reach r"
	    "  JOIN members m ON m.list = r.list"
	    "  JOIN lists l ON l.address = m.list"
	    "  WHERE m.role = 'member' AND m.state = 'enabled' AND l.enabled"
	    "    AND m.address IN (SELECT address FROM lists)"
	    ") "
	    "SELECT DISTINCT lower(m.address) FROM reach r "
	    "JOIN members m ON m.list = r.list "
	    "JOIN lists l ON l.address = m.list "
	    "WHERE m.role = 'member' AND m.state = 'enabled' AND l.enabled "
	    "AND m.address NOT IN (SELECT address FROM lists) ORDER BY 1",
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

int db_moderators(struct db *db, const char *list, struct address_list *out,
		  struct status *st)
{
	return collect(db, "SELECT DISTINCT lower(address) FROM moderators "
		       "WHERE list = ?1 ORDER BY 1", list, out,
		       "read moderators", st);
}

int db_sender_roles(struct db *db, const char *list, const char *address,
		    unsigned *roles, struct status *st)
{
	/* inside: this list and every list nested in it, through member
	 * rows that are enabled or nomail. */
	static const char sql[] =
	    "WITH RECURSIVE inside(list) AS ("
	    "  SELECT ?1 COLLATE NOCASE"
	    "  UNION"
	    "  SELECT m.address FROM inside i JOIN members m ON m.list = i.list"
	    "  JOIN lists l ON l.address = m.address"
	    "  WHERE m.role = 'member' AND m.state <> 'disabled'"
	    ") "
	    "SELECT role, list = ?1 FROM members WHERE address = ?2"
	    "  AND state <> 'disabled' AND list IN (SELECT list FROM inside) "
	    "UNION ALL "
	    "SELECT 'list', 1 FROM addresses a JOIN members m ON m.list = a.list"
	    "  WHERE a.kind = 'bounces' AND a.address = ?3"
	    "  AND m.address = ?1 AND m.role = 'member'";
	const char *base = address;
	char	stripped[ADDRESS_MAX];
	const char *args[] = {list, address, NULL, NULL};
	sqlite3_stmt *stmt;
	int	rc;

	*roles = 0;
	/* A list's copies come from list-bounces+extension@ once VERP is
	 * on: the bounce address without it. */
	if (address_strip_extension(address, stripped, sizeof(stripped)))
		base = stripped;
	args[2] = base;
	if (db_prepare(db, sql, &stmt, st) < 0)
		return -1;
	db_bind_all(stmt, args);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *role = (const char *)sqlite3_column_text(stmt, 0);
		int	own = sqlite3_column_int(stmt, 1);

		if (role == NULL)
			continue;
		if (strcmp(role, "member") == 0)
			*roles |= ROLE_MEMBER;
		else if (strcmp(role, "list") == 0)
			*roles |= ROLE_LIST;
		/* Owners, moderators and posters of a nested list are
		 * nobody special here; its members are members. */
		else if (own && strcmp(role, "owner") == 0)
			*roles |= ROLE_OWNER;
		else if (own && strcmp(role, "moderator") == 0)
			*roles |= ROLE_MODERATOR;
		else if (own && strcmp(role, "poster") == 0)
			*roles |= ROLE_POSTER;
	}
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? 0 : db_fail(db, rc, "read roles", st);
}

int db_member_add(struct db *db, const char *list, const char *address,
		  const char *role, struct status *st)
{
	return db_run(db, "add member", st, "INSERT OR IGNORE INTO "
		      "members(list, address, role) VALUES (?1, ?2, ?3)",
		      list, address, role, NULL);
}

int db_member_has(struct db *db, const char *list, const char *address,
		  const char *role, struct status *st)
{
	const char *args[] = {list, address, role, NULL};
	sqlite3_stmt *stmt;
	int	rc;

	if (db_prepare(db, "SELECT 1 FROM members WHERE list = ?1 AND "
		       "address = ?2 AND role = ?3", &stmt, st) < 0)
		return -1;
	db_bind_all(stmt, args);
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : db_fail(db, rc, "read member", st);
}

int db_member_remove(struct db *db, const char *list, const char *address,
		     const char *role, struct status *st)
{
	return db_run(db, "remove member", st, "DELETE FROM members WHERE "
		      "list = ?1 AND address = ?2 AND role = ?3", list, address,
		      role, NULL);
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
		       "m.address), m.score FROM members m WHERE m.list = ?1 "
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
			sqlite3_column_int(stmt, 4),
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

/*
 * schema.c - sql/upgrade-2.sql (version 1 to 2), sql/upgrade-3.sql
 * (2 to 3) and sql/upgrade-4.sql (3 to 4) turn an old database into
 * exactly what sql/schema.sql makes, keep every row, and refuse any
 * other version.
 */
#include <criterion/criterion.h>
#include <glib.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "testlib.h"

/* shell - run the sqlite3 shell on db with script as input; exit code */
static int shell(const char *db, const char *script)
{
	char	cmd[2048];

	cr_assert(snprintf(cmd, sizeof(cmd), "sqlite3 %s < %s/%s >/dev/null 2>&1",
			   db, source_dir(), script) < (int)sizeof(cmd));
	return WEXITSTATUS(system(cmd));
}

/* query - every row of sql, columns joined by '|', rows by '\n' */
static char *query(const char *db, const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *stmt;
	GString *out = g_string_new("");

	cr_assert(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
	cr_assert(sqlite3_prepare_v2(h, sql, -1, &stmt, NULL) == SQLITE_OK,
		  "%s: %s", sql, sqlite3_errmsg(h));
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		for (int i = 0; i < sqlite3_column_count(stmt); i++) {
			const char *v = (const char *)sqlite3_column_text(stmt, i);

			g_string_append_printf(out, "%s%s", i ? "|" : "",
					       v ? v : "NULL");
		}
		g_string_append_c(out, '\n');
	}
	sqlite3_finalize(stmt);
	sqlite3_close(h);
	return g_string_free(out, FALSE);
}

/* What must be the same however the database was made: every column of
 * every table and view, and the text of views, triggers and indexes. */
static const char *const shape[] = {
	"SELECT m.type, m.name, p.cid, p.name, p.type, p.\"notnull\", "
	"p.dflt_value, p.pk, p.hidden FROM sqlite_schema m, "
	"pragma_table_xinfo(m.name) p WHERE m.type IN ('table', 'view') "
	"ORDER BY m.name, p.cid",
	"SELECT type, name, tbl_name, sql FROM sqlite_schema "
	"WHERE type IN ('view', 'trigger', 'index') ORDER BY name",
	"PRAGMA user_version",
};

static void old_version(char *path, size_t size, const char *dir, int v)
{
	char	script[64];

	cr_assert(snprintf(path, size, "%s/old.db", dir) < (int)size);
	cr_assert(snprintf(script, sizeof(script), "tests/data/schema-v%d.sql",
			   v) < (int)sizeof(script));
	cr_assert_eq(shell(path, script), 0);
}

/* same_shape - old has exactly the fresh database's shape */
static void same_shape(const char *fresh_db, const char *old)
{
	for (size_t i = 0; i < sizeof(shape) / sizeof(*shape); i++) {
		char   *fresh = query(fresh_db, shape[i]);
		char   *upgraded = query(old, shape[i]);

		cr_expect_str_eq(upgraded, fresh, "%s", shape[i]);
		free(fresh);
		free(upgraded);
	}
}

Test(schema, upgrades_from_version_1_give_the_fresh_schema_and_keep_rows)
{
	struct tdir t;
	char	old[400];

	tdir_make(&t);
	tdir_db(&t, NULL);
	old_version(old, sizeof(old), t.path, 1);
	{
		sqlite3 *h;

		cr_assert(sqlite3_open(old, &h) == SQLITE_OK);
		cr_assert(sqlite3_exec(h,
		    "INSERT INTO lists(address, subject_prefix) VALUES"
		    "  ('team@lists.example.org', '[team]');"
		    "INSERT INTO members(list, address) VALUES"
		    "  ('team@lists.example.org', 'alice@example.net');"
		    "INSERT INTO members(list, address, role, state) VALUES"
		    "  ('team@lists.example.org', 'olga@example.net', 'owner', 'nomail');",
		    NULL, NULL, NULL) == SQLITE_OK);
		sqlite3_close(h);
	}
	cr_expect_neq(shell(old, "sql/upgrade-3.sql"), 0, "3 needs 2 first");
	cr_assert_eq(shell(old, "sql/upgrade-2.sql"), 0);
	cr_assert_eq(shell(old, "sql/upgrade-3.sql"), 0);
	cr_assert_eq(shell(old, "sql/upgrade-4.sql"), 0);
	same_shape(t.db, old);
	char   *rows = query(old, "SELECT list, address, role, state FROM "
				  "members ORDER BY address");

	cr_expect_str_eq(rows,
	    "team@lists.example.org|alice@example.net|member|enabled\n"
	    "team@lists.example.org|olga@example.net|owner|nomail\n");
	free(rows);
	/* Existing lists keep today's behaviour. */
	rows = query(old, "SELECT policy, refused, max_size, oversize, "
			  "subscription, subject_prefix FROM lists");
	cr_expect_str_eq(rows, "open|reject|NULL|reject|closed|[team]\n");
	free(rows);
	rows = query(old, "SELECT length(value), value GLOB '*[^0-9a-f]*' "
			  "FROM settings WHERE name = 'secret'");
	cr_expect_str_eq(rows, "64|0\n", "a 256-bit secret in hex");
	free(rows);
}

Test(schema, upgrade_from_version_2_keeps_every_member_as_it_was)
{
	struct tdir t;
	char	old[400];
	char   *rows;

	tdir_make(&t);
	tdir_db(&t, NULL);
	old_version(old, sizeof(old), t.path, 2);
	{
		sqlite3 *h;

		cr_assert(sqlite3_open(old, &h) == SQLITE_OK);
		cr_assert(sqlite3_exec(h,
		    "INSERT INTO lists(address, policy) VALUES"
		    "  ('team@lists.example.org', 'members');"
		    "INSERT INTO members(list, address, state) VALUES"
		    "  ('team@lists.example.org', 'alice@example.net', 'disabled'),"
		    "  ('team@lists.example.org', 'bob@example.net', 'enabled');",
		    NULL, NULL, NULL) == SQLITE_OK);
		sqlite3_close(h);
	}
	cr_assert_eq(shell(old, "sql/upgrade-3.sql"), 0);
	cr_assert_eq(shell(old, "sql/upgrade-4.sql"), 0);
	same_shape(t.db, old);
	rows = query(old, "SELECT address, state, score, bounced, reason, since "
			  "FROM members ORDER BY address");
	cr_expect_str_eq(rows,
	    "alice@example.net|disabled|0|NULL|NULL|NULL\n"
	    "bob@example.net|enabled|0|NULL|NULL|NULL\n",
	    "nobody changes state, every score starts at 0");
	free(rows);
	rows = query(old, "SELECT policy, bounce_limit, bounce_days, report_to, "
			  "reported FROM lists");
	cr_expect_str_eq(rows, "members|5|7|owners|NULL\n");
	free(rows);
}

Test(schema, upgrade_from_version_3_turns_on_dkim_respect_and_receipt_stripping)
{
	struct tdir t;
	char	old[400];
	char   *rows;

	tdir_make(&t);
	tdir_db(&t, NULL);
	old_version(old, sizeof(old), t.path, 3);
	{
		sqlite3 *h;

		cr_assert(sqlite3_open(old, &h) == SQLITE_OK);
		cr_assert(sqlite3_exec(h,
		    "INSERT INTO lists(address, reply_to) VALUES"
		    "  ('team@lists.example.org', 'list');"
		    "INSERT INTO journal(queue_id, list, batch, recipient) VALUES"
		    "  ('4Q1', 'team@lists.example.org', 0, 'team@lists.example.org');",
		    NULL, NULL, NULL) == SQLITE_OK);
		sqlite3_close(h);
	}
	cr_expect_neq(shell(old, "sql/upgrade-2.sql"), 0, "not for version 3");
	cr_assert_eq(shell(old, "sql/upgrade-4.sql"), 0);
	same_shape(t.db, old);
	rows = query(old, "SELECT reply_to, reply_to_strip, dkim, from_rewrite, "
			  "strip_headers, archive, verp FROM lists");
	cr_expect_str_eq(rows, "list|1|respect|never|Return-Receipt-To "
			 "Disposition-Notification-To X-Confirm-Reading-To|0|1\n",
			 "Reply-To and VERP as before; signed headers and "
			 "receipts new");
	free(rows);
	rows = query(old, "SELECT queue_id, batch, archived FROM journal");
	cr_expect_str_eq(rows, "4Q1|0|NULL\n");
	free(rows);
}

Test(schema, enabling_a_member_again_clears_its_score_and_dates_the_change)
{
	struct tdir t;
	char   *rows;

	tdir_make(&t);
	tdir_db(&t,
	    "INSERT INTO lists(address) VALUES ('team@lists.example.org');"
	    "INSERT INTO members(list, address, state, score, bounced, reason)"
	    "  VALUES ('team@lists.example.org', 'alice@example.net', 'disabled',"
	    "          5, '2026-01-01 00:00:00', 'bounces: 5.1.1');"
	    "UPDATE members SET state = 'enabled' WHERE address = 'alice@example.net'");
	rows = query(t.db, "SELECT state, score, bounced, reason, since IS NOT NULL "
			   "FROM members");
	cr_expect_str_eq(rows, "enabled|0|NULL|NULL|1\n");
	free(rows);
}

Test(schema, upgrades_refuse_a_database_of_another_version)
{
	struct tdir t;
	char   *before;
	char   *after;

	tdir_make(&t);
	tdir_db(&t, "INSERT INTO lists(address) VALUES ('team@lists.example.org')");
	before = query(t.db, "SELECT type, name, sql FROM sqlite_schema ORDER BY name");
	cr_expect_neq(shell(t.db, "sql/upgrade-2.sql"), 0);
	cr_expect_neq(shell(t.db, "sql/upgrade-3.sql"), 0);
	cr_expect_neq(shell(t.db, "sql/upgrade-4.sql"), 0);
	after = query(t.db, "SELECT type, name, sql FROM sqlite_schema ORDER BY name");
	cr_expect_str_eq(after, before, "nothing changed");
	free(before);
	free(after);
}

Test(schema, each_database_gets_its_own_secret)
{
	struct tdir a, b;
	char   *sa, *sb;

	tdir_make(&a);
	tdir_db(&a, NULL);
	tdir_make(&b);
	tdir_db(&b, NULL);
	sa = query(a.db, "SELECT value FROM settings WHERE name = 'secret'");
	sb = query(b.db, "SELECT value FROM settings WHERE name = 'secret'");
	cr_expect_str_neq(sa, sb);
	free(sa);
	free(sb);
}

Test(schema, new_columns_take_only_readable_values)
{
	struct tdir t;
	sqlite3 *h;
	const char *bad[] = {
		"UPDATE lists SET policy = 'closed'",
		"UPDATE lists SET refused = 'bounce'",
		"UPDATE lists SET max_size = 0",
		"UPDATE lists SET oversize = 'discard'",
		"UPDATE lists SET subscription = 'open'",
		"INSERT INTO members(list, address, role) VALUES "
		"('team@lists.example.org', 'x@example.net', 'admin')",
	};

	tdir_make(&t);
	tdir_db(&t, "INSERT INTO lists(address) VALUES ('team@lists.example.org')");
	cr_assert(sqlite3_open(t.db, &h) == SQLITE_OK);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		cr_expect_eq(sqlite3_exec(h, bad[i], NULL, NULL, NULL),
			     SQLITE_CONSTRAINT, "%s", bad[i]);
	cr_expect_eq(sqlite3_exec(h, "UPDATE lists SET policy = 'members', "
				  "refused = 'hold', max_size = 100000, "
				  "oversize = 'hold', subscription = 'confirm'",
				  NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
}

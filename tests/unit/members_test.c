/*
 * expand_test.c - who receives a post: nested lists, duplicates, cycles,
 * member states and roles, against a real database from sql/schema.sql.
 */
#include <criterion/criterion.h>
#include <glib.h>
#include <sqlite3.h>
#include <stdlib.h>

#include "db/db.h"
#include "db/lists.h"
#include "db/members.h"
#include "testlib.h"

static struct tdir t;
static struct db *db;
static GPtrArray *handed_out;	/* strings the helpers returned, freed at the end */

static void open_db(const char *sql)
{
	struct status st;

	tdir_make(&t);
	tdir_db(&t, sql);
	cr_assert_eq(db_open(&db, t.db, 1, &st), 0, "%s", st.reason);
}

static void teardown(void)
{
	db_close(db);
	if (handed_out)
		g_ptr_array_free(handed_out, TRUE);
}

/* keep - remember s for teardown, so assertions may use it inline */
static char *keep(char *s)
{
	if (handed_out == NULL)
		handed_out = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(handed_out, s);
	return s;
}

TestSuite(expand, .fini = teardown);

static char *joined(struct address_list *al)
{
	GString *s = g_string_new(NULL);

	for (size_t i = 0; i < al->n; i++)
		g_string_append_printf(s, "%s%s", i ? " " : "", al->v[i]);
	return g_string_free(s, FALSE);
}

static char *recipients(const char *list)
{
	struct address_list al = {0};
	struct status st;
	char   *s;

	cr_assert_eq(db_recipients(db, list, &al, &st), 0, "%s", st.reason);
	s = joined(&al);
	address_list_free(&al);
	return keep(s);
}

#define LISTS "INSERT INTO lists(address) VALUES ('a@l.example'), " \
	      "('b@l.example'), ('c@l.example');"

Test(expand, nested_lists_are_expanded)
{
	open_db(LISTS
		"INSERT INTO members(list, address) VALUES"
		" ('a@l.example', 'x@m.example'), ('a@l.example', 'b@l.example'),"
		" ('b@l.example', 'y@m.example'), ('b@l.example', 'c@l.example'),"
		" ('c@l.example', 'z@m.example');");
	cr_expect_str_eq(recipients("a@l.example"),
			 "x@m.example y@m.example z@m.example");
	cr_expect_str_eq(recipients("b@l.example"), "y@m.example z@m.example");
}

Test(expand, duplicates_across_lists_and_case_are_removed)
{
	open_db(LISTS
		"INSERT INTO members(list, address) VALUES"
		" ('a@l.example', 'x@m.example'), ('a@l.example', 'B@L.example'),"
		" ('a@l.example', 'c@l.example'),"
		" ('b@l.example', 'X@M.EXAMPLE'), ('c@l.example', 'x@m.example'),"
		" ('c@l.example', 'Y@m.example'), ('b@l.example', 'y@M.example');");
	cr_expect_str_eq(recipients("a@l.example"), "x@m.example y@m.example");
}

Test(expand, cycles_stop)
{
	open_db(LISTS
		"INSERT INTO members(list, address) VALUES"
		" ('a@l.example', 'b@l.example'), ('b@l.example', 'c@l.example'),"
		" ('c@l.example', 'a@l.example'), ('c@l.example', 'z@m.example'),"
		" ('a@l.example', 'a@l.example');");
	cr_expect_str_eq(recipients("a@l.example"), "z@m.example");
	cr_expect_str_eq(recipients("b@l.example"), "z@m.example");
}

Test(expand, states_roles_and_disabled_sublists)
{
	open_db(LISTS
		"INSERT INTO members(list, address, state, role) VALUES"
		" ('a@l.example', 'on@m.example', 'enabled', 'member'),"
		" ('a@l.example', 'nomail@m.example', 'nomail', 'member'),"
		" ('a@l.example', 'off@m.example', 'disabled', 'member'),"
		" ('a@l.example', 'boss@m.example', 'enabled', 'owner'),"
		" ('a@l.example', 'b@l.example', 'enabled', 'member'),"
		" ('b@l.example', 'sub@m.example', 'enabled', 'member'),"
		" ('a@l.example', 'c@l.example', 'nomail', 'member'),"
		" ('c@l.example', 'hidden@m.example', 'enabled', 'member');"
		"UPDATE lists SET enabled = 0 WHERE address = 'b@l.example';");
	cr_expect_str_eq(recipients("a@l.example"), "on@m.example");
}

Test(expand, renaming_or_deleting_a_nested_list_carries_its_membership)
{
	open_db(LISTS
		"INSERT INTO members(list, address) VALUES"
		" ('a@l.example', 'b@l.example'), ('b@l.example', 'y@m.example');"
		"UPDATE lists SET address = 'bee@l.example' WHERE address = 'b@l.example';");
	/* the outer list now holds the new address, still expanded */
	cr_expect_str_eq(recipients("a@l.example"), "y@m.example");
	tdir_sql(&t, "DELETE FROM lists WHERE address = 'bee@l.example'");
	/* no dangling member address that would be mailed as a person */
	cr_expect_str_eq(recipients("a@l.example"), "");
}

Test(expand, list_identity_is_lower_case)
{
	struct list l;
	enum db_kind kind;
	struct status st;

	open_db("INSERT INTO lists(address) VALUES ('Team@Lists.Example');");
	cr_assert_eq(db_find(db, "team-bounces@lists.example", &kind, &l, &st), 1);
	cr_expect_str_eq(l.address, "team@lists.example");
	cr_expect_str_eq(l.local, "team");
	cr_expect_str_eq(l.name, "team");
	db_list_free(&l);
}

Test(expand, schema_refuses_list_addresses_listpipe_cannot_use)
{
	static const char *const bad[] = {
		"no-at-sign", "two@at@signs.example", "team+x@l.example",
		".hidden@l.example", "a/b@l.example", "a b@l.example",
	};
	sqlite3 *sql;

	open_db(NULL);
	cr_assert(sqlite3_open(t.db, &sql) == SQLITE_OK);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		char   *q = sqlite3_mprintf("INSERT INTO lists(address) "
					    "VALUES(%Q)", bad[i]);

		cr_expect_neq(sqlite3_exec(sql, q, NULL, NULL, NULL), SQLITE_OK,
			      "%s was accepted", bad[i]);
		sqlite3_free(q);
	}
	cr_expect_eq(sqlite3_exec(sql, "INSERT INTO lists(address) "
				  "VALUES('team-2.x_y@l.example')", NULL, NULL,
				  NULL), SQLITE_OK);
	sqlite3_close(sql);
}

Test(expand, owners_are_separate)
{
	struct address_list al = {0};
	struct status st;

	open_db(LISTS
		"INSERT INTO members(list, address, role) VALUES"
		" ('a@l.example', 'Boss@m.example', 'owner'),"
		" ('a@l.example', 'boss@m.example', 'member'),"
		" ('a@l.example', 'deputy@m.example', 'owner');");
	cr_assert_eq(db_owners(db, "a@l.example", &al, &st), 0);
	cr_expect_str_eq(keep(joined(&al)), "boss@m.example deputy@m.example");
	address_list_free(&al);
	cr_expect_str_eq(recipients("a@l.example"), "boss@m.example");
}

Test(expand, program_and_recipients_view_agree)
{
	sqlite3 *sql;
	sqlite3_stmt *stmt;
	const char *lists[] = {"a@l.example", "b@l.example", "c@l.example"};

	open_db(LISTS
		"INSERT INTO members(list, address, state) VALUES"
		" ('a@l.example', 'x@m.example', 'enabled'),"
		" ('a@l.example', 'b@l.example', 'enabled'),"
		" ('b@l.example', 'Y@m.example', 'enabled'),"
		" ('b@l.example', 'n@m.example', 'nomail'),"
		" ('b@l.example', 'a@l.example', 'enabled'),"
		" ('c@l.example', 'x@M.example', 'enabled');");
	cr_assert(sqlite3_open(t.db, &sql) == SQLITE_OK);
	for (size_t i = 0; i < 3; i++) {
		GString *view = g_string_new(NULL);

		sqlite3_prepare_v2(sql, "SELECT address FROM recipients WHERE "
				   "list = ?1 ORDER BY 1", -1, &stmt, NULL);
		sqlite3_bind_text(stmt, 1, lists[i], -1, SQLITE_STATIC);
		while (sqlite3_step(stmt) == SQLITE_ROW)
			g_string_append_printf(view, "%s%s", view->len ? " " : "",
					       sqlite3_column_text(stmt, 0));
		sqlite3_finalize(stmt);
		cr_expect_str_eq(recipients(lists[i]), view->str, "%s", lists[i]);
		g_string_free(view, TRUE);
	}
	sqlite3_close(sql);
}

Test(expand, lookup_kinds_and_served_domains)
{
	struct list l;
	enum db_kind kind;
	struct status st;

	open_db(LISTS "UPDATE lists SET enabled = 0 WHERE address = 'c@l.example';");
	cr_expect_eq(db_find(db, "a@l.example", &kind, &l, &st), 1);
	cr_expect_eq(kind, DB_KIND_POST);
	cr_expect_str_eq(l.name, "a");	/* name defaults to the local part */
	cr_expect_str_eq(l.reply_to, "poster");
	db_list_free(&l);
	cr_expect_eq(db_find(db, "A-Bounces@L.EXAMPLE", &kind, &l, &st), 1);
	cr_expect_eq(kind, DB_KIND_BOUNCES);
	cr_expect_str_eq(l.address, "a@l.example");
	db_list_free(&l);
	cr_expect_eq(db_find(db, "b-owner@l.example", &kind, &l, &st), 1);
	cr_expect_eq(kind, DB_KIND_OWNER);
	db_list_free(&l);
	cr_expect_eq(db_find(db, "a-request@l.example", &kind, &l, &st), 1);
	cr_expect_eq(kind, DB_KIND_REQUEST);
	cr_expect_str_eq(l.request, "a-request@l.example");
	/* Version 2's settings, with the defaults of today's behaviour */
	cr_expect_eq(l.policy, POLICY_OPEN);
	cr_expect_eq(l.refused, ACTION_REJECT);
	cr_expect_eq(l.max_size, 0);
	cr_expect_eq(l.subscription, SUBSCRIPTION_CLOSED);
	cr_expect_eq(l.hold_days, 14);
	db_list_free(&l);
	cr_expect_eq(db_find(db, "x-request@l.example", &kind, &l, &st), 0);
	/* disabled: no post address, but bounces still come in */
	cr_expect_eq(db_find(db, "c@l.example", &kind, &l, &st), 0);
	cr_expect_eq(db_list_disabled(db, "c@l.example", &st), 1);
	cr_expect_eq(db_find(db, "c-bounces@l.example", &kind, &l, &st), 1);
	db_list_free(&l);
	cr_expect_eq(db_domain_served(db, "L.Example", &st), 1);
	cr_expect_eq(db_domain_served(db, "example.org", &st), 0);
}

Test(expand, a_setting_written_with_checks_off_makes_the_list_unusable)
{
	struct list l;
	enum db_kind kind;
	struct status st;

	open_db(LISTS "PRAGMA ignore_check_constraints = 1;"
		"UPDATE lists SET policy = 'everyone' WHERE address = 'a@l.example';");
	cr_expect_eq(db_find(db, "a@l.example", &kind, &l, &st), -1);
	cr_expect_eq(st.outcome, OUTCOME_TEMP);
	cr_expect(strstr(st.reason, "list a@l.example has an unknown policy")
		  != NULL, "%s", st.reason);
}

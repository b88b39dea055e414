/*
 * lookup.c - listpipe's db_find and the addresses view (which Postfix's
 * RCPT-time lookup reads) give the same answer for every address.
 */
#include <criterion/criterion.h>
#include <glib.h>
#include <string.h>

#include "common.h"
#include "db/db.h"
#include "db/lists.h"
#include "sent.h"

Test(lookup, db_find_answers_what_the_addresses_view_says)
{
	static const char *const addresses[] = {
		"team@lists.example.org", "team-bounces@lists.example.org",
		"team-owner@lists.example.org", "team-request@lists.example.org",
		"x-bounces@lists.example.org", "x@lists.example.org",
		"x-bounces-bounces@lists.example.org", "off@lists.example.org",
		"off-bounces@lists.example.org", "off-owner@lists.example.org",
		"nosuch@lists.example.org", "-bounces@lists.example.org",
		"team-bounces@other.example", "team@lists.example.org.evil",
		"teambounces@lists.example.org", "team-owne@lists.example.org",
	};
	static const char *const kinds[] = {"post", "bounces", "owner",
					    "request"};
	struct tdir t;
	struct db *db;
	struct status st;

	/* A list literally called x-bounces beside a list x, and a list
	 * that takes no posts. */
	fixture(&t, "INSERT INTO lists(address) VALUES ('x@lists.example.org'),"
		"  ('x-bounces@lists.example.org');"
		"INSERT INTO lists(address, enabled) VALUES ('off@lists.example.org', 0)");
	cr_assert_eq(db_open(&db, t.db, 1, &st), 0, "%s", st.reason);
	for (size_t i = 0; i < G_N_ELEMENTS(addresses); i++) {
		struct list l = {0};
		enum db_kind kind;
		int	found = db_find(db, addresses[i], &kind, &l, &st);
		char   *view = q_text(&t, "SELECT list || ' ' || kind FROM "
				      "addresses WHERE address = '%s' ORDER BY "
				      "kind <> 'post' LIMIT 1", addresses[i]);
		char   *mine = found == 1 ? g_strdup_printf("%s %s", l.address,
					    kinds[kind]) : NULL;

		cr_expect(found >= 0, "%s: %s", addresses[i], st.reason);
		cr_expect((view == NULL && mine == NULL)
			  || (view && mine && strcmp(view, mine) == 0),
			  "%s: view says %s, db_find %s", addresses[i],
			  view ? view : "nothing", mine ? mine : "nothing");
		g_free(view);
		g_free(mine);
		db_list_free(&l);
	}
	db_close(db);
}

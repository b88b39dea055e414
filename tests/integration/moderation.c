/*
 * moderation.c - posting policies and the held queue, through the real
 * binaries: who may post to which list, what a refused, oversized or
 * automatic post becomes, what moderators are told, and every way a
 * held post leaves the queue (listctl, a moderator's mail, the poster's
 * withdrawal, expiry).
 *
 * Tokens are read from the Subject of the notice the fake sendmail
 * recorded, and sent back to LIST-request@ as the envelope sender a
 * moderator or poster would use.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <glib.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"
#include "sent.h"

#define MEMBERS	"alice@example.net\nbob@example.net\n"

static char *held_dir(struct tdir *t)
{
	return g_strdup_printf("%s/held/" TEAM "/new", t->spool);
}

/* files_in - how many files dir has; 0 when there is no dir */
static int files_in(const char *dir)
{
	DIR    *d = opendir(dir);
	struct dirent *e;
	int	n = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static int held_files(struct tdir *t)
{
	char   *dir = held_dir(t);
	int	n = files_in(dir);

	g_free(dir);
	return n;
}

/* message - a post from someone to team@ */
static char *message(const char *from, const char *subject)
{
	static int n;

	return g_strdup_printf("From: %s\nTo: " TEAM "\nSubject: %s\n"
			       "Message-ID: <post-%d@example.net>\n\n"
			       "What do you think?\n", from, subject, ++n);
}

/* to_robot - a mail to team-request@ from sender */
static void to_robot(struct run *r, struct tdir *t, const char *sender,
		     const char *subject, const char *body)
{
	char   *msg = g_strdup_printf("From: %s\nTo: " REQUEST "\n"
				      "Subject: %s\nMessage-ID: "
				      "<cmd-%s@example.net>\n\n%s", sender,
				      subject, sender, body);

	lp_run(r, t, msg, sender, REQUEST);
	cr_expect_eq(r->exit_code, 0, "robot: %s", r->output);
	g_free(msg);
}

/* runs_to - how many runs went to exactly rcpts */
static int runs_to(struct tdir *t, const char *rcpts)
{
	int	n = 0;

	for (int i = run_to(t, rcpts, 0); i; i = run_to(t, rcpts, i))
		n++;
	return n;
}

/* hold_fixture - team@ holds what its policy refuses */
static void hold_fixture(struct tdir *t, const char *policy,
			 const char *extra)
{
	char   *sql = g_strdup_printf("UPDATE lists SET policy = '%s', "
				      "refused = 'hold';%s", policy,
				      extra ? extra : "");

	fixture(t, sql);
	g_free(sql);
}

/* hold_post - carol's POST, held; the notice to olga is run 1 */
static void hold_post(struct tdir *t)
{
	struct run r;

	lp_run(&r, t, POST, "carol@example.com", TEAM);
	cr_assert_eq(r.exit_code, 0, "%s", r.output);
	cr_assert_eq(q_int(t, "SELECT count(*) FROM held WHERE id = 1 AND "
			   "state = 'held'"), 1, "not held: %s", r.output);
	cr_assert_eq(sent_count(t), 1);
	cr_assert_eq(run_to(t, "olga@example.net\n", 0), 1);
	run_free(&r);
}

/* ---- who may post ------------------------------------------------ */

Test(moderation, stranger_on_a_members_list_is_rejected_5_7_1_naming_the_owner)
{
	struct tdir t;
	struct run r;

	fixture(&t, "UPDATE lists SET policy = 'members'");
	lp_run(&r, &t, POST, "carol@example.com", TEAM);
	cr_expect_eq(r.exit_code, 77, "%s", r.output);
	cr_expect(strncmp(r.output, "5.7.1 ", 6) == 0, "%s", r.output);
	cr_expect(strstr(r.output, "<team@lists.example.org>") != NULL,
		  "%s", r.output);
	cr_expect(strstr(r.output, "team-owner@lists.example.org") != NULL,
		  "%s", r.output);
	cr_expect(strstr(r.output, "only members may post") != NULL, "%s",
		  r.output);
	cr_expect_eq(sent_count(&t), 0);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM held"), 0);
	run_free(&r);
}

Test(moderation, stranger_on_a_discarding_list_is_dropped_silently)
{
	struct tdir t;
	struct run r;
	char   *log;

	fixture(&t, "UPDATE lists SET policy = 'members', refused = 'discard'");
	lp_run(&r, &t, POST, "carol@example.com", TEAM);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_expect_eq(r.output_len, 0, "%s", r.output);
	cr_expect_eq(sent_count(&t), 0);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM held"), 0);
	cr_expect_eq(held_files(&t), 0);
	log = log_of(&t);
	cr_expect(strstr(log, "status=discarded") != NULL, "%s", log);
	free(log);
	run_free(&r);
}

Test(moderation, stranger_on_a_holding_list_is_kept_byte_for_byte)
{
	struct tdir t;
	struct run r;
	size_t	len;
	char   *dir, *stored, *file;
	DIR    *d;
	struct dirent *e;
	char	name[256] = "";

	hold_fixture(&t, "members", NULL);
	lp_run(&r, &t, POST, "carol@example.com", TEAM);
	cr_assert_eq(r.exit_code, 0, "%s", r.output);
	cr_expect_eq(r.output_len, 0, "%s", r.output);
	dir = held_dir(&t);
	stored = only_file_in(dir, &len);
	cr_expect_eq(len, strlen(POST));
	cr_expect(memcmp(stored, POST, strlen(POST)) == 0, "%s", stored);
	d = opendir(dir);
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			g_strlcpy(name, e->d_name, sizeof(name));
	closedir(d);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM held"), 1);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM held WHERE list = '" TEAM
			   "' AND sender = 'carol@example.com' AND author = "
			   "'carol@example.com' AND subject = 'Lunch on "
			   "Friday?' AND size = %zu AND state = 'held' AND "
			   "expires > datetime('now', '+13 days')",
			   strlen(POST)), 1);
	file = q_text(&t, "SELECT file FROM held");
	cr_expect_str_eq(file, name);
	{
		/* a stranger's post is private until a moderator says */
		char   *path = g_strdup_printf("%s/%s", dir, name);
		struct stat sb;

		cr_expect(stat(path, &sb) == 0 && (sb.st_mode & 077) == 0,
			  "held file mode %o", sb.st_mode & 0777);
		g_free(path);
	}
	/* Nothing reached the members. */
	cr_expect_eq(run_to(&t, MEMBERS, 0), 0);
	g_free(file);
	free(stored);
	g_free(dir);
	run_free(&r);
}

Test(moderation, held_file_leaves_out_the_mbox_envelope_line)
{
	struct tdir t;
	struct run r;
	size_t	len;
	char   *dir, *stored;

	hold_fixture(&t, "members", NULL);
	lp_run(&r, &t, "From carol@example.com Sat Nov 21 05:00:00 2026\n"
		POST, "carol@example.com", TEAM);
	cr_assert_eq(r.exit_code, 0, "%s", r.output);
	dir = held_dir(&t);
	stored = only_file_in(dir, &len);
	cr_expect_eq(len, strlen(POST));
	cr_expect(memcmp(stored, POST, strlen(POST)) == 0, "%s", stored);
	cr_expect_eq(q_int(&t, "SELECT size FROM held"), (long long)strlen(POST));
	free(stored);
	g_free(dir);
	run_free(&r);
}

/* the message/rfc822 part of msg: *alen bytes, up to the newline that
 * belongs to the closing delimiter */
static const char *attached(const char *msg, size_t len, size_t *alen)
{
	char   *ct = header_value(msg, len, "Content-Type");
	const char *b = ct ? strstr(ct, "boundary=\"") : NULL;
	char   *close;
	const char *part, *start, *end;

	cr_assert_not_null(b, "no boundary: %s", ct);
	b += 10;
	close = g_strdup_printf("\n--%.*s--", (int)strcspn(b, "\""), b);
	part = strstr(msg, "Content-Type: message/rfc822");
	cr_assert_not_null(part, "no message/rfc822 part: %s", msg);
	start = strstr(part, "\n\n");
	cr_assert_not_null(start);
	start += 2;
	end = strstr(start, close);
	cr_assert_not_null(end, "no %s", close);
	*alen = (size_t)(end - start);
	g_free(close);
	free(ct);
	return start;
}

Test(moderation, owner_is_told_of_a_held_post_with_the_post_attached)
{
	struct tdir t;
	struct run r;
	size_t	len, alen;
	char   *msg, *args, *from;
	const char *att;

	hold_fixture(&t, "members", NULL);
	lp_run(&r, &t, POST, "carol@example.com", TEAM);
	cr_assert_eq(r.exit_code, 0, "%s", r.output);
	/* One notice: the owner's (no moderators); nothing to carol, a
	 * stranger. */
	cr_assert_eq(sent_count(&t), 1);
	args = sent_args(&t, 1);
	cr_expect_str_eq(args, ARGS_TO("olga@example.net\n"));
	msg = sent_message(&t, 1, &len);
	cr_expect_str_eq(header_value(msg, len, "Auto-Submitted"),
			 "auto-generated");
	cr_expect_str_eq(header_value(msg, len, "To"), "olga@example.net");
	from = header_value(msg, len, "From");
	cr_expect(strstr(from, "<" REQUEST ">") != NULL, "From: %s", from);
	cr_expect(strncmp(header_value(msg, len, "Subject"), "approve m1.", 11)
		  == 0, "%s", header_value(msg, len, "Subject"));
	cr_expect(strstr(header_value(msg, len, "Content-Type"),
			 "multipart/mixed") != NULL);
	att = attached(msg, len, &alen);
	cr_expect_eq(alen, strlen(POST), "attached %zu bytes: %.*s", alen,
		     (int)alen, att);
	cr_expect(memcmp(att, POST, strlen(POST)) == 0, "%.*s", (int)alen, att);
	/* The text says who and what. */
	cr_expect(strstr(msg, "From:    carol@example.com") != NULL, "%s", msg);
	cr_expect(strstr(msg, "Subject: Lunch on Friday?") != NULL, "%s", msg);
	cr_expect(strstr(msg, "listctl release 1") != NULL, "%s", msg);
	every_mail_is_filled_in(&t);
	free(from);
	free(args);
	free(msg);
	run_free(&r);
}

Test(moderation, moderator_is_told_instead_of_the_owner)
{
	struct tdir t;
	struct run r;

	hold_fixture(&t, "members", "INSERT INTO members(list, address, role) "
		     "VALUES ('" TEAM "', 'mia@example.net', 'moderator');");
	lp_run(&r, &t, POST, "carol@example.com", TEAM);
	cr_assert_eq(r.exit_code, 0, "%s", r.output);
	cr_expect_eq(sent_count(&t), 1);
	cr_expect_eq(run_to(&t, "mia@example.net\n", 0), 1);
	cr_expect_eq(run_to(&t, "olga@example.net\n", 0), 0);
	run_free(&r);
}

Test(moderation, held_post_notice_goes_to_each_moderator_once)
{
	struct tdir t;
	struct run r;

	hold_fixture(&t, "members", "INSERT INTO members(list, address, role) "
		     "VALUES ('" TEAM "', 'mia@example.net', 'moderator'),"
		     "('" TEAM "', 'MAX@example.net', 'moderator'),"
		     "('" TEAM "', 'mia@example.net', 'owner'),"
		     "('" TEAM "', 'mia@example.net', 'member');"
		     "INSERT INTO members(list, address, role, state) VALUES "
		     "('" TEAM "', 'nell@example.net', 'moderator', 'nomail');");
	lp_run(&r, &t, POST, "carol@example.com", TEAM);
	cr_assert_eq(r.exit_code, 0, "%s", r.output);
	cr_expect_eq(sent_count(&t), 2);
	cr_expect_eq(runs_to(&t, "mia@example.net\n"), 1);
	cr_expect_eq(runs_to(&t, "max@example.net\n"), 1);
	cr_expect_eq(runs_to(&t, "olga@example.net\n"), 0);
	cr_expect_eq(runs_to(&t, "nell@example.net\n"), 0);
	run_free(&r);
}

Test(moderation, announce_list_refuses_a_member)
{
	struct tdir t;
	struct run r;
	char   *msg = message("Alice <alice@example.net>", "news");

	fixture(&t, "UPDATE lists SET policy = 'announce'");
	lp_run(&r, &t, msg, "alice@example.net", TEAM);
	cr_expect_eq(r.exit_code, 77, "%s", r.output);
	cr_expect(strncmp(r.output, "5.7.1 <team@lists.example.org>: only its "
			  "owners, moderators and posters may post", 66) == 0,
		  "%s", r.output);
	cr_expect_eq(sent_count(&t), 0);
	g_free(msg);
	run_free(&r);
}

Test(moderation, announce_list_takes_a_poster)
{
	struct tdir t;
	struct run r;
	char   *msg = message("Pete <Pete@Example.net>", "news");

	fixture(&t, "UPDATE lists SET policy = 'announce';"
		"INSERT INTO members(list, address, role) VALUES "
		"('" TEAM "', 'pete@example.net', 'poster')");
	lp_run(&r, &t, msg, "bounces+pete@mail.example.net", TEAM);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	/* A poster receives nothing: the members get it, pete does not. */
	cr_expect_eq(sent_count(&t), 1);
	cr_expect_eq(run_to(&t, MEMBERS, 0), 1);
	g_free(msg);
	run_free(&r);
}

Test(moderation, members_list_takes_a_member_and_the_owner)
{
	struct tdir t;
	struct run r;
	char   *alice = message("alice@example.net", "one");
	char   *olga = message("Olga <olga@example.net>", "two");

	fixture(&t, "UPDATE lists SET policy = 'members'");
	lp_run(&r, &t, alice, "alice@example.net", TEAM);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	run_free(&r);
	lp_run(&r, &t, olga, "olga@example.net", TEAM);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_expect_eq(runs_to(&t, MEMBERS), 2);
	g_free(alice);
	g_free(olga);
	run_free(&r);
}

Test(moderation, members_list_judges_the_from_address_not_the_envelope)
{
	struct tdir t;
	struct run r;
	/* A member's envelope sender, a stranger's From: refused. */
	char   *msg = message("carol@example.com", "hi");

	fixture(&t, "UPDATE lists SET policy = 'members'");
	lp_run(&r, &t, msg, "alice@example.net", TEAM);
	cr_expect_eq(r.exit_code, 77, "%s", r.output);
	cr_expect_eq(sent_count(&t), 0);
	g_free(msg);
	run_free(&r);
}

Test(moderation, disabled_member_row_is_no_member)
{
	struct tdir t;
	struct run r;
	char   *msg = message("alice@example.net", "hi");

	fixture(&t, "UPDATE lists SET policy = 'members';"
		"UPDATE members SET state = 'disabled' "
		"WHERE address = 'alice@example.net'");
	lp_run(&r, &t, msg, "alice@example.net", TEAM);
	cr_expect_eq(r.exit_code, 77, "%s", r.output);
	cr_expect_eq(sent_count(&t), 0);
	g_free(msg);
	run_free(&r);
}

Test(moderation, moderated_list_holds_a_member_and_tells_her_how_to_withdraw)
{
	struct tdir t;
	struct run r;
	char   *msg = message("Alice <alice@example.net>", "draft");
	int	note;
	size_t	len;
	char   *m;

	fixture(&t, "UPDATE lists SET policy = 'moderated'");
	lp_run(&r, &t, msg, "alice@example.net", TEAM);
	cr_assert_eq(r.exit_code, 0, "%s", r.output);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM held WHERE state = "
			   "'held' AND author = 'alice@example.net'"), 1);
	cr_expect_eq(held_files(&t), 1);
	cr_expect_eq(run_to(&t, MEMBERS, 0), 0, "distributed");
	cr_expect_eq(runs_to(&t, "olga@example.net\n"), 1);
	note = run_to(&t, "alice@example.net\n", 0);
	cr_assert(note > 0, "no note to the poster");
	m = sent_message(&t, note, &len);
	cr_expect(strncmp(header_value(m, len, "Subject"), "withdraw w1.", 12)
		  == 0, "%s", header_value(m, len, "Subject"));
	cr_expect_str_eq(header_value(m, len, "Auto-Submitted"),
			 "auto-replied");
	cr_expect_str_eq(header_value(m, len, "In-Reply-To"),
			 "<post-1@example.net>");
	every_mail_is_filled_in(&t);
	cr_expect_eq(sent_count(&t), 2);
	free(m);
	g_free(msg);
	run_free(&r);
}

Test(moderation, moderated_list_passes_a_moderator)
{
	struct tdir t;
	struct run r;
	char   *msg = message("mia@example.net", "agenda");

	fixture(&t, "UPDATE lists SET policy = 'moderated';"
		"INSERT INTO members(list, address, role) VALUES "
		"('" TEAM "', 'mia@example.net', 'moderator')");
	lp_run(&r, &t, msg, "mia@example.net", TEAM);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM held"), 0);
	cr_expect_eq(sent_count(&t), 1);
	cr_expect_eq(run_to(&t, MEMBERS, 0), 1);
	g_free(msg);
	run_free(&r);
}

Test(moderation, moderated_list_holds_even_when_refused_says_reject)
{
	struct tdir t;
	struct run r;

	fixture(&t, "UPDATE lists SET policy = 'moderated', refused = 'reject'");
	lp_run(&r, &t, POST, "carol@example.com", TEAM);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM held"), 1);
	run_free(&r);
}

Test(moderation, member_of_a_nested_list_may_post_to_the_outer_list)
{
	struct tdir t;
	struct run r;
	char   *msg = message("Dave <DAVE@example.net>", "from the sub-list");

	fixture(&t, "UPDATE lists SET policy = 'members';"
		"INSERT INTO lists(address) VALUES ('sub@lists.example.org');"
		"INSERT INTO members(list, address) VALUES "
		"('" TEAM "', 'sub@lists.example.org'),"
		"('sub@lists.example.org', 'dave@example.net');");
	lp_run(&r, &t, msg, "dave@example.net", TEAM);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_expect_eq(run_to(&t, "alice@example.net\nbob@example.net\n"
			    "dave@example.net\n", 0), 1);
	g_free(msg);
	run_free(&r);
}

Test(moderation, owner_of_a_nested_list_is_only_a_member_of_the_outer_list)
{
	struct tdir t;
	struct run r;
	char   *msg = message("sam@example.net", "announcement");

	fixture(&t, "UPDATE lists SET policy = 'announce';"
		"INSERT INTO lists(address) VALUES ('sub@lists.example.org');"
		"INSERT INTO members(list, address) VALUES "
		"('" TEAM "', 'sub@lists.example.org');"
		"INSERT INTO members(list, address, role) VALUES "
		"('sub@lists.example.org', 'sam@example.net', 'owner');");
	lp_run(&r, &t, msg, "sam@example.net", TEAM);
	cr_expect_eq(r.exit_code, 77, "%s", r.output);
	cr_expect_eq(sent_count(&t), 0);
	g_free(msg);
	run_free(&r);
}

/* a copy that outer@ distributed, as it reaches team@ */
#define OUTER_COPY \
	"From: Carol <carol@example.com>\n" \
	"To: outer@lists.example.org\n" \
	"Subject: [outer] Lunch on Friday?\n" \
	"Message-ID: <lunch-2@example.com>\n" \
	"List-Id: <outer.lists.example.org>\n" \
	"Precedence: bulk\n" \
	"X-Loop: outer@lists.example.org\n" \
	"Sender: outer-bounces@lists.example.org\n" \
	"\n" \
	"Shall we?\n"

static void outer_copy_is_distributed(const char *envelope)
{
	struct tdir t;
	struct run r;

	fixture(&t, "UPDATE lists SET policy = 'members', max_size = 10;"
		"INSERT INTO lists(address) VALUES ('outer@lists.example.org');"
		"INSERT INTO members(list, address) VALUES "
		"('outer@lists.example.org', '" TEAM "');");
	lp_run(&r, &t, OUTER_COPY, envelope, TEAM);
	cr_expect_eq(r.exit_code, 0, "%s: %s", envelope, r.output);
	cr_expect_eq(run_to(&t, MEMBERS, 0), 1, "%s: not distributed", envelope);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM held"), 0);
	run_free(&r);
}

Test(moderation, copy_from_an_outer_list_of_ours_passes_a_members_only_list)
{
	outer_copy_is_distributed("outer-bounces@lists.example.org");
}

Test(moderation, verp_copy_from_an_outer_list_of_ours_passes_too)
{
	outer_copy_is_distributed("outer-bounces+team=lists.example.org"
				  "@lists.example.org");
}

Test(moderation, list_that_does_not_have_team_as_member_is_a_stranger)
{
	struct tdir t;
	struct run r;

	/* other@ is ours, but team@ is not on it: its copy is no copy. */
	fixture(&t, "UPDATE lists SET policy = 'members';"
		"INSERT INTO lists(address) VALUES ('other@lists.example.org');");
	lp_run(&r, &t, POST, "other-bounces@lists.example.org", TEAM);
	cr_expect_eq(r.exit_code, 77, "%s", r.output);
	cr_expect_eq(sent_count(&t), 0);
	run_free(&r);
}

/* ---- size -------------------------------------------------------- */

Test(moderation, post_over_the_size_limit_is_rejected_5_3_4)
{
	struct tdir t;
	struct run r;
	char   *sql = g_strdup_printf("UPDATE lists SET max_size = %zu",
				      strlen(POST) - 1);
	char   *want = g_strdup_printf("5.3.4 <team@lists.example.org>: "
				       "message of %zu bytes is over the "
				       "list's limit of %zu bytes", strlen(POST),
				       strlen(POST) - 1);

	fixture(&t, sql);
	lp_run(&r, &t, POST, "carol@example.com", TEAM);
	cr_expect_eq(r.exit_code, 65, "%s", r.output);
	cr_expect(strncmp(r.output, want, strlen(want)) == 0, "got %s, want %s",
		  r.output, want);
	cr_expect_eq(sent_count(&t), 0);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM held"), 0);
	g_free(want);
	g_free(sql);
	run_free(&r);
}

Test(moderation, post_exactly_at_the_size_limit_is_sent)
{
	struct tdir t;
	struct run r;
	char   *sql = g_strdup_printf("UPDATE lists SET max_size = %zu",
				      strlen(POST));

	fixture(&t, sql);
	/* pipe(8)'s envelope line does not count. */
	lp_run(&r, &t, "From carol@example.com Sat Nov 21 05:00:00 2026\n"
		POST, "carol@example.com", TEAM);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_expect_eq(run_to(&t, MEMBERS, 0), 1);
	g_free(sql);
	run_free(&r);
}

Test(moderation, oversize_hold_holds_a_post_over_the_limit)
{
	struct tdir t;
	struct run r;
	char   *reason;

	fixture(&t, "UPDATE lists SET max_size = 100, oversize = 'hold'");
	lp_run(&r, &t, POST, "carol@example.com", TEAM);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_expect_eq(run_to(&t, MEMBERS, 0), 0, "distributed");
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM held WHERE state = "
			   "'held'"), 1);
	cr_expect_eq(held_files(&t), 1);
	reason = q_text(&t, "SELECT reason FROM held");
	cr_expect(reason && strstr(reason, "over the list's limit of 100 bytes"),
		  "%s", reason);
	cr_expect_eq(runs_to(&t, "olga@example.net\n"), 1);
	g_free(reason);
	run_free(&r);
}

/* ---- automatic mail ---------------------------------------------- */

/* msg from alice (a member), envelope sender as given: on an open list
 * it is discarded, on a holding list held; never answered */
static void automatic_on_open_list_is_discarded(const char *extra,
						const char *sender)
{
	struct tdir t;
	struct run r;
	char   *msg = g_strdup_printf("%sFrom: alice@example.net\nTo: " TEAM
				      "\nSubject: Out of office\n\nAway.\n",
				      extra);
	char   *log;

	fixture(&t, NULL);
	lp_run(&r, &t, msg, sender, TEAM);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_expect_eq(r.output_len, 0, "%s", r.output);
	cr_expect_eq(sent_count(&t), 0, "sent or answered: %s", extra);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM held"), 0);
	cr_expect_eq(held_files(&t), 0);
	log = log_of(&t);
	cr_expect(strstr(log, "status=discarded (automatic mail") != NULL,
		  "%s", log);
	free(log);
	g_free(msg);
	run_free(&r);
}

static void automatic_on_holding_list_is_held(const char *extra,
					      const char *sender)
{
	struct tdir t;
	struct run r;
	char   *msg = g_strdup_printf("%sFrom: alice@example.net\nTo: " TEAM
				      "\nSubject: Out of office\n\nAway.\n",
				      extra);
	char   *reason;

	fixture(&t, "UPDATE lists SET refused = 'hold'");
	lp_run(&r, &t, msg, sender, TEAM);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM held WHERE state = "
			   "'held'"), 1, "%s", extra);
	cr_expect_eq(held_files(&t), 1);
	reason = q_text(&t, "SELECT reason FROM held");
	cr_expect(reason && strncmp(reason, "automatic mail", 14) == 0, "%s",
		  reason);
	/* The moderator hears of it; the auto-replier never does. */
	cr_expect_eq(sent_count(&t), 1, "%s", extra);
	cr_expect_eq(runs_to(&t, "olga@example.net\n"), 1);
	g_free(reason);
	g_free(msg);
	run_free(&r);
}

#define REPORT \
	"MIME-Version: 1.0\n" \
	"Content-Type: multipart/report; report-type=delivery-status;\n" \
	"\tboundary=\"b\"\n"

Test(moderation, null_sender_post_to_an_open_list_is_discarded)
{
	automatic_on_open_list_is_discarded("", "");
}

Test(moderation, auto_replied_post_to_an_open_list_is_discarded)
{
	automatic_on_open_list_is_discarded("Auto-Submitted: auto-replied\n",
					    "alice@example.net");
}

Test(moderation, precedence_junk_post_to_an_open_list_is_discarded)
{
	automatic_on_open_list_is_discarded("Precedence: junk\n",
					    "alice@example.net");
}

Test(moderation, report_to_an_open_list_is_discarded)
{
	automatic_on_open_list_is_discarded(REPORT, "alice@example.net");
}

Test(moderation, null_sender_post_to_a_holding_list_is_held)
{
	automatic_on_holding_list_is_held("", "");
}

Test(moderation, auto_replied_post_to_a_holding_list_is_held)
{
	automatic_on_holding_list_is_held("Auto-Submitted: auto-replied\n",
					  "alice@example.net");
}

Test(moderation, precedence_junk_post_to_a_holding_list_is_held)
{
	automatic_on_holding_list_is_held("Precedence: junk\n",
					  "alice@example.net");
}

Test(moderation, report_to_a_holding_list_is_held)
{
	automatic_on_holding_list_is_held(REPORT, "alice@example.net");
}

Test(moderation, auto_submitted_no_is_a_person_writing)
{
	struct tdir t;
	struct run r;
	const char *msg = "Auto-Submitted: no\nFrom: alice@example.net\n"
			  "Subject: s\n\nbody\n";

	fixture(&t, NULL);
	lp_run(&r, &t, msg, "alice@example.net", TEAM);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_expect_eq(run_to(&t, MEMBERS, 0), 1);
	run_free(&r);
}

/* ---- listctl ----------------------------------------------------- */

Test(moderation, release_sends_what_a_direct_post_would_and_removes_the_file)
{
	struct tdir t;
	struct run r;
	size_t	len_rel, len_dir;
	char   *rel, *direct, *args_rel, *args_dir, *actor;

	/* The same post released, then posted directly: duplicate
	 * suppression off. */
	hold_fixture(&t, "members", "UPDATE lists SET dedupe_hours = 0");
	hold_post(&t);
	ctl_run(&r, &t, "release", "1", NULL);
	cr_assert_eq(r.exit_code, 0, "%s", r.output);
	cr_expect(strstr(r.output, "post 1 released") != NULL, "%s", r.output);
	run_free(&r);
	cr_assert_eq(sent_count(&t), 2);
	args_rel = sent_args(&t, 2);
	cr_expect_str_eq(args_rel, COPY_ARGS_TO(MEMBERS));
	cr_expect_eq(held_files(&t), 0, "the held file is still there");
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM held WHERE state = "
			   "'released' AND acted IS NOT NULL"), 1);
	actor = q_text(&t, "SELECT actor FROM held");
	cr_expect_str_eq(actor, "listctl");
	/* The same message posted directly, by a poster (who receives
	 * nothing, so the recipients are the same too). */
	tdir_sql(&t, "INSERT INTO members(list, address, role) VALUES "
		 "('" TEAM "', 'carol@example.com', 'poster')");
	lp_run(&r, &t, POST, "carol@example.com", TEAM);
	cr_assert_eq(r.exit_code, 0, "%s", r.output);
	cr_assert_eq(sent_count(&t), 3);
	args_dir = sent_args(&t, 3);
	cr_expect_str_eq(args_rel, args_dir);
	rel = sent_message(&t, 2, &len_rel);
	direct = sent_message(&t, 3, &len_dir);
	cr_expect_eq(len_rel, len_dir, "released:\n%s\ndirect:\n%s", rel,
		     direct);
	cr_expect(len_rel == len_dir && memcmp(rel, direct, len_rel) == 0,
		  "released:\n%s\ndirect:\n%s", rel, direct);
	g_free(actor);
	free(rel);
	free(direct);
	free(args_rel);
	free(args_dir);
	run_free(&r);
}

Test(moderation, second_release_says_released_already_and_sends_nothing)
{
	struct tdir t;
	struct run r;

	hold_fixture(&t, "members", NULL);
	hold_post(&t);
	ctl_run(&r, &t, "release", "1", NULL);
	cr_assert_eq(r.exit_code, 0, "%s", r.output);
	run_free(&r);
	ctl_run(&r, &t, "release", "1", NULL);
	cr_expect_eq(r.exit_code, 1, "%s", r.output);
	cr_expect(strstr(r.output, "post 1 was released already") != NULL,
		  "%s", r.output);
	cr_expect(strstr(r.output, "by listctl") != NULL, "%s", r.output);
	cr_expect(strstr(r.output, "nothing changed") != NULL, "%s", r.output);
	cr_expect_eq(sent_count(&t), 2);
	run_free(&r);
	/* Nor can it be rejected once it went out. */
	ctl_run(&r, &t, "reject", "1", "too late");
	cr_expect_eq(r.exit_code, 1, "%s", r.output);
	cr_expect_eq(sent_count(&t), 2);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM held WHERE state = "
			   "'released'"), 1);
	run_free(&r);
}

Test(moderation, listctl_reject_tells_the_envelope_sender_the_reason)
{
	struct tdir t;
	struct run r;
	size_t	len;
	char   *msg;

	hold_fixture(&t, "members", NULL);
	/* Envelope and From: differ (a forwarder): the envelope hears. */
	lp_run(&r, &t, POST, "srs0=ab=cd=example.com=carol@fwd.example", TEAM);
	cr_assert_eq(r.exit_code, 0, "%s", r.output);
	run_free(&r);
	cr_assert_eq(sent_count(&t), 1, "only the owner's notice");
	ctl_run(&r, &t, "reject", "1", "off topic");
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_expect(strstr(r.output, "post 1 rejected") != NULL, "%s", r.output);
	cr_assert_eq(sent_count(&t), 2);
	cr_expect_str_eq(sent_args(&t, 2),
			 ARGS_TO("srs0=ab=cd=example.com=carol@fwd.example\n"));
	msg = sent_message(&t, 2, &len);
	cr_expect_str_eq(header_value(msg, len, "Subject"),
			 "Your post to team@lists.example.org was rejected");
	cr_expect_str_eq(header_value(msg, len, "Auto-Submitted"),
			 "auto-replied");
	cr_expect(strstr(msg, "Reason: off topic") != NULL, "%s", msg);
	cr_expect(strstr(msg, "\"Lunch on Friday?\"") != NULL, "%s", msg);
	every_mail_is_filled_in(&t);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM held WHERE state = "
			   "'rejected'"), 1);
	cr_expect_eq(held_files(&t), 0);
	cr_expect_eq(run_to(&t, MEMBERS, 0), 0);
	free(msg);
	run_free(&r);
}

Test(moderation, listctl_discard_drops_the_post_and_tells_nobody)
{
	struct tdir t;
	struct run r;

	hold_fixture(&t, "members", NULL);
	hold_post(&t);
	ctl_run(&r, &t, "discard", "1", NULL);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_expect(strstr(r.output, "post 1 discarded") != NULL, "%s", r.output);
	cr_expect_eq(sent_count(&t), 1);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM held WHERE state = "
			   "'discarded' AND actor = 'listctl'"), 1);
	cr_expect_eq(held_files(&t), 0);
	run_free(&r);
}

Test(moderation, listctl_on_an_unknown_id_says_no_held_post)
{
	static const char *const cmds[] = {"release", "reject", "discard"};
	struct tdir t;
	struct run r;

	hold_fixture(&t, "members", NULL);
	hold_post(&t);
	for (size_t i = 0; i < 3; i++) {
		ctl_run(&r, &t, cmds[i], "42", NULL);
		cr_expect_eq(r.exit_code, 1, "%s: %s", cmds[i], r.output);
		cr_expect(strstr(r.output, "no held post 42") != NULL, "%s: %s",
			  cmds[i], r.output);
		run_free(&r);
	}
	cr_expect_eq(sent_count(&t), 1);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM held WHERE state = "
			   "'held'"), 1);
	cr_expect_eq(held_files(&t), 1);
}

Test(moderation, listctl_held_lists_what_waits)
{
	struct tdir t;
	struct run r;

	hold_fixture(&t, "members", NULL);
	hold_post(&t);
	ctl_run(&r, &t, "held", NULL, NULL);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_expect(strstr(r.output, "from <carol@example.com>") != NULL, "%s",
		  r.output);
	cr_expect(strstr(r.output, "subject: Lunch on Friday?") != NULL, "%s",
		  r.output);
	run_free(&r);
}

Test(moderation, expire_ends_a_post_past_its_expiry)
{
	struct tdir t;
	struct run r;
	int	lines = 0;

	hold_fixture(&t, "members", NULL);
	hold_post(&t);
	tdir_sql(&t, "UPDATE held SET expires = datetime('now', '-1 day')");
	ctl_run(&r, &t, "expire", NULL, NULL);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	for (const char *p = r.output; *p; p++)
		lines += *p == '\n';
	cr_expect_eq(lines, 1, "%s", r.output);
	cr_expect(strncmp(r.output, "post 1 expired", 14) == 0, "%s", r.output);
	cr_expect_eq(held_files(&t), 0);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM held WHERE state = "
			   "'expired' AND actor = 'expire'"), 1);
	cr_expect_eq(sent_count(&t), 1, "expiry told someone");
	run_free(&r);
	/* Nothing more to do the second time. */
	ctl_run(&r, &t, "expire", NULL, NULL);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_expect_eq(r.output_len, 0, "%s", r.output);
	run_free(&r);
}

Test(moderation, expire_leaves_a_post_that_still_has_time)
{
	struct tdir t;
	struct run r;

	hold_fixture(&t, "members", NULL);
	hold_post(&t);
	ctl_run(&r, &t, "expire", NULL, NULL);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_expect_eq(r.output_len, 0, "%s", r.output);
	cr_expect_eq(held_files(&t), 1);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM held WHERE state = "
			   "'held'"), 1);
	run_free(&r);
}

Test(moderation, expired_post_cannot_be_released)
{
	struct tdir t;
	struct run r;

	hold_fixture(&t, "members", NULL);
	hold_post(&t);
	tdir_sql(&t, "UPDATE held SET expires = datetime('now', '-1 day')");
	ctl_run(&r, &t, "release", "1", NULL);
	cr_expect_eq(r.exit_code, 1, "%s", r.output);
	cr_expect(strstr(r.output, "post 1 has expired") != NULL, "%s",
		  r.output);
	cr_expect_eq(sent_count(&t), 1);
	cr_expect_eq(run_to(&t, MEMBERS, 0), 0);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM held WHERE state = "
			   "'held'"), 1);
	run_free(&r);
}

/* ---- decisions by mail ------------------------------------------- */

Test(moderation, trust_by_mail_releases_and_makes_the_author_a_poster)
{
	struct tdir t;
	struct run r;
	char   *tok, *subject;
	int	done;
	char   *again = message("Carol <carol@example.com>", "again");

	hold_fixture(&t, "members", NULL);
	hold_post(&t);
	tok = token_of(&t, 1, "approve");
	subject = g_strdup_printf("Re: approve %s", tok);
	/* A reply with the command in the body: the token is the
	 * Subject's. */
	to_robot(&r, &t, "olga@example.net", subject,
		 "trust\n\n> A post to team@lists.example.org is held\n");
	run_free(&r);
	cr_expect_eq(run_to(&t, MEMBERS, 0), 2, "not released");
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM held WHERE state = "
			   "'released' AND actor = 'olga@example.net'"), 1);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM members WHERE address = "
			   "'carol@example.com' AND role = 'poster'"), 1);
	done = run_to(&t, "olga@example.net\n", 2);
	cr_expect(done > 0 && sent_has(&t, done, "trust: post 1 released"),
		  "no done reply");
	every_mail_is_filled_in(&t);
	/* Her next post goes straight out. */
	lp_run(&r, &t, again, "carol@example.com", TEAM);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_expect_eq(runs_to(&t, MEMBERS), 2);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM held"), 1);
	g_free(again);
	g_free(subject);
	g_free(tok);
	run_free(&r);
}

Test(moderation, plain_reply_to_the_notice_approves)
{
	struct tdir t;
	struct run r;
	char   *tok, *subject;

	hold_fixture(&t, "members", NULL);
	hold_post(&t);
	tok = token_of(&t, 1, "approve");
	subject = g_strdup_printf("Re: approve %s", tok);
	to_robot(&r, &t, "Olga@Example.NET", subject,
		 "> A post to team@lists.example.org is held\n");
	cr_expect_eq(run_to(&t, MEMBERS, 0), 2, "not released");
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM members WHERE role = "
			   "'poster'"), 0, "approve is not trust");
	cr_expect_eq(held_files(&t), 0);
	g_free(subject);
	g_free(tok);
	run_free(&r);
}

Test(moderation, reply_reject_spam_rejects_with_that_reason)
{
	struct tdir t;
	struct run r;
	char   *tok, *subject, *log;
	int	told;

	hold_fixture(&t, "members", NULL);
	hold_post(&t);
	tok = token_of(&t, 1, "approve");
	subject = g_strdup_printf("Re: approve %s", tok);
	to_robot(&r, &t, "olga@example.net", subject,
		 "reject spam\n\nOn Friday the robot wrote:\n> approve it\n");
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM held WHERE state = "
			   "'rejected' AND actor = 'olga@example.net'"), 1);
	cr_expect_eq(run_to(&t, MEMBERS, 0), 0, "released");
	told = run_to(&t, "carol@example.com\n", 0);
	cr_expect(told > 0, "the poster was not told");
	cr_expect(told > 0 && sent_has(&t, told, "Reason: spam\n"),
		  "reason not passed on");
	log = log_of(&t);
	cr_expect(strstr(log, "status=rejected by olga@example.net: spam"),
		  "%s", log);
	cr_expect_eq(held_files(&t), 0);
	free(log);
	g_free(subject);
	g_free(tok);
	run_free(&r);
}

Test(moderation, approve_token_used_twice_releases_once)
{
	struct tdir t;
	struct run r;
	char   *tok, *subject;

	hold_fixture(&t, "members", NULL);
	hold_post(&t);
	tok = token_of(&t, 1, "approve");
	subject = g_strdup_printf("approve %s", tok);
	to_robot(&r, &t, "olga@example.net", subject, "");
	run_free(&r);
	to_robot(&r, &t, "olga@example.net", subject, "");
	cr_expect_eq(runs_to(&t, MEMBERS), 1);
	g_free(subject);
	g_free(tok);
	run_free(&r);
}

Test(moderation, moderation_command_from_a_non_moderator_does_nothing)
{
	struct tdir t;
	struct run r;
	char   *tok, *subject;
	int	reply;

	hold_fixture(&t, "members", NULL);
	hold_post(&t);
	tok = token_of(&t, 1, "approve");
	subject = g_strdup_printf("Re: approve %s", tok);
	/* bob is a member, not a moderator, and has the token. */
	to_robot(&r, &t, "bob@example.net", subject, "");
	cr_expect_eq(run_to(&t, MEMBERS, 0), 0, "released by a member");
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM held WHERE state = "
			   "'held'"), 1);
	cr_expect_eq(held_files(&t), 1);
	reply = run_to(&t, "bob@example.net\n", 0);
	cr_expect(reply > 0 && sent_has(&t, reply, "was not accepted"),
		  "no bad_token reply");
	run_free(&r);
	/* Nor with any other command. */
	g_free(subject);
	subject = g_strdup_printf("discard %s", tok);
	to_robot(&r, &t, "bob@example.net", subject, "");
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM held WHERE state = "
			   "'held'"), 1);
	g_free(subject);
	g_free(tok);
	run_free(&r);
}

/* a member's post held on a moderated list; *token the withdraw token */
static void member_post_held(struct tdir *t, char **token)
{
	struct run r;
	char   *msg = message("Alice <alice@example.net>", "draft");
	int	note;

	fixture(t, "UPDATE lists SET policy = 'moderated'");
	lp_run(&r, t, msg, "alice@example.net", TEAM);
	cr_assert_eq(r.exit_code, 0, "%s", r.output);
	note = run_to(t, "alice@example.net\n", 0);
	cr_assert(note > 0, "no held note");
	*token = token_of(t, note, "withdraw");
	g_free(msg);
	run_free(&r);
}

Test(moderation, poster_withdraws_with_the_token_from_the_held_note)
{
	struct tdir t;
	struct run r;
	char   *tok, *subject;
	int	before;

	member_post_held(&t, &tok);
	before = sent_count(&t);
	subject = g_strdup_printf("Re: withdraw %s", tok);
	to_robot(&r, &t, "alice@example.net", subject,
		 "> Your post \"draft\" to team@lists.example.org is waiting\n");
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM held WHERE state = "
			   "'withdrawn' AND actor = 'alice@example.net'"), 1);
	cr_expect_eq(held_files(&t), 0);
	cr_expect_eq(run_to(&t, MEMBERS, 0), 0);
	/* Only the robot's answer to alice. */
	cr_expect_eq(sent_count(&t), before + 1);
	cr_expect(sent_has(&t, before + 1, "withdraw: post 1 withdrawn"));
	every_mail_is_filled_in(&t);
	g_free(subject);
	g_free(tok);
	run_free(&r);
}

Test(moderation, withdraw_token_sent_by_someone_else_does_nothing)
{
	struct tdir t;
	struct run r;
	char   *tok, *subject;

	member_post_held(&t, &tok);
	subject = g_strdup_printf("withdraw %s", tok);
	to_robot(&r, &t, "bob@example.net", subject, "");
	run_free(&r);
	/* The moderator cannot withdraw it with that token either. */
	to_robot(&r, &t, "olga@example.net", subject, "");
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM held WHERE state = "
			   "'held'"), 1);
	cr_expect_eq(held_files(&t), 1);
	g_free(subject);
	g_free(tok);
	run_free(&r);
}

Test(moderation, withdraw_token_cannot_approve)
{
	struct tdir t;
	struct run r;
	char   *tok, *subject;

	member_post_held(&t, &tok);
	subject = g_strdup_printf("approve %s", tok);
	to_robot(&r, &t, "olga@example.net", subject, "");
	cr_expect_eq(run_to(&t, MEMBERS, 0), 0);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM held WHERE state = "
			   "'held'"), 1);
	g_free(subject);
	g_free(tok);
	run_free(&r);
}

/* ---- the notice rate limit --------------------------------------- */

static void with_notices_sent(int n, int want_notice)
{
	struct tdir t;
	struct run r;
	char   *sql = g_strdup_printf(
		"UPDATE lists SET policy = 'members', refused = 'hold';"
		"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
		"WHERE i < %d) INSERT INTO sent(address, list, kind) "
		"SELECT 'olga@example.net', '" TEAM "', 'moderate_post' FROM n",
		n);
	char   *log;

	fixture(&t, sql);
	lp_run(&r, &t, POST, "carol@example.com", TEAM);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	/* Held either way. */
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM held WHERE state = "
			   "'held'"), 1);
	cr_expect_eq(held_files(&t), 1);
	cr_expect_eq(sent_count(&t), want_notice, "after %d notices", n);
	log = log_of(&t);
	if (!want_notice)
		cr_expect(strstr(log, "moderate_post not sent") != NULL, "%s",
			  log);
	free(log);
	g_free(sql);
	run_free(&r);
}

Test(moderation, thirtieth_notice_in_an_hour_is_still_sent)
{
	with_notices_sent(29, 1);
}

Test(moderation, past_the_notice_limit_the_post_is_held_without_notice)
{
	with_notices_sent(30, 0);
}

Test(moderation, notices_older_than_an_hour_do_not_count)
{
	struct tdir t;
	struct run r;

	fixture(&t, "UPDATE lists SET policy = 'members', refused = 'hold';"
		"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
		"WHERE i < 40) INSERT INTO sent(address, list, kind, at) "
		"SELECT 'olga@example.net', '" TEAM "', 'moderate_post', "
		"datetime('now', '-2 hours') FROM n");
	lp_run(&r, &t, POST, "carol@example.com", TEAM);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_expect_eq(sent_count(&t), 1);
	run_free(&r);
}

/* ---- more ways out of the queue ---------------------------------- */

Test(moderation, release_that_cannot_be_sent_stays_held_for_a_retry)
{
	struct tdir t;
	struct run r;
	char	path[400];

	hold_fixture(&t, "members", NULL);
	hold_post(&t);
	snprintf(path, sizeof(path), "%s/sendmail.exit", t.path);
	write_file(path, "75\n", 3, 0644);
	ctl_run(&r, &t, "release", "1", NULL);
	cr_expect_eq(r.exit_code, 1, "%s", r.output);
	run_free(&r);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM held WHERE state = "
			   "'held'"), 1, "not held again");
	cr_expect_eq(held_files(&t), 1, "the post is gone");
	unlink(path);
	ctl_run(&r, &t, "release", "1", NULL);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM held WHERE state = "
			   "'released'"), 1);
	cr_expect_eq(held_files(&t), 0);
	cr_expect_eq(run_to(&t, MEMBERS, 2), 3, "the retry sent nothing");
	run_free(&r);
}

Test(moderation, rejecting_held_automatic_mail_tells_nobody)
{
	struct tdir t;
	struct run r;
	const char *msg = "Auto-Submitted: auto-replied\nFrom: alice@example.net"
			  "\nSubject: Out of office\n\nAway.\n";

	fixture(&t, "UPDATE lists SET refused = 'hold'");
	lp_run(&r, &t, msg, "alice@example.net", TEAM);
	cr_assert_eq(r.exit_code, 0, "%s", r.output);
	run_free(&r);
	cr_assert_eq(sent_count(&t), 1);
	ctl_run(&r, &t, "reject", "1", "no auto-replies here");
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_expect_eq(sent_count(&t), 1, "the auto-replier got an answer");
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM held WHERE state = "
			   "'rejected'"), 1);
	run_free(&r);
}

Test(moderation, expire_ends_a_post_whose_list_is_gone)
{
	struct tdir t;
	struct run r;

	hold_fixture(&t, "members", NULL);
	hold_post(&t);
	tdir_sql(&t, "DELETE FROM lists");
	ctl_run(&r, &t, "expire", NULL, NULL);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_expect(strncmp(r.output, "post 1 expired", 14) == 0, "%s", r.output);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM held WHERE state = "
			   "'expired'"), 1);
	cr_expect_eq(held_files(&t), 0);
	cr_expect_eq(sent_count(&t), 1);
	run_free(&r);
}

Test(moderation, listctl_as_root_acts_as_the_database_owner)
{
	struct tdir t;
	struct run r;
	const struct run_opts as_root = {.as_root = 1};
	const char *argv[] = {"-d", t.db, "-m", t.spool, "-s", t.sendmail,
			      "release", "1", NULL};
	char	cmd[600];

	if (!running_as_root())
		cr_skip_test("needs root");
	hold_fixture(&t, "members", NULL);
	hold_post(&t);
	run_listctl(&r, &as_root, argv);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	run_free(&r);
	cr_expect_eq(run_to(&t, MEMBERS, 0), 2);
	/* Nothing root's: the filter can go on using all of it. */
	snprintf(cmd, sizeof(cmd), "test -z \"$(find %s -uid 0)\"", t.path);
	cr_expect_eq(system(cmd), 0, "root left files in %s", t.path);
	lp_run(&r, &t, POST, "carol@example.com", TEAM);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM held WHERE state = "
			   "'held'"), 1);
	run_free(&r);
}

Test(moderation, member_whose_envelope_is_not_her_from_gets_no_held_note)
{
	struct tdir t;
	struct run r;
	char   *msg = message("alice@example.net", "draft");

	fixture(&t, "UPDATE lists SET policy = 'moderated'");
	/* Forged From: (or a forwarder): the envelope sender is told
	 * nothing, nor is alice. */
	lp_run(&r, &t, msg, "mallory@example.org", TEAM);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM held"), 1);
	cr_expect_eq(sent_count(&t), 1);
	cr_expect_eq(runs_to(&t, "olga@example.net\n"), 1);
	g_free(msg);
	run_free(&r);
}

Test(moderation, withdraw_after_release_changes_nothing)
{
	struct tdir t;
	struct run r;
	char   *tok, *subject;
	int	before;

	member_post_held(&t, &tok);
	ctl_run(&r, &t, "release", "1", NULL);
	cr_assert_eq(r.exit_code, 0, "%s", r.output);
	run_free(&r);
	before = runs_to(&t, MEMBERS);
	cr_assert_eq(before, 1);
	subject = g_strdup_printf("Re: withdraw %s", tok);
	to_robot(&r, &t, "alice@example.net", subject, "");
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM held WHERE state = "
			   "'released'"), 1);
	cr_expect(sent_has(&t, sent_count(&t), "post 1 was released already"),
		  "%s", sent_message(&t, sent_count(&t), NULL));
	g_free(subject);
	g_free(tok);
	run_free(&r);
}

Test(moderation, oversize_auto_reply_is_discarded_not_bounced)
{
	struct tdir t;
	struct run r;
	const char *msg = "Auto-Submitted: auto-replied\nFrom: x@example.com\n"
			  "Subject: Out of office\n\nI am away until Monday, "
			  "and this reply is longer than the limit.\n";

	fixture(&t, "UPDATE lists SET max_size = 20, policy = 'members'");
	lp_run(&r, &t, msg, "x@example.com", TEAM);
	cr_expect_eq(r.exit_code, 0, "an auto-reply was bounced: %s", r.output);
	cr_expect_eq(sent_count(&t), 0);
	run_free(&r);
}

Test(moderation, nomail_member_may_still_post_to_a_members_list)
{
	struct tdir t;
	struct run r;
	char   *msg = message("alice@example.net", "hi");

	fixture(&t, "UPDATE lists SET policy = 'members';"
		"UPDATE members SET state = 'nomail' "
		"WHERE address = 'alice@example.net'");
	lp_run(&r, &t, msg, "alice@example.net", TEAM);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_expect_eq(run_to(&t, "bob@example.net\n", 0), 1);
	g_free(msg);
	run_free(&r);
}

Test(moderation, expire_forgets_old_requests_tokens_and_sent_mail)
{
	struct tdir t;
	struct run r;

	fixture(&t, "INSERT INTO requests(list, address, expires) VALUES "
		"('" TEAM "', 'carol@example.com', datetime('now', '-1 hour')),"
		"('" TEAM "', 'dave@example.net', datetime('now', '+1 day'));"
		"INSERT INTO tokens(mac, expires) VALUES "
		"('old', datetime('now', '-1 hour')), "
		"('new', datetime('now', '+1 hour'));"
		"INSERT INTO sent(address, list, kind, at) VALUES "
		"('a@x.example', '" TEAM "', 'help', datetime('now', '-2 days')),"
		"('b@x.example', '" TEAM "', 'help', datetime('now', '-1 hour'));");
	ctl_run(&r, &t, "expire", NULL, NULL);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_expect(strstr(r.output, "1 subscription requests expired") != NULL,
		  "%s", r.output);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM requests WHERE state = "
			   "'expired' AND address = 'carol@example.com'"), 1);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM requests WHERE state = "
			   "'pending'"), 1);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM tokens WHERE mac = 'new'"),
		     1);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM tokens"), 1);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM sent"), 1);
	run_free(&r);
}

Test(moderation, held_post_can_be_released_after_its_list_is_renamed)
{
	struct tdir t;
	struct run r;

	hold_fixture(&t, "members", NULL);
	hold_post(&t);
	/* The schema's rename trigger moves the held row to the new name. */
	tdir_sql(&t, "UPDATE lists SET address = 'crew@lists.example.org' "
		 "WHERE address = '" TEAM "'");
	cr_assert_eq(q_int(&t, "SELECT count(*) FROM held WHERE list = "
			   "'crew@lists.example.org'"), 1);
	ctl_run(&r, &t, "release", "1", NULL);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM held WHERE state = "
			   "'released'"), 1);
	cr_expect_eq(sent_count(&t), 2, "not sent");
	cr_expect_str_eq(sent_args(&t, 2), "-G\n-i\n-XV\n-f\ncrew-bounces@lists."
			 "example.org\n--\n" MEMBERS);
	run_free(&r);
}

Test(moderation, from_group_is_looked_into_for_the_author)
{
	struct tdir t;
	struct run r;
	const char *msg = "From: Friends: Alice <Alice@Example.NET>, "
			  "carol@example.com;\nSubject: s\n\nb\n";

	fixture(&t, "UPDATE lists SET policy = 'members'");
	lp_run(&r, &t, msg, "carol@example.com", TEAM);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_expect_eq(run_to(&t, MEMBERS, 0), 1);
	run_free(&r);
}

Test(moderation, envelope_sender_counts_only_without_a_usable_from)
{
	struct tdir t;
	struct run r;
	const char *msg = "From: undisclosed\nSubject: s\n\nb\n";
	const char *none = "Subject: s\n\nb\n";

	fixture(&t, "UPDATE lists SET policy = 'members'");
	lp_run(&r, &t, msg, "alice@example.net", TEAM);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	run_free(&r);
	lp_run(&r, &t, none, "alice@example.net", TEAM);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	run_free(&r);
	lp_run(&r, &t, none, "carol@example.com", TEAM);
	cr_expect_eq(r.exit_code, 77, "%s", r.output);
	cr_expect_eq(runs_to(&t, MEMBERS), 2);
	run_free(&r);
}

Test(moderation, loop_is_bounced_before_any_hold)
{
	struct tdir t;
	struct run r;

	hold_fixture(&t, "moderated", NULL);
	lp_run(&r, &t, "X-Loop: team@lists.example.org\n" POST,
		"carol@example.com", TEAM);
	cr_expect(strncmp(r.output, "5.4.6 ", 6) == 0, "%s", r.output);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM held"), 0);
	cr_expect_eq(sent_count(&t), 0);
	run_free(&r);
}

Test(moderation, crlf_post_released_is_the_same_as_posted_directly)
{
	struct tdir t;
	struct run r;
	const char *crlf = "From: carol@example.com\r\nSubject: hi\r\n"
			   "Message-ID: <crlf@example.com>\r\n\r\nbody\r\n";
	size_t	l1, l2;
	char   *rel, *direct;

	/* Released, then posted directly: duplicate suppression off. */
	hold_fixture(&t, "members", "UPDATE lists SET dedupe_hours = 0");
	lp_run(&r, &t, crlf, "carol@example.com", TEAM);
	cr_assert_eq(r.exit_code, 0, "%s", r.output);
	run_free(&r);
	cr_expect_eq(held_files(&t), 1);
	ctl_run(&r, &t, "release", "1", NULL);
	cr_assert_eq(r.exit_code, 0, "%s", r.output);
	run_free(&r);
	tdir_sql(&t, "INSERT INTO members(list, address, role) VALUES "
		 "('" TEAM "', 'carol@example.com', 'poster')");
	lp_run(&r, &t, crlf, "carol@example.com", TEAM);
	cr_assert_eq(r.exit_code, 0, "%s", r.output);
	cr_assert_eq(sent_count(&t), 3);
	rel = sent_message(&t, 2, &l1);
	direct = sent_message(&t, 3, &l2);
	cr_expect(l1 == l2 && memcmp(rel, direct, l1) == 0,
		  "released:\n%s\ndirect:\n%s", rel, direct);
	free(rel);
	free(direct);
	run_free(&r);
}

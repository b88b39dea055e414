/*
 * listctl.c - the operator's command: check finds each thing a
 * postmaster gets wrong and says how to fix it; lists and show answer
 * from the database; its exit codes are its own (0, 1, 2).
 *
 * listctl runs as root here, as an operator runs it, so that check can
 * test access as the listpipe user ("nobody" in these tests) and as
 * postfix.  The Postfix part runs the real postconf and postmap on a
 * private configuration directory, and is skipped without them.
 */
#include <criterion/criterion.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

static const struct run_opts as_root = {.as_root = 1};

/* ctl - run listctl -d DB -m SPOOL -u USER [-c DIR] ARGS... */
static void ctl(struct run *r, struct tdir *t, const char *postfix_dir,
		const char *a1, const char *a2)
{
	const char *argv[16];
	int	n = 0;

	argv[n++] = "-d";
	argv[n++] = t->db;
	argv[n++] = "-m";
	argv[n++] = t->spool;
	argv[n++] = "-u";
	argv[n++] = running_as_root() ? "nobody" : g_get_user_name();
	if (postfix_dir) {
		argv[n++] = "-c";
		argv[n++] = postfix_dir;
	}
	argv[n++] = a1;
	if (a2)
		argv[n++] = a2;
	argv[n] = NULL;
	run_listctl(r, &as_root, argv);
}

/* has_problem - a "problem:" line that contains all of what */
static int has_problem(const char *out, const char *what)
{
	for (const char *p = strstr(out, "problem: "); p;
	     p = strstr(p + 1, "problem: ")) {
		const char *eol = strchr(p, '\n');
		char   *line = g_strndup(p, eol ? (size_t)(eol - p) : strlen(p));
		int	hit = strstr(line, what) && strstr(line, "; fix: ");

		g_free(line);
		if (hit)
			return 1;
	}
	return 0;
}

/* check_reports - listctl check exits 1 and reports a problem with what */
static void check_reports(struct tdir *t, const char *what)
{
	struct run r;

	ctl(&r, t, NULL, "check", NULL);
	cr_expect_eq(r.exit_code, 1, "%s", r.output);
	cr_expect(has_problem(r.output, what), "no \"%s\" in: %s", what,
		  r.output);
	run_free(&r);
}

static int have_postfix(void)
{
	return access("/usr/sbin/postconf", X_OK) == 0
	       && access("/usr/sbin/postmap", X_OK) == 0;
}

/* postfix_dir - a private Postfix configuration naming relay_domains and
 * a transport table, with listpipe's master.cf service */
static char *postfix_dir(struct tdir *t, const char *relay,
			 const char *transport_line)
{
	char   *dir = g_strdup_printf("%s/postfix", t->path);
	char   *path, *text, *cmd;

	cr_assert_eq(mkdir(dir, 0755), 0);
	path = g_strdup_printf("%s/main.cf", dir);
	text = g_strdup_printf("relay_domains = %s\ntransport_maps = "
			       "hash:%s/transport\nrecipient_delimiter = +\n",
			       relay, dir);
	write_file(path, text, strlen(text), 0644);
	g_free(path);
	g_free(text);
	path = g_strdup_printf("%s/master.cf", dir);
	text = g_strdup_printf("listpipe unix - n n - - pipe\n  flags=Rq "
			       "user=nobody null_sender= argv=/usr/local/sbin/"
			       "listpipe -f ${sender} -- ${recipient}\n");
	write_file(path, text, strlen(text), 0644);
	g_free(path);
	g_free(text);
	path = g_strdup_printf("%s/transport", dir);
	write_file(path, transport_line, strlen(transport_line), 0644);
	cmd = g_strdup_printf("/usr/sbin/postmap -c %s hash:%s", dir, path);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	g_free(cmd);
	g_free(path);
	return dir;
}

/* healthy - a set-up with nothing wrong, apart from what a test breaks:
 * the README's directory ACL, so that the -wal and -shm files whoever
 * creates them are readable and writable by both users */
static void healthy(struct tdir *t)
{
	char   *cmd;

	fixture(t, NULL);
	tdir_sql(t, "PRAGMA journal_mode = WAL");
	cmd = g_strdup_printf("setfacl -m u:postfix:rwx -m d:u:postfix:rw "
			      "-m d:u:nobody:rw -m d:m::rw %s && chmod 660 "
			      "%s/lists.db && setfacl -m u:postfix:rw "
			      "%s/lists.db", t->path, t->path, t->path);
	if (system("getent passwd postfix >/dev/null") == 0
	    && system(cmd) != 0)
		cr_skip_test("setfacl failed");
	g_free(cmd);
}

Test(listctl, check_on_a_healthy_setup_finds_nothing_and_exits_0)
{
	struct tdir t;
	struct run r;
	char   *pf = NULL;

	if (!running_as_root())
		cr_skip_test("check tests access as other users: needs root");
	healthy(&t);
	if (have_postfix())
		pf = postfix_dir(&t, "lists.example.org",
				 "lists.example.org listpipe:\n");
	ctl(&r, &t, pf, "check", NULL);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_expect(strstr(r.output, "listctl check: no problems found\n"), "%s",
		  r.output);
	cr_expect_null(strstr(r.output, "problem:"), "%s", r.output);
	run_free(&r);
	g_free(pf);
}

Test(listctl, check_finds_a_missing_database)
{
	struct tdir t;
	struct run r;

	tdir_make(&t);
	ctl(&r, &t, NULL, "check", NULL);
	cr_expect_eq(r.exit_code, 1);
	cr_expect(has_problem(r.output, "lists.db: No such file or directory"),
		  "%s", r.output);
	cr_expect(strstr(r.output, "fix: sqlite3 "), "%s", r.output);
	run_free(&r);
}

Test(listctl, check_finds_an_unknown_schema)
{
	struct tdir t;

	fixture(&t, "PRAGMA user_version = 99");
	check_reports(&t, "has schema version 99");
}

Test(listctl, check_names_the_upgrades_an_old_database_needs)
{
	struct tdir t;

	fixture(&t, "PRAGMA user_version = 2");
	check_reports(&t, "has schema version 2: upgrade it with "
		      "sql/upgrade-3.sql then sql/upgrade-4.sql; fix: back it up");
}

Test(listctl, check_finds_a_database_not_in_wal_mode)
{
	struct tdir t;
	struct run r;

	fixture(&t, "PRAGMA journal_mode = DELETE");
	ctl(&r, &t, NULL, "check", NULL);
	cr_expect_eq(r.exit_code, 1);
	cr_expect(has_problem(r.output, "is in journal mode delete, not WAL"),
		  "%s", r.output);
	cr_expect(strstr(r.output, "'PRAGMA journal_mode = WAL'"), "%s",
		  r.output);
	run_free(&r);
}

Test(listctl, check_finds_an_enabled_list_without_an_enabled_owner)
{
	struct tdir t;
	struct run r;

	fixture(&t, "INSERT INTO lists(address) VALUES('solo@lists.example.org');"
		    "INSERT INTO lists(address, enabled) VALUES"
		    "  ('off@lists.example.org', 0);"
		    "UPDATE members SET state = 'disabled' WHERE role = 'owner'");
	ctl(&r, &t, NULL, "check", NULL);
	cr_expect_eq(r.exit_code, 1);
	cr_expect(has_problem(r.output, "list solo@lists.example.org has no "
			      "enabled owner"), "%s", r.output);
	cr_expect(has_problem(r.output, "list team@lists.example.org has no "
			      "enabled owner"), "the owner is disabled: %s",
		  r.output);
	cr_expect_null(strstr(r.output, "off@lists.example.org"),
		       "a disabled list needs no owner: %s", r.output);
	run_free(&r);
}

Test(listctl, check_finds_a_spool_others_can_write_in)
{
	struct tdir t;

	fixture(&t, NULL);
	chmod(t.spool, 0777);
	check_reports(&t, "is writable by everyone (mode 777)");
}

Test(listctl, check_finds_a_spool_the_listpipe_user_cannot_write)
{
	struct tdir t;
	struct run r;

	if (!running_as_root())
		cr_skip_test("needs root to test as another user");
	fixture(&t, NULL);
	cr_assert_eq(chown(t.spool, 0, 0), 0);
	chmod(t.spool, 0755);
	ctl(&r, &t, NULL, "check", NULL);
	cr_expect_eq(r.exit_code, 1);
	cr_expect(has_problem(r.output, "nobody cannot write in the spool "
			      "directory"), "%s", r.output);
	cr_expect(strstr(r.output, "fix: setfacl -m u:postfix:rwx"), "%s",
		  r.output);
	run_free(&r);
}

Test(listctl, check_finds_a_database_the_listpipe_user_cannot_write)
{
	struct tdir t;

	if (!running_as_root())
		cr_skip_test("needs root to test as another user");
	fixture(&t, NULL);
	cr_assert_eq(chown(t.db, 0, 0), 0);
	chmod(t.db, 0644);
	check_reports(&t, "nobody cannot read and write the database");
}

Test(listctl, check_finds_a_database_postfix_cannot_read)
{
	struct tdir t;

	if (!running_as_root()
	    || system("getent passwd postfix >/dev/null") != 0)
		cr_skip_test("needs root and the postfix user");
	fixture(&t, NULL);
	chmod(t.db, 0600);
	check_reports(&t, "postfix cannot read the database");
}

Test(listctl, check_finds_a_shm_file_postfix_cannot_write)
{
	struct tdir t;
	char	shm[400];

	if (!running_as_root()
	    || system("getent passwd postfix >/dev/null") != 0)
		cr_skip_test("needs root and the postfix user");
	healthy(&t);
	/* What the sqlite3 shell leaves when root opens the database in a
	 * directory without the README's default ACL. */
	snprintf(shm, sizeof(shm), "%s-shm", t.db);
	write_file(shm, "", 0, 0644);
	cr_assert_eq(chown(shm, 0, 0), 0);
	snprintf(shm, sizeof(shm), "postfix cannot read and write %s-shm", t.db);
	check_reports(&t, shm);
}

Test(listctl, check_finds_list_domains_postfix_does_not_route_here)
{
	struct tdir t;
	struct run r;
	char   *pf;

	if (!have_postfix())
		cr_skip_test("needs postconf and postmap");
	fixture(&t, "INSERT INTO lists(address) VALUES('x@other.example');"
		    "INSERT INTO members(list, address, role) VALUES"
		    "  ('x@other.example', 'o@example.net', 'owner');");
	/* lists.example.org relayed but sent to smtp; other.example neither */
	pf = postfix_dir(&t, "lists.example.org", "lists.example.org smtp:\n");
	ctl(&r, &t, pf, "check", NULL);
	cr_expect_eq(r.exit_code, 1);
	cr_expect(has_problem(r.output, "list domain other.example is not in "
			      "relay_domains"), "%s", r.output);
	cr_expect(has_problem(r.output, "list domain lists.example.org is "
			      "routed to smtp, not to listpipe"), "%s", r.output);
	cr_expect(has_problem(r.output, "list domain other.example is routed "
			      "to the default transport"), "%s", r.output);
	cr_expect_null(strstr(r.output, "lists.example.org is not in "
			      "relay_domains"), "%s", r.output);
	run_free(&r);
	g_free(pf);
}

Test(listctl, check_notes_lists_rewriting_from_without_a_signing_milter)
{
	struct tdir t;
	struct run r;
	char   *pf, *main_cf, *text;

	if (!have_postfix())
		cr_skip_test("needs postconf and postmap");
	fixture(&t, "UPDATE lists SET from_rewrite = 'dmarc'");
	pf = postfix_dir(&t, "lists.example.org", "lists.example.org listpipe:\n");
	ctl(&r, &t, pf, "check", NULL);
	cr_expect(strstr(r.output, "note: 1 list rewrites From "
			 "(team@lists.example.org) but non_smtpd_milters is "
			 "empty") != NULL, "%s", r.output);
	run_free(&r);
	main_cf = g_strdup_printf("%s/main.cf", pf);
	text = g_strdup_printf("relay_domains = lists.example.org\n"
			       "transport_maps = hash:%s/transport\n"
			       "recipient_delimiter = +\n"
			       "non_smtpd_milters = inet:127.0.0.1:8891\n", pf);
	write_file(main_cf, text, strlen(text), 0644);
	ctl(&r, &t, pf, "check", NULL);
	cr_expect(strstr(r.output, "non_smtpd_milters") == NULL, "%s", r.output);
	run_free(&r);
	g_free(text);
	g_free(main_cf);
	g_free(pf);
}

Test(listctl, check_finds_settings_that_break_verp_bounces)
{
	struct tdir t;
	struct run r;
	char   *pf, *main_cf, *text;

	if (!have_postfix())
		cr_skip_test("needs postconf and postmap");
	fixture(&t, NULL);
	pf = postfix_dir(&t, "lists.example.org", "lists.example.org listpipe:\n");
	main_cf = g_strdup_printf("%s/main.cf", pf);
	text = g_strdup_printf("relay_domains = lists.example.org\n"
			       "transport_maps = hash:%s/transport\n"
			       "recipient_delimiter = -\n"
			       "default_verp_delimiters = -=\n", pf);
	write_file(main_cf, text, strlen(text), 0644);
	ctl(&r, &t, pf, "check", NULL);
	cr_expect_eq(r.exit_code, 1);
	cr_expect(has_problem(r.output, "recipient_delimiter is \"-\", without "
			      "'+'"), "%s", r.output);
	cr_expect(has_problem(r.output, "default_verp_delimiters is \"-=\""),
		  "%s", r.output);
	run_free(&r);
	g_free(text);
	/* Postfix's own default for recipient_delimiter is empty. */
	text = g_strdup_printf("relay_domains = lists.example.org\n"
			       "transport_maps = hash:%s/transport\n", pf);
	write_file(main_cf, text, strlen(text), 0644);
	ctl(&r, &t, pf, "check", NULL);
	cr_expect(has_problem(r.output, "recipient_delimiter is \"\", without "
			      "'+'"), "%s", r.output);
	cr_expect_null(strstr(r.output, "default_verp_delimiters"), "%s",
		       r.output);
	run_free(&r);
	g_free(text);
	g_free(main_cf);
	g_free(pf);
}

Test(listctl, check_reads_long_postconf_answers_to_the_end)
{
	struct tdir t;
	struct run r;
	GString *relay = g_string_new(NULL);
	char   *pf;

	if (!running_as_root() || !have_postfix())
		cr_skip_test("needs root, postconf and postmap");
	/* 600 domains before ours: over any fixed buffer */
	for (int i = 0; i < 600; i++)
		g_string_append_printf(relay, "d%04d.other-example.org, ", i);
	g_string_append(relay, "lists.example.org");
	healthy(&t);
	pf = postfix_dir(&t, relay->str, "lists.example.org listpipe:\n");
	ctl(&r, &t, pf, "check", NULL);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_expect_null(strstr(r.output, "not in relay_domains"), "%s", r.output);
	run_free(&r);
	g_free(pf);
	g_string_free(relay, TRUE);
}

Test(listctl, lists_prints_one_line_a_list)
{
	struct tdir t;
	struct run r;

	fixture(&t, "INSERT INTO lists(address, enabled) VALUES"
		    "  ('off@lists.example.org', 0)");
	ctl(&r, &t, NULL, "lists", NULL);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_expect(strstr(r.output, "\noff@lists.example.org") && strstr(r.output,
		  " disabled "), "%s", r.output);
	cr_expect(strstr(r.output, "\nteam@lists.example.org                   "
		  "enabled        2      0        0      1          2\n"), "%s",
		  r.output);
	run_free(&r);
}

Test(listctl, show_prints_settings_and_members_with_nested_lists_marked)
{
	struct tdir t;
	struct run r;

	fixture(&t, "INSERT INTO lists(address) VALUES('sub@lists.example.org');"
		    "INSERT INTO members(list, address) VALUES"
		    "  ('team@lists.example.org', 'sub@lists.example.org');");
	ctl(&r, &t, NULL, "show", "Team@Lists.Example.org");
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_expect(strstr(r.output, "subject_prefix   [team]\n"), "%s", r.output);
	cr_expect(strstr(r.output, "description      Team talk\n"), "%s",
		  r.output);
	cr_expect(strstr(r.output, "owner     enabled   olga@example.net\n"),
		  "%s", r.output);
	cr_expect(strstr(r.output, "member    enabled   sub@lists.example.org  "
		  "(list: its members are expanded in)\n"), "%s", r.output);
	cr_expect(strstr(r.output, "member    enabled   alice@example.net\n"),
		  "%s", r.output);
	/* version 2's settings, with their defaults */
	cr_expect(strstr(r.output, "policy           open\n"), "%s", r.output);
	cr_expect(strstr(r.output, "refused          reject\n"), "%s", r.output);
	cr_expect(strstr(r.output, "max_size         (no limit)\n"), "%s",
		  r.output);
	cr_expect(strstr(r.output, "subscription     closed\n"), "%s", r.output);
	cr_expect(strstr(r.output, "request address  team-request@lists.example.org\n"),
		  "%s", r.output);
	/* version 4's */
	cr_expect(strstr(r.output, "dkim             respect (signed fields are "
			 "left alone)\n"), "%s", r.output);
	cr_expect(strstr(r.output, "from_rewrite     never\n"), "%s", r.output);
	cr_expect(strstr(r.output, "strip_headers    Return-Receipt-To "
			 "Disposition-Notification-To X-Confirm-Reading-To\n"),
		  "%s", r.output);
	cr_expect(strstr(r.output, "archive          off\n"), "%s", r.output);
	cr_expect(strstr(r.output, "verp             1 (every post: bounces "
			 "name their member)\n"), "%s", r.output);
	run_free(&r);
	ctl(&r, &t, NULL, "show", "nope@lists.example.org");
	cr_expect_eq(r.exit_code, 1);
	cr_expect_str_eq(r.output, "listctl: no list nope@lists.example.org\n");
	run_free(&r);
}

Test(listctl, hostile_rows_cannot_reach_the_terminal)
{
	struct tdir t;
	struct run r;
	const char *cmds[] = {"show", "lists", "check"};

	/* Escape sequences, written past the CHECKs (an old database, or
	 * ignore_check_constraints), in every column listctl prints. */
	fixture(&t, "PRAGMA ignore_check_constraints = 1;"
		    "UPDATE lists SET description = 'x' || char(27) || '[2J',"
		    "  subject_prefix = char(27) || ']0;owned' || char(7);"
		    "INSERT INTO lists(address) VALUES('e' || char(27) || "
		    "  '[31m@lists.example.org');"
		    "INSERT INTO members(list, address) VALUES"
		    "  ('team@lists.example.org', 'm' || char(27) || "
		    "   '[1m@example.net');");
	for (size_t i = 0; i < 3; i++) {
		ctl(&r, &t, NULL, cmds[i], i == 0 ? "team@lists.example.org"
						  : NULL);
		cr_expect_null(strchr(r.output, 27), "%s: escape printed",
			       cmds[i]);
		cr_expect_null(strchr(r.output, 7), "%s: bell printed", cmds[i]);
		run_free(&r);
	}
}

Test(listctl, usage_errors_exit_2_with_one_line)
{
	struct tdir t;
	struct run r;
	const char *none[] = {NULL};
	const char *unknown[] = {"frobnicate", NULL};
	const char *extra[] = {"lists", "x", NULL};
	const char *const *cases[] = {none, unknown, extra};

	tdir_make(&t);
	for (size_t i = 0; i < 3; i++) {
		run_listctl(&r, &as_root, cases[i]);
		cr_expect_eq(r.exit_code, 2, "case %zu: %s", i, r.output);
		cr_expect(strstr(r.output, "usage: listctl"), "case %zu: %s", i,
			  r.output);
		run_free(&r);
	}
	run_listctl(&r, &as_root, (const char *[]){"-V", NULL});
	cr_expect_eq(r.exit_code, 0);
	cr_expect(strncmp(r.output, "listctl ", 8) == 0, "%s", r.output);
	run_free(&r);
}

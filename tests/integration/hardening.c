/*
 * hardening.c - what an adversarial review broke, and stays fixed: a
 * poster's subject cannot end the members' header block, a sendmail that
 * does not take the whole message defers, a list domain without lists
 * defers instead of looping, a From_ line never truncates a message, one
 * bad member row cannot hold a list hostage, nothing below the spool
 * directory is followed through a symlink, a stop says what was already
 * queued, and Delivered-To follows the message's newlines.
 */
#include <criterion/criterion.h>
#include <glib.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

/* run_as - listpipe with a log file, one extra flag (or NULL) */
static void run_as(struct run *r, struct tdir *t, const char *msg, size_t len,
		   const char *flag, const char *sender, const char *rcpt,
		   const struct run_opts *opts)
{
	char	log[400];
	const char *argv[20];
	int	n = 0;

	snprintf(log, sizeof(log), "%s/listpipe.log", t->path);
	if (flag)
		argv[n++] = flag;
	argv[n++] = "-d";
	argv[n++] = t->db;
	argv[n++] = "-s";
	argv[n++] = t->sendmail;
	argv[n++] = "-m";
	argv[n++] = t->spool;
	argv[n++] = "-l";
	argv[n++] = log;
	argv[n++] = "-q";
	argv[n++] = "4HARD1";
	argv[n++] = "-f";
	argv[n++] = sender;
	argv[n++] = "--";
	argv[n++] = rcpt;
	argv[n] = NULL;
	run_listpipe(r, msg, len, opts, argv);
}

static char *log_of(struct tdir *t)
{
	char	path[400];
	char   *text;

	snprintf(path, sizeof(path), "%s/listpipe.log", t->path);
	text = read_file(path, NULL);
	return text ? text : strdup("");
}

/* a sendmail of our own making in place of the recording fake */
static void sendmail_script(struct tdir *t, const char *body)
{
	char   *script = g_strdup_printf("#!/bin/sh\n%s", body);

	unlink(t->sendmail);
	write_file(t->sendmail, script, strlen(script), 0755);
	g_free(script);
}

static char *e_acute(int n)
{
	GString *s = g_string_new(NULL);

	for (int i = 0; i < n; i++)
		g_string_append(s, "\xc3\xa9");
	return g_string_free(s, FALSE);
}

/* the list copy keeps From, MIME-Version and every field we add in its
 * header block, and the body is exactly the poster's */
static void copy_block_is_whole(struct tdir *t)
{
	size_t	len;
	char   *msg = sent_message(t, 1, &len);

	cr_assert_not_null(msg);
	cr_expect_str_eq(header_value(msg, len, "From"), "a@b.c");
	cr_expect_str_eq(header_value(msg, len, "MIME-Version"), "1.0");
	cr_expect_str_eq(header_value(msg, len, "X-Loop"),
			 "team@lists.example.org");
	cr_expect_str_eq(header_value(msg, len, "Sender"),
			 "team-bounces@lists.example.org");
	cr_expect_not_null(header_value(msg, len, "List-Id"));
	cr_expect_str_eq(body_of(msg, len), "\nbody\n");
	for (const char *p = msg; p < body_of(msg, len); p = strchr(p, '\n') + 1)
		cr_expect(*p == ' ' || *p == '\t' || (strchr(p, ':')
			  && strchr(p, ':') < strchr(p, '\n')),
			  "a line in column 0 that is no field: %.60s", p);
	free(msg);
}

/* post_and_check - post msg to team@ (after sql) and check the copy */
static void post_and_check(const char *sql, const char *msg)
{
	struct tdir t;
	struct run r;

	fixture(&t, sql);
	run_as(&r, &t, msg, strlen(msg), NULL, "a@b.c",
	       "team@lists.example.org", NULL);
	cr_assert_eq(r.exit_code, 0, "%s", r.output);
	copy_block_is_whole(&t);
	run_free(&r);
}

/* 1. The review's reproducer, and its 7-bit and List-Id variants. */
Test(hardening, crafted_subject_cannot_push_fields_into_the_body)
{
	char   *e = e_acute(45);
	char   *msg = g_strdup_printf("Subject: =?x?B? %s end\nFrom: a@b.c\n"
				      "MIME-Version: 1.0\n\nbody\n", e);

	post_and_check(NULL, msg);
	g_free(msg);
	g_free(e);
}

Test(hardening, crafted_7bit_subject_cannot_push_fields_into_the_body)
{
	char   *e = e_acute(45);
	char   *text = g_strdup_printf("=?x?Q? %s end", e);
	char   *b64 = g_base64_encode((const guchar *)text, strlen(text));
	char   *msg = g_strdup_printf("Subject: =?utf-8?b?%s?=\nFrom: a@b.c\n"
				      "MIME-Version: 1.0\n\nbody\n", b64);

	post_and_check(NULL, msg);
	g_free(msg);
	g_free(b64);
	g_free(text);
	g_free(e);
}

Test(hardening, crafted_description_cannot_push_fields_into_the_body)
{
	char   *e = e_acute(60);
	char   *sql = g_strdup_printf("UPDATE lists SET description = "
				      "'=?x?B? %s'", e);

	post_and_check(sql, "From: a@b.c\nMIME-Version: 1.0\n\nbody\n");
	g_free(sql);
	g_free(e);
}

/* 2. A sendmail that exits 0 without taking the whole message. */
static void sendmail_that_stops_reading_defers(const char *script,
					       const char *rcpt,
					       const char *flag, size_t size)
{
	struct tdir t;
	struct run r;
	GString *msg = g_string_new(POST);

	while (msg->len < size)
		g_string_append(msg, "padding to make the message bigger\n");
	fixture(&t, NULL);
	sendmail_script(&t, script);
	run_as(&r, &t, msg->str, msg->len, flag, "carol@example.com", rcpt,
	       NULL);
	cr_expect_eq(r.exit_code, 75, "%s: %s", rcpt, r.output);
	cr_expect(strncmp(r.output, "4.3.0 listpipe: ", 16) == 0
		  && (strstr(r.output, "without reading the whole message")
		      || strstr(r.output, "unread")), "%s: %s", rcpt, r.output);
	run_free(&r);
	g_string_free(msg, TRUE);
}

/* each kind of address that reinjects: a post, owner mail, passed-on mail */
static void every_kind_defers(const char *script)
{
	static const struct {
		const char *rcpt;
		const char *flag;
	} kinds[] = {
		{"team@lists.example.org", NULL},
		{"team-owner@lists.example.org", NULL},
		{"x@elsewhere.example", "-p"},
	};

	for (size_t i = 0; i < sizeof(kinds) / sizeof(*kinds); i++)
		sendmail_that_stops_reading_defers(script, kinds[i].rcpt,
						   kinds[i].flag, 0);
}

Test(hardening, sendmail_that_reads_nothing_and_exits_0_defers)
{
	every_kind_defers("exit 0\n");
}

Test(hardening, sendmail_that_reads_100_bytes_and_exits_0_defers)
{
	every_kind_defers("dd bs=100 count=1 of=/dev/null 2>/dev/null\n"
			  "exit 0\n");
}

Test(hardening, sendmail_that_quits_on_a_message_bigger_than_the_pipe_defers,
     .timeout = 60)
{
	sendmail_that_stops_reading_defers("exit 0\n", "team@lists.example.org",
					   NULL, 1024 * 1024);
}

/* 3. A routed domain without lists: neither passed on nor bounced. */
Test(hardening, list_domain_without_lists_defers_instead_of_looping)
{
	struct tdir t;
	struct run r;

	fixture(&t, "DELETE FROM lists");
	run_as(&r, &t, POST, strlen(POST), NULL, "carol@example.com",
	       "team@lists.example.org", NULL);
	cr_expect_eq(r.exit_code, 75);
	cr_expect(strncmp(r.output, "4.3.5 listpipe: <team@lists.example.org>:"
			  " no list in domain lists.example.org", 58) == 0,
		  "%s", r.output);
	cr_expect_eq(sent_count(&t), 0, "nothing passed on");
	run_free(&r);
}

Test(hardening, mail_passed_on_that_comes_back_defers)
{
	struct tdir t;
	struct run r;
	const char *back = "X-Listpipe-Passed-On: <X@Elsewhere.example>\n" POST;
	const char *other = "X-Listpipe-Passed-On: y@elsewhere.example\n" POST;

	fixture(&t, NULL);
	run_as(&r, &t, back, strlen(back), "-p", "carol@example.com",
	       "x@elsewhere.example", NULL);
	cr_expect_eq(r.exit_code, 75);
	cr_expect(strncmp(r.output, "4.3.5 listpipe: <x@elsewhere.example>: "
			  "mail listpipe passed on came back", 71) == 0, "%s",
		  r.output);
	cr_expect_eq(sent_count(&t), 0);
	run_free(&r);
	/* Passed on once for another address: this one is still new. */
	run_as(&r, &t, other, strlen(other), "-p", "carol@example.com",
	       "x@elsewhere.example", NULL);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_expect_eq(sent_count(&t), 1);
	run_free(&r);
}

/* 4. A From_ line longer than the header buffer. */
Test(hardening, long_envelope_line_never_truncates_the_message)
{
	static const char *const rcpts[] = {
		"team-owner@lists.example.org", "x@elsewhere.example",
		"team-bounces@lists.example.org",
	};
	GString *in = g_string_new("From carol@example.com ");

	while (in->len < 300 * 1024)
		g_string_append(in, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
	g_string_append(in, "\n" POST);
	for (size_t i = 0; i < 3; i++) {
		struct tdir t;
		struct run r;
		size_t	len;
		char   *msg = NULL;
		char	dir[600];

		fixture(&t, NULL);
		run_as(&r, &t, in->str, in->len, i == 1 ? "-p" : NULL,
		       "carol@example.com", rcpts[i], NULL);
		cr_assert_eq(r.exit_code, 0, "%s: %s", rcpts[i], r.output);
		if (i < 2) {
			msg = sent_message(&t, 1, &len);
		} else {
			snprintf(dir, sizeof(dir), "%s/bounces/team@lists."
				 "example.org/new", t.spool);
			msg = only_file_in(dir, &len);
		}
		cr_assert_not_null(msg);
		/* whatever comes first, the whole message follows it */
		cr_expect(len >= strlen(POST)
			  && memcmp(msg + len - strlen(POST), POST,
				    strlen(POST)) == 0,
			  "%s: %zu bytes, message cut", rcpts[i], len);
		cr_expect(len < strlen(POST) + 200, "%s: envelope line kept",
			  rcpts[i]);
		free(msg);
		run_free(&r);
	}
	g_string_free(in, TRUE);
}

/* 5. One member row that sendmail could never take. */
Test(hardening, unusable_member_is_skipped_and_the_others_get_the_post)
{
	struct tdir t;
	struct run r;
	char   *log;
	char   *sql = g_strdup_printf(
		"PRAGMA ignore_check_constraints = 1;"
		"INSERT INTO members(list, address) VALUES"
		"  ('team@lists.example.org', '%s@example.net'),"
		"  ('team@lists.example.org', 'two@at@example.net');",
		g_strnfill(200 * 1024, 'z'));

	tdir_make(&t);
	tdir_db(&t, TEAM_SQL);
	tdir_sql(&t, sql);
	tdir_hand_over(&t);
	run_as(&r, &t, POST, strlen(POST), NULL, "carol@example.com",
	       "team@lists.example.org", NULL);
	cr_assert_eq(r.exit_code, 0, "%s", r.output);
	cr_expect_str_eq(sent_args(&t, 1),
	    "-G\n-i\n-XV\n-f\nteam-bounces@lists.example.org\n--\n"
	    "alice@example.net\nbob@example.net\n");
	log = log_of(&t);
	cr_expect(strstr(log, "warning: list team@lists.example.org: skipped "
			 "member <zzzz") && strstr(log, "(204812 bytes): "
			 "address too long"), "%s", log);
	cr_expect(strstr(log, "skipped member <two@at@example.net> (18 bytes):"
			 " not user@domain"), "%s", log);
	run_free(&r);
	free(log);
	g_free(sql);
}

Test(hardening, schema_refuses_addresses_over_rfc_5321_lengths)
{
	static const char *const bad[] = {
		/* 65 before the '@' */
		"INSERT INTO members(list, address) VALUES('team@lists.example."
		"org', printf('%.65c@example.net', 'a'))",
		/* 255 in all */
		"INSERT INTO members(list, address) VALUES('team@lists.example."
		"org', printf('a@%.253c', 'd'))",
		"INSERT INTO members(list, address) VALUES('team@lists.example."
		"org', 'a@b@example.net')",
		/* -bounces@ would be over 64 */
		"INSERT INTO lists(address) VALUES(printf('%.57c@example.org', "
		"'l'))",
	};
	struct tdir t;
	sqlite3 *db;

	tdir_make(&t);
	tdir_db(&t, TEAM_SQL);
	cr_assert_eq(sqlite3_open(t.db, &db), SQLITE_OK);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		cr_expect_eq(sqlite3_exec(db, bad[i], NULL, NULL, NULL),
			     SQLITE_CONSTRAINT, "accepted: %s", bad[i]);
	cr_expect_eq(sqlite3_exec(db, "INSERT INTO members(list, address) "
		     "VALUES('team@lists.example.org', printf('%.64c@%.189c', "
		     "'a', 'd'))", NULL, NULL, NULL), SQLITE_OK,
		     "64 + 1 + 189 = 254 is allowed");
	sqlite3_close(db);
}

/* 6. The spool directory and what is below it. */
static void bounce_is_refused(struct tdir *t, const char *want)
{
	struct run r;

	run_as(&r, t, POST, strlen(POST), NULL, "",
	       "team-bounces@lists.example.org", NULL);
	cr_expect_eq(r.exit_code, 75, "%s", r.output);
	cr_expect(strncmp(r.output, want, strlen(want)) == 0, "got %s, want %s",
		  r.output, want);
	run_free(&r);
}

Test(hardening, symlinks_below_the_spool_are_refused_not_followed)
{
	static const char *const planted[] = {"bounces",
					      "bounces/team@lists.example.org",
					      "bounces/team@lists.example.org/new"};

	for (size_t i = 0; i < 3; i++) {
		struct tdir t;
		char	link[600], target[600], want[800], cmd[2000];

		fixture(&t, NULL);
		snprintf(target, sizeof(target), "%s/elsewhere", t.path);
		cr_assert_eq(mkdir(target, 0777), 0);
		chmod(target, 0777);
		/* the directories above the planted link exist */
		snprintf(cmd, sizeof(cmd), "mkdir -p %s/bounces/team@lists."
			 "example.org/tmp && chown -R %d %s/bounces", t.spool,
			 running_as_root() ? 65534 : (int)getuid(), t.spool);
		cr_assert_eq(system(cmd), 0);
		snprintf(link, sizeof(link), "%s/%s", t.spool, planted[i]);
		snprintf(cmd, sizeof(cmd), "rm -rf '%s' && ln -s %s '%s'", link,
			 target, link);
		cr_assert_eq(system(cmd), 0);
		snprintf(want, sizeof(want), "4.3.5 listpipe: %s is a symlink or "
			 "not a directory: refusing to follow it", link);
		bounce_is_refused(&t, want);
		snprintf(cmd, sizeof(cmd), "test -z \"$(find %s -type f)\"",
			 target);
		cr_expect_eq(system(cmd), 0, "something was written through %s",
			     planted[i]);
	}
}

Test(hardening, spool_writable_by_others_is_refused)
{
	struct tdir t;
	char	want[600];

	fixture(&t, NULL);
	chmod(t.spool, 0777);
	snprintf(want, sizeof(want), "4.3.5 listpipe: spool directory %s is "
		 "writable by everyone (mode 777)", t.spool);
	bounce_is_refused(&t, want);
	chmod(t.spool, 0775);
	snprintf(want, sizeof(want), "4.3.5 listpipe: spool directory %s is "
		 "writable by group", t.spool);
	bounce_is_refused(&t, want);
}

Test(hardening, spool_acl_may_name_postfix_and_no_one_else)
{
	struct tdir t;
	struct run r;
	char	cmd[600], want[600];

	if (system("command -v setfacl >/dev/null && getent passwd postfix "
		   ">/dev/null && getent passwd daemon >/dev/null") != 0)
		cr_skip_test("needs setfacl and the postfix and daemon users");
	fixture(&t, NULL);
	/* The documented ACL: postfix may write, and that is fine. */
	snprintf(cmd, sizeof(cmd), "setfacl -m u:postfix:rwx -m d:u:postfix:rw "
		 "-m d:m::rw %s", t.spool);
	cr_assert_eq(system(cmd), 0);
	run_as(&r, &t, POST, strlen(POST), NULL, "",
	       "team-bounces@lists.example.org", NULL);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	run_free(&r);
	/* Another user with write access is not. */
	snprintf(cmd, sizeof(cmd), "setfacl -m u:daemon:rwx %s", t.spool);
	cr_assert_eq(system(cmd), 0);
	snprintf(want, sizeof(want), "4.3.5 listpipe: spool directory %s is "
		 "writable by user", t.spool);
	bounce_is_refused(&t, want);
}

/* 7. Stopped part-way through a list bigger than one sendmail run. */
static void stopped_part_way(const char *flag, const struct run_opts *opts,
			     const char *why)
{
	struct tdir t;
	struct run r;
	char   *log;

	fixture(&t,
		"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
		"WHERE i < 598) INSERT INTO members(list, address) "
		"SELECT 'team@lists.example.org', printf('m%04d@example.net', i) "
		"FROM n;");
	/* The first run takes its 500, the second hangs. */
	sendmail_script(&t, "here=$(dirname \"$0\")\n"
			"cat > /dev/null\n"
			"[ -f \"$here/sent/first\" ] && exec sleep 30\n"
			"touch \"$here/sent/first\"\n");
	run_as(&r, &t, POST, strlen(POST), flag, "carol@example.com",
	       "team@lists.example.org", opts);
	cr_expect_eq(r.exit_code, 75);
	cr_expect(strncmp(r.output, why, strlen(why)) == 0, "%s", r.output);
	cr_expect(strstr(r.output, "(500 of 600 recipients already queued; a "
			 "retry skips them)"), "%s", r.output);
	log = log_of(&t);
	cr_expect(strstr(log, "warning: deferred: ") && strstr(log, why + 6),
		  "%s", log);
	free(log);
	run_free(&r);
}

Test(hardening, watchdog_says_what_was_already_queued, .timeout = 60)
{
	stopped_part_way("-t2", NULL, "4.3.0 listpipe: timed out after 2 "
			 "seconds");
}

Test(hardening, sigterm_says_what_it_is_and_what_was_queued, .timeout = 60)
{
	struct run_opts opts = {.term_after_ms = 1500};

	stopped_part_way(NULL, &opts, "4.3.0 listpipe: stopped by signal 15 "
			 "(SIGTERM");
}

/* 8. Delivered-To on a stored bounce, in a CRLF message. */
Test(hardening, delivered_to_follows_the_message_newlines)
{
	struct tdir t;
	struct run r;
	const char *crlf = "From: MAILER-DAEMON@x\r\nSubject: bounce\r\n\r\nbody\r\n";
	char	dir[600];
	char   *stored;

	fixture(&t, NULL);
	run_as(&r, &t, crlf, strlen(crlf), NULL, "",
	       "team-bounces@lists.example.org", NULL);
	cr_assert_eq(r.exit_code, 0, "%s", r.output);
	snprintf(dir, sizeof(dir), "%s/bounces/team@lists.example.org/new",
		 t.spool);
	stored = only_file_in(dir, NULL);
	cr_expect_str_eq(stored, "Delivered-To: team-bounces@lists.example.org"
			 "\r\n" "From: MAILER-DAEMON@x\r\nSubject: bounce\r\n"
			 "\r\nbody\r\n");
	free(stored);
	run_free(&r);
}

/* Review findings (second round). */

/* A wrapper that does not exec: the watchdog kills sendmail's whole
 * process group, so nothing it started sees the end of its input. */
Test(hardening, watchdog_kills_what_sendmail_started_too, .timeout = 60)
{
	struct tdir t;
	struct run r;
	GString *msg = g_string_new(POST);
	char	path[400];

	while (msg->len < 1024 * 1024)
		g_string_append(msg, "padding to make the message bigger\n");
	fixture(&t, NULL);
	sendmail_script(&t, "here=$(dirname \"$0\")\n"
			"/bin/sh -c \"sleep 3; cat > $here/sent/grandchild.msg\"\n"
			"exit $?\n");
	run_as(&r, &t, msg->str, msg->len, "-t1", "carol@example.com",
	       "team@lists.example.org", NULL);
	cr_expect_eq(r.exit_code, 75, "%s", r.output);
	sleep(4);
	snprintf(path, sizeof(path), "%s/sent/grandchild.msg", t.path);
	cr_expect_neq(access(path, F_OK), 0, "a grandchild queued a copy");
	run_free(&r);
	g_string_free(msg, TRUE);
}

Test(hardening, sendmail_killed_while_the_pipe_is_full_says_so, .timeout = 60)
{
	struct tdir t;
	struct run r;
	GString *msg = g_string_new(POST);

	while (msg->len < 1024 * 1024)
		g_string_append(msg, "padding to make the message bigger\n");
	fixture(&t, NULL);
	sendmail_script(&t, "kill -9 $$\n");
	run_as(&r, &t, msg->str, msg->len, NULL, "carol@example.com",
	       "team@lists.example.org", NULL);
	cr_expect_eq(r.exit_code, 75);
	cr_expect(strstr(r.output, "killed by signal 9"), "%s", r.output);
	run_free(&r);
	g_string_free(msg, TRUE);
}

/* A first body line longer than the header buffer, after a short header
 * block with no empty line: Postfix takes it, and so do we. */
Test(hardening, long_first_body_line_is_no_header)
{
	struct tdir t;
	struct run r;
	GString *msg = g_string_new("From: a@b.c\nSubject: s\n");
	size_t	len;
	char   *copy;

	while (msg->len < 300 * 1024)
		g_string_append_c(msg, 'x');
	g_string_append_c(msg, '\n');
	fixture(&t, NULL);
	run_as(&r, &t, msg->str, msg->len, NULL, "a@b.c",
	       "team@lists.example.org", NULL);
	cr_assert_eq(r.exit_code, 0, "%s", r.output);
	copy = sent_message(&t, 1, &len);
	cr_expect(len > msg->len - 23 && memcmp(copy + len - (msg->len - 23),
		  msg->str + 23, msg->len - 23) == 0, "body changed");
	free(copy);
	run_free(&r);
	g_string_free(msg, TRUE);
}

/* pipe(8) flag q quotes "a..b"@; the lists table has it unquoted. */
Test(hardening, quoted_local_part_finds_its_list)
{
	struct tdir t;
	struct run r;

	fixture(&t, "INSERT INTO lists(address) VALUES('a..b@lists.example.org');"
		    "INSERT INTO members(list, address) VALUES"
		    "  ('a..b@lists.example.org', 'x@example.net');");
	run_as(&r, &t, POST, strlen(POST), NULL, "carol@example.com",
	       "\"a..b\"@lists.example.org", NULL);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_expect_eq(sent_count(&t), 1);
	run_free(&r);
	run_as(&r, &t, POST, strlen(POST), NULL, "carol@example.com",
	       "\"a..b+x\"@lists.example.org", NULL);
	cr_expect_eq(r.exit_code, 0, "an extension inside the quotes: %s",
		     r.output);
	run_free(&r);
}

/* -p passes mail on as it was addressed, and a folded trace field still
 * stops the loop. */
Test(hardening, passed_on_keeps_the_local_part_and_sees_folded_traces)
{
	struct tdir t;
	struct run r;
	const char *folded = "X-Listpipe-Passed-On:\n <joe@other.example>\n" POST;

	fixture(&t, NULL);
	run_as(&r, &t, POST, strlen(POST), "-p", "carol@example.com",
	       "Joe@Other.Example", NULL);
	cr_assert_eq(r.exit_code, 0, "%s", r.output);
	cr_expect(strstr(sent_args(&t, 1), "\n--\nJoe@Other.Example\n"), "%s",
		  sent_args(&t, 1));
	run_free(&r);
	run_as(&r, &t, folded, strlen(folded), "-p", "carol@example.com",
	       "Joe@Other.Example", NULL);
	cr_expect_eq(r.exit_code, 75, "%s", r.output);
	cr_expect(strstr(r.output, "came back"), "%s", r.output);
	cr_expect_eq(sent_count(&t), 1, "not passed on again");
	run_free(&r);
}

/*
 * delivery.c - what members, owners and the bounce Maildir receive.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "common.h"

Test(delivery, list_copy_carries_list_headers_and_the_exact_body)
{
	struct tdir t;
	struct run r;
	size_t	len;
	char   *msg;

	fixture(&t, NULL);
	deliver(&r, &t, POST, "carol@example.com", "team@lists.example.org");
	cr_assert_eq(r.exit_code, 0, "%s", r.output);
	msg = sent_message(&t, 1, &len);
	cr_assert(msg != NULL);
	cr_expect_str_eq(header_value(msg, len, "List-Id"),
			 "\"Team talk\" <team.lists.example.org>");
	cr_expect_str_eq(header_value(msg, len, "List-Post"),
			 "<mailto:team@lists.example.org>");
	cr_expect_str_eq(header_value(msg, len, "List-Owner"),
			 "<mailto:team-owner@lists.example.org>");
	cr_expect_str_eq(header_value(msg, len, "List-Unsubscribe"),
		"<mailto:team-request@lists.example.org?subject=unsubscribe>");
	cr_expect_str_eq(header_value(msg, len, "List-Subscribe"),
		"<mailto:team-owner@lists.example.org?subject=subscribe>");
	cr_expect_str_eq(header_value(msg, len, "List-Help"),
		"<mailto:team-request@lists.example.org?subject=help>");
	cr_expect_str_eq(header_value(msg, len, "Precedence"), "bulk");
	cr_expect_str_eq(header_value(msg, len, "X-Auto-Response-Suppress"),
			 "OOF");
	cr_expect_str_eq(header_value(msg, len, "Sender"),
			 "team-bounces@lists.example.org");
	cr_expect_str_eq(header_value(msg, len, "X-Loop"),
			 "team@lists.example.org");
	cr_expect_str_eq(header_value(msg, len, "Subject"),
			 "[team] Lunch on Friday?");
	cr_expect_eq(header_value(msg, len, "List-Archive"), NULL);
	/* The poster's Return-Path goes: the copy has our envelope sender. */
	cr_expect_eq(header_count(msg, len, "Return-Path"), 0);
	/* Untouched fields keep their bytes, folding included. */
	cr_expect(strncmp(msg, "Received: from mx.example.com (mx.example.com "
		  "[192.0.2.1])\n\tby lists.example.org (Postfix) with ESMTP "
		  "id 4ABC123\nFrom: Carol", 113) == 0, "%s", msg);
	cr_expect_str_eq(body_of(msg, len), body_of(POST, strlen(POST)));
	run_free(&r);
	free(msg);
}

Test(delivery, upstream_list_headers_are_replaced_not_duplicated)
{
	struct tdir t;
	struct run r;
	size_t	len;
	char   *msg;
	const char *relayed =
		"List-Id: Upstream <up.example.com>\n"
		"List-Unsubscribe: <mailto:up-leave@example.com>\n"
		"List-Unsubscribe-Post: List-Unsubscribe=One-Click\n"
		"List-Archive: <https://example.com/up>\n"
		"Sender: up-bounces@example.com\n"
		"Precedence: list\n" POST;

	/* The operator trusts the upstream list: its envelope sender is a
	 * poster, so its Precedence: list does not make it automatic mail. */
	fixture(&t, "INSERT INTO members(list, address, role) VALUES "
		"('team@lists.example.org', 'up-bounces@example.com', 'poster')");
	deliver(&r, &t, relayed, "up-bounces@example.com",
		"team@lists.example.org");
	cr_assert_eq(r.exit_code, 0, "%s", r.output);
	msg = sent_message(&t, 1, &len);
	cr_expect_eq(header_count(msg, len, "List-Id"), 1);
	cr_expect_eq(header_count(msg, len, "List-Unsubscribe"), 1);
	cr_expect_eq(header_count(msg, len, "List-Unsubscribe-Post"), 0);
	cr_expect_eq(header_count(msg, len, "List-Archive"), 0);
	cr_expect_eq(header_count(msg, len, "Sender"), 1);
	cr_expect_eq(header_count(msg, len, "Precedence"), 1);
	cr_expect_str_eq(header_value(msg, len, "List-Id"),
			 "\"Team talk\" <team.lists.example.org>");
	cr_expect_str_eq(header_value(msg, len, "Precedence"), "bulk");
	/* Replaced in place: the first field is still the List-Id. */
	cr_expect(strncmp(msg, "List-Id: \"Team talk\"", 20) == 0);
	run_free(&r);
	free(msg);
}

Test(delivery, configured_urls_and_reply_to_list)
{
	struct tdir t;
	struct run r;
	size_t	len;
	char   *msg;

	fixture(&t, "UPDATE lists SET reply_to = 'list', "
		"archive_url = 'https://lists.example.org/team/', "
		"unsubscribe_url = 'https://lists.example.org/leave?l=team', "
		"name = 'team-talk', description = NULL");
	deliver(&r, &t, "Reply-To: carol@example.com\n" POST,
		"carol@example.com", "team@lists.example.org");
	cr_assert_eq(r.exit_code, 0, "%s", r.output);
	msg = sent_message(&t, 1, &len);
	cr_expect_str_eq(header_value(msg, len, "Reply-To"),
			 "team@lists.example.org");
	cr_expect_eq(header_count(msg, len, "Reply-To"), 1);
	cr_expect_str_eq(header_value(msg, len, "List-Archive"),
			 "<https://lists.example.org/team/>");
	cr_expect_str_eq(header_value(msg, len, "List-Unsubscribe"),
			 "<https://lists.example.org/leave?l=team>");
	cr_expect_str_eq(header_value(msg, len, "List-Id"),
			 "<team-talk.lists.example.org>");
	run_free(&r);
	free(msg);
}

Test(delivery, reply_to_poster_leaves_reply_to_alone)
{
	struct tdir t;
	struct run r;
	size_t	len;
	char   *msg;

	fixture(&t, NULL);
	deliver(&r, &t, "Reply-To: carol@example.com\n" POST,
		"carol@example.com", "team@lists.example.org");
	msg = sent_message(&t, 1, &len);
	cr_expect_str_eq(header_value(msg, len, "Reply-To"),
			 "carol@example.com");
	run_free(&r);
	free(msg);
}

Test(delivery, crlf_message_gets_crlf_headers)
{
	struct tdir t;
	struct run r;
	size_t	len;
	char   *msg;
	const char *crlf = "From: carol@example.com\r\nSubject: hi\r\n\r\n"
			   "body\r\n";

	fixture(&t, NULL);
	deliver(&r, &t, crlf, "carol@example.com", "team@lists.example.org");
	cr_assert_eq(r.exit_code, 0, "%s", r.output);
	msg = sent_message(&t, 1, &len);
	cr_expect(strstr(msg, "\r\nList-Id: \"Team talk\" "
		  "<team.lists.example.org>\r\n") != NULL, "%s", msg);
	cr_expect_str_eq(body_of(msg, len), "\r\nbody\r\n");
	/* No bare LF anywhere: every \n follows a \r. */
	for (size_t i = 0; i < len; i++)
		if (msg[i] == '\n')
			cr_assert(i > 0 && msg[i - 1] == '\r', "bare LF at %zu", i);
	run_free(&r);
	free(msg);
}

Test(delivery, nested_lists_duplicates_and_case_are_one_copy_each)
{
	struct tdir t;
	struct run r;

	fixture(&t,
		"INSERT INTO lists(address) VALUES('Sub@Lists.Example.org');"
		"INSERT INTO members(list, address) VALUES"
		"  ('team@lists.example.org', 'sub@lists.example.org'),"
		"  ('sub@lists.example.org', 'ALICE@example.net'),"
		"  ('sub@lists.example.org', 'dave@example.net'),"
		"  ('sub@lists.example.org', 'TEAM@lists.example.org');"
		"INSERT INTO members(list, address, state) VALUES"
		"  ('team@lists.example.org', 'erin@example.net', 'nomail'),"
		"  ('team@lists.example.org', 'fred@example.net', 'disabled');");
	deliver(&r, &t, POST, "carol@example.com", "TEAM@lists.example.org");
	cr_assert_eq(r.exit_code, 0, "%s", r.output);
	cr_expect_eq(sent_count(&t), 1);
	cr_expect_str_eq(sent_args(&t, 1),
	    "-G\n-i\n-XV\n-f\nteam-bounces@lists.example.org\n--\n"
	    "alice@example.net\nbob@example.net\ndave@example.net\n");
	run_free(&r);
}

Test(delivery, list_written_in_capitals_uses_lower_case_addresses)
{
	struct tdir t;
	struct run r;
	size_t	len;
	char   *msg;

	fixture(&t, "UPDATE lists SET address = 'Team@Lists.Example.ORG'");
	deliver(&r, &t, POST, "carol@example.com", "team@lists.example.org");
	cr_assert_eq(r.exit_code, 0, "%s", r.output);
	cr_expect_str_eq(sent_args(&t, 1),
	    "-G\n-i\n-XV\n-f\nteam-bounces@lists.example.org\n--\n"
	    "alice@example.net\nbob@example.net\n");
	msg = sent_message(&t, 1, &len);
	cr_expect_str_eq(header_value(msg, len, "X-Loop"),
			 "team@lists.example.org");
	run_free(&r);
	free(msg);
}

Test(delivery, mbox_envelope_line_is_not_passed_on)
{
	struct tdir t;
	struct run r;
	size_t	len;
	char   *msg;

	fixture(&t, NULL);
	deliver(&r, &t, "From carol@example.com Sat Nov 21 05:00:00 2026\n" POST,
		"carol@example.com", "team-owner@lists.example.org");
	cr_assert_eq(r.exit_code, 0, "%s", r.output);
	msg = sent_message(&t, 1, &len);
	cr_expect_eq(len, strlen(POST));
	cr_expect(memcmp(msg, POST, len) == 0);
	run_free(&r);
	free(msg);
}

Test(delivery, big_list_is_split_into_batches_of_500)
{
	struct tdir t;
	struct run r;
	size_t	len1, len3;
	char   *m1, *m3, *args3;

	fixture(&t,
		"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
		"WHERE i < 1001) INSERT INTO members(list, address) "
		"SELECT 'team@lists.example.org', printf('m%04d@example.net', i) "
		"FROM n;");
	deliver(&r, &t, POST, "carol@example.com", "team@lists.example.org");
	cr_assert_eq(r.exit_code, 0, "%s", r.output);
	/* 1001 + alice + bob = 1003 recipients: 500, 500, 3 */
	cr_expect_eq(sent_count(&t), 3);
	m1 = sent_message(&t, 1, &len1);
	m3 = sent_message(&t, 3, &len3);
	cr_expect_eq(len1, len3);
	cr_expect(memcmp(m1, m3, len1) == 0, "batches got different copies");
	args3 = sent_args(&t, 3);
	/* sorted: alice, bob, m0001 ... so the last run is the tail */
	cr_expect_str_eq(args3, "-G\n-i\n-XV\n-f\nteam-bounces@lists.example.org\n"
			 "--\nm0999@example.net\nm1000@example.net\n"
			 "m1001@example.net\n");
	run_free(&r);
	free(m1);
	free(m3);
	free(args3);
}

Test(delivery, a_retry_after_a_later_batch_failed_sends_only_the_rest)
{
	struct tdir t;
	struct run r;
	char	path[400];
	char   *args;

	fixture(&t,
		"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
		"WHERE i < 600) INSERT INTO members(list, address) "
		"SELECT 'team@lists.example.org', printf('m%04d@example.net', i) "
		"FROM n;");
	snprintf(path, sizeof(path), "%s/sendmail.fail-after", t.path);
	write_file(path, "1\n", 2, 0644);
	deliver(&r, &t, POST, "carol@example.com", "team@lists.example.org");
	cr_expect_eq(r.exit_code, 75);
	cr_expect(strstr(r.output, "(500 of 602 recipients already queued; "
			 "a retry skips them)") != NULL, "%s", r.output);
	run_free(&r);
	/* Postfix retries the same queue file: only the 102 not queued.
	 * (The fake records the failed run 2 too.) */
	unlink(path);
	deliver(&r, &t, POST, "carol@example.com", "team@lists.example.org");
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_assert_eq(sent_count(&t), 3);
	args = sent_args(&t, 3);
	cr_expect(strncmp(args, "-G\n-i\n-XV\n-f\nteam-bounces@lists."
			  "example.org\n--\nm0499@example.net\n", 56) == 0, "%s",
		  args);
	cr_expect(strstr(args, "\nm0600@example.net\n") != NULL
		  && strstr(args, "m0498@") == NULL, "%s", args);
	free(args);
	run_free(&r);
	/* And once everything is queued, a retry sends nothing. */
	deliver(&r, &t, POST, "carol@example.com", "team@lists.example.org");
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_expect_eq(sent_count(&t), 3);
	run_free(&r);
}

Test(delivery, list_without_enabled_members_delivers_nothing)
{
	struct tdir t;
	struct run r;

	fixture(&t, "UPDATE members SET state = 'nomail'");
	deliver(&r, &t, POST, "carol@example.com", "team@lists.example.org");
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_expect_eq(sent_count(&t), 0);
	run_free(&r);
}

Test(delivery, owner_mail_goes_to_owners_unchanged)
{
	struct tdir t;
	struct run r;
	size_t	len;
	char   *msg;

	fixture(&t, NULL);
	deliver(&r, &t, POST, "carol@example.com",
		"team-owner@lists.example.org");
	cr_assert_eq(r.exit_code, 0, "%s", r.output);
	cr_expect_str_eq(sent_args(&t, 1),
	    "-G\n-i\n-f\nteam-bounces@lists.example.org\n--\n"
	    "olga@example.net\n");
	msg = sent_message(&t, 1, &len);
	cr_expect_eq(len, strlen(POST));
	cr_expect(memcmp(msg, POST, len) == 0);
	run_free(&r);
	free(msg);
}

Test(delivery, owner_mail_without_owner_defers)
{
	struct tdir t;
	struct run r;

	fixture(&t, "DELETE FROM members WHERE role = 'owner'");
	deliver(&r, &t, POST, "carol@example.com",
		"team-owner@lists.example.org");
	cr_expect_eq(r.exit_code, 75);
	cr_expect_str_eq(r.output, "4.3.5 listpipe: list team@lists.example.org "
			 "has no enabled owner\n");
	run_free(&r);
}

static void check_bounce_stored(const char *rcpt)
{
	struct tdir t;
	struct run r;
	char	dir[600];
	char	expect[4096];
	size_t	len;
	char   *stored;

	fixture(&t, NULL);
	deliver(&r, &t, POST, "", rcpt);
	cr_assert_eq(r.exit_code, 0, "%s", r.output);
	cr_expect_eq(r.output_len, 0);
	cr_expect_eq(sent_count(&t), 0);
	snprintf(dir, sizeof(dir), "%s/bounces/team@lists.example.org/new",
		 t.spool);
	stored = only_file_in(dir, &len);
	snprintf(expect, sizeof(expect), "Delivered-To: %s\n%s", rcpt, POST);
	cr_expect_str_eq(stored, expect);
	run_free(&r);
	free(stored);
}

Test(delivery, bounce_is_stored_in_the_lists_bounce_maildir)
{
	check_bounce_stored("team-bounces@lists.example.org");
}

Test(delivery, verp_bounce_keeps_its_address_in_delivered_to)
{
	check_bounce_stored("team-bounces+alice=example.net@lists.example.org");
}

Test(delivery, bounce_maildir_that_cannot_be_written_defers)
{
	struct tdir t;
	struct run r;
	char	path[600];

	fixture(&t, NULL);
	/* A file where the bounces directory should be. */
	snprintf(path, sizeof(path), "%s/bounces", t.spool);
	write_file(path, "", 0, 0644);
	deliver(&r, &t, POST, "", "team-bounces@lists.example.org");
	cr_expect_eq(r.exit_code, 75);
	snprintf(path, sizeof(path), "4.3.5 listpipe: %s/bounces is a symlink "
		 "or not a directory", t.spool);
	cr_expect(strncmp(r.output, path, strlen(path)) == 0, "%s", r.output);
	run_free(&r);
}

Test(delivery, foreign_domain_is_passed_on_unchanged)
{
	struct tdir t;
	struct run r;
	size_t	len;
	char   *msg;

	const char *trace = "X-Listpipe-Passed-On: -someone@elsewhere.example\n";
	const char *argv[] = {"-p", "-d", t.db, "-s", t.sendmail, "-m", t.spool,
			      "-f", "", "--", "-someone@elsewhere.example", NULL};

	fixture(&t, NULL);
	run_listpipe(&r, POST, strlen(POST), NULL, argv);
	cr_assert_eq(r.exit_code, 0, "%s", r.output);
	/* The null sender stays null; a leading '-' stays a recipient. */
	cr_expect_str_eq(sent_args(&t, 1),
			 "-G\n-i\n-f\n\n--\n-someone@elsewhere.example\n");
	/* Unchanged but for one trace field on top (the loop guard). */
	msg = sent_message(&t, 1, &len);
	cr_expect_eq(len, strlen(trace) + strlen(POST));
	cr_expect(memcmp(msg, trace, strlen(trace)) == 0, "%s", msg);
	cr_expect(memcmp(msg + strlen(trace), POST, strlen(POST)) == 0);
	run_free(&r);
	free(msg);
}

Test(delivery, several_recipients_each_handled_one_status)
{
	struct tdir t;
	struct run r;
	const char *argv[] = {"-d", t.db, "-s", t.sendmail, "-m", t.spool,
			      "-f", "carol@example.com", "--",
			      "team@lists.example.org",
			      "nosuch@lists.example.org",
			      "team-owner@lists.example.org", NULL};

	fixture(&t, NULL);
	run_listpipe(&r, POST, strlen(POST), NULL, argv);
	/* The deliverable ones went out; the bounce covers the bad one. */
	cr_expect_eq(sent_count(&t), 2);
	cr_expect_eq(r.exit_code, 67);
	cr_expect_str_eq(r.output,
			 "5.1.1 <nosuch@lists.example.org>: no such list\n");
	run_free(&r);
}

Test(delivery, deferral_wins_and_nothing_is_sent_when_planning_fails)
{
	struct tdir t;
	struct run r;
	const char *argv[] = {"-d", t.db, "-s", t.sendmail, "-m", t.spool,
			      "-f", "carol@example.com", "--",
			      "team@lists.example.org",
			      "team-owner@lists.example.org", NULL};

	fixture(&t, "DELETE FROM members WHERE role = 'owner'");
	run_listpipe(&r, POST, strlen(POST), NULL, argv);
	cr_expect_eq(r.exit_code, 75);
	cr_expect_eq(sent_count(&t), 0);
	run_free(&r);
}

Test(delivery, sendmail_chatter_never_reaches_postfix)
{
	struct tdir t;
	struct run r;
	char	path[400];

	fixture(&t, NULL);
	snprintf(path, sizeof(path), "%s/sendmail.say", t.path);
	write_file(path, "postdrop: warning: unable to look up public/pickup\n",
		   51, 0644);
	deliver(&r, &t, POST, "carol@example.com", "team@lists.example.org");
	cr_expect_eq(r.exit_code, 0);
	cr_expect_eq(r.output_len, 0, "output: %s", r.output);
	run_free(&r);
}

Test(delivery, database_text_cannot_inject_header_lines)
{
	struct tdir t;
	struct run r;
	size_t	len;
	char   *msg;

	fixture(&t,
		"PRAGMA ignore_check_constraints = ON;"
		"UPDATE lists SET description = 'x' || char(13, 10) || "
		"'Bcc: victim@example.com', subject_prefix = '[t]' || char(10) "
		"|| 'X-Injected: 1', archive_url = 'https://a' || char(10) || "
		"'X-Injected: 2';");
	deliver(&r, &t, POST, "carol@example.com", "team@lists.example.org");
	cr_assert_eq(r.exit_code, 0, "%s", r.output);
	msg = sent_message(&t, 1, &len);
	cr_expect_eq(header_count(msg, len, "Bcc"), 0);
	cr_expect_eq(header_count(msg, len, "X-Injected"), 0);
	cr_expect(strstr(msg, "\nBcc:") == NULL);
	cr_expect(strstr(msg, "\r") == NULL);
	run_free(&r);
	free(msg);
}

Test(delivery, dry_run_prints_argv_and_message_and_sends_nothing)
{
	struct tdir t;
	struct run r;
	const char *argv[] = {"-n", "-d", t.db, "-s", t.sendmail, "-m",
			      "/nonexistent", "-l", "/dev/null", "-f",
			      "carol@example.com", "--",
			      "team@lists.example.org", NULL};
	char	expect[600];

	fixture(&t, NULL);
	run_listpipe(&r, POST, strlen(POST), NULL, argv);
	/* EX_TEMPFAIL: nothing was delivered, and if -n were ever left in
	 * master.cf, Postfix would keep the mail. */
	cr_assert_eq(r.exit_code, 75, "%s", r.output);
	cr_expect_eq(sent_count(&t), 0);
	cr_expect(strstr(r.output, "\n4.7.0 listpipe: dry run (-n): nothing "
		  "was delivered\n") != NULL, "%s", r.output);
	snprintf(expect, sizeof(expect), "%s -G -i -XV -f "
		 "team-bounces@lists.example.org -- alice@example.net "
		 "bob@example.net\n", t.sendmail);
	cr_expect(strncmp(r.output, expect, strlen(expect)) == 0, "%s",
		  r.output);
	cr_expect(strstr(r.output, "\nList-Id: \"Team talk\"") != NULL);
	{
		/* the message, then the closing line */
		const char *msg = r.output + strlen(expect);
		const char *body = body_of(msg, strlen(msg));
		const char *want = body_of(POST, strlen(POST));

		cr_expect(strncmp(body, want, strlen(want)) == 0);
		cr_expect_str_eq(body + strlen(want), "4.7.0 listpipe: dry run "
				 "(-n): nothing was delivered\n");
	}
	run_free(&r);
}

Test(delivery, dry_run_quotes_the_null_sender)
{
	struct tdir t;
	struct run r;
	const char *argv[] = {"-n", "-p", "-d", t.db, "-s", t.sendmail, "-l",
			      "/dev/null", "-f", "", "--",
			      "x@elsewhere.example", NULL};
	char	expect[600];

	fixture(&t, NULL);
	run_listpipe(&r, POST, strlen(POST), NULL, argv);
	snprintf(expect, sizeof(expect), "%s -G -i -f '' -- x@elsewhere.example\n",
		 t.sendmail);
	cr_expect(strncmp(r.output, expect, strlen(expect)) == 0, "%s",
		  r.output);
	run_free(&r);
}

Test(delivery, log_lines_carry_the_queue_id)
{
	struct tdir t;
	struct run r;
	char	log[400];
	char   *text;
	const char *argv[] = {"-d", t.db, "-s", t.sendmail, "-m", t.spool,
			      "-l", log, "-q", "4ABC123", "-f",
			      "carol@example.com", "--",
			      "team@lists.example.org", "nope@lists.example.org",
			      NULL};

	fixture(&t, NULL);
	snprintf(log, sizeof(log), "%s/spool/listpipe.log", t.path);
	run_listpipe(&r, POST, strlen(POST), NULL, argv);
	text = read_file(log, NULL);
	cr_assert(text != NULL);
	cr_expect(strstr(text, ": 4ABC123: list=<team@lists.example.org>, "
		  "members=2, runs=1, status=sent") != NULL, "%s", text);
	cr_expect(strstr(text, ": 4ABC123: to=<nope@lists.example.org>, "
		  "from=<carol@example.com>, status=bounced (5.1.1 "
		  "<nope@lists.example.org>: no such list)") != NULL, "%s",
		  text);
	run_free(&r);
	free(text);
}

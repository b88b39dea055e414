/*
 * bounces.c - mail to a list's bounce address through the real binary:
 * stored first, then attributed by VERP (or an unambiguous report),
 * recorded, and counted only when the member's own address failed for
 * good; at the limit the member is disabled and the owners told once.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "sent.h"

#define VERP_ALICE "team-bounces+alice=example.net@lists.example.org"
#define VERP_BOB "team-bounces+bob=example.net@lists.example.org"

/* dsn - a delivery status notification as Postfix writes it */
static char *dsn(const char *final, const char *original, const char *action,
		 const char *status, const char *diagnostic)
{
	return g_strdup_printf(
	    "Return-Path: <>\n"
	    "From: MAILER-DAEMON@mx.example.net (Mail Delivery System)\n"
	    "Subject: Undelivered Mail Returned to Sender\n"
	    "To: team-bounces@lists.example.org\n"
	    "Auto-Submitted: auto-replied\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/report; report-type=delivery-status;\n"
	    "\tboundary=\"B\"\n"
	    "\n"
	    "--B\n"
	    "Content-Type: text/plain\n"
	    "\n"
	    "I'm sorry to have to inform you that your message could not\n"
	    "be delivered to one or more recipients.\n"
	    "\n"
	    "--B\n"
	    "Content-Type: message/delivery-status\n"
	    "\n"
	    "Reporting-MTA: dns; mx.example.net\n"
	    "X-Postfix-Queue-ID: 4XYZ\n"
	    "\n"
	    "Final-Recipient: rfc822; %s\n"
	    "%s%s%s"
	    "Action: %s\n"
	    "Status: %s\n"
	    "Diagnostic-Code: smtp; %s\n"
	    "\n"
	    "--B\n"
	    "Content-Type: text/rfc822-headers\n"
	    "\n"
	    "From: Carol <carol@example.com>\n"
	    "Subject: [team] Lunch on Friday?\n"
	    "\n"
	    "--B--\n", final, original ? "Original-Recipient: rfc822; " : "",
	    original ? original : "", original ? "\n" : "", action, status,
	    diagnostic);
}

#define USER_UNKNOWN(rcpt) dsn(rcpt, NULL, "failed", "5.1.1", \
	"550 5.1.1 <" rcpt ">: Recipient address rejected: User unknown")

/* bounce - deliver msg to the bounce address rcpt; must be accepted */
static void bounce(struct tdir *t, char *msg, const char *rcpt)
{
	struct run r;

	lp_run(&r, t, msg, "", rcpt);
	cr_assert_eq(r.exit_code, 0, "%s", r.output);
	cr_expect_eq(r.output_len, 0, "output: %s", r.output);
	run_free(&r);
	g_free(msg);
}

static long long score_of(struct tdir *t, const char *address)
{
	return q_int(t, "SELECT score FROM members WHERE address = '%s' AND "
		     "role = 'member'", address);
}

static int files_in(struct tdir *t, const char *list)
{
	char	dir[600];
	DIR    *d;
	struct dirent *e;
	int	n = 0;

	snprintf(dir, sizeof(dir), "%s/bounces/%s/new", t->spool, list);
	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* yesterday - make the member's last counted bounce a day older */
static void yesterday(struct tdir *t, const char *address, int days)
{
	char   *sql = g_strdup_printf("UPDATE members SET bounced = "
				      "datetime(bounced, '-%d days') WHERE "
				      "address = '%s'", days, address);

	tdir_sql(t, sql);
	g_free(sql);
}

Test(bounces, a_verp_bounce_is_stored_attributed_recorded_and_counted)
{
	struct tdir t;
	char   *row;

	fixture(&t, NULL);
	bounce(&t, USER_UNKNOWN("alice@example.net"), VERP_ALICE);
	cr_expect_eq(files_in(&t, "team@lists.example.org"), 1);
	row = q_text(&t, "SELECT list || '|' || member || '|' || recipient || "
		     "'|' || kind || '|' || action || '|' || status || '|' || "
		     "mta || '|' || scored || '|' || (file GLOB "
		     "'bounces/team@lists.example.org/new/?*') FROM bounces");
	cr_expect_str_eq(row, "team@lists.example.org|alice@example.net|"
			 "alice@example.net|hard|failed|5.1.1|mx.example.net|1|1");
	g_free(row);
	row = q_text(&t, "SELECT diagnostic FROM bounces");
	cr_expect_str_eq(row, "550 5.1.1 <alice@example.net>: Recipient "
			 "address rejected: User unknown");
	g_free(row);
	cr_expect_eq(score_of(&t, "alice@example.net"), 1);
	cr_expect_eq(score_of(&t, "bob@example.net"), 0);
	cr_expect_eq(q_int(&t, "SELECT bounced IS NOT NULL FROM members WHERE "
			   "address = 'alice@example.net'"), 1);
	cr_expect_eq(sent_count(&t), 0, "nobody is told about score 1");
}

Test(bounces, the_verp_address_decides_who_the_member_is)
{
	struct tdir t;
	char   *row;

	/* Forwarded: the report names where alice's mail went. */
	fixture(&t, NULL);
	bounce(&t, USER_UNKNOWN("alice.smith@forward.example"), VERP_ALICE);
	row = q_text(&t, "SELECT member || '|' || recipient FROM bounces");
	cr_expect_str_eq(row, "alice@example.net|alice.smith@forward.example");
	g_free(row);
	cr_expect_eq(score_of(&t, "alice@example.net"), 1);
	/* Even when the report names another member. */
	bounce(&t, USER_UNKNOWN("alice@example.net"), VERP_BOB);
	cr_expect_eq(score_of(&t, "bob@example.net"), 1);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM bounces WHERE member = "
			   "'bob@example.net'"), 1);
}

Test(bounces, at_most_one_count_a_day)
{
	struct tdir t;

	fixture(&t, NULL);
	bounce(&t, USER_UNKNOWN("alice@example.net"), VERP_ALICE);
	bounce(&t, USER_UNKNOWN("alice@example.net"), VERP_ALICE);
	bounce(&t, USER_UNKNOWN("alice@example.net"), VERP_ALICE);
	cr_expect_eq(score_of(&t, "alice@example.net"), 1);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM bounces"), 3,
		     "every bounce is recorded");
	cr_expect_eq(q_int(&t, "SELECT sum(scored) FROM bounces"), 1);
	yesterday(&t, "alice@example.net", 1);
	bounce(&t, USER_UNKNOWN("alice@example.net"), VERP_ALICE);
	cr_expect_eq(score_of(&t, "alice@example.net"), 2);
}

Test(bounces, a_score_starts_again_after_the_quiet_days)
{
	struct tdir t;

	fixture(&t, NULL);
	tdir_sql(&t, "UPDATE members SET score = 4, bounced = "
		 "datetime('now', '-8 days') WHERE address = 'alice@example.net'");
	bounce(&t, USER_UNKNOWN("alice@example.net"), VERP_ALICE);
	cr_expect_eq(score_of(&t, "alice@example.net"), 1,
		     "8 days quiet > bounce_days 7: not 5, not disabled");
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM members WHERE state = "
			   "'disabled'"), 0);
	/* Within the days, it goes on. */
	tdir_sql(&t, "UPDATE members SET score = 3, bounced = "
		 "datetime('now', '-6 days') WHERE address = 'alice@example.net'");
	bounce(&t, USER_UNKNOWN("alice@example.net"), VERP_ALICE);
	cr_expect_eq(score_of(&t, "alice@example.net"), 4);
}

Test(bounces, at_the_limit_the_member_is_disabled_and_the_owners_told_once)
{
	struct tdir t;
	struct run r;
	char   *reason, *msg;
	size_t	len;

	fixture(&t, "UPDATE lists SET bounce_limit = 2;"
		"INSERT INTO members(list, address, role) VALUES"
		"  ('team@lists.example.org', 'oscar@example.net', 'owner')");
	bounce(&t, USER_UNKNOWN("alice@example.net"), VERP_ALICE);
	cr_expect_eq(sent_count(&t), 0);
	yesterday(&t, "alice@example.net", 1);
	bounce(&t, USER_UNKNOWN("alice@example.net"), VERP_ALICE);
	cr_expect_eq(q_int(&t, "SELECT state = 'disabled' AND score = 2 AND "
			   "since IS NOT NULL FROM members WHERE address = "
			   "'alice@example.net'"), 1);
	reason = q_text(&t, "SELECT reason FROM members WHERE address = "
			"'alice@example.net'");
	cr_expect(reason && strstr(reason, "5.1.1") && strstr(reason,
		  "bounces/team@lists.example.org/new/"), "%s", reason);
	g_free(reason);
	/* One notice to each owner, from the bounce address. */
	cr_assert_eq(sent_count(&t), 2);
	cr_expect_str_eq(sent_args(&t, 1), ARGS_TO("olga@example.net\n"));
	cr_expect_str_eq(sent_args(&t, 2), ARGS_TO("oscar@example.net\n"));
	msg = sent_message(&t, 1, &len);
	cr_expect(strstr(msg, "\nFrom: \"Team talk\" <team-bounces@lists.example.org>\n")
		  || strstr(msg, "\nFrom: Team talk <team-bounces@lists.example.org>\n"),
		  "%s", msg);
	cr_expect(strstr(msg, "\nAuto-Submitted: auto-generated\n"), "%s", msg);
	cr_expect(strstr(msg, "listctl enable team@lists.example.org "
			 "alice@example.net"), "%s", msg);
	cr_expect_null(placeholder(msg), "%s", msg);
	free(msg);
	/* More bounces from mail still queued change nothing, tell nobody. */
	yesterday(&t, "alice@example.net", 1);
	bounce(&t, USER_UNKNOWN("alice@example.net"), VERP_ALICE);
	cr_expect_eq(sent_count(&t), 2);
	cr_expect_eq(score_of(&t, "alice@example.net"), 2);
	/* And the next post does not go to alice. */
	lp_run(&r, &t, POST, "carol@example.com", TEAM);
	cr_assert_eq(r.exit_code, 0, "%s", r.output);
	cr_expect_str_eq(sent_args(&t, 3), COPY_ARGS_TO("bob@example.net\n"));
	run_free(&r);
}

Test(bounces, what_is_not_the_members_address_never_counts)
{
	static const struct {
		const char *status, *action, *diagnostic, *kind;
	} cases[] = {
		{"5.7.1", "failed", "550 5.7.1 Unauthenticated email from "
		 "example.com is not accepted due to domain's DMARC policy",
		 "policy"},
		{"5.7.26", "failed", "550-5.7.26 This mail has been blocked "
		 "because the sender is unauthenticated", "policy"},
		{"5.0.0", "failed", "554 Message rejected as spam by Content "
		 "Filtering", "policy"},
		{"5.0.0", "failed", "554 5.7.1 Service unavailable; Client host "
		 "[192.0.2.1] blocked using zen.spamhaus.org", "policy"},
		{"4.4.1", "delayed", "connect to mx.example.net[192.0.2.9]:25: "
		 "Connection timed out", "delay"},
		{"4.2.2", "failed", "452 4.2.2 Mailbox full, try again later",
		 "soft"},
		{"2.0.0", "delivered", "250 2.0.0 Ok", "unknown"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct tdir t;
		char   *kind;

		fixture(&t, "UPDATE lists SET bounce_limit = 1");
		bounce(&t, dsn("alice@example.net", NULL, cases[i].action,
			       cases[i].status, cases[i].diagnostic), VERP_ALICE);
		kind = q_text(&t, "SELECT kind FROM bounces");
		cr_expect_str_eq(kind, cases[i].kind, "%s", cases[i].diagnostic);
		g_free(kind);
		cr_expect_eq(score_of(&t, "alice@example.net"), 0, "%s",
			     cases[i].diagnostic);
		cr_expect_eq(q_int(&t, "SELECT count(*) FROM members WHERE "
				   "state = 'disabled'"), 0);
		cr_expect_eq(sent_count(&t), 0);
	}
}

Test(bounces, auto_replies_and_feedback_reports_never_count)
{
	static const char *const msgs[] = {
		"From: Alice <alice@example.net>\n"
		"To: team-bounces@lists.example.org\n"
		"Subject: Out of office: [team] Lunch on Friday?\n"
		"Auto-Submitted: auto-replied\n"
		"\n"
		"I am away until Monday.\n",

		"From: abuse@example.net\n"
		"To: team-bounces@lists.example.org\n"
		"Subject: Abuse report\n"
		"MIME-Version: 1.0\n"
		"Content-Type: multipart/report; report-type=feedback-report;\n"
		"\tboundary=\"F\"\n"
		"\n"
		"--F\n"
		"Content-Type: text/plain\n"
		"\n"
		"This is an email abuse report.\n"
		"--F\n"
		"Content-Type: message/feedback-report\n"
		"\n"
		"Feedback-Type: abuse\n"
		"User-Agent: SomeGenerator/1.0\n"
		"Version: 1\n"
		"Original-Rcpt-To: alice@example.net\n"
		"\n"
		"--F\n"
		"Content-Type: text/rfc822-headers\n"
		"\n"
		"From: carol@example.com\n"
		"Subject: [team] Lunch on Friday?\n"
		"\n"
		"--F--\n",
	};
	static const char *const kinds[] = {"autoreply", "feedback"};

	for (size_t i = 0; i < 2; i++) {
		struct tdir t;
		char   *kind;

		fixture(&t, "UPDATE lists SET bounce_limit = 1");
		bounce(&t, g_strdup(msgs[i]), VERP_ALICE);
		kind = q_text(&t, "SELECT group_concat(kind) FROM bounces");
		cr_expect_str_eq(kind, kinds[i]);
		g_free(kind);
		cr_expect_eq(q_int(&t, "SELECT count(*) FROM bounces WHERE "
				   "member = 'alice@example.net'"), 1);
		cr_expect_eq(score_of(&t, "alice@example.net"), 0);
	}
}

Test(bounces, without_verp_only_an_unambiguous_member_is_blamed)
{
	struct tdir t;
	char   *rows;

	fixture(&t, NULL);
	/* Names bob, a member: bob. */
	bounce(&t, USER_UNKNOWN("bob@example.net"),
	       "team-bounces@lists.example.org");
	/* Names a stranger: nobody. */
	bounce(&t, USER_UNKNOWN("stranger@example.org"),
	       "team-bounces@lists.example.org");
	/* Final and original name two different members: nobody. */
	bounce(&t, dsn("alice@example.net", "bob@example.net", "failed",
		       "5.1.1", "550 User unknown"),
	       "team-bounces@lists.example.org");
	/* Original names a member, final a stranger (an alias): the member. */
	bounce(&t, dsn("a.smith@inside.example.net", "alice@example.net",
		       "failed", "5.1.1", "550 User unknown"),
	       "team-bounces@lists.example.org");
	rows = q_text(&t, "SELECT group_concat(coalesce(member, '-') || ' ' || "
		      "recipient, ',') FROM (SELECT * FROM bounces ORDER BY id)");
	cr_expect_str_eq(rows, "bob@example.net bob@example.net,"
			 "- stranger@example.org,- alice@example.net,"
			 "alice@example.net a.smith@inside.example.net");
	g_free(rows);
	cr_expect_eq(score_of(&t, "bob@example.net"), 1);
	cr_expect_eq(score_of(&t, "alice@example.net"), 1);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM unattributed"), 2);
}

Test(bounces, a_verp_address_of_no_member_blames_nobody)
{
	struct tdir t;
	char   *log;

	fixture(&t, NULL);
	bounce(&t, USER_UNKNOWN("zoe@example.net"),
	       "team-bounces+zoe=example.net@lists.example.org");
	bounce(&t, USER_UNKNOWN("alice@example.net"),
	       "team-bounces+nonsense@lists.example.org");
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM bounces WHERE member IS "
			   "NULL"), 2);
	cr_expect_eq(q_int(&t, "SELECT sum(score) FROM members"), 0,
		     "a bad extension does not fall back to the report");
	cr_expect_eq(files_in(&t, "team@lists.example.org"), 2);
	log = log_of(&t);
	cr_expect(strstr(log, "extension is not user=host: not attributed by "
			 "VERP"), "%s", log);
	free(log);
}

Test(bounces, a_member_of_a_nested_list_is_scored_on_its_own_row)
{
	struct tdir t;

	fixture(&t, "INSERT INTO lists(address) VALUES ('sub@lists.example.org');"
		"INSERT INTO members(list, address) VALUES"
		"  ('team@lists.example.org', 'sub@lists.example.org'),"
		"  ('sub@lists.example.org', 'zoe@example.net');"
		"UPDATE lists SET bounce_limit = 1 WHERE address = 'sub@lists.example.org'");
	bounce(&t, USER_UNKNOWN("zoe@example.net"),
	       "team-bounces+zoe=example.net@lists.example.org");
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM members WHERE list = "
			   "'sub@lists.example.org' AND address = "
			   "'zoe@example.net' AND state = 'disabled'"), 1,
		     "sub's limit applies to sub's row");
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM bounces WHERE list = "
			   "'team@lists.example.org' AND member = "
			   "'zoe@example.net'"), 1);
}

Test(bounces, what_cannot_be_read_or_recorded_is_still_delivered_and_kept)
{
	struct tdir t;
	char   *log;

	fixture(&t, NULL);
	bounce(&t, g_strdup("this is not a message at all\n\x01\x02\n"),
	       VERP_ALICE);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM bounces WHERE kind = "
			   "'unknown' AND member = 'alice@example.net'"), 1);
	/* A database that cannot take the row: stored, delivered, logged. */
	tdir_sql(&t, "DROP VIEW unattributed; DROP TABLE bounces");
	bounce(&t, USER_UNKNOWN("alice@example.net"), VERP_ALICE);
	cr_expect_eq(files_in(&t, "team@lists.example.org"), 2);
	cr_expect_eq(score_of(&t, "alice@example.net"), 0,
		     "nothing half-recorded: the score went back too");
	log = log_of(&t);
	cr_expect(strstr(log, "stored but not recorded"), "%s", log);
	free(log);
}

Test(bounces, a_dry_run_says_what_it_would_record_and_records_nothing)
{
	struct tdir t;
	struct run r;
	char   *msg = USER_UNKNOWN("alice@example.net");
	const char *argv[] = {"-n", "-d", t.db, "-m", t.spool, "-f", "", "--",
			      VERP_ALICE, NULL};

	fixture(&t, NULL);
	argv[2] = t.db;
	argv[4] = t.spool;
	run_listpipe(&r, msg, strlen(msg), NULL, argv);
	/* A dry run always ends deferred: nothing was delivered. */
	cr_expect_eq(r.exit_code, 75, "%s", r.output);
	cr_expect(strstr(r.output, "member by VERP: alice@example.net"), "%s",
		  r.output);
	cr_expect(strstr(r.output, "recipient=<alice@example.net> action=failed "
			 "status=5.1.1 kind=hard"), "%s", r.output);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM bounces"), 0);
	cr_expect_eq(files_in(&t, "team@lists.example.org"), 0);
	run_free(&r);
	g_free(msg);
}

Test(listctl_bounces, enable_gives_a_disabled_member_mail_again_and_clears_the_score)
{
	struct tdir t;
	struct run r;

	fixture(&t, "UPDATE lists SET bounce_limit = 1");
	bounce(&t, USER_UNKNOWN("alice@example.net"), VERP_ALICE);
	cr_assert_eq(q_int(&t, "SELECT state = 'disabled' FROM members WHERE "
			   "address = 'alice@example.net'"), 1);
	ctl_run(&r, &t, "enable", TEAM, "alice@example.net");
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_expect_str_eq(r.output, "team@lists.example.org: alice@example.net "
			 "enabled, bounce score cleared\n");
	run_free(&r);
	cr_expect_eq(q_int(&t, "SELECT state = 'enabled' AND score = 0 AND "
			   "bounced IS NULL AND reason IS NULL FROM members "
			   "WHERE address = 'alice@example.net'"), 1);
	/* Not disabled: nothing to do, and it says so. */
	ctl_run(&r, &t, "enable", TEAM, "bob@example.net");
	cr_expect_eq(r.exit_code, 1);
	cr_expect(strstr(r.output, "not a disabled member"), "%s", r.output);
	run_free(&r);
}

Test(listctl_bounces, bounces_lists_the_rows_by_list_and_address)
{
	struct tdir t;
	struct run r;

	fixture(&t, NULL);
	bounce(&t, USER_UNKNOWN("alice@example.net"), VERP_ALICE);
	bounce(&t, USER_UNKNOWN("stranger@example.org"),
	       "team-bounces@lists.example.org");
	ctl_run(&r, &t, "bounces", NULL, NULL);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_expect(strstr(r.output, "alice@example.net, counted\n"), "%s",
		  r.output);
	cr_expect(strstr(r.output, "(not attributed) (report: "
			 "stranger@example.org)\n"), "%s", r.output);
	cr_expect(strstr(r.output, "bounces/team@lists.example.org/new/"),
		  "%s", r.output);
	run_free(&r);
	ctl_run(&r, &t, "bounces", TEAM, "alice@example.net");
	cr_expect(strstr(r.output, "alice@example.net") != NULL
		  && strstr(r.output, "stranger") == NULL, "%s", r.output);
	run_free(&r);
	ctl_run(&r, &t, "bounces", "other@lists.example.org", NULL);
	cr_expect_str_eq(r.output, "");
	run_free(&r);
}

Test(listctl_bounces, report_says_what_happened_since_the_last_one)
{
	struct tdir t;
	struct run r;
	char   *msg;
	size_t	len;

	fixture(&t, "UPDATE lists SET bounce_limit = 1");
	bounce(&t, USER_UNKNOWN("alice@example.net"), VERP_ALICE);
	bounce(&t, dsn("bob@example.net", NULL, "failed", "5.7.1",
		       "550 5.7.1 rejected by DMARC policy"), VERP_BOB);
	bounce(&t, USER_UNKNOWN("stranger@example.org"),
	       "team-bounces@lists.example.org");
	cr_assert_eq(sent_count(&t), 1, "the disabling notice");
	/* -n prints and changes nothing. */
	ctl_run(&r, &t, "report", "-n", NULL);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_expect(strstr(r.output, "== team@lists.example.org, so far\n"),
		  "%s", r.output);
	cr_expect(strstr(r.output, "Bounces: 3\n  hard 2, policy 1\n"), "%s",
		  r.output);
	cr_expect(strstr(r.output, "  alice@example.net: 1 hard, 0 other\n"),
		  "%s", r.output);
	cr_expect(strstr(r.output, "  bob@example.net: 0 hard, 1 other\n"),
		  "%s", r.output);
	cr_expect(strstr(r.output, "Members disabled by bounces: 1\n  "
			 "alice@example.net, "), "%s", r.output);
	cr_expect(strstr(r.output, "Bounces nobody could be blamed for: 1\n"),
		  "%s", r.output);
	cr_expect(strstr(r.output, "Posts waiting for a moderator: 0\n"),
		  "%s", r.output);
	run_free(&r);
	cr_expect_eq(sent_count(&t), 1);
	cr_expect_eq(q_int(&t, "SELECT reported IS NULL FROM lists"), 1);
	/* Without -n it goes to the owner, from the bounce address. */
	ctl_run(&r, &t, "report", NULL, NULL);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_expect_str_eq(r.output, "team@lists.example.org: report sent to 1 "
			 "address\n");
	run_free(&r);
	cr_assert_eq(sent_count(&t), 2);
	cr_expect_str_eq(sent_args(&t, 2), ARGS_TO("olga@example.net\n"));
	msg = sent_message(&t, 2, &len);
	cr_expect(strstr(msg, "Subject: Report for team@lists.example.org\n"),
		  "%s", msg);
	cr_expect(strstr(msg, "<team-bounces@lists.example.org>\n"), "%s", msg);
	cr_expect(strstr(msg, "Bounces: 3\n"), "%s", msg);
	cr_expect(strstr(msg, "/new/"), "the unattributed file is named: %s",
		  msg);
	cr_expect_null(placeholder(msg), "%s", msg);
	free(msg);
	/* Nothing new since: no mail.  (Rows dated the second a report
	 * ends are in the next one too: make them a minute older.) */
	tdir_sql(&t, "UPDATE bounces SET received = datetime(received, "
		 "'-1 minute'); UPDATE members SET since = datetime(since, "
		 "'-1 minute')");
	ctl_run(&r, &t, "report", NULL, NULL);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_expect_str_eq(r.output, "");
	run_free(&r);
	cr_expect_eq(sent_count(&t), 2);
	/* A bounce dated the very second the last window ended is in the
	 * next report, not lost between two. */
	tdir_sql(&t, "INSERT INTO bounces(list, recipient, received, kind, file)"
		 "  SELECT address, 'late@example.org', reported, 'unknown',"
		 "         'bounces/x' FROM lists");
	ctl_run(&r, &t, "report", "-n", NULL);
	cr_expect(strstr(r.output, "Bounces: 1\n"), "%s", r.output);
	cr_expect(strstr(r.output, "late@example.org"), "%s", r.output);
	run_free(&r);
	/* report_to picks who gets it. */
	tdir_sql(&t, "UPDATE lists SET report_to = 'postmaster', reported = NULL");
	ctl_run(&r, &t, "report", TEAM, NULL);
	run_free(&r);
	cr_expect_str_eq(sent_args(&t, 3),
			 ARGS_TO("postmaster@lists.example.org\n"));
	tdir_sql(&t, "UPDATE lists SET report_to = 'none', reported = NULL");
	ctl_run(&r, &t, "report", TEAM, NULL);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_expect_str_eq(r.output, "", "nothing sent, nothing said");
	run_free(&r);
	cr_expect_eq(sent_count(&t), 3);
	ctl_run(&r, &t, "report", "nosuch@lists.example.org", NULL);
	cr_expect_eq(r.exit_code, 1);
	run_free(&r);
}

/* post_with_id - POST under its own Message-ID and queue id */
static void post_with_id(struct tdir *t, int n)
{
	struct run r;
	char   *msg = g_strdup_printf("From: Carol <carol@example.com>\n"
				      "To: " TEAM "\nSubject: post %d\n"
				      "Message-ID: <verp-%d@example.com>\n\n"
				      "Hello.\n", n, n);

	lp_run(&r, t, msg, "carol@example.com", TEAM);
	cr_assert_eq(r.exit_code, 0, "%s", r.output);
	run_free(&r);
	g_free(msg);
}

Test(bounces, verp_is_per_list_every_post_one_in_n_or_never)
{
	struct tdir t;
	int	verped = 0;
	char   *args;

	/* 0: one envelope sender, LIST-bounces@, for all members. */
	fixture(&t, "UPDATE lists SET verp = 0");
	post_with_id(&t, 1);
	args = sent_args(&t, 1);
	cr_expect_str_eq(args, ARGS_TO("alice@example.net\nbob@example.net\n"));
	free(args);
	/* 4: one post in about four, the same post always the same way. */
	fixture(&t, "UPDATE lists SET verp = 4");
	for (int i = 1; i <= 40; i++) {
		post_with_id(&t, i);
		args = sent_args(&t, i);
		verped += strstr(args, "-XV\n") != NULL;
		free(args);
	}
	cr_expect(verped >= 4 && verped <= 20, "%d of 40 VERPed", verped);
	/* The default: every post. */
	fixture(&t, NULL);
	post_with_id(&t, 1);
	args = sent_args(&t, 1);
	cr_expect_str_eq(args, COPY_ARGS_TO("alice@example.net\nbob@example.net\n"));
	free(args);
}

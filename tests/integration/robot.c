/*
 * robot.c - mail to LIST-request@, through the real binary: help,
 * subscribe and unsubscribe with a confirmation round trip, moderated
 * subscriptions, what the tokens refuse (replayed, another address,
 * another list, expired, forged), the mail the robot never answers, the
 * reply rate limit, and that the token secret never leaves the database.
 *
 * Tokens are read from the Subject of the reply the fake sendmail
 * recorded, and sent back the way a person's mail program would.
 */
#include <criterion/criterion.h>
#include <glib.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "sent.h"


/* request - a mail to rcpt from sender; extra fields go on top */
static char *request(const char *sender, const char *rcpt, const char *extra,
		     const char *subject, const char *body)
{
	static int n;

	return g_strdup_printf("%sFrom: %s\nTo: %s\nSubject: %s\n"
			       "Message-ID: <req-%d@example.com>\n\n%s",
			       extra ? extra : "", sender, rcpt, subject, ++n,
			       body);
}

/* robot - sender writes to team-request@; the robot takes it (exit 0) */
static void robot(struct tdir *t, const char *sender, const char *subject,
		  const char *body)
{
	struct run r;
	char   *msg = request(sender, REQUEST, NULL, subject, body);

	lp_run(&r, t, msg, sender, REQUEST);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_expect_eq(r.output_len, 0, "%s", r.output);
	g_free(msg);
	run_free(&r);
}

static char *secret_of(struct tdir *t)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	char   *v = NULL;

	cr_assert(sqlite3_open(t->db, &db) == SQLITE_OK);
	cr_assert(sqlite3_prepare_v2(db, "SELECT value FROM settings WHERE "
				     "name = 'secret'", -1, &s, NULL)
		  == SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = g_strdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	sqlite3_close(db);
	cr_assert(v && strlen(v) == 64, "secret: %s", v);
	return v;
}

static long long members_called(struct tdir *t, const char *list,
				const char *address)
{
	return q_int(t, "SELECT count(*) FROM members WHERE list = '%s' AND "
		     "address = '%s' AND role = 'member'", list, address);
}

/* reply_to - the first run after run `after` to rcpt alone, 0 for none */
static int reply_to(struct tdir *t, const char *rcpt, int after)
{
	char   *one = g_strdup_printf("%s\n", rcpt);
	int	n = run_to(t, one, after);

	g_free(one);
	return n;
}

/* last_reply_says - the last run went to rcpt and contains what */
static void last_reply_says(struct tdir *t, const char *rcpt, const char *what)
{
	int	n = sent_count(t);
	char   *args = sent_args(t, n);
	char   *want = g_strdup_printf(ARGS_TO("%s\n"), rcpt);

	cr_expect_str_eq(args, want);
	cr_expect(sent_has(t, n, what), "run %d has no \"%s\"", n, what);
	g_free(want);
	free(args);
}

/* list_fixture - team@ with subscription = how */
static void list_fixture(struct tdir *t, const char *how, const char *extra)
{
	char   *sql = g_strdup_printf("UPDATE lists SET subscription = '%s';%s",
				      how, extra ? extra : "");

	fixture(t, sql);
	g_free(sql);
}

/* asked - sender asks to subscribe; the token of the confirmation */
static char *asked(struct tdir *t, const char *sender)
{
	char   *lower = g_ascii_strdown(sender, -1);
	int	n;

	robot(t, sender, "subscribe", "");
	/* replies go to the envelope sender, in lower case */
	n = reply_to(t, lower, 0);
	cr_assert(n > 0, "no confirmation to %s", lower);
	g_free(lower);
	return token_of(t, n, "confirm");
}

/* confirm_as - sender replies to the confirmation with token */
static void confirm_as(struct tdir *t, const char *sender, const char *tok)
{
	char   *subject = g_strdup_printf("Re: confirm %s", tok);

	robot(t, sender, subject, "> Someone, probably you, asked to "
	      "subscribe\n> To confirm, reply to this message\n");
	g_free(subject);
}

/* ---- help -------------------------------------------------------- */

/* help_reply_answers - the last run is the help text, answering req */
static void help_reply_answers(struct tdir *t, const char *req)
{
	size_t	len;
	char   *msg = sent_message(t, sent_count(t), &len);
	char   *id = header_value(req, strlen(req), "Message-ID");
	char   *from;

	cr_assert_not_null(msg);
	cr_expect_str_eq(header_value(msg, len, "Subject"),
			 "Help for team@lists.example.org");
	cr_expect_str_eq(header_value(msg, len, "Auto-Submitted"),
			 "auto-replied");
	cr_expect_str_eq(header_value(msg, len, "In-Reply-To"), id);
	cr_expect(header_value(msg, len, "References")
		  && strstr(header_value(msg, len, "References"), id),
		  "References: %s", header_value(msg, len, "References"));
	from = header_value(msg, len, "From");
	cr_expect(from && strstr(from, "<" REQUEST ">"), "From: %s", from);
	cr_expect(strstr(msg, "mail robot of the team@lists.example.org") != NULL,
		  "%s", msg);
	cr_expect(strstr(msg, "team-owner@lists.example.org") != NULL, "%s",
		  msg);
	free(from);
	free(id);
	free(msg);
}

static void help_for(const char *subject, const char *body)
{
	struct tdir t;
	struct run r;
	char   *req = request("Carol <carol@example.com>", REQUEST, NULL,
			      subject, body);

	fixture(&t, NULL);
	lp_run(&r, &t, req, "carol@example.com", REQUEST);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_assert_eq(sent_count(&t), 1, "%s / %s", subject, body);
	cr_expect_str_eq(sent_args(&t, 1), ARGS_TO("carol@example.com\n"));
	help_reply_answers(&t, req);
	every_mail_is_filled_in(&t);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM members"), 3,
		     "members changed");
	g_free(req);
	run_free(&r);
}

Test(robot, help_in_the_subject_gets_the_help_text)
{
	help_for("help", "");
}

Test(robot, slash_help_in_capitals_in_the_body_gets_the_help_text)
{
	help_for("a question", "/HELP\n");
}

Test(robot, unknown_command_gets_the_help_text)
{
	help_for("hello", "what can you do for me?\n");
}

Test(robot, sentence_starting_with_subscribe_is_no_command)
{
	struct tdir t;

	list_fixture(&t, "confirm", NULL);
	robot(&t, "carol@example.com", "hi", "subscribe me please\n");
	cr_assert_eq(sent_count(&t), 1);
	cr_expect(strncmp(subject_of(&t, 1), "Help for ", 9) == 0, "%s",
		  subject_of(&t, 1));
}

/* ---- subscribe, confirm, unsubscribe ----------------------------- */

Test(robot, subscribe_to_a_closed_list_names_the_owner_and_sends_no_token)
{
	struct tdir t;
	char   *msg;

	fixture(&t, NULL);
	robot(&t, "carol@example.com", "subscribe", "");
	cr_assert_eq(sent_count(&t), 1);
	cr_expect_str_eq(sent_args(&t, 1), ARGS_TO("carol@example.com\n"));
	cr_expect_str_eq(subject_of(&t, 1),
			 "Subscription to team@lists.example.org is closed");
	msg = sent_message(&t, 1, NULL);
	cr_expect(strstr(msg, "team-owner@lists.example.org") != NULL, "%s",
		  msg);
	cr_expect(strstr(msg, "confirm s") == NULL, "a token: %s", msg);
	every_mail_is_filled_in(&t);
	cr_expect_eq(members_called(&t, TEAM, "carol@example.com"), 0);
	free(msg);
}

Test(robot, subscribe_to_a_confirm_list_asks_for_confirmation_first)
{
	struct tdir t;
	char   *tok;
	size_t	len;
	char   *msg;

	list_fixture(&t, "confirm", NULL);
	tok = asked(&t, "carol@example.com");
	cr_expect(strncmp(tok, "s.", 2) == 0, "%s", tok);
	cr_expect_eq(strlen(tok), 2 + 8 + 1 + 32, "%s", tok);
	msg = sent_message(&t, 1, &len);
	cr_expect_str_eq(header_value(msg, len, "Auto-Submitted"),
			 "auto-replied");
	cr_expect(strstr(msg, "  confirm ") && strstr(msg, tok), "%s", msg);
	cr_expect_eq(members_called(&t, TEAM, "carol@example.com"), 0,
		     "added before confirming");
	free(msg);
	g_free(tok);
}

Test(robot, replying_to_the_confirmation_subscribes)
{
	struct tdir t;
	char   *tok;

	list_fixture(&t, "confirm", NULL);
	tok = asked(&t, "Carol@Example.com");
	confirm_as(&t, "carol@example.com", tok);
	cr_expect_eq(members_called(&t, TEAM, "carol@example.com"), 1);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM members WHERE address = "
			   "'carol@example.com' AND state = 'enabled'"), 1);
	cr_assert_eq(sent_count(&t), 2);
	cr_expect_str_eq(subject_of(&t, 2), "Welcome to team@lists.example.org");
	cr_expect(sent_has(&t, 2, "carol@example.com is now subscribed"));
	every_mail_is_filled_in(&t);
	g_free(tok);
}

Test(robot, confirm_command_in_the_body_subscribes)
{
	struct tdir t;
	char   *tok, *body;

	list_fixture(&t, "confirm", NULL);
	tok = asked(&t, "carol@example.com");
	body = g_strdup_printf("  confirm %s\n-- \nCarol\n", tok);
	robot(&t, "carol@example.com", "my confirmation", body);
	cr_expect_eq(members_called(&t, TEAM, "carol@example.com"), 1);
	g_free(body);
	g_free(tok);
}

Test(robot, confirmation_token_used_twice_changes_nothing_the_second_time)
{
	struct tdir t;
	char   *tok;

	list_fixture(&t, "confirm", NULL);
	tok = asked(&t, "carol@example.com");
	confirm_as(&t, "carol@example.com", tok);
	cr_assert_eq(members_called(&t, TEAM, "carol@example.com"), 1);
	/* The operator takes her off; the old token must not put her back. */
	tdir_sql(&t, "DELETE FROM members WHERE address = 'carol@example.com'");
	confirm_as(&t, "carol@example.com", tok);
	cr_expect_eq(members_called(&t, TEAM, "carol@example.com"), 0,
		     "a replayed token subscribed again");
	cr_assert_eq(sent_count(&t), 3);
	cr_expect_str_eq(subject_of(&t, 3),
			 "Your command to team@lists.example.org was not "
			 "accepted");
	last_reply_says(&t, "carol@example.com", "used already");
	every_mail_is_filled_in(&t);
	g_free(tok);
}

Test(robot, confirmation_from_another_address_does_nothing)
{
	struct tdir t;
	char   *tok;

	list_fixture(&t, "confirm", NULL);
	tok = asked(&t, "carol@example.com");
	confirm_as(&t, "mallory@example.org", tok);
	cr_expect_eq(members_called(&t, TEAM, "carol@example.com"), 0);
	cr_expect_eq(members_called(&t, TEAM, "mallory@example.org"), 0);
	last_reply_says(&t, "mallory@example.org", "was not accepted");
	/* And it is still good for carol: nothing was used up. */
	confirm_as(&t, "carol@example.com", tok);
	cr_expect_eq(members_called(&t, TEAM, "carol@example.com"), 1);
	g_free(tok);
}

Test(robot, token_for_another_list_does_nothing)
{
	struct tdir t;
	struct run r;
	char   *tok, *subject, *msg;

	list_fixture(&t, "confirm", "INSERT INTO lists(address, subscription) "
		     "VALUES ('other@lists.example.org', 'confirm');");
	tok = asked(&t, "carol@example.com");
	subject = g_strdup_printf("Re: confirm %s", tok);
	msg = request("carol@example.com", "other-request@lists.example.org",
		      NULL, subject, "");
	lp_run(&r, &t, msg, "carol@example.com",
		"other-request@lists.example.org");
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_expect_eq(members_called(&t, "other@lists.example.org",
				    "carol@example.com"), 0);
	cr_expect_eq(members_called(&t, TEAM, "carol@example.com"), 0);
	cr_expect(sent_has(&t, sent_count(&t), "was not accepted"));
	g_free(msg);
	g_free(subject);
	g_free(tok);
	run_free(&r);
}

/* flip - tok with the hex digit at i changed */
static char *flip(const char *tok, size_t i)
{
	char   *f = g_strdup(tok);

	f[i] = f[i] == '0' ? '1' : '0';
	return f;
}

Test(robot, token_with_a_changed_expiry_does_nothing)
{
	struct tdir t;
	char   *tok, *forged;

	list_fixture(&t, "confirm", NULL);
	tok = asked(&t, "carol@example.com");
	/* "s." then 8 hex digits of expiry: make it later */
	forged = flip(tok, 3);
	confirm_as(&t, "carol@example.com", forged);
	cr_expect_eq(members_called(&t, TEAM, "carol@example.com"), 0);
	last_reply_says(&t, "carol@example.com", "not valid");
	g_free(forged);
	g_free(tok);
}

Test(robot, forged_mac_does_nothing)
{
	struct tdir t;
	char   *tok, *forged;

	list_fixture(&t, "confirm", NULL);
	tok = asked(&t, "carol@example.com");
	forged = flip(tok, strlen(tok) - 1);
	confirm_as(&t, "carol@example.com", forged);
	cr_expect_eq(members_called(&t, TEAM, "carol@example.com"), 0);
	last_reply_says(&t, "carol@example.com", "not valid");
	g_free(forged);
	g_free(tok);
}

/* token - what listpipe would make with the database's secret (the
 * format is listpipe(5)'s: HMAC-SHA256 over the length-prefixed tuple,
 * 128 bits in hex) */
static char *token(const char *secret, char kind, const char *list,
		   const char *address, time_t expires)
{
	char   *msg = g_strdup_printf("listpipe-token-1|%c|%zu:%s|%zu:%s|0|%lld",
				      kind, strlen(list), list, strlen(address),
				      address, (long long)expires);
	char   *mac = g_compute_hmac_for_string(G_CHECKSUM_SHA256,
					       (const guchar *)secret,
					       strlen(secret), msg, -1);
	char   *tok = g_strdup_printf("%c.%llx.%.32s", kind,
				      (long long)expires, mac);

	g_free(mac);
	g_free(msg);
	return tok;
}

Test(robot, token_made_with_the_secret_is_taken_until_it_expires)
{
	struct tdir t;
	char   *secret, *good, *expired;

	list_fixture(&t, "confirm", NULL);
	secret = secret_of(&t);
	/* Genuine but out of date: refused as expired. */
	expired = token(secret, 's', TEAM, "carol@example.com",
			time(NULL) - 3600);
	confirm_as(&t, "carol@example.com", expired);
	cr_expect_eq(members_called(&t, TEAM, "carol@example.com"), 0,
		     "an expired token subscribed");
	last_reply_says(&t, "carol@example.com", "expired");
	/* The same made to expire tomorrow is good: the check above was
	 * about time, not about the token. */
	good = token(secret, 's', TEAM, "carol@example.com",
		     time(NULL) + 86400);
	confirm_as(&t, "carol@example.com", good);
	cr_expect_eq(members_called(&t, TEAM, "carol@example.com"), 1);
	g_free(good);
	g_free(expired);
	g_free(secret);
}

Test(robot, subscribe_token_does_not_confirm_on_a_list_closed_since)
{
	struct tdir t;
	char   *tok;

	list_fixture(&t, "confirm", NULL);
	tok = asked(&t, "carol@example.com");
	tdir_sql(&t, "UPDATE lists SET subscription = 'closed'");
	confirm_as(&t, "carol@example.com", tok);
	cr_expect_eq(members_called(&t, TEAM, "carol@example.com"), 0);
	g_free(tok);
}

Test(robot, subscribe_when_already_a_member_says_so)
{
	struct tdir t;

	list_fixture(&t, "confirm", NULL);
	robot(&t, "alice@example.net", "subscribe", "");
	cr_assert_eq(sent_count(&t), 1);
	cr_expect_str_eq(subject_of(&t, 1), "You are already subscribed to "
			 "team@lists.example.org");
	cr_expect(sent_has(&t, 1, "alice@example.net is already subscribed"));
	every_mail_is_filled_in(&t);
}

Test(robot, unsubscribe_round_trip_removes_the_member)
{
	struct tdir t;
	char   *tok, *subject;
	int	n;

	fixture(&t, NULL);
	robot(&t, "alice@example.net", "unsubscribe", "");
	n = reply_to(&t, "alice@example.net", 0);
	cr_assert(n > 0);
	tok = token_of(&t, n, "confirm");
	cr_expect(strncmp(tok, "u.", 2) == 0, "%s", tok);
	cr_expect_eq(members_called(&t, TEAM, "alice@example.net"), 1,
		     "removed before confirming");
	subject = g_strdup_printf("Re: confirm %s", tok);
	robot(&t, "alice@example.net", subject, "> Someone, probably you\n");
	cr_expect_eq(members_called(&t, TEAM, "alice@example.net"), 0);
	cr_expect_eq(members_called(&t, TEAM, "bob@example.net"), 1);
	cr_expect_str_eq(subject_of(&t, sent_count(&t)),
			 "You have left team@lists.example.org");
	every_mail_is_filled_in(&t);
	g_free(subject);
	g_free(tok);
}

Test(robot, unsubscribe_token_cannot_subscribe)
{
	struct tdir t;
	char   *tok, *subject;

	list_fixture(&t, "confirm", NULL);
	robot(&t, "alice@example.net", "unsubscribe", "");
	tok = token_of(&t, 1, "confirm");
	subject = g_strdup_printf("Re: confirm %s", tok);
	robot(&t, "alice@example.net", subject, "");
	cr_expect_eq(members_called(&t, TEAM, "alice@example.net"), 0);
	/* used: replaying it after a new subscription removes nobody */
	tdir_sql(&t, "INSERT INTO members(list, address) VALUES "
		 "('" TEAM "', 'alice@example.net')");
	robot(&t, "alice@example.net", subject, "");
	cr_expect_eq(members_called(&t, TEAM, "alice@example.net"), 1);
	g_free(subject);
	g_free(tok);
}

Test(robot, unsubscribe_by_a_non_member_says_not_subscribed)
{
	struct tdir t;
	char   *msg;

	fixture(&t, NULL);
	robot(&t, "carol@example.com", "unsubscribe", "");
	cr_assert_eq(sent_count(&t), 1);
	cr_expect_str_eq(subject_of(&t, 1),
			 "You are not subscribed to team@lists.example.org");
	msg = sent_message(&t, 1, NULL);
	cr_expect(strstr(msg, "confirm u") == NULL, "a token: %s", msg);
	cr_expect(strstr(msg, "carol@example.com is not subscribed") != NULL,
		  "%s", msg);
	every_mail_is_filled_in(&t);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM members"), 3);
	free(msg);
}

/* ---- moderated subscription -------------------------------------- */

Test(robot, moderated_subscription_waits_for_a_moderator_who_approves)
{
	struct tdir t;
	char   *tok, *admit, *subject;
	int	notice, pending, n;

	list_fixture(&t, "moderate", NULL);
	tok = asked(&t, "carol@example.com");
	confirm_as(&t, "carol@example.com", tok);
	cr_expect_eq(members_called(&t, TEAM, "carol@example.com"), 0,
		     "in before a moderator decided");
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM requests WHERE list = '"
			   TEAM "' AND address = 'carol@example.com' AND "
			   "state = 'pending'"), 1);
	notice = reply_to(&t, "olga@example.net", 0);
	cr_assert(notice > 0, "no notice to the owner");
	cr_expect(sent_has(&t, notice, "carol@example.com asks to join"));
	cr_expect(sent_has(&t, notice, "Auto-Submitted: auto-generated"));
	admit = token_of(&t, notice, "approve");
	cr_expect(strncmp(admit, "a1.", 3) == 0, "%s", admit);
	pending = reply_to(&t, "carol@example.com", 1);
	cr_assert(pending > 0, "carol was not told");
	cr_expect_str_eq(subject_of(&t, pending), "Your subscription to "
			 "team@lists.example.org awaits approval");
	/* The moderator just replies. */
	subject = g_strdup_printf("Re: approve %s", admit);
	robot(&t, "olga@example.net", subject,
	      "> carol@example.com asks to join\n");
	cr_expect_eq(members_called(&t, TEAM, "carol@example.com"), 1);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM requests WHERE state = "
			   "'approved' AND actor = 'olga@example.net'"), 1);
	last_reply_says(&t, "olga@example.net",
			"carol@example.com is now subscribed");
	/* subscribe_pending promised word of the decision */
	n = reply_to(&t, "carol@example.com", pending);
	cr_expect(n > 0 && sent_has(&t, n, "Subject: Welcome to team@lists.example.org"),
		  "carol was not welcomed");
	every_mail_is_filled_in(&t);
	g_free(subject);
	g_free(admit);
	g_free(tok);
}

Test(robot, subscription_request_cannot_be_approved_by_a_member)
{
	struct tdir t;
	char   *tok, *admit, *subject;

	list_fixture(&t, "moderate", NULL);
	tok = asked(&t, "carol@example.com");
	confirm_as(&t, "carol@example.com", tok);
	admit = token_of(&t, reply_to(&t, "olga@example.net", 0), "approve");
	subject = g_strdup_printf("approve %s", admit);
	robot(&t, "bob@example.net", subject, "");
	robot(&t, "carol@example.com", subject, "");
	cr_expect_eq(members_called(&t, TEAM, "carol@example.com"), 0);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM requests WHERE state = "
			   "'pending'"), 1);
	g_free(subject);
	g_free(admit);
	g_free(tok);
}

Test(robot, moderator_rejects_a_subscription_request)
{
	struct tdir t;
	char   *tok, *admit, *subject;

	list_fixture(&t, "moderate", NULL);
	tok = asked(&t, "carol@example.com");
	confirm_as(&t, "carol@example.com", tok);
	admit = token_of(&t, reply_to(&t, "olga@example.net", 0), "approve");
	subject = g_strdup_printf("Re: approve %s", admit);
	robot(&t, "olga@example.net", subject, "reject\n");
	cr_expect_eq(members_called(&t, TEAM, "carol@example.com"), 0);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM requests WHERE state = "
			   "'rejected'"), 1);
	/* A change of mind with the same token changes nothing. */
	robot(&t, "olga@example.net", subject, "");
	cr_expect_eq(members_called(&t, TEAM, "carol@example.com"), 0);
	g_free(subject);
	g_free(admit);
	g_free(tok);
}

/* ---- mail the robot never answers -------------------------------- */

static void ignored(const char *extra, const char *sender)
{
	struct tdir t;
	struct run r;
	char   *msg = request("carol@example.com", REQUEST, extra, "subscribe",
			      "subscribe\n");
	char   *log;

	list_fixture(&t, "confirm", "INSERT INTO lists(address) VALUES "
		     "('other@lists.example.org');");
	lp_run(&r, &t, msg, sender, REQUEST);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_expect_eq(r.output_len, 0, "%s", r.output);
	cr_expect_eq(sent_count(&t), 0, "answered <%s> %s", sender, extra);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM sent"), 0);
	log = log_of(&t);
	cr_expect(strstr(log, "status=ignored") != NULL, "%s", log);
	free(log);
	g_free(msg);
	run_free(&r);
}

Test(robot, ignores_the_null_sender)
{
	ignored("", "");
}

Test(robot, ignores_auto_submitted_mail)
{
	ignored("Auto-Submitted: auto-replied\n", "carol@example.com");
}

Test(robot, ignores_precedence_bulk)
{
	ignored("Precedence: bulk\n", "carol@example.com");
}

Test(robot, ignores_a_report)
{
	ignored("MIME-Version: 1.0\nContent-Type: multipart/report; "
		"report-type=delivery-status; boundary=\"b\"\n",
		"carol@example.com");
}

Test(robot, ignores_another_lists_bounce_address)
{
	ignored("", "other-bounces@lists.example.org");
}

Test(robot, ignores_another_lists_request_address)
{
	ignored("", "Other-Request@lists.example.org");
}

Test(robot, ignores_its_own_lists_addresses_with_an_extension)
{
	ignored("", "team-bounces+carol=example.com@lists.example.org");
}

Test(robot, sixth_request_in_an_hour_gets_no_reply)
{
	struct tdir t;
	char   *log;

	fixture(&t, NULL);
	for (int i = 0; i < 6; i++)
		robot(&t, "carol@example.com", "help", "");
	cr_expect_eq(sent_count(&t), 5);
	log = log_of(&t);
	cr_expect(strstr(log, "to=<carol@example.com>: not sent: 5 messages "
			 "to this address in the last hour already") != NULL,
		  "%s", log);
	free(log);
	/* Another address is not held back by carol's. */
	robot(&t, "dave@example.net", "help", "");
	cr_expect_eq(sent_count(&t), 6);
}

Test(robot, rate_limit_counts_replies_from_every_list)
{
	struct tdir t;

	fixture(&t, "INSERT INTO sent(address, list, kind) VALUES "
		"('carol@example.com', 'x@lists.example.org', 'help'),"
		"('carol@example.com', 'x@lists.example.org', 'help'),"
		"('carol@example.com', 'y@lists.example.org', 'help'),"
		"('carol@example.com', 'y@lists.example.org', 'help'),"
		"('Carol@Example.com', 'y@lists.example.org', 'help');");
	robot(&t, "carol@example.com", "help", "");
	cr_expect_eq(sent_count(&t), 0);
}

Test(robot, multipart_alternative_request_is_read_from_the_plain_part)
{
	struct tdir t;
	char   *tok;
	/* quoted-printable: the raw line is no command, the text is */
	const char *body =
		"This is a multi-part message in MIME format.\n"
		"--alt\n"
		"Content-Type: text/plain; charset=utf-8\n"
		"Content-Transfer-Encoding: quoted-printable\n"
		"\n"
		"=73ubscribe\n"
		"\n"
		"--alt\n"
		"Content-Type: text/html; charset=utf-8\n"
		"\n"
		"<html><body><p>subscribe</p></body></html>\n"
		"--alt--\n";
	struct run r;
	char   *msg = request("carol@example.com", REQUEST,
			      "MIME-Version: 1.0\nContent-Type: "
			      "multipart/alternative; boundary=\"alt\"\n",
			      "hello", body);

	list_fixture(&t, "confirm", NULL);
	lp_run(&r, &t, msg, "carol@example.com", REQUEST);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_assert_eq(sent_count(&t), 1);
	tok = token_of(&t, 1, "confirm");
	cr_expect(strncmp(tok, "s.", 2) == 0, "%s", tok);
	g_free(tok);
	g_free(msg);
	run_free(&r);
}

/* ---- the secret -------------------------------------------------- */

static int contains_nocase(const char *hay, size_t len, const char *needle)
{
	size_t	n = strlen(needle);

	for (size_t i = 0; i + n <= len; i++)
		if (strncasecmp(hay + i, needle, n) == 0)
			return 1;
	return 0;
}

Test(robot, secret_never_appears_in_sent_mail_or_the_log)
{
	struct tdir t;
	struct run r;
	char   *secret, *half, *tok, *log, *admit, *subject;
	int	n;

	list_fixture(&t, "moderate", "UPDATE lists SET policy = 'moderated'");
	secret = secret_of(&t);
	half = g_strndup(secret, 32);
	/* Every kind of mail that carries a token, and the logging. */
	tok = asked(&t, "carol@example.com");
	confirm_as(&t, "carol@example.com", tok);
	admit = token_of(&t, reply_to(&t, "olga@example.net", 0), "approve");
	subject = g_strdup_printf("approve %s", admit);
	robot(&t, "olga@example.net", subject, "");
	robot(&t, "dave@example.net", "confirm s.12345678.0123456789abcdef"
	      "0123456789abcdef", "");
	robot(&t, "dave@example.net", "help", "");
	lp_run(&r, &t, "From: alice@example.net\nSubject: s\n\nb\n",
		"alice@example.net", TEAM);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_expect(strstr(r.output, secret) == NULL);
	run_free(&r);
	n = sent_count(&t);
	cr_expect_geq(n, 7, "only %d mails", n);
	every_mail_is_filled_in(&t);
	for (int i = 1; i <= n; i++) {
		size_t	len;
		char   *msg = sent_message(&t, i, &len);
		char   *args = sent_args(&t, i);

		cr_expect(!contains_nocase(msg, len, secret), "run %d has the "
			  "secret", i);
		/* not its halves either */
		cr_expect(!contains_nocase(msg, len, half)
			  && !contains_nocase(msg, len, secret + 32),
			  "run %d has half the secret", i);
		cr_expect(!contains_nocase(args, strlen(args), secret));
		free(msg);
		free(args);
	}
	log = log_of(&t);
	cr_expect(strlen(log) > 0);
	cr_expect(!contains_nocase(log, strlen(log), secret)
		  && !contains_nocase(log, strlen(log), half)
		  && !contains_nocase(log, strlen(log), secret + 32),
		  "the log has the secret");
	free(log);
	g_free(subject);
	g_free(admit);
	g_free(tok);
	g_free(half);
	g_free(secret);
}

Test(robot, listctl_never_prints_the_secret)
{
	static const char *const cmds[][2] = {
		{"show", TEAM}, {"texts", NULL}, {"texts", "confirm_subscribe"},
		{"lists", NULL}, {"held", NULL},
	};
	struct tdir t;
	char   *secret;

	fixture(&t, NULL);
	secret = secret_of(&t);
	for (size_t i = 0; i < G_N_ELEMENTS(cmds); i++) {
		struct run r;
		const char *argv[] = {"-d", t.db, "-m", t.spool, cmds[i][0],
				      cmds[i][1], NULL};

		run_listctl(&r, NULL, argv);
		cr_expect_eq(r.exit_code, 0, "%s: %s", cmds[i][0], r.output);
		cr_expect(!contains_nocase(r.output, r.output_len, secret)
			  && !contains_nocase(r.output, r.output_len,
					      secret + 32),
			  "listctl %s printed the secret", cmds[i][0]);
		run_free(&r);
	}
	g_free(secret);
}

/* ---- more ------------------------------------------------------- */

Test(robot, operator_text_for_the_list_beats_the_one_for_all)
{
	struct tdir t;
	char   *msg;

	fixture(&t, "INSERT INTO texts(list, name, subject, body) VALUES "
		"('*', 'help', 'Site help', 'Everyone: ask {owner}.'),"
		"('" TEAM "', 'help', NULL, 'Team: ask {owner} about {list}.')");
	robot(&t, "carol@example.com", "help", "");
	cr_assert_eq(sent_count(&t), 1);
	/* the list's row has no subject: the '*' row's */
	cr_expect_str_eq(subject_of(&t, 1), "Site help");
	msg = sent_message(&t, 1, NULL);
	cr_expect(strstr(msg, "Team: ask team-owner@lists.example.org about "
			 "team@lists.example.org.") != NULL, "%s", msg);
	cr_expect(strstr(msg, "Everyone") == NULL, "%s", msg);
	free(msg);
}

Test(robot, expired_subscription_request_cannot_be_approved)
{
	struct tdir t;
	char   *tok, *admit, *subject;

	list_fixture(&t, "moderate", NULL);
	tok = asked(&t, "carol@example.com");
	confirm_as(&t, "carol@example.com", tok);
	admit = token_of(&t, reply_to(&t, "olga@example.net", 0), "approve");
	tdir_sql(&t, "UPDATE requests SET expires = datetime('now', '-1 day')");
	subject = g_strdup_printf("Re: approve %s", admit);
	robot(&t, "olga@example.net", subject, "");
	cr_expect_eq(members_called(&t, TEAM, "carol@example.com"), 0);
	last_reply_says(&t, "olga@example.net", "request 1 was expired already");
	g_free(subject);
	g_free(admit);
	g_free(tok);
}

Test(robot, reply_prefixes_in_other_languages_are_skipped)
{
	struct tdir t;
	char   *tok, *subject;

	list_fixture(&t, "confirm", NULL);
	tok = asked(&t, "carol@example.com");
	subject = g_strdup_printf("AW: Fwd: RE: confirm %s", tok);
	robot(&t, "carol@example.com", subject, "");
	cr_expect_eq(members_called(&t, TEAM, "carol@example.com"), 1);
	g_free(subject);
	g_free(tok);
}

Test(robot, disabled_member_can_still_unsubscribe)
{
	struct tdir t;
	char   *tok, *subject;
	int	n;

	/* Disabled by bounce processing: she wants off for good. */
	fixture(&t, "UPDATE members SET state = 'disabled' "
		"WHERE address = 'alice@example.net'");
	robot(&t, "alice@example.net", "unsubscribe", "");
	n = reply_to(&t, "alice@example.net", 0);
	cr_assert(n > 0);
	cr_assert(strncmp(subject_of(&t, n), "confirm u.", 10) == 0,
		  "told: %s", subject_of(&t, n));
	tok = token_of(&t, n, "confirm");
	subject = g_strdup_printf("Re: confirm %s", tok);
	robot(&t, "alice@example.net", subject, "");
	cr_expect_eq(members_called(&t, TEAM, "alice@example.net"), 0);
	g_free(subject);
	g_free(tok);
}

Test(robot, disabled_member_is_not_welcomed_while_staying_disabled)
{
	struct tdir t;
	char   *tok, *last;
	int	n, already, welcomed = 0;

	list_fixture(&t, "confirm", "UPDATE members SET state = 'disabled' "
		     "WHERE address = 'alice@example.net'");
	robot(&t, "alice@example.net", "subscribe", "");
	n = reply_to(&t, "alice@example.net", 0);
	cr_assert(n > 0);
	already = strncmp(subject_of(&t, n), "You are already", 15) == 0;
	if (!already) {
		tok = token_of(&t, n, "confirm");
		confirm_as(&t, "alice@example.net", tok);
		last = subject_of(&t, sent_count(&t));
		welcomed = strncmp(last, "Welcome", 7) == 0;
		free(last);
		g_free(tok);
	}
	/* Either she hears she is on the list already, or a welcome means
	 * what it says: she gets the posts. */
	cr_expect(already || (welcomed && q_int(&t, "SELECT count(*) FROM "
		  "members WHERE address = 'alice@example.net' AND role = "
		  "'member' AND state = 'enabled'") == 1),
		  "welcomed (%d), but her row is still disabled", welcomed);
}

Test(robot, member_through_a_nested_list_is_not_told_he_left_when_he_did_not)
{
	struct tdir t;
	struct run r;
	char   *tok, *subject, *args, *last;
	int	n, goodbye = 0;

	fixture(&t, "INSERT INTO lists(address) VALUES ('sub@lists.example.org');"
		"INSERT INTO members(list, address) VALUES "
		"('" TEAM "', 'sub@lists.example.org'),"
		"('sub@lists.example.org', 'dave@example.net');");
	robot(&t, "dave@example.net", "unsubscribe", "");
	n = reply_to(&t, "dave@example.net", 0);
	cr_assert(n > 0);
	last = subject_of(&t, n);
	if (strncmp(last, "confirm ", 8) == 0) {
		tok = token_of(&t, n, "confirm");
		subject = g_strdup_printf("Re: confirm %s", tok);
		robot(&t, "dave@example.net", subject, "");
		free(last);
		last = subject_of(&t, sent_count(&t));
		goodbye = strncmp(last, "You have left", 13) == 0;
		g_free(subject);
		g_free(tok);
	}
	lp_run(&r, &t, POST, "carol@example.com", TEAM);
	cr_assert_eq(r.exit_code, 0, "%s", r.output);
	args = sent_args(&t, sent_count(&t));
	/* He is told he left only if he no longer gets team@'s posts. */
	cr_expect(!goodbye || strstr(args, "\ndave@example.net\n") == NULL,
		  "told \"%s\" but still gets the posts: %s", last, args);
	free(last);
	free(args);
	run_free(&r);
}

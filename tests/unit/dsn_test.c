/*
 * dsn_test.c - the bounce analyser on hand-made input: the verdict table
 * (dsn_kind_of), RFC 3464 quirks, vendor texts, auto-replies and ARF,
 * hostile files (empty, no header, 10 000 recipients, deep nesting, NUL
 * bytes, overlong lines, a bogus charset) and memory that stays flat
 * under a 50 MB bounce.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <glib.h>

#include "common/text.h"
#include "mail/dsn.h"
#include "mail/headers.h"

static void setup(void)
{
	headers_init();
}

TestSuite(dsn, .init = setup);
TestSuite(dsn_kind);

/* analyse - dsn_analyse over a temporary file holding len bytes of s */
static struct dsn *analyse(const char *s, size_t len)
{
	struct dsn *d = g_new0(struct dsn, 1);
	struct status st;
	FILE   *f = tmpfile();

	cr_assert(f != NULL);
	cr_assert_eq(fwrite(s, 1, len, f), len);
	cr_assert_eq(fflush(f), 0);
	cr_assert_eq(dsn_analyse(fileno(f), d, &st), 0, "%s", st.reason);
	fclose(f);
	return d;
}

static struct dsn *analyse_str(const char *s)
{
	return analyse(s, strlen(s));
}

/* assert_clean - every string of every report is one clean line */
static void assert_clean(const struct dsn *d)
{
	cr_assert_leq(d->nreports, DSN_REPORTS_MAX);
	for (size_t i = 0; i < d->nreports; i++) {
		const struct dsn_report *r = &d->reports[i];
		const char *const fields[] = {
			r->recipient, r->original, r->action, r->status,
			r->diagnostic, r->mta,
		};

		for (size_t k = 0; k < G_N_ELEMENTS(fields); k++) {
			cr_assert(text_is_clean(fields[k]), "control in %s", fields[k]);
			cr_assert(g_utf8_validate(fields[k], -1, NULL));
		}
		if (*r->recipient) {
			const char *at = strchr(r->recipient, '@');

			cr_assert(at && at != r->recipient && at[1]
				  && !strchr(at + 1, '@') && !strchr(r->recipient, ' '),
				  "implausible %s", r->recipient);
		}
	}
}

/* ---- the verdict table ------------------------------------------------ */

struct kind_case {
	const char *action, *status, *diagnostic;
	enum dsn_kind kind;
};

static const struct kind_case kind_cases[] = {
	/* the address itself */
	{"failed", "5.1.1", "smtp; 550 5.1.1 <a@b>... User Unknown", DSN_HARD},
	{"failed", "5.1.1", "", DSN_HARD},
	{"failed", "5.1.2", "Host or domain name not found", DSN_HARD},
	{"failed", "5.2.1", "The email account that you tried to reach is disabled", DSN_HARD},
	{"failed", "5.0.0", "smtp; 550 Unknown user", DSN_HARD},
	{"failed", "5.0.0", "unknown user: \"kijitora\"", DSN_HARD},
	{"", "5.1.1", NULL, DSN_HARD},
	{NULL, NULL, "550 No such user here", DSN_HARD},
	/* still trying, or it got through */
	{"delayed", "4.4.1", "connect to x: Connection timed out", DSN_DELAY},
	{"delayed", "5.1.1", "User unknown", DSN_DELAY},
	{"delivered", "2.0.0", "250 ok", DSN_UNKNOWN},
	{"relayed", "2.0.0", "", DSN_UNKNOWN},
	{"expanded", "2.0.0", "", DSN_UNKNOWN},
	/* temporary: Postfix's queue lifetime, full mailboxes, the network */
	{"failed", "4.4.1", "connect to x[1.2.3.4]:25: Connection timed out", DSN_SOFT},
	{"failed", "4.2.2", "mailbox full", DSN_SOFT},
	{"failed", "5.2.2", "552 5.2.2 Mailbox full", DSN_SOFT},
	{"failed", "5.4.7", "delivery time expired", DSN_SOFT},
	{"failed", "5.0.0", "retry timeout exceeded", DSN_SOFT},
	{"failed", "5.3.0", "X-Unix; 77", DSN_SOFT},
	{"failed", "5.5.0", "503 Improper sequence of commands", DSN_SOFT},
	{"failed", "5.0.0", "552 Too many recipients", DSN_SOFT},
	/* policy: the sender, its reputation, the content, the size */
	{"failed", "5.7.1", "Message rejected", DSN_POLICY},
	{"failed", "5.7.26", "Unauthenticated email is not accepted", DSN_POLICY},
	{"failed", "5.3.4", "Message too big", DSN_POLICY},
	{"failed", "5.2.3", "", DSN_POLICY},
	{"failed", "5.6.0", "", DSN_POLICY},
	{"failed", "5.1.8", "Domain of sender address does not exist", DSN_POLICY},
	{"failed", "5.0.0", "550 rejected by DMARC policy", DSN_POLICY},
	{"failed", "5.0.0", "554 SPF check failed", DSN_POLICY},
	{"failed", "5.1.1", "550 5.7.1 IP address blacklisted by recipient", DSN_POLICY},
	{"failed", "5.0.0", "550 Listed at zen.spamhaus.org", DSN_POLICY},
	{"failed", "5.0.0", "554 Blocked - see https://ipcheck.proofpoint.com", DSN_POLICY},
	{"failed", "5.0.0", "550 Message content rejected", DSN_POLICY},
	{"failed", "5.0.0", "552 Virus found in message", DSN_POLICY},
	{"failed", "5.0.0", "550 rejected due to security reasons", DSN_POLICY},
	{"failed", "", "550 our reputation service says no", DSN_POLICY},
	{"failed", "5.1.0", "Barracuda Reputation", DSN_POLICY},
	/* not enough to blame anyone */
	{"failed", "", "", DSN_UNKNOWN},
	{"failed", "5.0.0", "", DSN_UNKNOWN},
	{"failed", "5.0.0", "X-Notes; routing loop", DSN_SOFT},
	{NULL, NULL, NULL, DSN_UNKNOWN},
	{"failed", "junk", "no code here", DSN_UNKNOWN},
};

Test(dsn_kind, the_verdict_table)
{
	for (size_t i = 0; i < G_N_ELEMENTS(kind_cases); i++) {
		const struct kind_case *c = &kind_cases[i];

		cr_expect_eq(dsn_kind_of(c->action, c->status, c->diagnostic),
			     c->kind, "case %zu: %s %s %s: got %s, want %s", i,
			     c->action, c->status, c->diagnostic,
			     dsn_kind_names[dsn_kind_of(c->action, c->status,
							c->diagnostic)],
			     dsn_kind_names[c->kind]);
	}
}

Test(dsn_kind, names_cover_every_kind)
{
	cr_expect_str_eq(dsn_kind_names[DSN_UNKNOWN], "unknown");
	cr_expect_str_eq(dsn_kind_names[DSN_HARD], "hard");
	cr_expect_str_eq(dsn_kind_names[DSN_FEEDBACK], "feedback");
}

/* ---- RFC 3464 --------------------------------------------------------- */

static const char postfix_dsn[] =
	"From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\n"
	"To: list-bounces@lists.example.org\n"
	"Subject: Undelivered Mail Returned to Sender\n"
	"Auto-Submitted: auto-replied\n"
	"MIME-Version: 1.0\n"
	"Content-Type: multipart/report; report-type=delivery-status;\n"
	"\tboundary=\"B\"\n"
	"\n"
	"--B\n"
	"Content-Type: text/plain\n"
	"\n"
	"<Alice@Example.NET>: host mx.example.net said: 550 5.1.1 unknown\n"
	"\n"
	"--B\n"
	"Content-Type: message/delivery-status\n"
	"\n"
	"Reporting-MTA: dns; mx.example.org\n"
	"X-Postfix-Sender: rfc822; list-bounces@lists.example.org\n"
	"Arrival-Date: Thu, 29 Apr 2010 23:34:45 +0900\n"
	"\n"
	"Final-Recipient: rfc822; <Alice@Example.NET>\n"
	"Original-Recipient: rfc822;alice@example.net\n"
	"Action: failed\n"
	"Status: 5.1.1\n"
	"Remote-MTA: dns; mx.example.net\n"
	"Diagnostic-Code: smtp; 550 5.1.1 <alice@example.net>: Recipient address\n"
	"    rejected: User unknown in local recipient table\n"
	"\n"
	"Final-Recipient: rfc822; bob@example.com\n"
	"Action: delayed\n"
	"Status: 4.4.1\n"
	"Diagnostic-Code: X-Postfix; connect to mx.example.com: Connection refused\n"
	"\n"
	"--B\n"
	"Content-Type: text/rfc822-headers\n"
	"\n"
	"From: list@lists.example.org\n"
	"To: list@lists.example.org\n"
	"\n"
	"--B--\n";

Test(dsn, postfix_report_two_recipients)
{
	struct dsn *d = analyse_str(postfix_dsn);

	cr_assert_eq(d->format, DSN_RFC3464);
	cr_expect_str_eq(d->family, "postfix");
	cr_expect_str_eq(d->reporting_mta, "mx.example.org");
	cr_expect_str_eq(d->postfix_sender, "list-bounces@lists.example.org");
	cr_assert_eq(d->nreports, 2);
	cr_expect_str_eq(d->reports[0].recipient, "alice@example.net");
	cr_expect_str_eq(d->reports[0].original, "alice@example.net");
	cr_expect_str_eq(d->reports[0].action, "failed");
	cr_expect_str_eq(d->reports[0].status, "5.1.1");
	cr_expect_str_eq(d->reports[0].mta, "mx.example.net");
	cr_expect_str_eq(d->reports[0].diagnostic,
			 "550 5.1.1 <alice@example.net>: Recipient address "
			 "rejected: User unknown in local recipient table");
	cr_expect_eq(d->reports[0].kind, DSN_HARD);
	cr_expect_str_eq(d->reports[1].recipient, "bob@example.com");
	cr_expect_eq(d->reports[1].kind, DSN_DELAY);
	assert_clean(d);
	g_free(d);
}

Test(dsn, groups_without_blank_lines_and_status_from_the_reply)
{
	struct dsn *d = analyse_str(
		"From: postmaster@example.org\n"
		"Subject: failure\n"
		"Content-Type: multipart/report; boundary=B\n\n"
		"--B\nContent-Type: message/delivery-status\n\n"
		"Reporting-MTA: dns; mx.example.org\n"
		"Original-Recipient: rfc822; a@example.net\n"
		"Final-Recipient: rfc822; a@example.net\n"
		"Action: failed\n"
		"Diagnostic-Code: smtp; 550 no such user\n"
		"Original-Recipient: rfc822; b@example.net\n"
		"Final-Recipient: rfc822; b@example.net\n"
		"Action: failed\n"
		"Status: 4.2.2\n"
		"Final-Recipient: rfc822; a@example.net\n"
		"Action: failed\n"
		"Status: 5.1.1\n"
		"--B--\n");

	cr_assert_eq(d->nreports, 2, "a@ twice is one report");
	cr_expect_str_eq(d->reports[0].status, "5.0.0");
	cr_expect_eq(d->reports[0].kind, DSN_HARD);
	cr_expect_str_eq(d->reports[1].recipient, "b@example.net");
	cr_expect_eq(d->reports[1].kind, DSN_SOFT);
	g_free(d);
}

Test(dsn, delivery_status_in_a_plain_text_message)
{
	struct dsn *d = analyse_str(
		"From: MAILER-DAEMON@example.org\n"
		"Subject: Returned mail\n\n"
		"The message could not be delivered.\n\n"
		"Reporting-MTA: dns; mx.example.org\n\n"
		"Final-Recipient: RFC822; <carol@example.net>\n"
		"Action: failed\n"
		"Status: 5.7.1\n"
		"Diagnostic-Code: smtp; 550 5.7.1 rejected by DMARC policy\n");

	cr_assert_eq(d->format, DSN_RFC3464);
	cr_assert_eq(d->nreports, 1);
	cr_expect_str_eq(d->reports[0].recipient, "carol@example.net");
	cr_expect_eq(d->reports[0].kind, DSN_POLICY);
	g_free(d);
}

Test(dsn, global_delivery_status)
{
	struct dsn *d = analyse_str(
		"From: MAILER-DAEMON@example.org\n"
		"Content-Type: multipart/report; report-type=global-delivery-status; boundary=B\n\n"
		"--B\nContent-Type: message/global-delivery-status\n\n"
		"Reporting-MTA: dns; mx.example.org\n\n"
		"Final-Recipient: utf-8; d\xc3\xa9@example.net\n"
		"Action: failed\nStatus: 5.1.1\n"
		"--B--\n");

	cr_assert_eq(d->nreports, 1);
	cr_expect_str_eq(d->reports[0].recipient, "d\xc3\xa9@example.net");
	g_free(d);
}

/* ---- vendor texts ----------------------------------------------------- */

Test(dsn, qmail_text)
{
	struct dsn *d = analyse_str(
		"From: MAILER-DAEMON@mx.example.jp\n"
		"To: list-bounces@lists.example.org\n"
		"Subject: failure notice\n\n"
		"Hi. This is the qmail-send program at mx.example.jp.\n"
		"I'm afraid I wasn't able to deliver your message to the following addresses.\n"
		"This is a permanent error; I've given up. Sorry it didn't work out.\n\n"
		"<kijitora@example.ne.jp>:\n"
		"Remote host said: 550 Unknown user kijitora@example.ne.jp\n"
		". (#5.1.1)\n\n"
		"--- Below this line is a copy of the message.\n\n"
		"Return-Path: <list-bounces@lists.example.org>\n"
		"To: someone-else@example.com\n\n"
		"hello\n");

	cr_assert_eq(d->format, DSN_TEXT);
	cr_expect_str_eq(d->family, "qmail");
	cr_assert_eq(d->nreports, 1);
	cr_expect_str_eq(d->reports[0].recipient, "kijitora@example.ne.jp");
	cr_expect_str_eq(d->reports[0].status, "5.1.1");
	cr_expect_str_eq(d->reports[0].action, "failed");
	cr_expect_eq(d->reports[0].kind, DSN_HARD);
	g_free(d);
}

Test(dsn, exim_text_and_x_failed_recipients)
{
	struct dsn *d = analyse_str(
		"From: Mail Delivery System <Mailer-Daemon@mx.example.org>\n"
		"To: list-bounces@lists.example.org\n"
		"Subject: Mail delivery failed: returning message to sender\n"
		"X-Failed-Recipients: neko@example.jp\n"
		"Auto-Submitted: auto-replied\n\n"
		"This message was created automatically by mail delivery software.\n\n"
		"A message sent by\n\n  <list-bounces@lists.example.org>\n\n"
		"could not be delivered to one or more of its recipients. This is a\n"
		"permanent error. The following address(es) failed:\n\n"
		"  neko@example.jp\n"
		"    SMTP error from remote mail server after RCPT TO:<neko@example.jp>:\n"
		"    host mx.example.jp [192.0.2.1]: 550 5.1.1 <neko@example.jp>: User unknown\n\n"
		"------ This is a copy of the message, including all the headers. ------\n");

	cr_assert_eq(d->format, DSN_TEXT, "Auto-Submitted does not make it a vacation");
	cr_expect_str_eq(d->family, "exim");
	cr_assert_eq(d->nreports, 1);
	cr_expect_str_eq(d->reports[0].recipient, "neko@example.jp");
	cr_expect_str_eq(d->reports[0].status, "5.1.1");
	cr_expect_eq(d->reports[0].kind, DSN_HARD);
	g_free(d);
}

Test(dsn, sendmail_text_with_codes_before_the_address)
{
	struct dsn *d = analyse_str(
		"From: Mail Delivery Subsystem <MAILER-DAEMON@example.com>\n"
		"Subject: Returned mail: User unknown\n\n"
		"   ----- Transcript of session follows -----\n"
		"550 <tora@example.org>... User unknown\n"
		"554 <mike@example.net>... 550 Host unknown\n"
		"421 example.edu (smtp)... Deferred: Connection timed out\n\n"
		"   ----- Unsent message follows -----\n"
		"Received: by example.com\n");

	cr_assert_eq(d->nreports, 2);
	cr_expect_str_eq(d->reports[0].recipient, "tora@example.org");
	cr_expect_str_eq(d->reports[0].status, "5.0.0");
	cr_expect_eq(d->reports[0].kind, DSN_HARD);
	cr_expect_str_eq(d->reports[1].recipient, "mike@example.net");
	g_free(d);
}

Test(dsn, a_warning_is_a_delay_never_hard)
{
	struct dsn *d = analyse_str(
		"From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\n"
		"Subject: Delivery Status Notification (Delay)\n\n"
		"THIS IS A WARNING MESSAGE ONLY.\n\n"
		"Delivery to the following recipient has been delayed:\n\n"
		"     kijitora@example.com\n\n"
		"Message will be retried for 2 more day(s)\n");

	cr_assert_eq(d->nreports, 1);
	cr_expect_str_eq(d->reports[0].action, "delayed");
	cr_expect_eq(d->reports[0].kind, DSN_DELAY);
	g_free(d);
}

Test(dsn, amazon_ses_json)
{
	struct dsn *d = analyse_str(
		"From: no-reply@sns.amazonaws.com\n"
		"Subject: AWS Notification Message\n\n"
		"{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Permanent\","
		"\"bouncedRecipients\":[{\"emailAddress\":\"gone@example.com\","
		"\"action\":\"failed\",\"status\":\"5.1.1\",\"diagnosticCode\":"
		"\"smtp; 550 5.1.1 user unknown\"}]}}\n");

	cr_assert_eq(d->nreports, 1);
	cr_expect_str_eq(d->family, "amazonses");
	cr_expect_str_eq(d->reports[0].recipient, "gone@example.com");
	cr_expect_eq(d->reports[0].kind, DSN_HARD);
	g_free(d);
}

/* ---- auto-replies and feedback ---------------------------------------- */

Test(dsn, vacation_reply)
{
	struct dsn *d = analyse_str(
		"From: Alice <Alice@Example.net>\n"
		"To: team@lists.example.org\n"
		"Subject: Out of Office: meeting\n\n"
		"I am away until Monday. Write to bob@example.net meanwhile.\n");

	cr_assert_eq(d->format, DSN_AUTOREPLY_MSG);
	cr_assert_eq(d->nreports, 1);
	cr_expect_str_eq(d->reports[0].recipient, "alice@example.net");
	cr_expect_eq(d->reports[0].kind, DSN_AUTOREPLY);
	g_free(d);
}

Test(dsn, arf_feedback_report)
{
	struct dsn *d = analyse_str(
		"From: abuse@isp.example\n"
		"Subject: complaint\n"
		"Content-Type: multipart/report; report-type=feedback-report; boundary=B\n\n"
		"--B\nContent-Type: text/plain\n\nA complaint.\n"
		"--B\nContent-Type: message/feedback-report\n\n"
		"Feedback-Type: abuse\nUser-Agent: x/1\nVersion: 1\n"
		"Original-Rcpt-To: <Member@Example.com>\n"
		"--B\nContent-Type: message/rfc822\n\n"
		"From: team@lists.example.org\nTo: other@example.com\n\nspam?\n"
		"--B--\n");

	cr_assert_eq(d->format, DSN_ARF);
	cr_assert_eq(d->nreports, 1);
	cr_expect_str_eq(d->reports[0].recipient, "member@example.com");
	cr_expect_eq(d->reports[0].kind, DSN_FEEDBACK);
	g_free(d);
}

Test(dsn, arf_without_rcpt_to_takes_the_original_to)
{
	struct dsn *d = analyse_str(
		"From: abuse@isp.example\n"
		"Content-Type: multipart/report; report-type=feedback-report; boundary=B\n\n"
		"--B\nContent-Type: message/feedback-report\n\nFeedback-Type: abuse\n"
		"--B\nContent-Type: message/rfc822\n\n"
		"From: team@lists.example.org\nTo: member@example.com\n\nhi\n"
		"--B--\n");

	cr_assert_eq(d->nreports, 1);
	cr_expect_str_eq(d->reports[0].recipient, "member@example.com");
	cr_expect_eq(d->reports[0].kind, DSN_FEEDBACK);
	g_free(d);
}

/* ---- hostile input ---------------------------------------------------- */

Test(dsn, empty_file)
{
	struct dsn *d = analyse("", 0);

	cr_expect_eq(d->format, DSN_NONE);
	cr_expect_eq(d->nreports, 0);
	g_free(d);
}

Test(dsn, no_header_at_all)
{
	struct dsn *d = analyse_str("just some words\nand more words @ nowhere\n");

	cr_expect_eq(d->nreports, 0);
	assert_clean(d);
	g_free(d);
}

Test(dsn, an_unreadable_descriptor_is_an_error)
{
	struct dsn d;
	struct status st;

	cr_expect_eq(dsn_analyse(-1, &d, &st), -1);
	cr_expect_eq(st.outcome, OUTCOME_TEMP);
}

Test(dsn, ten_thousand_recipients_keep_the_first_32)
{
	GString *m = g_string_new(
		"From: MAILER-DAEMON@example.org\n"
		"Content-Type: multipart/report; boundary=B\n\n"
		"--B\nContent-Type: message/delivery-status\n\n"
		"Reporting-MTA: dns; x\n\n");
	struct dsn *d;

	for (int i = 0; i < 10000; i++)
		g_string_append_printf(m, "Final-Recipient: rfc822; u%d@example.net\n"
				       "Action: failed\nStatus: 5.1.1\n\n", i);
	g_string_append(m, "--B--\n");
	d = analyse(m->str, m->len);
	cr_expect_eq(d->nreports, DSN_REPORTS_MAX);
	cr_expect_str_eq(d->reports[31].recipient, "u31@example.net");
	assert_clean(d);
	g_free(d);
	g_string_free(m, TRUE);
}

Test(dsn, deep_nesting_is_cut)
{
	GString *m = g_string_new("From: MAILER-DAEMON@example.org\n");
	struct dsn *d;
	int	depth = 5000;

	for (int i = 0; i < depth; i++)
		g_string_append_printf(m, "Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n", i, i);
	g_string_append(m, "Content-Type: message/delivery-status\n\n"
			"Final-Recipient: rfc822; deep@example.net\nAction: failed\nStatus: 5.1.1\n");
	for (int i = depth - 1; i >= 0; i--)
		g_string_append_printf(m, "--b%d--\n", i);
	d = analyse(m->str, m->len);
	cr_expect_eq(d->nreports, 0, "a report 5000 levels down is not read");
	g_free(d);
	g_string_free(m, TRUE);
}

Test(dsn, nul_bytes_controls_and_bogus_charset_come_out_clean)
{
	static const char m[] =
		"From: MAILER-DAEMON@example.org\n"
		"Subject: Undelivered\n"
		"Content-Type: multipart/report; boundary=B\n\n"
		"--B\nContent-Type: text/plain; charset=x-no-such-charset\n\n"
		"\xff\xfe bad \x01 bytes\n"
		"--B\nContent-Type: message/delivery-status; charset=bogus\n\n"
		"Reporting-MTA: dns; mx\x1b[31m.example.org\n\n"
		"Final-Recipient: rfc822; nul@example.net\n"
		"Action: failed\nStatus: 5.1.1\n"
		"Diagnostic-Code: smtp; 550 \0 user\r unknown \xc3\x28 \x7f\xc2\x85 end\n"
		"--B--\n";
	struct dsn *d = analyse(m, sizeof(m) - 1);

	cr_assert_eq(d->nreports, 1);
	cr_expect_str_eq(d->reports[0].recipient, "nul@example.net");
	cr_expect(strstr(d->reports[0].diagnostic, "end") != NULL,
		  "NUL does not cut the text: %s", d->reports[0].diagnostic);
	cr_expect(text_is_clean(d->reporting_mta));
	assert_clean(d);
	g_free(d);
}

Test(dsn, overlong_lines_and_addresses)
{
	GString *m = g_string_new(
		"From: MAILER-DAEMON@example.org\n"
		"Content-Type: multipart/report; boundary=B\n\n"
		"--B\nContent-Type: message/delivery-status\n\n"
		"Final-Recipient: rfc822; ");
	struct dsn *d;

	for (int i = 0; i < 1000; i++)
		g_string_append(m, "aaaaaaaaaa");
	g_string_append(m, "@example.net\nAction: failed\nStatus: 5.1.1\n\n"
			"Final-Recipient: rfc822; ok@example.net\nAction: failed\n"
			"Status: 5.1.1\nDiagnostic-Code: smtp; 550 ");
	for (int i = 0; i < 100000; i++)
		g_string_append(m, "long ");
	g_string_append(m, "\n--B--\n");
	d = analyse(m->str, m->len);
	cr_assert_eq(d->nreports, 1, "the 10 000-byte address is dropped");
	cr_expect_str_eq(d->reports[0].recipient, "ok@example.net");
	cr_expect_lt(strlen(d->reports[0].diagnostic), DSN_TEXT_MAX);
	assert_clean(d);
	g_free(d);
	g_string_free(m, TRUE);
}

Test(dsn, implausible_addresses_are_dropped)
{
	struct dsn *d = analyse_str(
		"From: MAILER-DAEMON@example.org\n"
		"Content-Type: multipart/report; boundary=B\n\n"
		"--B\nContent-Type: message/delivery-status\n\n"
		"Final-Recipient: rfc822; no-at-sign\nAction: failed\nStatus: 5.1.1\n\n"
		"Final-Recipient: rfc822; @example.net\nAction: failed\nStatus: 5.1.1\n\n"
		"Final-Recipient: rfc822; a@b@c\nAction: failed\nStatus: 5.1.1\n\n"
		"--B--\n");

	for (size_t i = 0; i < d->nreports; i++)
		cr_expect(strchr(d->reports[i].recipient, '@') != NULL);
	assert_clean(d);
	g_free(d);
}

/* ---- memory ----------------------------------------------------------- */

#define BIG_BOUNCE	(50L * 1024 * 1024)
#define MEMORY_BUDGET_KB (12L * 1024)

Test(dsn, a_50_mb_bounce_costs_what_a_small_one_does)
{
	FILE   *f = tmpfile();
	char	line[100];
	struct rusage before, after;
	struct dsn *d = g_new0(struct dsn, 1);
	struct status st;
	long	grown;

	cr_assert(f != NULL);
	fputs(postfix_dsn, f);
	/* the same report, now followed by a huge returned message */
	cr_assert_eq(fseek(f, (long)(strlen(postfix_dsn) - strlen("--B--\n")), SEEK_SET), 0);
	fputs("--B\nContent-Type: message/rfc822\n\nFrom: x@example.org\n"
	      "Subject: big\n\n", f);
	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\n';
	for (long n = 0; n < BIG_BOUNCE; n += (long)sizeof(line))
		cr_assert_eq(fwrite(line, 1, sizeof(line), f), sizeof(line));
	fputs("--B--\n", f);
	cr_assert_eq(fflush(f), 0);
	getrusage(RUSAGE_SELF, &before);
	cr_assert_eq(dsn_analyse(fileno(f), d, &st), 0);
	getrusage(RUSAGE_SELF, &after);
	grown = after.ru_maxrss - before.ru_maxrss;
	cr_expect_lt(grown, MEMORY_BUDGET_KB, "peak RSS grew by %ld KB", grown);
	cr_assert_eq(d->nreports, 2);
	cr_expect_str_eq(d->reports[0].recipient, "alice@example.net");
	cr_expect_eq(d->reports[0].kind, DSN_HARD);
	fclose(f);
	g_free(d);
}

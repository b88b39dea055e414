/*
 * inject_test.c - sendmail runs: what a failure leaves behind, and how
 * the dry run quotes arguments.
 */
#include <criterion/criterion.h>
#include <glib.h>
#include <stdio.h>
#include <unistd.h>

#include "mail/inject.h"
#include "testlib.h"

Test(inject, sendmail_never_sees_end_of_input_when_feeding_fails)
{
	struct tdir t;
	struct status st;
	char	script[600], finished[400];
	char   *rcpt[] = {"alice@example.net"};
	/* A spool whose reads fail: the header goes out, the body cannot. */
	struct spool sp = {.fd = -1, .size = 100000, .start = 0};
	struct injection in = {
		.sender = "team-bounces@lists.example.org",
		.header = "Subject: x\n", .header_len = 11,
		.spool = &sp, .from = 0, .dry_run_fd = -1,
	};

	tdir_make(&t);
	snprintf(finished, sizeof(finished), "%s/finished", t.path);
	/* Like Postfix's sendmail: reaching EOF means "queue it". */
	snprintf(script, sizeof(script), "#!/bin/sh\ncat > /dev/null\n"
		 "echo queued > '%s'\n", finished);
	write_file(t.sendmail, script, strlen(script), 0755);
	in.sendmail = t.sendmail;
	cr_expect_eq(inject(&in, rcpt, 1, &st), -1);
	cr_expect_eq(st.outcome, OUTCOME_TEMP);
	cr_expect(strstr(st.reason, "read spooled message") != NULL, "%s",
		  st.reason);
	usleep(200000);
	cr_expect(access(finished, F_OK) != 0,
		  "sendmail saw EOF and would have queued a truncated copy");
}

Test(inject, dry_run_quotes_like_a_shell)
{
	static const struct {
		const char *arg, *want;
	} cases[] = {
		{"team-bounces@lists.example.org", "team-bounces@lists.example.org"},
		{"", "''"},
		{"it's", "'it'\\''s'"},
		{"a b", "'a b'"},
		{"$(x)", "'$(x)'"},
		{"-G", "-G"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char   *q = inject_quote(cases[i].arg);

		cr_expect_str_eq(q, cases[i].want, "case %zu", i);
		g_free(q);
	}
}

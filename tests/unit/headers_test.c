/*
 * headers_test.c - where the header block ends and what it holds.
 */
#include <criterion/criterion.h>
#include <glib.h>

#include "mail/headers.h"
#include "mail/spool.h"

static void setup(void)
{
	headers_init();
}

TestSuite(headers, .init = setup);

static int parse(struct headers *hd, const char *msg, struct status *st)
{
	return headers_parse(hd, msg, strlen(msg), (off_t)strlen(msg), st);
}

Test(headers, block_ends_at_the_empty_line)
{
	struct headers hd;
	struct status st;
	const char *msg = "From: a@b\nSubject: x\n  folded\n\nbody\n";

	cr_assert_eq(parse(&hd, msg, &st), 0, "%s", st.reason);
	cr_expect_eq(hd.nfields, 2);
	cr_expect_eq(hd.block_len, strlen("From: a@b\nSubject: x\n  folded\n"));
	cr_expect_eq(hd.body, (off_t)hd.block_len);
	cr_expect_str_eq(msg + hd.body, "\nbody\n");
	cr_expect_eq(hd.fields[1].offset, 10);
	cr_expect_eq(hd.fields[1].length, strlen("Subject: x\n  folded\n"));
	cr_expect_str_eq(hd.fields[1].name, "Subject");
	cr_expect_str_eq(hd.newline, "\n");
	headers_free(&hd);
}

Test(headers, crlf_block)
{
	struct headers hd;
	struct status st;

	cr_assert_eq(parse(&hd, "From: a@b\r\nTo: c@d\r\n\r\nbody\r\n", &st), 0);
	cr_expect_str_eq(hd.newline, "\r\n");
	cr_expect_eq(hd.nfields, 2);
	cr_expect_eq(hd.body, 20);
	headers_free(&hd);
}

Test(headers, body_starts_at_a_line_that_is_not_a_header)
{
	struct headers hd;
	struct status st;
	const char *msg = "From: a@b\nthis is not a header\nTo: c@d\n\nx\n";

	/* Postfix's cleanup does the same: the rest is body. */
	cr_assert_eq(parse(&hd, msg, &st), 0);
	cr_expect_eq(hd.nfields, 1);
	cr_expect_str_eq(msg + hd.body, "this is not a header\nTo: c@d\n\nx\n");
	headers_free(&hd);
}

Test(headers, mbox_from_line_is_not_a_field)
{
	struct headers hd;
	struct status st;

	/* The spool strips the envelope line; the parser never takes it. */
	cr_expect_eq(parse(&hd, "From MAILER-DAEMON Fri Feb 13 02:45:46 2015\n"
			   "Subject: x\n\nbody\n", &st), -1);
	cr_expect_eq(st.outcome, OUTCOME_BAD_MESSAGE);
}

Test(headers, blank_before_colon_is_a_field)
{
	struct headers hd;
	struct status st;

	cr_assert_eq(parse(&hd, "Fro :x y\nTo: a@b\n\nz", &st), 0);
	cr_expect_eq(hd.nfields, 2);
	headers_free(&hd);
}

Test(headers, header_only_message_without_final_newline)
{
	struct headers hd;
	struct status st;
	const char *msg = "From: a@b\nSubject: last";

	cr_assert_eq(parse(&hd, msg, &st), 0);
	cr_expect_eq(hd.nfields, 2);
	cr_expect_eq(hd.block_len, strlen(msg));
	cr_expect_eq(hd.body, (off_t)strlen(msg));
	headers_free(&hd);
}

Test(headers, unusable_messages_are_5_6_0)
{
	static const char *const bad[] = {
		"",
		"\n",
		"\r\nbody",
		"no header at all\n",
		" starts with a continuation\nFrom: a@b\n\n",
		":empty name\n\n",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct headers hd;
		struct status st;

		cr_expect_eq(parse(&hd, bad[i], &st), -1, "case %zu", i);
		cr_expect_eq(st.outcome, OUTCOME_BAD_MESSAGE, "case %zu", i);
		cr_expect_str_eq(st.reason, "message has no header block");
	}
}

Test(headers, nul_in_header_block_is_5_6_0)
{
	struct headers hd;
	struct status st;
	const char msg[] = "From: a@b\nSubject: x\0y\n\nbody";

	cr_expect_eq(headers_parse(&hd, msg, sizeof(msg) - 1, sizeof(msg) - 1,
				   &st), -1);
	cr_expect_eq(st.outcome, OUTCOME_BAD_MESSAGE);
	cr_expect(strstr(st.reason, "NUL") != NULL);
}

Test(headers, endless_header_block_is_5_6_0)
{
	struct headers hd;
	struct status st;
	size_t	size = SPOOL_HEAD_MAX;
	char   *head = malloc(size + 1);

	/* one endless field; the spool keeps only the first SPOOL_HEAD_MAX */
	memcpy(head, "X-Long: ", 8);
	memset(head + 8, 'a', size - 8);
	head[size] = 0;
	cr_expect_eq(headers_parse(&hd, head, size, (off_t)size * 2, &st), -1);
	cr_expect_eq(st.outcome, OUTCOME_BAD_MESSAGE);
	cr_expect(strstr(st.reason, "larger than") != NULL, "%s", st.reason);
	free(head);
}

Test(headers, buffer_ending_at_a_line_end_is_not_the_end_of_the_block)
{
	struct headers hd;
	struct status st;
	const char *head = "From: a@b\nX-A: 1\n";

	/* More message follows the buffer: the next line could be a field. */
	cr_expect_eq(headers_parse(&hd, head, strlen(head), 1 << 20, &st), -1);
	cr_expect_eq(st.outcome, OUTCOME_BAD_MESSAGE);
	cr_expect(strstr(st.reason, "larger than") != NULL, "%s", st.reason);
	/* The same bytes as the whole message are a complete block. */
	cr_expect_eq(headers_parse(&hd, head, strlen(head), (off_t)strlen(head),
				   &st), 0);
	headers_free(&hd);
}

Test(headers, loop_guard_matches_any_case_and_brackets)
{
	struct headers hd;
	struct status st;

	cr_assert_eq(parse(&hd, "X-Loop: other@x\nX-LOOP: <Team@Lists.Example.org>"
			   "\n\nb", &st), 0);
	cr_expect(headers_has_loop(&hd, "team@lists.example.org"));
	cr_expect(!headers_has_loop(&hd, "sub@lists.example.org"));
	headers_free(&hd);
}

Test(headers, value_is_unfolded_and_decoded)
{
	struct headers hd;
	struct status st;
	char   *v;

	cr_assert_eq(parse(&hd, "Subject: =?iso-8859-1?q?caf=E9?=\n and more\n\n",
			   &st), 0);
	v = headers_value(&hd, headers_find(&hd, "subject", 0));
	cr_expect_str_eq(v, "café and more");
	g_free(v);
	headers_free(&hd);
}

Test(headers, raw_lookup_unfolds_and_ignores_case_and_brackets)
{
	const char *block = "Received: x\nX-Listpipe-Passed-On:\n <Joe@Other.Example>\n"
			    "Subject: s\n\nX-Listpipe-Passed-On: body@x\n";

	cr_expect(headers_raw_has(block, strlen(block), "X-Listpipe-Passed-On",
				  "joe@other.example"));
	cr_expect(!headers_raw_has(block, strlen(block), "X-Listpipe-Passed-On",
				   "body@x"), "the body is not the header");
	cr_expect(!headers_raw_has(block, strlen(block), "X-Listpipe-Passed-On",
				   "joe@other.exampl"));
}

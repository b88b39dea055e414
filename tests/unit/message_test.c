/*
 * message_test.c - the message object: the header block is parsed only
 * when asked for, once, and a failed parse is the same answer every time.
 */
#include <criterion/criterion.h>
#include <string.h>
#include <unistd.h>

#include "mail/message.h"

static void setup(void)
{
	headers_init();
}

TestSuite(message, .init = setup);

static int feed(const char *text)
{
	int	p[2];

	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(write(p[1], text, strlen(text)), (ssize_t)strlen(text));
	close(p[1]);
	return p[0];
}

Test(message, headers_are_parsed_on_first_use_only)
{
	struct message m;
	struct status st;
	const char *msg = "From x@y Sat Nov 21 05:00:00 2026\n"
			  "Subject: hi\nFrom: a@b\n\nbody\n";
	int	in = feed(msg);
	const struct headers *hd;

	cr_assert_eq(message_read(&m, -1, "/tmp", in, &st), 0, "%s", st.reason);
	cr_expect_eq(m.parsed, 0, "reading does not parse");
	cr_expect_eq(message_start(&m), 34);
	hd = message_headers(&m, &st);
	cr_assert_not_null(hd, "%s", st.reason);
	cr_expect_eq(hd->nfields, 2);
	cr_expect_eq(message_headers(&m, &st), hd, "parsed once");
	/* The body (the empty line first) starts in the spool after the
	 * From_ line and the 22 bytes of fields. */
	cr_expect_eq(message_body(&m), 34 + 22);
	message_free(&m);
	close(in);
}

Test(message, a_failed_parse_is_remembered)
{
	struct message m;
	struct status st, again;
	int	in = feed("no header block here\n");

	cr_assert_eq(message_read(&m, -1, "/tmp", in, &st), 0);
	cr_expect_null(message_headers(&m, &st));
	cr_expect_eq(st.outcome, OUTCOME_BAD_MESSAGE);
	cr_expect_null(message_headers(&m, &again));
	cr_expect_str_eq(again.reason, st.reason);
	message_free(&m);
	close(in);
}

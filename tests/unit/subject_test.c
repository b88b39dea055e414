/*
 * subject_test.c - the subject tag: added once, never doubled, encoded
 * right, and the raw subject left alone whenever nothing changes.
 */
#include <criterion/criterion.h>
#include <gmime/gmime.h>

#include "headers.h"
#include "rewrite.h"

static void setup(void)
{
	headers_init();
}

TestSuite(subject, .init = setup);

Test(subject, tagging_table)
{
	static const struct {
		const char *raw;	/* raw value as in the message, NULL: none */
		const char *tag;
		const char *want;	/* NULL: left as it is */
	} cases[] = {
		/* plain */
		{" Lunch on Friday?", "[team]", "[team] Lunch on Friday?"},
		/* reply chains keep their order, the tag goes first */
		{" Re: Lunch", "[team]", "[team] Re: Lunch"},
		{" AW: SV: Re: Lunch", "[team]", "[team] AW: SV: Re: Lunch"},
		/* already tagged: never doubled, wherever the chain puts it */
		{" [team] Lunch", "[team]", NULL},
		{" Re: [team] Lunch", "[team]", NULL},
		{" AW: Re: SV: [team] Lunch", "[team]", NULL},
		{" Re: [TEAM] Lunch", "[team]", NULL},
		{" Fwd: [other] [team] Lunch", "[team]", NULL},
		/* the tag inside RFC 2047 encoded words */
		{" =?utf-8?q?=5Bteam=5D_Lunch?=", "[team]", NULL},
		{" Re: =?iso-8859-1?q?=5Bteam=5D_caf=E9?=", "[team]", NULL},
		{" =?UTF-8?B?W3RlYW1dIEx1bmNo?=", "[team]", NULL},
		/* folded raw value */
		{" Re: a long subject\n that was folded", "[team]",
		 "[team] Re: a long subject that was folded"},
		/* empty or missing */
		{"", "[team]", "[team] (no subject)"},
		{"   ", "[team]", "[team] (no subject)"},
		{NULL, "[team]", "[team] (no subject)"},
		/* no tag configured: untouched */
		{" Lunch", NULL, NULL},
		{" Lunch", "", NULL},
		/* non-ASCII is encoded (checked apart below) */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char   *got = rewrite_subject(cases[i].raw, cases[i].tag);

		if (cases[i].want == NULL)
			cr_expect_null(got, "case %zu: got \"%s\"", i, got);
		else
			cr_expect(got && strcmp(got, cases[i].want) == 0,
				  "case %zu: got \"%s\", want \"%s\"", i,
				  got ? got : "(null)", cases[i].want);
		g_free(got);
	}
}

/* decode - what a reader's mail program shows */
static char *decode(const char *encoded)
{
	return g_mime_utils_header_decode_text(NULL, encoded);
}

Test(subject, non_ascii_subject_is_rfc2047_encoded)
{
	char   *got = rewrite_subject(" =?iso-8859-1?q?Gr=FC=DFe_aus_K=F6ln?=",
				      "[team]");
	char   *shown;

	cr_assert_not_null(got);
	/* 7-bit on the wire, UTF-8 words, and it reads back right */
	for (const char *p = got; *p; p++)
		cr_assert((unsigned char)*p < 0x80, "8-bit byte in %s", got);
	cr_expect(strstr(got, "=?UTF-8?") || strstr(got, "=?utf-8?"), "%s", got);
	cr_expect(strncmp(got, "[team] ", 7) == 0, "%s", got);
	shown = decode(got);
	cr_expect_str_eq(shown, "[team] Grüße aus Köln");
	g_free(shown);
	g_free(got);
}

Test(subject, raw_8bit_subject_is_encoded_too)
{
	char   *got = rewrite_subject(" Grüße", "[team]");
	char   *shown;

	cr_assert_not_null(got);
	for (const char *p = got; *p; p++)
		cr_assert((unsigned char)*p < 0x80, "8-bit byte in %s", got);
	shown = decode(got);
	cr_expect_str_eq(shown, "[team] Grüße");
	g_free(shown);
	g_free(got);
}

Test(subject, non_ascii_tag)
{
	char   *got = rewrite_subject(" Hallo", "[Tüm]");
	char   *shown;

	cr_assert_not_null(got);
	shown = decode(got);
	cr_expect_str_eq(shown, "[Tüm] Hallo");
	g_free(shown);
	g_free(got);
	/* and it is found again when already there, encoded */
	cr_expect_null(rewrite_subject(" =?utf-8?q?=5BT=C3=BCm=5D_Hallo?=",
				       "[Tüm]"));
}

Test(subject, tag_with_control_characters_cannot_inject)
{
	char   *got = rewrite_subject(" Hi", "[t]\r\nBcc: x@y");

	cr_assert_not_null(got);
	cr_expect_null(strchr(got, '\n'));
	cr_expect_null(strchr(got, '\r'));
	g_free(got);
}

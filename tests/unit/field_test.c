/*
 * field_test.c - the fields listpipe writes: encoded so that a poster's
 * text never reads back as anything else, folded without ever starting a
 * line in column 0, and checked before they are written.
 */
#include <criterion/criterion.h>
#include <gmime/gmime.h>

#include "mail/field.h"
#include "mail/headers.h"

static void setup(void)
{
	headers_init();
}

TestSuite(field, .init = setup);

/* shown - what a reader's mail program shows for an encoded value */
static char *shown(const char *value)
{
	return g_mime_utils_header_decode_text(NULL, value);
}

/* e_run - "é" n times */
static char *e_run(int n)
{
	GString *s = g_string_new(NULL);

	for (int i = 0; i < n; i++)
		g_string_append(s, "\xc3\xa9");
	return g_string_free(s, FALSE);
}

Test(field, plain_ascii_words_stay_readable)
{
	char   *v = field_encode_text("[team] Re: Lunch on Friday?");

	cr_expect_str_eq(v, "[team] Re: Lunch on Friday?");
	g_free(v);
}

Test(field, a_literal_encoded_word_in_decoded_text_is_encoded_again)
{
	char   *e = e_run(45);
	char   *text = g_strdup_printf("[team] =?x?B? %s end", e);
	char   *v = field_encode_text(text);
	char   *back = shown(v);

	/* Nothing of the poster's text can pass as an encoded word: the
	 * only "=?" in the value start our own UTF-8 Q words. */
	for (const char *p = strstr(v, "=?"); p; p = strstr(p + 2, "=?"))
		cr_expect(strncmp(p, "=?UTF-8?Q?", 10) == 0 || p[-1] == '?',
			  "stray encoded word at %.20s in %s", p, v);
	cr_expect_str_eq(back, text);
	g_free(back);
	g_free(v);
	g_free(text);
	g_free(e);
}

Test(field, encoded_words_are_short_and_split_at_characters)
{
	char   *e = e_run(100);
	char   *v = field_encode_text(e);
	char  **words = g_strsplit(v, " ", -1);
	char   *back = shown(v);

	for (char **w = words; *w; w++) {
		cr_expect(strlen(*w) <= 75, "word of %zu: %s", strlen(*w), *w);
		/* each word decodes on its own to whole characters */
		char   *one = shown(*w);

		cr_expect(g_utf8_validate(one, -1, NULL), "%s", *w);
		g_free(one);
	}
	cr_expect_str_eq(back, e);
	g_strfreev(words);
	g_free(back);
	g_free(v);
	g_free(e);
}

Test(field, blanks_inside_an_encoded_run_survive_decoding)
{
	char   *v = field_encode_text("Grüße aus Köln, heute");
	char   *back = shown(v);

	cr_expect_str_eq(back, "Grüße aus Köln, heute");
	g_free(back);
	g_free(v);
}

Test(field, controls_and_invalid_utf8_never_reach_the_value)
{
	char   *v = field_encode_text("a\r\nBcc: x\x01 \xff\xfe b");

	for (const char *p = v; *p; p++)
		cr_expect((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f,
			  "byte 0x%02x in %s", (unsigned char)*p, v);
	g_free(v);
}

Test(field, a_word_too_long_for_a_line_is_encoded_and_split)
{
	char   *longword = g_strnfill(300, 'x');
	char   *v = field_encode_text(longword);
	GString *out = g_string_new(NULL);

	cr_assert_eq(field_append(out, "Subject", v, "\n"), 0);
	for (const char *p = out->str; *p; p = strchr(p, '\n') + 1)
		cr_expect(strchr(p, '\n') - p <= 78, "long line: %.90s", p);
	g_string_free(out, TRUE);
	g_free(v);
	g_free(longword);
}

Test(field, phrase_is_quoted_or_encoded)
{
	char   *q = field_encode_phrase("Team, the \"real\" one");
	char   *e = field_encode_phrase("Grüße =?x?B? Team");
	char   *back = shown(e);

	cr_expect_str_eq(q, "\"Team, the \\\"real\\\" one\"");
	cr_expect(strncmp(e, "=?UTF-8?Q?", 10) == 0, "%s", e);
	cr_expect_str_eq(back, "Grüße =?x?B? Team");
	g_free(back);
	g_free(q);
	g_free(e);
}

Test(field, check_table)
{
	static const struct {
		const char *field;
		const char *newline;
		int	ok;
	} cases[] = {
		{"Subject: hi\n", "\n", 1},
		{"Subject: hi\n there\n", "\n", 1},
		{"Subject: hi\n\tthere\n", "\n", 1},
		{"Subject: hi\r\n there\r\n", "\r\n", 1},
		{"Subject: hi\nthere\n", "\n", 0},	/* column 0: a new field */
		{"Subject: hi\n\n", "\n", 0},		/* ends the block */
		{"Subject: hi\n \n", "\n", 1},		/* blank continuation */
		{"Subject: h\ri\n", "\n", 0},		/* bare CR */
		{"Subject: hi\r\n", "\n", 0},		/* CRLF in an LF block */
		{"Subject: hi\n", "\r\n", 0},		/* LF in a CRLF block */
		{"Subject: hi", "\n", 0},		/* no newline */
		{": hi\n", "\n", 0},			/* no name */
		{"Sub ject: hi\n", "\n", 0},
		{"Subject hi\n", "\n", 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		cr_expect_eq(field_check(cases[i].field, strlen(cases[i].field),
					 cases[i].newline), cases[i].ok,
			     "case %zu: %s", i, cases[i].field);
}

Test(field, check_refuses_nul_and_overlong_lines)
{
	char	nul[] = "Subject: a\0b\n";
	char   *x990 = g_strnfill(990, 'x');
	char   *line = g_strdup_printf("Subject: %s\n", x990);
	char   *ok = g_strdup_printf("Subject: %s\n", x990 + 10);

	cr_expect_eq(field_check(nul, sizeof(nul) - 1, "\n"), 0);
	cr_expect_eq(field_check(line, strlen(line), "\n"), 0);
	cr_expect_eq(field_check(ok, strlen(ok), "\n"), 1);
	g_free(ok);
	g_free(line);
	g_free(x990);
}

Test(field, append_refuses_what_it_cannot_write_and_leaves_out_alone)
{
	GString *out = g_string_new("From: a@b\n");
	char   *u1000 = g_strnfill(1000, 'u');
	char   *url = g_strdup_printf("<https://example.org/%s>", u1000);

	cr_expect_eq(field_append(out, "List-Archive", url, "\n"), -1);
	cr_expect_eq(field_append(out, "X-Loop", "a\nBcc: b", "\n"), -1);
	cr_expect_str_eq(out->str, "From: a@b\n");
	cr_expect_eq(field_append(out, "X-Loop", "team@x", "\r\n"), 0);
	cr_expect_str_eq(out->str, "From: a@b\nX-Loop: team@x\r\n");
	g_string_free(out, TRUE);
	g_free(url);
	g_free(u1000);
}

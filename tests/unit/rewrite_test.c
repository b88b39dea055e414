/*
 * rewrite_test.c - the header block of a list copy, built from a list row.
 */
#include <criterion/criterion.h>
#include <glib.h>

#include "headers.h"
#include "rewrite.h"

static void setup(void)
{
	headers_init();
}

TestSuite(rewrite, .init = setup);

static struct db_list team(void)
{
	struct db_list l = {
		.address = "team@lists.example.org", .local = "team",
		.domain = "lists.example.org", .name = "team",
		.bounces = "team-bounces@lists.example.org",
		.owner = "team-owner@lists.example.org",
		.reply_to = "poster",
	};

	return l;
}

static char *copy_of(const char *msg, const struct db_list *list)
{
	struct headers hd;
	struct status st;
	char   *out;
	size_t	len;

	cr_assert_eq(headers_parse(&hd, msg, strlen(msg), (off_t)strlen(msg),
				   &st), 0, "%s", st.reason);
	cr_assert_eq(rewrite_list_copy(&hd, list, &out, &len, &st), 0);
	cr_assert_eq(strlen(out), len);
	headers_free(&hd);
	return out;
}

Test(rewrite, header_value_turns_controls_into_blanks)
{
	char   *v = rewrite_header_value("a\r\nBcc: b\tc\x7f");

	cr_expect_str_eq(v, "a  Bcc: b c ");
	g_free(v);
}

Test(rewrite, untouched_fields_keep_their_bytes_and_order)
{
	struct db_list l = team();
	const char *msg = "Received: from a\n\tby b;  Mon\nSubject:  =?utf-8?q?x?=\n"
			  "From: \"A, B\" <a@b>\n\nbody\n";
	char   *out = copy_of(msg, &l);

	cr_expect(strncmp(out, "Received: from a\n\tby b;  Mon\nSubject:  "
		  "=?utf-8?q?x?=\nFrom: \"A, B\" <a@b>\n", 61) == 0, "%s", out);
	g_free(out);
}

Test(rewrite, list_id_description_is_an_encoded_phrase)
{
	struct db_list l = team();
	char   *out;

	l.description = "Grüße, Team";
	out = copy_of("From: a@b\n\n", &l);
	cr_expect(strstr(out, "List-Id: =?UTF-8?") || strstr(out, "List-Id: =?utf-8?"),
		  "%s", out);
	cr_expect(strstr(out, " <team.lists.example.org>\n") != NULL, "%s", out);
	for (const char *p = out; *p; p++)
		cr_assert((unsigned char)*p < 0x80, "8-bit in %s", out);
	g_free(out);
	l.description = "Team, the \"real\" one";
	out = copy_of("From: a@b\n\n", &l);
	cr_expect(strstr(out, "List-Id: \"Team, the \\\"real\\\" one\" "
		  "<team.lists.example.org>\n") != NULL, "%s", out);
	g_free(out);
}

Test(rewrite, database_values_cannot_add_lines)
{
	struct db_list l = team();
	char   *out;
	int	lines = 0;

	l.description = "x\r\nBcc: victim@example.com";
	l.subject_prefix = "[t]\nX-Evil: 1";
	l.help_url = "https://a\nX-Evil: 2";
	l.reply_to = "r@x\nX-Evil: 3";
	l.name = "team\nX-Evil: 4";
	out = copy_of("From: a@b\nSubject: hi\n\n", &l);
	cr_expect_null(strstr(out, "\nBcc:"));
	cr_expect_null(strstr(out, "\nX-Evil"));
	cr_expect_null(strchr(out, '\r'));
	/* every line is a field start or a folded continuation */
	for (const char *p = out; *p; p = strchr(p, '\n') + 1) {
		cr_expect(*p == ' ' || *p == '\t' || strchr(p, ':') <
			  strchr(p, '\n'), "odd line: %.40s", p);
		lines++;
	}
	cr_expect(lines > 10);
	g_free(out);
}

Test(rewrite, long_values_are_folded)
{
	struct db_list l = team();
	char   *out;

	l.description = "A very long description of the team list that goes on "
			"and on well beyond seventy-eight columns of text";
	out = copy_of("From: a@b\n\n", &l);
	for (const char *p = out; *p; p = strchr(p, '\n') + 1)
		cr_expect(strchr(p, '\n') - p <= 78, "long line: %.90s", p);
	g_free(out);
}

/* block_is_intact - the copy is one header block whose fields include
 * every one listpipe adds, none of them pushed into the body */
static void block_is_intact(const char *out)
{
	struct headers hd;
	struct status st;
	size_t	len = strlen(out);

	for (const char *p = out; *p; p = strchr(p, '\n') + 1)
		cr_assert(*p == ' ' || *p == '\t' || (strchr(p, ':')
			  && strchr(p, ':') < strchr(p, '\n')),
			  "line in column 0 that is no field: %.60s", p);
	cr_assert_eq(headers_parse(&hd, out, len, (off_t)len, &st), 0, "%s",
		     st.reason);
	cr_expect_eq(hd.body, (off_t)len, "the block ends early");
	cr_expect(headers_find(&hd, "From", 0) >= 0);
	cr_expect(headers_find(&hd, "MIME-Version", 0) >= 0);
	cr_expect(headers_find(&hd, "List-Id", 0) >= 0);
	cr_expect(headers_find(&hd, "X-Loop", 0) >= 0);
	headers_free(&hd);
}

Test(rewrite, crafted_subject_cannot_break_the_header_block)
{
	struct db_list l = team();
	GString *e = g_string_new(NULL);
	char   *msg, *out;

	for (int i = 0; i < 45; i++)
		g_string_append(e, "\xc3\xa9");
	l.subject_prefix = "[team]";
	/* The reproducer from the review: raw 8-bit after a literal word. */
	msg = g_strdup_printf("Subject: =?x?B? %s end\nFrom: a@b.c\n"
			      "MIME-Version: 1.0\n\n", e->str);
	out = copy_of(msg, &l);
	block_is_intact(out);
	g_free(out);
	g_free(msg);
	/* The same text arriving 7-bit, inside an encoded word. */
	{
		char   *text = g_strdup_printf("=?x?Q? %s end", e->str);
		char   *b64 = g_base64_encode((guchar *)text, strlen(text));

		msg = g_strdup_printf("Subject: =?utf-8?b?%s?=\nFrom: a@b.c\n"
				      "MIME-Version: 1.0\n\n", b64);
		out = copy_of(msg, &l);
		block_is_intact(out);
		g_free(out);
		g_free(msg);
		g_free(b64);
		g_free(text);
	}
	g_string_free(e, TRUE);
}

Test(rewrite, crafted_description_cannot_break_the_header_block)
{
	struct db_list l = team();
	GString *d = g_string_new("=?x?B? ");
	char   *out;

	for (int i = 0; i < 60; i++)
		g_string_append(d, "\xc3\xa9");
	l.description = d->str;
	out = copy_of("From: a@b.c\nMIME-Version: 1.0\n\n", &l);
	block_is_intact(out);
	g_free(out);
	g_string_free(d, TRUE);
}

Test(rewrite, an_unwritable_url_costs_its_field_not_the_block)
{
	struct db_list l = team();
	char   *url = g_strnfill(1200, 'u');
	char   *out;

	l.archive_url = url;
	out = copy_of("From: a@b.c\nMIME-Version: 1.0\n\n", &l);
	block_is_intact(out);
	cr_expect_null(strstr(out, "List-Archive"), "%s", out);
	g_free(out);
	g_free(url);
}

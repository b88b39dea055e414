/*
 * rewrite_test.c - the header block of a list copy, built from a list row.
 */
#include <criterion/criterion.h>
#include <glib.h>
#include <gmime/gmime.h>

#include "mail/headers.h"
#include "mail/rewrite.h"

static void setup(void)
{
	headers_init();
}

TestSuite(rewrite, .init = setup);

static struct list team(void)
{
	struct list l = {
		.address = "team@lists.example.org", .local = "team",
		.domain = "lists.example.org", .name = "team",
		.bounces = "team-bounces@lists.example.org",
		.owner = "team-owner@lists.example.org",
		.request = "team-request@lists.example.org",
		.reply_to = "poster",
	};

	return l;
}

static char *copy_of(const char *msg, const struct list *list)
{
	struct headers hd;
	struct status st;
	char   *out;
	size_t	len;

	cr_assert_eq(headers_parse(&hd, msg, strlen(msg), (off_t)strlen(msg),
				   &st), 0, "%s", st.reason);
	cr_assert_eq(rewrite_list_copy(&hd, list, NULL, &out, &len, NULL, &st), 0);
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
	struct list l = team();
	const char *msg = "Received: from a\n\tby b;  Mon\nSubject:  =?utf-8?q?x?=\n"
			  "From: \"A, B\" <a@b>\n\nbody\n";
	char   *out = copy_of(msg, &l);

	cr_expect(strncmp(out, "Received: from a\n\tby b;  Mon\nSubject:  "
		  "=?utf-8?q?x?=\nFrom: \"A, B\" <a@b>\n", 61) == 0, "%s", out);
	g_free(out);
}

Test(rewrite, list_id_description_is_an_encoded_phrase)
{
	struct list l = team();
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
	struct list l = team();
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
	struct list l = team();
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
	struct list l = team();
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
	struct list l = team();
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
	struct list l = team();
	char   *url = g_strnfill(1200, 'u');
	char   *out;

	l.archive_url = url;
	out = copy_of("From: a@b.c\nMIME-Version: 1.0\n\n", &l);
	block_is_intact(out);
	cr_expect_null(strstr(out, "List-Archive"), "%s", out);
	g_free(out);
	g_free(url);
}

/* The subject tag: added once, never doubled, encoded right, and the raw
 * subject left alone whenever nothing changes (rewrite_subject). */
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

Test(rewrite, list_headers_name_the_robot_where_it_answers)
{
	struct list l = team();
	char   *out = copy_of("Subject: x\n\nbody\n", &l);

	/* subscription closed: the owner decides on joining */
	cr_expect(strstr(out, "\nList-Subscribe: <mailto:team-owner@lists."
			  "example.org?subject=subscribe>\n") != NULL, "%s", out);
	cr_expect(strstr(out, "\nList-Unsubscribe: <mailto:team-request@lists."
			  "example.org?subject=unsubscribe>\n") != NULL, "%s", out);
	cr_expect(strstr(out, "\nList-Help: <mailto:team-request@lists."
			  "example.org?subject=help>\n") != NULL, "%s", out);
	g_free(out);
	l.subscription = SUBSCRIPTION_CONFIRM;
	out = copy_of("Subject: x\n\nbody\n", &l);
	cr_expect(strstr(out, "\nList-Subscribe: <mailto:team-request@lists."
			  "example.org?subject=subscribe>\n") != NULL, "%s", out);
	g_free(out);
}

/*
 * dkim_test.c - which fields a DKIM signature covers, and a list copy
 * that leaves them alone; the DMARC record's policy.
 */
#include <criterion/criterion.h>
#include <glib.h>
#include <string.h>

#include "mail/dkim.h"
#include "mail/dmarc.h"
#include "mail/headers.h"
#include "mail/rewrite.h"

static void setup(void)
{
	headers_init();
}

TestSuite(dkim, .init = setup);

#define SIG(h) "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/simple;\n" \
	"\td=example.com; s=sel; h=" h ";\n\tbh=YWJj; b=ZGVm\n"

static struct list team(void)
{
	struct list l = {
		.address = "team@lists.example.org", .local = "team",
		.domain = "lists.example.org", .name = "team",
		.bounces = "team-bounces@lists.example.org",
		.owner = "team-owner@lists.example.org",
		.request = "team-request@lists.example.org",
		.reply_to = "poster", .subject_prefix = "[team]",
		.reply_to_strip = 1,
		.strip_headers = "Return-Receipt-To Disposition-Notification-To",
	};

	return l;
}

/* copy - the list copy's header block with signatures respected */
static char *copy(const char *msg, const struct list *l, int from,
		  char **kept, int *looped)
{
	struct headers hd;
	struct status st;
	struct dkim_cover c;
	struct rewrite_options opt = {NULL, from};
	struct rewrite_report r = {NULL, 0};
	char   *out;
	size_t	len;

	cr_assert_eq(headers_parse(&hd, msg, strlen(msg), (off_t)strlen(msg),
				   &st), 0, "%s", st.reason);
	dkim_cover_read(&hd, &c);
	opt.keep = &c;
	cr_assert_eq(rewrite_list_copy(&hd, l, &opt, &out, &len, &r, &st), 0);
	if (kept)
		*kept = r.kept;
	else
		g_free(r.kept);
	if (looped)
		*looped = r.loop_field;
	dkim_cover_free(&c);
	headers_free(&hd);
	return out;
}

Test(dkim, h_tag_names_are_read_folded_and_in_any_case)
{
	char   *d = NULL;
	char  **n = dkim_signature_names("v=1; a=rsa-sha256; d=Example.COM; "
		"s=s1;\r\n\th=From : Subject:\r\n List-Id:from ; bh=x; b=y;", &d);

	cr_assert_not_null(n);
	cr_expect_str_eq(n[0], "from");
	cr_expect_str_eq(n[1], "subject");
	cr_expect_str_eq(n[2], "list-id");
	cr_expect_str_eq(n[3], "from");
	cr_expect_null(n[4]);
	cr_expect_str_eq(d, "example.com");
	g_strfreev(n);
	g_free(d);
}

Test(dkim, what_does_not_look_like_a_signature_covers_nothing)
{
	static const char *const bad[] = {
		"a=rsa-sha256; d=e.com; s=s; h=from; bh=x; b=y",	/* no v */
		"v=2; a=rsa-sha256; d=e.com; s=s; h=from; bh=x; b=y",
		"v=1; a=rsa-sha256; d=e.com; s=s; h=subject; bh=x; b=y", /* From */
		"v=1; a=rsa-sha256; d=e.com; s=s; h=from; h=subject; bh=x; b=y",
		"v=1; a=rsa-sha256; d=e.com; s=s; h=from; bh=x; b=",
		"v=1; a=rsa-sha256; d=e.com; s=s; h=from:sub ject; bh=x; b=y",
		"v=1; a=rsa-sha256; d=; s=s; h=from; bh=x; b=y",
		"v=1; a=rsa-sha256; d=e.com; s=s; h=from; bh=x; b=y; junk",
		"", "garbage",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		cr_expect_null(dkim_signature_names(bad[i], NULL), "%s", bad[i]);
}

Test(dkim, a_signed_subject_keeps_its_tag_off_and_the_rest_goes_on)
{
	struct list l = team();
	char   *kept;
	int	looped;
	char   *out = copy("From: a@example.com\nSubject: hi\n"
			   SIG("from:subject") "\nbody\n", &l, 0, &kept,
			   &looped);

	cr_expect(strstr(out, "Subject: hi\n") != NULL, "%s", out);
	cr_expect(strstr(out, "[team]") == NULL, "%s", out);
	cr_expect(strstr(out, "List-Id: <team.lists.example.org>\n") != NULL);
	cr_expect(strstr(out, "X-Loop: team@lists.example.org\n") != NULL);
	cr_expect_str_eq(kept, "Subject");
	cr_expect_eq(looped, 1);
	g_free(kept);
	g_free(out);
}

Test(dkim, names_signed_as_absent_are_not_added_and_x_loop_falls_back)
{
	struct list l = team();
	char   *kept;
	int	looped;
	char   *out = copy("From: a@example.com\nSubject: hi\n"
			   SIG("from:subject:subject:list-id:list-post:sender:"
			       "reply-to:x-loop:precedence") "\nbody\n",
			   &l, 0, &kept, &looped);

	cr_expect(strstr(out, "List-Id:") == NULL, "%s", out);
	cr_expect(strstr(out, "List-Post:") == NULL, "%s", out);
	cr_expect(strstr(out, "Sender:") == NULL, "%s", out);
	cr_expect(strstr(out, "X-Loop:") == NULL, "%s", out);
	cr_expect(strstr(out, "Precedence:") == NULL, "%s", out);
	cr_expect(strstr(out, "List-Help: <mailto:team-request@") != NULL,
		  "unsigned names still come: %s", out);
	/* Fields present first, in their order; then the names not added. */
	cr_expect_str_eq(kept, "Subject List-Id List-Post Sender Precedence X-Loop");
	cr_expect_eq(looped, 0, "the caller must learn X-Loop is missing");
	g_free(kept);
	g_free(out);
}

Test(dkim, signed_upstream_list_fields_and_receipts_stay_byte_for_byte)
{
	struct list l = team();
	char   *kept;
	const char *msg = "From: a@example.com\nList-Id:  Upstream <up.example.com>\n"
			  "List-Unsubscribe: <mailto:u@example.com>\n"
			  "Disposition-Notification-To: a@example.com\n"
			  "Return-Receipt-To: a@example.com\n"
			  SIG("from:list-id:disposition-notification-to") "\nbody\n";
	char   *out = copy(msg, &l, 0, &kept, NULL);

	cr_expect(strstr(out, "List-Id:  Upstream <up.example.com>\n") != NULL,
		  "%s", out);
	cr_expect(strstr(out, "List-Unsubscribe: <mailto:team-request@") != NULL,
		  "an unsigned upstream field is replaced: %s", out);
	cr_expect(strstr(out, "Disposition-Notification-To: a@example.com\n")
		  != NULL, "signed: kept: %s", out);
	cr_expect(strstr(out, "Return-Receipt-To") == NULL, "unsigned: gone");
	cr_expect_str_eq(kept, "List-Id Disposition-Notification-To");
	g_free(kept);
	g_free(out);
}

Test(dkim, without_signatures_everything_is_made)
{
	struct list l = team();
	char   *kept = (char *)"x";
	char   *out = copy("From: a@example.com\nSubject: hi\n"
			   "DKIM-Signature: v=1; h=subject\n\nbody\n", &l, 0,
			   &kept, NULL);

	cr_expect(strstr(out, "Subject: [team] hi\n") != NULL, "%s", out);
	cr_expect_null(kept);
	g_free(out);
}

Test(dkim, strip_headers_takes_prefixes)
{
	struct list l = team();
	char   *out;

	l.strip_headers = "X-Spam-* Organization";
	out = copy("From: a@example.com\nX-Spam-Score: 1\nX-Spam-Flag: NO\n"
		   "X-Spammy: keep\nOrganization: Acme\n\nbody\n", &l, 0, NULL,
		   NULL);
	cr_expect(strstr(out, "X-Spam-Score") == NULL, "%s", out);
	cr_expect(strstr(out, "X-Spam-Flag") == NULL, "%s", out);
	cr_expect(strstr(out, "X-Spammy: keep\n") != NULL, "%s", out);
	cr_expect(strstr(out, "Organization") == NULL, "%s", out);
	g_free(out);
}

Test(dkim, reply_to_list_keeps_the_posters_addresses_when_asked)
{
	struct list l = team();
	char   *out;

	l.reply_to = "list";
	l.reply_to_strip = 0;
	out = copy("From: a@example.com\nReply-To: \"Bee\" <b@example.com>, "
		   "c@example.com\n\nbody\n", &l, 0, NULL, NULL);
	cr_expect(strstr(out, "Reply-To: \"Bee\" <b@example.com>, <c@example.com>, "
			 "<team@lists.example.org>\n") != NULL, "%s", out);
	g_free(out);
	l.reply_to_strip = 1;
	out = copy("From: a@example.com\nReply-To: b@example.com\n\nbody\n", &l,
		   0, NULL, NULL);
	cr_expect(strstr(out, "Reply-To: team@lists.example.org\n") != NULL,
		  "%s", out);
	cr_expect(strstr(out, "b@example.com") == NULL, "%s", out);
	g_free(out);
}

Test(dkim, from_rewriting_moves_the_author_to_reply_to_or_cc)
{
	struct list l = team();
	char   *out;

	out = copy("From: \"Carol Q\" <carol@example.com>\nSubject: x\n\nbody\n",
		   &l, 1, NULL, NULL);
	cr_expect(strstr(out, "From: \"Carol Q via team\" <team@lists.example.org>\n")
		  != NULL, "%s", out);
	cr_expect(strstr(out, "Reply-To: \"Carol Q\" <carol@example.com>\n")
		  != NULL, "%s", out);
	g_free(out);
	/* The poster's own Reply-To wins over the author. */
	out = copy("From: carol@example.com\nReply-To: desk@example.com\n\nbody\n",
		   &l, 1, NULL, NULL);
	cr_expect(strstr(out, "From: \"carol@example.com via team\" "
			 "<team@lists.example.org>\n") != NULL, "%s", out);
	cr_expect(strstr(out, "Reply-To: desk@example.com\n") != NULL, "%s", out);
	g_free(out);
	/* Replies go to the list: the author is copied. */
	l.reply_to = "list";
	out = copy("From: Carol <carol@example.com>\nCc: dan@example.com\n\nbody\n",
		   &l, 1, NULL, NULL);
	cr_expect(strstr(out, "Reply-To: team@lists.example.org\n") != NULL, "%s", out);
	cr_expect(strstr(out, "Cc: <dan@example.com>, \"Carol\" <carol@example.com>\n")
		  != NULL, "%s", out);
	g_free(out);
}

Test(dkim, a_hostile_from_never_breaks_the_block)
{
	struct list l = team();
	char   *out = copy("From: \"=?utf-8?q?a=0D=0ABcc:_x@evil?=\" <carol@example.com>\n"
			     "\nbody\n", &l, 1, NULL, NULL);

	cr_expect(strstr(out, "\nBcc:") == NULL, "%s", out);
	cr_expect(strstr(out, "<team@lists.example.org>") != NULL, "%s", out);
	g_free(out);
	out = copy("From: \"x\" <a\"b>c@example.com>\n\nbody\n", &l, 1, NULL, NULL);
	cr_expect(strstr(out, "From: ") != NULL, "%s", out);
	cr_expect(strstr(out, "<team@lists.example.org>") != NULL, "%s", out);
	g_free(out);
}

Test(dkim, dmarc_policy_reads_p_and_sp)
{
	cr_expect_str_eq(dmarc_parse_policy("v=DMARC1; p=reject", 0), "reject");
	cr_expect_str_eq(dmarc_parse_policy("v=DMARC1;p=Quarantine;pct=10", 0),
			 "quarantine");
	cr_expect_str_eq(dmarc_parse_policy("v=DMARC1; p=reject; sp=none", 1),
			 "none", "a subdomain takes sp=");
	cr_expect_str_eq(dmarc_parse_policy("v=DMARC1; p=reject; sp=none", 0),
			 "reject");
	cr_expect_str_eq(dmarc_parse_policy("v=DMARC1; p=reject; sp=bogus", 1),
			 "reject", "an invalid sp= falls back to p=");
	cr_expect_null(dmarc_parse_policy("v=DMARC1; p=maybe", 0));
	cr_expect_null(dmarc_parse_policy("p=reject; v=DMARC1", 0));
	cr_expect_null(dmarc_parse_policy("v=spf1 -all", 0));
}

Test(dkim, dmarc_of_a_name_dns_cannot_carry_is_unknown_without_asking)
{
	struct dmarc_result r;

	dmarc_check("exa mple.com", "127.0.0.1:1", NULL, &r);
	cr_expect_eq(r.verdict, DMARC_UNKNOWN, "%s", r.why);
	dmarc_check("example.com", "not-an-address", NULL, &r);
	cr_expect_eq(r.verdict, DMARC_UNKNOWN, "%s", r.why);
}

Test(dkim, a_header_block_full_of_names_and_addresses_is_read_once)
{
	/* Near the 256 KB a header block may have: a signature naming
	 * 30 000 fields and a Reply-To of 3 000 addresses, many twice in
	 * another case.  Sets, not lists scanned per entry, keep this
	 * linear (a quadratic reading took minutes here). */
	GString *msg = g_string_new("From: a@example.com\nReply-To: ");
	struct list l = team();
	char   *out;

	for (int i = 0; i < 3000; i++)
		g_string_append_printf(msg, "%sm%d@example.com, M%d@EXAMPLE.com",
				       i ? ", " : "", i, i);
	g_string_append(msg, "\nDKIM-Signature: v=1; a=rsa-sha256; d=example.com;"
			" s=sel; bh=YWJj; b=ZGVm; h=from");
	for (int i = 0; i < 30000; i++)
		g_string_append_printf(msg, ":x-%d", i);
	g_string_append(msg, ":subject\n\nbody\n");
	l.reply_to = "list";
	l.reply_to_strip = 0;
	out = copy(msg->str, &l, 0, NULL, NULL);
	cr_expect(strstr(out, "Subject:") == NULL, "signed as absent: not added");
	{
		/* field.c folds the long field: compare it unfolded. */
		char   *flat = g_strdup(out);
		char   *w = flat;

		for (const char *r = out; *r; r++)
			if (!(r[0] == '\n' && (r[1] == ' ' || r[1] == '\t')))
				*w++ = *r;
		*w = 0;
		cr_expect(strstr(flat, "<m2999@example.com>, "
				 "<team@lists.example.org>\n") != NULL,
			  "the poster's addresses, each once, then the list's");
		cr_expect(strstr(flat, "<m17@example.com>, <m18@example.com>")
			  != NULL, "in their order");
		g_free(flat);
	}
	cr_expect(strstr(out, "M17@EXAMPLE.com") == NULL, "a second case is "
		  "the same address");
	g_free(out);
	g_string_free(msg, TRUE);
}

/*
 * texts_test.c - the built-in texts and their variables: every text
 * there, the ones that are answered by a reply carrying their token, and
 * expansion that inserts values once and leaves everything else alone.
 */
#include <criterion/criterion.h>
#include <glib.h>
#include <string.h>

#include "mail/texts.h"

/* The names callers use; a renamed or lost text must fail here. */
static const char *const required[] = {
	"help", "subscribe_closed", "confirm_subscribe", "confirm_unsubscribe",
	"welcome", "goodbye", "already_member", "not_member",
	"subscribe_pending", "moderate_post", "moderate_subscribe", "held",
	"rejected", "done", "bad_token", "member_disabled", "report",
};

/* The variables texts.h documents. */
static const char *const known_vars[] = {
	"list", "request", "owner", "address", "token", "days", "sender",
	"subject", "size", "reason", "id", "command", "result", "description",
	"score", "limit", "status", "diagnostic", "file", "report", "since",
};

static int is_known_var(const char *name, size_t len)
{
	for (size_t i = 0; i < G_N_ELEMENTS(known_vars); i++)
		if (strlen(known_vars[i]) == len
		    && memcmp(known_vars[i], name, len) == 0)
			return 1;
	return 0;
}

Test(texts, expand_replaces_known_variables)
{
	const struct text_var vars[] = {
		{"list", "team@lists.example.org"}, {"token", "a1b2c3"},
		{NULL, NULL},
	};
	char   *s = texts_expand("confirm {token} for {list}, {token}", vars);

	cr_expect_str_eq(s, "confirm a1b2c3 for team@lists.example.org, a1b2c3");
	g_free(s);
}

Test(texts, expand_leaves_unknown_variables_as_they_are)
{
	const struct text_var vars[] = {{"list", "team"}, {NULL, NULL}};
	char   *s = texts_expand("{list} {lists} {List} {} {owner}", vars);

	cr_expect_str_eq(s, "team {lists} {List} {} {owner}");
	g_free(s);
}

Test(texts, expand_leaves_lone_braces_alone)
{
	const struct text_var vars[] = {{"list", "team"}, {NULL, NULL}};
	char   *a = texts_expand("{ {list {{list} list} }{list}{", vars);
	char   *b = texts_expand("{", vars);
	char   *c = texts_expand("}{list", vars);

	cr_expect_str_eq(a, "{ {list {team list} }team{");
	cr_expect_str_eq(b, "{");
	cr_expect_str_eq(c, "}{list");
	g_free(c);
	g_free(b);
	g_free(a);
}

Test(texts, expand_never_expands_a_value_again)
{
	/* A poster's subject "{token}" must not become the moderator's
	 * approve token in the held notice it is quoted in. */
	const struct text_var vars[] = {
		{"subject", "give me {token} {subject}"}, {"token", "SECRET"},
		{NULL, NULL},
	};
	char   *s = texts_expand("\"{subject}\"", vars);

	cr_expect_str_eq(s, "\"give me {token} {subject}\"");
	g_free(s);
}

Test(texts, expand_without_variables_returns_the_template)
{
	const struct text_var none[] = {{NULL, NULL}};
	char   *a = texts_expand("Help for {list}", none);
	char   *b = texts_expand("Help for {list}", NULL);
	char   *c = texts_expand("", none);

	cr_expect_str_eq(a, "Help for {list}");
	cr_expect_str_eq(b, "Help for {list}");
	cr_expect_str_eq(c, "");
	g_free(c);
	g_free(b);
	g_free(a);
}

Test(texts, expand_takes_a_null_value_as_empty)
{
	const struct text_var vars[] = {{"reason", NULL}, {NULL, NULL}};
	char   *s = texts_expand("[{reason}]", vars);

	cr_expect_str_eq(s, "[]");
	g_free(s);
}

Test(texts, every_required_text_exists)
{
	for (size_t i = 0; i < G_N_ELEMENTS(required); i++) {
		const struct text *t = texts_builtin(required[i]);

		cr_assert_not_null(t, "no text %s", required[i]);
		cr_expect_str_eq(t->name, required[i]);
		cr_expect(*t->subject && *t->body, "%s is empty", required[i]);
	}
	cr_expect_null(texts_builtin("no_such_text"));
	cr_expect_null(texts_builtin("HELP"));
}

Test(texts, the_table_holds_each_text_once)
{
	size_t	n;
	const struct text *all = texts_all(&n);

	cr_expect_eq(n, G_N_ELEMENTS(required));
	for (size_t i = 0; i < n; i++) {
		cr_expect_eq(texts_builtin(all[i].name), &all[i],
			     "%s found elsewhere", all[i].name);
		for (size_t k = i + 1; k < n; k++)
			cr_expect_str_neq(all[i].name, all[k].name);
	}
}

Test(texts, texts_answered_by_a_reply_carry_the_command_in_the_subject)
{
	static const struct {
		const char *name;
		const char *subject;
	} cases[] = {
		{"confirm_subscribe", "confirm {token}"},
		{"confirm_unsubscribe", "confirm {token}"},
		{"moderate_post", "approve {token}"},
		{"moderate_subscribe", "approve {token}"},
		{"held", "withdraw {token}"},
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		const struct text *t = texts_builtin(cases[i].name);

		cr_assert_not_null(t);
		/* Exactly: the robot takes words after the token as a
		 * reason, so nothing may follow it. */
		cr_expect_str_eq(t->subject, cases[i].subject, "%s", t->name);
		cr_expect(strstr(t->body, "{token}") != NULL,
			  "%s: the body does not give the token", t->name);
		cr_expect(strstr(t->body, "{request}") != NULL,
			  "%s: the body does not say where to send it", t->name);
	}
}

Test(texts, other_subjects_do_not_read_as_commands)
{
	/* A plain reply to a welcome or a rejection must not act. */
	static const char *const acting[] = {
		"subscribe", "unsubscribe", "confirm", "approve", "trust",
		"reject", "discard", "withdraw",
	};
	size_t	n;
	const struct text *all = texts_all(&n);

	for (size_t i = 0; i < n; i++) {
		if (strstr(all[i].subject, "{token}"))
			continue;
		for (size_t k = 0; k < G_N_ELEMENTS(acting); k++)
			cr_expect(g_ascii_strncasecmp(all[i].subject, acting[k],
						      strlen(acting[k])) != 0,
				  "%s: subject %s", all[i].name, all[i].subject);
	}
}

Test(texts, moderation_notice_offers_every_decision)
{
	static const char *const wanted[] = {
		"approve {token}", "trust {token}", "reject {token}",
		"discard {token}", "listctl release {id}", "listctl reject {id}",
		"listctl discard {id}", "{subject}", "{sender}", "{size}",
		"{reason}", "{days}",
	};
	const struct text *t = texts_builtin("moderate_post");

	cr_assert_not_null(t);
	for (size_t i = 0; i < G_N_ELEMENTS(wanted); i++)
		cr_expect(strstr(t->body, wanted[i]) != NULL, "no %s", wanted[i]);
}

Test(texts, every_variable_used_is_a_documented_one)
{
	size_t	n;
	const struct text *all = texts_all(&n);

	for (size_t i = 0; i < n; i++) {
		const char *parts[] = {all[i].subject, all[i].body};

		for (size_t k = 0; k < 2; k++) {
			for (const char *p = strchr(parts[k], '{'); p;
			     p = strchr(p + 1, '{')) {
				size_t	len = strcspn(p + 1, "{} \n");

				cr_expect(p[1 + len] == '}'
					  && is_known_var(p + 1, len),
					  "%s: unknown variable at %.20s",
					  all[i].name, p);
			}
		}
	}
}

Test(texts, texts_are_short_plain_lines)
{
	size_t	n;
	const struct text *all = texts_all(&n);

	for (size_t i = 0; i < n; i++) {
		const char *body = all[i].body;
		size_t	len = strlen(body);

		cr_expect(strchr(all[i].subject, '\n') == NULL, "%s",
			  all[i].name);
		cr_expect(len > 0 && body[len - 1] == '\n', "%s", all[i].name);
		for (const char *p = body; *p; p++)
			cr_expect((unsigned char)*p < 0x7f
				  && ((unsigned char)*p >= ' ' || *p == '\n'),
				  "%s: byte 0x%02x", all[i].name,
				  (unsigned char)*p);
		for (const char *l = body; *l; l = strchr(l, '\n') + 1)
			cr_expect(strchr(l, '\n') - l <= 72,
				  "%s: long line %.40s", all[i].name, l);
	}
}

/*
 * token_test.c - a token verifies for exactly what it was made for.
 * (Single use is the database's part: see the request integration tests.)
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "common/token.h"

#define SECRET "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define LIST "team@lists.example.org"
#define NOW ((time_t)1800000000)

static void make(enum token_kind kind, const char *addr, long long id,
		 time_t expires, char *out)
{
	cr_assert_eq(token_make(SECRET, kind, LIST, addr, id, expires, out,
				TOKEN_MAX), 0);
}

/* verify - parse text and check it against list and address */
static int verify(const char *text, const char *list, const char *addr,
		  const char **why)
{
	struct token t;

	if (token_parse(text, &t) < 0) {
		*why = "unparsable";
		return -1;
	}
	return token_verify(SECRET, &t, list, addr, NOW, why);
}

Test(token, a_valid_token_verifies_and_says_what_it_is)
{
	char	text[TOKEN_MAX];
	struct token t;
	const char *why = NULL;

	make(TOKEN_MODERATE, "", 42, NOW + 3600, text);
	cr_expect(strncmp(text, "m42.", 4) == 0, "%s", text);
	cr_assert_eq(token_parse(text, &t), 0);
	cr_expect_eq(t.kind, TOKEN_MODERATE);
	cr_expect_eq(t.id, 42);
	cr_expect_eq(t.expires, NOW + 3600);
	cr_expect_eq(token_verify(SECRET, &t, LIST, "", NOW, &why), 0, "%s", why);
}

Test(token, carries_at_least_128_bits_of_mac)
{
	char	text[TOKEN_MAX];
	const char *mac;

	make(TOKEN_SUBSCRIBE, "alice@example.net", 0, NOW + 60, text);
	mac = strrchr(text, '.') + 1;
	cr_expect_eq(strlen(mac), 32, "%s", text);
	cr_expect_eq(strspn(mac, "0123456789abcdef"), 32, "%s", text);
}

Test(token, is_read_in_any_case)
{
	char	text[TOKEN_MAX];
	const char *why;

	make(TOKEN_SUBSCRIBE, "alice@example.net", 0, NOW + 60, text);
	for (char *p = text; *p; p++)
		*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
	cr_expect_eq(verify(text, LIST, "Alice@Example.NET", &why), 0, "%s", why);
}

Test(token, a_forged_mac_does_not_verify)
{
	char	text[TOKEN_MAX];
	const char *why = "";
	char   *last;

	make(TOKEN_SUBSCRIBE, "alice@example.net", 0, NOW + 60, text);
	last = text + strlen(text) - 1;
	*last = *last == '0' ? '1' : '0';
	cr_expect_eq(verify(text, LIST, "alice@example.net", &why), -1);
	cr_expect_str_eq(why, "not valid for this list or address");
}

Test(token, a_later_expiry_written_in_does_not_verify)
{
	char	text[TOKEN_MAX];
	char	forged[TOKEN_MAX * 2];
	const char *why = "";

	make(TOKEN_SUBSCRIBE, "alice@example.net", 0, NOW - 60, text);
	cr_expect_eq(verify(text, LIST, "alice@example.net", &why), -1);
	cr_expect_str_eq(why, "expired");
	snprintf(forged, sizeof(forged), "s.%llx%s", (long long)NOW + 3600,
		 strrchr(text, '.'));
	cr_expect_eq(verify(forged, LIST, "alice@example.net", &why), -1);
	cr_expect_str_eq(why, "not valid for this list or address");
}

Test(token, is_not_valid_for_another_list_address_kind_or_post)
{
	char	text[TOKEN_MAX];
	char	other[TOKEN_MAX * 2];
	const char *why;

	make(TOKEN_SUBSCRIBE, "alice@example.net", 0, NOW + 60, text);
	cr_expect_eq(verify(text, "other@lists.example.org", "alice@example.net",
			    &why), -1);
	cr_expect_eq(verify(text, LIST, "mallory@example.net", &why), -1);
	/* the same MAC presented as an unsubscription */
	snprintf(other, sizeof(other), "u%s", text + 1);
	cr_expect_eq(verify(other, LIST, "alice@example.net", &why), -1);
	make(TOKEN_MODERATE, "", 42, NOW + 60, text);
	snprintf(other, sizeof(other), "m43%s", text + 3);
	cr_expect_eq(verify(other, LIST, "", &why), -1);
	/* a withdrawal is bound to the poster */
	make(TOKEN_WITHDRAW, "carol@example.com", 7, NOW + 60, text);
	cr_expect_eq(verify(text, LIST, "carol@example.com", &why), 0);
	cr_expect_eq(verify(text, LIST, "mallory@example.com", &why), -1);
}

Test(token, another_secret_makes_another_token)
{
	char	a[TOKEN_MAX], b[TOKEN_MAX];

	make(TOKEN_SUBSCRIBE, "alice@example.net", 0, NOW + 60, a);
	cr_assert_eq(token_make(SECRET "x", TOKEN_SUBSCRIBE, LIST,
				"alice@example.net", 0, NOW + 60, b, sizeof(b)), 0);
	cr_expect_str_neq(a, b);
	/* no secret, no token */
	cr_expect_eq(token_make("", TOKEN_SUBSCRIBE, LIST, "a@b.c", 0, NOW,
				b, sizeof(b)), -1);
}

Test(token, garbage_is_no_token)
{
	const char *bad[] = {
		"", "x1.5.00000000000000000000000000000000",
		"s.5.0000000000000000000000000000000",		/* 31 digits */
		"s.5.000000000000000000000000000000000",	/* 33 */
		"m.5.00000000000000000000000000000000",		/* id missing */
		"m0.5.00000000000000000000000000000000",	/* id 0 */
		"m-1.5.00000000000000000000000000000000",
		"s.zz.00000000000000000000000000000000",
		"s5.00000000000000000000000000000000",
		"s.5.0000000000000000000000000000000g",
		"s.ffffffffffffffffff.00000000000000000000000000000000",
	};
	struct token t;

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		cr_expect_eq(token_parse(bad[i], &t), -1, "%s", bad[i]);
}

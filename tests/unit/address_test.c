/*
 * address_test.c - how envelope addresses are normalised.
 */
#include <criterion/criterion.h>
#include <stdio.h>

#include "common/address.h"
#include "common/text.h"

Test(address, normalize_table)
{
	static const struct {
		const char *in;
		const char *out;	/* NULL: refused */
		int	rc;		/* -1: unusable address, -2: not user@domain */
	} cases[] = {
		{"team@lists.example.org", "team@lists.example.org", 0},
		{"Team@Lists.Example.ORG", "team@lists.example.org", 0},
		{"<team@lists.example.org>", "team@lists.example.org", 0},
		{"  team@lists.example.org\t", "team@lists.example.org", 0},
		{"-dash@example.org", "-dash@example.org", 0},
		{"\"odd local\"@example.org", "\"odd local\"@example.org", 0},
		{"a@b@c.example", "a@b@c.example", 0},
		{"", NULL, -2},
		{"<>", NULL, -2},
		{"no-at-sign", NULL, -2},
		{"@example.org", NULL, -2},
		{"user@", NULL, -2},
		{"team@lists.example.org\nBcc: x@y", NULL, -1},
		{"team\r@lists.example.org", NULL, -1},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char	out[ADDRESS_MAX];
		const char *why = NULL;
		int	rc = address_normalize(cases[i].in, out, sizeof(out), &why);

		if (cases[i].out) {
			cr_expect_eq(rc, 0, "\"%s\" refused: %s", cases[i].in, why);
			if (rc == 0)
				cr_expect_str_eq(out, cases[i].out);
		} else {
			cr_expect_eq(rc, cases[i].rc, "\"%s\": %d", cases[i].in, rc);
			cr_expect(why != NULL);
		}
	}
}

Test(address, overlong_address_is_refused)
{
	char	in[ADDRESS_MAX + 10];
	char	out[ADDRESS_MAX];
	const char *why;

	memset(in, 'a', sizeof(in) - 1);
	in[sizeof(in) - 1] = 0;
	in[5] = '@';
	cr_expect_eq(address_normalize(in, out, sizeof(out), &why), -1);
	cr_expect_str_eq(why, "address too long");
}

Test(address, domain_is_after_the_last_at)
{
	cr_expect_str_eq(address_domain("a@b@c.example"), "c.example");
	cr_expect_str_eq(address_domain("team@lists.example.org"),
			 "lists.example.org");
}

Test(address, extension_is_stripped_at_the_first_plus)
{
	char	out[ADDRESS_MAX] = "unchanged";

	cr_expect_eq(address_strip_extension(
	    "team-bounces+alice=example.net@lists.example.org", out,
	    sizeof(out)), 1);
	cr_expect_str_eq(out, "team-bounces@lists.example.org");
	cr_expect_eq(address_strip_extension("team+a+b@x.example", out,
					     sizeof(out)), 1);
	cr_expect_str_eq(out, "team@x.example");
	strcpy(out, "unchanged");
	cr_expect_eq(address_strip_extension("team@x.example", out,
					     sizeof(out)), 0);
	cr_expect_eq(address_strip_extension("+lead@x.example", out,
					     sizeof(out)), 0);
	cr_expect_str_eq(out, "unchanged");
}

Test(address, header_safety)
{
	cr_expect(text_is_clean("team@lists.example.org"));
	cr_expect(text_is_clean("Grüße"));
	cr_expect(!text_is_clean("a\r\nBcc: b"));
	cr_expect(!text_is_clean("a\tb"));
	cr_expect(!text_is_clean("a\x7f"));
}

Test(address, list_grows_and_frees)
{
	struct address_list al = {0};
	char	buf[32];

	for (int i = 0; i < 1000; i++) {
		snprintf(buf, sizeof(buf), "m%d@x", i);
		address_list_add(&al, buf);
	}
	cr_expect_eq(al.n, 1000);
	cr_expect_str_eq(al.v[999], "m999@x");
	address_list_free(&al);
	cr_expect_eq(al.n, 0);
	cr_expect_null(al.v);
}

/* long255_fill - 255 letters, to cut addresses of any length from */
static const char *long255_fill(void)
{
	static char s[256];

	memset(s, 'd', 255);
	return s;
}

Test(address, member_rows_sendmail_can_take)
{
	char	local65[80], long255[300], ok254[300];
	static const char *const bad[] = {
		"", "nobody", "@example.net", "alice@", "a@b@example.net",
		"al ice@example.net", "alice@exa\tmple.net", "alice\r\n@x.net",
		"alice@x\x7f.net",
	};
	const char *why;

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		cr_expect_eq(address_check_member(bad[i], &why), -1, "took %s",
			     bad[i]);
	/* RFC 5321 lengths: 64 before the '@', 254 in all */
	snprintf(local65, sizeof(local65), "%.65s@x.net", long255_fill());
	cr_expect_eq(address_check_member(local65, &why), -1);
	cr_expect_str_eq(why, "local part too long");
	snprintf(long255, sizeof(long255), "a@%.253s", long255_fill());
	cr_expect_eq(address_check_member(long255, &why), -1);
	cr_expect_str_eq(why, "address too long");
	snprintf(ok254, sizeof(ok254), "%.64s@%.189s", long255_fill(),
		 long255_fill());
	cr_expect_eq(strlen(ok254), 254);
	cr_expect_eq(address_check_member(ok254, &why), 0);
	cr_expect_eq(address_check_member("-dash+ext@example.net", &why), 0);
}

Test(address, quoted_local_part_is_unquoted_and_trim_keeps_case)
{
	char	out[ADDRESS_MAX];
	const char *why;

	cr_assert_eq(address_normalize("\"A..b\"@X.org", out, sizeof(out), &why),
		     0);
	cr_expect_str_eq(out, "a..b@x.org");
	cr_assert_eq(address_normalize("\"x[1].\"@x.org", out, sizeof(out),
				       &why), 0);
	cr_expect_str_eq(out, "x[1].@x.org");
	cr_assert_eq(address_trim(" <Joe@Other.Example> ", out, sizeof(out)), 0);
	cr_expect_str_eq(out, "Joe@Other.Example");
	cr_expect_eq(address_trim("a@b", out, 3), -1);
}

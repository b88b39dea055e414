/*
 * verp_test.c - the way back from a VERP bounce address to the member.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "mail/verp.h"

#define BOUNCES "team-bounces@lists.example.org"

static const struct {
	const char *recipient;
	int	rc;
	const char *member;
} cases[] = {
	/* What Postfix makes of alice@example.net with -V. */
	{"team-bounces+alice=example.net@lists.example.org", 1,
	 "alice@example.net"},
	/* Case folds; the domain compares without case too. */
	{"Team-Bounces+Alice=Example.NET@LISTS.example.org", 1,
	 "alice@example.net"},
	/* Local parts holding the delimiters: the last '=' is the '@'. */
	{"team-bounces+bob+lists=example.net@lists.example.org", 1,
	 "bob+lists@example.net"},
	{"team-bounces+a=b=example.net@lists.example.org", 1,
	 "a=b@example.net"},
	{"team-bounces+x+=y=example.net@lists.example.org", 1,
	 "x+=y@example.net"},
	/* A quoted local part, as it appears in SMTP. */
	{"\"team-bounces+carol=example.net\"@lists.example.org", 1,
	 "carol@example.net"},
	{"\"team-bounces+a\\\"b=example.net\"@lists.example.org", 1,
	 "a\"b@example.net"},
	/* The plain bounce address: no member. */
	{"team-bounces@lists.example.org", 0, NULL},
	/* Extensions that name nobody. */
	{"team-bounces+@lists.example.org", -1, NULL},
	{"team-bounces+alice@lists.example.org", -1, NULL},
	{"team-bounces+=example.net@lists.example.org", -1, NULL},
	{"team-bounces+alice=@lists.example.org", -1, NULL},
	{"team-bounces+john doe=example.net@lists.example.org", -1, NULL},
	{"\"team-bounces+carol=example.net@lists.example.org", -1, NULL},
	/* Other lists' and other domains' bounce addresses. */
	{"teamx-bounces+alice=example.net@lists.example.org", -1, NULL},
	{"other-bounces+alice=example.net@lists.example.org", -1, NULL},
	{"team-bounces+alice=example.net@lists.example.com", -1, NULL},
	{"team-bouncesx@lists.example.org", -1, NULL},
};

Test(verp, decodes_the_member_or_refuses)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char	out[512] = "unchanged";
		const char *why = NULL;
		int	rc = verp_decode(cases[i].recipient, BOUNCES, out,
					 sizeof(out), &why);

		cr_expect_eq(rc, cases[i].rc, "%s: %d", cases[i].recipient, rc);
		if (cases[i].member)
			cr_expect_str_eq(out, cases[i].member, "%s",
					 cases[i].recipient);
		if (rc < 0)
			cr_expect(why != NULL && *why, "%s: no reason",
				  cases[i].recipient);
	}
}

Test(verp, refuses_an_overlong_address_without_cutting_it)
{
	char	rcpt[2048];
	char	out[512];
	const char *why = NULL;
	/* 64 octets of local part is the limit a member row has. */
	char	local[200];

	memset(local, 'a', 65);
	local[65] = 0;
	cr_assert(snprintf(rcpt, sizeof(rcpt),
			   "team-bounces+%s=example.net@lists.example.org",
			   local) < (int)sizeof(rcpt));
	cr_expect_eq(verp_decode(rcpt, BOUNCES, out, sizeof(out), &why), -1);
	local[64] = 0;
	cr_assert(snprintf(rcpt, sizeof(rcpt),
			   "team-bounces+%s=example.net@lists.example.org",
			   local) < (int)sizeof(rcpt));
	cr_expect_eq(verp_decode(rcpt, BOUNCES, out, sizeof(out), &why), 1,
		     "64 is still fine");
	memset(rcpt, 'b', sizeof(rcpt) - 1);
	rcpt[sizeof(rcpt) - 1] = 0;
	memcpy(rcpt, "team-bounces+", 13);
	memcpy(rcpt + 1000, "=x", 2);
	strcpy(rcpt + 2000, "@lists.example.org");
	cr_expect_eq(verp_decode(rcpt, BOUNCES, out, sizeof(out), &why), -1);
	/* A small output buffer is never overrun. */
	cr_expect_eq(verp_decode("team-bounces+alice=example.net@lists.example.org",
				 BOUNCES, out, 8, &why), -1);
}

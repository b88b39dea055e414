/*
 * policy_test.c - every policy, role and action, and what counts as
 * automatic mail.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "list/policy.h"

static struct list team(enum list_policy p, enum list_action refused)
{
	struct list l = {
		.address = "team@lists.example.org",
		.owner = "team-owner@lists.example.org",
		.policy = p, .refused = refused, .oversize = ACTION_REJECT,
	};

	return l;
}

static enum verdict decide(enum list_policy p, enum list_action a,
			   unsigned roles)
{
	struct list l = team(p, a);
	struct post_facts f = {"carol@example.com", "carol@example.com",
			       roles, 1000, NULL};
	struct decision d;

	policy_decide(&l, &f, &d);
	return d.verdict;
}

/* What the refused action turns into. */
static enum verdict as_verdict(enum list_action a)
{
	return a == ACTION_HOLD ? VERDICT_HOLD
	     : a == ACTION_DISCARD ? VERDICT_DISCARD : VERDICT_REJECT;
}

static const unsigned role_sets[] = {
	0, ROLE_MEMBER, ROLE_OWNER, ROLE_MODERATOR, ROLE_POSTER,
};

/* The table of who may post: 1 accepted, 0 refused (then the action). */
static const struct {
	enum list_policy policy;
	int	accepts[5];	/* by role_sets[] */
} who_may_post[] = {
	/*                      nobody member owner moderator poster */
	{POLICY_OPEN,		{1,	1,	1,	1,	1}},
	{POLICY_MEMBERS,	{0,	1,	1,	1,	1}},
	{POLICY_MODERATED,	{0,	0,	1,	1,	1}},
	{POLICY_ANNOUNCE,	{0,	0,	1,	1,	1}},
};

Test(policy, every_policy_role_and_action)
{
	for (size_t p = 0; p < 4; p++)
		for (size_t r = 0; r < 5; r++)
			for (int a = ACTION_REJECT; a <= ACTION_HOLD; a++) {
				enum list_policy pol = who_may_post[p].policy;
				enum verdict want = who_may_post[p].accepts[r]
				    ? VERDICT_ACCEPT
				    : pol == POLICY_MODERATED ? VERDICT_HOLD
				    : as_verdict((enum list_action)a);

				cr_expect_eq(decide(pol, (enum list_action)a,
						    role_sets[r]), want,
					     "policy %s, roles %#x, refused %s",
					     list_policy_names[pol], role_sets[r],
					     list_action_names[a]);
			}
}

Test(policy, a_rejection_names_the_list_and_what_to_do)
{
	struct list l = team(POLICY_MEMBERS, ACTION_REJECT);
	struct post_facts f = {"carol@example.com", "carol@example.com", 0,
			       1000, NULL};
	struct decision d;

	policy_decide(&l, &f, &d);
	cr_expect_eq(d.outcome, OUTCOME_REFUSED);
	cr_expect(strstr(d.reason, "team@lists.example.org") != NULL, "%s", d.reason);
	cr_expect(strstr(d.reason, "only members may post") != NULL, "%s", d.reason);
	cr_expect(strstr(d.reason, "write to <team-owner@lists.example.org>")
		  != NULL, "%s", d.reason);
}

Test(policy, copies_from_an_outer_list_are_accepted_everywhere)
{
	for (size_t p = 0; p < 4; p++)
		cr_expect_eq(decide(who_may_post[p].policy, ACTION_REJECT,
				    ROLE_LIST), VERDICT_ACCEPT);
}

Test(policy, size_limit_rejects_or_holds_before_the_policy)
{
	struct list l = team(POLICY_OPEN, ACTION_REJECT);
	struct post_facts f = {"carol@example.com", NULL, ROLE_OWNER, 1001, NULL};
	struct decision d;

	l.max_size = 1000;
	policy_decide(&l, &f, &d);
	cr_expect_eq(d.verdict, VERDICT_REJECT);
	cr_expect_eq(d.outcome, OUTCOME_TOO_BIG);
	cr_expect(strstr(d.reason, "1001 bytes is over the list's limit of "
			 "1000") != NULL, "%s", d.reason);
	l.oversize = ACTION_HOLD;
	policy_decide(&l, &f, &d);
	cr_expect_eq(d.verdict, VERDICT_HOLD);
	f.size = 1000;		/* at the limit is allowed */
	policy_decide(&l, &f, &d);
	cr_expect_eq(d.verdict, VERDICT_ACCEPT);
	l.max_size = 0;		/* no limit */
	f.size = 1LL << 40;
	policy_decide(&l, &f, &d);
	cr_expect_eq(d.verdict, VERDICT_ACCEPT);
}

Test(policy, automatic_mail_is_discarded_or_held_never_rejected)
{
	struct list l = team(POLICY_OPEN, ACTION_REJECT);
	struct post_facts f = {"", NULL, ROLE_MEMBER, 10, "null envelope sender"};
	struct decision d;

	policy_decide(&l, &f, &d);
	cr_expect_eq(d.verdict, VERDICT_DISCARD);
	l.refused = ACTION_HOLD;
	policy_decide(&l, &f, &d);
	cr_expect_eq(d.verdict, VERDICT_HOLD);
	l = team(POLICY_MODERATED, ACTION_DISCARD);
	policy_decide(&l, &f, &d);
	cr_expect_eq(d.verdict, VERDICT_HOLD, "moderated lists hold");
	/* even when it is also too big */
	l = team(POLICY_OPEN, ACTION_REJECT);
	l.max_size = 5;
	policy_decide(&l, &f, &d);
	cr_expect_eq(d.verdict, VERDICT_DISCARD);
}

static const char *automatic(const char *sender, const char *head,
			     unsigned roles)
{
	static struct headers hd;
	struct status st;
	const char *why;

	cr_assert_eq(headers_parse(&hd, head, strlen(head),
				   (off_t)strlen(head), &st), 0, "%s", st.reason);
	why = policy_automatic(sender, &hd, roles);
	headers_free(&hd);
	return why;
}

Test(policy, what_counts_as_automatic_mail)
{
	headers_init();
	cr_expect_null(automatic("a@b.c", "From: a@b.c\nSubject: hi\n\nx\n", 0));
	cr_expect_str_eq(automatic("", "From: a@b.c\n\nx\n", 0),
			 "null envelope sender");
	cr_expect_str_eq(automatic("a@b.c", "Auto-Submitted: auto-replied\n\nx\n", 0),
			 "Auto-Submitted");
	cr_expect_str_eq(automatic("a@b.c", "Auto-Submitted: Auto-Generated (x)\n\nx\n", 0),
			 "Auto-Submitted");
	cr_expect_null(automatic("a@b.c", "Auto-Submitted: No\n\nx\n", 0));
	cr_expect_null(automatic("a@b.c", "Auto-Submitted: no (comment)\n\nx\n", 0));
	cr_expect_str_eq(automatic("a@b.c", "Precedence: Bulk\n\nx\n", 0),
			 "Precedence bulk, junk or list");
	cr_expect_str_eq(automatic("a@b.c", "Precedence: junk\n\nx\n", 0),
			 "Precedence bulk, junk or list");
	cr_expect_str_eq(automatic("a@b.c", "Precedence: list\n\nx\n", 0),
			 "Precedence bulk, junk or list");
	cr_expect_null(automatic("a@b.c", "Precedence: first-class\n\nx\n", 0));
	cr_expect_str_eq(automatic("a@b.c", "Content-Type: Multipart/Report; "
				   "report-type=delivery-status;\n boundary=x\n\nx\n", 0),
			 "a delivery or other report (multipart/report)");
	/* an upstream list the operator trusts: its Precedence: list is no
	 * auto-reply, but its Auto-Submitted still is */
	cr_expect_null(automatic("up-bounces@example.com",
				 "Precedence: list\n\nx\n", ROLE_UPSTREAM));
	cr_expect_str_eq(automatic("up-bounces@example.com",
				   "Precedence: list\nAuto-Submitted: auto-replied"
				   "\n\nx\n", ROLE_UPSTREAM), "Auto-Submitted");
	/* our own list's copy to a nested list carries Precedence: bulk */
	cr_expect_null(automatic("outer-bounces@lists.example.org",
				 "Precedence: bulk\n\nx\n", ROLE_LIST));
	headers_shutdown();
}

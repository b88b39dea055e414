/*
 * outcome_test.c - the one mapping from outcomes to what Postfix sees.
 */
#include <criterion/criterion.h>
#include <errno.h>

#include "listpipe/outcome.h"

Test(outcome_map, exit_codes_and_status_lines)
{
	static const struct {
		enum outcome outcome;
		const char *dsn;
		int	exit_code;
		const char *line;
	} cases[] = {
		{OUTCOME_OK, NULL, 0, ""},
		{OUTCOME_NO_LIST, "5.1.1", 67, "5.1.1 no such list\n"},
		{OUTCOME_LOOP, "5.4.6", 65, "5.4.6 no such list\n"},
		{OUTCOME_BAD_MESSAGE, "5.6.0", 65, "5.6.0 no such list\n"},
		{OUTCOME_DISABLED, "5.2.1", 69, "5.2.1 no such list\n"},
		{OUTCOME_TEMP, "4.3.5", 75, "4.3.5 no such list\n"},
		/* no detail code: the outcome's default */
		{OUTCOME_TEMP, NULL, 75, "4.3.0 no such list\n"},
		{OUTCOME_NO_LIST, NULL, 67, "5.1.1 no such list\n"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct status st;
		char	line[512];

		status_set(&st, cases[i].outcome, cases[i].dsn, "no such list");
		cr_expect_eq(outcome_exit_code(cases[i].outcome),
			     cases[i].exit_code, "case %zu", i);
		outcome_format(&st, line, sizeof(line));
		cr_expect_str_eq(line, cases[i].line, "case %zu", i);
	}
}

Test(outcome_map, a_temporary_outcome_never_says_5xx)
{
	struct status st;
	char	line[512];

	/* Postfix acts on the code: a 5.x.x with exit 75 would bounce. */
	status_temp(&st, "5.1.1", "mixed up");
	outcome_format(&st, line, sizeof(line));
	cr_expect_str_eq(line, "4.3.0 mixed up\n");
	status_set(&st, OUTCOME_NO_LIST, "4.3.0", "mixed up");
	outcome_format(&st, line, sizeof(line));
	cr_expect_str_eq(line, "5.1.1 mixed up\n");
}

Test(outcome_map, status_line_is_one_line_and_bounded)
{
	struct status st;
	char	line[64];
	size_t	len;

	status_temp(&st, "4.3.0", "first\nsecond\rthird");
	len = outcome_format(&st, line, sizeof(line));
	cr_expect_str_eq(line, "4.3.0 first second third\n");
	cr_expect_eq(len, strlen(line));
	status_temp(&st, "4.3.0", "%0200d", 7);
	len = outcome_format(&st, line, sizeof(line));
	cr_expect_eq(len, sizeof(line) - 1);
	cr_expect_eq(line[len - 1], '\n');
	cr_expect_eq(strchr(line, '\n'), line + len - 1);
}

Test(outcome_map, deferral_outweighs_bounce_outweighs_success)
{
	cr_expect(outcome_worse(OUTCOME_TEMP, OUTCOME_NO_LIST));
	cr_expect(outcome_worse(OUTCOME_NO_LIST, OUTCOME_OK));
	cr_expect(outcome_worse(OUTCOME_TEMP, OUTCOME_OK));
	cr_expect(!outcome_worse(OUTCOME_OK, OUTCOME_NO_LIST));
	/* between two bounces the first stays */
	cr_expect(!outcome_worse(OUTCOME_LOOP, OUTCOME_NO_LIST));
	cr_expect(!outcome_worse(OUTCOME_NO_LIST, OUTCOME_TEMP));
}

Test(outcome_map, only_sysexits_codes)
{
	/* Never 1: Postfix bounces any exit it does not know. */
	enum outcome all[] = {OUTCOME_OK, OUTCOME_TEMP, OUTCOME_BAD_MESSAGE,
			      OUTCOME_LOOP, OUTCOME_NO_LIST, OUTCOME_DISABLED};

	for (size_t i = 0; i < sizeof(all) / sizeof(*all); i++) {
		int	code = outcome_exit_code(all[i]);

		cr_expect(code == 0 || (code >= 64 && code <= 78), "%d", code);
	}
	cr_expect_eq(outcome_exit_code((enum outcome)42), 75);
}

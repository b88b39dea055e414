/*
 * status_test.c - the error carrier: filled as asked, and errno mapped to
 * the detail code the maillog shows.
 */
#include <criterion/criterion.h>
#include <errno.h>

#include "common/status.h"

Test(status, set_fills_and_returns_minus_one)
{
	struct status st;

	cr_expect_eq(status_set(&st, OUTCOME_LOOP, "5.4.6", "<%s>: loop",
				"team@x"), -1);
	cr_expect_eq(st.outcome, OUTCOME_LOOP);
	cr_expect_str_eq(st.dsn, "5.4.6");
	cr_expect_str_eq(st.reason, "<team@x>: loop");
	cr_expect_eq(status_temp(&st, "4.3.5", "x"), -1);
	cr_expect_eq(st.outcome, OUTCOME_TEMP);
	status_ok(&st);
	cr_expect_eq(st.outcome, OUTCOME_OK);
	cr_expect_str_eq(st.reason, "");
}

Test(status, full_disk_is_4_3_1)
{
	cr_expect_str_eq(errno_dsn(ENOSPC), "4.3.1");
	cr_expect_str_eq(errno_dsn(EDQUOT), "4.3.1");
	cr_expect_str_eq(errno_dsn(EFBIG), "4.3.1");
	cr_expect_str_eq(errno_dsn(EACCES), "4.3.0");
}

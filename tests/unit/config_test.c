/*
 * config_test.c - the filter's command line: defaults, every option, and
 * every mistake deferring (4.3.5) rather than bouncing.
 */
#include <criterion/criterion.h>

#include "listpipe/config.h"

static int parse(struct config *cf, struct status *st, const char *const *args)
{
	/* static: cf keeps pointers into argv, as it does into main's */
	static char *argv[32];
	int	argc = 0;

	argv[argc++] = "listpipe";
	for (; *args && argc < 31; args++)
		argv[argc++] = (char *)*args;
	argv[argc] = NULL;
	return config_parse(cf, argc, argv, st);
}

Test(config, defaults_come_from_params)
{
	struct config cf;
	struct status st;
	const char *args[] = {"-f", "a@b", "--", "team@x", NULL};

	cr_assert_eq(parse(&cf, &st, args), 0, "%s", st.reason);
	cr_expect_str_eq(cf.database, DEF_DATABASE);
	cr_expect_str_eq(cf.sendmail, DEF_SENDMAIL);
	cr_expect_str_eq(cf.spooldir, DEF_SPOOLDIR);
	cr_expect_eq(cf.timeout, DEF_TIMEOUT);
	cr_expect_str_eq(cf.queue_id, "-");
	cr_expect_eq(cf.pass_on, 0);
	cr_expect_eq(cf.dry_run, 0);
	cr_expect_eq(cf.nrecipients, 1);
}

Test(config, every_option)
{
	struct config cf;
	struct status st;
	const char *args[] = {"-d", "/db", "-s", "/sm", "-m", "/sp", "-q", "QID",
			      "-l", "/log", "-t", "30", "-n", "-p", "-v", "-v",
			      "-f", "<>", "--", "-a@x", "b@x", NULL};

	cr_assert_eq(parse(&cf, &st, args), 0, "%s", st.reason);
	cr_expect_str_eq(cf.database, "/db");
	cr_expect_str_eq(cf.sendmail, "/sm");
	cr_expect_str_eq(cf.spooldir, "/sp");
	cr_expect_str_eq(cf.queue_id, "QID");
	cr_expect_str_eq(cf.logfile, "/log");
	cr_expect_eq(cf.timeout, 30);
	cr_expect(cf.dry_run && cf.pass_on && cf.verbose == 2);
	cr_expect_str_eq(cf.sender, "", "<> is the null sender");
	cr_expect_eq(cf.nrecipients, 2);
	cr_expect_str_eq(cf.recipients[0], "-a@x");
}

Test(config, mistakes_defer_with_4_3_5)
{
	static const char *const bad[][8] = {
		{"--", "team@x", NULL},				/* no -f */
		{"-f", "a@b", NULL},				/* no recipient */
		{"-f", "a@b", "-s", "sendmail", "--", "t@x", NULL},
		{"-f", "a@b", "-t", "0", "--", "t@x", NULL},
		{"-f", "a@b", "-t", "86401", "--", "t@x", NULL},
		{"-f", "a@b", "-x", "--", "t@x", NULL},
		{"-f", "a@b", "-d", "", "--", "t@x", NULL},
		{"-V", "-f", "a@b", "--", "t@x", NULL},		/* -V not alone */
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct config cf;
		struct status st;

		cr_expect_eq(parse(&cf, &st, bad[i]), -1, "case %zu", i);
		cr_expect_eq(st.outcome, OUTCOME_TEMP, "case %zu", i);
		cr_expect_str_eq(st.dsn, "4.3.5", "case %zu", i);
	}
}

Test(config, help_and_version_only_alone)
{
	struct config cf;
	struct status st;
	const char *h[] = {"-h", NULL};
	const char *v[] = {"-V", NULL};

	cr_assert_eq(parse(&cf, &st, h), 0);
	cr_expect_eq(cf.mode, MODE_HELP);
	cr_assert_eq(parse(&cf, &st, v), 0);
	cr_expect_eq(cf.mode, MODE_VERSION);
}

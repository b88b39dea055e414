/*
 * outcomes.c - one test per row of the outcome table in listpipe(8):
 * exit status and status line for what the real binary does.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

Test(outcome, post_to_list_is_delivered_silently)
{
	struct tdir t;
	struct run r;

	fixture(&t, NULL);
	deliver(&r, &t, POST, "carol@example.com", "team@lists.example.org");
	cr_expect_eq(r.exit_code, 0);
	/* Rule 2: nothing at all on stdout/stderr when delivered. */
	cr_expect_eq(r.output_len, 0, "output: %s", r.output);
	cr_expect_eq(sent_count(&t), 1);
	cr_expect_str_eq(sent_args(&t, 1),
	    "-G\n-i\n-XV\n-f\nteam-bounces@lists.example.org\n--\n"
	    "alice@example.net\nbob@example.net\n");
	run_free(&r);
}

Test(outcome, unknown_address_in_served_domain_is_5_1_1)
{
	struct tdir t;
	struct run r;

	fixture(&t, NULL);
	deliver(&r, &t, POST, "carol@example.com", "taem@lists.example.org");
	cr_expect_eq(r.exit_code, 67);	/* EX_NOUSER */
	cr_expect_str_eq(r.output,
	    "5.1.1 <taem@lists.example.org>: no such list\n");
	cr_expect_eq(sent_count(&t), 0);
	run_free(&r);
}

Test(outcome, message_with_our_loop_guard_is_5_4_6)
{
	struct tdir t;
	struct run r;
	const char *looped = "X-Loop: team@lists.example.org\n" POST;

	fixture(&t, NULL);
	deliver(&r, &t, looped, "carol@example.com", "team@lists.example.org");
	cr_expect_eq(r.exit_code, 65);	/* EX_DATAERR */
	cr_expect(strncmp(r.output, "5.4.6 ", 6) == 0, "output: %s", r.output);
	cr_expect(strstr(r.output, "loop") != NULL);
	cr_expect_eq(sent_count(&t), 0);
	run_free(&r);
}

Test(outcome, loop_guard_of_another_list_is_not_a_loop)
{
	struct tdir t;
	struct run r;
	const char *upstream = "X-Loop: other@lists.example.com\n" POST;
	size_t	len;
	char   *msg;

	fixture(&t, NULL);
	deliver(&r, &t, upstream, "carol@example.com", "team@lists.example.org");
	cr_expect_eq(r.exit_code, 0, "output: %s", r.output);
	msg = sent_message(&t, 1, &len);
	cr_assert(msg != NULL);
	cr_expect_eq(header_count(msg, len, "X-Loop"), 2);
	run_free(&r);
	free(msg);
}

Test(outcome, message_without_header_block_is_5_6_0)
{
	struct tdir t;
	struct run r;

	fixture(&t, NULL);
	deliver(&r, &t, "just a line of text\nand another\n",
		"carol@example.com", "team@lists.example.org");
	cr_expect_eq(r.exit_code, 65);
	cr_expect_str_eq(r.output, "5.6.0 message has no header block\n");
	cr_expect_eq(sent_count(&t), 0);
	run_free(&r);
}

Test(outcome, empty_message_is_5_6_0)
{
	struct tdir t;
	struct run r;

	fixture(&t, NULL);
	deliver(&r, &t, "", "carol@example.com", "team@lists.example.org");
	cr_expect_eq(r.exit_code, 65);
	cr_expect(strncmp(r.output, "5.6.0 ", 6) == 0, "output: %s", r.output);
	run_free(&r);
}

Test(outcome, disabled_list_is_5_2_1)
{
	struct tdir t;
	struct run r;

	fixture(&t, "UPDATE lists SET enabled = 0");
	deliver(&r, &t, POST, "carol@example.com", "team@lists.example.org");
	cr_expect_eq(r.exit_code, 69);
	cr_expect_str_eq(r.output,
	    "5.2.1 <team@lists.example.org>: list is disabled\n");
	cr_expect_eq(sent_count(&t), 0);
	run_free(&r);
}

Test(outcome, disabled_list_with_an_extension_is_still_5_2_1)
{
	struct tdir t;
	struct run r;

	fixture(&t, "UPDATE lists SET enabled = 0");
	deliver(&r, &t, POST, "carol@example.com", "team+tag@lists.example.org");
	cr_expect_eq(r.exit_code, 69);
	cr_expect(strncmp(r.output, "5.2.1 ", 6) == 0, "%s", r.output);
	run_free(&r);
}

Test(outcome, overlong_recipient_is_5_1_3)
{
	struct tdir t;
	struct run r;
	char	rcpt[700];

	/* Postfix's RCPT check strips the extension, so this gets through. */
	memset(rcpt, 'y', sizeof(rcpt));
	memcpy(rcpt, "team+", 5);
	strcpy(rcpt + 600, "@lists.example.org");
	fixture(&t, NULL);
	deliver(&r, &t, POST, "carol@example.com", rcpt);
	cr_expect_eq(r.exit_code, 65);
	cr_expect(strncmp(r.output, "5.1.3 <team+yyy", 15) == 0, "%s", r.output);
	cr_expect(strstr(r.output, "address too long") != NULL, "%s", r.output);
	cr_expect_eq(sent_count(&t), 0);
	run_free(&r);
}

Test(outcome, missing_database_defers)
{
	struct tdir t;
	struct run r;

	fixture(&t, NULL);
	unlink(t.db);
	deliver(&r, &t, POST, "carol@example.com", "team@lists.example.org");
	cr_expect_eq(r.exit_code, 75);	/* EX_TEMPFAIL */
	cr_expect(strncmp(r.output, "4.3.5 ", 6) == 0, "output: %s", r.output);
	cr_expect(strstr(r.output, "No such file") != NULL, "%s", r.output);
	/* A typo in -d must not leave an empty database behind. */
	cr_expect(access(t.db, F_OK) != 0);
	run_free(&r);
}

Test(outcome, database_without_schema_defers)
{
	struct tdir t;
	struct run r;

	tdir_make(&t);
	tdir_sql(&t, "CREATE TABLE unrelated(x)");
	tdir_hand_over(&t);
	deliver(&r, &t, POST, "carol@example.com", "team@lists.example.org");
	cr_expect_eq(r.exit_code, 75);
	cr_expect(strstr(r.output, "4.3.5 ") == r.output, "%s", r.output);
	cr_expect(strstr(r.output, "no listpipe schema") != NULL, "%s", r.output);
	run_free(&r);
}

Test(outcome, database_with_newer_schema_defers)
{
	struct tdir t;
	struct run r;

	fixture(&t, "PRAGMA user_version = 5");
	deliver(&r, &t, POST, "carol@example.com", "team@lists.example.org");
	cr_expect_eq(r.exit_code, 75);
	cr_expect(strstr(r.output, "schema version 5") != NULL, "%s", r.output);
	run_free(&r);
}

Test(outcome, database_of_a_previous_schema_defers_and_names_the_upgrades)
{
	struct tdir t, t2;
	struct run r;

	fixture(&t, "PRAGMA user_version = 1");
	deliver(&r, &t, POST, "carol@example.com", "team@lists.example.org");
	cr_expect_eq(r.exit_code, 75);
	cr_expect(strstr(r.output, "4.3.5") == r.output, "%s", r.output);
	cr_expect(strstr(r.output, "upgrade it with sql/upgrade-2.sql then "
			 "sql/upgrade-3.sql then sql/upgrade-4.sql") != NULL, "%s",
		  r.output);
	run_free(&r);
	fixture(&t2, "PRAGMA user_version = 2");
	deliver(&r, &t2, POST, "carol@example.com", "team@lists.example.org");
	cr_expect_eq(r.exit_code, 75);
	cr_expect(strstr(r.output, "upgrade it with sql/upgrade-3.sql then "
			 "sql/upgrade-4.sql\n") != NULL, "%s", r.output);
	run_free(&r);
}

/* hold_lock - what an operator's open write transaction looks like */
static sqlite3 *hold_lock(struct tdir *t, int exclusive_locking_mode)
{
	sqlite3 *db;

	cr_assert(sqlite3_open(t->db, &db) == SQLITE_OK);
	if (exclusive_locking_mode)
		cr_assert(sqlite3_exec(db, "PRAGMA locking_mode = EXCLUSIVE",
				       NULL, NULL, NULL) == SQLITE_OK);
	else
		cr_assert(sqlite3_exec(db, "PRAGMA journal_mode = DELETE",
				       NULL, NULL, NULL) == SQLITE_OK);
	cr_assert(sqlite3_exec(db, "BEGIN EXCLUSIVE; UPDATE lists SET "
			       "description = 'busy'", NULL, NULL, NULL)
		  == SQLITE_OK);
	return db;
}

Test(outcome, database_locked_by_exclusive_writer_defers, .timeout = 60)
{
	struct tdir t;
	struct run r;
	sqlite3 *db;

	fixture(&t, NULL);
	db = hold_lock(&t, 1);
	deliver(&r, &t, POST, "carol@example.com", "team@lists.example.org");
	cr_expect_eq(r.exit_code, 75);
	cr_expect(strstr(r.output, "4.3.0 ") == r.output, "%s", r.output);
	cr_expect(strstr(r.output, "locked") != NULL, "%s", r.output);
	cr_expect_eq(sent_count(&t), 0);
	sqlite3_close(db);
	run_free(&r);
}

Test(outcome, rollback_journal_database_in_exclusive_transaction_defers,
     .timeout = 60)
{
	struct tdir t;
	struct run r;
	sqlite3 *db;

	fixture(&t, NULL);
	db = hold_lock(&t, 0);
	deliver(&r, &t, POST, "carol@example.com", "team@lists.example.org");
	cr_expect_eq(r.exit_code, 75);
	cr_expect(strstr(r.output, "locked") != NULL, "%s", r.output);
	cr_expect_eq(sent_count(&t), 0);
	sqlite3_close(db);
	run_free(&r);
}

/*
 * A post writes its journal claim before anything is sent, so an
 * operator's open write transaction makes it wait (the busy timeout),
 * then defer; the retry after the transaction ends sends it once.  A
 * post without a queue id writes nothing and is not held up.
 */
Test(outcome, post_waits_for_an_operators_write_transaction_then_defers)
{
	struct tdir t;
	struct run r;
	sqlite3 *db;
	const char *argv[] = {"-d", t.db, "-s", t.sendmail, "-m", t.spool,
			      "-f", "carol@example.com", "--",
			      "team@lists.example.org", NULL};

	fixture(&t, NULL);
	argv[1] = t.db;
	argv[3] = t.sendmail;
	argv[5] = t.spool;
	cr_assert(sqlite3_open(t.db, &db) == SQLITE_OK);
	cr_assert(sqlite3_exec(db, "BEGIN EXCLUSIVE; UPDATE lists SET "
			       "description = 'busy'", NULL, NULL, NULL)
		  == SQLITE_OK);
	deliver(&r, &t, POST, "carol@example.com", "team@lists.example.org");
	cr_expect_eq(r.exit_code, 75, "%s", r.output);
	cr_expect(strstr(r.output, "is locked") != NULL, "%s", r.output);
	cr_expect_eq(sent_count(&t), 0);
	run_free(&r);
	/* No queue id, no journal: a WAL reader is not held up. */
	run_listpipe(&r, POST, strlen(POST), NULL, argv);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_expect_eq(sent_count(&t), 1);
	run_free(&r);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
	deliver(&r, &t, POST, "carol@example.com", "team@lists.example.org");
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_expect_eq(sent_count(&t), 2);
	run_free(&r);
}

Test(outcome, sendmail_failure_defers)
{
	struct tdir t;
	struct run r;
	char	path[400];

	fixture(&t, NULL);
	snprintf(path, sizeof(path), "%s/sendmail.exit", t.path);
	write_file(path, "75\n", 3, 0644);
	snprintf(path, sizeof(path), "%s/sendmail.say", t.path);
	write_file(path, "sendmail: fatal: queue file write error\n", 40, 0644);
	deliver(&r, &t, POST, "carol@example.com", "team@lists.example.org");
	cr_expect_eq(r.exit_code, 75);
	cr_expect(strstr(r.output, "4.3.0 ") == r.output, "%s", r.output);
	cr_expect(strstr(r.output, "exit 75") != NULL, "%s", r.output);
	/* What sendmail said reaches the maillog through the status line. */
	cr_expect(strstr(r.output, "queue file write error") != NULL, "%s",
		  r.output);
	cr_expect(strchr(r.output, '\n') == r.output + r.output_len - 1);
	run_free(&r);
}

Test(outcome, sendmail_that_cannot_be_executed_defers)
{
	struct tdir t;
	struct run r;
	const char *argv[] = {"-d", t.db, "-s", "/nonexistent/sendmail", "-m",
			      t.spool, "-f", "carol@example.com", "--",
			      "team@lists.example.org", NULL};

	fixture(&t, NULL);
	run_listpipe(&r, POST, strlen(POST), NULL, argv);
	cr_expect_eq(r.exit_code, 75);
	cr_expect(strstr(r.output, "cannot execute") != NULL, "%s", r.output);
	run_free(&r);
}

Test(outcome, sendmail_killed_by_signal_defers)
{
	struct tdir t;
	struct run r;
	static const char dies[] = "#!/bin/sh\ncat >/dev/null\nkill -9 $$\n";

	fixture(&t, NULL);
	write_file(t.sendmail, dies, sizeof(dies) - 1, 0755);
	tdir_hand_over(&t);
	deliver(&r, &t, POST, "carol@example.com", "team@lists.example.org");
	cr_expect_eq(r.exit_code, 75);
	cr_expect(strstr(r.output, "killed by signal 9") != NULL, "%s",
		  r.output);
	run_free(&r);
}

Test(outcome, slow_sendmail_meets_the_watchdog, .timeout = 60)
{
	struct tdir t;
	struct run r;
	char	path[400];
	const char *argv[] = {"-d", t.db, "-s", t.sendmail, "-m", t.spool,
			      "-t", "1", "-f", "carol@example.com", "--",
			      "team@lists.example.org", NULL};

	fixture(&t, NULL);
	snprintf(path, sizeof(path), "%s/sendmail.sleep", t.path);
	write_file(path, "30\n", 3, 0644);
	run_listpipe(&r, POST, strlen(POST), NULL, argv);
	cr_expect_eq(r.exit_code, 75);
	/* The line says why first, then what was cut short. */
	cr_expect(strncmp(r.output, "4.3.0 listpipe: timed out after 1 seconds",
			  41) == 0, "%s", r.output);
	cr_expect_eq(strchr(r.output, '\n') - r.output + 1, (long)r.output_len,
		     "one line: %s", r.output);
	/* The sendmail child died with us: it never recorded a message. */
	sleep(1);
	cr_expect_eq(sent_count(&t), 0);
	run_free(&r);
}

Test(outcome, sigterm_from_postfix_defers, .timeout = 60)
{
	struct tdir t;
	struct run r;
	char	path[400];
	struct run_opts opts = {.term_after_ms = 500};
	const char *argv[] = {"-d", t.db, "-s", t.sendmail, "-m", t.spool,
			      "-f", "carol@example.com", "--",
			      "team@lists.example.org", NULL};

	fixture(&t, NULL);
	snprintf(path, sizeof(path), "%s/sendmail.sleep", t.path);
	write_file(path, "30\n", 3, 0644);
	run_listpipe(&r, POST, strlen(POST), &opts, argv);
	cr_expect_eq(r.exit_code, 75);
	/* Not an "internal error": Postfix asked us to stop. */
	cr_expect(strstr(r.output, "4.3.0 listpipe: stopped by signal 15 "
			 "(SIGTERM") == r.output, "%s", r.output);
	run_free(&r);
}

Test(outcome, bad_command_lines_defer)
{
	struct tdir t;
	struct run r;
	const char *no_sender[] = {"-d", t.db, "--", "team@lists.example.org",
				   NULL};
	const char *no_rcpt[] = {"-d", t.db, "-f", "a@b", "--", NULL};
	const char *unknown[] = {"-x", "-f", "a@b", "--", "c@d", NULL};
	const char *relative[] = {"-s", "sendmail", "-f", "a@b", "--", "c@d",
				  NULL};
	const char *const *cases[] = {no_sender, no_rcpt, unknown, relative};

	fixture(&t, NULL);
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		run_listpipe(&r, POST, strlen(POST), NULL, cases[i]);
		cr_expect_eq(r.exit_code, 75, "case %zu", i);
		cr_expect(strncmp(r.output, "4.3.5 ", 6) == 0, "case %zu: %s",
			  i, r.output);
		run_free(&r);
	}
}

Test(outcome, spool_directory_missing_defers)
{
	struct tdir t;
	struct run r;
	const char *argv[] = {"-d", t.db, "-s", t.sendmail, "-m",
			      "/nonexistent/spool", "-f", "carol@example.com",
			      "--", "team@lists.example.org", NULL};

	fixture(&t, NULL);
	run_listpipe(&r, POST, strlen(POST), NULL, argv);
	cr_expect_eq(r.exit_code, 75);
	cr_expect(strstr(r.output, "spool directory") != NULL, "%s", r.output);
	run_free(&r);
}

Test(outcome, spool_write_failure_defers)
{
	struct tdir t;
	struct run r;
	/* Room for the database's -shm and -wal, not for the message. */
	struct run_opts opts = {.fsize_limit = 128 * 1024};
	enum { SIZE = 1024 * 1024 };
	char   *big = malloc(SIZE + 1);
	const char *argv[] = {"-d", t.db, "-s", t.sendmail, "-m", t.spool,
			      "-f", "carol@example.com", "--",
			      "team@lists.example.org", NULL};

	fixture(&t, NULL);
	memcpy(big, POST, strlen(POST));
	memset(big + strlen(POST), 'x', SIZE - strlen(POST));
	big[SIZE] = 0;
	/* A file size limit stands in for a full disk. */
	run_listpipe(&r, big, strlen(big), &opts, argv);
	cr_expect_eq(r.exit_code, 75);
	cr_expect(strncmp(r.output, "4.3.1 ", 6) == 0, "%s", r.output);
	cr_expect(strstr(r.output, "spool write") != NULL, "%s", r.output);
	cr_expect_eq(sent_count(&t), 0);
	run_free(&r);
	free(big);
}

Test(outcome, delivering_as_root_is_refused)
{
	struct tdir t;
	struct run r;
	struct run_opts opts = {.as_root = 1};
	const char *argv[] = {"-d", t.db, "-s", t.sendmail, "-m", t.spool,
			      "-f", "carol@example.com", "--",
			      "team@lists.example.org", NULL};

	if (!running_as_root())
		cr_skip_test("needs root");
	fixture(&t, NULL);
	run_listpipe(&r, POST, strlen(POST), &opts, argv);
	cr_expect_eq(r.exit_code, 75);
	cr_expect(strstr(r.output, "refusing to deliver as root") != NULL,
		  "%s", r.output);
	cr_expect_eq(sent_count(&t), 0);
	run_free(&r);
}

Test(outcome, version_among_delivery_arguments_is_a_usage_error)
{
	struct tdir t;
	struct run r;
	const char *argv[] = {"-d", t.db, "-V", "-f", "a@b", "--",
			      "team@lists.example.org", NULL};
	const char *typo[] = {"-d", t.db, "-f", "a@b", "-Vx@example.org", NULL};

	fixture(&t, NULL);
	run_listpipe(&r, POST, strlen(POST), NULL, argv);
	cr_expect_eq(r.exit_code, 75);
	cr_expect_str_eq(r.output, "4.3.5 listpipe: bad command line: -V goes alone\n");
	run_free(&r);
	/* a recipient that looks like -V, with "--" forgotten */
	run_listpipe(&r, POST, strlen(POST), NULL, typo);
	cr_expect_eq(r.exit_code, 75, "%s", r.output);
	run_free(&r);
}

Test(outcome, help_and_version_exit_zero)
{
	struct run r;
	const char *help[] = {"-h", NULL};
	const char *version[] = {"-V", NULL};

	run_listpipe(&r, "", 0, NULL, help);
	cr_expect_eq(r.exit_code, 0);
	cr_expect(strstr(r.output, "usage: listpipe") == r.output);
	run_free(&r);
	run_listpipe(&r, "", 0, NULL, version);
	cr_expect_eq(r.exit_code, 0);
	cr_expect(strncmp(r.output, "listpipe ", 9) == 0);
	run_free(&r);
}

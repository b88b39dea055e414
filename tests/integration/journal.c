/*
 * journal.c - exactly once: one distribution per list per queue file,
 * retries that resume, and the same Message-ID not sent twice.
 */
#include <criterion/criterion.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "sent.h"

/* post_as - POST (or msg) to rcpt with queue id qid */
static void post_as(struct run *r, struct tdir *t, const char *msg,
		    const char *qid, const char *rcpt)
{
	lp_run_queued(r, t, msg, qid, "carol@example.com", rcpt);
}

/* post_without_queue_id - as from a command line */
static void post_without_queue_id(struct run *r, struct tdir *t,
				  const char *msg)
{
	const char *argv[] = {"-d", t->db, "-s", t->sendmail, "-m", t->spool,
			      "-f", "carol@example.com", "--", TEAM, NULL};

	run_listpipe(r, msg, strlen(msg), NULL, argv);
}

static char *with_id(const char *id)
{
	return g_strdup_printf("From: carol@example.com\nTo: " TEAM "\n"
			       "Subject: hi\n%s%s%s\nHello.\n",
			       id ? "Message-ID: " : "", id ? id : "",
			       id ? "\n" : "");
}

Test(journal, extensions_of_one_queue_file_make_one_distribution)
{
	struct tdir t;
	struct run r;
	char   *log;

	fixture(&t, NULL);
	/* team+1@ ... team+3@ in one SMTP transaction: one queue file,
	 * one pipe(8) run each. */
	for (int i = 1; i <= 3; i++) {
		char	rcpt[64];

		snprintf(rcpt, sizeof(rcpt), "team+%d@lists.example.org", i);
		post_as(&r, &t, POST, "4MULTI", rcpt);
		cr_expect_eq(r.exit_code, 0, "%s", r.output);
		run_free(&r);
	}
	cr_expect_eq(sent_count(&t), 1, "one copy per member, not three");
	log = log_of(&t);
	cr_expect(strstr(log, "status=sent (already distributed for "
			 "<team+1@lists.example.org> from this queue file)"),
		  "%s", log);
	free(log);
	/* The distributing recipient's own retry is a resume, not "other". */
	post_as(&r, &t, POST, "4MULTI", "team+1@lists.example.org");
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_expect_eq(sent_count(&t), 1);
	run_free(&r);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM journal WHERE queue_id = "
			   "'4MULTI' AND batch = 1 AND count = 2"), 1);
}

Test(journal, two_lists_in_one_queue_file_each_get_the_post)
{
	struct tdir t;
	struct run r;

	fixture(&t, "INSERT INTO lists(address) VALUES ('ops@lists.example.org');"
		"INSERT INTO members(list, address) VALUES"
		"  ('ops@lists.example.org', 'dave@example.net')");
	post_as(&r, &t, POST, "4TWO", TEAM);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	run_free(&r);
	post_as(&r, &t, POST, "4TWO", "ops@lists.example.org");
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	run_free(&r);
	cr_expect_eq(sent_count(&t), 2, "the key is the list, not the file");
}

Test(journal, the_same_message_id_again_is_accepted_and_not_sent)
{
	struct tdir t;
	struct run r;
	char   *msg = with_id("<once@example.com>");
	char   *log;

	fixture(&t, NULL);
	post_as(&r, &t, msg, "4FIRST", TEAM);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	run_free(&r);
	/* The same post again, in another queue file (sent to an alias of
	 * the list as well, say). */
	post_as(&r, &t, msg, "4SECOND", TEAM);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	cr_expect_eq(r.output_len, 0, "%s", r.output);
	run_free(&r);
	cr_expect_eq(sent_count(&t), 1);
	log = log_of(&t);
	cr_expect(strstr(log, "message-id=<once@example.com>, status=discarded "
			 "(duplicate: distributed as 4FIRST within 24 hours)"),
		  "%s", log);
	free(log);
	/* Without a queue id, too. */
	post_without_queue_id(&r, &t, msg);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	run_free(&r);
	cr_expect_eq(sent_count(&t), 1);
	/* Another list is another matter. */
	tdir_sql(&t, "INSERT INTO lists(address) VALUES ('ops@lists.example.org');"
		 "INSERT INTO members(list, address) VALUES"
		 "  ('ops@lists.example.org', 'dave@example.net')");
	post_as(&r, &t, msg, "4THIRD", "ops@lists.example.org");
	run_free(&r);
	cr_expect_eq(sent_count(&t), 2);
	g_free(msg);
}

Test(journal, duplicates_are_judged_within_the_lists_window_only)
{
	struct tdir t;
	struct run r;
	char   *msg = with_id("<window@example.com>");

	fixture(&t, NULL);
	post_as(&r, &t, msg, "4A", TEAM);
	run_free(&r);
	/* 25 hours later, the window (24) has passed. */
	tdir_sql(&t, "UPDATE seen SET at = datetime(at, '-25 hours')");
	post_as(&r, &t, msg, "4B", TEAM);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	run_free(&r);
	cr_expect_eq(sent_count(&t), 2);
	/* dedupe_hours = 0: never suppressed. */
	tdir_sql(&t, "UPDATE lists SET dedupe_hours = 0");
	post_as(&r, &t, msg, "4C", TEAM);
	run_free(&r);
	cr_expect_eq(sent_count(&t), 3);
	g_free(msg);
}

Test(journal, messages_without_a_message_id_are_never_suppressed)
{
	struct tdir t;
	struct run r;
	char   *msg = with_id(NULL);

	fixture(&t, NULL);
	for (int i = 0; i < 3; i++) {
		char	qid[16];

		snprintf(qid, sizeof(qid), "4NOID%d", i);
		post_as(&r, &t, msg, qid, TEAM);
		cr_expect_eq(r.exit_code, 0, "%s", r.output);
		run_free(&r);
	}
	post_without_queue_id(&r, &t, msg);
	run_free(&r);
	cr_expect_eq(sent_count(&t), 4);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM seen"), 0);
	g_free(msg);
}

Test(journal, a_failed_first_attempt_is_not_a_duplicate_of_its_retry)
{
	struct tdir t;
	struct run r;
	char	path[400];
	char   *msg = with_id("<retry@example.com>");

	fixture(&t, NULL);
	snprintf(path, sizeof(path), "%s/sendmail.exit", t.path);
	write_file(path, "75\n", 3, 0644);
	post_as(&r, &t, msg, "4RETRY", TEAM);
	cr_expect_eq(r.exit_code, 75, "%s", r.output);
	run_free(&r);
	unlink(path);
	post_as(&r, &t, msg, "4RETRY", TEAM);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	run_free(&r);
	cr_expect_eq(sent_count(&t), 2, "the failed run and the retry");
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM journal WHERE queue_id = "
			   "'4RETRY' AND batch = 1"), 1);
	g_free(msg);
}

Test(journal, a_retry_while_the_first_listpipe_still_sends_defers)
{
	struct tdir t;
	struct run r;
	char   *sql;

	/* Postfix restarted and delivers the queue file again while the
	 * old listpipe (here: this test process, alive) still sends it. */
	fixture(&t, NULL);
	sql = g_strdup_printf("INSERT INTO journal(queue_id, list, batch, "
			      "recipient, pid) VALUES ('4BUSY', '" TEAM "', 0, "
			      "'" TEAM "', %ld)", (long)getpid());
	tdir_sql(&t, sql);
	g_free(sql);
	post_as(&r, &t, POST, "4BUSY", TEAM);
	cr_expect_eq(r.exit_code, 75, "%s", r.output);
	cr_expect(strstr(r.output, "is still sending this post"), "%s",
		  r.output);
	run_free(&r);
	cr_expect_eq(sent_count(&t), 0);
	/* Once it is gone (pid 0: it ended), the retry goes ahead. */
	tdir_sql(&t, "UPDATE journal SET pid = 0");
	post_as(&r, &t, POST, "4BUSY", TEAM);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	run_free(&r);
	cr_expect_eq(sent_count(&t), 1);
	cr_expect_eq(q_int(&t, "SELECT pid FROM journal WHERE batch = 0"), 0,
		     "the claim is let go at the end");
}

Test(journal, a_second_copy_while_the_first_is_deferred_is_not_sent)
{
	struct tdir t;
	struct run r;
	char	path[400];
	char   *msg = with_id("<half@example.com>");

	fixture(&t, NULL);
	snprintf(path, sizeof(path), "%s/sendmail.exit", t.path);
	write_file(path, "75\n", 3, 0644);
	post_as(&r, &t, msg, "4HALF", TEAM);
	cr_expect_eq(r.exit_code, 75, "%s", r.output);
	run_free(&r);
	unlink(path);
	/* The author's software sends it again meanwhile: not sent... */
	post_as(&r, &t, msg, "4AGAIN", TEAM);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	run_free(&r);
	cr_expect_eq(sent_count(&t), 1, "only the failed run");
	/* ...as the first one's retry sends it. */
	post_as(&r, &t, msg, "4HALF", TEAM);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	run_free(&r);
	cr_expect_eq(sent_count(&t), 2);
	g_free(msg);
}

Test(journal, a_dry_run_writes_no_journal_and_says_what_is_a_duplicate)
{
	struct tdir t;
	struct run r;
	char   *msg = with_id("<dry@example.com>");
	const char *argv[] = {"-n", "-d", t.db, "-m", t.spool, "-q", "4DRY",
			      "-f", "carol@example.com", "--", TEAM, NULL};

	fixture(&t, NULL);
	argv[2] = t.db;
	argv[4] = t.spool;
	run_listpipe(&r, msg, strlen(msg), NULL, argv);
	cr_expect_eq(r.exit_code, 75, "%s", r.output);
	run_free(&r);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM journal"), 0);
	post_as(&r, &t, msg, "4REAL", TEAM);
	run_free(&r);
	run_listpipe(&r, msg, strlen(msg), NULL, argv);
	cr_expect(strstr(r.output, "duplicate of <dry@example.com> (distributed "
			 "as 4REAL within 24 hours): not sent again"), "%s",
		  r.output);
	run_free(&r);
	g_free(msg);
}

Test(journal, listctl_expire_forgets_old_rows)
{
	struct tdir t;
	struct run r;

	fixture(&t, "INSERT INTO journal(queue_id, list, batch, recipient, at)"
		" VALUES ('4OLD', 'team@lists.example.org', 0, 'x', "
		"         datetime('now', '-11 days')),"
		"        ('4NEW', 'team@lists.example.org', 0, 'x', "
		"         datetime('now', '-9 days'));"
		"INSERT INTO seen(list, message_id, at) VALUES"
		"  ('team@lists.example.org', '<old@x>', datetime('now', '-25 hours')),"
		"  ('team@lists.example.org', '<new@x>', datetime('now', '-23 hours'))");
	ctl_run(&r, &t, "expire", NULL, NULL);
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	run_free(&r);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM journal"), 1);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM journal WHERE queue_id = "
			   "'4NEW'"), 1);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM seen"), 1);
	cr_expect_eq(q_int(&t, "SELECT count(*) FROM seen WHERE message_id = "
			   "'<new@x>'"), 1);
}

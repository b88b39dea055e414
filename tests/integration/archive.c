/*
 * archive.c - lists.archive: the copy the members get, also in the
 * Maildir SPOOL/archive/LIST, once per post even across retries; and the
 * loop guard when a signature keeps X-Loop off.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "sent.h"

#define ARCHIVE_NEW "/archive/team@lists.example.org/new"

/* files_in - how many entries (not . and ..) dir holds; -1 if none */
static int files_in(const char *dir)
{
	DIR    *d = opendir(dir);
	struct dirent *e;
	int	n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static void post_as(struct run *r, struct tdir *t, const char *msg,
		    const char *qid, const char *sender)
{
	lp_run_queued(r, t, msg, qid, sender, TEAM);
}

Test(archive, the_archive_holds_exactly_what_the_members_got)
{
	struct tdir t;
	struct run r;
	char	dir[400];
	char   *stored, *copy;
	size_t	slen, clen;

	fixture(&t, "UPDATE lists SET archive = 1");
	post_as(&r, &t, POST, "4ARC1", "carol@example.com");
	cr_assert_eq(r.exit_code, 0, "%s", r.output);
	run_free(&r);
	snprintf(dir, sizeof(dir), "%s" ARCHIVE_NEW, t.spool);
	stored = only_file_in(dir, &slen);
	copy = sent_message(&t, 1, &clen);
	cr_expect_eq(slen, clen);
	cr_expect(memcmp(stored, copy, clen) == 0, "archive:\n%s\ncopy:\n%s",
		  stored, copy);
	cr_expect(strstr(stored, "List-Id: \"Team talk\" <team.lists.example.org>\n")
		  != NULL, "public-inbox-watch can filter on it: %s", stored);
	free(stored);
	free(copy);
	cr_expect_eq(q_int(&t, "SELECT archived IS NOT NULL FROM journal "
			   "WHERE queue_id = '4ARC1' AND batch = 0"), 1);
}

Test(archive, a_list_without_archive_stores_nothing)
{
	struct tdir t;
	struct run r;
	char	dir[400];

	fixture(&t, NULL);
	post_as(&r, &t, POST, "4ARC2", "carol@example.com");
	cr_assert_eq(r.exit_code, 0, "%s", r.output);
	run_free(&r);
	snprintf(dir, sizeof(dir), "%s/archive", t.spool);
	cr_expect_eq(files_in(dir), -1);
}

Test(archive, a_retry_after_a_deferral_does_not_archive_twice)
{
	struct tdir t;
	struct run r;
	char	dir[400], path[400];
	char   *log;

	fixture(&t, "UPDATE lists SET archive = 1");
	snprintf(path, sizeof(path), "%s/sendmail.exit", t.path);
	write_file(path, "75\n", 3, 0644);
	post_as(&r, &t, POST, "4ARC3", "carol@example.com");
	cr_expect_eq(r.exit_code, 75, "%s", r.output);
	run_free(&r);
	snprintf(dir, sizeof(dir), "%s" ARCHIVE_NEW, t.spool);
	cr_expect_eq(files_in(dir), 1, "archived before it was sent");
	unlink(path);
	post_as(&r, &t, POST, "4ARC3", "carol@example.com");
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	run_free(&r);
	cr_expect_eq(files_in(dir), 1, "the retry found it archived");
	log = log_of(&t);
	cr_expect(strstr(log, "(by an earlier attempt)") != NULL, "%s", log);
	free(log);
}

Test(archive, a_full_archive_defers_before_anything_is_sent)
{
	struct tdir t;
	struct run r;
	char	path[400];

	fixture(&t, "UPDATE lists SET archive = 1");
	/* Something not a directory where the archive must go. */
	snprintf(path, sizeof(path), "%s/archive", t.spool);
	write_file(path, "x", 1, 0644);
	post_as(&r, &t, POST, "4ARC4", "carol@example.com");
	cr_expect_eq(r.exit_code, 75, "%s", r.output);
	cr_expect(strncmp(r.output, "4.", 2) == 0, "%s", r.output);
	run_free(&r);
	cr_expect_eq(sent_count(&t), 0);
}

Test(archive, the_lists_own_copy_coming_back_is_a_loop_without_x_loop)
{
	struct tdir t;
	struct run r;
	/* A copy whose signature covered X-Loop, so the list added none,
	 * forwarded back to the list by a member's server. */
	const char *back = "From: Carol <carol@example.com>\nTo: " TEAM "\n"
			   "Subject: hi\nMessage-ID: <back@example.com>\n\nx\n";

	fixture(&t, NULL);
	post_as(&r, &t, back, "4LOOP1",
		"team-bounces+alice=example.net@lists.example.org");
	cr_expect_eq(r.exit_code, 65, "%s", r.output);
	cr_expect(strstr(r.output, "5.4.6") == r.output, "%s", r.output);
	cr_expect(strstr(r.output, "this list's own") != NULL, "%s", r.output);
	run_free(&r);
	post_as(&r, &t, back, "4LOOP2", "TEAM-bounces@Lists.Example.ORG");
	cr_expect_eq(r.exit_code, 65, "%s", r.output);
	run_free(&r);
	/* Another list's bounce address is a nested list's copy: fine. */
	post_as(&r, &t, back, "4LOOP3",
		"all-bounces+team=lists.example.org@lists.example.org");
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	run_free(&r);
	cr_expect_eq(sent_count(&t), 1, "only that one went out");
}

Test(archive, a_list_without_members_still_archives_its_posts)
{
	struct tdir t;
	struct run r;
	char	dir[400];

	fixture(&t, "UPDATE lists SET archive = 1;"
		    "UPDATE members SET state = 'nomail' WHERE role = 'member'");
	post_as(&r, &t, POST, "4ARC5", "carol@example.com");
	cr_expect_eq(r.exit_code, 0, "%s", r.output);
	run_free(&r);
	snprintf(dir, sizeof(dir), "%s" ARCHIVE_NEW, t.spool);
	cr_expect_eq(files_in(dir), 1);
	cr_expect_eq(sent_count(&t), 0);
}

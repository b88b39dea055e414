/*
 * maildir_test.c - storing into a Maildir below the spool directory:
 * created as needed, the file in new/ and nothing left in tmp/, the
 * Delivered-To line in the message's newline, and no symlink followed.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mail/maildir.h"
#include "mail/spooldir.h"
#include "testlib.h"

static void spool_of(struct spool *sp, const char *text)
{
	int	p[2];
	struct status st;

	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(write(p[1], text, strlen(text)), (ssize_t)strlen(text));
	close(p[1]);
	cr_assert_eq(spool_read(sp, -1, "/tmp", p[0], &st), 0, "%s", st.reason);
	close(p[0]);
}

/* ready - a test directory, its spool opened, and a message spooled */
static void ready(struct tdir *t, struct maildir_place *place,
		  struct spool *sp, const char *text)
{
	struct status st;

	tdir_make(t);
	place->spool_path = t->spool;
	cr_assert_eq(spooldir_open(t->spool, &place->spool_fd, &st), 0, "%s",
		     st.reason);
	spool_of(sp, text);
}

Test(maildir, stores_in_new_with_delivered_to_and_creates_the_tree)
{
	struct tdir t;
	struct spool sp;
	struct status st;
	const char *const below[] = {"bounces", "team@x", NULL};
	struct maildir_place place = {-1, NULL, below};
	char	dir[600];
	char   *stored;

	ready(&t, &place, &sp, "Subject: b\r\n\r\nbody\r\n");
	cr_assert_eq(maildir_store(&place, "team-bounces+a=b@x", &sp, -1, NULL, &st),
		     0, "%s", st.reason);
	snprintf(dir, sizeof(dir), "%s/bounces/team@x/new", t.spool);
	stored = only_file_in(dir, NULL);
	cr_expect_str_eq(stored, "Delivered-To: team-bounces+a=b@x\r\n"
			 "Subject: b\r\n\r\nbody\r\n");
	snprintf(dir, sizeof(dir), "%s/bounces/team@x/tmp", t.spool);
	cr_expect_eq(rmdir(dir), 0, "tmp/ is empty");
	free(stored);
	spool_close(&sp);
	close(place.spool_fd);
}

Test(maildir, a_held_post_is_stored_exactly_opened_by_name_and_removed)
{
	struct tdir t;
	struct spool sp;
	struct status st;
	const char *const below[] = {"held", "team@x", NULL};
	struct maildir_place place = {-1, NULL, below};
	const char *post = "From: c@example.com\nSubject: p\n\nbody\n";
	char	name[MAILDIR_NAME_MAX];
	char	dir[600];
	char	buf[200];
	int	fd;
	ssize_t	n;

	ready(&t, &place, &sp, post);
	cr_assert_eq(maildir_store(&place, NULL, &sp, -1, name, &st), 0, "%s",
		     st.reason);
	cr_assert_eq(maildir_open(&place, name, &fd, &st), 0, "%s", st.reason);
	n = read(fd, buf, sizeof(buf) - 1);
	cr_assert(n >= 0);
	buf[n] = 0;
	cr_expect_str_eq(buf, post, "no Delivered-To, nothing added");
	close(fd);
	/* a name is one component: no way out of new/ */
	cr_expect_eq(maildir_open(&place, "../tmp", &fd, &st), -1);
	cr_expect_eq(maildir_remove(&place, name, &st), 0, "%s", st.reason);
	snprintf(dir, sizeof(dir), "%s/held/team@x/new", t.spool);
	cr_expect_eq(rmdir(dir), 0, "new/ is empty");
	spool_close(&sp);
	close(place.spool_fd);
}

Test(maildir, a_symlinked_component_is_refused)
{
	struct tdir t;
	struct spool sp;
	struct status st;
	const char *const below[] = {"bounces", "team@x", NULL};
	struct maildir_place place = {-1, NULL, below};
	char	link[600];

	ready(&t, &place, &sp, "Subject: b\n\nbody\n");
	snprintf(link, sizeof(link), "%s/bounces", t.spool);
	cr_assert_eq(symlink("/tmp", link), 0);
	cr_expect_eq(maildir_store(&place, "team-bounces@x", &sp, -1, NULL, &st), -1);
	cr_expect_eq(st.outcome, OUTCOME_TEMP);
	cr_expect_str_eq(st.dsn, "4.3.5");
	cr_expect(strstr(st.reason, "symlink"), "%s", st.reason);
	spool_close(&sp);
	close(place.spool_fd);
}

Test(maildir, a_name_that_is_no_directory_name_is_refused)
{
	struct tdir t;
	struct spool sp;
	struct status st;
	const char *const below[] = {"bounces", "../escape", NULL};
	struct maildir_place place = {-1, NULL, below};

	ready(&t, &place, &sp, "Subject: b\n\nbody\n");
	cr_expect_eq(maildir_store(&place, "x@y", &sp, -1, NULL, &st), -1);
	cr_expect(strstr(st.reason, "cannot be a directory name"), "%s",
		  st.reason);
	spool_close(&sp);
	close(place.spool_fd);
}

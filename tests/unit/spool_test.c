/*
 * spool_test.c - the message copied off stdin: size, head, envelope line.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/io.h"
#include "mail/spool.h"

/* feed - a pipe whose read end yields data, as Postfix's pipe(8) does */
static int feed(const char *data, size_t len)
{
	int	fd[2];
	pid_t	pid;

	cr_assert(pipe(fd) == 0);
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		close(fd[0]);
		_exit(io_write_all(fd[1], data, len) == 0 ? 0 : 2);
	}
	close(fd[1]);
	return fd[0];
}

Test(spool, small_message_is_all_head)
{
	struct spool sp;
	struct status st;
	const char *msg = "Subject: x\n\nbody\n";
	int	in = feed(msg, strlen(msg));

	cr_assert_eq(spool_read(&sp, -1, "/tmp", in, &st), 0, "%s", st.reason);
	cr_expect_eq(sp.size, (off_t)strlen(msg));
	cr_expect_eq(sp.start, 0);
	cr_expect_str_eq(sp.head, msg);
	spool_close(&sp);
	close(in);
}

Test(spool, envelope_from_line_is_before_the_start)
{
	struct spool sp;
	struct status st;
	const char *msg = "From MAILER-DAEMON Fri Feb 13 02:45:46 2015\n"
			  "Subject: x\n\nbody\n";
	int	in = feed(msg, strlen(msg));

	cr_assert_eq(spool_read(&sp, -1, "/tmp", in, &st), 0);
	cr_expect_eq(sp.start, 44);
	/* the head starts with the message, not the envelope line */
	cr_expect(strncmp(sp.head, "Subject: x\n", 11) == 0);
	spool_close(&sp);
	close(in);
}

Test(spool, obsolete_from_field_is_not_an_envelope_line)
{
	struct spool sp;
	struct status st;
	const char *msg = "From : carol@example.com\nSubject: x\n\nbody\n";
	int	in = feed(msg, strlen(msg));

	cr_assert_eq(spool_read(&sp, -1, "/tmp", in, &st), 0);
	cr_expect_eq(sp.start, 0);
	spool_close(&sp);
	close(in);
}

Test(spool, head_stops_after_the_empty_line_and_size_is_exact)
{
	struct spool sp;
	struct status st;
	size_t	len = 3 * 1024 * 1024;
	char   *msg = malloc(len);
	char	back[64];
	int	in;

	memset(msg, 'b', len);
	memcpy(msg, "Subject: big\n\n", 15);
	memcpy(msg + len - 4, "end\n", 4);
	in = feed(msg, len);
	cr_assert_eq(spool_read(&sp, -1, "/tmp", in, &st), 0);
	cr_expect_eq(sp.size, (off_t)len);
	/* memory holds the header block, not the 3 MB */
	cr_expect_leq(sp.head_len, 64 * 1024);
	cr_expect(pread(sp.fd, back, 4, (off_t)len - 4) == 4);
	cr_expect(memcmp(back, "end\n", 4) == 0);
	spool_close(&sp);
	close(in);
	free(msg);
}

Test(spool, endless_header_keeps_only_the_limit_in_memory)
{
	struct spool sp;
	struct status st;
	size_t	len = SPOOL_HEAD_MAX + 4096;
	char   *msg = malloc(len);
	int	in;

	memset(msg, 'h', len);
	memcpy(msg, "X-Long: ", 8);
	in = feed(msg, len);
	cr_assert_eq(spool_read(&sp, -1, "/tmp", in, &st), 0);
	cr_expect_eq(sp.head_len, SPOOL_HEAD_MAX);
	cr_expect_eq(sp.size, (off_t)len);
	spool_close(&sp);
	close(in);
	free(msg);
}

Test(spool, missing_directory_defers)
{
	struct spool sp;
	struct status st;
	int	in = feed("x", 1);

	cr_expect_eq(spool_read(&sp, -1, "/nonexistent/spool", in, &st), -1);
	cr_expect_eq(st.outcome, OUTCOME_TEMP);
	cr_expect(strstr(st.reason, "/nonexistent/spool") != NULL);
	close(in);
}

Test(spool, the_copy_goes_into_the_directory_checked_not_the_path)
{
	struct spool sp;
	struct status st;
	char	dir[] = "/tmp/listpipe-spool.XXXXXX";
	char	moved[64];
	int	dfd, in;

	cr_assert_not_null(mkdtemp(dir));
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	cr_assert(dfd >= 0);
	/* After the check, the path names something else (here: nothing). */
	snprintf(moved, sizeof(moved), "%s.moved", dir);
	cr_assert_eq(rename(dir, moved), 0);
	in = feed("Subject: x\n\nbody\n", 17);
	cr_expect_eq(spool_read(&sp, dfd, dir, in, &st), 0, "%s", st.reason);
	cr_expect_eq(sp.size, 17);
	spool_close(&sp);
	close(in);
	close(dfd);
	rmdir(moved);
}

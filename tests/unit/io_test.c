/*
 * io_test.c - the one write loop: everything written, short writes and a
 * full non-blocking pipe waited out, and a reader that is gone noticed.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/io.h"

Test(io, a_megabyte_through_a_nonblocking_pipe_arrives_whole)
{
	int	p[2];
	size_t	len = 1024 * 1024;
	char   *out = malloc(len);
	char   *in = malloc(len);
	pid_t	pid;

	for (size_t i = 0; i < len; i++)
		out[i] = (char)(i * 7);
	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(fcntl(p[1], F_SETFL, O_NONBLOCK), 0);
	if ((pid = fork()) == 0) {
		size_t	got = 0;
		ssize_t n;

		close(p[1]);
		usleep(100000);		/* let the pipe fill up first */
		while ((n = read(p[0], in + got, len - got)) > 0)
			got += (size_t)n;
		_exit(got == len && memcmp(in, out, len) == 0 ? 0 : 1);
	}
	close(p[0]);
	cr_expect_eq(io_write_all(p[1], out, len), 0);
	close(p[1]);
	{
		int	ws;

		waitpid(pid, &ws, 0);
		cr_expect(WIFEXITED(ws) && WEXITSTATUS(ws) == 0,
			  "the reader got something else");
	}
	free(in);
	free(out);
}

static int gave_up(void *arg)
{
	(*(int *)arg)++;
	errno = EPIPE;
	return 1;
}

Test(io, a_full_pipe_asks_the_caller_and_gives_up_when_told)
{
	int	p[2];
	char	buf[4096] = {0};
	int	asked = 0;
	int	rc = 0;

	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(fcntl(p[1], F_SETFL, O_NONBLOCK), 0);
	/* Nobody reads: the pipe fills, and then the caller is asked. */
	for (int i = 0; i < 1000 && rc == 0; i++)
		rc = io_write_all_or(p[1], buf, sizeof(buf), gave_up, &asked);
	cr_expect_eq(rc, -1);
	cr_expect_eq(errno, EPIPE);
	cr_expect_eq(asked, 1);
	close(p[0]);
	close(p[1]);
}

Test(io, pread_all_reads_to_the_end)
{
	char	path[] = "/tmp/listpipe-io.XXXXXX";
	int	fd = mkstemp(path);
	char	buf[16];

	unlink(path);
	cr_assert_eq(write(fd, "0123456789", 10), 10);
	cr_expect_eq(io_pread_all(fd, buf, sizeof(buf), 4), 6);
	cr_expect(memcmp(buf, "456789", 6) == 0);
	close(fd);
}

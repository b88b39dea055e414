/*
 * io.c - write all, read all.
 */
#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include "common/io.h"

int io_write_all_or(int fd, const void *buf, size_t len,
		    io_blocked_fn blocked, void *arg)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		struct pollfd pfd = {fd, POLLOUT, 0};

		if (n > 0) {
			p += n;
			len -= (size_t)n;
			continue;
		}
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return -1;
		if (poll(&pfd, 1, blocked ? IO_BLOCKED_MS : -1) == 0
		    && blocked && blocked(arg))
			return -1;
	}
	return 0;
}

int io_write_all(int fd, const void *buf, size_t len)
{
	return io_write_all_or(fd, buf, len, NULL, NULL);
}

int io_put_fd(void *arg, const void *buf, size_t len)
{
	return io_write_all(*(const int *)arg, buf, len);
}

ssize_t io_pread_all(int fd, void *buf, size_t len, off_t off)
{
	char   *p = buf;
	size_t	got = 0;

	while (got < len) {
		ssize_t n = pread(fd, p + got, len - got, off + (off_t)got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/*
 * io.h - the one loop that writes a whole buffer, and its reading twin.
 *
 * Both retry on EINTR.  io_write_all is async-signal-safe, so the filter's
 * signal handlers use it too.  A non-blocking descriptor is waited for
 * with poll(2); a caller that must notice something while it waits (the
 * sendmail child exiting) passes a function that is asked every
 * IO_BLOCKED_MS while the descriptor stays unwritable.
 */
#ifndef LISTPIPE_IO_H
#define LISTPIPE_IO_H

#include <stddef.h>
#include <sys/types.h>

#define IO_BLOCKED_MS 200

/* io_blocked_fn - asked while a write waits; non-zero gives up (errno
 * as the function sets it) */
typedef int (*io_blocked_fn)(void *arg);

/* io_write_all - all of buf to fd: 0, or -1 with errno */
int	io_write_all(int fd, const void *buf, size_t len);

/* io_write_all_or - the same, asking blocked() while fd stays full */
int	io_write_all_or(int fd, const void *buf, size_t len,
			io_blocked_fn blocked, void *arg);

/* io_put_fd - io_write_all as a writer callback; arg points to the fd */
int	io_put_fd(void *arg, const void *buf, size_t len);

/* io_pread_all - up to len bytes at off: the count (short only at the end
 * of the file), or -1 with errno */
ssize_t	io_pread_all(int fd, void *buf, size_t len, off_t off);

#endif

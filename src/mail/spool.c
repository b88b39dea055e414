/*
 * spool.c - copy stdin to a private temporary file.
 *
 * The file is created with O_TMPFILE where the kernel has it (it never has
 * a name, so nothing is left behind after a crash) and with mkstemp() and
 * an immediate unlink() elsewhere.  A full disk is reported as 4.3.1 so
 * the maillog says what to fix.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "common/io.h"
#include "mail/spool.h"

#define CHUNK (64 * 1024)

int spool_open_unlinked(int dir_fd, const char *dir, struct status *st)
{
	char	path[4096];
	int	fd;

#ifdef O_TMPFILE
	fd = dir_fd >= 0 ? openat(dir_fd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC,
				  0600)
			 : open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
		return status_temp(st, errno_dsn(errno),
		    "listpipe: spool directory %s: %s", dir, strerror(errno));
#endif
	if (snprintf(path, sizeof(path), "%s/.listpipe.XXXXXX", dir)
	    >= (int)sizeof(path))
		return status_temp(st, "4.3.5",
		    "listpipe: spool directory name too long");
	if ((fd = mkostemp(path, O_CLOEXEC)) < 0)
		return status_temp(st, errno_dsn(errno),
		    "listpipe: spool directory %s: %s", dir, strerror(errno));
	unlink(path);
	return fd;
}

/*
 * header_ended - buf holds an empty line, so the header block is complete.
 * at_start: buf is the start of the message, where a line may be empty
 * without a newline before it.
 */
static int header_ended(const char *buf, size_t len, int at_start)
{
	if (at_start && len >= 1 && (buf[0] == '\n'
	    || (len >= 2 && buf[0] == '\r' && buf[1] == '\n')))
		return 1;
	for (size_t i = 0; i + 1 < len; i++)
		if (buf[i] == '\n' && (buf[i + 1] == '\n'
		    || (buf[i + 1] == '\r' && i + 2 < len && buf[i + 2] == '\n')))
			return 1;
	return 0;
}

/* is_envelope_line - "From sender date", not the obsolete "From : x" field */
static int is_envelope_line(const char *buf, size_t len)
{
	size_t	i = 4;

	if (len < 5 || memcmp(buf, "From ", 5) != 0)
		return 0;
	while (i < len && (buf[i] == ' ' || buf[i] == '\t'))
		i++;
	return i < len && buf[i] != ':';
}

/*
 * skip_envelope_line - the message starts after the mbox "From " line;
 * find its end in the file, however long the line, and load the head
 * again from there.  A line that ran past the head buffer once cut the
 * message down to what followed the buffer.
 */
static int skip_envelope_line(struct spool *sp, char *chunk, struct status *st)
{
	const char *eol = memchr(sp->head, '\n', sp->head_len);
	off_t	off = (off_t)sp->head_len;
	ssize_t n;

	if (eol) {
		sp->start = eol - sp->head + 1;
	} else {
		sp->start = sp->size;		/* nothing but the line */
		while (off < sp->size) {
			if ((n = io_pread_all(sp->fd, chunk, CHUNK, off)) <= 0)
				goto fail;
			if ((eol = memchr(chunk, '\n', (size_t)n)) != NULL) {
				sp->start = off + (eol - chunk) + 1;
				break;
			}
			off += n;
		}
	}
	n = io_pread_all(sp->fd, sp->head, sp->size - sp->start < SPOOL_HEAD_MAX
		       ? (size_t)(sp->size - sp->start) : SPOOL_HEAD_MAX,
		       sp->start);
	if (n < 0)
		goto fail;
	sp->head_len = (size_t)n;
	sp->head[sp->head_len] = 0;
	return 0;

fail:
	return status_temp(st, "4.3.0", "listpipe: read spooled message: %s",
			   n < 0 ? strerror(errno) : "unexpected end");
}

static const char *first_line_newline(const char *head, size_t len)
{
	const char *eol = memchr(head, '\n', len);

	return eol && eol > head && eol[-1] == '\r' ? "\r\n" : "\n";
}

int spool_read(struct spool *sp, int dir_fd, const char *dir, int in_fd,
	       struct status *st)
{
	char   *chunk = NULL;
	int	head_done = 0;

	memset(sp, 0, sizeof(*sp));
	sp->fd = -1;
	if ((sp->fd = spool_open_unlinked(dir_fd, dir, st)) < 0)
		return -1;
	chunk = g_malloc(CHUNK);
	sp->head = g_malloc(SPOOL_HEAD_MAX + 1);
	for (;;) {
		ssize_t n = read(in_fd, chunk, CHUNK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			status_temp(st, "4.3.0", "listpipe: read message: %s",
				    strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		if (io_write_all(sp->fd, chunk, (size_t)n) < 0) {
			status_temp(st, errno_dsn(errno),
			    "listpipe: spool write in %s: %s", dir,
			    strerror(errno));
			goto fail;
		}
		sp->size += n;
		if (!head_done) {
			size_t	room = SPOOL_HEAD_MAX - sp->head_len;
			size_t	take = (size_t)n < room ? (size_t)n : room;
			/* Rescan from just before the new bytes: an empty
			 * line may straddle two reads. */
			size_t	from = sp->head_len >= 2 ? sp->head_len - 2 : 0;

			memcpy(sp->head + sp->head_len, chunk, take);
			sp->head_len += take;
			head_done = sp->head_len == SPOOL_HEAD_MAX
			    || header_ended(sp->head + from, sp->head_len - from,
					    from == 0);
		}
	}
	sp->head[sp->head_len] = 0;
	if (is_envelope_line(sp->head, sp->head_len)
	    && skip_envelope_line(sp, chunk, st) < 0)
		goto fail;
	sp->newline = first_line_newline(sp->head, sp->head_len);
	g_free(chunk);
	return 0;

fail:
	g_free(chunk);
	spool_close(sp);
	return -1;
}

int spool_copy(const struct spool *sp, off_t from, int out_fd,
	       const char *what, struct status *st)
{
	return spool_copy_to(sp, from, io_put_fd, &out_fd, what, st);
}

int spool_copy_to(const struct spool *sp, off_t from, spool_put_fn put,
		  void *arg, const char *what, struct status *st)
{
	char	buf[CHUNK];
	off_t	off = from;

	while (off < sp->size) {
		size_t	want = sp->size - off < CHUNK ? (size_t)(sp->size - off)
						      : CHUNK;
		ssize_t n = pread(sp->fd, buf, want, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return status_temp(st, "4.3.0",
			    "listpipe: read spooled message: %s",
			    n < 0 ? strerror(errno) : "unexpected end");
		if (put(arg, buf, (size_t)n) < 0)
			return status_temp(st, errno_dsn(errno),
			    "listpipe: %s: %s", what, strerror(errno));
		off += n;
	}
	return 0;
}

void spool_close(struct spool *sp)
{
	if (sp->fd >= 0)
		close(sp->fd);
	sp->fd = -1;
	g_free(sp->head);
	sp->head = NULL;
	sp->head_len = 0;
}

/*
 * spool.h - the message as Postfix gave it, kept in an unlinked file.
 *
 * stdin is a pipe and can be read once; list copies in several sendmail
 * batches, or several recipients, each need the message again.  So it is
 * copied to a file first (flat memory for any size), and only its first
 * bytes, enough for the header block, are held in memory.
 */
#ifndef LISTPIPE_SPOOL_H
#define LISTPIPE_SPOOL_H

#include <stddef.h>
#include <sys/types.h>

#include "common/params.h"
#include "common/status.h"

struct spool {
	int	fd;		/* the whole input, unlinked, -1 when closed */
	off_t	size;
	/* Where the message starts: after a leading mbox "From " envelope
	 * line (pipe(8) flag F writes one), which is not part of it. */
	off_t	start;
	/* The first head_len bytes of the message (from start), enough for
	 * the header block unless it is over SPOOL_HEAD_MAX; NUL-terminated. */
	char   *head;
	size_t	head_len;
	/* "\r\n" when the message's first line ends so, else "\n": fields
	 * we add follow the message's own convention. */
	const char *newline;
};

/* spool_read - copy all of in_fd into a new unlinked file in the
 * directory open at dir_fd (named dir in messages), or at the path dir
 * when dir_fd is -1 */
int	spool_read(struct spool *sp, int dir_fd, const char *dir, int in_fd,
		   struct status *st);

/* spool_open_unlinked - an anonymous read-write file in the directory
 * open at dir_fd (the one spooldir_open checked), or at the path dir
 * when dir_fd is -1; for spool_read and for mail listpipe composes */
int	spool_open_unlinked(int dir_fd, const char *dir, struct status *st);

/* spool_copy - write bytes [from, size) of the message to out_fd */
int	spool_copy(const struct spool *sp, off_t from, int out_fd,
		   const char *what, struct status *st);

/* spool_put_fn - a writer for spool_copy_to: all of buf, or -1 and errno */
typedef int (*spool_put_fn)(void *arg, const void *buf, size_t len);

/* spool_copy_to - the same through a writer (inject's pipe to sendmail) */
int	spool_copy_to(const struct spool *sp, off_t from, spool_put_fn put,
		      void *arg, const char *what, struct status *st);

void	spool_close(struct spool *sp);

#endif

/*
 * message.h - the message being delivered: its bytes and its header block.
 *
 * struct message owns the spooled copy of the input (spool.h) and parses
 * the header block only when a handler first asks for it: owner mail,
 * passed-on mail and bounces are never parsed, so a header block GMime
 * would not like never stops them.  A failed parse is remembered and
 * reported the same way to every later caller.
 */
#ifndef LISTPIPE_MESSAGE_H
#define LISTPIPE_MESSAGE_H

#include <sys/types.h>

#include "common/status.h"
#include "mail/headers.h"
#include "mail/spool.h"

struct message {
	struct spool spool;
	struct headers headers;		/* valid once parsed == 1 */
	int	parsed;			/* 0 not yet, 1 done, -1 failed */
	struct status parse_status;	/* why, when parsed == -1 */
};

/* message_read - spool all of in_fd into an unlinked file in the
 * directory open at dir_fd, or at the path dir when dir_fd is -1 */
int	message_read(struct message *m, int dir_fd, const char *dir, int in_fd,
		     struct status *st);

/* message_headers - the parsed header block, parsing it on first use;
 * NULL with st filled when the message has no usable header block */
const struct headers *message_headers(struct message *m, struct status *st);

/* message_start - where the message begins in the spool (after an mbox
 * From_ line) */
off_t	message_start(const struct message *m);

/* message_body - where the body begins in the spool; only after a
 * successful message_headers() */
off_t	message_body(const struct message *m);

void	message_free(struct message *m);

#endif

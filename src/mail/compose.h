/*
 * compose.h - a message of listpipe's own (a notice, a confirmation, a
 * help text), built with GMime into a spool that inject() can send.
 *
 * Every string a caller passes may come from a stranger: a poster's
 * subject, a list description, the Message-ID being answered.  None of
 * it can add a header line.  Addresses and the domain are refused unless
 * they are plain (see below); text is encoded and folded by field.c and
 * every field is checked before it is written; thread ids that are not
 * plain are left out.  The result is 7-bit in its header block, uses LF
 * newlines (sendmail -i takes them), and says it is automatic
 * (Auto-Submitted, X-Auto-Response-Suppress) so that vacation programs
 * and Exchange do not answer it.
 *
 * GMime must be initialised first (headers_init()).
 */
#ifndef LISTPIPE_COMPOSE_H
#define LISTPIPE_COMPOSE_H

#include <sys/types.h>

#include "common/status.h"
#include "mail/spool.h"

struct composition {
	const char *from;		/* address (ASCII, checked) */
	const char *from_name;		/* display name, UTF-8, or NULL */
	const char *to;			/* one address */
	const char *subject;		/* UTF-8 */
	const char *body;		/* UTF-8 text with \n newlines */
	const char *auto_submitted;	/* "auto-generated" or "auto-replied" */
	const char *in_reply_to;	/* Message-ID answered, with or without <>, or NULL */
	const char *references;		/* the answered message's References value, or NULL */
	const char *domain;		/* for the Message-ID: <...@domain> */
	const struct spool *attach;	/* a message to attach whole (message/rfc822), or NULL */
};

/*
 * compose - write the message to a new unlinked file in the directory
 * open at dir_fd (named dir in messages; dir_fd -1: the path dir), then
 * spool it into *out (spool_read), ready for inject() with header NULL
 * and from out->start.  0, or -1 with st (OUTCOME_TEMP); *out can be
 * given to spool_close() either way.
 *
 * from and to must be one plain user@domain each, domain a plain domain:
 * printable ASCII without blanks, quotes, backslashes, <>, (), commas,
 * colons or semicolons, and one '@' (none in domain).  Anything else is
 * refused with 4.3.0 rather than written.  subject, from_name and body
 * have invalid UTF-8 replaced and control characters (but a body's
 * newlines and tabs) turned into spaces; subject and from_name are cut
 * to 500 characters.
 *
 * With attach, the message is multipart/mixed: the text first, then
 * attach's bytes from attach->start to attach->size as message/rfc822,
 * 8bit, copied through a second descriptor without being read into
 * memory (attach->fd's file offset moves; spool users read with pread).
 * A CRLF there becomes LF like every other line of the output.
 */
int	compose(const struct composition *c, int dir_fd, const char *dir,
		struct spool *out, struct status *st);

#endif

/*
 * headers.h - the header block of a message, parsed by GMime, with the
 * original bytes of every field kept.
 *
 * The block ends where Postfix's cleanup(8) ends it: at the first empty
 * line, or at the first line that is neither a header field nor a
 * continuation (then the body starts there, with no separator).
 * Everything from `body` to the end of the message is the body as far as
 * listpipe is concerned and is copied out byte for byte.  (An mbox "From "
 * envelope line is the spool's business: see spool.h.)
 */
#ifndef LISTPIPE_HEADERS_H
#define LISTPIPE_HEADERS_H

#include <stddef.h>
#include <sys/types.h>

#include "common/status.h"

struct header_field {
	size_t	offset;		/* into block */
	size_t	length;		/* raw bytes, folding and newline included */
	const char *name;	/* as GMime parsed it, owned by the list */
	const char *raw_value;	/* after the colon, still folded and encoded */
};

struct headers {
	const char *block;	/* the first field: the caller's buffer */
	size_t	block_len;
	off_t	body;		/* message offset where the body starts */
	const char *newline;	/* "\n", or "\r\n" when the block uses CRLF */
	struct header_field *fields;
	int	nfields;
	void   *parsed;		/* the GMime object that owns names and values */
};

/*
 * headers_parse - find and parse the header block at the start of a
 * message.  head holds the first head_len bytes of a message of
 * message_size bytes.  OUTCOME_BAD_MESSAGE when there is no header block,
 * it holds a NUL, or it does not end within SPOOL_HEAD_MAX bytes.
 */
int	headers_parse(struct headers *hd, const char *head, size_t head_len,
		      off_t message_size, struct status *st);

/* headers_find - index of the first field called name (any case), or -1 */
int	headers_find(const struct headers *hd, const char *name, int from);

/* headers_value - a field's value unfolded and decoded to UTF-8; g_free() */
char   *headers_value(const struct headers *hd, int index);

/*
 * headers_from_address - the first mailbox of the From: field (inside a
 * group too), lower-cased, into out; 0 when there is a usable one, -1
 * when the field is missing or holds no address a member row could.
 */
int	headers_from_address(const struct headers *hd, char *out, size_t size);

/*
 * headers_mailboxes - every mailbox of every field called name (groups
 * opened), each once, as a value listpipe can write: "Name" <addr>, ...
 * with names encoded by field.c; addresses that could not be written
 * safely are left out.  NULL when none is left; g_free() it.
 */
char   *headers_mailboxes(const struct headers *hd, const char *name);

/*
 * headers_author - From's first mailbox: its address into *address
 * (g_free; NULL when there is no usable one) and its display name,
 * decoded, as the result (NULL when it has none).
 */
char   *headers_author(const struct headers *hd, char **address);

/* headers_has_loop - an X-Loop field names this list already */
int	headers_has_loop(const struct headers *hd, const char *list_address);

/* The trace field on mail listpipe passed on (see listpipe.c forward). */
#define PASSED_ON_FIELD "X-Listpipe-Passed-On"

/*
 * headers_raw_has - does the header block at the start of head carry a
 * field name whose value (blanks and <> aside, any case) is value?  A
 * plain scan without GMime, for mail that is passed on and must not be
 * refused for a header block GMime would not like.
 */
int	headers_raw_has(const char *head, size_t len, const char *name,
			const char *value);

void	headers_free(struct headers *hd);

/* headers_init - once per process, before any other call here */
void	headers_init(void);
void	headers_shutdown(void);

#endif

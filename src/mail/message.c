/*
 * message.c - the spooled message and its lazily parsed header block.
 */
#include <string.h>

#include "mail/message.h"

int message_read(struct message *m, int dir_fd, const char *dir, int in_fd,
		 struct status *st)
{
	memset(m, 0, sizeof(*m));
	return spool_read(&m->spool, dir_fd, dir, in_fd, st);
}

const struct headers *message_headers(struct message *m, struct status *st)
{
	if (m->parsed == 0)
		m->parsed = headers_parse(&m->headers, m->spool.head,
					  m->spool.head_len,
					  m->spool.size - m->spool.start,
					  &m->parse_status) < 0 ? -1 : 1;
	if (m->parsed < 0) {
		*st = m->parse_status;
		return NULL;
	}
	return &m->headers;
}

off_t message_start(const struct message *m)
{
	return m->spool.start;
}

off_t message_body(const struct message *m)
{
	return m->spool.start + m->headers.body;
}

void message_free(struct message *m)
{
	if (m->parsed > 0)
		headers_free(&m->headers);
	m->parsed = 0;
	spool_close(&m->spool);
}

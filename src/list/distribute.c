/*
 * distribute.c - rewrite and reinject a post for the members.
 */
#include <glib.h>

#include "common/log.h"
#include "list/distribute.h"
#include "mail/inject.h"
#include "mail/rewrite.h"

int distribute(const struct site *s, const struct list *l,
	       const struct address_list *rcpts, struct message *m,
	       struct status *st)
{
	const struct headers *hd = message_headers(m, st);
	char   *header;
	size_t	header_len;
	int	rc;

	if (hd == NULL)
		return -1;
	if (headers_has_loop(hd, l->address))
		return status_set(st, OUTCOME_LOOP, "5.4.6", "<%s>: mail loop: "
		    "message already carries X-Loop: %s", l->address,
		    l->address);
	if (rcpts->n == 0) {
		log_info("list=<%s>, members=0, status=sent (no enabled "
			 "members)", l->address);
		return 0;
	}
	if (rewrite_list_copy(hd, l, &header, &header_len, st) < 0)
		return -1;
	{
		struct injection in = {
			.sendmail = s->sendmail, .sender = l->bounces,
			.verp = 1, .header = header, .header_len = header_len,
			.spool = &m->spool, .from = message_body(m),
			.dry_run_fd = s->dry_run_fd, .hooks = s->hooks,
		};

		rc = inject(&in, rcpts->v, rcpts->n, st);
	}
	g_free(header);
	if (rc == 0)
		log_info("list=<%s>, members=%zu, runs=%zu, status=sent",
			 l->address, rcpts->n,
			 (rcpts->n + INJECT_BATCH - 1) / INJECT_BATCH);
	return rc;
}

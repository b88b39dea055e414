/*
 * post.c - a post to a list: one rewritten copy for all its members.
 *
 * The header block is parsed here, on first need (owner mail, bounces and
 * passed-on mail are never parsed); the body goes out byte for byte from
 * the spool.
 */
#include <glib.h>

#include "common/log.h"
#include "listpipe/job.h"
#include "mail/rewrite.h"

int deliver_post(struct job *job, struct target *t, struct status *st)
{
	const struct headers *hd = message_headers(job->msg, st);
	char   *header;
	size_t	header_len;
	int	rc;

	if (hd == NULL)
		return -1;
	if (headers_has_loop(hd, t->list.address))
		return status_set(st, OUTCOME_LOOP, "5.4.6", "<%s>: mail loop: "
		    "message already carries X-Loop: %s", t->address,
		    t->list.address);
	if (t->rcpts.n == 0) {
		log_info("to=<%s>, list=<%s>, members=0, status=sent "
			 "(no enabled members)", t->address, t->list.address);
		return 0;
	}
	if (rewrite_list_copy(hd, &t->list, &header, &header_len, st) < 0)
		return -1;
	rc = job_inject(job, t, t->list.bounces, header, header_len,
			message_body(job->msg), st);
	g_free(header);
	if (rc == 0)
		log_info("to=<%s>, list=<%s>, members=%zu, runs=%zu, status=sent",
			 t->address, t->list.address, t->rcpts.n,
			 (t->rcpts.n + INJECT_BATCH - 1) / INJECT_BATCH);
	return rc;
}

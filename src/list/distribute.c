/*
 * distribute.c - rewrite and reinject a post for the members, exactly
 * once.
 *
 * Before anything is sent the distribution is claimed in the journal
 * (db/journal.h) under its key: a retry of the same queue file resumes
 * after the last sendmail run accepted, another recipient of the same
 * queue file (team+1@, team+2@) finds it claimed, and a Message-ID the
 * list distributed under another key within its dedupe_hours is not
 * sent again.  Each run accepted is recorded before the next starts.
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "common/log.h"
#include "db/journal.h"
#include "list/distribute.h"
#include "mail/inject.h"
#include "mail/rewrite.h"

/* What the accepted-run callback needs. */
struct progress {
	const struct site *s;
	const char *key;
	const char *list;
	int	before;		/* runs accepted by earlier attempts */
	int	missed;		/* the first run the journal could not take */
};

/*
 * record_run - a sendmail run accepted: into the journal.  A failure is
 * only logged and the delivery goes on: the runs are queued whatever the
 * journal says, and if all of them go through there is no retry to
 * repeat any.  After one failure (a lock past the busy timeout, most
 * likely) no more are tried, so that a long list does not wait the
 * timeout once a run.
 */
static void record_run(void *arg, int run, char *const *rcpts, size_t n)
{
	struct progress *p = arg;
	struct status st;

	if (p->missed)
		return;
	if (journal_batch(p->s->db, p->key, p->list, p->before + run,
			  rcpts[n - 1], n, &st) < 0) {
		p->missed = p->before + run;
		log_warn("list=<%s>: sendmail run %d (%zu recipients) and the "
			 "ones after it are queued but not in the journal: a "
			 "retry would send them again: %s", p->list,
			 p->missed, n, st.reason);
	}
}

/* message_id - the post's Message-ID, trimmed; NULL when it has none
 * or one longer than a header line may be (nothing to compare then) */
static char *message_id(const struct headers *hd)
{
	int	i = headers_find(hd, "Message-ID", 0);
	char   *v;

	if (i < 0)
		return NULL;
	v = g_strstrip(headers_value(hd, i));
	if (*v == 0 || strlen(v) > 998) {
		g_free(v);
		return NULL;
	}
	return v;
}

int distribute(const struct site *s, const struct list *l,
	       const struct address_list *rcpts, struct message *m,
	       const char *key, const char *rcpt, struct status *st)
{
	const struct headers *hd = message_headers(m, st);
	struct journal_claim c;
	struct progress p = {s, key, l->address, 0, 0};
	char   *mid, *header;
	size_t	header_len, skip = 0;
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
	/* A dry run writes nothing, the journal least of all. */
	if (s->dry_run_fd >= 0)
		key = NULL;
	mid = message_id(hd);
	if (journal_claim(s->db, key, l->address, rcpt, mid, l->dedupe_hours,
			  &c, st) < 0) {
		g_free(mid);
		return -1;
	}
	switch (c.claim) {
	case CLAIM_OTHER:
		log_info("list=<%s>, status=sent (already distributed for <%s> "
			 "from this queue file)", l->address, c.holder);
		rc = 0;
		goto done;
	case CLAIM_DUPLICATE:
		log_info("list=<%s>, message-id=%s, status=discarded (duplicate: "
			 "distributed as %s within %d hours)", l->address, mid,
			 c.holder, l->dedupe_hours);
		if (s->dry_run_fd >= 0)
			dprintf(s->dry_run_fd, "duplicate of %s (distributed as "
				"%s within %d hours): not sent again\n", mid,
				c.holder, l->dedupe_hours);
		rc = 0;
		goto done;
	case CLAIM_BUSY:
		/* Both would send the same runs: wait for it to end. */
		rc = status_temp(st, "4.3.0", "listpipe: <%s>: listpipe (pid "
				 "%s) is still sending this post", l->address,
				 c.holder);
		goto done;
	case CLAIM_RESUME:
		/* Runs go in address order: resume after the last one. */
		p.before = c.batches;
		while (c.resume_after && skip < rcpts->n
		       && strcmp(rcpts->v[skip], c.resume_after) <= 0)
			skip++;
		log_info("list=<%s>, status=resumed (%d runs, %zu of %zu "
			 "members queued by an earlier attempt)", l->address,
			 c.batches, skip, rcpts->n);
		if (skip == rcpts->n) {
			rc = 0;
			goto done;
		}
		break;
	case CLAIM_NEW:
		break;
	}
	if ((rc = rewrite_list_copy(hd, l, &header, &header_len, st)) < 0)
		goto done;
	{
		struct injection in = {
			.sendmail = s->sendmail, .sender = l->bounces,
			.verp = 1, .header = header, .header_len = header_len,
			.spool = &m->spool, .from = message_body(m),
			.dry_run_fd = s->dry_run_fd, .hooks = s->hooks,
			.accepted = key ? record_run : NULL,
			.accepted_arg = &p,
		};

		rc = inject(&in, rcpts->v + skip, rcpts->n - skip, st);
	}
	g_free(header);
	if (rc < 0 && p.missed) {
		struct status failed = *st;

		status_temp(st, failed.dsn, "%s; the journal missed run %d and "
			    "after: a retry sends those again", failed.reason,
			    p.missed);
	}
	if (rc == 0)
		log_info("list=<%s>, members=%zu, runs=%zu, status=sent",
			 l->address, rcpts->n - skip,
			 (rcpts->n - skip + INJECT_BATCH - 1) / INJECT_BATCH);
	/* Without a key the Message-ID counts once the post is out. */
	if (rc == 0 && key == NULL && mid && s->dry_run_fd < 0
	    && l->dedupe_hours > 0) {
		struct status ignored;

		if (journal_seen(s->db, l->address, mid, key, &ignored) < 0)
			log_warn("%s", ignored.reason);
	}
done:
	/* Ours, sent or not: no longer being sent by this process. */
	if (key && (c.claim == CLAIM_NEW || c.claim == CLAIM_RESUME)) {
		struct status ignored;

		if (journal_release(s->db, key, l->address, &ignored) < 0)
			log_warn("%s", ignored.reason);
	}
	journal_claim_free(&c);
	g_free(mid);
	return rc;
}

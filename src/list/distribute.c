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
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "common/address.h"
#include "common/io.h"
#include "common/log.h"
#include "db/journal.h"
#include "list/distribute.h"
#include "mail/dkim.h"
#include "mail/inject.h"
#include "mail/maildir.h"
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

/*
 * verp_this - does this post go out VERPed?  lists.verp N > 1 picks one
 * post in N by a hash of its Message-ID (the queue id, or nothing, when
 * it has none): a retry of the same post decides the same way, and the
 * picks spread over posts, not over the members of one.
 */
static int verp_this(const struct list *l, const char *key, const char *mid)
{
	const char *s = mid ? mid : key ? key : "";
	guint32	h = 2166136261u;	/* FNV-1a */

	if (l->verp <= 1)
		return l->verp == 1;
	for (; *s; s++)
		h = (h ^ (guchar)*s) * 16777619u;
	return h % (guint32)l->verp == 0;
}

/* say - one line of the dry run's account, "# ..." */
static int say(const struct site *s, struct status *st, const char *fmt, ...)
	G_GNUC_PRINTF(3, 4);

static int say(const struct site *s, struct status *st, const char *fmt, ...)
{
	va_list	ap;
	char   *line;
	int	rc;

	if (s->dry_run_fd < 0)
		return 0;
	va_start(ap, fmt);
	line = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	rc = io_write_all(s->dry_run_fd, line, strlen(line));
	g_free(line);
	return rc < 0 ? status_temp(st, "4.3.0", "listpipe: write: %s",
				    strerror(errno)) : 0;
}

/*
 * decide_from - does this copy's From become the list's?  Logged with
 * the reason for every post of a list that may rewrite.
 */
static int decide_from(const struct site *s, const struct list *l,
		       const struct headers *hd, char *why, size_t size)
{
	char	author[ADDRESS_MAX];
	struct dmarc_result r;

	*why = 0;
	if (l->from_rewrite == FROM_NEVER)
		return 0;
	if (l->from_rewrite == FROM_ALWAYS) {
		snprintf(why, size, "always");
		return 1;
	}
	if (headers_from_address(hd, author, sizeof(author)) < 0) {
		/* Nobody's domain to ask: the author's name is not ours to
		 * lose, and From stays. */
		snprintf(why, size, "no author address");
		return 0;
	}
	/* headers_from_address gives an address with an '@'. */
	dmarc_check(strrchr(author, '@') + 1, s->resolver, s->dmarc, &r);
	snprintf(why, size, "dmarc %s: %s",
		 r.verdict == DMARC_STRICT ? "strict"
		 : r.verdict == DMARC_UNKNOWN ? "unknown, counted strict"
		 : "relaxed", r.why);
	return r.verdict != DMARC_RELAXED;
}

/*
 * list_copy - the copy's header block: From decided, the author's DKIM
 * signatures respected as the list says, and what was left out and why
 * logged and, in a dry run, printed.
 */
static int list_copy(const struct site *s, const struct list *l,
		     const struct headers *hd, char **header,
		     size_t *header_len, struct status *st)
{
	struct dkim_cover cover;
	struct rewrite_options opt = {NULL, 0};
	struct rewrite_report report = {NULL, 0};
	char	why[400];
	int	rc;

	*header = NULL;
	opt.from = decide_from(s, l, hd, why, sizeof(why));
	/* Rewriting From breaks the author's signature whatever else
	 * changes: then nothing is spared for it. */
	dkim_cover_read(hd, &cover);
	if (l->dkim == DKIM_RESPECT && !opt.from && cover.signatures)
		opt.keep = &cover;
	rc = rewrite_list_copy(hd, l, &opt, header, header_len, &report, st);
	if (rc == 0 && *why)
		log_info("list=<%s>, from=%s (%s)", l->address,
			 opt.from ? "rewritten" : "kept", why);
	if (rc == 0 && report.kept)
		log_info("list=<%s>, dkim=%s, kept=%s (signed: changing them "
			 "would break the signature)%s", l->address,
			 cover.domains, report.kept, report.loop_field ? ""
			 : "; no X-Loop: the loop guard is the envelope sender "
			 "and the Message-ID");
	if (rc == 0 && *why)
		rc = say(s, st, "# From %s (%s)\n", opt.from ? "rewritten"
			 : "kept", why);
	if (rc == 0 && report.kept)
		rc = say(s, st, "# DKIM signature by %s covers these: not "
			 "changed: %s\n", cover.domains, report.kept);
	if (rc == 0 && report.kept && !report.loop_field)
		rc = say(s, st, "# no X-Loop (signed): loops are caught by the "
			 "envelope sender and the Message-ID\n");
	if (rc == 0 && cover.signatures && l->dkim == DKIM_IGNORE)
		rc = say(s, st, "# dkim ignore: the signature by %s may no "
			 "longer verify\n", cover.domains);
	g_free(report.kept);
	dkim_cover_free(&cover);
	if (rc < 0) {
		g_free(*header);
		*header = NULL;
	}
	return rc;
}

/*
 * archive - the list copy into SPOOL/archive/LIST, once per key: a retry
 * whose claim says it is archived already does not archive it again.
 */
static int archive(const struct site *s, const struct list *l,
		   const char *key, const struct journal_claim *c,
		   const char *header, size_t header_len, struct message *m,
		   struct status *st)
{
	const char *below[] = {"archive", l->address, NULL};
	struct maildir_place place = {s->spool_fd, s->spooldir, below};
	char	name[MAILDIR_NAME_MAX];

	if (c->archived) {
		log_info("list=<%s>, archived=%s (by an earlier attempt)",
			 l->address, c->archived);
		return 0;
	}
	if (s->spool_fd < 0 && s->dry_run_fd < 0)
		return status_temp(st, "4.3.0", "listpipe: <%s>: no spool "
				   "directory for the archive", l->address);
	if (maildir_store_copy(&place, header, header_len, &m->spool,
			       message_body(m), s->dry_run_fd, name, st) < 0)
		return -1;
	if (s->dry_run_fd >= 0 || key == NULL)
		return 0;
	/* Not recorded: a retry archives it twice, which is better than
	 * not sending the post. */
	if (journal_archived(s->db, key, l->address, name, st) < 0) {
		log_warn("list=<%s>: archived as %s but not in the journal: %s",
			 l->address, name, st->reason);
		status_ok(st);
	}
	return 0;
}

int distribute(const struct site *s, const struct list *l,
	       const struct address_list *rcpts, struct message *m,
	       const char *key, const char *rcpt, struct status *st)
{
	const struct headers *hd = message_headers(m, st);
	struct journal_claim c;
	struct progress p = {s, key, l->address, 0, 0};
	char   *mid, *header = NULL;
	size_t	header_len, skip = 0;
	int	rc;

	if (hd == NULL)
		return -1;
	if (headers_has_loop(hd, l->address))
		return status_set(st, OUTCOME_LOOP, "5.4.6", "<%s>: mail loop: "
		    "message already carries X-Loop: %s", l->address,
		    l->address);
	/* An archived list with nobody to send to still archives. */
	if (rcpts->n == 0 && !l->archive) {
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
		rc = say(s, st, "duplicate of %s (distributed as %s within %d "
			 "hours): not sent again\n", mid, c.holder,
			 l->dedupe_hours);
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
		/* All sent: done, unless the archive still lacks it. */
		if (skip == rcpts->n && !(l->archive && c.archived == NULL)) {
			rc = 0;
			goto done;
		}
		break;
	case CLAIM_NEW:
		break;
	}
	if ((rc = list_copy(s, l, hd, &header, &header_len, st)) < 0)
		goto done;
	if (l->archive && (rc = archive(s, l, key, &c, header, header_len, m,
					st)) < 0) {
		g_free(header);
		goto done;
	}
	if (skip == rcpts->n) {
		/* Archived, and nobody (left) to send to. */
		log_info("list=<%s>, members=0, status=sent (archived)",
			 l->address);
		g_free(header);
		goto done;
	}
	{
		struct injection in = {
			.sendmail = s->sendmail, .sender = l->bounces,
			.verp = verp_this(l, key, mid), .header = header,
			.header_len = header_len,
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

/*
 * post.c - a post to a list: checked against the list's rules, then one
 * rewritten copy for all its members, or held, discarded or refused.
 *
 * The header block is parsed here, on first need (owner mail, bounces and
 * passed-on mail are never parsed); the body goes out byte for byte from
 * the spool.  Who "the sender" is: the first From: address, the address
 * the members see and the one DMARC checks at the receiving MTA; the
 * envelope sender only when there is no usable From: (listpipe(5)).
 */
#include <errno.h>
#include <string.h>

#include "common/io.h"
#include "common/log.h"
#include "db/members.h"
#include "list/distribute.h"
#include "list/moderate.h"
#include "list/policy.h"
#include "listpipe/job.h"

/* facts - what the policy needs to know about this post */
static int facts(struct job *job, struct target *t, const struct headers *hd,
		 char *author, size_t size, struct post_facts *f,
		 struct status *st)
{
	const char *sender = job->cf->sender;
	unsigned envelope_roles = 0;

	memset(f, 0, sizeof(*f));
	f->sender = sender;
	f->author = headers_from_address(hd, author, size) == 0 ? author : NULL;
	f->size = job->msg->spool.size - job->msg->spool.start;
	/* An open list asks nobody's roles: one query fewer a post. */
	if (t->list.policy != POLICY_OPEN && (f->author || *sender)) {
		if (db_sender_roles(job->site.db, t->list.address,
				    f->author ? f->author : sender, &f->roles,
				    st) < 0)
			return -1;
		f->roles &= ~ROLE_LIST;
	}
	/* A copy from one of our lists is known by its envelope sender. */
	if (*sender && db_sender_roles(job->site.db, t->list.address, sender,
				       &envelope_roles, st) < 0)
		return -1;
	f->roles |= envelope_roles & ROLE_LIST;
	/* An upstream list this list is subscribed to marks its posts
	 * Precedence: list; the operator vouches for it by making its
	 * envelope sender a poster. */
	if (envelope_roles & ROLE_POSTER)
		f->roles |= ROLE_UPSTREAM;
	f->automatic = policy_automatic(sender, hd, f->roles);
	return 0;
}

int deliver_post(struct job *job, struct target *t, struct status *st)
{
	const struct headers *hd = message_headers(job->msg, st);
	char	author[ADDRESS_MAX];
	struct post_facts f;
	struct decision d;

	if (hd == NULL)
		return -1;
	/* A loop is a loop whoever sent it: before any rule. */
	if (headers_has_loop(hd, t->list.address))
		return status_set(st, OUTCOME_LOOP, "5.4.6", "<%s>: mail loop: "
		    "message already carries X-Loop: %s", t->address,
		    t->list.address);
	if (policy_own_copy(&t->list, job->cf->sender))
		return status_set(st, OUTCOME_LOOP, "5.4.6", "<%s>: mail loop: "
		    "the envelope sender %s is this list's own", t->address,
		    job->cf->sender);
	if (facts(job, t, hd, author, sizeof(author), &f, st) < 0)
		return -1;
	policy_decide(&t->list, &f, &d);
	if (d.verdict != VERDICT_ACCEPT || job->cf->verbose)
		log_info("to=<%s>, from=<%s>, author=<%s>, roles=%#x, size=%lld, "
			 "policy=%s, verdict=%s%s%s", t->address, f.sender,
			 f.author ? f.author : "", f.roles, f.size,
			 list_policy_names[t->list.policy],
			 verdict_names[d.verdict], *d.reason ? ": " : "",
			 d.reason);
	switch (d.verdict) {
	case VERDICT_ACCEPT:
		/* Postfix's queue id keys the journal; without one (a
		 * command line) there is nothing to resume. */
		return distribute(&job->site, &t->list, &t->rcpts, job->msg,
				  strcmp(job->cf->queue_id, "-") != 0
				  ? job->cf->queue_id : NULL, t->address, st);
	case VERDICT_REJECT:
		return status_set(st, d.outcome, NULL, "%s", d.reason);
	case VERDICT_DISCARD:
		if (job->dry_run_fd >= 0) {
			static const char line[] = "# would discard it\n";

			if (io_write_all(job->dry_run_fd, line, sizeof(line) - 1) < 0)
				return status_temp(st, "4.3.0", "listpipe: "
						   "write: %s", strerror(errno));
		}
		log_info("to=<%s>, from=<%s>, status=discarded (%s)", t->address,
			 f.sender, d.reason);
		return 0;
	case VERDICT_HOLD:
		return moderate_hold(&job->site, &t->list, job->msg, &f,
				     d.reason, st);
	}
	return status_temp(st, "4.3.0", "listpipe: internal error: verdict %d",
			   d.verdict);
}

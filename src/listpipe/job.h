/*
 * job.h - one delivery: what every handler gets, and the handlers.
 *
 * main() reads the message, routes each recipient to a target and calls
 * the handler for the target's kind, as Postfix local(8)'s
 * deliver_switch does; a new kind of address is a new file here and one
 * line in main.c's table.
 */
#ifndef LISTPIPE_JOB_H
#define LISTPIPE_JOB_H

#include "common/status.h"
#include "listpipe/config.h"
#include "list/site.h"
#include "listpipe/route.h"
#include "mail/inject.h"
#include "mail/message.h"

struct job {
	const struct config *cf;
	struct message *msg;
	int	spool_fd;		/* the spool directory; -1 in a dry run
					 * without one */
	int	dry_run_fd;		/* >= 0: print instead of delivering */
	const struct inject_hooks *hooks;
	struct site site;		/* the same, with the open database,
					 * for the list layer */
};

/* A handler: 0 when done, -1 with st (a verdict or a deferral). */
typedef int handler_fn(struct job *job, struct target *t, struct status *st);

handler_fn deliver_post;	/* post.c: the list copy for the members */
handler_fn deliver_owner;	/* owner.c: unchanged, to the owners */
handler_fn deliver_bounce;	/* bounces.c: into the list's bounce Maildir */
handler_fn deliver_pass;	/* pass.c: unchanged, on to Postfix (-p) */
handler_fn deliver_request;	/* request.c: the list-request@ robot */

/*
 * job_inject - hand the message from spool offset from, after header
 * (NULL for none), to sendmail for t's recipients with sender as the
 * envelope sender
 */
int	job_inject(struct job *job, struct target *t, const char *sender,
		   const char *header, size_t header_len, off_t from,
		   struct status *st);

#endif

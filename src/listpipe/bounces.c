/*
 * bounces.c - mail to list-bounces@ (or list-bounces+anything@): stored
 * as it came in the list's bounce Maildir, with Delivered-To naming the
 * envelope recipient so that a VERP extension survives.
 */
#include "common/log.h"
#include "listpipe/job.h"
#include "mail/maildir.h"

int deliver_bounce(struct job *job, struct target *t, struct status *st)
{
	/* The list address comes from the database, whose CHECK keeps '/'
	 * out; spooldir refuses one anyway rather than write outside the
	 * spool. */
	const char *const below[] = {"bounces", t->list.address, NULL};
	struct maildir_place place = {job->spool_fd, job->cf->spooldir, below};

	if (maildir_store(&place, t->address, &job->msg->spool,
			  job->dry_run_fd, NULL, st) < 0)
		return -1;
	log_info("to=<%s>, from=<%s>, list=<%s>, status=stored (bounce)",
		 t->address, job->cf->sender, t->list.address);
	return 0;
}

/*
 * owner.c - mail to list-owner@: unchanged, to the list's owners.
 */
#include "common/log.h"
#include "listpipe/job.h"

int deliver_owner(struct job *job, struct target *t, struct status *st)
{
	/* Failures to reach an owner come back to the list, not to a
	 * stranger who wrote to list-owner@. */
	if (job_inject(job, t, t->list.bounces, NULL, 0,
		       message_start(job->msg), st) < 0)
		return -1;
	log_info("to=<%s>, from=<%s>, owners, status=sent", t->address,
		 job->cf->sender);
	return 0;
}

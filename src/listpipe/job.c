/*
 * job.c - what the handlers share: reinjection with the job's settings.
 */
#include "listpipe/job.h"

int job_inject(struct job *job, struct target *t, const char *sender,
	       const char *header, size_t header_len, off_t from,
	       struct status *st)
{
	struct injection in = {
		.sendmail = job->cf->sendmail, .sender = sender,
		.header = header, .header_len = header_len,
		.spool = &job->msg->spool, .from = from,
		.dry_run_fd = job->dry_run_fd, .hooks = job->hooks,
	};

	return inject(&in, t->rcpts.v, t->rcpts.n, st);
}

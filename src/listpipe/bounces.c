/*
 * bounces.c - mail to list-bounces@ (or list-bounces+anything@): stored
 * first, exactly as it came, in the list's bounce Maildir with
 * Delivered-To naming the envelope recipient so that a VERP extension
 * survives; then read and recorded (list/bounce.h).  Once stored, the
 * bounce is delivered: nothing the analysis finds or fails at can defer
 * it or lose the file.
 */
#include <stdio.h>
#include <unistd.h>

#include "common/log.h"
#include "list/bounce.h"
#include "listpipe/job.h"
#include "mail/maildir.h"

int deliver_bounce(struct job *job, struct target *t, struct status *st)
{
	/* The list address comes from the database, whose CHECK keeps '/'
	 * out; spooldir refuses one anyway rather than write outside the
	 * spool. */
	const char *const below[] = {"bounces", t->list.address, NULL};
	struct maildir_place place = {job->spool_fd, job->cf->spooldir, below};
	char	name[MAILDIR_NAME_MAX] = "";
	char	file[MAILDIR_NAME_MAX + 300];
	struct status ignored;
	int	fd;

	if (maildir_store(&place, t->address, &job->msg->spool,
			  job->dry_run_fd, name, st) < 0)
		return -1;
	if (job->dry_run_fd >= 0) {
		bounce_process(&job->site, &t->list, t->address, "(dry run)",
			       job->msg->spool.fd);
		return 0;
	}
	log_info("to=<%s>, from=<%s>, list=<%s>, status=stored (bounce %s)",
		 t->address, job->cf->sender, t->list.address, name);
	if (snprintf(file, sizeof(file), "bounces/%s/new/%s", t->list.address,
		     name) >= (int)sizeof(file)) {
		log_warn("list=<%s>, bounce %s: name too long to record",
			 t->list.address, name);
		return 0;
	}
	if (maildir_open(&place, name, &fd, &ignored) < 0) {
		log_warn("list=<%s>, bounce %s stored but not analysed: %s",
			 t->list.address, name, ignored.reason);
		return 0;
	}
	bounce_process(&job->site, &t->list, t->address, file, fd);
	close(fd);
	return 0;
}

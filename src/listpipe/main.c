/*
 * listpipe - Postfix pipe(8) filter for mailing lists.
 *
 *   listpipe [-d database] [-s sendmail] [-m spooldir] [-q queue_id]
 *            [-l logfile] [-t timeout] [-n] [-p] [-v] -f sender -- recipient...
 *
 * main() sets up the standard descriptors, logging and the last-resort
 * handlers, then delivers: route every recipient (route.c, database
 * reads only, so a database problem defers with nothing sent), read the
 * message, and hand each target to the handler for its kind (job.h).
 * The one exit status covers all recipients: a deferral wins over a
 * bounce, a bounce over success (see outcome.h and listpipe(8)).
 */
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>

#include "common/io.h"
#include "common/log.h"
#include "db/db.h"
#include "listpipe/config.h"
#include "listpipe/job.h"
#include "listpipe/outcome.h"
#include "listpipe/route.h"
#include "mail/headers.h"
#include "mail/spooldir.h"

/* One handler per kind of address (job.h). */
static handler_fn *const handlers[] = {
	[TARGET_LIST] = deliver_post,
	[TARGET_OWNER] = deliver_owner,
	[TARGET_BOUNCES] = deliver_bounce,
	[TARGET_PASS] = deliver_pass,
	[TARGET_REQUEST] = deliver_request,
};

/* The filter's answers to inject's questions (outcome.h). */
static const struct inject_hooks hooks = {
	outcome_watch_child, outcome_stopping, outcome_progress,
};

/* setup_stdio - fds 0-2 open; a private copy of stdout for the status
 * line; in filter mode stdout and stderr go to /dev/null so nothing a
 * library prints can come before the status line. */
static int setup_stdio(int filter_mode)
{
	int	fd;
	int	status_fd;

	while ((fd = open("/dev/null", O_RDWR)) >= 0 && fd <= 2)
		;
	if (fd > 2)
		close(fd);
	status_fd = fcntl(1, F_DUPFD_CLOEXEC, 3);
	if (status_fd < 0)
		status_fd = 1;
	if (filter_mode && status_fd != 1
	    && (fd = open("/dev/null", O_WRONLY)) >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
	}
	return status_fd;
}

static void keep_worst(struct status *worst, const struct status *st)
{
	if (outcome_worse(st->outcome, worst->outcome))
		*worst = *st;
}

/* route_all - every recipient's target, before anything is delivered;
 * the database stays open in *db for the handlers (roles, held posts) */
static int route_all(const struct config *cf, struct target *targets,
		     struct db **db, struct status *st)
{
	int	i;

	if (db_open(db, cf->database, cf->dry_run, st) < 0)
		return -1;
	for (i = 0; i < cf->nrecipients; i++)
		if (route(cf, *db, cf->recipients[i], &targets[i], st) < 0)
			break;
	return i < cf->nrecipients ? -1 : 0;
}

/* dispatch - one target to its handler; a refusal is its verdict */
static int dispatch(struct job *job, struct target *t, struct status *st)
{
	if (t->kind == TARGET_REFUSED) {
		*st = t->verdict;
		return -1;
	}
	return handlers[t->kind](job, t, st);
}

/*
 * deliver - route every recipient, then hand each to its handler and
 * keep the worst status: a deferral wins over a bounce, a bounce over
 * success, and after a deferral the rest are not tried.
 */
static int deliver(const struct config *cf, int out_fd, struct status *result)
{
	struct target *targets = g_new0(struct target, cf->nrecipients);
	struct message msg;
	struct dmarc_cache dmarc = {.valid = 0};
	struct job job = {cf, &msg, -1, out_fd, &hooks,
			  {NULL, -1, cf->spooldir, cf->sendmail, out_fd, &hooks,
			   cf->resolver, &dmarc}};
	int	have_msg = 0;
	int	i;

	status_ok(result);
	if (route_all(cf, targets, &job.site.db, result) < 0)
		goto done;
	/* A dry run may look without a usable spool directory; it says so. */
	if (spooldir_open(cf->spooldir, &job.spool_fd, result) < 0) {
		if (!cf->dry_run)
			goto done;
		log_warn("%s", result->reason);
	}
	/* The temporary copy goes into the directory just checked, through
	 * its descriptor, not into whatever the path names by now. */
	if ((job.spool_fd < 0
	     || message_read(&msg, job.spool_fd, cf->spooldir, 0, result) < 0)
	    && !(cf->dry_run
		 && message_read(&msg, -1, g_get_tmp_dir(), 0, result) == 0))
		goto done;
	have_msg = 1;
	job.site.spool_fd = job.spool_fd;
	status_ok(result);
	for (i = 0; i < cf->nrecipients && result->outcome != OUTCOME_TEMP
		    && !outcome_stopping(); i++) {
		struct target *t = &targets[i];
		struct status st;

		status_ok(&st);
		if (dispatch(&job, t, &st) < 0) {
			log_info("to=<%s>, from=<%s>, status=%s (%s %s)",
				 t->address, cf->sender,
				 st.outcome == OUTCOME_TEMP ? "deferred"
							    : "bounced",
				 outcome_dsn(&st), st.reason);
			keep_worst(result, &st);
		}
	}
	/* A stop that left recipients untried leaves them to the retry. */
	if (i < cf->nrecipients && result->outcome != OUTCOME_TEMP)
		status_temp(result, "4.3.0", "listpipe: %d of %d recipients "
			    "not handled", cf->nrecipients - i, cf->nrecipients);

done:
	db_close(job.site.db);
	if (have_msg)
		message_free(&msg);
	if (job.spool_fd >= 0)
		close(job.spool_fd);
	for (i = 0; i < cf->nrecipients; i++)
		target_free(&targets[i]);
	g_free(targets);
	return result->outcome == OUTCOME_OK ? 0 : -1;
}

/*
 * stop_with_parent - pipe(8) starts its command in a session of its own,
 * so "postfix stop" kills pipe(8) and leaves us running; a restarted
 * Postfix then delivers the same queue file again beside us, and the two
 * send the same runs.  Have the kernel send the SIGTERM Postfix never
 * does (outcome.c's handler stops at the next run and defers) when the
 * parent goes, and check it has not gone already.
 */
static void stop_with_parent(void)
{
#ifdef __linux__
	pid_t	parent = getppid();

	if (prctl(PR_SET_PDEATHSIG, SIGTERM) == 0 && getppid() != parent)
		raise(SIGTERM);
#endif
}

int main(int argc, char **argv)
{
	struct config cf;
	struct status st;
	int	status_fd;
	int	parsed;

	umask(077);
	status_ok(&st);
	parsed = config_parse(&cf, argc, argv, &st);
	status_fd = setup_stdio(parsed == 0 && cf.mode == MODE_DELIVER
				&& !cf.dry_run);
	if (parsed == 0 && cf.mode != MODE_DELIVER) {
		const char *text = cf.mode == MODE_HELP ? config_usage()
				   : "listpipe " LISTPIPE_VERSION "\n";

		return io_write_all(status_fd, text, strlen(text)) < 0 ? 75 : 0;
	}
	outcome_init(status_fd, parsed == 0 ? cf.timeout : DEF_TIMEOUT);
	stop_with_parent();
	if (parsed < 0) {
		/* cf holds whatever was parsed before the error, -l included. */
		log_open(cf.logfile ? LOG_TO_FILE : LOG_TO_SYSLOG, cf.logfile,
			 cf.queue_id, 0);
		log_error("%s", st.reason);
		outcome_exit(&st);
	}
	log_open(cf.logfile ? LOG_TO_FILE : cf.dry_run ? LOG_TO_STDERR
		 : LOG_TO_SYSLOG, cf.logfile, cf.queue_id, cf.verbose);
	if (!cf.dry_run && geteuid() == 0) {
		status_temp(&st, "4.3.5", "listpipe: refusing to deliver as "
			    "root: set user= in master.cf");
		log_error("%s", st.reason);
		outcome_exit(&st);
	}
	headers_init();
	deliver(&cf, cf.dry_run ? status_fd : -1, &st);
	/* The watchdog or a SIGTERM that cut something short: say so, with
	 * what failed on the way.  One that came after everything was
	 * delivered changes nothing: a deferral now would send it twice. */
	if (st.outcome == OUTCOME_TEMP)
		outcome_stopped(&st);
	/* A dry run delivers nothing, and says so with EX_TEMPFAIL: should
	 * -n ever be left in master.cf, Postfix keeps the mail. */
	if (cf.dry_run && st.outcome == OUTCOME_OK)
		status_temp(&st, "4.7.0", "listpipe: dry run (-n): nothing "
			    "was delivered");
	if (st.outcome == OUTCOME_TEMP)
		log_warn("deferred: %s", st.reason);
	headers_shutdown();
	log_close();
	outcome_exit(&st);
}

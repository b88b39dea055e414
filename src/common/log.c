/*
 * log.c - syslog, a log file, or stderr for a dry run.
 *
 * Lines look like Postfix's own: "QUEUEID: what happened".  A log file is
 * opened with O_APPEND and every line goes out in one write(2), so
 * concurrent listpipe processes never interleave within a line.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/text.h"

static struct {
	enum log_target target;
	int	fd;
	int	verbose;
	char	queue_id[64];
} lg = {LOG_TO_SYSLOG, -1, 0, "-"};

void log_open(enum log_target target, const char *path, const char *queue_id,
	      int verbose)
{
	lg.target = target;
	lg.verbose = verbose;
	if (snprintf(lg.queue_id, sizeof(lg.queue_id), "%s",
		     queue_id && *queue_id ? queue_id : "-")
	    >= (int)sizeof(lg.queue_id))
		lg.queue_id[sizeof(lg.queue_id) - 1] = 0;
	if (target == LOG_TO_FILE) {
		/* 0600: it names senders and recipients, and the umask is
		 * 077 anyway; the postmaster reads it as root. */
		lg.fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
			     0600);
		if (lg.fd < 0) {
			int	err = errno;

			lg.target = LOG_TO_SYSLOG;
			openlog("listpipe", LOG_PID | LOG_NDELAY, LOG_MAIL);
			syslog(LOG_MAIL | LOG_WARNING,
			       "%s: warning: open log file %s: %s",
			       lg.queue_id, path, strerror(err));
			return;
		}
	} else if (target == LOG_TO_STDERR) {
		lg.fd = 2;
	} else {
		openlog("listpipe", LOG_PID | LOG_NDELAY, LOG_MAIL);
	}
}

static void vlog(int priority, const char *level, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

static void vlog(int priority, const char *level, const char *fmt, va_list ap)
{
	char	msg[2048];
	char	line[2300];
	char	stamp[32];
	time_t	now;
	struct tm tm;
	int	n;

	if (vsnprintf(msg, sizeof(msg), fmt, ap) < 0)
		return;
	/* One record per line, whatever the message quotes. */
	text_scrub(msg, strlen(msg), ' ');
	if (lg.target == LOG_TO_SYSLOG) {
		syslog(LOG_MAIL | priority, "%s: %s%s", lg.queue_id, level, msg);
		return;
	}
	now = time(NULL);
	if (localtime_r(&now, &tm) == NULL
	    || strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		stamp[0] = 0;
	n = snprintf(line, sizeof(line), "%s listpipe[%ld]: %s: %s%s\n", stamp,
		     (long)getpid(), lg.queue_id, level, msg);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line)) {
		n = sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	/* Best effort: a log that cannot be written must not stop delivery. */
	if (write(lg.fd, line, (size_t)n) < 0)
		return;
}

#define LOG_FN(name, prio, level, cond)					\
void name(const char *fmt, ...)						\
{									\
	va_list ap;							\
	if (!(cond))							\
		return;							\
	va_start(ap, fmt);						\
	vlog(prio, level, fmt, ap);					\
	va_end(ap);							\
}

LOG_FN(log_info, LOG_INFO, "", 1)
LOG_FN(log_warn, LOG_WARNING, "warning: ", 1)
LOG_FN(log_error, LOG_ERR, "error: ", 1)
LOG_FN(log_debug, LOG_DEBUG, "debug: ", lg.verbose)

void log_close(void)
{
	if (lg.target == LOG_TO_FILE && lg.fd >= 0)
		close(lg.fd);
	else if (lg.target == LOG_TO_SYSLOG)
		closelog();
	lg.fd = -1;
}

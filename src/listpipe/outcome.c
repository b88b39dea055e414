/*
 * outcome.c - map outcomes to exit status and status line; end the program.
 *
 * Postfix's pipe(8) reads the first bytes of our output as an RFC 3463
 * code when they look like one, and otherwise goes by the exit status,
 * where only 75 and 71 defer.  We always write the code (except for
 * success) and always exit with a matching sysexits value, so the two
 * never disagree.  A crash or a hang must defer, never bounce: fatal
 * signals and the watchdog end here too, with async-signal-safe code.
 *
 * The handlers need two facts outside any call chain (where the status
 * line goes, which child to kill); they are this file's only state.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "common/io.h"
#include "common/params.h"
#include "common/text.h"
#include "listpipe/outcome.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_SANITIZER 1
#endif
#endif

static const struct {
	enum outcome outcome;
	int	exit_code;
	const char *dsn;
	int	rank;			/* which wins when one exit covers several */
} outcome_table[] = {
	{OUTCOME_OK, EX_OK, "2.0.0", 0},
	{OUTCOME_BAD_MESSAGE, EX_DATAERR, "5.6.0", 1},
	{OUTCOME_LOOP, EX_DATAERR, "5.4.6", 1},
	{OUTCOME_NO_LIST, EX_NOUSER, "5.1.1", 1},
	{OUTCOME_DISABLED, EX_UNAVAILABLE, "5.2.1", 1},
	{OUTCOME_BAD_ADDRESS, EX_DATAERR, "5.1.3", 1},
	{OUTCOME_REFUSED, EX_NOPERM, "5.7.1", 1},
	{OUTCOME_TOO_BIG, EX_DATAERR, "5.3.4", 1},
	{OUTCOME_TEMP, EX_TEMPFAIL, "4.3.0", 2},
};

#define TABLE_LEN (sizeof(outcome_table) / sizeof(outcome_table[0]))

static int status_fd = 1;
static volatile sig_atomic_t child_pid;
static volatile sig_atomic_t stop_signal;	/* SIGALRM: the watchdog */
static volatile sig_atomic_t queued, total;	/* recipients, for a stop */
static unsigned timeout;

static int lookup(enum outcome outcome)
{
	for (size_t i = 0; i < TABLE_LEN; i++)
		if (outcome_table[i].outcome == outcome)
			return (int)i;
	/* Unknown value: our own inconsistency, so treat it as temporary. */
	return (int)TABLE_LEN - 1;
}

int outcome_worse(enum outcome a, enum outcome b)
{
	return outcome_table[lookup(a)].rank > outcome_table[lookup(b)].rank;
}

int outcome_exit_code(enum outcome outcome)
{
	return outcome_table[lookup(outcome)].exit_code;
}

const char *outcome_dsn(const struct status *st)
{
	const char *def = outcome_table[lookup(st->outcome)].dsn;

	/* A detail code must agree with the outcome's class, or Postfix
	 * would act on the code and contradict the exit status. */
	if (st->dsn[0] == def[0] && st->dsn[1] == '.')
		return st->dsn;
	return def;
}

size_t outcome_format(const struct status *st, char *buf, size_t size)
{
	int	n;
	size_t	len;

	if (size == 0)
		return 0;
	buf[0] = 0;
	if (st->outcome == OUTCOME_OK)
		return 0;
	n = snprintf(buf, size, "%s %s", outcome_dsn(st),
		     st->reason[0] ? st->reason : "listpipe: unknown error");
	if (n < 0) {
		buf[0] = 0;
		return 0;
	}
	len = (size_t)n < size ? (size_t)n : size - 1;
	/* One line: the reason may quote input (an address, a header). */
	text_scrub(buf, len, ' ');
	if (len + 1 < size) {
		buf[len++] = '\n';
		buf[len] = 0;
	} else {
		buf[len - 1] = '\n';
	}
	return len;
}

static void kill_child(void)
{
	pid_t	pid = (pid_t)child_pid;

	/* An orphaned sendmail, or anything it started, that sees EOF would
	 * queue a truncated copy: the child leads its own process group. */
	if (pid > 0) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
	}
}

/* append - async-signal-safe strcat into line[size] */
static size_t append(char *line, size_t len, size_t size, const char *text)
{
	while (*text && len + 1 < size)
		line[len++] = *text++;
	line[len] = 0;
	return len;
}

/* append_number - async-signal-safe decimal */
static size_t append_number(char *line, size_t len, size_t size,
			    unsigned long n)
{
	char	digits[24];
	size_t	i = sizeof(digits) - 1;

	digits[i] = 0;
	do {
		digits[--i] = (char)('0' + n % 10);
		n /= 10;
	} while (n > 0 && i > 0);
	return append(line, len, size, digits + i);
}

/* stop_reason - "timed out after N seconds" or "stopped by SIGTERM ..." */
static size_t stop_reason(char *line, size_t len, size_t size, int sig)
{
	if (sig == SIGALRM) {
		len = append(line, len, size, "timed out after ");
		len = append_number(line, len, size, timeout);
		return append(line, len, size, " seconds");
	}
	len = append(line, len, size, "stopped by signal ");
	len = append_number(line, len, size, (unsigned long)sig);
	return append(line, len, size, sig == SIGTERM
		      ? " (SIGTERM: Postfix is stopping, or someone killed "
			"the delivery)"
		      : sig == SIGHUP ? " (SIGHUP)" : "");
}

/* hard_stop - write the status line and exit, from a signal handler */
static void hard_stop(const char *what, int sig)
{
	char	line[256];
	size_t	len = append(line, 0, sizeof(line), "4.3.0 listpipe: ");

	kill_child();
	if (what)
		len = append(line, len, sizeof(line), what);
	else
		len = stop_reason(line, len, sizeof(line), sig);
	if (sig != 0 && what) {
		len = append(line, len, sizeof(line), " (signal ");
		len = append_number(line, len, sizeof(line), (unsigned long)sig);
		len = append(line, len, sizeof(line), ")");
	}
	if (queued > 0) {
		len = append(line, len, sizeof(line), " (");
		len = append_number(line, len, sizeof(line), (unsigned long)queued);
		len = append(line, len, sizeof(line), " of ");
		len = append_number(line, len, sizeof(line), (unsigned long)total);
		len = append(line, len, sizeof(line),
			     " recipients already queued)");
	}
	len = append(line, len, sizeof(line), "\n");
	(void)io_write_all(status_fd, line, len);
	_exit(EX_TEMPFAIL);
}

/*
 * on_stop - the watchdog, SIGTERM or SIGHUP.  The first one kills the
 * sendmail child (before it can see EOF and queue a truncated copy) and
 * lets the program unwind, so that it logs what it had done; a second
 * one, or the grace alarm, ends it here.
 */
static void on_stop(int sig)
{
	int	saved = errno;

	if (stop_signal)
		hard_stop(NULL, stop_signal);
	stop_signal = sig;
	kill_child();
	alarm(STOP_GRACE_SECONDS);
	/* The interrupted code may be about to look at errno. */
	errno = saved;
}

#ifndef UNDER_SANITIZER
static void on_fatal(int sig)
{
	hard_stop("internal error", sig);
}
#endif

static void handle(int sig, void (*fn)(int), int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}


/* catch_crashes - a crash defers (4.3.0) instead of bouncing; under a
 * sanitizer its report matters more than the deferral */
static void catch_crashes(void)
{
#ifndef UNDER_SANITIZER
	static char altstack[64 * 1024];
	stack_t ss = {.ss_sp = altstack, .ss_size = sizeof(altstack)};

	sigaltstack(&ss, NULL);
	handle(SIGSEGV, on_fatal, SA_ONSTACK);
	handle(SIGBUS, on_fatal, SA_ONSTACK);
	handle(SIGFPE, on_fatal, SA_ONSTACK);
	handle(SIGILL, on_fatal, SA_ONSTACK);
	/* g_error(), and GLib's allocators when memory runs out */
	handle(SIGABRT, on_fatal, SA_ONSTACK);
#endif
}

void outcome_init(int fd, unsigned timeout_seconds)
{
	status_fd = fd;
	timeout = timeout_seconds;

	/* A dead sendmail must show up as EPIPE, not kill us silently. */
	handle(SIGPIPE, SIG_IGN, 0);
	/* Past a file size limit, write(2) must fail with EFBIG (a 4.3.1
	 * deferral) instead of the signal killing us. */
	handle(SIGXFSZ, SIG_IGN, 0);
	handle(SIGALRM, on_stop, 0);
	/* Postfix stops the process group with SIGTERM on shutdown. */
	handle(SIGTERM, on_stop, 0);
	handle(SIGHUP, on_stop, 0);
	catch_crashes();
	if (timeout_seconds > 0)
		alarm(timeout_seconds);
}

void outcome_watch_child(pid_t pid)
{
	child_pid = pid;
}

void outcome_progress(size_t n, size_t of)
{
	queued = (sig_atomic_t)n;
	total = (sig_atomic_t)of;
}

int outcome_stopping(void)
{
	return stop_signal != 0;
}

int outcome_stopped(struct status *st)
{
	char	why[128];
	char	detail[STATUS_REASON_MAX];
	int	sig = stop_signal;

	if (sig == 0)
		return 0;
	stop_reason(why, 0, sizeof(why), sig);
	/* Keep what failed on the way (a killed sendmail, how many were
	 * already queued); drop our own "listpipe: " prefix from it. */
	detail[0] = 0;
	if (st->outcome != OUTCOME_OK && st->reason[0])
		snprintf(detail, sizeof(detail), "%s",
			 strncmp(st->reason, "listpipe: ", 10) == 0
			 ? st->reason + 10 : st->reason);
	status_temp(st, "4.3.0", "listpipe: %s%s%s", why,
		    detail[0] ? "; " : "", detail);
	return 1;
}

void outcome_exit(const struct status *st)
{
	char	line[STATUS_REASON_MAX + 32];
	size_t	len;

	alarm(0);
	len = outcome_format(st, line, sizeof(line));
	(void)io_write_all(status_fd, line, len);
	exit(outcome_exit_code(st->outcome));
}

/*
 * outcome.h - the result of a delivery and the one place that ends the
 * program with it.
 *
 * Every function that can fail fills a struct status and returns -1; the
 * status travels up to main(), which hands it to outcome_exit().  Nothing
 * else in listpipe calls exit().  The table in outcome.c is the only
 * mapping from what happened to what Postfix sees (exit status and the
 * RFC 3463 enhanced status line).
 */
#ifndef LISTPIPE_OUTCOME_H
#define LISTPIPE_OUTCOME_H

#include <stdarg.h>

enum outcome {
	OUTCOME_OK = 0,		/* delivered, stored or passed on */
	OUTCOME_TEMP,		/* our problem: Postfix must retry (4.x.x) */
	OUTCOME_BAD_MESSAGE,	/* the message itself is unusable (5.6.0) */
	OUTCOME_LOOP,		/* the message already went through this list */
	OUTCOME_NO_LIST,	/* no such list in a served domain (5.1.1) */
	OUTCOME_DISABLED,	/* the list exists but takes no posts (5.2.1) */
	OUTCOME_BAD_ADDRESS,	/* the recipient cannot be an address (5.1.3) */
};

/* Big enough for a reason that names a file and an errno text. */
#define STATUS_REASON_MAX 400

struct status {
	enum outcome outcome;
	char	dsn[16];		/* "4.3.0"; empty: the outcome's default */
	char	reason[STATUS_REASON_MAX];
};

/* status_set - fill st and return -1, so callers can "return status_set()" */
int	status_set(struct status *st, enum outcome outcome, const char *dsn,
		   const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* status_temp - shorthand for an OUTCOME_TEMP with the given detail code */
int	status_temp(struct status *st, const char *dsn, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* errno_dsn - the detail code for a failed system call: 4.3.1 when the
 * disk, a quota or a file size limit is full, else 4.3.0 */
const char *errno_dsn(int err);

/* status_ok - reset st to OUTCOME_OK */
void	status_ok(struct status *st);

/* outcome_worse - does a weigh more than b when one exit must cover both? */
int	outcome_worse(enum outcome a, enum outcome b);

/* outcome_exit_code - the sysexits code Postfix gets for an outcome */
int	outcome_exit_code(enum outcome outcome);

/* outcome_dsn - the enhanced status code that goes on the status line */
const char *outcome_dsn(const struct status *st);

/*
 * outcome_format - the status line ("4.3.0 reason\n") for st into buf;
 * empty for OUTCOME_OK.  Returns the length, never more than size - 1.
 */
size_t	outcome_format(const struct status *st, char *buf, size_t size);

/*
 * outcome_init - remember where the status line goes (a private copy of
 * the original stdout) and install the last-resort handlers: a crash
 * writes a 4.3.0 line and exits 75 at once, and the watchdog or a
 * SIGTERM stops the program (see outcome_stopping), so that a bug or a
 * hang defers mail instead of bouncing it.
 */
void	outcome_init(int status_fd, unsigned timeout_seconds);

/* outcome_watch_child - the sendmail child to kill if the watchdog fires */
void	outcome_watch_child(int pid);

/*
 * outcome_progress - recipients queued so far out of total, for the
 * status line when a stop cannot wait for the program to unwind
 */
void	outcome_progress(unsigned long queued, unsigned long total);

/*
 * outcome_stopping - the watchdog fired or a SIGTERM/SIGHUP came: the
 * sendmail child was killed, and no new one may start.  The program has
 * STOP_GRACE_SECONDS to unwind, log and exit; after that (or at a second
 * signal) the handler writes the status line and exits by itself.
 */
int	outcome_stopping(void);

#define STOP_GRACE_SECONDS 5

/*
 * outcome_stopped - when stopping, turn st into the deferral that says
 * why ("timed out after N seconds", "stopped by SIGTERM"), keeping what
 * failed on the way as detail; returns 1 then, else 0 and st unchanged
 */
int	outcome_stopped(struct status *st);

/* outcome_exit - write the status line and exit with the mapped code */
void	outcome_exit(const struct status *st) __attribute__((noreturn));

#endif

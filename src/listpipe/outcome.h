/*
 * outcome.h - the filter's end: the one place that maps an outcome to
 * what Postfix sees, and that exits.
 *
 * Every function that can fail fills a struct status (common/status.h)
 * and returns -1; the status travels up to main(), which hands it to
 * outcome_exit().  Nothing else in listpipe calls exit().  The table in
 * outcome.c is the only mapping from what happened to what Postfix sees
 * (exit status and the RFC 3463 enhanced status line).  Signals and the
 * watchdog are handled here too: they are pipe(8) matters, which listctl
 * never sees.
 */
#ifndef LISTPIPE_OUTCOME_H
#define LISTPIPE_OUTCOME_H

#include <stddef.h>
#include <sys/types.h>

#include "common/status.h"

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
void	outcome_watch_child(pid_t pid);

/*
 * outcome_progress - recipients queued so far out of total, for the
 * status line when a stop cannot wait for the program to unwind
 */
void	outcome_progress(size_t queued, size_t total);

/*
 * outcome_stopping - the watchdog fired or a SIGTERM/SIGHUP came: the
 * sendmail child was killed, and no new one may start.  The program has
 * STOP_GRACE_SECONDS to unwind, log and exit; after that (or at a second
 * signal) the handler writes the status line and exits by itself.
 */
int	outcome_stopping(void);

/*
 * outcome_stopped - when stopping, turn st into the deferral that says
 * why ("timed out after N seconds", "stopped by SIGTERM"), keeping what
 * failed on the way as detail; returns 1 then, else 0 and st unchanged
 */
int	outcome_stopped(struct status *st);

/* outcome_exit - write the status line and exit with the mapped code */
void	outcome_exit(const struct status *st) __attribute__((noreturn));

#endif

/*
 * status.h - the error carrier every layer uses.
 *
 * A function that can fail fills a struct status (what kind of outcome,
 * an RFC 3463 detail code, a reason in words) and returns -1, so callers
 * can write "return status_temp(st, ...)".  What an outcome means to a
 * program (the filter's exit status and status line, listctl's message)
 * is that program's business: nothing here exits or prints.
 *
 * Memory: all of listpipe allocates through GLib (g_malloc, g_strdup,
 * GString), whose allocators abort on exhaustion instead of returning
 * NULL, so no code checks for NULL.  The filter catches SIGABRT and
 * defers the message (4.3.0); listctl simply dies.  Only SQLite reports
 * SQLITE_NOMEM, which db/ turns into a 4.3.0 status like any other error.
 */
#ifndef LISTPIPE_STATUS_H
#define LISTPIPE_STATUS_H

/* Verdicts about the message itself, and OUTCOME_TEMP for everything
 * that is not the message's fault. */
enum outcome {
	OUTCOME_OK = 0,		/* delivered, stored or passed on */
	OUTCOME_TEMP,		/* our problem: Postfix must retry (4.x.x) */
	OUTCOME_BAD_MESSAGE,	/* the message itself is unusable (5.6.0) */
	OUTCOME_LOOP,		/* the message already went through this list */
	OUTCOME_NO_LIST,	/* no such list in a served domain (5.1.1) */
	OUTCOME_DISABLED,	/* the list exists but takes no posts (5.2.1) */
	OUTCOME_BAD_ADDRESS,	/* the recipient cannot be an address (5.1.3) */
	OUTCOME_REFUSED,	/* the list's policy refuses the sender (5.7.1) */
	OUTCOME_TOO_BIG,	/* over the list's size limit (5.3.4) */
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

#endif

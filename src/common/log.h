/*
 * log.h - where listpipe says what it did.
 *
 * Filter mode logs to syslog (facility mail) or, with -l, appends to a
 * file; never to stdout or stderr, which belong to the status line.  Every
 * line carries the Postfix queue id so that it can be followed through the
 * maillog.  A dry run logs to stderr.
 */
#ifndef LISTPIPE_LOG_H
#define LISTPIPE_LOG_H

enum log_target { LOG_TO_SYSLOG, LOG_TO_FILE, LOG_TO_STDERR };

/* log_open - start logging; a file that cannot be opened falls back to syslog */
void	log_open(enum log_target target, const char *path, const char *queue_id,
		 int verbose);

void	log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* log_debug - only with -v */
void	log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void	log_close(void);

#endif

/*
 * sent.h - what the moderation and robot suites ask of a run: listpipe
 * with a log file, the database, and the mail listpipe wrote (which run
 * went to whom, its Subject and token, whether a text was left unfilled).
 */
#ifndef LISTPIPE_INTEGRATION_SENT_H
#define LISTPIPE_INTEGRATION_SENT_H

#include "testlib.h"

#define TEAM	"team@lists.example.org"
#define REQUEST	"team-request@lists.example.org"

/* the sendmail arguments of a run from the list to rcpts ("a\nb\n") */
#define ARGS_TO(rcpts) \
	"-G\n-i\n-f\nteam-bounces@lists.example.org\n--\n" rcpts

/* the same for the list's copies of a post: VERP (-V) */
#define COPY_ARGS_TO(rcpts) \
	"-G\n-i\n-XV\n-f\nteam-bounces@lists.example.org\n--\n" rcpts

/* lp_run - listpipe with a log file (log_of), as master.cf runs it,
 * for a new message (a queue id of its own) */
void	lp_run(struct run *r, struct tdir *t, const char *msg,
	       const char *sender, const char *rcpt);

/* lp_run_queued - the same, for the queue file qid (a retry of the same
 * message, another recipient of it) */
void	lp_run_queued(struct run *r, struct tdir *t, const char *msg,
		      const char *qid, const char *sender, const char *rcpt);

/* ctl_run - listctl -d DB -m SPOOL -s SENDMAIL a1 [a2 [a3]] (NULL ends) */
void	ctl_run(struct run *r, struct tdir *t, const char *a1, const char *a2,
		const char *a3);

/* log_of - what lp_run logged so far ("" for nothing); free() it */
char   *log_of(struct tdir *t);

/* q_int, q_text - the first column of the first row of a query: -1, or
 * NULL, for no row (q_text also for an SQL NULL); g_free() the text */
long long q_int(struct tdir *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char   *q_text(struct tdir *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* run_to - the first run after run `after` from the list (a copy with
 * -V or a notice without) whose recipients are exactly rcpts
 * ("a\nb\n"), 0 for none */
int	run_to(struct tdir *t, const char *rcpts, int after);

/* subject_of - run n's Subject; the test fails without one; free() it */
char   *subject_of(struct tdir *t, int n);

/* token_of - the token in run n's Subject "WORD TOKEN"; g_free() it */
char   *token_of(struct tdir *t, int n, const char *word);

/* sent_has - run n's message contains what */
int	sent_has(struct tdir *t, int n, const char *what);

/* placeholder - the first "{name}" a text left unexpanded, or NULL */
const char *placeholder(const char *msg);

/* every_mail_is_filled_in - no mail listpipe wrote has a "{name}" left */
void	every_mail_is_filled_in(struct tdir *t);

#endif

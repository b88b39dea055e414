/*
 * inject.h - hand a message to Postfix's sendmail(1).
 *
 *   sendmail -G -i [-XV] -f SENDER -- RECIPIENT...
 *
 * run with execv (no shell, nothing to quote), fed on its stdin with an
 * optional new header block followed by the spooled message from a given
 * offset.  Recipients are split into runs of at most INJECT_BATCH.  Any
 * failure (cannot exec, non-zero exit, killed, short write) is
 * OUTCOME_TEMP: sendmail's exit 0 is the only proof that Postfix has the
 * message.
 */
#ifndef LISTPIPE_INJECT_H
#define LISTPIPE_INJECT_H

#include <stddef.h>
#include <sys/types.h>

#include "common/params.h"
#include "common/status.h"
#include "mail/spool.h"

/*
 * What the program running inject wants to know, so that it can kill a
 * child from a signal handler, refuse to start new runs once it is
 * stopping, and say how far a stopped delivery got.  Any may be NULL.
 */
struct inject_hooks {
	void	(*child)(pid_t pid);		/* started; 0 when reaped */
	int	(*stopping)(void);		/* non-zero: start no new run */
	void	(*progress)(size_t queued, size_t total);
};

struct injection {
	const char *sendmail;	/* absolute path */
	const char *sender;	/* envelope sender; "" is the null sender */
	const char *header;	/* new header block, or NULL */
	size_t	header_len;
	const struct spool *spool;
	off_t	from;		/* spool offset where copying starts */
	int	verp;	/* non-zero: -XV, so that Postfix gives each
			 * recipient the sender SENDER-local+user=host@domain
			 * (default_verp_delimiters "+="), still one run a
			 * batch; see verp.h for the way back */
	int	dry_run_fd;	/* >= 0: print each run here instead */
	/* Called after each run sendmail accepted (run 1, 2, ...), with
	 * its recipients, before the next starts (not in a dry run).
	 * NULL: none.  With it, a failure in a later run is not said to
	 * repeat the earlier ones on retry. */
	void	(*accepted)(void *arg, int run, char *const *rcpts, size_t n);
	void   *accepted_arg;
	const struct inject_hooks *hooks;	/* or NULL */
};

/* inject - one or more sendmail runs covering all recipients */
int	inject(const struct injection *in, char *const *recipients,
	       size_t nrecipients, struct status *st);

/* inject_quote - one argument as a shell word, for the dry-run listing */
char   *inject_quote(const char *arg);

#endif

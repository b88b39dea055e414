/*
 * inject.h - hand a message to Postfix's sendmail(1).
 *
 *   sendmail -G -i -f SENDER -- RECIPIENT...
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

#include "outcome.h"
#include "spool.h"

/* Recipients per sendmail run: small enough for any queue manager
 * setting, large enough that big lists need few runs. */
#define INJECT_BATCH 500

struct injection {
	const char *sendmail;	/* absolute path */
	const char *sender;	/* envelope sender; "" is the null sender */
	const char *header;	/* new header block, or NULL */
	size_t	header_len;
	const struct spool *spool;
	off_t	from;		/* spool offset where copying starts */
	int	dry_run_fd;	/* >= 0: print each run here instead */
};

/* inject - one or more sendmail runs covering all recipients */
int	inject(const struct injection *in, char *const *recipients,
	       size_t nrecipients, struct status *st);

/* inject_quote - one argument as a shell word, for the dry-run listing */
char   *inject_quote(const char *arg);

#endif

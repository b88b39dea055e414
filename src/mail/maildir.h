/*
 * maildir.h - store a message in a Maildir under the spool directory.
 *
 * The file is written under tmp/ with a unique name (O_EXCL), flushed to
 * disk, moved to new/ and the directory flushed too: once this returns 0,
 * the message survives a crash and Postfix may forget it.  The Maildir
 * is reached from the spool directory one component at a time, never
 * through a symlink (spooldir.h).
 */
#ifndef LISTPIPE_MAILDIR_H
#define LISTPIPE_MAILDIR_H

#include "common/status.h"
#include "mail/spool.h"

/* Where a Maildir lives: below the spool directory, by components. */
struct maildir_place {
	int	spool_fd;		/* spooldir_open(); -1 in a dry run */
	const char *spool_path;		/* for messages */
	const char *const *below;	/* e.g. {"bounces", list, NULL} */
};

/*
 * maildir_store - the spooled message from sp->start, preceded by a
 * Delivered-To field naming the envelope recipient (a VERP address keeps
 * its extension there) in the message's own newline, into the Maildir at
 * place, created if missing.  With dry_run_fd >= 0, print where it would
 * go and what instead.
 */
int	maildir_store(const struct maildir_place *place,
		      const char *delivered_to, const struct spool *sp,
		      int dry_run_fd, struct status *st);

#endif

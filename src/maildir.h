/*
 * maildir.h - store a message in a Maildir, safely.
 *
 * The file is written under tmp/ with a unique name (O_EXCL), flushed to
 * disk, moved to new/ and the directory flushed too: once this returns 0,
 * the message survives a crash and Postfix may forget it.
 */
#ifndef LISTPIPE_MAILDIR_H
#define LISTPIPE_MAILDIR_H

#include "outcome.h"
#include "spool.h"

/*
 * maildir_store - the spooled message from sp->start, preceded by a Delivered-To
 * field naming the envelope recipient (a VERP address keeps its
 * extension there), into the Maildir dir, created if missing.  With
 * dry_run_fd >= 0, print where it would go and what instead.
 */
int	maildir_store(const char *dir, const char *delivered_to,
		      const struct spool *sp, int dry_run_fd,
		      struct status *st);

#endif

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

/* Long enough for any file name maildir_store makes. */
#define MAILDIR_NAME_MAX 300

/*
 * maildir_store - the spooled message from sp->start, preceded by a
 * Delivered-To field naming the envelope recipient (a VERP address keeps
 * its extension there) in the message's own newline, or exactly as it
 * is when delivered_to is NULL, into the Maildir at place, created if
 * missing.  The file's name in new/ goes to name (MAILDIR_NAME_MAX)
 * unless that is NULL.  With dry_run_fd >= 0, print where it would go
 * and what instead.
 */
int	maildir_store(const struct maildir_place *place,
		      const char *delivered_to, const struct spool *sp,
		      int dry_run_fd, char *name, struct status *st);

/*
 * maildir_store_copy - a list copy: header (the rewritten block) then the
 * spooled message from offset body, with the same guarantees.  A dry
 * run prints only where it would go (the copy is printed elsewhere).
 */
int	maildir_store_copy(const struct maildir_place *place,
			   const char *header, size_t header_len,
			   const struct spool *sp, off_t body, int dry_run_fd,
			   char *name_out, struct status *st);

/* maildir_open - the file name in the Maildir's new/, for reading;
 * a name that is not one path component, or a missing file, is -1 */
int	maildir_open(const struct maildir_place *place, const char *name,
		     int *fd, struct status *st);

/* maildir_remove - unlink name from new/ and flush the directory; a
 * file that is gone already is not an error */
int	maildir_remove(const struct maildir_place *place, const char *name,
		       struct status *st);

#endif

/*
 * spooldir.h - the spool directory (-m), and the directories below it.
 *
 * The documented set-up lets the postfix user write in the spool
 * directory too, so nothing below it is trusted: every component under
 * it is opened with openat(O_NOFOLLOW | O_DIRECTORY) from the one above,
 * and a symlink where a directory should be is refused, never followed.
 * The spool directory itself must belong to us (or root) and be
 * writable by nobody else but the users the documented ACL names
 * (DEF_ACL_USER, postfix).
 */
#ifndef LISTPIPE_SPOOLDIR_H
#define LISTPIPE_SPOOLDIR_H

#include <sys/types.h>

#include "common/status.h"

/*
 * spooldir_open - open path as a directory and check who may write in
 * it; *fd is an O_DIRECTORY descriptor.  A spool directory that others
 * can write in is OUTCOME_TEMP 4.3.5, naming the path and who.
 */
int	spooldir_open(const char *path, int *fd, struct status *st);

/*
 * spooldir_subdir - open name below parent_fd, creating it (mode 0700,
 * the parent flushed) when create is set and it is missing.  name is one
 * path component; a symlink, "..", or anything but a directory is
 * OUTCOME_TEMP 4.3.5.  shown names the directory in messages.
 */
int	spooldir_subdir(int parent_fd, const char *name, int create,
			const char *shown, int *fd, struct status *st);

/*
 * spooldir_foreign_writer - who besides uid (its owner aside) and
 * DEF_ACL_USER may write in the directory open at fd: a description in
 * who[], and 1; 0 when nobody; -1 when its ACL cannot be read.  listctl
 * asks the same question the filter does.
 */
int	spooldir_foreign_writer(int fd, uid_t uid, char *who, size_t size);

/* spooldir_name_ok - usable as one path component: not empty, no '/',
 * no leading '.', no control characters */
int	spooldir_name_ok(const char *name);

#endif

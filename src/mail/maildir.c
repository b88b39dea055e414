/*
 * maildir.c - deliver into a Maildir (tmp/, then new/).
 *
 * Names follow the Maildir convention: seconds.MmicrosecondsPpidQn.host,
 * unique per host as long as the pid is; Q counts deliveries within one
 * process.  Every path is opened relative to a directory descriptor with
 * O_NOFOLLOW, so a symlink planted anywhere below the spool directory is
 * refused instead of followed.  Every failure is OUTCOME_TEMP, a full
 * disk 4.3.1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "common/io.h"
#include "common/log.h"
#include "mail/field.h"
#include "mail/maildir.h"
#include "mail/spooldir.h"

static int unique_name(char *buf, size_t size)
{
	static unsigned counter;
	struct timeval tv;
	char	host[256];

	gettimeofday(&tv, NULL);
	if (gethostname(host, sizeof(host)) < 0)
		strcpy(host, "localhost");
	host[sizeof(host) - 1] = 0;
	/* '/' and ':' would break the path and the Maildir info suffix. */
	for (char *p = host; *p; p++)
		if (*p == '/' || *p == ':')
			*p = '_';
	return snprintf(buf, size, "%lld.M%06ldP%ldQ%u.%s",
			(long long)tv.tv_sec, (long)tv.tv_usec, (long)getpid(),
			++counter, host) >= (int)size ? -1 : 0;
}

/* place_path - spool/below/... for messages; -1 when it does not fit */
static int place_path(const struct maildir_place *place, char *buf,
		      size_t size)
{
	size_t	len;

	if (snprintf(buf, size, "%s", place->spool_path) >= (int)size)
		return -1;
	for (const char *const *c = place->below; *c; c++) {
		len = strlen(buf);
		if (snprintf(buf + len, size - len, "/%s", *c)
		    >= (int)(size - len))
			return -1;
	}
	return 0;
}

/* open_maildir - walk down from the spool directory, creating what is
 * missing; *dir is the Maildir, *tmp and *new its subdirectories */
static int open_maildir(const struct maildir_place *place, int *dir,
			int *tmp, int *new, struct status *st)
{
	static const char *const subs[] = {"tmp", "new", "cur"};
	int	fds[3] = {-1, -1, -1};
	int	cur = place->spool_fd;
	int	next;

	char	shown[4096];
	size_t	len;

	/* Messages name the component that failed, not the whole path. */
	if (snprintf(shown, sizeof(shown), "%s", place->spool_path)
	    >= (int)sizeof(shown))
		return status_temp(st, "4.3.5", "listpipe: Maildir path too long");
	for (const char *const *c = place->below; *c; c++) {
		len = strlen(shown);
		if (snprintf(shown + len, sizeof(shown) - len, "/%s", *c)
		    >= (int)(sizeof(shown) - len)) {
			status_temp(st, "4.3.5", "listpipe: Maildir path too long");
			goto fail;
		}
		if (spooldir_subdir(cur, *c, 1, shown, &next, st) < 0)
			goto fail;
		if (cur != place->spool_fd)
			close(cur);
		cur = next;
	}
	len = strlen(shown);
	for (int i = 0; i < 3; i++) {
		if (snprintf(shown + len, sizeof(shown) - len, "/%s", subs[i])
		    >= (int)(sizeof(shown) - len)) {
			status_temp(st, "4.3.5", "listpipe: Maildir path too long");
			goto fail;
		}
		if (spooldir_subdir(cur, subs[i], 1, shown, &fds[i], st) < 0)
			goto fail;
	}
	close(fds[2]);
	*dir = cur;
	*tmp = fds[0];
	*new = fds[1];
	return 0;

fail:
	for (int i = 0; i < 3; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	if (cur != place->spool_fd)
		close(cur);
	return -1;
}

/*
 * store - prefix, then the spooled message from offset from, into a new
 * file of the Maildir at place.  A dry run prints where it would go, and
 * the content only when show is set.
 */
static int store(const struct maildir_place *place, const char *prefix,
		 size_t n, const struct spool *sp, off_t from, int dry_run_fd,
		 int show, char *name_out, struct status *st)
{
	char	path[4096];
	char	name[MAILDIR_NAME_MAX];
	int	dir = -1, tmp = -1, new = -1;
	int	fd = -1;

	if (place_path(place, path, sizeof(path)) < 0)
		return status_temp(st, "4.3.5", "listpipe: Maildir path too long");
	if (dry_run_fd >= 0) {
		char	line[4200];
		int	len = snprintf(line, sizeof(line),
				       "# would store in Maildir %s\n", path);

		if (len < 0 || len >= (int)sizeof(line)
		    || io_write_all(dry_run_fd, line, (size_t)len) < 0
		    || (show && io_write_all(dry_run_fd, prefix, n) < 0))
			return status_temp(st, "4.3.0", "listpipe: write: %s",
					   strerror(errno));
		return show ? spool_copy(sp, from, dry_run_fd, "write", st) : 0;
	}
	if (open_maildir(place, &dir, &tmp, &new, st) < 0)
		return -1;
	if (unique_name(name, sizeof(name)) < 0) {
		status_temp(st, "4.3.5", "listpipe: Maildir file name too long");
		goto fail;
	}
	fd = openat(tmp, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW
		    | O_CLOEXEC, 0600);
	if (fd < 0) {
		status_temp(st, errno_dsn(errno), "listpipe: create %s/tmp/%s: "
			    "%s", path, name, strerror(errno));
		goto fail;
	}
	if (io_write_all(fd, prefix, n) < 0) {
		status_temp(st, errno_dsn(errno), "listpipe: write %s/tmp/%s: "
			    "%s", path, name, strerror(errno));
		goto fail_unlink;
	}
	if (spool_copy(sp, from, fd, "write Maildir file", st) < 0)
		goto fail_unlink;
	if (fsync(fd) < 0) {
		status_temp(st, errno_dsn(errno), "listpipe: fsync %s/tmp/%s: "
			    "%s", path, name, strerror(errno));
		goto fail_unlink;
	}
	if (close(fd) < 0) {
		fd = -1;
		status_temp(st, errno_dsn(errno), "listpipe: close %s/tmp/%s: "
			    "%s", path, name, strerror(errno));
		goto fail_unlink;
	}
	fd = -1;
	if (renameat(tmp, name, new, name) < 0) {
		status_temp(st, "4.3.0", "listpipe: rename %s/tmp/%s: %s", path,
			    name, strerror(errno));
		goto fail_unlink;
	}
	if (fsync(new) < 0) {
		/* The file is in new/ but maybe not on disk yet: let Postfix
		 * keep its copy; a duplicate bounce beats a lost one. */
		status_temp(st, "4.3.0", "listpipe: fsync %s/new: %s", path,
			    strerror(errno));
		goto fail;
	}
	log_info("stored in %s/new/%s", path, name);
	if (name_out)
		memcpy(name_out, name, strlen(name) + 1);
	close(dir);
	close(tmp);
	close(new);
	return 0;

fail_unlink:
	if (fd >= 0)
		close(fd);
	fd = -1;
	unlinkat(tmp, name, 0);
fail:
	if (fd >= 0)
		close(fd);
	if (dir >= 0)
		close(dir);
	if (tmp >= 0)
		close(tmp);
	if (new >= 0)
		close(new);
	return -1;
}

/* open_new - the Maildir's new/ directory, which must exist */
static int open_new(const struct maildir_place *place, int *new,
		    struct status *st)
{
	int	cur = place->spool_fd;
	int	next;
	char	path[4096];

	if (place_path(place, path, sizeof(path)) < 0)
		return status_temp(st, "4.3.5", "listpipe: Maildir path too long");
	for (const char *const *c = place->below; ; c++) {
		const char *name = *c ? *c : "new";

		if (spooldir_subdir(cur, name, 0, path, &next, st) < 0) {
			if (cur != place->spool_fd)
				close(cur);
			return -1;
		}
		if (cur != place->spool_fd)
			close(cur);
		cur = next;
		if (*c == NULL)
			break;
	}
	*new = cur;
	return 0;
}

int maildir_store(const struct maildir_place *place, const char *delivered_to,
		  const struct spool *sp, int dry_run_fd, char *name_out,
		  struct status *st)
{
	char	field[1024];
	int	n = 0;

	if (delivered_to) {
		n = snprintf(field, sizeof(field), "Delivered-To: %s%s",
			     delivered_to, sp->newline ? sp->newline : "\n");
		if (n < 0 || n >= (int)sizeof(field)
		    || !field_check(field, (size_t)n,
				    sp->newline ? sp->newline : "\n"))
			return status_temp(st, "4.3.0", "listpipe: recipient "
					   "unusable in a Delivered-To field");
	}
	return store(place, field, (size_t)n, sp, sp->start, dry_run_fd, 1,
		     name_out, st);
}

int maildir_store_copy(const struct maildir_place *place, const char *header,
		       size_t header_len, const struct spool *sp, off_t body,
		       int dry_run_fd, char *name_out, struct status *st)
{
	return store(place, header, header_len, sp, body, dry_run_fd, 0,
		     name_out, st);
}

int maildir_open(const struct maildir_place *place, const char *name,
		 int *fd, struct status *st)
{
	int	new;

	if (!spooldir_name_ok(name))
		return status_temp(st, "4.3.5", "listpipe: unusable Maildir "
				   "file name");
	if (open_new(place, &new, st) < 0)
		return -1;
	*fd = openat(new, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	close(new);
	if (*fd < 0)
		return status_temp(st, "4.3.0", "listpipe: open held file %s: %s",
				   name, strerror(errno));
	return 0;
}

int maildir_remove(const struct maildir_place *place, const char *name,
		   struct status *st)
{
	int	new;

	if (!spooldir_name_ok(name))
		return status_temp(st, "4.3.5", "listpipe: unusable Maildir "
				   "file name");
	if (open_new(place, &new, st) < 0)
		return -1;
	if (unlinkat(new, name, 0) < 0 && errno != ENOENT) {
		status_temp(st, "4.3.0", "listpipe: remove %s: %s", name,
			    strerror(errno));
		close(new);
		return -1;
	}
	fsync(new);
	close(new);
	return 0;
}

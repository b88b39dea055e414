/*
 * maildir.c - deliver into a Maildir (tmp/, then new/).
 *
 * Names follow the Maildir convention: seconds.MmicrosecondsPpidQn.host,
 * unique per host as long as the pid is; Q counts deliveries within one
 * process.  Every failure is OUTCOME_TEMP, a full disk 4.3.1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "log.h"
#include "maildir.h"

static int fsync_dir(const char *path);

/* make_dir - mkdir, and when it is new, flush its parent so the new
 * entry survives a crash along with the file stored below it */
static int make_dir(char *path, struct status *st)
{
	char   *slash;
	int	rc;

	if (mkdir(path, 0700) < 0) {
		if (errno == EEXIST)
			return 0;
		return status_temp(st, errno_dsn(errno), "listpipe: mkdir %s: %s",
				   path, strerror(errno));
	}
	if ((slash = strrchr(path, '/')) == NULL || slash == path)
		return 0;
	*slash = 0;
	rc = fsync_dir(path);
	*slash = '/';
	if (rc < 0)
		return status_temp(st, "4.3.0", "listpipe: fsync directory of "
				   "%s: %s", path, strerror(errno));
	return 0;
}

/* make_dirs - mkdir -p for path, then tmp/, new/ and cur/ below it */
static int make_dirs(const char *path, struct status *st)
{
	static const char *const subs[] = {"", "/tmp", "/new", "/cur"};
	char	buf[4096];

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return status_temp(st, "4.3.5", "listpipe: Maildir path too long");
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (make_dir(buf, st) < 0)
			return -1;
		*p = '/';
	}
	for (size_t i = 0; i < sizeof(subs) / sizeof(*subs); i++) {
		if (snprintf(buf, sizeof(buf), "%s%s", path, subs[i])
		    >= (int)sizeof(buf))
			return status_temp(st, "4.3.5",
			    "listpipe: Maildir path too long");
		if (make_dir(buf, st) < 0)
			return -1;
	}
	return 0;
}

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

static int fsync_dir(const char *path)
{
	int	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int	rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int maildir_store(const char *dir, const char *delivered_to,
		  const struct spool *sp, int dry_run_fd, struct status *st)
{
	char	name[512];
	char	tmp[4096];
	char	new[4096];
	char	field[1024];
	int	fd;
	int	n;

	n = snprintf(field, sizeof(field), "Delivered-To: %s\n", delivered_to);
	if (n < 0 || n >= (int)sizeof(field))
		return status_temp(st, "4.3.0", "listpipe: recipient too long");
	if (dry_run_fd >= 0) {
		char	line[4200];
		int	len = snprintf(line, sizeof(line),
				       "# would store in Maildir %s\n", dir);

		if (len < 0 || len >= (int)sizeof(line)
		    || write_full(dry_run_fd, line, (size_t)len) < 0
		    || write_full(dry_run_fd, field, (size_t)n) < 0)
			return status_temp(st, "4.3.0", "listpipe: write: %s",
					   strerror(errno));
		return spool_copy(sp, sp->start, dry_run_fd, "write", st);
	}
	if (make_dirs(dir, st) < 0)
		return -1;
	if (unique_name(name, sizeof(name)) < 0
	    || snprintf(tmp, sizeof(tmp), "%s/tmp/%s", dir, name)
	       >= (int)sizeof(tmp)
	    || snprintf(new, sizeof(new), "%s/new/%s", dir, name)
	       >= (int)sizeof(new))
		return status_temp(st, "4.3.5", "listpipe: Maildir path too long");
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return status_temp(st, errno_dsn(errno), "listpipe: create %s: %s",
				   tmp, strerror(errno));
	if (write_full(fd, field, (size_t)n) < 0) {
		status_temp(st, errno_dsn(errno), "listpipe: write %s: %s", tmp,
			    strerror(errno));
		goto fail;
	}
	if (spool_copy(sp, sp->start, fd, "write Maildir file", st) < 0)
		goto fail;
	if (fsync(fd) < 0) {
		status_temp(st, errno_dsn(errno), "listpipe: fsync %s: %s", tmp,
			    strerror(errno));
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		status_temp(st, errno_dsn(errno), "listpipe: close %s: %s", tmp,
			    strerror(errno));
		goto fail;
	}
	fd = -1;
	if (rename(tmp, new) < 0) {
		status_temp(st, "4.3.0", "listpipe: rename %s: %s", tmp,
			    strerror(errno));
		goto fail;
	}
	if (snprintf(tmp, sizeof(tmp), "%s/new", dir) < (int)sizeof(tmp)
	    && fsync_dir(tmp) < 0) {
		/* The file is in new/ but maybe not on disk yet: let Postfix
		 * keep its copy; a duplicate bounce beats a lost one. */
		status_temp(st, "4.3.0", "listpipe: fsync %s: %s", tmp,
			    strerror(errno));
		return -1;
	}
	log_info("stored in %s", new);
	return 0;

fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return -1;
}

/*
 * spooldir.c - open the spool directory and what is below it, safely.
 *
 * Who may write is read from the mode bits and, when the directory has
 * one, from its POSIX access ACL (the system.posix_acl_access extended
 * attribute, parsed here so that no libacl is needed): write permission
 * for the owning group, for other, or for a named user or group other
 * than ourselves and DEF_ACL_USER, after the ACL mask, is refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "common/params.h"
#include "common/text.h"
#include "mail/spooldir.h"

/* The on-disk form of a POSIX ACL (linux/posix_acl_xattr.h). */
#define ACL_XATTR	"system.posix_acl_access"
#define ACL_VERSION	2
#define ACL_USER_OBJ	0x01
#define ACL_USER	0x02
#define ACL_GROUP_OBJ	0x04
#define ACL_GROUP	0x08
#define ACL_MASK	0x10
#define ACL_OTHER	0x20
#define ACL_WRITE	0x02

struct acl_entry {
	uint16_t tag;
	uint16_t perm;
	uint32_t id;
};

int spooldir_name_ok(const char *name)
{
	if (*name == 0 || *name == '.')
		return 0;
	return strchr(name, '/') == NULL && text_is_clean(name);
}

/* allowed_writer - a named ACL user who may write: us, or postfix */
static int allowed_writer(uid_t uid, uid_t owner, uid_t us)
{
	struct passwd *pw;

	if (uid == owner || uid == us)
		return 1;
	pw = getpwnam(DEF_ACL_USER);
	return pw != NULL && pw->pw_uid == uid;
}

int spooldir_foreign_writer(int fd, uid_t us, char *who, size_t size)
{
	struct stat st;
	const struct stat *sb = &st;
	unsigned char buf[4 + 8 * 64];
	ssize_t len;
	uint16_t mask = ACL_WRITE;
	size_t	n;

	if (fstat(fd, &st) < 0)
		return -1;
	len = fgetxattr(fd, ACL_XATTR, buf, sizeof(buf));
	if (len < 0 && (errno == ENODATA || errno == ENOTSUP)) {
		/* No ACL: the mode bits say it all. */
		if (sb->st_mode & S_IWOTH)
			return snprintf(who, size, "everyone (mode %03o)",
					sb->st_mode & 0777) > 0;
		if (sb->st_mode & S_IWGRP)
			return snprintf(who, size, "group %ld (mode %03o)",
					(long)sb->st_gid, sb->st_mode & 0777) > 0;
		return 0;
	}
	if (len < 4 || (len - 4) % 8 != 0)
		return -1;
	n = (size_t)(len - 4) / 8;
	if (buf[0] != ACL_VERSION || buf[1] || buf[2] || buf[3])
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct acl_entry e;

		memcpy(&e, buf + 4 + 8 * i, sizeof(e));
		if (e.tag == ACL_MASK)
			mask = e.perm;
	}
	for (size_t i = 0; i < n; i++) {
		struct acl_entry e;

		memcpy(&e, buf + 4 + 8 * i, sizeof(e));
		if (e.tag == ACL_OTHER && (e.perm & ACL_WRITE))
			return snprintf(who, size, "everyone (ACL other)") > 0;
		if (!(e.perm & mask & ACL_WRITE))
			continue;
		if (e.tag == ACL_GROUP_OBJ || e.tag == ACL_GROUP)
			return snprintf(who, size, "group %ld (ACL)",
					e.tag == ACL_GROUP ? (long)e.id
					: (long)sb->st_gid) > 0;
		if (e.tag == ACL_USER && !allowed_writer(e.id, sb->st_uid, us))
			return snprintf(who, size, "user %ld (ACL)",
					(long)e.id) > 0;
	}
	return 0;
}

int spooldir_open(const char *path, int *fd, struct status *st)
{
	struct stat sb;
	char	who[80];

	*fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*fd < 0)
		return status_temp(st, errno == ENOENT || errno == ENOTDIR
				   ? "4.3.5" : "4.3.0",
				   "listpipe: spool directory %s: %s", path,
				   strerror(errno));
	if (fstat(*fd, &sb) < 0) {
		status_temp(st, "4.3.0", "listpipe: spool directory %s: %s",
			    path, strerror(errno));
		goto fail;
	}
	/* Someone else's directory: they could swap anything in it. */
	if (sb.st_uid != geteuid() && sb.st_uid != 0) {
		status_temp(st, "4.3.5", "listpipe: spool directory %s belongs "
			    "to uid %ld, not to listpipe's user (uid %ld)", path,
			    (long)sb.st_uid, (long)geteuid());
		goto fail;
	}
	switch (spooldir_foreign_writer(*fd, geteuid(), who, sizeof(who))) {
	case 0:
		return 0;
	case -1:
		status_temp(st, "4.3.5", "listpipe: spool directory %s: "
			    "cannot read its ACL", path);
		goto fail;
	default:
		status_temp(st, "4.3.5", "listpipe: spool directory %s is "
			    "writable by %s: allow only listpipe's user and %s",
			    path, who, DEF_ACL_USER);
		goto fail;
	}

fail:
	close(*fd);
	*fd = -1;
	return -1;
}

int spooldir_subdir(int parent_fd, const char *name, int create,
		    const char *shown, int *fd, struct status *st)
{
	int	made = 0;

	*fd = -1;
	if (!spooldir_name_ok(name))
		return status_temp(st, "4.3.5", "listpipe: %s: \"%.60s\" cannot "
				   "be a directory name", shown, name);
	if (create && mkdirat(parent_fd, name, 0700) == 0)
		made = 1;
	else if (create && errno != EEXIST)
		return status_temp(st, errno_dsn(errno), "listpipe: mkdir %s: %s",
				   shown, strerror(errno));
	*fd = openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW
		     | O_CLOEXEC);
	if (*fd < 0) {
		if (errno == ELOOP || errno == ENOTDIR)
			return status_temp(st, "4.3.5", "listpipe: %s is a "
			    "symlink or not a directory: refusing to follow "
			    "it", shown);
		return status_temp(st, errno == ENOENT ? "4.3.5" : "4.3.0",
				   "listpipe: open %s: %s", shown,
				   strerror(errno));
	}
	/* A new entry must survive a crash with the file stored below it. */
	if (made && fsync(parent_fd) < 0) {
		close(*fd);
		*fd = -1;
		return status_temp(st, "4.3.0", "listpipe: fsync the directory "
				   "above %s: %s", shown, strerror(errno));
	}
	return 0;
}

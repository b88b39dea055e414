/*
 * check.c - listctl check: what a postmaster gets wrong, each problem on
 * one line with its fix.
 *
 * The database (there, a listpipe schema, WAL mode, an owner for every
 * enabled list), the spool directory (the rules listpipe itself applies,
 * see spooldir.h), who can read and write what (as the listpipe user and
 * as postfix, tested with access(2) in a child that takes on that user,
 * so ACLs count exactly as the kernel counts them), and, when postconf is
 * there, whether Postfix routes every list domain to listpipe.  Exit 0
 * when nothing is wrong, 1 when something is.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libgen.h>
#include <pwd.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>

#include "common/params.h"
#include "db/lists.h"
#include "listctl/ctl.h"
#include "mail/spooldir.h"

struct checker {
	struct ctl *ctl;
	int	problems;
	int	postconf_ok;		/* postconf runs */
	char	user[64];		/* listpipe's user= */
	GPtrArray *services;		/* master.cf services that run listpipe */
};

static void problem(struct checker *ck, const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void note(struct checker *ck, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* problem - one line: what is wrong, then how to fix it */
static void problem(struct checker *ck, const char *fix, const char *fmt, ...)
{
	va_list ap;
	char   *what;

	va_start(ap, fmt);
	what = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	ctl_printf(ck->ctl, "problem: %s; fix: %s", what, fix);
	g_free(what);
	ck->problems++;
}

static void note(struct checker *ck, const char *fmt, ...)
{
	va_list ap;
	char   *what;

	va_start(ap, fmt);
	what = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	ctl_printf(ck->ctl, "note: %s", what);
	g_free(what);
}

/*
 * as_user - may pw access path with mode?  1 yes, 0 no, -1 cannot tell
 * (not root, and not that user).  A child takes on the user's uid and
 * groups and asks the kernel, so ACLs and every directory on the way
 * count.
 */
static int as_user(const struct passwd *pw, const char *path, int mode)
{
	pid_t	pid;
	int	wstatus;

	if (geteuid() == pw->pw_uid)
		return access(path, mode) == 0;
	if (geteuid() != 0)
		return -1;
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		if (initgroups(pw->pw_name, pw->pw_gid) < 0
		    || setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0)
			_exit(2);
		_exit(access(path, mode) == 0 ? 0 : 1);
	}
	while (waitpid(pid, &wstatus, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(wstatus) && WEXITSTATUS(wstatus) <= 1
	       ? WEXITSTATUS(wstatus) == 0 : -1;
}

/* capture - run argv, all its stdout into *out (g_free it); its exit
 * status, or -1 when it could not run or died of a signal.  Read to
 * the end: a pipe closed early would kill it, or cut a long answer. */
static int capture(char *const argv[], char **out)
{
	GString *buf = g_string_new(NULL);
	char	chunk[8192];
	int	pfd[2];
	pid_t	pid;
	int	wstatus;

	*out = NULL;
	if (pipe(pfd) < 0) {
		g_string_free(buf, TRUE);
		return -1;
	}
	if ((pid = fork()) < 0) {
		close(pfd[0]);
		close(pfd[1]);
		g_string_free(buf, TRUE);
		return -1;
	}
	if (pid == 0) {
		int	null = open("/dev/null", O_RDWR);

		dup2(pfd[1], 1);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 2);
		}
		close(pfd[0]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(pfd[1]);
	for (;;) {
		ssize_t n = read(pfd[0], chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		g_string_append_len(buf, chunk, n);
	}
	close(pfd[0]);
	*out = g_string_free(buf, FALSE);
	while (waitpid(pid, &wstatus, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
}

/* postfix_tool - run postconf or postmap with -c when given */
static int postfix_tool(struct checker *ck, const char *tool,
			const char *const *args, char **out)
{
	const char *argv[12];
	int	n = 0;

	argv[n++] = tool;
	if (ck->ctl->postfix_dir) {
		argv[n++] = "-c";
		argv[n++] = ck->ctl->postfix_dir;
	}
	for (; *args && n < 11; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	return capture((char *const *)argv, out);
}

/* find_services - master.cf services whose command is listpipe, and the
 * user= of the first; without postconf, the shipped defaults */
static void find_services(struct checker *ck)
{
	static const char *const args[] = {"-M", NULL};
	char   *buf;
	char  **lines;
	int	user_found = 0;
	int	rc;

	g_strlcpy(ck->user, ck->ctl->user ? ck->ctl->user : DEF_LISTPIPE_USER,
		  sizeof(ck->user));
	ck->services = g_ptr_array_new_with_free_func(g_free);
	if (access(DEF_POSTCONF, X_OK) != 0) {
		note(ck, "%s is not there: Postfix's settings are not checked",
		     DEF_POSTCONF);
		g_ptr_array_add(ck->services, g_strdup("listpipe"));
		return;
	}
	if ((rc = postfix_tool(ck, DEF_POSTCONF, args, &buf)) != 0) {
		g_free(buf);
		note(ck, "%s%s%s -M failed (exit %d): Postfix's settings are "
		     "not checked", DEF_POSTCONF, ck->ctl->postfix_dir ? " -c "
		     : "", ck->ctl->postfix_dir ? ck->ctl->postfix_dir : "", rc);
		g_ptr_array_add(ck->services, g_strdup("listpipe"));
		return;
	}
	ck->postconf_ok = 1;
	lines = g_strsplit(buf, "\n", -1);
	g_free(buf);
	for (char **l = lines; *l; l++) {
		char   *argv_at = strstr(*l, " argv=");
		char   *user_at = strstr(*l, " user=");
		char   *cmd, *end;

		if (argv_at == NULL)
			continue;
		cmd = argv_at + 6;
		end = cmd + strcspn(cmd, " \t");
		if (end - cmd < 8 || strncmp(end - 8, "listpipe", 8) != 0
		    || (end - cmd > 8 && end[-9] != '/'))
			continue;
		g_ptr_array_add(ck->services,
				g_strndup(*l, strcspn(*l, " \t")));
		if (user_at && !user_found) {
			user_at += 6;
			g_strlcpy(ck->user, user_at, sizeof(ck->user));
			ck->user[strcspn(ck->user, " \t:")] = 0;
			user_found = 1;
		}
	}
	g_strfreev(lines);
	if (ck->ctl->user)
		g_strlcpy(ck->user, ck->ctl->user, sizeof(ck->user));
	if (ck->services->len == 0) {
		problem(ck, "append /usr/local/share/listpipe/master.cf "
			"(postfix/master.cf in the source) to master.cf and run "
			"\"postfix reload\"", "master.cf has no service that "
			"runs listpipe");
		g_ptr_array_add(ck->services, g_strdup("listpipe"));
	}
}

/* check_database - there, a schema listpipe knows, WAL, owners */
static struct db *check_database(struct checker *ck)
{
	struct ctl *ctl = ck->ctl;
	struct stat sb;
	struct status st;
	struct db *db;
	char	mode[32];
	struct address_list no_owner = {0};

	if (stat(ctl->database, &sb) < 0) {
		char   *fix = errno == ENOENT
			? g_strdup_printf("sqlite3 %s < /usr/local/share/listpipe"
					  "/schema.sql (sql/schema.sql in the "
					  "source; see listpipe(5))", ctl->database)
			: g_strdup("make every directory on the way searchable "
				   "(x) for the users that use it");

		problem(ck, fix, "database %s: %s", ctl->database,
			strerror(errno));
		g_free(fix);
		return NULL;
	}
	if (db_open(&db, ctl->database, 1, &st) < 0) {
		const char *r = strncmp(st.reason, "listpipe: ", 10) == 0
				? st.reason + 10 : st.reason;

		problem(ck, strstr(r, "upgrade it with") ? "back it up "
			"(sqlite3 DB \".backup DB.bak\"), then run the scripts "
			"named, from /usr/local/share/listpipe (sql/ in the "
			"source), in that order: sqlite3 DB < upgrade-N.sql"
			: strstr(r, "schema") ? "load /usr/local/share/"
			"listpipe/schema.sql (sql/schema.sql in the source) into "
			"a new database, or use the listpipe that made this one"
			: "see the reason", "%s", r);
		return NULL;
	}
	if (db_journal_mode(db, mode, sizeof(mode), &st) < 0)
		problem(ck, "see the reason", "%s", st.reason);
	else if (g_ascii_strcasecmp(mode, "wal") != 0) {
		char   *fix = g_strdup_printf("sqlite3 %s 'PRAGMA journal_mode "
					      "= WAL'", ctl->database);

		problem(ck, fix, "database %s is in journal mode %s, not WAL: "
			"Postfix's lookups and listpipe wait behind every write",
			ctl->database, mode);
		g_free(fix);
	}
	if (db_lists_without_owner(db, &no_owner, &st) < 0)
		problem(ck, "see the reason", "%s", st.reason);
	for (size_t i = 0; i < no_owner.n; i++) {
		/* A quote in the address is doubled, as SQL wants it. */
		char  **parts = g_strsplit(no_owner.v[i], "'", -1);
		char   *quoted = g_strjoinv("''", parts);
		char   *fix = g_strdup_printf("sqlite3 %s \"INSERT INTO members"
			"(list, address, role) VALUES('%s', 'ADDRESS', "
			"'owner')\"", ctl->database, quoted);

		g_strfreev(parts);
		g_free(quoted);
		problem(ck, fix, "list %s has no enabled owner: mail to its "
			"-owner address is deferred", no_owner.v[i]);
		g_free(fix);
	}
	address_list_free(&no_owner);
	return db;
}

/* check_access - may user do mode on path?  A problem when not */
static void check_access(struct checker *ck, const struct passwd *pw,
			 const char *path, int mode, const char *what,
			 const char *fix)
{
	switch (as_user(pw, path, mode)) {
	case 0:
		problem(ck, fix, "%s %s %s", pw->pw_name, what, path);
		break;
	case -1:
		note(ck, "%s whether %s can %s %s", geteuid() == 0 ? "could "
		     "not test" : "run as root to test", pw->pw_name,
		     what + strlen("cannot "), path);
		break;
	}
}

/* acl_fix - the README's directory set-up, for dir and user */
static char *acl_fix(const char *dir, const char *user)
{
	return g_strdup_printf("setfacl -m u:" DEF_ACL_USER ":rwx -m d:u:"
			       DEF_ACL_USER ":rw -m d:u:%s:rw -m d:m::rw %s "
			       "(see the README)", user, dir);
}

/* user_copy - getpwnam's answer, copied out of its static storage */
static struct passwd *user_copy(const char *name, struct passwd *pw)
{
	struct passwd *found = getpwnam(name);

	if (found == NULL)
		return NULL;
	*pw = *found;
	pw->pw_name = g_strdup(found->pw_name);
	return pw;
}

/*
 * check_database_files - the database and its -wal and -shm files, for
 * the listpipe user (reads and writes all) and postfix (its lookups read
 * the database and the -wal file and, as every WAL reader, write -shm),
 * and the directory both create those files in when they are missing
 */
static void check_database_files(struct checker *ck, struct passwd *lp,
				 struct passwd *pf, const char *dbdir,
				 const char *dir_acl)
{
	static const struct {
		int	postfix;	/* 0: the listpipe user, 1: postfix */
		const char *suffix;
		int	mode;
		const char *what;
	} needs[] = {
		{0, "", R_OK | W_OK, "cannot read and write the database"},
		{0, "-wal", R_OK | W_OK, "cannot read and write"},
		{0, "-shm", R_OK | W_OK, "cannot read and write"},
		{1, "", R_OK, "cannot read the database, for Postfix's "
		 "recipient lookups,"},
		{1, "-wal", R_OK, "cannot read"},
		{1, "-shm", R_OK | W_OK, "cannot read and write"},
	};

	for (size_t i = 0; i < sizeof(needs) / sizeof(*needs); i++) {
		struct passwd *pw = needs[i].postfix ? pf : lp;
		char   *path, *fix;

		if (pw == NULL)
			continue;
		path = g_strconcat(ck->ctl->database, needs[i].suffix, NULL);
		fix = g_strdup_printf("setfacl -m u:%s:%s %s, or chown %s and "
				      "chmod 660 it", pw->pw_name,
				      needs[i].mode & W_OK ? "rw" : "r", path,
				      lp ? lp->pw_name : DEF_LISTPIPE_USER);
		if (access(path, F_OK) == 0)
			check_access(ck, pw, path, needs[i].mode, needs[i].what,
				     fix);
		g_free(fix);
		g_free(path);
	}
	if (lp)
		check_access(ck, lp, dbdir, W_OK | X_OK, "cannot create the "
			     "database's -wal and -shm files in", dir_acl);
	if (pf)
		check_access(ck, pf, dbdir, W_OK | X_OK, "cannot create the "
			     "database's -wal and -shm files in", dir_acl);
}

/* check_spool - the rules listpipe applies, and who can do what */
static void check_spool(struct checker *ck)
{
	struct ctl *ctl = ck->ctl;
	struct passwd lp_entry, pf_entry;
	struct passwd *lp = user_copy(ck->user, &lp_entry);
	struct passwd *pf = user_copy(DEF_ACL_USER, &pf_entry);
	struct stat sb;
	char	who[80];
	char   *dbdir = g_path_get_dirname(ctl->database);
	char   *spool_acl = acl_fix(ctl->spooldir, ck->user);
	char   *db_acl = acl_fix(dbdir, ck->user);
	char   *fix;
	int	fd;

	if (lp == NULL) {
		fix = g_strdup_printf("useradd --system --home-dir %s --shell "
				      "/usr/sbin/nologin %s", ctl->spooldir,
				      ck->user);
		problem(ck, fix, "user %s, listpipe's user, does not exist",
			ck->user);
		g_free(fix);
	}
	fd = open(ctl->spooldir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		fix = g_strdup_printf("install -d -o %s -m 750 %s, then %s",
				      ck->user, ctl->spooldir, spool_acl);
		problem(ck, fix, "spool directory %s: %s", ctl->spooldir,
			strerror(errno));
		g_free(fix);
	} else {
		fix = g_strdup_printf("chown %s %s", ck->user, ctl->spooldir);
		if (fstat(fd, &sb) == 0 && lp && sb.st_uid != lp->pw_uid
		    && sb.st_uid != 0)
			problem(ck, fix, "spool directory %s belongs to uid "
				"%ld, not to %s or root: listpipe defers all "
				"mail", ctl->spooldir, (long)sb.st_uid,
				ck->user);
		g_free(fix);
		switch (spooldir_foreign_writer(fd, lp ? lp->pw_uid : geteuid(),
						who, sizeof(who))) {
		case -1:
			problem(ck, spool_acl, "spool directory %s: its ACL "
				"cannot be read", ctl->spooldir);
			break;
		case 1:
			fix = g_strdup_printf("chmod go-w %s, and setfacl -x "
					      "for any other user or group",
					      ctl->spooldir);
			problem(ck, fix, "spool directory %s is writable by "
				"%s: listpipe defers all mail", ctl->spooldir,
				who);
			g_free(fix);
			break;
		}
		close(fd);
		if (lp)
			check_access(ck, lp, ctl->spooldir, W_OK | X_OK,
				     "cannot write in the spool directory",
				     spool_acl);
	}
	if (access(ctl->database, F_OK) == 0)
		check_database_files(ck, lp, pf, dbdir, db_acl);
	g_free(spool_acl);
	g_free(db_acl);
	g_free(dbdir);
	if (lp)
		g_free(lp->pw_name);
	if (pf)
		g_free(pf->pw_name);
}

/* in_file - a "/file/name" in a Postfix list: is domain one of its words? */
static int in_file(const char *path, const char *domain)
{
	char   *text = NULL;
	char  **words;
	int	found = 0;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		return 0;
	words = g_strsplit_set(text, " ,\t\n", -1);
	for (char **w = words; *w && !found; w++)
		found = **w != '#' && g_ascii_strcasecmp(*w, domain) == 0;
	g_strfreev(words);
	g_free(text);
	return found;
}

/* in_list - is domain a word of a Postfix list value (commas, blanks)? A
 * lookup table there is asked with postmap. */
static int in_list(struct checker *ck, const char *value, const char *domain)
{
	char  **words = g_strsplit_set(value, " ,\t\n", -1);
	int	found = 0;

	for (char **w = words; *w && !found; w++) {
		char   *out = NULL;
		const char *args[] = {"-q", domain, *w, NULL};

		if (**w == 0)
			continue;
		if (strchr(*w, ':'))
			found = postfix_tool(ck, DEF_POSTMAP, args, &out) == 0;
		else if (**w == '/')
			found = in_file(*w, domain);
		else
			found = g_ascii_strcasecmp(*w, domain) == 0;
		g_free(out);
	}
	g_strfreev(words);
	return found;
}

/* routed_to_listpipe - does a transport_maps table send domain to one
 * of the listpipe services? */
static int routed_to_listpipe(struct checker *ck, const char *maps,
			      const char *domain, char *got, size_t size)
{
	char  **words = g_strsplit_set(maps, " ,\t\n", -1);
	int	found = 0;

	got[0] = 0;
	for (char **w = words; *w && !found && got[0] == 0; w++) {
		const char *args[] = {"-q", domain, *w, NULL};
		char   *out = NULL;

		if (**w != 0 && postfix_tool(ck, DEF_POSTMAP, args, &out) == 0) {
			/* the first answer decides, as in Postfix */
			g_strlcpy(got, out, size);
			got[strcspn(got, ":\n")] = 0;
			for (guint i = 0; i < ck->services->len; i++)
				if (strcmp(got, ck->services->pdata[i]) == 0)
					found = 1;
		}
		g_free(out);
	}
	g_strfreev(words);
	return found;
}

/* check_postfix - every list domain relayed and routed to listpipe */
static void check_postfix(struct checker *ck, struct db *db)
{
	static const char *const relay[] = {"-hx", "relay_domains", NULL};
	static const char *const transport[] = {"-hx", "transport_maps", NULL};
	char   *relay_domains = NULL, *transport_maps = NULL;
	char	got[1024];
	struct address_list domains = {0};
	struct status st;

	if (!ck->postconf_ok || db == NULL)
		return;
	if (postfix_tool(ck, DEF_POSTCONF, relay, &relay_domains) != 0
	    || postfix_tool(ck, DEF_POSTCONF, transport, &transport_maps) != 0) {
		note(ck, "postconf could not read relay_domains and "
		     "transport_maps");
		goto done;
	}
	if (db_list_domains(db, &domains, &st) < 0) {
		problem(ck, "see the reason", "%s", st.reason);
		goto done;
	}
	for (size_t i = 0; i < domains.n; i++) {
		const char *d = domains.v[i];

		char   *fix;

		if (!in_list(ck, relay_domains, d))
			problem(ck, "add it to relay_domains in main.cf, then "
				"\"postfix reload\"", "list domain %s is not in "
				"relay_domains: Postfix refuses mail for it", d);
		if (routed_to_listpipe(ck, transport_maps, d, got, sizeof(got)))
			continue;
		fix = g_strdup_printf("add \"%s %s:\" to the transport table "
				      "(postfix/listpipe-transport), then "
				      "postmap it", d,
				      (const char *)ck->services->pdata[0]);
		problem(ck, fix, "list domain %s is routed to %s, not to "
			"listpipe", d, got[0] ? got : "the default transport");
		g_free(fix);
	}

done:
	address_list_free(&domains);
	g_free(relay_domains);
	g_free(transport_maps);
}

/*
 * check_verp - the two settings VERP bounces rely on: recipient_delimiter
 * holds '+', so team-bounces+alice=example.net@ is looked up as
 * team-bounces@ at RCPT time; default_verp_delimiters is "+=", the form
 * listpipe decodes.
 */
static void check_verp(struct checker *ck)
{
	static const char *const delimiter[] = {"-h", "recipient_delimiter",
						NULL};
	static const char *const verp[] = {"-h", "default_verp_delimiters",
					   NULL};
	char   *d = NULL, *v = NULL;

	if (!ck->postconf_ok)
		return;
	if (postfix_tool(ck, DEF_POSTCONF, delimiter, &d) != 0
	    || postfix_tool(ck, DEF_POSTCONF, verp, &v) != 0) {
		note(ck, "postconf could not read recipient_delimiter and "
		     "default_verp_delimiters");
	} else {
		g_strstrip(d);
		g_strstrip(v);
		if (strchr(d, '+') == NULL)
			problem(ck, "set \"recipient_delimiter = +\" in main.cf "
				"(postfix/main.cf), then \"postfix reload\"",
				"recipient_delimiter is \"%s\", without '+': "
				"bounces to a member's VERP address "
				"(LIST-bounces+user=host@) are refused", d);
		if (strcmp(v, "+=") != 0)
			problem(ck, "remove default_verp_delimiters from "
				"main.cf (the default is +=), then \"postfix "
				"reload\"", "default_verp_delimiters is \"%s\": "
				"listpipe reads VERP addresses made with \"+=\"",
				v);
	}
	g_free(d);
	g_free(v);
}

/*
 * check_list_signing - lists that rewrite From send copies whose From is
 * the list's own address: without a milter on the non-SMTP path (where
 * sendmail's mail goes) nothing signs them for the list domain, and
 * DMARC for them rests on SPF alone.  A note, not a problem: SPF may be
 * all the list domain publishes.
 */
static void check_list_signing(struct checker *ck, struct db *db)
{
	static const char *const milters[] = {"-h", "non_smtpd_milters", NULL};
	struct address_list rewriting = {0};
	struct status st;
	char   *m = NULL;

	if (db == NULL || !ck->postconf_ok
	    || db_lists_rewriting_from(db, &rewriting, &st) < 0
	    || rewriting.n == 0) {
		address_list_free(&rewriting);
		return;
	}
	if (postfix_tool(ck, DEF_POSTCONF, milters, &m) == 0
	    && *g_strstrip(m) == 0)
		note(ck, "%zu list%s rewrite%s From (%s%s) but non_smtpd_milters "
		     "is empty: their copies carry no DKIM signature of the "
		     "list domain, and DMARC for them rests on SPF "
		     "(postfix/opendkim.conf)", rewriting.n,
		     rewriting.n == 1 ? "" : "s", rewriting.n == 1 ? "s" : "",
		     rewriting.v[0], rewriting.n > 1 ? ", ..." : "");
	g_free(m);
	address_list_free(&rewriting);
}

int cmd_check(struct ctl *ctl, int argc, char **argv)
{
	struct checker ck = {ctl, 0, 0, "", NULL};
	struct db *db;

	find_services(&ck);
	/* Files first: opening the database as root makes SQLite create
	 * -wal and -shm and give them the database's owner and mode, which
	 * would hide what Postfix and listpipe find there now. */
	check_spool(&ck);
	db = check_database(&ck);
	check_postfix(&ck, db);
	check_verp(&ck);
	check_list_signing(&ck, db);
	db_close(db);
	g_ptr_array_free(ck.services, TRUE);
	if (ck.problems == 0)
		ctl_printf(ctl, "listctl check: no problems found");
	else
		ctl_printf(ctl, "listctl check: %d problem%s found",
			   ck.problems, ck.problems == 1 ? "" : "s");
	return ck.problems ? CTL_FAILED : CTL_OK;
}

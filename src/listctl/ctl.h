/*
 * ctl.h - what listctl's commands share.
 *
 * listctl is an ordinary command, not a delivery agent: its exit codes
 * are its own (CTL_*), it writes to stdout and stderr as any tool does,
 * and it never uses the filter's sysexits table.
 */
#ifndef LISTPIPE_CTL_H
#define LISTPIPE_CTL_H

#include <stdio.h>

#include "common/status.h"
#include "db/db.h"

/* Exit codes. */
#define CTL_OK		0	/* done; for check: nothing wrong */
#define CTL_FAILED	1	/* it could not be done; check: problems */
#define CTL_USAGE	2	/* the command line is wrong */

struct ctl {
	const char *database;		/* -d */
	const char *spooldir;		/* -m */
	const char *sendmail;		/* -s, for commands that send mail */
	const char *postfix_dir;	/* -c: postconf -c; NULL: the default */
	const char *user;		/* -u: listpipe's user; NULL: master.cf */
	FILE   *out;
};

/* A command: argv[0] is its name; returns a CTL_* code. */
typedef int command_fn(struct ctl *ctl, int argc, char **argv);

command_fn cmd_check;		/* check.c */
command_fn cmd_lists;		/* lists.c */
command_fn cmd_show;		/* show.c */
command_fn cmd_held;		/* held.c: held [LIST] */
command_fn cmd_release;		/* held.c: release ID */
command_fn cmd_reject;		/* held.c: reject ID [REASON] */
command_fn cmd_discard;		/* held.c: discard ID */
command_fn cmd_expire;		/* held.c: expire (from cron) */
command_fn cmd_texts;		/* texts.c: texts [NAME] */
command_fn cmd_bounces;		/* bounces.c: bounces [LIST [ADDRESS]] */
command_fn cmd_enable;		/* bounces.c: enable LIST ADDRESS */
command_fn cmd_report;		/* bounces.c: report [-n] [LIST] (cron) */

/*
 * ctl_printf - one line of output.  What listctl prints comes from the
 * database and from postconf, and a row written with checks off could
 * carry terminal escape sequences: control characters become '?'.
 */
void	ctl_printf(struct ctl *ctl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ctl_error - "listctl: REASON" on stderr, without the filter's
 * "listpipe: " prefix that reasons from the shared layers carry */
void	ctl_error(const struct status *st);

/* ctl_open_db - open the database read-only, or say why not */
int	ctl_open_db(struct ctl *ctl, struct db **db);

struct site;

/*
 * ctl_open_site - for commands that change things: the database opened
 * for writing, the spool directory checked, sendmail.  Run as root, it
 * first becomes the database's owner (listpipe's user), so that nothing
 * it creates (the -wal file, a Maildir, a held file's removal) is root's
 * and out of the filter's reach.  Logs to syslog (mail) as listpipe does.
 */
int	ctl_open_site(struct ctl *ctl, struct site *site);
void	ctl_close_site(struct site *site);

#endif

/*
 * listctl - the operator's command for listpipe.
 *
 *   listctl [-d database] [-m spooldir] [-s sendmail] [-c postfix_dir]
 *           [-u user] command [args]
 *   listctl -h | -V
 *
 * Every command is a row of the table below, "name args -> function",
 * as OpenSMTPD's smtpctl does; the usage message is made from the table,
 * and a new command is a new file and one row.
 */
#include <errno.h>
#include <grp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>

#include "common/log.h"
#include "common/params.h"
#include "common/text.h"
#include "list/site.h"
#include "listctl/ctl.h"
#include "mail/headers.h"
#include "mail/spooldir.h"

static const struct command {
	const char *name;
	const char *args;	/* for the usage message */
	int	min_args, max_args;
	command_fn *run;
	const char *what;
} commands[] = {
	{"check", "", 0, 0, cmd_check,
	 "find what is wrong with the set-up, and say how to fix it"},
	{"lists", "", 0, 0, cmd_lists, "one line a list"},
	{"show", "LIST", 1, 1, cmd_show, "a list's settings and members"},
	{"held", "[LIST]", 0, 1, cmd_held, "posts waiting for a moderator"},
	{"release", "ID", 1, 1, cmd_release, "send held post ID to the list"},
	{"reject", "ID [REASON]", 1, 2, cmd_reject,
	 "refuse held post ID, telling the poster why"},
	{"discard", "ID", 1, 1, cmd_discard, "drop held post ID silently"},
	{"expire", "", 0, 0, cmd_expire,
	 "end holds and requests nobody decided on in time (cron)"},
	{"texts", "[NAME]", 0, 1, cmd_texts,
	 "the texts listpipe sends, as built in"},
	{"bounces", "[LIST [ADDRESS]]", 0, 2, cmd_bounces,
	 "bounces recorded, oldest first"},
	{"enable", "LIST ADDRESS", 2, 2, cmd_enable,
	 "a member disabled by bounces gets mail again"},
	{"report", "[-n] [LIST]", 0, 2, cmd_report,
	 "mail each list's report to its owners; -n: print it (cron)"},
};

#define NCOMMANDS (sizeof(commands) / sizeof(*commands))

static void usage(FILE *f, int full)
{
	fprintf(f, "usage: listctl [-d database] [-m spooldir] [-s sendmail] "
		"[-c postfix_dir] [-u user] command [args]\n"
		"       listctl -h | -V\n");
	if (!full)
		return;
	fprintf(f, "commands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-7s %-16s %s\n", commands[i].name,
			commands[i].args, commands[i].what);
}

void ctl_printf(struct ctl *ctl, const char *fmt, ...)
{
	va_list ap;
	char   *line;

	va_start(ap, fmt);
	line = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	fprintf(ctl->out, "%s\n", text_scrub(line, strlen(line), '?'));
	g_free(line);
}

void ctl_error(const struct status *st)
{
	char   *r = g_strdup(strncmp(st->reason, "listpipe: ", 10) == 0
			     ? st->reason + 10 : st->reason);

	fprintf(stderr, "listctl: %s\n", text_scrub(r, strlen(r), '?'));
	g_free(r);
}

int ctl_open_db(struct ctl *ctl, struct db **db)
{
	struct status st;

	if (db_open(db, ctl->database, 1, &st) == 0)
		return 0;
	ctl_error(&st);
	return -1;
}

int ctl_open_site(struct ctl *ctl, struct site *site)
{
	struct status st;
	struct stat sb;

	memset(site, 0, sizeof(*site));
	site->spool_fd = -1;
	site->dry_run_fd = -1;
	site->spooldir = ctl->spooldir;
	site->sendmail = ctl->sendmail;
	if (geteuid() == 0 && stat(ctl->database, &sb) == 0 && sb.st_uid != 0
	    && (setgroups(0, NULL) < 0 || setgid(sb.st_gid) < 0
		|| setuid(sb.st_uid) < 0)) {
		fprintf(stderr, "listctl: cannot become the database's owner "
			"(uid %ld): %s\n", (long)sb.st_uid, strerror(errno));
		return -1;
	}
	log_open(LOG_TO_SYSLOG, NULL, NULL, 0);
	if (db_open(&site->db, ctl->database, 0, &st) < 0
	    || spooldir_open(ctl->spooldir, &site->spool_fd, &st) < 0) {
		ctl_error(&st);
		ctl_close_site(site);
		return -1;
	}
	return 0;
}

void ctl_close_site(struct site *site)
{
	db_close(site->db);
	site->db = NULL;
	if (site->spool_fd >= 0)
		close(site->spool_fd);
	site->spool_fd = -1;
	log_close();
}

int main(int argc, char **argv)
{
	struct ctl ctl = {DEF_DATABASE, DEF_SPOOLDIR, DEF_SENDMAIL, NULL, NULL,
			  stdout};
	int	ch;

	while ((ch = getopt(argc, argv, "+d:m:s:c:u:hV")) != -1) {
		switch (ch) {
		case 'd':
			ctl.database = optarg;
			break;
		case 'm':
			ctl.spooldir = optarg;
			break;
		case 's':
			ctl.sendmail = optarg;
			break;
		case 'c':
			ctl.postfix_dir = optarg;
			break;
		case 'u':
			ctl.user = optarg;
			break;
		case 'h':
			usage(stdout, 1);
			return CTL_OK;
		case 'V':
			printf("listctl %s\n", LISTPIPE_VERSION);
			return CTL_OK;
		default:
			usage(stderr, 0);
			return CTL_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		usage(stderr, 0);
		return CTL_USAGE;
	}
	for (size_t i = 0; i < NCOMMANDS; i++) {
		if (strcmp(argv[0], commands[i].name) != 0)
			continue;
		if (argc - 1 < commands[i].min_args
		    || argc - 1 > commands[i].max_args) {
			fprintf(stderr, "usage: listctl %s %s\n",
				commands[i].name, commands[i].args);
			return CTL_USAGE;
		}
		{
			int	rc;

			/* GMime, for the mail some commands compose */
			headers_init();
			rc = commands[i].run(&ctl, argc, argv);
			headers_shutdown();
			return rc;
		}
	}
	fprintf(stderr, "listctl: unknown command \"%s\"\n", argv[0]);
	usage(stderr, 0);
	return CTL_USAGE;
}

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
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "common/params.h"
#include "common/text.h"
#include "listctl/ctl.h"

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
		fprintf(f, "  %-6s %-6s %s\n", commands[i].name,
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
		return commands[i].run(&ctl, argc, argv);
	}
	fprintf(stderr, "listctl: unknown command \"%s\"\n", argv[0]);
	usage(stderr, 0);
	return CTL_USAGE;
}

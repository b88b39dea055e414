/*
 * config.c - parse the command line that master.cf gives us.
 *
 * A usage error is our configuration's fault, not the message's, so it
 * defers (4.3.5) and Postfix keeps the mail while the postmaster fixes
 * master.cf.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "listpipe/config.h"

static const char usage[] =
	"usage: listpipe [-d database] [-s sendmail] [-m spooldir] "
	"[-q queue_id] [-l logfile] [-t timeout] [-R resolver] [-n] [-p] [-v] "
	"-f sender -- recipient...\n"
	"       listpipe -h | -V\n";

const char *config_usage(void)
{
	return usage;
}

static int parse_seconds(const char *arg, unsigned *out)
{
	char   *end;
	long	v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < 1 || v > 86400)
		return -1;
	*out = (unsigned)v;
	return 0;
}

int config_parse(struct config *cf, int argc, char **argv, struct status *st)
{
	int	ch;
	int	have_sender = 0;

	memset(cf, 0, sizeof(*cf));
	cf->mode = MODE_DELIVER;
	cf->database = DEF_DATABASE;
	cf->sendmail = DEF_SENDMAIL;
	cf->spooldir = DEF_SPOOLDIR;
	cf->queue_id = "-";
	cf->timeout = DEF_TIMEOUT;

	/* Leading '+': stop at the first non-option, never permute, so a
	 * recipient that starts with '-' cannot become an option. */
	opterr = 0;
	optind = 1;
	while ((ch = getopt(argc, argv, "+d:s:m:q:l:t:f:R:npvhV")) != -1) {
		switch (ch) {
		case 'd':
			cf->database = optarg;
			break;
		case 's':
			cf->sendmail = optarg;
			break;
		case 'm':
			cf->spooldir = optarg;
			break;
		case 'q':
			cf->queue_id = *optarg ? optarg : "-";
			break;
		case 'l':
			cf->logfile = optarg;
			break;
		case 't':
			if (parse_seconds(optarg, &cf->timeout) < 0)
				return status_temp(st, "4.3.5",
				    "listpipe: bad -t value \"%.40s\" "
				    "(seconds, 1-86400)", optarg);
			break;
		case 'f':
			/* Postfix writes the null sender as an empty word. */
			cf->sender = strcmp(optarg, "<>") == 0 ? "" : optarg;
			have_sender = 1;
			break;
		case 'R':
			cf->resolver = optarg;
			break;
		case 'n':
			cf->dry_run = 1;
			break;
		case 'p':
			cf->pass_on = 1;
			break;
		case 'v':
			cf->verbose++;
			break;
		case 'h':
		case 'V':
			/* Only on their own: "-V" among master.cf's arguments
			 * (or a recipient "-Vx@y" without "--") must not end
			 * in exit 0, which Postfix takes for delivered. */
			if (argc != 2)
				return status_temp(st, "4.3.5", "listpipe: bad "
				    "command line: -%c goes alone", ch);
			cf->mode = ch == 'h' ? MODE_HELP : MODE_VERSION;
			return 0;
		default:
			return status_temp(st, "4.3.5",
			    "listpipe: bad command line: option -%c %s", optopt,
			    strchr("dsmqltfR", optopt) ? "needs a value"
						      : "is unknown");
		}
	}
	if (!have_sender)
		return status_temp(st, "4.3.5",
		    "listpipe: bad command line: -f sender is missing");
	if (optind >= argc)
		return status_temp(st, "4.3.5",
		    "listpipe: bad command line: no recipient");
	if (*cf->database == 0 || *cf->sendmail == 0 || *cf->spooldir == 0)
		return status_temp(st, "4.3.5",
		    "listpipe: bad command line: empty -d, -s or -m");
	if (cf->sendmail[0] != '/')
		return status_temp(st, "4.3.5",
		    "listpipe: -s %s: sendmail needs an absolute path",
		    cf->sendmail);
	cf->recipients = argv + optind;
	cf->nrecipients = argc - optind;
	return 0;
}

/*
 * config.h - the command line, the program's only configuration.
 *
 *   listpipe [-d database] [-s sendmail] [-m spooldir] [-q queue_id]
 *            [-l logfile] [-t timeout] [-R resolver] [-n] [-p] [-v]
 *            -f sender -- recipient...
 *   listpipe -h | -V
 */
#ifndef LISTPIPE_CONFIG_H
#define LISTPIPE_CONFIG_H

#include "common/params.h"
#include "common/status.h"

enum config_mode { MODE_DELIVER, MODE_HELP, MODE_VERSION };

struct config {
	enum config_mode mode;
	const char *database;
	const char *sendmail;
	const char *spooldir;
	const char *queue_id;		/* "-" when Postfix did not give one */
	const char *logfile;		/* NULL: syslog */
	const char *resolver;		/* -R: DNS server for DMARC, or NULL */
	const char *sender;		/* "" is the null sender */
	unsigned timeout;		/* seconds before the watchdog defers */
	int	dry_run;
	int	pass_on;		/* -p: pass on what is no list address */
	int	verbose;
	char  **recipients;
	int	nrecipients;
};

/* config_parse - fill cf from argv; a usage error is OUTCOME_TEMP 4.3.5 */
int	config_parse(struct config *cf, int argc, char **argv,
		     struct status *st);

/* config_usage - the synopsis, for -h and for error messages */
const char *config_usage(void);

#endif

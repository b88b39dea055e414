/*
 * site.h - what the list layer (src/list/) acts on: the database, the
 * spool directory and sendmail of one installation.  listpipe fills it
 * from its command line for one delivery; listctl from its own.
 */
#ifndef LISTPIPE_SITE_H
#define LISTPIPE_SITE_H

#include "db/db.h"
#include "mail/dmarc.h"
#include "mail/inject.h"

struct site {
	struct db *db;			/* open; read-only in a dry run */
	int	spool_fd;		/* spooldir_open(); -1 in a dry run
					 * without one */
	const char *spooldir;		/* its path, for messages */
	const char *sendmail;
	int	dry_run_fd;		/* >= 0: say what would be done */
	const struct inject_hooks *hooks;	/* or NULL */
	const char *resolver;		/* DMARC lookups: NULL for
					 * /etc/resolv.conf, or ADDR[:PORT] */
	struct dmarc_cache *dmarc;	/* one lookup a domain a run, or NULL */
};

#endif

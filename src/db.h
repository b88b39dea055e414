/*
 * db.h - the lists database (sql/schema.sql), as listpipe reads it.
 *
 * Opened once per run, read-only for a dry run.  A missing database, an
 * unknown schema or a lock held past the busy timeout are OUTCOME_TEMP:
 * mail waits in Postfix's queue while the postmaster looks.
 */
#ifndef LISTPIPE_DB_H
#define LISTPIPE_DB_H

#include "address.h"
#include "outcome.h"

/* The schema version (PRAGMA user_version) this listpipe understands. */
#define DB_SCHEMA_VERSION 1

/* How long to wait for a writer before deferring the message. */
#define DB_BUSY_TIMEOUT_MS 10000

struct db;

/* What an address in a served domain is to listpipe. */
enum db_kind { DB_KIND_POST, DB_KIND_BOUNCES, DB_KIND_OWNER };

/* One row of the lists table; strings are never NULL except the
 * optional ones marked, and free with db_list_free(). */
struct db_list {
	char   *address;
	char   *local;
	char   *domain;
	char   *bounces;	/* local-bounces@domain: envelope sender, Sender */
	char   *owner;		/* local-owner@domain */
	char   *name;		/* List-Id label; the local part when unset */
	char   *description;	/* optional */
	char   *subject_prefix;	/* optional */
	char   *reply_to;	/* "poster", "list" or an address */
	char   *help_url;	/* optional, as are the other URLs */
	char   *subscribe_url;
	char   *unsubscribe_url;
	char   *owner_url;
	char   *archive_url;
};

int	db_open(struct db **dbp, const char *path, int read_only,
		struct status *st);
void	db_close(struct db *db);

/*
 * db_find - what a normalised address is: 1 and kind/list filled in,
 * 0 when no list claims it, -1 on error.
 */
int	db_find(struct db *db, const char *address, enum db_kind *kind,
		struct db_list *list, struct status *st);

/* db_list_disabled - 1 if address is a list that is switched off */
int	db_list_disabled(struct db *db, const char *address, struct status *st);

/* db_domain_served - 1 if at least one list lives in domain */
int	db_domain_served(struct db *db, const char *domain, struct status *st);

/* db_recipients - enabled members of list, nested lists expanded,
 * without duplicates, sorted */
int	db_recipients(struct db *db, const char *list,
		      struct address_list *out, struct status *st);

/* db_owners - enabled owners of list, sorted */
int	db_owners(struct db *db, const char *list, struct address_list *out,
		  struct status *st);

void	db_list_free(struct db_list *list);

#endif

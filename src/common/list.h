/*
 * list.h - one list, as the database describes it and mail code reads it.
 *
 * A plain struct, so that the mail layer (rewrite) never needs the
 * database layer: db/lists.c fills it and frees it (db_list_free).
 * Strings are never NULL except the optional ones marked.
 */
#ifndef LISTPIPE_LIST_H
#define LISTPIPE_LIST_H

struct list {
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
	int	enabled;
};

#endif

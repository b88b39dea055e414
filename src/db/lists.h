/*
 * lists.h - the lists table: what an address is, and one list's row.
 */
#ifndef LISTPIPE_DB_LISTS_H
#define LISTPIPE_DB_LISTS_H

#include <stddef.h>

#include "common/address.h"
#include "common/list.h"
#include "common/status.h"
#include "db/db.h"

/* What an address in a served domain is to listpipe. */
enum db_kind { DB_KIND_POST, DB_KIND_BOUNCES, DB_KIND_OWNER, DB_KIND_REQUEST };

/*
 * db_find - what a normalised address is: 1 and kind/list filled in,
 * 0 when no list claims it, -1 on error.
 */
int	db_find(struct db *db, const char *address, enum db_kind *kind,
		struct list *list, struct status *st);

/* db_list_get - the list whose address is address (enabled or not):
 * 1 and list filled in, 0 when there is none, -1 on error */
int	db_list_get(struct db *db, const char *address, struct list *list,
		    struct status *st);

/* db_list_disabled - 1 if address is a list that is switched off */
int	db_list_disabled(struct db *db, const char *address, struct status *st);

/* db_domain_served - 1 if at least one list lives in domain */
int	db_domain_served(struct db *db, const char *domain, struct status *st);

/* One row of the list_summary view. */
struct list_summary {
	char   *address;
	int	enabled;
	int	members, nomail, disabled, owners, recipients;
};

/* db_list_summaries - every list, by address; free with
 * db_list_summaries_free() */
int	db_list_summaries(struct db *db, struct list_summary **out, size_t *n,
			  struct status *st);
void	db_list_summaries_free(struct list_summary *s, size_t n);

/* db_lists_without_owner - enabled lists with no enabled owner */
int	db_lists_without_owner(struct db *db, struct address_list *out,
			       struct status *st);

/* db_lists_rewriting_from - enabled lists whose from_rewrite is not never */
int	db_lists_rewriting_from(struct db *db, struct address_list *out,
				struct status *st);

/* db_list_domains - the domains that hold at least one list */
int	db_list_domains(struct db *db, struct address_list *out,
			struct status *st);

/* db_list_free - free what db_find or db_list_get filled in */
void	db_list_free(struct list *list);

#endif

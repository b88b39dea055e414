/*
 * members.h - the members table: who receives a post, who owns a list.
 */
#ifndef LISTPIPE_DB_MEMBERS_H
#define LISTPIPE_DB_MEMBERS_H

#include <stddef.h>

#include "common/address.h"
#include "common/status.h"
#include "db/db.h"

/*
 * db_recipients - enabled members of list, nested lists expanded,
 * without duplicates, sorted.  A row no sendmail could take as one
 * recipient (address_check_member) is skipped with a warning.
 */
int	db_recipients(struct db *db, const char *list,
		      struct address_list *out, struct status *st);

/* db_owners - enabled owners of list, sorted, checked the same way */
int	db_owners(struct db *db, const char *list, struct address_list *out,
		  struct status *st);

/* One row of the members table, as listctl shows it. */
struct member {
	char   *address;
	char   *role;		/* member, owner */
	char   *state;		/* enabled, nomail, disabled */
	int	is_list;	/* the address is another list's */
};

/* db_members - every row of list, sorted by role and address; free with
 * db_members_free() */
int	db_members(struct db *db, const char *list, struct member **out,
		   size_t *n, struct status *st);
void	db_members_free(struct member *m, size_t n);

#endif

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

/* db_moderators - who decides on held posts (the moderators view:
 * moderators, or owners when there is none), checked the same way */
int	db_moderators(struct db *db, const char *list, struct address_list *out,
		      struct status *st);

/*
 * db_sender_roles - the ROLE_* bits address holds on list: its own rows
 * in state enabled or nomail (disabled rows are the operator's "no"),
 * ROLE_MEMBER also through a list nested in this one, and ROLE_LIST when
 * address is the bounce address (extension or not) of one of our lists
 * that has this list as a member.
 */
int	db_sender_roles(struct db *db, const char *list, const char *address,
			unsigned *roles, struct status *st);

/* db_member_add - a row for address with role on list, enabled: 1 when
 * added, 0 when it was there already */
int	db_member_add(struct db *db, const char *list, const char *address,
		      const char *role, struct status *st);

/* db_member_has - 1 when address has its own row with role on list, in
 * any state (nested lists do not count), 0 when not */
int	db_member_has(struct db *db, const char *list, const char *address,
		      const char *role, struct status *st);

/* db_member_remove - address's row with role on list: 1 when removed, 0
 * when there was none */
int	db_member_remove(struct db *db, const char *list, const char *address,
			 const char *role, struct status *st);

/* One row of the members table, as listctl shows it. */
struct member {
	char   *address;
	char   *role;		/* member, owner */
	char   *state;		/* enabled, nomail, disabled */
	int	is_list;	/* the address is another list's */
	int	score;		/* bounce score (bounces.h) */
};

/* db_members - every row of list, sorted by role and address; free with
 * db_members_free() */
int	db_members(struct db *db, const char *list, struct member **out,
		   size_t *n, struct status *st);
void	db_members_free(struct member *m, size_t n);

#endif

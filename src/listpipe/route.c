/*
 * route.c - from an envelope recipient to a target.
 *
 * Database reads only: main() routes every recipient before anything is
 * delivered, so a database problem defers the message with nothing sent.
 */
#include <stdio.h>
#include <string.h>

#include "db/lists.h"
#include "db/members.h"
#include "listpipe/route.h"

/* route_list - a list's own addresses: who gets the message */
static int route_list(struct db *db, enum db_kind kind, struct target *t,
		      struct status *st)
{
	static const enum target_kind kinds[] = {
		[DB_KIND_POST] = TARGET_LIST, [DB_KIND_BOUNCES] = TARGET_BOUNCES,
		[DB_KIND_OWNER] = TARGET_OWNER, [DB_KIND_REQUEST] = TARGET_REQUEST,
	};

	t->kind = kinds[kind];
	if (t->kind == TARGET_LIST)
		return db_recipients(db, t->list.address, &t->rcpts, st);
	if (t->kind == TARGET_OWNER) {
		if (db_owners(db, t->list.address, &t->rcpts, st) < 0)
			return -1;
		if (t->rcpts.n == 0)
			/* The operator can fix this; Postfix keeps the mail
			 * meanwhile. */
			return status_temp(st, "4.3.5", "listpipe: list %s has "
					   "no enabled owner", t->list.address);
	}
	return 0;
}

int route(const struct config *cf, struct db *db, const char *recipient,
	  struct target *t, struct status *st)
{
	enum db_kind kind;
	const char *why;
	char	base[ADDRESS_MAX];
	const char *key;	/* the address as looked up: without extension */
	int	found;

	memset(t, 0, sizeof(*t));
	status_ok(&t->verdict);
	switch (address_normalize(recipient, t->address, sizeof(t->address),
				  &why)) {
	case -2:
		/* Postfix only hands us user@domain: this is master.cf. */
		return status_temp(st, "4.3.5", "listpipe: recipient \"%.100s\": %s",
				   recipient, why);
	case -1:
		/* Postfix took it (an extension is not checked at RCPT
		 * time), but no retry will make it an address. */
		t->kind = TARGET_REFUSED;
		if (snprintf(t->address, sizeof(t->address), "%.100s...",
			     recipient) < 0)
			t->address[0] = 0;
		status_set(&t->verdict, OUTCOME_BAD_ADDRESS, "5.1.3",
			   "<%.100s...>: %s", recipient, why);
		return 0;
	}
	key = t->address;
	found = db_find(db, key, &kind, &t->list, st);
	if (found == 0 && address_strip_extension(t->address, base,
						  sizeof(base))) {
		key = base;
		found = db_find(db, key, &kind, &t->list, st);
	}
	if (found < 0)
		return -1;
	if (found)
		return route_list(db, kind, t, st);
	switch (db_list_disabled(db, key, st)) {
	case -1:
		return -1;
	case 1:
		t->kind = TARGET_REFUSED;
		status_set(&t->verdict, OUTCOME_DISABLED, "5.2.1",
			   "<%s>: list is disabled", t->address);
		return 0;
	}
	switch (db_domain_served(db, address_domain(t->address), st)) {
	case -1:
		return -1;
	case 1:
		t->kind = TARGET_REFUSED;
		status_set(&t->verdict, OUTCOME_NO_LIST, "5.1.1",
			   "<%s>: no such list", t->address);
		return 0;
	}
	/* Postfix routes whole domains to us (transport_maps), so an
	 * address in a domain without lists is one the database does not
	 * know yet or any more (it is being rebuilt, the last list went
	 * while mail waited): passed on, it would come straight back here
	 * and loop.  Only a content_filter set-up, which says so with -p,
	 * passes such mail on. */
	if (!cf->pass_on)
		return status_temp(st, "4.3.5", "listpipe: <%s>: no list in "
		    "domain %s in %s: add the list, or take the domain out "
		    "of listpipe's transport (-p passes such mail on)",
		    t->address, address_domain(t->address), cf->database);
	/* Passed on as it was addressed: a local part may be case-sensitive
	 * elsewhere, and only our own lookups fold it. */
	t->kind = TARGET_PASS;
	if (address_trim(recipient, base, sizeof(base)) < 0)
		return status_temp(st, "4.3.0", "listpipe: internal error: "
				   "recipient does not fit");
	address_list_add(&t->rcpts, base);
	return 0;
}

void target_free(struct target *t)
{
	db_list_free(&t->list);
	address_list_free(&t->rcpts);
}

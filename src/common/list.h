/*
 * list.h - one list, as the database describes it and mail code reads it.
 *
 * A plain struct, so that the mail layer (rewrite) never needs the
 * database layer: db/lists.c fills it and frees it (db_list_free).
 * Strings are never NULL except the optional ones marked.
 */
#ifndef LISTPIPE_LIST_H
#define LISTPIPE_LIST_H

/* Who may post (lists.policy). */
enum list_policy {
	POLICY_OPEN, POLICY_MEMBERS, POLICY_MODERATED, POLICY_ANNOUNCE,
};

/* What happens to a post that is not accepted (lists.refused, oversize). */
enum list_action { ACTION_REJECT, ACTION_DISCARD, ACTION_HOLD };

/* Joining by mail (lists.subscription). */
enum list_subscription {
	SUBSCRIPTION_CLOSED, SUBSCRIPTION_CONFIRM, SUBSCRIPTION_MODERATE,
};

/* The author's DKIM signatures (lists.dkim). */
enum list_dkim { DKIM_RESPECT, DKIM_IGNORE };

/* When From: becomes the list's (lists.from_rewrite). */
enum list_from_rewrite { FROM_NEVER, FROM_DMARC, FROM_ALWAYS };

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
	enum list_policy policy;
	enum list_action refused;	/* reject, discard or hold */
	long long max_size;		/* bytes; 0: no limit */
	enum list_action oversize;	/* reject or hold */
	enum list_subscription subscription;
	int	hold_days;
	char   *request;	/* local-request@domain */
	int	bounce_limit;	/* score that disables a member; 0: never */
	int	bounce_days;	/* quiet days after which a score restarts */
	char   *report_to;	/* owners, postmaster, none or an address */
	int	dedupe_hours;	/* a Message-ID is distributed once in this
				 * many hours; 0: no suppression */
	enum list_dkim dkim;
	enum list_from_rewrite from_rewrite;
	int	reply_to_strip;	/* the list's Reply-To replaces the poster's */
	char   *strip_headers;	/* names (X-Foo-* prefixes) split by spaces */
	int	archive;	/* store each copy in SPOOL/archive/LIST */
	int	verp;		/* VERP one post in this many; 0: never */
};

/* The roles someone holds on a list, as bits (members.role). */
#define ROLE_MEMBER	0x01	/* of the list or of a list nested in it */
#define ROLE_OWNER	0x02
#define ROLE_MODERATOR	0x04
#define ROLE_POSTER	0x08
#define ROLE_LIST	0x10	/* a list of ours that has this one as member:
				 * its copies are distribution, not posts */
#define ROLE_UPSTREAM	0x20	/* the envelope sender is a poster: an outside
				 * list this one is subscribed to, whose
				 * Precedence: list is not an auto-reply */

/* The readable names of the values above, as the schema spells them. */
extern const char *const list_policy_names[];		/* by enum value */
extern const char *const list_action_names[];
extern const char *const list_subscription_names[];
extern const char *const list_dkim_names[];
extern const char *const list_from_rewrite_names[];

#endif

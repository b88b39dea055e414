/*
 * lists.c - read the lists table.
 *
 * The columns of a list row are named once, in list_columns[]: the
 * SELECT, the copying into struct list and the freeing all walk it.
 */
#include <stddef.h>
#include <string.h>

#include <glib.h>

#include "db/lists.h"
#include "db/sql.h"

static const struct {
	const char *sql;	/* the expression, over lists AS l */
	size_t	offset;		/* of the char * in struct list */
	int	optional;	/* NULL stays NULL; else "" */
} list_columns[] = {
	/* Lower case: an operator's "Team@" must not become "Team-bounces@"
	 * in one place and "team-bounces@" in another. */
	{"lower(l.address)", offsetof(struct list, address), 0},
	{"lower(l.local)", offsetof(struct list, local), 0},
	{"l.domain", offsetof(struct list, domain), 0},
	{"lower(l.local) || '-bounces@' || l.domain",
	 offsetof(struct list, bounces), 0},
	{"lower(l.local) || '-owner@' || l.domain",
	 offsetof(struct list, owner), 0},
	{"lower(l.local) || '-request@' || l.domain",
	 offsetof(struct list, request), 0},
	{"coalesce(l.name, lower(l.local))", offsetof(struct list, name), 0},
	{"l.description", offsetof(struct list, description), 1},
	{"l.subject_prefix", offsetof(struct list, subject_prefix), 1},
	{"coalesce(l.reply_to, 'poster')", offsetof(struct list, reply_to), 0},
	{"l.help_url", offsetof(struct list, help_url), 1},
	{"l.subscribe_url", offsetof(struct list, subscribe_url), 1},
	{"l.unsubscribe_url", offsetof(struct list, unsubscribe_url), 1},
	{"l.owner_url", offsetof(struct list, owner_url), 1},
	{"l.archive_url", offsetof(struct list, archive_url), 1},
	{"l.report_to", offsetof(struct list, report_to), 0},
	{"l.strip_headers", offsetof(struct list, strip_headers), 0},
};

#define NCOLUMNS (sizeof(list_columns) / sizeof(*list_columns))

#define FIELD(list, i) \
	((char **)((char *)(list) + list_columns[i].offset))

const char *const list_policy_names[] = {
	[POLICY_OPEN] = "open", [POLICY_MEMBERS] = "members",
	[POLICY_MODERATED] = "moderated", [POLICY_ANNOUNCE] = "announce", NULL,
};
const char *const list_action_names[] = {
	[ACTION_REJECT] = "reject", [ACTION_DISCARD] = "discard",
	[ACTION_HOLD] = "hold", NULL,
};
const char *const list_subscription_names[] = {
	[SUBSCRIPTION_CLOSED] = "closed", [SUBSCRIPTION_CONFIRM] = "confirm",
	[SUBSCRIPTION_MODERATE] = "moderate", NULL,
};
const char *const list_dkim_names[] = {
	[DKIM_RESPECT] = "respect", [DKIM_IGNORE] = "ignore", NULL,
};
const char *const list_from_rewrite_names[] = {
	[FROM_NEVER] = "never", [FROM_DMARC] = "dmarc",
	[FROM_ALWAYS] = "always", NULL,
};

/* The columns after the strings, in this order. */
#define SETTINGS_SQL "l.enabled, l.policy, l.refused, l.max_size, " \
		     "l.oversize, l.subscription, l.hold_days, " \
		     "l.bounce_limit, l.bounce_days, l.dedupe_hours, " \
		     "l.dkim, l.from_rewrite, l.reply_to_strip, l.archive, " \
		     "l.verp"

/* select_list - "SELECT <first>, <columns>, <settings> <rest>" */
static char *select_list(const char *first, const char *rest)
{
	GString *q = g_string_new("SELECT ");

	g_string_append_printf(q, "%s, ", first);
	for (size_t i = 0; i < NCOLUMNS; i++)
		g_string_append_printf(q, "%s, ", list_columns[i].sql);
	g_string_append_printf(q, SETTINGS_SQL " %s", rest);
	return g_string_free(q, FALSE);
}

/* name_value - the index of text in names, or -1 */
static int name_value(const char *const *names, const unsigned char *text)
{
	for (int i = 0; text && names[i]; i++)
		if (strcmp(names[i], (const char *)text) == 0)
			return i;
	return -1;
}

/*
 * read_settings - the enumerated columns.  The schema's CHECKs keep
 * other values out, but a row written with checks off may hold one: the
 * list is then unusable (a deferral that names it), never guessed at.
 */
static int read_settings(sqlite3_stmt *stmt, int col, struct list *list,
			 struct status *st)
{
	int	policy = name_value(list_policy_names,
				    sqlite3_column_text(stmt, col + 1));
	int	refused = name_value(list_action_names,
				     sqlite3_column_text(stmt, col + 2));
	int	oversize = name_value(list_action_names,
				      sqlite3_column_text(stmt, col + 4));
	int	subscription = name_value(list_subscription_names,
					  sqlite3_column_text(stmt, col + 5));
	int	dkim = name_value(list_dkim_names,
				  sqlite3_column_text(stmt, col + 10));
	int	from_rewrite = name_value(list_from_rewrite_names,
					  sqlite3_column_text(stmt, col + 11));

	list->enabled = sqlite3_column_int(stmt, col);
	list->max_size = sqlite3_column_int64(stmt, col + 3);
	list->hold_days = sqlite3_column_int(stmt, col + 6);
	list->bounce_limit = sqlite3_column_int(stmt, col + 7);
	list->bounce_days = sqlite3_column_int(stmt, col + 8);
	list->dedupe_hours = sqlite3_column_int(stmt, col + 9);
	list->reply_to_strip = sqlite3_column_int(stmt, col + 12) != 0;
	list->archive = sqlite3_column_int(stmt, col + 13) != 0;
	list->verp = sqlite3_column_int(stmt, col + 14);
	if (policy < 0 || refused < 0 || oversize < 0 || subscription < 0
	    || dkim < 0 || from_rewrite < 0 || list->verp < 0
	    || oversize == ACTION_DISCARD || list->max_size < 0
	    || list->hold_days < 1 || list->bounce_limit < 0
	    || list->bounce_days < 1 || list->dedupe_hours < 0)
		return status_temp(st, "4.3.5", "listpipe: list %s has an "
		    "unknown policy, refused, oversize, subscription, max_size, "
		    "hold_days, bounce_limit, bounce_days, dedupe_hours, dkim, "
		    "from_rewrite or verp value: see listpipe(5)", list->address);
	list->policy = (enum list_policy)policy;
	list->refused = (enum list_action)refused;
	list->oversize = (enum list_action)oversize;
	list->subscription = (enum list_subscription)subscription;
	list->dkim = (enum list_dkim)dkim;
	list->from_rewrite = (enum list_from_rewrite)from_rewrite;
	return 0;
}

static int read_list(sqlite3_stmt *stmt, int first, struct list *list,
		     struct status *st)
{
	memset(list, 0, sizeof(*list));
	for (size_t i = 0; i < NCOLUMNS; i++) {
		const char *text = (const char *)
			sqlite3_column_text(stmt, first + (int)i);

		if (text == NULL && list_columns[i].optional)
			continue;
		*FIELD(list, i) = g_strdup(text ? text : "");
	}
	return read_settings(stmt, first + (int)NCOLUMNS, list, st);
}

/* one_list - run a query whose row is a kind column and a list; 1, 0 or -1 */
static int one_list(struct db *db, const char *sql, const char *arg,
		    const char **kind_text, char *kind_buf, size_t kind_size,
		    struct list *list, const char *what, struct status *st)
{
	sqlite3_stmt *stmt;
	int	rc;

	memset(list, 0, sizeof(*list));
	if (db_prepare(db, sql, &stmt, st) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, arg, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_DONE) {
		sqlite3_finalize(stmt);
		return 0;
	}
	if (rc != SQLITE_ROW) {
		db_fail(db, rc, what, st);
		sqlite3_finalize(stmt);
		return -1;
	}
	if (kind_text) {
		const char *k = (const char *)sqlite3_column_text(stmt, 0);

		g_strlcpy(kind_buf, k ? k : "", kind_size);
		*kind_text = kind_buf;
	}
	rc = read_list(stmt, 1, list, st);
	sqlite3_finalize(stmt);
	if (rc < 0) {
		db_list_free(list);
		return -1;
	}
	return 1;
}

/*
 * db_find answers what the addresses view says, by primary-key lookups:
 * the view computes every list's four addresses to compare them, which
 * costs a scan of all lists and compiling the view on every delivery.
 * Postfix's RCPT-time lookup still reads the view, and the tests hold
 * the two to the same answers.
 */
int db_find(struct db *db, const char *address, enum db_kind *kind,
	    struct list *list, struct status *st)
{
	static const struct {
		const char *suffix;
		enum db_kind kind;
	} kinds[] = {
		{"-bounces", DB_KIND_BOUNCES}, {"-owner", DB_KIND_OWNER},
		{"-request", DB_KIND_REQUEST},
	};
	const char *at = strrchr(address, '@');
	/* A list literally named like another's -bounces address wins. */
	char   *sql = select_list("1", "FROM lists l WHERE l.address = ?1 AND "
				  "l.enabled");
	int	found = one_list(db, sql, address, NULL, NULL, 0, list,
				 "look up address", st);

	g_free(sql);
	if (found != 0) {
		*kind = DB_KIND_POST;
		return found;
	}
	for (size_t i = 0; at && i < sizeof(kinds) / sizeof(*kinds); i++) {
		size_t	n = strlen(kinds[i].suffix);
		char   *base;

		if ((size_t)(at - address) <= n
		    || g_ascii_strncasecmp(at - n, kinds[i].suffix, n) != 0)
			continue;
		base = g_strdup_printf("%.*s%s", (int)(at - n - address),
				       address, at);
		found = db_list_get(db, base, list, st);
		g_free(base);
		if (found != 0) {
			*kind = kinds[i].kind;
			return found;
		}
	}
	return 0;
}

int db_list_get(struct db *db, const char *address, struct list *list,
		struct status *st)
{
	char   *sql = select_list("1", "FROM lists l WHERE l.address = ?1");
	int	found = one_list(db, sql, address, NULL, NULL, 0, list,
				 "read list", st);

	g_free(sql);
	return found;
}

int db_list_disabled(struct db *db, const char *address, struct status *st)
{
	return db_single_row(db, "SELECT 1 FROM lists WHERE address = ?1 "
			     "AND NOT enabled", address, "look up list", st);
}

int db_domain_served(struct db *db, const char *domain, struct status *st)
{
	return db_single_row(db, "SELECT 1 FROM lists WHERE domain = lower(?1) "
			     "LIMIT 1", domain, "look up domain", st);
}

int db_list_summaries(struct db *db, struct list_summary **out, size_t *n,
		      struct status *st)
{
	sqlite3_stmt *stmt;
	GArray *rows = g_array_new(FALSE, TRUE, sizeof(struct list_summary));
	int	rc;

	*out = NULL;
	*n = 0;
	if (db_prepare(db, "SELECT list, enabled, members, nomail, disabled, "
		       "owners, recipients FROM list_summary ORDER BY list",
		       &stmt, st) < 0) {
		g_array_free(rows, TRUE);
		return -1;
	}
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct list_summary r = {
			g_strdup((const char *)sqlite3_column_text(stmt, 0)),
			sqlite3_column_int(stmt, 1), sqlite3_column_int(stmt, 2),
			sqlite3_column_int(stmt, 3), sqlite3_column_int(stmt, 4),
			sqlite3_column_int(stmt, 5), sqlite3_column_int(stmt, 6),
		};

		g_array_append_val(rows, r);
	}
	sqlite3_finalize(stmt);
	*n = rows->len;
	*out = (struct list_summary *)(void *)g_array_free(rows, FALSE);
	if (rc != SQLITE_DONE) {
		db_list_summaries_free(*out, *n);
		*out = NULL;
		*n = 0;
		return db_fail(db, rc, "read list_summary", st);
	}
	return 0;
}

void db_list_summaries_free(struct list_summary *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		g_free(s[i].address);
	g_free(s);
}

/* strings - every row's first column */
static int strings(struct db *db, const char *sql, struct address_list *out,
		   const char *what, struct status *st)
{
	sqlite3_stmt *stmt;
	int	rc;

	if (db_prepare(db, sql, &stmt, st) < 0)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(stmt, 0);

		address_list_add(out, v ? v : "");
	}
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? 0 : db_fail(db, rc, what, st);
}

int db_lists_without_owner(struct db *db, struct address_list *out,
			   struct status *st)
{
	return strings(db, "SELECT address FROM lists l WHERE enabled AND NOT "
		       "EXISTS (SELECT 1 FROM members m WHERE m.list = "
		       "l.address AND m.role = 'owner' AND m.state = 'enabled') "
		       "ORDER BY address", out, "read owners", st);
}

int db_lists_rewriting_from(struct db *db, struct address_list *out,
			    struct status *st)
{
	return strings(db, "SELECT address FROM lists WHERE enabled AND "
		       "from_rewrite <> 'never' ORDER BY address", out,
		       "read from_rewrite", st);
}

int db_list_domains(struct db *db, struct address_list *out,
		    struct status *st)
{
	return strings(db, "SELECT DISTINCT domain FROM lists ORDER BY 1", out,
		       "read list domains", st);
}

void db_list_free(struct list *list)
{
	for (size_t i = 0; i < NCOLUMNS; i++) {
		g_free(*FIELD(list, i));
		*FIELD(list, i) = NULL;
	}
}

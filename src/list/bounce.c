/*
 * bounce.c - attribute, record and score one stored bounce.
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "common/io.h"
#include "common/log.h"
#include "db/bounces.h"
#include "db/lists.h"
#include "db/members.h"
#include "list/bounce.h"
#include "list/notice.h"
#include "mail/dsn.h"
#include "mail/verp.h"

/* is_member - does address have a member row reachable from list */
static int is_member(const struct site *s, const char *list,
		     const char *address, struct status *st)
{
	struct membership *m;
	size_t	n;
	int	rc;

	if (*address == 0)
		return 0;
	rc = db_bounce_memberships(s->db, list, address, &m, &n, st);
	db_memberships_free(m, n);
	return rc < 0 ? -1 : rc > 0;
}

/*
 * attribute - who report r is about: the VERP member when there is one
 * (and it is a member), else the one member the report names; NULL when
 * nobody can be blamed.  Points into verp or r.
 */
static const char *attribute(const struct site *s, const struct list *l,
			     const char *verp, const struct dsn_report *r,
			     struct status *st, int *failed)
{
	int	final, original;

	*failed = 0;
	if (verp) {
		int	rc = is_member(s, l->address, verp, st);

		if (rc < 0)
			*failed = 1;
		return rc > 0 ? verp : NULL;
	}
	if ((final = is_member(s, l->address, r->recipient, st)) < 0
	    || (original = is_member(s, l->address, r->original, st)) < 0) {
		*failed = 1;
		return NULL;
	}
	if (final && original && strcmp(r->recipient, r->original) != 0)
		return NULL;		/* two members: ambiguous */
	return final ? r->recipient : original ? r->original : NULL;
}

/* Someone disabled by this bounce: the row's list and address. */
struct disabling {
	char   *list;
	char   *address;
	int	score;
	const struct dsn_report *why;
};

/* score_member - count one hard bounce on every enabled member row of
 * address reachable from l; each row once per bounce */
static int score_member(const struct site *s, const struct list *l,
			const char *address, const struct dsn_report *r,
			const char *file, GArray *disabled, int *counted,
			struct status *st)
{
	struct membership *m;
	size_t	n;
	int	rc = 0;

	if (db_bounce_memberships(s->db, l->address, address, &m, &n, st) < 0)
		return -1;
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct list row_list = {0};
		struct score sc;
		char   *reason;
		int	got = db_list_get(s->db, m[i].list, &row_list, st);

		if (got <= 0) {
			rc = got;
			db_list_free(&row_list);
			continue;
		}
		reason = g_strdup_printf("bounces: %s%s%s (%s)",
					 *r->status ? r->status : "failed",
					 *r->diagnostic ? " " : "",
					 r->diagnostic, file);
		rc = db_member_score(s->db, row_list.address, address,
				     row_list.bounce_limit,
				     row_list.bounce_days, reason, &sc, st);
		g_free(reason);
		if (rc == 0 && sc.counted)
			*counted = 1;
		if (rc == 0 && sc.counted)
			log_info("list=<%s>, member=<%s>, score=%d/%d%s",
				 row_list.address, address, sc.score,
				 row_list.bounce_limit,
				 sc.disabled ? ", status=disabled (bounces)" : "");
		if (rc == 0 && sc.disabled) {
			struct disabling d = {g_strdup(row_list.address),
					      g_strdup(address), sc.score, r};

			g_array_append_val(disabled, d);
		}
		db_list_free(&row_list);
	}
	db_memberships_free(m, n);
	return rc;
}

/* tell_owners - one notice to each owner of the list whose row was
 * disabled; never more than the list's notice limit an hour */
static void tell_owners(const struct site *s, const struct disabling *d,
			const char *file)
{
	struct list l = {0};
	struct address_list owners = {0};
	struct status st;
	char	score[16], limit[16], days[16];

	if (db_list_get(s->db, d->list, &l, &st) <= 0
	    || db_owners(s->db, d->list, &owners, &st) < 0) {
		log_warn("list=<%s>, member=<%s> disabled; owners not told: %s",
			 d->list, d->address, st.reason);
		db_list_free(&l);
		return;
	}
	snprintf(score, sizeof(score), "%d", d->score);
	snprintf(limit, sizeof(limit), "%d", l.bounce_limit);
	snprintf(days, sizeof(days), "%d", l.bounce_days);
	for (size_t i = 0; i < owners.n; i++) {
		const struct text_var vars[] = {
			{"address", d->address}, {"score", score},
			{"limit", limit}, {"days", days},
			{"status", d->why->status}, {"diagnostic",
			d->why->diagnostic}, {"file", file}, {NULL, NULL},
		};
		struct notice n = {
			.text = "member_disabled", .to = owners.v[i],
			.from = l.bounces, .auto_submitted = "auto-generated",
			.vars = vars,
		};
		int	ok = notice_allowed(s, &l, NULL, n.text, &st);

		if (ok == 0)
			break;
		if (ok < 0 || notice_send(s, &l, &n, &st) < 0)
			log_warn("list=<%s>, to=<%s>: member_disabled not "
				 "sent: %s", l.address, owners.v[i], st.reason);
	}
	if (owners.n == 0)
		log_warn("list=<%s>, member=<%s> disabled; the list has no "
			 "owner to tell", d->list, d->address);
	address_list_free(&owners);
	db_list_free(&l);
}

/* dry_run - what would be recorded */
static void dry_run(const struct site *s, const char *verp,
		    const struct dsn *d, const char *file)
{
	GString *out = g_string_new("");

	g_string_append_printf(out, "bounce %s: %s (%s), %zu report%s, "
			       "member by VERP: %s\n", file,
			       d->family ? d->family : "unrecognised",
			       d->format == DSN_NONE ? "nothing found" : "read",
			       d->nreports, d->nreports == 1 ? "" : "s",
			       verp ? verp : "none");
	for (size_t i = 0; i < d->nreports; i++) {
		const struct dsn_report *r = &d->reports[i];

		g_string_append_printf(out, "  recipient=<%s> action=%s "
				       "status=%s kind=%s: %s\n",
				       r->recipient, *r->action ? r->action : "-",
				       *r->status ? r->status : "-",
				       dsn_kind_names[r->kind], r->diagnostic);
	}
	if (io_write_all(s->dry_run_fd, out->str, out->len) < 0)
		log_warn("dry run: write: %m");
	g_string_free(out, TRUE);
}

void bounce_process(const struct site *s, const struct list *l,
		    const char *rcpt, const char *file, int fd)
{
	struct dsn *d = g_new0(struct dsn, 1);
	struct dsn_report none = {.kind = DSN_UNKNOWN};
	char	verp_buf[ADDRESS_MAX];
	const char *verp = NULL;
	int	nobody = 0;		/* an extension we never made */
	const char *why;
	GArray *disabled = g_array_new(FALSE, TRUE, sizeof(struct disabling));
	struct status st;
	size_t	nrows;
	int	counted = 0;

	switch (verp_decode(rcpt, l->bounces, verp_buf, sizeof(verp_buf),
			    &why)) {
	case 1:
		verp = verp_buf;
		break;
	case -1:
		/* Every copy we send has a VERP extension of our making, or
		 * none: this answers nothing of ours, so it blames nobody. */
		log_warn("list=<%s>, bounce=%s: to=<%s>: %s: not attributed "
			 "by VERP", l->address, file, rcpt, why);
		nobody = 1;
		break;
	}
	if (dsn_analyse(fd, d, &st) < 0) {
		log_warn("list=<%s>, bounce=%s: not analysed: %s", l->address,
			 file, st.reason);
		memset(d, 0, sizeof(*d));
	}
	if (s->dry_run_fd >= 0) {
		dry_run(s, verp, d, file);
		goto done;
	}
	nrows = d->nreports ? d->nreports : 1;
	if (db_begin(s->db, &st) < 0)
		goto failed;
	for (size_t i = 0; i < nrows; i++) {
		const struct dsn_report *r = d->nreports ? &d->reports[i] : &none;
		int	lookup_failed = 0;
		const char *member = nobody ? NULL
				     : attribute(s, l, verp, r, &st,
						 &lookup_failed);
		struct bounce b = {
			.list = l->address, .member = (char *)member,
			.recipient = (char *)r->recipient,
			.kind = (char *)dsn_kind_names[r->kind],
			.action = (char *)r->action, .status = (char *)r->status,
			.diagnostic = (char *)r->diagnostic,
			.mta = (char *)(*r->mta ? r->mta : d->reporting_mta),
			.file = (char *)file,
		};
		int	before = counted;

		if (lookup_failed)
			goto failed;
		if (r->kind == DSN_HARD && member
		    && score_member(s, l, member, r, file, disabled, &counted,
				    &st) < 0)
			goto failed;
		b.scored = counted && !before;
		if (db_bounce_add(s->db, &b, &st) < 0)
			goto failed;
		log_info("list=<%s>, bounce=%s, member=<%s>, recipient=<%s>, "
			 "kind=%s, status=%s, format=%s", l->address, file,
			 member ? member : "", r->recipient,
			 dsn_kind_names[r->kind], *r->status ? r->status : "-",
			 d->family ? d->family : "none");
	}
	if (db_commit(s->db, &st) < 0)
		goto failed;
	for (guint i = 0; i < disabled->len; i++)
		tell_owners(s, &g_array_index(disabled, struct disabling, i),
			    file);
	goto done;
failed:
	db_rollback(s->db);
	log_warn("list=<%s>, bounce=%s stored but not recorded: %s",
		 l->address, file, st.reason);
done:
	for (guint i = 0; i < disabled->len; i++) {
		g_free(g_array_index(disabled, struct disabling, i).list);
		g_free(g_array_index(disabled, struct disabling, i).address);
	}
	g_array_free(disabled, TRUE);
	g_free(d);
}

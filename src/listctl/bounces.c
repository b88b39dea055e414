/*
 * bounces.c - listctl bounces, enable and report: bounce processing from
 * the server's side.
 *
 * report is for cron: per list, what happened since the last report
 * (bounces by kind and by member, members disabled, bounces nobody could
 * be blamed for, posts waiting for a moderator), mailed to whom the
 * list's report_to names, or printed with -n.  A list with nothing to
 * say gets no mail.
 */
#include <string.h>
#include <time.h>

#include <glib.h>

#include "common/log.h"
#include "db/bounces.h"
#include "db/held.h"
#include "db/lists.h"
#include "db/members.h"
#include "list/notice.h"
#include "list/site.h"
#include "listctl/ctl.h"
#include "mail/dsn.h"

int cmd_bounces(struct ctl *ctl, int argc, char **argv)
{
	struct db *db;
	struct bounce *b;
	size_t	n;
	struct status st;

	if (ctl_open_db(ctl, &db) < 0)
		return CTL_FAILED;
	if (db_bounces(db, argc > 1 ? argv[1] : NULL, argc > 2 ? argv[2] : NULL,
		       NULL, NULL, &b, &n, &st) < 0) {
		ctl_error(&st);
		db_close(db);
		return CTL_FAILED;
	}
	if (n > 0)
		ctl_printf(ctl, "%-5s %-19s %-9s %-6s %s", "id", "received",
			   "kind", "status", "list / member (recipient) / "
			   "diagnostic / file");
	for (size_t i = 0; i < n; i++) {
		ctl_printf(ctl, "%-5lld %-19s %-9s %-6s %s", b[i].id,
			   b[i].received, b[i].kind,
			   *b[i].status ? b[i].status : "-", b[i].list);
		{
			/* The report's recipient only where it says more. */
			int	other = *b[i].recipient && (b[i].member == NULL
				|| strcmp(b[i].recipient, b[i].member) != 0);

			ctl_printf(ctl, "%-5s %s%s%s%s%s", "",
				   b[i].member ? b[i].member
					       : "(not attributed)",
				   other ? " (report: " : "",
				   other ? b[i].recipient : "",
				   other ? ")" : "",
				   b[i].scored ? ", counted" : "");
		}
		if (*b[i].diagnostic)
			ctl_printf(ctl, "%-5s %s", "", b[i].diagnostic);
		ctl_printf(ctl, "%-5s %s", "", b[i].file);
	}
	db_bounces_free(b, n);
	db_close(db);
	return CTL_OK;
}

int cmd_enable(struct ctl *ctl, int argc, char **argv)
{
	struct site site;
	struct status st;
	int	rc;

	if (ctl_open_site(ctl, &site) < 0)
		return CTL_FAILED;
	rc = db_member_enable(site.db, argv[1], argv[2], &st);
	if (rc < 0)
		ctl_error(&st);
	else if (rc == 0)
		fprintf(stderr, "listctl: %s is not a disabled member of %s: "
			"nothing changed\n", argv[2], argv[1]);
	else {
		ctl_printf(ctl, "%s: %s enabled, bounce score cleared",
			   argv[1], argv[2]);
		log_info("list=<%s>, member=<%s>, status=enabled (listctl)",
			 argv[1], argv[2]);
	}
	ctl_close_site(&site);
	return rc > 0 ? CTL_OK : CTL_FAILED;
}

/* days_since - whole days from a "YYYY-MM-DD HH:MM:SS" UTC time to now */
static long days_since(const char *when)
{
	struct tm tm = {0};

	if (when == NULL || strptime(when, "%Y-%m-%d %H:%M:%S", &tm) == NULL)
		return 0;
	return (long)((time(NULL) - timegm(&tm)) / 86400);
}

/* One member's bounces in the report. */
struct tally {
	const char *member;
	int	hard, other;
};

/* report_for - the report's lines for list l into out, for what came
 * from since to until, both included (NULL: no bound); 1 when there is
 * anything to say */
static int report_for(struct db *db, const struct list *l, const char *since,
		      const char *until, GString *out, struct status *st)
{
	struct bounce *b = NULL;
	struct disabled *d = NULL;
	struct held *h = NULL;
	size_t	nb = 0, nd = 0, nh = 0;
	int	kinds[DSN_FEEDBACK + 1] = {0};
	GArray *tallies = g_array_new(FALSE, TRUE, sizeof(struct tally));
	size_t	unattributed = 0;
	int	rc = -1;

	if (db_bounces(db, l->address, NULL, since, until, &b, &nb, st) < 0
	    || db_disabled_since(db, l->address, since, until, &d, &nd, st) < 0
	    || db_held_waiting(db, l->address, &h, &nh, st) < 0)
		goto done;
	for (size_t i = 0; i < nb; i++) {
		for (int k = 0; k <= DSN_FEEDBACK; k++)
			if (strcmp(b[i].kind, dsn_kind_names[k]) == 0)
				kinds[k]++;
		if (b[i].member == NULL) {
			unattributed++;
			continue;
		}
		guint	t;

		for (t = 0; t < tallies->len; t++)
			if (strcmp(g_array_index(tallies, struct tally,
						 t).member, b[i].member) == 0)
				break;
		if (t == tallies->len) {
			struct tally nt = {b[i].member, 0, 0};

			g_array_append_val(tallies, nt);
		}
		if (strcmp(b[i].kind, "hard") == 0)
			g_array_index(tallies, struct tally, t).hard++;
		else
			g_array_index(tallies, struct tally, t).other++;
	}
	g_string_append_printf(out, "Bounces: %zu\n", nb);
	if (nb > 0) {
		const char *sep = "  ";

		for (int k = 0; k <= DSN_FEEDBACK; k++)
			if (kinds[k]) {
				g_string_append_printf(out, "%s%s %d", sep,
						       dsn_kind_names[k],
						       kinds[k]);
				sep = ", ";
			}
		g_string_append(out, "\n  (only hard ones count against a "
				"member)\n");
		for (guint t = 0; t < tallies->len; t++) {
			struct tally *x = &g_array_index(tallies, struct tally, t);

			g_string_append_printf(out, "  %s: %d hard, %d other\n",
					       x->member, x->hard, x->other);
		}
	}
	g_string_append_printf(out, "\nMembers disabled by bounces: %zu\n", nd);
	for (size_t i = 0; i < nd; i++)
		g_string_append_printf(out, "  %s, %s\n    %s\n", d[i].address,
				       d[i].since, d[i].reason);
	g_string_append_printf(out, "\nBounces nobody could be blamed for: "
			       "%zu\n", unattributed);
	for (size_t i = 0; i < nb; i++)
		if (b[i].member == NULL)
			g_string_append_printf(out, "  %s %s %s\n    %s\n",
					       b[i].received, b[i].kind,
					       *b[i].recipient ? b[i].recipient
					       : "(no recipient found)",
					       b[i].file);
	g_string_append_printf(out, "\nPosts waiting for a moderator: %zu\n", nh);
	for (size_t i = 0; i < nh; i++)
		g_string_append_printf(out, "  id %lld, %ld days, from <%s>: "
				       "%s\n", h[i].id,
				       days_since(h[i].received), h[i].sender,
				       h[i].subject);
	rc = nb > 0 || nd > 0 || nh > 0;
done:
	g_array_free(tallies, TRUE);
	db_bounces_free(b, nb);
	db_disabled_free(d, nd);
	db_held_free_all(h, nh);
	return rc;
}

/* report_recipients - who gets l's report: its report_to setting;
 * owners, or the postmaster when the list has none */
static int report_recipients(struct db *db, const struct list *l,
			     struct address_list *to, struct status *st)
{
	if (strcmp(l->report_to, "none") == 0)
		return 0;
	if (strcmp(l->report_to, "owners") == 0) {
		if (db_owners(db, l->address, to, st) < 0)
			return -1;
		if (to->n > 0)
			return 0;
		log_warn("list=<%s>: no owner: the report goes to the "
			 "postmaster", l->address);
	}
	if (strcmp(l->report_to, "owners") == 0
	    || strcmp(l->report_to, "postmaster") == 0) {
		char   *pm = g_strdup_printf("postmaster@%s", l->domain);

		address_list_add(to, pm);
		g_free(pm);
	} else {
		address_list_add(to, l->report_to);
	}
	return 0;
}

/* mail_report - send the report text to l's report recipients: how
 * many got it, or -1 when it did not reach all of them */
static int mail_report(struct site *site, const struct list *l,
		       const char *since, const char *text)
{
	struct address_list to = {0};
	struct status st;
	int	failed = 0;

	if (report_recipients(site->db, l, &to, &st) < 0) {
		ctl_error(&st);
		return -1;
	}
	for (size_t i = 0; i < to.n; i++) {
		const struct text_var vars[] = {
			{"report", text}, {"since", since}, {NULL, NULL},
		};
		struct notice n = {
			.text = "report", .to = to.v[i], .from = l->bounces,
			.auto_submitted = "auto-generated", .vars = vars,
		};
		int	ok = notice_allowed(site, l, NULL, "report", &st);

		if (ok < 0 || (ok > 0 && notice_send(site, l, &n, &st) < 0)) {
			ctl_error(&st);
			failed = 1;
		} else if (ok == 0) {
			fprintf(stderr, "listctl: %s: too many reports this "
				"hour: not sent to %s\n", l->address, to.v[i]);
			failed = 1;
		}
	}
	{
		int	n = (int)to.n;

		address_list_free(&to);
		return failed ? -1 : n;
	}
}

/* print_report - listctl report -n: everything since the last report,
 * changing nothing */
static int print_report(struct ctl *ctl, struct db *db, const char *address)
{
	struct list l = {0};
	struct status st;
	char   *last = NULL;
	GString *text = g_string_new("");
	int	rc = -1;

	if (db_list_get(db, address, &l, &st) <= 0
	    || db_list_reported(db, l.address, &last, &st) < 0
	    || report_for(db, &l, last, NULL, text, &st) < 0) {
		ctl_error(&st);
		goto done;
	}
	if (last)
		ctl_printf(ctl, "== %s, since %s UTC", l.address, last);
	else
		ctl_printf(ctl, "== %s, so far", l.address);
	fputs(text->str, ctl->out);
	ctl_printf(ctl, "%s", "");
	rc = 0;
done:
	g_free(last);
	g_string_free(text, TRUE);
	db_list_free(&l);
	return rc;
}

/*
 * send_report - the report since the last one, mailed.  The window is
 * read and moved on inside one write transaction, so that no bounce
 * being recorded meanwhile falls between two reports.  Times have whole
 * seconds: what is dated the very second a window ends is in both
 * windows, as a bounce may be recorded later in that second; twice is
 * better than never.  If the mail then fails, the window moves back.
 */
static int send_report(struct ctl *ctl, struct site *site, const char *address)
{
	struct list l = {0};
	struct status st;
	char   *last = NULL, *now = NULL, *since = NULL;
	GString *text = g_string_new("");
	int	any = 0, sent, rc = -1;

	if (db_list_get(site->db, address, &l, &st) <= 0
	    || db_begin(site->db, &st) < 0)
		goto failed;
	if (db_now(site->db, &now, &st) < 0
	    || db_list_reported(site->db, l.address, &last, &st) < 0
	    || (any = report_for(site->db, &l, last, now, text, &st)) < 0
	    || db_list_set_reported(site->db, l.address, now, &st) < 0
	    || db_commit(site->db, &st) < 0)
		goto failed;
	rc = 0;
	if (!any)
		goto done;
	since = last ? g_strdup_printf("since %s UTC", last)
		     : g_strdup("so far");
	sent = mail_report(site, &l, since, text->str);
	if (sent < 0) {
		rc = -1;
		if (db_list_set_reported(site->db, l.address, last, &st) < 0)
			ctl_error(&st);
	} else if (sent > 0) {
		ctl_printf(ctl, "%s: report sent to %d address%s", l.address,
			   sent, sent == 1 ? "" : "es");
	}
	goto done;
failed:
	db_rollback(site->db);
	ctl_error(&st);
done:
	g_free(since);
	g_free(now);
	g_free(last);
	g_string_free(text, TRUE);
	db_list_free(&l);
	return rc;
}

int cmd_report(struct ctl *ctl, int argc, char **argv)
{
	int	print = 0;
	const char *only = NULL;
	struct site site = {.spool_fd = -1, .dry_run_fd = -1};
	struct db *db = NULL;
	struct list_summary *lists = NULL;
	size_t	nlists = 0;
	struct status st;
	int	failed = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-n") == 0)
			print = 1;
		else if (only == NULL && argv[i][0] != '-')
			only = argv[i];
		else {
			fprintf(stderr, "listctl: usage: report [-n] [LIST]\n");
			return CTL_USAGE;
		}
	}
	if (print ? ctl_open_db(ctl, &db) < 0 : ctl_open_site(ctl, &site) < 0)
		return CTL_FAILED;
	if (!print)
		db = site.db;
	if (db_list_summaries(db, &lists, &nlists, &st) < 0) {
		ctl_error(&st);
		failed = 1;
		nlists = 0;
	}
	if (only) {
		size_t	i;

		for (i = 0; i < nlists; i++)
			if (g_ascii_strcasecmp(lists[i].address, only) == 0)
				break;
		if (i == nlists && !failed) {
			fprintf(stderr, "listctl: %s: no such list\n", only);
			failed = 1;
		}
	}
	for (size_t i = 0; i < nlists; i++) {
		if (only && g_ascii_strcasecmp(lists[i].address, only) != 0)
			continue;
		if ((print ? print_report(ctl, db, lists[i].address)
			   : send_report(ctl, &site, lists[i].address)) < 0)
			failed = 1;
	}
	db_list_summaries_free(lists, nlists);
	if (print)
		db_close(db);
	else
		ctl_close_site(&site);
	return failed ? CTL_FAILED : CTL_OK;
}

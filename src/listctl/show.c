/*
 * show.c - listctl show LIST: a list's settings and its members, nested
 * lists marked.
 */
#include <string.h>

#include <glib.h>

#include "db/lists.h"
#include "db/members.h"
#include "listctl/ctl.h"

static void setting(struct ctl *ctl, const char *name, const char *value,
		    const char *unset)
{
	ctl_printf(ctl, "%-16s %s", name, value ? value : unset);
}

int cmd_show(struct ctl *ctl, int argc, char **argv)
{
	struct db *db;
	struct list list;
	struct member *m;
	size_t	n;
	struct status st;
	int	found;

	if (ctl_open_db(ctl, &db) < 0)
		return CTL_FAILED;
	if ((found = db_list_get(db, argv[1], &list, &st)) <= 0) {
		if (found == 0)
			fprintf(stderr, "listctl: no list %s\n", argv[1]);
		else
			ctl_error(&st);
		db_close(db);
		return CTL_FAILED;
	}
	if (db_members(db, list.address, &m, &n, &st) < 0) {
		ctl_error(&st);
		db_list_free(&list);
		db_close(db);
		return CTL_FAILED;
	}
	setting(ctl, "list", list.address, "");
	setting(ctl, "state", list.enabled ? "enabled" : "disabled", "");
	setting(ctl, "bounce address", list.bounces, "");
	setting(ctl, "owner address", list.owner, "");
	setting(ctl, "name", list.name, "");
	setting(ctl, "description", list.description, "(none)");
	setting(ctl, "subject_prefix", list.subject_prefix, "(none)");
	setting(ctl, "reply_to", list.reply_to, "");
	if (strcmp(list.reply_to, "poster") != 0)
		setting(ctl, "reply_to_strip", list.reply_to_strip
			? "1 (replaces the poster's Reply-To)"
			: "0 (added to the poster's Reply-To)", "");
	setting(ctl, "dkim", list.dkim == DKIM_RESPECT
		? "respect (signed fields are left alone)"
		: "ignore (changes may break the author's signature)", "");
	setting(ctl, "from_rewrite", list_from_rewrite_names[list.from_rewrite],
		"");
	setting(ctl, "strip_headers", *list.strip_headers
		? list.strip_headers : NULL, "(none)");
	if (list.archive) {
		char   *where = g_strdup_printf("%s/archive/%s (Maildir)",
						 ctl->spooldir, list.address);

		setting(ctl, "archive", where, "");
		g_free(where);
	} else {
		setting(ctl, "archive", "off", "");
	}
	if (list.verp == 1)
		setting(ctl, "verp", "1 (every post: bounces name their member)",
			"");
	else if (list.verp == 0)
		setting(ctl, "verp", "0 (never: bounces are attributed by the "
			"report's recipient)", "");
	else
		ctl_printf(ctl, "%-16s %d (one post in %d)", "verp", list.verp,
			   list.verp);
	setting(ctl, "policy", list_policy_names[list.policy], "");
	setting(ctl, "refused", list.policy == POLICY_MODERATED
		? "hold (moderated)" : list_action_names[list.refused], "");
	if (list.max_size > 0)
		ctl_printf(ctl, "%-16s %lld bytes, over it: %s", "max_size",
			   list.max_size, list_action_names[list.oversize]);
	else
		setting(ctl, "max_size", NULL, "(no limit)");
	setting(ctl, "subscription", list_subscription_names[list.subscription],
		"");
	ctl_printf(ctl, "%-16s %d", "hold_days", list.hold_days);
	if (list.bounce_limit > 0)
		ctl_printf(ctl, "%-16s disabled at %d days of hard bounces, "
			   "restarting after %d quiet days", "bounces",
			   list.bounce_limit, list.bounce_days);
	else
		setting(ctl, "bounces", "recorded, never disable a member", "");
	setting(ctl, "report_to", list.report_to, "");
	if (list.dedupe_hours > 0)
		ctl_printf(ctl, "%-16s %d hours (a Message-ID is sent once in "
			   "that time)", "dedupe_hours", list.dedupe_hours);
	else
		setting(ctl, "dedupe_hours", "0 (duplicates are sent)", "");
	setting(ctl, "request address", list.request, "");
	setting(ctl, "help_url", list.help_url, "(mailto: request)");
	setting(ctl, "subscribe_url", list.subscribe_url,
		list.subscription == SUBSCRIPTION_CLOSED ? "(mailto: owner)"
		: "(mailto: request)");
	setting(ctl, "unsubscribe_url", list.unsubscribe_url,
		"(mailto: request)");
	setting(ctl, "owner_url", list.owner_url, "(mailto: owner)");
	setting(ctl, "archive_url", list.archive_url, "(none)");
	ctl_printf(ctl, "%s", "");
	ctl_printf(ctl, "%-9s %-9s %s", "role", "state", "address");
	for (size_t i = 0; i < n; i++) {
		char	score[48] = "";

		if (m[i].score > 0)
			snprintf(score, sizeof(score), "  (bounce score %d)",
				 m[i].score);
		ctl_printf(ctl, "%-9s %-9s %s%s%s", m[i].role, m[i].state,
			m[i].address, score,
			!m[i].is_list ? ""
			: strcmp(m[i].role, "member") == 0
			  && strcmp(m[i].state, "enabled") == 0
			? "  (list: its members are expanded in)"
			: "  (list: not expanded, it is not an enabled member)");
	}
	db_members_free(m, n);
	db_list_free(&list);
	db_close(db);
	return CTL_OK;
}

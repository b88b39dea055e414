/*
 * lists.c - listctl lists: one line a list, from the list_summary view.
 */
#include "db/lists.h"
#include "listctl/ctl.h"

int cmd_lists(struct ctl *ctl, int argc, char **argv)
{
	struct db *db;
	struct list_summary *rows;
	size_t	n;
	struct status st;

	if (ctl_open_db(ctl, &db) < 0)
		return CTL_FAILED;
	if (db_list_summaries(db, &rows, &n, &st) < 0) {
		ctl_error(&st);
		db_close(db);
		return CTL_FAILED;
	}
	ctl_printf(ctl, "%-40s %-8s %7s %6s %8s %6s %10s", "list", "state",
		   "members", "nomail", "disabled", "owners", "recipients");
	for (size_t i = 0; i < n; i++)
		ctl_printf(ctl, "%-40s %-8s %7d %6d %8d %6d %10d",
			   rows[i].address, rows[i].enabled ? "enabled" : "disabled",
			   rows[i].members, rows[i].nomail, rows[i].disabled,
			   rows[i].owners, rows[i].recipients);
	db_list_summaries_free(rows, n);
	db_close(db);
	return CTL_OK;
}

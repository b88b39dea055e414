/*
 * held.c - listctl held, release, reject, discard, expire: the held
 * queue from the server's side.  The decisions are list/moderate.h's,
 * the same that moderators take by mail.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "db/held.h"
#include "db/journal.h"
#include "db/settings.h"
#include "list/moderate.h"
#include "list/site.h"
#include "listctl/ctl.h"

int cmd_held(struct ctl *ctl, int argc, char **argv)
{
	struct db *db;
	struct held *h;
	size_t	n;
	struct status st;

	if (ctl_open_db(ctl, &db) < 0)
		return CTL_FAILED;
	if (db_held_waiting(db, argc > 1 ? argv[1] : NULL, &h, &n, &st) < 0) {
		ctl_error(&st);
		db_close(db);
		return CTL_FAILED;
	}
	if (n > 0)
		ctl_printf(ctl, "%-5s %-19s %-19s %8s  %s", "id", "received",
			   "expires", "size", "list / from / subject / reason");
	for (size_t i = 0; i < n; i++) {
		ctl_printf(ctl, "%-5lld %-19s %-19s %8lld  %s%s", h[i].id,
			   h[i].received, h[i].expires, h[i].size, h[i].list,
			   strcmp(h[i].state, "releasing") == 0
			   ? "  (being released)" : h[i].expired
			   ? "  (expired: listctl expire ends it)" : "");
		{
			/* The From: address only where it is not the sender */
			int	other = *h[i].author
					&& strcmp(h[i].author, h[i].sender) != 0;

			ctl_printf(ctl, "%-5s from <%s>%s%s", "", h[i].sender,
				   other ? ", From: " : "",
				   other ? h[i].author : "");
		}
		ctl_printf(ctl, "%-5s subject: %s", "", h[i].subject);
		ctl_printf(ctl, "%-5s reason: %s", "", h[i].reason);
	}
	db_held_free_all(h, n);
	db_close(db);
	return CTL_OK;
}

/* decide - one decision on the post named by argv[1] */
static int decide(struct ctl *ctl, char **argv, enum moderation what,
		  const char *reason)
{
	struct site site;
	struct status st;
	char	result[400];
	char   *end;
	long long id;
	int	rc;

	errno = 0;
	id = strtoll(argv[1], &end, 10);
	if (errno || *end || id <= 0) {
		fprintf(stderr, "listctl: %s: not a held post's id\n", argv[1]);
		return CTL_USAGE;
	}
	if (ctl_open_site(ctl, &site) < 0)
		return CTL_FAILED;
	rc = moderate(&site, id, what, "listctl", reason, result,
		      sizeof(result), &st);
	if (rc < 0)
		ctl_error(&st);
	else if (rc == 0)
		fprintf(stderr, "listctl: %s: nothing changed\n", result);
	else
		ctl_printf(ctl, "%s", result);
	ctl_close_site(&site);
	return rc > 0 ? CTL_OK : CTL_FAILED;
}

int cmd_release(struct ctl *ctl, int argc, char **argv)
{
	return decide(ctl, argv, MODERATE_APPROVE, NULL);
}

int cmd_reject(struct ctl *ctl, int argc, char **argv)
{
	return decide(ctl, argv, MODERATE_REJECT, argc > 2 ? argv[2] : NULL);
}

int cmd_discard(struct ctl *ctl, int argc, char **argv)
{
	return decide(ctl, argv, MODERATE_DISCARD, NULL);
}

int cmd_expire(struct ctl *ctl, int argc, char **argv)
{
	struct site site;
	struct status st;
	struct held *h;
	size_t	n;
	int	failed = 0;
	int	rc, journal = 0;

	if (ctl_open_site(ctl, &site) < 0)
		return CTL_FAILED;
	if (db_held_expired(site.db, &h, &n, &st) < 0) {
		ctl_error(&st);
		ctl_close_site(&site);
		return CTL_FAILED;
	}
	for (size_t i = 0; i < n; i++) {
		char	result[400];

		rc = moderate(&site, h[i].id, MODERATE_EXPIRE, "expire", NULL,
			      result, sizeof(result), &st);
		if (rc < 0) {
			ctl_error(&st);
			failed = 1;
		} else {
			ctl_printf(ctl, "%s (list %s, from <%s>, received %s)",
				   result, h[i].list, h[i].sender,
				   h[i].received);
		}
	}
	db_held_free_all(h, n);
	/* What else only waits to be forgotten. */
	if ((rc = db_requests_expire(site.db, &st)) < 0
	    || db_tokens_expire(site.db, &st) < 0
	    || db_sent_expire(site.db, &st) < 0
	    || (journal = journal_expire(site.db, &st)) < 0) {
		ctl_error(&st);
		failed = 1;
	} else {
		if (rc > 0) {
			log_info("expired %d subscription requests", rc);
			ctl_printf(ctl, "%d subscription requests expired", rc);
		}
		if (journal > 0)
			log_info("expired %d journal and Message-ID rows",
				 journal);
	}
	ctl_close_site(&site);
	return failed ? CTL_FAILED : CTL_OK;
}

/*
 * journal.c - the journal and seen tables.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "common/params.h"
#include "db/journal.h"
#include "db/sql.h"

/* one_text - the first column of sql's first row (NULL: none) */
static int one_text(struct db *db, const char *sql, const char *const *args,
		    char **out, const char *what, struct status *st)
{
	sqlite3_stmt *stmt;
	int	rc;

	*out = NULL;
	if (db_prepare(db, sql, &stmt, st) < 0)
		return -1;
	db_bind_all(stmt, args);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*out = db_text_at(stmt, 0);
	sqlite3_finalize(stmt);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0
	       : db_fail(db, rc, what, st);
}

/* duplicate - the key that distributed message_id on list within
 * hours, other than key; NULL when none */
static int duplicate(struct db *db, const char *list, const char *message_id,
		     const char *key, int hours, char **holder,
		     struct status *st)
{
	char	window[32];
	const char *args[] = {list, message_id, key ? key : "", window, NULL};

	snprintf(window, sizeof(window), "-%d hours", hours);
	return one_text(db, "SELECT CASE queue_id WHEN '' THEN '(no queue id)' "
			"ELSE queue_id END FROM seen WHERE list = ?1 AND "
			"message_id = ?2 AND (queue_id <> ?3 OR ?3 = '') AND at "
			">= datetime('now', ?4)", args, holder,
			"look for a duplicate", st);
}

static int claim(struct db *db, const char *key, const char *list,
		 const char *rcpt, const char *message_id, int dedupe_hours,
		 struct journal_claim *c, struct status *st)
{
	const char *args[] = {key, list, NULL};
	char   *claimant = NULL;

	memset(c, 0, sizeof(*c));
	if (key == NULL) {
		if (message_id && dedupe_hours > 0
		    && duplicate(db, list, message_id, NULL, dedupe_hours,
				 &c->holder, st) < 0)
			return -1;
		c->claim = c->holder ? CLAIM_DUPLICATE : CLAIM_NEW;
		return 0;
	}
	if (db_begin(db, st) < 0)
		return -1;
	if (one_text(db, "SELECT recipient FROM journal WHERE queue_id = ?1 "
		     "AND list = ?2 AND batch = 0", args, &claimant,
		     "read the journal", st) < 0)
		goto fail;
	if (claimant && g_ascii_strcasecmp(claimant, rcpt) != 0) {
		c->claim = CLAIM_OTHER;
		c->holder = claimant;
		return db_commit(db, st);
	}
	if (claimant) {
		/* A retry: resume after the last run accepted, unless the
		 * process that claimed it still runs (a restarted Postfix
		 * delivers a queue file again while the old pipe(8) and its
		 * listpipe are still at it). */
		char   *n = NULL, *pid = NULL;
		char	me[32];

		g_free(claimant);
		if (one_text(db, "SELECT pid FROM journal WHERE queue_id = ?1 "
			     "AND list = ?2 AND batch = 0", args, &pid,
			     "read the journal", st) < 0)
			goto fail;
		if (pid && atol(pid) > 0 && atol(pid) != (long)getpid()
		    && (kill((pid_t)atol(pid), 0) == 0 || errno == EPERM)) {
			c->claim = CLAIM_BUSY;
			c->holder = pid;
			return db_commit(db, st);
		}
		g_free(pid);
		snprintf(me, sizeof(me), "%ld", (long)getpid());
		if (db_run(db, "claim the distribution", st, "UPDATE journal SET "
			   "pid = ?3 WHERE queue_id = ?1 AND list = ?2 AND "
			   "batch = 0", key, list, me, NULL) < 0)
			goto fail;
		if (one_text(db, "SELECT recipient FROM journal WHERE queue_id "
			     "= ?1 AND list = ?2 AND batch > 0 ORDER BY batch "
			     "DESC LIMIT 1", args, &c->resume_after,
			     "read the journal", st) < 0
		    || one_text(db, "SELECT count(*) FROM journal WHERE "
				"queue_id = ?1 AND list = ?2 AND batch > 0",
				args, &n, "read the journal", st) < 0) {
			g_free(n);
			goto fail;
		}
		c->batches = n ? atoi(n) : 0;
		g_free(n);
		if (one_text(db, "SELECT archived FROM journal WHERE queue_id "
			     "= ?1 AND list = ?2 AND batch = 0", args,
			     &c->archived, "read the journal", st) < 0)
			goto fail;
		c->claim = CLAIM_RESUME;
		return db_commit(db, st);
	}
	if (message_id && dedupe_hours > 0) {
		if (duplicate(db, list, message_id, key, dedupe_hours,
			      &c->holder, st) < 0)
			goto fail;
		if (c->holder) {
			c->claim = CLAIM_DUPLICATE;
			return db_commit(db, st);
		}
	}
	{
		char	me[32];

		snprintf(me, sizeof(me), "%ld", (long)getpid());
		if (db_run(db, "claim the distribution", st, "INSERT INTO "
			   "journal(queue_id, list, batch, recipient, pid) "
			   "VALUES (?1, ?2, 0, ?3, ?4)", key, list, rcpt, me,
			   NULL) < 0)
			goto fail;
	}
	/* The Message-ID counts from the claim on: a second copy that
	 * comes while this one is deferred half-way must not go out too
	 * (this one's retry sends the rest). */
	if (message_id && dedupe_hours > 0
	    && journal_seen(db, list, message_id, key, st) < 0)
		goto fail;
	c->claim = CLAIM_NEW;
	return db_commit(db, st);
fail:
	db_rollback(db);
	journal_claim_free(c);
	return -1;
}

/*
 * The journal's commits are not flushed to disk one by one: losing the
 * last of them to a power cut (not to a crash of listpipe, which the
 * WAL survives) costs at worst one sendmail run sent twice on retry,
 * never a message, and two fsyncs a post are the price of a filter.
 */
int journal_claim(struct db *db, const char *key, const char *list,
		  const char *rcpt, const char *message_id, int dedupe_hours,
		  struct journal_claim *c, struct status *st)
{
	struct status ignored;
	int	rc;

	if (key && db_flush_each_commit(db, 0, st) < 0)
		return -1;
	rc = claim(db, key, list, rcpt, message_id, dedupe_hours, c, st);
	if (key)
		db_flush_each_commit(db, 1, &ignored);
	return rc;
}

int journal_batch(struct db *db, const char *key, const char *list,
		  int batch, const char *last, size_t count, struct status *st)
{
	char	b[32], n[32];
	struct status ignored;
	int	rc;

	snprintf(b, sizeof(b), "%d", batch);
	snprintf(n, sizeof(n), "%zu", count);
	if (db_flush_each_commit(db, 0, st) < 0)
		return -1;
	rc = db_run(db, "record a sendmail run", st, "INSERT OR REPLACE INTO "
		    "journal(queue_id, list, batch, recipient, count) VALUES "
		    "(?1, ?2, ?3, ?4, ?5)", key, list, b, last, n, NULL);
	db_flush_each_commit(db, 1, &ignored);
	return rc < 0 ? -1 : 0;
}

int journal_release(struct db *db, const char *key, const char *list,
		    struct status *st)
{
	struct status ignored;
	int	rc;

	if (db_flush_each_commit(db, 0, st) < 0)
		return -1;
	rc = db_run(db, "end the claim", st, "UPDATE journal SET pid = 0 "
		    "WHERE queue_id = ?1 AND list = ?2 AND batch = 0", key,
		    list, NULL);
	db_flush_each_commit(db, 1, &ignored);
	return rc < 0 ? -1 : 0;
}

int journal_archived(struct db *db, const char *key, const char *list,
		     const char *name, struct status *st)
{
	return db_run(db, "record the archived copy", st, "UPDATE journal SET "
		      "archived = ?3 WHERE queue_id = ?1 AND list = ?2 AND "
		      "batch = 0", key, list, name, NULL) < 0 ? -1 : 0;
}

int journal_seen(struct db *db, const char *list, const char *message_id,
		 const char *key, struct status *st)
{
	return db_run(db, "record the Message-ID", st, "INSERT OR REPLACE INTO "
		      "seen(list, message_id, queue_id) VALUES (?1, ?2, ?3)",
		      list, message_id, key ? key : "", NULL) < 0 ? -1 : 0;
}

int journal_expire(struct db *db, struct status *st)
{
	char	days[32];
	int	a, b;

	snprintf(days, sizeof(days), "-%d days", JOURNAL_DAYS);
	if ((a = db_run(db, "expire the journal", st, "DELETE FROM journal "
			"WHERE at < datetime('now', ?1)", days, NULL)) < 0
	    || (b = db_run(db, "expire seen Message-IDs", st, "DELETE FROM "
			   "seen WHERE at < datetime('now', '-' || coalesce("
			   "(SELECT dedupe_hours FROM lists l WHERE l.address "
			   "= seen.list), 0) || ' hours')", NULL)) < 0)
		return -1;
	return a + b;
}

void journal_claim_free(struct journal_claim *c)
{
	g_free(c->resume_after);
	g_free(c->holder);
	g_free(c->archived);
	c->resume_after = NULL;
	c->holder = NULL;
	c->archived = NULL;
}

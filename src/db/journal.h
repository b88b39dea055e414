/*
 * journal.h - the delivery journal and the Message-IDs already seen.
 *
 * A distribution is keyed by (queue id, list): Postfix's queue id for a
 * post, "held-ID" for a released held post.  Its claim (batch 0) names
 * the envelope recipient that distributes, so that team+1@ and team+2@
 * of one queue file make one distribution, not two; each sendmail run
 * accepted is one more row, written before the next run starts, with
 * its last recipient, so that a retry resumes after it.
 */
#ifndef LISTPIPE_DB_JOURNAL_H
#define LISTPIPE_DB_JOURNAL_H

#include <stddef.h>

#include "common/status.h"
#include "db/db.h"

/* What a claim found. */
enum claim {
	CLAIM_NEW,		/* nothing sent yet for this key */
	CLAIM_RESUME,		/* ours from an earlier attempt: resume */
	CLAIM_OTHER,		/* another recipient of this queue file has it */
	CLAIM_DUPLICATE,	/* the Message-ID was distributed under another
				 * key within the list's dedupe_hours */
	CLAIM_BUSY,		/* ours, but another listpipe still sends it
				 * (Postfix restarted beside it): holder is
				 * its pid */
};

struct journal_claim {
	enum claim claim;
	char   *resume_after;	/* CLAIM_RESUME: the last recipient accepted
				 * so far, or NULL; g_free */
	char   *holder;		/* CLAIM_OTHER: its recipient; CLAIM_DUPLICATE:
				 * the key that distributed it; g_free */
	int	batches;	/* runs accepted so far */
	char   *archived;	/* CLAIM_RESUME: the archive's file name when
				 * the post is archived already; g_free */
};

/*
 * journal_claim - in one write transaction: look at key/list's rows and
 * at message_id (NULL: none, never a duplicate) within dedupe_hours
 * (0: off); when it is ours to send, record the claim for rcpt and the
 * Message-ID.  With key NULL (no queue id) only the duplicate check is
 * made, and nothing is written (the caller records the Message-ID once
 * the post is out).
 */
int	journal_claim(struct db *db, const char *key, const char *list,
		      const char *rcpt, const char *message_id,
		      int dedupe_hours, struct journal_claim *c,
		      struct status *st);

/* journal_release - this process no longer sends key/list (the claim's
 * pid back to 0), whatever the outcome */
int	journal_release(struct db *db, const char *key, const char *list,
			struct status *st);

/* journal_batch - sendmail accepted run number batch (1, 2, ...) of
 * key/list, count recipients up to last */
int	journal_batch(struct db *db, const char *key, const char *list,
		      int batch, const char *last, size_t count,
		      struct status *st);

/* journal_archived - key/list's copy is in the archive as file name */
int	journal_archived(struct db *db, const char *key, const char *list,
			 const char *name, struct status *st);

/* journal_seen - record message_id as distributed by key ("" for none)
 * on list, now */
int	journal_seen(struct db *db, const char *list, const char *message_id,
		     const char *key, struct status *st);

/* journal_expire - forget journal rows older than JOURNAL_DAYS and
 * Message-IDs older than their list's dedupe_hours: rows removed */
int	journal_expire(struct db *db, struct status *st);

void	journal_claim_free(struct journal_claim *c);

#endif

/*
 * settings.h - the robot's bookkeeping: the token secret, used tokens,
 * what listpipe sent (for rate limits) and the operator's texts.
 */
#ifndef LISTPIPE_DB_SETTINGS_H
#define LISTPIPE_DB_SETTINGS_H

#include <time.h>

#include "common/status.h"
#include "db/db.h"

/* db_secret - the token secret (settings 'secret'); g_free() it.  A
 * database without one defers (4.3.5): tokens would be forgeable. */
int	db_secret(struct db *db, char **secret, struct status *st);

/* db_token_use - record a token's MAC as used until expires: 1 when this
 * is its first use, 0 when it was used before (a replay) */
int	db_token_use(struct db *db, const char *mac, time_t expires,
		     struct status *st);

/* db_tokens_expire - forget used tokens past their expiry */
int	db_tokens_expire(struct db *db, struct status *st);

/* db_sent_count - how much listpipe sent to address (NULL: anyone) for
 * list (NULL: any) of kind (NULL: any) in the last seconds */
int	db_sent_count(struct db *db, const char *address, const char *list,
		      const char *kind, int seconds, struct status *st);

/* db_sent_add - record one message sent */
int	db_sent_add(struct db *db, const char *address, const char *list,
		    const char *kind, struct status *st);

/* db_sent_expire - forget what was sent more than a day ago */
int	db_sent_expire(struct db *db, struct status *st);

/*
 * db_text - the operator's words for text name on list: the list's own
 * row, else the '*' row; *subject and *body NULL where neither sets
 * them (then the built-in text applies).  g_free() both.
 */
int	db_text(struct db *db, const char *list, const char *name,
		char **subject, char **body, struct status *st);

#endif

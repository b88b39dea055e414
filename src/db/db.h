/*
 * db.h - the connection to the lists database (sql/schema.sql).
 *
 * Opened once per run, read-only for a dry run and for listctl's
 * questions.  A missing database, an unknown schema or a lock held past
 * the busy timeout are OUTCOME_TEMP: mail waits in Postfix's queue while
 * the postmaster looks.  What the tables hold is read through lists.h
 * and members.h.
 */
#ifndef LISTPIPE_DB_H
#define LISTPIPE_DB_H

#include <stddef.h>

#include "common/status.h"

/* The schema version (PRAGMA user_version) this listpipe understands. */
#define DB_SCHEMA_VERSION 4

struct db;

int	db_open(struct db **dbp, const char *path, int read_only,
		struct status *st);
void	db_close(struct db *db);

/* Transactions for the few writes listpipe and listctl make: begin
 * takes the write lock at once (BEGIN IMMEDIATE); rollback is for error
 * paths and does nothing outside a transaction. */
int	db_begin(struct db *db, struct status *st);
int	db_commit(struct db *db, struct status *st);

/*
 * db_flush_each_commit - 1 (the default): every commit is on disk
 * before it returns (synchronous FULL); 0: commits survive a crash of
 * the process but maybe not of the machine (WAL, synchronous NORMAL).
 * For rows whose loss costs a duplicate at worst, never a message: the
 * delivery journal.  A later flushed commit flushes them too.
 */
int	db_flush_each_commit(struct db *db, int flush, struct status *st);
void	db_rollback(struct db *db);

/* db_journal_mode - "wal", "delete", ... into buf */
int	db_journal_mode(struct db *db, char *buf, size_t size,
			struct status *st);

#endif

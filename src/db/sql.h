/*
 * sql.h - what the files of src/db/ share, and nobody else sees.
 */
#ifndef LISTPIPE_DB_SQL_H
#define LISTPIPE_DB_SQL_H

#include <sqlite3.h>

#include "common/status.h"
#include "db/db.h"

struct db {
	sqlite3 *sql;
	const char *path;
};

/* db_fail - turn a sqlite error into a deferral with a useful reason */
int	db_fail(struct db *db, int rc, const char *what, struct status *st);

/* db_prepare - a statement, or -1 with st */
int	db_prepare(struct db *db, const char *sql, sqlite3_stmt **stmt,
		   struct status *st);

/* db_single_row - run a one-parameter query; 1 if it returns a row */
int	db_single_row(struct db *db, const char *sql, const char *arg,
		      const char *what, struct status *st);

/*
 * db_run - run a statement whose parameters ?1, ?2, ... are the strings
 * that follow sql, up to a NULL (a NULL parameter is given as DB_NULL);
 * the number of rows it changed, or -1 with st
 */
int	db_run(struct db *db, const char *what, struct status *st,
	       const char *sql, ...) __attribute__((sentinel));

/* What to pass to db_run for an SQL NULL. */
extern const char DB_NULL[];

/* db_bind_all - bind the strings of a NULL-terminated array to stmt */
void	db_bind_all(sqlite3_stmt *stmt, const char *const *args);

#endif

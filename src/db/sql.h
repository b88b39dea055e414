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

#endif

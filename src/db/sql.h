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

/*
 * db_rows - every row of sql (parameters args, as db_bind_all), each
 * read by read() into an element of size bytes of a new array: *out
 * (g_free'd by the caller's free function) and *n.  On error nothing is
 * left allocated: free_rows() gets what was read.
 */
int	db_rows(struct db *db, const char *sql, const char *const *args,
		size_t size, void (*read)(sqlite3_stmt *stmt, void *row),
		void (*free_rows)(void *rows, size_t n), void **out, size_t *n,
		const char *what, struct status *st);

/* db_text_at - column col as a new string, NULL for an SQL NULL */
char   *db_text_at(sqlite3_stmt *stmt, int col);

#endif

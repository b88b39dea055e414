/*
 * testlib.h - helpers shared by the Criterion suites.
 *
 * Every test gets its own directory (Criterion runs tests in parallel),
 * with a database made from sql/schema.sql and, for integration tests, a
 * recording fake sendmail.  When the suite runs as root (CI does), the
 * binary under test runs as "nobody", as it would under pipe(8) user=.
 */
#ifndef LISTPIPE_TESTLIB_H
#define LISTPIPE_TESTLIB_H

#include <stddef.h>

struct tdir {
	char	path[256];
	char	db[300];
	char	spool[300];
	char	sendmail[300];	/* the recording fake */
	char	sent[300];	/* where the fake records runs */
};

/* tdir_make - a fresh directory with spool/, sent/ and the fake sendmail */
void	tdir_make(struct tdir *t);

/* tdir_db - create the database from sql/schema.sql, then run sql */
void	tdir_db(struct tdir *t, const char *sql);

/* tdir_sql - run more SQL on the test database */
void	tdir_sql(struct tdir *t, const char *sql);

/* tdir_hand_over - give everything to the unprivileged test user */
void	tdir_hand_over(struct tdir *t);

struct run {
	int	exit_code;	/* -1 when killed by a signal */
	int	signal;
	char   *output;		/* stdout and stderr, one pipe, as pipe(8) sees */
	size_t	output_len;
};

/* Options for one run of the binary. */
struct run_opts {
	int	as_root;	/* do not drop privileges */
	long	fsize_limit;	/* RLIMIT_FSIZE in bytes, 0 for none */
	int	term_after_ms;	/* send SIGTERM after this long, 0 for never */
};

/* run_listpipe - run $LISTPIPE_BIN with argv (NULL-terminated, without
 * argv[0]) and input on stdin. */
void	run_listpipe(struct run *r, const char *input, size_t input_len,
		     const struct run_opts *opts, const char *const *argv);

/* run_listctl - the same for $LISTCTL_BIN (no input) */
void	run_listctl(struct run *r, const struct run_opts *opts,
		    const char *const *argv);

void	run_free(struct run *r);

/* sent_count - how many sendmail runs the fake recorded */
int	sent_count(const struct tdir *t);

/* sent_args - run n's argument vector, one argument a line, no argv[0] */
char   *sent_args(const struct tdir *t, int n);

/* sent_message - what run n got on stdin; *len set */
char   *sent_message(const struct tdir *t, int n, size_t *len);

/* read_file - a whole file, NUL-terminated; NULL if it cannot be read */
char   *read_file(const char *path, size_t *len);

/* only_file_in - the single file in dir (a Maildir's new/), read whole;
 * fails the test unless there is exactly one */
char   *only_file_in(const char *dir, size_t *len);

/* write_file - create path with content */
void	write_file(const char *path, const char *content, size_t len, int mode);

/* body_of - pointer to the first empty line of a message (LF or CRLF) */
const char *body_of(const char *msg, size_t len);

/* header_value - the first header field called name, unfolded; malloc'd;
 * NULL if absent.  Searches only the header block. */
char   *header_value(const char *msg, size_t len, const char *name);

/* header_count - how many fields called name the header block has */
int	header_count(const char *msg, size_t len, const char *name);

/* source_dir - the repository's top directory (from __FILE__ or $TOP) */
const char *source_dir(void);

/* test_uid - uid the binary runs as (65534 when the suite runs as root) */
int	running_as_root(void);

#endif

/*
 * sent.c - helpers of sent.h.
 */
#include <criterion/criterion.h>
#include <glib.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sent.h"

void lp_run_queued(struct run *r, struct tdir *t, const char *msg,
		   const char *qid, const char *sender, const char *rcpt)
{
	char	log[400];
	const char *argv[] = {"-d", t->db, "-s", t->sendmail, "-m", t->spool,
			      "-l", log, "-q", qid, "-f", sender, "--",
			      rcpt, NULL};

	snprintf(log, sizeof(log), "%s/listpipe.log", t->path);
	run_listpipe(r, msg, strlen(msg), NULL, argv);
}

void lp_run(struct run *r, struct tdir *t, const char *msg,
	    const char *sender, const char *rcpt)
{
	static unsigned queued;
	char	qid[32];

	/* Each run a message of its own, as each has a queue file. */
	snprintf(qid, sizeof(qid), "4LIST%u", ++queued);
	lp_run_queued(r, t, msg, qid, sender, rcpt);
}

void ctl_run(struct run *r, struct tdir *t, const char *a1, const char *a2,
	     const char *a3)
{
	const char *argv[] = {"-d", t->db, "-m", t->spool, "-s", t->sendmail,
			      a1, a2, a3, NULL};

	run_listctl(r, NULL, argv);
}

char *log_of(struct tdir *t)
{
	char	path[400];
	char   *text;

	snprintf(path, sizeof(path), "%s/listpipe.log", t->path);
	text = read_file(path, NULL);
	return text ? text : strdup("");
}

/* query - run sql, keep the first column of the first row */
static void query(struct tdir *t, const char *fmt, va_list ap,
		  long long *num, char **text)
	__attribute__((format(printf, 2, 0)));

static void query(struct tdir *t, const char *fmt, va_list ap,
		  long long *num, char **text)
{
	char   *sql = g_strdup_vprintf(fmt, ap);
	sqlite3 *db;
	sqlite3_stmt *s;

	cr_assert(sqlite3_open(t->db, &db) == SQLITE_OK);
	cr_assert(sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK,
		  "%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(s) == SQLITE_ROW) {
		*num = sqlite3_column_int64(s, 0);
		if (sqlite3_column_text(s, 0))
			*text = g_strdup((const char *)
					 sqlite3_column_text(s, 0));
	}
	sqlite3_finalize(s);
	sqlite3_close(db);
	g_free(sql);
}

long long q_int(struct tdir *t, const char *fmt, ...)
{
	va_list	ap;
	long long v = -1;
	char   *text = NULL;

	va_start(ap, fmt);
	query(t, fmt, ap, &v, &text);
	va_end(ap);
	g_free(text);
	return v;
}

char *q_text(struct tdir *t, const char *fmt, ...)
{
	va_list	ap;
	long long v;
	char   *text = NULL;

	va_start(ap, fmt);
	query(t, fmt, ap, &v, &text);
	va_end(ap);
	return text;
}

int run_to(struct tdir *t, const char *rcpts, int after)
{
	char   *want = g_strdup_printf(ARGS_TO("%s"), rcpts);
	char   *copy = g_strdup_printf(COPY_ARGS_TO("%s"), rcpts);
	int	found = 0;

	for (int i = after + 1; i <= sent_count(t) && !found; i++) {
		char   *args = sent_args(t, i);

		if (args && (strcmp(args, want) == 0
			     || strcmp(args, copy) == 0))
			found = i;
		free(args);
	}
	g_free(want);
	g_free(copy);
	return found;
}

char *subject_of(struct tdir *t, int n)
{
	size_t	len;
	char   *msg = sent_message(t, n, &len);
	char   *s;

	cr_assert_not_null(msg, "no run %d", n);
	s = header_value(msg, len, "Subject");
	free(msg);
	cr_assert_not_null(s, "run %d has no Subject", n);
	return s;
}

char *token_of(struct tdir *t, int n, const char *word)
{
	char   *s = subject_of(t, n);
	size_t	w = strlen(word);
	char   *tok;

	cr_assert(strncmp(s, word, w) == 0 && s[w] == ' ', "run %d Subject: "
		  "%s, want %s TOKEN", n, s, word);
	tok = g_strdup(s + w + 1);
	free(s);
	return tok;
}

int sent_has(struct tdir *t, int n, const char *what)
{
	char   *msg = sent_message(t, n, NULL);
	int	hit = msg && strstr(msg, what) != NULL;

	free(msg);
	return hit;
}

const char *placeholder(const char *msg)
{
	for (const char *p = strchr(msg, '{'); p; p = strchr(p + 1, '{')) {
		size_t	n = strspn(p + 1, "abcdefghijklmnopqrstuvwxyz_");

		if (n > 0 && p[1 + n] == '}')
			return p;
	}
	return NULL;
}

void every_mail_is_filled_in(struct tdir *t)
{
	for (int i = 1; i <= sent_count(t); i++) {
		char   *msg = sent_message(t, i, NULL);
		const char *p = placeholder(msg);

		cr_expect(p == NULL, "run %d: unexpanded %.20s", i, p);
		free(msg);
	}
}

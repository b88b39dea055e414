/*
 * testlib.c - see testlib.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <sqlite3.h>

#include "testlib.h"

#define NOBODY 65534

/* The fake records argv one per line and stdin, then exits with the code
 * in sendmail.exit if there is one; sendmail.sleep makes it slow,
 * sendmail.say makes it talk on stderr, sendmail.fail-after N makes runs
 * after the Nth fail (having recorded what they got). */
static const char fake_sendmail[] =
	"#!/bin/sh\n"
	"here=$(dirname \"$0\")\n"
	"[ -f \"$here/sendmail.sleep\" ] && sleep \"$(cat \"$here/sendmail.sleep\")\"\n"
	"n=$(ls \"$here/sent\" | grep -c '\\.args$')\n"
	"n=$(printf '%03d' $((n + 1)))\n"
	"cat > \"$here/sent/run-$n.msg\" || exit 75\n"
	"printf '%s\\n' \"$@\" > \"$here/sent/run-$n.args\"\n"
	"[ -f \"$here/sendmail.say\" ] && cat \"$here/sendmail.say\" >&2\n"
	"[ -f \"$here/sendmail.exit\" ] && exit \"$(cat \"$here/sendmail.exit\")\"\n"
	"[ -f \"$here/sendmail.fail-after\" ] && [ \"$n\" -gt \"$(cat \"$here/sendmail.fail-after\")\" ] && exit 75\n"
	"exit 0\n";

int running_as_root(void)
{
	return geteuid() == 0;
}

const char *source_dir(void)
{
	static char dir[4096];
	const char *top = getenv("TOP");
	char   *p;

	if (top)
		return top;
	snprintf(dir, sizeof(dir), "%s", __FILE__);
	/* __FILE__ is tests/lib/testlib.c relative to the top, or absolute */
	if ((p = strstr(dir, "tests/lib/testlib.c")) != NULL) {
		*p = 0;
		if (p == dir)
			return ".";
		if (p[-1] == '/')
			p[-1] = 0;
	}
	return dir;
}

void write_file(const char *path, const char *content, size_t len, int mode)
{
	int	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	cr_assert(fd >= 0, "create %s: %s", path, strerror(errno));
	cr_assert(write(fd, content, len) == (ssize_t)len);
	close(fd);
}

char *read_file(const char *path, size_t *len)
{
	FILE   *f = fopen(path, "rb");
	char   *buf;
	long	size;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)size + 1);
	if (fread(buf, 1, (size_t)size, f) != (size_t)size) {
		fclose(f);
		free(buf);
		return NULL;
	}
	buf[size] = 0;
	fclose(f);
	if (len)
		*len = (size_t)size;
	return buf;
}

char *only_file_in(const char *dir, size_t *len)
{
	DIR    *d = opendir(dir);
	struct dirent *e;
	char	path[1024] = "";
	int	n = 0;

	cr_assert(d != NULL, "opendir %s", dir);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		n++;
	}
	closedir(d);
	cr_assert_eq(n, 1, "%d files in %s", n, dir);
	return read_file(path, len);
}

void tdir_make(struct tdir *t)
{
	snprintf(t->path, sizeof(t->path), "/tmp/listpipe-test.XXXXXX");
	cr_assert(mkdtemp(t->path) != NULL);
	chmod(t->path, 0755);
	snprintf(t->db, sizeof(t->db), "%s/lists.db", t->path);
	snprintf(t->spool, sizeof(t->spool), "%s/spool", t->path);
	snprintf(t->sendmail, sizeof(t->sendmail), "%s/sendmail", t->path);
	snprintf(t->sent, sizeof(t->sent), "%s/sent", t->path);
	cr_assert(mkdir(t->spool, 0755) == 0);
	cr_assert(mkdir(t->sent, 0755) == 0);
	write_file(t->sendmail, fake_sendmail, sizeof(fake_sendmail) - 1, 0755);
}

void tdir_sql(struct tdir *t, const char *sql)
{
	sqlite3 *db;
	char   *err = NULL;

	cr_assert(sqlite3_open(t->db, &db) == SQLITE_OK);
	cr_assert(sqlite3_exec(db, sql, NULL, NULL, &err) == SQLITE_OK,
		  "sql: %s: %s", sql, err ? err : "");
	sqlite3_close(db);
}

void tdir_db(struct tdir *t, const char *sql)
{
	char	path[4096];
	char   *schema;

	snprintf(path, sizeof(path), "%s/sql/schema.sql", source_dir());
	schema = read_file(path, NULL);
	cr_assert(schema != NULL, "read %s", path);
	/* Dot commands (".bail on") are for the sqlite3 shell. */
	for (char *line = schema; line; line = strchr(line, '\n')) {
		if (*line == '\n')
			line++;
		if (*line == '.')
			memcpy(line, "--", line[1] ? 2 : 1);
	}
	tdir_sql(t, schema);
	free(schema);
	if (sql)
		tdir_sql(t, sql);
}

static void chown_tree(const char *path)
{
	char	cmd[600];

	snprintf(cmd, sizeof(cmd), "chown -R %d:%d '%s'", NOBODY, NOBODY, path);
	cr_assert(system(cmd) == 0);
}

void tdir_hand_over(struct tdir *t)
{
	if (running_as_root())
		chown_tree(t->path);
}

static void run_bin(const char *var, struct run *r, const char *input,
		    size_t input_len, const struct run_opts *opts,
		    const char *const *argv);

void run_listpipe(struct run *r, const char *input, size_t input_len,
		  const struct run_opts *opts, const char *const *argv)
{
	run_bin("LISTPIPE_BIN", r, input, input_len, opts, argv);
}

void run_listctl(struct run *r, const struct run_opts *opts,
		 const char *const *argv)
{
	run_bin("LISTCTL_BIN", r, "", 0, opts, argv);
}

static void run_bin(const char *var, struct run *r, const char *input,
		    size_t input_len, const struct run_opts *opts,
		    const char *const *argv)
{
	const char *bin = getenv(var);
	int	in[2], out[2];
	pid_t	pid;
	int	wstatus;
	size_t	cap = 4096;
	const char *args[200];
	int	n = 0;
	struct run_opts none = {0};

	if (opts == NULL)
		opts = &none;
	cr_assert(bin != NULL, "%s is not set", var);
	args[n++] = bin;
	for (int i = 0; argv[i] && n < 198; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	cr_assert(pipe(in) == 0 && pipe(out) == 0);
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(out[1], 2);
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		signal(SIGPIPE, SIG_DFL);
		if (opts->fsize_limit > 0) {
			struct rlimit rl = {(rlim_t)opts->fsize_limit,
					    (rlim_t)opts->fsize_limit};

			setrlimit(RLIMIT_FSIZE, &rl);
		}
		if (running_as_root() && !opts->as_root) {
			if (setgroups(0, NULL) < 0 || setgid(NOBODY) < 0
			    || setuid(NOBODY) < 0)
				_exit(126);
		}
		execv(bin, (char *const *)args);
		_exit(126);
	}
	close(in[0]);
	close(out[1]);
	signal(SIGPIPE, SIG_IGN);
	/* Feed and read at once: a big input must not deadlock on output. */
	r->output = malloc(cap);
	r->output_len = 0;
	{
		size_t	off = 0;
		int	in_open = 1;
		struct timespec start;

		clock_gettime(CLOCK_MONOTONIC, &start);
		fcntl(out[0], F_SETFL, O_NONBLOCK);
		fcntl(in[1], F_SETFL, O_NONBLOCK);
		for (;;) {
			ssize_t k;
			int	progress = 0;

			if (in_open && off < input_len) {
				k = write(in[1], input + off, input_len - off);
				if (k > 0) {
					off += (size_t)k;
					progress = 1;
				} else if (k < 0 && errno != EAGAIN) {
					in_open = 0;	/* it stopped reading */
				}
			}
			if (in_open && off >= input_len) {
				close(in[1]);
				in_open = 0;
			}
			if (r->output_len + 1024 > cap)
				r->output = realloc(r->output, cap *= 2);
			k = read(out[0], r->output + r->output_len,
				 cap - r->output_len - 1);
			if (k > 0) {
				r->output_len += (size_t)k;
				progress = 1;
			} else if (k == 0) {
				break;
			}
			if (opts->term_after_ms > 0) {
				struct timespec now;

				clock_gettime(CLOCK_MONOTONIC, &now);
				if ((now.tv_sec - start.tv_sec) * 1000
				    + (now.tv_nsec - start.tv_nsec) / 1000000
				    > opts->term_after_ms) {
					kill(pid, SIGTERM);
					opts = &none;
				}
			}
			if (!progress)
				usleep(1000);
		}
		if (in_open)
			close(in[1]);
	}
	close(out[0]);
	r->output[r->output_len] = 0;
	cr_assert(waitpid(pid, &wstatus, 0) == pid);
	r->exit_code = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
	r->signal = WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0;
}

void run_free(struct run *r)
{
	free(r->output);
	r->output = NULL;
}

int sent_count(const struct tdir *t)
{
	char	path[600];
	int	n = 0;

	for (;;) {
		snprintf(path, sizeof(path), "%s/run-%03d.args", t->sent, n + 1);
		if (access(path, F_OK) != 0)
			return n;
		n++;
	}
}

char *sent_args(const struct tdir *t, int n)
{
	char	path[600];

	snprintf(path, sizeof(path), "%s/run-%03d.args", t->sent, n);
	return read_file(path, NULL);
}

char *sent_message(const struct tdir *t, int n, size_t *len)
{
	char	path[600];

	snprintf(path, sizeof(path), "%s/run-%03d.msg", t->sent, n);
	return read_file(path, len);
}

const char *body_of(const char *msg, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (i == 0 || msg[i - 1] == '\n') {
			if (msg[i] == '\n')
				return msg + i;
			if (msg[i] == '\r' && i + 1 < len && msg[i + 1] == '\n')
				return msg + i;
		}
	}
	return msg + len;
}

static int field_is(const char *line, const char *name)
{
	size_t	n = strlen(name);

	return strncasecmp(line, name, n) == 0 && line[n] == ':';
}

char *header_value(const char *msg, size_t len, const char *name)
{
	const char *end = body_of(msg, len);

	for (const char *p = msg; p < end; p = strchr(p, '\n') + 1) {
		if (field_is(p, name)) {
			const char *v = p + strlen(name) + 1;
			char   *out = malloc((size_t)(end - v) + 1);
			size_t	o = 0;

			while (*v == ' ')
				v++;
			/* unfold: continuation lines join with their blank */
			for (; v < end; v++) {
				if (*v == '\r')
					continue;
				if (*v == '\n') {
					if (v[1] == ' ' || v[1] == '\t')
						continue;
					break;
				}
				out[o++] = *v;
			}
			out[o] = 0;
			return out;
		}
		if (strchr(p, '\n') == NULL)
			break;
	}
	return NULL;
}

int header_count(const char *msg, size_t len, const char *name)
{
	const char *end = body_of(msg, len);
	int	n = 0;

	for (const char *p = msg; p && p < end; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (field_is(p, name))
			n++;
	}
	return n;
}

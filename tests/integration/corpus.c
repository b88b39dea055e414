/*
 * corpus.c - every message in ../shared/corpus through the real binary:
 * as a post to a list (a status line or a copy whose body is the input's,
 * byte for byte) and as a bounce (stored byte for byte).
 *
 * The corpus is read-only and written by other people's software; it is
 * found at $CORPUS, else ../shared/corpus beside the repository.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"
#include "sent.h"

static int corpus_files(const char *sub, char ***out)
{
	char	dir[4096];
	const char *env = getenv("CORPUS");
	DIR    *d;
	struct dirent *e;
	char  **v = NULL;
	int	n = 0;

	if (env)
		snprintf(dir, sizeof(dir), "%s/%s", env, sub);
	else
		snprintf(dir, sizeof(dir), "%s/../shared/corpus/%s",
			 source_dir(), sub);
	cr_assert((d = opendir(dir)) != NULL, "corpus %s missing", dir);
	while ((e = readdir(d)) != NULL) {
		size_t	len = strlen(e->d_name);

		if (len < 5 || strcmp(e->d_name + len - 4, ".eml") != 0)
			continue;
		v = realloc(v, sizeof(*v) * (size_t)(n + 1));
		v[n] = malloc(strlen(dir) + len + 2);
		sprintf(v[n], "%s/%s", dir, e->d_name);
		n++;
	}
	closedir(d);
	*out = v;
	return n;
}

static void clear_dir(const char *path)
{
	DIR    *d = opendir(path);
	struct dirent *e;
	char	p[1024];

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", path, e->d_name);
		unlink(p);
	}
	closedir(d);
}

/* What became of the files of one corpus directory posted to team@. */
struct tally {
	int	files, copied, discarded, held, refused;
};

/* held_file - the one file held for team@, read whole and removed; NULL
 * when nothing was held */
static char *held_file(const struct tdir *t, size_t *len)
{
	char	dir[600], path[1024] = "";
	DIR    *d;
	struct dirent *e;
	char   *text;

	snprintf(dir, sizeof(dir), "%s/held/team@lists.example.org/new", t->spool);
	if ((d = opendir(dir)) == NULL)
		return NULL;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.') {
			cr_assert(path[0] == 0, "more than one file held");
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		}
	closedir(d);
	if (path[0] == 0)
		return NULL;
	text = read_file(path, len);
	unlink(path);
	return text;
}

/* without_envelope - the input less an mbox "From " line, as stored */
static const char *without_envelope(const char *in, size_t *len)
{
	if (*len > 5 && memcmp(in, "From ", 5) == 0 && strchr(in, '\n')) {
		size_t	skip = (size_t)(strchr(in, '\n') + 1 - in);

		*len -= skip;
		return in + skip;
	}
	return in;
}

/*
 * as_post - each file posted to team@ by sender, with extra_sql on the
 * fixture.  Every run must end in one of four ways, each checked: a copy
 * whose body is the input's byte for byte, a discard (nothing sent,
 * nothing kept), a hold (the input kept byte for byte), or a clear 5.6.0
 * verdict.
 */
static struct tally as_post(const char *sub, int min_files, const char *sender,
			    const char *extra_sql)
{
	struct tdir t;
	char  **files;
	struct tally n = {corpus_files(sub, &files), 0, 0, 0, 0};

	cr_assert(n.files >= min_files, "only %d files in %s", n.files, sub);
	fixture(&t, extra_sql);
	for (int i = 0; i < n.files; i++) {
		size_t	in_len, out_len;
		char   *in = read_file(files[i], &in_len);
		struct run r;
		char   *out;
		const char *body;
		size_t	body_len;
		const char *argv[] = {"-d", t.db, "-s", t.sendmail, "-m",
				      t.spool, "-f", sender, "--",
				      "team@lists.example.org", NULL};

		cr_assert(in != NULL);
		clear_dir(t.sent);
		run_listpipe(&r, in, in_len, NULL, argv);
		cr_assert(r.signal == 0, "%s: killed by signal %d", files[i],
			  r.signal);
		if (r.exit_code == 65) {
			/* A verdict on the message: a clear 5.6.0 line. */
			cr_expect(strncmp(r.output, "5.6.0 ", 6) == 0,
				  "%s: %s", files[i], r.output);
			n.refused++;
			goto next;
		}
		cr_assert_eq(r.exit_code, 0, "%s: exit %d: %s", files[i],
			     r.exit_code, r.output);
		if ((out = held_file(&t, &out_len)) != NULL) {
			size_t	want_len = in_len;
			const char *want = without_envelope(in, &want_len);

			cr_expect(out_len == want_len
				  && memcmp(out, want, want_len) == 0,
				  "%s: held bytes differ", files[i]);
			n.held++;
			free(out);
		} else if ((out = sent_message(&t, 1, &out_len)) == NULL) {
			n.discarded++;
		} else {
			cr_expect_eq(r.output_len, 0, "%s: %s", files[i],
				     r.output);
			/* The body from the first empty line on is the input's,
			 * byte for byte (our block may end earlier, at a
			 * non-header line; then more is body, still equal). */
			body = body_of(in, in_len);
			body_len = in_len - (size_t)(body - in);
			cr_expect(out_len >= body_len && memcmp(out + out_len
				  - body_len, body, body_len) == 0,
				  "%s: body changed", files[i]);
			cr_expect_eq(header_count(out, out_len, "List-Id"), 1,
				     "%s: no List-Id", files[i]);
			n.copied++;
			free(out);
		}
next:
		run_free(&r);
		free(in);
		free(files[i]);
	}
	free(files);
	cr_log_info("%s from <%s>: %d copied, %d discarded, %d held, %d refused "
		    "with 5.6.0", sub, sender, n.copied, n.discarded, n.held,
		    n.refused);
	return n;
}

Test(corpus, bounces_posted_to_a_list_never_reach_the_members, .timeout = 900)
{
	/* As a bounce arrives: from the null sender. */
	struct tally n = as_post("bounces", 600, "", NULL);

	cr_expect_eq(n.copied, 0);
	cr_expect_eq(n.held, 0);
	cr_expect(n.discarded >= n.files * 9 / 10, "only %d of %d discarded",
		  n.discarded, n.files);
}

Test(corpus, bounces_posted_to_a_list_that_holds_are_kept_exactly,
     .timeout = 900)
{
	struct tally n = as_post("bounces", 600, "",
				 "UPDATE lists SET refused = 'hold'");

	cr_expect_eq(n.copied, 0);
	cr_expect(n.held >= n.files * 9 / 10, "only %d of %d held", n.held,
		  n.files);
}

Test(corpus, messages_posted_to_a_list, .timeout = 900)
{
	const char *dirs[] = {"messages/malformed", "messages/rfc",
			      "messages/thirdparty"};
	const int min[] = {20, 10, 20};

	for (int i = 0; i < 3; i++) {
		struct tally n = as_post(dirs[i], min[i], "x@example.com", NULL);

		cr_expect_eq(n.held, 0);
		cr_expect(n.copied + n.discarded >= n.files * 9 / 10,
			  "%s: only %d of %d copied or discarded", dirs[i],
			  n.copied + n.discarded, n.files);
		cr_expect(n.copied >= n.files / 2, "%s: only %d of %d copied",
			  dirs[i], n.copied, n.files);
	}
}

/*
 * as_bounce - each file sent to rcpt (team's bounce address, alice's
 * VERP form or plain) is stored unchanged, then recorded: at least one
 * row, about alice when VERP says so, and only a hard failure ever
 * counts (auto-replies and feedback reports never do).
 */
static void as_bounce(const char *sub, int min_files, const char *rcpt)
{
	int	verp = strchr(rcpt, '+') != NULL;

	struct tdir t;
	char  **files;
	int	n = corpus_files(sub, &files);
	char	newdir[600];

	cr_assert(n >= min_files);
	fixture(&t, NULL);
	snprintf(newdir, sizeof(newdir), "%s/bounces/team@lists.example.org/new",
		 t.spool);
	for (int i = 0; i < n; i++) {
		size_t	in_len, out_len;
		char   *in = read_file(files[i], &in_len);
		char	prefix[100];
		struct run r;
		DIR    *d;
		struct dirent *e;
		char	path[1024] = "";
		char   *out;
		const char *argv[] = {"-d", t.db, "-s", t.sendmail, "-m",
				      t.spool, "-f", "", "--", rcpt, NULL};
		const char *base = strrchr(files[i], '/') + 1;
		char   *file;

		run_listpipe(&r, in, in_len, NULL, argv);
		cr_assert_eq(r.exit_code, 0, "%s: exit %d: %s", files[i],
			     r.exit_code, r.output);
		cr_assert((d = opendir(newdir)) != NULL);
		while ((e = readdir(d)) != NULL)
			if (e->d_name[0] != '.')
				snprintf(path, sizeof(path), "%s/%s", newdir,
					 e->d_name);
		closedir(d);
		out = read_file(path, &out_len);
		cr_assert(out != NULL, "%s: not stored", files[i]);
		/* stored as it came, less an mbox "From " envelope line */
		if (in_len > 5 && memcmp(in, "From ", 5) == 0) {
			size_t	skip = (size_t)(strchr(in, '\n') + 1 - in);

			memmove(in, in + skip, in_len - skip);
			in_len -= skip;
		}
		/* Delivered-To ends as the message's first line does. */
		snprintf(prefix, sizeof(prefix), "Delivered-To: %s%s", rcpt,
			 strchr(in, '\n') > in
			 && strchr(in, '\n')[-1] == '\r' ? "\r\n" : "\n");
		cr_expect(out_len == strlen(prefix) + in_len
			  && memcmp(out, prefix, strlen(prefix)) == 0
			  && memcmp(out + strlen(prefix), in, in_len) == 0,
			  "%s: stored bytes differ", files[i]);
		/* Recorded, under the name it is stored as. */
		file = g_strdup_printf("bounces/team@lists.example.org/new/%s",
				       strrchr(path, '/') + 1);
		cr_expect(q_int(&t, "SELECT count(*) FROM bounces WHERE file = "
				"'%s'", file) >= 1, "%s: not recorded", base);
		if (verp)
			cr_expect_eq(q_int(&t, "SELECT count(*) FROM bounces "
					   "WHERE file = '%s' AND member IS NOT "
					   "'alice@example.net'", file), 0,
				     "%s: VERP names alice", base);
		cr_expect_eq(q_int(&t, "SELECT count(*) FROM bounces WHERE "
				   "scored AND kind <> 'hard'"), 0, "%s", base);
		if (strncmp(base, "arf-", 4) == 0
		    || strncmp(base, "rfc3834-", 8) == 0)
			cr_expect_eq(q_int(&t, "SELECT count(*) FROM bounces "
					   "WHERE file = '%s' AND kind IN "
					   "('hard', 'soft', 'policy', "
					   "'delay')", file), 0,
				     "%s: not a delivery failure", base);
		if (q_int(&t, "SELECT count(*) FROM bounces WHERE file = '%s' "
			  "AND kind = 'hard'", file) == 0)
			cr_expect_eq(q_int(&t, "SELECT score FROM members WHERE "
					   "address = 'alice@example.net'"), 0,
				     "%s: counted without a hard failure", base);
		/* Each file starts from a clean slate. */
		tdir_sql(&t, "UPDATE members SET score = 0, bounced = NULL");
		g_free(file);
		unlink(path);
		run_free(&r);
		free(out);
		free(in);
		free(files[i]);
	}
	free(files);
}

Test(corpus, bounces_stored, .timeout = 900)
{
	as_bounce("bounces", 600,
		  "team-bounces+alice=example.net@lists.example.org");
}

Test(corpus, messages_stored, .timeout = 900)
{
	as_bounce("messages/malformed", 20, "team-bounces@lists.example.org");
	as_bounce("messages/thirdparty", 20, "team-bounces@lists.example.org");
}

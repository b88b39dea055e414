/*
 * dsn_corpus_test.c - the bounce analyser on real bounces from many
 * MTAs (../shared/corpus/bounces): the files pinned in
 * tests/data/dsn-expected.tsv read exactly as pinned, and every file of
 * the folder is read without a crash into clean reports.
 *
 * The corpus is found at $CORPUS, else ../shared/corpus beside the
 * repository; a missing corpus fails the tests (it is not a reason to
 * skip them).  No .timeout: Criterion 2.4 leaks a timer record when two
 * tests with timeouts overlap, and the ASan run counts every leak.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "common/text.h"
#include "mail/dsn.h"
#include "mail/headers.h"
#include "testlib.h"

static void setup(void)
{
	headers_init();
}

TestSuite(dsn_corpus, .init = setup);

/* bounces_dir - where the corpus bounces are, checked to exist */
static void bounces_dir(char *dir, size_t size)
{
	const char *env = getenv("CORPUS");
	DIR    *d;
	int	n;

	if (env)
		n = snprintf(dir, size, "%s/bounces", env);
	else
		n = snprintf(dir, size, "%s/../shared/corpus/bounces", source_dir());
	cr_assert(n > 0 && (size_t)n < size, "corpus path too long");
	cr_assert((d = opendir(dir)) != NULL, "corpus %s missing", dir);
	closedir(d);
}

/* read_bounce - dsn_analyse over one corpus file */
static void read_bounce(const char *dir, const char *name, struct dsn *d)
{
	char	path[4096];
	struct status st;
	int	fd;

	cr_assert((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name)
		  < sizeof(path));
	fd = open(path, O_RDONLY);
	cr_assert(fd >= 0, "open %s", path);
	cr_assert_eq(dsn_analyse(fd, d, &st), 0, "%s: %s", name, st.reason);
	close(fd);
}

/* One pinned line: file, recipient, action, status, kind. */
struct pinned {
	char	file[128];
	char	recipient[DSN_ADDRESS_MAX];
	char	action[16];
	char	status[16];
	char	kind[16];
};

static size_t load_pinned(struct pinned **out)
{
	char	path[4096];
	char   *text, *line, *save = NULL;
	struct pinned *v = NULL;
	size_t	n = 0;

	snprintf(path, sizeof(path), "%s/tests/data/dsn-expected.tsv",
		 source_dir());
	text = read_file(path, NULL);
	cr_assert(text != NULL, "read %s", path);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char   *col[5] = {0};
		char   *p = line;

		if (*line == '#' || *line == 0)
			continue;
		for (int i = 0; i < 5; i++) {
			col[i] = p;
			p = p ? strchr(p, '\t') : NULL;
			if (p)
				*p++ = 0;
		}
		cr_assert(col[4] != NULL, "short line in %s: %s", path, line);
		v = realloc(v, sizeof(*v) * (n + 1));
		g_strlcpy(v[n].file, col[0], sizeof(v[n].file));
		g_strlcpy(v[n].recipient, col[1], sizeof(v[n].recipient));
		g_strlcpy(v[n].action, col[2], sizeof(v[n].action));
		g_strlcpy(v[n].status, col[3], sizeof(v[n].status));
		g_strlcpy(v[n].kind, col[4], sizeof(v[n].kind));
		n++;
	}
	free(text);
	*out = v;
	return n;
}

Test(dsn_corpus, pinned_files_read_as_pinned)
{
	char	dir[4096];
	struct pinned *p;
	size_t	n = load_pinned(&p), files = 0;
	struct dsn *d = g_new0(struct dsn, 1);
	GString *wrong = g_string_new(NULL);

	bounces_dir(dir, sizeof(dir));
	cr_assert_geq(n, 100, "the table pins %zu reports", n);
	for (size_t i = 0; i < n;) {
		size_t	k = i;

		while (k < n && strcmp(p[k].file, p[i].file) == 0)
			k++;
		read_bounce(dir, p[i].file, d);
		files++;
		if (d->nreports != k - i)
			g_string_append_printf(wrong, "%s: %zu reports, pinned %zu\n",
					       p[i].file, d->nreports, k - i);
		for (size_t j = i; j < k && j - i < d->nreports; j++) {
			const struct dsn_report *r = &d->reports[j - i];

			if (strcmp(r->recipient, p[j].recipient) != 0
			    || strcmp(r->action, p[j].action) != 0
			    || strcmp(r->status, p[j].status) != 0
			    || strcmp(dsn_kind_names[r->kind], p[j].kind) != 0)
				g_string_append_printf(wrong,
					"%s: got %s %s %s %s, pinned %s %s %s %s\n",
					p[j].file, r->recipient, r->action,
					r->status, dsn_kind_names[r->kind],
					p[j].recipient, p[j].action,
					p[j].status, p[j].kind);
		}
		i = k;
	}
	cr_expect_geq(files, 100, "the table covers %zu files", files);
	cr_expect_str_eq(wrong->str, "", "files not read as pinned:\n%s", wrong->str);
	g_string_free(wrong, TRUE);
	g_free(d);
	free(p);
}

/* clean - one printable line of valid UTF-8 */
static int clean(const char *s)
{
	return text_is_clean(s) && g_utf8_validate(s, -1, NULL);
}

static int plausible(const char *a)
{
	const char *at = strchr(a, '@');

	return *a == 0 || (at && at != a && at[1] && !strchr(at + 1, '@')
			   && !strchr(a, ' ') && strlen(a) < DSN_ADDRESS_MAX);
}

Test(dsn_corpus, every_bounce_reads_into_clean_reports)
{
	char	dir[4096];
	DIR    *dp;
	struct dirent *e;
	struct dsn *d = g_new0(struct dsn, 1);
	GString *wrong = g_string_new(NULL);
	int	files = 0, found = 0;

	bounces_dir(dir, sizeof(dir));
	dp = opendir(dir);
	cr_assert(dp != NULL);
	while ((e = readdir(dp)) != NULL) {
		size_t	len = strlen(e->d_name);

		if (len < 5 || strcmp(e->d_name + len - 4, ".eml") != 0)
			continue;
		read_bounce(dir, e->d_name, d);
		files++;
		found += d->nreports > 0;
		if (d->nreports > DSN_REPORTS_MAX || d->family == NULL
		    || !clean(d->reporting_mta) || !plausible(d->postfix_sender))
			g_string_append_printf(wrong, "%s: message-wide fields\n",
					       e->d_name);
		for (size_t i = 0; i < d->nreports && i < DSN_REPORTS_MAX; i++) {
			const struct dsn_report *r = &d->reports[i];

			if (!clean(r->recipient) || !clean(r->original)
			    || !clean(r->action) || !clean(r->status)
			    || !clean(r->diagnostic) || !clean(r->mta)
			    || !plausible(r->recipient) || !plausible(r->original))
				g_string_append_printf(wrong, "%s: report %zu unclean\n",
						       e->d_name, i);
			/* a warning never counts against anybody */
			if (strcmp(r->action, "delayed") == 0 && r->kind == DSN_HARD)
				g_string_append_printf(wrong, "%s: delayed but hard\n",
						       e->d_name);
		}
		if (strncmp(e->d_name, "arf-", 4) == 0 || strncmp(e->d_name, "rfc3834-", 8) == 0) {
			enum dsn_kind want = e->d_name[0] == 'a' ? DSN_FEEDBACK
								 : DSN_AUTOREPLY;

			if (d->nreports == 0)
				g_string_append_printf(wrong, "%s: no report\n", e->d_name);
			for (size_t i = 0; i < d->nreports; i++)
				if (d->reports[i].kind != want)
					g_string_append_printf(wrong, "%s: %s\n", e->d_name,
						dsn_kind_names[d->reports[i].kind]);
		}
	}
	closedir(dp);
	cr_expect_geq(files, 600, "only %d files in %s", files, dir);
	cr_expect_geq(found, files * 95 / 100, "reports in %d of %d files", found, files);
	cr_expect_str_eq(wrong->str, "", "%s", wrong->str);
	g_string_free(wrong, TRUE);
	g_free(d);
}

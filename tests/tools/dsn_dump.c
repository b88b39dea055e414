/*
 * dsn_dump.c - what the bounce analyser reads in each file given, one
 * TSV line a report: basename, format, family, recipient, original,
 * action, status, kind, mta, diagnostic.  A file without reports is one
 * line with recipient "-".  The tool behind tests/sisimai/compare, and a
 * postmaster's way to ask why a bounce counted.
 *
 * usage: dsn-dump FILE...
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <gmime/gmime.h>

#include "mail/dsn.h"

static const char *const format_names[] = {
	[DSN_NONE] = "none", [DSN_RFC3464] = "rfc3464", [DSN_TEXT] = "text",
	[DSN_AUTOREPLY_MSG] = "autoreply", [DSN_ARF] = "arf",
};

/* or_dash - an empty TSV column is easy to miss: "-" instead */
static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

int main(int argc, char **argv)
{
	int	rc = 0;

	g_mime_init();
	for (int i = 1; i < argc; i++) {
		const char *base = strrchr(argv[i], '/');
		struct dsn *d = g_new0(struct dsn, 1);
		struct status st;
		int	fd = open(argv[i], O_RDONLY);

		base = base ? base + 1 : argv[i];
		if (fd < 0 || dsn_analyse(fd, d, &st) < 0) {
			fprintf(stderr, "dsn-dump: %s: %s\n", argv[i],
				fd < 0 ? "cannot open" : st.reason);
			rc = 1;
		} else if (d->nreports == 0) {
			printf("%s\t%s\t%s\t-\t-\t-\t-\t-\t-\t-\n", base,
			       format_names[d->format], d->family);
		}
		for (size_t r = 0; fd >= 0 && r < d->nreports; r++) {
			const struct dsn_report *p = &d->reports[r];

			printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", base,
			       format_names[d->format], d->family,
			       or_dash(p->recipient), or_dash(p->original),
			       or_dash(p->action), or_dash(p->status),
			       dsn_kind_names[p->kind],
			       or_dash(p->mta[0] ? p->mta : d->reporting_mta),
			       or_dash(p->diagnostic));
		}
		if (fd >= 0)
			close(fd);
		g_free(d);
	}
	g_mime_shutdown();
	if (fflush(stdout) != 0 || ferror(stdout))
		rc = 1;
	return rc;
}

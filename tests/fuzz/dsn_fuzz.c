/*
 * dsn_fuzz.c - libFuzzer target for the bounce analyser: whatever a
 * stranger mails to a -bounces address is read by dsn_analyse.
 *
 * Properties checked besides "no crash, no sanitizer report": the
 * analysis never fails on a readable file, keeps at most DSN_REPORTS_MAX
 * reports, and every string it reports is one clean line (no control
 * character, valid UTF-8) with a recipient that is empty or one
 * plausible address; an auto-reply or feedback report is never "hard",
 * nor is a delayed one.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <gmime/gmime.h>

#include "common/text.h"
#include "mail/dsn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_line(const char *s, size_t size)
{
	if (memchr(s, 0, size) == NULL || !text_is_clean(s)
	    || !g_utf8_validate(s, -1, NULL))
		abort();
}

static void check_address(const char *a)
{
	const char *at = strchr(a, '@');

	check_line(a, DSN_ADDRESS_MAX);
	if (*a == 0)
		return;
	if (at == NULL || at == a || at[1] == 0 || strchr(at + 1, '@')
	    || strchr(a, ' '))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	static struct dsn d;
	struct status st;
	int	fd;

	if (!ready) {
		g_mime_init();
		ready = 1;
	}
	fd = memfd_create("dsn", 0);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	if (dsn_analyse(fd, &d, &st) < 0 || d.nreports > DSN_REPORTS_MAX
	    || d.family == NULL)
		abort();
	check_line(d.reporting_mta, sizeof(d.reporting_mta));
	check_address(d.postfix_sender);
	for (size_t i = 0; i < d.nreports; i++) {
		const struct dsn_report *r = &d.reports[i];

		check_address(r->recipient);
		check_address(r->original);
		check_line(r->action, sizeof(r->action));
		check_line(r->status, sizeof(r->status));
		check_line(r->diagnostic, sizeof(r->diagnostic));
		check_line(r->mta, sizeof(r->mta));
		if (r->kind == DSN_HARD
		    && (d.format == DSN_AUTOREPLY_MSG || d.format == DSN_ARF
			|| strcmp(r->action, "delayed") == 0))
			abort();
		for (size_t k = 0; k < i; k++)
			if (*r->recipient
			    && strcmp(r->recipient, d.reports[k].recipient) == 0)
				abort();
	}
	close(fd);
	return 0;
}

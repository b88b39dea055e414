/*
 * rewrite.h - the header block of a list copy.
 *
 * A list copy gets the RFC 2369/2919 List-* fields, Sender, Precedence,
 * X-Auto-Response-Suppress, the list's X-Loop and, when the list asks
 * for them, a subject tag, a Reply-To, a From of its own (DMARC) and the
 * removal of the fields it strips.  The changes are first written
 * down as a table of edits and then applied, so that later policies (such
 * as leaving alone what a DKIM signature covers) can strike edits out
 * without touching how they are made.  Fields no edit names keep their
 * original bytes.
 */
#ifndef LISTPIPE_REWRITE_H
#define LISTPIPE_REWRITE_H

#include <stddef.h>

#include "common/list.h"
#include "common/status.h"
#include "mail/dkim.h"
#include "mail/headers.h"

/*
 * rewrite_subject - the subject a list copy gets: NULL when it stays as
 * it is (no tag, or the tag is already there, also inside Re:/AW:/SV:
 * chains or encoded words), else a new value, RFC 2047 encoded where it
 * is not ASCII and unfolded; free with g_free().  raw_value is the
 * field's raw value (NULL when the message has no Subject).
 */
char   *rewrite_subject(const char *raw_value, const char *tag);

/*
 * rewrite_header_value - make text from the database safe as a header
 * value: control characters (CR and LF above all) become spaces.
 * Returns a new string; g_free() it.
 */
char   *rewrite_header_value(const char *text);

/* What a list copy may change besides the list's own settings. */
struct rewrite_options {
	const struct dkim_cover *keep;	/* fields never added, changed or
					 * removed; NULL: none */
	int	from;			/* From becomes the list's (DMARC) */
};

/* What the rewrite left out, for the log and the dry run. */
struct rewrite_report {
	char   *kept;		/* names of changes not made because a
				 * signature covers them, space-separated;
				 * NULL when none; g_free() */
	int	loop_field;	/* X-Loop was added */
};

/*
 * rewrite_list_copy - the complete header block of a list copy (without
 * the empty line, which belongs to the body) into *out; g_free() it.
 * opt and report may be NULL.
 */
int	rewrite_list_copy(const struct headers *hd, const struct list *list,
			  const struct rewrite_options *opt, char **out,
			  size_t *out_len, struct rewrite_report *report,
			  struct status *st);

#endif

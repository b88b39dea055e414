/*
 * rewrite.c - list headers, subject tag, loop guard.
 *
 * Values from the database pass through rewrite_header_value() before
 * they go near a header, so no row can inject a header line.  New fields
 * are encoded and folded by field.c, never by GMime (whose encoder can
 * fold a poster's subject into a line that ends the header block), are
 * checked before they are written, and use the message's own newline.
 */
#include <string.h>

#include <gmime/gmime.h>

#include "common/log.h"
#include "common/text.h"
#include "mail/dkim.h"
#include "mail/field.h"
#include "mail/rewrite.h"

enum edit_mode {
	EDIT_SET,		/* replace the first such field, drop the rest, or add */
	EDIT_ADD,		/* add at the end, keep what is there */
	EDIT_DROP,		/* drop every field of that name */
	EDIT_DROP_PREFIX,	/* drop every field whose name starts so */
};

struct edit {
	const char *name;
	enum edit_mode mode;
	char   *value;		/* unfolded, encoded; g_free; NULL for drops */
	int	done;
};

/* ours (at most 20) and lists.strip_headers (at most 500 names) */
#define MAX_EDITS 540

char *rewrite_header_value(const char *text)
{
	char   *v = g_strdup(text);

	return text_scrub(v, strlen(v), ' ');
}

/*
 * contains_tag - the tag appears anywhere, in any ASCII case.  Anywhere,
 * not just first: "Re: AW: [team] x", "Fwd: [other] [team] x" and a
 * decoded encoded word all count, so the tag is never doubled.
 */
static int contains_tag(const char *subject, const char *tag)
{
	size_t	tlen = strlen(tag);

	for (const char *s = subject; *s; s++)
		if (g_ascii_strncasecmp(s, tag, tlen) == 0)
			return 1;
	return 0;
}

char *rewrite_subject(const char *raw_value, const char *tag)
{
	char   *decoded;
	char   *cleantag;
	char   *text;
	char   *encoded;

	if (tag == NULL || *tag == 0)
		return NULL;
	cleantag = rewrite_header_value(tag);
	g_strstrip(cleantag);
	if (*cleantag == 0) {
		g_free(cleantag);
		return NULL;
	}
	if (raw_value) {
		char   *unfolded = g_mime_utils_header_unfold(raw_value);

		decoded = g_mime_utils_header_decode_text(NULL, unfolded);
		g_free(unfolded);
	} else {
		decoded = g_strdup("");
	}
	g_strstrip(decoded);
	if (contains_tag(decoded, cleantag)) {
		g_free(decoded);
		g_free(cleantag);
		return NULL;
	}
	text = g_strdup_printf("%s %s", cleantag,
			       *decoded ? decoded : "(no subject)");
	/* Decoded text is the poster's: it may hold controls, invalid
	 * UTF-8 or a literal "=?...?=", all of which the encoder handles. */
	encoded = field_encode_text(text);
	g_free(text);
	g_free(decoded);
	g_free(cleantag);
	return encoded;
}

static struct edit *add_edit(struct edit *edits, int *n, const char *name,
			     enum edit_mode mode, char *value)
{
	struct edit *e = &edits[(*n)++];

	e->name = name;
	e->mode = mode;
	e->value = value;
	e->done = 0;
	return e;
}

/* url_or_mailto - "<url>" from the database, or "<mailto:addr?query>" */
static char *url_or_mailto(const char *url, const char *addr,
			   const char *query)
{
	char   *clean;
	char   *v;

	if (url && *url) {
		clean = rewrite_header_value(url);
		g_strstrip(clean);
		v = g_strdup_printf("<%s>", clean);
	} else {
		clean = rewrite_header_value(addr);
		v = g_strdup_printf("<mailto:%s%s%s>", clean, query ? "?" : "",
				    query ? query : "");
	}
	g_free(clean);
	return v;
}

/* list_id - "description" <name.domain>, the phrase RFC 2047 encoded */
static char *list_id(const struct list *list)
{
	char   *name = rewrite_header_value(list->name);
	char   *domain = rewrite_header_value(list->domain);
	char   *v;

	if (list->description && *list->description) {
		char   *phrase = field_encode_phrase(list->description);

		v = g_strdup_printf("%s <%s.%s>", phrase, name, domain);
		g_free(phrase);
	} else {
		v = g_strdup_printf("<%s.%s>", name, domain);
	}
	g_free(name);
	g_free(domain);
	return v;
}

/* reply_value - the list's Reply-To: its target alone, or added to the
 * poster's own addresses when the list keeps them */
/*
 * with_mailbox - the address list value (from headers_mailboxes) with
 * mailbox added at the end, or NULL when it holds <addr> already (in
 * any case)
 */
static char *with_mailbox(const char *value, const char *mailbox,
			  const char *addr)
{
	char   *needle = g_strdup_printf("<%s>", addr);
	char   *lneedle = g_ascii_strdown(needle, -1);
	char   *lower = g_ascii_strdown(value, -1);
	char   *v = strstr(lower, lneedle) ? NULL
		    : g_strdup_printf("%s, %s", value, mailbox);

	g_free(needle);
	g_free(lneedle);
	g_free(lower);
	return v;
}

static char *reply_value(const struct headers *hd, const struct list *list,
			 const char *target)
{
	char   *clean = rewrite_header_value(target);
	char   *own = list->reply_to_strip ? NULL
		      : headers_mailboxes(hd, "Reply-To");
	char   *v, *mailbox;

	if (own == NULL)
		return clean;
	mailbox = g_strdup_printf("<%s>", clean);
	v = with_mailbox(own, mailbox, clean);
	g_free(mailbox);
	g_free(clean);
	if (v == NULL)
		return own;
	g_free(own);
	return v;
}

/*
 * from_edits - From: "Name via list" <list address>, and the author where
 * replies to the author still reach: Reply-To when the list leaves
 * Reply-To to the poster (unless the poster set one), else Cc.
 */
static void from_edits(const struct headers *hd, const struct list *list,
		       struct edit *edits, int *n)
{
	char   *addr = NULL;
	char   *name = headers_author(hd, &addr);
	char   *label = g_strdup_printf("%s via %s", name ? name
					: addr ? addr : "unknown", list->name);
	char   *phrase = field_encode_phrase(label);
	char   *author = NULL;

	add_edit(edits, n, "From", EDIT_SET,
		 g_strdup_printf("%s <%s>", phrase, list->address));
	if (addr) {
		char   *aphrase = name ? field_encode_phrase(name) : NULL;

		author = g_strdup_printf("%s%s<%s>", aphrase ? aphrase : "",
					 aphrase ? " " : "", addr);
		g_free(aphrase);
	}
	if (author && strcmp(list->reply_to, "poster") == 0) {
		if (headers_find(hd, "Reply-To", 0) < 0)
			add_edit(edits, n, "Reply-To", EDIT_SET, author);
		else
			g_free(author);
	} else if (author) {
		/* Copied once: a Cc that holds the author stays as it is. */
		char   *cc = headers_mailboxes(hd, "Cc");
		char   *v = cc ? with_mailbox(cc, author, addr) : author;

		if (v)
			add_edit(edits, n, "Cc", EDIT_SET, v);
		if (v != author)
			g_free(author);
		g_free(cc);
	}
	g_free(addr);
	g_free(name);
	g_free(label);
	g_free(phrase);
}

/* strip_edits - lists.strip_headers: names, and prefixes ending in '*' */
static void strip_edits(const struct list *list, struct edit *edits, int *n,
			char ***owned)
{
	char  **names = g_strsplit_set(list->strip_headers ? list->strip_headers
				       : "", " \t,", -1);
	for (char **p = names; *p; p++) {
		size_t	len = strlen(*p);

		if (len == 0 || *n >= MAX_EDITS - 1)
			continue;
		if ((*p)[len - 1] == '*') {
			(*p)[len - 1] = 0;
			if (len > 1)
				add_edit(edits, n, *p, EDIT_DROP_PREFIX, NULL);
		} else {
			add_edit(edits, n, *p, EDIT_DROP, NULL);
		}
	}
	/* The names stay alive until the edits are applied. */
	*owned = names;
}

static int plan_edits(const struct headers *hd, const struct list *list,
		      const struct rewrite_options *opt, struct edit *edits,
		      char ***owned)
{
	const char *owner = list->owner;
	const char *request = list->request;
	int	n = 0;
	int	subject = headers_find(hd, "Subject", 0);
	char   *tagged = rewrite_subject(subject >= 0
					 ? hd->fields[subject].raw_value : NULL,
					 list->subject_prefix);

	/* Upstream lists' fields go; ours replace them in place. */
	add_edit(edits, &n, "List-Id", EDIT_SET, list_id(list));
	/* The robot answers help and unsubscribe always, subscribe only
	 * when the list takes subscriptions by mail: otherwise the owner
	 * decides, and the header says so. */
	add_edit(edits, &n, "List-Help", EDIT_SET,
		 url_or_mailto(list->help_url, request, "subject=help"));
	add_edit(edits, &n, "List-Subscribe", EDIT_SET,
		 url_or_mailto(list->subscribe_url,
			       list->subscription == SUBSCRIPTION_CLOSED
			       ? owner : request, "subject=subscribe"));
	add_edit(edits, &n, "List-Unsubscribe", EDIT_SET,
		 url_or_mailto(list->unsubscribe_url, request,
			       "subject=unsubscribe"));
	add_edit(edits, &n, "List-Post", EDIT_SET,
		 url_or_mailto(NULL, list->address, NULL));
	add_edit(edits, &n, "List-Owner", EDIT_SET,
		 url_or_mailto(list->owner_url, owner, NULL));
	if (list->archive_url && *list->archive_url)
		add_edit(edits, &n, "List-Archive", EDIT_SET,
			 url_or_mailto(list->archive_url, NULL, NULL));
	add_edit(edits, &n, "List-", EDIT_DROP_PREFIX, NULL);
	/* pipe(8) flag R wrote the poster's envelope sender there; the copy's
	 * envelope sender is ours, and final delivery adds its own. */
	add_edit(edits, &n, "Return-Path", EDIT_DROP, NULL);
	if (tagged)
		add_edit(edits, &n, "Subject", EDIT_SET, tagged);
	if (opt && opt->from)
		from_edits(hd, list, edits, &n);
	if (strcmp(list->reply_to, "list") == 0)
		add_edit(edits, &n, "Reply-To", EDIT_SET,
			 reply_value(hd, list, list->address));
	else if (strcmp(list->reply_to, "poster") != 0)
		add_edit(edits, &n, "Reply-To", EDIT_SET,
			 reply_value(hd, list, list->reply_to));
	add_edit(edits, &n, "Sender", EDIT_SET,
		 rewrite_header_value(list->bounces));
	add_edit(edits, &n, "Precedence", EDIT_SET, g_strdup("bulk"));
	add_edit(edits, &n, "X-Auto-Response-Suppress", EDIT_SET,
		 g_strdup("OOF"));
	add_edit(edits, &n, "X-Loop", EDIT_ADD,
		 rewrite_header_value(list->address));
	strip_edits(list, edits, &n, owned);
	return n;
}

/*
 * append_field - write one field.  A value that cannot be written safely
 * (a database URL longer than a line may be, say) costs that field and a
 * warning, never the header block; but without X-Loop a copy could loop,
 * so that one is an error.
 */
static int append_field(GString *out, const char *name, const char *value,
			const char *newline, struct status *st)
{
	if (field_append(out, name, value, newline) == 0)
		return 0;
	if (g_ascii_strcasecmp(name, "X-Loop") == 0)
		return status_temp(st, "4.3.0", "listpipe: internal error: "
				   "cannot write X-Loop: %.80s", value);
	log_warn("not adding %s: the value cannot be written as a header "
		 "field: %.60s", name, value);
	return 0;
}

/* kept - note a change not made because a signature covers name */
static void kept(GString *k, const char *name)
{
	char   *padded = g_strdup_printf(" %s ", name);
	char   *hay = g_strdup_printf(" %s ", k->str);
	int	there = strstr(hay, padded) != NULL;

	g_free(padded);
	g_free(hay);
	if (!there)
		g_string_append_printf(k, "%s%s", k->len ? " " : "", name);
}

/* edit_matches - does edit e apply to a field called name? */
static int edit_matches(const struct edit *e, const char *name)
{
	if (e->mode == EDIT_SET || e->mode == EDIT_DROP)
		return g_ascii_strcasecmp(name, e->name) == 0;
	if (e->mode == EDIT_DROP_PREFIX)
		return g_ascii_strncasecmp(name, e->name, strlen(e->name)) == 0;
	return 0;
}

int rewrite_list_copy(const struct headers *hd, const struct list *list,
		      const struct rewrite_options *opt, char **out,
		      size_t *out_len, struct rewrite_report *report,
		      struct status *st)
{
	struct edit edits[MAX_EDITS];
	char  **owned = NULL;
	int	nedits = plan_edits(hd, list, opt, edits, &owned);
	const struct dkim_cover *keep = opt ? opt->keep : NULL;
	GString *block = g_string_sized_new(hd->block_len + 1024);
	GString *k = g_string_new("");
	int	rc = 0;
	int	looped = 0;

	for (int i = 0; i < hd->nfields; i++) {
		const struct header_field *f = &hd->fields[i];
		struct edit *hit = NULL;

		for (int e = 0; e < nedits && hit == NULL; e++)
			if (edit_matches(&edits[e], f->name))
				hit = &edits[e];
		/* A field a signature covers stays exactly as it is. */
		if (hit && dkim_covers(keep, f->name)) {
			kept(k, hit->mode == EDIT_DROP_PREFIX ? f->name
			     : hit->name);
			hit->done = 1;
			hit = NULL;
		}
		if (hit == NULL) {
			g_string_append_len(block, hd->block + f->offset,
					    (gssize)f->length);
			/* The last line may lack a newline; more follows. */
			if (block->str[block->len - 1] != '\n')
				g_string_append(block, hd->newline);
		} else if (hit->mode == EDIT_SET && !hit->done) {
			if (append_field(block, hit->name, hit->value,
					 hd->newline, st) < 0)
				rc = -1;
			hit->done = 1;
		}
	}
	for (int e = 0; e < nedits; e++) {
		struct edit *ed = &edits[e];

		if ((ed->mode == EDIT_SET || ed->mode == EDIT_ADD) && !ed->done) {
			/* Adding a name a signature lists, present or not,
			 * breaks it (absent names are asserted absent). */
			if (dkim_covers(keep, ed->name))
				kept(k, ed->name);
			else if (append_field(block, ed->name, ed->value,
					      hd->newline, st) < 0)
				rc = -1;
			else if (ed->mode == EDIT_ADD
				 && g_ascii_strcasecmp(ed->name, "X-Loop") == 0)
				looped = 1;
		}
		g_free(ed->value);
	}
	g_strfreev(owned);
	if (rc < 0) {
		g_string_free(block, TRUE);
		g_string_free(k, TRUE);
		return -1;
	}
	if (report) {
		report->kept = k->len ? g_strdup(k->str) : NULL;
		report->loop_field = looped;
	}
	g_string_free(k, TRUE);
	*out_len = block->len;
	*out = g_string_free(block, FALSE);
	return 0;
}

/*
 * headers.c - find the header block, parse it with GMime, keep raw bytes.
 *
 * GMime's own serialiser would change bytes (CRLF to LF, dropped lines),
 * so output never goes through it: each field keeps the exact span of the
 * original it came from, and GMime's offsets are checked against our own
 * line scan before they are trusted.
 */
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "common/address.h"
#include "common/log.h"
#include "common/params.h"
#include "mail/field.h"
#include "mail/headers.h"

static GMimeParserOptions *parser_options;

static void parser_warning(gint64 offset, GMimeParserWarning code,
			   const gchar *item, gpointer data)
{
	/* Only dropped header lines matter: our scan should have stopped
	 * the block before any line GMime would not keep. */
	if (code == GMIME_CRIT_INVALID_HEADER_NAME)
		log_warn("header parser dropped a line at offset %lld: %.80s",
			 (long long)offset, item ? item : "");
}

static void glib_log(const gchar *domain, GLogLevelFlags level,
		     const gchar *message, gpointer data)
{
	/* GLib would write to stderr, which is Postfix's status channel. */
	log_warn("%s: %s", domain ? domain : "glib", message);
}

void headers_init(void)
{
	g_log_set_default_handler(glib_log, NULL);
	g_mime_init();
	parser_options = g_mime_parser_options_new();
	g_mime_parser_options_set_warning_callback(parser_options,
						   parser_warning, NULL);
}

void headers_shutdown(void)
{
	if (parser_options)
		g_mime_parser_options_free(parser_options);
	parser_options = NULL;
	g_mime_shutdown();
}

/* is_field_start - "name:" with printable name, blanks allowed before ':' */
static int is_field_start(const char *line, size_t len)
{
	size_t	i = 0;

	while (i < len && line[i] > ' ' && line[i] < 127 && line[i] != ':')
		i++;
	if (i == 0)
		return 0;
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	return i < len && line[i] == ':';
}

/*
 * scan - split the block into fields the way Postfix would; fills
 * hd->block/block_len/body/newline and returns the field count (offsets
 * in starts[], which has room for max entries), or -1 with st.
 */
static int scan(struct headers *hd, const char *head, size_t head_len,
		off_t message_size, size_t *starts, int max, struct status *st)
{
	size_t	pos = 0;
	int	n = 0;
	int	ended = 0;	/* saw what ends the block, not just the buffer */

	hd->block = head;
	while (pos < head_len) {
		const char *line = head + pos;
		const char *eol = memchr(line, '\n', head_len - pos);
		size_t	len = eol ? (size_t)(eol - line) + 1 : head_len - pos;

		/* A line the buffer cuts off is too long a header field only
		 * if it is one: a first body line may be of any length. */
		if (eol == NULL && (off_t)head_len < message_size
		    && (((line[0] == ' ' || line[0] == '\t') && n > 0)
			|| is_field_start(line, len)))
			return status_set(st, OUTCOME_BAD_MESSAGE, "5.6.0",
			    "header block larger than %d KB",
			    SPOOL_HEAD_MAX / 1024);
		if (line[0] == '\n' || (line[0] == '\r' && len >= 2
					&& line[1] == '\n')) {
			ended = 1;			/* the empty line */
			break;
		}
		if ((line[0] == ' ' || line[0] == '\t') && n > 0) {
			pos += len;			/* continuation */
			continue;
		}
		if (!is_field_start(line, len)) {
			ended = 1;			/* body starts here */
			break;
		}
		if (memchr(line, 0, len))
			return status_set(st, OUTCOME_BAD_MESSAGE, "5.6.0",
			    "NUL character in the header block");
		if (n == max)
			return status_set(st, OUTCOME_BAD_MESSAGE, "5.6.0",
			    "more than %d header fields", max);
		if (n == 0)
			hd->newline = len >= 2 && line[len - 2] == '\r'
				      ? "\r\n" : "\n";
		starts[n++] = pos;
		pos += len;
	}
	if (n == 0)
		return status_set(st, OUTCOME_BAD_MESSAGE, "5.6.0",
		    "message has no header block");
	/* The buffer ran out at a line end with more message to come: the
	 * next line might still be a header. */
	if (!ended && (off_t)head_len < message_size)
		return status_set(st, OUTCOME_BAD_MESSAGE, "5.6.0",
		    "header block larger than %d KB", SPOOL_HEAD_MAX / 1024);
	/* A NUL in a continuation line is caught here. */
	if (memchr(hd->block, 0, pos))
		return status_set(st, OUTCOME_BAD_MESSAGE, "5.6.0",
		    "NUL character in the header block");
	hd->block_len = pos;
	hd->body = (off_t)pos;
	return n;
}

int headers_parse(struct headers *hd, const char *head, size_t head_len,
		  off_t message_size, struct status *st)
{
	enum { MAX_FIELDS = 10000 };
	size_t *starts;
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeObject *part;
	GMimeHeaderList *list;
	GByteArray *copy;
	int	n;

	memset(hd, 0, sizeof(*hd));
	starts = g_new(size_t, MAX_FIELDS);
	if ((n = scan(hd, head, head_len, message_size, starts, MAX_FIELDS,
		      st)) < 0) {
		g_free(starts);
		return -1;
	}

	/* GMime gets the block and an empty line, nothing of the body. */
	copy = g_byte_array_sized_new((guint)hd->block_len + 2);
	g_byte_array_append(copy, (const guint8 *)hd->block,
			    (guint)hd->block_len);
	g_byte_array_append(copy, (const guint8 *)hd->newline,
			    (guint)strlen(hd->newline));
	stream = g_mime_stream_mem_new_with_byte_array(copy);
	parser = g_mime_parser_new_with_stream(stream);
	g_object_unref(stream);
	/* construct_part, not construct_message: a GMimeMessage moves the
	 * Content-* fields off its header list. */
	part = g_mime_parser_construct_part(parser, parser_options);
	g_object_unref(parser);
	if (part == NULL) {
		g_free(starts);
		return status_temp(st, "4.3.0",
		    "listpipe: internal error: GMime could not parse the header block");
	}
	hd->parsed = part;
	list = g_mime_object_get_header_list(part);
	if (g_mime_header_list_get_count(list) != n) {
		log_error("header scan found %d fields, GMime %d",
			  n, g_mime_header_list_get_count(list));
		g_free(starts);
		headers_free(hd);
		return status_temp(st, "4.3.0", "listpipe: internal error: "
				   "header fields disagree with the parser");
	}
	hd->fields = g_new0(struct header_field, n);
	for (int i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(list, i);
		size_t	end = i + 1 < n ? starts[i + 1] : hd->block_len;

		if (g_mime_header_get_offset(h) != (gint64)starts[i]) {
			log_error("header %d at %zu, GMime says %lld", i,
				  starts[i], (long long)g_mime_header_get_offset(h));
			g_free(starts);
			headers_free(hd);
			return status_temp(st, "4.3.0", "listpipe: internal "
			    "error: header offsets disagree with the parser");
		}
		hd->fields[i].offset = starts[i];
		hd->fields[i].length = end - starts[i];
		hd->fields[i].name = g_mime_header_get_name(h);
		hd->fields[i].raw_value = g_mime_header_get_raw_value(h);
	}
	hd->nfields = n;
	g_free(starts);
	return 0;
}

int headers_find(const struct headers *hd, const char *name, int from)
{
	for (int i = from < 0 ? 0 : from; i < hd->nfields; i++)
		if (g_ascii_strcasecmp(hd->fields[i].name, name) == 0)
			return i;
	return -1;
}

char *headers_value(const struct headers *hd, int index)
{
	char   *unfolded;
	char   *decoded;

	unfolded = g_mime_utils_header_unfold(hd->fields[index].raw_value);
	decoded = g_mime_utils_header_decode_text(parser_options, unfolded);
	g_free(unfolded);
	g_strstrip(decoded);
	return decoded;
}

/* first_mailbox - depth first through groups */
static InternetAddress *first_mailbox(InternetAddressList *list)
{
	for (int i = 0; list && i < internet_address_list_length(list); i++) {
		InternetAddress *ia = internet_address_list_get_address(list, i);
		InternetAddress *found;

		if (INTERNET_ADDRESS_IS_MAILBOX(ia))
			return ia;
		if (INTERNET_ADDRESS_IS_GROUP(ia)
		    && (found = first_mailbox(internet_address_group_get_members(
				INTERNET_ADDRESS_GROUP(ia)))) != NULL)
			return found;
	}
	return NULL;
}

/* addr_of - a mailbox's addr-spec, or NULL */
static const char *addr_of(InternetAddress *ia)
{
	return ia ? internet_address_mailbox_get_addr(
		INTERNET_ADDRESS_MAILBOX(ia)) : NULL;
}

int headers_from_address(const struct headers *hd, char *out, size_t size)
{
	int	i = headers_find(hd, "From", 0);
	InternetAddressList *list;
	const char *addr;
	const char *why;
	int	rc = -1;

	if (i < 0)
		return -1;
	list = internet_address_list_parse(parser_options,
					   hd->fields[i].raw_value);
	addr = addr_of(first_mailbox(list));
	if (addr && address_check_member(addr, &why) == 0
	    && g_strlcpy(out, addr, size) < size) {
		for (char *p = out; *p; p++)
			*p = g_ascii_tolower(*p);
		rc = 0;
	}
	if (list)
		g_object_unref(list);
	return rc;
}

/* writable_address - an addr-spec listpipe may put between <> in a
 * field it writes: a member-row address without the characters that
 * would end it early */
static int writable_address(const char *addr)
{
	const char *why;

	return addr && address_check_member(addr, &why) == 0
	       && strpbrk(addr, "<>,;:\"()\\[]") == NULL;
}

/* add_mailboxes - depth first through groups, each usable mailbox once
 * (seen: the addresses written, in lower case) */
static void add_mailboxes(InternetAddressList *list, GString *out,
			  GHashTable *seen)
{
	for (int i = 0; list && i < internet_address_list_length(list); i++) {
		InternetAddress *ia = internet_address_list_get_address(list, i);

		if (INTERNET_ADDRESS_IS_GROUP(ia)) {
			add_mailboxes(internet_address_group_get_members(
				INTERNET_ADDRESS_GROUP(ia)), out, seen);
			continue;
		}
		if (!INTERNET_ADDRESS_IS_MAILBOX(ia))
			continue;
		const char *addr = addr_of(ia);
		const char *name = internet_address_get_name(ia);
		char   *key;

		if (!writable_address(addr))
			continue;
		key = g_ascii_strdown(addr, -1);
		if (g_hash_table_contains(seen, key)) {
			g_free(key);
			continue;
		}
		g_hash_table_add(seen, key);
		if (out->len)
			g_string_append(out, ", ");
		if (name && *name) {
			char   *phrase = field_encode_phrase(name);

			g_string_append_printf(out, "%s ", phrase);
			g_free(phrase);
		}
		g_string_append_printf(out, "<%s>", addr);
	}
}

char *headers_mailboxes(const struct headers *hd, const char *name)
{
	GString *out = g_string_new("");
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal,
						 g_free, NULL);

	for (int i = headers_find(hd, name, 0); i >= 0;
	     i = headers_find(hd, name, i + 1)) {
		InternetAddressList *list = internet_address_list_parse(
			parser_options, hd->fields[i].raw_value);

		add_mailboxes(list, out, seen);
		if (list)
			g_object_unref(list);
	}
	g_hash_table_destroy(seen);
	if (out->len == 0) {
		g_string_free(out, TRUE);
		return NULL;
	}
	return g_string_free(out, FALSE);
}

char *headers_author(const struct headers *hd, char **address)
{
	int	i = headers_find(hd, "From", 0);
	InternetAddressList *list;
	InternetAddress *ia;
	char   *name = NULL;

	*address = NULL;
	if (i < 0)
		return NULL;
	list = internet_address_list_parse(parser_options,
					   hd->fields[i].raw_value);
	ia = first_mailbox(list);
	if (writable_address(addr_of(ia))) {
		const char *n = internet_address_get_name(ia);

		*address = g_strdup(addr_of(ia));
		if (n && *n)
			name = g_strdup(n);
	}
	if (list)
		g_object_unref(list);
	return name;
}

int headers_has_loop(const struct headers *hd, const char *list_address)
{
	for (int i = headers_find(hd, "X-Loop", 0); i >= 0;
	     i = headers_find(hd, "X-Loop", i + 1)) {
		char   *v = headers_value(hd, i);
		char   *p = v;
		size_t	len;
		int	same;

		if (*p == '<')
			p++;
		len = strlen(p);
		if (len > 0 && p[len - 1] == '>')
			p[--len] = 0;
		same = g_ascii_strcasecmp(g_strstrip(p), list_address) == 0;
		g_free(v);
		if (same)
			return 1;
	}
	return 0;
}

int headers_raw_has(const char *head, size_t len, const char *name,
		    const char *value)
{
	size_t	nlen = strlen(name);
	size_t	pos = 0;
	GString *v = NULL;	/* the value of a field of that name, unfolded */
	int	found = 0;

	while (pos <= len && !found) {
		const char *line = head + pos;
		const char *eol = pos < len ? memchr(line, '\n', len - pos) : NULL;
		size_t	llen = eol ? (size_t)(eol - line) + 1 : len - pos;
		int	cont = pos < len && (line[0] == ' ' || line[0] == '\t');

		if (v && cont) {		/* the field goes on */
			g_string_append_len(v, line, (gssize)llen);
			pos += llen;
			continue;
		}
		if (v) {			/* the field ended: compare */
			char   *p = v->str;
			size_t	plen;

			while (*p && strchr(" \t\r\n<", *p))
				p++;
			plen = strlen(p);
			while (plen > 0 && strchr(" \t\r\n>", p[plen - 1]))
				plen--;
			found = plen == strlen(value)
				&& g_ascii_strncasecmp(p, value, plen) == 0;
			g_string_free(v, TRUE);
			v = NULL;
		}
		if (pos >= len || line[0] == '\n' || line[0] == '\r'
		    || (!cont && !is_field_start(line, llen)))
			break;			/* the end of the block */
		if (llen > nlen && g_ascii_strncasecmp(line, name, nlen) == 0
		    && line[nlen] == ':')
			v = g_string_new_len(line + nlen + 1,
					     (gssize)(llen - nlen - 1));
		pos += llen;
	}
	if (v)
		g_string_free(v, TRUE);
	return found;
}

void headers_free(struct headers *hd)
{
	if (hd->parsed)
		g_object_unref(hd->parsed);
	g_free(hd->fields);
	memset(hd, 0, sizeof(*hd));
}

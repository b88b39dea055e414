/*
 * field.c - encode, fold and check the header fields listpipe writes.
 *
 * Encoded words are always Q-encoded UTF-8, at most 75 characters
 * (RFC 2047 section 2), split only at character boundaries so that each
 * decodes on its own.  Runs of words that need encoding are encoded
 * together with the blanks between them: blanks between two encoded
 * words vanish on decoding, blanks between a plain word and an encoded
 * one do not.
 */
#include <string.h>

#include "common/text.h"
#include "mail/field.h"

/* "=?UTF-8?Q?" + payload + "?=" stays under 75 characters (RFC 2047)
 * and, after "Subject: ", within FIELD_LINE_WANT. */
#define ENCODED_PAYLOAD	54
/* A plain word longer than this could not be folded onto a line of its
 * own within FIELD_LINE_WANT; it is encoded (and so split) instead. */
#define PLAIN_WORD_MAX	(FIELD_LINE_WANT - 2)

/* clean_utf8 - valid UTF-8 with controls (and DEL) turned into spaces */
static char *clean_utf8(const char *text)
{
	char   *v = g_utf8_make_valid(text ? text : "", -1);

	return text_scrub(v, strlen(v), ' ');
}

/* plain_word - can this word go on the wire as it is? */
static int plain_word(const char *w, size_t len)
{
	if (len > PLAIN_WORD_MAX)
		return 0;
	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)w[i] <= 0x20 || (unsigned char)w[i] >= 0x7f)
			return 0;
		/* A literal "=?" would be read back as an encoded word. */
		if (w[i] == '=' && i + 1 < len && w[i + 1] == '?')
			return 0;
	}
	return 1;
}

/* q_safe - may this byte stand for itself in a Q-encoded word?  The
 * set RFC 2047 section 5 allows in a phrase, so one encoder serves
 * both unstructured text and phrases. */
static int q_safe(unsigned char c)
{
	return g_ascii_isalnum(c) || strchr("!*+-/", c) != NULL;
}

/* q_len - characters one byte takes in a Q-encoded word */
static size_t q_len(unsigned char c)
{
	return c == ' ' || q_safe(c) ? 1 : 3;
}

/*
 * append_encoded - text[0..len) as Q-encoded UTF-8 words separated by a
 * space.  Q, not B: GMime's decoder joins the payloads of adjacent
 * encoded words before decoding them, which garbles B words that end in
 * '=' padding, and a word boundary can only fall between characters.
 */
static void append_encoded(GString *out, const char *text, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t	pos = 0;

	while (pos < len) {
		size_t	end = pos;
		size_t	width = 0;

		/* Whole characters while the payload fits. */
		while (end < len) {
			size_t	clen = 1;
			size_t	w = 0;

			while (end + clen < len
			       && ((unsigned char)text[end + clen] & 0xc0) == 0x80)
				clen++;
			for (size_t k = 0; k < clen; k++)
				w += q_len((unsigned char)text[end + k]);
			if (width + w > ENCODED_PAYLOAD && end > pos)
				break;
			width += w;
			end += clen;
		}
		if (out->len > 0 && out->str[out->len - 1] != ' ')
			g_string_append_c(out, ' ');
		g_string_append(out, "=?UTF-8?Q?");
		for (size_t k = pos; k < end; k++) {
			unsigned char c = (unsigned char)text[k];

			if (c == ' ')
				g_string_append_c(out, '_');
			else if (q_safe(c))
				g_string_append_c(out, (char)c);
			else {
				g_string_append_c(out, '=');
				g_string_append_c(out, hex[c >> 4]);
				g_string_append_c(out, hex[c & 15]);
			}
		}
		g_string_append(out, "?=");
		pos = end;
	}
}

char *field_encode_text(const char *text)
{
	char   *clean = clean_utf8(text);
	GString *out = g_string_new(NULL);
	const char *p = clean;
	const char *run = NULL;		/* start of words that need encoding */
	const char *run_end = NULL;

	for (;;) {
		const char *w, *e;

		while (*p == ' ')
			p++;
		w = p;
		while (*p && *p != ' ')
			p++;
		e = p;
		if (w == e || plain_word(w, (size_t)(e - w))) {
			if (run) {
				append_encoded(out, run, (size_t)(run_end - run));
				run = NULL;
			}
			if (w == e)
				break;
			if (out->len > 0)
				g_string_append_c(out, ' ');
			g_string_append_len(out, w, e - w);
		} else {
			/* One run, blanks included, so that the blanks
			 * between its words survive decoding. */
			if (run == NULL)
				run = w;
			run_end = e;
		}
	}
	g_free(clean);
	return g_string_free(out, FALSE);
}

char *field_encode_phrase(const char *text)
{
	char   *clean = clean_utf8(text);
	GString *out;
	int	ascii = 1;

	g_strstrip(clean);
	for (const char *p = clean; *p; p++)
		if ((unsigned char)*p >= 0x7f)
			ascii = 0;
	/* An encoded word inside a quoted-string is not decoded (RFC 2047
	 * section 5), so a literal "=?" is safe there. */
	if (ascii && strlen(clean) <= FIELD_LINE_MAX / 2) {
		out = g_string_new("\"");
		for (const char *p = clean; *p; p++) {
			if (*p == '"' || *p == '\\')
				g_string_append_c(out, '\\');
			g_string_append_c(out, *p);
		}
		g_string_append_c(out, '"');
	} else {
		out = g_string_new(NULL);
		append_encoded(out, clean, strlen(clean));
	}
	g_free(clean);
	return g_string_free(out, FALSE);
}

int field_check(const char *field, size_t len, const char *newline)
{
	size_t	nl = strlen(newline);
	size_t	pos = 0;
	size_t	i = 0;

	/* The name: printable, no blanks, then a colon. */
	while (i < len && (unsigned char)field[i] > ' '
	       && (unsigned char)field[i] < 0x7f && field[i] != ':')
		i++;
	if (i == 0 || i >= len || field[i] != ':')
		return 0;
	while (pos < len) {
		const char *line = field + pos;
		const char *lf = memchr(line, '\n', len - pos);
		size_t	body;

		if (lf == NULL)
			return 0;			/* no newline at the end */
		body = (size_t)(lf - line) + 1;
		if (body < nl || memcmp(lf + 1 - nl, newline, nl) != 0)
			return 0;			/* mixed newlines */
		if (body - nl > FIELD_LINE_MAX)
			return 0;
		if (pos > 0 && line[0] != ' ' && line[0] != '\t')
			return 0;			/* would start a field */
		if (pos > 0 && body == nl)
			return 0;			/* would end the block */
		for (size_t k = 0; k < body - nl; k++)
			if (line[k] == 0 || line[k] == '\r' || line[k] == '\n')
				return 0;
		pos += body;
	}
	return 1;
}

int field_append(GString *out, const char *name, const char *value,
		 const char *newline)
{
	GString *f;
	size_t	line_start = 0;
	int	words = 0;		/* on the current line */
	const char *p = value;
	int	ok;

	/* Callers clean what they pass; a control character here is a bug
	 * upstream, and it must not reach the wire whatever it is. */
	if (!text_is_clean(value))
		return -1;
	f = g_string_new(name);
	g_string_append_c(f, ':');
	/* Fold at blanks only: encoded words and angle-bracketed URLs are
	 * never split, and each word becomes at most one line of its own. */
	for (;;) {
		const char *w;
		size_t	wlen;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == 0)
			break;
		w = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		wlen = (size_t)(p - w);
		if (words > 0
		    && f->len - line_start + 1 + wlen > FIELD_LINE_WANT) {
			g_string_append(f, newline);
			line_start = f->len;
			words = 0;
		}
		words++;
		g_string_append_c(f, ' ');
		g_string_append_len(f, w, (gssize)wlen);
	}
	g_string_append(f, newline);
	ok = field_check(f->str, f->len, newline);
	if (ok)
		g_string_append_len(out, f->str, (gssize)f->len);
	g_string_free(f, TRUE);
	return ok ? 0 : -1;
}

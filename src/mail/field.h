/*
 * field.h - header fields as listpipe writes them.
 *
 * Every field listpipe adds or replaces goes through here: text is
 * encoded (RFC 2047) and folded by our own code, not GMime's, and the
 * finished field is checked byte by byte before it is appended.  GMime
 * 3.2's encoder lets decoded text that looks like an encoded word
 * through as-is and can then fold a line into column 0, which ends the
 * header block early; whatever produced a value, a field that fails
 * field_check() is never written.
 */
#ifndef LISTPIPE_FIELD_H
#define LISTPIPE_FIELD_H

#include <stddef.h>

#include <glib.h>

/* RFC 5322 2.1.1: a line MUST NOT exceed 998 octets, SHOULD NOT exceed 78. */
#define FIELD_LINE_MAX	998
#define FIELD_LINE_WANT	78

/*
 * field_encode_text - UTF-8 text as an unstructured value (Subject):
 * printable ASCII words stay as they are; every other word, every word
 * that contains "=?" (it would read as an encoded word) and every word
 * too long to fold becomes one or more =?UTF-8?Q?...?= words.  Control
 * characters become spaces, invalid UTF-8 is replaced.  The result is
 * 7-bit, unfolded, words separated by single spaces; g_free() it.
 */
char   *field_encode_text(const char *text);

/*
 * field_encode_phrase - UTF-8 text as a display-name phrase (List-Id):
 * a quoted-string when it is printable ASCII, else encoded words.
 */
char   *field_encode_phrase(const char *text);

/*
 * field_check - is this one well-formed field: "Name:" first, every line
 * ends with newline (LF or CRLF as given), each line after the first
 * starts with a blank, no NUL, no bare CR, no line over FIELD_LINE_MAX.
 */
int	field_check(const char *field, size_t len, const char *newline);

/*
 * field_append - "Name: value", folded at blanks, in the message's own
 * newline, appended to out after field_check().  Returns -1 and leaves
 * out as it was when the value cannot be written safely (a word longer
 * than a line may be, a control character).
 */
int	field_append(GString *out, const char *name, const char *value,
		     const char *newline);

#endif

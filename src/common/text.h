/*
 * text.h - the one control-character scrubber.
 *
 * Text that may end up in a header field, a log line or a status line
 * (a database value, a decoded subject, a reason quoting an address) has
 * its control characters turned into something harmless here, and only
 * here.
 */
#ifndef LISTPIPE_TEXT_H
#define LISTPIPE_TEXT_H

#include <stddef.h>

/* text_is_control - C0 controls and DEL */
#define text_is_control(c) ((unsigned char)(c) < 0x20 || (unsigned char)(c) == 0x7f)

/* text_scrub - replace every control character in s[0..len) with with;
 * returns s */
char   *text_scrub(char *s, size_t len, char with);

/* text_is_clean - no control character at all */
int	text_is_clean(const char *s);

#endif

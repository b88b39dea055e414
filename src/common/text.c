/*
 * text.c - see text.h.
 */
#include "common/text.h"

char *text_scrub(char *s, size_t len, char with)
{
	for (size_t i = 0; i < len; i++)
		if (text_is_control(s[i]))
			s[i] = with;
	return s;
}

int text_is_clean(const char *s)
{
	for (; *s; s++)
		if (text_is_control(*s))
			return 0;
	return 1;
}

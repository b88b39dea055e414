/*
 * address.c - normalise and take apart envelope addresses.
 */
#include <string.h>

#include <glib.h>

#include "common/address.h"
#include "common/text.h"

/*
 * unquote_local - "a..b"@dom becomes a..b@dom, in place.  pipe(8) flag q
 * quotes a local part that is not a plain dot-atom (two dots in a row, a
 * dot at the end, brackets), and the lists table holds them unquoted.  A
 * local part that needs its quotes to be one (a blank, a quote, a
 * backslash, other specials), as no list's address can, keeps them.
 */
static void unquote_local(char *addr)
{
	char   *at = strrchr(addr, '@');
	char   *w = addr;

	if (addr[0] != '"' || at == NULL || at - addr < 2 || at[-1] != '"')
		return;
	for (const char *r = addr + 1; r < at - 1; r++)
		if (strchr(" \t\"\\()<>,;:@/", *r))
			return;
	for (const char *r = addr + 1; r < at - 1; r++)
		*w++ = *r;
	memmove(w, at, strlen(at) + 1);
}

/* trimmed - the span of in without blanks around it and <> */
static size_t trimmed(const char *in, const char **startp)
{
	const char *start = in;
	const char *end = in + strlen(in);

	while (start < end && (*start == ' ' || *start == '\t'))
		start++;
	while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (end - start >= 2 && *start == '<' && end[-1] == '>') {
		start++;
		end--;
	}
	*startp = start;
	return (size_t)(end - start);
}

int address_trim(const char *in, char *out, size_t size)
{
	const char *start;
	size_t	len = trimmed(in, &start);

	if (len >= size)
		return -1;
	memcpy(out, start, len);
	out[len] = 0;
	return 0;
}

int address_normalize(const char *in, char *out, size_t size,
		      const char **why)
{
	const char *start;
	const char *at;
	size_t	len = trimmed(in, &start);

	if (len == 0) {
		*why = "empty address";
		return -2;
	}
	if (len >= size || len >= ADDRESS_MAX) {
		*why = "address too long";
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)start[i];

		if (text_is_control(c)) {
			*why = "control character in address";
			return -1;
		}
		out[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : (char)c;
	}
	out[len] = 0;
	unquote_local(out);
	at = strrchr(out, '@');
	if (at == NULL || at == out || at[1] == 0) {
		*why = "address is not user@domain";
		return -2;
	}
	return 0;
}

const char *address_domain(const char *address)
{
	const char *at = strrchr(address, '@');

	return at ? at + 1 : address + strlen(address);
}

int address_strip_extension(const char *address, char *out, size_t size)
{
	const char *at = strrchr(address, '@');
	const char *delim;
	size_t	local_len;

	if (at == NULL)
		return 0;
	delim = memchr(address, ADDRESS_EXTENSION_DELIMITER,
		       (size_t)(at - address));
	if (delim == NULL || delim == address)
		return 0;
	local_len = (size_t)(delim - address);
	if (local_len + strlen(at) + 1 > size)
		return 0;
	memcpy(out, address, local_len);
	memcpy(out + local_len, at, strlen(at) + 1);
	return 1;
}

int address_check_member(const char *address, const char **why)
{
	const char *at = strchr(address, '@');
	size_t	len = strlen(address);

	if (len > ADDRESS_PATH_MAX) {
		*why = "address too long";
		return -1;
	}
	if (at == NULL || at == address || at[1] == 0
	    || strchr(at + 1, '@') != NULL) {
		*why = "not user@domain";
		return -1;
	}
	if ((size_t)(at - address) > ADDRESS_LOCAL_MAX) {
		*why = "local part too long";
		return -1;
	}
	for (const char *p = address; *p; p++)
		if (*p == ' ' || text_is_control(*p)) {
			*why = "blank or control character";
			return -1;
		}
	return 0;
}

void address_list_add(struct address_list *al, const char *address)
{
	if (al->n == al->cap) {
		al->cap = al->cap ? al->cap * 2 : 16;
		al->v = g_renew(char *, al->v, al->cap);
	}
	al->v[al->n++] = g_strdup(address);
}

void address_list_free(struct address_list *al)
{
	for (size_t i = 0; i < al->n; i++)
		g_free(al->v[i]);
	g_free(al->v);
	al->v = NULL;
	al->n = al->cap = 0;
}

/*
 * verp.c - decode team-bounces+user=host@domain.
 */
#include <string.h>
#include <strings.h>

#include <glib.h>

#include "common/address.h"
#include "mail/verp.h"

/* unquote - "a\"b"@x -> a"b@x; the plain form when it is not quoted.
 * NULL when the quoting is broken. */
static char *unquote(const char *in)
{
	const char *at;
	GString *out;
	const char *p;

	if (in[0] != '"')
		return g_strdup(in);
	out = g_string_new("");
	for (p = in + 1; *p && *p != '"'; p++) {
		if (*p == '\\' && p[1])
			p++;
		g_string_append_c(out, *p);
	}
	at = p;
	if (*at != '"' || at[1] != '@') {
		g_string_free(out, TRUE);
		return NULL;
	}
	g_string_append(out, at + 1);
	return g_string_free(out, FALSE);
}

int verp_decode(const char *recipient, const char *bounces, char *out,
		size_t size, const char **why)
{
	const char *b_at = strrchr(bounces, '@');
	char   *r = unquote(recipient);
	const char *r_at;
	size_t	local_len;
	const char *ext, *eq;
	GString *member = NULL;
	int	rc = -1;

	*why = NULL;
	if (r == NULL || b_at == NULL) {
		*why = "broken quoting";
		goto done;
	}
	r_at = strrchr(r, '@');
	local_len = (size_t)(b_at - bounces);
	if (r_at == NULL || g_ascii_strcasecmp(r_at, b_at) != 0
	    || g_ascii_strncasecmp(r, bounces, local_len) != 0) {
		*why = "not this list's bounce address";
		goto done;
	}
	if (r + local_len == r_at) {
		rc = 0;			/* plain list-bounces@ */
		goto done;
	}
	if (r[local_len] != ADDRESS_EXTENSION_DELIMITER) {
		*why = "not this list's bounce address";
		goto done;
	}
	ext = r + local_len + 1;
	/* The last '=' before the domain: user=host, user may hold '='. */
	eq = NULL;
	for (const char *p = ext; p < r_at; p++)
		if (*p == '=')
			eq = p;
	if (eq == NULL || eq == ext || eq + 1 == r_at) {
		*why = "extension is not user=host";
		goto done;
	}
	member = g_string_new_len(ext, eq - ext);
	g_string_append_c(member, '@');
	g_string_append_len(member, eq + 1, r_at - (eq + 1));
	if (member->len >= size || member->len > ADDRESS_PATH_MAX) {
		*why = "decoded address too long";
		goto done;
	}
	for (char *p = member->str; *p; p++)
		*p = g_ascii_tolower(*p);
	if (address_check_member(member->str, why) < 0)
		goto done;
	memcpy(out, member->str, member->len + 1);
	rc = 1;
done:
	if (member)
		g_string_free(member, TRUE);
	g_free(r);
	return rc;
}

/*
 * token.c - make, read and check tokens (see token.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "common/token.h"

static int kind_has_id(int kind)
{
	return kind == TOKEN_MODERATE || kind == TOKEN_WITHDRAW
	       || kind == TOKEN_ADMIT;
}

static int kind_known(int kind)
{
	return kind == TOKEN_SUBSCRIBE || kind == TOKEN_UNSUBSCRIBE
	       || kind_has_id(kind);
}

/*
 * mac_hex - the truncated MAC in hex.  Every part is length-prefixed so
 * that no two different tuples give the same input ("a" + "bc" versus
 * "ab" + "c"); list and address are folded to lower case, as the
 * database compares them.
 */
static int mac_hex(const char *secret, int kind, const char *list,
		   const char *address, long long id, time_t expires,
		   char out[TOKEN_MAC_HEX + 1])
{
	GHmac  *h;
	char   *l = g_ascii_strdown(list, -1);
	char   *a = g_ascii_strdown(address, -1);
	char   *msg;
	const char *digest;

	if (secret == NULL || strlen(secret) < 32) {
		g_free(l);
		g_free(a);
		return -1;
	}
	msg = g_strdup_printf("listpipe-token-1|%c|%zu:%s|%zu:%s|%lld|%lld",
			      kind, strlen(l), l, strlen(a), a, id,
			      (long long)expires);
	h = g_hmac_new(G_CHECKSUM_SHA256, (const guchar *)secret,
		       strlen(secret));
	g_hmac_update(h, (const guchar *)msg, (gssize)strlen(msg));
	digest = g_hmac_get_string(h);
	memcpy(out, digest, TOKEN_MAC_HEX);
	out[TOKEN_MAC_HEX] = 0;
	g_hmac_unref(h);
	g_free(msg);
	g_free(l);
	g_free(a);
	return 0;
}

int token_make(const char *secret, enum token_kind kind, const char *list,
	       const char *address, long long id, time_t expires, char *out,
	       size_t size)
{
	char	mac[TOKEN_MAC_HEX + 1];
	char	idtext[24] = "";
	int	n;

	if (!kind_known(kind) || expires < 0
	    || mac_hex(secret, kind, list, address, kind_has_id(kind) ? id : 0,
		       expires, mac) < 0)
		return -1;
	if (kind_has_id(kind)
	    && snprintf(idtext, sizeof(idtext), "%lld", id) >= (int)sizeof(idtext))
		return -1;
	n = snprintf(out, size, "%c%s.%llx.%s", kind, idtext,
		     (long long)expires, mac);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

int token_parse(const char *text, struct token *t)
{
	const char *p = text;
	char   *end;
	size_t	i;

	memset(t, 0, sizeof(*t));
	if (strlen(text) >= TOKEN_MAX)
		return -1;
	t->kind = (enum token_kind)g_ascii_tolower(*p++);
	if (!kind_known(t->kind))
		return -1;
	if (kind_has_id(t->kind)) {
		if (!g_ascii_isdigit(*p))
			return -1;
		errno = 0;
		t->id = strtoll(p, &end, 10);
		if (errno || t->id <= 0)
			return -1;
		p = end;
	}
	if (*p++ != '.' || !g_ascii_isxdigit(*p))
		return -1;
	errno = 0;
	t->expires = (time_t)strtoll(p, &end, 16);
	if (errno || t->expires <= 0 || *end != '.' || end - p > 12)
		return -1;
	p = end + 1;
	for (i = 0; i < TOKEN_MAC_HEX; i++) {
		if (!g_ascii_isxdigit(p[i]))
			return -1;
		t->mac[i] = g_ascii_tolower(p[i]);
	}
	t->mac[i] = 0;
	return p[i] == 0 ? 0 : -1;
}

int token_verify(const char *secret, const struct token *t, const char *list,
		 const char *address, time_t now, const char **why)
{
	char	mac[TOKEN_MAC_HEX + 1];
	unsigned diff = 0;

	if (mac_hex(secret, t->kind, list, address, t->id, t->expires, mac) < 0) {
		*why = "no secret in the database";
		return -1;
	}
	/* Constant time: how much of a guess was right must not show. */
	for (size_t i = 0; i < TOKEN_MAC_HEX; i++)
		diff |= (unsigned)(mac[i] ^ t->mac[i]);
	if (diff != 0) {
		*why = "not valid for this list or address";
		return -1;
	}
	if (now > t->expires) {
		*why = "expired";
		return -1;
	}
	return 0;
}

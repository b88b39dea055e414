/*
 * token.h - the tokens that confirm a subscription or carry a moderator's
 * decision by mail.
 *
 *   KIND[ID].EXPIRY.MAC      e.g.  m42.6a3f2c10.5f0c...(32 hex digits)
 *
 * KIND says what the token allows (token_kind), ID names a held post or
 * a subscription request where there is one, EXPIRY is a Unix time in
 * hex, and MAC is HMAC-SHA256, truncated to 128 bits, over the kind, the
 * list, the address concerned, the id and the expiry, keyed by the
 * database's secret (settings 'secret', 256 random bits made when the
 * database is).  Nothing secret is in the token and nothing in it can
 * be changed without the key: a token for another list, another address,
 * another post or a later expiry does not verify.  Single use is the
 * database's business (the tokens table): this module only computes.
 */
#ifndef LISTPIPE_TOKEN_H
#define LISTPIPE_TOKEN_H

#include <stddef.h>
#include <time.h>

/* What a token allows. */
enum token_kind {
	TOKEN_SUBSCRIBE = 's',		/* the address confirms joining */
	TOKEN_UNSUBSCRIBE = 'u',	/* the address confirms leaving */
	TOKEN_MODERATE = 'm',		/* decide on held post ID */
	TOKEN_WITHDRAW = 'w',		/* the poster withdraws held post ID */
	TOKEN_ADMIT = 'a',		/* decide on subscription request ID */
};

/* Long enough for any token, with its NUL. */
#define TOKEN_MAX 72

/* How many hex digits of the MAC a token carries (128 bits). */
#define TOKEN_MAC_HEX 32

struct token {
	enum token_kind kind;
	long long id;			/* 0 for kinds without one */
	time_t	expires;
	char	mac[TOKEN_MAC_HEX + 1];
};

/*
 * token_make - the token for kind on list about address (the
 * subscriber, or the poster for TOKEN_WITHDRAW; "" where the id alone
 * names the thing) into out; -1 if secret is empty or out too small.
 */
int	token_make(const char *secret, enum token_kind kind, const char *list,
		   const char *address, long long id, time_t expires,
		   char *out, size_t size);

/* token_parse - read text (any case) into t; -1 if it is no token */
int	token_parse(const char *text, struct token *t);

/*
 * token_verify - does t belong to kind, list, address (compared without
 * regard to case) and is it still valid at now?  0, or -1 with *why
 * ("not valid for this list or address", "expired").
 */
int	token_verify(const char *secret, const struct token *t,
		     const char *list, const char *address, time_t now,
		     const char **why);

#endif

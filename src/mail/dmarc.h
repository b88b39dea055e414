/*
 * dmarc.h - does the author's domain ask receivers to refuse mail that
 * fails DMARC (RFC 7489 p=quarantine or p=reject)?
 *
 * The list decides from this whether From must become its own
 * (lists.from_rewrite 'dmarc').  The TXT record _dmarc.DOMAIN is read
 * with the system resolver (or a server given to listpipe -R); when the
 * domain has none, the organisational domain's (the public suffix list
 * one label down) and its sp= tag.  A lookup that fails counts as strict:
 * rewriting From for nothing costs less than a post that vanishes.
 */
#ifndef LISTPIPE_DMARC_H
#define LISTPIPE_DMARC_H

#include <stddef.h>

enum dmarc_verdict {
	DMARC_RELAXED,		/* no record, p=none, or no usable one */
	DMARC_STRICT,		/* p=quarantine or p=reject */
	DMARC_UNKNOWN,		/* the lookup failed: treated as strict */
};

struct dmarc_result {
	enum dmarc_verdict verdict;
	char	why[300];	/* "_dmarc.example.com: p=reject", ... */
};

/* One lookup per domain and run (a post to nested lists asks once). */
struct dmarc_cache {
	char	domain[256];
	struct dmarc_result result;
	int	valid;
};

/*
 * dmarc_check - the verdict for domain (the From address's), through
 * cache (may be NULL).  resolver: "ADDR" or "ADDR:PORT" (IPv4) to ask
 * instead of /etc/resolv.conf's servers, or NULL.  Never fails: every
 * problem is a verdict with its reason.
 */
void	dmarc_check(const char *domain, const char *resolver,
		    struct dmarc_cache *cache, struct dmarc_result *r);

/* dmarc_parse_policy - the p= (or, with subdomain, sp= first) of one
 * record: "none", "quarantine", "reject", or NULL when it is no DMARC
 * record or names no valid policy.  Exposed for the unit tests. */
const char *dmarc_parse_policy(const char *record, int subdomain);

#endif

/*
 * dmarc.c - the DMARC policy of a domain, from DNS.
 *
 * res_nquery() with a private resolver state, so that -R (a resolver of
 * the operator's choice, and the tests' DNS server on loopback) changes
 * nothing else in the process.  Timeouts are short and few (2 s, two
 * tries a server): Postfix's pipe(8) command_time_limit and listpipe's
 * own watchdog are far longer, and a lookup that gives up is a verdict
 * (strict), never a deferral.
 */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netinet/in.h>
#include <netdb.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <libpsl.h>

#include "mail/dmarc.h"

/* The answers a lookup can give. */
enum txt_outcome { TXT_FOUND, TXT_NONE, TXT_FAILED };

/* ldh_name - can this be asked of DNS as it is: LDH labels (and '_'),
 * none empty or over 63, 253 in all */
static int ldh_name(const char *name)
{
	size_t	label = 0;

	if (*name == 0 || strlen(name) > 253)
		return 0;
	for (const char *p = name; *p; p++) {
		if (*p == '.') {
			if (label == 0)
				return 0;
			label = 0;
		} else if (g_ascii_isalnum(*p) || *p == '-' || *p == '_') {
			if (++label > 63)
				return 0;
		} else {
			return 0;
		}
	}
	return label > 0;
}

const char *dmarc_parse_policy(const char *record, int subdomain)
{
	char  **tags = g_strsplit(record, ";", -1);
	const char *p = NULL, *sp = NULL, *found = NULL;
	static const char *const names[] = {"none", "quarantine", "reject"};

	for (int i = 0; tags[i]; i++) {
		char   *t = g_strstrip(tags[i]);
		char   *eq = strchr(t, '=');

		if (i == 0) {
			/* RFC 7489 6.4: v=DMARC1 first, exactly. */
			if (eq == NULL)
				goto done;
			*eq = 0;
			if (strcmp(g_strstrip(t), "v") != 0
			    || strcmp(g_strstrip(eq + 1), "DMARC1") != 0)
				goto done;
			continue;
		}
		if (eq == NULL)
			continue;
		*eq = 0;
		g_strstrip(t);
		if (strcmp(t, "p") == 0 && p == NULL)
			p = g_strstrip(eq + 1);
		else if (strcmp(t, "sp") == 0 && sp == NULL)
			sp = g_strstrip(eq + 1);
	}
	for (int round = 0; round < 2 && found == NULL; round++) {
		const char *v = round == 0 ? (subdomain ? sp : NULL) : p;

		for (size_t k = 0; v && k < 3; k++)
			if (g_ascii_strcasecmp(v, names[k]) == 0)
				found = names[k];
	}
done:
	g_strfreev(tags);
	return found;
}

/*
 * query_txt - the TXT records of name that start "v=DMARC1", joined
 * (character-strings concatenated, records counted) into *records.
 */
static enum txt_outcome query_txt(res_state rs, const char *name,
				  GPtrArray *records, char *why, size_t size)
{
	unsigned char answer[8192];
	ns_msg	msg;
	int	len;

	len = res_nquery(rs, name, ns_c_in, ns_t_txt, answer, sizeof(answer));
	if (len < 0) {
		switch (rs->res_h_errno) {
		case HOST_NOT_FOUND:	/* NXDOMAIN */
		case NO_DATA:
			return TXT_NONE;
		default:
			snprintf(why, size, "%s: lookup failed (%s)", name,
				 hstrerror(rs->res_h_errno));
			return TXT_FAILED;
		}
	}
	if (ns_initparse(answer, len, &msg) < 0) {
		snprintf(why, size, "%s: malformed answer", name);
		return TXT_FAILED;
	}
	for (int i = 0; i < ns_msg_count(msg, ns_s_an); i++) {
		ns_rr	rr;
		const unsigned char *p, *end;
		GString *txt;

		if (ns_parserr(&msg, ns_s_an, i, &rr) < 0) {
			snprintf(why, size, "%s: malformed answer", name);
			return TXT_FAILED;
		}
		if (ns_rr_type(rr) != ns_t_txt)
			continue;	/* a CNAME on the way */
		txt = g_string_new("");
		p = ns_rr_rdata(rr);
		end = p + ns_rr_rdlen(rr);
		while (p < end) {
			size_t	n = *p++;

			if (n > (size_t)(end - p))
				n = (size_t)(end - p);
			g_string_append_len(txt, (const char *)p, (gssize)n);
			p += n;
		}
		if (strncmp(txt->str, "v=DMARC1", 8) == 0
		    && strlen(txt->str) == txt->len)
			g_ptr_array_add(records, g_string_free(txt, FALSE));
		else
			g_string_free(txt, TRUE);
	}
	return records->len ? TXT_FOUND : TXT_NONE;
}

/* set_resolver - "ADDR" or "ADDR:PORT" as the only server; 0 or -1 */
static int set_resolver(res_state rs, const char *resolver)
{
	char	host[64];
	const char *colon = strrchr(resolver, ':');
	long	port = 53;
	struct in_addr a;

	if (colon) {
		char   *end;

		port = strtol(colon + 1, &end, 10);
		if (*end || port < 1 || port > 65535
		    || (size_t)(colon - resolver) >= sizeof(host))
			return -1;
		memcpy(host, resolver, (size_t)(colon - resolver));
		host[colon - resolver] = 0;
	} else if (g_strlcpy(host, resolver, sizeof(host)) >= sizeof(host)) {
		return -1;
	}
	if (inet_pton(AF_INET, host, &a) != 1)
		return -1;
	rs->nscount = 1;
	rs->nsaddr_list[0].sin_family = AF_INET;
	rs->nsaddr_list[0].sin_addr = a;
	rs->nsaddr_list[0].sin_port = htons((uint16_t)port);
	return 0;
}

/* lookup - one domain's verdict, uncached */
static void lookup(const char *domain, const char *resolver,
		   struct dmarc_result *r)
{
	struct __res_state rs;
	GPtrArray *records = g_ptr_array_new_with_free_func(g_free);
	char	name[300];
	enum txt_outcome o;
	int	subdomain = 0;

	memset(&rs, 0, sizeof(rs));
	r->verdict = DMARC_UNKNOWN;
	if (!ldh_name(domain)) {
		snprintf(r->why, sizeof(r->why), "author domain %.200s cannot "
			 "be looked up", domain);
		goto out;
	}
	if (res_ninit(&rs) < 0) {
		snprintf(r->why, sizeof(r->why), "resolver: cannot initialise");
		goto out;
	}
	rs.retrans = 2;
	rs.retry = 2;
	if (resolver && set_resolver(&rs, resolver) < 0) {
		snprintf(r->why, sizeof(r->why), "resolver %.100s: not an IPv4 "
			 "ADDR[:PORT]", resolver);
		goto close;
	}
	snprintf(name, sizeof(name), "_dmarc.%s", domain);
	o = query_txt(&rs, name, records, r->why, sizeof(r->why));
	if (o == TXT_NONE) {
		/* RFC 7489 6.6.3: the organisational domain's record. */
		/* Debian's list (package publicsuffix) when it is newer
		 * than the one built in. */
		psl_ctx_t *psl = psl_latest(NULL);
		const char *reg = psl ? psl_registrable_domain(psl, domain)
				  : NULL;

		if (reg && g_ascii_strcasecmp(reg, domain) != 0) {
			subdomain = 1;
			snprintf(name, sizeof(name), "_dmarc.%s", reg);
			o = query_txt(&rs, name, records, r->why,
				      sizeof(r->why));
		}
		psl_free(psl);
	}
	if (o == TXT_FAILED)
		goto close;
	if (o == TXT_NONE) {
		r->verdict = DMARC_RELAXED;
		snprintf(r->why, sizeof(r->why), "_dmarc.%.200s: no DMARC record",
			 domain);
	} else if (records->len > 1) {
		/* RFC 7489 6.6.3: more than one record, no policy. */
		r->verdict = DMARC_RELAXED;
		snprintf(r->why, sizeof(r->why), "%.200s: %u DMARC records, "
			 "none applies", name, records->len);
	} else {
		const char *p = dmarc_parse_policy(records->pdata[0], subdomain);

		r->verdict = p && strcmp(p, "none") != 0 ? DMARC_STRICT
			     : DMARC_RELAXED;
		snprintf(r->why, sizeof(r->why), "%.200s: %s%s", name,
			 subdomain ? "sp/p=" : "p=", p ? p : "(none valid)");
	}
close:
	res_nclose(&rs);
out:
	g_ptr_array_free(records, TRUE);
}

void dmarc_check(const char *domain, const char *resolver,
		 struct dmarc_cache *cache, struct dmarc_result *r)
{
	if (cache && cache->valid
	    && g_ascii_strcasecmp(cache->domain, domain) == 0) {
		*r = cache->result;
		return;
	}
	lookup(domain, resolver, r);
	if (cache && g_strlcpy(cache->domain, domain, sizeof(cache->domain))
		     < sizeof(cache->domain)) {
		cache->result = *r;
		cache->valid = 1;
	}
}

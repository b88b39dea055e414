/*
 * dsn.c - read a stored bounce with GMime and say who failed and why.
 *
 * The MIME walk collects, within fixed bounds, the RFC 3464 status
 * fields, the human-readable text, an ARF feedback report and the
 * returned message's header block; then the most reliable reading wins:
 * ARF, RFC 3464 fields, an Amazon SES notification, an RFC 3834
 * auto-reply, and last the vendors' plain texts (dsn_text.c).  Every
 * report goes through dsn_add, which checks the address, cleans the
 * strings and asks dsn_kind_of, the one place that decides whether a
 * failure may count against a member.
 *
 * Bounds: only the first DSN_READ_MAX bytes of the file are parsed
 * (a substream of the file: GMime keeps leaf parts as substreams, so a
 * huge returned message costs nothing), at most DSN_DEPTH_MAX levels and
 * DSN_PARTS_MAX parts are walked, each kind of text is cut at
 * DSN_SECTION_MAX, and at most DSN_REPORTS_MAX recipients are kept.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gmime/gmime.h>

#include "mail/dsn.h"
#include "mail/dsn_private.h"

/* A bounce nests a few levels (report, returned message, its parts);
 * anything deeper is not a bounce worth reading and costs stack. */
#define DSN_DEPTH_MAX	12
#define DSN_PARTS_MAX	200
/* A DSN field value longer than this is not one anybody wrote. */
#define DSN_FIELD_MAX	2048

const char *const dsn_kind_names[] = {
	[DSN_UNKNOWN] = "unknown",
	[DSN_HARD] = "hard",
	[DSN_SOFT] = "soft",
	[DSN_POLICY] = "policy",
	[DSN_DELAY] = "delay",
	[DSN_AUTOREPLY] = "autoreply",
	[DSN_FEEDBACK] = "feedback",
};

/* ---- strings ---------------------------------------------------------- */

const char *dsn_casestr(const char *s, size_t len, const char *needle)
{
	size_t	n = strlen(needle);

	if (n == 0 || n > len)
		return n == 0 ? s : NULL;
	for (size_t i = 0; i + n <= len; i++)
		if (g_ascii_strncasecmp(s + i, needle, n) == 0)
			return s + i;
	return NULL;
}

/* has_word - needle in s starting a word: "spam" finds "spammer" but
 * not "antispam-ok"; needles of three letters or fewer must be whole
 * words ("spf" but not "spfoo"); never in an address's local part nor
 * a link's path ("filtered@example.jp", ".../reason/#filtered") */
static int has_word(const char *s, const char *needle)
{
	size_t	n = strlen(needle), len = strlen(s);
	const char *p = s;

	while ((p = dsn_casestr(p, len - (size_t)(p - s), needle)) != NULL) {
		int	before = p > s && g_ascii_isalnum(p[-1])
				 && g_ascii_isalnum(needle[0]);
		int	after = n <= 3 && g_ascii_isalnum(p[n]);
		const char *q = p + n;

		/* inside an address ("filtered@example.jp",
		 * "x@spam.example") it is a name, not a word */
		while (*q && (g_ascii_isalnum(*q) || strchr(".-_+", *q)))
			q++;
		if (*q == '@' || (p > s && strchr("@/#?=&", p[-1])))
			before = 1;
		if (!before && !after)
			return 1;
		p++;
	}
	return 0;
}

void dsn_clean(char *dst, size_t size, const char *s, size_t len)
{
	char   *tmp, *valid;
	const char *r;
	size_t	w = 0;
	int	space = 1;	/* drops leading blanks and collapses runs */

	if (size == 0)
		return;
	dst[0] = 0;
	if (s == NULL)
		return;
	/* Only the start of the text can fit; 4 bytes a character at most. */
	if (len > size * 4)
		len = size * 4;
	tmp = g_malloc(len + 1);
	for (size_t i = 0; i < len; i++)
		tmp[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? ' ' : s[i];
	tmp[len] = 0;
	valid = g_utf8_make_valid(tmp, (gssize)len);
	g_free(tmp);
	for (r = valid; *r;) {
		gunichar c = g_utf8_get_char(r);
		const char *next = g_utf8_next_char(r);
		size_t	n = (size_t)(next - r);

		/* C1 controls and the like are as unwelcome as C0 ones. */
		if (c == ' ' || !g_unichar_isprint(c)) {
			if (!space && w + 1 < size) {
				dst[w++] = ' ';
				space = 1;
			}
		} else {
			if (w + n >= size)
				break;
			memcpy(dst + w, r, n);
			w += n;
			space = 0;
		}
		r = next;
	}
	while (w > 0 && dst[w - 1] == ' ')
		w--;
	dst[w] = 0;
	g_free(valid);
}

/* local_char, domain_char - what an address may be made of here: plain
 * ASCII atoms, and UTF-8 for RFC 6531 addresses */
static int local_char(unsigned char c)
{
	return g_ascii_isalnum(c) || c >= 0x80
	       || (c && strchr("!#$%&'*+-/=?^_`{|}~.", c) != NULL);
}

static int domain_char(unsigned char c, int utf8)
{
	return g_ascii_isalnum(c) || (utf8 && c >= 0x80) || c == '-'
	       || c == '.' || c == '_';
}

/* plausible - one '@', something on both sides, labels not empty, the
 * whole valid UTF-8 and short enough */
static int plausible(const char *a, size_t len)
{
	const char *at = memchr(a, '@', len);

	if (at == NULL || at == a || at == a + len - 1
	    || memchr(at + 1, '@', len - (size_t)(at + 1 - a)) != NULL
	    || len >= DSN_ADDRESS_MAX || !g_utf8_validate(a, (gssize)len, NULL))
		return 0;
	if (a[0] == '.' || at[-1] == '.' || at[1] == '.' || a[len - 1] == '.'
	    || at[1] == '-')
		return 0;
	for (const char *p = at + 1; p < a + len - 1; p++)
		if (p[0] == '.' && p[1] == '.')
			return 0;
	return 1;
}

/* find_address - the first plausible address in s; utf8 lets the
 * domain be UTF-8 (a status field's value is the address alone; in
 * running text, CJK right after an address is the next word) */
static int find_address(char *dst, size_t size, const char *s, size_t len,
			int utf8)
{
	size_t	from = 0;

	if (size == 0)
		return -1;
	dst[0] = 0;
	while (from < len) {
		const char *at = memchr(s + from, '@', len - from);
		size_t	a, b, i;

		if (at == NULL)
			return -1;
		i = (size_t)(at - s);
		a = i;
		b = i + 1;
		while (a > 0 && local_char((unsigned char)s[a - 1]))
			a--;
		while (b < len && domain_char((unsigned char)s[b], utf8))
			b++;
		/* A sentence's full stop is not part of the domain. */
		while (b > i + 1 && s[b - 1] == '.')
			b--;
		while (a < i && s[a] == '.')
			a++;
		if (plausible(s + a, b - a) && b - a < size) {
			for (size_t k = 0; k < b - a; k++)
				dst[k] = g_ascii_tolower(s[a + k]);
			dst[b - a] = 0;
			return 0;
		}
		from = i + 1;
	}
	return -1;
}

int dsn_address(char *dst, size_t size, const char *s, size_t len)
{
	return find_address(dst, size, s, len, 1);
}

int dsn_text_address(char *dst, size_t size, const char *s, size_t len)
{
	return find_address(dst, size, s, len, 0);
}

/* code_edge - a character that may stand next to a status code */
static int code_edge(const char *s, size_t len, size_t i)
{
	return i >= len || !(g_ascii_isdigit(s[i]) || s[i] == '.'
			     || g_ascii_isalpha(s[i]))
	       || (s[i] == '.' && (i + 1 >= len || !g_ascii_isdigit(s[i + 1])));
}

int dsn_enhanced_code(const char *s, size_t len, char *code)
{
	for (size_t i = 0; i < len; i++) {
		size_t	j = i, d1, d2;

		if (s[i] != '2' && s[i] != '4' && s[i] != '5')
			continue;
		if (i > 0 && (g_ascii_isdigit(s[i - 1]) || s[i - 1] == '.'
			      || g_ascii_isalpha(s[i - 1])))
			continue;
		if (j + 1 >= len || s[j + 1] != '.')
			continue;
		j += 2;
		for (d1 = 0; j < len && g_ascii_isdigit(s[j]) && d1 < 4; j++)
			d1++;
		if (d1 == 0 || d1 > 3 || j >= len || s[j] != '.')
			continue;
		j++;
		for (d2 = 0; j < len && g_ascii_isdigit(s[j]) && d2 < 4; j++)
			d2++;
		if (d2 == 0 || d2 > 3 || !code_edge(s, len, j))
			continue;
		memcpy(code, s + i, j - i);
		code[j - i] = 0;
		return 0;
	}
	return -1;
}

int dsn_reply_code(const char *s, size_t len)
{
	for (size_t i = 0; i + 3 <= len; i++) {
		if ((s[i] != '4' && s[i] != '5') || !g_ascii_isdigit(s[i + 1])
		    || s[i + 1] > '5' || !g_ascii_isdigit(s[i + 2]))
			continue;
		if (i > 0 && (g_ascii_isalnum(s[i - 1]) || s[i - 1] == '.'
			      || s[i - 1] == '-' || s[i - 1] == '/'
			      || s[i - 1] == '#'))
			continue;
		/* "550 ", "550-", "550." or the end: a reply, not a number
		 * inside something else */
		if (i + 3 < len && s[i + 3] != ' ' && s[i + 3] != '-'
		    && s[i + 3] != '\t' && s[i + 3] != ')' && s[i + 3] != ']'
		    && s[i + 3] != ',')
			continue;
		return s[i] - '0';
	}
	return 0;
}

/* ---- the verdict ------------------------------------------------------ */

/* Words that put the blame on the sender's domain, its reputation or
 * the message rather than on the recipient's address.  A member whose
 * server refuses our list's mail for any of these still has a working
 * address: counting it would unsubscribe the people whose providers are
 * strictest. */
static const char *const policy_words[] = {
	"dmarc", "spf", "dkim", "spam", "blocklist", "blacklist",
	"block list", "black list", "blocked", "rbl", "dnsbl", "spamhaus",
	"barracuda", "spamcop", "reputation", "content rejected", "policy",
	"virus", "malware", "filtered", "too large", "too big", "size exceeds",
	"exceeds the maximum", "message size", "line limit",
	/* the sending server itself refused: its IP, its DNS, its manners */
	"access denied", "not allowed", "forbidden", "ptr record",
	"reverse dns", "rdns", "client ip", "invalid ip",
	"your ip", "messages from", "unauthenticated", "authentication",
	"sender rejected", "sender address rejected", "protocol violation",
	/* the message, not the address, was refused */
	"mail rejected", "rejete", "message rejected", "message was rejected",
	/* our envelope sender, not the member, was refused */
	"sender address", "sender domain", "unroutable sender", "sender verify",
	/* ... or the message's From: header ("<x@y> From: Domain is
	 * invalid", GoDaddy's IB506) */
	"from:", "valid from",
};

/* Words of a full mailbox: the address lives, its owner is just behind
 * on reading mail. */
static const char *const full_words[] = {
	"quota", "mailbox full", "mailbox is full", "over quota",
	"insufficient storage", "mailbox size limit",
};

/* Words of a message that could not get through for a while: the
 * network, the remote server, a queue lifetime.  The address may be
 * fine. */
static const char *const network_words[] = {
	"retry timeout exceeded", "expired", "timed out", "timeout",
	"too long", "all hosts have been failing", "connection refused",
	"connection reset", "network is unreachable", "routing loop",
	"hop count exceeded", "could not be delivered for", "protocol error",
	"not accepting connections", "try again later",
	/* the remote server's own trouble */
	"too many", "service currently unavailable", "transaction failed",
	"internal system error", "system error", "lock failure",
	"not implemented", "improper sequence", "temporarily",
};

/* Words of an address that does not exist (any more): with a bare
 * 5.0.0, the only thing that makes it the address's own failure. */
static const char *const dead_words[] = {
	"user unknown", "unknown user", "no such user", "no such mailbox",
	"no such recipient", "unknown recipient", "recipient unknown",
	"does not exist", "doesn't exist", "not exist", "not found",
	"invalid recipient", "invalid address", "invalid mailbox",
	"not recognized", "not recognised", "unknown address",
	"address unknown", "unrouteable", "unroutable", "host unknown",
	"domain not found", "no mailbox", "mailbox unavailable",
	"mailbox not available", "account", "disabled", "deactivated",
	"no longer", "unknown local part", "addressee unknown",
	"recipientnotfound", "bad destination", "not a valid",
	"invalid user", "unknown or illegal alias",
};

static int mentions(const char *diag, const char *const *words, size_t n)
{
	if (diag == NULL)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (has_word(diag, words[i]))
			return 1;
	/* "rejected due to" followed by a reason that is about the sender */
	{
		const char *p = dsn_casestr(diag, strlen(diag), "rejected due to");

		if (words == policy_words && p
		    && (dsn_casestr(p, strlen(p), "security")
			|| dsn_casestr(p, strlen(p), "content")
			|| dsn_casestr(p, strlen(p), "abuse")))
			return 1;
	}
	return 0;
}

enum dsn_kind dsn_kind_of(const char *action, const char *status,
			  const char *diagnostic)
{
	char	code[16] = "";
	size_t	dlen = diagnostic ? strlen(diagnostic) : 0;
	int	cls = 0, subject = -1, detail = -1;

	if (action && g_ascii_strncasecmp(action, "delayed", 7) == 0)
		return DSN_DELAY;	/* still trying: no verdict yet */
	if (action && (g_ascii_strncasecmp(action, "delivered", 9) == 0
		       || g_ascii_strncasecmp(action, "relayed", 7) == 0
		       || g_ascii_strncasecmp(action, "expanded", 8) == 0))
		return DSN_UNKNOWN;	/* the mail got through */
	/* the status must be a code, not merely contain one */
	if (status == NULL || dsn_enhanced_code(status, strlen(status), code) < 0
	    || code[0] != status[0])
		code[0] = 0;
	/* A generic x.0.0 (and no status at all) says less than the code
	 * the remote server gave in its reply, when there is one. */
	if (code[0] == 0 || strcmp(code + 1, ".0.0") == 0) {
		char	better[16];

		if (diagnostic && dsn_enhanced_code(diagnostic, dlen, better) == 0
		    && (code[0] == 0 || better[0] == code[0]))
			memcpy(code, better, sizeof(code));
	}
	if (code[0]) {
		cls = code[0] - '0';
		subject = atoi(code + 2);
		detail = atoi(strchr(code + 2, '.') + 1);
	} else if (diagnostic) {
		cls = dsn_reply_code(diagnostic, dlen);
	}
	if (cls == 2)
		return DSN_UNKNOWN;
	/* Temporary: Postfix's "failed, 4.4.1" after the queue lifetime is
	 * the network's fault or the server's, not the address's. */
	if (cls == 4)
		return DSN_SOFT;
	if (cls != 5) {
		/* Failed, but nobody said how: never enough to count. */
		return mentions(diagnostic, policy_words, G_N_ELEMENTS(policy_words))
		       ? DSN_POLICY : DSN_UNKNOWN;
	}
	/* 5.7.x security/policy, 5.6.x content, 5.3.4 and 5.2.3 size: the
	 * message or its sender was refused, not the address. */
	if (subject == 7 || subject == 6 || (subject == 3 && detail == 4)
	    || (subject == 2 && detail == 3))
		return DSN_POLICY;
	/* "Status: 5.1.1" over a reply "550 5.7.1 IP blacklisted": the
	 * remote server's own code is the better witness */
	for (const char *p = diagnostic; p && (p = strstr(p, "5.7.")) != NULL; p++)
		if (dsn_enhanced_code(p, strlen(p), code) == 0
		    && strncmp(code, "5.7.", 4) == 0
		    && (p == diagnostic || !g_ascii_isalnum(p[-1])))
			return DSN_POLICY;
	/* Servers say 5.0.0 or 5.1.x for blocklists and DMARC too; the
	 * words are then the only sign that the address is fine. */
	if (mentions(diagnostic, policy_words, G_N_ELEMENTS(policy_words)))
		return DSN_POLICY;
	/* A full mailbox (5.2.2) belongs to a living address; 5.4.7
	 * (delivery time expired) and 5.4.6 (routing loop) say nothing
	 * about the address at all. */
	/* 5.1.7 and 5.1.8: the sender's address is bad, not the member's */
	if (subject == 1 && (detail == 7 || detail == 8))
		return DSN_POLICY;
	if ((subject == 2 && detail == 2)
	    || (subject == 4 && (detail == 7 || detail == 6))
	    /* 5.3.x and 5.5.x are the remote system or the SMTP
	     * conversation going wrong, unless the words say the address
	     * is unknown (qmail's #5.5.0, Sendmail's 5.3.0 "No such user") */
	    || ((subject == 3 || subject == 5)
		&& !mentions(diagnostic, dead_words, G_N_ELEMENTS(dead_words)))
	    || mentions(diagnostic, full_words, G_N_ELEMENTS(full_words))
	    || mentions(diagnostic, network_words, G_N_ELEMENTS(network_words)))
		return DSN_SOFT;
	/* A bare 5.0.0 (or only a reply code, "550 Rejected", "554 :")
	 * with no word of a missing address is a server saying "no" and
	 * nothing else: permanent, but not shown to be the address. */
	if (subject == 0 && detail == 0
	    && !mentions(diagnostic, dead_words, G_N_ELEMENTS(dead_words)))
		return DSN_UNKNOWN;
	return DSN_HARD;
}

/* ---- the reports ------------------------------------------------------ */

int dsn_add(struct dsn *out, const char *recipient, const char *original,
	    const char *action, const char *status, const char *diagnostic,
	    const char *mta)
{
	struct dsn_report r;
	char	code[16];

	memset(&r, 0, sizeof(r));
	if (recipient && *recipient
	    && dsn_address(r.recipient, sizeof(r.recipient), recipient,
			   strlen(recipient)) < 0)
		return -1;
	if (original && *original)
		(void)dsn_address(r.original, sizeof(r.original), original,
				  strlen(original));
	if (action) {
		size_t	n = 0;

		while (action[n] == ' ' || action[n] == '\t')
			action++;
		while (n + 1 < sizeof(r.action) && g_ascii_isalpha(action[n])) {
			r.action[n] = g_ascii_tolower(action[n]);
			n++;
		}
		r.action[n] = 0;
	}
	if (status && dsn_enhanced_code(status, strlen(status), code) == 0)
		memcpy(r.status, code, sizeof(r.status));
	if (diagnostic)
		dsn_clean(r.diagnostic, sizeof(r.diagnostic), diagnostic,
			  strlen(diagnostic));
	if (mta)
		dsn_clean(r.mta, sizeof(r.mta), mta, strlen(mta));
	r.kind = dsn_kind_of(r.action, r.status, r.diagnostic);
	/* The same recipient twice (a text part and the status fields, or a
	 * server that lists it twice): one report, the better informed. */
	for (size_t i = 0; i < out->nreports; i++) {
		struct dsn_report *o = &out->reports[i];

		if (strcmp(o->recipient, r.recipient) != 0)
			continue;
		if (o->status[0] == 0 && r.status[0])
			memcpy(o->status, r.status, sizeof(o->status));
		if (o->action[0] == 0 && r.action[0])
			memcpy(o->action, r.action, sizeof(o->action));
		if (o->diagnostic[0] == 0 && r.diagnostic[0])
			memcpy(o->diagnostic, r.diagnostic, sizeof(o->diagnostic));
		if (o->original[0] == 0 && r.original[0])
			memcpy(o->original, r.original, sizeof(o->original));
		if (o->mta[0] == 0 && r.mta[0])
			memcpy(o->mta, r.mta, sizeof(o->mta));
		if (o->kind != DSN_AUTOREPLY && o->kind != DSN_FEEDBACK)
			o->kind = dsn_kind_of(o->action, o->status,
					      o->diagnostic);
		return 0;
	}
	if (out->nreports >= DSN_REPORTS_MAX)
		return -1;
	out->reports[out->nreports++] = r;
	return 0;
}

/* ---- RFC 3464 fields -------------------------------------------------- */

/* One recipient's group of fields, as read. */
struct group {
	char	final[DSN_ADDRESS_MAX];
	char	original[DSN_ADDRESS_MAX];
	char	actual[DSN_ADDRESS_MAX];	/* X-Actual-Recipient */
	char	action[16];
	char	status[16];
	char	diagnostic[DSN_TEXT_MAX];
	char	mta[DSN_MTA_MAX];
	int	has_final, has_original, has_action, has_status;
};

/* after_type - "rfc822; a@b" -> "a@b", "smtp; 550 ..." -> "550 ...":
 * the address or diagnostic type is a single word before ';' */
static const char *after_type(const char *v)
{
	const char *semi = strchr(v, ';');

	if (semi && semi - v < 24) {
		const char *p;

		for (p = v; p < semi && *p != ' ' && *p != '\t'; p++)
			;
		if (p == semi) {
			for (p = semi + 1; *p == ' ' || *p == '\t'; p++)
				;
			return p;
		}
	}
	return v;
}

static void group_flush(struct dsn *out, struct group *g)
{
	char	status[16] = "";
	const char *rcpt = NULL;
	char	tmp[DSN_ADDRESS_MAX];

	/* Final-Recipient, unless it is no address ("LOCAL; kijitora") or
	 * a source route to an internal host ("@relay:kijitora@server"):
	 * then what Sendmail says it really was, then the original one */
	if (g->has_final && dsn_address(tmp, sizeof(tmp), g->final,
					strlen(g->final)) == 0
	    && !(g->final[0] == '@' && g->has_original && strchr(g->original, '@')))
		rcpt = g->final;
	else if (g->actual[0] && dsn_address(tmp, sizeof(tmp), g->actual,
					     strlen(g->actual)) == 0)
		rcpt = g->actual;
	else if (g->has_original && dsn_address(tmp, sizeof(tmp), g->original,
						strlen(g->original)) == 0)
		rcpt = g->original;
	if (rcpt) {
		memcpy(status, g->status, sizeof(status));
		/* No Status: the code in the reply, else the reply's class */
		if (status[0] == 0
		    && dsn_enhanced_code(g->diagnostic, strlen(g->diagnostic),
					 status) < 0) {
			int	c = dsn_reply_code(g->diagnostic,
						   strlen(g->diagnostic));

			if (c)
				snprintf(status, sizeof(status), "%d.0.0", c);
		}
		(void)dsn_add(out, rcpt, g->original, g->action, status,
			      g->diagnostic, g->mta);
	}
	memset(g, 0, sizeof(*g));
}

/* field_set - one unfolded field of a delivery-status body */
static void field_set(struct dsn *out, struct group *g, const char *name,
		      const char *value)
{
	const char *v = after_type(value);

	if (g_ascii_strcasecmp(name, "Final-Recipient") == 0) {
		if (g->has_final)
			group_flush(out, g);
		g_strlcpy(g->final, v, sizeof(g->final));
		g->has_final = 1;
	} else if (g_ascii_strcasecmp(name, "Original-Recipient") == 0) {
		/* Original-Recipient comes first; after a complete group it
		 * starts the next one */
		if (g->has_original || (g->has_final && (g->has_action
							 || g->has_status)))
			group_flush(out, g);
		g_strlcpy(g->original, v, sizeof(g->original));
		g->has_original = 1;
	} else if (g_ascii_strcasecmp(name, "X-Actual-Recipient") == 0) {
		g_strlcpy(g->actual, v, sizeof(g->actual));
	} else if (g_ascii_strcasecmp(name, "Action") == 0) {
		if (g->has_action && (g->has_final || g->has_original))
			group_flush(out, g);
		g_strlcpy(g->action, v, sizeof(g->action));
		g->has_action = 1;
	} else if (g_ascii_strcasecmp(name, "Status") == 0) {
		char	code[16];

		if (g->has_status && (g->has_final || g->has_original))
			group_flush(out, g);
		if (dsn_enhanced_code(v, strlen(v), code) == 0)
			memcpy(g->status, code, sizeof(g->status));
		g->has_status = 1;
	} else if (g_ascii_strcasecmp(name, "Diagnostic-Code") == 0) {
		dsn_clean(g->diagnostic, sizeof(g->diagnostic), v, strlen(v));
	} else if (g_ascii_strcasecmp(name, "Remote-MTA") == 0) {
		dsn_clean(g->mta, sizeof(g->mta), v, strlen(v));
	} else if (g_ascii_strcasecmp(name, "Reporting-MTA") == 0) {
		if (out->reporting_mta[0] == 0)
			dsn_clean(out->reporting_mta, sizeof(out->reporting_mta),
				  v, strlen(v));
	} else if (g_ascii_strcasecmp(name, "X-Postfix-Sender") == 0) {
		if (out->postfix_sender[0] == 0)
			(void)dsn_address(out->postfix_sender,
					  sizeof(out->postfix_sender), v,
					  strlen(v));
	}
}

/* fields_scan - RFC 3464 per-message and per-recipient groups in s,
 * tolerating what real MTAs do: no blank line between the groups, none
 * between two recipients, fields in any order, CRLF */
static int fields_scan(struct dsn *out, const char *s, size_t len)
{
	struct group g;
	GString *value = g_string_new(NULL);
	char	name[64] = "";
	size_t	before = out->nreports, pos = 0;

	memset(&g, 0, sizeof(g));
	while (pos < len) {
		const char *line = s + pos, *nl = memchr(line, '\n', len - pos);
		size_t	n = nl ? (size_t)(nl - line) : len - pos;
		const char *colon;

		pos += n + (nl != NULL);
		while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == ' '))
			n--;
		if (n > 0 && (line[0] == ' ' || line[0] == '\t') && name[0]) {
			if (value->len + n < DSN_FIELD_MAX)
				g_string_append_len(value, line, (gssize)n);
			continue;
		}
		if (name[0]) {
			field_set(out, &g, name, g_strstrip(value->str));
			name[0] = 0;
		}
		if (n == 0) {
			/* a blank line ends a recipient's group */
			if (g.has_final || g.has_original)
				group_flush(out, &g);
			continue;
		}
		colon = memchr(line, ':', n);
		if (colon && colon > line && (size_t)(colon - line) < sizeof(name)) {
			size_t	k = (size_t)(colon - line);

			memcpy(name, line, k);
			name[k] = 0;
			g_strstrip(name);
			if (name[0] == 0 || strchr(name, ' ') != NULL) {
				name[0] = 0;
				continue;
			}
			g_string_assign(value, "");
			g_string_append_len(value, colon + 1,
					    (gssize)MIN(n - k - 1, DSN_FIELD_MAX));
		}
	}
	if (name[0])
		field_set(out, &g, name, g_strstrip(value->str));
	group_flush(out, &g);
	g_string_free(value, TRUE);
	return (int)(out->nreports - before);
}

/* ---- ARF and auto-replies --------------------------------------------- */

/* arf_scan - one report for each Original-Rcpt-To of the feedback
 * report, else one for the To: of the reported message, else one with
 * no recipient: the complaint is stored, never counted */
static void arf_scan(struct dsn *out, const struct dsn_scan *sc)
{
	const char *s = sc->feedback->str;
	size_t	len = sc->feedback->len;

	out->format = DSN_ARF;
	out->family = "arf";
	for (size_t pos = 0; pos < len && out->nreports < DSN_REPORTS_MAX;) {
		const char *line = s + pos, *nl = memchr(line, '\n', len - pos);
		size_t	n = nl ? (size_t)(nl - line) : len - pos;
		char	a[DSN_ADDRESS_MAX];

		pos += n + (nl != NULL);
		if (n > 17 && g_ascii_strncasecmp(line, "Original-Rcpt-To:", 17) == 0
		    && dsn_address(a, sizeof(a), line + 17, n - 17) == 0)
			(void)dsn_add(out, a, NULL, "", "", "feedback report", NULL);
		else if (n > 14 && g_ascii_strncasecmp(line, "Reporting-MTA:", 14) == 0
			 && out->reporting_mta[0] == 0)
			dsn_clean(out->reporting_mta, sizeof(out->reporting_mta),
				  after_type(line + 14), n - 14
				  - (size_t)(after_type(line + 14) - (line + 14)));
	}
	if (out->nreports == 0 && sc->unsubscribe)
		(void)dsn_add(out, sc->bounce_from, NULL, "", "",
			      "unsubscribe request", NULL);
	if (out->nreports == 0) {
		char	a[DSN_ADDRESS_MAX] = "";
		const char *to = dsn_casestr(sc->original->str, sc->original->len,
					     "\nTo:");

		if (sc->original->len >= 3
		    && g_ascii_strncasecmp(sc->original->str, "To:", 3) == 0)
			to = sc->original->str - 1;
		if (to) {
			const char *end = strchr(to + 4, '\n');

			(void)dsn_address(a, sizeof(a), to + 4,
					  end ? (size_t)(end - to - 4)
					      : strlen(to + 4));
		}
		(void)dsn_add(out, a, NULL, "", "", "feedback report", NULL);
	}
	for (size_t i = 0; i < out->nreports; i++)
		out->reports[i].kind = DSN_FEEDBACK;
}

/* Subjects of vacation messages, in the languages the corpus shows. */
static const char *const autoreply_subjects[] = {
	"auto:", "automatic reply", "auto reply", "auto-reply", "autoreply",
	"autorespon", "auto response", "auto-response", "out of office",
	"out of the office", "vacation", "abwesenheit", "away until",
	"absence", "on leave",
};

/* Signs of a failure notice, which also says auto-replied (RFC 3834
 * tells MTAs to) but is not a vacation message. */
static const char *const bounce_subjects[] = {
	"undeliver", "undelivered", "delivery", "failure", "returned mail",
	"failed", "not delivered", "rejected", "nondeliverable", "returned",
	"error", "bounce", "could not be delivered",
};

static int is_bounce_like(const struct dsn_scan *sc)
{
	const char *from = sc->bounce_from;

	if (sc->failed || sc->fields->len > 0
	    || g_ascii_strncasecmp(from, "mailer-daemon@", 14) == 0
	    || g_ascii_strncasecmp(from, "postmaster@", 11) == 0)
		return 1;
	for (size_t i = 0; sc->subject && i < G_N_ELEMENTS(bounce_subjects); i++)
		if (dsn_casestr(sc->subject, strlen(sc->subject),
				bounce_subjects[i]))
			return 1;
	return 0;
}

static int is_autoreply(const struct dsn_scan *sc)
{
	if (is_bounce_like(sc))
		return 0;
	if (sc->auto_replied)
		return 1;
	for (size_t i = 0; sc->subject && i < G_N_ELEMENTS(autoreply_subjects); i++)
		if (dsn_casestr(sc->subject, strlen(sc->subject),
				autoreply_subjects[i]))
			return 1;
	return 0;
}

/* ---- the MIME walk ---------------------------------------------------- */

/* append_part - the decoded content of a leaf, as far as max allows */
static void append_part(GMimePart *part, GString *into, size_t max)
{
	GMimeDataWrapper *content = g_mime_part_get_content(part);
	GMimeStream *mem;
	GByteArray *bytes;

	if (content == NULL || into->len >= max)
		return;
	mem = g_mime_stream_mem_new();
	if (g_mime_data_wrapper_write_to_stream(content, mem) >= 0) {
		bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
		if (into->len)
			g_string_append(into, "\n\n");
		size_t	from = into->len;

		g_string_append_len(into, (const char *)bytes->data,
				    (gssize)MIN(bytes->len, max - MIN(max, into->len)));
		/* a NUL would end every string search early: a blank */
		for (size_t i = from; i < into->len; i++)
			if (into->str[i] == 0)
				into->str[i] = ' ';
	}
	g_object_unref(mem);
}

/* append_text - a text part in UTF-8 (GMime converts from its charset,
 * or leaves the bytes when it cannot: dsn_clean mends them later) */
static void append_text(GMimeTextPart *part, GString *into, int html)
{
	char   *text;

	if (into->len >= DSN_SECTION_MAX)
		return;
	text = g_mime_text_part_get_text(part);
	if (text == NULL)
		return;
	if (into->len)
		g_string_append_c(into, '\n');
	if (html) {
		/* tags out, one line per block: enough to read an address
		 * and a sentence */
		int	in_tag = 0;

		for (const char *p = text; *p && into->len < DSN_SECTION_MAX; p++) {
			if (*p == '<') {
				in_tag = 1;
				if (g_ascii_strncasecmp(p, "<br", 3) == 0
				    || g_ascii_strncasecmp(p, "<p", 2) == 0
				    || g_ascii_strncasecmp(p, "</p", 3) == 0
				    || g_ascii_strncasecmp(p, "<div", 4) == 0
				    || g_ascii_strncasecmp(p, "<tr", 3) == 0)
					g_string_append_c(into, '\n');
			} else if (*p == '>' && in_tag) {
				in_tag = 0;
			} else if (!in_tag) {
				g_string_append_c(into, *p);
			}
		}
	} else {
		g_string_append_len(into, text,
				    (gssize)MIN(strlen(text),
						DSN_SECTION_MAX - into->len));
	}
	g_free(text);
}

static void walk(GMimeObject *obj, struct dsn_scan *sc, GString *html,
		 int depth, int inside)
{
	GMimeContentType *ct;

	if (obj == NULL || depth > DSN_DEPTH_MAX || ++sc->parts > DSN_PARTS_MAX)
		return;
	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);
		int	n = g_mime_multipart_get_count(mp);

		for (int i = 0; i < n && sc->parts <= DSN_PARTS_MAX; i++)
			walk(g_mime_multipart_get_part(mp, i), sc, html,
			     depth + 1, inside);
		return;
	}
	if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage *m = g_mime_message_part_get_message(
			GMIME_MESSAGE_PART(obj));

		if (m == NULL)
			return;
		if (sc->original->len == 0) {
			char   *h = g_mime_object_get_headers(GMIME_OBJECT(m), NULL);

			if (h)
				g_string_append_len(sc->original, h,
						    (gssize)MIN(strlen(h),
								DSN_SECTION_MAX));
			g_free(h);
		}
		/* A returned message's own parts are the sender's text, not
		 * the bounce's; only status fields in there are read (a
		 * bounce forwarded as an attachment). */
		walk(g_mime_message_get_mime_part(m), sc, html, depth + 1, 1);
		return;
	}
	if (!GMIME_IS_PART(obj))
		return;
	ct = g_mime_object_get_content_type(obj);
	if (g_mime_content_type_is_type(ct, "message", "delivery-status")
	    || g_mime_content_type_is_type(ct, "message", "global-delivery-status"))
		append_part(GMIME_PART(obj), inside ? sc->inner_fields
				: sc->fields, DSN_SECTION_MAX);
	else if (g_mime_content_type_is_type(ct, "message", "feedback-report"))
		append_part(GMIME_PART(obj), sc->feedback, DSN_SECTION_MAX);
	else if (g_mime_content_type_is_type(ct, "text", "rfc822-headers")
		 || g_mime_content_type_is_type(ct, "message", "rfc822-headers")
		 || g_mime_content_type_is_type(ct, "message", "rfc822")
		 || g_mime_content_type_is_type(ct, "message", "global-headers")) {
		if (sc->original->len == 0)
			append_part(GMIME_PART(obj), sc->original,
				    DSN_SECTION_MAX);
	} else if (!inside && GMIME_IS_TEXT_PART(obj)
		   && g_mime_content_type_is_type(ct, "text", "plain"))
		append_text(GMIME_TEXT_PART(obj), sc->text, 0);
	else if (!inside && GMIME_IS_TEXT_PART(obj)
		 && g_mime_content_type_is_type(ct, "text", "html"))
		append_text(GMIME_TEXT_PART(obj), html, 1);
}

/* header_address - the first plausible address in a header of the
 * bounce itself, or "" */
static void header_address(GMimeObject *msg, const char *name, char *dst,
			   size_t size)
{
	const char *v = g_mime_object_get_header(msg, name);

	dst[0] = 0;
	if (v)
		(void)dsn_address(dst, size, v, strlen(v));
}

static void scan_message(GMimeMessage *msg, struct dsn_scan *sc)
{
	GMimeObject *top = GMIME_OBJECT(msg);
	GMimeObject *body = g_mime_message_get_mime_part(msg);
	const char *v;
	GString *html = g_string_new(NULL);

	header_address(top, "From", sc->bounce_from, sizeof(sc->bounce_from));
	header_address(top, "To", sc->bounce_to, sizeof(sc->bounce_to));
	if ((v = g_mime_message_get_subject(msg)) != NULL)
		sc->subject = g_strndup(v, 1024);
	if ((v = g_mime_object_get_header(top, "X-Failed-Recipients")) != NULL)
		sc->failed = g_strndup(v, DSN_FIELD_MAX);
	/* RFC 3834, and the fields vacation programs used before it */
	if (((v = g_mime_object_get_header(top, "Auto-Submitted")) != NULL
	     && dsn_casestr(v, strlen(v), "auto-replied"))
	    || g_mime_object_get_header(top, "X-Autoreply")
	    || g_mime_object_get_header(top, "X-Autorespond")
	    || g_mime_object_get_header(top, "X-Autoresponder"))
		sc->auto_replied = 1;
	/* Apple Mail's "unsubscribe" button answers with an auto-reply
	 * that is a complaint in all but name: the member wants out. */
	if ((v = g_mime_object_get_header(top, "X-Apple-Unsubscribe")) != NULL
	    && g_ascii_strncasecmp(v, "true", 4) == 0)
		sc->unsubscribe = sc->report_feedback = 1;
	/* Hotmail's complaint loop (JMRP) is no ARF: the complained-of
	 * message attached to "complaint about message from <ip>". */
	if (sc->subject && dsn_casestr(sc->subject, strlen(sc->subject),
				       "complaint about message from"))
		sc->report_feedback = 1;
	if (body && GMIME_IS_MULTIPART(body)) {
		GMimeContentType *ct = g_mime_object_get_content_type(body);

		if (g_mime_content_type_is_type(ct, "multipart", "report")) {
			const char *rt = g_mime_content_type_get_parameter(
				ct, "report-type");

			sc->multipart_report = 1;
			if (rt && g_ascii_strcasecmp(rt, "feedback-report") == 0)
				sc->report_feedback = 1;
		}
	}
	walk(body, sc, html, 0, 0);
	/* HTML only when the bounce has no plain text to read */
	if (sc->text->len == 0)
		g_string_append_len(sc->text, html->str, (gssize)html->len);
	g_string_free(html, TRUE);
}

/* text_has_fields - a text part that carries DSN fields itself (vendors
 * that put them in the human-readable part, or in a one-part message) */
static int text_has_fields(const GString *t)
{
	const char *s = t->str;

	return (dsn_casestr(s, t->len, "\nFinal-Recipient:")
		|| dsn_casestr(s, t->len, "\nOriginal-Recipient:")
		|| g_ascii_strncasecmp(s, "Final-Recipient:", 16) == 0)
	       && (dsn_casestr(s, t->len, "\nAction:")
		   || dsn_casestr(s, t->len, "\nStatus:"));
}

static const char *fields_family(const struct dsn *out,
				 const struct dsn_scan *sc)
{
	if (out->postfix_sender[0]
	    || dsn_casestr(sc->text->str, sc->text->len, "Postfix"))
		return "postfix";
	if (dsn_casestr(sc->fields->str, sc->fields->len, "X-Actual-Recipient")
	    || dsn_casestr(sc->text->str, sc->text->len,
			   "Transcript of session follows"))
		return "sendmail";
	return "rfc3464";
}

/* raw_text - the file's own bytes after the header block, for when the
 * MIME structure is too broken for GMime to find any part in it (an
 * unfolded boundary parameter, say): reading them as text is what a
 * person would do */
static void raw_text(int fd, GString *into)
{
	char   *buf = g_malloc(DSN_SECTION_MAX);
	ssize_t n = pread(fd, buf, DSN_SECTION_MAX, 0);
	const char *body = NULL;

	if (n > 0) {
		body = dsn_casestr(buf, (size_t)n, "\n\n");
		if (body == NULL)
			body = dsn_casestr(buf, (size_t)n, "\r\n\r\n");
	}
	if (body) {
		size_t	from = into->len;

		g_string_append_len(into, body, (gssize)(n - (body - buf)));
		for (size_t i = from; i < into->len; i++)
			if (into->str[i] == 0)
				into->str[i] = ' ';
	}
	g_free(buf);
}

static void analyse(GMimeMessage *msg, int fd, struct dsn *out)
{
	struct dsn_scan sc;

	memset(&sc, 0, sizeof(sc));
	sc.fields = g_string_new(NULL);
	sc.inner_fields = g_string_new(NULL);
	sc.text = g_string_new(NULL);
	sc.feedback = g_string_new(NULL);
	sc.original = g_string_new(NULL);
	scan_message(msg, &sc);
	if (sc.text->len == 0 && sc.fields->len == 0 && sc.feedback->len == 0
	    && sc.inner_fields->len == 0)
		raw_text(fd, sc.text);

	if (sc.feedback->len > 0 || sc.report_feedback) {
		arf_scan(out, &sc);
	} else if ((sc.fields->len > 0
		    && fields_scan(out, sc.fields->str, sc.fields->len) > 0)
		   || (text_has_fields(sc.text)
		       && fields_scan(out, sc.text->str, sc.text->len) > 0)
		   /* a bounce forwarded as an attachment, the bounce's own
		    * report first: an attached one may be anybody's */
		   || (sc.inner_fields->len > 0
		       && fields_scan(out, sc.inner_fields->str,
				      sc.inner_fields->len) > 0)) {
		out->format = DSN_RFC3464;
		out->family = fields_family(out, &sc);
	} else if (dsn_json_scan(out, &sc) > 0) {
		if (out->format == DSN_NONE)	/* a complaint is ARF already */
			out->format = DSN_TEXT;
	} else if (is_autoreply(&sc)) {
		out->format = DSN_AUTOREPLY_MSG;
		out->family = "rfc3834";
		(void)dsn_add(out, sc.bounce_from, NULL, "", "", sc.subject, NULL);
		if (out->nreports == 0)
			(void)dsn_add(out, "", NULL, "", "", sc.subject, NULL);
		for (size_t i = 0; i < out->nreports; i++)
			out->reports[i].kind = DSN_AUTOREPLY;
	} else if (dsn_text_scan(out, &sc) > 0) {
		out->format = DSN_TEXT;
	}
	if (out->format == DSN_NONE) {
		out->nreports = 0;
		out->family = "none";
	}
	g_string_free(sc.fields, TRUE);
	g_string_free(sc.inner_fields, TRUE);
	g_string_free(sc.text, TRUE);
	g_string_free(sc.feedback, TRUE);
	g_string_free(sc.original, TRUE);
	g_free(sc.subject);
	g_free(sc.failed);
}

int dsn_analyse(int fd, struct dsn *out, struct status *st)
{
	struct stat sb;
	GMimeStream *file, *head;
	GMimeParser *parser;
	GMimeMessage *msg;
	char	probe;
	gint64	end;

	memset(out, 0, sizeof(*out));
	out->family = "none";
	if (fstat(fd, &sb) < 0)
		return status_temp(st, errno_dsn(errno), "bounce: fstat: %s",
				   strerror(errno));
	if (!S_ISREG(sb.st_mode))
		return status_temp(st, "4.3.0", "bounce: not a regular file");
	if (sb.st_size == 0)
		return 0;
	/* Fail on an unreadable file here, where an error is an error: the
	 * parser would take it for the end of the message. */
	if (pread(fd, &probe, 1, 0) < 0)
		return status_temp(st, errno_dsn(errno), "bounce: read: %s",
				   strerror(errno));
	end = sb.st_size < DSN_READ_MAX ? (gint64)sb.st_size : DSN_READ_MAX;
	file = g_mime_stream_fs_new(fd);
	g_mime_stream_fs_set_owner(GMIME_STREAM_FS(file), FALSE);
	head = g_mime_stream_substream(file, 0, end);
	g_object_unref(file);
	parser = g_mime_parser_new_with_stream(head);
	g_object_unref(head);
	/* Leaves stay substreams of the file: memory does not grow with
	 * the returned message. */
	g_mime_parser_set_persist_stream(parser, TRUE);
	msg = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	if (msg == NULL)
		return 0;
	analyse(msg, fd, out);
	g_object_unref(msg);
	return 0;
}

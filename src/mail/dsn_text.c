/*
 * dsn_text.c - bounces without RFC 3464 fields: the plain texts of
 * qmail, Exim, old Sendmail, Exchange, Gmail, Yahoo, OpenSMTPD and the
 * rest, and Amazon SES's JSON notifications.
 *
 * One reading for all vendors rather than one parser each: the text
 * before the returned message (the "explanation") names the failed
 * addresses at the start of a line ("<a@b>:", "a@b", "<a@b>... User
 * unknown", "a@b: 550 ..."), with the server's reply on the same line or
 * the lines under it.  Exim's X-Failed-Recipients beats all of that;
 * failing everything else, an address the explanation mentions in a
 * sentence, and last the single To: of the returned message.  The status
 * is the enhanced code given, else the reply code's class, else the
 * words ("permanent error"): never invented when the text says nothing.
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "mail/dsn.h"
#include "mail/dsn_private.h"

#define DSN_BLOCK_LINES	8	/* lines under an address that explain it */

/* A found address and where the text talks about it. */
struct candidate {
	char	addr[DSN_ADDRESS_MAX];
	size_t	line;		/* offset of its line in the text, or -1 */
	size_t	after;		/* offset just after the address */
};

#define NO_LINE ((size_t)-1)

/* Lines that begin the returned message or announce it. */
static const char *const copy_markers[] = {
	"this is a copy of the message", "below this line is a copy",
	"original message follows", "unsent message follows",
	"copy of the original message", "original message header",
	"returned message follows", "message headers follow",
	"the header of the original", "headers of the original",
	"original message -", "original message =",
	"this is the original message", "original mail follows",
};

static size_t line_len(const char *s, size_t len, size_t pos)
{
	const char *nl = memchr(s + pos, '\n', len - pos);

	return nl ? (size_t)(nl - (s + pos)) : len - pos;
}

static int is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

/* explanation_end - where the returned message begins in the text: a
 * marker line, or the first Received:/Return-Path: at the start of a
 * line */
static size_t explanation_end(const char *s, size_t len)
{
	for (size_t pos = 0; pos < len;) {
		size_t	n = line_len(s, len, pos);
		const char *l = s + pos;

		for (size_t i = 0; i < G_N_ELEMENTS(copy_markers); i++)
			if (dsn_casestr(l, n, copy_markers[i]))
				return pos;
		/* "----- Original message -----" and its cousins */
		if (n > 2 && (l[0] == '-' || l[0] == '=' || l[0] == '_'
			      || (l[0] == ' ' && n > 4))
		    && (dsn_casestr(l, n, "original message")
			|| dsn_casestr(l, n, "returned message")))
			return pos;
		if ((n > 9 && g_ascii_strncasecmp(l, "Received:", 9) == 0)
		    || (n > 12 && g_ascii_strncasecmp(l, "Return-Path:", 12) == 0))
			return pos;
		pos += n + 1;
	}
	return len;
}

/* ignored - addresses that are never the failed recipient: the bounce's
 * own sender and addressee (that is us), and the daemons */
static int ignored(const struct dsn_scan *sc, const char *a)
{
	return strcmp(a, sc->bounce_to) == 0 || strcmp(a, sc->bounce_from) == 0
	       || g_ascii_strncasecmp(a, "mailer-daemon@", 14) == 0;
}

/* line_start_address - "<a@b>:", "a@b", "  \"a@b\"... reason": an
 * address that opens the line; the offset after it, or 0.  *strong is
 * set for the forms that can only name a recipient ("<a@b>:" of qmail
 * and Postfix, "a@b... reason" of Sendmail). */
static size_t line_start_address(const char *l, size_t n, char *addr,
				 int *strong)
{
	size_t	i = 0, j, k;
	char	tmp[DSN_ADDRESS_MAX];

	int	coded = 0;

	/* Sendmail's transcript: "550 <a@b>... User unknown" */
	if (n > 4 && (l[0] == '4' || l[0] == '5') && g_ascii_isdigit(l[1])
	    && g_ascii_isdigit(l[2]) && l[3] == ' ') {
		i = 4;
		coded = 1;
	}
	while (i < n && i < 16 && strchr(" \t*-<\"'(>#", l[i]) != NULL
	       && !(l[i] == '-' && i + 1 < n && l[i + 1] == '-'))
		i++;
	for (j = i; j < n && !strchr(" \t<>\"'),;", l[j]); j++)
		;
	/* "a@b:" and "a@b..." end the address with punctuation */
	while (j > i && (l[j - 1] == ':' || l[j - 1] == '.'))
		j--;
	if (j == i || memchr(l + i, '@', j - i) == NULL
	    || dsn_text_address(tmp, sizeof(tmp), l + i, j - i) < 0
	    || strlen(tmp) != j - i)
		return 0;
	memcpy(addr, tmp, sizeof(tmp));
	k = j;
	while (k < n && (l[k] == '>' || l[k] == '"'))
		k++;
	*strong = (!coded && k < n && l[k] == ':')
		  || (k + 2 < n && l[k] == '.' && l[k + 1] == '.' && l[k + 2] == '.');
	return coded && !*strong ? 0 : j;
}

/* sent_by - the line before ends "sent by" or "from": the address that
 * opens this line is the sender's, as in Exim's "A message sent by\n
 * <a@b>\ncould not be delivered" */
static int sent_by(const char *s, size_t line)
{
	size_t	e = line, b;

	while (e > 0 && (s[e - 1] == '\n' || s[e - 1] == ' ' || s[e - 1] == '\r'
			 || s[e - 1] == ':'))
		e--;
	b = e >= 8 ? e - 8 : 0;
	return dsn_casestr(s + b, e - b, "sent by") != NULL
	       || (e >= 4 && g_ascii_strncasecmp(s + e - 4, "from", 4) == 0);
}

static int add_candidate(struct candidate *c, int *n, const char *addr,
			 size_t line, size_t after)
{
	for (int i = 0; i < *n; i++)
		if (strcmp(c[i].addr, addr) == 0) {
			if (c[i].line == NO_LINE && line != NO_LINE) {
				c[i].line = line;
				c[i].after = after;
			}
			return 0;
		}
	if (*n >= DSN_REPORTS_MAX)
		return -1;
	g_strlcpy(c[*n].addr, addr, sizeof(c[*n].addr));
	c[*n].line = line;
	c[*n].after = after;
	(*n)++;
	return 0;
}

/* line_has_code - an enhanced or SMTP reply code on the line */
static int line_has_code(const char *l, size_t n)
{
	char	code[16];

	return (dsn_enhanced_code(l, n, code) == 0 && code[0] != '2')
	       || dsn_reply_code(l, n) != 0;
}

/* Words that the message is a warning and delivery goes on. */
static const char *const delay_words[] = {
	"will continue trying", "will keep trying", "still trying",
	"will retry", "will be retried", "not yet been delivered",
	"has been delayed", "is delayed", "delivery delayed",
	"(delay)", "will try again", "retry again later",
};

static int any_of(const char *s, size_t len, const char *const *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (dsn_casestr(s, len, w[i]))
			return 1;
	return 0;
}

/* explain - the diagnostic and status for one candidate: its line and
 * the lines under it, else the explanation's first line with a code */
static void explain(const char *s, size_t end, const struct candidate *c,
		    int ncand, char *diag, size_t dsize, char *status)
{
	const char *best = NULL, *first = NULL;
	size_t	best_n = 0, first_n = 0;
	int	first_line0 = 0;
	char	code[16];

	status[0] = 0;
	diag[0] = 0;
	if (c->line != NO_LINE) {
		size_t	pos = c->after, lines = 0;
		size_t	own = line_len(s, end, c->line);

		/* "550 <a@b>... User unknown", "a@b: 550 5.1.1 ...": the
		 * address's own line says it all */
		if (line_has_code(s + c->line, own)) {
			best = s + c->line;
			best_n = own;
		}

		while (pos < end && lines < DSN_BLOCK_LINES) {
			size_t	n = line_len(s, end, pos);
			const char *l = s + pos;
			char	other[DSN_ADDRESS_MAX];
			int	strong;

			if (lines > 0 && (is_blank(l, n)
					  || line_start_address(l, n, other, &strong)))
				break;
			/* the rest of the address's own line, minus "...",
			 * ":" and ">" */
			while (lines == 0 && n > 0 && strchr(" \t:.>\"", *l)) {
				l++;
				n--;
			}
			if (!is_blank(l, n)) {
				/* the reason under the address beats what
				 * follows it on its line ("a@b on <date>") */
				if (first == NULL || (lines > 0 && first_line0)) {
					first = l;
					first_n = n;
					first_line0 = lines == 0 && n > 3
						      && g_ascii_strncasecmp(l, "on ", 3) == 0;
				}
				if (status[0] == 0
				    && dsn_enhanced_code(l, n, code) == 0
				    && code[0] != '2')
					memcpy(status, code, 16);
				if (best == NULL && line_has_code(l, n)) {
					best = l;
					best_n = n;
				}
			}
			pos += n + (size_t)(l - (s + pos)) + 1;
			lines++;
		}
	}
	if (best == NULL) {
		/* A line elsewhere that names this recipient with a code,
		 * or with one recipient only, any line with a code. */
		for (size_t pos = 0; pos < end;) {
			size_t	n = line_len(s, end, pos);
			const char *l = s + pos;

			if (line_has_code(l, n)
			    && (ncand == 1 || dsn_casestr(l, n, c->addr))) {
				best = l;
				best_n = n;
				break;
			}
			pos += n + 1;
		}
	}
	if (best) {
		dsn_clean(diag, dsize, best, best_n);
		if (status[0] == 0 && dsn_enhanced_code(best, best_n, code) == 0
		    && code[0] != '2')
			memcpy(status, code, 16);
	} else if (first) {
		dsn_clean(diag, dsize, first, first_n);
	} else if (ncand == 1) {
		/* Exim ends its explanation with the reason: "mailbox is
		 * full: retry timeout exceeded" */
		size_t	e = end;

		while (e > 0) {
			size_t	b = e - 1;

			while (b > 0 && s[b - 1] != '\n')
				b--;
			if (!is_blank(s + b, e - 1 - b + (s[e - 1] != '\n'))) {
				dsn_clean(diag, dsize, s + b, e - b);
				break;
			}
			e = b;
		}
	}
	if (status[0] == 0 && diag[0]) {
		int	cls = dsn_reply_code(diag, strlen(diag));

		if (cls)
			snprintf(status, 16, "%d.0.0", cls);
	}
}

static const char *text_family(const struct dsn_scan *sc, const char *s,
			       size_t len)
{
	if (dsn_casestr(s, len, "qmail"))
		return "qmail";
	if (sc->failed || dsn_casestr(s, len, "mail delivery software"))
		return "exim";
	if (dsn_casestr(s, len, "Transcript of session")
	    || dsn_casestr(s, len, "permanent fatal error"))
		return "sendmail";
	if (dsn_casestr(s, len, "Google tried")
	    || dsn_casestr(s, len, "Delivery to the following recipient"))
		return "gmail";
	if (dsn_casestr(sc->bounce_from, strlen(sc->bounce_from), "yahoo"))
		return "yahoo";
	if (dsn_casestr(s, len, "did not reach the following recipient"))
		return "exchange";
	if (dsn_casestr(s, len, "please DO NOT REPLY to this e-mail"))
		return "opensmtpd";
	return "text";
}

/* original_to - the one address of the returned message's To:, from
 * the attached header block or the inline copy after the explanation */
static int original_to(const struct dsn_scan *sc, const char *rest,
		       size_t rest_len, char *addr)
{
	const GString *o = sc->original;
	const char *s = o->len ? o->str : rest;
	size_t	len = o->len ? o->len : rest_len;

	for (size_t pos = 0; pos < len;) {
		size_t	n = line_len(s, len, pos);
		const char *l = s + pos;

		if (n == 0 && pos > 0 && o->len)
			break;	/* the end of the attached header block */
		if (n > 3 && g_ascii_strncasecmp(l, "To:", 3) == 0) {
			GString *v = g_string_new_len(l + 3, (gssize)(n - 3));
			int	ats = 0, rc;

			/* folded continuation lines belong to it */
			for (pos += n + 1; pos < len && (s[pos] == ' '
							  || s[pos] == '\t');) {
				size_t	m = line_len(s, len, pos);

				g_string_append_len(v, s + pos, (gssize)m);
				pos += m + 1;
			}
			for (size_t i = 0; i < v->len; i++)
				ats += v->str[i] == '@';
			rc = ats == 1 ? dsn_text_address(addr, DSN_ADDRESS_MAX, v->str,
						   v->len) : -1;
			g_string_free(v, TRUE);
			return rc;
		}
		pos += n + 1;
	}
	return -1;
}

int dsn_text_scan(struct dsn *out, const struct dsn_scan *sc)
{
	const char *s = sc->text->str;
	size_t	len = sc->text->len, end = explanation_end(s, len);
	struct candidate *c = g_new0(struct candidate, DSN_REPORTS_MAX);
	int	n = 0, delayed, added = 0;
	char	addr[DSN_ADDRESS_MAX];

	/* Addresses opening a line: where the text for each lives.  The
	 * bounce's own addressee only in the forms that cannot be anything
	 * but a failed recipient (a message one sent oneself). */
	for (size_t pos = 0; pos < end;) {
		size_t	k = line_len(s, end, pos), after;
		int	strong;

		if ((after = line_start_address(s + pos, k, addr, &strong)) > 0
		    && (strong || !ignored(sc, addr))
		    && strcmp(addr, sc->bounce_from) != 0
		    && g_ascii_strncasecmp(addr, "mailer-daemon@", 14) != 0
		    && !sent_by(s, pos))
			(void)add_candidate(c, &n, addr, pos, pos + after);
		pos += k + 1;
	}
	/* Exim's X-Failed-Recipients: when the text names some of them,
	 * the others it names are not failures (the sender, an alias it
	 * was generated from); when it names none, the field alone */
	if (sc->failed) {
		struct candidate *f = g_new0(struct candidate, DSN_REPORTS_MAX);
		int	nf = 0, common = 0;

		for (const char *p = sc->failed; *p;) {
			size_t	k = strcspn(p, ",");

			if (dsn_text_address(addr, sizeof(addr), p, k) == 0)
				(void)add_candidate(f, &nf, addr, NO_LINE, 0);
			p += k + (p[k] == ',');
		}
		for (int i = 0; i < n; i++)
			for (int k = 0; k < nf; k++)
				common += strcmp(c[i].addr, f[k].addr) == 0;
		if (common > 0) {
			int	w = 0;

			for (int i = 0; i < n; i++) {
				int	listed = 0;

				for (int k = 0; k < nf; k++)
					listed |= strcmp(c[i].addr, f[k].addr) == 0;
				if (listed)
					c[w++] = c[i];
			}
			n = w;
		} else if (n == 0) {
			memcpy(c, f, sizeof(*c) * (size_t)nf);
			n = nf;
		}
		g_free(f);
	}
	/* Addresses in sentences: "Your message to a@b couldn't be
	 * delivered", "RCPT TO:<a@b>"; not the sender's ("MAIL FROM:",
	 * "sent by", "From:") nor one in a link */
	for (size_t pos = 0, none = n == 0; none && pos < end;) {
		size_t	k = line_len(s, end, pos);
		const char *l = s + pos;

		pos += k + 1;
		if (memchr(l, '@', k) == NULL || dsn_casestr(l, k, "://")
		    || dsn_casestr(l, k, "mailto:") || dsn_casestr(l, k, "from")
		    || dsn_casestr(l, k, "sender") || dsn_casestr(l, k, "sent by")
		    || dsn_casestr(l, k, "reply-to")
		    || !(dsn_casestr(l, k, "to") || dsn_casestr(l, k, "recipient")
			 || dsn_casestr(l, k, "address") || dsn_casestr(l, k, "user")
			 || dsn_casestr(l, k, "mailbox") || dsn_casestr(l, k, "deliver")))
			continue;
		for (size_t at = 0; at < k;) {
			const char *p = memchr(l + at, '@', k - at);
			size_t	b;

			if (p == NULL)
				break;
			b = (size_t)(p - l);
			while (b > 0 && l[b - 1] != ' ' && l[b - 1] != '<'
			       && l[b - 1] != ':' && l[b - 1] != '\t'
			       && l[b - 1] != '(' && l[b - 1] != '"')
				b--;
			if (dsn_text_address(addr, sizeof(addr), l + b, k - b) == 0
			    && !ignored(sc, addr)
			    && g_ascii_strncasecmp(addr, "postmaster@", 11) != 0)
				(void)add_candidate(c, &n, addr, NO_LINE, 0);
			at = (size_t)(p - l) + 1;
		}
	}
	/* A failure notice that names nobody: the one addressee of the
	 * message it returns. */
	if (n == 0 && (sc->bounce_from[0] == 0
		       || g_ascii_strncasecmp(sc->bounce_from, "mailer-daemon@", 14) == 0
		       || g_ascii_strncasecmp(sc->bounce_from, "postmaster@", 11) == 0
		       || (sc->subject && (dsn_casestr(sc->subject, strlen(sc->subject), "undeliver")
					   || dsn_casestr(sc->subject, strlen(sc->subject), "returned mail")
					   || dsn_casestr(sc->subject, strlen(sc->subject), "failure"))))
	    && original_to(sc, s + end, len - end, addr) == 0 && !ignored(sc, addr))
		(void)add_candidate(c, &n, addr, NO_LINE, 0);

	delayed = any_of(s, end, delay_words, G_N_ELEMENTS(delay_words))
		  || (sc->subject && dsn_casestr(sc->subject, strlen(sc->subject),
						 "delay"));
	for (int i = 0; i < n; i++) {
		char	diag[DSN_TEXT_MAX], status[16];

		explain(s, end, &c[i], n, diag, sizeof(diag), status);
		/* No code at all: a notice that is not a warning says the
		 * MTA gave up, which is permanent (whether the address is to
		 * blame is for dsn_kind_of to find in the words). */
		if (status[0] == 0 && !delayed)
			memcpy(status, "5.0.0", 6);
		if (dsn_add(out, c[i].addr, NULL, delayed ? "delayed" : "failed",
			    status, diag, NULL) == 0)
			added++;
	}
	g_free(c);
	if (added)
		out->family = text_family(sc, s, end);
	return added;
}

/* ---- Amazon SES ------------------------------------------------------- */

/* json_value - the string value of "key" in s[0..len) into dst */
static int json_value(const char *s, size_t len, const char *key, char *dst,
		      size_t size)
{
	char	quoted[64];
	const char *p;
	size_t	w = 0;

	snprintf(quoted, sizeof(quoted), "\"%s\"", key);
	if ((p = dsn_casestr(s, len, quoted)) == NULL)
		return -1;
	p += strlen(quoted);
	while (p < s + len && (*p == ' ' || *p == ':'))
		p++;
	if (p >= s + len || *p != '"')
		return -1;
	for (p++; p < s + len && *p != '"' && w + 1 < size; p++) {
		if (*p == '\\' && p + 1 < s + len)
			p++;
		dst[w++] = *p;
	}
	dst[w] = 0;
	return 0;
}

int dsn_json_scan(struct dsn *out, const struct dsn_scan *sc)
{
	GString *j;
	char	type[32], bounce_type[32] = "";
	const char *list, *end;
	int	added = 0, complaint, delivery;

	if (!dsn_casestr(sc->text->str, sc->text->len, "notificationType"))
		return 0;
	/* SNS wraps the notification in a string: unescape its quotes */
	j = g_string_sized_new(sc->text->len);
	for (size_t i = 0; i < sc->text->len; i++)
		if (!(sc->text->str[i] == '\\' && i + 1 < sc->text->len
		      && sc->text->str[i + 1] == '"'))
			g_string_append_c(j, sc->text->str[i]);
	if (json_value(j->str, j->len, "notificationType", type, sizeof(type)) < 0) {
		g_string_free(j, TRUE);
		return 0;
	}
	(void)json_value(j->str, j->len, "bounceType", bounce_type,
			 sizeof(bounce_type));
	complaint = g_ascii_strcasecmp(type, "Complaint") == 0;
	delivery = g_ascii_strcasecmp(type, "Delivery") == 0;
	list = dsn_casestr(j->str, j->len, complaint ? "\"complainedRecipients\""
			   : delivery ? "\"recipients\"" : "\"bouncedRecipients\"");
	end = list ? memchr(list, ']', j->len - (size_t)(list - j->str)) : NULL;
	if (list && delivery)
		list = memchr(list, '[', j->len - (size_t)(list - j->str));
	for (const char *p = list; p && end && p < end && added < DSN_REPORTS_MAX;) {
		const char *obj = delivery ? p : memchr(p, '{', (size_t)(end - p));
		const char *close;
		char	a[DSN_ADDRESS_MAX] = "", action[16] = "", status[16] = "";
		char	diag[DSN_TEXT_MAX] = "";

		if (obj == NULL)
			break;
		if (delivery) {
			/* "recipients":["a@b","c@d"]: p is past the '[' */
			const char *q = memchr(obj, '"', (size_t)(end - obj));

			if (q == NULL)
				break;
			close = memchr(q + 1, '"', (size_t)(end - q - 1));
			if (close == NULL)
				break;
			if (dsn_address(a, sizeof(a), q + 1,
					(size_t)(close - q - 1)) == 0
			    && dsn_add(out, a, NULL, "delivered", "", "", NULL) == 0)
				added++;
			p = close + 1;
			continue;
		}
		close = memchr(obj, '}', (size_t)(end - obj));
		if (close == NULL)
			break;
		if (json_value(obj, (size_t)(close - obj), "emailAddress", a,
			       sizeof(a)) == 0) {
			(void)json_value(obj, (size_t)(close - obj), "action",
					 action, sizeof(action));
			(void)json_value(obj, (size_t)(close - obj), "status",
					 status, sizeof(status));
			(void)json_value(obj, (size_t)(close - obj),
					 "diagnosticCode", diag, sizeof(diag));
			if (complaint)
				memcpy(action, "", 1);
			else if (action[0] == 0)
				memcpy(action, "failed", 7);
			if (!complaint && status[0] == 0)
				memcpy(status, g_ascii_strcasecmp(bounce_type,
					"Permanent") == 0 ? "5.0.0" : "4.0.0", 6);
			if (dsn_add(out, a, NULL, action, status,
				    complaint ? "complaint" : diag, NULL) == 0)
				added++;
		}
		p = close + 1;
	}
	g_string_free(j, TRUE);
	if (added) {
		out->family = "amazonses";
		if (complaint) {
			out->format = DSN_ARF;
			for (size_t i = 0; i < out->nreports; i++)
				out->reports[i].kind = DSN_FEEDBACK;
		}
	}
	return added;
}

/*
 * dsn_private.h - what dsn.c (the MIME walk, RFC 3464 fields, ARF,
 * auto-replies, the verdict) and dsn_text.c (vendors' plain-text bounces
 * and Amazon SES notifications) share.  Not an interface: only those two
 * files include it.
 */
#ifndef LISTPIPE_DSN_PRIVATE_H
#define LISTPIPE_DSN_PRIVATE_H

#include <stddef.h>

#include <glib.h>

#include "mail/dsn.h"

/* How much text of each kind one bounce may contribute: bounded work
 * and memory whatever the file holds. */
#define DSN_SECTION_MAX	(256 * 1024)

/* What the MIME walk collected from one bounce. */
struct dsn_scan {
	GString *fields;	/* message/delivery-status bodies */
	GString *inner_fields;	/* the same inside an attached message */
	GString *text;		/* human-readable text outside returned
				 * messages, UTF-8 */
	GString *feedback;	/* message/feedback-report bodies */
	GString *original;	/* header block of the returned message */
	char	bounce_from[DSN_ADDRESS_MAX];	/* From: of the bounce */
	char	bounce_to[DSN_ADDRESS_MAX];	/* To: of the bounce */
	char   *subject;	/* Subject: of the bounce, UTF-8, or NULL */
	char   *failed;		/* X-Failed-Recipients, or NULL */
	int	multipart_report;	/* top-level multipart/report */
	int	report_feedback;	/* report-type=feedback-report */
	int	auto_replied;	/* Auto-Submitted: auto-replied, X-Autoreply... */
	int	unsubscribe;	/* X-Apple-Unsubscribe: a mail client's
				 * unsubscribe request */
	int	parts;		/* MIME parts seen, for the walk's bound */
};

/* dsn_address - the first plausible address in s[0..len), lower-cased
 * into dst; 0, or -1 when there is none */
int	dsn_address(char *dst, size_t size, const char *s, size_t len);

/* dsn_text_address - the same in running text: ASCII domains only */
int	dsn_text_address(char *dst, size_t size, const char *s, size_t len);

/* dsn_clean - s[0..len) as one printable line of valid UTF-8, trimmed,
 * cut at a character boundary to fit size */
void	dsn_clean(char *dst, size_t size, const char *s, size_t len);

/* dsn_enhanced_code - the first RFC 3463 code ("5.1.1") in s[0..len)
 * into code (16 bytes); 0, or -1 */
int	dsn_enhanced_code(const char *s, size_t len, char *code);

/* dsn_reply_code - the first SMTP reply code (4xx, 5xx) in s[0..len)
 * standing alone as a word; its first digit, or 0 */
int	dsn_reply_code(const char *s, size_t len);

/* dsn_add - append a report (the address checked and cleaned, the kind
 * decided, a second mention of the same recipient merged); 0, or -1
 * when the address is not plausible or the table is full */
int	dsn_add(struct dsn *out, const char *recipient, const char *original,
		const char *action, const char *status, const char *diagnostic,
		const char *mta);

/* dsn_text_scan - vendors' plain-text bounces; fills out and returns
 * how many reports it added */
int	dsn_text_scan(struct dsn *out, const struct dsn_scan *sc);

/* dsn_json_scan - Amazon SES notifications (JSON, possibly inside an
 * SNS envelope); how many reports it added */
int	dsn_json_scan(struct dsn *out, const struct dsn_scan *sc);

/* dsn_casestr - strstr ignoring ASCII case, within s[0..len) */
const char *dsn_casestr(const char *s, size_t len, const char *needle);

#endif

/*
 * dsn.h - what a bounce says: who failed, how, and whose fault it is.
 *
 * dsn_analyse reads a stored bounce (a file, from its first byte) and
 * fills a struct dsn: one report per recipient it names, each with a
 * kind that says whether the member's own address failed.  It reads RFC
 * 3464 delivery status notifications (with real MTAs' quirks), the
 * common non-standard texts (qmail, Exim, old Sendmail, Exchange,
 * Office 365, Gmail, Yahoo, ...), RFC 3834 auto-replies and ARF feedback
 * reports.
 *
 * Memory is bounded by construction: only the first DSN_READ_MAX bytes
 * of the file are parsed (reports come first; the returned original
 * message comes last and is never needed), so a 50 MB bounce costs what
 * a 1 MB one does.  Nothing here touches the database or decides about
 * members: the caller matches the reports to members and scores them.
 *
 * The analysis never fails for anything in the file: a message it cannot
 * read is DSN_NONE with no reports.  dsn_analyse returns -1 only when
 * the file itself cannot be read (an I/O error), with st filled.
 */
#ifndef LISTPIPE_DSN_H
#define LISTPIPE_DSN_H

#include <stddef.h>

#include "common/status.h"

#define DSN_READ_MAX	(1024 * 1024)
#define DSN_REPORTS_MAX	32		/* recipients kept from one bounce */
#define DSN_ADDRESS_MAX	256		/* an address, NUL included */
#define DSN_TEXT_MAX	512		/* diagnostic text, NUL included */
#define DSN_MTA_MAX	256

/* What a report means for the member.  Only DSN_HARD may ever raise a
 * score. */
enum dsn_kind {
	DSN_UNKNOWN = 0,	/* nothing usable, or success (delivered, relayed) */
	DSN_HARD,		/* permanent failure of the recipient's address */
	DSN_SOFT,		/* temporary failure, given up or not */
	DSN_POLICY,		/* refused for the sender's domain or the content:
				 * 5.7.x, DMARC/SPF/DKIM, spam, blocklists, size */
	DSN_DELAY,		/* Action: delayed, "still trying" warnings */
	DSN_AUTOREPLY,		/* RFC 3834 auto-reply, vacation */
	DSN_FEEDBACK,		/* ARF feedback (abuse) report */
};

/* The names the bounces table stores: "unknown", "hard", "soft", ... */
extern const char *const dsn_kind_names[];

/* What the message as a whole turned out to be. */
enum dsn_format {
	DSN_NONE = 0,		/* not recognised */
	DSN_RFC3464,		/* multipart/report; report-type=delivery-status */
	DSN_TEXT,		/* a vendor's plain-text bounce */
	DSN_AUTOREPLY_MSG,	/* RFC 3834 auto-reply */
	DSN_ARF,		/* RFC 5965 feedback report */
};

struct dsn_report {
	char	recipient[DSN_ADDRESS_MAX];	/* Final-Recipient (or the
						 * vendor's), lower-case; ""
						 * when none was found */
	char	original[DSN_ADDRESS_MAX];	/* Original-Recipient, or "" */
	char	action[16];		/* failed, delayed, delivered, relayed,
					 * expanded; "" when not stated */
	char	status[16];		/* "5.1.1", or "" when none given */
	char	diagnostic[DSN_TEXT_MAX];	/* one line, printable ASCII/UTF-8 */
	char	mta[DSN_MTA_MAX];	/* Reporting-MTA / Remote-MTA host */
	enum dsn_kind kind;
};

struct dsn {
	enum dsn_format format;
	const char *family;		/* static: "rfc3464", "qmail", "exim", ... */
	char	reporting_mta[DSN_MTA_MAX];	/* message-wide, or "" */
	char	postfix_sender[DSN_ADDRESS_MAX];	/* X-Postfix-Sender, or "" */
	size_t	nreports;
	struct dsn_report reports[DSN_REPORTS_MAX];
};

/* dsn_analyse - read the bounce in fd from offset 0 (fd is not closed
 * and its offset is not relied on) and fill out */
int	dsn_analyse(int fd, struct dsn *out, struct status *st);

/* dsn_kind_of - the kind for an action, a status code and a diagnostic
 * text (any may be "" or NULL): the one place that decides whether a
 * failure is the address's, a policy refusal or temporary */
enum dsn_kind dsn_kind_of(const char *action, const char *status,
			  const char *diagnostic);

#endif

/*
 * params.h - every default and limit listpipe and listctl share, in one
 * place (as Postfix's mail_params.h).  Options override the DEF_*
 * values; the others are fixed.
 */
#ifndef LISTPIPE_PARAMS_H
#define LISTPIPE_PARAMS_H

#define LISTPIPE_VERSION	"0.2.0"

/* Command-line defaults, the same for both programs. */
#define DEF_DATABASE	"/var/lib/listpipe/lists.db"
#define DEF_SENDMAIL	"/usr/sbin/sendmail"
#define DEF_SPOOLDIR	"/var/lib/listpipe"
/* The watchdog: well below Postfix's command_time_limit (1000 s), past
 * which Postfix kills the command and bounces the message. */
#define DEF_TIMEOUT	600
/* The user= of the listpipe service in the shipped master.cf. */
#define DEF_LISTPIPE_USER "listpipe"
/* The one other user the documented ACL lets write in the spool. */
#define DEF_ACL_USER	"postfix"
/* Where listctl finds postconf and postmap. */
#define DEF_POSTCONF	"/usr/sbin/postconf"
#define DEF_POSTMAP	"/usr/sbin/postmap"

/* How long a database reader waits for a writer before deferring. */
#define DB_BUSY_TIMEOUT_MS 10000

/* Recipients per sendmail run: small enough for any queue manager
 * setting, large enough that big lists need few runs. */
#define INJECT_BATCH	500

/* Days the delivery journal remembers a queue file: longer than
 * Postfix's maximal_queue_lifetime (5 days by default), so that no
 * retry finds it forgotten. */
#define JOURNAL_DAYS	10

/* Postfix's header_size_limit (100 KB by default) discards the rest of a
 * bigger header, so this is generous; it also bounds what GMime builds
 * from a header block (about 70 times its size, for the worst input). */
#define SPOOL_HEAD_MAX	(256 * 1024)

/* After the watchdog or a SIGTERM, how long the filter may take to
 * unwind and log before its signal handler ends it. */
#define STOP_GRACE_SECONDS 5

/* Mail listpipe writes itself (listpipe(5) ROBOT).  A confirmation token
 * is valid this long; replies to one address (robot answers, notices to
 * a poster) are limited per hour, and so are moderator notices per list:
 * past a limit the mail is not sent and a log line says so. */
#define TOKEN_DAYS	7
#define REPLY_LIMIT	5
#define NOTICE_LIMIT	30
#define LIMIT_WINDOW	3600

/* Subjects stored for held posts are cut to this many characters. */
#define HELD_SUBJECT_MAX 200

#endif

/*
 * listpipe - Postfix pipe(8) filter for mailing lists.
 *
 *   listpipe [-d database] [-s sendmail] [-m spooldir] [-q queue_id]
 *            [-l logfile] [-t timeout] [-n] [-v] -f sender -- recipient...
 *
 * For each recipient: a list address gets one rewritten copy reinjected
 * for its members; list-owner@ mail goes to the owners unchanged;
 * list-bounces@ mail is stored in a Maildir; any other address in a
 * served domain is refused (5.1.1); an address elsewhere is passed on
 * unchanged.  All database reads happen before anything is reinjected, so
 * a database problem defers the message with nothing sent.  The one exit
 * status covers all recipients: a deferral wins over a bounce, a bounce
 * over success (see outcome.h and listpipe(8)).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>

#include "address.h"
#include "config.h"
#include "db.h"
#include "headers.h"
#include "inject.h"
#include "log.h"
#include "field.h"
#include "maildir.h"
#include "outcome.h"
#include "rewrite.h"
#include "spool.h"
#include "spooldir.h"

enum target_kind {
	TARGET_LIST,		/* post to a list */
	TARGET_OWNER,		/* list-owner@ */
	TARGET_BOUNCES,		/* list-bounces@, with or without extension */
	TARGET_PASS,		/* not our domain: pass on unchanged */
	TARGET_REFUSED,		/* verdict already known */
};

struct target {
	enum target_kind kind;
	char	address[ADDRESS_MAX];	/* normalised envelope recipient */
	struct db_list list;
	struct address_list rcpts;	/* members or owners */
	struct status verdict;
};

/* setup_stdio - fds 0-2 open; a private copy of stdout for the status
 * line; in filter mode stdout and stderr go to /dev/null so nothing a
 * library prints can come before the status line. */
static int setup_stdio(int filter_mode)
{
	int	fd;
	int	status_fd;

	while ((fd = open("/dev/null", O_RDWR)) >= 0 && fd <= 2)
		;
	if (fd > 2)
		close(fd);
	status_fd = fcntl(1, F_DUPFD_CLOEXEC, 3);
	if (status_fd < 0)
		status_fd = 1;
	if (filter_mode && status_fd != 1
	    && (fd = open("/dev/null", O_WRONLY)) >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
	}
	return status_fd;
}

/* plan - decide what a recipient is; database reads only */
static int plan(const struct config *cf, struct db *db, const char *recipient,
		struct target *t, struct status *st)
{
	enum db_kind kind;
	const char *why;
	char	base[ADDRESS_MAX];
	const char *key;	/* the address as looked up: without extension */
	int	found;

	memset(t, 0, sizeof(*t));
	status_ok(&t->verdict);
	switch (address_normalize(recipient, t->address, sizeof(t->address),
				  &why)) {
	case -2:
		/* Postfix only hands us user@domain: this is master.cf. */
		return status_temp(st, "4.3.5", "listpipe: recipient \"%.100s\": %s",
				   recipient, why);
	case -1:
		/* Postfix took it (an extension is not checked at RCPT
		 * time), but no retry will make it an address. */
		t->kind = TARGET_REFUSED;
		if (snprintf(t->address, sizeof(t->address), "%.100s...",
			     recipient) < 0)
			t->address[0] = 0;
		status_set(&t->verdict, OUTCOME_BAD_ADDRESS, "5.1.3",
			   "<%.100s...>: %s", recipient, why);
		return 0;
	}
	key = t->address;
	found = db_find(db, key, &kind, &t->list, st);
	if (found == 0 && address_strip_extension(t->address, base,
						  sizeof(base))) {
		key = base;
		found = db_find(db, key, &kind, &t->list, st);
	}
	if (found < 0)
		return -1;
	if (found) {
		t->kind = kind == DB_KIND_POST ? TARGET_LIST
			: kind == DB_KIND_OWNER ? TARGET_OWNER : TARGET_BOUNCES;
		if (t->kind == TARGET_LIST)
			return db_recipients(db, t->list.address, &t->rcpts, st);
		if (t->kind == TARGET_OWNER) {
			if (db_owners(db, t->list.address, &t->rcpts, st) < 0)
				return -1;
			if (t->rcpts.n == 0)
				/* The operator can fix this; Postfix keeps
				 * the mail meanwhile. */
				return status_temp(st, "4.3.5", "listpipe: "
				    "list %s has no enabled owner",
				    t->list.address);
		}
		return 0;
	}
	switch (db_list_disabled(db, key, st)) {
	case -1:
		return -1;
	case 1:
		t->kind = TARGET_REFUSED;
		status_set(&t->verdict, OUTCOME_DISABLED, "5.2.1",
			   "<%s>: list is disabled", t->address);
		return 0;
	}
	switch (db_domain_served(db, address_domain(t->address), st)) {
	case -1:
		return -1;
	case 1:
		t->kind = TARGET_REFUSED;
		status_set(&t->verdict, OUTCOME_NO_LIST, "5.1.1",
			   "<%s>: no such list", t->address);
		return 0;
	}
	/* Postfix routes whole domains to us (transport_maps), so an
	 * address in a domain without lists is one the database does not
	 * know yet or any more (it is being rebuilt, the last list went
	 * while mail waited): passed on, it would come straight back here
	 * and loop.  Only a content_filter set-up, which says so with -p,
	 * passes such mail on. */
	if (!cf->pass_on)
		return status_temp(st, "4.3.5", "listpipe: <%s>: no list in "
		    "domain %s in %s: add the list, or take the domain out "
		    "of listpipe's transport (-p passes such mail on)",
		    t->address, address_domain(t->address), cf->database);
	t->kind = TARGET_PASS;
	return address_list_add(&t->rcpts, t->address) < 0
	       ? status_temp(st, "4.3.0", "listpipe: out of memory") : 0;
}

/* post - one rewritten copy of the message for the list's members */
static int post(const struct config *cf, struct target *t,
		const struct spool *sp, struct headers *hd, int *parsed,
		int out_fd, struct status *st)
{
	struct injection in;
	char   *header;
	size_t	header_len;
	int	rc;

	if (*parsed == 0)
		*parsed = headers_parse(hd, sp->head, sp->head_len,
					sp->size - sp->start, st) < 0 ? -1 : 1;
	if (*parsed < 0)
		return -1;
	if (headers_has_loop(hd, t->list.address))
		return status_set(st, OUTCOME_LOOP, "5.4.6", "<%s>: mail loop: "
		    "message already carries X-Loop: %s", t->address,
		    t->list.address);
	if (t->rcpts.n == 0) {
		log_info("to=<%s>, list=<%s>, members=0, status=sent "
			 "(no enabled members)", t->address, t->list.address);
		return 0;
	}
	if (rewrite_list_copy(hd, &t->list, &header, &header_len, st) < 0)
		return -1;
	in = (struct injection) {
		.sendmail = cf->sendmail, .sender = t->list.bounces,
		.header = header, .header_len = header_len,
		.spool = sp, .from = sp->start + hd->body, .dry_run_fd = out_fd,
	};
	rc = inject(&in, t->rcpts.v, t->rcpts.n, st);
	g_free(header);
	if (rc == 0)
		log_info("to=<%s>, list=<%s>, members=%zu, runs=%zu, status=sent",
			 t->address, t->list.address, t->rcpts.n,
			 (t->rcpts.n + INJECT_BATCH - 1) / INJECT_BATCH);
	return rc;
}

/*
 * forward - the message unchanged to owners or to a foreign recipient.
 * Mail passed on gets one trace field on top, as Postfix's Delivered-To
 * but of our own (a final delivery agent acts on Delivered-To): should
 * Postfix route it back to us for the same recipient, it is deferred
 * instead of going round until the hop limit bounces it.
 */
static int forward(const struct config *cf, struct target *t,
		   const struct spool *sp, int out_fd, struct status *st)
{
	struct injection in = {
		.sendmail = cf->sendmail, .sender = cf->sender,
		.spool = sp, .from = sp->start, .dry_run_fd = out_fd,
	};
	GString *trace = NULL;
	int	rc;

	/* Failures to reach an owner come back to us, not to a stranger
	 * who wrote to list-owner@. */
	if (t->kind == TARGET_OWNER)
		in.sender = t->list.bounces;
	if (t->kind == TARGET_PASS) {
		if (headers_raw_has(sp->head, sp->head_len, PASSED_ON_FIELD,
				    t->address))
			return status_temp(st, "4.3.5", "listpipe: <%s>: mail "
			    "listpipe passed on came back to it: Postfix "
			    "routes this address to listpipe again (check "
			    "transport_maps and content_filter)", t->address);
		trace = g_string_new(NULL);
		if (field_append(trace, PASSED_ON_FIELD, t->address,
				 sp->newline) < 0) {
			g_string_free(trace, TRUE);
			return status_temp(st, "4.3.0", "listpipe: internal "
			    "error: cannot write %s", PASSED_ON_FIELD);
		}
		in.header = trace->str;
		in.header_len = trace->len;
	}
	rc = inject(&in, t->rcpts.v, t->rcpts.n, st);
	if (trace)
		g_string_free(trace, TRUE);
	if (rc < 0)
		return -1;
	log_info("to=<%s>, from=<%s>, %s, status=sent", t->address,
		 cf->sender, t->kind == TARGET_OWNER ? "owners" : "passed on");
	return 0;
}

static int store_bounce(const struct config *cf, struct target *t,
			const struct spool *sp, int spool_fd, int out_fd,
			struct status *st)
{
	/* The list address comes from the database, whose CHECK keeps '/'
	 * out; spooldir refuses one anyway rather than write outside the
	 * spool. */
	const char *const below[] = {"bounces", t->list.address, NULL};
	struct maildir_place place = {spool_fd, cf->spooldir, below};

	if (maildir_store(&place, t->address, sp, out_fd, st) < 0)
		return -1;
	log_info("to=<%s>, from=<%s>, list=<%s>, status=stored (bounce)",
		 t->address, cf->sender, t->list.address);
	return 0;
}

static void keep_worst(struct status *worst, const struct status *st)
{
	if (outcome_worse(st->outcome, worst->outcome))
		*worst = *st;
}

static int deliver(const struct config *cf, int out_fd, struct status *result)
{
	struct db *db;
	struct target *targets;
	struct spool sp;
	struct headers hd;
	int	parsed = 0;
	int	spool_fd = -1;
	int	i;
	int	n = cf->nrecipients;

	status_ok(result);
	if ((targets = calloc((size_t)n, sizeof(*targets))) == NULL)
		return status_temp(result, "4.3.0", "listpipe: out of memory");
	if (db_open(&db, cf->database, cf->dry_run, result) < 0)
		goto done_targets;
	for (i = 0; i < n; i++)
		if (plan(cf, db, cf->recipients[i], &targets[i], result) < 0)
			break;
	db_close(db);
	if (i < n)
		goto done_targets;

	/* A dry run may look without a usable spool directory; it says so. */
	if (spooldir_open(cf->spooldir, &spool_fd, result) < 0) {
		if (!cf->dry_run)
			goto done_targets;
		log_warn("%s", result->reason);
	}
	if (spool_read(&sp, cf->spooldir, 0, result) < 0
	    && !(cf->dry_run
		 && spool_read(&sp, g_get_tmp_dir(), 0, result) == 0))
		goto done_targets;
	status_ok(result);
	memset(&hd, 0, sizeof(hd));
	for (i = 0; i < n && result->outcome != OUTCOME_TEMP
		    && !outcome_stopping(); i++) {
		struct target *t = &targets[i];
		struct status st;
		int	rc = 0;

		status_ok(&st);
		switch (t->kind) {
		case TARGET_LIST:
			rc = post(cf, t, &sp, &hd, &parsed, out_fd, &st);
			break;
		case TARGET_OWNER:
		case TARGET_PASS:
			rc = forward(cf, t, &sp, out_fd, &st);
			break;
		case TARGET_BOUNCES:
			rc = store_bounce(cf, t, &sp, spool_fd, out_fd, &st);
			break;
		case TARGET_REFUSED:
			st = t->verdict;
			rc = -1;
			break;
		}
		if (rc < 0) {
			log_info("to=<%s>, from=<%s>, status=%s (%s %s)",
				 t->address, cf->sender,
				 st.outcome == OUTCOME_TEMP ? "deferred"
							    : "bounced",
				 outcome_dsn(&st), st.reason);
			keep_worst(result, &st);
		}
	}
	if (parsed > 0)
		headers_free(&hd);
	spool_close(&sp);

done_targets:
	if (spool_fd >= 0)
		close(spool_fd);
	for (i = 0; i < n; i++) {
		db_list_free(&targets[i].list);
		address_list_free(&targets[i].rcpts);
	}
	free(targets);
	return result->outcome == OUTCOME_OK ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct config cf;
	struct status st;
	int	status_fd;
	int	parsed;

	umask(077);
	status_ok(&st);
	parsed = config_parse(&cf, argc, argv, &st);
	status_fd = setup_stdio(parsed == 0 && cf.mode == MODE_DELIVER
				&& !cf.dry_run);
	if (parsed == 0 && cf.mode != MODE_DELIVER) {
		const char *text = cf.mode == MODE_HELP ? config_usage()
				   : "listpipe " LISTPIPE_VERSION "\n";

		return write_full(status_fd, text, strlen(text)) < 0 ? 75 : 0;
	}
	outcome_init(status_fd, parsed == 0 ? cf.timeout : DEF_TIMEOUT);
	if (parsed < 0) {
		/* cf holds whatever was parsed before the error, -l included. */
		log_open(cf.logfile ? LOG_TO_FILE : LOG_TO_SYSLOG, cf.logfile,
			 cf.queue_id, 0);
		log_error("%s", st.reason);
		outcome_exit(&st);
	}
	log_open(cf.logfile ? LOG_TO_FILE : cf.dry_run ? LOG_TO_STDERR
		 : LOG_TO_SYSLOG, cf.logfile, cf.queue_id, cf.verbose);
	if (!cf.dry_run && geteuid() == 0) {
		status_temp(&st, "4.3.5", "listpipe: refusing to deliver as "
			    "root: set user= in master.cf");
		log_error("%s", st.reason);
		outcome_exit(&st);
	}
	headers_init();
	deliver(&cf, cf.dry_run ? status_fd : -1, &st);
	/* The watchdog or a SIGTERM: say so, with what failed on the way. */
	outcome_stopped(&st);
	/* A dry run delivers nothing, and says so with EX_TEMPFAIL: should
	 * -n ever be left in master.cf, Postfix keeps the mail. */
	if (cf.dry_run && st.outcome == OUTCOME_OK)
		status_temp(&st, "4.7.0", "listpipe: dry run (-n): nothing "
			    "was delivered");
	if (st.outcome == OUTCOME_TEMP)
		log_warn("deferred: %s", st.reason);
	headers_shutdown();
	log_close();
	outcome_exit(&st);
}

/*
 * notice.c - compose, send and count listpipe's own mail.
 */
#include <string.h>

#include <glib.h>

#include "common/log.h"
#include "common/params.h"
#include "db/settings.h"
#include "list/notice.h"
#include "mail/compose.h"
#include "mail/inject.h"

/* all_vars - the caller's variables after the list's own */
static struct text_var *all_vars(const struct list *l,
				 const struct text_var *extra)
{
	size_t	n = 0;
	struct text_var *v;

	while (extra && extra[n].name)
		n++;
	v = g_new0(struct text_var, n + 5);
	v[0] = (struct text_var){"list", l->address};
	v[1] = (struct text_var){"owner", l->owner};
	v[2] = (struct text_var){"request", l->request};
	v[3] = (struct text_var){"description",
				 l->description ? l->description : l->address};
	for (size_t i = 0; i < n; i++)
		v[4 + i] = extra[i];
	return v;
}

int notice_send(const struct site *s, const struct list *l,
		const struct notice *n, struct status *st)
{
	const struct text *builtin = texts_builtin(n->text);
	char   *subject_tpl = NULL, *body_tpl = NULL;
	struct text_var *vars;
	char   *subject, *body;
	char   *in_reply_to = NULL, *references = NULL;
	struct spool out;
	char   *rcpt[1] = {(char *)n->to};
	int	rc;

	if (db_text(s->db, l->address, n->text, &subject_tpl, &body_tpl, st) < 0)
		return -1;
	if (builtin == NULL && (subject_tpl == NULL || body_tpl == NULL)) {
		g_free(subject_tpl);
		g_free(body_tpl);
		return status_temp(st, "4.3.0", "listpipe: internal error: no "
				   "text called %s", n->text);
	}
	vars = all_vars(l, n->vars);
	subject = texts_expand(subject_tpl ? subject_tpl : builtin->subject, vars);
	body = texts_expand(body_tpl ? body_tpl : builtin->body, vars);
	if (n->answers) {
		int	i = headers_find(n->answers, "Message-ID", 0);
		int	r = headers_find(n->answers, "References", 0);

		if (i >= 0)
			in_reply_to = headers_value(n->answers, i);
		if (r >= 0)
			references = headers_value(n->answers, r);
	}
	{
		struct composition c = {
			.from = n->from ? n->from : l->request,
			.from_name = l->description,
			.to = n->to, .subject = subject, .body = body,
			.auto_submitted = n->auto_submitted,
			.in_reply_to = in_reply_to, .references = references,
			.domain = l->domain, .attach = n->attach,
		};

		rc = compose(&c, s->spool_fd, s->spooldir, &out, st);
	}
	if (rc == 0) {
		struct injection in = {
			.sendmail = s->sendmail, .sender = l->bounces,
			.spool = &out, .from = out.start,
			.dry_run_fd = s->dry_run_fd, .hooks = s->hooks,
		};

		rc = inject(&in, rcpt, 1, st);
		spool_close(&out);
	}
	if (rc == 0 && s->dry_run_fd < 0) {
		log_info("list=<%s>, to=<%s>, sent %s", l->address, n->to,
			 n->text);
		/* Counting is best effort: the mail is gone already. */
		struct status ignored;

		if (db_sent_add(s->db, n->to, l->address, n->text, &ignored) < 0)
			log_warn("%s", ignored.reason);
	}
	g_free(in_reply_to);
	g_free(references);
	g_free(subject);
	g_free(body);
	g_free(vars);
	g_free(subject_tpl);
	g_free(body_tpl);
	return rc;
}

int notice_allowed(const struct site *s, const struct list *l,
		   const char *address, const char *kind, struct status *st)
{
	int	n = address
		? db_sent_count(s->db, address, NULL, NULL, LIMIT_WINDOW, st)
		: db_sent_count(s->db, NULL, l->address, kind, LIMIT_WINDOW, st);
	int	limit = address ? REPLY_LIMIT : NOTICE_LIMIT;

	if (n < 0)
		return -1;
	if (n < limit)
		return 1;
	if (address)
		log_warn("list=<%s>, to=<%s>: not sent: %d messages to this "
			 "address in the last hour already", l->address,
			 address, n);
	else
		log_warn("list=<%s>: %s not sent: %d in the last hour already%s",
			 l->address, kind, n, strncmp(kind, "moderate", 8) == 0
			 ? " (listctl held shows what waits)" : "");
	return 0;
}

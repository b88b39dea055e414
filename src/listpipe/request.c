/*
 * request.c - mail to list-request@: the robot.
 *
 * It reads one command (list/command.h), acts, and answers the envelope
 * sender only.  It never answers the null sender, automatic mail or one
 * of our own addresses, and at most REPLY_LIMIT times an hour to one
 * address.  The request itself is always accepted (a robot that bounced
 * would answer bounces); only a problem of ours defers it, and only
 * while nothing has changed yet, so that a retry cannot act twice.
 *
 * Tokens (common/token.h) are single use: the tokens table records each
 * one in the same transaction as the change it allows.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <glib.h>

#include "common/log.h"
#include "common/params.h"
#include "db/held.h"
#include "db/lists.h"
#include "db/members.h"
#include "db/settings.h"
#include "list/command.h"
#include "list/moderate.h"
#include "list/notice.h"
#include "list/policy.h"
#include "listpipe/job.h"
#include "mail/bodytext.h"

/* One request being answered. */
struct request_ctx {
	struct job *job;
	const struct list *l;
	const char *sender;		/* normalised envelope sender */
	const struct headers *hd;
	char   *secret;
};

/* reply - answer the sender with text name; vars may be NULL */
static int reply(struct request_ctx *r, const char *name,
		 const struct text_var *vars, struct status *st)
{
	static const struct text_var none[] = {{NULL, NULL}};
	struct notice n = {name, r->sender, "auto-replied", vars ? vars : none,
			   r->hd, NULL, NULL};

	switch (notice_allowed(&r->job->site, r->l, r->sender, NULL, st)) {
	case -1:
		return -1;
	case 0:
		return 0;
	}
	return notice_send(&r->job->site, r->l, &n, st);
}

/* reply_after_change - a reply once something changed: a failure to
 * send it is a log line, never a deferral (the retry would act twice) */
static int reply_after_change(struct request_ctx *r, const char *name,
			      const struct text_var *vars)
{
	struct status st;

	if (reply(r, name, vars, &st) < 0)
		log_warn("list=<%s>, to=<%s>: %s not sent: %s", r->l->address,
			 r->sender, name, st.reason);
	return 0;
}

static int bad_token(struct request_ctx *r, const struct command *c,
		     const char *why)
{
	const struct text_var vars[] = {{"reason", why}, {"token", c->token},
					{NULL, NULL}};

	log_warn("list=<%s>, from=<%s>: %s with a token that is %s",
		 r->l->address, r->sender, command_names[c->kind], why);
	return reply_after_change(r, "bad_token", vars);
}

/* is_member - sender has its own member row on the list, in any state:
 * a disabled member may still leave, and is not "welcomed" into a row
 * that stays disabled; a member through a nested list leaves that one */
static int is_member(struct request_ctx *r, struct status *st)
{
	return db_member_has(r->job->site.db, r->l->address, r->sender,
			     "member", st);
}

/* ask_confirmation - the token mail for subscribe or unsubscribe */
static int ask_confirmation(struct request_ctx *r, enum token_kind kind,
			    struct status *st)
{
	char	token[TOKEN_MAX];
	char	days[16];

	if (token_make(r->secret, kind, r->l->address, r->sender, 0,
		       time(NULL) + (time_t)TOKEN_DAYS * 86400, token,
		       sizeof(token)) < 0)
		return status_temp(st, "4.3.0", "listpipe: cannot make a token");
	snprintf(days, sizeof(days), "%d", TOKEN_DAYS);
	{
		const struct text_var vars[] = {
			{"address", r->sender}, {"token", token},
			{"days", days}, {NULL, NULL},
		};

		return reply(r, kind == TOKEN_SUBSCRIBE ? "confirm_subscribe"
				: "confirm_unsubscribe", vars, st);
	}
}

/* use_token - record t as used; 1 first use, 0 replay, -1 error */
static int use_token(struct request_ctx *r, const struct token *t,
		     struct status *st)
{
	return db_token_use(r->job->site.db, t->mac, t->expires, st);
}

/* notify_request - tell the moderators about subscription request id */
static void notify_request(struct request_ctx *r, long long id)
{
	struct address_list mods = {0};
	struct status st;
	char	token[TOKEN_MAX];

	if (token_make(r->secret, TOKEN_ADMIT, r->l->address, "", id,
		       time(NULL) + (time_t)r->l->hold_days * 86400, token,
		       sizeof(token)) < 0
	    || db_moderators(r->job->site.db, r->l->address, &mods, &st) < 0) {
		log_warn("list=<%s>: request %lld: no notice sent",
			 r->l->address, id);
		return;
	}
	for (size_t i = 0; i < mods.n; i++) {
		const struct text_var vars[] = {
			{"address", r->sender}, {"token", token},
			{NULL, NULL},
		};
		struct notice n = {"moderate_subscribe", mods.v[i],
				   "auto-generated", vars, NULL, NULL, NULL};

		if (notice_send(&r->job->site, r->l, &n, &st) < 0)
			log_warn("request %lld: notice to <%s>: %s", id,
				 mods.v[i], st.reason);
	}
	address_list_free(&mods);
}

/* confirm - the address sent its token back */
static int confirm(struct request_ctx *r, const struct command *c,
		   const struct token *t, struct status *st)
{
	struct db *db = r->job->site.db;
	const struct text_var vars[] = {{"address", r->sender}, {NULL, NULL}};
	long long id = 0;
	int	rc;

	if (t->kind != TOKEN_SUBSCRIBE && t->kind != TOKEN_UNSUBSCRIBE)
		return bad_token(r, c, "not a confirmation token");
	if (t->kind == TOKEN_SUBSCRIBE
	    && r->l->subscription == SUBSCRIPTION_CLOSED)
		return reply(r, "subscribe_closed", NULL, st);
	if (db_begin(db, st) < 0)
		return -1;
	if ((rc = use_token(r, t, st)) <= 0) {
		db_rollback(db);
		return rc < 0 ? -1 : bad_token(r, c, "used already");
	}
	if (t->kind == TOKEN_UNSUBSCRIBE)
		rc = db_member_remove(db, r->l->address, r->sender, "member", st);
	else if (r->l->subscription == SUBSCRIPTION_MODERATE)
		rc = db_request_add(db, r->l->address, r->sender,
				    r->l->hold_days, &id, st);
	else
		rc = db_member_add(db, r->l->address, r->sender, "member", st);
	if (rc < 0 || db_commit(db, st) < 0) {
		db_rollback(db);
		return -1;
	}
	log_info("list=<%s>, address=<%s>, status=%s", r->l->address, r->sender,
		 t->kind == TOKEN_UNSUBSCRIBE ? "unsubscribed"
		 : id ? "subscription request for the moderators"
		 : "subscribed");
	if (t->kind == TOKEN_UNSUBSCRIBE)
		return reply_after_change(r, "goodbye", vars);
	if (id) {
		notify_request(r, id);
		return reply_after_change(r, "subscribe_pending", vars);
	}
	return reply_after_change(r, "welcome", vars);
}

/* is_moderator - the sender decides on this list's held posts */
static int is_moderator(struct request_ctx *r, struct status *st)
{
	struct address_list mods = {0};
	int	found = 0;

	if (db_moderators(r->job->site.db, r->l->address, &mods, st) < 0)
		return -1;
	for (size_t i = 0; i < mods.n && !found; i++)
		found = g_ascii_strcasecmp(mods.v[i], r->sender) == 0;
	address_list_free(&mods);
	return found;
}

/* admit - a moderator's decision on subscription request t->id */
static int admit(struct request_ctx *r, const struct command *c,
		 const struct token *t, struct status *st)
{
	struct db *db = r->job->site.db;
	struct request q;
	const char *to = c->kind == COMMAND_APPROVE || c->kind == COMMAND_TRUST
			 ? "approved" : c->kind == COMMAND_REJECT ? "rejected"
			 : "discarded";
	char	result[300];
	int	rc;

	if ((rc = db_request_get(db, t->id, &q, st)) <= 0)
		return rc < 0 ? -1 : bad_token(r, c, "for no request");
	if (strcmp(q.state, "pending") != 0 || q.expired) {
		snprintf(result, sizeof(result), "request %lld was %s already",
			 t->id, q.expired ? "expired" : q.state);
	} else {
		if (db_begin(db, st) < 0) {
			db_request_free(&q);
			return -1;
		}
		rc = use_token(r, t, st);
		if (rc > 0)
			rc = db_request_move(db, t->id, "pending", to, r->sender,
					     st);
		if (rc > 0 && strcmp(to, "approved") == 0)
			rc = db_member_add(db, q.list, q.address, "member", st)
			     < 0 ? -1 : 1;
		if (rc <= 0 || db_commit(db, st) < 0) {
			db_rollback(db);
			db_request_free(&q);
			return rc < 0 ? -1 : bad_token(r, c, "used already");
		}
		snprintf(result, sizeof(result), "%s is %s", q.address,
			 strcmp(to, "approved") == 0 ? "now subscribed" : to);
		if (strcmp(to, "approved") == 0) {
			/* subscribe_pending promised word of the decision */
			const struct text_var vars[] = {
				{"address", q.address}, {NULL, NULL},
			};
			struct notice n = {"welcome", q.address, "auto-replied",
					   vars, NULL, NULL, NULL};
			struct status ignored;

			if (notice_send(&r->job->site, r->l, &n, &ignored) < 0)
				log_warn("request %lld: welcome to <%s>: %s",
					 t->id, q.address, ignored.reason);
		}
		log_info("list=<%s>, address=<%s>, request=%lld, status=%s by %s",
			 q.list, q.address, t->id, to, r->sender);
	}
	db_request_free(&q);
	{
		const struct text_var vars[] = {
			{"command", command_names[c->kind]}, {"result", result},
			{NULL, NULL},
		};

		return reply_after_change(r, "done", vars);
	}
}

/* decide - approve, trust, reject, discard or withdraw with a token */
static int decide(struct request_ctx *r, const struct command *c,
		  const struct token *t, struct status *st)
{
	static const enum moderation as[] = {
		[COMMAND_APPROVE] = MODERATE_APPROVE,
		[COMMAND_TRUST] = MODERATE_TRUST,
		[COMMAND_REJECT] = MODERATE_REJECT,
		[COMMAND_DISCARD] = MODERATE_DISCARD,
		[COMMAND_WITHDRAW] = MODERATE_WITHDRAW,
	};
	char	result[400];
	int	rc;

	if (c->kind == COMMAND_WITHDRAW ? t->kind != TOKEN_WITHDRAW
	    : t->kind != TOKEN_MODERATE && t->kind != TOKEN_ADMIT)
		return bad_token(r, c, "not for this command");
	if (t->kind != TOKEN_WITHDRAW) {
		if ((rc = is_moderator(r, st)) < 0)
			return -1;
		if (rc == 0)
			return bad_token(r, c, "not for this address: it is "
					 "no moderator of the list");
	}
	if (t->kind == TOKEN_ADMIT)
		return admit(r, c, t, st);
	/* The token is recorded after the decision, which changes the row
	 * only once anyway: a decision that failed for a problem of ours
	 * is deferred, and its retry still has a valid token. */
	rc = moderate(&r->job->site, t->id, as[c->kind], r->sender, c->reason,
		      result, sizeof(result), st);
	if (rc < 0)
		return -1;
	if (rc > 0 && use_token(r, t, st) < 0)
		log_warn("%s", st->reason);
	{
		const struct text_var vars[] = {
			{"command", command_names[c->kind]}, {"result", result},
			{NULL, NULL},
		};

		return reply_after_change(r, "done", vars);
	}
}

/* with_token - a command that needs a token */
static int with_token(struct request_ctx *r, const struct command *c,
		      struct status *st)
{
	struct token t;
	const char *why;
	/* Whose token: the address for confirmations and withdrawals. */
	const char *bound;

	if (!*c->token || token_parse(c->token, &t) < 0)
		return bad_token(r, c, "missing or malformed");
	bound = t.kind == TOKEN_SUBSCRIBE || t.kind == TOKEN_UNSUBSCRIBE
		|| t.kind == TOKEN_WITHDRAW ? r->sender : "";
	if (token_verify(r->secret, &t, r->l->address, bound, time(NULL),
			 &why) < 0)
		return bad_token(r, c, why);
	if (c->kind == COMMAND_CONFIRM)
		return confirm(r, c, &t, st);
	return decide(r, c, &t, st);
}

/* ignored - mail the robot must not answer: why, or NULL */
static const char *ignored(struct job *job, const struct headers *hd,
			   const char *sender, struct status *st)
{
	enum db_kind kind;
	struct list other;
	const char *automatic = policy_automatic(sender, hd, 0);
	int	ours;

	if (automatic)
		return automatic;
	ours = db_find(job->site.db, sender, &kind, &other, st);
	if (ours == 0) {
		/* list-bounces+anything@ is ours too */
		char	base[ADDRESS_MAX];

		if (address_strip_extension(sender, base, sizeof(base)))
			ours = db_find(job->site.db, base, &kind, &other, st);
	}
	if (ours > 0)
		db_list_free(&other);
	return ours < 0 ? NULL : ours > 0 ? "from one of our own addresses"
				: NULL;
}

int deliver_request(struct job *job, struct target *t, struct status *st)
{
	const struct headers *hd = message_headers(job->msg, st);
	struct request_ctx r = {job, &t->list, NULL, hd, NULL};
	char	sender[ADDRESS_MAX];
	const char *why;
	struct command c;
	char   *subject = NULL;
	char   *body;
	int	rc;

	const struct text_var who[] = {{"address", sender}, {NULL, NULL}};

	if (hd == NULL)
		return -1;
	/* Answers go to the envelope sender, so it must be an address our
	 * replies can be written to (compose takes plain ASCII only): any
	 * other is ignored, never deferred into a bounce. */
	if (address_normalize(job->cf->sender, sender, sizeof(sender), &why)
	    != 0 || address_check_member(sender, &why) < 0
	    || strpbrk(sender, "\\") != NULL || !g_str_is_ascii(sender))
		*sender = 0;
	r.sender = sender;
	status_ok(st);
	why = *sender ? ignored(job, hd, sender, st) : "no usable sender";
	if (st->outcome != OUTCOME_OK)
		return -1;
	if (why) {
		log_info("to=<%s>, from=<%s>, status=ignored (%s)", t->address,
			 job->cf->sender, why);
		return 0;
	}
	if ((rc = headers_find(hd, "Subject", 0)) >= 0)
		subject = headers_value(hd, rc);
	body = bodytext_first(&job->msg->spool);
	command_find(subject, body, &c);
	g_free(subject);
	g_free(body);
	log_info("to=<%s>, from=<%s>, command=%s", t->address, sender,
		 command_names[c.kind]);
	if (db_secret(job->site.db, &r.secret, st) < 0)
		return -1;
	switch (c.kind) {
	case COMMAND_NONE:
	case COMMAND_HELP:
		rc = reply(&r, "help", NULL, st);
		break;
	case COMMAND_SUBSCRIBE:
		if (t->list.subscription == SUBSCRIPTION_CLOSED)
			rc = reply(&r, "subscribe_closed", NULL, st);
		else if ((rc = is_member(&r, st)) >= 0)
			rc = rc ? reply(&r, "already_member", who, st)
				: ask_confirmation(&r, TOKEN_SUBSCRIBE, st);
		break;
	case COMMAND_UNSUBSCRIBE:
		if ((rc = is_member(&r, st)) >= 0)
			rc = rc ? ask_confirmation(&r, TOKEN_UNSUBSCRIBE, st)
				: reply(&r, "not_member", who, st);
		break;
	default:
		rc = with_token(&r, &c, st);
		break;
	}
	g_free(r.secret);
	return rc < 0 ? -1 : 0;
}

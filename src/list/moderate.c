/*
 * moderate.c - hold, release, reject, discard, withdraw, expire.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "common/io.h"
#include "common/log.h"
#include "common/params.h"
#include "common/text.h"
#include "common/token.h"
#include "db/held.h"
#include "db/lists.h"
#include "db/members.h"
#include "db/settings.h"
#include "list/distribute.h"
#include "list/moderate.h"
#include "list/notice.h"
#include "mail/maildir.h"

const char *const moderation_names[] = {
	[MODERATE_APPROVE] = "approve", [MODERATE_TRUST] = "trust",
	[MODERATE_REJECT] = "reject", [MODERATE_DISCARD] = "discard",
	[MODERATE_WITHDRAW] = "withdraw", [MODERATE_EXPIRE] = "expire",
};

/* The state each decision leaves a post in. */
static const char *const final_state[] = {
	[MODERATE_APPROVE] = "released", [MODERATE_TRUST] = "released",
	[MODERATE_REJECT] = "rejected", [MODERATE_DISCARD] = "discarded",
	[MODERATE_WITHDRAW] = "withdrawn", [MODERATE_EXPIRE] = "expired",
};

static void place_of(const struct site *s, const char *list,
		     const char *below[3], struct maildir_place *place)
{
	below[0] = "held";
	below[1] = list;
	below[2] = NULL;
	place->spool_fd = s->spool_fd;
	place->spool_path = s->spooldir;
	place->below = below;
}

/*
 * held_place - where held post h's file is: held/LIST/new/FILE, or, for
 * a post held before its list was renamed, held/OLD/new/FILE with the
 * row's file "OLD/FILE" (the rename trigger in sql/schema.sql).  Both
 * parts are checked as single path components on the way down.
 */
static const char *held_place(const struct site *s, const struct held *h,
			      char *dir, size_t size, const char *below[3],
			      struct maildir_place *place)
{
	const char *slash = strrchr(h->file, '/');

	if (slash && (size_t)(slash - h->file) < size) {
		memcpy(dir, h->file, (size_t)(slash - h->file));
		dir[slash - h->file] = 0;
		place_of(s, dir, below, place);
		return slash + 1;
	}
	place_of(s, h->list, below, place);
	return h->file;
}

/* held_subject - the decoded Subject, controls scrubbed, cut short */
static char *held_subject(const struct headers *hd)
{
	int	i = headers_find(hd, "Subject", 0);
	char   *v = i >= 0 ? headers_value(hd, i) : g_strdup("");
	char   *valid = g_utf8_make_valid(v, -1);
	char   *cut;

	g_free(v);
	text_scrub(valid, strlen(valid), ' ');
	cut = g_utf8_substring(valid, 0, MIN(g_utf8_strlen(valid, -1),
					     HELD_SUBJECT_MAX));
	g_free(valid);
	return cut;
}

/* notify_moderators - one notice each, with the post attached */
static void notify_moderators(const struct site *s, const struct list *l,
			      const struct held *h, const char *secret,
			      struct message *m)
{
	struct address_list mods = {0};
	struct status st;
	char	token[TOKEN_MAX];
	char	id[32], size[32], days[16];
	const char *who = *h->author ? h->author : *h->sender ? h->sender : "<>";

	if (token_make(secret, TOKEN_MODERATE, l->address, "", h->id,
		       time(NULL) + (time_t)l->hold_days * 86400, token,
		       sizeof(token)) < 0) {
		log_warn("list=<%s>: held post %lld: no token: no notice sent",
			 l->address, h->id);
		return;
	}
	snprintf(id, sizeof(id), "%lld", h->id);
	snprintf(size, sizeof(size), "%lld", h->size);
	snprintf(days, sizeof(days), "%d", l->hold_days);
	{
		const struct text_var vars[] = {
			{"sender", who}, {"subject", h->subject},
			{"size", size}, {"reason", h->reason}, {"token", token},
			{"id", id}, {"days", days}, {NULL, NULL},
		};

		if (db_moderators(s->db, l->address, &mods, &st) < 0) {
			log_warn("held post %lld: %s", h->id, st.reason);
			return;
		}
		if (mods.n == 0)
			log_warn("list=<%s>: held post %lld: the list has no "
				 "moderator or owner to tell", l->address, h->id);
		switch (mods.n ? notice_allowed(s, l, NULL, "moderate_post",
						&st) : 0) {
		case -1:
			log_warn("held post %lld: %s", h->id, st.reason);
			/* FALLTHROUGH */
		case 0:
			address_list_free(&mods);
			return;
		}
		for (size_t i = 0; i < mods.n; i++) {
			struct notice n = {
				"moderate_post", mods.v[i], "auto-generated",
				vars, NULL, &m->spool, NULL,
			};

			if (notice_send(s, l, &n, &st) < 0)
				log_warn("held post %lld: notice to <%s>: %s",
					 h->id, mods.v[i], st.reason);
		}
	}
	address_list_free(&mods);
}

/* tell_poster - a member whose post is held learns how to withdraw it.
 * Only someone on the list, only at the envelope sender and only when it
 * is the From: address too: a forged stranger gets nothing from us. */
static void tell_poster(const struct site *s, const struct list *l,
			const struct held *h, const struct post_facts *f,
			const char *secret, const struct headers *hd)
{
	struct status st;
	char	token[TOKEN_MAX];
	char	days[16];

	if ((f->roles & ~(ROLE_LIST | ROLE_UPSTREAM)) == 0 || f->automatic
	    || !*h->sender || g_ascii_strcasecmp(h->sender, h->author) != 0)
		return;
	if (notice_allowed(s, l, h->sender, NULL, &st) != 1)
		return;
	if (token_make(secret, TOKEN_WITHDRAW, l->address, h->sender, h->id,
		       time(NULL) + (time_t)l->hold_days * 86400, token,
		       sizeof(token)) < 0)
		return;
	snprintf(days, sizeof(days), "%d", l->hold_days);
	{
		const struct text_var vars[] = {
			{"subject", h->subject}, {"reason", h->reason},
			{"token", token}, {"days", days}, {NULL, NULL},
		};
		struct notice n = {"held", h->sender, "auto-replied", vars, hd,
				   NULL, NULL};

		if (notice_send(s, l, &n, &st) < 0)
			log_warn("held post %lld: note to <%s>: %s", h->id,
				 h->sender, st.reason);
	}
}

int moderate_hold(const struct site *s, const struct list *l,
		  struct message *m, const struct post_facts *f,
		  const char *reason, struct status *st)
{
	const struct headers *hd = message_headers(m, st);
	const char *below[3];
	struct maildir_place place;
	char	name[MAILDIR_NAME_MAX];
	struct held h = {0};
	char   *secret = NULL;

	if (hd == NULL)
		return -1;
	if (s->dry_run_fd >= 0) {
		char   *line = g_strdup_printf("# would hold for a moderator "
					       "of %s: %s\n", l->address, reason);
		int	rc = io_write_all(s->dry_run_fd, line, strlen(line));

		g_free(line);
		return rc < 0 ? status_temp(st, "4.3.0", "listpipe: write: %s",
					    strerror(errno)) : 0;
	}
	place_of(s, l->address, below, &place);
	if (maildir_store(&place, NULL, &m->spool, -1, name, st) < 0)
		return -1;
	h.list = l->address;
	h.sender = (char *)f->sender;
	h.author = (char *)(f->author ? f->author : "");
	h.subject = held_subject(hd);
	h.size = f->size;
	h.reason = (char *)reason;
	h.file = name;
	if (db_held_add(s->db, &h, l->hold_days, st) < 0) {
		struct status ignored;

		/* Not recorded, so not kept: Postfix keeps the message. */
		maildir_remove(&place, name, &ignored);
		g_free(h.subject);
		return -1;
	}
	log_info("list=<%s>, from=<%s>, held=%lld, status=held (%s)",
		 l->address, f->sender, h.id, reason);
	if (db_secret(s->db, &secret, st) < 0) {
		log_warn("held post %lld: %s: no notices sent", h.id, st->reason);
		status_ok(st);
	} else {
		notify_moderators(s, l, &h, secret, m);
		tell_poster(s, l, &h, f, secret, hd);
	}
	g_free(secret);
	g_free(h.subject);
	return 0;
}

/* release - distribute held post h of list l from its file */
static int release(const struct site *s, const struct list *l,
		   const struct held *h, struct status *st)
{
	const char *below[3];
	struct maildir_place place;
	struct address_list rcpts = {0};
	struct message m;
	char	dir[ADDRESS_MAX];
	const char *name = held_place(s, h, dir, sizeof(dir), below, &place);
	int	fd;
	int	rc;

	if (maildir_open(&place, name, &fd, st) < 0)
		return -1;
	rc = message_read(&m, s->spool_fd, s->spooldir, fd, st);
	close(fd);
	if (rc < 0)
		return -1;
	rc = db_recipients(s->db, l->address, &rcpts, st);
	if (rc == 0) {
		/* The held row is the post's identity: a release that
		 * failed half-way resumes where it stopped. */
		char	key[48];

		snprintf(key, sizeof(key), "held-%lld", h->id);
		rc = distribute(s, l, &rcpts, &m, key, l->address, st);
	}
	address_list_free(&rcpts);
	message_free(&m);
	return rc;
}

/* say - the result line for the caller */
static int say(char *result, size_t size, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int say(char *result, size_t size, int rc, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	if (vsnprintf(result, size, fmt, ap) >= (int)size && size > 4)
		strcpy(result + size - 4, "...");
	va_end(ap);
	return rc;
}

/* not_now - 0 with why in result when post h cannot be decided on now */
static int not_now(const struct held *h, enum moderation what, char *result,
		   size_t size)
{
	if (strcmp(h->state, "releasing") == 0)
		return say(result, size, 0, "post %lld is being released "
			   "since %s (if that was interrupted, see listctl(8))",
			   h->id, h->acted ? h->acted : "?");
	if (strcmp(h->state, "held") != 0)
		return say(result, size, 0, "post %lld was %s already (%s, by "
			   "%s)", h->id, h->state, h->acted ? h->acted : "?",
			   h->actor ? h->actor : "?");
	if (h->expired && what != MODERATE_EXPIRE)
		return say(result, size, 0, "post %lld has expired (%s)",
			   h->id, h->expires);
	return 1;
}

int moderate(const struct site *s, long long id, enum moderation what,
	     const char *actor, const char *reason, char *result, size_t size,
	     struct status *st)
{
	struct held h;
	struct list l;
	const char *below[3];
	struct maildir_place place;
	struct status ignored;
	int	found;
	int	rc = -1;

	if ((found = db_held_get(s->db, id, &h, st)) <= 0)
		return found < 0 ? -1 : say(result, size, 0, "no held post %lld",
					    id);
	if (not_now(&h, what, result, size) == 0) {
		db_held_free(&h);
		return 0;
	}
	if ((found = db_list_get(s->db, h.list, &l, st)) <= 0) {
		if (found == 0 && what != MODERATE_EXPIRE)
			rc = say(result, size, 0, "post %lld: its list %s is "
				 "gone", id, h.list);
		else if (found == 0)
			memset(&l, 0, sizeof(l));
		if (found < 0 || what != MODERATE_EXPIRE) {
			db_held_free(&h);
			return rc;
		}
	}
	if (what == MODERATE_APPROVE || what == MODERATE_TRUST) {
		/* Claimed first, so that two releases cannot both send. */
		if ((found = db_held_move(s->db, id, "held", "releasing", actor,
					  st)) <= 0) {
			rc = found < 0 ? -1 : say(result, size, 0, "post %lld "
						  "was decided on meanwhile", id);
			goto done;
		}
		if (release(s, &l, &h, st) < 0) {
			/* Held again: the next try may work. */
			db_held_move(s->db, id, "releasing", "held", actor,
				     &ignored);
			goto done;
		}
		if (db_held_move(s->db, id, "releasing", "released", actor,
				 st) < 0)
			log_warn("held post %lld released, but: %s", id,
				 st->reason);
		if (what == MODERATE_TRUST) {
			const char *who = *h.author ? h.author : h.sender;

			if (*who && db_member_add(s->db, l.address, who,
						  "poster", &ignored) < 0)
				log_warn("held post %lld: could not make <%s> a "
					 "poster: %s", id, who, ignored.reason);
		}
	} else if ((found = db_held_move(s->db, id, "held", final_state[what],
					 actor, st)) <= 0) {
		rc = found < 0 ? -1 : say(result, size, 0, "post %lld was "
					  "decided on meanwhile", id);
		goto done;
	}
	if (what == MODERATE_REJECT && *h.sender
	    && !g_str_has_prefix(h.reason, "automatic mail")) {
		const struct text_var vars[] = {
			{"subject", h.subject},
			{"reason", reason && *reason ? reason
						     : "(no reason given)"},
			{NULL, NULL},
		};
		struct notice n = {"rejected", h.sender, "auto-replied", vars,
				   NULL, NULL, NULL};

		if (notice_send(s, &l, &n, &ignored) < 0)
			log_warn("held post %lld: rejection to <%s>: %s", id,
				 h.sender, ignored.reason);
	}
	{
		char	dir[ADDRESS_MAX];
		const char *name = held_place(s, &h, dir, sizeof(dir), below,
					      &place);

		if (maildir_remove(&place, name, &ignored) < 0)
			log_warn("held post %lld: %s", id, ignored.reason);
	}
	log_info("list=<%s>, held=%lld, from=<%s>, status=%s by %s%s%s", h.list,
		 id, h.sender, final_state[what], actor,
		 reason && *reason ? ": " : "", reason ? reason : "");
	rc = say(result, size, 1, "post %lld %s%s", id, final_state[what],
		 what == MODERATE_TRUST ? "; its author may post from now on"
					: "");
done:
	if (l.address)
		db_list_free(&l);
	db_held_free(&h);
	return rc;
}

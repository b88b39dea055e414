/*
 * policy.c - the posting rules (see policy.h and listpipe(5)).
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "list/policy.h"

const char *const verdict_names[] = {
	[VERDICT_ACCEPT] = "accept", [VERDICT_REJECT] = "reject",
	[VERDICT_DISCARD] = "discard", [VERDICT_HOLD] = "hold",
};

/* field_word - the field's value up to the first ';', '(' or blank,
 * lower-cased, into buf ("" when absent) */
static void field_word(const struct headers *hd, const char *name, char *buf,
		       size_t size)
{
	int	i = headers_find(hd, name, 0);
	char   *v;
	size_t	n;

	buf[0] = 0;
	if (i < 0)
		return;
	v = headers_value(hd, i);
	n = strcspn(v, "; \t(");
	if (n >= size)
		n = size - 1;
	for (size_t k = 0; k < n; k++)
		buf[k] = g_ascii_tolower(v[k]);
	buf[n] = 0;
	g_free(v);
}

const char *policy_automatic(const char *sender, const struct headers *hd,
			     unsigned roles)
{
	char	w[64];

	if (roles & ROLE_LIST)
		return NULL;
	if (sender == NULL || *sender == 0)
		return "null envelope sender";
	field_word(hd, "Auto-Submitted", w, sizeof(w));
	if (*w && strcmp(w, "no") != 0)
		return "Auto-Submitted";
	field_word(hd, "Precedence", w, sizeof(w));
	if (!(roles & ROLE_UPSTREAM) && (strcmp(w, "bulk") == 0
	    || strcmp(w, "junk") == 0 || strcmp(w, "list") == 0))
		return "Precedence bulk, junk or list";
	field_word(hd, "Content-Type", w, sizeof(w));
	if (strcmp(w, "multipart/report") == 0)
		return "a delivery or other report (multipart/report)";
	return NULL;
}

int policy_holds(const struct list *l)
{
	return l->policy == POLICY_MODERATED || l->refused == ACTION_HOLD;
}

/* refuse - the list's action for a post its policy does not accept */
static void refuse(const struct list *l, enum list_action action,
		   const char *who, struct decision *d)
{
	d->verdict = action == ACTION_HOLD ? VERDICT_HOLD
		   : action == ACTION_DISCARD ? VERDICT_DISCARD : VERDICT_REJECT;
	d->outcome = OUTCOME_REFUSED;
	if (snprintf(d->reason, sizeof(d->reason), "<%s>: only %s may post "
		     "to this list; write to <%s> to ask", l->address, who,
		     l->owner) >= (int)sizeof(d->reason))
		g_strlcpy(d->reason, "only some addresses may post to this "
			  "list", sizeof(d->reason));
}

void policy_decide(const struct list *l, const struct post_facts *f,
		   struct decision *d)
{
	unsigned r = f->roles;

	memset(d, 0, sizeof(*d));
	d->verdict = VERDICT_ACCEPT;
	d->outcome = OUTCOME_OK;
	if (r & ROLE_LIST) {
		g_strlcpy(d->reason, "distributed by a list it is a member of",
			  sizeof(d->reason));
		return;
	}
	if (f->automatic) {
		/* Never rejected: a bounce would answer an auto-reply. */
		d->verdict = policy_holds(l) ? VERDICT_HOLD : VERDICT_DISCARD;
		snprintf(d->reason, sizeof(d->reason), "automatic mail (%s)",
			 f->automatic);
		return;
	}
	if (l->max_size > 0 && f->size > l->max_size) {
		d->verdict = l->oversize == ACTION_HOLD ? VERDICT_HOLD
							: VERDICT_REJECT;
		d->outcome = OUTCOME_TOO_BIG;
		if (snprintf(d->reason, sizeof(d->reason), "<%s>: message of "
			     "%lld bytes is over the list's limit of %lld "
			     "bytes; send a smaller one", l->address, f->size,
			     l->max_size) >= (int)sizeof(d->reason))
			g_strlcpy(d->reason, "message over the list's size "
				  "limit", sizeof(d->reason));
		return;
	}
	switch (l->policy) {
	case POLICY_OPEN:
		break;
	case POLICY_MEMBERS:
		if (!(r & (ROLE_MEMBER | ROLE_OWNER | ROLE_MODERATOR | ROLE_POSTER)))
			refuse(l, l->refused, "members", d);
		break;
	case POLICY_MODERATED:
		/* Moderated means held: the refused action does not apply. */
		if (!(r & (ROLE_OWNER | ROLE_MODERATOR | ROLE_POSTER))) {
			d->verdict = VERDICT_HOLD;
			snprintf(d->reason, sizeof(d->reason),
				 "<%s>: the list is moderated", l->address);
		}
		break;
	case POLICY_ANNOUNCE:
		if (!(r & (ROLE_OWNER | ROLE_MODERATOR | ROLE_POSTER)))
			refuse(l, l->refused, "its owners, moderators and "
			       "posters", d);
		break;
	}
}

int policy_own_copy(const struct list *l, const char *sender)
{
	size_t	plen = strlen(l->local) + strlen("-bounces");
	const char *at = strrchr(sender, '@');

	if (at == NULL || g_ascii_strcasecmp(at + 1, l->domain) != 0
	    || (size_t)(at - sender) < plen
	    || g_ascii_strncasecmp(sender, l->local, strlen(l->local)) != 0
	    || g_ascii_strncasecmp(sender + strlen(l->local), "-bounces",
				   strlen("-bounces")) != 0)
		return 0;
	return sender + plen == at || sender[plen] == '+';
}

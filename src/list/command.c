/*
 * command.c - read the command in a mail to list-request@.
 */
#include <string.h>

#include <glib.h>

#include "list/command.h"

const char *const command_names[] = {
	[COMMAND_NONE] = "none", [COMMAND_HELP] = "help",
	[COMMAND_SUBSCRIBE] = "subscribe", [COMMAND_UNSUBSCRIBE] = "unsubscribe",
	[COMMAND_CONFIRM] = "confirm", [COMMAND_APPROVE] = "approve",
	[COMMAND_TRUST] = "trust", [COMMAND_REJECT] = "reject",
	[COMMAND_DISCARD] = "discard", [COMMAND_WITHDRAW] = "withdraw",
};

#define NKINDS (sizeof(command_names) / sizeof(*command_names))

int command_needs_token(enum command_kind kind)
{
	return kind >= COMMAND_CONFIRM;
}

/* skip_reply_prefixes - past "Re: Fwd: AW: SV: Fw:" in any number */
static const char *skip_reply_prefixes(const char *s)
{
	static const char *const prefixes[] = {"re:", "fwd:", "fw:", "aw:",
					       "sv:", "wg:"};

	for (;;) {
		size_t	i;

		while (*s == ' ' || *s == '\t')
			s++;
		for (i = 0; i < G_N_ELEMENTS(prefixes); i++)
			if (g_ascii_strncasecmp(s, prefixes[i],
						strlen(prefixes[i])) == 0)
				break;
		if (i == G_N_ELEMENTS(prefixes))
			return s;
		s += strlen(prefixes[i]);
	}
}

int command_parse_line(const char *line, struct command *c)
{
	const char *p = skip_reply_prefixes(line);
	const char *w;
	size_t	n;
	size_t	k;

	memset(c, 0, sizeof(*c));
	if (*p == '/')
		p++;
	w = p;
	while (g_ascii_isalpha(*p))
		p++;
	n = (size_t)(p - w);
	if (n == 0 || (*p && *p != ' ' && *p != '\t' && *p != '\r'))
		return 0;
	for (k = 1; k < NKINDS; k++)
		if (strlen(command_names[k]) == n
		    && g_ascii_strncasecmp(w, command_names[k], n) == 0)
			break;
	if (k == NKINDS)
		return 0;
	c->kind = (enum command_kind)k;
	while (*p == ' ' || *p == '\t')
		p++;
	if (command_needs_token(c->kind)) {
		struct token t;

		w = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r')
			p++;
		n = (size_t)(p - w);
		if (n > 0 && n < sizeof(c->token)) {
			memcpy(c->token, w, n);
			c->token[n] = 0;
			/* Not a token: it is part of the reason. */
			if (token_parse(c->token, &t) < 0) {
				c->token[0] = 0;
				p = w;
			}
		}
		while (*p == ' ' || *p == '\t')
			p++;
	} else if (*p && *p != '\r') {
		/* "subscribe me please" is a sentence, not a command */
		return 0;
	}
	g_strlcpy(c->reason, p, sizeof(c->reason));
	g_strchomp(c->reason);
	return 1;
}

/* body_command - the first command among the first body lines */
static int body_command(const char *body, struct command *c)
{
	gchar **lines = g_strsplit(body, "\n", -1);
	int	seen = 0;
	int	found = 0;

	for (gchar **l = lines; *l && !found && seen < COMMAND_BODY_LINES; l++) {
		char   *line = g_strstrip(*l);

		if (strcmp(*l, "--") == 0 || g_str_has_prefix(*l, "-- "))
			break;
		if (*line == 0 || *line == '>')
			continue;
		seen++;
		found = command_parse_line(line, c);
	}
	g_strfreev(lines);
	return found;
}

void command_find(const char *subject, const char *body, struct command *c)
{
	struct command s;
	int	have_subject = subject && command_parse_line(subject, &s);

	if (body && body_command(body, c)) {
		if (command_needs_token(c->kind) && !*c->token && have_subject)
			g_strlcpy(c->token, s.token, sizeof(c->token));
		return;
	}
	if (have_subject) {
		*c = s;
		return;
	}
	memset(c, 0, sizeof(*c));
	c->kind = COMMAND_NONE;
}

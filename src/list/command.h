/*
 * command.h - what a mail to list-request@ asks for.
 *
 * A command is a line "[/]WORD [TOKEN] [REST]", in any case, in the
 * Subject (after any "Re:", "Fwd:", "AW:" or "SV:") or among the first
 * lines of the body (quoted lines and everything after a "-- "
 * signature line skipped).  The body comes first: a moderator who
 * replies "reject" to a notice whose Subject says "approve TOKEN"
 * rejects, and a command word in the body without a token takes the one
 * in the Subject.
 */
#ifndef LISTPIPE_COMMAND_H
#define LISTPIPE_COMMAND_H

#include "common/token.h"

enum command_kind {
	COMMAND_NONE,		/* nothing recognised: the answer is help */
	COMMAND_HELP,
	COMMAND_SUBSCRIBE,
	COMMAND_UNSUBSCRIBE,
	COMMAND_CONFIRM,	/* TOKEN */
	COMMAND_APPROVE,	/* TOKEN */
	COMMAND_TRUST,		/* TOKEN: approve, and the author may post */
	COMMAND_REJECT,		/* TOKEN [reason] */
	COMMAND_DISCARD,	/* TOKEN */
	COMMAND_WITHDRAW,	/* TOKEN */
};

extern const char *const command_names[];

/* How many body lines are looked at (not counting empty and quoted). */
#define COMMAND_BODY_LINES 10

struct command {
	enum command_kind kind;
	char	token[TOKEN_MAX];	/* "" when none was given */
	char	reason[300];		/* the rest of the line, for reject */
};

/* command_parse_line - one line; 1 when it is a command, else 0 */
int	command_parse_line(const char *line, struct command *c);

/* command_find - the command of a request from its decoded Subject
 * (or NULL) and the text of its first body part (or NULL) */
void	command_find(const char *subject, const char *body,
		     struct command *c);

/* command_needs_token - confirm, approve, trust, reject, discard, withdraw */
int	command_needs_token(enum command_kind kind);

#endif

/*
 * texts.h - the mail listpipe writes itself: help, confirmations,
 * moderation notices, answers to commands.
 *
 * Every text is one entry of one table in texts.c, so an operator who
 * wants to know what listpipe says (or to reword it) finds it all in
 * one place; `listctl texts` prints the table.  A text is a subject and a
 * body with {variables}; texts_expand() fills them in, and compose()
 * (compose.h) makes a message of the result.
 *
 * The variables, and what the caller puts in them:
 *   {list}     the list's address            {request}  LIST-request@...
 *   {owner}    LIST-owner@...                {address}  a (would-be) member
 *   {token}    the token a command needs     {days}     how long it is valid
 *              (in member_disabled: the list's bounce_days)
 *   {sender}   a held post's author          {subject}  a held post's subject
 *   {size}     a held post's size            {reason}   why held / rejected
 *   {id}       a held post's id for listctl  {command}  a command as sent
 *   {result}   what the command did
 *   {score}    a member's bounce score       {limit}    the list's bounce_limit
 *   {status}   a bounce's status code        {diagnostic}  and its text
 *   {file}     a stored bounce               {report}   listctl report's lines
 *   {since}    "since <time>" or "so far"
 *   {description}  the list's description (its address when it has none)
 *
 * Texts a correspondent answers by replying carry the command in their
 * subject ("confirm {token}", "approve {token}", "withdraw {token}"):
 * the robot reads a Subject as a command line, so a plain Reply works.
 */
#ifndef LISTPIPE_TEXTS_H
#define LISTPIPE_TEXTS_H

#include <stddef.h>

/* One text listpipe sends: a subject and a body template. */
struct text {
	const char *name;
	const char *subject;
	const char *body;		/* lines end with \n */
};

/* texts_builtin - the built-in text called name, or NULL */
const struct text *texts_builtin(const char *name);

/* texts_all - the table, for `listctl texts`; *n set to its length */
const struct text *texts_all(size_t *n);

/* A variable for texts_expand. */
struct text_var {
	const char *name;
	const char *value;		/* NULL counts as "" */
};

/*
 * texts_expand - template with every {name} whose name is in vars
 * (NULL-terminated by name == NULL; vars itself may be NULL) replaced by
 * its value; an unknown {x} and a lone brace stay as they are; values
 * are inserted as they are (never expanded again).  g_free() the result.
 */
char   *texts_expand(const char *template, const struct text_var *vars);

#endif

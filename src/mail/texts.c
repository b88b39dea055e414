/*
 * texts.c - the built-in texts, and filling in their variables.
 *
 * Written for the person who gets them: what happened, in one sentence,
 * then what to do next.  Plain ASCII, lines of at most 72 characters, so
 * they read the same in every mail program.  Commands are quoted exactly
 * as they must be sent.
 */
#include <string.h>

#include <glib.h>

#include "mail/texts.h"

static const struct text texts[] = {
	{"help", "Help for {list}",
	 "This is the mail robot of the {list} mailing list.\n"
	 "It understands these commands:\n"
	 "\n"
	 "  subscribe        join the list\n"
	 "  unsubscribe      leave the list\n"
	 "  help             send this message\n"
	 "  confirm TOKEN    confirm a request; TOKEN is in the message\n"
	 "                   that asked you to confirm\n"
	 "\n"
	 "Send commands to {request}, in the Subject or on the\n"
	 "first lines of the message, one command a line.  A leading\n"
	 "slash is fine: \"/subscribe\" works as well as \"subscribe\".\n"
	 "\n"
	 "If something does not work, write to the list owner: {owner}\n"},

	{"subscribe_closed", "Subscription to {list} is closed",
	 "The {list} mailing list does not take subscriptions by mail,\n"
	 "so you were not added.\n"
	 "\n"
	 "If you would like to join, write to the list owner: {owner}\n"},

	{"confirm_subscribe", "confirm {token}",
	 "Someone, probably you, asked to subscribe {address}\n"
	 "to the {list} mailing list.\n"
	 "\n"
	 "To confirm, reply to this message, or send this line as the\n"
	 "Subject of a message to {request}:\n"
	 "\n"
	 "  confirm {token}\n"
	 "\n"
	 "This request is valid for {days} days.  If you did not ask to\n"
	 "subscribe, ignore this message: nothing will happen.\n"},

	{"confirm_unsubscribe", "confirm {token}",
	 "Someone, probably you, asked to remove {address}\n"
	 "from the {list} mailing list.\n"
	 "\n"
	 "To confirm, reply to this message, or send this line as the\n"
	 "Subject of a message to {request}:\n"
	 "\n"
	 "  confirm {token}\n"
	 "\n"
	 "This request is valid for {days} days.  If you did not ask to\n"
	 "leave, ignore this message: you stay subscribed.\n"},

	{"welcome", "Welcome to {list}",
	 "{address} is now subscribed to the {list} mailing list.\n"
	 "\n"
	 "To post, send your message to {list}.\n"
	 "\n"
	 "To unsubscribe, send \"unsubscribe\" to {request}.\n"
	 "For the other commands, send \"help\" to the same address.\n"},

	{"goodbye", "You have left {list}",
	 "{address} is no longer subscribed to the {list} mailing\n"
	 "list and will get no more posts from it.\n"
	 "\n"
	 "To subscribe again, send \"subscribe\" to {request}.\n"},

	{"already_member", "You are already subscribed to {list}",
	 "{address} is already subscribed to the {list} mailing\n"
	 "list, so nothing was changed.\n"
	 "\n"
	 "To unsubscribe, send \"unsubscribe\" to {request}.\n"},

	{"not_member", "You are not subscribed to {list}",
	 "{address} is not subscribed to the {list} mailing list,\n"
	 "so nothing was changed.\n"
	 "\n"
	 "If you are subscribed under another address, send\n"
	 "\"unsubscribe\" from that address.  To subscribe, send\n"
	 "\"subscribe\" to {request}.\n"},

	{"subscribe_pending", "Your subscription to {list} awaits approval",
	 "Thank you: you confirmed that {address} wants to join\n"
	 "the {list} mailing list.\n"
	 "\n"
	 "The moderators of {list} decide who may join.  There is\n"
	 "nothing more for you to do: if they accept you, a welcome\n"
	 "message follows.\n"},

	/* The subject is the approve command itself, so that a moderator's
	 * plain Reply approves.  The post's own subject goes in the body. */
	{"moderate_post", "approve {token}",
	 "A post to {list} is held for moderation.\n"
	 "\n"
	 "  From:    {sender}\n"
	 "  Subject: {subject}\n"
	 "  Size:    {size}\n"
	 "  Reason:  {reason}\n"
	 "\n"
	 "The post is attached.  To approve it, just reply to this\n"
	 "message.  Otherwise reply with one of these commands as the\n"
	 "first line of your reply, or send it to {request}:\n"
	 "\n"
	 "  approve {token}\n"
	 "      send the post to the list\n"
	 "  trust {token}\n"
	 "      send it, and let {sender} post without\n"
	 "      moderation from now on\n"
	 "  reject {token} REASON\n"
	 "      refuse it; the REASON, if you give one, is sent to the\n"
	 "      poster\n"
	 "  discard {token}\n"
	 "      drop it without telling the poster\n"
	 "\n"
	 "On the server, the same is done with\n"
	 "\n"
	 "  listctl release {id}\n"
	 "  listctl reject {id}\n"
	 "  listctl discard {id}\n"
	 "\n"
	 "If nobody decides, the post expires in {days} days.\n"},

	{"moderate_subscribe", "approve {token}",
	 "{address} asks to join the {list} mailing list.\n"
	 "\n"
	 "To let them in, just reply to this message.  Otherwise reply\n"
	 "with one of these commands as the first line of your reply, or\n"
	 "send it to {request}:\n"
	 "\n"
	 "  approve {token}\n"
	 "      subscribe {address}\n"
	 "  reject {token}\n"
	 "      refuse the request\n"
	 "  discard {token}\n"
	 "      drop the request\n"},

	/* A plain Reply withdraws: the text says so, so that nobody
	 * answers "thanks" and loses their post. */
	{"held", "withdraw {token}",
	 "Your post \"{subject}\" to {list} is waiting for a\n"
	 "moderator ({reason}).\n"
	 "\n"
	 "You need not do anything: a moderator will either send it\n"
	 "to the list or reject it.\n"
	 "\n"
	 "To withdraw the post, reply to this message, or send\n"
	 "\"withdraw {token}\" to {request}.  A reply withdraws\n"
	 "it, so do not reply if you want the post to go out.\n"},

	{"rejected", "Your post to {list} was rejected",
	 "A moderator of {list} rejected your post \"{subject}\".\n"
	 "It was not sent to the list.\n"
	 "\n"
	 "Reason: {reason}\n"
	 "\n"
	 "You may post again once the reason no longer applies.\n"},

	{"done", "Your command to {list}",
	 "{command}: {result}\n"
	 "\n"
	 "For the list of commands, send \"help\" to {request}.\n"},

	{"bad_token", "Your command to {list} was not accepted",
	 "The token in your command was not accepted: {reason}.\n"
	 "Nothing was changed.\n"
	 "\n"
	 "Copy the token from the most recent message we sent you, or\n"
	 "start again: send \"help\" to {request} for the commands.\n"},

	{"member_disabled", "{address} no longer gets mail from {list}",
	 "Mail to {address} has failed for good on {score} days\n"
	 "(the limit for {list} is {limit} within {days} days), so\n"
	 "listpipe stopped sending it the list's posts.  The member is\n"
	 "disabled, not removed.\n"
	 "\n"
	 "The last failure: {status} {diagnostic}\n"
	 "The bounce is stored as {file}.\n"
	 "\n"
	 "Once the address works again, enable it with\n"
	 "\n"
	 "  listctl enable {list} {address}\n"
	 "\n"
	 "which also sets its bounce score back to 0.\n"},

	{"report", "Report for {list}",
	 "What happened on the {list} mailing list {since}:\n"
	 "\n"
	 "{report}"
	 "\n"
	 "listctl bounces {list} lists every bounce; listctl held\n"
	 "{list} the posts that wait for a moderator.\n"},
};

const struct text *texts_builtin(const char *name)
{
	for (size_t i = 0; i < G_N_ELEMENTS(texts); i++)
		if (strcmp(texts[i].name, name) == 0)
			return &texts[i];
	return NULL;
}

const struct text *texts_all(size_t *n)
{
	*n = G_N_ELEMENTS(texts);
	return texts;
}

/* lookup - the value of the variable called name[0..len), or NULL */
static const struct text_var *lookup(const struct text_var *vars,
				     const char *name, size_t len)
{
	for (; vars && vars->name; vars++)
		if (strlen(vars->name) == len
		    && memcmp(vars->name, name, len) == 0)
			return vars;
	return NULL;
}

char *texts_expand(const char *template, const struct text_var *vars)
{
	GString *out = g_string_new(NULL);
	const char *p = template ? template : "";

	while (*p) {
		const char *open = strchr(p, '{');
		const char *name, *end;
		const struct text_var *v;

		if (open == NULL) {
			g_string_append(out, p);
			break;
		}
		g_string_append_len(out, p, open - p);
		name = open + 1;
		end = name + strcspn(name, "{}");
		/* "{{list}": the first brace is lone, the second opens a
		 * name; anything not a known name is copied as it is. */
		if (*end == '}'
		    && (v = lookup(vars, name, (size_t)(end - name))) != NULL) {
			g_string_append(out, v->value ? v->value : "");
			p = end + 1;
		} else {
			g_string_append_c(out, '{');
			p = name;
		}
	}
	return g_string_free(out, FALSE);
}

/*
 * request_fuzz.c - libFuzzer target for what the -request robot and the
 * posting policy read from a stranger's mail: the header block (From:,
 * Auto-Submitted, Precedence, Content-Type), the first text part, the
 * command line and a token.
 *
 * Properties checked besides "no crash, no sanitizer report": a command
 * that needs a token carries either none or one token_parse accepts; a
 * From: address found is one a member row could hold.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <glib.h>

#include "common/address.h"
#include "common/log.h"
#include "common/token.h"
#include "list/command.h"
#include "list/policy.h"
#include "mail/bodytext.h"
#include "mail/headers.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct headers hd;
	struct status st;
	struct command c;
	struct token t;
	struct spool sp = {0};
	char	author[ADDRESS_MAX];
	const char *why;
	char   *head, *subject = NULL, *body;
	int	fd;

	if (!ready) {
		log_open(LOG_TO_FILE, "/dev/null", "FUZZ", 0);
		headers_init();
		ready = 1;
	}
	head = malloc(size + 1);
	memcpy(head, data, size);
	head[size] = 0;
	/* The first text part, read the way the robot reads it: from a
	 * spooled file. */
	fd = memfd_create("request", 0);
	if (fd >= 0 && write(fd, data, size) == (ssize_t)size) {
		sp.fd = fd;
		sp.size = (off_t)size;
		body = bodytext_first(&sp);
	} else {
		body = NULL;
	}
	if (fd >= 0)
		close(fd);
	if (headers_parse(&hd, head, size, (off_t)size, &st) == 0) {
		int	i = headers_find(&hd, "Subject", 0);

		if (i >= 0)
			subject = headers_value(&hd, i);
		if (headers_from_address(&hd, author, sizeof(author)) == 0
		    && address_check_member(author, &why) < 0)
			abort();
		(void)policy_automatic("x@example.com", &hd, 0);
		headers_free(&hd);
	}
	command_find(subject, body, &c);
	if (command_needs_token(c.kind) && *c.token
	    && token_parse(c.token, &t) < 0)
		abort();
	/* The raw input as one command line and as a token. */
	(void)command_parse_line(head, &c);
	(void)token_parse(head, &t);
	g_free(subject);
	g_free(body);
	free(head);
	return 0;
}

/*
 * headers_fuzz.c - libFuzzer target for everything listpipe does with
 * untrusted bytes: find and parse the header block, check the loop guard,
 * tag the subject and build the list copy's header block.
 *
 * Properties checked besides "no crash, no sanitizer report": what we
 * write is itself a well-formed header block that parses back with one
 * List-Id, and has no bare CR or LF that could start a new field.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "mail/headers.h"
#include "common/log.h"
#include "mail/dkim.h"
#include "mail/rewrite.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct headers hd, again;
	struct status st;
	struct list list = {
		.address = "team@lists.example.org", .local = "team",
		.domain = "lists.example.org", .name = "team",
		.bounces = "team-bounces@lists.example.org",
		.request = "team-request@lists.example.org",
		.owner = "team-owner@lists.example.org",
		.description = "T\xc3\xab" "am talk", .subject_prefix = "[team]",
		.reply_to = "list",
	};
	char   *head, *out;
	size_t	len;

	if (!ready) {
		log_open(LOG_TO_FILE, "/dev/null", "FUZZ", 0);
		headers_init();
		ready = 1;
	}
	head = malloc(size + 1);
	memcpy(head, data, size);
	head[size] = 0;
	if (headers_parse(&hd, head, size, (off_t)size, &st) == 0) {
		(void)headers_has_loop(&hd, list.address);
		if (rewrite_list_copy(&hd, &list, NULL, &out, &len, NULL, &st) == 0) {
			if (strlen(out) != len)
				abort();	/* a NUL crept into the block */
			if (headers_parse(&again, out, len, (off_t)len, &st) != 0
			    || again.body != (off_t)len
			    || headers_find(&again, "List-Id", 0) < 0
			    || headers_find(&again, "List-Id",
					    headers_find(&again, "List-Id", 0) + 1) >= 0)
				abort();	/* our output is not a header block */
			headers_free(&again);
			g_free(out);
		}
		/* The same with the poster's signatures respected, From
		 * rewritten, the poster's Reply-To kept and fields stripped:
		 * still one well-formed header block. */
		{
			struct dkim_cover c;
			struct rewrite_options opt = {&c, 1};
			struct rewrite_report rep;
			struct list l2 = list;

			l2.reply_to_strip = 0;
			l2.strip_headers = "X-Spam-* Return-Receipt-To";
			dkim_cover_read(&hd, &c);
			if (rewrite_list_copy(&hd, &l2, &opt, &out, &len, &rep,
					      &st) == 0) {
				if (strlen(out) != len
				    || headers_parse(&again, out, len, (off_t)len,
						     &st) != 0
				    || again.body != (off_t)len)
					abort();
				headers_free(&again);
				g_free(out);
				g_free(rep.kept);
			}
			dkim_cover_free(&c);
		}
		headers_free(&hd);
	}
	free(head);
	return 0;
}

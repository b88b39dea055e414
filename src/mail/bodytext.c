/*
 * bodytext.c - find and decode the first plain text part with GMime.
 */
#include <string.h>

#include <gmime/gmime.h>

#include "common/io.h"
#include "mail/bodytext.h"

/* first_plain - depth first: the first text/plain leaf that is not an
 * attachment */
static GMimeTextPart *first_plain(GMimeObject *obj)
{
	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);

		for (int i = 0; i < g_mime_multipart_get_count(mp); i++) {
			GMimeTextPart *t = first_plain(
				g_mime_multipart_get_part(mp, i));

			if (t)
				return t;
		}
		return NULL;
	}
	if (GMIME_IS_TEXT_PART(obj)
	    && g_mime_content_type_is_type(g_mime_object_get_content_type(obj),
					   "text", "plain")
	    && !g_mime_part_is_attachment(GMIME_PART(obj)))
		return GMIME_TEXT_PART(obj);
	return NULL;
}

char *bodytext_first(const struct spool *sp)
{
	size_t	len = sp->size - sp->start < BODYTEXT_MAX
		      ? (size_t)(sp->size - sp->start) : BODYTEXT_MAX;
	char   *buf = g_malloc(len + 1);
	ssize_t	n = io_pread_all(sp->fd, buf, len, sp->start);
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *msg;
	GMimeTextPart *part;
	char   *text = NULL;

	if (n < 0) {
		g_free(buf);
		return NULL;
	}
	stream = g_mime_stream_mem_new_with_buffer(buf, (size_t)n);
	g_free(buf);
	parser = g_mime_parser_new_with_stream(stream);
	g_object_unref(stream);
	msg = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	if (msg == NULL)
		return NULL;
	part = first_plain(g_mime_message_get_mime_part(msg));
	if (part)
		text = g_mime_text_part_get_text(part);
	g_object_unref(msg);
	if (text) {
		/* CRLF to LF, and nothing that is not UTF-8 */
		char   *valid = g_utf8_make_valid(text, -1);
		char   *w = valid;

		g_free(text);
		for (const char *r = valid; *r; r++)
			if (*r != '\r')
				*w++ = *r;
		*w = 0;
		text = valid;
	}
	return text;
}

/*
 * compose.c - build listpipe's own messages with GMime.
 *
 * GMime builds the structure: the MIME parts and their boundary, Date,
 * Message-ID, MIME-Version.  The fields that carry a caller's strings
 * (From, To, Subject, the thread fields) are made by field.c and set as
 * the field's raw value, which GMime writes as it is: GMime 3.2's own
 * encoder passes text that looks like an encoded word through and can
 * fold a long subject into column 0 (see field.h), and a stranger's
 * subject must not get to start a line of the header block.
 *
 * The file is written through stdio because its error flag is sticky.
 * GMimeStreamFs reports a write that fills the disk half-way as a short
 * count, and GMime's writers only look for -1, so the last such write
 * of a message would go unnoticed; ferror() after fflush() sees them all.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <gmime/gmime.h>

#include "common/address.h"
#include "common/text.h"
#include "mail/compose.h"
#include "mail/field.h"

/* What would make an address something else in a header field: a
 * quoted or escaped local part, a comment, angle brackets, a group or a
 * second address. */
#define ADDRESS_SPECIALS "\"\\()<>,;:"
/* What would make a msg-id read as more or less than one. */
#define MSGID_SPECIALS	"\"\\()<>"
/* No mail program makes longer ids; a longer one is not worth keeping. */
#define MSGID_MAX	250
/* The answered References come from a stranger: keep the first (the
 * thread's root) and the most recent ones, as RFC 5322 section 3.6.4
 * suggests, so that a notice never carries kilobytes of ids. */
#define REFERENCES_MAX	20
/* A subject or display name is cut here rather than refused: a
 * stranger's subject quoted in an operator's text could otherwise make
 * a header block longer than spool.c reads as one (SPOOL_HEAD_MAX), and
 * the notice would be deferred for ever. */
#define TEXT_FIELD_MAX	500

/* plain_token - 1 to max printable ASCII characters, none of them a
 * blank or one of specials */
static int plain_token(const char *s, size_t max, const char *specials)
{
	size_t	len;

	for (len = 0; s[len]; len++) {
		unsigned char ch = (unsigned char)s[len];

		if (ch <= ' ' || ch >= 0x7f || strchr(specials, ch) != NULL)
			return 0;
	}
	return len > 0 && len <= max;
}

/* check_address - value is one plain user@domain (want_at) or a plain
 * domain; else 4.3.0 naming what, with the value made printable */
static int check_address(const char *what, const char *value, int want_at,
			 struct status *st)
{
	const char *at = value ? strchr(value, '@') : NULL;
	const char *why = NULL;
	char	shown[72];

	if (value == NULL || *value == 0)
		why = "missing";
	else if (!plain_token(value, ADDRESS_PATH_MAX, ADDRESS_SPECIALS))
		why = "not a plain address";
	else if (want_at && (at == NULL || at == value || at[1] == 0
			     || strchr(at + 1, '@') != NULL))
		why = "not user@domain";
	else if (!want_at && at != NULL)
		why = "not a domain";
	if (why == NULL)
		return 0;
	/* A truncated value is still enough to find it. */
	if (snprintf(shown, sizeof(shown), "%s", value ? value : "") < 0)
		shown[0] = 0;
	text_scrub(shown, strlen(shown), '?');
	return status_temp(st, "4.3.0", "listpipe: compose: %s \"%s\": %s",
			   what, shown, why);
}

/* clean_line - text for one field: valid UTF-8, controls as spaces,
 * no blanks around it, at most TEXT_FIELD_MAX characters */
static char *clean_line(const char *text)
{
	char   *v = g_utf8_make_valid(text ? text : "", -1);

	text_scrub(v, strlen(v), ' ');
	if (g_utf8_strlen(v, -1) > TEXT_FIELD_MAX)
		*g_utf8_offset_to_pointer(v, TEXT_FIELD_MAX) = 0;
	return g_strstrip(v);
}

/*
 * clean_body - the body as it will be sent: valid UTF-8, CRLF as LF,
 * other controls but tabs as spaces, a newline at the end.  *plain
 * says whether it can go as 7bit: ASCII only, no line over the RFC 5322
 * limit (the one header fields have).
 */
static GString *clean_body(const char *text, int *plain)
{
	char   *v = g_utf8_make_valid(text ? text : "", -1);
	GString *out = g_string_sized_new(strlen(v) + 1);
	size_t	line = 0;

	*plain = 1;
	for (const char *p = v; *p; p++) {
		unsigned char ch = (unsigned char)*p;

		if (ch == '\r' && p[1] == '\n')
			continue;
		if (ch == '\n') {
			line = 0;
		} else {
			line++;
			if (ch >= 0x80 || line > FIELD_LINE_MAX)
				*plain = 0;
			if (ch != '\t' && text_is_control(ch))
				ch = ' ';
		}
		g_string_append_c(out, (char)ch);
	}
	if (out->len == 0 || out->str[out->len - 1] != '\n')
		g_string_append_c(out, '\n');
	g_free(v);
	return out;
}

/*
 * put_field - "name: value" on obj, with the bytes field_append() made
 * and checked, as the field's raw value.  A field of that name that
 * GMime made (the From of g_mime_message_add_mailbox) keeps its place
 * and gets these bytes instead of GMime's.
 */
static int put_field(GMimeObject *obj, const char *name, const char *value,
		     struct status *st)
{
	GMimeHeaderList *list = g_mime_object_get_header_list(obj);
	GString *f = g_string_new(NULL);
	GMimeHeader *h;

	if (field_append(f, name, value, "\n") < 0) {
		g_string_free(f, TRUE);
		return status_temp(st, "4.3.0",
		    "listpipe: compose: the %s field cannot be written safely",
		    name);
	}
	if ((h = g_mime_header_list_get_header(list, name)) == NULL) {
		g_mime_object_append_header(obj, name, value, NULL);
		h = g_mime_header_list_get_header(list, name);
	}
	if (h == NULL) {
		g_string_free(f, TRUE);
		return status_temp(st, "4.3.0",
		    "listpipe: compose: GMime did not add the %s field", name);
	}
	/* The raw value is everything after the colon, newline included. */
	g_mime_header_set_raw_value(h, f->str + strlen(name) + 1);
	g_string_free(f, TRUE);
	return 0;
}

/* answered_id - the inside of the answered Message-ID, given with or
 * without <>, or NULL when there is none that can be written as it is */
static char *answered_id(const char *in_reply_to)
{
	char   *v = g_strstrip(g_strdup(in_reply_to));
	char   *id = NULL;

	if (strchr(v, '<') != NULL) {
		GMimeReferences *r = g_mime_references_parse(NULL, v);

		if (g_mime_references_length(r) > 0)
			id = g_strdup(g_mime_references_get_message_id(r, 0));
		g_mime_references_free(r);
	} else {
		id = g_strdup(v);
	}
	g_free(v);
	if (id && !plain_token(id, MSGID_MAX, MSGID_SPECIALS)) {
		g_free(id);
		id = NULL;
	}
	return id;
}

/*
 * put_thread - In-Reply-To and References for an answer: the answered
 * References, then the answered Message-ID, each as <id>.  Ids that
 * are not plain are left out: an answer that does not thread is better
 * than none.
 */
static int put_thread(GMimeObject *obj, const struct composition *c,
		      struct status *st)
{
	GPtrArray *ids = g_ptr_array_new_with_free_func(g_free);
	char   *answered = c->in_reply_to ? answered_id(c->in_reply_to) : NULL;
	GString *refs = g_string_new(NULL);
	int	rc = 0;

	if (c->references) {
		GMimeReferences *r = g_mime_references_parse(NULL,
							     c->references);

		for (int i = 0; i < g_mime_references_length(r); i++) {
			const char *id = g_mime_references_get_message_id(r, i);

			if (!plain_token(id, MSGID_MAX, MSGID_SPECIALS)
			    || (answered && strcmp(id, answered) == 0))
				continue;
			g_ptr_array_add(ids, g_strdup_printf("<%s>", id));
		}
		g_mime_references_free(r);
	}
	if (answered)
		g_ptr_array_add(ids, g_strdup_printf("<%s>", answered));
	if (ids->len > REFERENCES_MAX)
		g_ptr_array_remove_range(ids, 1, ids->len - REFERENCES_MAX);
	for (guint i = 0; i < ids->len; i++) {
		if (i > 0)
			g_string_append_c(refs, ' ');
		g_string_append(refs, ids->pdata[i]);
	}
	if (answered)
		rc = put_field(obj, "In-Reply-To",
			       g_ptr_array_index(ids, ids->len - 1), st);
	if (rc == 0 && refs->len > 0)
		rc = put_field(obj, "References", refs->str, st);
	g_string_free(refs, TRUE);
	g_ptr_array_free(ids, TRUE);
	g_free(answered);
	return rc;
}

/* put_fields - the top-level header fields, in GMime's order */
static int put_fields(GMimeMessage *msg, const struct composition *c,
		      struct status *st)
{
	GMimeObject *obj = (GMimeObject *)msg;
	char   *name = clean_line(c->from_name);
	char   *subject = clean_line(c->subject);
	char   *encoded = field_encode_text(subject);
	char   *from, *uuid, *id;
	GDateTime *now = g_date_time_new_now_local();
	int	rc = -1;

	if (now == NULL) {
		status_temp(st, "4.3.0", "listpipe: compose: no local time");
		goto done;
	}
	g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_FROM,
				   *name ? name : NULL, c->from);
	g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_TO, NULL, c->to);
	g_mime_message_set_subject(msg, subject, "utf-8");
	g_mime_message_set_date(msg, now);
	/* Random, so that nothing about the server or the moment can be
	 * learnt from it, and unique without any state kept. */
	uuid = g_uuid_string_random();
	id = g_strdup_printf("listpipe.%s@%s", uuid, c->domain);
	g_mime_message_set_message_id(msg, id);
	g_free(id);
	g_free(uuid);

	if (*name) {
		char   *phrase = field_encode_phrase(name);

		from = g_strdup_printf("%s <%s>", phrase, c->from);
		g_free(phrase);
	} else {
		from = g_strdup(c->from);
	}
	rc = put_field(obj, "From", from, st);
	g_free(from);
	if (rc == 0)
		rc = put_field(obj, "To", c->to, st);
	if (rc == 0)
		rc = put_field(obj, "Subject", encoded, st);
	if (rc == 0)
		rc = put_thread(obj, c, st);
	if (rc == 0)
		rc = put_field(obj, "Auto-Submitted", c->auto_submitted, st);
	/* Exchange and Outlook ignore Auto-Submitted but honour this. */
	if (rc == 0)
		rc = put_field(obj, "X-Auto-Response-Suppress", "All", st);
done:
	if (now)
		g_date_time_unref(now);
	g_free(encoded);
	g_free(subject);
	g_free(name);
	return rc;
}

/* text_part - the body as text/plain in UTF-8, 7bit when it can be.
 * Not g_mime_text_part_set_text(): that picks a charset of its own
 * (ISO-8859-1 for most European text). */
static GMimeObject *text_part(const char *body)
{
	GMimeTextPart *part = g_mime_text_part_new_with_subtype("plain");
	int	plain;
	GString *text = clean_body(body, &plain);
	GMimeStream *mem = g_mime_stream_mem_new_with_buffer(text->str,
							      text->len);
	GMimeDataWrapper *content = g_mime_data_wrapper_new_with_stream(mem,
	    GMIME_CONTENT_ENCODING_DEFAULT);

	g_mime_part_set_content((GMimePart *)part, content);
	g_mime_text_part_set_charset(part, "utf-8");
	g_mime_part_set_content_encoding((GMimePart *)part, plain
	    ? GMIME_CONTENT_ENCODING_7BIT
	    : GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
	g_object_unref(content);
	g_object_unref(mem);
	g_string_free(text, TRUE);
	return (GMimeObject *)part;
}

/*
 * attached_part - attach's message as message/rfc822, 8bit.  A plain
 * GMimePart over the spool, not a GMimeMessagePart: that would parse
 * the message and write it out again, changing bytes.  GMime copies a
 * part whose content is in the encoding the part declares as it is,
 * but for CRLF becoming LF.  The stream reads through a descriptor of
 * its own, which it closes.
 */
static GMimeObject *attached_part(const struct spool *attach,
				  struct status *st)
{
	GMimePart *part;
	GMimeStream *stream;
	GMimeDataWrapper *content;
	int	fd;

	if ((fd = fcntl(attach->fd, F_DUPFD_CLOEXEC, 0)) < 0) {
		status_temp(st, "4.3.0", "listpipe: compose: dup: %s",
			    strerror(errno));
		return NULL;
	}
	stream = g_mime_stream_fs_new_with_bounds(fd, attach->start,
						  attach->size);
	content = g_mime_data_wrapper_new_with_stream(stream,
	    GMIME_CONTENT_ENCODING_8BIT);
	part = g_mime_part_new_with_type("message", "rfc822");
	g_mime_part_set_content(part, content);
	g_mime_part_set_content_encoding(part, GMIME_CONTENT_ENCODING_8BIT);
	g_object_unref(content);
	g_object_unref(stream);
	return (GMimeObject *)part;
}

/* put_body - the text alone, or multipart/mixed with the text first */
static int put_body(GMimeMessage *msg, const struct composition *c,
		    struct status *st)
{
	GMimeObject *text = text_part(c->body);
	GMimeMultipart *mixed;
	GMimeObject *attached;

	if (c->attach == NULL) {
		g_mime_message_set_mime_part(msg, text);
		g_object_unref(text);
		return 0;
	}
	if ((attached = attached_part(c->attach, st)) == NULL) {
		g_object_unref(text);
		return -1;
	}
	mixed = g_mime_multipart_new_with_subtype("mixed");
	g_mime_multipart_add(mixed, text);
	g_mime_multipart_add(mixed, attached);
	g_mime_message_set_mime_part(msg, (GMimeObject *)mixed);
	g_object_unref(attached);
	g_object_unref(text);
	g_object_unref(mixed);
	return 0;
}

/* write_message - msg into fp, every write checked (see the top) */
static int write_message(GMimeMessage *msg, FILE *fp, const char *dir,
			 struct status *st)
{
	GMimeStream *stream = g_mime_stream_file_new(fp);
	int	err = 0;

	g_mime_stream_file_set_owner((GMimeStreamFile *)stream, FALSE);
	if (g_mime_object_write_to_stream((GMimeObject *)msg, NULL, stream) < 0)
		err = errno ? errno : EIO;
	if (fflush(fp) != 0 && err == 0)
		err = errno ? errno : EIO;
	/* An earlier write failed and the flush did not fail again: errno
	 * is still the best guess at why. */
	if (ferror(fp) && err == 0)
		err = errno ? errno : EIO;
	g_object_unref(stream);
	if (err)
		return status_temp(st, errno_dsn(err),
		    "listpipe: compose in %s: %s", dir, strerror(err));
	return 0;
}

/*
 * header_block_ok - every line up to the empty one starts a field or
 * continues one, and all of it is 7-bit: field_check() once more, over
 * what GMime wrote around our fields.
 */
static int header_block_ok(const char *head, size_t len)
{
	size_t	pos = 0;

	while (pos < len) {
		const char *line = head + pos;
		const char *lf = memchr(line, '\n', len - pos);
		size_t	n, i = 0;

		if (lf == NULL)
			return 0;
		if ((n = (size_t)(lf - line)) == 0)
			return pos > 0;
		if (line[0] == ' ' || line[0] == '\t') {
			if (pos == 0)
				return 0;
		} else {
			while (i < n && (unsigned char)line[i] > ' '
			       && (unsigned char)line[i] < 0x7f
			       && line[i] != ':')
				i++;
			if (i == 0 || i == n || line[i] != ':')
				return 0;
		}
		for (i = 0; i < n; i++)
			if ((text_is_control(line[i]) && line[i] != '\t')
			    || (unsigned char)line[i] >= 0x80)
				return 0;
		pos += n + 1;
	}
	return 0;
}

int compose(const struct composition *c, int dir_fd, const char *dir,
	    struct spool *out, struct status *st)
{
	GMimeMessage *msg = NULL;
	FILE   *fp = NULL;
	int	fd;
	int	rc = -1;

	memset(out, 0, sizeof(*out));
	out->fd = -1;
	if (check_address("sender", c->from, 1, st) < 0
	    || check_address("recipient", c->to, 1, st) < 0
	    || check_address("Message-ID domain", c->domain, 0, st) < 0)
		return -1;
	if (c->auto_submitted == NULL
	    || (strcmp(c->auto_submitted, "auto-generated") != 0
		&& strcmp(c->auto_submitted, "auto-replied") != 0))
		return status_temp(st, "4.3.0",
		    "listpipe: compose: Auto-Submitted must be auto-generated"
		    " or auto-replied");
	if (c->attach && (c->attach->fd < 0 || c->attach->start < 0
			  || c->attach->start > c->attach->size))
		return status_temp(st, "4.3.0",
		    "listpipe: compose: no message to attach");

	msg = g_mime_message_new(TRUE);
	if (put_fields(msg, c, st) < 0 || put_body(msg, c, st) < 0)
		goto done;
	if ((fd = spool_open_unlinked(dir_fd, dir, st)) < 0)
		goto done;
	if ((fp = fdopen(fd, "w+")) == NULL) {
		status_temp(st, "4.3.0", "listpipe: compose: fdopen: %s",
			    strerror(errno));
		close(fd);
		goto done;
	}
	if (write_message(msg, fp, dir, st) < 0)
		goto done;
	if (lseek(fileno(fp), 0, SEEK_SET) < 0) {
		status_temp(st, "4.3.0", "listpipe: compose: lseek: %s",
			    strerror(errno));
		goto done;
	}
	if (spool_read(out, dir_fd, dir, fileno(fp), st) < 0)
		goto done;
	if (!header_block_ok(out->head, out->head_len)) {
		spool_close(out);
		status_temp(st, "4.3.0",
		    "listpipe: compose: the header block came out malformed");
		goto done;
	}
	rc = 0;
done:
	/* Read from, or failed already: nothing buffered to lose. */
	if (fp)
		fclose(fp);
	g_object_unref(msg);
	return rc;
}

/*
 * compose_test.c - listpipe's own messages, read back with GMime: the
 * fields asked for, text that round-trips, no header line a stranger's
 * string could add, addresses refused rather than written, an attached
 * message byte for byte in flat memory, and a full disk reported.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <gmime/gmime.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/io.h"
#include "common/text.h"
#include "mail/compose.h"
#include "mail/headers.h"

static void setup(void)
{
	headers_init();
}

TestSuite(compose, .init = setup);

/* notice - a composition as the robot would make one */
static struct composition notice(void)
{
	return (struct composition){
		.from = "team-request@lists.example.org",
		.from_name = "Team robot",
		.to = "alice@example.net",
		.subject = "Help for team@lists.example.org",
		.body = "Send \"help\" to team-request@lists.example.org.\n",
		.auto_submitted = "auto-replied",
		.in_reply_to = NULL,
		.references = NULL,
		.domain = "lists.example.org",
		.attach = NULL,
	};
}

/* contents - the spooled message from its start */
static GString *contents(const struct spool *sp)
{
	GString *s = g_string_new(NULL);
	char	buf[65536];
	off_t	off = sp->start;
	ssize_t n;

	while ((n = pread(sp->fd, buf, sizeof(buf), off)) > 0) {
		g_string_append_len(s, buf, n);
		off += n;
	}
	cr_assert_eq(n, 0, "pread: %s", strerror(errno));
	return s;
}

/* composed - compose c into a string, failing the test on error */
static GString *composed(const struct composition *c)
{
	struct spool out;
	struct status st;
	GString *m;

	cr_assert_eq(compose(c, -1, "/tmp", &out, &st), 0, "%s", st.reason);
	m = contents(&out);
	cr_expect_eq(out.size - out.start, (off_t)m->len);
	spool_close(&out);
	return m;
}

static GMimeMessage *parse(const GString *m)
{
	GMimeStream *mem = g_mime_stream_mem_new_with_buffer(m->str, m->len);
	GMimeParser *parser = g_mime_parser_new_with_stream(mem);
	GMimeMessage *msg = g_mime_parser_construct_message(parser, NULL);

	g_object_unref(parser);
	g_object_unref(mem);
	cr_assert_not_null(msg, "GMime cannot parse:\n%s", m->str);
	return msg;
}

/* field - the decoded value of the parsed message's field name, or NULL */
static const char *field(GMimeMessage *msg, const char *name)
{
	return g_mime_object_get_header((GMimeObject *)msg, name);
}

/* header_len - the header block, up to and with its empty line */
static size_t header_len(const GString *m)
{
	const char *end = strstr(m->str, "\n\n");

	cr_assert_not_null(end, "no end of header block");
	return (size_t)(end - m->str) + 2;
}

/* bad_header_line - the first header line that neither starts a field
 * ("Name:") nor continues one, or NULL */
static const char *bad_header_line(const GString *m)
{
	size_t	len = header_len(m) - 1;

	for (size_t pos = 0; pos < len; ) {
		const char *line = m->str + pos;
		size_t	n = strcspn(line, "\n");
		size_t	i = 0;

		if (line[0] != ' ' && line[0] != '\t') {
			while (i < n && line[i] > ' ' && line[i] < 0x7f
			       && line[i] != ':')
				i++;
			if (i == 0 || i == n || line[i] != ':')
				return line;
		}
		pos += n + 1;
	}
	return NULL;
}

/* expect_only_fields - the parsed message has no field but these */
static void expect_only_fields(GMimeMessage *msg, const char *const *names)
{
	GMimeHeaderList *list = g_mime_object_get_header_list((GMimeObject *)msg);

	for (int i = 0; i < g_mime_header_list_get_count(list); i++) {
		const char *name = g_mime_header_get_name(
		    g_mime_header_list_get_header_at(list, i));
		int	found = 0;

		for (const char *const *n = names; *n; n++)
			found |= g_ascii_strcasecmp(*n, name) == 0;
		cr_expect(found, "unexpected field %s", name);
	}
}

static const char *const notice_fields[] = {
	"Date", "From", "To", "Subject", "Message-Id", "In-Reply-To",
	"References", "Auto-Submitted", "X-Auto-Response-Suppress",
	"MIME-Version", "Content-Type", "Content-Transfer-Encoding", NULL
};

static const char *id_at(GMimeReferences *refs, int i)
{
	return g_mime_references_get_message_id(refs, i);
}

/* spool_of - data as a spooled message, as Postfix would hand it over */
static void spool_of(struct spool *sp, const char *data, size_t len)
{
	struct status st;
	FILE   *f = tmpfile();

	cr_assert_not_null(f);
	cr_assert_eq(io_write_all(fileno(f), data, len), 0);
	cr_assert_eq(lseek(fileno(f), 0, SEEK_SET), 0);
	cr_assert_eq(spool_read(sp, -1, "/tmp", fileno(f), &st), 0, "%s",
		     st.reason);
	fclose(f);
}

/* in_child - run fn in a forked child (a clean memory measure, limits
 * that stay there); what it returns, "" for success, comes back.  The
 * child ends with _exit, so what fn allocates for its answer is not
 * worth freeing. */
static char *in_child(const char *(*fn)(void))
{
	int	fd[2];
	pid_t	pid;
	GString *said = g_string_new(NULL);
	char	buf[512];
	ssize_t n;
	int	status;

	cr_assert_eq(pipe(fd), 0);
	if ((pid = fork()) == 0) {
		const char *r = fn();

		close(fd[0]);
		_exit(io_write_all(fd[1], r, strlen(r)) == 0 ? 0 : 2);
	}
	cr_assert(pid > 0);
	close(fd[1]);
	while ((n = read(fd[0], buf, sizeof(buf))) > 0)
		g_string_append_len(said, buf, n);
	close(fd[0]);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		  "child died: status %d", status);
	return g_string_free(said, FALSE);
}

Test(compose, parsed_back_it_has_the_fields_asked_for)
{
	struct composition c = notice();
	GString *m;
	GMimeMessage *msg;
	InternetAddressList *from, *to;
	InternetAddress *a;
	GDateTime *date, *now = g_date_time_new_now_utc();

	c.in_reply_to = "<q1@example.net>";
	c.references = "<root@example.net> <p2@example.net>";
	m = composed(&c);
	msg = parse(m);
	from = g_mime_message_get_from(msg);
	to = g_mime_message_get_to(msg);
	cr_assert_eq(internet_address_list_length(from), 1);
	a = internet_address_list_get_address(from, 0);
	cr_expect_str_eq(internet_address_get_name(a), "Team robot");
	cr_expect_str_eq(internet_address_mailbox_get_addr(
	    (InternetAddressMailbox *)a), "team-request@lists.example.org");
	cr_assert_eq(internet_address_list_length(to), 1);
	cr_expect_str_eq(internet_address_mailbox_get_addr(
	    (InternetAddressMailbox *)internet_address_list_get_address(to, 0)),
	    "alice@example.net");
	cr_expect_str_eq(g_mime_message_get_subject(msg),
			 "Help for team@lists.example.org");
	date = g_mime_message_get_date(msg);
	cr_assert_not_null(date);
	cr_expect(llabs(g_date_time_difference(now, date))
		  < 300 * G_TIME_SPAN_SECOND);
	cr_expect(g_str_has_suffix(g_mime_message_get_message_id(msg),
				   "@lists.example.org"));
	cr_expect_str_eq(field(msg, "Auto-Submitted"), "auto-replied");
	cr_expect_str_eq(field(msg, "X-Auto-Response-Suppress"), "All");
	cr_expect_str_eq(field(msg, "MIME-Version"), "1.0");
	cr_expect_str_eq(field(msg, "In-Reply-To"), "<q1@example.net>");
	cr_expect_str_eq(field(msg, "References"),
			 "<root@example.net> <p2@example.net> <q1@example.net>");
	expect_only_fields(msg, notice_fields);
	g_date_time_unref(now);
	g_object_unref(msg);
	g_string_free(m, TRUE);
}

Test(compose, the_spool_is_ready_for_inject)
{
	struct composition c = notice();
	struct spool out;
	struct status st;
	int	dir = open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	cr_assert(dir >= 0);
	cr_assert_eq(compose(&c, dir, "/tmp", &out, &st), 0, "%s", st.reason);
	cr_expect(out.fd >= 0);
	cr_expect_eq(out.start, 0);
	cr_expect_str_eq(out.newline, "\n");
	cr_expect(out.size > 0 && (size_t)out.size == out.head_len);
	cr_expect(strncmp(out.head, "Date: ", 6) == 0
		  || strncmp(out.head, "From: ", 6) == 0, "%.40s", out.head);
	spool_close(&out);
	close(dir);
}

Test(compose, every_message_gets_its_own_message_id)
{
	struct composition c = notice();
	GString *m1 = composed(&c), *m2 = composed(&c);
	GMimeMessage *a = parse(m1), *b = parse(m2);

	cr_expect_str_neq(g_mime_message_get_message_id(a),
			  g_mime_message_get_message_id(b));
	g_object_unref(b);
	g_object_unref(a);
	g_string_free(m2, TRUE);
	g_string_free(m1, TRUE);
}

Test(compose, thread_ids_are_normalised_to_angle_brackets)
{
	struct composition c = notice();
	GString *m;
	GMimeMessage *msg;

	c.in_reply_to = "  q1@example.net ";
	c.references = "<root@example.net>\n\t<p2@example.net> (a comment)";
	m = composed(&c);
	msg = parse(m);
	cr_expect_str_eq(field(msg, "In-Reply-To"), "<q1@example.net>");
	cr_expect_str_eq(field(msg, "References"),
			 "<root@example.net> <p2@example.net> <q1@example.net>");
	g_object_unref(msg);
	g_string_free(m, TRUE);
}

Test(compose, no_answered_message_means_no_thread_fields)
{
	struct composition c = notice();
	GString *m = composed(&c);
	GMimeMessage *msg = parse(m);

	cr_expect_null(field(msg, "In-Reply-To"));
	cr_expect_null(field(msg, "References"));
	g_object_unref(msg);
	g_string_free(m, TRUE);
}

Test(compose, long_references_keep_the_root_and_the_latest)
{
	struct composition c = notice();
	GString *refs = g_string_new(NULL);
	GString *m;
	GMimeMessage *msg;
	GMimeReferences *back;

	for (int i = 0; i < 40; i++)
		g_string_append_printf(refs, "<r%d@example.net> ", i);
	c.references = refs->str;
	c.in_reply_to = "<q@example.net>";
	m = composed(&c);
	msg = parse(m);
	back = g_mime_references_parse(NULL, g_mime_object_get_header(
	    (GMimeObject *)msg, "References"));
	cr_expect_eq(g_mime_references_length(back), 20);
	/* 41 ids: the root, then the last 19 */
	cr_expect_str_eq(id_at(back, 0), "r0@example.net");
	cr_expect_str_eq(id_at(back, 1), "r22@example.net");
	cr_expect_str_eq(id_at(back, 18), "r39@example.net");
	cr_expect_str_eq(id_at(back, 19), "q@example.net");
	g_mime_references_free(back);
	g_object_unref(msg);
	g_string_free(m, TRUE);
	g_string_free(refs, TRUE);
}

Test(compose, non_ascii_subject_is_encoded)
{
	struct composition c = notice();
	const char *subject = "Grüße aus Köln: ½ € 日本語 — [team]";
	GString *m;
	GMimeMessage *msg;

	c.subject = subject;
	m = composed(&c);
	for (size_t i = 0; i < header_len(m); i++)
		cr_assert((unsigned char)m->str[i] < 0x80,
			  "8-bit byte in the header block at %zu", i);
	cr_expect(strstr(m->str, "Subject: =?UTF-8?Q?") != NULL, "%s", m->str);
	msg = parse(m);
	cr_expect_str_eq(g_mime_message_get_subject(msg), subject);
	g_object_unref(msg);
	g_string_free(m, TRUE);
}

Test(compose, non_ascii_display_name_is_encoded)
{
	struct composition c = notice();
	GString *m;
	GMimeMessage *msg;
	InternetAddress *a;

	c.from_name = "Jörg Müller (Moderation)";
	m = composed(&c);
	for (size_t i = 0; i < header_len(m); i++)
		cr_assert((unsigned char)m->str[i] < 0x80,
			  "8-bit byte in the header block at %zu", i);
	msg = parse(m);
	a = internet_address_list_get_address(g_mime_message_get_from(msg), 0);
	cr_assert_not_null(a);
	cr_expect_str_eq(internet_address_get_name(a),
			 "Jörg Müller (Moderation)");
	cr_expect_str_eq(internet_address_mailbox_get_addr(
	    (InternetAddressMailbox *)a), "team-request@lists.example.org");
	g_object_unref(msg);
	g_string_free(m, TRUE);
}

Test(compose, ascii_display_name_with_specials_is_quoted)
{
	struct composition c = notice();
	GString *m;
	GMimeMessage *msg;
	InternetAddressList *from;

	c.from_name = "Team \"Ops\", Inc. <robot@evil.example>";
	m = composed(&c);
	msg = parse(m);
	from = g_mime_message_get_from(msg);
	/* One mailbox, the real address: nothing in the name counts. */
	cr_assert_eq(internet_address_list_length(from), 1);
	cr_expect_str_eq(internet_address_get_name(
	    internet_address_list_get_address(from, 0)),
	    "Team \"Ops\", Inc. <robot@evil.example>");
	cr_expect_str_eq(internet_address_mailbox_get_addr(
	    (InternetAddressMailbox *)internet_address_list_get_address(from, 0)),
	    "team-request@lists.example.org");
	g_object_unref(msg);
	g_string_free(m, TRUE);
}

Test(compose, header_injection_through_subject_and_name_adds_no_field)
{
	struct composition c = notice();
	GString *m;
	GMimeMessage *msg;

	c.subject = "Hello\r\nBcc: evil@x";
	c.from_name = "Eve\r\nBcc: evil@x\r\n\r\nbody";
	m = composed(&c);
	cr_expect_null(bad_header_line(m), "line: %.40s", bad_header_line(m));
	msg = parse(m);
	cr_expect_null(field(msg, "Bcc"));
	cr_expect_eq(internet_address_list_length(
	    g_mime_message_get_bcc(msg)), 0);
	cr_expect_eq(internet_address_list_length(
	    g_mime_message_get_from(msg)), 1);
	expect_only_fields(msg, notice_fields);
	/* The text is still there, as text. */
	cr_expect_str_eq(g_mime_message_get_subject(msg), "Hello Bcc: evil@x");
	g_object_unref(msg);
	g_string_free(m, TRUE);
}

Test(compose, subjects_gmime_would_fold_into_column_0_stay_in_their_field)
{
	/* GMime 3.2's own encoder writes both of these with a line that
	 * starts in column 0 (see field.h). */
	char   *x = g_strnfill(86, 'x');
	GString *eacute = g_string_new("=?x?B? ");
	char   *second;

	for (int i = 0; i < 47; i++)
		g_string_append(eacute, "\xc3\xa9");
	g_string_append(eacute, " end Bcc: evil@x");
	second = g_strdup_printf("=?utf-8?b?PT94P0I/IMOp?= %s\nBcc: evil@x", x);
	for (int k = 0; k < 2; k++) {
		struct composition c = notice();
		GString *m;
		GMimeMessage *msg;

		c.subject = k == 0 ? eacute->str : second;
		c.from_name = c.subject;
		m = composed(&c);
		cr_expect_null(bad_header_line(m), "case %d, line: %.60s", k,
			       bad_header_line(m));
		msg = parse(m);
		cr_expect_null(field(msg, "Bcc"));
		expect_only_fields(msg, notice_fields);
		g_object_unref(msg);
		g_string_free(m, TRUE);
	}
	g_free(second);
	g_string_free(eacute, TRUE);
	g_free(x);
}

Test(compose, an_overlong_subject_is_cut_not_refused)
{
	struct composition c = notice();
	GString *subject = g_string_new(NULL);
	GString *m;
	GMimeMessage *msg;

	for (int i = 0; i < 50000; i++)
		g_string_append(subject, "\xc3\xa9 ");
	c.subject = subject->str;
	c.from_name = subject->str;
	m = composed(&c);
	cr_expect(header_len(m) < 16 * 1024, "header block of %zu",
		  header_len(m));
	msg = parse(m);
	cr_expect_eq(g_utf8_strlen(g_mime_message_get_subject(msg), -1), 499);
	g_object_unref(msg);
	g_string_free(m, TRUE);
	g_string_free(subject, TRUE);
}

Test(compose, hostile_thread_ids_are_left_out_or_cut_to_the_id)
{
	struct composition c = notice();
	GString *m;
	GMimeMessage *msg;

	c.in_reply_to = "<q@example.net>\r\nBcc: evil@x";
	c.references = "<a b@x>\r\nBcc: evil@x <\"q\"@x> <ok@example.net>";
	m = composed(&c);
	cr_expect_null(bad_header_line(m), "line: %.40s", bad_header_line(m));
	msg = parse(m);
	cr_expect_null(field(msg, "Bcc"));
	cr_expect_str_eq(field(msg, "In-Reply-To"), "<q@example.net>");
	cr_expect_str_eq(field(msg, "References"), "<q@example.net>");
	g_object_unref(msg);
	g_string_free(m, TRUE);

	c.in_reply_to = "not an id";
	c.references = NULL;
	m = composed(&c);
	msg = parse(m);
	cr_expect_null(field(msg, "In-Reply-To"));
	cr_expect_null(field(msg, "References"));
	g_object_unref(msg);
	g_string_free(m, TRUE);
}

Test(compose, addresses_that_are_not_plain_are_refused)
{
	static const char *const bad[] = {
		"a@b\r\nBcc: evil@x", "a@b\nBcc: evil@x", "a b@example.net",
		"<a@example.net>", "\"a\"@example.net", "a@b@example.net",
		"a@example.net, b@example.net", "a@example.net;", "(c)a@b",
		"a\\@example.net", "noat", "@example.net", "a@", "",
		"a@ex\x7f" "ample.net", "j\xc3\xb6rg@example.net", "a@b\t",
		"group: a@b", NULL,
	};
	static const char *const bad_domain[] = {
		"lists.example.org\r\nBcc: evil@x", "a@lists.example.org",
		"lists example.org", "<lists.example.org>", "\"x\"", "", NULL,
	};

	for (int field = 0; field < 3; field++) {
		const char *const *values = field == 2 ? bad_domain : bad;

		for (const char *const *v = values; *v; v++) {
			struct composition c = notice();
			struct spool out;
			struct status st;

			if (field == 0)
				c.from = *v;
			else if (field == 1)
				c.to = *v;
			else
				c.domain = *v;
			cr_expect_eq(compose(&c, -1, "/tmp", &out, &st), -1,
				     "field %d accepted %s", field, *v);
			cr_expect_eq(st.outcome, OUTCOME_TEMP);
			cr_expect_str_eq(st.dsn, "4.3.0");
			cr_expect(strncmp(st.reason, "listpipe: ", 10) == 0,
				  "%s", st.reason);
			cr_expect(text_is_clean(st.reason), "%s", st.reason);
			cr_expect_eq(out.fd, -1);
			spool_close(&out);
		}
	}
	{
		struct composition c = notice();
		struct spool out;
		struct status st;

		c.from = NULL;
		cr_expect_eq(compose(&c, -1, "/tmp", &out, &st), -1);
	}
}

Test(compose, unusual_but_plain_addresses_are_taken)
{
	struct composition c = notice();
	GString *m;
	GMimeMessage *msg;

	c.to = "o'brien+lists=x@[192.0.2.1]";
	c.from = "team-bounces+alice=example.net@lists.example.org";
	m = composed(&c);
	msg = parse(m);
	cr_expect_str_eq(internet_address_mailbox_get_addr(
	    (InternetAddressMailbox *)internet_address_list_get_address(
	    g_mime_message_get_to(msg), 0)), "o'brien+lists=x@[192.0.2.1]");
	g_object_unref(msg);
	g_string_free(m, TRUE);
}

Test(compose, auto_submitted_is_one_of_the_two)
{
	struct composition c = notice();
	struct spool out;
	struct status st;
	GString *m;
	GMimeMessage *msg;

	c.auto_submitted = "no";
	cr_expect_eq(compose(&c, -1, "/tmp", &out, &st), -1);
	c.auto_submitted = "auto-generated\nBcc: evil@x";
	cr_expect_eq(compose(&c, -1, "/tmp", &out, &st), -1);
	c.auto_submitted = "auto-generated";
	m = composed(&c);
	msg = parse(m);
	cr_expect_str_eq(field(msg, "Auto-Submitted"), "auto-generated");
	g_object_unref(msg);
	g_string_free(m, TRUE);
}

Test(compose, ascii_body_goes_as_7bit_utf8)
{
	struct composition c = notice();
	GString *m = composed(&c);
	GMimeMessage *msg = parse(m);
	GMimeObject *part = g_mime_message_get_mime_part(msg);
	char   *text;

	cr_assert(GMIME_IS_TEXT_PART(part));
	cr_expect_str_eq(g_mime_object_get_content_type_parameter(part,
			 "charset"), "utf-8");
	cr_expect_eq(g_mime_part_get_content_encoding((GMimePart *)part),
		     GMIME_CONTENT_ENCODING_7BIT);
	text = g_mime_text_part_get_text((GMimeTextPart *)part);
	cr_expect_str_eq(text, c.body);
	g_free(text);
	g_object_unref(msg);
	g_string_free(m, TRUE);
}

Test(compose, non_ascii_or_long_lined_body_goes_quoted_printable)
{
	char   *longline = g_strnfill(1200, 'z');
	char   *longbody = g_strdup_printf("%s\n", longline);
	const char *bodies[] = {
		"Grüße, Jörg.\nFrom here on: 日本語 ½\n", longbody,
	};

	for (size_t i = 0; i < G_N_ELEMENTS(bodies); i++) {
		struct composition c = notice();
		GString *m;
		GMimeMessage *msg;
		GMimeObject *part;
		char   *text;

		c.body = bodies[i];
		m = composed(&c);
		msg = parse(m);
		part = g_mime_message_get_mime_part(msg);
		cr_assert(GMIME_IS_TEXT_PART(part));
		cr_expect_eq(g_mime_part_get_content_encoding((GMimePart *)part),
			     GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE,
			     "body %zu", i);
		cr_expect_str_eq(g_mime_object_get_content_type_parameter(part,
				 "charset"), "utf-8");
		text = g_mime_text_part_get_text((GMimeTextPart *)part);
		cr_expect_str_eq(text, bodies[i]);
		/* Every line on the wire is short and 7-bit. */
		for (const char *p = m->str; *p; p++)
			cr_expect((unsigned char)*p < 0x80, "body %zu", i);
		g_free(text);
		g_object_unref(msg);
		g_string_free(m, TRUE);
	}
	g_free(longbody);
	g_free(longline);
}

Test(compose, output_uses_lf_only)
{
	struct composition c = notice();
	const char *att = "From: bob@example.net\r\nSubject: crlf\r\n"
			  "\r\nline\r\n";
	struct spool sp;
	GString *m;

	spool_of(&sp, att, strlen(att));
	c.attach = &sp;
	c.body = "one\r\ntwo\rthree\n";
	m = composed(&c);
	cr_expect(memchr(m->str, '\r', m->len) == NULL, "%s", m->str);
	cr_expect(strstr(m->str, "\n\nFrom: bob@example.net\nSubject: crlf\n"
			 "\nline\n") != NULL, "%s", m->str);
	cr_expect(strstr(m->str, "\n\none\ntwo three\n") != NULL, "%s", m->str);
	g_string_free(m, TRUE);
	spool_close(&sp);
}

/* attached_bytes - the content of the message/rfc822 part: after its
 * header block, up to the newline that starts the closing delimiter */
static GString *attached_bytes(const GString *m, const char *boundary)
{
	char   *delim = g_strdup_printf("\n--%s", boundary);
	const char *part = strstr(m->str, "Content-Type: message/rfc822\n");
	const char *start, *end;
	GString *got;

	cr_assert_not_null(part, "no message/rfc822 part");
	start = strstr(part, "\n\n");
	cr_assert_not_null(start);
	start += 2;
	/* Not strstr: the attached bytes are not text. */
	end = g_strstr_len(start, (gssize)(m->str + m->len - start), delim);
	cr_assert_not_null(end, "no closing delimiter");
	got = g_string_new_len(start, end - start);
	g_free(delim);
	return got;
}

Test(compose, attached_message_comes_back_byte_for_byte)
{
	GString *att = g_string_new("From: bob@example.net\nSubject: held\n"
				    "Content-Type: text/plain; "
				    "charset=latin1\n\n");
	struct composition c = notice();
	struct spool sp;
	GString *m, *got;
	GMimeMessage *msg;
	GMimeMultipart *mixed;
	GMimeObject *first, *second;

	g_string_append(att, "Gr\xfc\xdf" "e \xff\xfe\x80 8-bit, not UTF-8\n");
	g_string_append(att, "From the start of a line, as mbox would escape\n");
	for (int i = 0; i < 3000; i++)
		g_string_append_c(att, (char)('a' + i % 26));
	g_string_append(att, "\n  trailing blanks   \n\n\n.\n");
	g_string_append(att, "--not-our-boundary\n");
	g_string_append(att, "=?utf-8?q?not_decoded?= =41\n");
	spool_of(&sp, att->str, att->len);
	c.attach = &sp;
	m = composed(&c);
	msg = parse(m);
	mixed = (GMimeMultipart *)g_mime_message_get_mime_part(msg);
	cr_assert(GMIME_IS_MULTIPART(mixed));
	cr_expect_str_eq(g_mime_content_type_get_media_subtype(
	    g_mime_object_get_content_type((GMimeObject *)mixed)), "mixed");
	cr_assert_eq(g_mime_multipart_get_count(mixed), 2);
	first = g_mime_multipart_get_part(mixed, 0);
	second = g_mime_multipart_get_part(mixed, 1);
	cr_expect(GMIME_IS_TEXT_PART(first), "the text is not first");
	cr_expect(g_mime_content_type_is_type(
	    g_mime_object_get_content_type(second), "message", "rfc822"));
	cr_expect_str_eq(g_mime_object_get_header(second,
			 "Content-Transfer-Encoding"), "8bit");
	got = attached_bytes(m, g_mime_multipart_get_boundary(mixed));
	cr_expect_eq(got->len, att->len);
	cr_expect(got->len == att->len
		  && memcmp(got->str, att->str, att->len) == 0,
		  "attached bytes changed:\n%s", got->str);
	g_string_free(got, TRUE);
	g_object_unref(msg);
	g_string_free(m, TRUE);
	spool_close(&sp);
	g_string_free(att, TRUE);
}

Test(compose, attachment_starts_after_an_envelope_line)
{
	const char *att = "From bob@example.net Sat Nov 21 10:00:00 2026\n"
			  "From: bob@example.net\nSubject: x\n\nbody\n";
	struct composition c = notice();
	struct spool sp;
	GString *m, *got;
	GMimeMessage *msg;

	spool_of(&sp, att, strlen(att));
	cr_assert(sp.start > 0);
	c.attach = &sp;
	m = composed(&c);
	msg = parse(m);
	got = attached_bytes(m, g_mime_multipart_get_boundary(
	    (GMimeMultipart *)g_mime_message_get_mime_part(msg)));
	cr_expect_str_eq(got->str, att + sp.start);
	g_string_free(got, TRUE);
	g_object_unref(msg);
	g_string_free(m, TRUE);
	spool_close(&sp);
}

#define BIG_ATTACHMENT	(20L * 1024 * 1024)
#define MEMORY_BUDGET_KB (10L * 1024)

/* attach_big - compose a notice around a 20 MB message; say how much
 * the peak RSS grew if it grew too much */
static const char *attach_big(void)
{
	struct composition c = notice();
	struct spool sp, out;
	struct status st;
	struct rusage before, after;
	char	line[100];
	FILE   *f = tmpfile();
	long	grown;

	/* Built on disk a line at a time, not in memory. */
	if (f == NULL || fputs("From: bob@example.net\nSubject: big\n\n", f) < 0)
		return "cannot make the message";
	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\n';
	for (long n = 0; n < BIG_ATTACHMENT; n += (long)sizeof(line))
		if (fwrite(line, 1, sizeof(line), f) != sizeof(line))
			return "cannot make the message";
	if (fflush(f) != 0 || lseek(fileno(f), 0, SEEK_SET) != 0
	    || spool_read(&sp, -1, "/tmp", fileno(f), &st) < 0)
		return "cannot spool the message";
	c.attach = &sp;
	getrusage(RUSAGE_SELF, &before);
	if (compose(&c, -1, "/tmp", &out, &st) < 0)
		return g_strdup_printf("compose: %s", st.reason);
	getrusage(RUSAGE_SELF, &after);
	if (out.size < sp.size)
		return "the message is not all there";
	grown = after.ru_maxrss - before.ru_maxrss;
	if (grown >= MEMORY_BUDGET_KB)
		return g_strdup_printf("peak RSS grew by %ld KB", grown);
	spool_close(&out);
	spool_close(&sp);
	fclose(f);
	return "";
}

Test(compose, attaching_20_mb_keeps_memory_flat)
{
	char   *said = in_child(attach_big);

	cr_expect_str_eq(said, "");
	g_free(said);
}

/* fill_disk - compose with the file size limit at 4 KB, as a full disk
 * would stop it; "" if that is a 4.3.1 */
static const char *fill_disk(void)
{
	struct composition c = notice();
	struct rlimit lim = {4096, 4096};
	GString *body = g_string_new(NULL);
	struct spool out;
	struct status st;
	int	rc;

	for (int i = 0; i < 2000; i++)
		g_string_append(body, "All work and no play.\n");
	c.body = body->str;
	signal(SIGXFSZ, SIG_IGN);
	if (setrlimit(RLIMIT_FSIZE, &lim) != 0)
		return "setrlimit failed";
	rc = compose(&c, -1, "/tmp", &out, &st);
	g_string_free(body, TRUE);
	if (rc == 0)
		return "compose succeeded past the limit";
	if (strcmp(st.dsn, "4.3.1") != 0 || st.outcome != OUTCOME_TEMP)
		return g_strdup_printf("%s %s", st.dsn, st.reason);
	return out.fd == -1 ? "" : "a spool was left open";
}

Test(compose, a_full_disk_is_a_temporary_4_3_1)
{
	char   *said = in_child(fill_disk);

	cr_expect_str_eq(said, "");
	g_free(said);
}

/* fill_disk_at_the_end - the limit falls inside the closing delimiter,
 * the last write GMime makes */
static const char *fill_disk_at_the_end(void)
{
	const char *att = "From: bob@example.net\nSubject: x\n\nbody\n";
	struct composition c = notice();
	struct spool sp, out;
	struct status st;
	struct rlimit lim;

	spool_of(&sp, att, strlen(att));
	c.attach = &sp;
	if (compose(&c, -1, "/tmp", &out, &st) < 0)
		return g_strdup_printf("compose: %s", st.reason);
	lim.rlim_cur = lim.rlim_max = (rlim_t)out.size - 3;
	spool_close(&out);
	signal(SIGXFSZ, SIG_IGN);
	if (setrlimit(RLIMIT_FSIZE, &lim) != 0)
		return "setrlimit failed";
	if (compose(&c, -1, "/tmp", &out, &st) == 0)
		return g_strdup_printf("a message cut to %lld bytes was taken",
				       (long long)out.size);
	if (strcmp(st.dsn, "4.3.1") != 0)
		return g_strdup_printf("%s %s", st.dsn, st.reason);
	return "";
}

Test(compose, a_disk_that_fills_on_the_last_bytes_is_noticed)
{
	char   *said = in_child(fill_disk_at_the_end);

	cr_expect_str_eq(said, "");
	g_free(said);
}

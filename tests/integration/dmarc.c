/*
 * dmarc.c - From rewriting (lists.from_rewrite) decided by the author
 * domain's DMARC record, asked of a real DNS server: Debian's dnsmasq on
 * loopback with test zones, given to listpipe with -R.
 */
#include <criterion/criterion.h>
#include <glib.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"
#include "mail/dmarc.h"
#include "sent.h"

static pid_t dns_pid;
static char resolver[64];

/* free_udp_port - a loopback port nothing listens on just now */
static int free_udp_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	int	s = socket(AF_INET, SOCK_DGRAM, 0);

	cr_assert(s >= 0);
	cr_assert(bind(s, (struct sockaddr *)&a, sizeof(a)) == 0);
	cr_assert(getsockname(s, (struct sockaddr *)&a, &len) == 0);
	close(s);
	return ntohs(a.sin_port);
}

/*
 * The zones: strict.test p=reject, quarantine.test p=quarantine,
 * relaxed.test p=none, spdomain.test p=reject with sp=none, none.test
 * without a record; every other .test name is NXDOMAIN, and names
 * outside .test are refused (no upstream): a failed lookup.
 */
static void start_dns(void)
{
	int	port = free_udp_port();
	char	portarg[32];
	struct dmarc_result r;

	snprintf(portarg, sizeof(portarg), "--port=%d", port);
	snprintf(resolver, sizeof(resolver), "127.0.0.1:%d", port);
	dns_pid = fork();
	cr_assert(dns_pid >= 0);
	if (dns_pid == 0) {
		execlp("dnsmasq", "dnsmasq", "--keep-in-foreground",
		       "--conf-file=/dev/null", "--no-resolv", "--no-hosts",
		       "--bind-interfaces", "--listen-address=127.0.0.1",
		       portarg, "--pid-file=", "--log-facility=/dev/null",
		       "--local=/test/",
		       "--txt-record=_dmarc.strict.test,v=DMARC1; p=reject; rua=mailto:d@strict.test",
		       "--txt-record=_dmarc.quarantine.test,v=DMARC1;p=quarantine;pct=50",
		       "--txt-record=_dmarc.relaxed.test,v=DMARC1; p=none",
		       "--txt-record=_dmarc.spdomain.test,v=DMARC1; p=reject; sp=none",
		       "--txt-record=none.test,v=spf1 -all",
		       (char *)NULL);
		_exit(127);
	}
	/* Ready when it answers. */
	for (int i = 0; i < 250; i++) {
		dmarc_check("strict.test", resolver, NULL, &r);
		if (r.verdict == DMARC_STRICT)
			return;
		cr_assert(waitpid(dns_pid, NULL, WNOHANG) == 0,
			  "dnsmasq (Debian package dnsmasq-base) did not start");
		usleep(20000);
	}
	cr_assert_fail("dnsmasq does not answer on %s: %s", resolver, r.why);
}

static void stop_dns(void)
{
	if (dns_pid > 0) {
		kill(dns_pid, SIGTERM);
		waitpid(dns_pid, NULL, 0);
	}
}

TestSuite(dmarc, .init = start_dns, .fini = stop_dns);

/* post - from author to the list with -R, as master.cf would run it */
static char *post(struct tdir *t, const char *author, const char *extra,
		  int dry_run)
{
	static unsigned n;
	char	log[400], qid[32];
	char   *msg = g_strdup_printf("From: \"Carol Q\" <%s>\nTo: " TEAM "\n"
				      "Subject: plans\nMessage-ID: <%u.%d@x>\n"
				      "%s\nHello.\n", author, ++n, getpid(),
				      extra ? extra : "");
	const char *argv[] = {"-d", t->db, "-s", t->sendmail, "-m", t->spool,
			      "-l", log, "-q", qid, "-R", resolver,
			      dry_run ? "-n" : "-v", "-f", author, "--", TEAM,
			      NULL};
	struct run r;
	char   *copy;
	int	before = sent_count(t);

	snprintf(qid, sizeof(qid), "4DM%u", n);
	snprintf(log, sizeof(log), "%s/listpipe.log", t->path);
	run_listpipe(&r, msg, strlen(msg), NULL, argv);
	g_free(msg);
	if (dry_run) {
		cr_expect_eq(r.exit_code, 75, "%s", r.output);
		copy = g_strdup(r.output);
		run_free(&r);
		return copy;
	}
	cr_assert_eq(r.exit_code, 0, "%s", r.output);
	run_free(&r);
	cr_assert_eq(sent_count(t), before + 1);
	copy = sent_message(t, before + 1, NULL);
	return copy;
}

static void team(struct tdir *t, const char *mode)
{
	char   *sql = g_strdup_printf("UPDATE lists SET from_rewrite = '%s'",
				      mode);

	fixture(t, sql);
	g_free(sql);
}

/* rewritten - the copy's From is the list's, the author in Reply-To */
static int rewritten(const char *copy)
{
	char   *from = header_value(copy, strlen(copy), "From");
	int	yes = strcmp(from, "\"Carol Q via team\" <" TEAM ">") == 0;

	if (yes) {
		char   *rt = header_value(copy, strlen(copy), "Reply-To");

		cr_expect(strncmp(rt, "\"Carol Q\" <carol@", 17) == 0, "%s",
			  copy);
		free(rt);
	}
	free(from);
	return yes;
}

Test(dmarc, from_is_rewritten_exactly_where_the_domain_asks_for_it)
{
	static const struct {
		const char *author;
		int	rewrite;
		const char *why;
	} cases[] = {
		{"carol@strict.test", 1, "dmarc strict: _dmarc.strict.test: p=reject"},
		{"carol@quarantine.test", 1, "p=quarantine"},
		{"carol@relaxed.test", 0, "dmarc relaxed: _dmarc.relaxed.test: p=none"},
		{"carol@none.test", 0, "no DMARC record"},
		/* No record of its own: the organisational domain's. */
		{"carol@mail.eu.strict.test", 1, "_dmarc.strict.test: sp/p=reject"},
		{"carol@news.spdomain.test", 0, "_dmarc.spdomain.test: sp/p=none"},
		/* The server refuses to answer: counted strict. */
		{"carol@broken.example", 1, "unknown, counted strict"},
	};
	struct tdir t;

	team(&t, "dmarc");
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char   *copy = post(&t, cases[i].author, NULL, 0);
		char   *log = log_of(&t);

		cr_expect_eq(rewritten(copy), cases[i].rewrite, "%s: %s",
			     cases[i].author, copy);
		cr_expect(strstr(log, cases[i].why) != NULL, "%s: %s",
			  cases[i].author, log);
		free(copy);
		free(log);
	}
}

Test(dmarc, a_dead_resolver_counts_as_strict)
{
	struct dmarc_result r;

	/* Nothing listens there: refused at once, never an answer. */
	dmarc_check("strict.test", "127.0.0.1:1", NULL, &r);
	cr_expect_eq(r.verdict, DMARC_UNKNOWN, "%s", r.why);
	cr_expect(strstr(r.why, "lookup failed") != NULL, "%s", r.why);
}

Test(dmarc, never_and_always_ask_nobody)
{
	struct tdir t;
	char   *copy;

	team(&t, "never");
	copy = post(&t, "carol@strict.test", NULL, 0);
	cr_expect_eq(rewritten(copy), 0, "%s", copy);
	free(copy);
	team(&t, "always");
	copy = post(&t, "carol@relaxed.test", NULL, 0);
	cr_expect_eq(rewritten(copy), 1, "%s", copy);
	free(copy);
}

Test(dmarc, a_rewritten_from_frees_the_signed_fields)
{
	struct tdir t;
	char   *copy;
	const char *sig = "DKIM-Signature: v=1; a=rsa-sha256; d=strict.test; "
			  "s=s; h=from:subject:list-id; bh=x; b=y\n";

	team(&t, "dmarc");
	copy = post(&t, "carol@strict.test", sig, 0);
	/* The author's signature cannot verify with another From: the
	 * list makes every change (and the list domain signs). */
	cr_expect(rewritten(copy), "%s", copy);
	cr_expect(strstr(copy, "Subject: [team] plans\n") != NULL, "%s", copy);
	cr_expect(strstr(copy, "List-Id: \"Team talk\" <team.lists.example.org>\n") != NULL,
		  "%s", copy);
	free(copy);
	team(&t, "dmarc");
	copy = post(&t, "carol@relaxed.test", sig, 0);
	cr_expect(!rewritten(copy), "%s", copy);
	cr_expect(strstr(copy, "Subject: plans\n") != NULL, "%s", copy);
	cr_expect(strstr(copy, "List-Id:") == NULL, "%s", copy);
	free(copy);
}

Test(dmarc, the_dry_run_says_what_it_decided_and_why)
{
	struct tdir t;
	char   *out;

	team(&t, "dmarc");
	out = post(&t, "carol@strict.test", NULL, 1);
	cr_expect(strstr(out, "# From rewritten (dmarc strict: "
			 "_dmarc.strict.test: p=reject)\n") != NULL, "%s", out);
	free(out);
	out = post(&t, "carol@relaxed.test",
		   "DKIM-Signature: v=1; a=rsa-sha256; d=relaxed.test; s=s; "
		   "h=from:subject:x-loop; bh=x; b=y\n", 1);
	cr_expect(strstr(out, "# From kept (dmarc relaxed: ") != NULL, "%s", out);
	cr_expect(strstr(out, "# DKIM signature by relaxed.test covers these: "
			 "not changed: Subject X-Loop\n") != NULL, "%s", out);
	cr_expect(strstr(out, "# no X-Loop (signed)") != NULL, "%s", out);
	free(out);
}

/*
 * inject.c - run sendmail and feed it.
 *
 * The child's stdout and stderr go to an anonymous memory file, never to
 * our stdout (Postfix's status channel); what sendmail said ends up in the
 * status line when it fails.  The child dies with us (PR_SET_PDEATHSIG):
 * a sendmail that saw EOF after we crashed would queue a truncated copy.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>

#include "inject.h"
#include "log.h"

char *inject_quote(const char *arg)
{
	static const char safe[] = "abcdefghijklmnopqrstuvwxyz"
				   "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
				   "@%+=:,./_-";
	GString *q;

	if (*arg && strspn(arg, safe) == strlen(arg))
		return g_strdup(arg);
	q = g_string_new("'");
	for (const char *p = arg; *p; p++) {
		if (*p == '\'')
			g_string_append(q, "'\\''");
		else
			g_string_append_c(q, *p);
	}
	g_string_append_c(q, '\'');
	return g_string_free(q, FALSE);
}

/* build_argv - sendmail -G -i -f sender -- rcpt...; NULL-terminated */
static char **build_argv(const struct injection *in, char *const *rcpts,
			 size_t n)
{
	char  **argv = g_new0(char *, n + 7);
	size_t	i = 0;

	argv[i++] = (char *)in->sendmail;
	argv[i++] = "-G";	/* relayed mail: no address rewriting */
	argv[i++] = "-i";	/* a lone "." is just a line */
	argv[i++] = "-f";
	argv[i++] = (char *)in->sender;
	argv[i++] = "--";	/* a recipient "-x@y" stays a recipient */
	for (size_t r = 0; r < n; r++)
		argv[i++] = rcpts[r];
	argv[i] = NULL;
	return argv;
}

static int feed(const struct injection *in, int fd, const char *what,
		struct status *st)
{
	if (in->header && write_full(fd, in->header, in->header_len) < 0)
		return status_temp(st, "4.3.0", "listpipe: %s: %s", what,
				   strerror(errno));
	return spool_copy(in->spool, in->from, fd, what, st);
}

static int dry_run(const struct injection *in, char **argv,
		   struct status *st)
{
	GString *line = g_string_new(NULL);
	int	rc;

	for (char **a = argv; *a; a++) {
		char   *q = inject_quote(*a);

		g_string_append(line, q);
		g_string_append_c(line, a[1] ? ' ' : '\n');
		g_free(q);
	}
	rc = write_full(in->dry_run_fd, line->str, line->len);
	g_string_free(line, TRUE);
	if (rc < 0)
		return status_temp(st, "4.3.0", "listpipe: write: %s",
				   strerror(errno));
	return feed(in, in->dry_run_fd, "write", st);
}

/* said - the first line sendmail wrote, for the status line */
static void said(int fd, char *buf, size_t size)
{
	ssize_t n = pread(fd, buf, size - 1, 0);
	char   *nl;

	buf[n > 0 ? n : 0] = 0;
	if ((nl = strchr(buf, '\n')) != NULL)
		*nl = 0;
}

static void child(const struct injection *in, char **argv, int in_fd,
		  int out_fd, pid_t parent)
{
	static const int reset[] = {SIGPIPE, SIGXFSZ, SIGALRM, SIGTERM, SIGHUP};
	sigset_t none;
	char	msg[512];
	int	n;

	/* Our handlers would write a status line of their own; ignored
	 * signals would stay ignored across exec. */
	for (size_t i = 0; i < sizeof(reset) / sizeof(*reset); i++)
		signal(reset[i], SIG_DFL);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* The parent may have died before prctl took effect. */
	if (getppid() != parent)
		_exit(127);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0)
		_exit(127);
	execv(in->sendmail, argv);
	n = snprintf(msg, sizeof(msg), "cannot execute %s: %s\n",
		     in->sendmail, strerror(errno));
	if (n > 0 && write(2, msg, (size_t)n) < 0)
		_exit(127);
	_exit(127);
}

static int run(const struct injection *in, char **argv, size_t nrcpt,
	       struct status *st)
{
	int	pfd[2];
	int	out_fd;
	pid_t	pid;
	int	wstatus;
	int	fed;
	char	text[300];
	struct status feed_st;
	sigset_t block, old;
	pid_t	parent = getpid();
	int	reaped;

	if ((out_fd = memfd_create("sendmail-output", MFD_CLOEXEC)) < 0)
		return status_temp(st, "4.3.0", "listpipe: memfd_create: %s",
				   strerror(errno));
	if (pipe2(pfd, O_CLOEXEC) < 0) {
		close(out_fd);
		return status_temp(st, "4.3.0", "listpipe: pipe: %s",
				   strerror(errno));
	}
	/* No watchdog or SIGTERM between fork() and knowing the child's pid:
	 * the handler must be able to kill it. */
	sigemptyset(&block);
	sigaddset(&block, SIGALRM);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &old);
	if ((pid = fork()) < 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		close(out_fd);
		close(pfd[0]);
		close(pfd[1]);
		return status_temp(st, "4.3.0", "listpipe: fork: %s",
				   strerror(errno));
	}
	if (pid == 0)
		child(in, argv, pfd[0], out_fd, parent);
	outcome_watch_child(pid);
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(pfd[0]);
	fed = feed(in, pfd[1], "write to sendmail", &feed_st);
	/* A sendmail that sees EOF queues what it got: if we could not feed
	 * it all, it must die before it sees the end of its input.  One that
	 * already exited (it could not exec, say) keeps its own status. */
	reaped = 0;
	if (fed < 0) {
		if (waitpid(pid, &wstatus, WNOHANG) == pid)
			reaped = 1;
		else
			kill(pid, SIGKILL);
	}
	close(pfd[1]);
	while (!reaped && waitpid(pid, &wstatus, 0) < 0) {
		if (errno != EINTR) {
			close(out_fd);
			outcome_watch_child(0);
			return status_temp(st, "4.3.0", "listpipe: waitpid: %s",
					   strerror(errno));
		}
	}
	outcome_watch_child(0);
	said(out_fd, text, sizeof(text));
	close(out_fd);
	if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) != 0)
		return status_temp(st, "4.3.0", "listpipe: %s exit %d%s%s",
		    in->sendmail, WEXITSTATUS(wstatus), *text ? ": " : "",
		    text);
	if (fed < 0) {
		*st = feed_st;
		return -1;
	}
	if (WIFSIGNALED(wstatus))
		return status_temp(st, "4.3.0", "listpipe: %s killed by "
		    "signal %d%s%s", in->sendmail, WTERMSIG(wstatus),
		    *text ? ": " : "", text);
	if (*text)
		log_info("sendmail said: %s", text);
	log_debug("sendmail run for %zu recipient(s) done", nrcpt);
	return 0;
}

int inject(const struct injection *in, char *const *recipients,
	   size_t nrecipients, struct status *st)
{
	for (size_t done = 0; done < nrecipients; done += INJECT_BATCH) {
		size_t	n = nrecipients - done < INJECT_BATCH
			    ? nrecipients - done : INJECT_BATCH;
		char  **argv = build_argv(in, recipients + done, n);
		int	rc = in->dry_run_fd >= 0 ? dry_run(in, argv, st)
						 : run(in, argv, n, st);

		g_free(argv);
		if (rc < 0) {
			if (done > 0) {
				struct status failed = *st;

				/* Until the journal lands, a retry repeats the
				 * runs that worked: say so where it is seen. */
				log_warn("%zu of %zu recipients were already "
					 "queued in earlier sendmail runs and "
					 "will get this message again on retry",
					 done, nrecipients);
				return status_temp(st, failed.dsn, "%s (%zu of "
				    "%zu recipients already queued)",
				    failed.reason, done, nrecipients);
			}
			return -1;
		}
	}
	return 0;
}

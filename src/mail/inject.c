/*
 * inject.c - run sendmail and feed it.
 *
 * The child's stdout and stderr go to an anonymous memory file, never to
 * our stdout (Postfix's status channel); what sendmail said ends up in the
 * status line when it fails.  The child dies with us (PR_SET_PDEATHSIG):
 * a sendmail that saw EOF after we crashed would queue a truncated copy.
 *
 * Exit 0 is not proof enough: a broken wrapper can exit 0 having read
 * nothing.  So we keep our own copy of the pipe's read end while the
 * child runs (never reading from it) and count what is left in the pipe
 * once it has exited; anything left means it did not take the whole
 * message, and we defer.  Holding the read end means a child that quits
 * early no longer gives us EPIPE, so the feed is non-blocking and looks
 * for the child's exit whenever the pipe stays full.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>

#include "common/io.h"
#include "common/log.h"
#include "mail/inject.h"

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

/* build_argv - sendmail -G -i [-XV] -f sender -- rcpt...; NULL-terminated */
static char **build_argv(const struct injection *in, char *const *rcpts,
			 size_t n)
{
	char  **argv = g_new0(char *, n + 8);
	size_t	i = 0;

	argv[i++] = (char *)in->sendmail;
	argv[i++] = "-G";	/* relayed mail: no address rewriting */
	argv[i++] = "-i";	/* a lone "." is just a line */
	if (in->verp)
		argv[i++] = "-XV";	/* each copy its own return path (-V is
					 * the form Postfix 2.3 deprecated) */
	argv[i++] = "-f";
	argv[i++] = (char *)in->sender;
	argv[i++] = "--";	/* a recipient "-x@y" stays a recipient */
	for (size_t r = 0; r < n; r++)
		argv[i++] = rcpts[r];
	argv[i] = NULL;
	return argv;
}

/* feed - the new header block, then the spooled message, through put */
static int feed(const struct injection *in, spool_put_fn put, void *arg,
		const char *what, struct status *st)
{
	if (in->header && put(arg, in->header, in->header_len) < 0)
		return status_temp(st, "4.3.0", "listpipe: %s: %s", what,
				   strerror(errno));
	return spool_copy_to(in->spool, in->from, put, arg, what, st);
}

static void hook_child(const struct injection *in, pid_t pid)
{
	if (in->hooks && in->hooks->child)
		in->hooks->child(pid);
}

/* The write end of the pipe to a sendmail child, and what became of it. */
struct child_pipe {
	const struct injection *in;
	int	fd;		/* non-blocking */
	pid_t	pid;
	int	reaped;
	int	wstatus;
	int	gone;		/* it exited before taking all we had */
};

/* child_gone - asked while the pipe stays full: has the child exited?
 * Then it will never read the rest. */
static int child_gone(void *arg)
{
	struct child_pipe *cp = arg;

	if (waitpid(cp->pid, &cp->wstatus, WNOHANG) != cp->pid)
		return 0;
	cp->reaped = cp->gone = 1;
	/* Reaped: its pid may be reused, so the handler must forget it. */
	hook_child(cp->in, 0);
	errno = EPIPE;
	return 1;
}

static int put_child(void *arg, const void *buf, size_t len)
{
	struct child_pipe *cp = arg;

	return io_write_all_or(cp->fd, buf, len, child_gone, cp);
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
	rc = io_write_all(in->dry_run_fd, line->str, line->len);
	g_string_free(line, TRUE);
	if (rc < 0)
		return status_temp(st, "4.3.0", "listpipe: write: %s",
				   strerror(errno));
	return feed(in, io_put_fd, (void *)&in->dry_run_fd, "write", st);
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
	/* Its own process group, so that whatever it starts (a wrapper
	 * script, a sendmail that forks) can be killed with it. */
	setpgid(0, 0);
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
	if (n > 0 && (size_t)n < sizeof(msg))
		io_write_all(2, msg, (size_t)n);
	_exit(127);
}

static int run(const struct injection *in, char **argv, size_t nrcpt,
	       struct status *st)
{
	int	pfd[2];
	int	out_fd;
	struct child_pipe cp = {in, -1, -1, 0, 0, 0};
	int	stopping;
	int	fed;
	int	unread = 0;
	char	text[300];
	struct status feed_st;
	sigset_t block, old;
	pid_t	parent = getpid();

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
	/* Asked with the signals blocked: a stop that came before can be
	 * seen, one that comes after finds the child to kill. */
	stopping = in->hooks && in->hooks->stopping && in->hooks->stopping();
	if (stopping || (cp.pid = fork()) < 0) {
		int	err = errno;

		sigprocmask(SIG_SETMASK, &old, NULL);
		close(out_fd);
		close(pfd[0]);
		close(pfd[1]);
		if (stopping)
			return status_temp(st, "4.3.0", "listpipe: stopping: "
					   "no new sendmail run");
		return status_temp(st, "4.3.0", "listpipe: fork: %s",
				   strerror(err));
	}
	if (cp.pid == 0)
		child(in, argv, pfd[0], out_fd, parent);
	/* Also here: the group must exist before anyone may kill it. */
	setpgid(cp.pid, cp.pid);
	hook_child(in, cp.pid);
	sigprocmask(SIG_SETMASK, &old, NULL);
	cp.fd = pfd[1];
	if (fcntl(cp.fd, F_SETFL, O_NONBLOCK) < 0) {
		fed = status_temp(&feed_st, "4.3.0", "listpipe: fcntl: %s",
				  strerror(errno));
	} else {
		fed = feed(in, put_child, &cp, "write to sendmail", &feed_st);
	}
	/* A sendmail that sees EOF queues what it got: if it did not take
	 * the whole message, it and everything it started must die before
	 * the end of its input comes.  One that already exited (it could not
	 * exec, say) keeps its own status; its group may live on. */
	if (fed < 0) {
		if (!cp.reaped && waitpid(cp.pid, &cp.wstatus, WNOHANG) == cp.pid) {
			cp.reaped = 1;
			hook_child(in, 0);
		}
		kill(-cp.pid, SIGKILL);
		if (!cp.reaped)
			kill(cp.pid, SIGKILL);
	}
	close(cp.fd);
	while (!cp.reaped && waitpid(cp.pid, &cp.wstatus, 0) < 0) {
		if (errno != EINTR) {
			close(out_fd);
			close(pfd[0]);
			hook_child(in, 0);
			return status_temp(st, "4.3.0", "listpipe: waitpid: %s",
					   strerror(errno));
		}
	}
	hook_child(in, 0);
	/* What the child never read is still in the pipe. */
	if (ioctl(pfd[0], FIONREAD, &unread) < 0)
		unread = 0;
	close(pfd[0]);
	said(out_fd, text, sizeof(text));
	close(out_fd);
	if (WIFEXITED(cp.wstatus) && WEXITSTATUS(cp.wstatus) != 0)
		return status_temp(st, "4.3.0", "listpipe: %s exit %d%s%s",
		    in->sendmail, WEXITSTATUS(cp.wstatus), *text ? ": " : "",
		    text);
	/* Our own kill after a failed feed: the feed's reason is the news. */
	if (fed < 0 && !cp.gone) {
		*st = feed_st;
		return -1;
	}
	if (WIFSIGNALED(cp.wstatus))
		return status_temp(st, "4.3.0", "listpipe: %s killed by "
		    "signal %d%s%s", in->sendmail, WTERMSIG(cp.wstatus),
		    *text ? ": " : "", text);
	if (cp.gone)
		return status_temp(st, "4.3.0", "listpipe: %s exited 0 "
		    "without reading the whole message", in->sendmail);
	if (unread > 0)
		return status_temp(st, "4.3.0", "listpipe: %s exited 0 with "
		    "%d bytes of the message unread", in->sendmail, unread);
	if (*text)
		log_info("sendmail said: %s", text);
	log_debug("sendmail run for %zu recipient(s) done", nrcpt);
	return 0;
}

int inject(const struct injection *in, char *const *recipients,
	   size_t nrecipients, struct status *st)
{
	if (in->hooks && in->hooks->progress)
		in->hooks->progress(0, nrecipients);
	for (size_t done = 0; done < nrecipients; done += INJECT_BATCH) {
		size_t	n = nrecipients - done < INJECT_BATCH
			    ? nrecipients - done : INJECT_BATCH;
		char  **argv = build_argv(in, recipients + done, n);
		int	rc = in->dry_run_fd >= 0 ? dry_run(in, argv, st)
						 : run(in, argv, n, st);

		g_free(argv);
		if (rc == 0 && in->accepted && in->dry_run_fd < 0)
			in->accepted(in->accepted_arg,
				     (int)(done / INJECT_BATCH) + 1,
				     recipients + done, n);
		if (rc == 0 && in->hooks && in->hooks->progress)
			in->hooks->progress(done + n, nrecipients);
		if (rc < 0) {
			if (done > 0) {
				struct status failed = *st;

				if (in->accepted == NULL)
					log_warn("%zu of %zu recipients were "
						 "already queued in earlier "
						 "sendmail runs and will get "
						 "this message again on retry",
						 done, nrecipients);
				return status_temp(st, failed.dsn, "%s (%zu of "
				    "%zu recipients already queued%s)",
				    failed.reason, done, nrecipients,
				    in->accepted ? "; a retry skips them" : "");
			}
			return -1;
		}
	}
	return 0;
}

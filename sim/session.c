/*
 * A boot session (session.h): open what the user named, make the state
 * directory, start the kernel loop and init, drive init over the control
 * channel, and clean up whatever way it ends.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bundle_path.h"
#include "cli.h"
#include "init_launch.h"
#include "ksim.h"
#include "nxhost.h"
#include "nexus/svc.h"
#include "sandbox.h"
#include "session.h"
#include "state_dir.h"

void session_shutdown(struct session *s)
{
	if (s->shutdown_sent)
		return;
	s->shutdown_sent = 1;
	if (nx_wire_send(s->ctl, NX_CTL_SHUTDOWN, 0, NULL, NULL, 0, -1) != 0)
		ksim_stop(s->ks, 0);
}

static void session_on_signal(void *arg, int fd, short revents)
{
	struct session *s = arg;
	struct signalfd_siginfo si;

	(void)revents;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (s->code == 0 || s->code == -1)
			s->code = NX_EXIT_CRASH_BASE + (int)si.ssi_signo;
		session_shutdown(s);
	}
}

/* The trust directory, or the bundle directory: 66 when it cannot be opened. */
static int session_open_dir(const char *path, const char *what)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0)
		return fd;
	if (errno == ENOTDIR && strcmp(what, "bundle") == 0)
		fprintf(stderr,
			"nexus-sim: %s is a file, not a bundle directory: pack an ELF into a "
			"bundle with nxb-pack, or look at it with 'nexus-sim inspect %s'\n",
			path, path);
	else
		fprintf(stderr, "nexus-sim: cannot open %s %s: %s\n", what, path, strerror(errno));
	return -1;
}

/*
 * The trust directory, read once here so that one without a usable key
 * is said at once (keystored would only die on it, again and again).
 */
static int session_open_trust(const struct sim_opts *o)
{
	const char *dir = o->trust_dir != NULL ? o->trust_dir : bundle_default_trust();
	static struct nx_trust t;
	struct nx_fmt_err e = {0};
	int fd = session_open_dir(dir, "trust directory");

	if (fd < 0)
		return -1;
	if (nx_trust_load(&t, fd, &e) != 0 || t.n == 0) {
		fprintf(stderr, "nexus-sim: trust directory %s: %s\n", dir,
			e.msg[0] == 0 ? "no *.pub key in it" : e.msg);
		close(fd);
		return -1;
	}
	if (o->trust_dir == NULL && o->verbose)
		fprintf(stderr,
			"nexus-sim: trusting the dev key of %s: TEST ONLY, its secret half is in "
			"the repository (run with --trust DIR to trust only your own keys)\n",
			dir);
	return fd;
}

static int session_start(struct session *s, int trust, int state, int console)
{
	int ks[2], ctl[2];
	sigset_t mask;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ks) != 0)
		return NX_EXIT_INTERNAL;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ctl) != 0) {
		close(ks[0]);
		close(ks[1]);
		return NX_EXIT_INTERNAL;
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	s->init_pid = init_launch(console, ks[1], ctl[1]);
	close(ks[1]);
	close(ctl[1]);
	s->ctl = ctl[0];
	if (s->init_pid < 0) {
		close(ks[0]);
		return NX_EXIT_INTERNAL;
	}
	if (ksim_add_client(s->ks, ks[0], "init") != 0) {
		fprintf(stderr, "nexus-sim: the kernel refused init's connection\n");
		return NX_EXIT_INTERNAL;
	}
	s->sig = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (s->sig < 0 || ksim_watch(s->ks, s->sig, session_on_signal, s) != 0 ||
	    ksim_watch(s->ks, s->ctl, ctl_on_frame, s) != 0)
		return NX_EXIT_INTERNAL;
	if (ctl_boot(s, trust, state) != 0) {
		fprintf(stderr, "nexus-sim: init did not take its configuration\n");
		return NX_EXIT_INTERNAL;
	}
	return 0;
}

static int session_console(const struct sim_opts *o, int state)
{
	if (o->verbose)
		return fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	if (o->console_stdout)
		return fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
	return openat(state, "console.log",
		      O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0644);
}

int session_run(const struct sim_opts *o)
{
	struct session s = {
	    .o = o, .ctl = -1, .sig = -1, .bundle_fd = -1, .init_pid = -1, .code = -1};
	struct state_dir st;
	struct ksim_opts ko = {.console_fd = STDOUT_FILENO};
	int trust = -1, console = -1, err;

	if (state_dir_open(&st, o->state_dir) != 0)
		return NX_EXIT_NOINPUT;
	trust = session_open_trust(o);
	if (trust < 0) {
		s.code = NX_EXIT_NOINPUT;
		goto out;
	}
	if (o->bundle != NULL) {
		char path[PATH_MAX];

		if (bundle_find(o->bundle, path, sizeof(path)) != 0) {
			bundle_say_not_found(o->bundle);
			s.code = NX_EXIT_NOINPUT;
			goto out;
		}
		s.bundle_fd = session_open_dir(path, "bundle");
		if (s.bundle_fd < 0) {
			s.code = NX_EXIT_NOINPUT;
			goto out;
		}
	}
	console = session_console(o, st.fd);
	s.msg = malloc(sizeof(*s.msg));
	if (console < 0 || s.msg == NULL || (s.ks = ksim_new(&ko)) == NULL) {
		fprintf(stderr, "nexus-sim: cannot set up the console or the kernel\n");
		s.code = NX_EXIT_INTERNAL;
		goto out;
	}
	nx_msg_init(s.msg);
	err = session_start(&s, trust, st.fd, console);
	/* init has its own copies now. */
	close(console);
	console = -1;
	if (err != 0) {
		s.code = err;
		if (s.init_pid > 0)
			kill(s.init_pid, SIGKILL);
	} else if ((err = sim_sandbox(o->verbose, s.init_pid)) != 0) {
		s.code = err;
	} else {
		ksim_run(s.ks);
	}
	if (s.code == -1) {
		fprintf(stderr, "nexus-sim: the session ended without a result\n");
		s.code = NX_EXIT_INTERNAL;
	}
out:
	if (s.ctl >= 0)
		close(s.ctl);
	if (s.sig >= 0)
		close(s.sig);
	if (s.init_pid > 0) {
		/* Without a clean DOWN, init's children follow it when their channel closes. */
		if (!s.down)
			kill(s.init_pid, SIGKILL);
		while (waitpid(s.init_pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	if (s.ks != NULL)
		ksim_free(s.ks);
	if (s.msg != NULL) {
		nx_msg_release(s.msg);
		free(s.msg);
	}
	if (console >= 0)
		close(console);
	if (s.bundle_fd >= 0)
		close(s.bundle_fd);
	if (trust >= 0)
		close(trust);
	state_dir_close(&st);
	return s.code;
}

/*
 * A boot session. nexus-sim is the kernel process: it launches exactly
 * one process, init, and talks to it only over the control channel;
 * everything else (the daemons, installs, execs) is init's business.
 * The kernel loop runs the whole time because every daemon's kernel
 * calls, including init's KCONNECTs, are served by it.
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
#include <dirent.h>
#include <unistd.h>

#include "daemons/lib/nxd.h"
#include "nexus/svc.h"
#include "sim/boot.h"
#include "sim/cli.h"
#include "sim/ksim.h"

#ifndef NX_DEFAULT_TRUST_DIR
#error "NX_DEFAULT_TRUST_DIR must be baked in by the build (sim/build.mk)"
#endif
#ifndef NX_DEFAULT_BUNDLE_DIR
#error "NX_DEFAULT_BUNDLE_DIR must be baked in by the build (sim/build.mk)"
#endif

struct session {
	const struct boot_opts *o;
	struct ksim *ks;
	int ctl;       /* our end of init's fd 4 */
	int sig;       /* signalfd: SIGINT, SIGTERM, SIGHUP start a clean shutdown */
	int bundle_fd; /* run: the bundle directory */
	pid_t init_pid;
	int code; /* the exit status so far */
	int down; /* init answered SHUTDOWN */
	int shutdown_sent;
	struct nxd_msg *msg;
};

/* The run's state directory: the user's, or a fresh one we remove after. */
struct boot_state {
	int fd;
	int temp;
	char path[PATH_MAX];
};

static int boot_state_open(struct boot_state *st, const char *dir)
{
	st->fd = -1;
	st->temp = dir == NULL;
	if (dir == NULL) {
		const char *tmp = getenv("TMPDIR");

		snprintf(st->path, sizeof(st->path), "%s/nexus-sim.XXXXXX",
			 tmp != NULL && *tmp != 0 ? tmp : "/tmp");
		if (mkdtemp(st->path) == NULL) {
			fprintf(stderr, "nexus-sim: cannot make a state directory in %s: %s\n",
				tmp != NULL && *tmp != 0 ? tmp : "/tmp", strerror(errno));
			return -1;
		}
	} else {
		if ((size_t)snprintf(st->path, sizeof(st->path), "%s", dir) >= sizeof(st->path)) {
			fprintf(stderr, "nexus-sim: state directory path too long\n");
			return -1;
		}
		if (mkdir(st->path, 0700) != 0 && errno != EEXIST) {
			fprintf(stderr, "nexus-sim: cannot make state directory %s: %s\n", st->path,
				strerror(errno));
			return -1;
		}
	}
	st->fd = open(st->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (st->fd < 0) {
		fprintf(stderr, "nexus-sim: cannot open state directory %s: %s\n", st->path,
			strerror(errno));
		if (st->temp)
			rmdir(st->path);
		return -1;
	}
	return 0;
}

/* Remove everything beneath dirfd without following a link; closes dirfd. */
static void boot_rm_tree(int dirfd)
{
	DIR *d = fdopendir(dirfd);
	struct dirent *e;
	int removed;

	if (d == NULL) {
		close(dirfd);
		return;
	}
	/* Entries removed while reading may hide others: read again until a pass removes none. */
	do {
		removed = 0;
		rewinddir(d);
		while ((e = readdir(d)) != NULL) {
			int sub;

			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			if (unlinkat(dirfd, e->d_name, 0) == 0) {
				removed = 1;
				continue;
			}
			sub = openat(dirfd, e->d_name,
				     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub < 0)
				continue;
			boot_rm_tree(sub);
			if (unlinkat(dirfd, e->d_name, AT_REMOVEDIR) == 0)
				removed = 1;
		}
	} while (removed);
	closedir(d);
}

static void boot_state_close(struct boot_state *st)
{
	if (st->fd < 0)
		return;
	if (st->temp) {
		boot_rm_tree(st->fd);
		if (rmdir(st->path) != 0)
			fprintf(stderr, "nexus-sim: cannot remove %s: %s\n", st->path,
				strerror(errno));
	} else {
		close(st->fd);
	}
	st->fd = -1;
}

static int boot_file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

int boot_parse_opt(struct boot_opts *o, int argc, char **argv, int *i)
{
	const char *a = argv[*i];

	if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
		o->verbose = 1;
		return 1;
	}
	if (strcmp(a, "--state") != 0 && strcmp(a, "--trust") != 0)
		return 0;
	if (*i + 1 >= argc || argv[*i + 1][0] == 0) {
		fprintf(stderr, "nexus-sim: %s needs a directory\n", a);
		return -1;
	}
	if (strcmp(a, "--state") == 0)
		o->state_dir = argv[++*i];
	else
		o->trust_dir = argv[++*i];
	return 1;
}

int boot_check_fault(void)
{
	const char *f = getenv("NEXUS_FAULT");
	size_t n;

	if (f == NULL)
		return 0;
	n = strlen(f);
	if (n > 8 && strncmp(f, "seccomp:", 8) == 0 && nxd_svc_name_ok(f + 8, n - 8))
		return 0;
	fprintf(stderr, "nexus-sim: NEXUS_FAULT=%s: expected seccomp:<daemon>\n", f);
	return -1;
}

int boot_find_bundle(const char *arg, char *out, size_t cap)
{
	const char *path = getenv("NEXUS_BUNDLE_PATH");

	if (strchr(arg, '/') != NULL || boot_file_exists(arg)) {
		if ((size_t)snprintf(out, cap, "%s", arg) >= cap)
			return -1;
		return 0;
	}
	while (path != NULL && *path != 0) {
		const char *colon = strchr(path, ':');
		size_t n = colon != NULL ? (size_t)(colon - path) : strlen(path);

		if (n > 0 && (size_t)snprintf(out, cap, "%.*s/%s", (int)n, path, arg) < cap &&
		    boot_file_exists(out))
			return 0;
		path = colon != NULL ? colon + 1 : NULL;
	}
	if ((size_t)snprintf(out, cap, "%s/%s", NX_DEFAULT_BUNDLE_DIR, arg) < cap &&
	    boot_file_exists(out))
		return 0;
	return -1;
}

static void session_shutdown(struct session *s)
{
	if (s->shutdown_sent)
		return;
	s->shutdown_sent = 1;
	if (nxd_send(s->ctl, NX_CTL_SHUTDOWN, 0, NULL, NULL, 0, -1) != 0)
		ksim_stop(s->ks, 0);
}

static void session_fail(struct session *s, int code, const char *what, const struct nxd_msg *m)
{
	fprintf(stderr, "nexus-sim: %s: %.*s\n", what, (int)m->len, (const char *)m->body);
	s->code = code;
	session_shutdown(s);
}

static int session_send_run(struct session *s)
{
	const char *label = strrchr(s->o->bundle, '/');
	size_t len, off = 0;
	uint8_t *body;
	int err;

	/* The bundle's name as typed, for bundlemgrd's messages. */
	label = label != NULL && label[1] != 0 ? label + 1 : s->o->bundle;
	len = strlen(label) + 1;
	for (size_t i = 0; i < s->o->nargs; i++)
		len += strlen(s->o->args[i]) + 1;
	if (len > NX_FRAME_BODY_MAX) {
		fprintf(stderr, "nexus-sim: arguments too long (%zu bytes, at most %u)\n", len,
			NX_FRAME_BODY_MAX);
		return NX_EXIT_USAGE;
	}
	body = malloc(len);
	if (body == NULL)
		return NX_EXIT_INTERNAL;
	memcpy(body, label, strlen(label) + 1);
	off = strlen(label) + 1;
	for (size_t i = 0; i < s->o->nargs; i++) {
		size_t n = strlen(s->o->args[i]) + 1;

		memcpy(body + off, s->o->args[i], n);
		off += n;
	}
	err = nxd_send(s->ctl, NX_CTL_RUN, 0, NULL, body, len, s->bundle_fd);
	free(body);
	return err == 0 ? 0 : NX_EXIT_INTERNAL;
}

static void session_result(struct session *s, const struct nxd_msg *m)
{
	struct nx_ctl_result r;
	int64_t res = nxd_result(m);

	if (res < 0) {
		fprintf(stderr, "nexus-sim: %s: %.*s\n", s->o->bundle, (int)m->len,
			(const char *)m->body);
		s->code = nx_err_is_refusal(res) ? NX_EXIT_REFUSED : NX_EXIT_INTERNAL;
		return;
	}
	if (m->len != sizeof(r)) {
		fprintf(stderr, "nexus-sim: init sent a result of the wrong size\n");
		s->code = NX_EXIT_INTERNAL;
		return;
	}
	memcpy(&r, m->body, sizeof(r));
	if (NX_WAIT_IS_CRASH(r.status)) {
		r.crash.name[sizeof(r.crash.name) - 1] = 0;
		fprintf(stderr, "nexus-sim: %s crashed: %s pc=0x%llx addr=0x%llx\n", r.crash.name,
			nx_crash_cause_name(r.crash.cause), (unsigned long long)r.crash.pc,
			(unsigned long long)r.crash.addr);
		s->code = NX_EXIT_CRASH_BASE + nx_crash_signal(NX_WAIT_CAUSE(r.status));
	} else {
		s->code = (int)NX_WAIT_CODE(r.status);
	}
}

static void session_on_ctl(void *arg, int fd, short revents)
{
	struct session *s = arg;
	struct nxd_msg *m = s->msg;
	int st;

	(void)revents;
	st = nxd_recv(fd, m);
	if (st == -NX_EAGAIN)
		return;
	if (st <= 0) {
		if (!s->down) {
			fprintf(stderr, "nexus-sim: init went away%s\n",
				st == 0 ? "" : " (malformed control frame)");
			s->code = NX_EXIT_INTERNAL;
		}
		ksim_stop(s->ks, 0);
		return;
	}
	switch (m->hdr.kind) {
	case NX_CTL_READY:
		if (nxd_result(m) < 0) {
			session_fail(s, NX_EXIT_INTERNAL, "boot failed", m);
		} else if (s->o->bundle != NULL) {
			int err = session_send_run(s);

			if (err != 0) {
				s->code = err;
				session_shutdown(s);
			}
		} else {
			s->code = 0;
			session_shutdown(s);
		}
		break;
	case NX_CTL_RESULT:
		session_result(s, m);
		session_shutdown(s);
		break;
	case NX_CTL_DOWN:
		s->down = 1;
		if (m->hdr.arg != 0)
			fprintf(stderr, "nexus-sim: %llu daemon(s) had to be killed at shutdown\n",
				(unsigned long long)m->hdr.arg);
		ksim_stop(s->ks, 0);
		break;
	case NX_FRAME_REPLY:
		/* init answers CONFIG, BOOT or RUN this way only to refuse them. */
		session_fail(s, NX_EXIT_INTERNAL, "init refused a control request", m);
		break;
	default:
		fprintf(stderr, "nexus-sim: unexpected control frame 0x%x from init\n",
			m->hdr.kind);
		s->code = NX_EXIT_INTERNAL;
		session_shutdown(s);
	}
	nxd_msg_release(m);
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

static int session_exe_dir(char *out, size_t cap)
{
	ssize_t n = readlink("/proc/self/exe", out, cap - 1);
	char *slash;

	if (n <= 0 || (size_t)n >= cap - 1)
		return -1;
	out[n] = 0;
	slash = strrchr(out, '/');
	if (slash == NULL)
		return -1;
	*slash = 0;
	return 0;
}

/* The child side of the launch: init's fds 0..4 and nothing else. */
static _Noreturn void session_exec_init(const char *path, int console, int ksock, int ctl)
{
	const char *fault = getenv("NEXUS_FAULT");
	char env0[128];
	char *argv[] = {"init", NULL};
	char *envp[] = {env0, NULL};
	int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int src[5] = {devnull, console, console, ksock, ctl}, tmp[5];
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int i = 0; i < 5; i++)
		if (src[i] < 0 || (tmp[i] = fcntl(src[i], F_DUPFD, 10)) < 0)
			_exit(127);
	for (int i = 0; i < 5; i++)
		if (dup2(tmp[i], i) < 0)
			_exit(127);
	if (close_range(5, ~0U, 0) != 0)
		_exit(127);
	if (fault != NULL)
		snprintf(env0, sizeof(env0), "NEXUS_FAULT=%s", fault);
	execve(path, argv, fault != NULL ? envp : envp + 1);
	dprintf(2, "nexus-sim: cannot exec %s: %s\n", path, strerror(errno));
	_exit(127);
}

static int session_open_dir(const char *path, const char *what)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		fprintf(stderr, "nexus-sim: cannot open %s %s: %s\n", what, path, strerror(errno));
	return fd;
}

static int session_start(struct session *s, int trust, int state, int console)
{
	char dir[PATH_MAX], path[PATH_MAX + 16];
	int ks[2], ctl[2];
	sigset_t mask;

	if (session_exe_dir(dir, sizeof(dir)) != 0) {
		fprintf(stderr, "nexus-sim: cannot find its own executable\n");
		return NX_EXIT_INTERNAL;
	}
	snprintf(path, sizeof(path), "%s/daemons/init", dir);
	if (access(path, X_OK) != 0) {
		fprintf(stderr, "nexus-sim: cannot run %s: %s\n", path, strerror(errno));
		return NX_EXIT_INTERNAL;
	}
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
	s->init_pid = fork();
	if (s->init_pid == 0)
		session_exec_init(path, console, ks[1], ctl[1]);
	close(ks[1]);
	close(ctl[1]);
	if (s->init_pid < 0) {
		close(ks[0]);
		close(ctl[0]);
		fprintf(stderr, "nexus-sim: fork: %s\n", strerror(errno));
		return NX_EXIT_INTERNAL;
	}
	s->ctl = ctl[0];
	if (ksim_add_client(s->ks, ks[0], "init") != 0) {
		fprintf(stderr, "nexus-sim: the kernel refused init's connection\n");
		return NX_EXIT_INTERNAL;
	}
	s->sig = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (s->sig < 0 || ksim_watch(s->ks, s->sig, session_on_signal, s) != 0 ||
	    ksim_watch(s->ks, s->ctl, session_on_ctl, s) != 0)
		return NX_EXIT_INTERNAL;
	if (nxd_send(s->ctl, NX_CTL_CONFIG, NX_CTL_CFG_TRUST_DIR, NULL, NULL, 0, trust) != 0 ||
	    nxd_send(s->ctl, NX_CTL_CONFIG, NX_CTL_CFG_STATE_DIR, NULL, NULL, 0, state) != 0 ||
	    nxd_send(s->ctl, NX_CTL_BOOT, s->o->flags, NULL, NULL, 0, -1) != 0) {
		fprintf(stderr, "nexus-sim: init did not take its configuration\n");
		return NX_EXIT_INTERNAL;
	}
	return 0;
}

static int session_console(const struct boot_opts *o, int state)
{
	if (o->verbose)
		return fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	return openat(state, "console.log",
		      O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0644);
}

int boot_session(const struct boot_opts *o)
{
	struct session s = {
	    .o = o, .ctl = -1, .sig = -1, .bundle_fd = -1, .init_pid = -1, .code = -1};
	struct boot_state st;
	struct ksim_opts ko = {0};
	int trust = -1, console = -1, err;

	if (boot_state_open(&st, o->state_dir) != 0)
		return NX_EXIT_NOINPUT;
	trust = session_open_dir(o->trust_dir != NULL ? o->trust_dir : NX_DEFAULT_TRUST_DIR,
				 "trust directory");
	if (trust < 0) {
		s.code = NX_EXIT_NOINPUT;
		goto out;
	}
	if (o->bundle != NULL) {
		char path[PATH_MAX];

		if (boot_find_bundle(o->bundle, path, sizeof(path)) != 0) {
			fprintf(stderr,
				"nexus-sim: bundle %s not found (looked in the current "
				"directory, $NEXUS_BUNDLE_PATH and %s)\n",
				o->bundle, NX_DEFAULT_BUNDLE_DIR);
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
	ko.console_fd = STDOUT_FILENO;
	if (console < 0 || s.msg == NULL || (s.ks = ksim_new(&ko)) == NULL) {
		fprintf(stderr, "nexus-sim: cannot set up the console or the kernel\n");
		s.code = NX_EXIT_INTERNAL;
		goto out;
	}
	nxd_msg_init(s.msg);
	err = session_start(&s, trust, st.fd, console);
	/* init has its own copies now. */
	close(console);
	console = -1;
	if (err != 0) {
		s.code = err;
		if (s.init_pid > 0)
			kill(s.init_pid, SIGKILL);
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
		nxd_msg_release(s.msg);
		free(s.msg);
	}
	if (console >= 0)
		close(console);
	if (s.bundle_fd >= 0)
		close(s.bundle_fd);
	if (trust >= 0)
		close(trust);
	boot_state_close(&st);
	return s.code;
}

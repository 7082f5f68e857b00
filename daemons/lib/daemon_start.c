/*
 * Daemon start-up: take the fds init handed over, close the rest, prepare
 * the Landlock domain from the directories, and serve the init channel.
 * Everything here runs before the sandbox, so it may still do what the
 * allowlists forbid (close_range, fstat of fds).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon_impl.h"
#include "loop_impl.h"
#include "nxd_log.h"
#include "nxd_trace.h"
#include "nexus/err.h"

static void start_need_seqpacket(int fd, const char *what)
{
	int type = 0;
	socklen_t len = sizeof(type);

	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0)
		fatal("fd %d (%s) is not a socket", fd, what);
	if (type != SOCK_SEQPACKET)
		fatalx("fd %d (%s) is not a SOCK_SEQPACKET socket", fd, what);
}

static void start_need_dir(int fd)
{
	struct stat st;

	if (fstat(fd, &st) != 0)
		fatal("fd %d (directory) is not open", fd);
	if (!S_ISDIR(st.st_mode))
		fatalx("fd %d is not a directory", fd);
}

/*
 * The Landlock domain the flags ask for, made now from fds 5 and 7 (which
 * the daemon may close before nxd_sandbox enforces it): no path is looked
 * up, and a directory not named here is out of reach once sandboxed.
 */
static void start_landlock(struct nxd *d, unsigned flags, int nbundles)
{
	struct nx_landlock_rule rules[1 + NX_RUN_BUNDLES_MAX];
	size_t n = 0;
	int err;

	if ((flags & NXD_START_DIR_RW) == NXD_START_DIR_RW)
		rules[n++] =
		    (struct nx_landlock_rule){NXD_FD_DIR, NX_LANDLOCK_READ | NX_LANDLOCK_WRITE};
	else if ((flags & NXD_START_DIR_RO) == NXD_START_DIR_RO)
		rules[n++] = (struct nx_landlock_rule){NXD_FD_DIR, NX_LANDLOCK_READ};
	for (int i = 0; i < nbundles; i++)
		rules[n++] = (struct nx_landlock_rule){nxd_bundle_fd(i), NX_LANDLOCK_READ};
	if ((err = nx_landlock_prepare(&d->landlock, rules, n, 0)) != 0) {
		errno = -err;
		fatal("landlock");
	}
	for (int i = 0; i < nbundles; i++)
		close(nxd_bundle_fd(i));
}

static void start_on_stop(struct nxd_conn *c, struct nx_msg *m, void *arg)
{
	struct nxd *d = arg;

	(void)c;
	(void)m;
	nxd_loop_stop(d->loop, 0);
}

static void start_on_init_close(void *arg, struct nxd_conn *c)
{
	struct nxd *d = arg;

	(void)c;
	/* init is gone: nobody is left to supervise us. */
	nxd_loop_stop(d->loop, 0);
}

/* NEXUS_FAULT=hang:<this daemon> (docs/security.md lists the faults). */
static int start_fault_hang(const char *name)
{
	const char *f = getenv("NEXUS_FAULT");

	return f != NULL && strncmp(f, "hang:", 5) == 0 && strcmp(f + 5, name) == 0;
}

/* NXD_BUNDLES_ENV: 0 to NX_RUN_BUNDLES_MAX bundle directories. */
static int start_bundles(void)
{
	const char *v = getenv(NXD_BUNDLES_ENV);
	char *end;
	long n;

	if (v == NULL)
		return 0;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || end == v || *end != 0 || n < 0 || n > NX_RUN_BUNDLES_MAX)
		fatalx("%s=%s: expected 0 to %d bundle directories", NXD_BUNDLES_ENV, v,
		       NX_RUN_BUNDLES_MAX);
	return (int)n;
}

/* fd NX_TRACE_FD is the session's trace pipe when init passed one (nexus/trace.h). */
static int start_trace_fd(void)
{
	struct stat st;

	return fstat(NX_TRACE_FD, &st) == 0 && S_ISFIFO(st.st_mode);
}

_Static_assert(NXD_FD_BUNDLE_MORE == NX_TRACE_FD + 1,
	       "a session's next bundles follow the trace pipe");

/* Close every fd above `top` but the trace pipe (top may be past it: a test session's bundles). */
static void start_close_rest(int top, int trace)
{
	int err = 0;

	if (top > NX_TRACE_FD) {
		/* Without tracing nothing is at fd 8 (init leaves it closed); make sure. */
		if (!trace)
			(void)close(NX_TRACE_FD);
		err = close_range((unsigned)top + 1, ~0U, 0);
	} else if (!trace) {
		err = close_range((unsigned)top + 1, ~0U, 0);
	} else {
		if (top + 1 < NX_TRACE_FD)
			err = close_range((unsigned)top + 1, NX_TRACE_FD - 1, 0);
		if (err == 0)
			err = close_range(NX_TRACE_FD + 1, ~0U, 0);
	}
	if (err != 0)
		fatal("close_range");
}

/* fd 1 is a socket when init started us: our start-up lines go there until READY. */
static int start_startup_socket(void)
{
	struct stat st;

	return fstat(STDOUT_FILENO, &st) == 0 && S_ISSOCK(st.st_mode);
}

static const struct nxd_handler start_init_table[] = {
    {{NX_SVC_STOP, 0, 0, NX_FD_NONE}, start_on_stop},
};

struct nxd *nxd_start(const char *name, unsigned flags)
{
	struct nxd *d;
	int top = NXD_FD_INIT, bundle, nbundles, trace = start_trace_fd();

	nxd_set_progname(name);
	if (start_startup_socket())
		nxd_console_to(STDOUT_FILENO);
	if (strlen(name) >= NX_SVC_NAME_MAX)
		fatalx("service name too long");
	signal(SIGPIPE, SIG_IGN);
	start_need_seqpacket(NXD_FD_KERNEL, "kernel socket");
	start_need_seqpacket(NXD_FD_INIT, "init channel");
	if (flags & NXD_START_DIR) {
		start_need_dir(NXD_FD_DIR);
		top = NXD_FD_DIR;
	}
	if (!(flags & NXD_START_NO_SAMGR)) {
		start_need_seqpacket(NXD_FD_SAMGR, "registry connection");
		top = NXD_FD_SAMGR;
	}
	/* fd 7 (9, 10, ... for a test session's next ones) come with a run only. */
	nbundles = (flags & NXD_START_BUNDLE) ? start_bundles() : 0;
	for (bundle = 0; bundle < nbundles; bundle++) {
		start_need_dir(nxd_bundle_fd(bundle));
		top = nxd_bundle_fd(bundle);
	}
	if (!(flags & NXD_START_DIR) && top > NXD_FD_DIR && fcntl(NXD_FD_DIR, F_GETFD) >= 0)
		close(NXD_FD_DIR);
	start_close_rest(top, trace);
	if (trace) {
		nxd_trace_open(NX_TRACE_FD, name);
		nxd_trace_mark(NX_TRACE_START);
	}
	d = calloc(1, sizeof(*d));
	if (d == NULL || (d->loop = nxd_loop_new()) == NULL)
		fatalx("out of memory");
	snprintf(d->name, sizeof(d->name), "%s", name);
	start_landlock(d, flags, nbundles);
	d->flags = flags;
	d->dir = (flags & NXD_START_DIR) ? NXD_FD_DIR : -1;
	d->hang = start_fault_hang(name);
	d->log_fd = -1;
	d->init = nxd_loop_add(d->loop, NXD_FD_INIT, "init", start_init_table, 1, d);
	d->kernel = nxd_loop_add(d->loop, NXD_FD_KERNEL, "kernel", NULL, 0, d);
	if (d->init == NULL || d->kernel == NULL)
		fatalx("out of memory");
	nxd_conn_on_close(d->init, start_on_init_close, d);
	if (!(flags & NXD_START_NO_SAMGR)) {
		d->samgr = nxd_samgr_attach(d);
		if (d->samgr == NULL)
			fatalx("out of memory");
	}
	if (!(flags & NXD_START_NO_LOG)) {
		d->log_fd = nxd_connect(d, "logd");
		if (d->log_fd < 0)
			fatalx("cannot connect to logd: error %d", -d->log_fd);
	}
	return d;
}

const char *nxd_name(const struct nxd *d)
{
	return d->name;
}

struct nxd_loop *nxd_loop_of(struct nxd *d)
{
	return d->loop;
}

int nxd_dir_fd(const struct nxd *d)
{
	return d->dir;
}

int nxd_kernel_fd(const struct nxd *d)
{
	(void)d;
	return NXD_FD_KERNEL;
}

struct nxd_conn *nxd_kernel_conn(struct nxd *d)
{
	return d->kernel;
}

struct nxd_conn *nxd_init_conn(struct nxd *d)
{
	return d->init;
}

void nxd_set_init_table(struct nxd *d, const struct nxd_handler *table, size_t n, void *arg)
{
	d->init->table = table;
	d->init->n = n;
	d->init->arg = arg;
}

void nxd_handle_stop(struct nxd_conn *c, struct nx_msg *m, void *arg)
{
	start_on_stop(c, m, arg);
}

void nxd_ready(struct nxd *d)
{
	nxd_ready_note(d, NULL);
}

void nxd_ready_note(struct nxd *d, const char *note)
{
	int err;

	if (!d->sandboxed)
		fatalx("ready before the sandbox is installed");
	/* NEXUS_FAULT=hang:<name>: every client connected from now on is left unanswered. */
	d->loop->hang_new = d->hang;
	/* Written before READY, so init has the line when READY comes: "<svc>: ready" then
	 * "init: up <svc>". */
	if (note != NULL)
		nxd_say("%s: ready (%s)", d->name, note);
	else
		nxd_say("%s: ready", d->name);
	err = nx_wire_send(NXD_FD_INIT, NX_SVC_READY, 0, NULL, d->name, strlen(d->name), -1);
	if (err != 0)
		fatalx("cannot tell init it is ready: error %d", -err);
	/* Lines from now on are no start-up lines: straight to the console. */
	nxd_console_to(STDERR_FILENO);
	nxd_trace_mark(NX_TRACE_READY);
}

int nxd_slot_arg(int argc, char **argv)
{
	if (argc != 2 || (strcmp(argv[1], "a") != 0 && strcmp(argv[1], "b") != 0))
		fatalx("usage: %s a|b (the slot this boot runs)", argv[0]);
	return argv[1][0] - 'a';
}

int nxd_serve(struct nxd *d)
{
	int code = nxd_loop_run(d->loop);

	/* What clients sent before init's STOP (logd's last records) is still served. */
	nxd_loop_drain(d->loop);
	nxd_loop_free(d->loop);
	d->loop = NULL;
	return code;
}

int nxd_service(struct nxd *d, const int *extra, size_t nextra, const struct nxd_handler *table,
		size_t n, void *arg)
{
	nxd_sandbox(d, extra, nextra);
	if (nxd_register(d, table, n, arg) != 0)
		fatalx("cannot register with samgrd");
	nxd_ready(d);
	return nxd_serve(d);
}

long nxd_kcall(struct nxd *d, unsigned nr, const uint64_t a[6], const void *in, size_t inlen,
	       void *out, size_t outcap, int fd_in, int *fd_out)
{
	return nxd_kcall_on(d->kernel, nr, a, in, inlen, out, outcap, fd_in, fd_out);
}

static long start_kcall_thunk(void *ctx, unsigned nr, const uint64_t a[6], const void *in,
			      size_t inlen, void *out, size_t outcap, int fd_in, int *fd_out)
{
	return nxd_kcall(ctx, nr, a, in, inlen, out, outcap, fd_in, fd_out);
}

void nxd_kcaller(struct nxd *d, struct nx_kcaller *k)
{
	k->ctx = d;
	k->call = start_kcall_thunk;
}

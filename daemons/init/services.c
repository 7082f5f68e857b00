/*
 * The service table and how one daemon is started: a fresh kernel
 * connection from the kernel (KCONNECT), an init channel, its directory,
 * its registry connection and (bundlemgrd, in a run) the bundle directory
 * placed at fds 3..7 (a test session's further bundles from fd 9 on, after
 * the trace pipe's fd 8), nothing else open, no environment but the
 * fault-injection switch when it names this daemon.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "init.h"
#include "nexus/trace.h"
#include "nxhost.h"
#include "nexus/syscall.h"

/*
 * Boot starts each daemon as soon as what it needs is up, so daemons come
 * up side by side; the ladder is printed in table order all the same, and
 * the table order is one its needs allow. Every daemon but logd and
 * samgrd connects to logd through samgrd in nxd_start. A service called
 * through an nxd_peer (keystored by bundlemgrd and updated, bundlemgrd by
 * execd, packagefsd by vfsd) is no need: the peer connects at first use.
 * Stop order is the reverse of the table.
 */
#define SVC_BASE "logd", "samgrd"
const struct svc_def init_services[] = {
    {"logd", SVC_DIR_STATE, SVC_RESTART, 1, 0, SVC_ARGS_NONE, {NULL}},
    /* Its registrations cannot be rebuilt behind the daemons' backs. */
    {"samgrd", SVC_DIR_NONE, SVC_NO_RESTART, 0, 0, SVC_ARGS_NONE, {NULL}},
    {"keystored", SVC_DIR_TRUST, SVC_RESTART, 1, 0, SVC_ARGS_NONE, {SVC_BASE}},
    /* Decides which slot boots: what takes the slot waits for its answer. */
    {"updated", SVC_DIR_STATE, SVC_RESTART, 1, 0, SVC_ARGS_UPDATED, {SVC_BASE}},
    {"bundlemgrd", SVC_DIR_STATE, SVC_RESTART, 1, 1, SVC_ARGS_SLOT_STATE, {SVC_BASE}},
    /* Reads the slot directory, which updated made sure exists before its boot decision. */
    {"packagefsd", SVC_DIR_STATE, SVC_RESTART, 1, 0, SVC_ARGS_SLOT, {SVC_BASE}},
    {"vfsd", SVC_DIR_NONE, SVC_RESTART, 1, 0, SVC_ARGS_NONE, {SVC_BASE}},
    {"execd", SVC_DIR_NONE, SVC_RESTART, 1, 0, SVC_ARGS_NONE, {SVC_BASE}},
};
const size_t init_nservices = sizeof(init_services) / sizeof(init_services[0]);

struct svc *svc_by_pid(struct init *in, pid_t pid)
{
	for (size_t i = 0; i < in->nsvc; i++)
		if (in->svc[i].pid == pid)
			return &in->svc[i];
	return NULL;
}

struct svc *svc_by_name(struct init *in, const char *name)
{
	for (size_t i = 0; i < in->nsvc; i++)
		if (strcmp(in->svc[i].def->name, name) == 0)
			return &in->svc[i];
	return NULL;
}

static int svc_kconnect(struct init *in, const char *name)
{
	uint64_t a[6] = {0, strlen(name), 0, 0, 0, 0};
	int fd = -1;
	long r = nxd_kcall_on(in->kernel, NX_SYS_KCONNECT, a, name, strlen(name), NULL, 0, -1, &fd);

	if (r < 0 || fd < 0) {
		if (fd >= 0)
			close(fd);
		return r < 0 ? (int)r : -NX_EPIPE;
	}
	return fd;
}

static void svc_on_ready(struct nxd_conn *c, struct nx_msg *m, void *arg)
{
	struct init *in = arg;
	struct svc *s = NULL;

	for (size_t i = 0; i < in->nsvc; i++)
		if (in->svc[i].chan == c)
			s = &in->svc[i];
	if (s == NULL || s->state != SVC_STARTING || m->len != strlen(s->def->name) ||
	    memcmp(m->body, s->def->name, m->len) != 0) {
		nxd_say("init: unexpected READY from %s; ignored", s ? s->def->name : "?");
		return;
	}
	/* Its "<name>: ready" was written before READY: it is in the socket now. */
	(void)startout_read(&s->out, STDERR_FILENO);
	s->state = SVC_UP;
	if (in->booting && (size_t)(s - in->svc) >= in->shown)
		init_ladder(in);
	else
		nxd_say("init: up %s", s->def->name);
	if (in->booting) {
		/* What takes the slot waits until updated said which slot boots. */
		if (s->def->args == SVC_ARGS_UPDATED && in->slot < 0)
			upd_boot_status(in);
		else
			init_boot_next(in);
	}
	init_arm_timer(in);
}

/* The daemon's start-up socket has bytes (or its end). */
static void svc_on_out(void *arg, int fd)
{
	struct init *in = arg;

	for (size_t i = 0; i < in->nsvc; i++) {
		struct svc *s = &in->svc[i];

		if (s->out.fd != fd)
			continue;
		/* At its end, stop watching; init_on_death prints what is left. */
		if (startout_read(&s->out, STDERR_FILENO))
			nxd_loop_unwatch(in->loop, fd);
		return;
	}
}

void svc_out_close(struct init *in, struct svc *s)
{
	if (s->out.fd >= 0)
		nxd_loop_unwatch(in->loop, s->out.fd);
	startout_finish(&s->out, STDERR_FILENO);
}

/* The daemon closed its channel (it is exiting): the loop frees the connection. */
static void svc_on_chan_close(void *arg, struct nxd_conn *c)
{
	struct init *in = arg;

	for (size_t i = 0; i < in->nsvc; i++)
		if (in->svc[i].chan == c)
			in->svc[i].chan = NULL;
}

static const struct nxd_handler svc_chan_table[] = {
    {{NX_SVC_READY, 1, NX_SVC_NAME_MAX - 1, NX_FD_NONE}, svc_on_ready},
};

/* samgrd is running: hand it every registry connection made before it was. */
static void svc_attach_pending(struct init *in, struct svc *samgrd)
{
	for (size_t i = 0; i < in->nsvc; i++) {
		struct svc *s = &in->svc[i];

		if (s->pending_attach < 0)
			continue;
		if (nx_wire_send(nxd_conn_fd(samgrd->chan), NX_SVC_ATTACH, 0, NULL, s->def->name,
				 strlen(s->def->name), s->pending_attach) != 0)
			nxd_say("init: cannot attach %s to samgrd", s->def->name);
		close(s->pending_attach);
		s->pending_attach = -1;
	}
}

/* init's own registry connection, to reach bundlemgrd and execd for a run. */
static int svc_attach_init(struct init *in, struct svc *samgrd)
{
	int sp[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) != 0)
		return -1;
	if (nx_wire_send(nxd_conn_fd(samgrd->chan), NX_SVC_ATTACH, 0, NULL, "init", 4, sp[0]) !=
	    0) {
		close(sp[0]);
		close(sp[1]);
		return -1;
	}
	close(sp[0]);
	in->registry = nxd_loop_add(in->loop, sp[1], "samgrd", NULL, 0, in);
	return in->registry != NULL ? 0 : -1;
}

/* nx_exec_fds places src[5] at fd 3 + 5. */
_Static_assert(NXD_FD_KERNEL + 5 == NX_TRACE_FD, "the trace pipe is the sixth fd placed");

int svc_start(struct init *in, struct svc *s)
{
	const char *name = s->def->name;
	char path[sizeof(in->exe_dir) + NX_SVC_NAME_MAX + 1];
	/* fds 3..8, then a test session's bundles after the first (nxd_bundle_fd). */
	int src[6 + NX_RUN_BUNDLES_MAX - 1];
	int nsrc = 6;
	int chan[2] = {-1, -1}, reg[2] = {-1, -1}, out[2] = {-1, -1};
	struct svc *samgrd = svc_by_name(in, "samgrd");
	pid_t pid;
	int k;

	snprintf(path, sizeof(path), "%s/%s", in->exe_dir, name);
	if (access(path, X_OK) != 0) {
		nxd_say("init: cannot start %s: %s: %s", name, path, strerror(errno));
		return -1;
	}
	k = svc_kconnect(in, name);
	if (k < 0) {
		nxd_say("init: cannot start %s: the kernel refused a connection (error %d)", name,
			-k);
		return -1;
	}
	/* A previous start's lines are all printed by now (init_on_death). */
	svc_out_close(in, s);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, chan) != 0 ||
	    (s->def->registry && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, reg) != 0) ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, out) != 0 ||
	    fcntl(out[0], F_SETFL, O_NONBLOCK) != 0) {
		nxd_say("init: cannot start %s: socketpair: %s", name, strerror(errno));
		goto bad;
	}
	src[0] = k;
	src[1] = chan[1];
	src[2] = s->def->dir == SVC_DIR_TRUST	? in->trust_fd
		 : s->def->dir == SVC_DIR_STATE ? in->state_fd
						: -1;
	src[3] = reg[1];
	src[4] = s->def->bundle && in->nbundles > 0 ? in->bundle_fds[0] : -1;
	/* fd 8 (NX_TRACE_FD), whatever fds 5-7 are: the trace pipe when the session traces. */
	src[5] = in->trace_fd;
	/* bundlemgrd: a test session's further bundles from fd 9 on, in order. */
	for (size_t i = 1; s->def->bundle && i < in->nbundles; i++)
		src[nsrc++] = in->bundle_fds[i];
	pid = svc_spawn(in, s, path, src, nsrc, out[1]);
	if (pid < 0) {
		nxd_say("init: cannot start %s: clone: %s", name, strerror(errno));
		goto bad;
	}
	/* The fault is injected once: the restarted daemon must come up. */
	s->fault = 0;
	s->starts++;
	close(k);
	close(chan[1]);
	close(out[1]);
	if (reg[1] >= 0)
		close(reg[1]);
	s->out.fd = out[0];
	/* Held while a daemon before it in the table has its part of the ladder to print. */
	s->out.hold = in->booting && (size_t)(s - in->svc) > in->shown;
	if (nxd_loop_watch(in->loop, out[0], svc_on_out, in) != 0)
		nxd_say("init: cannot watch %s's start-up lines", name);
	s->pid = pid;
	s->state = SVC_STARTING;
	restart_started(&s->rs, nxd_now_ms());
	s->chan = nxd_loop_add(in->loop, chan[0], name, svc_chan_table, 1, in);
	if (s->chan == NULL) {
		nxd_say("init: too many connections starting %s", name);
		kill(pid, SIGKILL);
		if (reg[0] >= 0)
			close(reg[0]);
		return -1;
	}
	nxd_conn_on_close(s->chan, svc_on_chan_close, in);
	/* Before samgrd runs (logd) the connection waits; its REGISTER waits with it. */
	s->pending_attach = reg[0];
	if (samgrd != NULL && samgrd->pid > 0 && s != samgrd)
		svc_attach_pending(in, samgrd);
	if (s == samgrd) {
		svc_attach_pending(in, samgrd);
		if (svc_attach_init(in, samgrd) != 0)
			nxd_say("init: cannot attach itself to samgrd");
	}
	return 0;
bad:
	close(k);
	for (int i = 0; i < 2; i++) {
		if (chan[i] >= 0)
			close(chan[i]);
		if (reg[i] >= 0)
			close(reg[i]);
		if (out[i] >= 0)
			close(out[i]);
	}
	return -1;
}

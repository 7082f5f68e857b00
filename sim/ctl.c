/*
 * The control channel with init (nexus/svc.h NX_CTL_*), nexus-sim's side.
 * init is trusted but its frames are still checked, through a dispatch
 * table like the daemons': a frame of the wrong shape ends the session
 * as an internal error, never as a crash.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cli.h"
#include "gdb.h"
#include "ksim.h"
#include "nexus/svc.h"
#include "nexus/svc_update.h"
#include "session.h"
#include "state_dir.h"
#include "trace.h"
#include "update.h"

struct ctl_handler {
	struct nx_wire_rule rule;
	void (*fn)(struct session *s, struct nx_msg *m);
};

static void ctl_fail(struct session *s, int code, const char *what, const struct nx_msg *m)
{
	fprintf(stderr, "nexus-sim: %s: %.*s\n", what, (int)m->len, (const char *)m->body);
	s->code = code;
	session_shutdown(s);
}

/* The bundle's name as typed, without its directory, for bundlemgrd's messages. */
static const char *ctl_label(const char *bundle)
{
	const char *label = strrchr(bundle, '/');

	return label != NULL && label[1] != 0 ? label + 1 : bundle;
}

/*
 * RUN: the bundle directory, its label, the arguments and the
 * environment; for pkg:/NAME no directory, and NAME as the label.
 */
int ctl_send_run(struct session *s, size_t i)
{
	const struct sim_opts *o = s->o;
	const char *label = ctl_label(s->names[i]);
	struct nx_ctl_run hdr = {.argc = (uint32_t)o->nargs, .envc = (uint32_t)o->nenv};
	size_t len = sizeof(hdr), off;
	uint8_t *body;
	int err;

	len += strlen(label) + 1;
	for (size_t i = 0; i < o->nargs; i++)
		len += strlen(o->args[i]) + 1;
	for (size_t i = 0; i < o->nenv; i++)
		len += strlen(o->env[i]) + 1;
	/* cmd_run checked the arguments against NX_RUN_ARG_BYTES_MAX. */
	if (len > NX_FRAME_BODY_MAX || (body = malloc(len)) == NULL)
		return -1;
	memcpy(body, &hdr, sizeof(hdr));
	off = sizeof(hdr);
	memcpy(body + off, label, strlen(label) + 1);
	off += strlen(label) + 1;
	for (size_t i = 0; i < o->nargs; i++) {
		memcpy(body + off, o->args[i], strlen(o->args[i]) + 1);
		off += strlen(o->args[i]) + 1;
	}
	for (size_t i = 0; i < o->nenv; i++) {
		memcpy(body + off, o->env[i], strlen(o->env[i]) + 1);
		off += strlen(o->env[i]) + 1;
	}
	sim_trace_step(s->trace, "run", 1);
	err = nx_wire_send(s->ctl, NX_CTL_RUN,
			   sim_operand_is_program(s->names[i]) ? NX_CTL_RUN_PROGRAM : 0, NULL, body,
			   len, s->bundle_fds[i]);
	free(body);
	return err == 0 ? 0 : -1;
}

void ctl_next_install(struct session *s)
{
	const char *label;

	if (s->with_next == s->o->nwith) {
		session_next_run(s);
		return;
	}
	label = ctl_label(s->o->with[s->with_next]);
	if (s->with_next == 0)
		s->results[0].start_ns = sim_now_ns();
	if (nx_wire_send(s->ctl, NX_CTL_INSTALL, 0, NULL, label, strlen(label) + 1,
			 s->with_fds[s->with_next]) != 0) {
		fprintf(stderr, "nexus-sim: cannot send the install request to init\n");
		s->code = NX_EXIT_INTERNAL;
		session_shutdown(s);
	}
}

static void on_ready(struct session *s, struct nx_msg *m)
{
	sim_trace_step(s->trace, "boot", 0);
	session_say_reboot(s);
	if (nx_msg_result(m) < 0) {
		ctl_fail(s, NX_EXIT_INTERNAL, "boot failed", m);
	} else if (m->hdr.arg == NX_CTL_READY_REFUSED) {
		/* The message names the file and the problem (the program registry). */
		fprintf(stderr, "nexus-sim: %.*s\n", (int)m->len, (const char *)m->body);
		s->code = NX_EXIT_REFUSED;
		session_shutdown(s);
	} else if (m->hdr.arg == NX_CTL_READY_REBOOT) {
		/* The slot on trial failed its health check: the next boot decides. */
		if (s->update != NULL)
			update_note_failure(s->update, (const char *)m->body, m->len);
		session_reboot(s);
	} else if (s->update != NULL) {
		update_on_ready(s->update);
	} else if (s->nbundles > 0) {
		ksim_console_switch(s->ks);
		s->ready_ns = sim_now_ns();
		/* --gdb (run only, one bundle): the task spawned next is the payload's. */
		if (s->gdb != NULL && gdb_stub_arm(s->gdb) != 0) {
			fprintf(stderr, "nexus-sim: gdb: cannot attach to the run\n");
			s->code = NX_EXIT_INTERNAL;
			session_shutdown(s);
		} else {
			ctl_next_install(s);
		}
	} else {
		s->code = 0;
		session_shutdown(s);
	}
}

/*
 * A run that did not happen: refused (a --with bundle's refusal too:
 * `bundle` names what was refused), no such program (-NX_ENOENT: exit
 * 66, as a bundle that cannot be found), or a daemon failed or missed its
 * deadline.
 */
static void result_refused(struct sim_result *res, const char *bundle, int64_t err,
			   const struct nx_msg *m)
{
	const char *label = ctl_label(bundle);
	size_t n = strlen(label);
	int refused = nx_err_is_refusal(err) || err == -NX_ENOENT;

	/* bundlemgrd's refusals name the bundle themselves: say it once. */
	if (m->len > n && memcmp(m->body, label, n) == 0 && m->body[n] == ':')
		snprintf(res->msg, sizeof(res->msg), "%.*s", (int)m->len, (const char *)m->body);
	else
		snprintf(res->msg, sizeof(res->msg), "%s: %.*s", bundle, (int)m->len,
			 (const char *)m->body);
	fprintf(stderr, "nexus-sim: %s\n", res->msg);
	res->outcome = refused ? SIM_REFUSED : SIM_ERROR;
	res->code = err == -NX_ENOENT	   ? NX_EXIT_NOINPUT
		    : refused		   ? NX_EXIT_REFUSED
		    : err == -NX_ETIMEDOUT ? NX_EXIT_UNAVAILABLE
					   : NX_EXIT_INTERNAL;
}

/* run --with: a bundle installed (the next one, or the RUN), or refused (nothing runs). */
static void on_installed(struct session *s, struct nx_msg *m)
{
	int64_t err = nx_msg_result(m);
	struct sim_result *res = &s->results[0];

	if (s->with_next >= s->o->nwith) {
		ctl_fail(s, NX_EXIT_INTERNAL, "init sent an unasked install reply", m);
		return;
	}
	if (err >= 0) {
		if (s->o->verbose)
			fprintf(stderr, "nexus-sim: --with %s: installed %.*s\n",
				s->o->with[s->with_next], (int)m->len, (const char *)m->body);
		s->with_next++;
		ctl_next_install(s);
		return;
	}
	result_refused(res, s->o->with[s->with_next], err, m);
	res->end_ns = sim_now_ns();
	s->code = res->code;
	session_shutdown(s);
}

static void on_result(struct session *s, struct nx_msg *m)
{
	struct nx_ctl_result r;
	int64_t err = nx_msg_result(m);
	struct sim_result *res = &s->results[s->current];

	if (s->current >= s->nbundles) {
		/* A run given up on (test --timeout's grace) may still answer at the shutdown. */
		if (!s->shutdown_sent)
			ctl_fail(s, NX_EXIT_INTERNAL, "init sent an unasked result", m);
		return;
	}
	sim_trace_step(s->trace, "run", 0);
	if (err < 0) {
		result_refused(res, res->bundle, err, m);
	} else if (m->len != sizeof(r)) {
		fprintf(stderr, "nexus-sim: init sent a result of the wrong size\n");
		res->outcome = SIM_ERROR;
		res->code = NX_EXIT_INTERNAL;
		snprintf(res->msg, sizeof(res->msg), "init sent a result of the wrong size");
	} else {
		memcpy(&r, m->body, sizeof(r));
		if (NX_WAIT_IS_CRASH(r.status)) {
			r.crash.name[sizeof(r.crash.name) - 1] = 0;
			fprintf(stderr, "nexus-sim: %s crashed: %s pc=0x%llx addr=0x%llx\n",
				r.crash.name, nx_crash_cause_name(r.crash.cause),
				(unsigned long long)r.crash.pc, (unsigned long long)r.crash.addr);
			res->crash = r.crash;
			res->outcome =
			    NX_WAIT_CAUSE(r.status) == NX_CRASH_TIMEOUT ? SIM_TIMEOUT : SIM_CRASHED;
			res->code =
			    res->outcome == SIM_TIMEOUT && s->test
				? NX_EXIT_TIMEOUT
				: NX_EXIT_CRASH_BASE + nx_crash_signal(NX_WAIT_CAUSE(r.status));
		} else {
			res->outcome = SIM_EXITED;
			res->code = (int)NX_WAIT_CODE(r.status);
		}
	}
	session_bundle_done(s);
}

static void on_down(struct session *s, struct nx_msg *m)
{
	s->down = 1;
	sim_trace_step(s->trace, "shutdown", 0);
	if (m->hdr.arg != 0)
		fprintf(stderr, "nexus-sim: %llu daemon(s) had to be killed at shutdown\n",
			(unsigned long long)m->hdr.arg);
	if (s->rebooting && s->signalled == 0 && !s->timed_out && session_relaunch(s) == 0)
		return;
	ksim_stop(s->ks, 0);
}

static void on_updated(struct session *s, struct nx_msg *m)
{
	if (s->update == NULL) {
		ctl_fail(s, NX_EXIT_INTERNAL, "init sent an unasked update reply", m);
		return;
	}
	sim_trace_step(s->trace, "update", 0);
	update_on_reply(s->update, m);
}

/* init answers CONFIG, BOOT or RUN this way only to refuse them. */
static void on_refusal(struct session *s, struct nx_msg *m)
{
	ctl_fail(s, NX_EXIT_INTERNAL, "init refused a control request", m);
}

static const struct ctl_handler ctl_table[] = {
    {{NX_CTL_READY, 0, NX_ERRMSG_MAX, NX_FD_NONE}, on_ready},
    {{NX_CTL_RESULT, 0, sizeof(struct nx_ctl_result), NX_FD_NONE}, on_result},
    {{NX_CTL_DOWN, 0, 0, NX_FD_NONE}, on_down},
    {{NX_CTL_UPDATED, 0, sizeof(struct nx_update_status), NX_FD_NONE}, on_updated},
    {{NX_CTL_INSTALLED, 0, NX_ERRMSG_MAX, NX_FD_NONE}, on_installed},
    {{NX_FRAME_REPLY, 0, NX_ERRMSG_MAX, NX_FD_NONE}, on_refusal},
};

void ctl_on_frame(void *arg, int fd, short revents)
{
	struct session *s = arg;
	struct nx_msg *m = s->msg;
	const char *why = "unknown frame kind";
	int st;

	(void)revents;
	st = nx_wire_recv(fd, m, MSG_DONTWAIT);
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
	for (size_t i = 0; i < sizeof(ctl_table) / sizeof(ctl_table[0]); i++) {
		if (ctl_table[i].rule.kind != m->hdr.kind)
			continue;
		if (nx_wire_check_shape(&ctl_table[i].rule, m, &why) == 0) {
			ctl_table[i].fn(s, m);
			nx_msg_release(m);
			return;
		}
		break;
	}
	fprintf(stderr, "nexus-sim: bad control frame 0x%x from init: %s\n", m->hdr.kind, why);
	s->code = NX_EXIT_INTERNAL;
	session_shutdown(s);
	nx_msg_release(m);
}

/* CONFIG WRAP for each --wrap: the daemon, the wrapper's path and words; fd the wrapper. */
static int ctl_send_wraps(struct session *s)
{
	static uint8_t body[NX_CTL_WRAP_BODY_MAX];

	for (size_t i = 0; i < s->o->nwrap; i++) {
		const struct sim_wrap *w = &s->o->wrap[i];
		size_t off = 0;
		int fd, err;

		off += (size_t)sprintf((char *)body + off, "%s", w->daemon) + 1;
		off += (size_t)sprintf((char *)body + off, "%s", w->path) + 1;
		for (size_t k = 0; k < w->nwords; k++)
			off += (size_t)sprintf((char *)body + off, "%s", w->words[k]) + 1;
		/* The first boot runs before nexus-sim's sandbox, which opens no path. */
		if (i == s->nwrap_fd) {
			fd = open(w->path, O_PATH | O_CLOEXEC);
			if (fd < 0) {
				fprintf(stderr, "nexus-sim: --wrap %s: %s: %s\n", w->daemon,
					w->path, strerror(errno));
				return -1;
			}
			s->wrap_fd[s->nwrap_fd++] = fd;
		}
		err = nx_wire_send(s->ctl, NX_CTL_CONFIG, NX_CTL_CFG_WRAP, NULL, body, off,
				   s->wrap_fd[i]);
		if (err != 0)
			return -1;
	}
	return 0;
}

/* CONFIG REGISTRY: the file, and its path for init's messages (a long one by its tail). */
static int ctl_send_registry(struct session *s)
{
	const char *path = s->registry_path;
	char shown[NX_PATH_MAX];
	size_t n = strlen(path);

	if (n < sizeof(shown))
		memcpy(shown, path, n + 1);
	else
		snprintf(shown, sizeof(shown), "...%s", path + n - (sizeof(shown) - 4));
	return nx_wire_send(s->ctl, NX_CTL_CONFIG, NX_CTL_CFG_REGISTRY, NULL, shown, strlen(shown),
			    s->registry);
}

int ctl_boot(struct session *s)
{
	uint64_t flags = s->o->state_dir != NULL ? NX_CTL_BOOT_STATEFS : 0;
	int trace = sim_trace_pipe(s->trace);

	sim_trace_step(s->trace, "boot", 1);
	/* First, so that init records every frame after it. */
	if (trace >= 0 &&
	    nx_wire_send(s->ctl, NX_CTL_CONFIG, NX_CTL_CFG_TRACE, NULL, NULL, 0, trace) != 0)
		return -1;
	if (nx_wire_send(s->ctl, NX_CTL_CONFIG, NX_CTL_CFG_TRUST_DIR, NULL, NULL, 0, s->trust) !=
		0 ||
	    nx_wire_send(s->ctl, NX_CTL_CONFIG, NX_CTL_CFG_STATE_DIR, NULL, NULL, 0, s->st->fd) !=
		0 ||
	    nx_wire_send(s->ctl, NX_CTL_CONFIG, NX_CTL_CFG_STATE_LOCK, NULL, NULL, 0,
			 s->st->lock) != 0 ||
	    ctl_send_wraps(s) != 0)
		return -1;
	/* The bundles too, before BOOT: init's Landlock domain and bundlemgrd's must hold them. */
	for (size_t i = 0; i < s->nbundles; i++)
		if (s->bundle_fds[i] >= 0 &&
		    nx_wire_send(s->ctl, NX_CTL_CONFIG, NX_CTL_CFG_BUNDLE_DIR, NULL, NULL, 0,
				 s->bundle_fds[i]) != 0)
			return -1;
	for (size_t i = 0; i < s->o->nwith; i++)
		if (nx_wire_send(s->ctl, NX_CTL_CONFIG, NX_CTL_CFG_BUNDLE_DIR, NULL, NULL, 0,
				 s->with_fds[i]) != 0)
			return -1;
	if (s->registry >= 0 && ctl_send_registry(s) != 0)
		return -1;
	return nx_wire_send(s->ctl, NX_CTL_BOOT, flags, NULL, NULL, 0, -1) == 0 ? 0 : -1;
}

int ctl_update(struct session *s, uint32_t op, uint32_t arg, const char *label, int fd)
{
	uint8_t body[sizeof(struct nx_ctl_update) + NX_PATH_MAX];
	struct nx_ctl_update u = {op, arg};
	size_t n = label != NULL ? strnlen(label, NX_PATH_MAX - 1) : 0;

	memcpy(body, &u, sizeof(u));
	sim_trace_step(s->trace, "update", 1);
	if (n > 0)
		memcpy(body + sizeof(u), label, n);
	return nx_wire_send(s->ctl, NX_CTL_UPDATE, 0, NULL, body, sizeof(u) + n, fd) == 0 ? 0 : -1;
}

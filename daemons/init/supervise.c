/*
 * Supervision: the boot (each daemon started once what it needs is up,
 * the ladder printed in table order), deaths turned into reports and
 * throttled restarts, and the shutdown in reverse order. SIGCHLD and
 * SIGTERM arrive as signalfd events in the one loop.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "init.h"

void init_boot_fail(struct init *in, int err, const char *fmt, ...)
{
	char msg[NX_ERRMSG_MAX + 1];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n > NX_ERRMSG_MAX)
		n = NX_ERRMSG_MAX;
	/* Nothing is held once the boot is over: what waited for its turn is printed now. */
	for (size_t i = 0; i < in->nsvc; i++)
		startout_release(&in->svc[i].out, STDERR_FILENO);
	nxd_say("init: boot failed: %s", msg);
	in->booting = 0;
	if (in->ctl != NULL)
		(void)nx_wire_send(nxd_conn_fd(in->ctl), NX_CTL_READY, (uint64_t)(int64_t)-err,
				   in->boot_req.id, msg, (size_t)n, -1);
}

/* Is every service it needs up (and, for a daemon that takes the slot, the slot known)? */
static int init_can_start(struct init *in, const struct svc *s)
{
	if ((s->def->args == SVC_ARGS_SLOT || s->def->args == SVC_ARGS_SLOT_STATE) && in->slot < 0)
		return 0;
	for (size_t i = 0; i < SVC_NEEDS_MAX && s->def->needs[i] != NULL; i++) {
		struct svc *n = svc_by_name(in, s->def->needs[i]);

		if (n == NULL || n->state != SVC_UP)
			return 0;
	}
	return 1;
}

void init_boot_next(struct init *in)
{
	for (size_t i = 0; i < in->nsvc && in->booting; i++) {
		struct svc *s = &in->svc[i];

		/* Started once per boot here; a restart is the tick's. */
		if (s->starts > 0 || s->pid > 0 || !init_can_start(in, s))
			continue;
		if (svc_start(in, s) != 0)
			init_boot_fail(in, NX_EPIPE, "cannot start %s", s->def->name);
	}
}

/*
 * The ladder: each daemon's start-up lines, then "init: up <name>", in
 * table order whatever order they came up in; a daemon's lines wait
 * (startout.h) until those before it are printed.
 */
void init_ladder(struct init *in)
{
	while (in->booting && in->shown < in->nsvc) {
		struct svc *s = &in->svc[in->shown];

		startout_release(&s->out, STDERR_FILENO);
		if (s->state != SVC_UP)
			return;
		nxd_say("init: up %s", s->def->name);
		if (++in->shown == in->nsvc) {
			nxd_say("init: ready");
			gate_start(in);
		}
	}
}

static void init_report_death(struct svc *s, int status)
{
	if (WIFSIGNALED(status)) {
		const char *abbrev = sigabbrev_np(WTERMSIG(status));

		if (abbrev != NULL)
			nxd_say("init: %s died signal=SIG%s", s->def->name, abbrev);
		else
			nxd_say("init: %s died signal=%d", s->def->name, WTERMSIG(status));
	} else {
		nxd_say("init: %s exited code=%d", s->def->name, WEXITSTATUS(status));
	}
}

/* Ask one daemon to stop; the grace period runs from now. */
static void init_stop(struct init *in, struct svc *s)
{
	s->state = SVC_STOPPING;
	in->stop_deadline = nxd_now_ms() + INIT_STOP_GRACE_MS;
	if (s->chan == NULL ||
	    nx_wire_send(nxd_conn_fd(s->chan), NX_SVC_STOP, 0, NULL, NULL, 0, -1) != 0) {
		/* No channel to ask on: no reason to wait for the grace period. */
		kill(s->pid, SIGKILL);
		in->killed++;
	}
}

/*
 * A shutdown (and a soft reboot) stops every daemon but logd at once,
 * then logd, so the last records of the others are still written. None
 * waits for another to stop: each was asked once the others were, and
 * one at a time made every stop a round trip of the whole shutdown.
 */
static void init_stop_next(struct init *in)
{
	int waiting = 0;

	for (size_t i = in->nsvc; i-- > 0;) {
		struct svc *s = &in->svc[i];
		int together = i >= INIT_CORE_SERVICES;

		s->restart_at = 0;
		if (s->pid <= 0)
			continue;
		if (waiting && !together)
			return;
		if (s->state != SVC_STOPPING)
			init_stop(in, s);
		waiting = 1;
		if (!together)
			return;
	}
	if (waiting)
		return;
	/* Every daemon is reaped. */
	if (in->have_shut_req && in->ctl != NULL)
		(void)nx_wire_send(nxd_conn_fd(in->ctl), NX_CTL_DOWN, in->killed, in->shut_req.id,
				   NULL, 0, -1);
	nxd_loop_stop(in->loop, 0);
}

void init_shutdown(struct init *in)
{
	if (in->shutting)
		return;
	in->shutting = 1;
	if (in->booting)
		init_boot_fail(in, NX_EPIPE, "shutdown requested during boot");
	run_abort(in);
	init_stop_next(in);
	init_arm_timer(in);
}

static void init_on_death(struct init *in, struct svc *s, int status)
{
	uint64_t at;

	s->pid = 0;
	/* Its last lines before the report, even those still waiting for its turn. */
	svc_out_close(in, s);
	if (s->pending_attach >= 0) {
		close(s->pending_attach);
		s->pending_attach = -1;
	}
	if (s->chan != NULL) {
		nxd_conn_drop(s->chan);
		s->chan = NULL;
	}
	if (s->state == SVC_STOPPING) {
		/* A wrapper's verdict (valgrind --error-exitcode) is the status it stops with. */
		if (s->wrap_path != NULL && status != 0)
			init_report_death(s, status);
		s->state = SVC_DOWN;
		init_stop_next(in);
		return;
	}
	init_report_death(s, status);
	s->state = SVC_DOWN;
	if (in->shutting) {
		init_stop_next(in);
		return;
	}
	if (s->def->policy == SVC_NO_RESTART) {
		nxd_say("init: %s is not restarted", s->def->name);
		s->state = SVC_FAILED;
	} else if (!restart_plan(&s->rs, nxd_now_ms(), &at)) {
		nxd_say("init: %s died %u times; not restarted", s->def->name, s->rs.deaths);
		s->state = SVC_FAILED;
	} else {
		s->restart_at = at;
	}
	if (s->state == SVC_FAILED && in->booting)
		init_boot_fail(in, NX_EPIPE, "%s died during boot", s->def->name);
}

static void init_reap(struct init *in)
{
	for (;;) {
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG);
		struct svc *s;

		if (pid <= 0)
			return;
		s = svc_by_pid(in, pid);
		if (s != NULL)
			init_on_death(in, s, status);
	}
}

void init_on_signal(void *arg, int fd)
{
	struct init *in = arg;
	struct signalfd_siginfo si;

	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			init_reap(in);
		else
			init_shutdown(in);
	}
	init_arm_timer(in);
}

/* Timer work: due restarts, and killing a daemon that ignored STOP. */
static void init_tick(void *arg)
{
	struct init *in = arg;
	uint64_t now = nxd_now_ms();

	if (in->shutting) {
		if (now >= in->stop_deadline) {
			for (size_t i = in->nsvc; i-- > 0;)
				if (in->svc[i].state == SVC_STOPPING && in->svc[i].pid > 0) {
					nxd_say("init: %s ignored stop; killed",
						in->svc[i].def->name);
					kill(in->svc[i].pid, SIGKILL);
					in->killed++;
				}
			in->stop_deadline = UINT64_MAX;
		}
		init_arm_timer(in);
		return;
	}
	gate_tick(in, now);
	run_tick(in, now);
	for (size_t i = 0; i < in->nsvc; i++) {
		struct svc *s = &in->svc[i];

		if (s->restart_at == 0 || now < s->restart_at)
			continue;
		s->restart_at = 0;
		nxd_say("init: restart %s", s->def->name);
		if (svc_start(in, s) != 0) {
			s->state = SVC_FAILED;
			if (in->booting)
				init_boot_fail(in, NX_EPIPE, "cannot restart %s", s->def->name);
		}
	}
	init_arm_timer(in);
}

void init_arm_timer(struct init *in)
{
	uint64_t now = nxd_now_ms(), due = UINT64_MAX;

	if (in->shutting) {
		due = in->stop_deadline;
	} else {
		for (size_t i = 0; i < in->nsvc; i++)
			if (in->svc[i].restart_at != 0 && in->svc[i].restart_at < due)
				due = in->svc[i].restart_at;
		if (in->gate_deadline != 0 && in->gate_deadline < due)
			due = in->gate_deadline;
		if (run_retry_at(in) != 0 && run_retry_at(in) < due)
			due = run_retry_at(in);
	}
	if (due == UINT64_MAX)
		nxd_loop_set_tick(in->loop, -1, init_tick, in);
	else
		nxd_loop_set_tick(in->loop, due > now ? (int)(due - now) : 0, init_tick, in);
}

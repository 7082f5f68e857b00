/*
 * A boot session: nexus-sim is the kernel process. It launches exactly
 * one process, init, and talks to it only over the control channel
 * (nexus/svc.h NX_CTL_*, ctl.c); everything else (the daemons, installs,
 * execs) is init's business. The kernel loop runs the whole time because
 * every daemon's kernel calls, including init's KCONNECTs, are served by
 * it. `run` and `boot` are both one session; `run` adds one RUN before
 * the shutdown.
 */
#ifndef NEXUS_SIM_SESSION_H
#define NEXUS_SIM_SESSION_H

#include <sys/types.h>

#include "opts.h"
#include "wire.h"

struct ksim;

struct session {
	const struct sim_opts *o;
	struct ksim *ks;
	int ctl;       /* our end of init's fd 4 */
	int sig;       /* signalfd of the ending signals (signals.h) */
	int timer;     /* timerfd of --timeout, or -1 */
	int bundle_fd; /* run: the bundle directory */
	pid_t init_pid;
	int code;      /* the exit status so far, -1 before any */
	int signalled; /* the ending signal that arrived first, or 0 */
	int timed_out; /* --timeout ran out */
	int down;      /* init answered SHUTDOWN */
	int shutdown_sent;
	struct nx_msg *msg;
};

/* Run a whole session; returns nexus-sim's exit status (cli.h). */
int session_run(const struct sim_opts *o);

/* Ask init to shut everything down (once); the loop ends when it has. */
void session_shutdown(struct session *s);

/* ctl.c: the control channel. The loop calls ctl_on_frame when init wrote. */
void ctl_on_frame(void *arg, int fd, short revents);
/* CONFIG (trust and state directories, the state lock), then BOOT. 0 or -1. */
int ctl_boot(struct session *s, int trust, int state, int lock);

#endif

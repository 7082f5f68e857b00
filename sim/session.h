/*
 * A boot session: nexus-sim is the kernel process. It launches exactly
 * one process, init, and talks to it only over the control channel
 * (nexus/svc.h NX_CTL_*, ctl.c); everything else (the daemons, installs,
 * execs) is init's business. The kernel loop runs the whole time because
 * every daemon's kernel calls, including init's KCONNECTs, are served by
 * it. `run`, `boot`, `update` and `test` are each one session; `run` adds
 * one RUN before the shutdown, `test` one RUN per bundle, each sent when
 * the last one's RESULT came (one boot for all of them), `update` and `boot --selftest` drive
 * updated (update.h). A session may soft-reboot: every daemon stops, the kernel is reset
 * (ksim_reset: every task ended, every object freed), and init executes itself afresh on a new
 * kernel socket and boots again on the same state directory, in the same process.
 */
#ifndef NEXUS_SIM_SESSION_H
#define NEXUS_SIM_SESSION_H

#include <stdio.h>
#include <sys/types.h>

#include "console_tee.h"
#include "opts.h"
#include "result.h"
#include "wire.h"

struct ksim;
struct gdb_stub;
struct state_dir;
struct update;
struct sim_trace;

struct session {
	const struct sim_opts *o;
	struct ksim *ks;
	int ctl;   /* our end of init's fd 4 */
	int sig;   /* signalfd of the ending signals (signals.h) */
	int timer; /* timerfd of --timeout, or -1 */
	/* The bundles RUN names, in order: each one's directory (-1 for pkg:/NAME), its result. */
	const char *const *names;
	int bundle_fds[NX_RUN_BUNDLES_MAX];
	struct sim_result results[NX_RUN_BUNDLES_MAX];
	size_t nbundles;
	size_t current; /* the bundle whose RUN is out (or next) */
	/* run --with: each bundle's directory, installed in turn before the RUN (ctl.c). */
	int with_fds[SIM_WITH_MAX];
	size_t with_next;	   /* the --with bundle whose INSTALL is out (or next) */
	int registry;		   /* the program registry, handed to init at every boot; or -1 */
	const char *registry_path; /* ... as nexus-sim names it */
	int test;		   /* nexus-sim test: the next RUN after each RESULT */
	int capture;	/* the payload's output is kept for the report (test, run --json) */
	struct tee tee; /* the boot console, read for its markers (test, --json), or rd -1 */
	int tee_wr;	/* the tee's write end until init has it, or -1 */
	int started;	/* init was launched: the reports have something to say */
	FILE *junit;	/* test --junit FILE, opened (truncated) once the state is locked */
	struct sim_text boot_markers;
	uint64_t start_ns, ready_ns, end_ns; /* CLOCK_MONOTONIC: session start, READY, end */
	unsigned tasks_left;		     /* tasks still in the kernel's table at the end */
	int trust;			     /* the trust directory, for every boot */
	int console;			     /* init's fds 1 and 2, for every boot */
	struct state_dir *st;		     /* locked for the whole session */
	struct update *update;		     /* update and boot --selftest, else NULL */
	pid_t init_pid;
	int code;      /* the exit status so far, -1 before any */
	int signalled; /* the ending signal that arrived first, or 0 */
	int timed_out; /* --timeout ran out */
	int down;      /* init answered SHUTDOWN */
	int shutdown_sent;
	int rebooting;	    /* the DOWN awaited is a soft reboot's */
	int next_ksock;	    /* our end of the next boot's kernel socket, or -1 */
	int reboots;	    /* soft reboots so far (at most NX_REBOOTS_MAX) */
	uint64_t reboot_ns; /* CLOCK_MONOTONIC when the last soft reboot began */
	uint64_t down_ns;   /* ... and when init said its daemons were down */
	struct nx_msg *msg;
	struct sim_trace *trace; /* --trace, --timeline; else NULL */
	/* --wrap: each wrapper's executable (O_PATH), opened at the first boot, before the
	 * sandbox, and handed to init again at every boot. */
	int wrap_fd[SIM_WRAP_MAX];
	size_t nwrap_fd;
	struct gdb_stub *gdb; /* --gdb, or NULL */
};

/* Run a whole session; returns nexus-sim's exit status (cli.h). */
int session_run(const struct sim_opts *o);

/*
 * The next bundle's RUN (test mode: its --timeout armed, its console
 * fresh), or the shutdown when every bundle had its turn.
 */
void session_next_run(struct session *s);
/* A RESULT (or a refusal) for the current bundle came: what follows. */
void session_bundle_done(struct session *s);
/* Ask init to shut everything down (once); the loop ends when it has. */
void session_shutdown(struct session *s);
/*
 * Soft reboot: REBOOT to init with the next boot's kernel socket; then
 * (ctl.c's DOWN) session_relaunch. More than NX_REBOOTS_MAX in one
 * session ends it as an internal error.
 */
void session_reboot(struct session *s);
/* After the DOWN of a soft reboot: the kernel reset, init configured and booted again. 0 or -1. */
int session_relaunch(struct session *s);
/* With -v, after the boot that followed a soft reboot: how long the reboot took. */
void session_say_reboot(struct session *s);

/* ctl.c: the control channel. The loop calls ctl_on_frame when init wrote. */
/* RUN for bundle i: its directory, label, and (run) the arguments and environment. 0 or -1. */
int ctl_send_run(struct session *s, size_t i);
/* After READY: INSTALL the next --with bundle, or (all installed) the RUN. */
void ctl_next_install(struct session *s);
void ctl_on_frame(void *arg, int fd, short revents);
/* CONFIG (trust and state directories, the state lock), then BOOT. 0 or -1. */
int ctl_boot(struct session *s);
/* An NX_CTL_UPDATE to init; 0 or -1. */
int ctl_update(struct session *s, uint32_t op, uint32_t arg, const char *label, int fd);

#endif

/*
 * The kernel process's event loop: the kernel, its host clients (one
 * SOCK_SEQPACKET connection per daemon, each its own host caller with its
 * own handle table), extra fds to watch, and the tasks. Single-threaded:
 * while tasks are ready it runs one scheduler slice between non-blocking
 * polls; with none ready it blocks in poll. While a task runs alone a
 * watchdog thread polls the same fds (watchdog.h): what arrives is
 * served at the task's next kernel call, an ending fd's event at once.
 *
 * Frames on a client connection (nexus/frame.h): NX_FRAME_KCALL, arg =
 * syscall number, body = struct nx_kcall + input data, at most one fd ->
 * NX_FRAME_REPLY, same id, arg = result, body = output, at most one fd. A
 * malformed frame gets an error reply (docs/abi.md) and the connection
 * stays up. A call that blocks (wait) is answered when it completes; the
 * connection's other calls are served meanwhile.
 */
#ifndef NEXUS_SIM_KSIM_H
#define NEXUS_SIM_KSIM_H

#include <stdint.h>

#include "kernel.h"

#define KSIM_CLIENTS_MAX 64 /* kernel connections: one per daemon, with room for restarts */
#define KSIM_WATCH_MAX 16   /* extra fds the loop polls for its owner */

struct ksim;

struct ksim_opts {
	int console_fd;		/* debug_putc/debug_write bytes go here (the sim: 1); -1: kept */
	int boot_console_fd;	/* ... until ksim_console_switch, when >= 0 (see there) */
	uint64_t console_quota; /* bytes the tasks may write there; 0: no quota */
	uint64_t mem_limit;	/* bytes all VMOs may hold; 0: no limit */
	const struct nxk_trace_ops *trace; /* the kernel's trace hooks, or NULL */
};

/* NULL on allocation failure. */
struct ksim *ksim_new(const struct ksim_opts *opts);
/*
 * From now on tasks write to console_fd, no longer to boot_console_fd:
 * a run's health checks write to the console log, its payload to stdout.
 * Bytes still queued for the boot console are written first, waiting at
 * most KSIM_CONSOLE_SWITCH_MS for a reader that does not keep up.
 */
#define KSIM_CONSOLE_SWITCH_MS 1000
void ksim_console_switch(struct ksim *ks);
/*
 * With console_fd -1 the tasks' bytes are kept in memory (at most the
 * quota): the bytes of the current run so far. ksim_console_restart
 * begins a new run: the quota counts afresh, the kept bytes start empty.
 */
const char *ksim_console_captured(struct ksim *ks, size_t *len);
void ksim_console_restart(struct ksim *ks);
/* Closes every client and watched fd it still owns, ends every task. */
void ksim_free(struct ksim *ks);

/*
 * Adopt `fd`, one end of a SOCK_SEQPACKET socketpair whose peer is a host
 * daemon: it becomes a host caller. `name` is for messages. 0, or -1
 * (fd closed) when KSIM_CLIENTS_MAX connections are open.
 */
int ksim_add_client(struct ksim *ks, int fd, const char *name);

/*
 * Poll `fd` for POLLIN; cb runs from ksim_run with the revents (POLLHUP
 * and POLLERR included). The fd stays the caller's. 0, or -1 when
 * KSIM_WATCH_MAX fds are watched.
 */
int ksim_watch(struct ksim *ks, int fd, void (*cb)(void *arg, int fd, short revents), void *arg);
/* The same for POLLOUT: an fd the owner writes without blocking, watched while it waits for room.
 */
int ksim_watch_out(struct ksim *ks, int fd, void (*cb)(void *arg, int fd, short revents),
		   void *arg);
/*
 * The same, for an fd whose callback ends the tasks or the session (a
 * signal, the run's timeout). A task running alone (kernel.h) is served
 * only at its kernel calls; this fd's event interrupts it at once
 * instead, and the interrupted task never runs again: cb must end it
 * (nxk_end_all) or the session.
 */
int ksim_watch_ending(struct ksim *ks, int fd, void (*cb)(void *arg, int fd, short revents),
		      void *arg);
/* Stop watching fd (may be called from its own callback). */
void ksim_unwatch(struct ksim *ks, int fd);

/*
 * Serve clients and watches and run tasks until ksim_stop; returns the
 * code given to it. Returns -1 if nothing is left that could ever call
 * ksim_stop (no client, no watch, no task ready) or poll fails.
 */
int ksim_run(struct ksim *ks);
/*
 * A soft reboot's kernel half: every client connection closed, every
 * task ended and every object freed with the kernel, and a fresh kernel
 * made with the same options. Watches and the console stay. 0, or -1
 * when the new kernel cannot be made.
 */
int ksim_reset(struct ksim *ks);

/* CLOCK_MONOTONIC ns of the first frame on client `name`'s connection; 0 before one. */
uint64_t ksim_first_call_ns(struct ksim *ks, const char *name);

/* Make ksim_run return `code` (from a watch callback). */
void ksim_stop(struct ksim *ks, int code);

/*
 * After ksim_run: write the console bytes still queued, waiting on the
 * console only until one of the stop fds (a signalfd, a timer; -1 for
 * none) is readable or the reader went away.
 */
void ksim_drain_console(struct ksim *ks, int stop_fd, int stop_fd2);

/* The kernel, for an in-process host caller (tests, the harness). */
struct nxk *ksim_kernel(struct ksim *ks);

#endif

/*
 * The kernel loop's watchdog: while a task runs alone (kernel.h
 * nxk_opts.alone) the loop thread is inside the engine and polls
 * nothing, so a second thread polls the loop's fds for it. An fd that
 * became ready sets a flag the kernel reads at the task's next kernel
 * call (nxk_opts.preempt), where the run stops cleanly and the loop
 * serves it. An fd marked `ending` (a signal, the run's timeout: its
 * callback ends the tasks) interrupts the engine at once
 * (nxk_cpu_interrupt), so that a task that makes no kernel call cannot
 * keep it waiting. The thread touches nothing else: the fds stay the
 * loop's, and it only polls them.
 */
#ifndef NEXUS_SIM_WATCHDOG_H
#define NEXUS_SIM_WATCHDOG_H

#include <poll.h>

#include "cpu.h"

/*
 * How often an interrupt is repeated until the run it aims at has
 * returned: one that reaches the engine while it is starting is lost.
 */
#define WATCHDOG_INTERRUPT_RETRY_MS 10

struct watchdog;

/*
 * A watchdog for at most fds_max fds; its thread is started on the
 * first arm. NULL on allocation failure.
 */
struct watchdog *watchdog_new(unsigned fds_max);
/* Stops and joins the thread; must be disarmed. */
void watchdog_free(struct watchdog *w);

/*
 * Watch fds[0..n) (their events as given; ending[i] non-zero marks an
 * ending fd) while `cpu` runs alone; n at most fds_max. 0, or -1 when
 * the thread cannot be started (the run then goes unwatched: the loop
 * serves its fds when the task stops).
 */
int watchdog_arm(struct watchdog *w, struct nxk_cpu *cpu, const struct pollfd *fds,
		 const unsigned char *ending, unsigned n);
/* The run has returned: from now on the thread leaves cpu alone. */
void watchdog_disarm(struct watchdog *w);
/* An fd became ready since the last arm. Any thread. */
int watchdog_fired(struct watchdog *w);

#endif

/*
 * The Unicorn CPU backend (implements kernel/cpu.h). Its limits and
 * fixed addresses; everything else is in kernel/cpu.h.
 */
#ifndef NEXUS_SIM_CPU_UNICORN_H
#define NEXUS_SIM_CPU_UNICORN_H

#include "cpu.h"
#include "nexus/limits.h"

/*
 * The M-mode page holding the mret that drops each task into U-mode. It
 * sits at NX_USER_TOP, outside the user range, so no as_map can cover it.
 */
#define NXK_CPU_TRAMPOLINE_VA NX_USER_TOP

/*
 * Bytes of translated-code cache per engine (Unicorn's default reserves
 * 1 GiB per engine); one engine per task, NX_TASKS_MAX of them must fit.
 * Payloads here translate well under 1 MiB of code.
 */
#define NXK_CPU_TCG_BUFFER (16U << 20)

/*
 * rdtime in an alone run (no block is counted there): each read moves the
 * task's clock on by this many ticks, about what one turn of a loop that
 * polls the clock takes in a budgeted run (a tick is a block there).
 */
#define NXK_CPU_RDTIME_STEP 1

/*
 * Data TLB fills before the first TLB flush that lets the softmmu TLB
 * grow, then twice as many before each next one: twice the 256 entries
 * the table starts with, so it is well over the 70% QEMU resizes at.
 */
#define NXK_CPU_TLB_GROW_FILLS 512

/*
 * A spare engine, made ahead: nexus-sim makes one while init boots the
 * daemons (its loop has little to do then) when the session will run a
 * payload, and the next nxk_cpu_create takes it rather than opening one:
 * an engine's first use (Unicorn's translation tables) costs milliseconds,
 * on the run's critical path otherwise. The spare is an engine exactly as
 * nxk_cpu_create makes one; nothing has run on it. 0 or -NX_ENOMEM.
 */
int nxk_cpu_spare(void);
/* Drop the spare if no task took it. */
void nxk_cpu_spare_free(void);

/* Breakpoints one engine holds at once (a debugger's; Unicorn exits). */
#define NXK_CPU_BREAKS_MAX 64

#endif

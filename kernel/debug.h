/*
 * One debugger attached to one task (nexus-sim's gdb stub, sim/gdb_*).
 *
 * The task is the next one spawned after nxk_dbg_attach_next, held before
 * its first instruction. A held task is out of the run queue and the
 * kernel goes on serving everything else; the debugger reads and writes
 * its registers and memory, sets breakpoints, and resumes it (on, or for
 * one instruction). Each time it stops again (a breakpoint, the step, a
 * fault, nxk_dbg_stop) or ends, ops.event says so. A debugged task never
 * runs alone (kernel.h), so nxk_dbg_stop takes effect within a slice.
 *
 * Single-threaded like the rest of the kernel. ops.event is called from
 * inside the kernel (a slice, a task's end): it must not call into it.
 */
#ifndef NEXUS_KERNEL_DEBUG_H
#define NEXUS_KERNEL_DEBUG_H

#include <stddef.h>
#include <stdint.h>

struct nxk;

enum nxk_dbg_why {
	NXK_DBG_ENTRY = 1, /* held before its first instruction */
	NXK_DBG_STEP,	   /* ran its one instruction */
	NXK_DBG_BREAK,	   /* reached a breakpoint, which did not run */
	NXK_DBG_STOPPED,   /* nxk_dbg_stop */
	NXK_DBG_FAULT,	   /* faulted (cause, addr): resuming ends it with that crash */
	NXK_DBG_EXITED,	   /* ended (status: its wait status); the debugger is detached */
};

struct nxk_dbg_event {
	enum nxk_dbg_why why;
	uint32_t pid;
	uint64_t pc;	 /* where it is held: the faulting instruction for a fault */
	uint32_t cause;	 /* NXK_DBG_FAULT: enum nx_crash_cause */
	uint64_t addr;	 /* NXK_DBG_FAULT: the fault address, 0 if none */
	uint32_t status; /* NXK_DBG_EXITED */
};

struct nxk_dbg_ops {
	void (*event)(void *arg, const struct nxk_dbg_event *ev);
	void *arg;
};

/* 0, -NX_EEXIST when a debugger is already attached or waiting, -NX_ENOMEM. */
int nxk_dbg_attach_next(struct nxk *k, const struct nxk_dbg_ops *ops);

/*
 * The held task's registers: x0..x31 by number, then these. -NX_EAGAIN
 * while it is not held, -NX_EINVAL for another number. Writing x0 is a
 * no-op.
 */
#define NXK_DBG_PC 32
#define NXK_DBG_F0 33 /* f0..f31: 33..64, raw 64-bit patterns */
#define NXK_DBG_FCSR 65
int nxk_dbg_reg(struct nxk *k, unsigned r, uint64_t *v);
int nxk_dbg_set_reg(struct nxk *k, unsigned r, uint64_t v);

/*
 * Copy the held task's memory through its address space: reading needs
 * a readable mapping, writing a writable one, as for the task itself.
 * Returns the bytes done before the first that is not allowed (0 if
 * none), or -NX_EAGAIN while it is not held.
 */
long nxk_dbg_mem(struct nxk *k, uint64_t va, void *buf, size_t len, int write);

/* Set or clear a breakpoint: 0, -NX_EAGAIN (not held), -NX_ENOSPC (past the limit). */
#define NXK_DBG_BREAKS_MAX                                                                         \
	64 /* breakpoints at once (the Unicorn engine's NXK_CPU_BREAKS_MAX too) */
int nxk_dbg_break(struct nxk *k, uint64_t va, int set);

/*
 * Let the held task go on (step 0) or run one instruction (step 1).
 * Held at a fault, it ends with that crash instead. 0 or -NX_EAGAIN.
 */
int nxk_dbg_resume(struct nxk *k, int step);
/* Hold the running task (NXK_DBG_STOPPED); one blocked in a call, once the call completes. */
void nxk_dbg_stop(struct nxk *k);
/* End the task (crash cause KILLED). 0 or -NX_ESRCH. */
int nxk_dbg_kill(struct nxk *k);
/* No more debugger: breakpoints go, a held task is resumed. */
void nxk_dbg_detach(struct nxk *k);

#endif

/*
 * The nexus-sim kernel: handles, VMOs, address spaces, tasks, the
 * scheduler and the one syscall table that serves payload tasks and host
 * callers alike. Backend-neutral: tasks run on whatever kernel/cpu.h
 * links against. Single-threaded: every function here must be called
 * from the thread that owns the kernel.
 */
#ifndef NEXUS_KERNEL_H
#define NEXUS_KERNEL_H

#include <stddef.h>
#include <stdint.h>

struct nxk;
struct nxk_caller;
struct nxk_cpu;
struct nx_crash;
struct nx_msg_hdr;

/* Why a slice ended (nxk_trace_ops.slice). */
enum nxk_trace_why {
	NXK_WHY_QUANTUM = 1, /* ran its block budget */
	NXK_WHY_YIELD,	     /* yield */
	NXK_WHY_SWITCH,	     /* ran alone and made another task ready (spawn, a wake) */
	NXK_WHY_PREEMPT,     /* ran alone and the host had work (depends on host timing) */
	NXK_WHY_BLOCK,	     /* a call waits (wait, a full console) */
	NXK_WHY_EXIT,	     /* exit: status is the wait status */
	NXK_WHY_CRASH,	     /* a fault or a bad call: status is the wait status */
	NXK_WHY_INTERRUPT,   /* nxk_cpu_interrupt: held until something ends it */
};

/*
 * Tracing (nexus-sim --trace, --timeline): the kernel reports events, the
 * platform formats them. With nxk_opts.trace NULL each event costs the
 * kernel one predictable branch. Called on the kernel's thread; none may
 * call back into the kernel except nxk_trace_peek.
 */
struct nxk_trace_ops {
	/*
	 * Task `pid` made call `nr` with a[], which returned `ret`; `returned`
	 * 0 when it did not return (exit, a number >= NX_SYS_MAX). A call
	 * that blocked is reported once, when it completes.
	 */
	void (*sys)(void *arg, uint32_t pid, const char *name, unsigned nr, const uint64_t a[6],
		    long ret, int returned);
	/* A slice of task `pid` ended (`alone`: it ran with no budget). */
	void (*slice)(void *arg, uint32_t pid, const char *name, int alone, enum nxk_trace_why why,
		      uint64_t status);
	/*
	 * Task `pid` was spawned (ended 0), or ended (status; crash or NULL):
	 * in its own run (ended 1: exit, a fault; its slice is reported next)
	 * or from outside it (ended 2: task_kill, nxk_end_all).
	 */
	void (*task)(void *arg, uint32_t pid, const char *name, int ended, uint64_t status,
		     const struct nx_crash *crash);
	void *arg;
};

struct nxk_opts {
	/*
	 * Where debug_putc/debug_write bytes go (the sim: stdout). Returns 0
	 * when it took all of them, -NX_EAGAIN when it takes none now (the
	 * task's call then waits until nxk_console_ready(): a console that
	 * cannot keep up slows the tasks down, never the kernel), or another
	 * -NX_E* for the call to return (-NX_ENOSPC: the run's quota is spent).
	 */
	int (*console)(void *arg, const char *buf, size_t len);
	void *console_arg;
	/* Bytes all VMOs together may hold (charged at creation); 0: no limit. */
	uint64_t mem_limit;
	/*
	 * KCONNECT: make a fresh kernel connection named `name` and return
	 * the fd of the end that goes back to the caller, or -NX_E*. NULL
	 * makes KCONNECT fail with -NX_ENOSYS.
	 */
	int (*kconnect)(void *arg, const char *name);
	void *kconnect_arg;
	/*
	 * Alone runs (nxk_run_slice): the only ready task runs with no budget
	 * until it blocks, ends, faults or makes another task ready, so the
	 * host is not served meanwhile. `alone(arg, cpu)` is called before
	 * such a run and `alone(arg, NULL)` once it has returned: in between,
	 * another thread may call nxk_cpu_interrupt(cpu), to end the task (it
	 * is then held, never run again, until something ends it). At each
	 * kernel call the task makes during the run, `preempt(arg)` non-zero
	 * stops the run there (the task stays ready) so the host's work can
	 * be served. Either may be NULL.
	 */
	void (*alone)(void *arg, struct nxk_cpu *cpu);
	int (*preempt)(void *arg);
	void *alone_arg;
	/* Tracing, or NULL (the usual case). */
	const struct nxk_trace_ops *trace;
	/*
	 * The seed bridge (seed.c, docs/abi.md "The seed endpoint"). Task
	 * `pid` sent hdr and data on its seed, with `fd` the memfd (read-only)
	 * of the VMO the message carried, or -1; the callee owns fd either
	 * way. 0: taken; the kernel then runs no task until nxk_seed_reply
	 * answers it, so what a service does costs no guest time and the
	 * interleaving stays deterministic. -NX_E*: ipc_send returns it.
	 * NULL: a send on a seed gets -NX_ENOSYS.
	 */
	int (*seed_send)(void *arg, uint32_t pid, const struct nx_msg_hdr *hdr, const void *data,
			 int fd);
	/* A task spawned with NX_SPAWN_REPORT ended: its status and crash record (or NULL). */
	void (*seed_ended)(void *arg, uint32_t pid, const char *name, uint64_t status,
			   const struct nx_crash *crash);
	void *seed_arg;
};

/* NULL on allocation failure. */
struct nxk *nxk_new(const struct nxk_opts *opts);
/* Ends every task and frees every caller still attached. */
void nxk_free(struct nxk *k);

/*
 * A host caller (a daemon connection, or the test harness): its own handle
 * table. `wake` is called, outside any task's run, when a call that
 * returned NXK_BLOCKED can now complete: the owner then repeats the same
 * nxk_host_call with the same request. `wake` must not call into the
 * kernel itself: it notes the retry for the owner's loop. A caller has at
 * most one blocked call (a second gets -NX_EAGAIN); its other calls are
 * served meanwhile.
 */
struct nxk_caller *nxk_host_new(struct nxk *k, void (*wake)(void *arg), void *wake_arg);
/* Closes its handles; its children are orphaned (reaped when they end). */
void nxk_host_free(struct nxk_caller *c);

/*
 * One call from a host caller. Input pointer arguments are offsets into
 * `in`, output pointer arguments offsets into `out`; `outlen` is set to
 * the bytes of `out` the call wrote (the reply body). `fd_in` is an fd
 * that came with the call or -1: a call that keeps it sets it to -1, the
 * caller closes what is left. `fd_out` is -1 or an fd the caller must
 * send back and close.
 */
struct nxk_req {
	unsigned nr;
	uint64_t a[6];
	const void *in;
	size_t inlen;
	void *out;
	size_t outcap;
	size_t outlen;
	int fd_in;
	int fd_out;
};

/* Returned by nxk_host_call when the call must wait (see nxk_host_new). */
#define NXK_BLOCKED (-4096L)

long nxk_host_call(struct nxk_caller *c, struct nxk_req *req);

/*
 * Run one scheduler slice: the next ready task for at most
 * NX_SCHED_QUANTUM_BLOCKS blocks, or, when it is the only ready task
 * (nxk_ready_count() == 1 before the call), alone (see nxk_opts.alone).
 * Returns 1 if a task ran, 0 if none was ready.
 */
int nxk_run_slice(struct nxk *k);
/* Tasks ready to run; 0 while a seed request is unanswered (nothing may run then). */
unsigned nxk_ready_count(const struct nxk *k);
/*
 * Answer a request opts.seed_send took from task pid: a message {ty, len
 * bytes of data} reaches its seed end (dropped if the task has gone).
 * Every taken request gets exactly one answer. Call outside nxk_run_slice.
 */
void nxk_seed_reply(struct nxk *k, uint32_t pid, uint16_t ty, const void *data, uint32_t len);
/* The console takes bytes again: calls that waited for it are repeated. */
void nxk_console_ready(struct nxk *k);
/*
 * End every live task with crash `cause` (a run's timeout): each gets a
 * crash record and its waiter its status. Call outside nxk_run_slice.
 */
void nxk_end_all(struct nxk *k, uint32_t cause);
/* Bytes of VMO memory charged against opts.mem_limit now. */
uint64_t nxk_mem_used(const struct nxk *k);
/* Tasks not yet reaped (running, ready, blocked or zombie). */
unsigned nxk_task_count(const struct nxk *k);
/*
 * For a tracer: copy `len` bytes at guest address `va` of task `pid`
 * (readable mappings only). 0, or -NX_EFAULT / -NX_ESRCH.
 */
int nxk_trace_peek(struct nxk *k, uint32_t pid, uint64_t va, void *dst, size_t len);

#endif

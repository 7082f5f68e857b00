/*
 * Kernel objects as the kernel's own files see them. Not for callers
 * outside kernel/: they go through kernel.h and the syscall table.
 */
#ifndef NEXUS_KERNEL_KOBJ_H
#define NEXUS_KERNEL_KOBJ_H

#include <stdint.h>

#include "cpu.h"
#include "kernel.h"
#include "port.h"
#include "nexus/ipc.h"
#include "nexus/limits.h"
#include "nexus/task.h"

struct nxk_vmo {
	struct nxk *k;	    /* whose memory limit it is charged to */
	int refs;	    /* handles + mappings */
	unsigned maps_w;    /* writable mappings of it, in any address space */
	unsigned maps_x;    /* executable mappings of it, in any address space */
	struct nxk_mem mem; /* the backing, from the memory port */
};

/* A mapping, or a guard range when vmo is NULL (prot 0). */
struct nxk_mapping {
	uint64_t va, len;
	uint32_t prot;
	struct nxk_vmo *vmo;
	uint64_t off;
};

struct nxk_as {
	int refs; /* handles + tasks */
	unsigned n;
	struct nxk_mapping m[NX_AS_MAPPINGS_MAX]; /* ascending va, disjoint */
};

enum nxk_obj_type { NXK_OBJ_NONE = 0, NXK_OBJ_VMO, NXK_OBJ_AS, NXK_OBJ_CHAN };

struct nxk_handle {
	uint32_t type; /* enum nxk_obj_type */
	uint32_t rights;
	void *obj;
};

/* A queued message: its header, the handles it carries (each holding a reference), its data. */
struct nxk_chan_msg {
	struct nxk_chan_msg *next;
	struct nx_msg_hdr hdr;
	uint32_t nh;
	struct nxk_handle h[NX_CHAN_HANDLES_MAX];
	uint8_t data[];
};

/*
 * One end of a channel: the messages sent to it from its peer. It lives
 * while a handle or a message in flight refers to it; when it goes, its
 * queue is dropped and the peer's `peer` becomes NULL (-NX_EPIPE there).
 */
struct nxk_chan_ep {
	struct nxk *k;
	int refs;
	struct nxk_chan_ep *peer;
	struct nxk_chan_ep *prev, *next; /* every endpoint of k, for nxk_chan_sweep */
	struct nxk_chan_msg *head, *tail;
	unsigned n;	 /* messages queued, at most NX_CHAN_MSGS_MAX */
	unsigned parked; /* NXK_CHAN_*: who may be blocked on it, so a wake must look */
	uint32_t seed;	 /* the kernel's end of task `seed`'s seed channel (seed.c); else 0 */
	int asked;	 /* a request from it is unanswered: the task is parked on it */
};

enum nxk_caller_kind { NXK_CALLER_TASK = 1, NXK_CALLER_HOST };
enum nxk_block { NXK_BLOCK_WAIT = 1, NXK_BLOCK_CONSOLE, NXK_BLOCK_CHAN, NXK_BLOCK_SEED };

struct nxk_caller {
	struct nxk *k;
	enum nxk_caller_kind kind;
	struct nxk_task *task; /* NXK_CALLER_TASK */
	struct nxk_req *req;   /* NXK_CALLER_HOST: the call being served */
	void (*wake)(void *arg);
	void *wake_arg;
	struct nxk_handle h[NX_HANDLES_MAX];
	/* A blocked call, repeated once what it waits for happened. */
	int blocked;
	enum nxk_block blocked_on;
	uint32_t wait_pid;  /* NXK_BLOCK_WAIT: the child it waits for */
	const void *blk_ep; /* NXK_BLOCK_CHAN: the endpoint it sends on or receives from */
	unsigned blk_chan;  /* NXK_BLOCK_CHAN: NXK_CHAN_RECV or NXK_CHAN_SEND */
	uint64_t deadline;  /* NXK_BLOCK_CHAN: the clock tick it gives up at; 0 none */
	unsigned blk_nr;
	uint64_t blk_a[6];
	int woken;
	struct nxk_caller *wake_next;
	uint32_t caps; /* NX_CAP_*: a task's from its spawn, a host caller's all */
	/* The crash record of the last crashed child this caller reaped. */
	uint32_t reaped_pid;
	struct nx_crash reaped_crash;
	struct nxk_caller *next; /* all host callers */
};

enum nxk_task_state { NXK_TASK_READY = 1, NXK_TASK_RUNNING, NXK_TASK_BLOCKED, NXK_TASK_ZOMBIE };

struct nxk_task {
	struct nxk *k;
	uint32_t pid;
	enum nxk_task_state state;
	char name[NX_TASK_NAME_MAX];
	struct nxk_as *as;
	struct nxk_cpu *cpu;
	struct nxk_caller caller;   /* the task's own handle table */
	struct nxk_caller *spawner; /* who may wait; NULL once orphaned */
	int yielded;
	uint64_t status; /* wait status once a zombie */
	int crashed;
	struct nx_crash crash;
	struct nxk_chan_ep *seed; /* NX_SPAWN_SEED: the kernel's end of its seed channel */
	int report;		  /* NX_SPAWN_REPORT: its end goes to nxk_opts.seed_ended */
	struct nxk_task *rq_next;
};

struct nxk {
	struct nxk_opts o;
	struct nxk_task *tasks[NX_TASKS_MAX];
	uint32_t next_pid;
	struct nxk_task *rq_head, *rq_tail;
	unsigned nready;
	struct nxk_task *current;
	int alone; /* current runs with no budget: trap.c stops it when others could run */
	struct nxk_dbg *dbg;	/* debug.c: a debugger and its task, or NULL */
	enum nxk_trace_why why; /* why trap.c stopped the current task's run at a call */
	struct nxk_caller *hosts;
	struct nxk_caller *wake_head; /* callers whose wait can now complete */
	uint64_t mem_used;	      /* bytes of VMOs and queued messages, against o.mem_limit */
	uint64_t clock;		      /* deterministic: budgeted slices run, and idle skips */
	int deadlines;		      /* a blocked call may have a deadline: clock.c must look */
	int chan_parked;	 /* a channel call may be blocked: nxk_chan_blocked must look */
	struct nxk_chan_ep *eps; /* every live channel endpoint */
	unsigned seed_pending;	 /* seed requests taken and not yet answered: no task runs */
};

/* handle.c */
long nxk_handle_add(struct nxk_caller *c, uint32_t type, uint32_t rights, void *obj);
/* 0 or -NX_EBADF (no such handle or wrong type) / -NX_EACCES (missing right). */
int nxk_handle_get(struct nxk_caller *c, uint64_t h, uint32_t type, uint32_t need,
		   struct nxk_handle **out);
int nxk_handle_close(struct nxk_caller *c, uint64_t h);
void nxk_handles_close_all(struct nxk_caller *c);
void nxk_obj_ref(uint32_t type, void *obj);
void nxk_obj_unref(uint32_t type, void *obj);

/* vmo.c: both charge the VMO's size, page-rounded, to k's memory limit. */
int nxk_vmo_create(struct nxk *k, uint64_t size, struct nxk_vmo **out);
/* Adopts fd on success (port.h nxk_mem_import). */
int nxk_vmo_import(struct nxk *k, int fd, int exec, struct nxk_vmo **out, int *read_only);
void nxk_vmo_unref(struct nxk_vmo *v);

/* chan.c */
int nxk_chan_create(struct nxk *k, struct nxk_chan_ep **a, struct nxk_chan_ep **b);
void nxk_chan_unref(struct nxk_chan_ep *ep);
/* Queue m toward ep (room checked by the caller) / take ep's first message. */
void nxk_chan_push(struct nxk_chan_ep *ep, struct nxk_chan_msg *m);
struct nxk_chan_msg *nxk_chan_pop(struct nxk_chan_ep *ep);
/* A message of len data bytes, charged to k's memory limit; frees what it carries. */
int nxk_chan_msg_alloc(struct nxk *k, uint32_t len, struct nxk_chan_msg **out);
void nxk_chan_msg_free(struct nxk *k, struct nxk_chan_msg *m);
/* What a caller blocked on an end waits for: a message in its queue, room in its peer's. */
#define NXK_CHAN_RECV 1u
#define NXK_CHAN_SEND 2u
/* Wake the callers blocked on ep for what `what` (NXK_CHAN_*) says happened. */
void nxk_chan_wake(struct nxk *k, struct nxk_chan_ep *ep, unsigned what);
/*
 * The kernel's end, once no caller is left: drop every queued message.
 * Endpoints in flight inside each other's queues (a cycle no handle
 * reaches) live until then.
 */
void nxk_chan_sweep(struct nxk *k);

/* seed.c: the seed channel of a task spawned with NX_SPAWN_SEED */
/* Give t (fresh: no handle yet) its seed as handle NX_SEED_HANDLE. */
int nxk_seed_create(struct nxk_task *t);
/* ipc_send toward a seed's kernel end: hand the message to the platform. */
long nxk_seed_send(struct nxk_caller *c, struct nxk_chan_ep *kend, const struct nx_msg_hdr *hdr,
		   uint64_t data, const struct nx_ipc_handle *items, uint32_t n);
/* t ended: tell the platform (NX_SPAWN_REPORT), and let its seed go. */
void nxk_seed_ended(struct nxk_task *t);

/* as.c */
struct nxk_as *nxk_as_create(void);
void nxk_as_unref(struct nxk_as *as);
int nxk_as_map(struct nxk *k, struct nxk_as *as, struct nxk_vmo *vmo, uint64_t va, uint64_t len,
	       uint32_t prot, uint64_t off);
const struct nxk_mapping *nxk_as_find(const struct nxk_as *as, uint64_t va);
int nxk_as_attach(struct nxk_as *as, struct nxk_cpu *cpu);
int nxk_as_invalidate(struct nxk *k, struct nxk_vmo *vmo, uint64_t off, uint64_t len);

/* copy.c: -NX_EFAULT unless the whole range is readable / writable. */
int nxk_copyin(struct nxk_caller *c, uint64_t ptr, void *dst, size_t len);
int nxk_copyout(struct nxk_caller *c, uint64_t ptr, const void *src, size_t len);

/* task.c */
void nxk_caller_init(struct nxk_caller *c, struct nxk *k, enum nxk_caller_kind kind);
/* The child gets caps & the spawner's capabilities; the spawner waits for it. */
int nxk_task_spawn(struct nxk_caller *spawner, struct nxk_as *as, uint64_t entry, uint64_t sp,
		   uint64_t a0, const char *name, uint32_t caps, uint32_t *pid);
struct nxk_task *nxk_task_find(struct nxk *k, uint32_t pid);
void nxk_task_end(struct nxk_task *t, uint64_t status, const struct nx_crash *crash);
void nxk_task_reap(struct nxk_task *t);
void nxk_task_finish(struct nxk_task *t);
/* End a live task the kernel way: a crash record with `cause` at its current pc. */
void nxk_task_kill(struct nxk_task *t, uint32_t cause);
void nxk_orphan_children(struct nxk *k, struct nxk_caller *c);

/* sched.c: the run queue and the slice */
void nxk_rq_push(struct nxk *k, struct nxk_task *t);
void nxk_rq_remove(struct nxk *k, struct nxk_task *t);

/* clock.c: the deterministic clock and the deadlines of blocked calls */
/* Calls every blocked caller (tasks, then hosts) with arg; stops at the first non-zero. */
int nxk_for_each_blocked(struct nxk *k, int (*fn)(struct nxk_caller *c, void *arg), void *arg);
/* Is some caller blocked in a channel call? (Then no task runs alone: sched.c.) */
int nxk_chan_blocked(struct nxk *k);
/* One tick after a budgeted slice; wakes the calls whose deadline came. */
void nxk_clock_tick(struct nxk *k);
/* Nothing can run: move the clock to the earliest deadline and wake those. 1 if it did. */
int nxk_clock_skip(struct nxk *k);

/* trap.c: the ecall entry, crash records, completing blocked calls */
int nxk_task_ecall(void *ctx);
void nxk_crash_record(struct nxk_task *t, uint32_t cause, uint32_t access, uint64_t pc,
		      uint64_t addr, struct nx_crash *out);
/* Ends t with cause ENGINE (the CPU backend failed under it); returns NXK_CPU_STOP. */
int nxk_engine_failed(struct nxk_task *t);
void nxk_wake_waiters(struct nxk *k, uint32_t pid);
/* c's blocked call can complete now: queue it for nxk_run_wakes. */
void nxk_wake(struct nxk *k, struct nxk_caller *c);
void nxk_wake_remove(struct nxk *k, struct nxk_caller *c);
void nxk_run_wakes(struct nxk *k);

/* debug.c: what the scheduler and task.c ask of an attached debugger (debug.h) */
void nxk_dbg_free(struct nxk *k);
void nxk_dbg_spawned(struct nxk_task *t);
void nxk_dbg_ended(struct nxk_task *t);
int nxk_dbg_attached(const struct nxk_task *t);
/* The task's next run is a single step. */
int nxk_dbg_stepping(const struct nxk_task *t);
/* Taken from the queue: 1 if it is held instead of run. */
int nxk_dbg_take(struct nxk_task *t);
/* After its run (nxk_cpu_run's result r, stop st): 1 if the stop held it. */
int nxk_dbg_after(struct nxk_task *t, int r, const struct nxk_stop *st);

/* syscall.c */
long nxk_dispatch(struct nxk_caller *c, unsigned nr, const uint64_t a[6]);
/* How many of a0..a5 call nr reads (0 for a free number). */
unsigned nxk_sys_nargs(unsigned nr);

#endif

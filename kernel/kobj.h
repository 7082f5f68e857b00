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

enum nxk_obj_type { NXK_OBJ_NONE = 0, NXK_OBJ_VMO, NXK_OBJ_AS };

struct nxk_handle {
	uint32_t type; /* enum nxk_obj_type */
	uint32_t rights;
	void *obj;
};

enum nxk_caller_kind { NXK_CALLER_TASK = 1, NXK_CALLER_HOST };
enum nxk_block { NXK_BLOCK_WAIT = 1, NXK_BLOCK_CONSOLE };

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
	uint32_t wait_pid; /* NXK_BLOCK_WAIT: the child it waits for */
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
	enum nxk_trace_why why; /* why trap.c stopped the current task's run at a call */
	struct nxk_caller *hosts;
	struct nxk_caller *wake_head; /* callers whose wait can now complete */
	uint64_t mem_used;	      /* bytes of VMOs, against o.mem_limit */
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
/* The child gets caps & the spawner's capabilities. */
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

/* syscall.c */
long nxk_dispatch(struct nxk_caller *c, unsigned nr, const uint64_t a[6]);
/* How many of a0..a5 call nr reads (0 for a free number). */
unsigned nxk_sys_nargs(unsigned nr);

#endif

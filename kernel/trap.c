/*
 * Traps: where a task enters the kernel and where the kernel resumes it.
 * The ecall entry (called from the CPU backend's hook while the engine
 * runs), the crash record of a task the kernel ends, and the wake logic
 * that completes a blocked call once it can: a task's call is repeated
 * here and the task made ready, a host caller is told to repeat its own.
 */
#include "kobj.h"
#include "nexus/err.h"
#include "nexus/syscall.h"

/* a0: the first argument and the result; a7: the call number. */
#define REG_A0 10
#define REG_A7 17

void nxk_crash_record(struct nxk_task *t, uint32_t cause, uint32_t access, uint64_t pc,
		      uint64_t addr, struct nx_crash *out)
{
	uint64_t next_pc;
	memset(out, 0, sizeof(*out));
	if (t->cpu != NULL && nxk_cpu_regs(t->cpu, out->regs, &next_pc) != 0)
		memset(out->regs, 0, sizeof(out->regs));
	out->cause = cause;
	out->access = access;
	out->pc = pc;
	out->addr = addr;
	memcpy(out->name, t->name, sizeof(out->name));
}

int nxk_engine_failed(struct nxk_task *t)
{
	struct nx_crash cr;
	nxk_crash_record(t, NX_CRASH_ENGINE, NX_ACCESS_NONE, 0, 0, &cr);
	nxk_task_end(t, NX_WAIT_STATUS_CRASH(NX_CRASH_ENGINE), &cr);
	return NXK_CPU_STOP;
}

/*
 * An alone run (sched.c) ends at the first call after which another task
 * could run (one was spawned or woken: the next slices must be budgeted
 * again for the interleaving to stay deterministic) or the host has work
 * the loop must serve. The task stays ready.
 */
static int alone_must_stop(struct nxk *k)
{
	if (!k->alone)
		return 0;
	/* why is written only on the way out: a run that goes on pays nothing for it. */
	if (k->nready > 0 || k->wake_head != NULL) {
		k->why = NXK_WHY_SWITCH;
		return 1;
	}
	if (k->o.preempt != NULL && k->o.preempt(k->o.alone_arg)) {
		k->why = NXK_WHY_PREEMPT;
		return 1;
	}
	return 0;
}

/* Only called when tracing is on (the callers test k->o.trace). */
static void trace_sys(struct nxk_task *t, unsigned nr, const uint64_t a[6], long r, int returned)
{
	const struct nxk_trace_ops *tr = t->k->o.trace;

	tr->sys(tr->arg, t->pid, t->name, nr, a, r, returned);
}

int nxk_task_ecall(void *ctx)
{
	struct nxk_task *t = ctx;
	uint64_t nr, a[6];
	if (nxk_cpu_reg(t->cpu, REG_A7, &nr) != 0)
		return nxk_engine_failed(t);
	if (nr < NX_SYS_MAX && nxk_cpu_syscall_args(t->cpu, nxk_sys_nargs((unsigned)nr), a) != 0)
		return nxk_engine_failed(t);
	if (nr >= NX_SYS_MAX) {
		uint64_t regs[32], pc;
		if (nxk_cpu_regs(t->cpu, regs, &pc) != 0)
			return nxk_engine_failed(t);
		struct nx_crash cr;
		if (t->k->o.trace != NULL)
			trace_sys(t, (unsigned)nr, a, 0, 0);
		/* The engine reports the pc after the ecall (4 bytes). */
		nxk_crash_record(t, NX_CRASH_BAD_SYSCALL, NX_ACCESS_NONE, pc - 4, 0, &cr);
		nxk_task_end(t, NX_WAIT_STATUS_CRASH(NX_CRASH_BAD_SYSCALL), &cr);
		return NXK_CPU_STOP;
	}
	long r = nxk_dispatch(&t->caller, (unsigned)nr, a);
	if (t->k->o.trace != NULL && r != NXK_BLOCKED)
		trace_sys(t, (unsigned)nr, a, r, t->state != NXK_TASK_ZOMBIE);
	if (t->state == NXK_TASK_ZOMBIE)
		return NXK_CPU_STOP;
	if (r == NXK_BLOCKED) {
		t->state = NXK_TASK_BLOCKED;
		return NXK_CPU_STOP;
	}
	if (nxk_cpu_set_reg(t->cpu, REG_A0, (uint64_t)r) != 0)
		return nxk_engine_failed(t);
	if (t->yielded) {
		t->yielded = 0;
		t->k->why = NXK_WHY_YIELD;
		return NXK_CPU_STOP;
	}
	return alone_must_stop(t->k) ? NXK_CPU_STOP : NXK_CPU_CONTINUE;
}

void nxk_wake_remove(struct nxk *k, struct nxk_caller *c)
{
	for (struct nxk_caller **pp = &k->wake_head; *pp != NULL; pp = &(*pp)->wake_next) {
		if (*pp == c) {
			*pp = c->wake_next;
			break;
		}
	}
	c->woken = 0;
}

void nxk_wake(struct nxk *k, struct nxk_caller *c)
{
	if (!c->blocked || c->woken)
		return;
	c->woken = 1;
	c->wake_next = NULL;
	struct nxk_caller **pp = &k->wake_head;
	while (*pp != NULL)
		pp = &(*pp)->wake_next;
	*pp = c;
}

/* Only the spawner may wait, so only the spawner can be waiting. */
void nxk_wake_waiters(struct nxk *k, uint32_t pid)
{
	struct nxk_task *t = nxk_task_find(k, pid);
	struct nxk_caller *c = t != NULL ? t->spawner : NULL;
	if (c != NULL && c->blocked_on == NXK_BLOCK_WAIT && c->wait_pid == pid)
		nxk_wake(k, c);
}

/*
 * Complete the waits that can now complete: a task's call is repeated
 * here and the task made ready; a host caller is told to repeat its own.
 */
void nxk_run_wakes(struct nxk *k)
{
	while (k->wake_head != NULL) {
		struct nxk_caller *c = k->wake_head;
		k->wake_head = c->wake_next;
		c->woken = 0;
		c->blocked = 0;
		if (c->kind == NXK_CALLER_HOST) {
			c->wake(c->wake_arg);
			continue;
		}
		struct nxk_task *t = c->task;
		/* A seed send completes once its answer is queued (seed.c): it is not repeated. */
		long r = c->blocked_on == NXK_BLOCK_SEED ? 0 : nxk_dispatch(c, c->blk_nr, c->blk_a);
		if (r == NXK_BLOCKED)
			continue;
		if (k->o.trace != NULL)
			trace_sys(t, c->blk_nr, c->blk_a, r, 1);
		if (nxk_cpu_set_reg(t->cpu, REG_A0, (uint64_t)r) != 0) {
			(void)nxk_engine_failed(t);
			continue;
		}
		t->state = NXK_TASK_READY;
		nxk_rq_push(k, t);
	}
}

/*
 * The scheduler: one FIFO of ready tasks, each slice a fixed budget of
 * translated blocks. Nothing in it depends on time, so the same tasks
 * started the same way interleave the same way on every run.
 *
 * Syscalls are served inside the engine's run (nxk_task_ecall, called
 * from the backend's ecall hook); the engine stops only when a call
 * blocks, yields or ends the task.
 */
#include <string.h>

#include "kernel/kobj.h"
#include "nexus/err.h"
#include "nexus/syscall.h"

/* a0: the first argument and the result. */
#define REG_A0 10
#define REG_A7 17

void nxk_rq_push(struct nxk *k, struct nxk_task *t)
{
	t->rq_next = NULL;
	if (k->rq_tail != NULL)
		k->rq_tail->rq_next = t;
	else
		k->rq_head = t;
	k->rq_tail = t;
	k->nready++;
}

static struct nxk_task *rq_pop(struct nxk *k)
{
	struct nxk_task *t = k->rq_head;
	if (t == NULL)
		return NULL;
	k->rq_head = t->rq_next;
	if (k->rq_head == NULL)
		k->rq_tail = NULL;
	t->rq_next = NULL;
	k->nready--;
	return t;
}

unsigned nxk_ready_count(const struct nxk *k)
{
	return k->nready;
}

unsigned nxk_task_count(const struct nxk *k)
{
	unsigned n = 0;
	for (unsigned i = 0; i < NX_TASKS_MAX; i++)
		n += k->tasks[i] != NULL;
	return n;
}

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

static int engine_failed(struct nxk_task *t)
{
	struct nx_crash cr;
	nxk_crash_record(t, NX_CRASH_ENGINE, NX_ACCESS_NONE, 0, 0, &cr);
	nxk_task_end(t, NX_WAIT_STATUS_CRASH(NX_CRASH_ENGINE), &cr);
	return NXK_CPU_STOP;
}

int nxk_task_ecall(void *ctx)
{
	struct nxk_task *t = ctx;
	uint64_t nr, a[6];
	if (nxk_cpu_reg(t->cpu, REG_A7, &nr) != 0)
		return engine_failed(t);
	if (nr < NX_SYS_MAX && nxk_cpu_syscall_args(t->cpu, nxk_sys_nargs((unsigned)nr), a) != 0)
		return engine_failed(t);
	if (nr >= NX_SYS_MAX) {
		uint64_t regs[32], pc;
		if (nxk_cpu_regs(t->cpu, regs, &pc) != 0)
			return engine_failed(t);
		struct nx_crash cr;
		/* The engine reports the pc after the ecall (4 bytes). */
		nxk_crash_record(t, NX_CRASH_BAD_SYSCALL, NX_ACCESS_NONE, pc - 4, 0, &cr);
		nxk_task_end(t, NX_WAIT_STATUS_CRASH(NX_CRASH_BAD_SYSCALL), &cr);
		return NXK_CPU_STOP;
	}
	long r = nxk_dispatch(&t->caller, (unsigned)nr, a);
	if (t->state == NXK_TASK_ZOMBIE)
		return NXK_CPU_STOP;
	if (r == NXK_BLOCKED) {
		t->state = NXK_TASK_BLOCKED;
		return NXK_CPU_STOP;
	}
	if (nxk_cpu_set_reg(t->cpu, REG_A0, (uint64_t)r) != 0)
		return engine_failed(t);
	if (t->yielded) {
		t->yielded = 0;
		return NXK_CPU_STOP;
	}
	return NXK_CPU_CONTINUE;
}

int nxk_run_slice(struct nxk *k)
{
	struct nxk_task *t = rq_pop(k);
	if (t == NULL)
		return 0;
	struct nxk_stop st;
	t->state = NXK_TASK_RUNNING;
	k->current = t;
	int r = nxk_cpu_run(t->cpu, NX_SCHED_QUANTUM_BLOCKS, &st);
	if (t->state == NXK_TASK_RUNNING) {
		if (r != 0) {
			engine_failed(t);
		} else if (st.kind == NXK_STOP_FAULT) {
			struct nx_crash cr;
			nxk_crash_record(t, st.cause, st.access, st.pc, st.addr, &cr);
			nxk_task_end(t, NX_WAIT_STATUS_CRASH(st.cause), &cr);
		} else {
			t->state = NXK_TASK_READY;
			nxk_rq_push(k, t);
		}
	}
	/* Only now may the task's engine and memory go. */
	k->current = NULL;
	if (t->state == NXK_TASK_ZOMBIE)
		nxk_task_finish(t);
	nxk_run_wakes(k);
	return 1;
}

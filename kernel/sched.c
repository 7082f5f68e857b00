/*
 * The scheduler: one FIFO of ready tasks, each slice a fixed budget of
 * translated blocks. Nothing in it depends on time, so the same tasks
 * started the same way interleave the same way on every run.
 *
 * Syscalls are served inside the engine's run (trap.c); the engine stops
 * only when a call blocks, yields or ends the task.
 *
 * A task that is the only one ready runs alone: with no budget, which
 * spares the engine counting blocks, so at its full speed. There is
 * nothing to interleave it with, so determinism is not at stake; the
 * moment it makes another task ready (spawn, a wake) trap.c stops it at
 * that call and the slices that follow are budgeted again. Nor does a
 * task run alone while a channel call is blocked (see nxk_run_slice).
 * No task runs at all while a seed request waits for its answer (seed.c).
 */

#include "kobj.h"
#include "nexus/err.h"
#include "nexus/syscall.h"

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

void nxk_rq_remove(struct nxk *k, struct nxk_task *t)
{
	struct nxk_task **pp = &k->rq_head;
	k->rq_tail = NULL;
	while (*pp != NULL) {
		if (*pp == t) {
			*pp = t->rq_next;
			k->nready--;
			continue;
		}
		k->rq_tail = *pp;
		pp = &(*pp)->rq_next;
	}
	t->rq_next = NULL;
}

unsigned nxk_ready_count(const struct nxk *k)
{
	return k->seed_pending > 0 ? 0 : k->nready;
}

unsigned nxk_task_count(const struct nxk *k)
{
	unsigned n = 0;
	for (unsigned i = 0; i < NX_TASKS_MAX; i++)
		n += k->tasks[i] != NULL;
	return n;
}

/* Why t's slice ended, its run having returned r with st. */
static enum nxk_trace_why slice_why(const struct nxk *k, const struct nxk_task *t, int r,
				    const struct nxk_stop *st)
{
	if (t->state == NXK_TASK_ZOMBIE)
		return NX_WAIT_IS_CRASH(t->status) ? NXK_WHY_CRASH : NXK_WHY_EXIT;
	if (r != 0)
		return NXK_WHY_CRASH;
	if (st->kind == NXK_STOP_INTERRUPT)
		return NXK_WHY_INTERRUPT;
	if (t->state == NXK_TASK_BLOCKED)
		return NXK_WHY_BLOCK;
	return st->kind == NXK_STOP_BUDGET ? NXK_WHY_QUANTUM : k->why;
}

int nxk_run_slice(struct nxk *k)
{
	/* A service is answering a seed request: the tasks wait for it (seed.c). */
	if (k->seed_pending > 0)
		return 0;
	struct nxk_task *t = rq_pop(k);
	if (t == NULL) {
		/* Only a deadline can end what is blocked now (clock.c). */
		if (!nxk_clock_skip(k))
			return 0;
		nxk_run_wakes(k);
		return 1;
	}
	if (nxk_dbg_take(t))
		return 1;
	struct nxk_stop st;
	t->state = NXK_TASK_RUNNING;
	k->current = t;
	/*
	 * Nor while a channel call is blocked: its deadline needs the clock,
	 * which only budgeted slices move, and a message exchange would
	 * otherwise flip every slice between alone and budgeted, and each
	 * flip drops the task's translated code (docs/kernel.md). A debugged
	 * task stays budgeted too: a debugger's stop takes effect within a
	 * slice.
	 */
	int debugged = nxk_dbg_attached(t), r;
	k->alone = k->nready == 0 && !nxk_chan_blocked(k) && !debugged;
	int budgeted = !k->alone;
	if (k->alone && k->o.alone != NULL)
		k->o.alone(k->o.alone_arg, t->cpu);
	if (nxk_dbg_stepping(t))
		r = nxk_cpu_step(t->cpu, &st);
	else
		r = nxk_cpu_run(t->cpu, k->alone ? 0 : NX_SCHED_QUANTUM_BLOCKS, &st);
	if (k->alone && k->o.alone != NULL)
		k->o.alone(k->o.alone_arg, NULL);
	int alone = k->alone;
	k->alone = 0;
	if (debugged && nxk_dbg_after(t, r, &st)) {
		/* Held for the debugger. */
	} else if (t->state == NXK_TASK_RUNNING) {
		if (r != 0) {
			nxk_engine_failed(t);
		} else if (st.kind == NXK_STOP_FAULT) {
			struct nx_crash cr;
			nxk_crash_record(t, st.cause, st.access, st.pc, st.addr, &cr);
			nxk_task_end(t, NX_WAIT_STATUS_CRASH(st.cause), &cr);
		} else if (st.kind == NXK_STOP_INTERRUPT) {
			/* Held, out of the queue, until whoever interrupted it ends it. */
			t->state = NXK_TASK_BLOCKED;
		} else {
			t->state = NXK_TASK_READY;
			nxk_rq_push(k, t);
		}
	}
	if (k->o.trace != NULL)
		k->o.trace->slice(k->o.trace->arg, t->pid, t->name, alone, slice_why(k, t, r, &st),
				  t->status);
	/* Only now may the task's engine and memory go. */
	k->current = NULL;
	if (t->state == NXK_TASK_ZOMBIE)
		nxk_task_finish(t);
	if (budgeted)
		nxk_clock_tick(k);
	nxk_run_wakes(k);
	if (nxk_clock_skip(k))
		nxk_run_wakes(k);
	return 1;
}

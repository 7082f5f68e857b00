/*
 * The debugger's hold on one task (debug.h). The scheduler asks here
 * before it runs a task (hold it instead?), how to run it (a step?) and
 * what a stop means (hold it?); task.c tells when it is spawned and when
 * it ends. A held task is NXK_TASK_BLOCKED with no blocked call, so
 * nothing but this file makes it ready again.
 */

#include "debug.h"
#include "kobj.h"
#include "nexus/err.h"
#include "nexus/rights.h"

struct nxk_dbg {
	struct nxk_dbg_ops ops;
	int armed; /* the next task spawned is ours */
	struct nxk_task *task;
	int held;
	int step;  /* its next run is one instruction */
	int entry; /* that step is the one into its first instruction */
	int pend;  /* hold it as soon as it is not running, for pend_why */
	enum nxk_dbg_why pend_why;
	int faulted; /* held at a fault: resuming ends it */
	struct nx_crash crash;
	unsigned nbreaks; /* set in its engine, taken out again at detach */
	uint64_t breaks[NXK_DBG_BREAKS_MAX];
};

int nxk_dbg_attach_next(struct nxk *k, const struct nxk_dbg_ops *ops)
{
	if (k->dbg != NULL && (k->dbg->armed || k->dbg->task != NULL))
		return -NX_EEXIST;
	if (k->dbg == NULL && (k->dbg = nxk_kalloc(sizeof(*k->dbg))) == NULL)
		return -NX_ENOMEM;
	memset(k->dbg, 0, sizeof(*k->dbg));
	k->dbg->ops = *ops;
	k->dbg->armed = 1;
	return 0;
}

void nxk_dbg_free(struct nxk *k)
{
	nxk_kfree(k->dbg);
	k->dbg = NULL;
}

void nxk_dbg_spawned(struct nxk_task *t)
{
	struct nxk_dbg *d = t->k->dbg;
	if (d == NULL || !d->armed)
		return;
	d->armed = 0;
	d->task = t;
	/* It starts at the trampoline: one step puts it at its entry, in U-mode. */
	d->step = 1;
	d->entry = 1;
}

int nxk_dbg_attached(const struct nxk_task *t)
{
	return t->k->dbg != NULL && t->k->dbg->task == t;
}

int nxk_dbg_stepping(const struct nxk_task *t)
{
	return nxk_dbg_attached(t) && t->k->dbg->step;
}

static void event(struct nxk_dbg *d, const struct nxk_dbg_event *ev)
{
	if (d->ops.event != NULL)
		d->ops.event(d->ops.arg, ev);
}

/* Take t out of play and say why; a fault's pc is given, the rest read. */
static void hold(struct nxk_task *t, enum nxk_dbg_why why, const struct nxk_stop *st)
{
	struct nxk_dbg *d = t->k->dbg;
	struct nxk_dbg_event ev = {.why = why, .pid = t->pid};
	uint64_t regs[32];

	if (t->state == NXK_TASK_READY)
		nxk_rq_remove(t->k, t);
	t->state = NXK_TASK_BLOCKED;
	d->held = 1;
	d->pend = 0;
	d->step = 0;
	d->entry = 0;
	if (why == NXK_DBG_FAULT) {
		nxk_crash_record(t, st->cause, st->access, st->pc, st->addr, &d->crash);
		d->faulted = 1;
		/* Some faults leave the engine's pc past the instruction: gdb shows the
		 * instruction. */
		(void)nxk_cpu_set_pc(t->cpu, st->pc);
		ev.cause = st->cause;
		ev.addr = st->addr;
	}
	if (nxk_cpu_regs(t->cpu, regs, &ev.pc) != 0)
		ev.pc = 0;
	event(d, &ev);
}

int nxk_dbg_take(struct nxk_task *t)
{
	if (!nxk_dbg_attached(t) || !t->k->dbg->pend)
		return 0;
	hold(t, t->k->dbg->pend_why, NULL);
	return 1;
}

int nxk_dbg_after(struct nxk_task *t, int r, const struct nxk_stop *st)
{
	struct nxk_dbg *d = t->k->dbg;
	int stepped = d->step;
	enum nxk_dbg_why step_why = d->entry ? NXK_DBG_ENTRY : NXK_DBG_STEP;

	if (t->state == NXK_TASK_BLOCKED) {
		/* A step blocked in its call: it is done once the call completes. */
		if (stepped) {
			d->pend = 1;
			d->pend_why = step_why;
		}
		return 0;
	}
	if (t->state != NXK_TASK_RUNNING || r != 0)
		return 0;
	switch (st->kind) {
	case NXK_STOP_FAULT:
		hold(t, NXK_DBG_FAULT, st);
		return 1;
	case NXK_STOP_BREAK:
		hold(t, NXK_DBG_BREAK, st);
		return 1;
	case NXK_STOP_STEP:
		hold(t, step_why, st);
		return 1;
	case NXK_STOP_ECALL:
	case NXK_STOP_BUDGET:
		if (!stepped && !d->pend)
			return 0;
		hold(t, stepped ? step_why : d->pend_why, st);
		return 1;
	default:
		return 0;
	}
}

void nxk_dbg_ended(struct nxk_task *t)
{
	struct nxk_dbg *d = t->k->dbg;
	if (d == NULL || d->task != t)
		return;
	struct nxk_dbg_event ev = {
	    .why = NXK_DBG_EXITED, .pid = t->pid, .status = (uint32_t)t->status};
	d->task = NULL;
	d->held = 0;
	event(d, &ev);
}

/* The held task, or NULL. */
static struct nxk_task *held(struct nxk *k)
{
	if (k->dbg == NULL || k->dbg->task == NULL || !k->dbg->held)
		return NULL;
	return k->dbg->task;
}

int nxk_dbg_reg(struct nxk *k, unsigned r, uint64_t *v)
{
	struct nxk_task *t = held(k);
	uint64_t regs[32];
	if (t == NULL)
		return -NX_EAGAIN;
	if (r < 32)
		return nxk_cpu_reg(t->cpu, r, v);
	if (r == NXK_DBG_PC)
		return nxk_cpu_regs(t->cpu, regs, v);
	if (r >= NXK_DBG_F0 && r <= NXK_DBG_FCSR)
		return nxk_cpu_freg(t->cpu, r - NXK_DBG_F0, v);
	return -NX_EINVAL;
}

int nxk_dbg_set_reg(struct nxk *k, unsigned r, uint64_t v)
{
	struct nxk_task *t = held(k);
	if (t == NULL)
		return -NX_EAGAIN;
	if (r < 32)
		return nxk_cpu_set_reg(t->cpu, r, v);
	if (r == NXK_DBG_PC)
		return nxk_cpu_set_pc(t->cpu, v);
	if (r >= NXK_DBG_F0 && r <= NXK_DBG_FCSR)
		return nxk_cpu_set_freg(t->cpu, r - NXK_DBG_F0, v);
	return -NX_EINVAL;
}

long nxk_dbg_mem(struct nxk *k, uint64_t va, void *buf, size_t len, int write)
{
	struct nxk_task *t = held(k);
	uint32_t need = write ? NX_PROT_WRITE : NX_PROT_READ;
	uint8_t *p = buf;
	size_t done = 0;
	if (t == NULL)
		return -NX_EAGAIN;
	while (done < len) {
		const struct nxk_mapping *m = nxk_as_find(t->as, va + done);
		if (m == NULL || m->vmo == NULL || !(m->prot & need))
			break;
		uint64_t in_map = m->va + m->len - (va + done);
		size_t n = len - done < in_map ? len - done : (size_t)in_map;
		uint8_t *host = m->vmo->mem.host + m->off + (va + done - m->va);
		if (write)
			memcpy(host, p + done, n);
		else
			memcpy(p + done, host, n);
		done += n;
	}
	return (long)done;
}

int nxk_dbg_break(struct nxk *k, uint64_t va, int set)
{
	struct nxk_task *t = held(k);
	struct nxk_dbg *d = k->dbg;
	unsigned i = 0;
	if (t == NULL)
		return -NX_EAGAIN;
	while (i < d->nbreaks && d->breaks[i] != va)
		i++;
	if (set && i == d->nbreaks && d->nbreaks == NXK_DBG_BREAKS_MAX)
		return -NX_ENOSPC;
	int r = nxk_cpu_break(t->cpu, va, set);
	if (r != 0)
		return r;
	if (set && i == d->nbreaks)
		d->breaks[d->nbreaks++] = va;
	else if (!set && i < d->nbreaks)
		d->breaks[i] = d->breaks[--d->nbreaks];
	return 0;
}

int nxk_dbg_resume(struct nxk *k, int step)
{
	struct nxk_task *t = held(k);
	struct nxk_dbg *d = k->dbg;
	if (t == NULL)
		return -NX_EAGAIN;
	d->held = 0;
	if (d->faulted) {
		d->faulted = 0;
		nxk_task_end(t, NX_WAIT_STATUS_CRASH(d->crash.cause), &d->crash);
		nxk_run_wakes(k);
		return 0;
	}
	d->step = step;
	t->state = NXK_TASK_READY;
	nxk_rq_push(k, t);
	return 0;
}

void nxk_dbg_stop(struct nxk *k)
{
	struct nxk_dbg *d = k->dbg;
	if (d == NULL || d->task == NULL || d->held)
		return;
	if (d->task->state == NXK_TASK_READY) {
		hold(d->task, NXK_DBG_STOPPED, NULL);
		return;
	}
	d->pend = 1;
	d->pend_why = NXK_DBG_STOPPED;
}

int nxk_dbg_kill(struct nxk *k)
{
	struct nxk_dbg *d = k->dbg;
	if (d == NULL || d->task == NULL)
		return -NX_ESRCH;
	nxk_task_kill(d->task, NX_CRASH_KILLED);
	nxk_run_wakes(k);
	return 0;
}

void nxk_dbg_detach(struct nxk *k)
{
	struct nxk_dbg *d = k->dbg;
	if (d == NULL)
		return;
	d->armed = 0;
	if (d->task == NULL)
		return;
	struct nxk_task *t = d->task;
	if (t->cpu != NULL)
		for (unsigned i = 0; i < d->nbreaks; i++)
			(void)nxk_cpu_break(t->cpu, d->breaks[i], 0);
	d->nbreaks = 0;
	d->pend = 0;
	d->step = 0;
	if (d->held)
		(void)nxk_dbg_resume(k, 0);
	d->task = NULL;
}

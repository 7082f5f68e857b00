/*
 * Tasks: spawn, end, reap, and the waits that follow them. A task that
 * ends stays a zombie (pid, status, crash record) until its spawner waits
 * for it; one whose spawner is gone is reaped as soon as it ends.
 *
 * Nothing here frees the task that is running: its engine is inside
 * nxk_cpu_run, so ending it only marks it, and the scheduler finishes it
 * once the run returns.
 */

#include "kobj.h"
#include "nexus/caps.h"
#include "nexus/err.h"

void nxk_caller_init(struct nxk_caller *c, struct nxk *k, enum nxk_caller_kind kind)
{
	memset(c, 0, sizeof(*c));
	c->k = k;
	c->kind = kind;
	c->caps = kind == NXK_CALLER_HOST ? NX_CAPS_ALL : 0;
}

struct nxk_task *nxk_task_find(struct nxk *k, uint32_t pid)
{
	for (unsigned i = 0; i < NX_TASKS_MAX; i++)
		if (k->tasks[i] != NULL && k->tasks[i]->pid == pid)
			return k->tasks[i];
	return NULL;
}

static void task_free(struct nxk_task *t)
{
	if (t->cpu != NULL)
		nxk_cpu_destroy(t->cpu);
	if (t->as != NULL)
		nxk_as_unref(t->as);
	nxk_kfree(t);
}

int nxk_task_spawn(struct nxk_caller *spawner, struct nxk_as *as, uint64_t entry, uint64_t sp,
		   uint64_t a0, const char *name, uint32_t caps, uint32_t *pid)
{
	struct nxk *k = spawner->k;
	unsigned slot = 0;
	while (slot < NX_TASKS_MAX && k->tasks[slot] != NULL)
		slot++;
	if (slot == NX_TASKS_MAX)
		return -NX_EAGAIN;
	struct nxk_task *t = nxk_kalloc(sizeof(*t));
	if (t == NULL)
		return -NX_ENOMEM;
	nxk_caller_init(&t->caller, k, NXK_CALLER_TASK);
	t->caller.task = t;
	t->caller.caps = caps & spawner->caps;
	t->k = k;
	int r = nxk_cpu_create(nxk_task_ecall, t, &t->cpu);
	if (r == 0)
		r = nxk_as_attach(as, t->cpu);
	if (r == 0)
		r = nxk_cpu_start(t->cpu, entry, sp, a0);
	if (r != 0) {
		task_free(t);
		return r;
	}
	as->refs++;
	t->as = as;
	t->pid = k->next_pid++;
	for (unsigned i = 0; i < sizeof(t->name) - 1 && name[i] != 0; i++)
		t->name[i] = name[i];
	t->spawner = spawner;
	k->tasks[slot] = t;
	nxk_rq_push(k, t);
	nxk_dbg_spawned(t);
	*pid = t->pid;
	if (k->o.trace != NULL)
		k->o.trace->task(k->o.trace->arg, t->pid, t->name, 0, 0, NULL);
	return 0;
}

/* Frees the slot; t must be a zombie and not running. */
void nxk_task_reap(struct nxk_task *t)
{
	struct nxk *k = t->k;
	for (unsigned i = 0; i < NX_TASKS_MAX; i++)
		if (k->tasks[i] == t)
			k->tasks[i] = NULL;
	task_free(t);
}

/* The engine and address space go now, the zombie stays for its spawner. */
static void task_release(struct nxk_task *t)
{
	if (t->cpu != NULL)
		nxk_cpu_destroy(t->cpu);
	t->cpu = NULL;
	if (t->as != NULL)
		nxk_as_unref(t->as);
	t->as = NULL;
	if (t->spawner == NULL)
		nxk_task_reap(t);
}

void nxk_task_end(struct nxk_task *t, uint64_t status, const struct nx_crash *crash)
{
	struct nxk *k = t->k;
	if (t->state == NXK_TASK_READY)
		nxk_rq_remove(k, t);
	nxk_wake_remove(k, &t->caller);
	t->caller.blocked = 0;
	t->state = NXK_TASK_ZOMBIE;
	t->status = status;
	if (crash != NULL) {
		t->crashed = 1;
		t->crash = *crash;
	}
	if (k->o.trace != NULL)
		k->o.trace->task(k->o.trace->arg, t->pid, t->name, t == k->current ? 1 : 2, status,
				 crash);
	nxk_seed_ended(t);
	nxk_handles_close_all(&t->caller);
	nxk_orphan_children(k, &t->caller);
	nxk_wake_waiters(k, t->pid);
	nxk_dbg_ended(t);
	if (t != k->current)
		task_release(t);
}

/* Called by the scheduler once the run of a task that ended has returned. */
void nxk_task_finish(struct nxk_task *t)
{
	task_release(t);
}

void nxk_orphan_children(struct nxk *k, struct nxk_caller *c)
{
	for (unsigned i = 0; i < NX_TASKS_MAX; i++) {
		struct nxk_task *t = k->tasks[i];
		if (t == NULL || t->spawner != c)
			continue;
		t->spawner = NULL;
		if (t->state == NXK_TASK_ZOMBIE && t != k->current && t->cpu == NULL)
			nxk_task_reap(t);
	}
}

void nxk_task_kill(struct nxk_task *t, uint32_t cause)
{
	uint64_t regs[32], pc = 0;
	struct nx_crash cr;

	if (t->cpu == NULL || nxk_cpu_regs(t->cpu, regs, &pc) != 0)
		pc = 0;
	nxk_crash_record(t, cause, NX_ACCESS_NONE, pc, 0, &cr);
	nxk_task_end(t, NX_WAIT_STATUS_CRASH(cause), &cr);
}

void nxk_end_all(struct nxk *k, uint32_t cause)
{
	/* Ending one task may reap others: the table is read afresh each time. */
	for (unsigned i = 0; i < NX_TASKS_MAX; i++)
		if (k->tasks[i] != NULL && k->tasks[i]->state != NXK_TASK_ZOMBIE)
			nxk_task_kill(k->tasks[i], cause);
	nxk_run_wakes(k);
}

uint64_t nxk_mem_used(const struct nxk *k)
{
	return k->mem_used;
}

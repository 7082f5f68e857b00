/*
 * The kernel's deterministic clock, and the deadlines of blocked channel
 * calls measured in it. It does not follow wall time: it moves one tick
 * per budgeted scheduler slice (at most NX_SCHED_QUANTUM_BLOCKS blocks of
 * one task), and when nothing can run at all it jumps to the earliest
 * deadline, since nothing could happen before it. While a deadline is
 * pending no task runs alone (sched.c), so every tick is a budgeted slice
 * and a deadline ends at the same point of the tasks' work on every run.
 */
#include "kobj.h"

int nxk_for_each_blocked(struct nxk *k, int (*fn)(struct nxk_caller *c, void *arg), void *arg)
{
	for (unsigned i = 0; i < NX_TASKS_MAX; i++) {
		struct nxk_task *t = k->tasks[i];
		if (t != NULL && t->caller.blocked && fn(&t->caller, arg) != 0)
			return 1;
	}
	for (struct nxk_caller *c = k->hosts; c != NULL; c = c->next)
		if (c->blocked && fn(c, arg) != 0)
			return 1;
	return 0;
}

static int in_chan_call(struct nxk_caller *c, void *arg)
{
	(void)arg;
	return c->blocked_on == NXK_BLOCK_CHAN;
}

int nxk_chan_blocked(struct nxk *k)
{
	if (k->chan_parked && !nxk_for_each_blocked(k, in_chan_call, NULL))
		k->chan_parked = 0;
	return k->chan_parked;
}

static int has_deadline(struct nxk_caller *c, void *arg)
{
	(void)arg;
	return c->blocked_on == NXK_BLOCK_CHAN && c->deadline != 0 && !c->woken;
}

/* Wakes the expired; k->deadlines stays set only while one is left waiting. */
static int wake_expired(struct nxk_caller *c, void *arg)
{
	if (!has_deadline(c, NULL))
		return 0;
	if (c->deadline <= *(uint64_t *)arg)
		nxk_wake(c->k, c);
	else
		c->k->deadlines = 1;
	return 0;
}

static void expire(struct nxk *k)
{
	k->deadlines = 0;
	(void)nxk_for_each_blocked(k, wake_expired, &k->clock);
}

static int earliest(struct nxk_caller *c, void *arg)
{
	uint64_t *min = arg;
	if (has_deadline(c, NULL) && (*min == 0 || c->deadline < *min))
		*min = c->deadline;
	return 0;
}

void nxk_clock_tick(struct nxk *k)
{
	k->clock++;
	if (k->deadlines)
		expire(k);
}

int nxk_clock_skip(struct nxk *k)
{
	uint64_t min = 0;
	if (!k->deadlines || k->nready > 0 || k->wake_head != NULL)
		return 0;
	(void)nxk_for_each_blocked(k, earliest, &min);
	if (min == 0)
		return 0;
	if (min > k->clock)
		k->clock = min;
	expire(k);
	return 1;
}

/* The kernel object and its host callers. */

#include "kobj.h"

struct nxk *nxk_new(const struct nxk_opts *opts)
{
	struct nxk *k = nxk_kalloc(sizeof(*k));
	if (k == NULL)
		return NULL;
	if (opts != NULL)
		k->o = *opts;
	k->next_pid = 1;
	return k;
}

void nxk_free(struct nxk *k)
{
	while (k->hosts != NULL)
		nxk_host_free(k->hosts);
	for (unsigned i = 0; i < NX_TASKS_MAX; i++) {
		struct nxk_task *t = k->tasks[i];
		if (t == NULL)
			continue;
		t->spawner = NULL;
		if (t->state != NXK_TASK_ZOMBIE)
			nxk_task_end(t, NX_WAIT_STATUS_CRASH(NX_CRASH_KILLED), NULL);
		else
			nxk_task_reap(t);
	}
	nxk_chan_sweep(k);
	nxk_dbg_free(k);
	nxk_kfree(k);
}

struct nxk_caller *nxk_host_new(struct nxk *k, void (*wake)(void *arg), void *wake_arg)
{
	struct nxk_caller *c = nxk_kalloc(sizeof(*c));
	if (c == NULL)
		return NULL;
	nxk_caller_init(c, k, NXK_CALLER_HOST);
	c->wake = wake;
	c->wake_arg = wake_arg;
	c->next = k->hosts;
	k->hosts = c;
	return c;
}

void nxk_host_free(struct nxk_caller *c)
{
	struct nxk *k = c->k;
	for (struct nxk_caller **pp = &k->hosts; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	nxk_wake_remove(k, c);
	/* Closing its handles may wake callers: never this one again. */
	c->blocked = 0;
	nxk_orphan_children(k, c);
	nxk_handles_close_all(c);
	nxk_kfree(c);
	/* Callers blocked on a channel end it held learn it is gone. */
	nxk_run_wakes(k);
}

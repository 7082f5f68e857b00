/* yield, spawn, spawn_attrs, exit, wait, wait_nohang, getpid, task_crash, task_kill. */

#include "kobj.h"
#include "nexus/caps.h"
#include "nexus/spawn.h"
#include "sys.h"
#include "nexus/err.h"
#include "nexus/rights.h"

/*
 * () -> 0; the task goes to the back of the run queue. With no other task
 * ready it simply goes on: stopping the engine would cost a restart for
 * nothing.
 */
long nxk_sys_yield(struct nxk_caller *c, const uint64_t a[6])
{
	(void)a;
	if (c->kind == NXK_CALLER_TASK && c->k->nready > 0)
		c->task->yielded = 1;
	return 0;
}

/* The spawn both forms share, once the name, capabilities and parent are known. */
static long spawn_common(struct nxk_caller *c, struct nxk_caller *parent, const uint64_t a[6],
			 const char *name, uint32_t caps, uint32_t flags)
{
	struct nxk_handle *ah;
	int r = nxk_handle_get(c, a[0], NXK_OBJ_AS, NX_RIGHT_MANAGE, &ah);
	if (r != 0)
		return r;
	const struct nxk_mapping *m = nxk_as_find(ah->obj, a[1]);
	if (m == NULL || !(m->prot & NX_PROT_EXEC) || a[1] % 2 != 0 || a[2] % 16 != 0)
		return -NX_EINVAL;
	uint32_t pid;
	r = nxk_task_spawn(parent, ah->obj, a[1], a[2], a[3], name, caps, &pid);
	if (r != 0)
		return r;
	struct nxk_task *t = nxk_task_find(c->k, pid);
	t->report = (flags & NX_SPAWN_REPORT) != 0;
	if ((flags & NX_SPAWN_SEED) && (r = nxk_seed_create(t)) != 0) {
		/* Never started: it goes as a task killed before its first instruction. */
		nxk_task_kill(t, NX_CRASH_KILLED);
		nxk_task_reap(t);
		return r;
	}
	return (long)pid;
}

/* (as, entry, sp, a0, name, name len) -> pid; the child gets the spawner's capabilities. */
long nxk_sys_spawn(struct nxk_caller *c, const uint64_t a[6])
{
	char name[NX_TASK_NAME_MAX] = {0};
	if (a[5] == 0 || a[5] >= NX_TASK_NAME_MAX)
		return -NX_EINVAL;
	int r = nxk_copyin(c, a[4], name, a[5]);
	if (r != 0)
		return r;
	return spawn_common(c, c, a, name, c->caps, 0);
}

/* (as, entry, sp, a0, struct nx_spawn_attrs *, its size) -> pid */
long nxk_sys_spawn_attrs(struct nxk_caller *c, const uint64_t a[6])
{
	struct nx_spawn_attrs at;
	if (a[5] != sizeof(at))
		return -NX_EINVAL;
	int r = nxk_copyin(c, a[4], &at, sizeof(at));
	if (r != 0)
		return r;
	int terminated = 0;
	for (unsigned i = 0; i < sizeof(at.name); i++)
		terminated |= at.name[i] == 0;
	/* Version 1 is version 2 with flags and parent (its reserved[0]) zero. */
	int v1 = at.version == 1 && at.flags == 0 && at.parent == 0;
	if ((at.version != NX_SPAWN_ATTRS_VERSION && !v1) || !terminated || at.name[0] == 0 ||
	    (at.caps & ~(uint32_t)NX_CAPS_ALL) != 0 || (at.flags & ~NX_SPAWN_FLAGS) != 0 ||
	    at.reserved[0] != 0 || at.reserved[1] != 0 || at.reserved[2] != 0)
		return -NX_EINVAL;
	/* Capabilities only shrink: asking for one the spawner lacks is refused. */
	if ((at.caps & ~c->caps) != 0)
		return -NX_EPERM;
	struct nxk_caller *parent = c;
	if (at.parent != 0) {
		/* execd spawning for a task's nx_spawn_path: the child is that task's. */
		struct nxk_task *p = nxk_task_find(c->k, at.parent);
		if (c->kind != NXK_CALLER_HOST)
			return -NX_EPERM;
		if (p == NULL || p->state == NXK_TASK_ZOMBIE)
			return -NX_ESRCH;
		parent = &p->caller;
	}
	return spawn_common(c, parent, a, at.name, at.caps, at.flags);
}

/* (code) -> does not return */
long nxk_sys_exit(struct nxk_caller *c, const uint64_t a[6])
{
	if (c->kind != NXK_CALLER_TASK)
		return -NX_EPERM;
	nxk_task_end(c->task, a[0] & 0xff, NULL);
	return 0;
}

static long wait_common(struct nxk_caller *c, const uint64_t a[6], int nohang)
{
	struct nxk_task *t = nxk_task_find(c->k, (uint32_t)a[0]);
	if (a[0] > UINT32_MAX || t == NULL || t->spawner != c)
		return -NX_ECHILD;
	if (t->state != NXK_TASK_ZOMBIE) {
		if (nohang)
			return 0;
		/* One parked wait per caller; its other calls go on meanwhile. */
		if (c->blocked)
			return -NX_EAGAIN;
		c->blocked = 1;
		c->blocked_on = NXK_BLOCK_WAIT;
		c->wait_pid = t->pid;
		return NXK_BLOCKED;
	}
	uint32_t status = (uint32_t)t->status;
	/* A task passes 0 for "no status"; for a host 0 is the reply's first byte. */
	if (a[1] != 0 || c->kind == NXK_CALLER_HOST) {
		int r = nxk_copyout(c, a[1], &status, sizeof(status));
		if (r != 0)
			return r;
	}
	if (t->crashed) {
		c->reaped_pid = t->pid;
		c->reaped_crash = t->crash;
	}
	long pid = t->pid;
	nxk_task_reap(t);
	return pid;
}

/* (pid, status ptr) -> pid, once pid has ended */
long nxk_sys_wait(struct nxk_caller *c, const uint64_t a[6])
{
	return wait_common(c, a, 0);
}

/* (pid, status ptr) -> pid if it has ended, 0 if it still runs */
long nxk_sys_wait_nohang(struct nxk_caller *c, const uint64_t a[6])
{
	return wait_common(c, a, 1);
}

/* () -> pid; 0 for a host caller */
long nxk_sys_getpid(struct nxk_caller *c, const uint64_t a[6])
{
	(void)a;
	return c->kind == NXK_CALLER_TASK ? (long)c->task->pid : 0;
}

/*
 * (pid, struct nx_crash *out) -> 0. For a child not yet reaped (cause
 * NONE while it has not crashed), or the last crashed child reaped.
 */
long nxk_sys_task_crash(struct nxk_caller *c, const uint64_t a[6])
{
	struct nxk_task *t = nxk_task_find(c->k, (uint32_t)a[0]);
	struct nx_crash cr;
	if (a[0] <= UINT32_MAX && t != NULL && t->spawner == c) {
		if (t->crashed) {
			cr = t->crash;
		} else {
			memset(&cr, 0, sizeof(cr));
			memcpy(cr.name, t->name, sizeof(cr.name));
		}
	} else if (a[0] != 0 && a[0] == c->reaped_pid) {
		cr = c->reaped_crash;
	} else {
		return -NX_ESRCH;
	}
	return nxk_copyout(c, a[1], &cr, sizeof(cr));
}

/* (pid) -> 0: the spawner ends a child (crash cause KILLED). */
long nxk_sys_task_kill(struct nxk_caller *c, const uint64_t a[6])
{
	struct nxk_task *t = nxk_task_find(c->k, (uint32_t)a[0]);
	if (a[0] > UINT32_MAX || t == NULL || t->state == NXK_TASK_ZOMBIE)
		return -NX_ESRCH;
	if (t->spawner != c)
		return -NX_EPERM;
	nxk_task_kill(t, NX_CRASH_KILLED);
	return 0;
}

/*
 * debug_putc, debug_write: bytes to the console sink. A sink that is
 * full makes a task's call wait (it is repeated by nxk_console_ready);
 * the kernel itself never waits on it. A sink past its quota refuses
 * the bytes (-NX_ENOSPC, passed on to the task).
 */
#include "kobj.h"
#include "nexus/caps.h"
#include "sys.h"
#include "nexus/err.h"

static long console(struct nxk_caller *c, const char *buf, size_t len)
{
	struct nxk *k = c->k;
	if (k->o.console == NULL)
		return 0;
	int r = k->o.console(k->o.console_arg, buf, len);
	if (r == -NX_EAGAIN && c->kind == NXK_CALLER_TASK) {
		c->blocked = 1;
		c->blocked_on = NXK_BLOCK_CONSOLE;
		return NXK_BLOCKED;
	}
	return r;
}

void nxk_console_ready(struct nxk *k)
{
	for (unsigned i = 0; i < NX_TASKS_MAX; i++) {
		struct nxk_task *t = k->tasks[i];
		if (t != NULL && t->caller.blocked && t->caller.blocked_on == NXK_BLOCK_CONSOLE)
			nxk_wake(k, &t->caller);
	}
	nxk_run_wakes(k);
}

/* (byte) -> 0; needs NX_CAP_CONSOLE; -NX_ENOSPC past the run's console quota */
long nxk_sys_debug_putc(struct nxk_caller *c, const uint64_t a[6])
{
	char ch = (char)a[0];
	if (!(c->caps & NX_CAP_CONSOLE))
		return -NX_EPERM;
	return console(c, &ch, 1);
}

/* (ptr, len) -> len; at most NX_DEBUG_WRITE_MAX bytes; as debug_putc */
long nxk_sys_debug_write(struct nxk_caller *c, const uint64_t a[6])
{
	char buf[NX_DEBUG_WRITE_MAX];
	if (!(c->caps & NX_CAP_CONSOLE))
		return -NX_EPERM;
	if (a[1] > NX_DEBUG_WRITE_MAX)
		return -NX_EMSGSIZE;
	int r = nxk_copyin(c, a[0], buf, a[1]);
	if (r != 0)
		return r;
	long w = console(c, buf, a[1]);
	return w != 0 ? w : (long)a[1];
}

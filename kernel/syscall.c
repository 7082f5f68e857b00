/*
 * The one syscall table. Payload tasks reach it from their ecall, host
 * callers from nxk_host_call; a handler sees only the caller, never
 * which kind of transport brought the call.
 */

#include "kobj.h"
#include "sys.h"
#include "nexus/err.h"
#include "nexus/syscall.h"

struct nxk_sys {
	unsigned nr;
	const char *name;
	nxk_sys_fn fn;
	int host_only;	/* a payload gets -NX_EPERM */
	unsigned nargs; /* a0.. it reads: a task's ecall fetches only these */
};

/* Indexed by number; an empty slot gets -NX_ENOSYS. */
#define SYS(n, f, host, nargs) [n] = {n, #f, nxk_sys_##f, host, nargs}
static const struct nxk_sys sys_table[NX_SYS_MAX] = {
    SYS(NX_SYS_YIELD, yield, 0, 0),
    SYS(NX_SYS_VMO_CREATE, vmo_create, 0, 1),
    SYS(NX_SYS_VMO_WRITE, vmo_write, 0, 4),
    SYS(NX_SYS_SPAWN, spawn, 0, 6),
    SYS(NX_SYS_CAP_TRANSFER, cap_transfer, 0, 4),
    SYS(NX_SYS_AS_CREATE, as_create, 0, 0),
    SYS(NX_SYS_AS_MAP, as_map, 0, 6),
    SYS(NX_SYS_EXIT, exit, 0, 1),
    SYS(NX_SYS_WAIT, wait, 0, 2),
    SYS(NX_SYS_IPC_SEND, ipc_send, 0, 6),
    SYS(NX_SYS_DEBUG_PUTC, debug_putc, 0, 1),
    SYS(NX_SYS_IPC_RECV, ipc_recv, 0, 6),
    SYS(NX_SYS_HANDLE_CLOSE, handle_close, 0, 1),
    SYS(NX_SYS_TASK_CRASH, task_crash, 0, 2),
    SYS(NX_SYS_GETPID, getpid, 0, 0),
    SYS(NX_SYS_SPAWN_ATTRS, spawn_attrs, 0, 6),
    SYS(NX_SYS_CHANNEL_CREATE, channel_create, 0, 1),
    SYS(NX_SYS_CLOCK, clock, 0, 0),
    SYS(NX_SYS_UCOPY, ucopy, 0, 4),
    SYS(NX_SYS_VMO_EXPORT, vmo_export, 1, 1),
    SYS(NX_SYS_VMO_IMPORT, vmo_import, 1, 1),
    SYS(NX_SYS_KCONNECT, kconnect, 1, 2),
    SYS(NX_SYS_TASK_KILL, task_kill, 1, 1),
    SYS(NX_SYS_DEBUG_WRITE, debug_write, 0, 2),
    SYS(NX_SYS_WAIT_NOHANG, wait_nohang, 0, 2),
};

unsigned nxk_sys_nargs(unsigned nr)
{
	return nr < NX_SYS_MAX ? sys_table[nr].nargs : 0;
}

long nxk_dispatch(struct nxk_caller *c, unsigned nr, const uint64_t a[6])
{
	if (nr >= NX_SYS_MAX || sys_table[nr].fn == NULL)
		return -NX_ENOSYS;
	if (sys_table[nr].host_only && c->kind != NXK_CALLER_HOST)
		return -NX_EPERM;
	long r = sys_table[nr].fn(c, a);
	if (r == NXK_BLOCKED) {
		c->blk_nr = nr;
		memcpy(c->blk_a, a, sizeof(c->blk_a));
	}
	return r;
}

long nxk_host_call(struct nxk_caller *c, struct nxk_req *req)
{
	req->outlen = 0;
	req->fd_out = -1;
	c->req = req;
	long r = nxk_dispatch(c, req->nr, req->a);
	c->req = NULL;
	nxk_run_wakes(c->k);
	return r;
}

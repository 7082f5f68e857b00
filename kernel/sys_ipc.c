/*
 * channel_create, ipc_send, ipc_recv, cap_transfer, clock. A call that
 * cannot go on now (an empty queue, a full one) blocks like wait does:
 * the caller is parked on the endpoint and the call is repeated whole
 * when a send, a receive or a close there wakes it, or its deadline comes.
 */
#include "kobj.h"
#include "sys.h"
#include "nexus/err.h"
#include "nexus/ipc.h"
#include "nexus/rights.h"

/* (uint32_t out[2]) -> 0; out gets the two ends' handles. */
long nxk_sys_channel_create(struct nxk_caller *c, const uint64_t a[6])
{
	unsigned free_slots = 0;
	for (unsigned i = 0; i < NX_HANDLES_MAX && free_slots < 2; i++)
		free_slots += c->h[i].type == NXK_OBJ_NONE;
	if (free_slots < 2)
		return -NX_ENOSPC;
	struct nxk_chan_ep *x, *y;
	int r = nxk_chan_create(c->k, &x, &y);
	if (r != 0)
		return r;
	uint32_t h[2];
	h[0] = (uint32_t)nxk_handle_add(c, NXK_OBJ_CHAN, NX_RIGHTS_CHAN_NEW, x);
	h[1] = (uint32_t)nxk_handle_add(c, NXK_OBJ_CHAN, NX_RIGHTS_CHAN_NEW, y);
	nxk_chan_unref(x);
	nxk_chan_unref(y);
	r = nxk_copyout(c, a[0], h, sizeof(h));
	if (r != 0) {
		(void)nxk_handle_close(c, h[0]);
		(void)nxk_handle_close(c, h[1]);
	}
	return r;
}

/*
 * The call must wait: -NX_EAGAIN with NONBLOCK, -NX_ETIMEDOUT once the
 * deadline has come, otherwise park the caller on ep.
 */
static long chan_block(struct nxk_caller *c, struct nxk_chan_ep *ep, unsigned what, uint32_t flags,
		       uint64_t deadline)
{
	if (flags & NX_IPC_NONBLOCK)
		return -NX_EAGAIN;
	if (deadline != 0 && c->k->clock >= deadline)
		return -NX_ETIMEDOUT;
	/* One parked call per caller (a host's other calls go on meanwhile). */
	if (c->blocked)
		return -NX_EAGAIN;
	c->blocked = 1;
	c->blocked_on = NXK_BLOCK_CHAN;
	c->blk_ep = ep;
	c->deadline = deadline;
	c->blk_chan = what;
	ep->parked |= what;
	c->k->chan_parked = 1;
	if (deadline != 0)
		c->k->deadlines = 1;
	return NXK_BLOCKED;
}

/*
 * The handles a message will carry: each must exist, have TRANSFER, give
 * no right its holder lacks, not be an end of the channel it travels on
 * (it would keep its own queue alive), and appear once.
 */
static long check_items(struct nxk_caller *c, const struct nxk_chan_ep *ep,
			const struct nx_ipc_handle *it, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		uint32_t hn = it[i].handle;
		if (hn == 0 || hn > NX_HANDLES_MAX || c->h[hn - 1].type == NXK_OBJ_NONE)
			return -NX_EBADF;
		const struct nxk_handle *h = &c->h[hn - 1];
		if (!(h->rights & NX_RIGHT_TRANSFER))
			return -NX_EACCES;
		if (it[i].rights & ~h->rights)
			return -NX_EPERM;
		if (h->obj == ep || h->obj == ep->peer)
			return -NX_EINVAL;
		for (uint32_t j = 0; j < i; j++)
			if (it[j].handle == hn)
				return -NX_EINVAL;
	}
	return 0;
}

/* (handle, hdr *, data *, struct nx_ipc_handle *, count, deadline) -> 0 */
long nxk_sys_ipc_send(struct nxk_caller *c, const uint64_t a[6])
{
	struct nxk_handle *eh;
	int r = nxk_handle_get(c, a[0], NXK_OBJ_CHAN, NX_RIGHT_WRITE, &eh);
	if (r != 0)
		return r;
	struct nxk_chan_ep *ep = eh->obj;
	struct nx_msg_hdr hdr;
	if ((r = nxk_copyin(c, a[1], &hdr, sizeof(hdr))) != 0)
		return r;
	if (hdr.flags & ~NX_IPC_SEND_FLAGS)
		return -NX_EINVAL;
	if (hdr.len > NX_CHAN_MSG_BYTES_MAX || a[4] > NX_CHAN_HANDLES_MAX)
		return -NX_EMSGSIZE;
	uint32_t n = (uint32_t)a[4];
	struct nx_ipc_handle it[NX_CHAN_HANDLES_MAX];
	/* An empty list or buffer is never read: its pointer may be anything (NULL). */
	if (n > 0 && (r = nxk_copyin(c, a[3], it, n * sizeof(it[0]))) != 0)
		return r;
	if ((r = (int)check_items(c, ep, it, n)) != 0)
		return r;
	if (ep->peer == NULL)
		return -NX_EPIPE;
	if (ep->peer->seed != 0)
		return nxk_seed_send(c, ep->peer, &hdr, a[2], it, n);
	if (ep->peer->n >= NX_CHAN_MSGS_MAX)
		return chan_block(c, ep, NXK_CHAN_SEND, hdr.flags, a[5]);
	struct nxk_chan_msg *m;
	if ((r = nxk_chan_msg_alloc(c->k, hdr.len, &m)) != 0)
		return r;
	if (hdr.len > 0 && (r = nxk_copyin(c, a[2], m->data, hdr.len)) != 0) {
		nxk_chan_msg_free(c->k, m);
		return r;
	}
	m->hdr = hdr;
	m->hdr.src = c->kind == NXK_CALLER_TASK ? c->task->pid : 0;
	m->hdr.flags = 0;
	for (uint32_t i = 0; i < n; i++) {
		const struct nxk_handle *h = &c->h[it[i].handle - 1];
		m->h[i] = (struct nxk_handle){h->type, it[i].rights, h->obj};
		nxk_obj_ref(h->type, h->obj);
		m->nh++;
	}
	/* The message holds its own references: moving closes the sender's handles safely. */
	if (hdr.flags & NX_IPC_CAP_MOVE)
		for (uint32_t i = 0; i < n; i++)
			(void)nxk_handle_close(c, it[i].handle);
	nxk_chan_push(ep->peer, m);
	nxk_chan_wake(c->k, ep->peer, NXK_CHAN_RECV);
	return 0;
}

/* Are there `want` free slots in c's table? Counts no further than it must. */
static int has_free_handles(const struct nxk_caller *c, unsigned want)
{
	unsigned n = 0;
	for (unsigned i = 0; i < NX_HANDLES_MAX && n < want; i++)
		n += c->h[i].type == NXK_OBJ_NONE;
	return n >= want;
}

/*
 * (handle, hdr *, data *, struct nx_ipc_handle *, room, deadline) -> the
 * number of handles received. hdr in: flags and the data buffer's room in
 * len; out: the message's header (written also with -NX_EMSGSIZE, so the
 * caller learns the size it needs).
 */
long nxk_sys_ipc_recv(struct nxk_caller *c, const uint64_t a[6])
{
	struct nxk_handle *eh;
	int r = nxk_handle_get(c, a[0], NXK_OBJ_CHAN, NX_RIGHT_READ, &eh);
	if (r != 0)
		return r;
	struct nxk_chan_ep *ep = eh->obj;
	struct nx_msg_hdr in;
	if ((r = nxk_copyin(c, a[1], &in, sizeof(in))) != 0)
		return r;
	if (in.flags & ~NX_IPC_RECV_FLAGS)
		return -NX_EINVAL;
	struct nxk_chan_msg *m = ep->head;
	if (m == NULL)
		return ep->peer == NULL ? -NX_EPIPE
					: chan_block(c, ep, NXK_CHAN_RECV, in.flags, a[5]);
	int trunc = (in.flags & NX_IPC_TRUNCATE) != 0;
	uint32_t room = (uint32_t)(a[4] < NX_CHAN_HANDLES_MAX ? a[4] : NX_CHAN_HANDLES_MAX);
	struct nx_msg_hdr out = m->hdr;
	int cut = m->hdr.len > in.len || m->nh > room;
	if (cut && trunc)
		out.flags |= NX_IPC_TRUNCATE;
	if ((r = nxk_copyout(c, a[1], &out, sizeof(out))) != 0)
		return r;
	if (cut && !trunc)
		return -NX_EMSGSIZE;
	uint32_t nh = m->nh < room ? m->nh : room;
	if (!has_free_handles(c, nh))
		return -NX_ENOSPC;
	uint32_t len = m->hdr.len < in.len ? m->hdr.len : in.len;
	struct nx_ipc_handle got[NX_CHAN_HANDLES_MAX] = {{0}};
	/* Every copy is checked before the message is taken: a fault leaves it queued. */
	if ((len > 0 && (r = nxk_copyout(c, a[2], m->data, len)) != 0) ||
	    (nh > 0 && (r = nxk_copyout(c, a[3], got, nh * sizeof(got[0]))) != 0))
		return r;
	for (uint32_t i = 0; i < nh; i++) {
		got[i].handle =
		    (uint32_t)nxk_handle_add(c, m->h[i].type, m->h[i].rights, m->h[i].obj);
		got[i].rights = m->h[i].rights;
	}
	if (nh > 0)
		(void)nxk_copyout(c, a[3], got, nh * sizeof(got[0]));
	(void)nxk_chan_pop(ep);
	/* What did not fit (TRUNCATE) is dropped with the message's own references. */
	nxk_chan_msg_free(c->k, m);
	/* Room in the queue: a sender parked on the peer may go on. */
	if (ep->peer != NULL)
		nxk_chan_wake(c->k, ep->peer, NXK_CHAN_SEND);
	return (long)nh;
}

/*
 * (pid, handle, rights, flags) -> the handle in pid's table: a copy with
 * rights (a subset of the caller's), or with NX_CAP_MOVE the handle itself.
 * Only into a live child of the caller.
 */
long nxk_sys_cap_transfer(struct nxk_caller *c, const uint64_t a[6])
{
	if (a[3] & ~(uint64_t)NX_CAP_MOVE)
		return -NX_EINVAL;
	struct nxk_task *t = nxk_task_find(c->k, (uint32_t)a[0]);
	if (a[0] > UINT32_MAX || t == NULL || t->state == NXK_TASK_ZOMBIE)
		return -NX_ESRCH;
	if (t->spawner != c)
		return -NX_EPERM;
	if (a[1] == 0 || a[1] > NX_HANDLES_MAX || c->h[a[1] - 1].type == NXK_OBJ_NONE)
		return -NX_EBADF;
	const struct nxk_handle h = c->h[a[1] - 1];
	if (!(h.rights & NX_RIGHT_TRANSFER))
		return -NX_EACCES;
	if (a[2] > UINT32_MAX || (a[2] & ~(uint64_t)h.rights))
		return -NX_EPERM;
	long nh = nxk_handle_add(&t->caller, h.type, (uint32_t)a[2], h.obj);
	if (nh > 0 && (a[3] & NX_CAP_MOVE))
		(void)nxk_handle_close(c, a[1]);
	return nh;
}

/* () -> the deterministic clock (clock.c), the unit of ipc deadlines */
long nxk_sys_clock(struct nxk_caller *c, const uint64_t a[6])
{
	(void)a;
	return (long)c->k->clock;
}

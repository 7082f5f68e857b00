/*
 * The seed endpoint (docs/abi.md): a task spawned with NX_SPAWN_SEED
 * holds one end of a channel as handle NX_SEED_HANDLE; the kernel holds
 * the other, and what the task sends there goes to the platform
 * (nxk_opts.seed_send), which carries it to a system service and answers
 * with nxk_seed_reply. The kernel keeps no name table: it only moves the
 * bytes and the one VMO a request may carry.
 *
 * The sender is parked until the answer is queued on its seed (its send
 * then returns 0), and while a request is unanswered no task runs at all
 * (sched.c): a service's work takes no guest time, so tasks interleave
 * the same way on every run however long the host takes to answer.
 */
#include "kobj.h"
#include "nexus/bootstrap.h"
#include "nexus/err.h"
#include "nexus/rights.h"

int nxk_seed_create(struct nxk_task *t)
{
	struct nxk_chan_ep *tend, *kend;
	int r = nxk_chan_create(t->k, &tend, &kend);
	if (r != 0)
		return r;
	/* A seed is for talking to the system: it cannot be handed on. */
	long h = nxk_handle_add(&t->caller, NXK_OBJ_CHAN, NX_RIGHT_READ | NX_RIGHT_WRITE, tend);
	nxk_chan_unref(tend);
	if (h != NX_SEED_HANDLE) {
		if (h > 0)
			(void)nxk_handle_close(&t->caller, (uint64_t)h);
		nxk_chan_unref(kend);
		return h < 0 ? (int)h : -NX_EINVAL;
	}
	kend->seed = t->pid;
	t->seed = kend; /* the creator's reference, dropped by nxk_seed_ended */
	return 0;
}

long nxk_seed_send(struct nxk_caller *c, struct nxk_chan_ep *kend, const struct nx_msg_hdr *hdr,
		   uint64_t data, const struct nx_ipc_handle *items, uint32_t n)
{
	struct nxk *k = c->k;
	struct nxk_handle *vh = NULL;
	if (k->o.seed_send == NULL)
		return -NX_ENOSYS;
	/* A request is bytes and at most one VMO (what does not fit a message). */
	if (n > 1)
		return -NX_EINVAL;
	int r = n == 1 ? nxk_handle_get(c, items[0].handle, NXK_OBJ_VMO, NX_RIGHT_READ, &vh) : 0;
	if (r != 0)
		return r == -NX_EBADF ? -NX_EINVAL : r;
	struct nxk_chan_msg *m;
	if ((r = nxk_chan_msg_alloc(k, hdr->len, &m)) != 0)
		return r;
	if (hdr->len > 0 && (r = nxk_copyin(c, data, m->data, hdr->len)) != 0) {
		nxk_chan_msg_free(k, m);
		return r;
	}
	m->hdr = *hdr;
	m->hdr.src = kend->seed;
	m->hdr.flags = 0;
	int fd = vh != NULL ? nxk_mem_export(&((struct nxk_vmo *)vh->obj)->mem, 0) : -1;
	if (fd < 0 && vh != NULL)
		r = fd;
	else
		r = k->o.seed_send(k->o.seed_arg, kend->seed, &m->hdr, m->data, fd);
	nxk_chan_msg_free(k, m);
	if (r != 0)
		return r;
	k->seed_pending++;
	if (vh != NULL && (hdr->flags & NX_IPC_CAP_MOVE))
		(void)nxk_handle_close(c, items[0].handle);
	kend->asked = 1;
	c->blocked = 1;
	c->blocked_on = NXK_BLOCK_SEED;
	return NXK_BLOCKED;
}

void nxk_seed_reply(struct nxk *k, uint32_t pid, uint16_t ty, const void *data, uint32_t len)
{
	if (k->seed_pending > 0)
		k->seed_pending--;
	struct nxk_task *t = nxk_task_find(k, pid);
	struct nxk_chan_ep *tend = t != NULL && t->seed != NULL ? t->seed->peer : NULL;
	struct nxk_chan_msg *m;
	if (t == NULL || t->seed == NULL || !t->seed->asked)
		return;
	t->seed->asked = 0;
	/* The send completes (with 0) whatever becomes of the answer. */
	if (t->caller.blocked && t->caller.blocked_on == NXK_BLOCK_SEED)
		nxk_wake(k, &t->caller);
	/* A task that closed its seed, or let it fill up, loses the answer. */
	if (tend != NULL && tend->n < NX_CHAN_MSGS_MAX && len <= NX_CHAN_MSG_BYTES_MAX &&
	    nxk_chan_msg_alloc(k, len, &m) == 0) {
		memcpy(m->data, data, len);
		m->hdr = (struct nx_msg_hdr){.src = 0, .dst = pid, .ty = ty, .len = len};
		nxk_chan_push(tend, m);
		nxk_chan_wake(k, tend, NXK_CHAN_RECV);
	}
	nxk_run_wakes(k);
}

void nxk_seed_ended(struct nxk_task *t)
{
	struct nxk *k = t->k;
	if (t->report && k->o.seed_ended != NULL)
		k->o.seed_ended(k->o.seed_arg, t->pid, t->name, t->status,
				t->crashed ? &t->crash : NULL);
	t->report = 0;
	if (t->seed == NULL)
		return;
	struct nxk_chan_ep *kend = t->seed;
	t->seed = NULL;
	kend->seed = 0;
	nxk_chan_unref(kend);
}

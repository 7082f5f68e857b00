/*
 * Channels: two endpoints, each with the bounded queue of messages its
 * peer sent it. Messages own their data and hold a reference on every
 * handle they carry, so a handle in flight keeps its object alive. The
 * blocking and the wakes are the callers' (sys_ipc.c, trap.c): here an
 * endpoint only says who must be woken when it changes.
 */
#include "kobj.h"
#include "nexus/err.h"

static int chan_charge(struct nxk *k, uint64_t n)
{
	if (k->o.mem_limit != 0 && n > k->o.mem_limit - k->mem_used)
		return -NX_ENOMEM;
	k->mem_used += n;
	return 0;
}

int nxk_chan_msg_alloc(struct nxk *k, uint32_t len, struct nxk_chan_msg **out)
{
	uint64_t size = sizeof(struct nxk_chan_msg) + len;
	int r = chan_charge(k, size);
	if (r != 0)
		return r;
	struct nxk_chan_msg *m = nxk_kalloc((size_t)size);
	if (m == NULL) {
		k->mem_used -= size;
		return -NX_ENOMEM;
	}
	m->hdr.len = len;
	*out = m;
	return 0;
}

void nxk_chan_msg_free(struct nxk *k, struct nxk_chan_msg *m)
{
	for (uint32_t i = 0; i < m->nh; i++)
		nxk_obj_unref(m->h[i].type, m->h[i].obj);
	k->mem_used -= sizeof(struct nxk_chan_msg) + m->hdr.len;
	nxk_kfree(m);
}

int nxk_chan_create(struct nxk *k, struct nxk_chan_ep **a, struct nxk_chan_ep **b)
{
	struct nxk_chan_ep *x = nxk_kalloc(sizeof(*x));
	struct nxk_chan_ep *y = nxk_kalloc(sizeof(*y));
	if (x == NULL || y == NULL) {
		nxk_kfree(x);
		nxk_kfree(y);
		return -NX_ENOMEM;
	}
	x->k = y->k = k;
	x->peer = y;
	y->peer = x;
	x->next = y;
	y->prev = x;
	y->next = k->eps;
	if (k->eps != NULL)
		k->eps->prev = y;
	k->eps = x;
	/* The creator's references; it drops them once handles hold the ends. */
	x->refs = y->refs = 1;
	*a = x;
	*b = y;
	return 0;
}

void nxk_chan_push(struct nxk_chan_ep *ep, struct nxk_chan_msg *m)
{
	m->next = NULL;
	if (ep->tail != NULL)
		ep->tail->next = m;
	else
		ep->head = m;
	ep->tail = m;
	ep->n++;
}

struct nxk_chan_msg *nxk_chan_pop(struct nxk_chan_ep *ep)
{
	struct nxk_chan_msg *m = ep->head;
	if (m == NULL)
		return NULL;
	ep->head = m->next;
	if (ep->head == NULL)
		ep->tail = NULL;
	ep->n--;
	return m;
}

struct chan_wake {
	const struct nxk_chan_ep *ep;
	unsigned what;
};

static int wake_one(struct nxk_caller *c, void *arg)
{
	const struct chan_wake *w = arg;
	if (c->blocked_on == NXK_BLOCK_CHAN && c->blk_ep == w->ep && (c->blk_chan & w->what))
		nxk_wake(c->k, c);
	return 0;
}

void nxk_chan_wake(struct nxk *k, struct nxk_chan_ep *ep, unsigned what)
{
	/* Every caller parked on it for `what` is woken, so none is left parked for it. */
	if (!(ep->parked & what))
		return;
	ep->parked &= ~what;
	struct chan_wake w = {ep, what};
	(void)nxk_for_each_blocked(k, wake_one, &w);
}

/*
 * The last reference: the peer learns it is alone (its blocked callers
 * are woken to see -NX_EPIPE), and what was queued here, which nobody
 * can receive any more, goes with its handles.
 */
void nxk_chan_unref(struct nxk_chan_ep *ep)
{
	if (--ep->refs > 0)
		return;
	struct nxk *k = ep->k;
	if (ep->peer != NULL) {
		ep->peer->peer = NULL;
		nxk_chan_wake(k, ep->peer, NXK_CHAN_RECV | NXK_CHAN_SEND);
	}
	/* A host caller may still be blocked on it through a handle it closed meanwhile. */
	nxk_chan_wake(k, ep, NXK_CHAN_RECV | NXK_CHAN_SEND);
	/* Dropping a message may drop the last reference of another endpoint: that is fine. */
	if (ep->prev != NULL)
		ep->prev->next = ep->next;
	else
		k->eps = ep->next;
	if (ep->next != NULL)
		ep->next->prev = ep->prev;
	struct nxk_chan_msg *m;
	while ((m = nxk_chan_pop(ep)) != NULL)
		nxk_chan_msg_free(k, m);
	nxk_kfree(ep);
}

void nxk_chan_sweep(struct nxk *k)
{
	/* Take every queue first: freeing a message may free endpoints, and the list with them. */
	struct nxk_chan_msg *all = NULL, *m;
	for (struct nxk_chan_ep *ep = k->eps; ep != NULL; ep = ep->next) {
		while ((m = nxk_chan_pop(ep)) != NULL) {
			m->next = all;
			all = m;
		}
	}
	while ((m = all) != NULL) {
		all = m->next;
		nxk_chan_msg_free(k, m);
	}
}

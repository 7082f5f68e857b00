/*
 * copyin/copyout: the only way a syscall handler touches caller memory.
 * A task's pointer is a guest address, checked mapping by mapping against
 * its address space and the mapping's protection; a host caller's pointer
 * is an offset into the request's input or the reply's body.
 */

#include "kobj.h"
#include "nexus/err.h"
#include "nexus/rights.h"

static int task_copy(struct nxk_as *as, uint64_t ptr, void *buf, size_t len, int out)
{
	uint32_t need = out ? NX_PROT_WRITE : NX_PROT_READ;
	uint8_t *p = buf;
	if (len > NX_USER_TOP || ptr > NX_USER_TOP - len)
		return -NX_EFAULT;
	while (len > 0) {
		const struct nxk_mapping *m = nxk_as_find(as, ptr);
		if (m == NULL || m->vmo == NULL || !(m->prot & need))
			return -NX_EFAULT;
		uint64_t in_map = m->va + m->len - ptr;
		size_t n = len < in_map ? len : (size_t)in_map;
		uint8_t *host = m->vmo->mem.host + m->off + (ptr - m->va);
		if (out)
			memcpy(host, p, n);
		else
			memcpy(p, host, n);
		p += n;
		ptr += n;
		len -= n;
	}
	return 0;
}

int nxk_copyin(struct nxk_caller *c, uint64_t ptr, void *dst, size_t len)
{
	if (c->kind == NXK_CALLER_TASK)
		return task_copy(c->task->as, ptr, dst, len, 0);
	const struct nxk_req *r = c->req;
	if (ptr > r->inlen || len > r->inlen - ptr)
		return -NX_EFAULT;
	if (len > 0)
		memcpy(dst, (const uint8_t *)r->in + ptr, len);
	return 0;
}

int nxk_copyout(struct nxk_caller *c, uint64_t ptr, const void *src, size_t len)
{
	if (c->kind == NXK_CALLER_TASK)
		return task_copy(c->task->as, ptr, (void *)src, len, 1);
	struct nxk_req *r = c->req;
	if (ptr > r->outcap || len > r->outcap - ptr)
		return -NX_EFAULT;
	if (len > 0)
		memcpy((uint8_t *)r->out + ptr, src, len);
	if (ptr + len > r->outlen)
		r->outlen = ptr + len;
	return 0;
}

int nxk_trace_peek(struct nxk *k, uint32_t pid, uint64_t va, void *dst, size_t len)
{
	struct nxk_task *t = nxk_task_find(k, pid);

	if (t == NULL || t->as == NULL)
		return -NX_ESRCH;
	return task_copy(t->as, va, dst, len, 0);
}

/*
 * Address spaces: a sorted table of mappings and guard ranges. as_map is
 * where W^X (within a mapping and across a VMO's aliases) and the user
 * range are enforced whoever the caller is; the
 * change reaches the CPU engines of every task already running in the
 * space before it becomes visible in the table, so a failure leaves
 * nothing behind.
 */

#include "kobj.h"
#include "nexus/err.h"
#include "nexus/rights.h"

/* Holds one reference for the creator, like nxk_vmo_create. */
struct nxk_as *nxk_as_create(void)
{
	struct nxk_as *as = nxk_kalloc(sizeof(*as));
	if (as != NULL)
		as->refs = 1;
	return as;
}

void nxk_as_unref(struct nxk_as *as)
{
	if (--as->refs > 0)
		return;
	for (unsigned i = 0; i < as->n; i++) {
		struct nxk_mapping *m = &as->m[i];
		if (m->vmo == NULL)
			continue;
		m->vmo->maps_w -= (m->prot & NX_PROT_WRITE) != 0;
		m->vmo->maps_x -= (m->prot & NX_PROT_EXEC) != 0;
		nxk_vmo_unref(m->vmo);
	}
	nxk_kfree(as);
}

const struct nxk_mapping *nxk_as_find(const struct nxk_as *as, uint64_t va)
{
	for (unsigned i = 0; i < as->n; i++)
		if (va >= as->m[i].va && va - as->m[i].va < as->m[i].len)
			return &as->m[i];
	return NULL;
}

static int as_check(const struct nxk_as *as, const struct nxk_vmo *vmo, uint64_t va, uint64_t len,
		    uint32_t prot, uint64_t off)
{
	if (prot & ~(uint32_t)(NX_PROT_READ | NX_PROT_WRITE | NX_PROT_EXEC))
		return -NX_EINVAL;
	if ((prot & NX_PROT_WRITE) && (prot & NX_PROT_EXEC))
		return -NX_EPERM;
	if (len == 0 || va % NX_PAGE_SIZE != 0 || len % NX_PAGE_SIZE != 0)
		return -NX_EINVAL;
	if (va < NX_USER_BASE || va >= NX_USER_TOP || len > NX_USER_TOP - va)
		return -NX_ERANGE;
	if (vmo != NULL &&
	    (off % NX_PAGE_SIZE != 0 || off > vmo->mem.size || len > vmo->mem.size - off))
		return -NX_EINVAL;
	/*
	 * W^X across aliases: one VMO is never writable at one address (in any
	 * address space) while executable at another, or code written through
	 * the alias would run.
	 */
	if (vmo != NULL && (((prot & NX_PROT_WRITE) && vmo->maps_x > 0) ||
			    ((prot & NX_PROT_EXEC) && vmo->maps_w > 0)))
		return -NX_EPERM;
	for (unsigned i = 0; i < as->n; i++)
		if (va < as->m[i].va + as->m[i].len && as->m[i].va < va + len)
			return -NX_EEXIST;
	if (as->n == NX_AS_MAPPINGS_MAX)
		return -NX_ENOSPC;
	return 0;
}

/* vmo NULL with prot 0: a guard range. Takes a reference on vmo. */
int nxk_as_map(struct nxk *k, struct nxk_as *as, struct nxk_vmo *vmo, uint64_t va, uint64_t len,
	       uint32_t prot, uint64_t off)
{
	int r = as_check(as, vmo, va, len, prot, off);
	if (r != 0)
		return r;
	if (vmo != NULL) {
		unsigned done = 0;
		for (; done < NX_TASKS_MAX; done++) {
			struct nxk_task *t = k->tasks[done];
			if (t == NULL || t->as != as || t->cpu == NULL)
				continue;
			r = nxk_cpu_map(t->cpu, va, vmo->mem.host + off, len, prot);
			if (r != 0)
				break;
		}
		if (r != 0) {
			for (unsigned i = 0; i < done; i++) {
				struct nxk_task *t = k->tasks[i];
				if (t != NULL && t->as == as && t->cpu != NULL)
					(void)nxk_cpu_unmap(t->cpu, va, len);
			}
			return r;
		}
		vmo->refs++;
		vmo->maps_w += (prot & NX_PROT_WRITE) != 0;
		vmo->maps_x += (prot & NX_PROT_EXEC) != 0;
	}
	unsigned at = 0;
	while (at < as->n && as->m[at].va < va)
		at++;
	memmove(&as->m[at + 1], &as->m[at], (as->n - at) * sizeof(as->m[0]));
	as->m[at] =
	    (struct nxk_mapping){.va = va, .len = len, .prot = prot, .vmo = vmo, .off = off};
	as->n++;
	return 0;
}

int nxk_as_attach(struct nxk_as *as, struct nxk_cpu *cpu)
{
	for (unsigned i = 0; i < as->n; i++) {
		const struct nxk_mapping *m = &as->m[i];
		if (m->vmo == NULL)
			continue;
		int r = nxk_cpu_map(cpu, m->va, m->vmo->mem.host + m->off, m->len, m->prot);
		if (r != 0)
			return r;
	}
	return 0;
}

/*
 * Bytes of vmo [off, off+len) changed from outside the engines: drop the
 * code translated from them wherever they are mapped executable.
 */
int nxk_as_invalidate(struct nxk *k, struct nxk_vmo *vmo, uint64_t off, uint64_t len)
{
	int err = 0;
	for (unsigned i = 0; i < NX_TASKS_MAX; i++) {
		struct nxk_task *t = k->tasks[i];
		if (t == NULL || t->cpu == NULL)
			continue;
		for (unsigned j = 0; j < t->as->n; j++) {
			const struct nxk_mapping *m = &t->as->m[j];
			if (m->vmo != vmo || !(m->prot & NX_PROT_EXEC))
				continue;
			uint64_t lo = off > m->off ? off : m->off;
			uint64_t hi = off + len < m->off + m->len ? off + len : m->off + m->len;
			if (lo < hi &&
			    nxk_cpu_invalidate(t->cpu, m->va + (lo - m->off), hi - lo) != 0)
				err = -NX_ENOMEM;
		}
	}
	return err;
}

/*
 * VMOs: a size and a zeroed backing from the memory port (port.h). The
 * backing is never resized, so a mapping of it stays valid as long as a
 * handle or a mapping holds the VMO. Every VMO is charged to its
 * kernel's memory limit for its whole life.
 */
#include "kobj.h"
#include "nexus/err.h"

static uint64_t page_up(uint64_t n)
{
	return (n + NX_PAGE_SIZE - 1) & ~(NX_PAGE_SIZE - 1);
}

/* The memory limit: a VMO's whole size is charged when it is made (no overcommit). */
static int vmo_charge(struct nxk *k, uint64_t size)
{
	if (k->o.mem_limit != 0 && page_up(size) > k->o.mem_limit - k->mem_used)
		return -NX_ENOMEM;
	k->mem_used += page_up(size);
	return 0;
}

static int vmo_wrap(struct nxk *k, const struct nxk_mem *mem, struct nxk_vmo **out)
{
	struct nxk_vmo *v = nxk_kalloc(sizeof(*v));
	if (v == NULL)
		return -NX_ENOMEM;
	v->k = k;
	v->refs = 1; /* the creator's; it drops it once a handle or mapping holds one */
	v->mem = *mem;
	*out = v;
	return 0;
}

int nxk_vmo_create(struct nxk *k, uint64_t size, struct nxk_vmo **out)
{
	struct nxk_mem mem;
	if (size == 0 || size > NX_VMO_SIZE_MAX)
		return -NX_EINVAL;
	int r = vmo_charge(k, size);
	if (r != 0)
		return r;
	if ((r = nxk_mem_alloc(size, &mem)) == 0 && (r = vmo_wrap(k, &mem, out)) != 0)
		nxk_mem_release(&mem);
	if (r != 0)
		k->mem_used -= page_up(size);
	return r;
}

int nxk_vmo_import(struct nxk *k, int fd, int exec, struct nxk_vmo **out, int *read_only)
{
	struct nxk_mem mem;
	int r = nxk_mem_import(fd, exec, &mem, read_only);
	if (r != 0)
		return r;
	r = vmo_charge(k, mem.size);
	if (r == 0 && (r = vmo_wrap(k, &mem, out)) != 0)
		k->mem_used -= page_up(mem.size);
	if (r != 0) {
		/* The fd stays the caller's: take it back out of the backing first. */
		mem.port = -1;
		nxk_mem_release(&mem);
	}
	return r;
}

void nxk_vmo_unref(struct nxk_vmo *v)
{
	if (--v->refs > 0)
		return;
	v->k->mem_used -= page_up(v->mem.size);
	nxk_mem_release(&v->mem);
	nxk_kfree(v);
}

/*
 * VMOs: a size and a zeroed backing from the memory port (port.h). The
 * backing is never resized, so a mapping of it stays valid as long as a
 * handle or a mapping holds the VMO.
 */
#include "kobj.h"
#include "nexus/err.h"

static int vmo_wrap(const struct nxk_mem *mem, struct nxk_vmo **out)
{
	struct nxk_vmo *v = nxk_kalloc(sizeof(*v));
	if (v == NULL)
		return -NX_ENOMEM;
	v->refs = 1; /* the creator's; it drops it once a handle or mapping holds one */
	v->mem = *mem;
	*out = v;
	return 0;
}

int nxk_vmo_create(uint64_t size, struct nxk_vmo **out)
{
	struct nxk_mem mem;
	if (size == 0 || size > NX_VMO_SIZE_MAX)
		return -NX_EINVAL;
	int r = nxk_mem_alloc(size, &mem);
	if (r != 0)
		return r;
	r = vmo_wrap(&mem, out);
	if (r != 0)
		nxk_mem_release(&mem);
	return r;
}

int nxk_vmo_import(int fd, int exec, struct nxk_vmo **out, int *read_only)
{
	struct nxk_mem mem;
	int r = nxk_mem_import(fd, exec, &mem, read_only);
	if (r != 0)
		return r;
	r = vmo_wrap(&mem, out);
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
	nxk_mem_release(&v->mem);
	nxk_kfree(v);
}

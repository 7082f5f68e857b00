/* as_create, as_map. */
#include "kobj.h"
#include "sys.h"
#include "nexus/err.h"
#include "nexus/rights.h"

/* () -> handle */
long nxk_sys_as_create(struct nxk_caller *c, const uint64_t a[6])
{
	(void)a;
	struct nxk_as *as = nxk_as_create();
	if (as == NULL)
		return -NX_ENOMEM;
	long h = nxk_handle_add(c, NXK_OBJ_AS, NX_RIGHTS_AS_NEW, as);
	nxk_as_unref(as);
	return h;
}

/*
 * (as, vmo, va, len, prot, vmo offset) -> 0. vmo 0 with prot 0 reserves
 * a guard range instead: never mapped, and nothing may map over it.
 */
long nxk_sys_as_map(struct nxk_caller *c, const uint64_t a[6])
{
	struct nxk_handle *ah, *vh;
	int r = nxk_handle_get(c, a[0], NXK_OBJ_AS, NX_RIGHT_MANAGE, &ah);
	if (r != 0)
		return r;
	uint64_t prot = a[4];
	if (a[1] == 0) {
		if (prot != 0)
			return -NX_EBADF;
		return nxk_as_map(c->k, ah->obj, NULL, a[2], a[3], 0, 0);
	}
	if (prot == 0 || prot > (NX_PROT_READ | NX_PROT_WRITE | NX_PROT_EXEC))
		return -NX_EINVAL;
	uint32_t need = NX_RIGHT_MAP;
	if (prot & NX_PROT_READ)
		need |= NX_RIGHT_READ;
	if (prot & NX_PROT_WRITE)
		need |= NX_RIGHT_WRITE;
	if (prot & NX_PROT_EXEC)
		need |= NX_RIGHT_EXEC;
	r = nxk_handle_get(c, a[1], NXK_OBJ_VMO, need, &vh);
	if (r != 0)
		return r;
	return nxk_as_map(c->k, ah->obj, vh->obj, a[2], a[3], (uint32_t)prot, a[5]);
}

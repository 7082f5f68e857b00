/*
 * Per-caller handle tables. A handle is its slot index plus one, so 0 is
 * never valid and can mean "none" in an argument (as_map's guard form).
 */
#include "kobj.h"
#include "nexus/err.h"

void nxk_obj_ref(uint32_t type, void *obj)
{
	if (type == NXK_OBJ_VMO)
		((struct nxk_vmo *)obj)->refs++;
	else if (type == NXK_OBJ_AS)
		((struct nxk_as *)obj)->refs++;
	else if (type == NXK_OBJ_CHAN)
		((struct nxk_chan_ep *)obj)->refs++;
}

void nxk_obj_unref(uint32_t type, void *obj)
{
	if (type == NXK_OBJ_VMO)
		nxk_vmo_unref(obj);
	else if (type == NXK_OBJ_AS)
		nxk_as_unref(obj);
	else if (type == NXK_OBJ_CHAN)
		nxk_chan_unref(obj);
}

/* Takes a new reference on obj when it succeeds. */
long nxk_handle_add(struct nxk_caller *c, uint32_t type, uint32_t rights, void *obj)
{
	for (unsigned i = 0; i < NX_HANDLES_MAX; i++) {
		if (c->h[i].type != NXK_OBJ_NONE)
			continue;
		c->h[i].type = type;
		c->h[i].rights = rights;
		c->h[i].obj = obj;
		nxk_obj_ref(type, obj);
		return (long)i + 1;
	}
	return -NX_ENOSPC;
}

int nxk_handle_get(struct nxk_caller *c, uint64_t h, uint32_t type, uint32_t need,
		   struct nxk_handle **out)
{
	if (h == 0 || h > NX_HANDLES_MAX)
		return -NX_EBADF;
	struct nxk_handle *e = &c->h[h - 1];
	if (e->type != type)
		return -NX_EBADF;
	if ((e->rights & need) != need)
		return -NX_EACCES;
	*out = e;
	return 0;
}

int nxk_handle_close(struct nxk_caller *c, uint64_t h)
{
	if (h == 0 || h > NX_HANDLES_MAX || c->h[h - 1].type == NXK_OBJ_NONE)
		return -NX_EBADF;
	struct nxk_handle e = c->h[h - 1];
	c->h[h - 1] = (struct nxk_handle){0};
	nxk_obj_unref(e.type, e.obj);
	return 0;
}

void nxk_handles_close_all(struct nxk_caller *c)
{
	for (unsigned i = 0; i < NX_HANDLES_MAX; i++)
		if (c->h[i].type != NXK_OBJ_NONE)
			(void)nxk_handle_close(c, i + 1);
}

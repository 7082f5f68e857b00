/* vmo_create, vmo_write, vmo_export, vmo_import, handle_close. */
#include "kobj.h"
#include "sys.h"
#include "nexus/err.h"
#include "nexus/rights.h"
#include "nexus/syscall.h"

/* (size) -> handle; -NX_ENOMEM past the run's memory limit */
long nxk_sys_vmo_create(struct nxk_caller *c, const uint64_t a[6])
{
	struct nxk_vmo *v;
	int r = nxk_vmo_create(c->k, a[0], &v);
	if (r != 0)
		return r;
	long h = nxk_handle_add(c, NXK_OBJ_VMO, NX_RIGHTS_VMO_NEW, v);
	nxk_vmo_unref(v);
	return h;
}

/* (vmo, offset, src, len) -> 0 */
long nxk_sys_vmo_write(struct nxk_caller *c, const uint64_t a[6])
{
	struct nxk_handle *h;
	int r = nxk_handle_get(c, a[0], NXK_OBJ_VMO, NX_RIGHT_WRITE, &h);
	if (r != 0)
		return r;
	struct nxk_vmo *v = h->obj;
	if (a[1] > v->mem.size || a[3] > v->mem.size - a[1])
		return -NX_EINVAL;
	r = nxk_copyin(c, a[2], v->mem.host + a[1], a[3]);
	if (r != 0)
		return r;
	return nxk_as_invalidate(c->k, v, a[1], a[3]);
}

/*
 * (vmo) -> 0 and an fd for the VMO's backing (host callers). Without the
 * WRITE right the fd is read-only, so the receiver cannot write through
 * it either.
 */
long nxk_sys_vmo_export(struct nxk_caller *c, const uint64_t a[6])
{
	struct nxk_handle *h;
	int r = nxk_handle_get(c, a[0], NXK_OBJ_VMO, NX_RIGHT_READ, &h);
	if (r != 0)
		return r;
	struct nxk_vmo *v = h->obj;
	/* Never a writable alias of code: a VMO mapped executable exports read-only. */
	int fd = nxk_mem_export(&v->mem, (h->rights & NX_RIGHT_WRITE) != 0 && v->maps_x == 0);
	if (fd < 0)
		return fd;
	c->req->fd_out = fd;
	return 0;
}

/*
 * (flags) with an fd -> handle (host callers). The memory port checks
 * what the fd may be used for (port.h): a write-sealed backing never gets
 * the WRITE right, and only one imported with NX_VMO_IMPORT_EXEC gets EXEC.
 */
long nxk_sys_vmo_import(struct nxk_caller *c, const uint64_t a[6])
{
	int fd = c->req->fd_in, read_only;
	if (a[0] & ~(uint64_t)NX_VMO_IMPORT_EXEC)
		return -NX_EINVAL;
	if (fd < 0)
		return -NX_EBADF;
	int exec = (a[0] & NX_VMO_IMPORT_EXEC) != 0;
	struct nxk_vmo *v;
	int r = nxk_vmo_import(c->k, fd, exec, &v, &read_only);
	if (r != 0)
		return r;
	c->req->fd_in = -1;
	uint32_t rights = NX_RIGHT_READ | NX_RIGHT_MAP | NX_RIGHT_TRANSFER;
	if (!read_only)
		rights |= NX_RIGHT_WRITE;
	if (exec)
		rights |= NX_RIGHT_EXEC;
	long hd = nxk_handle_add(c, NXK_OBJ_VMO, rights, v);
	nxk_vmo_unref(v);
	return hd;
}

/* (handle) -> 0 */
long nxk_sys_handle_close(struct nxk_caller *c, const uint64_t a[6])
{
	return nxk_handle_close(c, a[0]);
}

/* vmo_create, vmo_write, vmo_export, vmo_import, handle_close. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/kobj.h"
#include "kernel/sys.h"
#include "nexus/err.h"
#include "nexus/rights.h"
#include "nexus/syscall.h"

/* (size) -> handle */
long nxk_sys_vmo_create(struct nxk_caller *c, const uint64_t a[6])
{
	struct nxk_vmo *v;
	int r = nxk_vmo_create(a[0], &v);
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
	if (a[1] > v->size || a[3] > v->size - a[1])
		return -NX_EINVAL;
	r = nxk_copyin(c, a[2], v->host + a[1], a[3]);
	if (r != 0)
		return r;
	return nxk_as_invalidate(c->k, v, a[1], a[3]);
}

/*
 * (vmo) -> 0 and the VMO's memfd. Without the WRITE right the fd is a
 * read-only reopening, so the receiver cannot write through it either.
 */
long nxk_sys_vmo_export(struct nxk_caller *c, const uint64_t a[6])
{
	struct nxk_handle *h;
	int r = nxk_handle_get(c, a[0], NXK_OBJ_VMO, NX_RIGHT_READ, &h);
	if (r != 0)
		return r;
	struct nxk_vmo *v = h->obj;
	int fd;
	if (h->rights & NX_RIGHT_WRITE) {
		fd = fcntl(v->fd, F_DUPFD_CLOEXEC, 0);
	} else {
		char path[64];
		snprintf(path, sizeof(path), "/proc/self/fd/%d", v->fd);
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0)
		return -NX_ENOMEM;
	c->req->fd_out = fd;
	return 0;
}

/*
 * (flags) with a memfd -> handle. The memfd must be sealed against
 * shrinking (a truncation under a guest mapping would SIGBUS the kernel);
 * one imported for execution also against writing and growing, so the
 * bytes mapped are the bytes the importer checked.
 */
long nxk_sys_vmo_import(struct nxk_caller *c, const uint64_t a[6])
{
	int fd = c->req->fd_in;
	if (a[0] & ~(uint64_t)NX_VMO_IMPORT_EXEC)
		return -NX_EINVAL;
	if (fd < 0)
		return -NX_EBADF;
	int seals = fcntl(fd, F_GET_SEALS);
	struct stat st;
	if (seals < 0 || fstat(fd, &st) != 0)
		return -NX_EINVAL;
	int need = F_SEAL_SHRINK;
	if (a[0] & NX_VMO_IMPORT_EXEC)
		need |= F_SEAL_WRITE | F_SEAL_GROW;
	if ((seals & need) != need)
		return -NX_EPERM;
	if (st.st_size <= 0 || (uint64_t)st.st_size > NX_VMO_SIZE_MAX)
		return -NX_EINVAL;
	int sealed_ro = (seals & F_SEAL_WRITE) != 0;
	uint32_t rights = NX_RIGHT_READ | NX_RIGHT_MAP | NX_RIGHT_TRANSFER;
	if (!sealed_ro)
		rights |= NX_RIGHT_WRITE;
	if (a[0] & NX_VMO_IMPORT_EXEC)
		rights |= NX_RIGHT_EXEC;
	struct nxk_vmo *v;
	int r = nxk_vmo_from_fd(fd, (uint64_t)st.st_size, sealed_ro, &v);
	if (r != 0)
		return r;
	c->req->fd_in = -1;
	long hd = nxk_handle_add(c, NXK_OBJ_VMO, rights, v);
	nxk_vmo_unref(v);
	return hd;
}

/* (handle) -> 0 */
long nxk_sys_handle_close(struct nxk_caller *c, const uint64_t a[6])
{
	return nxk_handle_close(c, a[0]);
}

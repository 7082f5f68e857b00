/*
 * VMOs: a memfd sized with ftruncate (so it reads as zeroes until
 * written) and mapped MAP_SHARED into the kernel. The memfd is sealed
 * against shrinking and growing: an exported VMO can then never be
 * truncated under a guest mapping, which would turn a guest access into
 * a SIGBUS of the whole kernel.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kernel/kobj.h"
#include "nexus/err.h"

static uint64_t page_up(uint64_t n)
{
	return (n + NX_PAGE_SIZE - 1) & ~(NX_PAGE_SIZE - 1);
}

/*
 * Adopts fd on success. A write-sealed memfd can only be mapped read-only;
 * its handle never carries the WRITE right, so nothing maps it writable.
 */
int nxk_vmo_from_fd(int fd, uint64_t size, int read_only, struct nxk_vmo **out)
{
	if (size == 0 || size > NX_VMO_SIZE_MAX)
		return -NX_EINVAL;
	struct nxk_vmo *v = calloc(1, sizeof(*v));
	if (v == NULL)
		return -NX_ENOMEM;
	void *p = mmap(NULL, page_up(size), read_only ? PROT_READ : PROT_READ | PROT_WRITE,
		       MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		free(v);
		return -NX_ENOMEM;
	}
	v->refs = 1; /* the creator's; it drops it once a handle or mapping holds one */
	v->fd = fd;
	v->host = p;
	v->size = size;
	*out = v;
	return 0;
}

int nxk_vmo_create(uint64_t size, struct nxk_vmo **out)
{
	if (size == 0 || size > NX_VMO_SIZE_MAX)
		return -NX_EINVAL;
	int fd = memfd_create("nx-vmo", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -NX_ENOMEM;
	if (ftruncate(fd, (off_t)size) != 0 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0) {
		close(fd);
		return -NX_ENOMEM;
	}
	int r = nxk_vmo_from_fd(fd, size, 0, out);
	if (r != 0)
		close(fd);
	return r;
}

void nxk_vmo_unref(struct nxk_vmo *v)
{
	if (--v->refs > 0)
		return;
	munmap(v->host, page_up(v->size));
	close(v->fd);
	free(v);
}

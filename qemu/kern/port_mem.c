/*
 * VMO backings (kernel/port.h): zeroed runs of physical pages (zeroed by
 * the page allocator unless never used since reset), seen by
 * the kernel through the direct map; `port` holds the page count. No host
 * callers with fds on this target: export and import do not exist.
 */
#include "nexus/err.h"
#include "nexus/limits.h"
#include "page_alloc.h"
#include "port.h"

int nxk_mem_alloc(uint64_t size, struct nxk_mem *m)
{
	uint64_t pages = (size + NX_PAGE_SIZE - 1) / NX_PAGE_SIZE;
	uint8_t *p = nxq_pages_alloc_zeroed(pages);

	if (p == NULL)
		return -NX_ENOMEM;
	m->host = p;
	m->size = size;
	m->port = (long)pages;
	return 0;
}

void nxk_mem_release(struct nxk_mem *m)
{
	nxq_pages_free(m->host, (uint64_t)m->port);
}

int nxk_mem_export(const struct nxk_mem *m, int writable)
{
	(void)m;
	(void)writable;
	return -NX_ENOSYS;
}

int nxk_mem_import(int fd, int exec, struct nxk_mem *m, int *read_only)
{
	(void)fd;
	(void)exec;
	(void)m;
	(void)read_only;
	return -NX_ENOSYS;
}

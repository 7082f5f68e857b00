/*
 * The kernel's platform port on Linux (kernel/port.h). A VMO's backing
 * is a memfd sized with ftruncate (so it reads as zeroes until written),
 * sealed against shrinking and growing, and mapped MAP_SHARED into this
 * process: an exported VMO can then never be truncated under a guest
 * mapping, which would turn a guest access into a SIGBUS of the whole
 * kernel. Daemons get the memfd itself (export) and hand memfds in
 * (import), so guest memory crosses processes without copies.
 *
 * A write-sealed memfd imported again (a payload's, once per task of it)
 * reuses the one mapping of it already made: every task's engine then
 * maps the same host pages, which this process holds (and counts in its
 * RSS) once, however many tasks run that payload.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nexus/err.h"
#include "nexus/limits.h"
#include "port.h"

void *nxk_kalloc(size_t n)
{
	return calloc(1, n);
}

void nxk_kfree(void *p)
{
	free(p);
}

static uint64_t page_up(uint64_t n)
{
	return (n + NX_PAGE_SIZE - 1) & ~(NX_PAGE_SIZE - 1);
}

/* Map fd and fill m; the fd becomes m's on success. */
static int mem_map(int fd, uint64_t size, int read_only, struct nxk_mem *m)
{
	void *p = mmap(NULL, page_up(size), read_only ? PROT_READ : PROT_READ | PROT_WRITE,
		       MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -NX_ENOMEM;
	*m = (struct nxk_mem){.host = p, .size = size, .port = fd};
	return 0;
}

int nxk_mem_alloc(uint64_t size, struct nxk_mem *m)
{
	int fd = memfd_create("nx-vmo", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -NX_ENOMEM;
	if (ftruncate(fd, (off_t)size) != 0 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0 ||
	    mem_map(fd, size, 0, m) != 0) {
		close(fd);
		return -NX_ENOMEM;
	}
	return 0;
}

/* One mapping of a write-sealed memfd, and how many imported backings use it. */
struct shared_map {
	dev_t dev;
	ino_t ino;
	uint8_t *host;
	uint64_t size;
	unsigned refs;
	struct shared_map *next;
};

static struct shared_map *shared_maps;

static struct shared_map **shared_find(const uint8_t *host)
{
	struct shared_map **pp = &shared_maps;
	while (*pp != NULL && (*pp)->host != host)
		pp = &(*pp)->next;
	return pp;
}

/* A read-only mapping of fd (its file is st): the existing one, or a new one. */
static int shared_map(int fd, const struct stat *st, struct nxk_mem *m)
{
	struct shared_map *s = shared_maps;
	while (s != NULL && (s->dev != st->st_dev || s->ino != st->st_ino))
		s = s->next;
	if (s == NULL) {
		s = calloc(1, sizeof(*s));
		if (s == NULL || mem_map(fd, (uint64_t)st->st_size, 1, m) != 0) {
			free(s);
			return -NX_ENOMEM;
		}
		*s = (struct shared_map){st->st_dev, st->st_ino, m->host, m->size, 0, shared_maps};
		shared_maps = s;
	}
	s->refs++;
	*m = (struct nxk_mem){.host = s->host, .size = s->size, .port = fd};
	return 0;
}

void nxk_mem_release(struct nxk_mem *m)
{
	struct shared_map **pp = m->host != NULL ? shared_find(m->host) : NULL;
	if (pp != NULL && *pp != NULL) {
		struct shared_map *s = *pp;
		if (--s->refs == 0) {
			*pp = s->next;
			munmap(s->host, page_up(s->size));
			free(s);
		}
	} else if (m->host != NULL) {
		munmap(m->host, page_up(m->size));
	}
	if (m->port >= 0)
		close((int)m->port);
	*m = (struct nxk_mem){.port = -1};
}

int nxk_mem_export(const struct nxk_mem *m, int writable)
{
	int fd;
	if (writable) {
		fd = fcntl((int)m->port, F_DUPFD_CLOEXEC, 0);
	} else {
		/* A read-only open of the same memfd: the receiver cannot write through it. */
		char path[64];
		snprintf(path, sizeof(path), "/proc/self/fd/%ld", m->port);
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	return fd < 0 ? -NX_ENOMEM : fd;
}

int nxk_mem_import(int fd, int exec, struct nxk_mem *m, int *read_only)
{
	int seals = fcntl(fd, F_GET_SEALS);
	struct stat st;
	if (seals < 0 || fstat(fd, &st) != 0)
		return -NX_EINVAL;
	int need = F_SEAL_SHRINK;
	if (exec)
		need |= F_SEAL_WRITE | F_SEAL_GROW;
	if ((seals & need) != need)
		return -NX_EPERM;
	if (st.st_size <= 0 || (uint64_t)st.st_size > NX_VMO_SIZE_MAX)
		return -NX_EINVAL;
	*read_only = (seals & F_SEAL_WRITE) != 0;
	/* Sealed against writing and resizing, its pages are the same whoever maps them. */
	if (*read_only && (seals & (F_SEAL_GROW | F_SEAL_SHRINK)) == (F_SEAL_GROW | F_SEAL_SHRINK))
		return shared_map(fd, &st, m);
	return mem_map(fd, (uint64_t)st.st_size, *read_only, m);
}

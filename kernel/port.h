/*
 * What the kernel needs from the platform under it, besides a CPU engine
 * (cpu.h): memory for its objects, zeroed backing for VMOs, and the four
 * byte-copying calls every C platform owes freestanding code. kernel/
 * calls nothing else outside itself and includes only the compiler's
 * freestanding headers, so the same files build for the Linux simulator
 * (sim/port_linux.c: libc, memfds) and for the QEMU target (qemu/: a
 * page allocator). `make test` compiles every kernel source freestanding for
 * RISC-V to prove it (docs/kernel.md).
 */
#ifndef NEXUS_KERNEL_PORT_H
#define NEXUS_KERNEL_PORT_H

#include <stddef.h>
#include <stdint.h>

/* Kernel objects: zeroed memory or NULL; nxk_kfree(NULL) does nothing. */
void *nxk_kalloc(size_t n);
void nxk_kfree(void *p);

/* Byte copying: the C freestanding contract (libc on Linux, qemu/ on the target). */
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

/*
 * A VMO's backing: `size` bytes, zeroed when allocated, at `host` where
 * the kernel reads and writes them and CPU engines map them (rounded up
 * to a page). `port` is the platform's own handle (the memfd on Linux).
 */
struct nxk_mem {
	uint8_t *host;
	uint64_t size;
	long port;
};

/* 0, or -NX_ENOMEM. */
int nxk_mem_alloc(uint64_t size, struct nxk_mem *m);
void nxk_mem_release(struct nxk_mem *m);

/*
 * Host callers only; a platform without them (the QEMU target) returns
 * -NX_ENOSYS. export: a new fd for the backing (a read-only one unless
 * `writable`). import: adopt `fd` (kept only on success) when its seals
 * allow it: always against shrinking (a truncation under a mapping would
 * fault the whole kernel), and for `exec` also against writing and
 * growing, so the bytes mapped are the bytes the importer checked
 * (-NX_EPERM otherwise), sized 1..NX_VMO_SIZE_MAX (-NX_EINVAL otherwise);
 * *read_only says whether it is write-sealed. Releasing an imported
 * backing whose `port` was set to -1 leaves the fd open.
 */
int nxk_mem_export(const struct nxk_mem *m, int writable);
int nxk_mem_import(int fd, int exec, struct nxk_mem *m, int *read_only);

#endif

/*
 * Physical pages: one bit each over RAM, runs handed out first-fit. A run
 * is physically contiguous, so its direct-map address is a contiguous
 * kernel pointer (a VMO's backing must be one).
 *
 * A second bit per page says whether it may hold old bytes. RAM nothing
 * has written since reset is zero (QEMU's guest RAM is zero-filled host
 * memory), so a page that was never handed out needs no zeroing, and the
 * host never has to fault it in until a task touches it: on the machines
 * measured, a host page fault costs ~30 us, more than everything else a
 * hello boot does in the guest.
 */
#ifndef NEXUS_QEMU_KERN_PAGE_ALLOC_H
#define NEXUS_QEMU_KERN_PAGE_ALLOC_H

#include <stdint.h>

#define NXQ_RAM_PAGES_MAX (1U << 18) /* pages the bitmaps cover: 1 GiB of RAM */

/* RAM [base, base + len): all of it in use and possibly dirty until said otherwise. */
void nxq_pages_init(uint64_t base, uint64_t len);
/* Free [pa, pa + len) (page-rounded inward); outside RAM is ignored. */
void nxq_pages_release(uint64_t pa, uint64_t len);
/* Take [pa, pa + len) out of use (page-rounded outward); its bytes count as old. */
void nxq_pages_reserve(uint64_t pa, uint64_t len);
/* [pa, pa + len) (page-rounded inward) holds only zeros: nothing wrote it since reset. */
void nxq_pages_known_zero(uint64_t pa, uint64_t len);
/* n contiguous pages (their kernel address), or NULL; unzeroed / zeroed. */
void *nxq_pages_alloc(uint64_t n);
void *nxq_pages_alloc_zeroed(uint64_t n);
void nxq_pages_free(void *p, uint64_t n);

#endif

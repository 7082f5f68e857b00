/*
 * Physical pages: one bit each over RAM, runs handed out first-fit. A run
 * is physically contiguous, so its direct-map address is a contiguous
 * kernel pointer (a VMO's backing must be one). Pages come back unzeroed.
 */
#ifndef NEXUS_QEMU_KERN_PAGE_ALLOC_H
#define NEXUS_QEMU_KERN_PAGE_ALLOC_H

#include <stdint.h>

#define NXQ_RAM_PAGES_MAX (1U << 18) /* pages the bitmap covers: 1 GiB of RAM */

/* RAM [base, base + len), all of it in use until released. */
void nxq_pages_init(uint64_t base, uint64_t len);
/* Make [pa, pa + len) free (page-rounded inward); outside RAM is ignored. */
void nxq_pages_release(uint64_t pa, uint64_t len);
/* Take [pa, pa + len) out of use (page-rounded outward); outside RAM is ignored. */
void nxq_pages_reserve(uint64_t pa, uint64_t len);
/* n contiguous pages (their kernel address), or NULL. */
void *nxq_pages_alloc(uint64_t n);
void nxq_pages_free(void *p, uint64_t n);
uint64_t nxq_pages_free_count(void);

#endif

/*
 * The page bitmap (page_alloc.h): bit set = in use. First fit from a
 * rover: the lowest page that may be free (everything below it is in
 * use), so a search skips the packed bottom of RAM and freed pages are
 * the first reused.
 */
#include <stddef.h>

#include "layout.h"
#include "nexus/limits.h"
#include "page_alloc.h"

#define WORD_BITS 64

static uint64_t bitmap[NXQ_RAM_PAGES_MAX / WORD_BITS];
static uint64_t ram_base, npages, nfree, rover;

static int used(uint64_t i)
{
	return (bitmap[i / WORD_BITS] >> (i % WORD_BITS)) & 1;
}

static void mark(uint64_t first, uint64_t n, int in_use)
{
	for (uint64_t i = first; i < first + n; i++) {
		uint64_t bit = 1ULL << (i % WORD_BITS);
		if (in_use)
			bitmap[i / WORD_BITS] |= bit;
		else
			bitmap[i / WORD_BITS] &= ~bit;
	}
	if (in_use)
		nfree -= n;
	else
		nfree += n;
}

void nxq_pages_init(uint64_t base, uint64_t len)
{
	ram_base = base;
	npages = len / NX_PAGE_SIZE;
	if (npages > NXQ_RAM_PAGES_MAX)
		npages = NXQ_RAM_PAGES_MAX;
	for (size_t i = 0; i < sizeof(bitmap) / sizeof(bitmap[0]); i++)
		bitmap[i] = ~0ULL;
	nfree = 0;
	rover = npages;
}

/* Mark the pages of [lo, hi) (already page-aligned) within RAM. */
static void set_range(uint64_t lo, uint64_t hi, int in_use)
{
	if (lo < ram_base)
		lo = ram_base;
	if (hi > ram_base + npages * NX_PAGE_SIZE)
		hi = ram_base + npages * NX_PAGE_SIZE;
	for (uint64_t p = lo; p < hi; p += NX_PAGE_SIZE) {
		uint64_t i = (p - ram_base) / NX_PAGE_SIZE;
		if (used(i) != in_use)
			mark(i, 1, in_use);
		if (!in_use && i < rover)
			rover = i;
	}
}

void nxq_pages_release(uint64_t pa, uint64_t len)
{
	set_range((pa + NX_PAGE_SIZE - 1) / NX_PAGE_SIZE * NX_PAGE_SIZE,
		  (pa + len) / NX_PAGE_SIZE * NX_PAGE_SIZE, 0);
}

void nxq_pages_reserve(uint64_t pa, uint64_t len)
{
	set_range(pa / NX_PAGE_SIZE * NX_PAGE_SIZE,
		  (pa + len + NX_PAGE_SIZE - 1) / NX_PAGE_SIZE * NX_PAGE_SIZE, 1);
}

/* The first run of n free pages at or after `from`, or npages. */
static uint64_t find_run(uint64_t from, uint64_t n)
{
	uint64_t i = from;

	while (i + n <= npages) {
		if (i % WORD_BITS == 0 && bitmap[i / WORD_BITS] == ~0ULL) {
			i += WORD_BITS;
			continue;
		}
		if (used(i)) {
			i++;
			continue;
		}
		uint64_t run = 1;
		while (run < n && !used(i + run))
			run++;
		if (run == n)
			return i;
		i += run;
	}
	return npages;
}

void *nxq_pages_alloc(uint64_t n)
{
	if (n == 0 || n > nfree)
		return NULL;
	uint64_t i = find_run(rover, n);
	if (i == npages)
		return NULL;
	mark(i, n, 1);
	if (i == rover)
		rover = i + n;
	return nxq_pa_to_va(ram_base + i * NX_PAGE_SIZE);
}

void nxq_pages_free(void *p, uint64_t n)
{
	uint64_t i = (nxq_va_to_pa(p) - ram_base) / NX_PAGE_SIZE;
	mark(i, n, 0);
	if (i < rover)
		rover = i;
}

uint64_t nxq_pages_free_count(void)
{
	return nfree;
}

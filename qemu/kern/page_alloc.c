/*
 * The page bitmaps (page_alloc.h). `used`: bit set = in use. `dirty`: bit
 * set = may hold old bytes. First fit from a rover: the lowest page that
 * may be free (everything below it is in use), so a search skips the
 * packed bottom of RAM and freed pages, already faulted in on the host,
 * are the first reused.
 */
#include <stddef.h>

#include "layout.h"
#include "nexus/limits.h"
#include "page_alloc.h"
#include "port.h"

#define WORD_BITS 64
#define BITMAP_WORDS (NXQ_RAM_PAGES_MAX / WORD_BITS)

static uint64_t used[BITMAP_WORDS], dirty[BITMAP_WORDS];
static uint64_t ram_base, npages, nfree, rover;

static int bit(const uint64_t *map, uint64_t i)
{
	return (map[i / WORD_BITS] >> (i % WORD_BITS)) & 1;
}

/* Bits set in v (no Zbb: the classic SWAR sum). */
static uint64_t popcount(uint64_t v)
{
	v = v - ((v >> 1) & 0x5555555555555555ULL);
	v = (v & 0x3333333333333333ULL) + ((v >> 2) & 0x3333333333333333ULL);
	v = (v + (v >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (v * 0x0101010101010101ULL) >> 56;
}

/* Set or clear bits [first, first + n); returns how many changed. Whole words at a time. */
static uint64_t set_bits(uint64_t *map, uint64_t first, uint64_t n, int on)
{
	uint64_t changed = 0, i = first, end = first + n;

	while (i < end) {
		uint64_t w = i / WORD_BITS, lo = i % WORD_BITS;
		uint64_t hi = end - w * WORD_BITS < WORD_BITS ? end - w * WORD_BITS : WORD_BITS;
		uint64_t mask = (hi - lo == WORD_BITS ? ~0ULL : ((1ULL << (hi - lo)) - 1)) << lo;
		uint64_t old = map[w];
		map[w] = on ? old | mask : old & ~mask;
		changed += popcount(old ^ map[w]);
		i = w * WORD_BITS + hi;
	}
	return changed;
}

/* The page indices of [lo, hi) clipped to RAM; 0 if empty. */
static int clip(uint64_t lo, uint64_t hi, uint64_t *first, uint64_t *n)
{
	uint64_t end = ram_base + npages * NX_PAGE_SIZE;

	if (lo < ram_base)
		lo = ram_base;
	if (hi > end)
		hi = end;
	if (lo >= hi)
		return 0;
	*first = (lo - ram_base) / NX_PAGE_SIZE;
	*n = (hi - lo) / NX_PAGE_SIZE;
	return 1;
}

static uint64_t page_down(uint64_t a)
{
	return a / NX_PAGE_SIZE * NX_PAGE_SIZE;
}

static uint64_t page_up(uint64_t a)
{
	return page_down(a + NX_PAGE_SIZE - 1);
}

void nxq_pages_init(uint64_t base, uint64_t len)
{
	ram_base = base;
	npages = len / NX_PAGE_SIZE;
	if (npages > NXQ_RAM_PAGES_MAX)
		npages = NXQ_RAM_PAGES_MAX;
	for (size_t i = 0; i < (npages + WORD_BITS - 1) / WORD_BITS; i++)
		used[i] = dirty[i] = ~0ULL;
	nfree = 0;
	rover = npages;
}

void nxq_pages_release(uint64_t pa, uint64_t len)
{
	uint64_t first, n;

	if (!clip(page_up(pa), page_down(pa + len), &first, &n))
		return;
	nfree += set_bits(used, first, n, 0);
	if (first < rover)
		rover = first;
}

void nxq_pages_reserve(uint64_t pa, uint64_t len)
{
	uint64_t first, n;

	if (!clip(page_down(pa), page_up(pa + len), &first, &n))
		return;
	nfree -= set_bits(used, first, n, 1);
	set_bits(dirty, first, n, 1);
}

void nxq_pages_known_zero(uint64_t pa, uint64_t len)
{
	uint64_t first, n;

	if (clip(page_up(pa), page_down(pa + len), &first, &n))
		set_bits(dirty, first, n, 0);
}

/* The first run of n free pages at or after `from`, or npages. */
static uint64_t find_run(uint64_t from, uint64_t n)
{
	uint64_t i = from;

	while (i + n <= npages) {
		if (i % WORD_BITS == 0 && used[i / WORD_BITS] == ~0ULL) {
			i += WORD_BITS;
			continue;
		}
		if (bit(used, i)) {
			i++;
			continue;
		}
		uint64_t run = 1;
		while (run < n && !bit(used, i + run))
			run++;
		if (run == n)
			return i;
		i += run;
	}
	return npages;
}

/* A run of n pages: its first index, or npages. In use and dirty from now on. */
static uint64_t take(uint64_t n)
{
	if (n == 0 || n > nfree)
		return npages;
	uint64_t i = find_run(rover, n);
	if (i == npages)
		return npages;
	nfree -= set_bits(used, i, n, 1);
	if (i == rover)
		rover = i + n;
	return i;
}

void *nxq_pages_alloc(uint64_t n)
{
	uint64_t i = take(n);
	if (i == npages)
		return NULL;
	set_bits(dirty, i, n, 1);
	return nxq_pa_to_va(ram_base + i * NX_PAGE_SIZE);
}

void *nxq_pages_alloc_zeroed(uint64_t n)
{
	uint64_t i = take(n);
	if (i == npages)
		return NULL;
	for (uint64_t p = i; p < i + n; p++)
		if (bit(dirty, p))
			memset(nxq_pa_to_va(ram_base + p * NX_PAGE_SIZE), 0, NX_PAGE_SIZE);
	set_bits(dirty, i, n, 1);
	return nxq_pa_to_va(ram_base + i * NX_PAGE_SIZE);
}

void nxq_pages_free(void *p, uint64_t n)
{
	uint64_t i = (nxq_va_to_pa(p) - ram_base) / NX_PAGE_SIZE;
	nfree += set_bits(used, i, n, 0);
	if (i < rover)
		rover = i;
}

/* Sv39 page tables (sv39.h). Table pages come from the page allocator. */
#include <stddef.h>

#include "layout.h"
#include "nexus/limits.h"
#include "page_alloc.h"
#include "port.h"
#include "sv39.h"

#define VPN_BITS 9
#define PAGE_SHIFT 12
#define LOWER_HALF_ENTRIES (SV39_ENTRIES / 2)

extern uint64_t boot_pt[SV39_ENTRIES];

uint64_t *nxq_sv39_kernel_root(void)
{
	return boot_pt;
}

static unsigned vpn(uint64_t va, int level)
{
	return (va >> (PAGE_SHIFT + VPN_BITS * level)) & (SV39_ENTRIES - 1);
}

static uint64_t *table_of(uint64_t pte)
{
	return nxq_pa_to_va((pte >> PTE_PPN_SHIFT) << PAGE_SHIFT);
}

static uint64_t pte_for(uint64_t pa, uint64_t flags)
{
	return (pa >> PAGE_SHIFT) << PTE_PPN_SHIFT | flags;
}

static uint64_t *zeroed_table(void)
{
	return nxq_pages_alloc_zeroed(1);
}

uint64_t *nxq_sv39_new(void)
{
	uint64_t *root = zeroed_table();
	if (root == NULL)
		return NULL;
	for (unsigned i = LOWER_HALF_ENTRIES; i < SV39_ENTRIES; i++)
		root[i] = boot_pt[i];
	return root;
}

void nxq_sv39_free(uint64_t *root)
{
	for (unsigned i = 0; i < LOWER_HALF_ENTRIES; i++) {
		if (!(root[i] & PTE_V))
			continue;
		uint64_t *mid = table_of(root[i]);
		for (unsigned j = 0; j < SV39_ENTRIES; j++)
			if (mid[j] & PTE_V)
				nxq_pages_free(table_of(mid[j]), 1);
		nxq_pages_free(mid, 1);
	}
	nxq_pages_free(root, 1);
}

/* The level-0 PTE slot for va, making the tables on the way if `make`; NULL if absent. */
static uint64_t *slot(uint64_t *root, uint64_t va, int make)
{
	uint64_t *t = root;
	for (int level = SV39_LEVELS - 1; level > 0; level--) {
		uint64_t *e = &t[vpn(va, level)];
		if (!(*e & PTE_V)) {
			uint64_t *next = make ? zeroed_table() : NULL;
			if (next == NULL)
				return NULL;
			*e = pte_for(nxq_va_to_pa(next), PTE_V);
		}
		t = table_of(*e);
	}
	return &t[vpn(va, 0)];
}

int nxq_sv39_map(uint64_t *root, uint64_t va, uint64_t pa, uint64_t len, uint64_t flags)
{
	for (uint64_t off = 0; off < len; off += NX_PAGE_SIZE) {
		uint64_t *e = slot(root, va + off, 1);
		if (e == NULL) {
			nxq_sv39_unmap(root, va, off);
			return -1;
		}
		/* Accessed and dirty preset: the hardware need not write them. */
		*e = pte_for(pa + off, flags | PTE_V | PTE_A | PTE_D);
	}
	return 0;
}

void nxq_sv39_unmap(uint64_t *root, uint64_t va, uint64_t len)
{
	for (uint64_t off = 0; off < len; off += NX_PAGE_SIZE) {
		uint64_t *e = slot(root, va + off, 0);
		if (e != NULL)
			*e = 0;
	}
}

uint64_t nxq_sv39_leaf(const uint64_t *root, uint64_t va)
{
	if (va >= NX_USER_TOP)
		return 0;
	uint64_t *e = slot((uint64_t *)root, va, 0);
	return e != NULL ? *e : 0;
}

uint64_t nxq_sv39_satp(const uint64_t *root)
{
	return SATP_SV39 | nxq_va_to_pa(root) >> PAGE_SHIFT;
}

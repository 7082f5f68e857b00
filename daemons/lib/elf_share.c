/* Which planned pages are the payload file's own (elf_share_impl.h). */
#include <string.h>

#include "elf_share_impl.h"
#include "nexus/rights.h"

/* What the copy path would put in the page at va: the plan's file bytes, zeros elsewhere. */
static void page_image(const struct nxl_plan *plan, const uint8_t *elf, uint64_t va, uint8_t *img)
{
	memset(img, 0, NX_PAGE_SIZE);
	for (uint32_t i = 0; i < plan->ncopy; i++) {
		const struct nxl_copy *c = &plan->copy[i];
		uint64_t lo = c->va > va ? c->va : va;
		uint64_t hi =
		    c->va + c->len < va + NX_PAGE_SIZE ? c->va + c->len : va + NX_PAGE_SIZE;
		if (lo < hi)
			memcpy(img + (lo - va), elf + c->file_off + (lo - c->va), hi - lo);
	}
}

/* The page-aligned file offset whose page is exactly what va must hold; 1 if there is one. */
static int file_page(const struct nxl_plan *plan, const uint8_t *elf, size_t len, uint64_t va,
		     uint64_t *off)
{
	static uint8_t img[NX_PAGE_SIZE];
	for (uint32_t i = 0; i < plan->ncopy; i++) {
		const struct nxl_copy *c = &plan->copy[i];
		if (c->va >= va + NX_PAGE_SIZE || c->va + c->len <= va)
			continue;
		/* The file offset that lands at va, if this copy's congruence holds. */
		if (c->va > va && c->file_off < c->va - va)
			return 0;
		uint64_t f = c->file_off + va - c->va;
		if (f % NX_PAGE_SIZE != 0 || f > len || len - f < NX_PAGE_SIZE)
			return 0;
		page_image(plan, elf, va, img);
		if (memcmp(img, elf + f, NX_PAGE_SIZE) != 0)
			return 0;
		*off = f;
		return 1;
	}
	return 0;
}

static unsigned whole_maps(const struct nxl_plan *plan, struct nxd_elf_piece *out)
{
	for (uint32_t i = 0; i < plan->nmap; i++)
		out[i] = (struct nxd_elf_piece){plan->map[i].va, plan->map[i].len,
						plan->map[i].prot, 0, 0};
	return plan->nmap;
}

unsigned nxd_elf_pieces(const struct nxl_plan *plan, const uint8_t *elf, size_t len, int share,
			struct nxd_elf_piece *out, unsigned cap)
{
	unsigned n = 0;
	if (!share)
		return whole_maps(plan, out);
	for (uint32_t i = 0; i < plan->nmap; i++) {
		const struct nxl_map *m = &plan->map[i];
		unsigned first = n; /* pieces never span two maps */
		for (uint64_t va = m->va; va < m->va + m->len; va += NX_PAGE_SIZE) {
			uint64_t off = 0;
			int shared =
			    !(m->prot & NX_PROT_WRITE) && file_page(plan, elf, len, va, &off);
			struct nxd_elf_piece *last = n > first ? &out[n - 1] : NULL;
			if (last != NULL && last->shared == shared &&
			    (!shared || last->file_off + last->len == off)) {
				last->len += NX_PAGE_SIZE;
				continue;
			}
			if (n == cap)
				return whole_maps(plan, out);
			out[n++] = (struct nxd_elf_piece){va, NX_PAGE_SIZE, m->prot, shared, off};
		}
	}
	return n;
}

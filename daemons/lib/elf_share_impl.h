/*
 * libnxd internal (elf_spawn.c): which pages of a load plan can be the
 * payload file's own pages. A page of a mapping without W whose planned
 * contents (its file bytes, zeros elsewhere) are exactly one page of the
 * file, at a page-aligned offset, is mapped from the sealed payload memfd
 * itself: every task of that payload then shares it. Every other page
 * (writable, or a file page holding other bytes too) is a fresh VMO the
 * bytes are copied into, as before.
 */
#ifndef NEXUS_NXD_ELF_SHARE_IMPL_H
#define NEXUS_NXD_ELF_SHARE_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "loader.h"

/* A run of pages of one planned map: copied, or the file's [file_off, +len). */
struct nxd_elf_piece {
	uint64_t va, len;
	uint32_t prot;
	int shared;
	uint64_t file_off; /* shared: page-aligned offset in the file */
};

/*
 * Split plan's maps into pieces, at most `cap` (at least NXL_MAP_MAX; an
 * address space takes NX_AS_MAPPINGS_MAX less the stack's two): with
 * `share`, runs of file pages with consecutive offsets are shared and
 * the rest copied. Without it, or when the split would need more than
 * cap pieces, it is one copied piece per map. Returns the count.
 */
unsigned nxd_elf_pieces(const struct nxl_plan *plan, const uint8_t *elf, size_t len, int share,
			struct nxd_elf_piece *out, unsigned cap);

#endif

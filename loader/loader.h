/*
 * nexus-loader: validates a static RISC-V ELF64 payload, turns it into a
 * load plan, and builds a task's initial stack. Pure C11: no allocation,
 * no I/O, no host headers, so the same code builds freestanding for the
 * QEMU target. The caller owns all memory; every function either fills
 * its output completely or returns an error and leaves no partial result
 * the caller could mistake for a good one.
 */
#ifndef NEXUS_LOADER_H
#define NEXUS_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include "nexus/limits.h"

/*
 * Plan capacities. Segments with different permissions may share a
 * boundary page; that page becomes a one-page map of its own (docs/
 * loader.md), so each PT_LOAD adds at most two maps. A segment's file
 * bytes are split at map boundaries (each copy lands in one VMO), and at
 * most three maps cover one segment: a shared first page, its own pages,
 * a shared last page.
 */
#define NXL_MAP_MAX (2 * NX_ELF_LOAD_MAX - 1)
#define NXL_COPY_MAX (3 * NX_ELF_LOAD_MAX)

/* A page-aligned range of the new address space, one VMO each. */
struct nxl_map {
	uint64_t va;   /* page-aligned */
	uint64_t len;  /* page multiple, > 0 */
	uint32_t prot; /* NX_PROT_*, never W and X together */
};

/* File bytes to place into the mappings: [file_off, +len) -> [va, +len). */
struct nxl_copy {
	uint64_t va;
	uint64_t file_off;
	uint64_t len;
};

/* One PT_LOAD as the file states it, kept for inspection and oracles. */
struct nxl_phdr {
	uint64_t offset, vaddr, filesz, memsz, align;
	uint32_t flags; /* PF_R=4 PF_W=2 PF_X=1, as in the file */
};

struct nxl_plan {
	uint64_t entry;
	uint32_t nload;			       /* PT_LOADs in the file */
	struct nxl_phdr load[NX_ELF_LOAD_MAX]; /* in file order */
	uint32_t nmap;
	struct nxl_map map[NXL_MAP_MAX]; /* ascending, disjoint */
	uint32_t ncopy;
	struct nxl_copy copy[NXL_COPY_MAX]; /* ascending, each inside one map */
	uint64_t mapped_bytes;		    /* sum of map[].len */
};

/* Result of the stack builder. */
struct nxl_stack {
	uint64_t sp;	    /* initial sp, 16-byte aligned */
	uint64_t bootstrap; /* guest address of struct nx_bootstrap (a0) */
	uint64_t base;	    /* lowest mapped stack address */
	uint64_t size;	    /* bytes mapped, page multiple */
	uint64_t guard;	    /* guard page address: base - NX_STACK_GUARD_SIZE */
	uint64_t used;	    /* bytes at the top of the stack the image fills */
};

/*
 * Validate `elf` (len bytes) and fill `plan`. Returns 0 or a negative
 * NXL_E_* code; nxl_strerror() names it, and the plan is all zeros.
 * Reads only the ELF header and program headers; the executor copies
 * segment bytes from `elf` as plan->copy[] says. warn_unused_result: a
 * refused file must never be loaded by accident.
 */
__attribute__((warn_unused_result)) int nxl_plan_elf(const void *elf, size_t len,
						     struct nxl_plan *plan);

/*
 * Build the initial stack for a stack of `size` bytes ending at `top`
 * (both page-aligned). `image` is the caller's buffer standing for the
 * whole stack [top - size, top): the builder writes argv/env strings,
 * the pointer arrays and the nx_bootstrap at its end, and zeroes what
 * it does not write. Returns 0 or a negative NXL_E_* code; on refusal
 * `image` is untouched and `out` all zeros. Layout: docs/loader.md.
 */
__attribute__((warn_unused_result)) int nxl_stack_build(uint64_t top, uint64_t size,
							const char *const *argv, size_t argc,
							const char *const *envp, size_t envc,
							uint8_t *image, struct nxl_stack *out);

/* A fixed English message for an NXL_E_* code (or 0); never NULL. */
const char *nxl_strerror(int err);
/* The code's short name, e.g. "NXL_E_MACHINE"; never NULL. */
const char *nxl_errname(int err);

#include "loader_err.h"

#endif

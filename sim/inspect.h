/*
 * `nexus-sim inspect`: what the loader makes of an ELF file or a bundle.
 * The printers are shared so a bundle's payload is shown exactly like a
 * bare ELF.
 */
#ifndef NEXUS_SIM_INSPECT_H
#define NEXUS_SIM_INSPECT_H

#include <stdint.h>
#include <stdio.h>

#include "loader.h"

/*
 * The plan, one record per line (tests/e2e/loader_oracle.sh parses the
 * `load` lines):
 *   entry 0x...
 *   load offset=0x.. vaddr=0x.. filesz=0x.. memsz=0x.. flags=R-E align=0x..
 *   map va=0x.. len=0x.. prot=r-x
 *   copy va=0x.. file_off=0x.. len=0x..
 *   mapped N bytes in M maps
 */
void inspect_print_plan(FILE *out, const struct nxl_plan *plan);

/* stack top=0x.. size=0x.. base=0x.. guard=0x..-0x.. (unmapped) */
void inspect_print_stack(FILE *out, uint64_t top, uint64_t size);

/* Inspect the ELF file at `path`; returns the exit status (sim/cli.h). */
int inspect_elf(const char *path);

/*
 * Inspect the bundle directory at `path` against the trusted keys in
 * `trust_dir`; returns the exit status. Defined in sim/inspect_bundle.c.
 */
int inspect_bundle(const char *path, const char *trust_dir);

#endif

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
#include "manifest.h"
#include "sig.h"

/*
 * What an inspection found, for --json (inspect_json.c): each part is
 * filled as the check that shows it passes, so a refused file has only
 * what was checked before the refusal.
 */
struct inspect_report {
	const char *kind;      /* "elf" or "bundle" */
	char error[512];       /* the refusal or failure said on stderr, or "" */
	uint64_t file_size;    /* elf: bytes */
	const char *signature; /* bundle: "ok", "untrusted", "bad", or NULL before the check */
	char key_id[NX_KEY_ID_CHARS + 1];
	int have_manifest; /* the manifest parsed (after its signature held) */
	struct nx_manifest m;
	int have_payload; /* its size and digest matched */
	int have_plan;
	struct nxl_plan plan;
};

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

/*
 * Inspect the ELF file at `path`, the text report to `out`, what was found
 * in `r`; returns the exit status (sim/cli.h).
 */
int inspect_elf(const char *path, FILE *out, struct inspect_report *r);

/*
 * Inspect the bundle directory at `path` against the trusted keys in
 * `trust_dir`, as inspect_elf does. Defined in sim/inspect_bundle.c.
 */
int inspect_bundle(const char *path, const char *trust_dir, FILE *out, struct inspect_report *r);

/* inspect --json: one object from the report and the exit status. */
void inspect_json(FILE *f, const char *path, const struct inspect_report *r, int code, double ms);

/* Say a refusal or failure on stderr ("nexus-sim: ...") and keep it in r->error. */
void inspect_say(struct inspect_report *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif

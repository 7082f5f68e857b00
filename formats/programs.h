/*
 * init's program registry: a TOML file of [[program]] tables, each a name
 * `nexus-sim run NAME` takes and what it stands for (docs/formats.md):
 *
 *   [[program]]
 *   name = "echo"                      # [a-z][a-z0-9_-]*, no '.' (never a NAME.nxb)
 *   path = "pkg:/test.echo"            # or "/packages/<name>@<version>/payload.elf"
 *   args = ["one", "two"]              # optional: argv[1..], before the user's
 *   description = "prints its argv"    # printable ASCII, one line
 *
 * Every key is checked; an unknown one is refused, so a typo cannot drop
 * an argument. The limits are nexus/limits.h NX_PROGRAM*_MAX.
 */
#ifndef NEXUS_FORMATS_PROGRAMS_H
#define NEXUS_FORMATS_PROGRAMS_H

#include <stddef.h>
#include <stdint.h>

#include "fmt_err.h"
#include "nexus/limits.h"

#define NX_PROGRAM_PKG_PREFIX "pkg:/"
#define NX_PROGRAM_PACKAGES_PREFIX "/packages/"
#define NX_PROGRAM_PAYLOAD "payload.elf"

struct nx_program {
	char name[NX_PROGRAM_NAME_MAX];
	char path[NX_PROGRAM_PATH_MAX];
	char desc[NX_PROGRAM_DESC_MAX];
	size_t nargs;
	char args[NX_PROGRAM_ARGS_MAX][NX_PROGRAM_ARG_MAX];
	uint32_t line; /* of its [[program]] header */
};

struct nx_programs {
	size_t n;
	struct nx_program p[NX_PROGRAMS_MAX];
};

/*
 * Parse and check len bytes of registry source into out. 0, or a
 * negative nx_fmt_code with e->msg "line N: ..." (TOML errors too).
 */
__attribute__((warn_unused_result)) int nx_programs_parse(struct nx_programs *out, const char *src,
							  size_t len, struct nx_fmt_err *e);

/* The program named name, or NULL. */
const struct nx_program *nx_programs_find(const struct nx_programs *r, const char *name);

/* A program name: 1..NX_PROGRAM_NAME_MAX-1 of [a-z0-9_-], starting with a letter. */
int nx_program_name_ok(const char *name);

/*
 * The bundle a program's path names: "pkg:/<name>" gives <name>;
 * "/packages/<name>@<version>/payload.elf" gives <name> and <version>
 * (version may be NULL). 0, or -1 for a path of neither form.
 */
int nx_program_bundle(const char *path, char *name, size_t name_cap, char *version,
		      size_t version_cap);

#endif

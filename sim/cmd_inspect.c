/*
 * nexus-sim inspect FILE.elf|BUNDLE.nxb: a regular file goes to the ELF
 * inspector; a directory would be a bundle.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/cli.h"
#include "sim/inspect.h"

static int usage(FILE *f, int code)
{
	fprintf(f, "usage: nexus-sim inspect FILE.elf\n\n"
		   "Validate a RISC-V ELF payload with nexus-loader and print its plan:\n"
		   "entry, PT_LOAD segments, the page mappings (one VMO each, never W+X),\n"
		   "the file bytes copied into them, and the default stack.\n"
		   "Exit 0 if the loader accepts the file, 65 with the refusal on stderr\n"
		   "if it refuses it, 66 if the file cannot be opened.\n");
	return code;
}

int cmd_inspect(int argc, char **argv)
{
	struct stat st;

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
		return usage(stdout, 0);
	if (argc != 2 || argv[1][0] == '-')
		return usage(stderr, NX_EXIT_USAGE);
	const char *path = argv[1];
	if (stat(path, &st) != 0) {
		fprintf(stderr, "nexus-sim: %s: cannot open: %s\n", path, strerror(errno));
		return NX_EXIT_NOINPUT;
	}
	if (S_ISDIR(st.st_mode)) {
		fprintf(stderr, "nexus-sim: %s: not an ELF file\n", path);
		return NX_EXIT_REFUSED;
	}
	return inspect_elf(path);
}

/*
 * nexus-sim inspect FILE.elf|BUNDLE.nxb: a regular file goes to the ELF
 * inspector, a directory to the bundle inspector.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/boot.h"
#include "sim/cli.h"
#include "sim/inspect.h"

static int usage(FILE *f, int code)
{
	fprintf(f, "usage: nexus-sim inspect [--trust DIR] FILE.elf|BUNDLE.nxb\n\n"
		   "FILE.elf: validate a RISC-V ELF payload with nexus-loader and print its\n"
		   "plan: entry, PT_LOAD segments, the page mappings (one VMO each, never\n"
		   "W+X), the file bytes copied into them, and the default stack.\n"
		   "BUNDLE.nxb (a path, or a bare NAME.nxb looked up as `run` does):\n"
		   "print the manifest fields, the signature status and key id\n"
		   "(checked against the keys in --trust DIR, default the dev trust\n"
		   "directory), the payload digest check and the payload's loader plan.\n"
		   "Exit 0 if everything checks, 65 with the refusal on stderr otherwise,\n"
		   "66 if the file cannot be opened.\n");
	return code;
}

int cmd_inspect(int argc, char **argv)
{
	struct stat st;

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
		return usage(stdout, 0);
	const char *trust_dir = NULL;
	if (argc == 4 && strcmp(argv[1], "--trust") == 0) {
		trust_dir = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (argc != 2 || argv[1][0] == '-')
		return usage(stderr, NX_EXIT_USAGE);
	char found[PATH_MAX];
	const char *path = argv[1];
	/* A bare NAME.nxb is looked up on the bundle search path, as `run` does. */
	if (stat(path, &st) != 0 && boot_find_bundle(argv[1], found, sizeof(found)) == 0)
		path = found;
	if (stat(path, &st) != 0) {
		fprintf(stderr, "nexus-sim: %s: cannot open: %s\n", path, strerror(errno));
		return NX_EXIT_NOINPUT;
	}
	if (S_ISDIR(st.st_mode))
		return inspect_bundle(path, trust_dir);
	return inspect_elf(path);
}

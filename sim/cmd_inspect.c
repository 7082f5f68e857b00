/*
 * nexus-sim inspect FILE.elf|BUNDLE.nxb: a regular file goes to the ELF
 * inspector, a directory to the bundle inspector.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "bundle_path.h"
#include "cli.h"
#include "inspect.h"
#include "opts.h"

static void usage(FILE *f)
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
}

int cmd_inspect(int argc, char **argv)
{
	struct sim_opts o = {0};
	char found[PATH_MAX];
	struct stat st;
	int err = sim_opts_parse(&o, argc, argv, OPT_TRUST, 1);

	if (err == 0 && o.help) {
		usage(stdout);
		return 0;
	}
	if (err != 0 || o.nargs != 0) {
		usage(stderr);
		return NX_EXIT_USAGE;
	}
	const char *path = o.operand;
	/* A bare NAME.nxb is looked up on the bundle search path, as `run` does. */
	if (stat(path, &st) != 0) {
		if (bundle_find(o.operand, found, sizeof(found)) != 0) {
			bundle_say_not_found("nexus-sim", o.operand);
			return NX_EXIT_NOINPUT;
		}
		path = found;
	}
	if (stat(path, &st) != 0) {
		fprintf(stderr, "nexus-sim: %s: cannot open: %s\n", path, strerror(errno));
		return NX_EXIT_NOINPUT;
	}
	if (S_ISDIR(st.st_mode))
		return inspect_bundle(path,
				      o.trust_dir != NULL ? o.trust_dir : bundle_default_trust());
	return inspect_elf(path);
}

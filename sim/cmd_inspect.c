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
#include "result.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: nexus-sim inspect [--trust DIR] [--json] FILE.elf|BUNDLE.nxb\n\n"
		   "FILE.elf: validate a RISC-V ELF payload with nexus-loader and print its\n"
		   "plan: entry, PT_LOAD segments, the page mappings (one VMO each, never\n"
		   "W+X), the file bytes copied into them, and the default stack.\n"
		   "BUNDLE.nxb (a path, or a bare NAME.nxb looked up as `run` does):\n"
		   "print the manifest fields, the signature status and key id\n"
		   "(checked against the keys in --trust DIR, default the dev trust\n"
		   "directory), the payload digest check and the payload's loader plan.\n"
		   "Exit 0 if everything checks, 65 with the refusal on stderr otherwise,\n"
		   "66 if the file cannot be opened. --json: one JSON object on stdout\n"
		   "instead (docs/tools.md lists its keys).\n");
}

/* The file as named, or found on the bundle search path; the exit status. */
static int inspect_path(const struct sim_opts *o, FILE *out, struct inspect_report *r)
{
	static char found[PATH_MAX];
	const char *path = o->operand;
	struct stat st;

	/* A bare NAME.nxb is looked up on the bundle search path, as `run` does. */
	if (stat(path, &st) != 0) {
		if (bundle_find(o->operand, found, sizeof(found)) != 0) {
			bundle_say_not_found("nexus-sim", o->operand);
			snprintf(r->error, sizeof(r->error), "%s: no such bundle or file",
				 o->operand);
			return NX_EXIT_NOINPUT;
		}
		path = found;
	}
	if (stat(path, &st) != 0) {
		inspect_say(r, "%s: cannot open: %s", path, strerror(errno));
		return NX_EXIT_NOINPUT;
	}
	if (S_ISDIR(st.st_mode))
		return inspect_bundle(
		    path, o->trust_dir != NULL ? o->trust_dir : bundle_default_trust(), out, r);
	return inspect_elf(path, out, r);
}

int cmd_inspect(int argc, char **argv)
{
	struct sim_opts o = {0};
	static struct inspect_report r;
	uint64_t t0 = sim_now_ns();
	int err = sim_opts_parse(&o, argc, argv, OPT_TRUST | OPT_JSON, 1);
	FILE *out = stdout;

	if (err == 0 && o.help) {
		usage(stdout);
		return 0;
	}
	if (err != 0 || o.nargs != 0) {
		usage(stderr);
		return NX_EXIT_USAGE;
	}
	/* --json: the text report goes nowhere; the object says what it would have. */
	if (o.json && (out = fopen("/dev/null", "we")) == NULL) {
		fprintf(stderr, "nexus-sim: /dev/null: %s\n", strerror(errno));
		return NX_EXIT_INTERNAL;
	}
	err = inspect_path(&o, out, &r);
	if (o.json) {
		fclose(out);
		inspect_json(stdout, o.operand, &r, err, sim_ms(t0, sim_now_ns()));
	}
	return fflush(stdout) == 0 || err != 0 ? err : NX_EXIT_INTERNAL;
}

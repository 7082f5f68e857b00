/* nexus-sim run: boot, install and verify a bundle, run it, exit with its code. */
#include <stdio.h>
#include <string.h>

#include "sim/boot.h"
#include "sim/cli.h"

static void run_usage(FILE *f)
{
	fprintf(f,
		"usage: nexus-sim run [-v] [--state DIR] [--trust DIR] BUNDLE [-- ARGS...]\n"
		"\n"
		"Boot the system, install BUNDLE through bundlemgrd (signature checked\n"
		"against the trust directory), run its payload through execd with ARGS,\n"
		"shut down, and exit with the payload's exit code (128+N if it crashed,\n"
		"65 refused input, 66 cannot open, 70 internal error, 64 usage).\n"
		"\n"
		"BUNDLE is a path, or a bare NAME.nxb looked up in the current directory,\n"
		"then in each directory of $NEXUS_BUNDLE_PATH, then in the build's bundles.\n"
		"\n"
		"  -v           the whole console (daemon markers, logs) on stderr\n"
		"               (otherwise it goes to console.log in the state directory)\n"
		"  --state DIR  keep the run's state (installed bundles, journal) in DIR\n"
		"               (default: a fresh temporary directory, removed after)\n"
		"  --trust DIR  trusted public keys (default: the source tree's fixtures/trust)\n"
		"  --help       this text\n");
}

int cmd_run(int argc, char **argv)
{
	struct boot_opts o = {0};
	int i;

	for (i = 1; i < argc; i++) {
		int r;

		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			run_usage(stdout);
			return 0;
		}
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		r = boot_parse_opt(&o, argc, argv, &i);
		if (r < 0)
			return NX_EXIT_USAGE;
		if (r > 0)
			continue;
		if (argv[i][0] == '-' || o.bundle != NULL) {
			fprintf(stderr, "nexus-sim run: unexpected argument '%s'\n", argv[i]);
			run_usage(stderr);
			return NX_EXIT_USAGE;
		}
		o.bundle = argv[i];
	}
	if (o.bundle == NULL) {
		fprintf(stderr, "nexus-sim run: no bundle named\n");
		run_usage(stderr);
		return NX_EXIT_USAGE;
	}
	if (boot_check_fault() != 0)
		return NX_EXIT_USAGE;
	o.args = argv + i;
	o.nargs = (size_t)(argc - i);
	return boot_session(&o);
}

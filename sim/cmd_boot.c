/* nexus-sim boot: bring every daemon up, print the ladder, shut down cleanly. */
#include <stdio.h>
#include <string.h>

#include "nexus/svc.h"
#include "sim/boot.h"
#include "sim/cli.h"

static void boot_usage(FILE *f)
{
	fprintf(f,
		"usage: nexus-sim boot [-v] [--state DIR] [--trust DIR] [--selftest]\n"
		"\n"
		"Start the kernel and init, bring every daemon up (init prints\n"
		"'init: ready'), then shut them all down in reverse order. Exit 0 when\n"
		"the whole system came up and went down cleanly, 70 otherwise.\n"
		"\n"
		"  -v           the console on stderr (otherwise console.log in the state dir)\n"
		"  --state DIR  the state directory (default: a fresh temporary one, removed)\n"
		"  --trust DIR  trusted public keys (default: the source tree's fixtures/trust)\n"
		"  --selftest   run the system selftests: not available yet (refused)\n"
		"  --help       this text\n"
		"\n"
		"NEXUS_FAULT=seccomp:<daemon> makes that daemon's first start make a\n"
		"forbidden system call (fault injection; see docs/security.md).\n");
}

int cmd_boot(int argc, char **argv)
{
	struct boot_opts o = {0};

	for (int i = 1; i < argc; i++) {
		int r;

		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			boot_usage(stdout);
			return 0;
		}
		if (strcmp(argv[i], "--selftest") == 0) {
			fprintf(stderr, "nexus-sim boot: --selftest is not available yet: no "
					"selftests exist\n");
			return NX_EXIT_USAGE;
		}
		r = boot_parse_opt(&o, argc, argv, &i);
		if (r < 0)
			return NX_EXIT_USAGE;
		if (r == 0) {
			fprintf(stderr, "nexus-sim boot: unexpected argument '%s'\n", argv[i]);
			boot_usage(stderr);
			return NX_EXIT_USAGE;
		}
	}
	if (boot_check_fault() != 0)
		return NX_EXIT_USAGE;
	return boot_session(&o);
}

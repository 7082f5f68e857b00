/* nexus-sim boot: bring every daemon up, print the ladder, shut down cleanly. */
#include <stdio.h>

#include "cli.h"
#include "opts.h"
#include "session.h"

static void boot_usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: nexus-sim boot [-v] [--state DIR] [--wait-state] [--trust DIR] [--selftest]\n"
	    "                      [--trace=CLASSES [--trace-out FILE]] [--timeline FILE]\n"
	    "\n"
	    "Start the kernel and init, bring every daemon up (init prints\n"
	    "'init: ready'), then shut them all down in reverse order, printing the\n"
	    "console (the marker ladder) on stdout. Exit 0 when the whole system came\n"
	    "up and went down cleanly, 70 otherwise.\n"
	    "\n"
	    "  -v, --verbose  the console on stderr instead\n"
	    "  --state DIR    the state directory (default: a fresh temporary one, removed)\n"
	    "  --wait-state   wait for a state DIR another session holds (else exit 75)\n"
	    "  --trust DIR    trusted public keys (default: the build's dev key)\n"
	    "  --selftest     the OTA selftest on the state directory: stage the build's\n"
	    "                 sys-1.0.0.nxs, switch to it, soft-reboot, pass its health\n"
	    "                 check; then a set that fails its health check rolls back.\n"
	    "                 SELFTEST markers (tests/markers/ota.txt) follow updated's\n"
	    "                 status; exit 0 when every step did what it names, else 1\n"
	    "  --trace=CLASSES, --trace-out FILE, --timeline FILE: as for run\n"
	    "  -h, --help     this text\n"
	    "\n"
	    "NEXUS_FAULT=seccomp:<daemon> makes that daemon's first start make a\n"
	    "forbidden system call (fault injection; see docs/security.md).\n");
}

int cmd_boot(int argc, char **argv)
{
	struct sim_opts o = {.console_stdout = 1};
	int err = sim_opts_parse(&o, argc, argv,
				 OPT_VERBOSE | OPT_STATE | OPT_TRUST | OPT_SELFTEST |
				     OPT_WAIT_STATE | OPT_TRACE | OPT_TIMELINE,
				 0);

	if (err == 0 && o.help) {
		boot_usage(stdout);
		return 0;
	}
	if (err != 0) {
		boot_usage(stderr);
		return err;
	}
	if ((err = cli_check_fault()) != 0)
		return err;
	return session_run(&o);
}

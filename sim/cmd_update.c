/* nexus-sim update: stage, switch to and health-check a signed system set. */
#include <stdio.h>

#include "bootctrl.h"
#include "cli.h"
#include "opts.h"
#include "session.h"

static void update_usage(FILE *f)
{
	fprintf(f,
		"usage: nexus-sim update [-v] [--state DIR] [--wait-state] [--trust DIR]\n"
		"                        [--tries N] [--trace=CLASSES [--trace-out FILE]]\n"
		"                        [--timeline FILE] SET.nxs\n"
		"\n"
		"Boot the system, have updated verify SET.nxs (its signature through\n"
		"keystored against the trust directory, every member and bundle, its\n"
		"version above the floor) and stage it into the standby slot, switch to\n"
		"it, soft-reboot into it, and let init's health gate commit it or, when\n"
		"it fails its health check on every try, roll back to the slot before.\n"
		"One line on stderr says which, and why. Exit 0 committed, 65 refused\n"
		"(nothing staged: BootCtrl and both slots untouched), 1 rolled back, 66\n"
		"cannot open SET.nxs, 69 a daemon did not answer, 70 internal error, 73\n"
		"the state directory did not take a write, 75 the state directory is in\n"
		"use, 64 usage. docs/updates.md has the whole model.\n"
		"\n"
		"  -v, --verbose   the whole console on stderr (otherwise console.log in\n"
		"                  the state directory), and how long each soft reboot took\n"
		"  --state DIR     the state directory to update (default: a fresh temporary\n"
		"                  one, removed after: the update is then only a rehearsal)\n"
		"  --wait-state    wait for a state DIR another session holds (else exit 75)\n"
		"  --trust DIR     trusted public keys (default: the build's dev key)\n"
		"  --tries N       boots the new set gets to pass its health check, 1 to %d\n"
		"                  (default %d)\n"
		"  --trace=CLASSES, --trace-out FILE, --timeline FILE: as for run\n"
		"  -h, --help      this text\n"
		"\n"
		"NEXUS_FAULT=stop:<step> stops updated at a named step, ioerr:bootctrl\n"
		"fails every BootCtrl write (fault injection; docs/updates.md).\n",
		NX_BOOTCTRL_TRIES_MAX, NX_BOOTCTRL_TRIES_DEFAULT);
}

int cmd_update(int argc, char **argv)
{
	struct sim_opts o = {0};
	int err = sim_opts_parse(&o, argc, argv,
				 OPT_VERBOSE | OPT_STATE | OPT_TRUST | OPT_WAIT_STATE | OPT_TRIES |
				     OPT_TRACE | OPT_TIMELINE,
				 1);

	if (err == 0 && o.help) {
		update_usage(stdout);
		return 0;
	}
	if (err != 0) {
		update_usage(stderr);
		return err;
	}
	o.set = o.operand;
	if ((err = cli_check_fault()) != 0)
		return err;
	return session_run(&o);
}

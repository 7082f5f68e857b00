/*
 * nexus-sim: the kernel process and its command line. Each subcommand
 * lives in its own cmd_*.c; this file only dispatches.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
    {"run", cmd_run,
     "run [-v] [--json] [--state DIR] [--trust DIR] [--env K=V]... [--with B.nxb]...\n"
     "        [--registry FILE] BUNDLE|pkg:/NAME|PROGRAM [-- ARGS...]\n"
     "        boot, install (each --with bundle too) and run a bundle, or a program of\n"
     "        init's registry; exit with its code"},
    {"boot", cmd_boot,
     "boot [-v] [--state DIR] [--trust DIR] [--selftest]\n"
     "        boot every daemon, print the marker ladder, shut down (--selftest: the\n"
     "        OTA selftest: stage, switch, health gate, rollback)"},
    {"update", cmd_update,
     "update [-v] [--state DIR] [--trust DIR] [--tries N] SET.nxs\n"
     "        stage a signed system set, switch to it, commit it or roll back"},
    {"status", cmd_status,
     "status [--state DIR] [--json]\n"
     "        the A/B state: active and pending slot, tries left, floor, each slot's set;\n"
     "        launches (W/L) per program"},
    {"test", cmd_test,
     "test [-v] [--junit FILE] [--json] [--state DIR] [--timeout SECONDS] BUNDLE...\n"
     "        boot once, run each bundle in turn; TAP on stdout (CI smoke mode)"},
    {"inspect", cmd_inspect,
     "inspect [--trust DIR] FILE.elf|BUNDLE.nxb\n"
     "        print the loader plan (and a bundle's manifest and signature), or the refusal\n"
     "        (--json: as one JSON object)"},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: nexus-sim COMMAND [ARGS...]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %s\n", commands[i].summary);
	fprintf(f, "\nrun, boot, update and test also take the debugging tools (docs/tools.md):\n"
		   "  --trace=syscalls,ipc,sched [--trace-out FILE], --timeline FILE.json,\n"
		   "  --wrap DAEMON=CMD; run takes --gdb HOST:PORT\n");
	fprintf(f, "\n'nexus-sim COMMAND --help' describes each; 'nexus-sim --version' prints "
		   "the version.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return NX_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("nexus-sim %s\n", NX_SIM_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "nexus-sim: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return NX_EXIT_USAGE;
}

/* nexus-qemu's command line: dispatch to the subcommand. */
#include <stdio.h>
#include <string.h>

#include "nxq_cli.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
    {"run", nxq_cmd_run,
     "run [-v] [--timeout S] [--icount] [--trust DIR] [--env K=V]... BUNDLE.nxb|FILE.elf\n"
     "        [-- ARGS...]   boot the payload on the QEMU target; exit with its code"},
    {"image", nxq_cmd_image,
     "image -o OUT [--trust DIR] [--env K=V]... BUNDLE.nxb|FILE.elf [-- ARGS...]\n"
     "        write the boot image only, and say how to boot it"},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: " NXQ_PROG " COMMAND [ARGS...]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %s\n", commands[i].summary);
	fprintf(f, "\n'" NXQ_PROG " COMMAND --help' describes each.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return NXQ_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf(NXQ_PROG " %s\n", NXQ_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, NXQ_PROG ": unknown command '%s'\n", argv[1]);
	usage(stderr);
	return NXQ_EXIT_USAGE;
}

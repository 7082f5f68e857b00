/*
 * nexus-sim run: boot, install and verify a bundle (and each --with one),
 * run it (or a program of init's registry), exit with its code.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "opts.h"
#include "session.h"

static void run_usage(FILE *f)
{
	fprintf(f,
		"usage: nexus-sim run [-v] [--json] [--state DIR] [--wait-state] [--trust DIR]\n"
		"                     [--with B.nxb]... [--registry FILE]\n"
		"                     [--env K=V]... [--mem-limit SIZE] [--timeout SECONDS]\n"
		"                     [--trace=CLASSES [--trace-out FILE]] [--timeline FILE]\n"
		"                     [--wrap DAEMON=CMD]... [--gdb HOST:PORT]\n"
		"                     BUNDLE|pkg:/NAME|PROGRAM [-- ARGS...]\n"
		"\n"
		"Boot the system, install BUNDLE through bundlemgrd (signature checked\n"
		"against the trust directory), run its payload through execd with ARGS,\n"
		"shut down, and exit with the payload's exit code: 128+N if it crashed,\n"
		"124 timed out, 65 refused input, 66 cannot open (or no such program),\n"
		"69 a daemon did not answer, 70 internal error, 73 cannot write the state\n"
		"directory, 75 the state directory is in use, 64 usage; 128+N when signal\n"
		"N ended the run.\n"
		"\n"
		"BUNDLE is a path, or a bare NAME.nxb looked up in the current directory,\n"
		"then in each directory of $NEXUS_BUNDLE_PATH, then in the build's bundles;\n"
		"or pkg:/NAME, a bundle installed in the slot the state directory boots\n"
		"(a system set's, see 'nexus-sim update'), run as it is. PROGRAM (no .nxb,\n"
		"no pkg:/, no '/') is a name of init's program registry: its path runs\n"
		"with the registry's args, then ARGS. Its bundle must be installed: by\n"
		"--with, or in a --state directory that has it.\n"
		"\n"
		"  -v, --verbose       the whole console (daemon markers, logs) on stderr\n"
		"                      (otherwise it goes to console.log in the state directory)\n"
		"  --state DIR         keep the run's state (installed bundles, journal) in DIR\n"
		"                      (default: a fresh temporary directory, removed after);\n"
		"                      one session at a time: another one exits 75 at once\n"
		"  --wait-state        wait for a state DIR another session holds instead\n"
		"  --trust DIR         trusted public keys, every *.pub in DIR (default: the\n"
		"                      build's dev key, for tests and the demo only)\n"
		"  --with B.nxb        install bundle B (found as BUNDLE is) before the run,\n"
		"                      so that pkg:/ names and programs resolve to it\n"
		"                      (repeatable; with BUNDLE at most %d bundles); one that\n"
		"                      does not install fails the run as BUNDLE would\n"
		"  --registry FILE     init's program registry (default: the build's\n"
		"                      programs.toml beside its bundles; docs/formats.md)\n"
		"  --env K=V           put K=V in the payload's environment (repeatable)\n"
		"  --mem-limit SIZE    bytes all the run's VMOs may hold (K, M, G suffixes;\n"
		"                      default 1G); past it vmo_create returns -ENOMEM\n"
		"  --json              one JSON object on stdout (exit code, crash record,\n"
		"                      timings, markers; the payload's output as \"console\")\n"
		"  --timeout SECONDS   end the run after SECONDS (decimals allowed): the\n"
		"                      payload's crash report says timeout, exit 124\n"
		"  --trace=CLASSES     one line per event of the classes named (syscalls,\n"
		"                      ipc, sched, comma-separated) on stderr\n"
		"  --trace-out FILE    ... in FILE instead\n"
		"  --timeline FILE     the session in the Chrome trace event format, for\n"
		"                      ui.perfetto.dev or chrome://tracing (docs/tools.md)\n"
		"  --wrap DAEMON=CMD   start DAEMON under CMD, split into words as a shell\n"
		"                      would (no shell): e.g. execd='strace -f -o execd.trace'\n"
		"                      (repeatable, once per daemon; docs/tools.md)\n"
		"  --gdb HOST:PORT     serve the GDB remote protocol there (PORT 0: any free\n"
		"                      port; HOST empty: 127.0.0.1); the payload waits before\n"
		"                      its first instruction for gdb (docs/tools.md)\n"
		"  -h, --help          this text\n",
		NX_RUN_BUNDLES_MAX);
}

/* Arguments and environment within what one task can be given: else a usage error. */
static int run_check_args(const struct sim_opts *o)
{
	size_t bytes = 0;

	if (o->nargs > NX_ARGC_MAX - 1) {
		fprintf(stderr, "nexus-sim run: %zu payload arguments, at most %d\n", o->nargs,
			NX_ARGC_MAX - 1);
		return NX_EXIT_USAGE;
	}
	for (size_t i = 0; i < o->nargs; i++)
		bytes += strlen(o->args[i]) + 1;
	for (size_t i = 0; i < o->nenv; i++)
		bytes += strlen(o->env[i]) + 1;
	if (bytes > NX_RUN_ARG_BYTES_MAX) {
		fprintf(stderr,
			"nexus-sim run: payload arguments and environment take %zu bytes, at most "
			"%d\n",
			bytes, (int)NX_RUN_ARG_BYTES_MAX);
		return NX_EXIT_USAGE;
	}
	return 0;
}

int cmd_run(int argc, char **argv)
{
	struct sim_opts o = {0};
	int err = sim_opts_parse(&o, argc, argv,
				 OPT_VERBOSE | OPT_STATE | OPT_TRUST | OPT_ENV | OPT_MEM_LIMIT |
				     OPT_TIMEOUT | OPT_WAIT_STATE | OPT_TRACE | OPT_TIMELINE |
				     OPT_WRAP | OPT_JSON | OPT_GDB | OPT_WITH | OPT_REGISTRY,
				 1);

	if (err == 0 && o.help) {
		run_usage(stdout);
		return 0;
	}
	if (err != 0) {
		run_usage(stderr);
		return err;
	}
	o.bundle = o.operand;
	if ((err = run_check_args(&o)) != 0 || (err = cli_check_fault()) != 0)
		return err;
	return session_run(&o);
}

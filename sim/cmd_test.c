/* nexus-sim test: the CI smoke mode. One boot, then every bundle run in turn. */
#include <stdio.h>

#include "cli.h"
#include "opts.h"
#include "session.h"

static void test_usage(FILE *f)
{
	fprintf(f,
		"usage: nexus-sim test [-v] [--junit FILE] [--json] [--state DIR] [--wait-state]\n"
		"                      [--trust DIR] [--mem-limit SIZE] [--timeout SECONDS]\n"
		"                      [--trace=CLASSES [--trace-out FILE]] [--timeline FILE]\n"
		"                      [--wrap DAEMON=CMD]... [--registry FILE] BUNDLE...\n"
		"\n"
		"Boot the system once, then install and run each BUNDLE in turn through the\n"
		"same daemons (at most %d). A bundle passes when its payload exits 0; one\n"
		"that exits non-zero, crashes, is refused or times out fails alone and the\n"
		"next one runs. Prints a TAP stream (version 13) on stdout: one line per\n"
		"bundle, and for a failure a YAML block with its exit code, crash record and\n"
		"last console lines. The payloads' own output goes into the report, never\n"
		"to stdout. Exit 0 when every bundle passed, 1 when any failed; 64 usage,\n"
		"66 a bundle cannot be found or opened (nothing runs), 73 the state\n"
		"directory or --junit FILE cannot be written, 75 the state directory is in\n"
		"use, 70 internal error, 128+N when signal N ended the session.\n"
		"\n"
		"  -v, --verbose       the whole console (daemon markers, logs) on stderr\n"
		"  --junit FILE        also write JUnit XML to FILE\n"
		"  --json              one JSON object on stdout instead of TAP\n"
		"  --state DIR         keep the session's state in DIR (default: temporary)\n"
		"  --wait-state        wait for a state DIR another session holds\n"
		"  --trust DIR         trusted public keys (default: the build's dev key)\n"
		"  --mem-limit SIZE    bytes each bundle's VMOs may hold (default 1G)\n"
		"  --timeout SECONDS   end each bundle after SECONDS: it fails with its\n"
		"                      crash report saying timeout, the next one runs\n"
		"  --registry FILE     init's program registry: a BUNDLE with no .nxb, no\n"
		"                      pkg:/ and no '/' is one of its programs (as for run)\n"
		"  --trace=CLASSES, --trace-out FILE, --timeline FILE, --wrap DAEMON=CMD:\n"
		"                      as for run (docs/tools.md)\n"
		"  -h, --help          this text\n",
		NX_RUN_BUNDLES_MAX);
}

int cmd_test(int argc, char **argv)
{
	struct sim_opts o = {0};
	int err = sim_opts_parse(&o, argc, argv,
				 OPT_VERBOSE | OPT_STATE | OPT_TRUST | OPT_MEM_LIMIT | OPT_TIMEOUT |
				     OPT_WAIT_STATE | OPT_JSON | OPT_JUNIT | OPT_TRACE |
				     OPT_TIMELINE | OPT_WRAP | OPT_REGISTRY,
				 OPTS_ONE_OR_MORE);

	if (err == 0 && o.help) {
		test_usage(stdout);
		return 0;
	}
	if (err != 0) {
		test_usage(stderr);
		return err;
	}
	if (o.noperands > NX_RUN_BUNDLES_MAX) {
		fprintf(stderr, "nexus-sim test: %zu bundles, at most %d in one session\n",
			o.noperands, NX_RUN_BUNDLES_MAX);
		return NX_EXIT_USAGE;
	}
	if ((err = cli_check_fault()) != 0)
		return err;
	return session_run(&o);
}

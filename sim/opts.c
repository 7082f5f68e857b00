/*
 * Session options with getopt_long. Everything after a literal "--"
 * belongs to the payload, so the parser only ever sees what comes before
 * it; options and the bundle may come in any order there.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "nexus/svc.h"
#include "opts.h"

enum { O_STATE = 256, O_TRUST, O_SELFTEST, O_ENV };

static const struct option long_opts[] = {
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {"state", required_argument, NULL, O_STATE},
    {"trust", required_argument, NULL, O_TRUST},
    {"selftest", no_argument, NULL, O_SELFTEST},
    {"env", required_argument, NULL, O_ENV},
    {NULL, 0, NULL, 0},
};

/* The mask bit of each option, to refuse one the command does not take. */
static unsigned opt_bit(int c)
{
	switch (c) {
	case 'v':
		return OPT_VERBOSE;
	case O_STATE:
		return OPT_STATE;
	case O_TRUST:
		return OPT_TRUST;
	case O_SELFTEST:
		return OPT_SELFTEST;
	case O_ENV:
		return OPT_ENV;
	default:
		return 0;
	}
}

static const char *opt_name(int c)
{
	for (const struct option *p = long_opts; p->name != NULL; p++)
		if (p->val == c)
			return p->name;
	return "?";
}

/* K=V: a non-empty key without '=', and no byte the stack builder would cut. */
static int env_ok(const char *kv)
{
	const char *eq = strchr(kv, '=');

	return eq != NULL && eq != kv && strlen(kv) < NX_ARG_BYTES_MAX;
}

static int opt_one(struct sim_opts *o, int c, const char *arg, const char *cmd)
{
	switch (c) {
	case 'v':
		o->verbose = 1;
		return 0;
	case 'h':
		o->help = 1;
		return 0;
	case O_STATE:
	case O_TRUST:
		if (arg[0] == 0) {
			fprintf(stderr, "nexus-sim %s: --%s needs a directory\n", cmd,
				c == O_STATE ? "state" : "trust");
			return NX_EXIT_USAGE;
		}
		*(c == O_STATE ? &o->state_dir : &o->trust_dir) = arg;
		return 0;
	case O_SELFTEST:
		o->boot_flags |= NX_CTL_BOOT_SELFTEST;
		return 0;
	case O_ENV:
		if (!env_ok(arg)) {
			fprintf(stderr, "nexus-sim %s: --env '%s': expected KEY=VALUE\n", cmd, arg);
			return NX_EXIT_USAGE;
		}
		if (o->nenv == SIM_ENV_MAX) {
			fprintf(stderr, "nexus-sim %s: more than %d --env options\n", cmd,
				SIM_ENV_MAX);
			return NX_EXIT_USAGE;
		}
		o->env[o->nenv++] = arg;
		return 0;
	default:
		return NX_EXIT_USAGE;
	}
}

int sim_opts_parse(struct sim_opts *o, int argc, char **argv, unsigned allowed, int operands)
{
	const char *cmd = argv[0];
	int end = 1, c, nops = 0;

	while (end < argc && strcmp(argv[end], "--") != 0)
		end++;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(end, argv, ":vh", long_opts, NULL)) != -1) {
		if (c == ':') {
			fprintf(stderr, "nexus-sim %s: %s needs a %s\n", cmd, argv[optind - 1],
				optopt == O_STATE || optopt == O_TRUST ? "directory" : "value");
			return NX_EXIT_USAGE;
		}
		if (c == '?') {
			fprintf(stderr, "nexus-sim %s: unknown option '%s'\n", cmd,
				argv[optind - 1]);
			return NX_EXIT_USAGE;
		}
		if (opt_bit(c) != 0 && !(allowed & opt_bit(c))) {
			fprintf(stderr, "nexus-sim %s: --%s is not an option of %s\n", cmd,
				opt_name(c), cmd);
			return NX_EXIT_USAGE;
		}
		int err = opt_one(o, c, optarg, cmd);
		if (err != 0)
			return err;
	}
	if (o->help)
		return 0;
	for (int i = optind; i < end; i++, nops++)
		if (nops < operands)
			o->bundle = argv[i];
	if (nops != operands) {
		if (nops < operands)
			fprintf(stderr, "nexus-sim %s: no bundle named\n", cmd);
		else
			fprintf(stderr, "nexus-sim %s: unexpected argument '%s'\n", cmd,
				argv[optind + operands]);
		return NX_EXIT_USAGE;
	}
	if (end < argc && operands == 0) {
		fprintf(stderr, "nexus-sim %s: takes no payload arguments\n", cmd);
		return NX_EXIT_USAGE;
	}
	o->args = end < argc ? argv + end + 1 : argv + argc;
	o->nargs = end < argc ? (size_t)(argc - end - 1) : 0;
	return 0;
}

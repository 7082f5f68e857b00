/* Options of run and image (opts.h). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nxq_cli.h"
#include "opts.h"

enum { O_TIMEOUT = 256, O_ICOUNT, O_TRUST, O_ENV };

static const struct option long_opts[] = {
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {"timeout", required_argument, NULL, O_TIMEOUT},
    {"icount", no_argument, NULL, O_ICOUNT},
    {"trust", required_argument, NULL, O_TRUST},
    {"env", required_argument, NULL, O_ENV},
    {"output", required_argument, NULL, 'o'},
    {NULL, 0, NULL, 0},
};

static unsigned opt_bit(int c)
{
	switch (c) {
	case 'v':
		return NXQ_OPT_VERBOSE;
	case O_TIMEOUT:
		return NXQ_OPT_TIMEOUT;
	case O_ICOUNT:
		return NXQ_OPT_ICOUNT;
	case 'o':
		return NXQ_OPT_OUT;
	default:
		return 0;
	}
}

static int usage_err(const char *cmd, const char *what, const char *arg)
{
	fprintf(stderr, NXQ_PROG " %s: %s%s%s\n", cmd, what, arg ? " " : "", arg ? arg : "");
	return NXQ_EXIT_USAGE;
}

static int opt_one(struct nxq_opts *o, int c, const char *arg, const char *cmd)
{
	char *end;

	switch (c) {
	case 'v':
		o->verbose = 1;
		return 0;
	case 'h':
		o->help = 1;
		return 0;
	case O_ICOUNT:
		o->icount = 1;
		return 0;
	case O_TIMEOUT: {
		unsigned long s = strtoul(arg, &end, 10);
		if (arg[0] < '0' || arg[0] > '9' || *end != 0 || s == 0 || s > NXQ_TIMEOUT_MAX_S)
			return usage_err(cmd, "--timeout wants whole seconds, 1 to 86400, not",
					 arg);
		o->timeout_s = (unsigned)s;
		return 0;
	}
	case O_TRUST:
	case 'o':
		if (arg[0] == 0)
			return usage_err(
			    cmd, c == 'o' ? "-o needs a file" : "--trust needs a directory", NULL);
		*(c == 'o' ? &o->out : &o->trust_dir) = arg;
		return 0;
	case O_ENV: {
		const char *eq = strchr(arg, '=');
		if (eq == NULL || eq == arg)
			return usage_err(cmd, "--env wants KEY=VALUE, not", arg);
		if (o->nenv == NX_ENVC_MAX)
			return usage_err(cmd, "too many --env options", NULL);
		o->env[o->nenv++] = arg;
		return 0;
	}
	default:
		return NXQ_EXIT_USAGE;
	}
}

int nxq_opts_parse(struct nxq_opts *o, int argc, char **argv, unsigned allowed)
{
	const char *cmd = argv[0];
	int end = 1, c;

	while (end < argc && strcmp(argv[end], "--") != 0)
		end++;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(end, argv, ":vho:", long_opts, NULL)) != -1) {
		if (c == ':')
			return usage_err(cmd, "missing the value of", argv[optind - 1]);
		if (c == '?')
			return usage_err(cmd, "unknown option", argv[optind - 1]);
		if (opt_bit(c) != 0 && !(allowed & opt_bit(c)))
			return usage_err(cmd, "not an option of this command:", argv[optind - 1]);
		int err = opt_one(o, c, optarg, cmd);
		if (err != 0)
			return err;
	}
	if (o->help)
		return 0;
	if (optind >= end)
		return usage_err(cmd, "no payload named", NULL);
	if (optind + 1 < end)
		return usage_err(cmd, "unexpected argument", argv[optind + 1]);
	o->payload = argv[optind];
	o->args = end < argc ? argv + end + 1 : argv + argc;
	o->nargs = end < argc ? (size_t)(argc - end - 1) : 0;
	if ((allowed & NXQ_OPT_OUT) && o->out == NULL)
		return usage_err(cmd, "-o OUT is required", NULL);
	return 0;
}

/*
 * Session options with getopt_long. Everything after a literal "--"
 * belongs to the payload, so the parser only ever sees what comes before
 * it; options and the bundle may come in any order there.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "bootctrl.h"
#include "cli.h"
#include "nexus/svc.h"
#include "opts.h"

/* --tries is one digit. */
_Static_assert(NX_BOOTCTRL_TRIES_MAX < 10, "--tries parses one digit");

enum {
	O_STATE = 256,
	O_TRUST,
	O_SELFTEST,
	O_ENV,
	O_MEM_LIMIT,
	O_TIMEOUT,
	O_WAIT_STATE,
	O_TRIES,
	O_JSON,
	O_TRACE,
	O_TRACE_OUT,
	O_TIMELINE,
	O_WRAP,
	O_JUNIT,
	O_GDB,
	O_WITH,
	O_REGISTRY
};

static const struct option long_opts[] = {
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {"state", required_argument, NULL, O_STATE},
    {"trust", required_argument, NULL, O_TRUST},
    {"selftest", no_argument, NULL, O_SELFTEST},
    {"env", required_argument, NULL, O_ENV},
    {"mem-limit", required_argument, NULL, O_MEM_LIMIT},
    {"timeout", required_argument, NULL, O_TIMEOUT},
    {"wait-state", no_argument, NULL, O_WAIT_STATE},
    {"tries", required_argument, NULL, O_TRIES},
    {"json", no_argument, NULL, O_JSON},
    {"trace", required_argument, NULL, O_TRACE},
    {"trace-out", required_argument, NULL, O_TRACE_OUT},
    {"timeline", required_argument, NULL, O_TIMELINE},
    {"wrap", required_argument, NULL, O_WRAP},
    {"junit", required_argument, NULL, O_JUNIT},
    {"gdb", required_argument, NULL, O_GDB},
    {"with", required_argument, NULL, O_WITH},
    {"registry", required_argument, NULL, O_REGISTRY},
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
	case O_MEM_LIMIT:
		return OPT_MEM_LIMIT;
	case O_TIMEOUT:
		return OPT_TIMEOUT;
	case O_WAIT_STATE:
		return OPT_WAIT_STATE;
	case O_TRIES:
		return OPT_TRIES;
	case O_JSON:
		return OPT_JSON;
	case O_TRACE:
	case O_TRACE_OUT:
		return OPT_TRACE;
	case O_TIMELINE:
		return OPT_TIMELINE;
	case O_WRAP:
		return OPT_WRAP;
	case O_JUNIT:
		return OPT_JUNIT;
	case O_GDB:
		return OPT_GDB;
	case O_WITH:
		return OPT_WITH;
	case O_REGISTRY:
		return OPT_REGISTRY;
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

/* SIZE: a whole number of bytes, or of KiB, MiB, GiB with a K, M or G suffix. */
static int parse_size(const char *s, uint64_t *out)
{
	uint64_t v = 0, unit = 1;
	const char *p = s;

	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > SIM_MEM_LIMIT_MAX)
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (p == s)
		return -1;
	if (*p == 'K' || *p == 'M' || *p == 'G')
		unit = *p == 'K' ? 1ULL << 10 : *p == 'M' ? 1ULL << 20 : 1ULL << 30;
	if (unit != 1)
		p++;
	if (*p != 0 || v == 0 || v > SIM_MEM_LIMIT_MAX / unit)
		return -1;
	*out = v * unit;
	return 0;
}

/* HOST:PORT, HOST possibly empty (the loopback address), PORT a decimal 0..65535. */
static int gdb_addr_ok(const char *s)
{
	const char *colon = strrchr(s, ':'), *p;
	unsigned long port = 0;

	if (colon == NULL || colon[1] == 0)
		return 0;
	for (p = colon + 1; *p >= '0' && *p <= '9' && port <= SIM_PORT_MAX; p++)
		port = port * 10 + (unsigned long)(*p - '0');
	return *p == 0 && port <= SIM_PORT_MAX;
}

/* SECONDS: a positive decimal with at most three decimals (ms). */
static int parse_seconds(const char *s, uint64_t *ms)
{
	uint64_t whole = 0, frac = 0, scale = 100;
	const char *p = s;

	for (; *p >= '0' && *p <= '9' && whole <= SIM_TIMEOUT_MAX_S; p++)
		whole = whole * 10 + (uint64_t)(*p - '0');
	if (p == s)
		return -1;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9' && scale > 0; p++, scale /= 10)
			frac += (uint64_t)(*p - '0') * scale;
	*ms = whole * 1000 + frac;
	return *p == 0 && *ms > 0 && whole <= SIM_TIMEOUT_MAX_S ? 0 : -1;
}

/* CLASSES: a comma-separated non-empty subset of syscalls, ipc, sched. */
static int parse_trace(const char *s, unsigned *out)
{
	static const struct {
		const char *name;
		unsigned bit;
	} classes[] = {
	    {"syscalls", SIM_TRACE_SYSCALLS}, {"ipc", SIM_TRACE_IPC}, {"sched", SIM_TRACE_SCHED}};
	unsigned v = 0;

	for (const char *p = s;; p++) {
		size_t n = strcspn(p, ",");
		size_t i = 0;

		while (i < sizeof(classes) / sizeof(classes[0]) &&
		       (strlen(classes[i].name) != n || strncmp(classes[i].name, p, n) != 0))
			i++;
		if (i == sizeof(classes) / sizeof(classes[0]))
			return -1;
		v |= classes[i].bit;
		p += n;
		if (*p == 0)
			break;
	}
	*out = v;
	return 0;
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
		o->selftest = 1;
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
	case O_MEM_LIMIT:
		if (parse_size(arg, &o->mem_limit) != 0) {
			fprintf(
			    stderr,
			    "nexus-sim %s: --mem-limit '%s': expected a size such as 512M or 2G "
			    "(1 byte to 1 TiB)\n",
			    cmd, arg);
			return NX_EXIT_USAGE;
		}
		return 0;
	case O_TIMEOUT:
		if (parse_seconds(arg, &o->timeout_ms) != 0) {
			fprintf(stderr,
				"nexus-sim %s: --timeout '%s': expected seconds such as 10 or 0.5 "
				"(at most %d)\n",
				cmd, arg, SIM_TIMEOUT_MAX_S);
			return NX_EXIT_USAGE;
		}
		return 0;
	case O_WAIT_STATE:
		o->wait_state = 1;
		return 0;
	case O_TRIES:
		if (arg[0] < '1' || arg[0] > '0' + NX_BOOTCTRL_TRIES_MAX || arg[1] != 0) {
			fprintf(stderr, "nexus-sim %s: --tries '%s': expected 1 to %d\n", cmd, arg,
				NX_BOOTCTRL_TRIES_MAX);
			return NX_EXIT_USAGE;
		}
		o->tries = (unsigned)(arg[0] - '0');
		return 0;
	case O_JSON:
		o->json = 1;
		return 0;
	case O_TRACE:
		if (parse_trace(arg, &o->trace) != 0) {
			fprintf(stderr,
				"nexus-sim %s: --trace '%s': expected classes from syscalls, ipc, "
				"sched, separated by commas\n",
				cmd, arg);
			return NX_EXIT_USAGE;
		}
		return 0;
	case O_TRACE_OUT:
	case O_TIMELINE:
		if (arg[0] == 0) {
			fprintf(stderr, "nexus-sim %s: --%s needs a file\n", cmd,
				c == O_TRACE_OUT ? "trace-out" : "timeline");
			return NX_EXIT_USAGE;
		}
		*(c == O_TRACE_OUT ? &o->trace_out : &o->timeline) = arg;
		return 0;
	case O_WRAP: {
		static struct sim_wrap w;
		int err = wrap_parse(&w, arg, o->wrap, o->nwrap, cmd);

		/* Each daemon once: a ninth --wrap names one twice, which wrap_parse refused. */
		if (err != 0)
			return err;
		o->wrap[o->nwrap] = w;
		for (size_t i = 0; i < w.nwords; i++)
			o->wrap[o->nwrap].words[i] = o->wrap[o->nwrap].buf + (w.words[i] - w.buf);
		o->nwrap++;
		return 0;
	}
	case O_JUNIT:
		if (arg[0] == 0) {
			fprintf(stderr, "nexus-sim %s: --junit needs a file\n", cmd);
			return NX_EXIT_USAGE;
		}
		o->junit = arg;
		return 0;
	case O_WITH:
		if (arg[0] == 0) {
			fprintf(stderr, "nexus-sim %s: --with needs a bundle\n", cmd);
			return NX_EXIT_USAGE;
		}
		if (o->nwith == SIM_WITH_MAX) {
			fprintf(stderr,
				"nexus-sim %s: more than %d --with bundles (at most %d bundles in "
				"one session, the run's own included)\n",
				cmd, SIM_WITH_MAX, NX_RUN_BUNDLES_MAX);
			return NX_EXIT_USAGE;
		}
		o->with[o->nwith++] = arg;
		return 0;
	case O_REGISTRY:
		if (arg[0] == 0 || strlen(arg) >= NX_PATH_MAX) {
			fprintf(stderr,
				"nexus-sim %s: --registry needs a file (a path under %d bytes)\n",
				cmd, NX_PATH_MAX);
			return NX_EXIT_USAGE;
		}
		o->registry = arg;
		return 0;
	case O_GDB:
		if (!gdb_addr_ok(arg)) {
			fprintf(stderr,
				"nexus-sim %s: --gdb '%s': expected HOST:PORT, such as "
				"localhost:1234 or :0 (port 0: any free one)\n",
				cmd, arg);
			return NX_EXIT_USAGE;
		}
		o->gdb = arg;
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
	if (o->trace_out != NULL && o->trace == 0) {
		fprintf(stderr, "nexus-sim %s: --trace-out without --trace\n", cmd);
		return NX_EXIT_USAGE;
	}
	if (operands == OPTS_ONE_OR_MORE) {
		o->operands = argv + optind;
		o->noperands = (size_t)(end - optind);
		if (o->noperands == 0)
			fprintf(stderr, "nexus-sim %s: no bundle named\n", cmd);
		else if (end < argc)
			fprintf(stderr, "nexus-sim %s: takes no payload arguments\n", cmd);
		return o->noperands == 0 || end < argc ? NX_EXIT_USAGE : 0;
	}
	for (int i = optind; i < end; i++, nops++)
		if (nops < operands)
			o->operand = argv[i];
	if (nops != operands) {
		if (nops < operands)
			fprintf(stderr, "nexus-sim %s: no %s named\n", cmd,
				strcmp(cmd, "update") == 0 ? "system set" : "bundle");
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

int sim_operand_is_program(const char *operand)
{
	size_t n = strlen(operand), suffix = strlen(SIM_NXB_SUFFIX);

	return strncmp(operand, SIM_PKG_PREFIX, strlen(SIM_PKG_PREFIX)) != 0 &&
	       strchr(operand, '/') == NULL &&
	       (n < suffix || strcmp(operand + n - suffix, SIM_NXB_SUFFIX) != 0);
}

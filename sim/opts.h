/*
 * The options of a nexus-sim command, parsed with getopt_long.
 * Each command accepts the options its mask names; the rest are usage
 * errors. Payload arguments follow a literal "--".
 */
#ifndef NEXUS_SIM_OPTS_H
#define NEXUS_SIM_OPTS_H

#include <stddef.h>
#include <stdint.h>

#include "nexus/limits.h"
#include "wrap.h"

/* Which options a command takes. */
#define OPT_VERBOSE (1u << 0)
#define OPT_STATE (1u << 1)
#define OPT_TRUST (1u << 2)
#define OPT_SELFTEST (1u << 3)
#define OPT_ENV (1u << 4)
#define OPT_MEM_LIMIT (1u << 5)
#define OPT_TIMEOUT (1u << 6)
#define OPT_WAIT_STATE (1u << 7)
#define OPT_TRIES (1u << 8)
#define OPT_JSON (1u << 9)
#define OPT_TRACE (1u << 10)	/* --trace=CLASSES and --trace-out FILE */
#define OPT_TIMELINE (1u << 11) /* --timeline FILE.json */
#define OPT_WRAP (1u << 12)	/* --wrap DAEMON=CMD, repeatable (wrap.h) */
#define OPT_JUNIT (1u << 13)	/* test --junit FILE */
#define OPT_GDB (1u << 14)	/* --gdb HOST:PORT (gdb.h) */
#define OPT_WITH (1u << 15)	/* run --with B.nxb, repeatable */
#define OPT_REGISTRY (1u << 16) /* --registry FILE: init's program registry */

/* --trace classes (sim_opts.trace). */
#define SIM_TRACE_SYSCALLS (1u << 0) /* payload syscalls, decoded */
#define SIM_TRACE_IPC (1u << 1)	     /* frames between processes */
#define SIM_TRACE_SCHED (1u << 2)    /* scheduler slices */

/* sim_opts_parse's `operands` for a command that takes one or more (test BUNDLE...). */
#define OPTS_ONE_OR_MORE (-1)

#define SIM_PKG_PREFIX "pkg:/" /* run pkg:/NAME: a bundle installed in the booted slot */
#define SIM_NXB_SUFFIX ".nxb"  /* a bundle directory's name; without it, a program's */
/* --with bundles of one run: with the run's own bundle, at most NX_RUN_BUNDLES_MAX. */
#define SIM_WITH_MAX (NX_RUN_BUNDLES_MAX - 1)
#define SIM_ENV_MAX NX_ENVC_MAX	       /* --env options of one run: the stack builder's cap */
#define SIM_MEM_LIMIT_MAX (1ULL << 40) /* bytes: the largest --mem-limit taken (1 TiB) */
#define SIM_TIMEOUT_MAX_S 86400	       /* seconds: the largest --timeout taken (a day) */
#define SIM_PORT_MAX 65535	       /* --gdb's TCP port */

struct sim_opts {
	int verbose;	       /* console to stderr, else <state>/console.log */
	int console_stdout;    /* boot: the console on stdout when not verbose */
	int help;	       /* --help: the caller prints its usage, exit 0 */
	const char *state_dir; /* NULL: a fresh temporary directory, removed after */
	const char *trust_dir; /* NULL: the build's dev trust directory */
	const char *operand;   /* the command's one argument before "--", as typed */
	const char *bundle;    /* run: the bundle as the user named it */
	char *const *operands; /* OPTS_ONE_OR_MORE: every operand, as typed */
	size_t noperands;
	const char *junit; /* test --junit FILE */
	const char *set;   /* update: the system set as the user named it */
	int selftest;	   /* boot --selftest: the OTA selftest */
	unsigned tries;	   /* update --tries: boots the new set gets on trial */
	int json;	   /* --json: one JSON object on stdout (run, test, inspect, status) */
	char *const *args; /* run: the payload's arguments after argv[0] */
	size_t nargs;
	const char *env[SIM_ENV_MAX]; /* run: --env K=V, in order */
	size_t nenv;
	uint64_t mem_limit;    /* bytes all VMOs may hold (default NX_MEM_LIMIT_DEFAULT) */
	uint64_t timeout_ms;   /* --timeout: the run ends after this; 0 for none */
	int wait_state;	       /* --wait-state: wait for a state dir in use, not exit 75 */
	unsigned trace;	       /* --trace: SIM_TRACE_* classes, 0 for none */
	const char *trace_out; /* --trace-out: the trace's file, NULL for stderr */
	const char *timeline;  /* --timeline: the Chrome trace file, or NULL */
	struct sim_wrap wrap[SIM_WRAP_MAX]; /* --wrap, in order */
	size_t nwrap;
	const char *gdb;		/* --gdb HOST:PORT: serve gdb there (sim/gdb.h); NULL: no */
	const char *with[SIM_WITH_MAX]; /* run --with, in order: installed before the run */
	size_t nwith;
	const char *registry; /* --registry FILE; NULL: the build's, if there is one */
};

/*
 * An operand that names a program of the registry, not a bundle: no
 * ".nxb" suffix, no "pkg:/" prefix, no '/' (nexus-sim run NAME).
 */
int sim_operand_is_program(const char *operand);

/*
 * Parse argv (argv[0] is the command's name) for a command taking the
 * options in `allowed`; `operands` is how many non-option arguments it
 * takes before "--" (0 or 1: o->operand; OPTS_ONE_OR_MORE: o->operands,
 * and no "--" allowed). Returns 0, or
 * NX_EXIT_USAGE after saying what is wrong on stderr.
 */
int sim_opts_parse(struct sim_opts *o, int argc, char **argv, unsigned allowed, int operands);

#endif

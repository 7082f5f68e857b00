/*
 * The options of `run` and `image`, parsed with getopt_long. Payload
 * arguments follow a literal "--"; everything before it is ours.
 */
#ifndef NEXUS_QEMU_HOST_OPTS_H
#define NEXUS_QEMU_HOST_OPTS_H

#include <stddef.h>

#include "nexus/limits.h"

/* Which options a command takes. */
#define NXQ_OPT_VERBOSE (1u << 0)
#define NXQ_OPT_TIMEOUT (1u << 1)
#define NXQ_OPT_ICOUNT (1u << 2)
#define NXQ_OPT_OUT (1u << 3)

#define NXQ_TIMEOUT_MAX_S 86400 /* --timeout: at most a day */

struct nxq_opts {
	int verbose;	       /* the system console on stderr */
	int help;	       /* --help: the caller prints its usage, exit 0 */
	int icount;	       /* -icount: time follows instructions (deterministic) */
	unsigned timeout_s;    /* 0: none */
	const char *trust_dir; /* NULL: the build's dev trust directory */
	const char *out;       /* image: where to write it */
	const char *payload;   /* BUNDLE.nxb or FILE.elf as the user named it */
	char *const *args;     /* the payload's arguments after argv[0] */
	size_t nargs;
	const char *env[NX_ENVC_MAX]; /* --env K=V, in order */
	size_t nenv;
};

/*
 * Parse argv (argv[0] is the command's name) for a command taking the
 * options in `allowed` (--trust and --env always). 0, or NXQ_EXIT_USAGE
 * after saying what is wrong on stderr.
 */
int nxq_opts_parse(struct nxq_opts *o, int argc, char **argv, unsigned allowed);

#endif

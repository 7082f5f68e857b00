/*
 * The nexus-sim side of a boot: open what the user named, make the
 * state directory, start the kernel loop and init, and drive init over
 * the control channel (nexus/svc.h NX_CTL_*). `run` and `boot` are both
 * one boot session; `run` adds one NX_CTL_RUN before the shutdown.
 */
#ifndef NEXUS_SIM_BOOT_H
#define NEXUS_SIM_BOOT_H

#include <stddef.h>

struct boot_opts {
	int verbose;	       /* console to stderr, else <state>/console.log */
	const char *state_dir; /* NULL: a fresh temporary directory, removed after */
	const char *trust_dir; /* NULL: the source tree's fixtures/trust */
	unsigned flags;	       /* NX_CTL_BOOT_* */
	const char *bundle;    /* run only: the bundle as the user named it */
	char *const *args;     /* run only: the payload's arguments after argv[0] */
	size_t nargs;
};

/*
 * The options run and boot share: -v, --state DIR, --trust DIR. Returns
 * 1 if argv[*i] was one (advancing *i past its value), 0 if not, -1 on a
 * missing value (reported).
 */
int boot_parse_opt(struct boot_opts *o, int argc, char **argv, int *i);

/* NEXUS_FAULT, if set, must read seccomp:<daemon>; -1 (reported) if not. */
int boot_check_fault(void);

/* Run a whole session; returns nexus-sim's exit status (sim/cli.h). */
int boot_session(const struct boot_opts *o);

/*
 * Resolve a bundle argument: a path with a '/' as is; a bare NAME.nxb in
 * the current directory, else in each directory of $NEXUS_BUNDLE_PATH,
 * else in the build's bundles directory. 0 with the path in out, or -1.
 */
int boot_find_bundle(const char *arg, char *out, size_t cap);

#endif

/*
 * Where nexus-sim and nexus-qemu find what the user names by a bare name:
 * a NAME.nxb in the current directory, then in each directory of
 * $NEXUS_BUNDLE_PATH, then in the build's bundles; and the default
 * trust directory (the build's dev key, TEST ONLY), the build's program
 * registry, and the build's fixture system sets. The build paths are baked in by host/build.mk.
 */
#ifndef NEXUS_HOST_BUNDLE_PATH_H
#define NEXUS_HOST_BUNDLE_PATH_H

#include <stddef.h>

/* The trust directory used without --trust. */
const char *bundle_default_trust(void);

/* The build's program registry (init's; nexus-sim run NAME), used without --registry. */
const char *bundle_default_registry(void);

/* The build's fixture system sets (nexus-sim boot --selftest stages two of them). */
const char *bundle_system_dir(void);

/*
 * Resolve a bundle argument: a path with a '/' (or one that exists) as
 * is, else the search path. 0 with the path in out, or -1.
 */
int bundle_find(const char *arg, char *out, size_t cap);

/* "PROG: bundle X not found (looked in ...)" on stderr, naming every place looked. */
void bundle_say_not_found(const char *prog, const char *arg);

#endif

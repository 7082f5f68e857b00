/*
 * Landlock (Linux 5.13+): confine a process, and everything it execs, to
 * what it may reach beneath the directories (or files) it holds fds for.
 * Rules are made from those fds (LANDLOCK_RULE_PATH_BENEATH with
 * parent_fd = the fd), so no path is looked up; the fd may be closed once
 * the ruleset is prepared. Everything the running kernel's Landlock ABI
 * can restrict is restricted (every file system right, TCP bind and
 * connect from ABI 4, abstract unix sockets and signals from ABI 6), and
 * only what the rules grant is allowed; an older ABI restricts what it
 * knows. Files opened before the domain keeps their access.
 *
 * Without Landlock (a kernel built without it, or with it off at boot)
 * nothing is restricted and these calls succeed with ABI 0: the caller's
 * sandbox is then its seccomp filter and dropped capabilities only
 * (nexus-sim -v says so). ABI 1 cannot allow moving a file between
 * directories, which a writer of a store needs (bundlemgrd's commit), so
 * on ABI 1 a ruleset granting NX_LANDLOCK_WRITE is not applied either.
 *
 * A sanitizer build (make asan) lets every domain read beneath /proc:
 * ASan and LSan read /proc/self/maps to start and to report.
 */
#ifndef NX_HOST_LANDLOCK_H
#define NX_HOST_LANDLOCK_H

#include <stddef.h>

/* What a rule grants beneath its directory (or on its file). */
#define NX_LANDLOCK_READ (1u << 0)  /* read files, list directories */
#define NX_LANDLOCK_WRITE (1u << 1) /* write, truncate, create, remove, rename files and dirs */
#define NX_LANDLOCK_EXEC (1u << 2)  /* execute files */

struct nx_landlock_rule {
	int fd; /* a directory (everything beneath it) or a file; O_PATH is enough */
	unsigned access;
};

/*
 * Leave signals unscoped: the process may still signal processes outside
 * its domain (nexus-sim kills init, which it forked before confining itself).
 */
#define NX_LANDLOCK_SIGNAL_OUT (1u << 0)

/* A prepared ruleset, not yet enforced. */
struct nx_landlock {
	int ruleset; /* -1: nothing to enforce (no Landlock, or ABI 1 with a writer) */
	int abi;
};

/*
 * Make the ruleset from `rules` (NX_LANDLOCK_* flags in `flags`). The
 * rules' fds may be closed afterwards. 0, or -errno (a rule the kernel
 * refused: not an fd, ...).
 */
int nx_landlock_prepare(struct nx_landlock *ll, const struct nx_landlock_rule *rules, size_t n,
			unsigned flags);

/*
 * Confine the calling process to the prepared ruleset (setting
 * no_new_privs, which Landlock needs) and release it. Returns the ABI
 * version enforced, 0 when there was nothing to enforce, or -errno.
 */
int nx_landlock_enforce(struct nx_landlock *ll);

/* Both at once, for a caller that holds its fds until here. */
int nx_landlock_restrict(const struct nx_landlock_rule *rules, size_t n, unsigned flags);

#endif

/*
 * seccomp allowlists with libseccomp, shared by nexus-sim's filter and
 * libnxd's (init's and the daemons'): adding a list of calls, and what
 * the sanitizer build (make asan) needs under a filter. In a normal build
 * the sanitizer calls add and do nothing.
 */
#ifndef NX_HOST_SECCOMP_SAN_H
#define NX_HOST_SECCOMP_SAN_H

#include <seccomp.h>
#include <stddef.h>

/* Allow each __NR_* of `list`. 0, or libseccomp's -errno. */
int nx_seccomp_allow(scmp_filter_ctx ctx, const int *list, size_t n);

/*
 * The sanitizer build: allow what ASan and UBSan need to report an error
 * and what the leak checker's exit-time pass needs (a clone()d tracer
 * that ptraces the process and reads /proc/self/task). 0, or
 * libseccomp's -errno.
 */
int nx_seccomp_sanitizer(scmp_filter_ctx ctx);

/*
 * The ASan build, for a process whose exit-time leak report would not
 * hold (a daemon's `struct nxd` lives until exit): run the leak check now,
 * right before the filter, which also turns the exit-time pass off; leaks
 * made after the filter are not seen.
 */
void nx_seccomp_leak_check_now(void);

/*
 * The ASan build, for a process that keeps its exit-time leak check:
 * matching a leak against its suppressions (sim/cpu_unicorn.c) takes the
 * symbolizer, a program the runtime starts on first use, which the
 * sandbox would forbid. Start it now; it serves the exit-time report.
 */
void nx_seccomp_symbolizer_start(void);

/*
 * The ASan build: the environment string that turns the leak checker off
 * in a process started under a tracer (nexus-sim --wrap execd='strace
 * ...'): LeakSanitizer stops the world with ptrace, which fails in a
 * process that is traced already. NULL in other builds.
 */
const char *nx_seccomp_san_traced_env(void);

#endif

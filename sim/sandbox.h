/*
 * nexus-sim's own sandbox: the kernel loop runs untrusted guest code on a
 * JIT, so once the session is set up (the state, trust and bundle
 * directories open, init forked) and right before the loop runs, the
 * process drops every capability, enters a Landlock domain that holds no
 * path at all, and installs a seccomp allowlist of what the loop needs
 * (docs/security.md).
 */
#ifndef NEXUS_SIM_SANDBOX_H
#define NEXUS_SIM_SANDBOX_H

#include <sys/types.h>

/*
 * Confine this process; init_pid is the one process it may still signal.
 * With `verbose`, says once on stderr when the kernel has no Landlock.
 * `frame_ids`: the session traces frames (--trace=ipc, --timeline), so
 * nexus-sim's own frames get request ids, which hold its pid: getpid is
 * allowed too. 0, or NX_EXIT_INTERNAL after saying why.
 */
int sim_sandbox(int verbose, pid_t init_pid, int frame_ids);

#endif

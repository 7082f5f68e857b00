/*
 * libnxhost: host-side process and file plumbing that nexus-sim, init,
 * the daemons and the tests share, one job per file: starting a program
 * with a fixed fd layout (exec_fds.c), finding the directory of the
 * running executable (exe_dir.c), and reading a trust directory into a
 * trust set (trust_dir.c). Where a bare bundle name is looked up is
 * bundle_path.h.
 */
#ifndef NX_HOST_H
#define NX_HOST_H

#include <stddef.h>

#include "sig.h"

/*
 * For a forked child: exec `path` with fds first..first+n-1 set to
 * src[0..n-1] (a -1 leaves that fd closed), every fd above them closed,
 * the signal mask cleared and SIGPIPE back to its default. fds below
 * `first` stay as they are. Only async-signal-safe calls; never returns
 * (on failure it says why on fd 2 and _exit(127)s).
 */
_Noreturn void nx_exec_fds(const char *path, char *const argv[], char *const envp[], int first,
			   const int *src, int n);

/* The directory of the running executable, without a trailing '/'. 0 or -1. */
int nx_exe_dir(char *out, size_t cap);

/*
 * A trust set from a directory: every "*.pub" regular file directly
 * beneath dirfd (other names are ignored; a symlinked or malformed .pub,
 * a duplicate id or more than NX_SIG_TRUST_MAX keys is an error and
 * leaves the set empty).
 */
__attribute__((warn_unused_result)) int nx_trust_load(struct nx_trust *t, int dirfd,
						      struct nx_fmt_err *e);

#endif

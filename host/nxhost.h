/*
 * libnxhost: host-side process and file plumbing that nexus-sim, init,
 * the daemons and the tests share, one job per file: starting a program
 * with a fixed fd layout (exec_fds.c), finding the directory of the
 * running executable (exe_dir.c), reading a trust directory into a
 * trust set (trust_dir.c), dropping capabilities (caps.c) and the escape
 * probe of the sandboxes (escape.c). Landlock has its own header,
 * landlock.h; the sanitizer build's seccomp additions are in seccomp_san.h.
 * Where a bare bundle name is looked up is bundle_path.h.
 */
#ifndef NX_HOST_H
#define NX_HOST_H

#include <stddef.h>
#include <sys/types.h>

#include "sig.h"

/*
 * For a forked child: exec `path` with fds first..first+n-1 set to
 * src[0..n-1] (a -1 leaves that fd closed), every fd above them closed,
 * the signal mask cleared and SIGPIPE back to its default. fds below
 * `first` stay as they are. Only async-signal-safe calls; never returns
 * (on failure it says why on fd 2 and _exit(127)s). At most NX_EXEC_FDS_MAX.
 */
#define NX_EXEC_FDS_MAX 80 /* init's daemons: fds 3..7 and one per bundle of a test session */
_Noreturn void nx_exec_fds(const char *path, char *const argv[], char *const envp[], int first,
			   const int *src, int n);

/*
 * Run fn(arg) in a new process made with clone(CLONE_VM | CLONE_VFORK)
 * rather than fork: it shares the caller's memory until it executes a
 * program (the caller waits until then), so no page table is copied and
 * no page of the caller's faults on its next write. fn runs on a stack of
 * NX_VFORK_STACK bytes of its own, one child at a time, with its own fd
 * table and signal dispositions; it must write nothing of the caller's
 * and end in nx_exec_fds (or _exit). The pid, or -1 with errno.
 */
#define NX_VFORK_STACK (128 * 1024)
pid_t nx_vfork_run(int (*fn)(void *arg), void *arg);

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

/*
 * Drop every capability for good: set no_new_privs, empty the bounding
 * set (when the process may: it takes CAP_SETPCAP, which only a
 * privileged process has), the ambient, inheritable, permitted and
 * effective sets. 0 or -errno.
 */
int nx_caps_drop_all(void);

/*
 * NEXUS_FAULT=escape:<who> (docs/security.md): when the environment names
 * `who`, try to open /etc/shadow for reading, /etc/passwd for writing
 * (closed at once, never written) and the process's own executable for
 * reading, and to create a file in each directory it holds an fd for
 * (removed at once if that worked), and say on fd 2 what happened, one
 * line each: "<who>: escape: open /etc/shadow for reading: Permission
 * denied". Called once the process's Landlock domain is in place and its
 * capabilities are gone, before its seccomp filter (which would kill most
 * of them for the openat itself).
 */
void nx_fault_escape(const char *who);

#endif

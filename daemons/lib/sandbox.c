/*
 * Each daemon's sandbox: no capabilities, a Landlock domain holding only
 * the directory it was started with (prepared by nxd_start from fd 5), and
 * a seccomp allowlist of what every libnxd daemon needs plus what the
 * daemon names. A call outside the list kills the whole process with
 * SIGSYS (SCMP_ACT_KILL_PROCESS), which init reports.
 *
 * init's filter is here too: every daemon inherits it across execve and
 * stacks its own on top, so it must allow all a daemon does before its
 * own filter and all any daemon's own filter allows (docs/security.md).
 */
#include <errno.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "daemon_impl.h"
#include "nxhost.h"
#include "seccomp_san.h"

/* The loop, framing, the console, malloc and exit. */
static const int sandbox_base[] = {
    __NR_read,	     __NR_write,	 __NR_close,
    __NR_sendmsg,    __NR_recvmsg,	 __NR_ppoll,
    __NR_exit,	     __NR_exit_group,	 __NR_brk,
    __NR_mmap,	     __NR_munmap,	 __NR_mremap,
    __NR_madvise,    __NR_rt_sigreturn,	 __NR_fstat,
    __NR_newfstatat, __NR_lseek,	 __NR_fcntl,
    __NR_getpid,     __NR_clock_gettime, __NR_restart_syscall,
    __NR_futex,
#ifdef __NR_poll
    __NR_poll,
#endif
};

/*
 * Every call a daemon may add to the base list (its `extra`): the union of
 * the daemons' own lists, which init's filter allows. nxd_sandbox refuses
 * any other, so a daemon cannot allow itself what init's filter would
 * still kill it for.
 */
static const int sandbox_daemon_max[] = {
    __NR_openat,       __NR_getdents64, __NR_dup,	__NR_pread64,
    __NR_mkdirat,      __NR_unlinkat,	__NR_renameat2, __NR_fsync,
    __NR_memfd_create, __NR_socketpair, __NR_renameat,
};

/*
 * A daemon from execve to its own filter: the dynamic loader and libc
 * start-up, nxd_start (socket checks, close_range, signal(SIGPIPE)), what
 * daemons read at start (openat, pread64; libsodium's getrandom), and
 * installing the sandbox itself.
 */
static const int sandbox_start[] = {
    __NR_execve,
    __NR_arch_prctl,
    __NR_set_tid_address,
    __NR_set_robust_list,
    __NR_rseq,
    __NR_prlimit64,
    __NR_mprotect,
    __NR_access,
    __NR_openat,
    __NR_pread64,
    __NR_getrandom,
    __NR_rt_sigaction,
    __NR_getsockopt,
    __NR_close_range,
    __NR_prctl,
    __NR_seccomp,
    __NR_capget,
    __NR_capset,
    __NR_landlock_create_ruleset,
    __NR_landlock_add_rule,
    __NR_landlock_restrict_self,
};

/*
 * Only under --wrap (nxd_sandbox_parent's `wrap`), what the wrappers the
 * project tests make beyond the daemons' calls: strace's tracing
 * (ptrace, process_vm_readv, its pipe and identity checks), valgrind
 * running a daemon in its own process (its start-up reads /proc and its
 * files with the old open/readlink calls, makes its vgdb FIFOs in /tmp,
 * and signals threads), perf record (perf_event_open and its ioctls,
 * its output file, its threads' CPU affinity and memory policy, eventfd),
 * and a shell's vfork (`sh -c '"$@"; ...' sh`).
 * clone3 and bpf answer ENOSYS (glibc then forks and makes threads with
 * clone, which the namespace rule below checks; perf goes on without
 * BPF), unshare is allowed without a namespace flag (perf's CLONE_FS).
 */
static const int sandbox_wrap[] = {
    __NR_ptrace,
    __NR_process_vm_readv,
    __NR_pipe,
    __NR_pipe2,
    __NR_getuid,
    __NR_geteuid,
    __NR_getgid,
    __NR_getegid,
    __NR_getppid,
    __NR_gettid,
    __NR_tgkill,
    __NR_uname,
    __NR_open,
    __NR_readlink,
    __NR_readlinkat,
    __NR_statx,
    __NR_getcwd,
    __NR_getxattr,
    __NR_mknod,
    __NR_mknodat,
    __NR_unlink,
    __NR_mkdir,
    __NR_rename,
    __NR_symlink,
    __NR_statfs,
    __NR_fstatfs,
    __NR_ioctl,
    __NR_perf_event_open,
    __NR_eventfd2,
    __NR_get_mempolicy,
    __NR_set_mempolicy,
    __NR_getcpu,
    __NR_sched_getaffinity,
    __NR_sched_setaffinity,
    __NR_sched_yield,
    __NR_sigaltstack,
    __NR_rt_sigtimedwait,
    __NR_rt_sigsuspend,
    __NR_nanosleep,
    __NR_clock_nanosleep,
    __NR_ftruncate,
    __NR_pwrite64,
    __NR_dup3,
    __NR_setpgid,
    __NR_getpgid,
    __NR_getrusage,
    __NR_sysinfo,
    __NR_times,
    __NR_pause,
    __NR_chdir,
    __NR_vfork,
};

/*
 * Namespaces are for nobody: a clone that makes one (above all an
 * unprivileged user namespace, which would hold capabilities in it) kills.
 */
#define SANDBOX_CLONE_NS                                                                           \
	(CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER |             \
	 CLONE_NEWPID | CLONE_NEWNET)

static void sandbox_allow(scmp_filter_ctx ctx, const int *list, size_t n)
{
	int err = nx_seccomp_allow(ctx, list, n);

	if (err != 0) {
		errno = -err;
		fatal("seccomp_rule_add");
	}
}

static void sandbox_load(scmp_filter_ctx ctx)
{
	int err = nx_seccomp_sanitizer(ctx);

	if (err != 0) {
		errno = -err;
		fatal("seccomp_rule_add");
	}
	err = seccomp_load(ctx);
	seccomp_release(ctx);
	if (err != 0) {
		errno = -err;
		fatal("seccomp_load");
	}
}

/*
 * A daemon init started under a --wrap tool (NXD_WRAP_ENV names it)
 * whose tool runs it in its own process and refuses seccomp (valgrind
 * answers the seccomp call with ENOSYS). Then, and only then, the daemon
 * goes on under init's filter alone, and says so.
 */
static int sandbox_wrapper_refuses(const struct nxd *d)
{
	const char *w = getenv(NXD_WRAP_ENV);
	uint32_t action = SECCOMP_RET_KILL_PROCESS;

	if (w == NULL || strcmp(w, d->name) != 0 ||
	    syscall(__NR_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) == 0 || errno != ENOSYS)
		return 0;
	nxd_say("%s: the wrapper refuses seccomp: running under init's filter only "
		"(docs/security.md)",
		d->name);
	return 1;
}

static int sandbox_in(int nr, const int *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] == nr)
			return 1;
	return 0;
}

/* NEXUS_FAULT=seccomp:<name>: prove the allowlist bites (docs/security.md). */
static void sandbox_fault(const struct nxd *d)
{
	const char *f = getenv("NEXUS_FAULT");

	if (f == NULL || strncmp(f, "seccomp:", 8) != 0 || strcmp(f + 8, d->name) != 0)
		return;
	/* unshare(0) does nothing when allowed: only the filter can end us here. */
	syscall(__NR_unshare, 0);
	fatalx("NEXUS_FAULT: the forbidden call unshare was allowed");
}

void nxd_sandbox(struct nxd *d, const int *extra, size_t n)
{
	scmp_filter_ctx ctx;
	int err;

	for (size_t i = 0; i < n; i++)
		if (!sandbox_in(extra[i], sandbox_daemon_max, NXD_COUNT(sandbox_daemon_max)))
			fatalx("sandbox: call %d is not in sandbox_daemon_max (init's filter)",
			       extra[i]);
	if ((err = nx_caps_drop_all()) != 0) {
		errno = -err;
		fatal("dropping capabilities");
	}
	if ((err = nx_landlock_enforce(&d->landlock)) < 0) {
		errno = -err;
		fatal("landlock");
	}
	nx_fault_escape(d->name);
	if (sandbox_wrapper_refuses(d)) {
		d->sandboxed = 1;
		return;
	}
	ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (ctx == NULL)
		fatalx("seccomp_init failed");
	sandbox_allow(ctx, sandbox_base, NXD_COUNT(sandbox_base));
	sandbox_allow(ctx, extra, n);
	nx_seccomp_leak_check_now();
	sandbox_load(ctx);
	d->sandboxed = 1;
	sandbox_fault(d);
}

/* --wrap: the list above, unshare without namespaces, ENOSYS for clone3 and bpf. */
static void sandbox_allow_wrap(scmp_filter_ctx ctx)
{
	int err;

	sandbox_allow(ctx, sandbox_wrap, NXD_COUNT(sandbox_wrap));
	if ((err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, __NR_unshare, 1,
				    SCMP_A0(SCMP_CMP_MASKED_EQ, SANDBOX_CLONE_NS, 0))) != 0 ||
	    (err = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), __NR_clone3, 0)) != 0 ||
	    (err = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), __NR_bpf, 0)) != 0) {
		errno = -err;
		fatal("seccomp_rule_add(wrap)");
	}
}

void nxd_sandbox_parent(const int *extra, size_t n, int wrap)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	int err;

	if (ctx == NULL)
		fatalx("seccomp_init failed");
	sandbox_allow(ctx, sandbox_base, NXD_COUNT(sandbox_base));
	sandbox_allow(ctx, sandbox_start, NXD_COUNT(sandbox_start));
	sandbox_allow(ctx, sandbox_daemon_max, NXD_COUNT(sandbox_daemon_max));
	sandbox_allow(ctx, extra, n);
	if (wrap)
		sandbox_allow_wrap(ctx);
	/* fork(): glibc's is clone(SIGCHLD | CLONE_CHILD_*), never with a namespace flag. */
	err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, __NR_clone, 1,
			       SCMP_A0(SCMP_CMP_MASKED_EQ, SANDBOX_CLONE_NS, 0));
	if (err != 0) {
		errno = -err;
		fatal("seccomp_rule_add(clone)");
	}
	sandbox_load(ctx);
}

/*
 * Each daemon's seccomp allowlist: what every libnxd daemon needs, plus
 * what the daemon names. Anything else kills the whole process with
 * SIGSYS (SCMP_ACT_KILL_PROCESS), which init reports.
 */
#include <errno.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "daemon_impl.h"

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
 * ASan and UBSan (make asan) need these to report an error; only the
 * sanitizer build gets them.
 */
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define SANDBOX_SANITIZER 1
#endif
#if __has_feature(address_sanitizer)
#include <sanitizer/lsan_interface.h>
#define SANDBOX_LSAN 1
#endif
#endif
#ifdef SANDBOX_SANITIZER
static const int sandbox_san[] = {
    __NR_sigaltstack, __NR_rt_sigaction, __NR_rt_sigprocmask, __NR_prctl,     __NR_clone,
    __NR_wait4,	      __NR_ptrace,	 __NR_getppid,	      __NR_gettid,    __NR_sched_yield,
    __NR_openat,      __NR_readlink,	 __NR_getrlimit,      __NR_prlimit64, __NR_mprotect,
    __NR_pipe2,	      __NR_getdents64,	 __NR_tgkill,	      __NR_kill,      __NR_uname,
#ifdef __NR_clone3
    __NR_clone3,
#endif
};
#endif

static void sandbox_allow(scmp_filter_ctx ctx, const int *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, list[i], 0);

		if (err != 0) {
			errno = -err;
			fatal("seccomp_rule_add(%d)", list[i]);
		}
	}
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

#ifdef SANDBOX_LSAN
	/*
	 * The leak checker's exit-time pass stops the world from a clone()d
	 * tracer that the filter would kill, leaving the daemon spinning. Check
	 * now instead; this also turns the exit-time pass off, so leaks made
	 * after the sandbox goes up are not seen (docs/security.md).
	 */
	__lsan_do_leak_check();
#endif
	ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (ctx == NULL)
		fatalx("seccomp_init failed");
	sandbox_allow(ctx, sandbox_base, sizeof(sandbox_base) / sizeof(sandbox_base[0]));
#ifdef SANDBOX_SANITIZER
	sandbox_allow(ctx, sandbox_san, sizeof(sandbox_san) / sizeof(sandbox_san[0]));
#endif
	sandbox_allow(ctx, extra, n);
	err = seccomp_load(ctx);
	seccomp_release(ctx);
	if (err != 0) {
		errno = -err;
		fatal("seccomp_load");
	}
	d->sandboxed = 1;
	sandbox_fault(d);
}

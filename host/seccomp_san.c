/* seccomp allowlists and the sanitizer build's additions (seccomp_san.h). */
#include <sys/syscall.h>

#include "seccomp_san.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define SAN_REPORTS 1
#endif
#if __has_feature(address_sanitizer)
#include <sanitizer/common_interface_defs.h>
#include <sanitizer/lsan_interface.h>
#define SAN_LSAN 1
#endif
#endif

int nx_seccomp_allow(scmp_filter_ctx ctx, const int *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, list[i], 0);

		if (err != 0)
			return err;
	}
	return 0;
}

#ifdef SAN_REPORTS
static const int san_calls[] = {
    __NR_sigaltstack,
    __NR_rt_sigaction,
    __NR_rt_sigprocmask,
    __NR_prctl,
    __NR_clone,
    __NR_wait4,
    __NR_ptrace,
    __NR_getppid,
    __NR_gettid,
    __NR_sched_yield,
    __NR_sched_getaffinity, /* ASan's pthread_create: nexus-sim's watchdog thread */
    __NR_openat,
    __NR_readlink,
    __NR_getrlimit,
    __NR_prlimit64,
    __NR_mprotect,
    __NR_pipe2,
    __NR_getdents64,
    __NR_tgkill,
    __NR_kill,
    __NR_uname,
#ifdef __NR_clone3
    __NR_clone3,
#endif
    /*
     * The leak checker's tracer (which waits for its parent on a futex and
     * ends with exit) and the runtime's reads of /proc.
     */
    __NR_futex,
    __NR_getpid,
    __NR_nanosleep,
    __NR_lseek,
    __NR_exit,
/* x86-64's sanitizer runtime makes the older calls. */
#ifdef __NR_open
    __NR_open,
#endif
#ifdef __NR_stat
    __NR_stat,
#endif
#ifdef __NR_getdents
    __NR_getdents,
#endif
};
#endif

int nx_seccomp_sanitizer(scmp_filter_ctx ctx)
{
#ifdef SAN_REPORTS
	return nx_seccomp_allow(ctx, san_calls, sizeof(san_calls) / sizeof(san_calls[0]));
#else
	(void)ctx;
	return 0;
#endif
}

void nx_seccomp_leak_check_now(void)
{
#ifdef SAN_LSAN
	__lsan_do_leak_check();
#endif
}

void nx_seccomp_symbolizer_start(void)
{
#ifdef SAN_LSAN
	char name[64];

	__sanitizer_symbolize_pc(__builtin_return_address(0), "%f", name, sizeof(name));
#endif
}

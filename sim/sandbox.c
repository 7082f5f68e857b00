/* nexus-sim's sandbox (sandbox.h). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "cli.h"
#include "landlock.h"
#include "nxhost.h"
#include "sandbox.h"
#include "seccomp_san.h"

/*
 * What the loop does (strace -f over runs, crashes, boots and make test):
 * poll, the kernel sockets (sendmsg, recvmsg, socketpair for KCONNECT),
 * signalfd reads, the console, malloc (brk, mmap, mremap), Unicorn making
 * and dropping one engine per task (mmap, mprotect, madvise, munmap), VMO
 * memfds (memfd_create, ftruncate, fcntl F_ADD_SEALS / F_DUPFD_CLOEXEC /
 * F_GET_SEALS, newfstatat of an imported one), reaping init and its
 * helper, exit, re-arming --timeout's timer for its grace period
 * (timerfd_settime). clock_gettime for a clock the vDSO cannot read;
 * rt_sigreturn and restart_syscall for the kernel's own use. The
 * watchdog thread (watchdog.h), started after the sandbox so that it
 * inherits all of it: its signal mask (rt_sigprocmask), clone of a
 * thread and glibc's own signal handlers (below), set_robust_list and
 * rseq as glibc starts it, futex for its mutex, exit when it is joined.
 */
static const int sim_syscalls[] = {
    __NR_read,
    __NR_write,
    __NR_close,
    __NR_sendmsg,
    __NR_recvmsg,
    __NR_ppoll,
    __NR_socketpair,
    __NR_brk,
    __NR_mmap,
    __NR_munmap,
    __NR_mremap,
    __NR_mprotect,
    __NR_madvise,
    __NR_memfd_create,
    __NR_ftruncate,
    __NR_fcntl,
    __NR_newfstatat,
    __NR_wait4,
    __NR_clock_gettime,
    __NR_rt_sigreturn,
    __NR_restart_syscall,
    __NR_timerfd_settime,
    __NR_futex,
    __NR_rt_sigprocmask,
    __NR_set_robust_list,
    __NR_rseq,
    __NR_exit,
    __NR_exit_group,
#ifdef __NR_poll
    __NR_poll,
#endif
};

/* The real-time signals glibc keeps for itself (its __SIGRTMIN..__SIGRTMIN+1). */
#define SIM_SIGRT_GLIBC_FIRST 32
#define SIM_SIGRT_GLIBC_LAST 33

/* A read-only VMO export reopens its memfd: open("/proc/self/fd/N", O_RDONLY | O_CLOEXEC). */
#define SIM_OPEN_FLAGS (O_RDONLY | O_CLOEXEC)

/*
 * The int argument `arg` equals v. Only its low 32 bits are compared: the
 * kernel reads no more, and a caller may leave the upper half zero
 * (AT_FDCWD arrives as 0xffffff9c).
 */
static struct scmp_arg_cmp sim_arg_eq(unsigned arg, int v)
{
	return (struct scmp_arg_cmp){
	    .arg = arg, .op = SCMP_CMP_MASKED_EQ, .datum_a = UINT32_MAX, .datum_b = (uint32_t)v};
}

static int sim_rules(scmp_filter_ctx ctx, pid_t init_pid, int frame_ids)
{
	int err;

	if ((err = nx_seccomp_allow(ctx, sim_syscalls, sizeof(sim_syscalls) / sizeof(int))) != 0 ||
	    (err = nx_seccomp_sanitizer(ctx)) != 0)
		return err;
	/*
	 * Landlock then lets that open reach nothing but such in-kernel files
	 * (a memfd is no path); without Landlock this still keeps it read-only.
	 */
	if ((err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, __NR_openat, 2, sim_arg_eq(0, AT_FDCWD),
				    sim_arg_eq(2, SIM_OPEN_FLAGS))) != 0)
		return err;
	/* The session kills init when it ends without a clean DOWN; nobody else. */
	if ((err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, __NR_kill, 1, sim_arg_eq(0, init_pid))) !=
	    0)
		return err;
	/*
	 * A thread, never a process: clone with CLONE_THREAD only. clone3's
	 * flags are behind a pointer the filter cannot read, so it fails
	 * with ENOSYS and glibc falls back to clone.
	 */
	if ((err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, __NR_clone, 1,
				    SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD))) !=
		0 ||
	    (err = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), __NR_clone3, 0)) != 0)
		return err;
	/* glibc's first pthread_create installs its internal handlers (SIGCANCEL, SIGSETXID). */
	for (int sig = SIM_SIGRT_GLIBC_FIRST; sig <= SIM_SIGRT_GLIBC_LAST; sig++)
		if ((err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, __NR_rt_sigaction, 1,
					    sim_arg_eq(0, sig))) != 0)
			return err;
	/* The first engine turns transparent huge pages off (cpu_unicorn.c). */
	if ((err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, __NR_prctl, 1,
				    sim_arg_eq(0, PR_SET_THP_DISABLE))) != 0)
		return err;
	/* A traced session's frames carry ids made of the pid (wire/request_id.c). */
	if (frame_ids && (err = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, __NR_getpid, 0)) != 0)
		return err;
	/* stdio asks whether a stream is a terminal before its first write. */
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, __NR_ioctl, 1, sim_arg_eq(1, TCGETS));
}

static int sim_fail(const char *what, int err)
{
	fprintf(stderr, "nexus-sim: sandbox: %s: %s\n", what, strerror(-err));
	return NX_EXIT_INTERNAL;
}

int sim_sandbox(int verbose, pid_t init_pid, int frame_ids)
{
	scmp_filter_ctx ctx;
	int err, abi;

	/* Before Landlock, which would forbid executing it. */
	nx_seccomp_symbolizer_start();
	if ((err = nx_caps_drop_all()) != 0)
		return sim_fail("dropping capabilities", err);
	/* No rules: no path at all. init was forked before, so it is outside: signals stay open. */
	abi = nx_landlock_restrict(NULL, 0, NX_LANDLOCK_SIGNAL_OUT);
	if (abi < 0)
		return sim_fail("landlock", abi);
	if (abi == 0 && verbose)
		fprintf(stderr, "nexus-sim: this kernel has no Landlock: the sandboxes are seccomp "
				"and dropped capabilities only (docs/security.md)\n");
	nx_fault_escape("nexus-sim");
	ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	if (ctx == NULL)
		return sim_fail("seccomp_init", -ENOMEM);
	err = sim_rules(ctx, init_pid, frame_ids);
	if (err == 0)
		err = seccomp_load(ctx);
	seccomp_release(ctx);
	return err != 0 ? sim_fail("seccomp", err) : 0;
}

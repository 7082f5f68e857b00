/*
 * nexus-sim's sandbox (sim/sandbox.c) from inside: each case forks a
 * child that confines itself with sim_sandbox and reports by its exit
 * status (or the signal that ended it). The argument rules are what the
 * end-to-end tests cannot reach: a read-only VMO export still reopens its
 * memfd, any other open is refused or kills, and kill reaches init only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "port.h"
#include "sandbox.h"

/* The sanitizer build allows openat and kill outright (host/seccomp_san.c). */
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define TEST_FILTER_WIDENED 1
#endif
#endif
#ifndef TEST_FILTER_WIDENED
#define TEST_FILTER_WIDENED 0
#endif

#define CHILD_OK 0
#define CHILD_BAD 1
#define VMO_SIZE 8192
#define SOME_FILE "/etc/hostname" /* exists, readable, and beneath no rule */

/* The child's parent: its "init", the one process it may kill (getppid is not allowed after). */
static pid_t parent;

/* Run fn in a child confined with sim_sandbox (init_pid: this process); its wait status. */
static int in_child(int (*fn)(void))
{
	int status = 0;
	pid_t pid;

	parent = getpid();
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(sim_sandbox(0, parent, 0) != 0 ? CHILD_BAD : fn());
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

/* A VMO made under the sandbox, exported without the WRITE right. */
static int ro_export_sandboxed(void)
{
	struct nxk_mem m;
	int fd;

	if (nxk_mem_alloc(VMO_SIZE, &m) != 0)
		return CHILD_BAD;
	fd = nxk_mem_export(&m, 0);
	if (fd < 0 || (fcntl(fd, F_GETFL) & O_ACCMODE) != O_RDONLY)
		return CHILD_BAD;
	return write(fd, "x", 1) < 0 ? CHILD_OK : CHILD_BAD;
}

static void test_read_only_export_still_works(void **state)
{
	int st = in_child(ro_export_sandboxed);

	(void)state;
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), CHILD_OK);
}

static int open_for_reading(void)
{
	return open(SOME_FILE, O_RDONLY | O_CLOEXEC) < 0 && errno == EACCES ? CHILD_OK : CHILD_BAD;
}

static void test_path_refused_by_landlock(void **state)
{
	int st;

	(void)state;
	if (syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION) <= 0)
		skip(); /* no Landlock: the open is allowed (docs/security.md) */
	st = in_child(open_for_reading);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), CHILD_OK);
}

static int open_for_writing(void)
{
	open(SOME_FILE, O_RDWR | O_CLOEXEC);
	return CHILD_BAD;
}

static int kill_init_then_other(void)
{
	if (kill(parent, 0) != 0)
		return CHILD_BAD;
	kill(1, 0);
	return CHILD_BAD;
}

static void test_other_calls_kill(void **state)
{
	int st;

	(void)state;
	if (TEST_FILTER_WIDENED)
		skip();
	st = in_child(open_for_writing);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGSYS);
	st = in_child(kill_init_then_other);
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGSYS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_read_only_export_still_works),
	    cmocka_unit_test(test_path_refused_by_landlock),
	    cmocka_unit_test(test_other_calls_kill),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

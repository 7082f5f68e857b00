/*
 * The kernel's trace hooks (nxk_opts.trace): two budgeted tasks report
 * the same syscalls, slices (quantum, then exit) and task ends on every
 * run; a bad syscall number is reported as not returning and its slice
 * as a crash, a task killed from outside as ended there; nxk_trace_peek
 * reads a task's readable memory and nothing else.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "nexus/err.h"
#include "nexus/syscall.h"
#include "rvcode.h"
#include "tinytask.h"

#define LOG_MAX (1 << 20)

struct trace_env {
	struct tiny_env e;
	struct nxk_trace_ops ops;
	char log[LOG_MAX]; /* one line per event */
	size_t len;
	unsigned putc_calls, quantum_slices;
};

static void logf_(struct trace_env *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(t->log + t->len, LOG_MAX - t->len, fmt, ap);
	va_end(ap);
	assert_true(n > 0 && (size_t)n < LOG_MAX - t->len);
	t->len += (size_t)n;
}

static void on_sys(void *arg, uint32_t pid, const char *name, unsigned nr, const uint64_t a[6],
		   long ret, int returned)
{
	struct trace_env *t = arg;

	(void)a;
	if (nr == NX_SYS_DEBUG_PUTC) {
		/* Too many to log one by one: counted, each must have returned 0. */
		assert_true(returned && ret == 0);
		t->putc_calls++;
		return;
	}
	logf_(t, "sys %s:%u %u %ld %d\n", name, pid, nr, returned ? ret : 0, returned);
}

static void on_slice(void *arg, uint32_t pid, const char *name, int alone, enum nxk_trace_why why,
		     uint64_t status)
{
	struct trace_env *t = arg;

	t->quantum_slices += why == NXK_WHY_QUANTUM;
	logf_(t, "slice %s:%u alone=%d why=%d status=0x%llx\n", name, pid, alone, (int)why,
	      (unsigned long long)status);
}

static void on_task(void *arg, uint32_t pid, const char *name, int ended, uint64_t status,
		    const struct nx_crash *cr)
{
	struct trace_env *t = arg;

	logf_(t, "task %s:%u ended=%d status=0x%llx crash=%d\n", name, pid, ended,
	      (unsigned long long)status, cr != NULL);
}

static int console(void *arg, const char *buf, size_t len)
{
	(void)arg;
	(void)buf;
	(void)len;
	return 0;
}

static struct trace_env *env_new(void)
{
	struct trace_env *t = test_calloc(1, sizeof(*t));

	t->ops =
	    (struct nxk_trace_ops){.sys = on_sys, .slice = on_slice, .task = on_task, .arg = t};
	struct nxk_opts o = {.console = console, .trace = &t->ops};
	t->e.k = nxk_new(&o);
	assert_non_null(t->e.k);
	assert_int_equal(nxh_direct_init(&t->e.d, t->e.k), 0);
	return t;
}

static void env_free(struct trace_env *t)
{
	tiny_env_fini(&t->e);
	test_free(t);
}

/* Two tasks print 8 * 4096 letters each, then exit 0: budgeted, they take turns. */
static void run_two_printers(struct trace_env *t)
{
	long pid[2];

	for (int i = 0; i < 2; i++) {
		uint32_t code[] = {rv_lui(RV_S1, 8),
				   rv_addi(RV_A7, RV_ZERO, NX_SYS_DEBUG_PUTC),
				   rv_addi(RV_A0, RV_ZERO, 'A' + i),
				   RV_ECALL,
				   rv_addi(RV_S1, RV_S1, -1),
				   rv_bne(RV_S1, RV_ZERO, -12),
				   rv_addi(RV_A0, RV_ZERO, i),
				   rv_addi(RV_A7, RV_ZERO, NX_SYS_EXIT),
				   RV_ECALL};
		char name[2] = {(char)('A' + i), 0};
		pid[i] = tiny_spawn(&t->e.d, code, sizeof(code), name);
		assert_true(pid[i] > 0);
	}
	assert_int_equal(tiny_wait(&t->e.d, pid[0], NULL), 0);
	assert_int_equal(tiny_wait(&t->e.d, pid[1], NULL), 1);
}

static void test_budgeted_tasks_trace_the_same_twice(void **state)
{
	(void)state;
	struct trace_env *a = env_new(), *b = env_new();

	run_two_printers(a);
	run_two_printers(b);
	assert_int_equal(a->putc_calls, 2 * 8 * 4096);
	assert_true(a->quantum_slices >= 2);
	assert_non_null(strstr(a->log, "task A:1 ended=0 status=0x0 crash=0\n"));
	assert_non_null(strstr(a->log, "sys A:1 11 0 0\n"));	     /* exit(0) = ? */
	assert_non_null(strstr(a->log, "slice A:1 alone=0 why=1 ")); /* a quantum */
	assert_non_null(strstr(a->log, "task B:2 ended=1 status=0x1 crash=0\n"));
	/* B ends last, alone: its final slice is an exit with status 1. */
	assert_non_null(strstr(a->log, "slice B:2 alone=1 why=6 status=0x1\n"));
	assert_int_equal(a->len, b->len);
	assert_memory_equal(a->log, b->log, a->len);
	env_free(a);
	env_free(b);
}

static void test_bad_syscall_does_not_return(void **state)
{
	(void)state;
	struct trace_env *t = env_new();
	uint32_t code[] = {rv_addi(RV_A7, RV_ZERO, 99), RV_ECALL};
	struct nx_crash cr;
	long pid = tiny_spawn(&t->e.d, code, sizeof(code), "bad");
	uint8_t got[8];

	assert_true(pid > 0);
	/* Before it runs: its code page reads back, an unmapped page and no task do not. */
	assert_int_equal(nxk_trace_peek(t->e.k, (uint32_t)pid, TINY_CODE_VA, got, sizeof(got)), 0);
	assert_memory_equal(got, code, sizeof(got));
	assert_int_equal(nxk_trace_peek(t->e.k, (uint32_t)pid, 0x0, got, 1), -NX_EFAULT);
	assert_int_equal(nxk_trace_peek(t->e.k, 99, TINY_CODE_VA, got, 1), -NX_ESRCH);
	uint32_t st = tiny_wait(&t->e.d, pid, &cr);
	assert_true(NX_WAIT_IS_CRASH(st));
	assert_non_null(strstr(t->log, "sys bad:1 99 0 0\n"));
	char want[96];
	snprintf(want, sizeof(want), "slice bad:1 alone=1 why=%d status=0x%llx\n", NXK_WHY_CRASH,
		 (unsigned long long)st);
	assert_non_null(strstr(t->log, want));
	assert_non_null(strstr(t->log, "task bad:1 ended=1"));
	assert_non_null(strstr(t->log, " crash=1\n"));
	/* Killed before it ever ran: it ended from outside any run of its own. */
	long k = tiny_spawn(&t->e.d, code, sizeof(code), "killed");
	assert_int_equal(tiny_call(&t->e.d, NX_SYS_TASK_KILL, (uint64_t)k, 0, 0, 0, 0, 0), 0);
	assert_non_null(strstr(t->log, "task killed:2 ended=2 "));
	env_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_budgeted_tasks_trace_the_same_twice),
	    cmocka_unit_test(test_bad_syscall_does_not_return),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

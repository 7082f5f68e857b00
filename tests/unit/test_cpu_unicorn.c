/*
 * The Unicorn backend under the kernel, with hand-assembled tasks: the
 * exact pc of a faulting compressed store in a later block, rdtime
 * emulation in alone and budgeted runs, translated code dropped after
 * vmo_write, preemption by the block budget, the same interleaving on
 * every run, a task that spawns another leaving its alone run, and a
 * debugger's hold, steps and breakpoints.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "nexus/err.h"
#include "nexus/rights.h"
#include "nexus/syscall.h"
#include "cpu_unicorn.h"
#include "debug.h"
#include "kobj.h"
#include "rvcode.h"
#include "tinytask.h"

static struct tiny_env *env_new(void)
{
	struct tiny_env *e = test_calloc(1, sizeof(*e));
	assert_int_equal(tiny_env_init(e), 0);
	return e;
}

static void env_free(struct tiny_env *e)
{
	tiny_env_fini(e);
	test_free(e);
}

/*
 * A taken branch chains into a second block whose 2-byte c.sdsp hits the
 * guard page below the stack: the pc reported is that store's, not the
 * first block's start.
 */
static void test_fault_pc_is_the_compressed_store(void **state)
{
	(void)state;
	struct tiny_env *e = env_new();
	uint8_t code[64] = {0};
	uint32_t head[] = {rv_lui(RV_SP, (uint32_t)((TINY_STACK_TOP - 2 * NX_PAGE_SIZE) >> 12)),
			   rv_addi(RV_SP, RV_SP, 0x100),
			   rv_addi(RV_T0, RV_ZERO, 1),
			   rv_bne(RV_T0, RV_ZERO, 8),
			   RV_EBREAK,
			   rv_addi(RV_T1, RV_ZERO, 2)};
	memcpy(code, head, sizeof(head));
	uint16_t store = rv_c_sdsp(RV_RA, 16);
	memcpy(code + sizeof(head), &store, 2);
	long pid = tiny_spawn(&e->d, code, sizeof(code), "guard");
	struct nx_crash cr;
	uint32_t st = tiny_wait(&e->d, pid, &cr);
	assert_int_equal(NX_WAIT_CAUSE(st), NX_CRASH_WRITE_UNMAPPED);
	assert_int_equal(cr.pc, TINY_CODE_VA + sizeof(head));
	assert_int_equal(cr.addr, TINY_STACK_TOP - 2 * NX_PAGE_SIZE + 0x110);
	assert_int_equal(cr.access, NX_ACCESS_WRITE);
	assert_int_equal(cr.regs[RV_T1], 2);
	env_free(e);
}

/* A task that exits with `code` at once. */
static long spawn_exit(struct tiny_env *e, int code, const char *name)
{
	uint32_t text[] = {rv_addi(RV_A0, RV_ZERO, code), rv_addi(RV_A7, RV_ZERO, NX_SYS_EXIT),
			   RV_ECALL};
	long pid = tiny_spawn(&e->d, text, sizeof(text), name);

	assert_true(pid > 0);
	return pid;
}

/*
 * The spare engine nexus-sim makes ahead: the next task runs on it as on
 * a fresh one; making one while one waits keeps one; an untaken one is
 * dropped, and tasks then get engines of their own.
 */
static void test_spare_engine(void **state)
{
	(void)state;
	struct tiny_env *e = env_new();
	struct nx_crash cr;

	assert_int_equal(nxk_cpu_spare(), 0);
	assert_int_equal(nxk_cpu_spare(), 0);
	assert_int_equal(NX_WAIT_CODE(tiny_wait(&e->d, spawn_exit(e, 7, "spare"), &cr)), 7);
	assert_int_equal(nxk_cpu_spare(), 0);
	nxk_cpu_spare_free();
	nxk_cpu_spare_free();
	assert_int_equal(NX_WAIT_CODE(tiny_wait(&e->d, spawn_exit(e, 9, "fresh"), &cr)), 9);
	env_free(e);
}

/*
 * A task that spins for 2^22 blocks and exits 0: spawned beside another,
 * it keeps that one's runs budgeted (a task alone runs with no budget).
 */
static void spawn_spinner(struct tiny_env *e)
{
	uint32_t code[] = {rv_lui(RV_T0, 0x400),
			   rv_addi(RV_T0, RV_T0, -1),
			   rv_bne(RV_T0, RV_ZERO, -4),
			   rv_addi(RV_A0, RV_ZERO, 0),
			   rv_addi(RV_A7, RV_ZERO, NX_SYS_EXIT),
			   RV_ECALL};
	assert_true(tiny_spawn(&e->d, code, sizeof(code), "spin") > 0);
}

/*
 * rdtime twice around a 200-turn loop: no trap, and the clock moved
 * forward (a clock stuck at 0, or running backwards, fails). Exit 0 when
 * t0 < t1.
 */
static void test_rdtime_is_emulated(void **state)
{
	(void)state;
	struct tiny_env *e = env_new();
	uint32_t code[] = {RV_RDTIME(RV_T0),
			   rv_addi(RV_T1, RV_ZERO, 200),
			   rv_addi(RV_T1, RV_T1, -1),
			   rv_bne(RV_T1, RV_ZERO, -4),
			   RV_RDTIME(RV_A1),
			   rv_sltu(RV_A0, RV_T0, RV_A1),
			   rv_addi(RV_T1, RV_ZERO, 1),
			   rv_sub(RV_A0, RV_T1, RV_A0),
			   rv_addi(RV_A7, RV_ZERO, NX_SYS_EXIT),
			   RV_ECALL};
	long pid = tiny_spawn(&e->d, code, sizeof(code), "time");
	assert_int_equal(tiny_wait(&e->d, pid, NULL), 0);
	env_free(e);
}

/*
 * rdtime, a spin of 2^20 blocks, rdtime; exit 0 when t1 - t0 is what the
 * clock promises. Alone, no block is counted and each read moves the
 * clock by NXK_CPU_RDTIME_STEP, so the difference is exactly one step;
 * budgeted (a spinner beside it), the clock is the block count kept
 * across slices, so it is at least one quantum.
 */
static uint32_t clock_task(struct tiny_env *e, int budgeted)
{
	uint32_t q = NX_SCHED_QUANTUM_BLOCKS;
	uint32_t hi = (q + 0x800) >> 12;
	uint32_t code[] = {RV_RDTIME(RV_T0),
			   rv_lui(RV_T1, 0x100),
			   rv_addi(RV_T1, RV_T1, -1),
			   rv_bne(RV_T1, RV_ZERO, -4),
			   RV_RDTIME(RV_A1),
			   rv_sub(RV_A0, RV_A1, RV_T0),
			   rv_lui(RV_S2, hi),
			   rv_addi(RV_S2, RV_S2, (int32_t)(q - (hi << 12))),
			   budgeted ? rv_sltu(RV_A0, RV_A0, RV_S2)
				    : rv_addi(RV_A0, RV_A0, -NXK_CPU_RDTIME_STEP),
			   budgeted ? rv_addi(RV_ZERO, RV_ZERO, 0) : rv_sltu(RV_A0, RV_ZERO, RV_A0),
			   rv_addi(RV_A7, RV_ZERO, NX_SYS_EXIT),
			   RV_ECALL};
	long pid = tiny_spawn(&e->d, code, sizeof(code), "clock");
	if (budgeted)
		spawn_spinner(e);
	return tiny_wait(&e->d, pid, NULL);
}

static void test_rdtime_steps_when_alone(void **state)
{
	(void)state;
	struct tiny_env *e = env_new();
	assert_int_equal(clock_task(e, 0), 0);
	env_free(e);
}

static void test_rdtime_counts_blocks_when_budgeted(void **state)
{
	(void)state;
	struct tiny_env *e = env_new();
	assert_int_equal(clock_task(e, 1), 0);
	env_free(e);
}

/*
 * The task runs its first block, spins past one slice, then comes back
 * to the first block and exits with a0. Between slices the host rewrites
 * that block's first instruction: the task must run the new one.
 */
static void test_vmo_write_drops_translated_code(void **state)
{
	(void)state;
	struct tiny_env *e = env_new();
	uint32_t code[] = {rv_addi(RV_A0, RV_ZERO, 1),
			   rv_bne(RV_S1, RV_ZERO, 28),
			   rv_addi(RV_S1, RV_ZERO, 1),
			   rv_lui(RV_T0, 0x100),
			   rv_addi(RV_T0, RV_T0, -1),
			   rv_bne(RV_T0, RV_ZERO, -4),
			   rv_jal(RV_ZERO, -24),
			   0x00000013,
			   rv_addi(RV_A7, RV_ZERO, NX_SYS_EXIT),
			   RV_ECALL};
	long as = tiny_call(&e->d, NX_SYS_AS_CREATE, 0, 0, 0, 0, 0, 0);
	long vmo = tiny_call(&e->d, NX_SYS_VMO_CREATE, NX_PAGE_SIZE, 0, 0, 0, 0, 0);
	const uint64_t w[6] = {(uint64_t)vmo, 0, 0, sizeof(code)};
	assert_int_equal(
	    e->d.kc.call(&e->d, NX_SYS_VMO_WRITE, w, code, sizeof(code), NULL, 0, -1, NULL), 0);
	assert_int_equal(tiny_call(&e->d, NX_SYS_AS_MAP, (uint64_t)as, (uint64_t)vmo, TINY_CODE_VA,
				   NX_PAGE_SIZE, NX_PROT_READ | NX_PROT_EXEC, 0),
			 0);
	const uint64_t s[6] = {(uint64_t)as, TINY_CODE_VA, 0, 0, 0, 4};
	long pid = e->d.kc.call(&e->d, NX_SYS_SPAWN, s, "code", 4, NULL, 0, -1, NULL);
	assert_true(pid > 0);
	/* Budgeted, so the first slice ends with the task spinning. */
	spawn_spinner(e);
	assert_int_equal(nxk_run_slice(e->k), 1);
	uint32_t patched = rv_addi(RV_A0, RV_ZERO, 2);
	const uint64_t p[6] = {(uint64_t)vmo, 0, 0, 4};
	assert_int_equal(e->d.kc.call(&e->d, NX_SYS_VMO_WRITE, p, &patched, 4, NULL, 0, -1, NULL),
			 0);
	assert_int_equal(tiny_wait(&e->d, pid, NULL), 2);
	env_free(e);
}

/* Two tasks each print their letter in a loop; returns the console. */
static void run_two_printers(struct tiny_env *e)
{
	for (char c = 'A'; c <= 'B'; c++) {
		uint32_t code[] = {rv_lui(RV_S1, 8),
				   rv_addi(RV_A7, RV_ZERO, NX_SYS_DEBUG_PUTC),
				   rv_addi(RV_A0, RV_ZERO, c),
				   RV_ECALL,
				   rv_addi(RV_S1, RV_S1, -1),
				   rv_bne(RV_S1, RV_ZERO, -12),
				   rv_addi(RV_A0, RV_ZERO, 0),
				   rv_addi(RV_A7, RV_ZERO, NX_SYS_EXIT),
				   RV_ECALL};
		char name[2] = {c, 0};
		assert_true(tiny_spawn(&e->d, code, sizeof(code), name) > 0);
	}
	assert_int_equal(tiny_wait(&e->d, 1, NULL), 0);
	assert_int_equal(tiny_wait(&e->d, 2, NULL), 0);
}

static void test_budget_preempts_deterministically(void **state)
{
	(void)state;
	struct tiny_env *a = env_new(), *b = env_new();
	run_two_printers(a);
	run_two_printers(b);
	assert_int_equal(a->outlen, 2 * 8 * 4096);
	/* Preempted: the letters alternate in runs, more than once each. */
	unsigned switches = 0;
	for (size_t i = 1; i < a->outlen; i++)
		switches += a->out[i] != a->out[i - 1];
	assert_true(switches >= 3);
	assert_int_equal(a->outlen, b->outlen);
	assert_memory_equal(a->out, b->out, a->outlen);
	env_free(a);
	env_free(b);
}

/* A loop printing `c` n * 4096 times, then exit 0: 9 instructions. */
static void printer(uint32_t *code, char c, uint32_t n)
{
	uint32_t loop[] = {rv_lui(RV_S1, n),
			   rv_addi(RV_A7, RV_ZERO, NX_SYS_DEBUG_PUTC),
			   rv_addi(RV_A0, RV_ZERO, c),
			   RV_ECALL,
			   rv_addi(RV_S1, RV_S1, -1),
			   rv_bne(RV_S1, RV_ZERO, -12),
			   rv_addi(RV_A0, RV_ZERO, 0),
			   rv_addi(RV_A7, RV_ZERO, NX_SYS_EXIT),
			   RV_ECALL};
	memcpy(code, loop, sizeof(loop));
}

#define CHILD_OFF 0x400 /* in the parent's code page: the child's code */
#define CHILD_NAME_OFF 0x500
#define PRINTER_WORDS 9

/*
 * A parent task, alone, builds an address space holding a 'B' printer
 * (16384 letters: more than a quantum), spawns it and prints 32768 'A's.
 * The spawn must end the parent's alone run at once: the child runs
 * first and from there they take budgeted turns, so the output starts
 * with 'B' and switches letters at least three times, identically on
 * every run. An alone run going on after the spawn prints every 'A'
 * first.
 */
static void run_spawner(struct tiny_env *e)
{
	uint8_t page[NX_PAGE_SIZE] = {0};
	uint32_t head[] = {rv_addi(RV_A7, RV_ZERO, NX_SYS_AS_CREATE),
			   RV_ECALL,
			   rv_addi(RV_S2, RV_A0, 0),
			   rv_addi(RV_A7, RV_ZERO, NX_SYS_VMO_CREATE),
			   rv_lui(RV_A0, 1),
			   RV_ECALL,
			   rv_addi(RV_S3, RV_A0, 0),
			   rv_addi(RV_A7, RV_ZERO, NX_SYS_VMO_WRITE),
			   rv_addi(RV_A0, RV_S3, 0),
			   rv_addi(RV_A1, RV_ZERO, 0),
			   rv_lui(RV_A2, TINY_CODE_VA >> 12),
			   rv_addi(RV_A2, RV_A2, CHILD_OFF),
			   rv_addi(RV_A3, RV_ZERO, PRINTER_WORDS * 4),
			   RV_ECALL,
			   rv_addi(RV_A7, RV_ZERO, NX_SYS_AS_MAP),
			   rv_addi(RV_A0, RV_S2, 0),
			   rv_addi(RV_A1, RV_S3, 0),
			   rv_lui(RV_A2, TINY_CODE_VA >> 12),
			   rv_lui(RV_A3, 1),
			   rv_addi(RV_A4, RV_ZERO, NX_PROT_READ | NX_PROT_EXEC),
			   rv_addi(RV_A5, RV_ZERO, 0),
			   RV_ECALL,
			   rv_addi(RV_A7, RV_ZERO, NX_SYS_SPAWN),
			   rv_addi(RV_A0, RV_S2, 0),
			   rv_lui(RV_A1, TINY_CODE_VA >> 12),
			   rv_addi(RV_A2, RV_ZERO, 0),
			   rv_addi(RV_A3, RV_ZERO, 0),
			   rv_lui(RV_A4, TINY_CODE_VA >> 12),
			   rv_addi(RV_A4, RV_A4, CHILD_NAME_OFF),
			   rv_addi(RV_A5, RV_ZERO, 1),
			   RV_ECALL};
	memcpy(page, head, sizeof(head));
	printer((uint32_t *)(void *)(page + sizeof(head)), 'A', 8);
	printer((uint32_t *)(void *)(page + CHILD_OFF), 'B', 4);
	page[CHILD_NAME_OFF] = 'B';
	long pid = tiny_spawn(&e->d, page, sizeof(page), "A");
	assert_int_equal(tiny_wait(&e->d, pid, NULL), 0);
	while (nxk_run_slice(e->k))
		;
}

static void test_spawn_ends_the_alone_run(void **state)
{
	(void)state;
	struct tiny_env *a = env_new(), *b = env_new();
	run_spawner(a);
	run_spawner(b);
	assert_int_equal(a->outlen, 8 * 4096 + 4 * 4096);
	assert_int_equal(a->out[0], 'B');
	unsigned switches = 0;
	for (size_t i = 1; i < a->outlen; i++)
		switches += a->out[i] != a->out[i - 1];
	assert_true(switches >= 3);
	assert_int_equal(a->outlen, b->outlen);
	assert_memory_equal(a->out, b->out, a->outlen);
	env_free(a);
	env_free(b);
}

/* What a debugger attached through kernel/debug.h was told. */
struct dbg_log {
	unsigned n;
	struct nxk_dbg_event last;
};

static void dbg_event(void *arg, const struct nxk_dbg_event *ev)
{
	struct dbg_log *l = arg;
	l->n++;
	l->last = *ev;
}

/* Slices until the debugger hears of it again. */
static void run_until_event(struct tiny_env *e, struct dbg_log *l)
{
	unsigned n = l->n;
	while (l->n == n && nxk_run_slice(e->k))
		;
	assert_int_equal(l->n, n + 1);
}

/*
 * A task of four increments of a0 then exit(a0), debugged: held at its
 * first instruction, one step runs exactly one instruction, a breakpoint
 * stops before its instruction, memory is the task's with its rights, f
 * registers round-trip, and the end is reported.
 */
static void test_debugger_steps_and_breaks(void **state)
{
	(void)state;
	struct tiny_env *e = env_new();
	struct dbg_log l = {0};
	const struct nxk_dbg_ops ops = {dbg_event, &l};
	uint32_t code[] = {rv_addi(RV_A0, RV_ZERO, 1),
			   rv_addi(RV_A0, RV_A0, 1),
			   rv_addi(RV_A0, RV_A0, 1),
			   rv_addi(RV_A0, RV_A0, 1),
			   rv_addi(RV_A7, RV_ZERO, NX_SYS_EXIT),
			   RV_ECALL};
	uint64_t v;
	uint32_t word = 0;

	assert_int_equal(nxk_dbg_attach_next(e->k, &ops), 0);
	assert_int_equal(nxk_dbg_attach_next(e->k, &ops), -NX_EEXIST);
	long pid = tiny_spawn(&e->d, code, sizeof(code), "dbg");
	run_until_event(e, &l);
	assert_int_equal(l.last.why, NXK_DBG_ENTRY);
	assert_int_equal(l.last.pc, TINY_CODE_VA);
	assert_int_equal(l.last.pid, pid);
	/* Held: nothing runs it. */
	assert_int_equal(nxk_run_slice(e->k), 0);

	assert_int_equal(nxk_dbg_resume(e->k, 1), 0);
	run_until_event(e, &l);
	assert_int_equal(l.last.why, NXK_DBG_STEP);
	assert_int_equal(l.last.pc, TINY_CODE_VA + 4);
	assert_int_equal(nxk_dbg_reg(e->k, RV_A0, &v), 0);
	assert_int_equal(v, 1);

	assert_int_equal(nxk_dbg_break(e->k, TINY_CODE_VA + 12, 1), 0);
	assert_int_equal(nxk_dbg_resume(e->k, 0), 0);
	run_until_event(e, &l);
	assert_int_equal(l.last.why, NXK_DBG_BREAK);
	assert_int_equal(l.last.pc, TINY_CODE_VA + 12);
	assert_int_equal(nxk_dbg_reg(e->k, RV_A0, &v), 0);
	assert_int_equal(v, 3);

	/* The engine's own limit, NXK_CPU_BREAKS_MAX beside the one set, not one more. */
	struct nxk_cpu *cpu = nxk_task_find(e->k, (uint32_t)pid)->cpu;
	for (unsigned i = 1; i < NXK_CPU_BREAKS_MAX; i++)
		assert_int_equal(nxk_cpu_break(cpu, TINY_CODE_VA + 0x100 + 4 * i, 1), 0);
	assert_int_equal(nxk_cpu_break(cpu, TINY_CODE_VA + 0x100, 1), -NX_ENOSPC);
	for (unsigned i = 1; i < NXK_CPU_BREAKS_MAX; i++)
		assert_int_equal(nxk_cpu_break(cpu, TINY_CODE_VA + 0x100 + 4 * i, 0), 0);

	/* NXK_DBG_BREAKS_MAX at once, not one more; setting one again takes no place. */
	for (unsigned i = 1; i < NXK_DBG_BREAKS_MAX; i++)
		assert_int_equal(nxk_dbg_break(e->k, TINY_CODE_VA + 0x100 + 4 * i, 1), 0);
	assert_int_equal(nxk_dbg_break(e->k, TINY_CODE_VA + 0x100, 1), -NX_ENOSPC);
	assert_int_equal(nxk_dbg_break(e->k, TINY_CODE_VA + 0x104, 1), 0);
	for (unsigned i = 1; i < NXK_DBG_BREAKS_MAX; i++)
		assert_int_equal(nxk_dbg_break(e->k, TINY_CODE_VA + 0x100 + 4 * i, 0), 0);

	/* The code page reads, but is not written; the data page is. */
	assert_int_equal(nxk_dbg_mem(e->k, TINY_CODE_VA, &word, 4, 0), 4);
	assert_int_equal(word, code[0]);
	assert_int_equal(nxk_dbg_mem(e->k, TINY_CODE_VA, &word, 4, 1), 0);
	assert_int_equal(nxk_dbg_mem(e->k, TINY_DATA_VA, &word, 4, 1), 4);
	assert_int_equal(nxk_dbg_mem(e->k, TINY_DATA_VA + NX_PAGE_SIZE - 2, &word, 4, 0), 2);
	assert_int_equal(nxk_dbg_set_reg(e->k, NXK_DBG_F0 + 1, 0x4004000000000000ULL), 0);
	assert_int_equal(nxk_dbg_reg(e->k, NXK_DBG_F0 + 1, &v), 0);
	assert_int_equal(v, 0x4004000000000000ULL);

	/* Stepping from the breakpoint runs its instruction: a0 4, then exit(4). */
	assert_int_equal(nxk_dbg_resume(e->k, 1), 0);
	run_until_event(e, &l);
	assert_int_equal(l.last.why, NXK_DBG_STEP);
	assert_int_equal(nxk_dbg_resume(e->k, 0), 0);
	run_until_event(e, &l);
	assert_int_equal(l.last.why, NXK_DBG_EXITED);
	assert_int_equal(l.last.status, 4);
	assert_int_equal(tiny_wait(&e->d, pid, NULL), 4);
	env_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fault_pc_is_the_compressed_store),
	    cmocka_unit_test(test_rdtime_is_emulated),
	    cmocka_unit_test(test_rdtime_steps_when_alone),
	    cmocka_unit_test(test_rdtime_counts_blocks_when_budgeted),
	    cmocka_unit_test(test_vmo_write_drops_translated_code),
	    cmocka_unit_test(test_budget_preempts_deterministically),
	    cmocka_unit_test(test_spawn_ends_the_alone_run),
	    cmocka_unit_test(test_debugger_steps_and_breaks),
	    cmocka_unit_test(test_spare_engine),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

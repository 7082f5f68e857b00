/*
 * Kernel objects through the syscall table as a host caller sees them:
 * handles, VMOs, address spaces, tasks, copyin/copyout, and every as_map
 * refusal, each at its limit and one past it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "nexus/err.h"
#include "nexus/limits.h"
#include "nexus/rights.h"
#include "nexus/syscall.h"
#include "rvcode.h"
#include "tinytask.h"

static int setup(void **state)
{
	struct tiny_env *e = test_calloc(1, sizeof(*e));
	if (tiny_env_init(e) != 0)
		return -1;
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct tiny_env *e = *state;
	tiny_env_fini(e);
	test_free(e);
	return 0;
}

#define CALL(e, nr, ...) tiny_call(&(e)->d, nr, __VA_ARGS__)
#define PG NX_PAGE_SIZE
#define RW (NX_PROT_READ | NX_PROT_WRITE)
#define RX (NX_PROT_READ | NX_PROT_EXEC)

static long new_as(struct tiny_env *e)
{
	long as = CALL(e, NX_SYS_AS_CREATE, 0, 0, 0, 0, 0, 0);
	assert_true(as > 0);
	return as;
}

static long new_vmo(struct tiny_env *e, uint64_t size)
{
	long v = CALL(e, NX_SYS_VMO_CREATE, size, 0, 0, 0, 0, 0);
	assert_true(v > 0);
	return v;
}

static long map(struct tiny_env *e, long as, long vmo, uint64_t va, uint64_t len, uint64_t prot)
{
	return CALL(e, NX_SYS_AS_MAP, (uint64_t)as, (uint64_t)vmo, va, len, prot, 0);
}

static int export_fd(struct tiny_env *e, long vmo)
{
	const uint64_t a[6] = {(uint64_t)vmo};
	int fd = -1;
	long r = e->d.kc.call(&e->d, NX_SYS_VMO_EXPORT, a, NULL, 0, NULL, 0, -1, &fd);
	assert_int_equal(r, 0);
	assert_true(fd >= 0);
	return fd;
}

static void test_vmo_starts_zeroed(void **state)
{
	struct tiny_env *e = *state;
	long v = new_vmo(e, 4 * PG);
	int fd = export_fd(e, v);
	uint8_t *p = mmap(NULL, 4 * PG, PROT_READ, MAP_SHARED, fd, 0);
	assert_true(p != MAP_FAILED);
	for (size_t i = 0; i < 4 * PG; i++)
		assert_int_equal(p[i], 0);
	munmap(p, 4 * PG);
	close(fd);
}

static void test_vmo_size_cap(void **state)
{
	struct tiny_env *e = *state;
	assert_true(CALL(e, NX_SYS_VMO_CREATE, NX_VMO_SIZE_MAX, 0, 0, 0, 0, 0) > 0);
	assert_int_equal(CALL(e, NX_SYS_VMO_CREATE, NX_VMO_SIZE_MAX + 1, 0, 0, 0, 0, 0),
			 -NX_EINVAL);
	assert_int_equal(CALL(e, NX_SYS_VMO_CREATE, 0, 0, 0, 0, 0, 0), -NX_EINVAL);
}

static void test_vmo_write_checks_range(void **state)
{
	struct tiny_env *e = *state;
	long v = new_vmo(e, PG);
	char buf[16] = "abc";
	const uint64_t ok[6] = {(uint64_t)v, PG - 16, 0, 16};
	assert_int_equal(e->d.kc.call(&e->d, NX_SYS_VMO_WRITE, ok, buf, 16, NULL, 0, -1, NULL), 0);
	const uint64_t past[6] = {(uint64_t)v, PG - 15, 0, 16};
	assert_int_equal(e->d.kc.call(&e->d, NX_SYS_VMO_WRITE, past, buf, 16, NULL, 0, -1, NULL),
			 -NX_EINVAL);
}

static void test_exported_vmo_cannot_shrink(void **state)
{
	struct tiny_env *e = *state;
	int fd = export_fd(e, new_vmo(e, PG));
	assert_int_not_equal(ftruncate(fd, 0), 0);
	close(fd);
}

static void test_handle_table_cap(void **state)
{
	struct tiny_env *e = *state;
	for (unsigned i = 0; i < NX_HANDLES_MAX; i++)
		assert_true(CALL(e, NX_SYS_AS_CREATE, 0, 0, 0, 0, 0, 0) > 0);
	assert_int_equal(CALL(e, NX_SYS_AS_CREATE, 0, 0, 0, 0, 0, 0), -NX_ENOSPC);
	assert_int_equal(CALL(e, NX_SYS_HANDLE_CLOSE, 7, 0, 0, 0, 0, 0), 0);
	assert_int_equal(CALL(e, NX_SYS_AS_CREATE, 0, 0, 0, 0, 0, 0), 7);
}

static void test_bad_handles(void **state)
{
	struct tiny_env *e = *state;
	long as = new_as(e);
	long v = new_vmo(e, PG);
	assert_int_equal(CALL(e, NX_SYS_HANDLE_CLOSE, 0, 0, 0, 0, 0, 0), -NX_EBADF);
	assert_int_equal(CALL(e, NX_SYS_HANDLE_CLOSE, NX_HANDLES_MAX + 1, 0, 0, 0, 0, 0),
			 -NX_EBADF);
	/* A handle of the wrong type, either way round. */
	assert_int_equal(map(e, v, as, 0x10000, PG, RW), -NX_EBADF);
	assert_int_equal(map(e, as, as, 0x10000, PG, RW), -NX_EBADF);
	/* A closed handle. */
	assert_int_equal(CALL(e, NX_SYS_HANDLE_CLOSE, (uint64_t)v, 0, 0, 0, 0, 0), 0);
	assert_int_equal(CALL(e, NX_SYS_HANDLE_CLOSE, (uint64_t)v, 0, 0, 0, 0, 0), -NX_EBADF);
	assert_int_equal(map(e, as, v, 0x10000, PG, RW), -NX_EBADF);
}

static void test_as_map_rejects_unaligned(void **state)
{
	struct tiny_env *e = *state;
	long as = new_as(e), v = new_vmo(e, 2 * PG);
	assert_int_equal(map(e, as, v, 0x10000 + 8, PG, RW), -NX_EINVAL);
	assert_int_equal(map(e, as, v, 0x10000, PG - 1, RW), -NX_EINVAL);
	assert_int_equal(map(e, as, v, 0x10000, 0, RW), -NX_EINVAL);
	assert_int_equal(CALL(e, NX_SYS_AS_MAP, (uint64_t)as, (uint64_t)v, 0x10000, PG, RW, 8),
			 -NX_EINVAL);
	assert_int_equal(map(e, as, v, 0x10000, PG, RW), 0);
}

static void test_as_map_range_edges(void **state)
{
	struct tiny_env *e = *state;
	long as = new_as(e), v = new_vmo(e, PG);
	assert_int_equal(map(e, as, v, NX_USER_BASE - PG, PG, RW), -NX_ERANGE);
	assert_int_equal(map(e, as, v, NX_USER_BASE, PG, RW), 0);
	assert_int_equal(map(e, as, v, NX_USER_TOP, PG, RW), -NX_ERANGE);
	assert_int_equal(map(e, as, v, NX_USER_TOP - PG, PG, RW), 0);
	long big = new_vmo(e, 2 * PG);
	assert_int_equal(map(e, as, big, NX_USER_TOP - 3 * PG + PG, 2 * PG, RW), -NX_EEXIST);
	assert_int_equal(map(e, as, big, NX_USER_TOP - 3 * PG, 2 * PG, RW), 0);
	/* va + len wrapping past 2^64 is outside the range, not a small number. */
	assert_int_equal(map(e, as, big, 0xfffffffffffff000ULL, 2 * PG, RW), -NX_ERANGE);
}

static void test_as_map_vmo_range(void **state)
{
	struct tiny_env *e = *state;
	long as = new_as(e), v = new_vmo(e, 2 * PG);
	assert_int_equal(CALL(e, NX_SYS_AS_MAP, (uint64_t)as, (uint64_t)v, 0x10000, PG, RW, 2 * PG),
			 -NX_EINVAL);
	assert_int_equal(map(e, as, v, 0x10000, 3 * PG, RW), -NX_EINVAL);
	assert_int_equal(CALL(e, NX_SYS_AS_MAP, (uint64_t)as, (uint64_t)v, 0x10000, PG, RW, PG), 0);
}

static void test_as_map_rejects_overlap(void **state)
{
	struct tiny_env *e = *state;
	long as = new_as(e), v = new_vmo(e, 4 * PG);
	assert_int_equal(map(e, as, v, 0x20000, 2 * PG, RW), 0);
	assert_int_equal(map(e, as, v, 0x20000 + PG, 2 * PG, RW), -NX_EEXIST);
	assert_int_equal(map(e, as, v, 0x20000 - PG, 2 * PG, RW), -NX_EEXIST);
	assert_int_equal(map(e, as, v, 0x20000 - PG, PG, RW), 0);
	assert_int_equal(map(e, as, v, 0x20000 + 2 * PG, PG, RW), 0);
}

static void test_as_map_rejects_wx(void **state)
{
	struct tiny_env *e = *state;
	long as = new_as(e), v = new_vmo(e, PG);
	assert_int_equal(map(e, as, v, 0x10000, PG, NX_PROT_WRITE | NX_PROT_EXEC), -NX_EPERM);
	assert_int_equal(map(e, as, v, 0x10000, PG, RW | NX_PROT_EXEC), -NX_EPERM);
	assert_int_equal(map(e, as, v, 0x10000, PG, 8 | NX_PROT_READ), -NX_EINVAL);
	assert_int_equal(map(e, as, v, 0x10000, PG, RX), 0);
}

/* One VMO is never writable in one place and executable in another, in any address space. */
static void test_as_map_rejects_wx_alias(void **state)
{
	struct tiny_env *e = *state;
	long as = new_as(e), as2 = new_as(e), v = new_vmo(e, PG), w = new_vmo(e, PG);
	assert_int_equal(map(e, as, v, 0x10000, PG, RW), 0);
	assert_int_equal(map(e, as, v, 0x20000, PG, RX), -NX_EPERM);
	assert_int_equal(map(e, as2, v, 0x20000, PG, RX), -NX_EPERM);
	assert_int_equal(map(e, as2, v, 0x20000, PG, NX_PROT_READ),
			 0); /* read-only aliases are fine */
	assert_int_equal(map(e, as, w, 0x30000, PG, RX), 0);
	assert_int_equal(map(e, as2, w, 0x30000, PG, RW), -NX_EPERM);
	assert_int_equal(map(e, as2, w, 0x40000, PG, RX), 0);
}

/* Once an address space that held the writable mapping is gone, the VMO may be mapped executable.
 */
static void test_wx_alias_ends_with_its_mapping(void **state)
{
	struct tiny_env *e = *state;
	long as = new_as(e), as2 = new_as(e), v = new_vmo(e, PG);
	assert_int_equal(map(e, as, v, 0x10000, PG, RW), 0);
	assert_int_equal(map(e, as2, v, 0x10000, PG, RX), -NX_EPERM);
	assert_int_equal(CALL(e, NX_SYS_HANDLE_CLOSE, (uint64_t)as, 0, 0, 0, 0, 0), 0);
	assert_int_equal(map(e, as2, v, 0x10000, PG, RX), 0);
}

/* A VMO mapped executable exports read-only even through a handle with WRITE. */
static void test_export_of_code_is_read_only(void **state)
{
	struct tiny_env *e = *state;
	long as = new_as(e), v = new_vmo(e, PG);
	assert_int_equal(map(e, as, v, 0x10000, PG, RX), 0);
	int fd = export_fd(e, v);
	assert_int_equal(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDONLY);
	close(fd);
}

static void test_as_map_guard_reserves(void **state)
{
	struct tiny_env *e = *state;
	long as = new_as(e), v = new_vmo(e, PG);
	assert_int_equal(map(e, as, 0, 0x30000, PG, 0), 0);
	assert_int_equal(map(e, as, v, 0x30000, PG, RW), -NX_EEXIST);
	assert_int_equal(map(e, as, 0, 0x30000, PG, 0), -NX_EEXIST);
	/* No vmo with a prot, or a vmo with none, is not a guard. */
	assert_int_equal(map(e, as, 0, 0x40000, PG, NX_PROT_READ), -NX_EBADF);
	assert_int_equal(map(e, as, v, 0x40000, PG, 0), -NX_EINVAL);
}

static void test_as_map_checks_rights(void **state)
{
	struct tiny_env *e = *state;
	long as = new_as(e);
	/* An imported memfd not sealed for execution has no EXEC right. */
	int fd = memfd_create("t", MFD_ALLOW_SEALING);
	assert_int_equal(ftruncate(fd, PG), 0);
	assert_int_equal(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK), 0);
	const uint64_t a[6] = {0};
	long v = e->d.kc.call(&e->d, NX_SYS_VMO_IMPORT, a, NULL, 0, NULL, 0, fd, NULL);
	assert_true(v > 0);
	assert_int_equal(map(e, as, v, 0x10000, PG, RX), -NX_EACCES);
	assert_int_equal(map(e, as, v, 0x10000, PG, RW), 0);
	close(fd);
}

static void test_as_map_mapping_cap(void **state)
{
	struct tiny_env *e = *state;
	long as = new_as(e), v = new_vmo(e, PG);
	for (unsigned i = 0; i < NX_AS_MAPPINGS_MAX; i++)
		assert_int_equal(
		    map(e, as, i % 2 ? v : 0, 0x100000 + 2 * i * PG, PG, i % 2 ? RW : 0), 0);
	assert_int_equal(map(e, as, v, 0x100000 + 2 * NX_AS_MAPPINGS_MAX * PG, PG, RW), -NX_ENOSPC);
}

static void test_vmo_import_requires_seals(void **state)
{
	struct tiny_env *e = *state;
	const uint64_t plain[6] = {0}, exec[6] = {NX_VMO_IMPORT_EXEC};
	int fd = memfd_create("t", MFD_ALLOW_SEALING);
	assert_int_equal(ftruncate(fd, PG), 0);
	assert_int_equal(e->d.kc.call(&e->d, NX_SYS_VMO_IMPORT, plain, NULL, 0, NULL, 0, fd, NULL),
			 -NX_EPERM);
	assert_int_equal(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW), 0);
	assert_int_equal(e->d.kc.call(&e->d, NX_SYS_VMO_IMPORT, exec, NULL, 0, NULL, 0, fd, NULL),
			 -NX_EPERM);
	assert_int_equal(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), 0);
	long v = e->d.kc.call(&e->d, NX_SYS_VMO_IMPORT, exec, NULL, 0, NULL, 0, fd, NULL);
	assert_true(v > 0);
	long as = new_as(e);
	assert_int_equal(map(e, as, v, 0x10000, PG, RW), -NX_EACCES);
	assert_int_equal(map(e, as, v, 0x10000, PG, RX), 0);
	/* No fd, a pipe, unknown flags. */
	assert_int_equal(e->d.kc.call(&e->d, NX_SYS_VMO_IMPORT, plain, NULL, 0, NULL, 0, -1, NULL),
			 -NX_EBADF);
	int p[2];
	assert_int_equal(pipe(p), 0);
	assert_int_equal(
	    e->d.kc.call(&e->d, NX_SYS_VMO_IMPORT, plain, NULL, 0, NULL, 0, p[0], NULL),
	    -NX_EINVAL);
	const uint64_t bad[6] = {2};
	assert_int_equal(e->d.kc.call(&e->d, NX_SYS_VMO_IMPORT, bad, NULL, 0, NULL, 0, fd, NULL),
			 -NX_EINVAL);
	close(p[0]);
	close(p[1]);
	close(fd);
}

static void test_host_copyin_bounds(void **state)
{
	struct tiny_env *e = *state;
	const char msg[8] = "abcdefg";
	const uint64_t whole[6] = {0, 8}, past[6] = {1, 8}, far[6] = {UINT64_MAX, 2};
	assert_int_equal(e->d.kc.call(&e->d, NX_SYS_DEBUG_WRITE, whole, msg, 8, NULL, 0, -1, NULL),
			 8);
	assert_int_equal(e->d.kc.call(&e->d, NX_SYS_DEBUG_WRITE, past, msg, 8, NULL, 0, -1, NULL),
			 -NX_EFAULT);
	assert_int_equal(e->d.kc.call(&e->d, NX_SYS_DEBUG_WRITE, far, msg, 8, NULL, 0, -1, NULL),
			 -NX_EFAULT);
	assert_int_equal(e->outlen, 8);
	assert_memory_equal(e->out, msg, 8);
}

static void test_debug_write_cap(void **state)
{
	struct tiny_env *e = *state;
	static char buf[NX_DEBUG_WRITE_MAX + 1];
	const uint64_t at[6] = {0, NX_DEBUG_WRITE_MAX}, over[6] = {0, NX_DEBUG_WRITE_MAX + 1};
	assert_int_equal(
	    e->d.kc.call(&e->d, NX_SYS_DEBUG_WRITE, at, buf, sizeof(buf), NULL, 0, -1, NULL),
	    NX_DEBUG_WRITE_MAX);
	assert_int_equal(
	    e->d.kc.call(&e->d, NX_SYS_DEBUG_WRITE, over, buf, sizeof(buf), NULL, 0, -1, NULL),
	    -NX_EMSGSIZE);
}

/* exit(a0 of the call): a task's view of a syscall's result. */
static uint32_t run_call(struct tiny_env *e, unsigned nr, int32_t a0, int32_t a1)
{
	uint32_t code[] = {rv_addi(RV_A7, RV_ZERO, (int32_t)nr),
			   rv_lui(RV_A0, 0),
			   rv_addi(RV_A0, RV_A0, a0),
			   rv_addi(RV_A1, RV_ZERO, a1),
			   RV_ECALL,
			   rv_addi(RV_A7, RV_ZERO, NX_SYS_EXIT),
			   RV_ECALL};
	long pid = tiny_spawn(&e->d, code, sizeof(code), "call");
	assert_true(pid > 0);
	return tiny_wait(&e->d, pid, NULL);
}

static void test_task_copyin_bounds(void **state)
{
	struct tiny_env *e = *state;
	/* debug_write from the last 8 bytes of the data page: fine; one more: EFAULT. */
	uint32_t code[] = {rv_lui(RV_A0, (uint32_t)(TINY_DATA_VA >> 12)),
			   rv_addi(RV_A0, RV_A0, (int32_t)(NX_PAGE_SIZE - 8) - 4096),
			   rv_lui(RV_T0, 1),
			   0x00550533, /* add a0, a0, t0 */
			   rv_addi(RV_A1, RV_ZERO, 8),
			   rv_addi(RV_A7, RV_ZERO, NX_SYS_DEBUG_WRITE),
			   RV_ECALL,
			   rv_addi(RV_A7, RV_ZERO, NX_SYS_EXIT),
			   RV_ECALL};
	long pid = tiny_spawn(&e->d, code, sizeof(code), "copy");
	assert_int_equal(tiny_wait(&e->d, pid, NULL), 8);
	code[4] = rv_addi(RV_A1, RV_ZERO, 9);
	pid = tiny_spawn(&e->d, code, sizeof(code), "copy");
	assert_int_equal(tiny_wait(&e->d, pid, NULL), (uint8_t)-NX_EFAULT);
	/* The code page is readable: copyin from it works; the null page never. */
	assert_int_equal(run_call(e, NX_SYS_DEBUG_WRITE, 0, 4), (uint8_t)-NX_EFAULT);
}

/*
 * A task spawns a child (zeroed code: it crashes at once) and waits for it
 * twice: first with the status pointing into its own read-only code page
 * (-NX_EFAULT, and the child must not be reaped), then into its data page.
 * Exit code: first result + (second result - pid) + crash cause from the
 * status word = -14 + 0 + 1.
 */
static void test_task_copyout_needs_write(void **state)
{
	struct tiny_env *e = *state;
	uint32_t code[] = {rv_addi(RV_A7, RV_ZERO, NX_SYS_AS_CREATE),
			   RV_ECALL,
			   rv_addi(RV_S1, RV_A0, 0),
			   rv_addi(RV_A7, RV_ZERO, NX_SYS_VMO_CREATE),
			   rv_lui(RV_A0, 1),
			   RV_ECALL,
			   rv_addi(RV_S2, RV_A0, 0),
			   rv_addi(RV_A7, RV_ZERO, NX_SYS_AS_MAP),
			   rv_addi(RV_A0, RV_S1, 0),
			   rv_addi(RV_A1, RV_S2, 0),
			   rv_lui(RV_A2, 0x10),
			   rv_lui(RV_A3, 1),
			   rv_addi(RV_A4, RV_ZERO, RX),
			   rv_addi(RV_A5, RV_ZERO, 0),
			   RV_ECALL,
			   rv_addi(RV_A7, RV_ZERO, NX_SYS_SPAWN),
			   rv_addi(RV_A0, RV_S1, 0),
			   rv_lui(RV_A1, 0x10),
			   rv_addi(RV_A2, RV_ZERO, 0),
			   rv_addi(RV_A3, RV_ZERO, 0),
			   rv_lui(RV_A4, 0x10),
			   rv_addi(RV_A5, RV_ZERO, 1),
			   RV_ECALL,
			   rv_addi(RV_S3, RV_A0, 0),
			   rv_addi(RV_A7, RV_ZERO, NX_SYS_WAIT),
			   rv_addi(RV_A0, RV_S3, 0),
			   rv_lui(RV_A1, 0x10),
			   RV_ECALL,
			   rv_addi(RV_S4, RV_A0, 0),
			   rv_addi(RV_A7, RV_ZERO, NX_SYS_WAIT),
			   rv_addi(RV_A0, RV_S3, 0),
			   rv_lui(RV_A1, 0x20),
			   RV_ECALL,
			   rv_sub(RV_A0, RV_A0, RV_S3),
			   rv_add(RV_A0, RV_A0, RV_S4),
			   rv_lui(RV_T1, 0x20),
			   rv_ld(RV_T0, RV_T1, 0),
			   rv_srli(RV_T0, RV_T0, 16),
			   rv_add(RV_A0, RV_A0, RV_T0),
			   rv_addi(RV_A7, RV_ZERO, NX_SYS_EXIT),
			   RV_ECALL};
	long pid = tiny_spawn(&e->d, code, sizeof(code), "parent");
	assert_true(pid > 0);
	assert_int_equal(tiny_wait(&e->d, pid, NULL),
			 (uint8_t)(-NX_EFAULT + NX_CRASH_ILLEGAL_INSN));
	assert_int_equal(nxk_task_count(e->k), 0);
}

static void test_task_wait_rules(void **state)
{
	struct tiny_env *e = *state;
	assert_int_equal(run_call(e, NX_SYS_WAIT_NOHANG, 12345, 0), (uint8_t)-NX_ECHILD);
	assert_int_equal(run_call(e, NX_SYS_WAIT, 1, 0), (uint8_t)-NX_ECHILD);
	assert_int_equal(run_call(e, NX_SYS_TASK_CRASH, 12345, 0), (uint8_t)-NX_ESRCH);
}

static void test_task_gets_eperm_for_host_calls(void **state)
{
	struct tiny_env *e = *state;
	assert_int_equal(run_call(e, NX_SYS_VMO_EXPORT, 1, 0), (uint8_t)-NX_EPERM);
	assert_int_equal(run_call(e, NX_SYS_VMO_IMPORT, 0, 0), (uint8_t)-NX_EPERM);
	assert_int_equal(run_call(e, NX_SYS_KCONNECT, 0, 0), (uint8_t)-NX_EPERM);
	assert_int_equal(run_call(e, NX_SYS_TASK_KILL, 1, 0), (uint8_t)-NX_EPERM);
}

static void test_reserved_calls_are_enosys(void **state)
{
	struct tiny_env *e = *state;
	assert_int_equal(run_call(e, 1, 0, 0), (uint8_t)-NX_ENOSYS);
	assert_int_equal(run_call(e, NX_SYS_MAX - 1, 0, 0), (uint8_t)-NX_ENOSYS);
	assert_int_equal(CALL(e, NX_SYS_MAX, 0, 0, 0, 0, 0, 0), -NX_ENOSYS);
}

static void test_syscall_past_max_crashes(void **state)
{
	struct tiny_env *e = *state;
	uint32_t code[] = {rv_addi(RV_A7, RV_ZERO, NX_SYS_MAX), RV_ECALL};
	long pid = tiny_spawn(&e->d, code, sizeof(code), "badsys");
	struct nx_crash cr;
	uint32_t st = tiny_wait(&e->d, pid, &cr);
	assert_true(NX_WAIT_IS_CRASH(st));
	assert_int_equal(NX_WAIT_CAUSE(st), NX_CRASH_BAD_SYSCALL);
	assert_int_equal(cr.cause, NX_CRASH_BAD_SYSCALL);
	assert_int_equal(cr.pc, TINY_CODE_VA + 4);
	assert_int_equal(cr.regs[RV_A7], NX_SYS_MAX);
	assert_string_equal(cr.name, "badsys");
}

static const uint32_t spin_code[] = {0x0000006f}; /* j . */

static void test_task_table_cap(void **state)
{
	struct tiny_env *e = *state;
	long pids[NX_TASKS_MAX];
	for (unsigned i = 0; i < NX_TASKS_MAX; i++) {
		pids[i] = tiny_spawn(&e->d, spin_code, sizeof(spin_code), "spin");
		assert_true(pids[i] > 0);
	}
	assert_int_equal(tiny_spawn(&e->d, spin_code, sizeof(spin_code), "spin"), -NX_EAGAIN);
	assert_int_equal(CALL(e, NX_SYS_TASK_KILL, (uint64_t)pids[3], 0, 0, 0, 0, 0), 0);
	assert_int_equal(NX_WAIT_CAUSE(tiny_wait(&e->d, pids[3], NULL)), NX_CRASH_KILLED);
	assert_true(tiny_spawn(&e->d, spin_code, sizeof(spin_code), "spin") > 0);
}

static void test_spawn_checks_name_and_entry(void **state)
{
	struct tiny_env *e = *state;
	char name[NX_TASK_NAME_MAX + 1];
	memset(name, 'n', sizeof(name));
	name[NX_TASK_NAME_MAX - 1] = '\0';
	assert_true(tiny_spawn(&e->d, spin_code, sizeof(spin_code), name) > 0);
	name[NX_TASK_NAME_MAX - 1] = 'n';
	name[NX_TASK_NAME_MAX] = '\0';
	assert_int_equal(tiny_spawn(&e->d, spin_code, sizeof(spin_code), name), -NX_EINVAL);
	/* Entry in a mapping without X. */
	long as = new_as(e), v = new_vmo(e, PG);
	assert_int_equal(map(e, as, v, 0x10000, PG, RW), 0);
	const uint64_t a[6] = {(uint64_t)as, 0x10000, 0x11000, 0, 0, 1};
	assert_int_equal(e->d.kc.call(&e->d, NX_SYS_SPAWN, a, "x", 1, NULL, 0, -1, NULL),
			 -NX_EINVAL);
}

static void test_wait_rules(void **state)
{
	struct tiny_env *e = *state;
	long pid = tiny_spawn(&e->d, spin_code, sizeof(spin_code), "spin");
	uint32_t st;
	const uint64_t a[6] = {(uint64_t)pid, 0};
	assert_int_equal(e->d.kc.call(&e->d, NX_SYS_WAIT_NOHANG, a, NULL, 0, &st, 4, -1, NULL), 0);
	/* Another host caller is not the spawner. */
	struct nxh_direct other;
	assert_int_equal(nxh_direct_init(&other, e->k), 0);
	assert_int_equal(other.kc.call(&other, NX_SYS_WAIT, a, NULL, 0, &st, 4, -1, NULL),
			 -NX_ECHILD);
	assert_int_equal(other.kc.call(&other, NX_SYS_TASK_KILL, a, NULL, 0, NULL, 0, -1, NULL),
			 -NX_EPERM);
	nxh_direct_fini(&other);
	/* The status offset must fit the reply. */
	assert_int_equal(CALL(e, NX_SYS_TASK_KILL, (uint64_t)pid, 0, 0, 0, 0, 0), 0);
	assert_int_equal(e->d.kc.call(&e->d, NX_SYS_WAIT, a, NULL, 0, &st, 3, -1, NULL),
			 -NX_EFAULT);
	assert_int_equal(e->d.kc.call(&e->d, NX_SYS_WAIT, a, NULL, 0, &st, 4, -1, NULL), pid);
	assert_int_equal(st, NX_WAIT_STATUS_CRASH(NX_CRASH_KILLED));
	/* Reaped: a second wait has no child; the crash record stays readable. */
	assert_int_equal(e->d.kc.call(&e->d, NX_SYS_WAIT, a, NULL, 0, &st, 4, -1, NULL),
			 -NX_ECHILD);
	struct nx_crash cr;
	assert_int_equal(
	    e->d.kc.call(&e->d, NX_SYS_TASK_CRASH, a, NULL, 0, &cr, sizeof(cr), -1, NULL), 0);
	assert_int_equal(cr.cause, NX_CRASH_KILLED);
}

static void test_getpid(void **state)
{
	struct tiny_env *e = *state;
	assert_int_equal(CALL(e, NX_SYS_GETPID, 0, 0, 0, 0, 0, 0), 0);
	uint32_t code[] = {rv_addi(RV_A7, RV_ZERO, NX_SYS_GETPID), RV_ECALL,
			   rv_addi(RV_A7, RV_ZERO, NX_SYS_EXIT), RV_ECALL};
	long pid = tiny_spawn(&e->d, code, sizeof(code), "pid");
	assert_int_equal(tiny_wait(&e->d, pid, NULL), (uint32_t)pid);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	    T(test_vmo_starts_zeroed),
	    T(test_vmo_size_cap),
	    T(test_vmo_write_checks_range),
	    T(test_exported_vmo_cannot_shrink),
	    T(test_handle_table_cap),
	    T(test_bad_handles),
	    T(test_as_map_rejects_unaligned),
	    T(test_as_map_range_edges),
	    T(test_as_map_vmo_range),
	    T(test_as_map_rejects_overlap),
	    T(test_as_map_rejects_wx),
	    T(test_as_map_rejects_wx_alias),
	    T(test_wx_alias_ends_with_its_mapping),
	    T(test_export_of_code_is_read_only),
	    T(test_as_map_guard_reserves),
	    T(test_as_map_checks_rights),
	    T(test_as_map_mapping_cap),
	    T(test_vmo_import_requires_seals),
	    T(test_host_copyin_bounds),
	    T(test_debug_write_cap),
	    T(test_task_copyin_bounds),
	    T(test_task_copyout_needs_write),
	    T(test_task_wait_rules),
	    T(test_task_gets_eperm_for_host_calls),
	    T(test_reserved_calls_are_enosys),
	    T(test_syscall_past_max_crashes),
	    T(test_task_table_cap),
	    T(test_spawn_checks_name_and_entry),
	    T(test_wait_rules),
	    T(test_getpid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

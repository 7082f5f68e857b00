/*
 * The boot self-tests (selftest.h), with the upstream marker names. Each
 * builds tiny probe tasks (selftest_probes.S) through the same kernel
 * calls init uses, runs them, and checks how they ended:
 *
 * - vmo zero: pages a VMO gave back dirty come back zeroed. The memory
 *   port is asked twice for the same size, the first backing scribbled
 *   over and released; the second must be the same pages, all zero. Then
 *   a VMO created right after a dirty one was closed is mapped into a
 *   probe that reads every byte of it from U-mode.
 * - userptr guard: debug_write from a guard page, from past the end of a
 *   mapping, from the null region, from a kernel address and with a
 *   wrapping range each get -NX_EFAULT (and a valid empty one 0).
 * - w^x: as_map refuses W+X; a call into a R+W page ends the task with
 *   FETCH_PROT there and a store into its R+X code with WRITE_PROT there,
 *   which the page tables enforce, not the kernel's table.
 */
#include "console.h"
#include "layout.h"
#include "nexus/err.h"
#include "nexus/rights.h"
#include "nexus/syscall.h"
#include "nexus/task.h"
#include "port.h"
#include "selftest.h"
#include "selftest_probes.h"
#include "target.h"

#define PROBE_DATA_SIZE (PROBE_DATA_PAGES * NX_PAGE_SIZE)
#define PROBE_DIRTY 0xa5
#define PROBE_USERPTR_ROWS 6

static int failed(const char *test, const char *why)
{
	nxq_say("KSELFTEST: %s FAILED: %s", test, why);
	return -1;
}

/* A new VMO of `size` bytes holding `n` bytes of src, mapped at va; the handle dropped. */
static long map_new(struct nxq_host *h, long as, uint64_t va, uint64_t size, uint32_t prot,
		    const void *src, uint64_t n)
{
	long vmo = nxq_host_call0(h, NX_SYS_VMO_CREATE, size, 0, 0, 0, 0, 0);
	if (vmo < 0)
		return vmo;
	long r = 0;
	if (n > 0) {
		const uint64_t a[6] = {(uint64_t)vmo, 0, 0, n};
		r = nxq_host_call(h, NX_SYS_VMO_WRITE, a, src, n, NULL, 0);
	}
	if (r == 0)
		r = nxq_host_call0(h, NX_SYS_AS_MAP, (uint64_t)as, (uint64_t)vmo, va, size, prot,
				   0);
	long c = nxq_host_call0(h, NX_SYS_HANDLE_CLOSE, (uint64_t)vmo, 0, 0, 0, 0, 0);
	return r != 0 ? r : c;
}

/*
 * A probe task: its data pages first (so they are the first pages
 * allocated after whatever the caller just freed), then its code, its
 * stack page and the guard below it. Its pid, or a negative -NX_E*.
 */
static long probe_spawn(struct nxq_host *h, const char *name, const uint8_t *code,
			const uint8_t *code_end, uint64_t data_size, const void *data,
			uint64_t data_len)
{
	long as = nxq_host_call0(h, NX_SYS_AS_CREATE, 0, 0, 0, 0, 0, 0);
	if (as < 0)
		return as;
	long r =
	    map_new(h, as, PROBE_DATA_VA, data_size, NX_PROT_READ | NX_PROT_WRITE, data, data_len);
	if (r == 0)
		r = map_new(h, as, PROBE_CODE_VA, NX_PAGE_SIZE, NX_PROT_READ | NX_PROT_EXEC, code,
			    (uint64_t)(code_end - code));
	if (r == 0)
		r = map_new(h, as, PROBE_STACK_TOP - NX_PAGE_SIZE, NX_PAGE_SIZE,
			    NX_PROT_READ | NX_PROT_WRITE, NULL, 0);
	if (r == 0)
		r = nxq_host_call0(h, NX_SYS_AS_MAP, (uint64_t)as, 0,
				   PROBE_STACK_TOP - 2 * NX_PAGE_SIZE, NX_PAGE_SIZE, 0, 0);
	if (r == 0) {
		size_t n = 0;
		while (name[n] != 0)
			n++;
		const uint64_t a[6] = {(uint64_t)as, PROBE_CODE_VA, PROBE_STACK_TOP, 0, 0, n};
		r = nxq_host_call(h, NX_SYS_SPAWN, a, name, n, NULL, 0);
	}
	(void)nxq_host_call0(h, NX_SYS_HANDLE_CLOSE, (uint64_t)as, 0, 0, 0, 0, 0);
	return r;
}

/*
 * Spawn, wait: the status word (crash record in *cr), or a negative -NX_E*.
 * Its data is one page, holding data_len bytes of data.
 */
static long probe_run(struct nxq_host *h, const char *name, const uint8_t *code,
		      const uint8_t *code_end, const void *data, uint64_t data_len,
		      struct nx_crash *cr)
{
	long pid = probe_spawn(h, name, code, code_end, NX_PAGE_SIZE, data, data_len);
	return pid < 0 ? pid : nxq_host_wait(h, pid, cr);
}

static int bytes_are(const uint8_t *p, uint64_t n, uint8_t v)
{
	for (uint64_t i = 0; i < n; i++)
		if (p[i] != v)
			return 0;
	return 1;
}

static int test_vmo_zero(struct nxq_host *h)
{
	static const char *const test = "vmo zero";
	struct nxk_mem a, b;
	struct nx_crash cr;

	if (nxk_mem_alloc(PROBE_DATA_SIZE, &a) != 0)
		return failed(test, "no memory");
	memset(a.host, PROBE_DIRTY, PROBE_DATA_SIZE);
	nxk_mem_release(&a);
	if (nxk_mem_alloc(PROBE_DATA_SIZE, &b) != 0)
		return failed(test, "no memory");
	int reused = b.host == a.host, zero = bytes_are(b.host, PROBE_DATA_SIZE, 0);
	/* Dirty again, for the VMO below. */
	memset(b.host, PROBE_DIRTY, PROBE_DATA_SIZE);
	nxk_mem_release(&b);
	if (!reused)
		return failed(test, "released pages were not reused: nothing checked");
	if (!zero)
		return failed(test, "a backing came back with its old bytes");
	long pid =
	    probe_spawn(h, "kselftest.zero", probe_zero, probe_zero_end, PROBE_DATA_SIZE, NULL, 0);
	long st = pid < 0 ? pid : nxq_host_wait(h, pid, &cr);
	if (st != 0)
		return failed(test, "a probe read non-zero bytes in a new VMO");
	nxq_say("KSELFTEST: vmo zero ok");
	return 0;
}

static int test_userptr_guard(struct nxq_host *h)
{
	static const char *const test = "userptr guard";
	struct nx_crash cr;
	struct {
		uint64_t count;
		struct probe_userptr_row row[PROBE_USERPTR_ROWS];
	} table = {
	    PROBE_USERPTR_ROWS,
	    {
		/* The control: a valid empty range. */
		{PROBE_DATA_VA, 0, 0},
		{PROBE_STACK_TOP - 2 * NX_PAGE_SIZE, 8, -NX_EFAULT},
		{PROBE_DATA_VA + NX_PAGE_SIZE - 8, 16, -NX_EFAULT},
		{NX_USER_BASE - 16, 16, -NX_EFAULT},
		{NXQ_DIRECT_BASE + NXQ_KERNEL_PA, 8, -NX_EFAULT},
		{~0ULL - 15, 32, -NX_EFAULT},
	    },
	};
	long st = probe_run(h, "kselftest.userptr", probe_userptr, probe_userptr_end, &table,
			    sizeof(table), &cr);
	if (st != 0)
		return failed(test, "a bad user pointer was not refused with EFAULT");
	nxq_say("KSELFTEST: userptr guard ok");
	return 0;
}

/* Ended by a fault of `cause` at `addr`. */
static int crashed_at(long st, const struct nx_crash *cr, uint32_t cause, uint64_t addr)
{
	return st >= 0 && NX_WAIT_IS_CRASH(st) && cr->cause == cause && cr->addr == addr;
}

static int test_wx(struct nxq_host *h)
{
	static const char *const test = "w^x";
	struct nx_crash cr;

	long as = nxq_host_call0(h, NX_SYS_AS_CREATE, 0, 0, 0, 0, 0, 0);
	long r = as < 0 ? as
			: map_new(h, as, PROBE_CODE_VA, NX_PAGE_SIZE,
				  NX_PROT_READ | NX_PROT_WRITE | NX_PROT_EXEC, NULL, 0);
	if (as > 0)
		(void)nxq_host_call0(h, NX_SYS_HANDLE_CLOSE, (uint64_t)as, 0, 0, 0, 0, 0);
	if (r != -NX_EPERM)
		return failed(test, "as_map took a writable and executable mapping");
	long st = probe_run(h, "kselftest.wx_fetch", probe_fetch_data, probe_fetch_data_end,
			    probe_exit0, (uint64_t)(probe_exit0_end - probe_exit0), &cr);
	if (!crashed_at(st, &cr, NX_CRASH_FETCH_PROT, PROBE_DATA_VA) || cr.pc != PROBE_DATA_VA)
		return failed(test, "a call into writable data did not fault");
	st = probe_run(h, "kselftest.wx_store", probe_store_code, probe_store_code_end, NULL, 0,
		       &cr);
	if (!crashed_at(st, &cr, NX_CRASH_WRITE_PROT, PROBE_CODE_VA) || cr.pc < PROBE_CODE_VA ||
	    cr.pc >= PROBE_CODE_VA + NX_PAGE_SIZE)
		return failed(test, "a store into code did not fault");
	nxq_say("KSELFTEST: w^x enforced");
	return 0;
}

int nxq_selftest(struct nxq_host *h)
{
	if (test_vmo_zero(h) != 0 || test_userptr_guard(h) != 0 || test_wx(h) != 0)
		return -1;
	return 0;
}

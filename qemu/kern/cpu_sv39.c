/*
 * The QEMU target's CPU port (kernel/cpu.h). A task's "engine" is its
 * Sv39 page table and its saved user context; running it is a trip to
 * U-mode (uctx.h) that lasts until a trap the kernel must see:
 *
 * - ecall: served right here through the kernel's ecall function (pc
 *   already past the ecall, as the Unicorn backend reports it); the task
 *   resumes unless the kernel asks to stop. No page table switch, no
 *   timer reprogramming on this path.
 * - the S-mode timer: the budget ran out (cpu_port.h maps blocks to ticks).
 * - page faults and the rest: NXK_STOP_FAULT with the causes, access
 *   kinds, pc and address sim/cpu_unicorn.c reports. A page fault is
 *   *_PROT when a user PTE maps the page (the access lacked the right)
 *   and *_UNMAPPED when none does: a guard page has no PTE.
 * - rdtime, rdcycle and rdinstret read the hardware counters (scounteren
 *   lets U-mode read them): time is the machine's mtime, deterministic
 *   under nexus-qemu --icount. The Unicorn backend's rdtime is the task's
 *   block count instead (docs/qemu.md); OpenSBI would answer a trapping
 *   rdtime in M-mode with mtime anyway, never passing it on to S-mode.
 *
 * QEMU's softmmu TLB (like Unicorn's, docs/kernel.md) starts small and
 * only resizes when it is flushed; nothing flushes it while one task runs
 * on, so a working set over ~1 MiB would miss forever. Each task's
 * table is flushed on its runs 1, 2, 4, 8, ...: the TLB grows to the
 * working set for log2(runs) flushes (fillsort 1M, 4 MiB of data: 5.0x
 * qemu-riscv64's time without, 1.6x with).
 *
 * FP registers are switched lazily: they stay live for the task that
 * last ran and are saved only when another task runs after it dirtied
 * them (sstatus.FS). The kernel itself is built without F and D.
 */
#include <stddef.h>

#include "cpu.h"
#include "cpu_port.h"
#include "csr.h"
#include "fmt.h"
#include "layout.h"
#include "nexus/err.h"
#include "nexus/rights.h"
#include "nexus/task.h"
#include "port.h"
#include "sbi.h"
#include "sv39.h"
#include "uctx.h"

#define CPU_ERR_MAX 160 /* bytes of nxk_cpu_error()'s message */
#define INSN_ECALL_LEN 4
#define TIMER_NEVER UINT64_MAX
#define REG_SP 2
#define REG_A0 10

struct nxk_cpu {
	struct nxq_uctx u;
	uint64_t *root;
	nxk_cpu_ecall_fn ecall;
	void *ctx;
	uint64_t fp[FPCTX_SIZE / sizeof(uint64_t)];
	uint64_t runs; /* nxk_cpu_run calls: the TLB is flushed on powers of two */
	int system;    /* writes on the system console stream */
};

static struct nxk_cpu *running;	    /* inside nxk_cpu_run */
static struct nxk_cpu *fp_owner;    /* whose FP registers are live */
static const uint64_t *active_root; /* the table satp names; NULL: the boot table */
static int next_system;
static char cpu_err[CPU_ERR_MAX];

const char *nxk_cpu_error(void)
{
	return cpu_err;
}

void nxq_cpu_trap_init(void)
{
	csr_write(stvec, (uint64_t)(uintptr_t)nxq_trap_entry);
	csr_write(sscratch, 0);
	csr_clear(sstatus, SSTATUS_SIE);
	csr_set(sie, SIE_STIE);
	csr_write(scounteren, SCOUNTEREN_CY | SCOUNTEREN_TM | SCOUNTEREN_IR);
}

void nxq_cpu_next_system(int on)
{
	next_system = on;
}

int nxq_cpu_running_is_system(void)
{
	return running == NULL || running->system;
}

int nxk_cpu_create(nxk_cpu_ecall_fn ecall, void *ctx, struct nxk_cpu **out)
{
	struct nxk_cpu *cpu = nxk_kalloc(sizeof(*cpu));

	if (cpu != NULL && (cpu->root = nxq_sv39_new()) == NULL) {
		nxk_kfree(cpu);
		cpu = NULL;
	}
	if (cpu == NULL) {
		nxq_snprintf(cpu_err, sizeof(cpu_err), "cpu: no memory for a task's page table");
		return -NX_ENOMEM;
	}
	cpu->ecall = ecall;
	cpu->ctx = ctx;
	cpu->system = next_system;
	*out = cpu;
	return 0;
}

static void use_table(const uint64_t *root)
{
	if (active_root == root)
		return;
	csr_write(satp, nxq_sv39_satp(root != NULL ? root : nxq_sv39_kernel_root()));
	sfence_vma();
	active_root = root;
}

void nxk_cpu_destroy(struct nxk_cpu *cpu)
{
	/* Never free the table satp still names. */
	if (active_root == cpu->root)
		use_table(NULL);
	if (fp_owner == cpu)
		fp_owner = NULL;
	nxq_sv39_free(cpu->root);
	nxk_kfree(cpu);
}

static int bad(const char *what, uint64_t va, uint64_t len)
{
	nxq_snprintf(cpu_err, sizeof(cpu_err), "cpu: %s [0x%llx, +0x%llx)", what,
		     (unsigned long long)va, (unsigned long long)len);
	return -NX_EINVAL;
}

/* W without R is reserved in Sv39: a write-only mapping is mapped R+W (docs/qemu.md). */
static uint64_t pte_flags(uint32_t prot)
{
	return PTE_U | ((prot & (NX_PROT_READ | NX_PROT_WRITE)) ? PTE_R : 0) |
	       ((prot & NX_PROT_WRITE) ? PTE_W : 0) | ((prot & NX_PROT_EXEC) ? PTE_X : 0);
}

int nxk_cpu_map(struct nxk_cpu *cpu, uint64_t va, void *host, uint64_t len, uint32_t prot)
{
	uint64_t h = (uint64_t)(uintptr_t)host;

	if (va % NX_PAGE_SIZE || len % NX_PAGE_SIZE || len == 0 || va >= NX_USER_TOP ||
	    len > NX_USER_TOP - va || h % NX_PAGE_SIZE || h < NXQ_DIRECT_BASE || prot == 0)
		return bad("map of a bad range", va, len);
	if (nxq_sv39_map(cpu->root, va, nxq_va_to_pa(host), len, pte_flags(prot)) != 0) {
		nxq_snprintf(cpu_err, sizeof(cpu_err), "cpu: no memory for page tables");
		return -NX_ENOMEM;
	}
	if (active_root == cpu->root)
		sfence_vma();
	return 0;
}

int nxk_cpu_unmap(struct nxk_cpu *cpu, uint64_t va, uint64_t len)
{
	if (va % NX_PAGE_SIZE || len % NX_PAGE_SIZE || va >= NX_USER_TOP || len > NX_USER_TOP - va)
		return bad("unmap of a bad range", va, len);
	nxq_sv39_unmap(cpu->root, va, len);
	if (active_root == cpu->root)
		sfence_vma();
	return 0;
}

/* Instruction fetch sees stores only after fence.i. */
int nxk_cpu_invalidate(struct nxk_cpu *cpu, uint64_t va, uint64_t len)
{
	(void)cpu;
	(void)va;
	(void)len;
	fence_i();
	return 0;
}

int nxk_cpu_start(struct nxk_cpu *cpu, uint64_t entry, uint64_t sp, uint64_t a0)
{
	memset(&cpu->u, 0, sizeof(cpu->u));
	memset(cpu->fp, 0, sizeof(cpu->fp));
	if (fp_owner == cpu)
		fp_owner = NULL;
	cpu->u.pc = entry;
	cpu->u.x[REG_SP] = sp;
	cpu->u.x[REG_A0] = a0;
	return 0;
}

int nxk_cpu_reg(struct nxk_cpu *cpu, unsigned r, uint64_t *v)
{
	if (r >= 32)
		return -NX_EINVAL;
	*v = cpu->u.x[r];
	return 0;
}

int nxk_cpu_set_reg(struct nxk_cpu *cpu, unsigned r, uint64_t v)
{
	if (r >= 32)
		return -NX_EINVAL;
	if (r != 0)
		cpu->u.x[r] = v;
	return 0;
}

int nxk_cpu_regs(struct nxk_cpu *cpu, uint64_t regs[32], uint64_t *pc)
{
	memcpy(regs, cpu->u.x, sizeof(cpu->u.x));
	*pc = cpu->u.pc;
	return 0;
}

int nxk_cpu_syscall_args(struct nxk_cpu *cpu, unsigned n, uint64_t a[6])
{
	if (n > 6)
		return -NX_EINVAL;
	for (unsigned i = 0; i < 6; i++)
		a[i] = i < n ? cpu->u.x[REG_A0 + i] : 0;
	return 0;
}

/* The task's page table and FP registers in place. */
static void activate(struct nxk_cpu *cpu)
{
	use_table(cpu->root);
	if (fp_owner == cpu)
		return;
	if (fp_owner != NULL && (csr_read(sstatus) & SSTATUS_FS_MASK) == SSTATUS_FS_DIRTY)
		nxq_fp_save(fp_owner->fp);
	csr_clear(sstatus, SSTATUS_FS_MASK);
	csr_set(sstatus, SSTATUS_FS_INITIAL);
	nxq_fp_restore(cpu->fp);
	csr_clear(sstatus, SSTATUS_FS_MASK);
	csr_set(sstatus, SSTATUS_FS_CLEAN);
	fp_owner = cpu;
}

/* Whether a user PTE maps va: a fault there lacked a right, else nothing was mapped. */
static int user_mapped(const struct nxk_cpu *cpu, uint64_t va)
{
	uint64_t pte = nxq_sv39_leaf(cpu->root, va);
	return (pte & (PTE_V | PTE_U)) == (PTE_V | PTE_U);
}

static int fault_stop(const struct nxk_cpu *cpu, uint64_t scause, uint64_t tval,
		      struct nxk_stop *out)
{
	uint64_t pc = cpu->u.pc;
	int mapped = user_mapped(cpu, tval);
	struct nxk_stop st = {.kind = NXK_STOP_FAULT, .pc = pc, .addr = tval};

	switch (scause) {
	case EXC_INSN_PAGE:
		st.cause = mapped ? NX_CRASH_FETCH_PROT : NX_CRASH_FETCH_UNMAPPED;
		st.access = NX_ACCESS_EXEC;
		break;
	case EXC_LOAD_PAGE:
		st.cause = mapped ? NX_CRASH_READ_PROT : NX_CRASH_READ_UNMAPPED;
		st.access = NX_ACCESS_READ;
		break;
	case EXC_STORE_PAGE:
		st.cause = mapped ? NX_CRASH_WRITE_PROT : NX_CRASH_WRITE_UNMAPPED;
		st.access = NX_ACCESS_WRITE;
		break;
	case EXC_INSN_ACCESS:
		st.cause = NX_CRASH_FETCH_PROT;
		st.access = NX_ACCESS_EXEC;
		break;
	case EXC_LOAD_ACCESS:
		st.cause = NX_CRASH_READ_PROT;
		st.access = NX_ACCESS_READ;
		break;
	case EXC_STORE_ACCESS:
		st.cause = NX_CRASH_WRITE_PROT;
		st.access = NX_ACCESS_WRITE;
		break;
	case EXC_ILLEGAL:
		st.cause = NX_CRASH_ILLEGAL_INSN;
		st.access = NX_ACCESS_EXEC;
		st.addr = 0;
		break;
	case EXC_BREAKPOINT:
		st.cause = NX_CRASH_BREAKPOINT;
		st.access = NX_ACCESS_EXEC;
		st.addr = 0;
		break;
	case EXC_INSN_MISALIGNED:
	case EXC_LOAD_MISALIGNED:
	case EXC_STORE_MISALIGNED:
		st.cause = NX_CRASH_MISALIGNED;
		st.access = scause == EXC_LOAD_MISALIGNED    ? NX_ACCESS_READ
			    : scause == EXC_STORE_MISALIGNED ? NX_ACCESS_WRITE
							     : NX_ACCESS_EXEC;
		break;
	default:
		nxq_snprintf(cpu_err, sizeof(cpu_err),
			     "cpu: unexpected trap scause=0x%llx at pc 0x%llx",
			     (unsigned long long)scause, (unsigned long long)pc);
		return -NX_EINVAL;
	}
	*out = st;
	return 0;
}

int nxk_cpu_run(struct nxk_cpu *cpu, uint64_t budget, struct nxk_stop *out)
{
	int r = 0;

	memset(out, 0, sizeof(*out));
	activate(cpu);
	cpu->runs++;
	if ((cpu->runs & (cpu->runs - 1)) == 0)
		sfence_vma();
	csr_clear(sstatus, SSTATUS_SPP | SSTATUS_SPIE | SSTATUS_SIE);
	running = cpu;
	if (budget == 0) {
		nxq_sbi_set_timer(TIMER_NEVER);
	} else {
		uint64_t ticks = budget / NXQ_BLOCKS_PER_TICK;
		nxq_sbi_set_timer(csr_read(time) + (ticks > 0 ? ticks : 1));
	}
	for (;;) {
		uint64_t scause = nxq_uenter(&cpu->u);
		if (scause == EXC_ECALL_U) {
			cpu->u.pc += INSN_ECALL_LEN;
			if (cpu->ecall(cpu->ctx) == NXK_CPU_STOP) {
				out->kind = NXK_STOP_ECALL;
				break;
			}
			continue;
		}
		if (scause == SCAUSE_S_TIMER) {
			out->kind = NXK_STOP_BUDGET;
			break;
		}
		r = fault_stop(cpu, scause, csr_read(stval), out);
		break;
	}
	running = NULL;
	return r;
}

/*
 * The debugger's calls (kernel/debug.h): the QEMU target has no debugger
 * stub, so nothing attaches one and these are never reached.
 */
int nxk_cpu_freg(struct nxk_cpu *cpu, unsigned r, uint64_t *v)
{
	(void)cpu, (void)r, (void)v;
	return -NX_ENOSYS;
}

int nxk_cpu_set_freg(struct nxk_cpu *cpu, unsigned r, uint64_t v)
{
	(void)cpu, (void)r, (void)v;
	return -NX_ENOSYS;
}

int nxk_cpu_set_pc(struct nxk_cpu *cpu, uint64_t pc)
{
	(void)cpu, (void)pc;
	return -NX_ENOSYS;
}

int nxk_cpu_break(struct nxk_cpu *cpu, uint64_t va, int set)
{
	(void)cpu, (void)va, (void)set;
	return -NX_ENOSYS;
}

int nxk_cpu_step(struct nxk_cpu *cpu, struct nxk_stop *out)
{
	(void)cpu, (void)out;
	return -NX_ENOSYS;
}

/*
 * One Unicorn engine per task (docs/kernel.md holds the measured
 * facts this file relies on).
 *
 * - U-mode through an mret trampoline: the engine starts in M-mode.
 * - ecall arrives in the INTR hook (intno 8) with pc already past it;
 *   the syscall is served right there, and the engine stops only when
 *   the kernel asks (block, yield, exit).
 * - An illegal instruction arrives as intno 2 with pc = its address + 4,
 *   whatever its length; the engine does not stop by itself.
 * - ebreak ends uc_emu_start with UC_ERR_INSN_INVALID at its own pc.
 * - Memory protection is ours: the softmmu TLB is in UC_TLB_VIRTUAL mode
 *   and every miss asks the TLB_FILL hook, which grants a page all the
 *   permissions of its mapping or refuses the access. A refusal raises
 *   the exception QEMU raises for a page fault: the run ends with
 *   UC_ERR_EXCEPTION and pc exactly at the faulting instruction, nothing
 *   of it executed (with the engine's own checks the pc after chained
 *   blocks was an earlier block's start). The hook sees the page; the
 *   exact address of a load or store is its base register + offset.
 * - Preemption: a block hook counts down a budget, then uc_emu_stop. It
 *   is installed only for budgeted runs: an alone run (budget 0: no other
 *   task is ready) has no hook at all, which is the engine's full speed
 *   (the hook costs 1-2 ns a block, a third of a tight loop). Adding it
 *   back needs the translated code dropped (uc_ctl_remove_cache over the
 *   executable mappings); deleting it takes effect at once.
 * - An asynchronous uc_emu_stop (nxk_cpu_interrupt) replays part of a
 *   block on resume, so it is only used to end a task.
 * - A debugger's breakpoints are Unicorn exits: a CODE hook, even one
 *   bounded to an address never run, makes budget stops leave a stale pc.
 *   A single step is a CODE hook all the same, present for that one run
 *   only: it stops on its second call and deletes itself there, so its
 *   deletion (which Unicorn completes at the end of a run) is done when
 *   the step returns. A step that ends otherwise leaves it to an empty
 *   run (one block of budget, stopped before the block executes) before
 *   the next real one.
 * - The softmmu TLB starts at 256 entries and only resizes when it is
 *   flushed (to twice its size when over 70% of it was used). Nothing
 *   flushes it in a normal run, so a task with a working set over 1 MiB
 *   would miss in it forever. The fill hook counts data fills and, at
 *   NXK_CPU_TLB_GROW_FILLS, 2x that, 4x..., refuses one: the run stops
 *   cleanly at that access, the TLB is flushed (and grows) and the run
 *   resumes at the same instruction, for log2(fills) stops in all. The
 *   TLB only caches translations: the task sees nothing of it.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unicorn/unicorn.h>

#include "nexus/err.h"
#include "nexus/rights.h"
#include "nexus/task.h"
#include "cpu_unicorn.h"
#include "debug.h"
#include "rv_access.h"

/* RISC-V exception causes as Unicorn's INTR hook reports them. */
#define EXC_INSN_MISALIGNED 0
#define EXC_INSN_ACCESS 1
#define EXC_ILLEGAL 2
#define EXC_BREAKPOINT 3
#define EXC_LOAD_MISALIGNED 4
#define EXC_LOAD_ACCESS 5
#define EXC_STORE_MISALIGNED 6
#define EXC_STORE_ACCESS 7
#define EXC_ECALL_U 8

#define MSTATUS_FS_INITIAL (1ULL << 13) /* FP usable; MPP (bits 11-12) = 0: U-mode */
#define INSN_MRET 0x30200073u
#define RDTIME_MASK 0xfff0707fu /* csrrs rd, time, x0 with rd masked out */
#define RDTIME_INSN 0xc0102073u

/* The task's mappings (and the trampoline), as the TLB fill hook grants them. */
#define CPU_MAPS_MAX (NX_AS_MAPPINGS_MAX + 1)

struct cpu_map {
	uint64_t va, end;
	uint32_t perms; /* UC_PROT_* */
};

/* The debugger (kernel/debug.c) keeps to its own limit, which the engine must hold. */
_Static_assert(NXK_DBG_BREAKS_MAX <= NXK_CPU_BREAKS_MAX, "a debugger's breakpoints fit");

struct nxk_cpu {
	uc_engine *uc;
	uc_hook h_intr, h_block, h_tlb;
	int hooked; /* the block hook is installed: a budgeted run */
	nxk_cpu_ecall_fn ecall;
	void *ctx;
	unsigned nmaps;
	struct cpu_map maps[CPU_MAPS_MAX]; /* ascending, disjoint */
	uint64_t left;			   /* blocks left in this run */
	uint64_t slice;			   /* blocks this run may start: left's first value */
	uint64_t clock;			   /* what rdtime reads (docs/kernel.md) */
	uint64_t fills, grow_at;	   /* data TLB fills since the last flush; when to flush */
	int stop_ecall, stop_budget, failed, grow;
	int faulted;
	struct nxk_stop fault;
	/* The access the fill hook refused. */
	int refused, refused_mapped;
	uint64_t refused_va;
	uc_mem_type refused_type;
	/* nxk_cpu_interrupt: sticky; `lock` orders it with the engine's start and end. */
	atomic_int interrupted;
	pthread_mutex_t lock;
	int in_emu;
	/* A debugger's: breakpoints (as exits), the single step's hook. */
	uint64_t breaks[NXK_CPU_BREAKS_MAX];
	unsigned nbreaks;
	int exits_on;
	uc_hook h_step;
	int stepping, step_calls;
	int step_hooked; /* deleted, but Unicorn has not let go of it yet */
};

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
/*
 * Unicorn 2.1.1's bundled glib never frees a GArray's 32-byte wrapper
 * (g_array_free keeps it: unicorn-engine/unicorn issue 2027), so every
 * uc_close leaks 32 bytes from g_array_new. Not ours to fix; only that
 * allocation site is excused, every other leak still fails the ASan run.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:g_array_new\n";
}

/*
 * The excused leak is expected: LSan's note that it was excused, on stderr
 * at every exit, would only break the runs whose stderr must stay empty.
 */
const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
	return "print_suppressions=0";
}
#endif
#endif

static char cpu_err[256];

const char *nxk_cpu_error(void)
{
	return cpu_err;
}

static void fail(const char *what, uc_err e)
{
	snprintf(cpu_err, sizeof(cpu_err), "unicorn: %s: %s", what, uc_strerror(e));
}

/* Every uc_* call goes through UC_TRY (returns) or UC_OK (tests). */
#define UC_TRY(call)                                                                               \
	do {                                                                                       \
		uc_err e_ = (call);                                                                \
		if (e_ != UC_ERR_OK) {                                                             \
			fail(#call, e_);                                                           \
			return e_ == UC_ERR_NOMEM ? -NX_ENOMEM : -NX_EINVAL;                       \
		}                                                                                  \
	} while (0)

static int uc_ok(uc_err e, const char *what)
{
	if (e == UC_ERR_OK)
		return 1;
	fail(what, e);
	return 0;
}
#define UC_OK(call) uc_ok((call), #call)

/* Inside a hook: record the engine failure and stop. */
static void hook_failed(struct nxk_cpu *cpu)
{
	cpu->failed = 1;
	UC_OK(uc_emu_stop(cpu->uc));
}

static void set_fault(struct nxk_cpu *cpu, uint32_t cause, uint32_t access, uint64_t pc,
		      uint64_t addr)
{
	cpu->faulted = 1;
	cpu->fault = (struct nxk_stop){NXK_STOP_FAULT, cause, access, pc, addr};
}

/* Blocks the task has started in budgeted runs, this run included. */
static uint64_t blocks_run(const struct nxk_cpu *cpu)
{
	return cpu->clock + (cpu->slice - cpu->left);
}

/*
 * rdtime: in a budgeted run the task's block count; in an alone run,
 * where nothing counts blocks, each read moves the clock on by
 * NXK_CPU_RDTIME_STEP. Deterministic and monotonic either way.
 */
static int emulate_rdtime(struct nxk_cpu *cpu, uint64_t pc)
{
	uint32_t insn;
	if (uc_mem_read(cpu->uc, pc, &insn, sizeof(insn)) != UC_ERR_OK)
		return 0;
	if ((insn & RDTIME_MASK) != RDTIME_INSN)
		return 0;
	unsigned rd = (insn >> 7) & 31;
	uint64_t now;
	if (cpu->hooked) {
		now = blocks_run(cpu);
	} else {
		cpu->clock += NXK_CPU_RDTIME_STEP;
		now = cpu->clock;
	}
	if (rd != 0 && !UC_OK(uc_reg_write(cpu->uc, UC_RISCV_REG_X0 + rd, &now)))
		hook_failed(cpu);
	return 1;
}

/*
 * The address the load, store or AMO at pc accesses: base + offset (the
 * registers are as they were before it ran); `dflt` if it is none.
 */
static uint64_t access_addr(struct nxk_cpu *cpu, uint64_t pc, uint64_t dflt)
{
	uint16_t half[2] = {0, 0};
	struct rv_access a;
	uint64_t base;

	if (uc_mem_read(cpu->uc, pc, &half[0], 2) != UC_ERR_OK)
		return dflt;
	if ((half[0] & 3) == 3 && uc_mem_read(cpu->uc, pc + 2, &half[1], 2) != UC_ERR_OK)
		return dflt;
	rv_access_decode(half[0], half[1], &a);
	if (!a.is_mem || uc_reg_read(cpu->uc, UC_RISCV_REG_X0 + a.base, &base) != UC_ERR_OK)
		return dflt;
	return base + (uint64_t)a.off;
}

static void on_intr(uc_engine *uc, uint32_t intno, void *arg)
{
	struct nxk_cpu *cpu = arg;
	uint64_t pc;
	if (intno == EXC_ECALL_U) {
		if (cpu->ecall(cpu->ctx) == NXK_CPU_STOP) {
			cpu->stop_ecall = 1;
			if (!UC_OK(uc_emu_stop(uc)))
				cpu->failed = 1;
		}
		return;
	}
	if (!UC_OK(uc_reg_read(uc, UC_RISCV_REG_PC, &pc))) {
		hook_failed(cpu);
		return;
	}
	switch (intno) {
	case EXC_ILLEGAL:
		/* Unicorn reports the address + 4 even for a 2-byte instruction. */
		if (emulate_rdtime(cpu, pc - 4))
			return;
		set_fault(cpu, NX_CRASH_ILLEGAL_INSN, NX_ACCESS_EXEC, pc - 4, 0);
		break;
	case EXC_BREAKPOINT:
		set_fault(cpu, NX_CRASH_BREAKPOINT, NX_ACCESS_EXEC, pc, 0);
		break;
	case EXC_INSN_MISALIGNED:
		set_fault(cpu, NX_CRASH_MISALIGNED, NX_ACCESS_EXEC, pc, pc);
		break;
	case EXC_LOAD_MISALIGNED:
	case EXC_STORE_MISALIGNED:
		/* Reported like an illegal instruction: at the pc + 4 (an AMO: 4 bytes). */
		set_fault(cpu, NX_CRASH_MISALIGNED,
			  intno == EXC_LOAD_MISALIGNED ? NX_ACCESS_READ : NX_ACCESS_WRITE, pc - 4,
			  access_addr(cpu, pc - 4, 0));
		break;
	case EXC_INSN_ACCESS:
		set_fault(cpu, NX_CRASH_FETCH_PROT, NX_ACCESS_EXEC, pc, pc);
		break;
	case EXC_LOAD_ACCESS:
		set_fault(cpu, NX_CRASH_READ_PROT, NX_ACCESS_READ, pc, 0);
		break;
	case EXC_STORE_ACCESS:
		set_fault(cpu, NX_CRASH_WRITE_PROT, NX_ACCESS_WRITE, pc, 0);
		break;
	default:
		set_fault(cpu, NX_CRASH_ILLEGAL_INSN, NX_ACCESS_EXEC, pc, 0);
		break;
	}
	if (!UC_OK(uc_emu_stop(uc)))
		cpu->failed = 1;
}

static void on_block(uc_engine *uc, uint64_t addr, uint32_t size, void *arg)
{
	struct nxk_cpu *cpu = arg;
	(void)addr;
	(void)size;
	/* Once 0, stay 0: a hook run before the stop takes effect must not wrap. */
	if (cpu->left > 0 && --cpu->left == 0) {
		cpu->stop_budget = 1;
		if (!UC_OK(uc_emu_stop(uc)))
			cpu->failed = 1;
	}
}

/* The mapping holding va, or NULL. */
static const struct cpu_map *map_find(const struct nxk_cpu *cpu, uint64_t va)
{
	unsigned lo = 0, hi = cpu->nmaps;
	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		if (va < cpu->maps[mid].va)
			hi = mid;
		else if (va >= cpu->maps[mid].end)
			lo = mid + 1;
		else
			return &cpu->maps[mid];
	}
	return NULL;
}

static bool on_tlb_fill(uc_engine *uc, uint64_t va, uc_mem_type type, uc_tlb_entry *e, void *arg)
{
	struct nxk_cpu *cpu = arg;
	const struct cpu_map *m = map_find(cpu, va);
	uint32_t perms = m != NULL ? m->perms : 0;
	uint32_t need = type == UC_MEM_READ    ? UC_PROT_READ
			: type == UC_MEM_WRITE ? UC_PROT_WRITE
					       : UC_PROT_EXEC;
	(void)uc;
	if (!(perms & need)) {
		cpu->refused = 1;
		cpu->refused_mapped = m != NULL;
		cpu->refused_va = va;
		cpu->refused_type = type;
		return false;
	}
	/* A refused data access stops the run before the instruction: the flush point. */
	if (type != UC_MEM_FETCH && ++cpu->fills == cpu->grow_at) {
		cpu->grow = 1;
		return false;
	}
	/* Every permission of the page at once, or a load and a store to it thrash the entry. */
	e->paddr = va;
	e->perms = perms;
	return true;
}

static uint32_t uc_perms(uint32_t prot)
{
	return ((prot & NX_PROT_READ) ? UC_PROT_READ : 0) |
	       ((prot & NX_PROT_WRITE) ? UC_PROT_WRITE : 0) |
	       ((prot & NX_PROT_EXEC) ? UC_PROT_EXEC : 0);
}

static int map_add(struct nxk_cpu *cpu, uint64_t va, uint64_t len, uint32_t perms)
{
	unsigned at = 0;
	if (cpu->nmaps == CPU_MAPS_MAX) {
		snprintf(cpu_err, sizeof(cpu_err), "unicorn: more than %d mappings", CPU_MAPS_MAX);
		return -NX_ENOSPC;
	}
	while (at < cpu->nmaps && cpu->maps[at].va < va)
		at++;
	memmove(&cpu->maps[at + 1], &cpu->maps[at], (cpu->nmaps - at) * sizeof(cpu->maps[0]));
	cpu->maps[at] = (struct cpu_map){va, va + len, perms};
	cpu->nmaps++;
	return 0;
}

/* An engine with no ecall handler yet: nxk_cpu_create's, or the spare. */
static int cpu_open(struct nxk_cpu **out)
{
	static int thp_off;
	struct nxk_cpu *cpu = calloc(1, sizeof(*cpu));
	if (cpu == NULL)
		return -NX_ENOMEM;
	/*
	 * Unicorn asks for huge pages on its code cache: with THP in "madvise"
	 * mode each engine then holds 2 MiB more than the 1 it uses.
	 */
	if (!thp_off) {
		prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
		thp_off = 1;
	}
	cpu->grow_at = NXK_CPU_TLB_GROW_FILLS;
	atomic_init(&cpu->interrupted, 0);
	if (pthread_mutex_init(&cpu->lock, NULL) != 0) {
		free(cpu);
		return -NX_ENOMEM;
	}
	uc_err e = uc_open(UC_ARCH_RISCV, UC_MODE_RISCV64, &cpu->uc);
	if (e != UC_ERR_OK) {
		fail("uc_open", e);
		pthread_mutex_destroy(&cpu->lock);
		free(cpu);
		return -NX_ENOMEM;
	}
	uint32_t insn = INSN_MRET;
	/* The buffer size and the TLB mode must be set before the engine's first use. */
	if (!UC_OK(uc_ctl_set_tcg_buffer_size(cpu->uc, NXK_CPU_TCG_BUFFER)) ||
	    !UC_OK(uc_ctl_tlb_mode(cpu->uc, UC_TLB_VIRTUAL)) ||
	    !UC_OK(uc_mem_map(cpu->uc, NXK_CPU_TRAMPOLINE_VA, NX_PAGE_SIZE, UC_PROT_EXEC)) ||
	    map_add(cpu, NXK_CPU_TRAMPOLINE_VA, NX_PAGE_SIZE, UC_PROT_EXEC) != 0 ||
	    !UC_OK(uc_mem_write(cpu->uc, NXK_CPU_TRAMPOLINE_VA, &insn, sizeof(insn))) ||
	    !UC_OK(uc_hook_add(cpu->uc, &cpu->h_intr, UC_HOOK_INTR, (void *)on_intr, cpu, 1, 0)) ||
	    !UC_OK(uc_hook_add(cpu->uc, &cpu->h_tlb, UC_HOOK_TLB_FILL, (void *)on_tlb_fill, cpu, 1,
			       0))) {
		nxk_cpu_destroy(cpu);
		return -NX_ENOMEM;
	}
	*out = cpu;
	return 0;
}

static struct nxk_cpu *spare; /* nxk_cpu_spare's, until a task takes it */

int nxk_cpu_spare(void)
{
	struct nxk_cpu *cpu;
	int r;

	if (__atomic_load_n(&spare, __ATOMIC_ACQUIRE) != NULL)
		return 0;
	if ((r = cpu_open(&cpu)) != 0)
		return r;
	cpu = __atomic_exchange_n(&spare, cpu, __ATOMIC_ACQ_REL);
	if (cpu != NULL)
		nxk_cpu_destroy(cpu);
	return 0;
}

void nxk_cpu_spare_free(void)
{
	struct nxk_cpu *cpu = __atomic_exchange_n(&spare, NULL, __ATOMIC_ACQ_REL);

	if (cpu != NULL)
		nxk_cpu_destroy(cpu);
}

int nxk_cpu_create(nxk_cpu_ecall_fn ecall, void *ctx, struct nxk_cpu **out)
{
	struct nxk_cpu *cpu = __atomic_exchange_n(&spare, NULL, __ATOMIC_ACQ_REL);
	int r;

	if (cpu == NULL && (r = cpu_open(&cpu)) != 0)
		return r;
	cpu->ecall = ecall;
	cpu->ctx = ctx;
	*out = cpu;
	return 0;
}

void nxk_cpu_destroy(struct nxk_cpu *cpu)
{
	UC_OK(uc_close(cpu->uc));
	pthread_mutex_destroy(&cpu->lock);
	free(cpu);
}

int nxk_cpu_map(struct nxk_cpu *cpu, uint64_t va, void *host, uint64_t len, uint32_t prot)
{
	int r = map_add(cpu, va, len, uc_perms(prot));
	if (r != 0)
		return r;
	uc_err e = uc_mem_map_ptr(cpu->uc, va, len, uc_perms(prot), host);
	if (e != UC_ERR_OK) {
		fail("uc_mem_map_ptr", e);
		const struct cpu_map *m = map_find(cpu, va);
		unsigned at = (unsigned)(m - cpu->maps);
		memmove(&cpu->maps[at], &cpu->maps[at + 1],
			(cpu->nmaps - at - 1) * sizeof(cpu->maps[0]));
		cpu->nmaps--;
		return e == UC_ERR_NOMEM ? -NX_ENOMEM : -NX_EINVAL;
	}
	return 0;
}

int nxk_cpu_unmap(struct nxk_cpu *cpu, uint64_t va, uint64_t len)
{
	const struct cpu_map *m = map_find(cpu, va);
	if (m != NULL && m->va == va && m->end == va + len) {
		unsigned at = (unsigned)(m - cpu->maps);
		memmove(&cpu->maps[at], &cpu->maps[at + 1],
			(cpu->nmaps - at - 1) * sizeof(cpu->maps[0]));
		cpu->nmaps--;
	}
	UC_TRY(uc_mem_unmap(cpu->uc, va, len));
	UC_TRY(uc_ctl_remove_cache(cpu->uc, va, va + len));
	/* The TLB keeps what the fill hook granted until it is flushed. */
	UC_TRY(uc_ctl_flush_tlb(cpu->uc));
	return 0;
}

int nxk_cpu_invalidate(struct nxk_cpu *cpu, uint64_t va, uint64_t len)
{
	UC_TRY(uc_ctl_remove_cache(cpu->uc, va, va + len));
	return 0;
}

int nxk_cpu_start(struct nxk_cpu *cpu, uint64_t entry, uint64_t sp, uint64_t a0)
{
	uint64_t mstatus = MSTATUS_FS_INITIAL, pc = NXK_CPU_TRAMPOLINE_VA;
	UC_TRY(uc_reg_write(cpu->uc, UC_RISCV_REG_MSTATUS, &mstatus));
	UC_TRY(uc_reg_write(cpu->uc, UC_RISCV_REG_MEPC, &entry));
	UC_TRY(uc_reg_write(cpu->uc, UC_RISCV_REG_SP, &sp));
	UC_TRY(uc_reg_write(cpu->uc, UC_RISCV_REG_A0, &a0));
	UC_TRY(uc_reg_write(cpu->uc, UC_RISCV_REG_PC, &pc));
	return 0;
}

int nxk_cpu_reg(struct nxk_cpu *cpu, unsigned r, uint64_t *v)
{
	if (r >= 32)
		return -NX_EINVAL;
	UC_TRY(uc_reg_read(cpu->uc, UC_RISCV_REG_X0 + r, v));
	return 0;
}

int nxk_cpu_set_reg(struct nxk_cpu *cpu, unsigned r, uint64_t v)
{
	if (r >= 32)
		return -NX_EINVAL;
	if (r == 0)
		return 0;
	UC_TRY(uc_reg_write(cpu->uc, UC_RISCV_REG_X0 + r, &v));
	return 0;
}

int nxk_cpu_regs(struct nxk_cpu *cpu, uint64_t regs[32], uint64_t *pc)
{
	for (unsigned r = 0; r < 32; r++)
		UC_TRY(uc_reg_read(cpu->uc, UC_RISCV_REG_X0 + r, &regs[r]));
	UC_TRY(uc_reg_read(cpu->uc, UC_RISCV_REG_PC, pc));
	return 0;
}

int nxk_cpu_syscall_args(struct nxk_cpu *cpu, unsigned n, uint64_t a[6])
{
	static int ids[6] = {UC_RISCV_REG_A0, UC_RISCV_REG_A1, UC_RISCV_REG_A2,
			     UC_RISCV_REG_A3, UC_RISCV_REG_A4, UC_RISCV_REG_A5};
	void *vals[6] = {&a[0], &a[1], &a[2], &a[3], &a[4], &a[5]};
	if (n > 6)
		return -NX_EINVAL;
	memset(a, 0, 6 * sizeof(a[0]));
	if (n > 0)
		UC_TRY(uc_reg_read_batch(cpu->uc, ids, vals, (int)n));
	return 0;
}

void nxk_cpu_interrupt(struct nxk_cpu *cpu)
{
	atomic_store(&cpu->interrupted, 1);
	pthread_mutex_lock(&cpu->lock);
	if (cpu->in_emu)
		(void)uc_emu_stop(cpu->uc);
	pthread_mutex_unlock(&cpu->lock);
}

/* Install the block hook for a budgeted run, or take it away for an alone one. */
static int set_hooked(struct nxk_cpu *cpu, int on)
{
	if (on == cpu->hooked)
		return 0;
	if (on) {
		UC_TRY(uc_hook_add(cpu->uc, &cpu->h_block, UC_HOOK_BLOCK, (void *)on_block, cpu, 1,
				   0));
		/* Code translated without the hook would never call it. */
		for (unsigned i = 0; i < cpu->nmaps; i++)
			if (cpu->maps[i].perms & UC_PROT_EXEC)
				UC_TRY(uc_ctl_remove_cache(cpu->uc, cpu->maps[i].va,
							   cpu->maps[i].end));
	} else {
		UC_TRY(uc_hook_del(cpu->uc, cpu->h_block));
	}
	cpu->hooked = on;
	return 0;
}

/* The fault the fill hook's refusal stands for: pc is the instruction's. */
static void refused_fault(struct nxk_cpu *cpu, uint64_t pc)
{
	uint64_t va = cpu->refused_va, addr;
	int mapped = cpu->refused_mapped;

	if (cpu->refused_type == UC_MEM_FETCH && va < (pc & ~(NX_PAGE_SIZE - 1))) {
		/*
		 * No fetch of an instruction reaches below it: the engine reads the
		 * bytes before a zero halfword (c.unimp) that starts a page (measured:
		 * no other instruction does it). It is that illegal instruction.
		 */
		set_fault(cpu, NX_CRASH_ILLEGAL_INSN, NX_ACCESS_EXEC, pc, 0);
		return;
	}
	if (cpu->refused_type == UC_MEM_FETCH) {
		/* An instruction running into the page after its own names that page. */
		addr = va > pc ? va : pc;
		set_fault(cpu, mapped ? NX_CRASH_FETCH_PROT : NX_CRASH_FETCH_UNMAPPED,
			  NX_ACCESS_EXEC, pc, addr);
		return;
	}
	addr = access_addr(cpu, pc, va);
	/* An access from the page before into the refused one: the refused page is the fault. */
	if ((addr & ~(NX_PAGE_SIZE - 1)) != va)
		addr = va;
	if (cpu->refused_type == UC_MEM_WRITE)
		set_fault(cpu, mapped ? NX_CRASH_WRITE_PROT : NX_CRASH_WRITE_UNMAPPED,
			  NX_ACCESS_WRITE, pc, addr);
	else
		set_fault(cpu, mapped ? NX_CRASH_READ_PROT : NX_CRASH_READ_UNMAPPED, NX_ACCESS_READ,
			  pc, addr);
}

/* One uc_emu_start from the current pc, visible to nxk_cpu_interrupt. */
static uc_err emu_start(struct nxk_cpu *cpu)
{
	uint64_t pc;
	uc_err e = uc_reg_read(cpu->uc, UC_RISCV_REG_PC, &pc);
	if (e != UC_ERR_OK)
		return e;
	pthread_mutex_lock(&cpu->lock);
	cpu->in_emu = 1;
	pthread_mutex_unlock(&cpu->lock);
	e = uc_emu_start(cpu->uc, pc, 0, 0, 0);
	pthread_mutex_lock(&cpu->lock);
	cpu->in_emu = 0;
	pthread_mutex_unlock(&cpu->lock);
	return e;
}

/* Run, resuming after each TLB growth stop; the engine's last result. */
static uc_err run_engine(struct nxk_cpu *cpu)
{
	for (;;) {
		uc_err e = emu_start(cpu);
		if (e != UC_ERR_EXCEPTION || !cpu->grow)
			return e;
		cpu->grow = 0;
		cpu->fills = 0;
		cpu->grow_at *= 2;
		e = uc_ctl_flush_tlb(cpu->uc);
		if (e != UC_ERR_OK)
			return e;
		/* The resumed rest of the block starts a block of its own: not counted twice. */
		if (cpu->hooked)
			cpu->left++;
		/* A step's instruction did not run: it is hooked again on resume. */
		if (cpu->stepping)
			cpu->step_calls = 0;
		if (atomic_load(&cpu->interrupted))
			return UC_ERR_OK;
	}
}

/* 1 if a breakpoint is set at va. */
static int is_break(const struct nxk_cpu *cpu, uint64_t va)
{
	for (unsigned i = 0; i < cpu->nbreaks; i++)
		if (cpu->breaks[i] == va)
			return 1;
	return 0;
}

/* What ended the engine's run, as a stop. */
static int classify(struct nxk_cpu *cpu, uc_err e, struct nxk_stop *out)
{
	uint64_t pc;
	if (cpu->failed)
		return -NX_EINVAL;
	UC_TRY(uc_reg_read(cpu->uc, UC_RISCV_REG_PC, &pc));
	if (e == UC_ERR_EXCEPTION && cpu->refused) {
		refused_fault(cpu, pc);
	} else if (e == UC_ERR_INSN_INVALID) {
		/* ebreak, at its own pc */
		set_fault(cpu, NX_CRASH_BREAKPOINT, NX_ACCESS_EXEC, pc, 0);
	} else if (e != UC_ERR_OK) {
		fail("uc_emu_start", e);
		return -NX_EINVAL;
	}
	if (cpu->faulted)
		*out = cpu->fault;
	else if (cpu->stop_ecall)
		out->kind = NXK_STOP_ECALL;
	else if (atomic_load(&cpu->interrupted))
		out->kind = NXK_STOP_INTERRUPT;
	else if (cpu->stop_budget)
		out->kind = NXK_STOP_BUDGET;
	else if (cpu->stepping)
		/* Its second hook call, or an exit at the next instruction. */
		out->kind = NXK_STOP_STEP;
	else if (is_break(cpu, pc))
		out->kind = NXK_STOP_BREAK;
	else {
		snprintf(cpu_err, sizeof(cpu_err), "unicorn: engine stopped at pc 0x%llx unasked",
			 (unsigned long long)pc);
		return -NX_EINVAL;
	}
	return 0;
}

static void run_reset(struct nxk_cpu *cpu, uint64_t budget)
{
	cpu->slice = cpu->left = budget;
	cpu->stop_ecall = cpu->stop_budget = cpu->failed = cpu->faulted = cpu->refused = 0;
}

/*
 * A step's hook, deleted outside its run, is only let go of at the end of
 * the next one: an empty run (stopped at its first block, before the block
 * executes) does that without running anything or counting a block.
 */
static int settle_step_hook(struct nxk_cpu *cpu)
{
	if (!cpu->step_hooked)
		return 0;
	int r = set_hooked(cpu, 1);
	if (r != 0)
		return r;
	run_reset(cpu, 1);
	uc_err e = emu_start(cpu);
	if (e != UC_ERR_OK && !(e == UC_ERR_EXCEPTION && (cpu->refused || cpu->grow))) {
		fail("uc_emu_start", e);
		return -NX_EINVAL;
	}
	cpu->grow = 0;
	cpu->step_hooked = 0;
	return 0;
}

int nxk_cpu_run(struct nxk_cpu *cpu, uint64_t budget, struct nxk_stop *out)
{
	memset(out, 0, sizeof(*out));
	if (atomic_load(&cpu->interrupted)) {
		out->kind = NXK_STOP_INTERRUPT;
		return 0;
	}
	int r = settle_step_hook(cpu);
	if (r == 0)
		r = set_hooked(cpu, budget != 0);
	if (r != 0)
		return r;
	run_reset(cpu, budget);
	uc_err e = run_engine(cpu);
	if (cpu->hooked)
		cpu->clock = blocks_run(cpu);
	return classify(cpu, e, out);
}

int nxk_cpu_freg(struct nxk_cpu *cpu, unsigned r, uint64_t *v)
{
	if (r > NXK_CPU_FCSR)
		return -NX_EINVAL;
	/* fcsr reads right only with mstatus.FS on, which nxk_cpu_start sets. */
	UC_TRY(uc_reg_read(cpu->uc,
			   r == NXK_CPU_FCSR ? UC_RISCV_REG_FCSR : UC_RISCV_REG_F0 + (int)r, v));
	return 0;
}

int nxk_cpu_set_freg(struct nxk_cpu *cpu, unsigned r, uint64_t v)
{
	if (r > NXK_CPU_FCSR)
		return -NX_EINVAL;
	UC_TRY(uc_reg_write(cpu->uc,
			    r == NXK_CPU_FCSR ? UC_RISCV_REG_FCSR : UC_RISCV_REG_F0 + (int)r, &v));
	return 0;
}

int nxk_cpu_set_pc(struct nxk_cpu *cpu, uint64_t pc)
{
	UC_TRY(uc_reg_write(cpu->uc, UC_RISCV_REG_PC, &pc));
	return 0;
}

/* Tell the engine the breakpoints, without `skip` (0: none), and drop code translated at va. */
static int exits_set(struct nxk_cpu *cpu, uint64_t skip, uint64_t va)
{
	uint64_t exits[NXK_CPU_BREAKS_MAX];
	unsigned n = 0;
	for (unsigned i = 0; i < cpu->nbreaks; i++)
		if (cpu->breaks[i] != skip)
			exits[n++] = cpu->breaks[i];
	if (!cpu->exits_on) {
		UC_TRY(uc_ctl_exits_enable(cpu->uc));
		cpu->exits_on = 1;
	}
	UC_TRY(uc_ctl_set_exits(cpu->uc, exits, n));
	/* An exit only takes effect in code translated after it. */
	UC_TRY(uc_ctl_remove_cache(cpu->uc, va, va + 1));
	return 0;
}

int nxk_cpu_break(struct nxk_cpu *cpu, uint64_t va, int set)
{
	unsigned i = 0;
	while (i < cpu->nbreaks && cpu->breaks[i] != va)
		i++;
	if (set && i == cpu->nbreaks) {
		if (cpu->nbreaks == NXK_CPU_BREAKS_MAX)
			return -NX_ENOSPC;
		cpu->breaks[cpu->nbreaks++] = va;
	} else if (!set && i < cpu->nbreaks) {
		cpu->breaks[i] = cpu->breaks[--cpu->nbreaks];
	} else {
		return 0;
	}
	return exits_set(cpu, 0, va);
}

static void on_step(uc_engine *uc, uint64_t addr, uint32_t size, void *arg)
{
	struct nxk_cpu *cpu = arg;
	(void)addr;
	(void)size;
	/* The first call is the instruction to run; the second, the one after it. */
	if (++cpu->step_calls < 2)
		return;
	if (!UC_OK(uc_hook_del(uc, cpu->h_step)) || !UC_OK(uc_emu_stop(uc))) {
		cpu->failed = 1;
		return;
	}
	cpu->step_hooked = 0;
}

/* Drop the code translated with or without the step hook, all of it. */
static int drop_code(struct nxk_cpu *cpu)
{
	for (unsigned i = 0; i < cpu->nmaps; i++)
		if (cpu->maps[i].perms & UC_PROT_EXEC)
			UC_TRY(uc_ctl_remove_cache(cpu->uc, cpu->maps[i].va, cpu->maps[i].end));
	return 0;
}

int nxk_cpu_step(struct nxk_cpu *cpu, struct nxk_stop *out)
{
	uint64_t pc;
	memset(out, 0, sizeof(*out));
	if (atomic_load(&cpu->interrupted)) {
		out->kind = NXK_STOP_INTERRUPT;
		return 0;
	}
	int r = settle_step_hook(cpu);
	if (r != 0)
		return r;
	UC_TRY(uc_reg_read(cpu->uc, UC_RISCV_REG_PC, &pc));
	int lifted = is_break(cpu, pc);
	if (lifted && (r = exits_set(cpu, pc, pc)) != 0)
		return r;
	UC_TRY(uc_hook_add(cpu->uc, &cpu->h_step, UC_HOOK_CODE, (void *)on_step, cpu, 1, 0));
	cpu->step_hooked = 1;
	if ((r = drop_code(cpu)) != 0)
		return r;
	/* Budgeted or not, the block hook counts nothing here. */
	run_reset(cpu, 0);
	cpu->stepping = 1;
	cpu->step_calls = 0;
	uc_err e = run_engine(cpu);
	if (cpu->step_hooked)
		UC_TRY(uc_hook_del(cpu->uc, cpu->h_step));
	r = classify(cpu, e, out);
	cpu->stepping = 0;
	int r2 = drop_code(cpu);
	if (r2 == 0 && lifted)
		r2 = exits_set(cpu, 0, pc);
	return r != 0 ? r : r2;
}

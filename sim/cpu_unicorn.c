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
 * - Memory faults end uc_emu_start with a *_PROT / *_UNMAPPED error; the
 *   MEM_INVALID hook has the exact address, but the engine's pc is only
 *   synced at block exits that leave the code cache: after chained blocks
 *   it is the start of an earlier block. The block hook sees every block
 *   start, so the faulting load/store is found by decoding forward from
 *   the last one (registers are synced before every memory access).
 * - Preemption: a block hook counts down a budget, then uc_emu_stop.
 *   uc_emu_start always with until = 0 and no timeout. The hook runs at
 *   every block start, so it does the least it can: one store, one
 *   decrement (the task's clock is derived from the budget at the end).
 * - The softmmu TLB starts at 256 entries and only resizes when it is
 *   flushed (to twice its size when over 70% of it was used since the
 *   last flush). Nothing flushes it in a normal run, so a task with a
 *   working set over 1 MiB missed in it forever; it is flushed on the
 *   task's runs 1, 2, 4, 8, ..., so it grows to the working set at a
 *   cost of log2(runs) flushes. A flush only drops cached translations,
 *   never changes what the task sees.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicorn/unicorn.h>

#include "nexus/err.h"
#include "nexus/rights.h"
#include "nexus/task.h"
#include "cpu_unicorn.h"

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

struct nxk_cpu {
	uc_engine *uc;
	uc_hook h_intr, h_block, h_mem;
	nxk_cpu_ecall_fn ecall;
	void *ctx;
	uint64_t left;	/* blocks left in this run */
	uint64_t slice; /* blocks this run may start: left's first value */
	uint64_t clock; /* blocks started in all earlier runs */
	uint64_t runs;	/* nxk_cpu_run calls: the TLB is flushed on powers of two */
	uint64_t block; /* start of the block running now */
	int stop_ecall, stop_budget, failed;
	int faulted;
	struct nxk_stop fault;
	uint64_t mem_addr;
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

/* Blocks the task has started, this run included: its clock. */
static uint64_t blocks_run(const struct nxk_cpu *cpu)
{
	return cpu->clock + (cpu->slice - cpu->left);
}

/* rdtime reads the task's block count: deterministic, monotonic. */
static int emulate_rdtime(struct nxk_cpu *cpu, uint64_t pc)
{
	uint32_t insn;
	if (uc_mem_read(cpu->uc, pc, &insn, sizeof(insn)) != UC_ERR_OK)
		return 0;
	if ((insn & RDTIME_MASK) != RDTIME_INSN)
		return 0;
	unsigned rd = (insn >> 7) & 31;
	uint64_t now = blocks_run(cpu);
	if (rd != 0 && !UC_OK(uc_reg_write(cpu->uc, UC_RISCV_REG_X0 + rd, &now)))
		hook_failed(cpu);
	return 1;
}

static uint64_t access_addr(struct nxk_cpu *cpu, uint64_t pc);

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
		/* Reported, like an illegal instruction, at the faulting pc + 4 (an AMO: 4 bytes).
		 */
		set_fault(cpu, NX_CRASH_MISALIGNED,
			  intno == EXC_LOAD_MISALIGNED ? NX_ACCESS_READ : NX_ACCESS_WRITE, pc - 4,
			  access_addr(cpu, pc - 4));
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
	(void)size;
	cpu->block = addr;
	/* Once 0, stay 0: a hook run before the stop takes effect must not wrap. */
	if (cpu->left > 0 && --cpu->left == 0) {
		cpu->stop_budget = 1;
		if (!UC_OK(uc_emu_stop(uc)))
			cpu->failed = 1;
	}
}

static bool on_mem_invalid(uc_engine *uc, uc_mem_type type, uint64_t addr, int size, int64_t value,
			   void *arg)
{
	struct nxk_cpu *cpu = arg;
	(void)uc;
	(void)type;
	(void)size;
	(void)value;
	cpu->mem_addr = addr;
	return false;
}

int nxk_cpu_create(nxk_cpu_ecall_fn ecall, void *ctx, struct nxk_cpu **out)
{
	struct nxk_cpu *cpu = calloc(1, sizeof(*cpu));
	if (cpu == NULL)
		return -NX_ENOMEM;
	cpu->ecall = ecall;
	cpu->ctx = ctx;
	uc_err e = uc_open(UC_ARCH_RISCV, UC_MODE_RISCV64, &cpu->uc);
	if (e != UC_ERR_OK) {
		fail("uc_open", e);
		free(cpu);
		return -NX_ENOMEM;
	}
	uint32_t insn = INSN_MRET;
	/* The buffer size must be set before the engine's first use. */
	if (!UC_OK(uc_ctl_set_tcg_buffer_size(cpu->uc, NXK_CPU_TCG_BUFFER)) ||
	    !UC_OK(uc_mem_map(cpu->uc, NXK_CPU_TRAMPOLINE_VA, NX_PAGE_SIZE, UC_PROT_EXEC)) ||
	    !UC_OK(uc_mem_write(cpu->uc, NXK_CPU_TRAMPOLINE_VA, &insn, sizeof(insn))) ||
	    !UC_OK(uc_hook_add(cpu->uc, &cpu->h_intr, UC_HOOK_INTR, (void *)on_intr, cpu, 1, 0)) ||
	    !UC_OK(
		uc_hook_add(cpu->uc, &cpu->h_block, UC_HOOK_BLOCK, (void *)on_block, cpu, 1, 0)) ||
	    !UC_OK(uc_hook_add(cpu->uc, &cpu->h_mem, UC_HOOK_MEM_INVALID, (void *)on_mem_invalid,
			       cpu, 1, 0))) {
		nxk_cpu_destroy(cpu);
		return -NX_ENOMEM;
	}
	*out = cpu;
	return 0;
}

void nxk_cpu_destroy(struct nxk_cpu *cpu)
{
	UC_OK(uc_close(cpu->uc));
	free(cpu);
}

static uint32_t uc_perms(uint32_t prot)
{
	return ((prot & NX_PROT_READ) ? UC_PROT_READ : 0) |
	       ((prot & NX_PROT_WRITE) ? UC_PROT_WRITE : 0) |
	       ((prot & NX_PROT_EXEC) ? UC_PROT_EXEC : 0);
}

int nxk_cpu_map(struct nxk_cpu *cpu, uint64_t va, void *host, uint64_t len, uint32_t prot)
{
	UC_TRY(uc_mem_map_ptr(cpu->uc, va, len, uc_perms(prot), host));
	return 0;
}

int nxk_cpu_unmap(struct nxk_cpu *cpu, uint64_t va, uint64_t len)
{
	UC_TRY(uc_mem_unmap(cpu->uc, va, len));
	UC_TRY(uc_ctl_remove_cache(cpu->uc, va, va + len));
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

/* What one instruction accesses: base register + offset, or nothing. */
struct access {
	unsigned len;  /* instruction bytes */
	int is_mem;    /* a load, store or AMO */
	int ends;      /* a branch, jump or system instruction: the block ends */
	unsigned base; /* x register */
	int64_t off;
	unsigned size;
};

static int64_t sext(uint64_t v, unsigned bits)
{
	return (int64_t)(v << (64 - bits)) >> (64 - bits);
}

static void decode16(uint32_t i, struct access *a)
{
	unsigned q = i & 3, f3 = (i >> 13) & 7;
	unsigned rs1c = 8 + ((i >> 7) & 7);
	uint64_t off_w = ((i >> 10) & 7) << 3 | ((i >> 6) & 1) << 2 | ((i >> 5) & 1) << 6;
	uint64_t off_d = ((i >> 10) & 7) << 3 | ((i >> 5) & 3) << 6;
	a->len = 2;
	if (q == 0 && f3 != 0 && f3 != 4) {
		int word = f3 == 2 || f3 == 6;
		*a = (struct access){2, 1, 0, rs1c, (int64_t)(word ? off_w : off_d), word ? 4 : 8};
	} else if (q == 1) {
		a->ends = f3 == 5 || f3 == 6 || f3 == 7; /* c.j, c.beqz, c.bnez */
	} else if (q == 2 && (f3 == 1 || f3 == 2 || f3 == 3)) {
		uint64_t off =
		    f3 == 2 ? (((i >> 12) & 1) << 5 | ((i >> 4) & 7) << 2 | ((i >> 2) & 3) << 6)
			    : (((i >> 12) & 1) << 5 | ((i >> 5) & 3) << 3 | ((i >> 2) & 7) << 6);
		*a = (struct access){2, 1, 0, 2, (int64_t)off, f3 == 2 ? 4 : 8};
	} else if (q == 2 && (f3 == 5 || f3 == 6 || f3 == 7)) {
		uint64_t off = f3 == 6 ? (((i >> 9) & 15) << 2 | ((i >> 7) & 3) << 6)
				       : (((i >> 10) & 7) << 3 | ((i >> 7) & 7) << 6);
		*a = (struct access){2, 1, 0, 2, (int64_t)off, f3 == 6 ? 4 : 8};
	} else if (q == 2 && f3 == 4) {
		/* c.jr / c.jalr / c.ebreak: rs2 == 0 */
		a->ends = ((i >> 2) & 31) == 0;
	}
}

static void decode32(uint32_t i, struct access *a)
{
	unsigned op = i & 0x7f, f3 = (i >> 12) & 7, rs1 = (i >> 15) & 31;
	*a = (struct access){.len = 4};
	switch (op) {
	case 0x03: /* loads */
	case 0x07: /* FP loads */
		*a = (struct access){4, 1, 0, rs1, sext(i >> 20, 12), 1u << (f3 & 3)};
		break;
	case 0x23: /* stores */
	case 0x27: /* FP stores */
		*a = (struct access){
		    4, 1, 0, rs1, sext((i >> 25) << 5 | ((i >> 7) & 31), 12), 1u << (f3 & 3)};
		break;
	case 0x2f: /* AMOs */
		*a = (struct access){4, 1, 0, rs1, 0, f3 == 2 ? 4 : 8};
		break;
	case 0x63: /* branches */
	case 0x67: /* jalr */
	case 0x6f: /* jal */
	case 0x73: /* system */
		a->ends = 1;
		break;
	}
}

/* Decode the instruction at pc; 0, or -1 when its bytes cannot be read. */
static int decode_at(struct nxk_cpu *cpu, uint64_t pc, struct access *a)
{
	uint32_t insn = 0;

	*a = (struct access){0};
	if (uc_mem_read(cpu->uc, pc, &insn, 2) != UC_ERR_OK)
		return -1;
	if ((insn & 3) == 3) {
		if (uc_mem_read(cpu->uc, pc, &insn, 4) != UC_ERR_OK)
			return -1;
		decode32(insn, a);
	} else {
		decode16(insn, a);
	}
	return 0;
}

/*
 * The instruction in the block starting at `pc` that accessed `addr`:
 * the registers are as they were just before the faulting access, so
 * base + offset of each load/store can be recomputed. The block start if
 * none matches.
 */
static uint64_t fault_pc(struct nxk_cpu *cpu, uint64_t pc, uint64_t addr)
{
	uint64_t at = pc;
	for (unsigned n = 0; n < NXK_CPU_FAULT_SCAN_MAX; n++) {
		struct access a;
		if (decode_at(cpu, at, &a) != 0)
			break;
		if (a.is_mem) {
			uint64_t base;
			if (uc_reg_read(cpu->uc, UC_RISCV_REG_X0 + a.base, &base) != UC_ERR_OK)
				break;
			uint64_t ea = base + (uint64_t)a.off;
			if (addr - ea < a.size)
				return at;
		}
		if (a.ends)
			break;
		at += a.len;
	}
	return pc;
}

/* The address the load, store or AMO at pc accesses: base + offset, 0 if it is none. */
static uint64_t access_addr(struct nxk_cpu *cpu, uint64_t pc)
{
	struct access a;
	uint64_t base;

	if (decode_at(cpu, pc, &a) != 0 || !a.is_mem ||
	    uc_reg_read(cpu->uc, UC_RISCV_REG_X0 + a.base, &base) != UC_ERR_OK)
		return 0;
	return base + (uint64_t)a.off;
}

static int mem_fault(struct nxk_cpu *cpu, uc_err e, uint64_t pc)
{
	uint64_t addr = cpu->mem_addr;
	switch (e) {
	case UC_ERR_FETCH_UNMAPPED:
		set_fault(cpu, NX_CRASH_FETCH_UNMAPPED, NX_ACCESS_EXEC, addr, addr);
		return 1;
	case UC_ERR_FETCH_PROT:
		set_fault(cpu, NX_CRASH_FETCH_PROT, NX_ACCESS_EXEC, addr, addr);
		return 1;
	case UC_ERR_READ_UNMAPPED:
		set_fault(cpu, NX_CRASH_READ_UNMAPPED, NX_ACCESS_READ, fault_pc(cpu, pc, addr),
			  addr);
		return 1;
	case UC_ERR_READ_PROT:
		set_fault(cpu, NX_CRASH_READ_PROT, NX_ACCESS_READ, fault_pc(cpu, pc, addr), addr);
		return 1;
	case UC_ERR_WRITE_UNMAPPED:
		set_fault(cpu, NX_CRASH_WRITE_UNMAPPED, NX_ACCESS_WRITE, fault_pc(cpu, pc, addr),
			  addr);
		return 1;
	case UC_ERR_WRITE_PROT:
		set_fault(cpu, NX_CRASH_WRITE_PROT, NX_ACCESS_WRITE, fault_pc(cpu, pc, addr), addr);
		return 1;
	case UC_ERR_READ_UNALIGNED:
	case UC_ERR_WRITE_UNALIGNED:
	case UC_ERR_FETCH_UNALIGNED:
		set_fault(cpu, NX_CRASH_MISALIGNED,
			  e == UC_ERR_READ_UNALIGNED	? NX_ACCESS_READ
			  : e == UC_ERR_WRITE_UNALIGNED ? NX_ACCESS_WRITE
							: NX_ACCESS_EXEC,
			  pc, addr);
		return 1;
	case UC_ERR_INSN_INVALID: /* ebreak, at its own pc */
		set_fault(cpu, NX_CRASH_BREAKPOINT, NX_ACCESS_EXEC, pc, 0);
		return 1;
	default:
		return 0;
	}
}

int nxk_cpu_run(struct nxk_cpu *cpu, uint64_t budget, struct nxk_stop *out)
{
	uint64_t pc;
	/* Budget 0: no budget (2^64 - 1 blocks never run out). */
	cpu->slice = cpu->left = budget != 0 ? budget : UINT64_MAX;
	cpu->stop_ecall = cpu->stop_budget = cpu->failed = cpu->faulted = 0;
	UC_TRY(uc_reg_read(cpu->uc, UC_RISCV_REG_PC, &pc));
	cpu->runs++;
	if ((cpu->runs & (cpu->runs - 1)) == 0)
		UC_TRY(uc_ctl_flush_tlb(cpu->uc));
	uc_err e = uc_emu_start(cpu->uc, pc, 0, 0, 0);
	cpu->clock = blocks_run(cpu);
	if (cpu->failed)
		return -NX_EINVAL;
	if (e != UC_ERR_OK) {
		UC_TRY(uc_reg_read(cpu->uc, UC_RISCV_REG_PC, &pc));
		if (e != UC_ERR_INSN_INVALID)
			pc = cpu->block;
		if (!mem_fault(cpu, e, pc)) {
			fail("uc_emu_start", e);
			return -NX_EINVAL;
		}
	}
	memset(out, 0, sizeof(*out));
	if (cpu->faulted)
		*out = cpu->fault;
	else if (cpu->stop_ecall)
		out->kind = NXK_STOP_ECALL;
	else if (cpu->stop_budget)
		out->kind = NXK_STOP_BUDGET;
	else {
		snprintf(cpu_err, sizeof(cpu_err), "unicorn: engine stopped at pc 0x%llx unasked",
			 (unsigned long long)pc);
		return -NX_EINVAL;
	}
	return 0;
}

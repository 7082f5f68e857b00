/*
 * What the kernel needs from a CPU engine. One engine per task; the kernel
 * never sees the engine's own types, so the Unicorn backend (sim/) and a
 * later QEMU target backend are interchangeable at link time.
 *
 * Syscalls are handled while the engine runs: on ecall the backend calls
 * the `ecall` function it was created with, which reads the arguments,
 * serves the call and writes a0; if it returns NXK_CPU_STOP the engine
 * stops and nxk_cpu_run returns NXK_STOP_ECALL.
 */
#ifndef NEXUS_KERNEL_CPU_H
#define NEXUS_KERNEL_CPU_H

#include <stddef.h>
#include <stdint.h>

struct nxk_cpu;

#define NXK_CPU_CONTINUE 0
#define NXK_CPU_STOP 1

enum nxk_stop_kind {
	NXK_STOP_BUDGET = 1, /* ran its block budget */
	NXK_STOP_ECALL,	     /* the ecall handler asked to stop */
	NXK_STOP_FAULT,	     /* the task faulted; see cause/access/pc/addr */
	NXK_STOP_INTERRUPT,  /* nxk_cpu_interrupt: the task must not run again */
	NXK_STOP_BREAK,	     /* the pc reached a breakpoint (nxk_cpu_break): not executed */
	NXK_STOP_STEP,	     /* nxk_cpu_step executed its one instruction */
};

struct nxk_stop {
	enum nxk_stop_kind kind;
	uint32_t cause;	 /* enum nx_crash_cause, for NXK_STOP_FAULT */
	uint32_t access; /* NX_ACCESS_* */
	uint64_t pc;	 /* faulting instruction */
	uint64_t addr;	 /* faulting address, 0 if none */
};

/* ecall handler: returns NXK_CPU_CONTINUE or NXK_CPU_STOP. */
typedef int (*nxk_cpu_ecall_fn)(void *ctx);

/*
 * Every function returns 0 or a negative NX_E* value; on failure a message
 * naming the engine call is left in nxk_cpu_error().
 */
int nxk_cpu_create(nxk_cpu_ecall_fn ecall, void *ctx, struct nxk_cpu **out);
void nxk_cpu_destroy(struct nxk_cpu *cpu);

/* Map `len` bytes of host memory at guest `va` (both page-aligned). */
int nxk_cpu_map(struct nxk_cpu *cpu, uint64_t va, void *host, uint64_t len, uint32_t prot);
int nxk_cpu_unmap(struct nxk_cpu *cpu, uint64_t va, uint64_t len);
/* Forget translated code for [va, va+len): its bytes changed outside the engine. */
int nxk_cpu_invalidate(struct nxk_cpu *cpu, uint64_t va, uint64_t len);

/* First instruction in U-mode at `entry` with sp and a0 set. */
int nxk_cpu_start(struct nxk_cpu *cpu, uint64_t entry, uint64_t sp, uint64_t a0);
/*
 * Run until `budget` translated blocks have started, a fault, or a stop.
 * Budget 0 runs the task alone: no budget (nothing is counted, which is
 * what makes it fast), so it stops only at a fault, when the ecall
 * handler asks, or by nxk_cpu_interrupt.
 */
int nxk_cpu_run(struct nxk_cpu *cpu, uint64_t budget, struct nxk_stop *out);
/*
 * From any thread, while `cpu` exists: end its current (or next) run as
 * soon as possible, with NXK_STOP_INTERRUPT. Only to end the task: the
 * stop lands anywhere, even inside an instruction sequence the engine
 * will replay, so the task's registers and memory are not a state it
 * could go on from, and every later run returns NXK_STOP_INTERRUPT at
 * once. A stop that arrives while the engine is starting can be lost:
 * call it again until the run has returned.
 */
void nxk_cpu_interrupt(struct nxk_cpu *cpu);

/* x0..x31 by number; the pc of the next instruction. */
int nxk_cpu_reg(struct nxk_cpu *cpu, unsigned r, uint64_t *v);
int nxk_cpu_set_reg(struct nxk_cpu *cpu, unsigned r, uint64_t v);
int nxk_cpu_regs(struct nxk_cpu *cpu, uint64_t regs[32], uint64_t *pc);
/*
 * The first n syscall arguments (a0..a[n-1]) in one go, the rest zero:
 * the ecall fast path reads a7 first, then only what the call uses.
 */
int nxk_cpu_syscall_args(struct nxk_cpu *cpu, unsigned n, uint64_t a[6]);

/*
 * For a debugger (kernel/debug.h): nothing calls these unless one is
 * attached, and a backend without one returns -NX_ENOSYS.
 * f0..f31 as their raw 64-bit patterns; NXK_CPU_FCSR names fcsr.
 */
#define NXK_CPU_FCSR 32
int nxk_cpu_freg(struct nxk_cpu *cpu, unsigned r, uint64_t *v);
int nxk_cpu_set_freg(struct nxk_cpu *cpu, unsigned r, uint64_t v);
int nxk_cpu_set_pc(struct nxk_cpu *cpu, uint64_t pc);
/*
 * set non-zero: runs stop with NXK_STOP_BREAK before the instruction at
 * va executes; 0: no longer. -NX_ENOSPC past the backend's capacity.
 */
int nxk_cpu_break(struct nxk_cpu *cpu, uint64_t va, int set);
/*
 * Execute exactly one instruction (a breakpoint at the pc does not stop
 * it; an ecall is served as in a run): NXK_STOP_STEP, or what ended it
 * first (a fault, an ecall handler's stop).
 */
int nxk_cpu_step(struct nxk_cpu *cpu, struct nxk_stop *out);

/* The last failure's message, for the kernel's log; never NULL. */
const char *nxk_cpu_error(void);

#endif

/*
 * A task's saved user context and the two halves of a trip to U-mode
 * (trap.S). nxq_uenter saves the kernel's callee-saved registers and sp
 * in the context, loads the user registers and srets; the trap entry
 * saves the user registers back, reloads the kernel's, and returns from
 * nxq_uenter with scause. To the C caller a trip to U-mode is one
 * function call that returns why the task stopped.
 *
 * sscratch holds the context while in U-mode and 0 in S-mode, so the
 * entry tells a trap from U-mode from a kernel fault.
 */
#ifndef NEXUS_QEMU_KERN_UCTX_H
#define NEXUS_QEMU_KERN_UCTX_H

#define UCTX_X(n) ((n)*8) /* x1..x31 (the x0 slot stays 0) */
#define UCTX_PC (32 * 8)  /* sepc: where the task resumes */
#define UCTX_KSP (33 * 8) /* the kernel's sp and ra in nxq_uenter */
#define UCTX_KRA (34 * 8)
#define UCTX_KS(n) ((35 + (n)) * 8) /* the kernel's s0..s11 */
#define UCTX_SIZE (47 * 8)

#define FPCTX_FCSR (32 * 8) /* after f0..f31 */
#define FPCTX_SIZE (33 * 8)

#ifndef __ASSEMBLER__
#include <stdint.h>

struct nxq_uctx {
	uint64_t x[32];
	uint64_t pc;
	uint64_t ksp, kra, ks[12];
};

_Static_assert(sizeof(struct nxq_uctx) == UCTX_SIZE, "nxq_uctx layout");

/* Enter U-mode at c->pc with c->x; returns scause once the task traps. */
uint64_t nxq_uenter(struct nxq_uctx *c);

/* f0..f31 and fcsr (FPCTX_SIZE bytes); sstatus.FS must not be Off. */
void nxq_fp_save(uint64_t *fp);
void nxq_fp_restore(const uint64_t *fp);

/* stvec's target (trap.S); a trap taken in S-mode goes to nxq_kernel_trap. */
void nxq_trap_entry(void);
__attribute__((noreturn)) void nxq_kernel_trap(uint64_t scause, uint64_t sepc, uint64_t stval);
#endif

#endif

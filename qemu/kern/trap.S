/*
 * The way into U-mode and back (uctx.h). Assembled for rv64imafd with the
 * kernel's soft-float ABI: only nxq_fp_save/restore touch FP registers.
 */
#include "uctx.h"

	.text
	.globl nxq_uenter
nxq_uenter:
	sd	sp, UCTX_KSP(a0)
	sd	ra, UCTX_KRA(a0)
	sd	s0, UCTX_KS(0)(a0)
	sd	s1, UCTX_KS(1)(a0)
	sd	s2, UCTX_KS(2)(a0)
	sd	s3, UCTX_KS(3)(a0)
	sd	s4, UCTX_KS(4)(a0)
	sd	s5, UCTX_KS(5)(a0)
	sd	s6, UCTX_KS(6)(a0)
	sd	s7, UCTX_KS(7)(a0)
	sd	s8, UCTX_KS(8)(a0)
	sd	s9, UCTX_KS(9)(a0)
	sd	s10, UCTX_KS(10)(a0)
	sd	s11, UCTX_KS(11)(a0)
	ld	t0, UCTX_PC(a0)
	csrw	sepc, t0
	csrw	sscratch, a0
	.irp n, 1,2,3,4,5,6,7,8,9,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ld	x\n, UCTX_X(\n)(a0)
	.endr
	ld	a0, UCTX_X(10)(a0)
	sret

	/* stvec: direct mode needs 4-byte alignment. */
	.balign 4
	.globl nxq_trap_entry
nxq_trap_entry:
	csrrw	a0, sscratch, a0
	beqz	a0, from_kernel
	.irp n, 1,2,3,4,5,6,7,8,9,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	sd	x\n, UCTX_X(\n)(a0)
	.endr
	csrr	t0, sscratch
	sd	t0, UCTX_X(10)(a0)
	csrw	sscratch, zero
	csrr	t0, sepc
	sd	t0, UCTX_PC(a0)
	ld	sp, UCTX_KSP(a0)
	ld	ra, UCTX_KRA(a0)
	ld	s0, UCTX_KS(0)(a0)
	ld	s1, UCTX_KS(1)(a0)
	ld	s2, UCTX_KS(2)(a0)
	ld	s3, UCTX_KS(3)(a0)
	ld	s4, UCTX_KS(4)(a0)
	ld	s5, UCTX_KS(5)(a0)
	ld	s6, UCTX_KS(6)(a0)
	ld	s7, UCTX_KS(7)(a0)
	ld	s8, UCTX_KS(8)(a0)
	ld	s9, UCTX_KS(9)(a0)
	ld	s10, UCTX_KS(10)(a0)
	ld	s11, UCTX_KS(11)(a0)
	csrr	a0, scause
	ret

	/* A trap in S-mode: a kernel bug. sscratch back to 0, a0 back, then report. */
from_kernel:
	csrrw	a0, sscratch, a0
	csrr	a0, scause
	csrr	a1, sepc
	csrr	a2, stval
	call	nxq_kernel_trap

	.globl nxq_fp_save
nxq_fp_save:
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	fsd	f\n, (\n*8)(a0)
	.endr
	frcsr	t0
	sd	t0, FPCTX_FCSR(a0)
	ret

	.globl nxq_fp_restore
nxq_fp_restore:
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	fld	f\n, (\n*8)(a0)
	.endr
	ld	t0, FPCTX_FCSR(a0)
	fscsr	t0
	ret

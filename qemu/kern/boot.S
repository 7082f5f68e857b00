/*
 * Entry from OpenSBI in S-mode, paging off, at the kernel's physical
 * load address (NXQ_KERNEL_PA): a0 = hart id, a1 = the FDT's physical
 * address. Fills the boot page table (the direct map, layout.h, plus an
 * identity gigapage over the RAM this code runs in, needed only until
 * the jump), turns on Sv39, jumps to the linked upper-half address,
 * clears .bss and calls kmain(hart, fdt). Everything before the jump is
 * pc-relative, so it runs at the physical address.
 */
#include "layout.h"

	.section .text.boot, "ax", @progbits
	.globl _start
_start:
	csrw	sie, zero
	csrw	sscratch, zero
	lla	t0, boot_pt
	li	t1, PTE_KERNEL_LEAF
	/* Identity: root[pc >> 30] -> the gigapage holding pc. */
	lla	t2, _start
	srli	t2, t2, 30
	slli	t3, t2, 28		/* (gigapage << 30) >> 12 << PTE_PPN_SHIFT */
	or	t3, t3, t1
	slli	t4, t2, 3
	add	t4, t4, t0
	sd	t3, 0(t4)
	/* Direct map: root[NXQ_DIRECT_VPN2 + n] -> gigapage n. */
	li	t2, 0
	li	t5, NXQ_DIRECT_GIGS
1:	slli	t3, t2, 28
	or	t3, t3, t1
	addi	t4, t2, NXQ_DIRECT_VPN2
	slli	t4, t4, 3
	add	t4, t4, t0
	sd	t3, 0(t4)
	addi	t2, t2, 1
	blt	t2, t5, 1b
	srli	t0, t0, 12
	li	t1, SATP_SV39
	or	t0, t0, t1
	sfence.vma
	csrw	satp, t0
	sfence.vma
	/* An absolute address, read from memory: the upper-half entry. */
	ld	t0, high_entry_va
	jr	t0

high_entry:
	lla	sp, boot_stack_top
	lla	t0, __bss_start
	lla	t1, __bss_end
2:	bgeu	t0, t1, 3f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	2b
3:	call	kmain
4:	wfi
	j	4b

	.section .rodata
	.balign 8
high_entry_va:
	.dword	high_entry

	/* Not .bss: it is filled before .bss is cleared. */
	.section .data.boot_pt, "aw", @progbits
	.balign 4096
	.globl boot_pt
boot_pt:
	.space	4096

	.section .bss
	.balign 16
boot_stack:
	.space	NXQ_KSTACK_SIZE
	.globl boot_stack_top
boot_stack_top:

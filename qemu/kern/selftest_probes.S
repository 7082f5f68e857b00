/*
 * The self-tests' U-mode probes: position-independent code copied into a
 * probe task's code page at PROBE_CODE_VA (selftest_probes.h). Each ends
 * with exit(0) when what it checks held, and exit(1) when it did not.
 */
#include "nexus/syscall.h"
#include "selftest_probes.h"

	.section .rodata.probes, "a", @progbits

/* The data pages read all zero. */
	.globl probe_zero, probe_zero_end
probe_zero:
	li	s0, PROBE_DATA_VA
	li	s1, PROBE_DATA_VA + PROBE_DATA_PAGES * 4096
1:	ld	t0, 0(s0)
	bnez	t0, 2f
	addi	s0, s0, 8
	bltu	s0, s1, 1b
	li	a0, 0
	j	3f
2:	li	a0, 1
3:	li	a7, NX_SYS_EXIT
	ecall
probe_zero_end:

/*
 * For each row of the table at PROBE_DATA_VA (a count, then rows of
 * struct probe_userptr_row), debug_write(ptr, len) returns the row's want.
 */
	.globl probe_userptr, probe_userptr_end
probe_userptr:
	li	s0, PROBE_DATA_VA
	ld	s1, 0(s0)
	addi	s0, s0, 8
1:	beqz	s1, 3f
	ld	a0, 0(s0)
	ld	a1, 8(s0)
	li	a7, NX_SYS_DEBUG_WRITE
	ecall
	ld	t0, 16(s0)
	bne	a0, t0, 2f
	addi	s0, s0, 24
	addi	s1, s1, -1
	j	1b
2:	li	a0, 1
	j	4f
3:	li	a0, 0
4:	li	a7, NX_SYS_EXIT
	ecall
probe_userptr_end:

/* A call into the data page, which holds probe_exit0: only W^X stops it. */
	.globl probe_fetch_data, probe_fetch_data_end
probe_fetch_data:
	li	t0, PROBE_DATA_VA
	jalr	t0
	li	a0, 1
	li	a7, NX_SYS_EXIT
	ecall
probe_fetch_data_end:

/* A store into its own code page. */
	.globl probe_store_code, probe_store_code_end
probe_store_code:
	li	t0, PROBE_CODE_VA
	sw	zero, 0(t0)
	li	a0, 1
	li	a7, NX_SYS_EXIT
	ecall
probe_store_code_end:

	.globl probe_exit0, probe_exit0_end
probe_exit0:
	li	a0, 0
	li	a7, NX_SYS_EXIT
	ecall
probe_exit0_end:

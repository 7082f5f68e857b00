/*
 * The QEMU target's fixed facts, shared by the kernel image (qemu/kern/),
 * init (qemu/init/) and nexus-qemu (qemu/host/): the virt machine's
 * devices, where things sit in physical memory, and where init finds the
 * image. docs/qemu.md draws the memory map.
 */
#ifndef NEXUS_QEMU_TARGET_H
#define NEXUS_QEMU_TARGET_H

#include "nexus/limits.h"

/* A 64-bit constant in C; the bare number in assembly and the linker script. */
#ifdef __ASSEMBLER__
#define NXQ_C(x) x
#else
#define NXQ_C(x) x##ULL
#endif

/* Physical memory (QEMU virt). */
#define NXQ_RAM_MB                                                                                 \
	1536 /* -m nexus-qemu boots with: the run memory limit (1 GiB) and the kernel              \
	      */
#define NXQ_KERNEL_PA NXQ_C(0x80200000)	     /* where OpenSBI's fw_dynamic enters S-mode */
#define NXQ_KERNEL_SIZE_MAX (NXQ_C(2) << 20) /* bytes of the kernel image, bss included */
/* Where `-device loader,file=IMAGE,addr=...` puts the image: right after the kernel. */
#define NXQ_IMAGE_PA (NXQ_KERNEL_PA + NXQ_KERNEL_SIZE_MAX)

/* Devices (QEMU virt). */
#define NXQ_UART_PA NXQ_C(0x10000000) /* ns16550a */
#define NXQ_TEST_PA NXQ_C(0x100000)   /* sifive_test: power off with a code */

/* init's address space: the image, mapped read-only, away from its ELF and stack. */
#define NXQ_INIT_IMAGE_VA NXQ_C(0x100000000)

#ifndef __ASSEMBLER__
_Static_assert(NXQ_INIT_IMAGE_VA % NX_PAGE_SIZE == 0, "image VA page-aligned");
_Static_assert(NXQ_INIT_IMAGE_VA + NX_VMO_SIZE_MAX <=
		   NX_STACK_TOP - NX_STACK_SIZE_MAX - NX_STACK_GUARD_SIZE,
	       "the image stays below any stack");
#endif

#endif

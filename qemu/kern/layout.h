/*
 * The kernel's view of memory, for C and assembly alike. The kernel runs
 * in the upper half of Sv39: the first NXQ_DIRECT_GIGS GiB of physical
 * memory (the virt machine's devices and RAM) are mapped at
 * NXQ_DIRECT_BASE + pa with 1 GiB pages, kernel-only, in every page table.
 * The kernel is linked at NXQ_DIRECT_BASE + NXQ_KERNEL_PA, so its own
 * addresses are direct-map addresses too. User mappings live in the
 * lower half, [NX_USER_BASE, NX_USER_TOP).
 */
#ifndef NEXUS_QEMU_KERN_LAYOUT_H
#define NEXUS_QEMU_KERN_LAYOUT_H

#define NXQ_DIRECT_BASE 0xffffffc000000000 /* VA of physical address 0 */
#define NXQ_DIRECT_GIGS 4		   /* GiB mapped: devices (0-2 GiB) and RAM */
#define NXQ_DIRECT_VPN2 256		   /* root index of NXQ_DIRECT_BASE */
#define NXQ_KSTACK_SIZE 65536		   /* bytes of the one kernel stack */

/* Sv39 page table entries. */
#define PTE_V 0x001
#define PTE_R 0x002
#define PTE_W 0x004
#define PTE_X 0x008
#define PTE_U 0x010
#define PTE_G 0x020
#define PTE_A 0x040
#define PTE_D 0x080
#define PTE_PPN_SHIFT 10
/* The direct map's gigapages: kernel-only, global, accessed and dirty preset. */
#define PTE_KERNEL_LEAF (PTE_V | PTE_R | PTE_W | PTE_X | PTE_G | PTE_A | PTE_D)
#define SV39_LEVELS 3
#define SV39_ENTRIES 512
#define SATP_SV39 0x8000000000000000 /* MODE = 8 */

#ifndef __ASSEMBLER__
#include <stdint.h>

static inline void *nxq_pa_to_va(uint64_t pa)
{
	return (void *)(uintptr_t)(pa + NXQ_DIRECT_BASE);
}

static inline uint64_t nxq_va_to_pa(const void *va)
{
	return (uint64_t)(uintptr_t)va - NXQ_DIRECT_BASE;
}
#endif

#endif

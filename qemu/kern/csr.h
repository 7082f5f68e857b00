/* Supervisor CSRs the kernel touches, and the trap causes it tells apart. */
#ifndef NEXUS_QEMU_KERN_CSR_H
#define NEXUS_QEMU_KERN_CSR_H

#include <stdint.h>

#define csr_read(name)                                                                             \
	({                                                                                         \
		uint64_t v_;                                                                       \
		__asm__ volatile("csrr %0, " #name : "=r"(v_));                                    \
		v_;                                                                                \
	})
#define csr_write(name, v) __asm__ volatile("csrw " #name ", %0" ::"r"((uint64_t)(v)))
#define csr_set(name, v) __asm__ volatile("csrs " #name ", %0" ::"r"((uint64_t)(v)))
#define csr_clear(name, v) __asm__ volatile("csrc " #name ", %0" ::"r"((uint64_t)(v)))

#define SSTATUS_SIE (1ULL << 1)
#define SSTATUS_SPIE (1ULL << 5)
#define SSTATUS_SPP (1ULL << 8)
#define SSTATUS_FS_MASK (3ULL << 13)
#define SSTATUS_FS_INITIAL (1ULL << 13)
#define SSTATUS_FS_CLEAN (2ULL << 13)
#define SSTATUS_FS_DIRTY (3ULL << 13)

#define SIE_STIE (1ULL << 5)

/* scounteren: U-mode may read cycle, time and instret itself. */
#define SCOUNTEREN_CY (1ULL << 0)
#define SCOUNTEREN_TM (1ULL << 1)
#define SCOUNTEREN_IR (1ULL << 2)

/* scause values. */
#define SCAUSE_INTERRUPT (1ULL << 63)
#define SCAUSE_S_TIMER (SCAUSE_INTERRUPT | 5)
#define EXC_INSN_MISALIGNED 0
#define EXC_INSN_ACCESS 1
#define EXC_ILLEGAL 2
#define EXC_BREAKPOINT 3
#define EXC_LOAD_MISALIGNED 4
#define EXC_LOAD_ACCESS 5
#define EXC_STORE_MISALIGNED 6
#define EXC_STORE_ACCESS 7
#define EXC_ECALL_U 8
#define EXC_INSN_PAGE 12
#define EXC_LOAD_PAGE 13
#define EXC_STORE_PAGE 15

static inline void sfence_vma(void)
{
	__asm__ volatile("sfence.vma" ::: "memory");
}

static inline void fence_i(void)
{
	__asm__ volatile("fence.i" ::: "memory");
}

#endif

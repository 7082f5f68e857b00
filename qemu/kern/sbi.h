/* The one SBI service the kernel uses: the supervisor timer. */
#ifndef NEXUS_QEMU_KERN_SBI_H
#define NEXUS_QEMU_KERN_SBI_H

#include <stdint.h>

/* Raise the S-mode timer interrupt once `time` reaches `when`; clears a pending one. */
void nxq_sbi_set_timer(uint64_t when);

#endif

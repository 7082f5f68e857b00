/*
 * Sv39 page tables of one address space. The upper half (the kernel's
 * direct map) is copied from the boot table into every root, so the
 * kernel runs on any task's table; the lower half holds the task's
 * mappings, 4 KiB pages only, every one with the U bit.
 */
#ifndef NEXUS_QEMU_KERN_SV39_H
#define NEXUS_QEMU_KERN_SV39_H

#include <stdint.h>

/* A new root sharing the kernel half, or NULL. */
uint64_t *nxq_sv39_new(void);
/* Frees the root and every table under its lower half (not the mapped pages). */
void nxq_sv39_free(uint64_t *root);
/*
 * Map [va, +len) to physical [pa, +len) with leaf bits `flags` (PTE_R/W/X/U).
 * All or nothing: -1 (nothing left mapped) when a table cannot be allocated.
 */
int nxq_sv39_map(uint64_t *root, uint64_t va, uint64_t pa, uint64_t len, uint64_t flags);
void nxq_sv39_unmap(uint64_t *root, uint64_t va, uint64_t len);
/* The leaf PTE mapping va, or 0 (lower half only). */
uint64_t nxq_sv39_leaf(const uint64_t *root, uint64_t va);
/* satp value for the root. */
uint64_t nxq_sv39_satp(const uint64_t *root);
/* The boot table (boot.S): the kernel half's source and the table with no task. */
uint64_t *nxq_sv39_kernel_root(void);

#endif

/* What the kernel reads from the flattened device tree OpenSBI hands it. */
#ifndef NEXUS_QEMU_KERN_FDT_H
#define NEXUS_QEMU_KERN_FDT_H

#include <stdint.h>

struct nxq_fdt_info {
	uint64_t ram_base, ram_size; /* the first /memory node's first reg range */
	uint64_t fdt_size;	     /* bytes of the blob itself (to keep it) */
};

/* 0, or -1 with *why when the blob is not a device tree or names no memory. */
int nxq_fdt_read(const void *fdt, struct nxq_fdt_info *out, const char **why);

#endif

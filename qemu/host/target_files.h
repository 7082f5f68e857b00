/*
 * The target's two build products nexus-qemu boots: the kernel image and
 * init's ELF. Their paths in this build are baked in by qemu/build.mk;
 * NEXUS_QEMU_KERNEL and NEXUS_QEMU_INIT override them.
 */
#ifndef NEXUS_QEMU_HOST_TARGET_FILES_H
#define NEXUS_QEMU_HOST_TARGET_FILES_H

const char *nxq_kernel_path(void);
const char *nxq_init_path(void);

#endif

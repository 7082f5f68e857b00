/*
 * Starting qemu-system-riscv64 on the target: the virt machine, OpenSBI
 * (-bios default), the kernel image, and the boot image loaded at
 * NXQ_IMAGE_PA from an fd the child inherits (no file on disk). The
 * console (the UART) comes back on a pipe; QEMU's own messages go to our
 * stderr.
 */
#ifndef NEXUS_QEMU_HOST_QEMU_LAUNCH_H
#define NEXUS_QEMU_HOST_QEMU_LAUNCH_H

#include <sys/types.h>

#define NXQ_QEMU "qemu-system-riscv64"

struct nxq_qemu {
	pid_t pid;
	int console; /* read end of the UART's pipe */
};

/* The argv a boot uses, for `image` to print; image_path names the image file. */
int nxq_qemu_argv(const char *kernel, const char *image_path, int icount, char **argv, int cap);
/* 0, or -1 after saying why on stderr. image_fd is passed to QEMU as its fd 3. */
int nxq_qemu_start(const char *kernel, int image_fd, int icount, struct nxq_qemu *q);

#endif

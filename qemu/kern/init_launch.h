/*
 * Launching init, the one task the kernel starts: entry 0 of the boot
 * image, planned by the loader and built with the same kernel calls
 * execd makes (as_create, vmo_create, vmo_write, as_map, spawn), with
 * the whole image in a VMO mapped read-only at NXQ_INIT_IMAGE_VA.
 */
#ifndef NEXUS_QEMU_KERN_INIT_LAUNCH_H
#define NEXUS_QEMU_KERN_INIT_LAUNCH_H

#include "hostcall.h"
#include "image.h"

/* init's pid, or a negative value after saying on the console what failed. */
long nxq_init_launch(struct nxq_host *h, const struct nxq_image *img);

#endif

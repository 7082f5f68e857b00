/*
 * The boot image a command line asks for: init (this build's) and the one
 * payload named, with argv = {its name, ARGS...} and the --env strings,
 * as nexus-sim's init hands them to execd.
 */
#ifndef NEXUS_QEMU_HOST_BOOT_IMAGE_H
#define NEXUS_QEMU_HOST_BOOT_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "opts.h"
#include "payload_open.h"

/*
 * 0 with the image in *img (malloc'd, *len bytes) and the payload in *p
 * (closed by the caller), or the exit status after saying why on stderr.
 */
int nxq_boot_image(const struct nxq_opts *o, struct nxq_payload *p, uint8_t **img, size_t *len);

#endif

/*
 * The boot image a command line asks for: init (this build's) and the one
 * payload named, with argv = {its name, ARGS...} and the --env strings,
 * as nexus-sim's init hands them to execd. Written into a file or memfd.
 */
#ifndef NEXUS_QEMU_HOST_BOOT_IMAGE_H
#define NEXUS_QEMU_HOST_BOOT_IMAGE_H

#include "opts.h"
#include "payload_open.h"

/*
 * The image written into out_fd (an empty file or memfd: it is sized and
 * filled), *p says what the payload was (the caller closes it); 0, or the
 * exit status after saying why on stderr.
 */
int nxq_boot_image(const struct nxq_opts *o, struct nxq_payload *p, int out_fd);

#endif

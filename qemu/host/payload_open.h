/*
 * What the user named, as ELF bytes ready for the image: a bundle
 * (NAME.nxb, looked up like nexus-sim run does: host/bundle_path.h)
 * checked exactly as bundlemgrd checks it (formats/nxb.h: members,
 * signature against the trust directory, manifest, payload size and
 * SHA-256), keeping the very bytes that were hashed; or an ELF file, run
 * unsigned (the dev path).
 */
#ifndef NEXUS_QEMU_HOST_PAYLOAD_OPEN_H
#define NEXUS_QEMU_HOST_PAYLOAD_OPEN_H

#include <stddef.h>
#include <stdint.h>

#include "manifest.h"
#include "nexus/limits.h"

struct nxq_payload {
	uint8_t *elf; /* mapped read-only; nxq_payload_close unmaps it */
	size_t len;
	char argv0[NX_BUNDLE_NAME_MAX]; /* the bundle's name, or the file's base name */
	char task[NX_TASK_NAME_MAX];	/* the task's name: argv0 cut to fit, [A-Za-z0-9._-] */
	int is_signed;			/* from a verified bundle */
	uint32_t caps;			/* NX_CAP_*: the manifest's; all for an ELF */
};

/*
 * 0, or the exit status after saying why on stderr: 66 cannot find or
 * open it, 65 refused (bad signature, digest, manifest, size), 70 failed.
 */
int nxq_payload_open(const char *arg, const char *trust_dir, struct nxq_payload *p);
void nxq_payload_close(struct nxq_payload *p);

#endif

/*
 * Laying out a boot image (qemu/image.h) from init's ELF and the
 * payloads, each with its task name, arguments and environment: first
 * its size, then the bytes, written in place (the caller's buffer is
 * the memfd or file QEMU will read, so nothing is copied twice).
 */
#ifndef NEXUS_QEMU_HOST_IMAGE_BUILD_H
#define NEXUS_QEMU_HOST_IMAGE_BUILD_H

#include <stddef.h>
#include <stdint.h>

struct nxq_image_part {
	const uint8_t *elf;
	size_t len;
	const char *name; /* the task's name */
	const char *const *argv;
	size_t argc; /* argv[0] included */
	const char *const *envp;
	size_t envc;
	uint32_t flags; /* NXQ_ENTRY_* */
	uint32_t caps;	/* NX_CAP_* */
};

/* The image's size for parts[0] (init) and the payloads after it; 0 with *why if it cannot be. */
size_t nxq_image_size(const struct nxq_image_part *parts, size_t n, const char **why);
/*
 * The image into buf (nxq_image_size bytes, zeroed), checked with
 * nxq_image_check: 0, or -1 with *why.
 */
int nxq_image_write(const struct nxq_image_part *parts, size_t n, uint8_t *buf, size_t size,
		    const char **why);

#endif

/*
 * Building a boot image (qemu/image.h) from init's ELF and the payloads,
 * each with its task name, arguments and environment.
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
};

/*
 * The image (malloc'd, *len bytes) of parts[0] (init) and the payloads
 * after it, checked with nxq_image_check; NULL with *why set when the
 * parts do not fit the format's limits.
 */
uint8_t *nxq_image_build(const struct nxq_image_part *parts, size_t n, size_t *len,
			 const char **why);

#endif

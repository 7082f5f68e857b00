/*
 * The boot image: what nexus-qemu hands the target besides the kernel.
 * QEMU loads it at NXQ_IMAGE_PA (qemu/target.h); the kernel copies it
 * into a VMO mapped read-only at NXQ_INIT_IMAGE_VA in init, launches
 * entry 0 (init) and init runs entries 1.. in order. Every ELF in it was
 * checked when the image was built (a bundle's signature and digests by
 * formats/), so on this target the image is the unit of trust.
 *
 * Layout, little-endian: struct nxq_image at offset 0, then the bytes
 * the entries point at (ELF files, argument strings), each starting on
 * an NXQ_IMAGE_ALIGN boundary.
 */
#ifndef NEXUS_QEMU_IMAGE_H
#define NEXUS_QEMU_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "nexus/limits.h"

#define NXQ_IMAGE_MAGIC 0x49515a4eu /* "NXQI" little-endian */
#define NXQ_IMAGE_VERSION 1
#define NXQ_IMAGE_ENTRIES_MAX 16	   /* init and the payloads */
#define NXQ_IMAGE_SIZE_MAX NX_VMO_SIZE_MAX /* bytes: the image travels in one VMO */
#define NXQ_IMAGE_ALIGN 8		   /* bytes: alignment of what the entries point at */

/* Entry flags. */
#define NXQ_ENTRY_SIGNED 1u /* from a verified bundle (else an unsigned dev ELF) */

struct nxq_image_entry {
	uint64_t elf_off; /* the ELF file: [elf_off, +elf_len) of the image */
	uint64_t elf_len;
	uint64_t strs_off; /* argc argv strings then envc env strings, each NUL-ended */
	uint64_t strs_len;
	uint32_t argc; /* argv[0] included: 1..NX_ARGC_MAX */
	uint32_t envc; /* 0..NX_ENVC_MAX */
	uint32_t flags;
	uint32_t caps;		     /* NX_CAP_* the task gets: its manifest's, all for a dev ELF */
	char name[NX_TASK_NAME_MAX]; /* the task's name, NUL-terminated, [A-Za-z0-9._-] */
};

struct nxq_image {
	uint32_t magic;	  /* NXQ_IMAGE_MAGIC */
	uint32_t version; /* NXQ_IMAGE_VERSION */
	uint64_t size;	  /* bytes of the whole image */
	uint32_t count;	  /* entries used: 2..NXQ_IMAGE_ENTRIES_MAX */
	uint32_t pad;	  /* zero */
	struct nxq_image_entry e[NXQ_IMAGE_ENTRIES_MAX];
};

_Static_assert(sizeof(struct nxq_image_entry) == 80, "nxq_image_entry size");
_Static_assert(offsetof(struct nxq_image_entry, name) == 48, "nxq_image_entry.name");
_Static_assert(offsetof(struct nxq_image, e) == 24, "nxq_image.e");
_Static_assert(sizeof(struct nxq_image) == 24 + 80 * NXQ_IMAGE_ENTRIES_MAX, "nxq_image size");

/*
 * Whether `len` bytes at `img` hold a well-formed image: header, counts,
 * every entry inside the image, names well-formed, strings as many as
 * counted and NUL-ended. 0, or -1 with *why naming the first problem.
 * The builder, the kernel and init each check with this one function.
 */
int nxq_image_check(const void *img, uint64_t len, const char **why);

/* A character allowed in an entry's name. */
static inline int nxq_name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-';
}

#endif

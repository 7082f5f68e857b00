/*
 * The one well-formedness check of a boot image (image.h), built for the
 * host, the kernel and init alike: freestanding, no allocation.
 */
#include "image.h"
#include "nexus/caps.h"

static int in_image(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off && off % NXQ_IMAGE_ALIGN == 0;
}

static int name_ok(const char *name)
{
	size_t n = 0;

	while (n < NX_TASK_NAME_MAX && name[n] != 0) {
		if (!nxq_name_char_ok(name[n]))
			return 0;
		n++;
	}
	return n > 0 && n < NX_TASK_NAME_MAX;
}

/* argc + envc NUL-ended strings filling [s, s+len) exactly, at most NX_ARG_BYTES_MAX. */
static int strs_ok(const uint8_t *s, uint64_t len, uint64_t count)
{
	uint64_t seen = 0;

	if (len > NX_ARG_BYTES_MAX)
		return 0;
	for (uint64_t i = 0; i < len; i++)
		seen += s[i] == 0;
	return seen == count && (len == 0 || s[len - 1] == 0);
}

static int entry_ok(const uint8_t *base, uint64_t size, const struct nxq_image_entry *e,
		    const char **why)
{
	if (!in_image(e->elf_off, e->elf_len, size) || e->elf_len == 0 ||
	    e->elf_len > NX_ELF_FILE_MAX) {
		*why = "an entry's ELF lies outside the image";
		return 0;
	}
	if (e->argc == 0 || e->argc > NX_ARGC_MAX || e->envc > NX_ENVC_MAX ||
	    !in_image(e->strs_off, e->strs_len, size) ||
	    !strs_ok(base + e->strs_off, e->strs_len, (uint64_t)e->argc + e->envc)) {
		*why = "an entry's arguments are malformed";
		return 0;
	}
	if (!name_ok(e->name) || (e->caps & ~(uint32_t)NX_CAPS_ALL) != 0 ||
	    (e->flags & ~NXQ_ENTRY_SIGNED) != 0) {
		*why = "an entry's name or flags are malformed";
		return 0;
	}
	return 1;
}

int nxq_image_check(const void *img, uint64_t len, const char **why)
{
	const struct nxq_image *h = img;

	if (len < sizeof(*h) || h->magic != NXQ_IMAGE_MAGIC) {
		*why = "no image magic";
		return -1;
	}
	if (h->version != NXQ_IMAGE_VERSION) {
		*why = "unknown image version";
		return -1;
	}
	if (h->size < sizeof(*h) || h->size > len || h->size > NXQ_IMAGE_SIZE_MAX) {
		*why = "image size out of range";
		return -1;
	}
	if (h->count < 2 || h->count > NXQ_IMAGE_ENTRIES_MAX || h->pad != 0) {
		*why = "image entry count out of range (init and at least one payload)";
		return -1;
	}
	for (uint32_t i = 0; i < h->count; i++)
		if (!entry_ok(img, h->size, &h->e[i], why))
			return -1;
	return 0;
}

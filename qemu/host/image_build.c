/* The boot image, laid out as qemu/image.h says. */
#include <string.h>

#include "image.h"
#include "image_build.h"

static size_t align_up(size_t n)
{
	return (n + NXQ_IMAGE_ALIGN - 1) / NXQ_IMAGE_ALIGN * NXQ_IMAGE_ALIGN;
}

static size_t strs_len(const struct nxq_image_part *p)
{
	size_t n = 0;
	for (size_t i = 0; i < p->argc; i++)
		n += strlen(p->argv[i]) + 1;
	for (size_t i = 0; i < p->envc; i++)
		n += strlen(p->envp[i]) + 1;
	return n;
}

static size_t put_strs(uint8_t *at, const char *const *s, size_t n)
{
	size_t off = 0;
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(s[i]) + 1;
		memcpy(at + off, s[i], l);
		off += l;
	}
	return off;
}

size_t nxq_image_size(const struct nxq_image_part *parts, size_t n, const char **why)
{
	size_t size = align_up(sizeof(struct nxq_image));

	if (n < 2 || n > NXQ_IMAGE_ENTRIES_MAX) {
		*why = "an image holds init and 1 to 15 payloads";
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		if (parts[i].len > NXQ_IMAGE_SIZE_MAX || strs_len(&parts[i]) > NX_ARG_BYTES_MAX) {
			*why = "a payload or its arguments are too big for the image";
			return 0;
		}
		size += align_up(parts[i].len) + align_up(strs_len(&parts[i]));
	}
	if (size > NXQ_IMAGE_SIZE_MAX) {
		*why = "the image would be over NXQ_IMAGE_SIZE_MAX (64 MiB)";
		return 0;
	}
	return size;
}

int nxq_image_write(const struct nxq_image_part *parts, size_t n, uint8_t *buf, size_t size,
		    const char **why)
{
	struct nxq_image *h = (struct nxq_image *)buf;
	size_t off = align_up(sizeof(*h));

	h->magic = NXQ_IMAGE_MAGIC;
	h->version = NXQ_IMAGE_VERSION;
	h->size = size;
	h->count = (uint32_t)n;
	for (size_t i = 0; i < n && i < NXQ_IMAGE_ENTRIES_MAX; i++) {
		const struct nxq_image_part *p = &parts[i];
		struct nxq_image_entry *e = &h->e[i];
		if (off + align_up(p->len) + align_up(strs_len(p)) > size) {
			*why = "the parts do not fit the image's size";
			return -1;
		}
		e->elf_off = off;
		e->elf_len = p->len;
		memcpy(buf + off, p->elf, p->len);
		off += align_up(p->len);
		e->strs_off = off;
		e->strs_len = put_strs(buf + off, p->argv, p->argc);
		e->strs_len += put_strs(buf + off + e->strs_len, p->envp, p->envc);
		off += align_up(e->strs_len);
		e->argc = (uint32_t)p->argc;
		e->envc = (uint32_t)p->envc;
		e->flags = p->flags;
		e->caps = p->caps;
		strncpy(e->name, p->name, sizeof(e->name) - 1);
	}
	return nxq_image_check(buf, size, why);
}

/*
 * nxk_kalloc/nxk_kfree (kernel/port.h): kernel objects, zeroed. Small
 * ones come from power-of-two size classes carved out of pages and kept
 * on free lists (never returned to the page allocator: the kernel's
 * objects come and go in a bounded set); bigger ones are page runs. A
 * header before each block says which, so kfree needs no size.
 */
#include <stddef.h>
#include <stdint.h>

#include "nexus/limits.h"
#include "page_alloc.h"
#include "port.h"

#define KALLOC_MIN_SHIFT 5 /* 32-byte blocks, header included */
#define KALLOC_CLASSES 7   /* 32 .. 2048 bytes */
#define KALLOC_MAGIC 0x6b616c6cu

struct kheader {
	uint32_t magic;
	uint32_t cls;	/* size class, or KALLOC_CLASSES for a page run */
	uint64_t pages; /* a page run's length */
};

struct kfree {
	struct kfree *next;
};

_Static_assert(sizeof(struct kheader) == 16, "blocks stay 16-byte aligned");

static struct kfree *free_list[KALLOC_CLASSES];

static int refill(unsigned cls)
{
	size_t block = (size_t)1 << (cls + KALLOC_MIN_SHIFT);
	uint8_t *page = nxq_pages_alloc(1);

	if (page == NULL)
		return -1;
	for (size_t off = 0; off + block <= NX_PAGE_SIZE; off += block) {
		struct kfree *f = (struct kfree *)(void *)(page + off);
		f->next = free_list[cls];
		free_list[cls] = f;
	}
	return 0;
}

void *nxk_kalloc(size_t n)
{
	size_t need = n + sizeof(struct kheader);
	struct kheader *h;
	unsigned cls = 0;

	if (n > NX_VMO_SIZE_MAX)
		return NULL;
	while (cls < KALLOC_CLASSES && ((size_t)1 << (cls + KALLOC_MIN_SHIFT)) < need)
		cls++;
	if (cls < KALLOC_CLASSES) {
		if (free_list[cls] == NULL && refill(cls) != 0)
			return NULL;
		h = (struct kheader *)(void *)free_list[cls];
		free_list[cls] = free_list[cls]->next;
		memset(h, 0, need);
	} else {
		/* Zeroed by the allocator, which skips pages never used since reset. */
		uint64_t pages = (need + NX_PAGE_SIZE - 1) / NX_PAGE_SIZE;
		h = nxq_pages_alloc_zeroed(pages);
		if (h == NULL)
			return NULL;
		h->pages = pages;
	}
	h->magic = KALLOC_MAGIC;
	h->cls = cls;
	return h + 1;
}

void nxk_kfree(void *p)
{
	if (p == NULL)
		return;
	struct kheader *h = (struct kheader *)p - 1;
	if (h->magic != KALLOC_MAGIC)
		return; /* not ours: leaking beats corrupting */
	uint32_t cls = h->cls;
	h->magic = 0;
	if (cls == KALLOC_CLASSES) {
		nxq_pages_free(h, h->pages);
		return;
	}
	/* The free-list link overwrites the header. */
	struct kfree *f = (struct kfree *)(void *)h;
	f->next = free_list[cls];
	free_list[cls] = f;
}

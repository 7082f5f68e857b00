/*
 * Just enough of the flattened device tree (devicetree.org spec, v17) to
 * find RAM: walk the structure block for a top-level node named "memory"
 * or "memory@..." and read its "reg" with the root's #address-cells and
 * #size-cells. Every field is big-endian; every read is bounds-checked
 * against the blob's own totalsize.
 */
#include <stddef.h>

#include "fdt.h"

#define FDT_MAGIC 0xd00dfeedu
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9
#define FDT_SIZE_MAX (1U << 20) /* bytes: QEMU's virt tree is a few KiB */
#define FDT_CELLS_DEFAULT_ADDR 2
#define FDT_CELLS_DEFAULT_SIZE 1

struct fdt {
	const uint8_t *b;
	uint32_t size, off_struct, off_strings, size_strings;
};

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int word(const struct fdt *f, uint32_t off, uint32_t *v)
{
	if (off > f->size - 4)
		return -1;
	*v = be32(f->b + off);
	return 0;
}

/* A NUL-ended string at off, and the offset just past its 4-byte padding. */
static const char *str_at(const struct fdt *f, uint32_t off, uint32_t end, uint32_t *next)
{
	for (uint32_t i = off; i < end; i++) {
		if (f->b[i] == 0) {
			if (next != NULL)
				*next = (i + 1 + 3) & ~3u;
			return (const char *)f->b + off;
		}
	}
	return NULL;
}

static int name_is(const char *name, const char *want)
{
	size_t n = 0;
	while (want[n] != 0 && name[n] == want[n])
		n++;
	return want[n] == 0 && (name[n] == 0 || name[n] == '@');
}

static uint64_t cells(const uint8_t *p, uint32_t n)
{
	uint64_t v = 0;
	for (uint32_t i = 0; i < n; i++)
		v = v << 32 | be32(p + 4 * i);
	return v;
}

int nxq_fdt_read(const void *blob, struct nxq_fdt_info *out, const char **why)
{
	const uint8_t *b = blob;
	struct fdt f = {.b = b};
	uint32_t depth = 0, addr_cells = FDT_CELLS_DEFAULT_ADDR,
		 size_cells = FDT_CELLS_DEFAULT_SIZE;
	int in_memory = 0;

	if (be32(b) != FDT_MAGIC || be32(b + 4) < 40 || be32(b + 4) > FDT_SIZE_MAX) {
		*why = "no device tree";
		return -1;
	}
	f.size = be32(b + 4);
	f.off_struct = be32(b + 8);
	f.off_strings = be32(b + 12);
	f.size_strings = be32(b + 32);
	if (f.off_strings > f.size || f.size_strings > f.size - f.off_strings) {
		*why = "device tree strings out of bounds";
		return -1;
	}
	out->fdt_size = f.size;
	for (uint32_t off = f.off_struct;;) {
		uint32_t tok, len, nameoff;
		if (word(&f, off, &tok) != 0)
			break;
		off += 4;
		switch (tok) {
		case FDT_BEGIN_NODE: {
			const char *name = str_at(&f, off, f.size, &off);
			if (name == NULL)
				goto bad;
			depth++;
			in_memory = depth == 2 && name_is(name, "memory");
			break;
		}
		case FDT_END_NODE:
			if (depth == 0)
				goto bad;
			depth--;
			in_memory = 0;
			break;
		case FDT_PROP: {
			if (word(&f, off, &len) != 0 || word(&f, off + 4, &nameoff) != 0 ||
			    nameoff >= f.size_strings || len > f.size - off - 8)
				goto bad;
			const uint8_t *val = b + off + 8;
			const char *pname = str_at(&f, f.off_strings + nameoff,
						   f.off_strings + f.size_strings, NULL);
			off += 8 + ((len + 3) & ~3u);
			if (pname == NULL)
				goto bad;
			if (depth == 1 && name_is(pname, "#address-cells") && len == 4)
				addr_cells = be32(val);
			if (depth == 1 && name_is(pname, "#size-cells") && len == 4)
				size_cells = be32(val);
			if (in_memory && name_is(pname, "reg") && addr_cells <= 2 &&
			    size_cells <= 2 && len >= 4 * (addr_cells + size_cells)) {
				out->ram_base = cells(val, addr_cells);
				out->ram_size = cells(val + 4 * addr_cells, size_cells);
				return 0;
			}
			break;
		}
		case FDT_NOP:
			break;
		case FDT_END:
			*why = "the device tree names no memory";
			return -1;
		default:
			goto bad;
		}
	}
bad:
	*why = "malformed device tree";
	return -1;
}

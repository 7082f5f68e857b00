/*
 * The mutations. The input is decoded with the host's <elf.h> (not the
 * loader's own definitions, so a mistake there cannot hide here); the
 * host is little-endian like the files. Program headers are edited as an
 * array and written back in place, or appended at the end of the file
 * when a mutation adds entries.
 */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "nexus/limits.h"
#include "elfgen.h"

#define GEN_PHDR_CAP (NX_ELF_PHNUM_MAX + 8)
#define GEN_PAGE NX_PAGE_SIZE

struct gimg {
	uint8_t *b;
	size_t len;
	Elf64_Ehdr eh;
	Elf64_Phdr ph[GEN_PHDR_CAP];
	size_t nph, orig_nph;
	int phdrs_dirty;  /* write ph[] back and set e_phoff/e_phnum */
	size_t resize_to; /* if non-zero: truncate or zero-pad the file last */
	const char *why;  /* set by a mutation that cannot apply */
};

static uint64_t page_down(uint64_t a)
{
	return a & ~(GEN_PAGE - 1);
}

static uint64_t page_up(uint64_t a)
{
	return page_down(a + GEN_PAGE - 1);
}

static int fail(struct gimg *g, const char *why)
{
	g->why = why;
	return -1;
}

/* Index in ph[] of the k-th PT_LOAD, or -1. */
static int load_at(const struct gimg *g, int k)
{
	for (size_t i = 0; i < g->nph; i++)
		if (g->ph[i].p_type == PT_LOAD && k-- == 0)
			return (int)i;
	return -1;
}

static int load_count(const struct gimg *g)
{
	int n = 0;

	while (load_at(g, n) >= 0)
		n++;
	return n;
}

/* Index of the first PT_LOAD with all of `flags`, or -1. */
static int load_with(const struct gimg *g, uint32_t flags)
{
	for (size_t i = 0; i < g->nph; i++)
		if (g->ph[i].p_type == PT_LOAD && (g->ph[i].p_flags & flags) == flags)
			return (int)i;
	return -1;
}

static int add_phdr(struct gimg *g, Elf64_Phdr ph)
{
	if (g->nph == GEN_PHDR_CAP)
		return fail(g, "too many program headers to add one");
	g->ph[g->nph++] = ph;
	g->phdrs_dirty = 1;
	return 0;
}

/* A one-page read-only PT_LOAD with no file bytes at `va`. */
static Elf64_Phdr bss_load(uint64_t va, uint64_t memsz)
{
	Elf64_Phdr ph = {.p_type = PT_LOAD,
			 .p_flags = PF_R,
			 .p_offset = 0,
			 .p_vaddr = va,
			 .p_paddr = va,
			 .p_filesz = 0,
			 .p_memsz = memsz,
			 .p_align = GEN_PAGE};
	return ph;
}

static uint64_t seg_end(const Elf64_Phdr *ph)
{
	return ph->p_vaddr + ph->p_memsz;
}

/* Bytes of memory the PT_LOADs cover, page-rounded, a shared page counted once. */
static uint64_t mapped_total(const struct gimg *g)
{
	uint64_t total = 0, prev_end = 0;

	for (int k = 0, i; (i = load_at(g, k)) >= 0; k++) {
		uint64_t s = page_down(g->ph[i].p_vaddr), e = page_up(seg_end(&g->ph[i]));

		if (s < prev_end)
			s = prev_end;
		if (e > s)
			total += e - s;
		if (e > prev_end)
			prev_end = e;
	}
	return total;
}

/* Give load k the vaddr that makes it share the last page of load k-1. */
static int share_page_with_prev(struct gimg *g, int k)
{
	int a = load_at(g, k - 1), b = load_at(g, k);

	if (a < 0 || b < 0)
		return fail(g, "input has too few PT_LOADs");
	uint64_t end = seg_end(&g->ph[a]);
	uint64_t va = page_down(end - 1) + (g->ph[b].p_offset & (GEN_PAGE - 1));
	if (va < end || va > g->ph[b].p_vaddr)
		return fail(g, "input layout cannot share a page between these segments");
	uint64_t delta = g->ph[b].p_vaddr - va;
	if (g->eh.e_entry >= g->ph[b].p_vaddr && g->eh.e_entry < seg_end(&g->ph[b]))
		g->eh.e_entry -= delta;
	g->ph[b].p_vaddr = va;
	g->ph[b].p_paddr = va;
	g->phdrs_dirty = 1;
	return 0;
}

/* Append PT_LOADs (one page each, above the last) until there are n. */
static int loads_up_to(struct gimg *g, int n)
{
	int last = load_at(g, load_count(g) - 1);

	if (last < 0)
		return fail(g, "input has no PT_LOAD");
	uint64_t va = page_up(seg_end(&g->ph[last]));
	while (load_count(g) < n) {
		if (add_phdr(g, bss_load(va, GEN_PAGE)) < 0)
			return -1;
		va += GEN_PAGE;
	}
	return 0;
}

static int phdrs_up_to(struct gimg *g, size_t n)
{
	Elf64_Phdr null = {.p_type = PT_NULL};

	while (g->nph < n)
		if (add_phdr(g, null) < 0)
			return -1;
	return 0;
}

/* Grow the highest PT_LOAD until all loads cover `total` bytes, page-rounded. */
static int mapped_to(struct gimg *g, uint64_t total)
{
	int last = load_at(g, load_count(g) - 1);
	uint64_t now = mapped_total(g);

	if (last < 0 || now > total)
		return fail(g, "input already maps more than the target");
	Elf64_Phdr *ph = &g->ph[last];
	ph->p_memsz = page_up(seg_end(ph)) + (total - now) - ph->p_vaddr;
	g->phdrs_dirty = 1;
	return 0;
}

static int seg(struct gimg *g, uint32_t flags, Elf64_Phdr **out)
{
	int i = load_with(g, flags);

	if (i < 0)
		return fail(g, flags & PF_X ? "input has no executable PT_LOAD"
					    : "input has no writable PT_LOAD");
	*out = &g->ph[i];
	g->phdrs_dirty = 1;
	return 0;
}

#define TEXT(g, p)                                                                                 \
	Elf64_Phdr *p;                                                                             \
	if (seg(g, PF_X, &p) < 0)                                                                  \
	return -1
#define DATA(g, p)                                                                                 \
	Elf64_Phdr *p;                                                                             \
	if (seg(g, PF_W, &p) < 0)                                                                  \
	return -1

/* The ELF header. */
static int m_truncated(struct gimg *g)
{
	g->resize_to = sizeof(Elf64_Ehdr) - 1;
	return 0;
}
static int m_bad_magic(struct gimg *g)
{
	g->eh.e_ident[EI_MAG1] = 'X';
	return 0;
}
static int m_class32(struct gimg *g)
{
	g->eh.e_ident[EI_CLASS] = ELFCLASS32;
	return 0;
}
static int m_big_endian(struct gimg *g)
{
	g->eh.e_ident[EI_DATA] = ELFDATA2MSB;
	return 0;
}
static int m_ident_version(struct gimg *g)
{
	g->eh.e_ident[EI_VERSION] = EV_NONE;
	return 0;
}
static int m_e_version(struct gimg *g)
{
	g->eh.e_version = EV_CURRENT + 1;
	return 0;
}
static int m_machine(struct gimg *g)
{
	g->eh.e_machine = EM_X86_64;
	return 0;
}
static int m_type_dyn(struct gimg *g)
{
	g->eh.e_type = ET_DYN;
	return 0;
}
static int m_ehsize(struct gimg *g)
{
	g->eh.e_ehsize = sizeof(Elf32_Ehdr);
	return 0;
}
static int m_phentsize(struct gimg *g)
{
	g->eh.e_phentsize = sizeof(Elf32_Phdr);
	return 0;
}
static int m_phnum_zero(struct gimg *g)
{
	g->eh.e_phnum = 0;
	return 0;
}
static int m_phnum_over(struct gimg *g)
{
	return phdrs_up_to(g, NX_ELF_PHNUM_MAX + 1);
}
static int m_ok_phnum_max(struct gimg *g)
{
	return phdrs_up_to(g, NX_ELF_PHNUM_MAX);
}
static int m_phdr_overlap(struct gimg *g)
{
	g->eh.e_phoff = sizeof(Elf64_Ehdr) - 8;
	return 0;
}
static int m_phdr_past_end(struct gimg *g)
{
	g->eh.e_phoff = g->len - (size_t)g->eh.e_phnum * sizeof(Elf64_Phdr) + 1;
	return 0;
}
static int m_phdr_off_overflow(struct gimg *g)
{
	g->eh.e_phoff = UINT64_MAX - 8;
	return 0;
}
static int m_file_over(struct gimg *g)
{
	g->resize_to = NX_ELF_FILE_MAX + 1;
	return 0;
}
static int m_ok_file_max(struct gimg *g)
{
	g->resize_to = NX_ELF_FILE_MAX;
	return 0;
}

/* Program headers. */
static int m_interp(struct gimg *g)
{
	Elf64_Phdr ph = {.p_type = PT_INTERP, .p_flags = PF_R, .p_offset = 0, .p_filesz = 1};
	return add_phdr(g, ph);
}
static int m_dynamic(struct gimg *g)
{
	Elf64_Phdr ph = {.p_type = PT_DYNAMIC, .p_flags = PF_R | PF_W, .p_align = 8};
	return add_phdr(g, ph);
}
static int m_exec_stack(struct gimg *g)
{
	for (size_t i = 0; i < g->nph; i++)
		if (g->ph[i].p_type == PT_GNU_STACK) {
			g->ph[i].p_flags |= PF_X;
			g->phdrs_dirty = 1;
			return 0;
		}
	Elf64_Phdr ph = {.p_type = PT_GNU_STACK, .p_flags = PF_R | PF_W | PF_X};
	return add_phdr(g, ph);
}
static int m_load_over(struct gimg *g)
{
	return loads_up_to(g, NX_ELF_LOAD_MAX + 1);
}
static int m_ok_load_max(struct gimg *g)
{
	return loads_up_to(g, NX_ELF_LOAD_MAX);
}
static int m_seg_wx(struct gimg *g)
{
	TEXT(g, t);
	t->p_flags |= PF_W;
	return 0;
}
static int m_seg_empty(struct gimg *g)
{
	DATA(g, d);
	d->p_filesz = d->p_memsz = 0;
	return 0;
}
static int m_seg_filesz(struct gimg *g)
{
	DATA(g, d);
	d->p_filesz = d->p_memsz + 1;
	return 0;
}
static int m_seg_file_past(struct gimg *g)
{
	DATA(g, d);
	d->p_filesz = g->len - d->p_offset + 1;
	if (d->p_memsz < d->p_filesz)
		d->p_memsz = d->p_filesz;
	return 0;
}
static int m_ok_seg_file_end(struct gimg *g)
{
	DATA(g, d);
	d->p_filesz = g->len - d->p_offset;
	if (d->p_memsz < d->p_filesz)
		d->p_memsz = d->p_filesz;
	return 0;
}
static int m_seg_off_overflow(struct gimg *g)
{
	DATA(g, d);
	/* Keep p_offset congruent with p_vaddr so only the overflow is wrong. */
	d->p_offset = page_down(UINT64_MAX) + (d->p_vaddr & (GEN_PAGE - 1));
	return 0;
}
static int m_seg_size_overflow(struct gimg *g)
{
	DATA(g, d);
	d->p_filesz = d->p_memsz = UINT64_MAX;
	return 0;
}
static int m_null_page(struct gimg *g)
{
	int i = load_at(g, 0);

	if (i < 0 || g->ph[i].p_vaddr != NX_USER_BASE)
		return fail(g, "input's first PT_LOAD does not start at the user base");
	g->ph[i].p_vaddr = g->ph[i].p_paddr = NX_USER_BASE - GEN_PAGE;
	g->phdrs_dirty = 1;
	return 0;
}
static int m_ok_user_base(struct gimg *g)
{
	int i = load_at(g, 0);

	if (i < 0 || g->ph[i].p_vaddr != NX_USER_BASE)
		return fail(g, "input's first PT_LOAD does not start at the user base");
	/* Unchanged on purpose: the file already sits at the lowest legal address. */
	return 0;
}
static int m_user_top_over(struct gimg *g)
{
	return add_phdr(g, bss_load(NX_USER_TOP - GEN_PAGE, GEN_PAGE + 1));
}
static int m_ok_user_top(struct gimg *g)
{
	return add_phdr(g, bss_load(NX_USER_TOP - GEN_PAGE, GEN_PAGE));
}
static int m_vaddr_overflow(struct gimg *g)
{
	return add_phdr(g, bss_load(page_down(UINT64_MAX), GEN_PAGE));
}
static int m_memsz_overflow(struct gimg *g)
{
	return add_phdr(g, bss_load(NX_USER_TOP - GEN_PAGE, UINT64_MAX));
}
static int m_align_pow2(struct gimg *g)
{
	TEXT(g, t);
	t->p_align = 3 * GEN_PAGE;
	return 0;
}
static int m_align_small(struct gimg *g)
{
	TEXT(g, t);
	t->p_align = GEN_PAGE / 2;
	return 0;
}
static int m_align_zero(struct gimg *g)
{
	TEXT(g, t);
	t->p_align = 0;
	return 0;
}
static int m_congruent(struct gimg *g)
{
	TEXT(g, t);
	t->p_vaddr += 4;
	t->p_paddr += 4;
	g->eh.e_entry += 4;
	return 0;
}
static int m_load_order(struct gimg *g)
{
	int a = load_at(g, 0), b = load_at(g, 1);

	if (b < 0)
		return fail(g, "input has fewer than two PT_LOADs");
	Elf64_Phdr t = g->ph[a];
	g->ph[a] = g->ph[b];
	g->ph[b] = t;
	g->phdrs_dirty = 1;
	return 0;
}
static int extend_into_next(struct gimg *g, uint64_t extra)
{
	int a = load_at(g, 0), b = load_at(g, 1);

	if (b < 0)
		return fail(g, "input has fewer than two PT_LOADs");
	g->ph[a].p_memsz = g->ph[b].p_vaddr - g->ph[a].p_vaddr + extra;
	g->phdrs_dirty = 1;
	return 0;
}
static int m_load_overlap(struct gimg *g)
{
	return extend_into_next(g, 1);
}
static int m_ok_load_adjacent(struct gimg *g)
{
	return extend_into_next(g, 0);
}
static int m_entry_data(struct gimg *g)
{
	DATA(g, d);
	g->eh.e_entry = d->p_vaddr;
	return 0;
}
static int m_entry_past_file(struct gimg *g)
{
	TEXT(g, t);
	g->eh.e_entry = t->p_vaddr + t->p_filesz;
	return 0;
}
static int m_ok_entry_last(struct gimg *g)
{
	TEXT(g, t);
	g->eh.e_entry = t->p_vaddr + t->p_filesz - 2;
	return 0;
}
static int m_shared_wx(struct gimg *g)
{
	for (int k = 1; load_at(g, k) >= 0; k++) {
		uint32_t f = g->ph[load_at(g, k - 1)].p_flags | g->ph[load_at(g, k)].p_flags;

		if ((f & PF_W) && (f & PF_X))
			return share_page_with_prev(g, k);
	}
	return fail(g, "input has no executable PT_LOAD next to a writable one");
}
static int m_ok_shared_page(struct gimg *g)
{
	return share_page_with_prev(g, 1);
}
static int m_mapped_over(struct gimg *g)
{
	return mapped_to(g, NX_ELF_MAPPED_MAX + GEN_PAGE);
}
static int m_ok_mapped_max(struct gimg *g)
{
	return mapped_to(g, NX_ELF_MAPPED_MAX);
}

struct mutation {
	const char *name;
	const char *what;
	int (*fn)(struct gimg *g);
};

static const struct mutation mutations[] = {
    {"truncated", "file cut to 63 bytes, one short of an ELF64 header", m_truncated},
    {"bad-magic", "EI_MAG1 changed to 'X'", m_bad_magic},
    {"class32", "EI_CLASS = ELFCLASS32", m_class32},
    {"big-endian", "EI_DATA = ELFDATA2MSB", m_big_endian},
    {"ident-version", "EI_VERSION = 0", m_ident_version},
    {"e-version", "e_version = 2", m_e_version},
    {"machine", "e_machine = EM_X86_64", m_machine},
    {"type-dyn", "e_type = ET_DYN (a PIE)", m_type_dyn},
    {"ehsize", "e_ehsize = 52 (the ELF32 size)", m_ehsize},
    {"phentsize", "e_phentsize = 32 (the ELF32 size)", m_phentsize},
    {"phnum-zero", "e_phnum = 0", m_phnum_zero},
    {"phnum-over", "65 program headers (PT_NULL padding), one over the cap", m_phnum_over},
    {"ok-phnum-max", "64 program headers (PT_NULL padding), the cap", m_ok_phnum_max},
    {"phdr-overlap", "e_phoff = 56, inside the ELF header", m_phdr_overlap},
    {"phdr-past-end", "program header table ends one byte past the file", m_phdr_past_end},
    {"phdr-off-overflow", "e_phoff near 2^64: offset + size overflows", m_phdr_off_overflow},
    {"file-over", "file zero-padded to the cap + 1 byte", m_file_over},
    {"ok-file-max", "file zero-padded to exactly the cap", m_ok_file_max},
    {"interp", "a PT_INTERP added", m_interp},
    {"dynamic", "a PT_DYNAMIC added", m_dynamic},
    {"exec-stack", "PT_GNU_STACK given PF_X", m_exec_stack},
    {"load-over", "17 PT_LOADs, one over the cap", m_load_over},
    {"ok-load-max", "16 PT_LOADs, the cap", m_ok_load_max},
    {"seg-wx", "the executable PT_LOAD also given PF_W", m_seg_wx},
    {"seg-empty", "the writable PT_LOAD given p_memsz = p_filesz = 0", m_seg_empty},
    {"seg-filesz", "the writable PT_LOAD given p_filesz = p_memsz + 1", m_seg_filesz},
    {"seg-file-past", "the writable PT_LOAD's file bytes end one past the file", m_seg_file_past},
    {"ok-seg-file-end", "the writable PT_LOAD's file bytes end exactly at the file end",
     m_ok_seg_file_end},
    {"seg-off-overflow", "the writable PT_LOAD's p_offset near 2^64", m_seg_off_overflow},
    {"seg-size-overflow", "the writable PT_LOAD's p_filesz = p_memsz = 2^64 - 1",
     m_seg_size_overflow},
    {"null-page", "the first PT_LOAD moved one page below the user base", m_null_page},
    {"ok-user-base", "unchanged; checks the first PT_LOAD is at the user base", m_ok_user_base},
    {"user-top-over", "a PT_LOAD added ending one byte past the user top", m_user_top_over},
    {"ok-user-top", "a PT_LOAD added ending exactly at the user top", m_ok_user_top},
    {"vaddr-overflow", "a PT_LOAD added at the last page of the 64-bit space", m_vaddr_overflow},
    {"memsz-overflow", "a PT_LOAD added with p_memsz = 2^64 - 1", m_memsz_overflow},
    {"align-pow2", "the executable PT_LOAD given p_align = 0x3000", m_align_pow2},
    {"align-small", "the executable PT_LOAD given p_align = 0x800", m_align_small},
    {"align-zero", "the executable PT_LOAD given p_align = 0", m_align_zero},
    {"congruent", "the executable PT_LOAD's p_vaddr (and the entry) moved by 4", m_congruent},
    {"load-order", "the first two PT_LOADs swapped", m_load_order},
    {"load-overlap", "the first PT_LOAD's p_memsz reaching one byte into the second",
     m_load_overlap},
    {"ok-load-adjacent", "the first PT_LOAD's p_memsz reaching exactly to the second",
     m_ok_load_adjacent},
    {"entry-data", "entry = start of the writable PT_LOAD", m_entry_data},
    {"entry-past-file", "entry = end of the executable PT_LOAD's file bytes", m_entry_past_file},
    {"ok-entry-last", "entry = last 2-byte slot of the executable file bytes", m_ok_entry_last},
    {"shared-wx", "a writable PT_LOAD moved to share a page with an executable one", m_shared_wx},
    {"ok-shared-page", "the second PT_LOAD moved to share the first one's last page",
     m_ok_shared_page},
    {"mapped-over", "the last PT_LOAD grown so all map 64 MiB + one page", m_mapped_over},
    {"ok-mapped-max", "the last PT_LOAD grown so all map exactly 64 MiB", m_ok_mapped_max},
};

#define MUTATION_COUNT (sizeof(mutations) / sizeof(mutations[0]))

size_t elfgen_count(void)
{
	return MUTATION_COUNT;
}

const char *elfgen_name(size_t i)
{
	return i < MUTATION_COUNT ? mutations[i].name : NULL;
}

const char *elfgen_what(size_t i)
{
	return i < MUTATION_COUNT ? mutations[i].what : NULL;
}

static int decode(struct gimg *g, const uint8_t *in, size_t len)
{
	if (len < sizeof(Elf64_Ehdr) || memcmp(in, ELFMAG, SELFMAG) != 0 ||
	    in[EI_CLASS] != ELFCLASS64 || in[EI_DATA] != ELFDATA2LSB)
		return fail(g, "input is not a little-endian ELF64 file");
	memcpy(&g->eh, in, sizeof(g->eh));
	if (g->eh.e_phentsize != sizeof(Elf64_Phdr) || g->eh.e_phnum > GEN_PHDR_CAP ||
	    g->eh.e_phoff > len || g->eh.e_phnum * sizeof(Elf64_Phdr) > len - g->eh.e_phoff)
		return fail(g, "input's program header table is not usable");
	g->nph = g->orig_nph = g->eh.e_phnum;
	memcpy(g->ph, in + g->eh.e_phoff, g->nph * sizeof(Elf64_Phdr));
	g->b = malloc(len);
	if (!g->b)
		return fail(g, "out of memory");
	memcpy(g->b, in, len);
	g->len = len;
	return 0;
}

static int resize(struct gimg *g, size_t len)
{
	uint8_t *b = realloc(g->b, len);

	if (!b)
		return fail(g, "out of memory");
	if (len > g->len)
		memset(b + g->len, 0, len - g->len);
	g->b = b;
	g->len = len;
	return 0;
}

static int encode(struct gimg *g)
{
	if (g->phdrs_dirty) {
		size_t bytes = g->nph * sizeof(Elf64_Phdr);

		if (g->nph > g->orig_nph) {
			size_t at = (g->len + 7) & ~(size_t)7;

			if (resize(g, at + bytes) < 0)
				return -1;
			g->eh.e_phoff = at;
		}
		memcpy(g->b + g->eh.e_phoff, g->ph, bytes);
		g->eh.e_phnum = (Elf64_Half)g->nph;
	}
	memcpy(g->b, &g->eh, sizeof(g->eh));
	if (g->resize_to)
		return resize(g, g->resize_to);
	return 0;
}

int elfgen_apply(const char *name, const uint8_t *in, size_t len, uint8_t **out, size_t *outlen,
		 const char **why)
{
	const struct mutation *m = NULL;
	struct gimg *g;

	for (size_t i = 0; i < MUTATION_COUNT; i++)
		if (strcmp(mutations[i].name, name) == 0)
			m = &mutations[i];
	if (!m) {
		*why = "unknown mutation (elfgen --list names them)";
		return -1;
	}
	g = calloc(1, sizeof(*g));
	if (!g) {
		*why = "out of memory";
		return -1;
	}
	if (decode(g, in, len) < 0 || m->fn(g) < 0 || encode(g) < 0) {
		*why = g->why;
		free(g->b);
		free(g);
		return -1;
	}
	*out = g->b;
	*outlen = g->len;
	free(g);
	return 0;
}

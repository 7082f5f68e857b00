/*
 * libFuzzer target for nexus-loader. The input is an ELF file for
 * nxl_plan_elf and, split at NUL bytes, argv/env strings for
 * nxl_stack_build. An accepted plan or stack is checked against what the
 * loader promises (loader.h, docs/loader.md); the program headers are
 * re-read here with the host's <elf.h>, independently of the loader.
 */
#include <elf.h>
#include <stdint.h>
#include <string.h>

#include "loader.h"
#include "nexus/bootstrap.h"
#include "nexus/rights.h"
#include "fuzz_check.h"

/* Strings a stack input may carry: past both caps, so refusals are reached. */
#define FZ_STRINGS_MAX (NX_ARGC_MAX + NX_ENVC_MAX + 8)
/*
 * Stack sizes tried: up to 32 pages, above NX_ARG_BYTES_MAX, so a big argv
 * fits; mostly at most 4, because the builder zeroes the whole image and
 * that dominates the run time.
 */
#define FZ_STACK_PAGES_MAX 32
#define FZ_STACK_PAGES_MOST 4
#define FZ_STACK_BIG 0xe0 /* a first byte from here up picks from all sizes */
#define FZ_IMAGE_FILL 0xa5

static uint64_t page_down(uint64_t a)
{
	return a & ~(NX_PAGE_SIZE - 1);
}

static uint64_t page_up(uint64_t a)
{
	return page_down(a + NX_PAGE_SIZE - 1);
}

static uint32_t prot_of(uint32_t pf)
{
	return ((pf & PF_R) ? NX_PROT_READ : 0) | ((pf & PF_W) ? NX_PROT_WRITE : 0) |
	       ((pf & PF_X) ? NX_PROT_EXEC : 0);
}

/* Zero first byte, and each byte equal to the next: all zero, at memcmp speed. */
static int all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	return n == 0 || (b[0] == 0 && memcmp(b, b + 1, n - 1) == 0);
}

/* plan->load[] must be exactly the file's PT_LOADs, in file order. */
static void check_loads(const uint8_t *data, size_t size, const struct nxl_plan *plan)
{
	Elf64_Ehdr eh;
	uint32_t n = 0;

	FUZZ_CHECK(size >= sizeof(eh), "accepted a file shorter than an ELF header");
	memcpy(&eh, data, sizeof(eh));
	FUZZ_CHECK(eh.e_machine == EM_RISCV && eh.e_type == ET_EXEC, "accepted a non-RISC-V ELF");
	FUZZ_CHECK(plan->entry == eh.e_entry, "plan entry differs from e_entry");
	FUZZ_CHECK(eh.e_phoff <= size && eh.e_phnum * sizeof(Elf64_Phdr) <= size - eh.e_phoff,
		   "accepted program headers outside the file");
	for (uint32_t i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;

		memcpy(&ph, data + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		FUZZ_CHECK(ph.p_type != PT_INTERP && ph.p_type != PT_DYNAMIC,
			   "accepted PT_INTERP or PT_DYNAMIC");
		if (ph.p_type != PT_LOAD)
			continue;
		FUZZ_CHECK(n < plan->nload, "plan has fewer PT_LOADs than the file");
		const struct nxl_phdr *l = &plan->load[n++];
		FUZZ_CHECK(l->offset == ph.p_offset && l->vaddr == ph.p_vaddr &&
			       l->filesz == ph.p_filesz && l->memsz == ph.p_memsz &&
			       l->align == ph.p_align && l->flags == ph.p_flags,
			   "plan load[] differs from the file's PT_LOAD");
		FUZZ_CHECK(!((ph.p_flags & PF_W) && (ph.p_flags & PF_X)), "accepted a W+X PT_LOAD");
		FUZZ_CHECK(ph.p_filesz <= ph.p_memsz && ph.p_memsz > 0,
			   "accepted a bad segment size");
		FUZZ_CHECK(ph.p_offset <= size && ph.p_filesz <= size - ph.p_offset,
			   "accepted a segment outside the file");
		FUZZ_CHECK(ph.p_vaddr >= NX_USER_BASE && ph.p_vaddr < NX_USER_TOP &&
			       ph.p_memsz <= NX_USER_TOP - ph.p_vaddr,
			   "accepted a segment outside the user range");
	}
	FUZZ_CHECK(n == plan->nload, "plan has more PT_LOADs than the file");
	FUZZ_CHECK(n > 0, "accepted a file with no PT_LOAD");
	for (uint32_t i = 1; i < n; i++)
		FUZZ_CHECK(plan->load[i - 1].vaddr + plan->load[i - 1].memsz <= plan->load[i].vaddr,
			   "accepted overlapping or unordered PT_LOADs");
}

/* Union of the permissions of the segments whose pages include page p; -1 if none. */
static int64_t page_prot(const struct nxl_plan *plan, uint64_t p)
{
	int64_t prot = -1;

	for (uint32_t i = 0; i < plan->nload; i++) {
		const struct nxl_phdr *l = &plan->load[i];

		if (page_down(l->vaddr) <= p && p < page_up(l->vaddr + l->memsz))
			prot = (prot < 0 ? 0 : prot) | prot_of(l->flags);
	}
	return prot;
}

/*
 * Maps: page-aligned, ascending, disjoint, inside the user range, never
 * W+X; each page's protection is the union of the segments on it, and the
 * maps cover exactly the segments' pages. Which segments touch a page only
 * changes at a segment's first or end page, so those pages and each map's
 * first page are the ones to check.
 */
static void check_maps(const struct nxl_plan *plan)
{
	uint64_t sum = 0, covered = 0, end = 0;

	FUZZ_CHECK(plan->nmap > 0 && plan->nmap <= NXL_MAP_MAX, "map count out of range");
	for (uint32_t i = 0; i < plan->nmap; i++) {
		const struct nxl_map *m = &plan->map[i];

		FUZZ_CHECK(m->va % NX_PAGE_SIZE == 0 && m->len % NX_PAGE_SIZE == 0 && m->len > 0,
			   "map not page-aligned or empty");
		FUZZ_CHECK(m->va >= NX_USER_BASE && m->va < NX_USER_TOP &&
			       m->len <= NX_USER_TOP - m->va,
			   "map outside the user range");
		FUZZ_CHECK(i == 0 || plan->map[i - 1].va + plan->map[i - 1].len <= m->va,
			   "maps not ascending and disjoint");
		FUZZ_CHECK(!((m->prot & NX_PROT_WRITE) && (m->prot & NX_PROT_EXEC)), "W+X map");
		FUZZ_CHECK(page_prot(plan, m->va) == m->prot,
			   "map protection is not the union of its segments'");
		for (uint32_t j = 0; j < plan->nload; j++) {
			const struct nxl_phdr *l = &plan->load[j];
			uint64_t edge[2] = {page_down(l->vaddr), page_up(l->vaddr + l->memsz)};

			for (int k = 0; k < 2; k++)
				if (edge[k] > m->va && edge[k] < m->va + m->len)
					FUZZ_CHECK(page_prot(plan, edge[k]) == m->prot,
						   "map protection changes inside the map");
		}
		sum += m->len;
	}
	FUZZ_CHECK(sum == plan->mapped_bytes, "mapped_bytes is not the sum of the maps");
	FUZZ_CHECK(sum <= NX_ELF_MAPPED_MAX, "mapped bytes over NX_ELF_MAPPED_MAX");
	/* Segment page ranges ascend and overlap at most by a shared page. */
	for (uint32_t i = 0; i < plan->nload; i++) {
		uint64_t s = page_down(plan->load[i].vaddr);
		uint64_t e = page_up(plan->load[i].vaddr + plan->load[i].memsz);

		if (s < end)
			s = end;
		if (e > s)
			covered += e - s;
		if (e > end)
			end = e;
	}
	FUZZ_CHECK(covered == sum, "maps do not cover exactly the segments' pages");
}

/* Copies: ascending, each inside one map and the file, and exactly each segment's file bytes. */
static void check_copies(const struct nxl_plan *plan, size_t size)
{
	uint64_t per_load[NX_ELF_LOAD_MAX] = {0};

	FUZZ_CHECK(plan->ncopy <= NXL_COPY_MAX, "copy count out of range");
	for (uint32_t i = 0; i < plan->ncopy; i++) {
		const struct nxl_copy *c = &plan->copy[i];
		int in_map = 0, owner = -1;

		FUZZ_CHECK(c->len > 0, "empty copy");
		FUZZ_CHECK(c->file_off <= size && c->len <= size - c->file_off,
			   "copy reads outside the file");
		FUZZ_CHECK(i == 0 || plan->copy[i - 1].va + plan->copy[i - 1].len <= c->va,
			   "copies not ascending and disjoint");
		for (uint32_t j = 0; j < plan->nmap; j++) {
			const struct nxl_map *m = &plan->map[j];

			if (c->va >= m->va && c->va - m->va < m->len)
				in_map = c->len <= m->len - (c->va - m->va);
		}
		FUZZ_CHECK(in_map, "copy not inside one map");
		for (uint32_t j = 0; j < plan->nload; j++) {
			const struct nxl_phdr *l = &plan->load[j];

			if (c->va >= l->vaddr && c->va - l->vaddr < l->filesz)
				owner = (int)j;
		}
		FUZZ_CHECK(owner >= 0, "copy outside every segment's file bytes");
		const struct nxl_phdr *l = &plan->load[owner];
		FUZZ_CHECK(c->len <= l->filesz - (c->va - l->vaddr) &&
			       c->file_off - l->offset == c->va - l->vaddr,
			   "copy does not match its segment");
		per_load[owner] += c->len;
	}
	for (uint32_t j = 0; j < plan->nload; j++)
		FUZZ_CHECK(per_load[j] == plan->load[j].filesz,
			   "copies do not carry exactly a segment's file bytes");
}

static void check_entry(const struct nxl_plan *plan)
{
	int ok = 0;

	for (uint32_t i = 0; i < plan->nload; i++) {
		const struct nxl_phdr *l = &plan->load[i];

		if ((l->flags & PF_X) && plan->entry >= l->vaddr &&
		    plan->entry - l->vaddr < l->filesz)
			ok = 1;
	}
	FUZZ_CHECK(ok, "entry not in an executable segment's file bytes");
	for (uint32_t i = 0; i < plan->nmap; i++) {
		const struct nxl_map *m = &plan->map[i];

		if (plan->entry >= m->va && plan->entry - m->va < m->len)
			FUZZ_CHECK(m->prot & NX_PROT_EXEC, "entry in a non-executable map");
	}
}

static void fuzz_plan(const uint8_t *data, size_t size)
{
	static struct nxl_plan plan;
	int err = nxl_plan_elf(data, size, &plan);

	FUZZ_CHECK(nxl_strerror(err) != NULL && nxl_errname(err) != NULL, "no name for a code");
	if (err != 0) {
		FUZZ_CHECK(err < 0 && err >= NXL_E_LAST, "refusal code out of range");
		FUZZ_CHECK(all_zero(&plan, sizeof(plan)), "refused plan is not all zeros");
		return;
	}
	check_loads(data, size, &plan);
	check_maps(&plan);
	check_copies(&plan, size);
	check_entry(&plan);
}

/* The strings the stack image holds at guest address `ptr`, read back through its pointers. */
static void check_strings(const uint8_t *image, uint64_t base, uint64_t top, uint64_t ptr,
			  const char *const *want, size_t n)
{
	FUZZ_CHECK(ptr >= base && ptr < top && ptr % 8 == 0 && (n + 1) * 8 <= top - ptr,
		   "pointer array outside the stack");
	for (size_t i = 0; i <= n; i++) {
		uint64_t s;

		memcpy(&s, image + (ptr - base) + i * 8, 8);
		if (i == n) {
			FUZZ_CHECK(s == 0, "pointer array not NULL-terminated");
			break;
		}
		size_t len = strlen(want[i]) + 1;
		FUZZ_CHECK(s >= base && s < top && len <= top - s, "string outside the stack");
		FUZZ_CHECK(memcmp(image + (s - base), want[i], len) == 0, "string differs");
	}
}

/*
 * Stack input: data[0] picks the size in pages, data[1] the top (mostly
 * the default, sometimes one the builder must refuse); the rest, split at
 * NULs, is argv then (after an empty string) envp.
 */
static void fuzz_stack(const uint8_t *data, size_t size)
{
	static const uint64_t tops[4] = {NX_STACK_TOP, NX_USER_TOP, NX_USER_BASE + NX_PAGE_SIZE,
					 NX_STACK_TOP + 8};
	static const char *str[FZ_STRINGS_MAX];
	static char text[NX_ARG_BYTES_MAX * 2 + 1];
	static uint8_t image[FZ_STACK_PAGES_MAX * NX_PAGE_SIZE];
	static uint8_t fill[sizeof(image)];
	size_t argc = 0, envc = 0, n = 0, *count = &argc;
	struct nxl_stack out;

	if (size < 2)
		return;
	uint64_t pages = data[0] >= FZ_STACK_BIG ? FZ_STACK_PAGES_MAX : FZ_STACK_PAGES_MOST;
	uint64_t ssize = (1 + data[0] % pages) * NX_PAGE_SIZE;
	uint64_t top = tops[(data[1] >> 6) & 3];
	size_t tlen = size - 2 < sizeof(text) - 1 ? size - 2 : sizeof(text) - 1;
	memcpy(text, data + 2, tlen);
	text[tlen] = 0;
	for (size_t i = 0; i < tlen && n < FZ_STRINGS_MAX; i++) {
		if (i > 0 && text[i - 1] != 0)
			continue;
		if (text[i] == 0 && count == &argc) {
			count = &envc;
			continue;
		}
		str[n++] = text + i;
		(*count)++;
	}
	memset(image, FZ_IMAGE_FILL, ssize);
	memset(fill, FZ_IMAGE_FILL, ssize);
	int err = nxl_stack_build(top, ssize, str, argc, str + argc, envc, image, &out);
	if (err != 0) {
		FUZZ_CHECK(err < 0 && err >= NXL_E_LAST, "refusal code out of range");
		FUZZ_CHECK(all_zero(&out, sizeof(out)), "refused stack result is not all zeros");
		FUZZ_CHECK(memcmp(image, fill, ssize) == 0, "refused stack build wrote the image");
		return;
	}
	uint64_t base = top - ssize;
	FUZZ_CHECK(argc <= NX_ARGC_MAX && envc <= NX_ENVC_MAX, "accepted too many strings");
	FUZZ_CHECK(out.base == base && out.size == ssize && out.guard == base - NX_PAGE_SIZE &&
		       out.guard >= NX_USER_BASE,
		   "stack bounds wrong");
	FUZZ_CHECK(out.sp % 16 == 0 && out.sp >= base && out.sp < top && out.used == top - out.sp,
		   "sp wrong");
	FUZZ_CHECK(all_zero(image, out.sp - base), "stack below sp not zeroed");
	FUZZ_CHECK(out.bootstrap >= out.sp && out.bootstrap < top && out.bootstrap % 8 == 0 &&
		       sizeof(struct nx_bootstrap) <= top - out.bootstrap,
		   "bootstrap outside the used stack");
	struct nx_bootstrap bs;
	memcpy(&bs, image + (out.bootstrap - base), sizeof(bs));
	FUZZ_CHECK(bs.magic == NX_BOOTSTRAP_MAGIC && bs.version == NX_BOOTSTRAP_VERSION &&
		       bs.argc == argc && bs.envc == envc && bs.stack_base == base &&
		       bs.stack_size == ssize && bs.seed == 0 && bs.flags == 0,
		   "bootstrap fields wrong");
	check_strings(image, base, top, bs.argv, str, argc);
	check_strings(image, base, top, bs.envp, str + argc, envc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_plan(data, size);
	fuzz_stack(data, size);
	return 0;
}

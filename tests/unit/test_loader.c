/*
 * nexus-loader: every refusal on a mutated fixture, the limits at N and
 * N+1, and the plan for lld's default layout and for shared boundary
 * pages. The fixture is $NX_BUILD/tests/gen/lld-default.elf (built by
 * make); mutations come from tests/gen/mutate.c linked in-process.
 */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "loader.h"
#include "nexus/rights.h"
#include "elfgen.h"

static uint8_t *fixture;
static size_t fixture_len;

/* What each mutation must produce: the loader's verdict, written down here, not by the generator.
 */
static const struct {
	const char *mutation;
	int want;
} expect[] = {
    {"truncated", NXL_E_TRUNCATED},
    {"bad-magic", NXL_E_MAGIC},
    {"class32", NXL_E_CLASS},
    {"big-endian", NXL_E_ENDIAN},
    {"ident-version", NXL_E_VERSION},
    {"e-version", NXL_E_VERSION},
    {"machine", NXL_E_MACHINE},
    {"type-dyn", NXL_E_TYPE},
    {"ehsize", NXL_E_EHSIZE},
    {"phentsize", NXL_E_PHENTSIZE},
    {"phnum-zero", NXL_E_PHNUM_ZERO},
    {"phnum-over", NXL_E_PHNUM_MAX},
    {"ok-phnum-max", NXL_OK},
    {"phdr-overlap", NXL_E_PHDR_OVERLAP},
    {"phdr-past-end", NXL_E_PHDR_BOUNDS},
    {"phdr-off-overflow", NXL_E_PHDR_BOUNDS},
    {"file-over", NXL_E_FILE_SIZE},
    {"ok-file-max", NXL_OK},
    {"interp", NXL_E_INTERP},
    {"dynamic", NXL_E_DYNAMIC},
    {"exec-stack", NXL_E_EXEC_STACK},
    {"load-over", NXL_E_LOAD_MAX},
    {"ok-load-max", NXL_OK},
    {"seg-wx", NXL_E_SEG_WX},
    {"seg-empty", NXL_E_SEG_EMPTY},
    {"seg-filesz", NXL_E_SEG_FILESZ},
    {"seg-file-past", NXL_E_SEG_FILE_RANGE},
    {"ok-seg-file-end", NXL_OK},
    {"seg-off-overflow", NXL_E_SEG_FILE_RANGE},
    {"seg-size-overflow", NXL_E_SEG_FILE_RANGE},
    {"null-page", NXL_E_SEG_NULL_PAGE},
    {"ok-user-base", NXL_OK},
    {"user-top-over", NXL_E_SEG_USER_RANGE},
    {"ok-user-top", NXL_OK},
    {"vaddr-overflow", NXL_E_SEG_USER_RANGE},
    {"memsz-overflow", NXL_E_SEG_USER_RANGE},
    {"align-pow2", NXL_E_SEG_ALIGN_POW2},
    {"align-small", NXL_E_SEG_ALIGN_SMALL},
    {"align-zero", NXL_E_SEG_ALIGN_SMALL},
    {"congruent", NXL_E_SEG_CONGRUENT},
    {"load-order", NXL_E_LOAD_ORDER},
    {"load-overlap", NXL_E_LOAD_OVERLAP},
    {"ok-load-adjacent", NXL_OK},
    {"entry-data", NXL_E_ENTRY},
    {"entry-past-file", NXL_E_ENTRY},
    {"ok-entry-last", NXL_OK},
    {"shared-wx", NXL_E_SHARED_WX},
    {"ok-shared-page", NXL_OK},
    {"mapped-over", NXL_E_MAPPED_MAX},
    {"ok-mapped-max", NXL_OK},
};
#define EXPECT_COUNT (sizeof(expect) / sizeof(expect[0]))

static int load_fixture(void **state)
{
	(void)state;
	const char *build = getenv("NX_BUILD") ? getenv("NX_BUILD") : "build";
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/tests/gen/lld-default.elf", build);
	f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "test_loader: %s: cannot open (run make first)\n", path);
		return -1;
	}
	fseek(f, 0, SEEK_END);
	fixture_len = (size_t)ftell(f);
	rewind(f);
	fixture = malloc(fixture_len);
	int ok = fixture && fread(fixture, 1, fixture_len, f) == fixture_len;
	fclose(f);
	return ok ? 0 : -1;
}

static int free_fixture(void **state)
{
	(void)state;
	free(fixture);
	return 0;
}

/* What every accepted plan must satisfy, whatever the file. */
static void assert_plan_sane(const struct nxl_plan *p)
{
	uint64_t sum = 0;

	assert_true(p->nload >= 1 && p->nload <= NX_ELF_LOAD_MAX);
	assert_true(p->nmap >= 1 && p->nmap <= NXL_MAP_MAX);
	assert_true(p->ncopy <= NXL_COPY_MAX);
	for (uint32_t i = 0; i < p->nmap; i++) {
		const struct nxl_map *m = &p->map[i];

		assert_int_equal(m->va % NX_PAGE_SIZE, 0);
		assert_true(m->len > 0 && m->len % NX_PAGE_SIZE == 0);
		assert_true(m->va >= NX_USER_BASE && m->va + m->len <= NX_USER_TOP);
		assert_false((m->prot & NX_PROT_WRITE) && (m->prot & NX_PROT_EXEC));
		if (i > 0)
			assert_true(p->map[i - 1].va + p->map[i - 1].len <= m->va);
		sum += m->len;
	}
	assert_int_equal(sum, p->mapped_bytes);
	assert_true(p->mapped_bytes <= NX_ELF_MAPPED_MAX);
	for (uint32_t i = 0; i < p->ncopy; i++) {
		const struct nxl_copy *c = &p->copy[i];
		int inside = 0;

		assert_true(c->len > 0);
		for (uint32_t j = 0; j < p->nmap; j++)
			inside +=
			    c->va >= p->map[j].va && c->va + c->len <= p->map[j].va + p->map[j].len;
		assert_int_equal(inside, 1);
		if (i > 0)
			assert_true(p->copy[i - 1].va + p->copy[i - 1].len <= c->va);
	}
	/* Every file byte of every segment is copied exactly once, from the right offset. */
	for (uint32_t i = 0; i < p->nload; i++) {
		const struct nxl_phdr *l = &p->load[i];
		uint64_t covered = 0;

		for (uint32_t j = 0; j < p->ncopy; j++) {
			const struct nxl_copy *c = &p->copy[j];

			if (c->va >= l->vaddr && c->va < l->vaddr + l->filesz) {
				assert_true(c->va + c->len <= l->vaddr + l->filesz);
				assert_int_equal(c->file_off, l->offset + (c->va - l->vaddr));
				covered += c->len;
			}
		}
		assert_int_equal(covered, l->filesz);
	}
}

static const struct nxl_map *map_holding(const struct nxl_plan *p, uint64_t va)
{
	for (uint32_t i = 0; i < p->nmap; i++)
		if (va >= p->map[i].va && va - p->map[i].va < p->map[i].len)
			return &p->map[i];
	return NULL;
}

/* Checks particular to one accepted mutation: that it is at the limit it names. */
static void assert_at_limit(const char *name, const uint8_t *elf, size_t len,
			    const struct nxl_plan *p)
{
	if (strcmp(name, "ok-file-max") == 0)
		assert_int_equal(len, NX_ELF_FILE_MAX);
	if (strcmp(name, "ok-load-max") == 0)
		assert_int_equal(p->nload, NX_ELF_LOAD_MAX);
	if (strcmp(name, "ok-mapped-max") == 0)
		assert_int_equal(p->mapped_bytes, NX_ELF_MAPPED_MAX);
	if (strcmp(name, "ok-user-base") == 0)
		assert_int_equal(p->map[0].va, NX_USER_BASE);
	if (strcmp(name, "ok-user-top") == 0)
		assert_int_equal(p->map[p->nmap - 1].va + p->map[p->nmap - 1].len, NX_USER_TOP);
	if (strcmp(name, "ok-phnum-max") == 0) {
		Elf64_Ehdr eh;
		memcpy(&eh, elf, sizeof(eh));
		assert_int_equal(eh.e_phnum, NX_ELF_PHNUM_MAX);
	}
	if (strcmp(name, "ok-shared-page") == 0) {
		/* The two segments share one page, which takes both permissions. */
		const struct nxl_phdr *a = &p->load[0], *b = &p->load[1];
		uint64_t last = (a->vaddr + a->memsz - 1) & ~(NX_PAGE_SIZE - 1);
		assert_int_equal(b->vaddr & ~(NX_PAGE_SIZE - 1), last);
		const struct nxl_map *m = map_holding(p, last);
		assert_non_null(m);
		assert_true(m->prot & NX_PROT_EXEC);
		assert_true(m->prot & NX_PROT_READ);
	}
}

static void test_mutation(void **state)
{
	size_t i = (size_t)(uintptr_t)*state;
	uint8_t *elf;
	size_t len;
	const char *why = NULL;
	struct nxl_plan *plan = malloc(sizeof(*plan));

	assert_non_null(plan);
	if (elfgen_apply(expect[i].mutation, fixture, fixture_len, &elf, &len, &why) != 0)
		fail_msg("elfgen %s: %s", expect[i].mutation, why);
	int got = nxl_plan_elf(elf, len, plan);
	if (got != expect[i].want)
		fail_msg("%s: got %s, want %s", expect[i].mutation, nxl_errname(got),
			 nxl_errname(expect[i].want));
	if (got == NXL_OK) {
		assert_plan_sane(plan);
		assert_at_limit(expect[i].mutation, elf, len, plan);
	}
	free(elf);
	free(plan);
}

static void test_every_elf_refusal_has_a_mutation(void **state)
{
	(void)state;
	for (int code = NXL_E_FILE_SIZE; code >= NXL_E_LAST_ELF; code--) {
		int found = 0;

		for (size_t i = 0; i < EXPECT_COUNT; i++)
			found |= expect[i].want == code;
		if (!found)
			fail_msg("no mutation provokes %s", nxl_errname(code));
	}
}

static void test_every_generator_mutation_is_expected(void **state)
{
	(void)state;
	assert_int_equal(elfgen_count(), EXPECT_COUNT);
	for (size_t i = 0; i < elfgen_count(); i++) {
		int found = 0;

		for (size_t j = 0; j < EXPECT_COUNT; j++)
			found |= strcmp(elfgen_name(i), expect[j].mutation) == 0;
		if (!found)
			fail_msg("mutation %s has no expected result", elfgen_name(i));
	}
}

static void test_error_names_and_messages_distinct(void **state)
{
	(void)state;
	assert_string_equal(nxl_errname(NXL_OK), "NXL_OK");
	for (int a = NXL_E_FILE_SIZE; a >= NXL_E_LAST; a--) {
		assert_memory_equal(nxl_errname(a), "NXL_E_", 6);
		assert_string_not_equal(nxl_errname(a), "NXL_E_UNKNOWN");
		assert_true(strlen(nxl_strerror(a)) > 8);
		for (int b = a - 1; b >= NXL_E_LAST; b--) {
			assert_string_not_equal(nxl_errname(a), nxl_errname(b));
			assert_string_not_equal(nxl_strerror(a), nxl_strerror(b));
		}
	}
	assert_string_equal(nxl_errname(NXL_E_LAST - 1), "NXL_E_UNKNOWN");
	assert_string_equal(nxl_errname(1), "NXL_E_UNKNOWN");
	assert_string_equal(nxl_errname(NXL_E_SEG_WX), "NXL_E_SEG_WX");
}

static void test_accepts_lld_default_layout(void **state)
{
	(void)state;
	struct nxl_plan plan;
	Elf64_Ehdr eh;

	assert_int_equal(nxl_plan_elf(fixture, fixture_len, &plan), NXL_OK);
	assert_plan_sane(&plan);
	memcpy(&eh, fixture, sizeof(eh));
	assert_int_equal(plan.entry, eh.e_entry);
	/* The plan's segments are the file's PT_LOADs, in file order. */
	uint32_t k = 0;
	for (int i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;

		memcpy(&ph, fixture + eh.e_phoff + (size_t)i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_LOAD)
			continue;
		assert_true(k < plan.nload);
		assert_int_equal(plan.load[k].offset, ph.p_offset);
		assert_int_equal(plan.load[k].vaddr, ph.p_vaddr);
		assert_int_equal(plan.load[k].filesz, ph.p_filesz);
		assert_int_equal(plan.load[k].memsz, ph.p_memsz);
		assert_int_equal(plan.load[k].align, ph.p_align);
		assert_int_equal(plan.load[k].flags, ph.p_flags);
		k++;
	}
	assert_int_equal(k, plan.nload);
	assert_int_equal(plan.nload, 3);
	/* lld's default: text starts off a page boundary. */
	assert_true(plan.load[1].vaddr % NX_PAGE_SIZE != 0);
	assert_int_equal(map_holding(&plan, plan.entry)->prot, NX_PROT_READ | NX_PROT_EXEC);
}

/* A hand-made ELF: header, program headers, then zero bytes up to `len`. */
static uint8_t *make_elf(size_t len, uint64_t entry, const Elf64_Phdr *ph, int n)
{
	uint8_t *b = calloc(1, len);
	Elf64_Ehdr eh = {
	    .e_ident = {ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64, ELFDATA2LSB, EV_CURRENT},
	    .e_type = ET_EXEC,
	    .e_machine = EM_RISCV,
	    .e_version = EV_CURRENT,
	    .e_entry = entry,
	    .e_phoff = sizeof(Elf64_Ehdr),
	    .e_ehsize = sizeof(Elf64_Ehdr),
	    .e_phentsize = sizeof(Elf64_Phdr),
	    .e_phnum = (Elf64_Half)n};

	assert_non_null(b);
	assert_true(sizeof(eh) + n * sizeof(*ph) <= len);
	memcpy(b, &eh, sizeof(eh));
	memcpy(b + sizeof(eh), ph, n * sizeof(*ph));
	return b;
}

static Elf64_Phdr load(uint32_t flags, uint64_t off, uint64_t va, uint64_t filesz, uint64_t memsz)
{
	Elf64_Phdr ph = {PT_LOAD, flags, off, va, va, filesz, memsz, NX_PAGE_SIZE};
	return ph;
}

/*
 * Segments sharing boundary pages, worked by hand (docs/loader.md):
 *   R  [0x10000, 0x11100)  RX [0x11100, 0x11200)  R [0x11200, 0x12200)  RW [0x12200, 0x14200)
 * page 0x11000 holds R, RX and R bytes -> one RX page split off the R map;
 * page 0x12000 holds R and RW bytes -> RW, merged with the RW pages after it.
 */
static void test_plan_of_shared_boundary_pages(void **state)
{
	(void)state;
	const Elf64_Phdr ph[] = {
	    load(PF_R, 0, 0x10000, 0x1100, 0x1100),
	    load(PF_R | PF_X, 0x1100, 0x11100, 0x100, 0x100),
	    load(PF_R, 0x1200, 0x11200, 0x1000, 0x1000),
	    load(PF_R | PF_W, 0x2200, 0x12200, 0x10, 0x2000),
	};
	uint8_t *elf = make_elf(0x2210, 0x11100, ph, 4);
	struct nxl_plan p;

	assert_int_equal(nxl_plan_elf(elf, 0x2210, &p), NXL_OK);
	assert_plan_sane(&p);
	assert_int_equal(p.entry, 0x11100);
	assert_int_equal(p.nmap, 3);
	const struct nxl_map maps[] = {
	    {0x10000, 0x1000, NX_PROT_READ},
	    {0x11000, 0x1000, NX_PROT_READ | NX_PROT_EXEC},
	    {0x12000, 0x3000, NX_PROT_READ | NX_PROT_WRITE},
	};
	for (int i = 0; i < 3; i++) {
		assert_int_equal(p.map[i].va, maps[i].va);
		assert_int_equal(p.map[i].len, maps[i].len);
		assert_int_equal(p.map[i].prot, maps[i].prot);
	}
	assert_int_equal(p.mapped_bytes, 0x5000);
	const struct nxl_copy copies[] = {
	    {0x10000, 0x0000, 0x1000}, {0x11000, 0x1000, 0x100}, {0x11100, 0x1100, 0x100},
	    {0x11200, 0x1200, 0xe00},  {0x12000, 0x2000, 0x200}, {0x12200, 0x2200, 0x10},
	};
	assert_int_equal(p.ncopy, 6);
	for (int i = 0; i < 6; i++) {
		assert_int_equal(p.copy[i].va, copies[i].va);
		assert_int_equal(p.copy[i].file_off, copies[i].file_off);
		assert_int_equal(p.copy[i].len, copies[i].len);
	}
	free(elf);
}

/*
 * The worst case for the plan's capacity: 16 segments alternating R and
 * execute-only, each three pages long and sharing both boundary pages,
 * so every segment after the first adds two maps.
 */
static void test_plan_capacity_worst_case(void **state)
{
	(void)state;
	Elf64_Phdr ph[NX_ELF_LOAD_MAX];
	const uint64_t seglen = 0x2100;

	for (int i = 0; i < NX_ELF_LOAD_MAX; i++)
		ph[i] = load(i % 2 ? PF_X : PF_R, 0x1000 + i * seglen, 0x11000 + i * seglen, seglen,
			     seglen);
	size_t len = 0x1000 + NX_ELF_LOAD_MAX * seglen;
	uint8_t *elf = make_elf(len, 0x11000 + seglen, ph, NX_ELF_LOAD_MAX);
	struct nxl_plan p;

	assert_int_equal(nxl_plan_elf(elf, len, &p), NXL_OK);
	assert_plan_sane(&p);
	assert_int_equal(p.nmap, NXL_MAP_MAX);
	assert_int_equal(p.ncopy, 3 * NX_ELF_LOAD_MAX - 2);
	free(elf);
}

static void test_refusal_leaves_zeroed_plan(void **state)
{
	(void)state;
	struct nxl_plan p;
	uint8_t *elf;
	size_t len;
	const char *why;
	static const uint8_t zero[sizeof(struct nxl_plan)];

	/* Refused late (after segments were recorded), so a partial plan existed. */
	assert_int_equal(elfgen_apply("mapped-over", fixture, fixture_len, &elf, &len, &why), 0);
	memset(&p, 0xa5, sizeof(p));
	assert_int_equal(nxl_plan_elf(elf, len, &p), NXL_E_MAPPED_MAX);
	assert_memory_equal(&p, zero, sizeof(p));
	free(elf);
}

/* Every prefix of a good file is refused cleanly (ASan catches a stray read). */
static void test_every_prefix_refused(void **state)
{
	(void)state;
	struct nxl_plan p;

	for (size_t n = 0; n < fixture_len; n++) {
		uint8_t *copy = malloc(n ? n : 1);

		memcpy(copy, fixture, n);
		int err = nxl_plan_elf(copy, n, &p);
		free(copy);
		/* Past the last segment's bytes only section data is missing: that is fine. */
		if (err == NXL_OK) {
			assert_true(n >= p.load[p.nload - 1].offset + p.load[p.nload - 1].filesz);
			continue;
		}
		if (n < 64)
			assert_int_equal(err, NXL_E_TRUNCATED);
	}
}

int main(void)
{
	static struct CMUnitTest tests[EXPECT_COUNT + 16];
	static char names[EXPECT_COUNT][96];
	size_t n = 0;

	for (size_t i = 0; i < EXPECT_COUNT; i++) {
		snprintf(names[i], sizeof(names[i]), "test_mutation_%s_gives_%s",
			 expect[i].mutation, nxl_errname(expect[i].want));
		tests[n++] =
		    (struct CMUnitTest){names[i], test_mutation, NULL, NULL, (void *)(uintptr_t)i};
	}
	const struct CMUnitTest fixed[] = {
	    cmocka_unit_test(test_every_elf_refusal_has_a_mutation),
	    cmocka_unit_test(test_every_generator_mutation_is_expected),
	    cmocka_unit_test(test_error_names_and_messages_distinct),
	    cmocka_unit_test(test_accepts_lld_default_layout),
	    cmocka_unit_test(test_plan_of_shared_boundary_pages),
	    cmocka_unit_test(test_plan_capacity_worst_case),
	    cmocka_unit_test(test_refusal_leaves_zeroed_plan),
	    cmocka_unit_test(test_every_prefix_refused),
	};
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		tests[n++] = fixed[i];
	return _cmocka_run_group_tests("test_loader", tests, n, load_fixture, free_fixture);
}

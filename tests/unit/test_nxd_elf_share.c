/*
 * Which planned pages elf_spawn maps from the payload's own memfd
 * (daemons/lib/elf_share.c): whole file pages of read-only maps whose
 * planned bytes are exactly the file's, at a page-aligned offset; never a
 * writable page, a page the file shares with other bytes, or a page
 * whose file offset is not page-aligned.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "elf_share_impl.h"
#include "nexus/rights.h"

#define P NX_PAGE_SIZE
#define VA 0x10000ULL
#define RX (NX_PROT_READ | NX_PROT_EXEC)
#define RW (NX_PROT_READ | NX_PROT_WRITE)

static uint8_t file[8 * P];

/* A file whose bytes are all non-zero, and a plan of one map and one copy. */
static void setup(struct nxl_plan *plan, uint32_t prot, uint64_t file_off, uint64_t len)
{
	memset(file, 0x5a, sizeof(file));
	memset(plan, 0, sizeof(*plan));
	plan->nmap = 1;
	plan->map[0] = (struct nxl_map){VA, 2 * P, prot};
	plan->ncopy = 1;
	plan->copy[0] = (struct nxl_copy){VA, file_off, len};
}

static void test_whole_pages_are_shared(void **state)
{
	(void)state;
	struct nxl_plan plan;
	struct nxd_elf_piece out[8];
	setup(&plan, RX, P, 2 * P);
	assert_int_equal(nxd_elf_pieces(&plan, file, sizeof(file), 1, out, 8), 1);
	assert_true(out[0].shared);
	assert_int_equal(out[0].va, VA);
	assert_int_equal(out[0].len, 2 * P);
	assert_int_equal(out[0].file_off, P);
	assert_int_equal(out[0].prot, RX);
}

/*
 * 1.5 pages of file bytes: the second page's tail is zero in the plan but
 * another segment's bytes in the file, so it is copied; once those file
 * bytes are zero (a linker's padding), it is the file's page too.
 */
static void test_a_partial_page_is_shared_only_when_its_file_tail_is_zero(void **state)
{
	(void)state;
	struct nxl_plan plan;
	struct nxd_elf_piece out[8];
	setup(&plan, RX, P, P + P / 2);
	assert_int_equal(nxd_elf_pieces(&plan, file, sizeof(file), 1, out, 8), 2);
	assert_true(out[0].shared);
	assert_int_equal(out[0].len, P);
	assert_false(out[1].shared);
	assert_int_equal(out[1].va, VA + P);
	assert_int_equal(out[1].len, P);
	memset(file + 2 * P + P / 2, 0, P / 2);
	assert_int_equal(nxd_elf_pieces(&plan, file, sizeof(file), 1, out, 8), 1);
	assert_true(out[0].shared);
	assert_int_equal(out[0].len, 2 * P);
}

static void test_writable_misaligned_or_unshared_is_copied(void **state)
{
	(void)state;
	struct nxl_plan plan;
	struct nxd_elf_piece out[8];
	setup(&plan, RW, P, 2 * P);
	assert_int_equal(nxd_elf_pieces(&plan, file, sizeof(file), 1, out, 8), 1);
	assert_false(out[0].shared);
	assert_int_equal(out[0].len, 2 * P);
	setup(&plan, RX, P + 16, 2 * P);
	assert_int_equal(nxd_elf_pieces(&plan, file, sizeof(file), 1, out, 8), 1);
	assert_false(out[0].shared);
	setup(&plan, RX, P, 2 * P);
	assert_int_equal(nxd_elf_pieces(&plan, file, sizeof(file), 0, out, 8), 1);
	assert_false(out[0].shared);
}

/* Past the end of the file, or more pieces than allowed: one copied piece per map. */
static void test_limits_fall_back_to_copies(void **state)
{
	(void)state;
	struct nxl_plan plan;
	struct nxd_elf_piece out[8];
	setup(&plan, RX, 7 * P, P);
	assert_int_equal(nxd_elf_pieces(&plan, file, 8 * P, 1, out, 8), 2);
	assert_true(out[0].shared);
	assert_false(out[1].shared);
	assert_int_equal(nxd_elf_pieces(&plan, file, 8 * P - 1, 1, out, 8), 1);
	assert_false(out[0].shared);
	setup(&plan, RX, P, P + P / 2);
	assert_int_equal(nxd_elf_pieces(&plan, file, sizeof(file), 1, out, 1), 1);
	assert_false(out[0].shared);
	assert_int_equal(out[0].len, 2 * P);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_whole_pages_are_shared),
	    cmocka_unit_test(test_a_partial_page_is_shared_only_when_its_file_tail_is_zero),
	    cmocka_unit_test(test_writable_misaligned_or_unshared_is_copied),
	    cmocka_unit_test(test_limits_fall_back_to_copies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

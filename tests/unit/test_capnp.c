/*
 * The hand-written Cap'n Proto builder and reader (formats/capnp.h): what
 * the builder emits opens and reads back; every refusal of the reader on a
 * message crafted word by word to provoke it; the depth, traversal and
 * size limits at the limit and one past.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "capnp.h"

/* Pointer words, as the encoding spec defines them. */
static uint64_t sptr(int32_t off, uint16_t dw, uint16_t pc)
{
	return (uint64_t)((uint32_t)off << 2) | (uint64_t)dw << 32 | (uint64_t)pc << 48;
}

static uint64_t lptr(int32_t off, unsigned es, uint32_t count)
{
	return (uint64_t)((uint32_t)off << 2) | 1 | (uint64_t)es << 32 | (uint64_t)count << 35;
}

/* Words to little-endian bytes. */
static uint8_t *bytes_of(const uint64_t *w, size_t n)
{
	uint8_t *b = malloc(n * 8);
	assert_non_null(b);
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < 8; k++)
			b[i * 8 + k] = (uint8_t)(w[i] >> (8 * k));
	return b;
}

static int open_words(const uint64_t *w, size_t n, struct nx_fmt_err *e)
{
	struct nx_capnp_msg m;
	struct nx_capnp_struct root;
	uint8_t *b = bytes_of(w, n);
	int r = nx_capnp_open(&m, b, n * 8, &root, e);
	free(b);
	return r;
}

static void test_capnp_builder_output_reads_back(void **state)
{
	(void)state;
	static uint8_t buf[1024];
	struct nx_capnp_builder b;
	struct nx_capnp_bstruct root, el;
	struct nx_capnp_blist names, items;
	size_t len;
	nx_capnp_builder_init(&b, buf, sizeof(buf));
	assert_int_equal(nx_capnp_build_root(&b, 1, 4, &root), 0);
	nx_capnp_set_u16(&root, 2, 0xbeef);
	assert_int_equal(nx_capnp_set_text(&root, 0, "hello", 5), 0);
	assert_int_equal(nx_capnp_set_data(&root, 1, "\x01\x02\x03", 3), 0);
	assert_int_equal(nx_capnp_set_ptr_list(&root, 2, 2, &names), 0);
	assert_int_equal(nx_capnp_list_set_text(&names, 0, "a", 1), 0);
	assert_int_equal(nx_capnp_list_set_text(&names, 1, "bc", 2), 0);
	assert_int_equal(nx_capnp_set_struct_list(&root, 3, 2, 1, 1, &items), 0);
	for (uint32_t i = 0; i < 2; i++) {
		assert_int_equal(nx_capnp_list_struct(&items, i, &el), 0);
		nx_capnp_set_u64(&el, 0, 100 + i);
		assert_int_equal(nx_capnp_set_text(&el, 0, i ? "y" : "x", 1), 0);
	}
	assert_int_equal(nx_capnp_build_finish(&b, &len), 0);

	struct nx_capnp_msg m;
	struct nx_capnp_struct r, s;
	struct nx_capnp_list l;
	struct nx_fmt_err e;
	const char *t;
	const uint8_t *d;
	size_t n;
	assert_int_equal(nx_capnp_open(&m, buf, len, &r, &e), 0);
	assert_int_equal(nx_capnp_u16(&r, 2), 0xbeef);
	assert_int_equal(nx_capnp_u64(&r, 8), 0); /* past the data section: default */
	assert_int_equal(nx_capnp_text(&r, 0, &t, &n, &e), 0);
	assert_int_equal(n, 5);
	assert_memory_equal(t, "hello", 6);
	assert_int_equal(nx_capnp_data(&r, 1, &d, &n, &e), 0);
	assert_int_equal(n, 3);
	assert_memory_equal(d, "\x01\x02\x03", 3);
	assert_int_equal(nx_capnp_list(&r, 2, NX_CAPNP_POINTER, &l, &e), 0);
	assert_int_equal(l.count, 2);
	assert_int_equal(nx_capnp_list_text(&l, 1, &t, &n, &e), 0);
	assert_string_equal(t, "bc");
	assert_int_equal(nx_capnp_list(&r, 3, NX_CAPNP_COMPOSITE, &l, &e), 0);
	assert_int_equal(nx_capnp_list_get_struct(&l, 1, &s, &e), 0);
	assert_int_equal(nx_capnp_u64(&s, 0), 101);
	assert_int_equal(nx_capnp_text(&s, 0, &t, &n, &e), 0);
	assert_string_equal(t, "y");
	/* A slot past the pointer section reads as null. */
	assert_int_equal(nx_capnp_text(&r, 9, &t, &n, &e), 0);
	assert_null(t);
}

static void test_capnp_builder_refuses_overflowing_buffer(void **state)
{
	(void)state;
	uint8_t buf[24];
	struct nx_capnp_builder b;
	struct nx_capnp_bstruct root;
	size_t len;
	nx_capnp_builder_init(&b, buf, sizeof(buf));
	assert_int_equal(nx_capnp_build_root(&b, 0, 1, &root), 0);
	assert_int_equal(nx_capnp_set_text(&root, 0, "far too long", 12), NX_FMT_ERANGE);
	assert_int_equal(nx_capnp_build_finish(&b, &len), NX_FMT_ERANGE);
}

static void test_capnp_rejects_pointer_out_of_bounds(void **state)
{
	(void)state;
	/* root -> struct {1 ptr} -> byte list of 16 bytes, but only 1 word follows. */
	uint64_t w[] = {sptr(0, 0, 1), lptr(0, 2, 16), 0x41};
	struct nx_fmt_err e;
	assert_int_equal(open_words(w, 3, &e), NX_FMT_ECAPNP_BOUNDS);
	/* A negative offset before the message start. */
	uint64_t v[] = {sptr(0, 0, 1), lptr(-5, 2, 1)};
	assert_int_equal(open_words(v, 2, &e), NX_FMT_ECAPNP_BOUNDS);
}

static void test_capnp_rejects_far_pointer(void **state)
{
	(void)state;
	uint64_t w[] = {sptr(0, 0, 1), 2 | (1ULL << 3) | (1ULL << 32)};
	struct nx_fmt_err e;
	assert_int_equal(open_words(w, 2, &e), NX_FMT_ECAPNP_FAR);
	uint64_t root_far[] = {2, 0};
	assert_int_equal(open_words(root_far, 2, &e), NX_FMT_ECAPNP_FAR);
}

static void test_capnp_rejects_capability_pointer(void **state)
{
	(void)state;
	uint64_t w[] = {sptr(0, 0, 1), 3};
	struct nx_fmt_err e;
	assert_int_equal(open_words(w, 2, &e), NX_FMT_ECAPNP_POINTER);
}

static void test_capnp_rejects_root_that_is_not_a_struct(void **state)
{
	(void)state;
	uint64_t list_root[] = {lptr(0, 2, 8), 0x41};
	uint64_t null_root[] = {0};
	struct nx_fmt_err e;
	assert_int_equal(open_words(list_root, 2, &e), NX_FMT_ECAPNP_TYPE);
	assert_int_equal(open_words(null_root, 1, &e), NX_FMT_ECAPNP_TYPE);
}

/* A chain of `depth` structs: each points at the next, the last holds one data word. */
static int open_chain(unsigned depth)
{
	uint64_t *w = calloc(depth + 1, 8);
	struct nx_fmt_err e;
	assert_non_null(w);
	for (unsigned i = 0; i + 1 < depth; i++)
		w[i] = sptr(0, 0, 1);
	w[depth - 1] = sptr(0, 1, 0);
	w[depth] = 7;
	int r = open_words(w, depth + 1, &e);
	free(w);
	return r;
}

static void test_capnp_depth_at_limit_and_one_past(void **state)
{
	(void)state;
	assert_int_equal(open_chain(NX_CAPNP_DEPTH_MAX), 0);
	assert_int_equal(open_chain(NX_CAPNP_DEPTH_MAX + 1), NX_FMT_ECAPNP_DEPTH);
}

static void test_capnp_traversal_at_limit_and_one_past(void **state)
{
	(void)state;
	/* A void list costs one word per element: root struct (1) + count. */
	uint64_t at[] = {sptr(0, 0, 1), lptr(0, 0, NX_CAPNP_TRAVERSE_MAX - 1)};
	uint64_t past[] = {sptr(0, 0, 1), lptr(0, 0, NX_CAPNP_TRAVERSE_MAX)};
	struct nx_fmt_err e;
	assert_int_equal(open_words(at, 2, &e), 0);
	assert_int_equal(open_words(past, 2, &e), NX_FMT_ECAPNP_TRAVERSAL);
}

static void test_capnp_rejects_amplification_through_shared_target(void **state)
{
	(void)state;
	/* Two pointers at one large byte list: each visit is charged. */
	size_t words = NX_CAPNP_TRAVERSE_MAX / 2;
	uint64_t *w = calloc(3 + words, 8);
	struct nx_fmt_err e;
	assert_non_null(w);
	w[0] = sptr(0, 0, 2);
	w[1] = lptr(1, 2, (uint32_t)(words * 8));
	w[2] = lptr(0, 2, (uint32_t)(words * 8));
	assert_int_equal(open_words(w, 3 + words, &e), NX_FMT_ECAPNP_TRAVERSAL);
	free(w);
}

static void test_capnp_message_size_at_limit_and_one_past(void **state)
{
	(void)state;
	size_t n = NX_CAPNP_MSG_MAX / 8;
	uint64_t *w = calloc(n + 1, 8);
	struct nx_fmt_err e;
	assert_non_null(w);
	w[0] = sptr(0, 0, 1);
	w[1] = lptr(0, 2, (uint32_t)((n - 2) * 8));
	assert_int_equal(open_words(w, n, &e), 0);
	w[1] = lptr(0, 2, (uint32_t)((n - 1) * 8));
	assert_int_equal(open_words(w, n + 1, &e), NX_FMT_ECAPNP_SIZE);
	free(w);
}

static void test_capnp_rejects_bad_sizes(void **state)
{
	(void)state;
	struct nx_capnp_msg m;
	struct nx_capnp_struct r;
	struct nx_fmt_err e;
	uint8_t b[12] = {0};
	assert_int_equal(nx_capnp_open(&m, b, 0, &r, &e), NX_FMT_ECAPNP_SIZE);
	assert_int_equal(nx_capnp_open(&m, b, 12, &r, &e), NX_FMT_ECAPNP_SIZE);
}

static void test_capnp_rejects_truncated_message(void **state)
{
	(void)state;
	uint64_t w[] = {sptr(0, 0, 1), lptr(0, 2, 9), 0x4141414141414141, 0};
	struct nx_fmt_err e;
	assert_int_equal(open_words(w, 4, &e), 0);
	assert_int_equal(open_words(w, 3, &e), NX_FMT_ECAPNP_BOUNDS);
}

static void test_capnp_rejects_gap_before_object(void **state)
{
	(void)state;
	uint64_t w[] = {sptr(0, 0, 1), lptr(1, 2, 2), 0, 0x4141};
	struct nx_fmt_err e;
	assert_int_equal(open_words(w, 4, &e), NX_FMT_ECAPNP_NONCANONICAL);
}

static void test_capnp_rejects_untruncated_struct_sections(void **state)
{
	(void)state;
	uint64_t zero_data[] = {sptr(0, 1, 0), 0};
	uint64_t null_ptr[] = {sptr(0, 1, 1), 5, 0};
	struct nx_fmt_err e;
	assert_int_equal(open_words(zero_data, 2, &e), NX_FMT_ECAPNP_NONCANONICAL);
	assert_int_equal(open_words(null_ptr, 3, &e), NX_FMT_ECAPNP_NONCANONICAL);
}

static void test_capnp_rejects_trailing_words(void **state)
{
	(void)state;
	uint64_t w[] = {sptr(0, 1, 0), 5, 0};
	struct nx_fmt_err e;
	assert_int_equal(open_words(w, 2, &e), 0);
	assert_int_equal(open_words(w, 3, &e), NX_FMT_ECAPNP_NONCANONICAL);
}

static void test_capnp_rejects_objects_out_of_preorder(void **state)
{
	(void)state;
	/* Two byte lists laid out in the reverse of their pointers' order. */
	uint64_t w[] = {sptr(0, 0, 2), lptr(2, 2, 1), lptr(0, 2, 1), 0x42, 0x41};
	struct nx_fmt_err e;
	assert_int_equal(open_words(w, 5, &e), NX_FMT_ECAPNP_NONCANONICAL);
}

static void test_capnp_rejects_nonzero_list_padding(void **state)
{
	(void)state;
	uint64_t w[] = {sptr(0, 0, 1), lptr(0, 2, 2), 0x4141};
	struct nx_fmt_err e;
	assert_int_equal(open_words(w, 3, &e), 0);
	w[2] = 0xff4141;
	assert_int_equal(open_words(w, 3, &e), NX_FMT_ECAPNP_NONCANONICAL);
}

static void test_capnp_rejects_empty_struct_offset_other_than_minus_one(void **state)
{
	(void)state;
	uint64_t ok[] = {sptr(0, 0, 1), sptr(-1, 0, 0)};
	uint64_t bad[] = {sptr(0, 0, 1), sptr(3, 0, 0)};
	struct nx_fmt_err e;
	assert_int_equal(open_words(ok, 2, &e), 0);
	assert_int_equal(open_words(bad, 2, &e), NX_FMT_ECAPNP_NONCANONICAL);
}

static void test_capnp_rejects_struct_list_sized_beyond_its_elements(void **state)
{
	(void)state;
	/* Two elements of 1 data word + 1 pointer where no element uses its pointer. */
	uint64_t w[] = {sptr(0, 0, 1), lptr(0, 7, 4), sptr(2, 1, 1), 1, 0, 2, 0};
	struct nx_fmt_err e;
	assert_int_equal(open_words(w, 7, &e), NX_FMT_ECAPNP_NONCANONICAL);
}

static void test_capnp_rejects_malformed_struct_list_tag(void **state)
{
	(void)state;
	uint64_t not_struct[] = {sptr(0, 0, 1), lptr(0, 7, 1), lptr(1, 2, 0), 1};
	uint64_t wrong_size[] = {sptr(0, 0, 1), lptr(0, 7, 2), sptr(1, 1, 0), 1, 2};
	struct nx_fmt_err e;
	assert_int_equal(open_words(not_struct, 4, &e), NX_FMT_ECAPNP_POINTER);
	assert_int_equal(open_words(wrong_size, 5, &e), NX_FMT_ECAPNP_POINTER);
}

static void test_capnp_accessors_refuse_wrong_types(void **state)
{
	(void)state;
	/* Pointer 0: a text without its NUL; pointer 1: a list of pointers. */
	uint64_t w[] = {sptr(0, 0, 2), lptr(1, 2, 2), lptr(1, 6, 1), 0x4141, lptr(0, 2, 1), 0x41};
	uint8_t *b = bytes_of(w, 6);
	struct nx_capnp_msg m;
	struct nx_capnp_struct r;
	struct nx_capnp_list l;
	struct nx_fmt_err e;
	const char *t;
	size_t n;
	assert_int_equal(nx_capnp_open(&m, b, 6 * 8, &r, &e), 0);
	assert_int_equal(nx_capnp_text(&r, 0, &t, &n, &e), NX_FMT_ECAPNP_TYPE);
	assert_int_equal(nx_capnp_text(&r, 1, &t, &n, &e), NX_FMT_ECAPNP_TYPE);
	assert_int_equal(nx_capnp_list(&r, 1, NX_CAPNP_COMPOSITE, &l, &e), NX_FMT_ECAPNP_TYPE);
	assert_int_equal(nx_capnp_list(&r, 1, NX_CAPNP_POINTER, &l, &e), 0);
	assert_int_equal(nx_capnp_list_text(&l, 0, &t, &n, &e), NX_FMT_ECAPNP_TYPE);
	assert_int_equal(nx_capnp_list_text(&l, 1, &t, &n, &e), NX_FMT_EINVAL);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_capnp_builder_output_reads_back),
	    cmocka_unit_test(test_capnp_builder_refuses_overflowing_buffer),
	    cmocka_unit_test(test_capnp_rejects_pointer_out_of_bounds),
	    cmocka_unit_test(test_capnp_rejects_far_pointer),
	    cmocka_unit_test(test_capnp_rejects_capability_pointer),
	    cmocka_unit_test(test_capnp_rejects_root_that_is_not_a_struct),
	    cmocka_unit_test(test_capnp_depth_at_limit_and_one_past),
	    cmocka_unit_test(test_capnp_traversal_at_limit_and_one_past),
	    cmocka_unit_test(test_capnp_rejects_amplification_through_shared_target),
	    cmocka_unit_test(test_capnp_message_size_at_limit_and_one_past),
	    cmocka_unit_test(test_capnp_rejects_bad_sizes),
	    cmocka_unit_test(test_capnp_rejects_truncated_message),
	    cmocka_unit_test(test_capnp_rejects_gap_before_object),
	    cmocka_unit_test(test_capnp_rejects_untruncated_struct_sections),
	    cmocka_unit_test(test_capnp_rejects_trailing_words),
	    cmocka_unit_test(test_capnp_rejects_objects_out_of_preorder),
	    cmocka_unit_test(test_capnp_rejects_nonzero_list_padding),
	    cmocka_unit_test(test_capnp_rejects_empty_struct_offset_other_than_minus_one),
	    cmocka_unit_test(test_capnp_rejects_struct_list_sized_beyond_its_elements),
	    cmocka_unit_test(test_capnp_rejects_malformed_struct_list_tag),
	    cmocka_unit_test(test_capnp_accessors_refuse_wrong_types),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * nxl_stack_build: the layout a task finds (strings, pointer arrays,
 * nx_bootstrap, sp alignment), every limit at N and N+1, and refusals
 * that leave the caller's image untouched.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "loader.h"
#include "nexus/bootstrap.h"

#define TOP NX_STACK_TOP
#define SIZE NX_STACK_SIZE_DEFAULT
#define POISON 0xa5

static uint8_t *poisoned(size_t size)
{
	uint8_t *b = malloc(size);

	assert_non_null(b);
	memset(b, POISON, size);
	return b;
}

static uint64_t read64(const uint8_t *image, uint64_t base, uint64_t va)
{
	uint64_t v;

	memcpy(&v, image + (va - base), sizeof(v));
	return v;
}

static void test_stack_layout(void **state)
{
	(void)state;
	const char *argv[] = {"demo.hello", "two words", ""};
	const char *envp[] = {"KEY=value"};
	uint8_t *img = poisoned(SIZE);
	struct nxl_stack st;
	struct nx_bootstrap bs;
	const uint64_t base = TOP - SIZE;

	assert_int_equal(nxl_stack_build(TOP, SIZE, argv, 3, envp, 1, img, &st), NXL_OK);
	assert_int_equal(st.base, base);
	assert_int_equal(st.size, SIZE);
	assert_int_equal(st.guard, base - NX_STACK_GUARD_SIZE);
	assert_int_equal(st.sp % 16, 0);
	assert_int_equal(st.used, TOP - st.sp);
	assert_true(st.sp >= base && st.sp < TOP);

	/* a0 points at the bootstrap message, 16-byte aligned, above the arrays. */
	assert_int_equal(st.bootstrap % 16, 0);
	memcpy(&bs, img + (st.bootstrap - base), sizeof(bs));
	assert_int_equal(bs.magic, NX_BOOTSTRAP_MAGIC);
	assert_int_equal(bs.version, NX_BOOTSTRAP_VERSION);
	assert_int_equal(bs.argc, 3);
	assert_int_equal(bs.envc, 1);
	assert_int_equal(bs.stack_base, base);
	assert_int_equal(bs.stack_size, SIZE);
	assert_int_equal(bs.seed, 0);
	assert_int_equal(bs.flags, 0);
	assert_true(bs.argv >= st.sp && bs.argv < bs.envp && bs.envp < st.bootstrap);
	assert_int_equal(bs.argv + 4 * 8, bs.envp);
	assert_int_equal(bs.envp + 2 * 8, st.bootstrap);

	/* Each pointer is a guest address of its string; the arrays end in NULL. */
	uint64_t end = st.bootstrap + sizeof(bs);
	for (int i = 0; i < 3; i++) {
		uint64_t s = read64(img, base, bs.argv + 8 * i);

		assert_true(s >= end && s < TOP);
		assert_string_equal((const char *)img + (s - base), argv[i]);
	}
	assert_int_equal(read64(img, base, bs.argv + 8 * 3), 0);
	uint64_t e = read64(img, base, bs.envp);
	assert_string_equal((const char *)img + (e - base), envp[0]);
	assert_int_equal(read64(img, base, bs.envp + 8), 0);
	/* The strings end exactly at the top: the last byte is envp[0]'s NUL. */
	assert_int_equal(e + strlen(envp[0]) + 1, TOP);

	/* Everything below sp is zero: the builder clears what it does not write. */
	for (uint64_t va = base; va < st.sp; va++)
		if (img[va - base] != 0)
			fail_msg("byte at 0x%llx not cleared", (unsigned long long)va);
	free(img);
}

static void test_stack_empty_arguments(void **state)
{
	(void)state;
	uint8_t *img = poisoned(NX_PAGE_SIZE);
	struct nxl_stack st;
	struct nx_bootstrap bs;

	assert_int_equal(nxl_stack_build(TOP, NX_PAGE_SIZE, NULL, 0, NULL, 0, img, &st), NXL_OK);
	memcpy(&bs, img + (st.bootstrap - st.base), sizeof(bs));
	assert_int_equal(bs.argc, 0);
	assert_int_equal(bs.envc, 0);
	assert_int_equal(read64(img, st.base, bs.argv), 0);
	assert_int_equal(read64(img, st.base, bs.envp), 0);
	assert_int_equal(st.sp % 16, 0);
	free(img);
}

/* A refusal writes nothing into the image and leaves `out` zeroed. */
static void assert_refused(uint64_t top, uint64_t size, const char *const *argv, size_t argc,
			   const char *const *envp, size_t envc, int want)
{
	size_t cap = size && size <= NX_STACK_SIZE_MAX + NX_PAGE_SIZE ? size : NX_PAGE_SIZE;
	uint8_t *img = poisoned(cap);
	struct nxl_stack st;
	static const struct nxl_stack zero;

	memset(&st, POISON, sizeof(st));
	int got = nxl_stack_build(top, size, argv, argc, envp, envc, img, &st);
	if (got != want)
		fail_msg("got %s, want %s", nxl_errname(got), nxl_errname(want));
	for (size_t i = 0; i < cap; i++)
		if (img[i] != POISON)
			fail_msg("refusal wrote image byte %zu", i);
	assert_memory_equal(&st, &zero, sizeof(st));
	free(img);
}

static int builds(uint64_t top, uint64_t size, const char *const *argv, size_t argc,
		  const char *const *envp, size_t envc)
{
	uint8_t *img = poisoned(size);
	struct nxl_stack st;
	int err = nxl_stack_build(top, size, argv, argc, envp, envc, img, &st);

	free(img);
	return err;
}

static const char **repeat(const char *s, size_t n)
{
	const char **v = malloc((n ? n : 1) * sizeof(*v));

	assert_non_null(v);
	for (size_t i = 0; i < n; i++)
		v[i] = s;
	return v;
}

static void test_stack_argc_limit(void **state)
{
	(void)state;
	const char **v = repeat("x", NX_ARGC_MAX + 1);

	assert_int_equal(builds(TOP, SIZE, v, NX_ARGC_MAX, NULL, 0), NXL_OK);
	assert_refused(TOP, SIZE, v, NX_ARGC_MAX + 1, NULL, 0, NXL_E_ARGC);
	free(v);
}

static void test_stack_envc_limit(void **state)
{
	(void)state;
	const char **v = repeat("K=V", NX_ENVC_MAX + 1);

	assert_int_equal(builds(TOP, SIZE, NULL, 0, v, NX_ENVC_MAX), NXL_OK);
	assert_refused(TOP, SIZE, NULL, 0, v, NX_ENVC_MAX + 1, NXL_E_ENVC);
	free(v);
}

/* The cap counts argv and envp strings together, NULs included. */
static void test_stack_arg_bytes_limit(void **state)
{
	(void)state;
	char *big = malloc(NX_ARG_BYTES_MAX);
	const char *argv[] = {big};
	const char *envp[] = {"K=V"};

	assert_non_null(big);
	memset(big, 'a', NX_ARG_BYTES_MAX - 1);
	big[NX_ARG_BYTES_MAX - 1 - 4] = '\0'; /* 4 bytes of "K=V\0" in envp */
	assert_int_equal(builds(TOP, SIZE, argv, 1, envp, 1), NXL_OK);
	big[NX_ARG_BYTES_MAX - 1 - 4] = 'a';
	big[NX_ARG_BYTES_MAX - 1 - 3] = '\0';
	assert_refused(TOP, SIZE, argv, 1, envp, 1, NXL_E_ARG_BYTES);
	free(big);
}

static void test_stack_null_strings_refused(void **state)
{
	(void)state;
	const char *argv[] = {"a", NULL};

	assert_refused(TOP, SIZE, argv, 2, NULL, 0, NXL_E_ARG_NULL);
	assert_refused(TOP, SIZE, NULL, 1, NULL, 0, NXL_E_ARG_NULL);
	assert_refused(TOP, SIZE, NULL, 0, NULL, 1, NXL_E_ARG_NULL);
}

static void test_stack_size_limits(void **state)
{
	(void)state;
	assert_int_equal(builds(TOP, NX_STACK_SIZE_MAX, NULL, 0, NULL, 0), NXL_OK);
	assert_refused(TOP, NX_STACK_SIZE_MAX + NX_PAGE_SIZE, NULL, 0, NULL, 0, NXL_E_STACK_MAX);
	assert_refused(TOP, 0, NULL, 0, NULL, 0, NXL_E_STACK_SIZE);
	assert_refused(TOP, NX_PAGE_SIZE + 1, NULL, 0, NULL, 0, NXL_E_STACK_SIZE);
}

static void test_stack_top_limits(void **state)
{
	(void)state;
	const uint64_t lowest = NX_USER_BASE + NX_STACK_GUARD_SIZE + NX_PAGE_SIZE;

	assert_int_equal(builds(NX_USER_TOP, NX_PAGE_SIZE, NULL, 0, NULL, 0), NXL_OK);
	assert_refused(NX_USER_TOP + NX_PAGE_SIZE, NX_PAGE_SIZE, NULL, 0, NULL, 0, NXL_E_STACK_TOP);
	assert_refused(TOP + 8, NX_PAGE_SIZE, NULL, 0, NULL, 0, NXL_E_STACK_TOP);
	/* The guard page must be a user address too. */
	assert_int_equal(builds(lowest, NX_PAGE_SIZE, NULL, 0, NULL, 0), NXL_OK);
	assert_refused(lowest - NX_PAGE_SIZE, NX_PAGE_SIZE, NULL, 0, NULL, 0, NXL_E_STACK_TOP);
}

/*
 * Grow one argument a byte at a time in a one-page stack: the first
 * length refused must be the first whose image (measured in a big stack)
 * is larger than the page, and the one before it must fit.
 */
static void test_stack_too_small_at_the_edge(void **state)
{
	(void)state;
	char *arg = calloc(1, NX_PAGE_SIZE + 1);
	const char *argv[] = {arg};
	struct nxl_stack st;
	uint8_t *big = malloc(SIZE);
	size_t n;

	assert_non_null(arg);
	for (n = 0; n < NX_PAGE_SIZE; n++) {
		arg[n] = '\0';
		if (builds(TOP, NX_PAGE_SIZE, argv, 1, NULL, 0) != NXL_OK)
			break;
		arg[n] = 'a';
	}
	assert_true(n > 0 && n < NX_PAGE_SIZE);
	assert_int_equal(nxl_stack_build(TOP, SIZE, argv, 1, NULL, 0, big, &st), NXL_OK);
	assert_true(st.used > NX_PAGE_SIZE);
	assert_refused(TOP, NX_PAGE_SIZE, argv, 1, NULL, 0, NXL_E_STACK_SMALL);
	arg[n - 1] = '\0';
	assert_int_equal(nxl_stack_build(TOP, SIZE, argv, 1, NULL, 0, big, &st), NXL_OK);
	assert_true(st.used <= NX_PAGE_SIZE);
	free(big);
	free(arg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_stack_layout),
	    cmocka_unit_test(test_stack_empty_arguments),
	    cmocka_unit_test(test_stack_argc_limit),
	    cmocka_unit_test(test_stack_envc_limit),
	    cmocka_unit_test(test_stack_arg_bytes_limit),
	    cmocka_unit_test(test_stack_null_strings_refused),
	    cmocka_unit_test(test_stack_size_limits),
	    cmocka_unit_test(test_stack_top_limits),
	    cmocka_unit_test(test_stack_too_small_at_the_edge),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* The package tree's path rules (daemons/vfsd/vfs_path.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "nexus/err.h"
#include "vfs_path.h"

static int parse(const char *s, struct vfs_path *p, const char **why)
{
	return vfs_path_parse(s, strlen(s), p, why);
}

static void refused(const char *s, const char *rule)
{
	struct vfs_path p;
	const char *why = NULL;

	assert_int_equal(parse(s, &p, &why), -NX_EINVAL);
	assert_non_null(why);
	assert_non_null(strstr(why, rule));
}

static void test_vfs_path_accepts_versioned_path(void **state)
{
	struct vfs_path p;
	const char *why = NULL;
	char buf[NX_PATH_MAX];
	(void)state;

	assert_int_equal(parse("/packages/demo.hello@1.0.0/payload.elf", &p, &why), 0);
	assert_int_equal(p.alias, 0);
	assert_string_equal(p.name, "demo.hello");
	assert_string_equal(p.version, "1.0.0");
	assert_string_equal(p.file, "payload.elf");
	assert_int_equal(vfs_path_format(&p, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/packages/demo.hello@1.0.0/payload.elf");
}

static void test_vfs_path_accepts_alias(void **state)
{
	struct vfs_path p;
	const char *why = NULL;
	(void)state;

	assert_int_equal(parse("pkg:/test.exit42/manifest.nxb", &p, &why), 0);
	assert_int_equal(p.alias, 1);
	assert_string_equal(p.name, "test.exit42");
	assert_string_equal(p.version, "");
	assert_string_equal(p.file, "manifest.nxb");
}

static void test_vfs_path_refuses_dotdot(void **state)
{
	(void)state;
	refused("/packages/../payload.elf", "'..'");
	refused("pkg:/../etc", "'..'");
	refused("pkg:/demo.hello/..", "'..'");
	refused("/packages/demo.hello@1.0.0/../../x", "'..'");
	refused("pkg:/./payload.elf", "'.'");
}

static void test_vfs_path_refuses_empty_segment(void **state)
{
	(void)state;
	refused("/packages//payload.elf", "empty");
	refused("pkg://payload.elf", "empty");
	refused("pkg:/demo.hello/", "empty");
	refused("/packages/demo.hello@1.0.0//payload.elf", "empty");
}

static void test_vfs_path_refuses_nul(void **state)
{
	static const char s[] = "pkg:/demo.hello/pay\0load.elf";
	struct vfs_path p;
	const char *why = NULL;
	(void)state;

	assert_int_equal(vfs_path_parse(s, sizeof(s) - 1, &p, &why), -NX_EINVAL);
	assert_non_null(strstr(why, "NUL"));
}

static void test_vfs_path_refuses_bad_prefix_and_shape(void **state)
{
	(void)state;
	refused("/etc/passwd", "neither");
	refused("packages/demo.hello@1.0.0/payload.elf", "neither");
	refused("pkg:/demo.hello", "no file");
	refused("/packages/demo.hello/payload.elf", "<name>@<version>");
	refused("/packages/@1.0.0/payload.elf", "character");
	refused("/packages/demo.hello@/payload.elf", "character");
	refused("/packages/a@b@c/payload.elf", "<name>@<version>");
	refused("pkg:/demo.hello@1.0.0/payload.elf", "bare name");
	refused("pkg:/demo.hello/sub/payload.elf", "flat");
	refused("pkg:/demo hello/payload.elf", "character");
	refused("pkg:/.hidden/payload.elf", "character");
}

/* A path of exactly n bytes: "pkg:/a/" followed by a file name of 'f's. */
static void make_path(char *buf, size_t n)
{
	memcpy(buf, "pkg:/a/", 7);
	memset(buf + 7, 'f', n - 7);
	buf[n] = '\0';
}

static void test_vfs_path_length_limit(void **state)
{
	char buf[NX_PATH_MAX + 1];
	struct vfs_path p;
	const char *why = NULL;
	(void)state;

	/* NX_PATH_MAX counts the NUL: NX_PATH_MAX - 1 bytes is the longest path. */
	make_path(buf, NX_PATH_MAX - 1);
	assert_int_equal(vfs_path_parse(buf, NX_PATH_MAX - 1, &p, &why), 0);
	assert_int_equal(strlen(p.file), NX_PATH_MAX - 1 - 7);
	make_path(buf, NX_PATH_MAX);
	assert_int_equal(vfs_path_parse(buf, NX_PATH_MAX, &p, &why), -NX_EINVAL);
	assert_non_null(strstr(why, "too long"));
}

static void test_vfs_path_format_refuses_overlong(void **state)
{
	struct vfs_path p;
	char buf[NX_PATH_MAX];
	(void)state;

	/* An alias at the limit resolves to a longer /packages/ path: refused, not cut. */
	memset(&p, 0, sizeof(p));
	memset(p.name, 'n', 100);
	memcpy(p.version, "1.0.0", 6);
	memset(p.file, 'f', NX_PATH_MAX - 1 - (10 + 100 + 1 + 5 + 1));
	assert_int_equal(vfs_path_format(&p, buf, sizeof(buf)), 0);
	assert_int_equal(strlen(buf), NX_PATH_MAX - 1);
	p.file[strlen(p.file)] = 'f';
	assert_int_equal(vfs_path_format(&p, buf, sizeof(buf)), -NX_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vfs_path_accepts_versioned_path),
	    cmocka_unit_test(test_vfs_path_accepts_alias),
	    cmocka_unit_test(test_vfs_path_refuses_dotdot),
	    cmocka_unit_test(test_vfs_path_refuses_empty_segment),
	    cmocka_unit_test(test_vfs_path_refuses_nul),
	    cmocka_unit_test(test_vfs_path_refuses_bad_prefix_and_shape),
	    cmocka_unit_test(test_vfs_path_length_limit),
	    cmocka_unit_test(test_vfs_path_format_refuses_overlong),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * init's program registry (formats/programs.h): what a registry holds,
 * each refusal with its line, and every limit at N and N+1.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "programs.h"

static struct nx_programs reg;
static struct nx_fmt_err err;
static char src[64 << 10];

static int parse(const char *s)
{
	memset(&err, 0, sizeof(err));
	return nx_programs_parse(&reg, s, strlen(s), &err);
}

/* The refusal's message has this in it. */
static void refused(const char *s, const char *why)
{
	assert_int_not_equal(parse(s), 0);
	if (strstr(err.msg, why) == NULL)
		fail_msg("'%s' not in '%s'", why, err.msg);
	assert_int_equal(reg.n, 0);
}

static void test_programs_reads_every_key(void **state)
{
	(void)state;
	assert_int_equal(parse("# the fixtures'\n"
			       "[[program]]\n"
			       "name = \"hello\"\n"
			       "path = \"pkg:/demo.hello\"\n"
			       "description = \"says hello\"\n"
			       "\n"
			       "[[program]]\n"
			       "name = \"echo-2\"\n"
			       "path = \"/packages/test.echo@1.0.0/payload.elf\"\n"
			       "args = [\"one\", \"two words\", \"\"]\n"
			       "description = \"prints its argv\"\n"),
			 0);
	assert_int_equal(reg.n, 2);
	assert_string_equal(reg.p[0].name, "hello");
	assert_string_equal(reg.p[0].path, "pkg:/demo.hello");
	assert_string_equal(reg.p[0].desc, "says hello");
	assert_int_equal(reg.p[0].nargs, 0);
	assert_int_equal(reg.p[0].line, 2);
	assert_int_equal(reg.p[1].nargs, 3);
	assert_string_equal(reg.p[1].args[1], "two words");
	assert_string_equal(reg.p[1].args[2], "");
	assert_ptr_equal(nx_programs_find(&reg, "echo-2"), &reg.p[1]);
	assert_null(nx_programs_find(&reg, "echo"));
	/* An empty registry is a registry with no programs. */
	assert_int_equal(parse("# nothing yet\n"), 0);
	assert_int_equal(reg.n, 0);
}

static void test_programs_bundle_of_a_path(void **state)
{
	char name[64], ver[64];

	(void)state;
	assert_int_equal(nx_program_bundle("pkg:/demo.hello", name, sizeof(name), ver, sizeof(ver)),
			 0);
	assert_string_equal(name, "demo.hello");
	assert_string_equal(ver, "");
	assert_int_equal(nx_program_bundle("/packages/test.echo@1.2.3-rc.1/payload.elf", name,
					   sizeof(name), ver, sizeof(ver)),
			 0);
	assert_string_equal(name, "test.echo");
	assert_string_equal(ver, "1.2.3-rc.1");
	assert_int_equal(nx_program_bundle("pkg:/Demo", name, sizeof(name), NULL, 0), -1);
	assert_int_equal(
	    nx_program_bundle("pkg:/demo.hello/payload.elf", name, sizeof(name), NULL, 0), -1);
	assert_int_equal(
	    nx_program_bundle("/packages/test.echo/payload.elf", name, sizeof(name), NULL, 0), -1);
	assert_int_equal(
	    nx_program_bundle("/packages/test.echo@1/payload.elf", name, sizeof(name), NULL, 0),
	    -1);
	assert_int_equal(nx_program_bundle("/packages/test.echo@1.0.0/manifest.nxb", name,
					   sizeof(name), NULL, 0),
			 -1);
	assert_int_equal(nx_program_bundle("demo.hello", name, sizeof(name), NULL, 0), -1);
}

static void test_programs_refusals_name_their_line(void **state)
{
	(void)state;
	refused("[[program]]\nname = \"a\"\npath = \"pkg:/demo.hello\"\n", "line 1: [[program]] "
									   "without 'description'");
	refused("[[program]]\nname = \"a\"\ndescription = \"d\"\n", "without 'path'");
	refused("[[program]]\npath = \"pkg:/x\"\ndescription = \"d\"\n", "without 'name'");
	refused("[[program]]\nname = \"a\"\npath = \"pkg:/x\"\ndescription = \"d\"\nflags = 1\n",
		"line 5: unknown key 'flags'");
	refused("[[program]]\nname = 1\npath = \"pkg:/x\"\ndescription = \"d\"\n",
		"line 2: 'name' must be a string");
	refused("[[program]]\nname = \"a.nxb\"\npath = \"pkg:/x\"\ndescription = \"d\"\n",
		"line 1: name 'a.nxb' is not");
	refused("[[program]]\nname = \"9a\"\npath = \"pkg:/x\"\ndescription = \"d\"\n",
		"name '9a'");
	refused("[[program]]\nname = \"a\"\npath = \"x\"\ndescription = \"d\"\n",
		"line 1: path is neither pkg:/<bundle> nor "
		"/packages/<bundle>@<version>/payload.elf: 'x'");
	refused("[[program]]\nname = \"a\"\npath = \"pkg:/x\"\ndescription = \"\"\n",
		"empty description");
	refused("[[program]]\nname = \"a\"\npath = \"pkg:/x\"\ndescription = \"tab\\there\"\n",
		"line 4: 'description' holds a control");
	refused(
	    "[[program]]\nname = \"a\"\npath = \"pkg:/x\"\nargs = \"one\"\ndescription = \"d\"\n",
	    "line 4: 'args' must be an array");
	refused("[[program]]\nname = \"a\"\npath = \"pkg:/x\"\ndescription = \"d\"\n"
		"[[program]]\nname = \"a\"\npath = \"pkg:/y\"\ndescription = \"d\"\n",
		"line 5: program 'a' defined twice");
	refused("name = \"a\"\n", "line 1: 'name': a registry holds [[program]] tables only");
	refused("[program]\nname = \"a\"\n", "[[program]] tables only");
	/* The TOML reader's own refusals keep their line. */
	refused("[[program]]\nname = \"a\n", "line 2:");
}

/* A program with a name of n bytes, args of m entries of k bytes, a description of d bytes. */
static size_t program(size_t off, int i, size_t n, size_t m, size_t k, size_t d)
{
	off += (size_t)snprintf(src + off, sizeof(src) - off, "[[program]]\nname = \"p%0*d\"\n",
				(int)n - 1, i);
	off += (size_t)snprintf(src + off, sizeof(src) - off,
				"path = \"pkg:/demo.hello\"\ndescription = \"%0*d\"\nargs = [",
				(int)d, 0);
	for (size_t a = 0; a < m; a++)
		off += (size_t)snprintf(src + off, sizeof(src) - off, "\"%0*d\", ", (int)k, 0);
	off += (size_t)snprintf(src + off, sizeof(src) - off, "]\n");
	return off;
}

static void test_programs_count_at_limit_and_one_past(void **state)
{
	size_t off = 0;

	(void)state;
	for (int i = 0; i < NX_PROGRAMS_MAX; i++)
		off = program(off, i, 4, NX_PROGRAM_ARGS_MAX, 1, 1);
	assert_int_equal(nx_programs_parse(&reg, src, off, &err), 0);
	assert_int_equal(reg.n, NX_PROGRAMS_MAX);
	assert_int_equal(reg.p[NX_PROGRAMS_MAX - 1].nargs, NX_PROGRAM_ARGS_MAX);
	off = program(off, NX_PROGRAMS_MAX, 4, 0, 1, 1);
	assert_int_equal(nx_programs_parse(&reg, src, off, &err), NX_FMT_EPROGRAM);
	assert_non_null(strstr(err.msg, "more than 32 programs"));
}

static void test_programs_sizes_at_limit_and_one_past(void **state)
{
	(void)state;
	/* name */
	assert_int_equal(
	    nx_programs_parse(&reg, src, program(0, 0, NX_PROGRAM_NAME_MAX - 1, 0, 1, 1), &err), 0);
	assert_int_equal(strlen(reg.p[0].name), NX_PROGRAM_NAME_MAX - 1);
	assert_int_equal(
	    nx_programs_parse(&reg, src, program(0, 0, NX_PROGRAM_NAME_MAX, 0, 1, 1), &err),
	    NX_FMT_EPROGRAM);
	assert_non_null(strstr(err.msg, "'name' longer than 31 bytes"));
	/* description */
	assert_int_equal(
	    nx_programs_parse(&reg, src, program(0, 0, 4, 0, 1, NX_PROGRAM_DESC_MAX - 1), &err), 0);
	assert_int_equal(
	    nx_programs_parse(&reg, src, program(0, 0, 4, 0, 1, NX_PROGRAM_DESC_MAX), &err),
	    NX_FMT_EPROGRAM);
	assert_non_null(strstr(err.msg, "'description' longer than 127 bytes"));
	/* args: count, then bytes of one */
	assert_int_equal(
	    nx_programs_parse(&reg, src, program(0, 0, 4, NX_PROGRAM_ARGS_MAX + 1, 1, 1), &err),
	    NX_FMT_EPROGRAM);
	assert_non_null(strstr(err.msg, "'args' has more than 16 entries"));
	assert_int_equal(
	    nx_programs_parse(&reg, src, program(0, 0, 4, 1, NX_PROGRAM_ARG_MAX - 1, 1), &err), 0);
	assert_int_equal(strlen(reg.p[0].args[0]), NX_PROGRAM_ARG_MAX - 1);
	assert_int_equal(
	    nx_programs_parse(&reg, src, program(0, 0, 4, 1, NX_PROGRAM_ARG_MAX, 1), &err),
	    NX_FMT_EPROGRAM);
	assert_non_null(strstr(err.msg, "an entry of 'args' is longer than 255 bytes"));
}

/*
 * No path of either form reaches NX_PROGRAM_PATH_MAX (a bundle name and a
 * version are capped first): a 255-byte path passes the cap and is refused
 * for its form, a 256-byte one for its length.
 */
static void test_programs_path_at_limit_and_one_past(void **state)
{
	int n;

	(void)state;
	n = snprintf(src, sizeof(src),
		     "[[program]]\nname = \"a\"\ndescription = \"d\"\npath = \"%0*d\"\n",
		     NX_PROGRAM_PATH_MAX - 1, 0);
	assert_int_equal(nx_programs_parse(&reg, src, (size_t)n, &err), NX_FMT_EPROGRAM);
	if (strstr(err.msg, "is neither") == NULL)
		fail_msg("%s", err.msg);
	n = snprintf(src, sizeof(src),
		     "[[program]]\nname = \"a\"\ndescription = \"d\"\npath = \"%0*d\"\n",
		     NX_PROGRAM_PATH_MAX, 0);
	assert_int_equal(nx_programs_parse(&reg, src, (size_t)n, &err), NX_FMT_EPROGRAM);
	assert_non_null(strstr(err.msg, "'path' longer than 255 bytes"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_programs_reads_every_key),
	    cmocka_unit_test(test_programs_bundle_of_a_path),
	    cmocka_unit_test(test_programs_refusals_name_their_line),
	    cmocka_unit_test(test_programs_count_at_limit_and_one_past),
	    cmocka_unit_test(test_programs_sizes_at_limit_and_one_past),
	    cmocka_unit_test(test_programs_path_at_limit_and_one_past),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

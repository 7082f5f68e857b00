/*
 * The TOML subset reader (formats/toml.h) and the manifest source schema
 * (formats/manifest_toml.h): what the subset reads, each refusal with its
 * code and line, the redefinition rules, and the limits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest_toml.h"
#include "toml.h"

static struct nx_toml_doc doc;
static struct nx_fmt_err err;

static int parse(const char *src)
{
	memset(&err, 0, sizeof(err));
	return nx_toml_parse(&doc, src, strlen(src), &err);
}

static const struct nx_toml_node *get(int32_t t, const char *key)
{
	int32_t i = nx_toml_find(&doc, t, key);
	assert_int_not_equal(i, NX_TOML_NONE);
	return &doc.nodes[i];
}

static void test_toml_reads_the_subset(void **state)
{
	(void)state;
	const char *src = "# comment\r\n"
			  "name = \"a\\tb\\u00e9\\U0001F600\\\"\" # trailing\r\n"
			  "lit = 'C:\\no\\escapes'\n"
			  "\"quoted key\" = true\n"
			  "n = -9_223_372_036_854_775_808\n"
			  "p = +42\n"
			  "off = false\n"
			  "list = [ \"x\", # one\n"
			  "  'y',\n"
			  "]\n"
			  "empty = []\n"
			  "[t.u]\n"
			  "k = 1\n"
			  "[[arr]]\n"
			  "v = 'first'\n"
			  "[[arr]]\n"
			  "v = 'second'\n";
	const struct nx_toml_node *n;
	assert_int_equal(parse(src), 0);
	n = get(0, "name");
	assert_int_equal(n->kind, NX_TOML_STRING);
	assert_string_equal(nx_toml_str(&doc, n->str), "a\tb\xc3\xa9\xf0\x9f\x98\x80\"");
	assert_string_equal(nx_toml_str(&doc, get(0, "lit")->str), "C:\\no\\escapes");
	assert_int_equal(get(0, "quoted key")->num, 1);
	assert_true(get(0, "n")->num == INT64_MIN);
	assert_int_equal(get(0, "p")->num, 42);
	assert_int_equal(get(0, "off")->kind, NX_TOML_BOOL);
	n = get(0, "list");
	assert_int_equal(n->kind, NX_TOML_ARRAY);
	assert_string_equal(nx_toml_str(&doc, doc.nodes[doc.nodes[n->first].next].str), "y");
	assert_int_equal(get(0, "empty")->first, NX_TOML_NONE);
	int32_t t = nx_toml_find(&doc, 0, "t");
	int32_t u = nx_toml_find(&doc, t, "u");
	assert_int_equal(get(u, "k")->num, 1);
	n = get(0, "arr");
	assert_int_equal(n->kind, NX_TOML_ARRAY_TABLES);
	assert_string_equal(nx_toml_str(&doc, get(n->last, "v")->str), "second");
	assert_int_equal(get(n->last, "v")->line, 17);
}

static void test_toml_table_redefinition_rules(void **state)
{
	(void)state;
	/* An implied table may be defined once later; [[a]] then [a.b] goes into the last a. */
	assert_int_equal(parse("[a.b]\n[a]\nx = 1\n"), 0);
	assert_int_equal(parse("[[a]]\n[a.b]\n[[a]]\n[a.b]\n"), 0);
	assert_int_equal(parse("[a]\n[a]\n"), NX_FMT_ETOML_DUPLICATE);
	assert_int_equal(parse("a = 1\na = 2\n"), NX_FMT_ETOML_DUPLICATE);
	assert_int_equal(parse("[a]\n[[a]]\n"), NX_FMT_ETOML_DUPLICATE);
	assert_int_equal(parse("[[a]]\n[a]\n"), NX_FMT_ETOML_DUPLICATE);
	assert_int_equal(parse("a = 1\n[a]\n"), NX_FMT_ETOML_DUPLICATE);
	assert_int_equal(parse("a = []\n[[a]]\n"), NX_FMT_ETOML_DUPLICATE);
	assert_int_equal(parse("a = 1\n[a.b]\n"), NX_FMT_ETOML_DUPLICATE);
	assert_int_equal(parse("[a.b]\n[a]\nb = 1\n"), NX_FMT_ETOML_DUPLICATE);
}

static void test_toml_unsupported_toml_refused_with_its_line(void **state)
{
	(void)state;
	const char *cases[] = {
	    "a = 1.5\n",      "a = 1e3\n",	 "a = inf\n",		"a = 1979-05-27\n",
	    "a = 07:32:00\n", "a = { b = 1 }\n", "a = \"\"\"x\"\"\"\n", "a = '''x'''\n",
	    "a.b = 1\n",      "a = 0x1f\n",	 "a = 0o17\n",		"a = 0b1\n",
	    "a = [1, 2]\n",   "a = [[\"x\"]]\n", "a = \"\\u0000\"\n",
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char src[64];
		snprintf(src, sizeof(src), "ok = 1\n%s", cases[i]);
		assert_int_equal(parse(src), NX_FMT_ETOML_UNSUPPORTED);
		assert_non_null(strstr(err.msg, "line 2:"));
	}
}

static void test_toml_syntax_errors_refused_with_their_line(void **state)
{
	(void)state;
	const char *cases[] = {
	    "a = \"open\n",
	    "a = \"\\q\"\n",
	    "a = 01\n",
	    "a = 1_\n",
	    "a = 1__0\n",
	    "a = \n",
	    "a = tru\n",
	    "a = 'x' b\n",
	    "= 1\n",
	    "a 1\n",
	    "[a\n",
	    "[[a]\n",
	    "a = \"\\ud800\"\n",
	    "a = \"x\ty\x01\"\n",
	    "a = [\"x\" \"y\"]\n",
	    "a = 1 \r b\n",
	    "a = \"\xc3\x28\"\n",

	    "a = \"\\u12\"\n",
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char src[64];
		snprintf(src, sizeof(src), "# x\n%s", cases[i]);
		int r = parse(src);
		assert_int_equal(r, NX_FMT_ETOML_SYNTAX);
		assert_non_null(strstr(err.msg, "line 2:"));
	}
	assert_int_equal(parse("a = ['x'\n"), NX_FMT_ETOML_SYNTAX); /* array open at EOF */
}

static void test_toml_integer_range_at_limit_and_one_past(void **state)
{
	(void)state;
	assert_int_equal(parse("a = 9223372036854775807\n"), 0);
	assert_true(get(0, "a")->num == INT64_MAX);
	assert_int_equal(parse("a = 9223372036854775808\n"), NX_FMT_ETOML_LIMIT);
	assert_int_equal(parse("a = -9223372036854775809\n"), NX_FMT_ETOML_LIMIT);
}

static void test_toml_source_size_at_limit_and_one_past(void **state)
{
	(void)state;
	char *src = malloc(NX_TOML_SRC_MAX + 1);
	assert_non_null(src);
	memset(src, ' ', NX_TOML_SRC_MAX + 1);
	src[0] = '#';
	assert_int_equal(nx_toml_parse(&doc, src, NX_TOML_SRC_MAX, &err), 0);
	assert_int_equal(nx_toml_parse(&doc, src, NX_TOML_SRC_MAX + 1, &err), NX_FMT_ETOML_LIMIT);
	free(src);
}

static void test_toml_node_count_at_limit_and_one_past(void **state)
{
	(void)state;
	/* The root is one node; each key one more. */
	size_t cap = (NX_TOML_NODES_MAX + 1) * 12;
	char *src = malloc(cap);
	size_t len = 0;
	assert_non_null(src);
	for (int i = 0; i < NX_TOML_NODES_MAX - 1; i++)
		len += (size_t)snprintf(src + len, cap - len, "k%d = 1\n", i);
	assert_int_equal(nx_toml_parse(&doc, src, len, &err), 0);
	len += (size_t)snprintf(src + len, cap - len, "last = 1\n");
	assert_int_equal(nx_toml_parse(&doc, src, len, &err), NX_FMT_ETOML_LIMIT);
	free(src);
}

static struct nx_manifest m;

static int from_toml(const char *src)
{
	memset(&err, 0, sizeof(err));
	return nx_manifest_from_toml(src, strlen(src), &m, &err);
}

static void test_manifest_toml_maps_every_key(void **state)
{
	(void)state;
	const char *src = "schema_version = 1\n"
			  "name = \"demo.x\"\n"
			  "semver = \"1.2.3\"\n"
			  "min_sdk = \"0.1.0\"\n"
			  "bundle_type = \"driver\"\n"
			  "payload_kind = \"uiProgram\"\n"
			  "publisher = \"00112233445566778899aabbccddeeff\"\n"
			  "sbom_digest = \"" /* 64 hex */
			  "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\"\n"
			  "abilities = [\"A\"]\ncapabilities = [\"c1\", \"c2\"]\n"
			  "provided_services = [\"svc\"]\n"
			  "[[dependencies]]\nname = \"lib.a\"\nversion_constraint = \"^1\"\n"
			  "[[resources]]\npath = \"f/font.ttf\"\nkind = \"font\"\n"
			  "[[exports]]\nability = \"x.Say\"\npermission = \"app.x.SAY\"\n";
	assert_int_equal(from_toml(src), 0);
	assert_string_equal(m.name, "demo.x");
	assert_int_equal(m.bundle_type, NX_BUNDLE_DRIVER);
	assert_int_equal(m.payload_kind, NX_PAYLOAD_UI_PROGRAM);
	assert_true(m.has_publisher);
	assert_int_equal(m.publisher[15], 0xff);
	assert_true(m.has_sbom_digest);
	assert_int_equal(m.sbom_digest[31], 0x1f);
	assert_false(m.has_repro_digest);
	assert_int_equal(m.n_capabilities, 2);
	assert_string_equal(m.dependencies[0].constraint, "^1");
	assert_int_equal(m.resources[0].kind, NX_RESOURCE_FONT);
	assert_string_equal(m.exports[0].permission, "app.x.SAY");
	assert_int_equal(m.payload_size, 0); /* nxb-pack fills it */
}

static void test_manifest_toml_refusals(void **state)
{
	(void)state;
	assert_int_equal(from_toml("name = \"a\"\n"), NX_FMT_ETOML_SCHEMA); /* no semver */
	assert_int_equal(from_toml("name = \"a\"\nsemver = \"1.0.0\"\nnmae = \"b\"\n"),
			 NX_FMT_ETOML_SCHEMA);
	assert_non_null(strstr(err.msg, "line 3: unknown key 'nmae'"));
	assert_int_equal(from_toml("name = 1\nsemver = \"1.0.0\"\n"), NX_FMT_ETOML_SCHEMA);
	assert_int_equal(from_toml("name = \"a\"\nsemver = \"1.0.0\"\nbundle_type = \"game\"\n"),
			 NX_FMT_ETOML_SCHEMA);
	assert_int_equal(from_toml("name = \"a\"\nsemver = \"1.0.0\"\npublisher = \"00FF\"\n"),
			 NX_FMT_ETOML_SCHEMA);
	assert_int_equal(from_toml("name = \"a\"\nsemver = \"1.0.0\"\n[dependencies]\n"),
			 NX_FMT_ETOML_SCHEMA);
	assert_int_equal(from_toml("name = \"a\"\nsemver = \"1.0.0\"\n[[exports]]\nability = "
				   "\"x\"\n"),
			 NX_FMT_ETOML_SCHEMA);
	assert_int_equal(from_toml("name = \"a\"\nsemver = \"1.0.0\"\n[[resources]]\nkind = "
				   "\"icon\"\n"),
			 NX_FMT_ETOML_SCHEMA);
}

static void test_manifest_toml_list_cap_at_limit_and_one_past(void **state)
{
	(void)state;
	char src[4096];
	size_t len = (size_t)snprintf(src, sizeof(src),
				      "name = \"a\"\nsemver = \"1.0.0\"\n"
				      "abilities = [");
	for (int i = 0; i < NX_MANIFEST_LIST_MAX; i++)
		len += (size_t)snprintf(src + len, sizeof(src) - len, "\"a%d\",", i);
	snprintf(src + len, sizeof(src) - len, "]\n");
	assert_int_equal(from_toml(src), 0);
	assert_int_equal(m.n_abilities, NX_MANIFEST_LIST_MAX);
	snprintf(src + len, sizeof(src) - len, "\"one-more\"]\n");
	assert_int_equal(from_toml(src), NX_FMT_EMANIFEST_CAP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_toml_reads_the_subset),
	    cmocka_unit_test(test_toml_table_redefinition_rules),
	    cmocka_unit_test(test_toml_unsupported_toml_refused_with_its_line),
	    cmocka_unit_test(test_toml_syntax_errors_refused_with_their_line),
	    cmocka_unit_test(test_toml_integer_range_at_limit_and_one_past),
	    cmocka_unit_test(test_toml_source_size_at_limit_and_one_past),
	    cmocka_unit_test(test_toml_node_count_at_limit_and_one_past),
	    cmocka_unit_test(test_manifest_toml_maps_every_key),
	    cmocka_unit_test(test_manifest_toml_refusals),
	    cmocka_unit_test(test_manifest_toml_list_cap_at_limit_and_one_past),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * The escapes of sim/text_out.c, byte for byte: JSON strings, YAML
 * double-quoted scalars TAP::Parser's YAMLish reads back, XML character
 * data; every byte that is not well-formed UTF-8 (or that XML 1.0 has no
 * room for) becomes U+FFFD.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "text_out.h"

/* What `fn` writes for the n bytes at p. */
static char *out_of(void (*fn)(FILE *, const char *, size_t), const char *p, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	fn(f, p, n);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void expect(void (*fn)(FILE *, const char *, size_t), const char *in, size_t n,
		   const char *want)
{
	char *got = out_of(fn, in, n);

	assert_string_equal(got, want);
	free(got);
}

static void test_json(void **state)
{
	(void)state;
	expect(text_json, "a\"b\\c", 5, "\"a\\\"b\\\\c\"");
	expect(text_json, "\n\t\r\x01\x7f", 5, "\"\\n\\t\\r\\u0001\\u007f\"");
	expect(text_json, "x:y", 3, "\"x:y\"");
	/* A NUL is a byte like any other. */
	expect(text_json, "a\0b", 3, "\"a\\u0000b\"");
	/* Well-formed UTF-8 passes; a lone continuation, an overlong form, a surrogate do not. */
	expect(text_json, "\xc3\xbc\xe2\x82\xac\xf0\x9f\x98\x80", 9,
	       "\"\xc3\xbc\xe2\x82\xac\xf0\x9f\x98\x80\"");
	expect(text_json, "\x80", 1, "\"\\ufffd\"");
	expect(text_json, "\xc0\xaf", 2, "\"\\ufffd\\ufffd\"");
	expect(text_json, "\xed\xa0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\"");
	/* A sequence cut short at the end. */
	expect(text_json, "a\xe2\x82", 3, "\"a\\ufffd\\ufffd\"");
}

static void test_yaml(void **state)
{
	(void)state;
	expect(text_yaml, "\x01\t", 2, "\"\\x01\\t\"");
	/* A ':' in or right after the first word is escaped (YAMLish), later ones are not. */
	expect(text_yaml, "hang: start", 11, "\"hang\\x3a start\"");
	expect(text_yaml, "a : b: c", 8, "\"a \\x3a b: c\"");
	expect(text_yaml, "one two: x", 10, "\"one two: x\"");
	expect(text_yaml, "\x80", 1, "\"\xef\xbf\xbd\"");
}

static void test_xml(void **state)
{
	(void)state;
	expect(text_xml, "<a href=\"x\">&'</a>", 18,
	       "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;");
	expect(text_xml, "a\nb\tc\rd", 7, "a\nb\tc&#13;d");
	/* XML 1.0 has no room for these: U+FFFD. */
	expect(text_xml, "\x01\x1b", 2, "\xef\xbf\xbd\xef\xbf\xbd");
	expect(text_xml, "\xef\xbf\xbe", 3, "\xef\xbf\xbd");
	expect(text_xml, "\xff", 1, "\xef\xbf\xbd");
	expect(text_xml, "\xc3\xbc", 2, "\xc3\xbc");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_json),
	    cmocka_unit_test(test_yaml),
	    cmocka_unit_test(test_xml),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

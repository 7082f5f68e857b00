/*
 * --wrap's word splitting (sim/wrap.c wrap_split): blanks, both quotes,
 * backslashes inside and outside double quotes, nothing expanded, and
 * each error it refuses; the word limit at NX_WRAP_WORDS_MAX and one past.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "wrap.h"

static char buf[NX_WRAP_CMD_MAX + 1];
static char *words[NX_WRAP_WORDS_MAX];
static const char *why;

static int split(const char *cmd)
{
	why = NULL;
	return wrap_split(cmd, buf, sizeof(buf), words, NX_WRAP_WORDS_MAX, &why);
}

static void test_blanks(void **state)
{
	(void)state;
	assert_int_equal(split("  strace\t-f  -o\nexecd.trace "), 4);
	assert_string_equal(words[0], "strace");
	assert_string_equal(words[1], "-f");
	assert_string_equal(words[2], "-o");
	assert_string_equal(words[3], "execd.trace");
	assert_int_equal(split(" \t "), 0);
	assert_int_equal(split(""), 0);
}

static void test_quotes(void **state)
{
	(void)state;
	assert_int_equal(split("a' b  c'd \"e f\"g '' \"\""), 4);
	assert_string_equal(words[0], "a b  cd");
	assert_string_equal(words[1], "e fg");
	assert_string_equal(words[2], "");
	assert_string_equal(words[3], "");
	/* Nothing is special inside single quotes; $ * ~ are never expanded. */
	assert_int_equal(split("'a\\b\"c' $HOME * ~"), 4);
	assert_string_equal(words[0], "a\\b\"c");
	assert_string_equal(words[1], "$HOME");
	assert_string_equal(words[2], "*");
	assert_string_equal(words[3], "~");
}

static void test_backslashes(void **state)
{
	(void)state;
	/* Outside quotes a backslash keeps the next character; before a newline it goes. */
	assert_int_equal(split("a\\ b c\\'d e\\\nf"), 3);
	assert_string_equal(words[0], "a b");
	assert_string_equal(words[1], "c'd");
	assert_string_equal(words[2], "ef");
	/* Inside double quotes only before \ " $ ` (and a newline). */
	assert_int_equal(split("\"\\\\ \\\" \\$ \\` \\n \\\nx\""), 1);
	assert_string_equal(words[0], "\\ \" $ ` \\n x");
}

static void test_errors(void **state)
{
	(void)state;
	assert_int_equal(split("strace 'x"), -1);
	assert_string_equal(why, "unterminated '");
	assert_int_equal(split("strace \"x"), -1);
	assert_string_equal(why, "unterminated \"");
	assert_int_equal(split("strace x\\"), -1);
	assert_string_equal(why, "a backslash at the end");
	assert_int_equal(wrap_split("abc", buf, 3, words, NX_WRAP_WORDS_MAX, &why), -1);
	assert_string_equal(why, "too long");
}

static void test_word_limit(void **state)
{
	char cmd[4 * (NX_WRAP_WORDS_MAX + 1) + 1] = "";

	(void)state;
	for (int i = 0; i < NX_WRAP_WORDS_MAX; i++)
		strcat(cmd, "ab ");
	assert_int_equal(split(cmd), NX_WRAP_WORDS_MAX);
	assert_string_equal(words[NX_WRAP_WORDS_MAX - 1], "ab");
	strcat(cmd, "x");
	assert_int_equal(split(cmd), -1);
	assert_string_equal(why, "too many words");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_blanks),	cmocka_unit_test(test_quotes),
	    cmocka_unit_test(test_backslashes), cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_word_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

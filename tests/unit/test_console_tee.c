/*
 * The console tee (sim/console_tee.c) and the report's console tail
 * (sim/result.c) at their limits: a marker line of TEE_LINE_MAX bytes is
 * one, a byte longer is not; the queue for a console that does not read
 * stops at TEE_QUEUE_MAX and the pipe is then left unread, every byte
 * arriving once the console reads again; the tail is SIM_TAIL_LINES lines.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "console_tee.h"
#include "result.h"

/* A marker line ("init: " and filler) of exactly n bytes, without its newline. */
static char *marker_line(size_t n)
{
	char *p = malloc(n + 1);

	assert_non_null(p);
	memset(p, 'x', n);
	memcpy(p, "init: ", 6);
	p[n] = 0;
	return p;
}

static size_t markers_after(const char *line)
{
	struct sim_text markers = {0};
	struct tee t;
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	int wr = tee_open(&t, null, &markers);
	size_t n;

	assert_true(wr >= 0);
	assert_int_equal(write(wr, line, strlen(line)), (ssize_t)strlen(line));
	assert_int_equal(write(wr, "\n", 1), 1);
	close(wr);
	tee_drain(&t);
	assert_true(t.eof);
	n = markers.len;
	sim_text_free(&markers);
	tee_close(&t);
	close(null);
	return n;
}

static void test_line_max(void **state)
{
	char *at = marker_line(TEE_LINE_MAX), *past = marker_line(TEE_LINE_MAX + 1);

	(void)state;
	assert_int_equal(markers_after(at), TEE_LINE_MAX + 1);
	assert_int_equal(markers_after(past), 0);
	assert_int_equal(markers_after("logd: ready"), strlen("logd: ready\n"));
	assert_int_equal(markers_after("logd: info ready"), 0);
	free(at);
	free(past);
}

static void test_queue_max(void **state)
{
	int out[2];
	struct tee t;
	static char chunk[4096], sink[1 << 16];
	size_t in = 0, got = 0;
	ssize_t r;
	int wr;

	(void)state;
	memset(chunk, 'a', sizeof(chunk));
	assert_int_equal(pipe2(out, O_CLOEXEC | O_NONBLOCK), 0);
	wr = tee_open(&t, out[1], NULL);
	assert_true(wr >= 0);
	assert_int_equal(fcntl(wr, F_SETFL, O_NONBLOCK), 0);
	/* Nobody reads the console: the queue fills to the limit, then the pipe is left alone. */
	while (tee_wants_read(&t)) {
		while ((r = write(wr, chunk, sizeof(chunk))) > 0)
			in += (size_t)r;
		tee_drain(&t);
		assert_true(t.qlen <= TEE_QUEUE_MAX);
	}
	assert_int_equal(t.qlen, TEE_QUEUE_MAX);
	assert_true(tee_wants_write(&t));
	/* The console reads: every byte comes through, in order, once. */
	close(wr);
	while (tee_wants_write(&t) || tee_wants_read(&t)) {
		while ((r = read(out[0], sink, sizeof(sink))) > 0)
			got += (size_t)r;
		tee_flush(&t);
		tee_drain(&t);
	}
	while ((r = read(out[0], sink, sizeof(sink))) > 0)
		got += (size_t)r;
	assert_true(t.eof);
	assert_int_equal(got, in);
	tee_close(&t);
	close(out[0]);
	close(out[1]);
}

static void test_tail(void **state)
{
	struct sim_result r = {0};
	char line[16];

	(void)state;
	for (int i = 1; i <= SIM_TAIL_LINES + 1; i++) {
		snprintf(line, sizeof(line), "%d\n", i);
		assert_int_equal(sim_text_add(&r.console, line, strlen(line)), 0);
		if (i == SIM_TAIL_LINES)
			assert_int_equal(sim_result_tail(&r), 0);
	}
	/* One line past: the first is left out. */
	assert_string_equal(r.console.p + sim_result_tail(&r), "2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n");
	/* A last line without its newline counts. */
	assert_int_equal(sim_text_add(&r.console, "12", 2), 0);
	assert_string_equal(r.console.p + sim_result_tail(&r), "3\n4\n5\n6\n7\n8\n9\n10\n11\n12");
	sim_text_free(&r.console);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_line_max),
	    cmocka_unit_test(test_queue_max),
	    cmocka_unit_test(test_tail),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

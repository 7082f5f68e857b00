/*
 * sim/timeline.c at its limits: TIMELINE_EVENTS_MAX events kept and one
 * more dropped (counted), a flow kept whole or dropped whole, B/E kept
 * past the cap, TIMELINE_TRACKS_MAX tracks and no more; the JSON written
 * in time order with every event and the dropped count.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timeline.h"

/* Occurrences of `needle` in the file's text. */
static unsigned count(const char *text, const char *needle)
{
	unsigned n = 0;

	for (const char *p = text; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

static char *write_out(struct timeline *tl)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(timeline_write(tl, f), 0);
	fclose(f);
	return buf;
}

static void test_events_at_the_limit_and_past(void **state)
{
	(void)state;
	struct timeline *tl = timeline_new(1000);
	int a = timeline_track(tl, "a"), b = timeline_track(tl, "b");
	char *out;

	assert_int_equal(a, 1);
	assert_int_equal(b, 2);
	timeline_begin(tl, a, "outer", 1000);
	/* Spans given latest first: the file must still be in time order. */
	for (unsigned i = 1; i < TIMELINE_EVENTS_MAX - 4; i++)
		timeline_span(tl, a, TIMELINE_TID_MAIN, "s", 1000000 - i, 1000000, NULL);
	/* 4 left: a flow (4 events) fits whole. */
	timeline_flow(tl, a, 2000, b, 3000, "frame");
	/* Full: one more span is dropped, and a flow is dropped whole. */
	timeline_span(tl, a, TIMELINE_TID_MAIN, "late", 5000, 6000, NULL);
	timeline_flow(tl, a, 7000, b, 8000, "lost");
	timeline_end(tl, a, "outer", 2000000);
	out = write_out(tl);
	assert_non_null(strstr(out, "\"dropped_events\":5}"));
	assert_int_equal(count(out, "\"name\":\"s\""), TIMELINE_EVENTS_MAX - 5);
	assert_int_equal(count(out, "\"name\":\"frame\""), 4);
	assert_int_equal(count(out, "\"name\":\"lost\""), 0);
	assert_int_equal(count(out, "\"name\":\"late\""), 0);
	assert_int_equal(count(out, "\"ph\":\"B\""), 1);
	assert_int_equal(count(out, "\"ph\":\"E\""), 1);
	/* Time order: B first at 0 us, E last. */
	assert_true(strstr(out, "\"ph\":\"B\"") < strstr(out, "\"name\":\"frame\""));
	assert_true(strstr(out, "\"name\":\"frame\"") < strstr(out, "\"name\":\"s\""));
	assert_non_null(strstr(out, "\"ph\":\"E\",\"pid\":1,\"tid\":1,\"name\":\"outer\","
				    "\"cat\":\"step\",\"ts\":1999.000}\n]}"));
	free(out);
	timeline_free(tl);
}

static void test_tracks_at_the_limit_and_past(void **state)
{
	(void)state;
	struct timeline *tl = timeline_new(0);
	char name[16];

	for (int i = 0; i < TIMELINE_TRACKS_MAX; i++) {
		snprintf(name, sizeof(name), "t%d", i);
		assert_int_equal(timeline_track(tl, name), i + 1);
	}
	assert_int_equal(timeline_track(tl, "t0"), 1);
	assert_int_equal(timeline_track(tl, "one-more"), -1);
	/* Events on no track are dropped silently. */
	timeline_span(tl, -1, TIMELINE_TID_MAIN, "x", 0, 1, NULL);
	timeline_free(tl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_events_at_the_limit_and_past),
	    cmocka_unit_test(test_tracks_at_the_limit_and_past),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

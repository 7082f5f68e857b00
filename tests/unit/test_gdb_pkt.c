/*
 * The gdb stub's framing (sim/gdb_pkt.c): a packet and its checksum,
 * '}' escapes both ways, acks and the 0x03 break between packets, a
 * packet split over two reads, a wrong checksum, and GDB_PKT_MAX bytes
 * of data taken while one more is refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "gdb_pkt.h"

static char out[GDB_PKT_MAX + 1];
static size_t outlen;

/* Append bytes as if received. */
static void feed(struct gdb_in *in, const void *b, size_t n)
{
	assert_true(n <= gdb_in_room(in));
	memcpy(in->buf + in->len, b, n);
	in->len += n;
}

static void test_packet_and_checksum(void **state)
{
	struct gdb_in in = {.len = 0};
	char frame[2 * GDB_PKT_MAX + 4];

	(void)state;
	/* "g": checksum 0x67. */
	feed(&in, "+$g#67", 6);
	assert_int_equal(gdb_in_next(&in, out, &outlen), GDB_ACK);
	assert_int_equal(gdb_in_next(&in, out, &outlen), GDB_PACKET);
	assert_int_equal(outlen, 1);
	assert_string_equal(out, "g");
	assert_int_equal(gdb_in_next(&in, out, &outlen), GDB_NONE);
	assert_int_equal(gdb_frame("OK", 2, frame), 6);
	assert_memory_equal(frame, "$OK#9a", 6);
}

static void test_split_break_and_bad_sum(void **state)
{
	struct gdb_in in = {.len = 0};

	(void)state;
	feed(&in, "\x03$?#", 4);
	assert_int_equal(gdb_in_next(&in, out, &outlen), GDB_BREAK);
	assert_int_equal(gdb_in_next(&in, out, &outlen), GDB_NONE);
	feed(&in, "3f", 2);
	assert_int_equal(gdb_in_next(&in, out, &outlen), GDB_PACKET);
	assert_string_equal(out, "?");
	feed(&in, "$?#40$c#63", 10);
	assert_int_equal(gdb_in_next(&in, out, &outlen), GDB_BAD);
	assert_int_equal(gdb_in_next(&in, out, &outlen), GDB_PACKET);
	assert_string_equal(out, "c");
}

/* What gdb_frame escapes, gdb_in_next gives back as it was. */
static void test_escapes_round_trip(void **state)
{
	struct gdb_in in = {.len = 0};
	char frame[2 * GDB_PKT_MAX + 4];
	const char data[] = "a$b#c}d*e";
	size_t n = gdb_frame(data, strlen(data), frame);

	(void)state;
	assert_int_equal(n, strlen(data) + 4 + 4);
	assert_memory_equal(frame,
			    "$a}\x04"
			    "b}\x03"
			    "c}]d}\x0a"
			    "e#",
			    n - 2);
	feed(&in, frame, n);
	assert_int_equal(gdb_in_next(&in, out, &outlen), GDB_PACKET);
	assert_int_equal(outlen, strlen(data));
	assert_string_equal(out, data);
}

/* n bytes of 'x' as one packet, received; what the framing made of it. */
static enum gdb_item packet_of(size_t n)
{
	static char data[GDB_PKT_MAX + 1], frame[2 * (GDB_PKT_MAX + 1) + 4];
	struct gdb_in in = {.len = 0};

	memset(data, 'x', n);
	feed(&in, frame, gdb_frame(data, n, frame));
	return gdb_in_next(&in, out, &outlen);
}

static void test_packet_max(void **state)
{
	(void)state;
	assert_int_equal(packet_of(GDB_PKT_MAX), GDB_PACKET);
	assert_int_equal(outlen, GDB_PKT_MAX);
	assert_int_equal(packet_of(GDB_PKT_MAX + 1), GDB_BAD);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_packet_and_checksum),
	    cmocka_unit_test(test_split_break_and_bad_sum),
	    cmocka_unit_test(test_escapes_round_trip),
	    cmocka_unit_test(test_packet_max),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

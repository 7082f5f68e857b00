/* init's hold on a daemon's start-up lines (daemons/init/startout.c). */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "startout.h"

struct rig {
	struct startout o;
	int daemon;  /* the daemon's end: what it writes */
	int console; /* read end of the console pipe */
	int out;     /* write end: where init prints */
};

static void rig_open(struct rig *r, int hold)
{
	int sv[2], p[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(fcntl(sv[0], F_SETFL, O_NONBLOCK), 0);
	assert_int_equal(fcntl(p[0], F_SETFL, O_NONBLOCK), 0);
	/* The console pipe must take a whole STARTOUT_MAX at once. */
	assert_true(fcntl(p[1], F_SETPIPE_SZ, 4 * STARTOUT_MAX) >= 4 * STARTOUT_MAX);
	startout_init(&r->o);
	r->o.fd = sv[0];
	r->o.hold = hold;
	r->daemon = sv[1];
	r->console = p[0];
	r->out = p[1];
}

static void rig_close(struct rig *r)
{
	startout_finish(&r->o, r->out);
	close(r->daemon);
	close(r->console);
	close(r->out);
}

static void say(struct rig *r, const char *s, size_t n)
{
	assert_int_equal(write(r->daemon, s, n), (ssize_t)n);
}

/* What the console got so far (NUL-terminated in buf), its length. */
static size_t printed(struct rig *r, char *buf, size_t cap)
{
	ssize_t n = read(r->console, buf, cap - 1);

	n = n < 0 ? 0 : n;
	buf[n] = 0;
	return (size_t)n;
}

static void test_released_lines_go_at_once(void **state)
{
	struct rig r;
	char buf[256];

	(void)state;
	rig_open(&r, 0);
	say(&r, "logd: ready\n", 12);
	assert_int_equal(startout_read(&r.o, r.out), 0);
	printed(&r, buf, sizeof(buf));
	assert_string_equal(buf, "logd: ready\n");
	rig_close(&r);
}

static void test_held_until_released(void **state)
{
	struct rig r;
	char buf[256];

	(void)state;
	rig_open(&r, 1);
	say(&r, "bundlemgrd: slot a active\nbundlemgrd: ready\nbundlemgrd: par", 59);
	assert_int_equal(startout_read(&r.o, r.out), 0);
	assert_int_equal(printed(&r, buf, sizeof(buf)), 0);
	/* Its turn: the whole lines go, the partial one waits for its newline. */
	startout_release(&r.o, r.out);
	printed(&r, buf, sizeof(buf));
	assert_string_equal(buf, "bundlemgrd: slot a active\nbundlemgrd: ready\n");
	say(&r, "tial\n", 5);
	assert_int_equal(startout_read(&r.o, r.out), 0);
	printed(&r, buf, sizeof(buf));
	assert_string_equal(buf, "bundlemgrd: partial\n");
	rig_close(&r);
}

static void test_finish_prints_what_is_left(void **state)
{
	struct rig r;
	char buf[256];

	(void)state;
	rig_open(&r, 1);
	say(&r, "keystored: fatal\nno newline", 27);
	close(r.daemon);
	r.daemon = -1;
	/* The daemon is gone: end of file, and everything goes, held or not. */
	assert_int_equal(startout_read(&r.o, r.out), 1);
	startout_finish(&r.o, r.out);
	assert_int_equal(r.o.fd, -1);
	printed(&r, buf, sizeof(buf));
	assert_string_equal(buf, "keystored: fatal\nno newline");
	rig_close(&r);
}

/* STARTOUT_MAX bytes are held; one more and the held ones go at once, out of order. */
static void test_hold_limit(void **state)
{
	static char line[STARTOUT_MAX], buf[4 * STARTOUT_MAX];
	struct rig r;

	(void)state;
	memset(line, 'x', sizeof(line));
	for (size_t i = 63; i < sizeof(line); i += 64)
		line[i] = '\n';
	rig_open(&r, 1);
	for (size_t i = 0; i < sizeof(line); i += 1024) {
		say(&r, line + i, 1024);
		assert_int_equal(startout_read(&r.o, r.out), 0);
	}
	assert_int_equal(r.o.len, STARTOUT_MAX);
	assert_int_equal(printed(&r, buf, sizeof(buf)), 0);
	say(&r, "y", 1);
	assert_int_equal(startout_read(&r.o, r.out), 0);
	assert_int_equal(printed(&r, buf, sizeof(buf)), STARTOUT_MAX);
	assert_memory_equal(buf, line, STARTOUT_MAX);
	/* The byte past the limit is held in its turn. */
	assert_int_equal(r.o.len, 1);
	assert_true(r.o.hold);
	startout_release(&r.o, r.out);
	assert_int_equal(printed(&r, buf, sizeof(buf)), 0);
	rig_close(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_released_lines_go_at_once),
	    cmocka_unit_test(test_held_until_released),
	    cmocka_unit_test(test_finish_prints_what_is_left),
	    cmocka_unit_test(test_hold_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

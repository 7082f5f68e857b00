/*
 * BootCtrl (formats/bootctrl.h, host/sysstate.h): the codec against the
 * documented layout, one refusal per corruption class, every state
 * change, the rebuild rules, an atomic store failing at each host call in
 * turn, and a load that never follows a link.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "bootctrl.h"
#include "nexus/state.h"
#include "sysstate.h"

/* The byte offsets bootctrl.h documents; the tests write records by them. */
#define OFF_VERSION 4
#define OFF_SLOT_A 8
#define OFF_SLOT_B 12
#define OFF_FLOOR 16
#define OFF_CRC 80

static struct nx_bootctrl record(uint8_t pa, uint8_t ta, uint8_t sa, uint8_t pb, uint8_t tb,
				 uint8_t sb, const char *floor)
{
	struct nx_bootctrl bc;

	memset(&bc, 0, sizeof(bc));
	bc.slot[0] = (struct nx_bootslot){pa, ta, sa};
	bc.slot[1] = (struct nx_bootslot){pb, tb, sb};
	strcpy(bc.floor, floor);
	return bc;
}

/* Slot a committed at 1.0.0, slot b on trial with two tries: mid-update. */
static struct nx_bootctrl on_trial(void)
{
	return record(1, 0, 1, 2, 2, 0, "1.0.0");
}

static void encode(const struct nx_bootctrl *bc, uint8_t buf[NX_BOOTCTRL_SIZE])
{
	struct nx_fmt_err e = {0};

	assert_int_equal(nx_bootctrl_encode(bc, buf, &e), 0);
}

/* After an edit: the CRC the layout wants, so the edit itself is what decode sees. */
static void fix_crc(uint8_t buf[NX_BOOTCTRL_SIZE])
{
	uint32_t crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), buf, OFF_CRC);

	buf[OFF_CRC] = (uint8_t)(crc >> 24);
	buf[OFF_CRC + 1] = (uint8_t)(crc >> 16);
	buf[OFF_CRC + 2] = (uint8_t)(crc >> 8);
	buf[OFF_CRC + 3] = (uint8_t)crc;
}

/* A valid record with one slot byte changed (off: OFF_SLOT_x + 0..3), CRC fixed. */
static void with_slot_byte(const struct nx_bootctrl *bc, size_t off, uint8_t v,
			   uint8_t buf[NX_BOOTCTRL_SIZE])
{
	encode(bc, buf);
	buf[off] = v;
	fix_crc(buf);
}

static void decodes(const uint8_t *buf, size_t len, struct nx_bootctrl *out)
{
	struct nx_fmt_err e = {0};

	assert_int_equal(nx_bootctrl_decode(buf, len, out, &e), 0);
}

/* Refused with code and a message naming `what`; the output is left alone. */
static void refused(const uint8_t *buf, size_t len, int code, const char *what)
{
	struct nx_bootctrl out, untouched;
	struct nx_fmt_err e = {0};

	memset(&out, 0xa5, sizeof(out));
	untouched = out;
	assert_int_equal(nx_bootctrl_decode(buf, len, &out, &e), code);
	assert_int_equal(e.code, code);
	if (strstr(e.msg, what) == NULL)
		fail_msg("message '%s' does not name '%s'", e.msg, what);
	assert_memory_equal(&out, &untouched, sizeof(out));
}

/* A state change's result is a valid record: it encodes and decodes to itself. */
static void still_valid(const struct nx_bootctrl *bc)
{
	uint8_t buf[NX_BOOTCTRL_SIZE];
	struct nx_bootctrl back;

	encode(bc, buf);
	decodes(buf, sizeof(buf), &back);
	assert_memory_equal(&back, bc, sizeof(back));
}

static void test_bootctrl_round_trip(void **state)
{
	const struct nx_bootctrl recs[] = {
	    record(1, 0, 1, 0, 0, 0, ""),
	    on_trial(),
	    record(2, 7, 0, 15, 0, 1, "2.0.0-rc.1+build.5"),
	    record(1, 0, 1, 2, 0, 1, "10.20.30"),
	};
	(void)state;
	for (size_t i = 0; i < sizeof(recs) / sizeof(recs[0]); i++)
		still_valid(&recs[i]);
}

static void test_bootctrl_bytes_follow_the_documented_layout(void **state)
{
	struct nx_bootctrl bc = on_trial();
	uint8_t buf[NX_BOOTCTRL_SIZE], want[NX_BOOTCTRL_SIZE] = {'N', 'X', 'B', 'C', 1};
	(void)state;

	memcpy(want + OFF_SLOT_A, (uint8_t[]){1, 0, 1, 0}, 4);
	memcpy(want + OFF_SLOT_B, (uint8_t[]){2, 2, 0, 0}, 4);
	memcpy(want + OFF_FLOOR, "1.0.0", 5);
	fix_crc(want);
	encode(&bc, buf);
	assert_memory_equal(buf, want, sizeof(buf));
}

static void test_bootctrl_default_is_slot_a_committed(void **state)
{
	struct nx_bootctrl bc;
	(void)state;

	nx_bootctrl_default(&bc);
	assert_int_equal(nx_bootctrl_active(&bc), 0);
	assert_int_equal(nx_bootctrl_pending(&bc), -1);
	assert_int_equal(bc.slot[1].priority, 0);
	assert_string_equal(bc.floor, "");
	still_valid(&bc);
}

static void test_bootctrl_refuses_bad_magic(void **state)
{
	struct nx_bootctrl bc = on_trial();
	uint8_t buf[NX_BOOTCTRL_SIZE];
	(void)state;

	encode(&bc, buf);
	memcpy(buf, "NXBD", 4);
	refused(buf, sizeof(buf), NX_FMT_EBOOTCTRL_MAGIC, "magic");
	/* A matching CRC does not make another file a record. */
	fix_crc(buf);
	refused(buf, sizeof(buf), NX_FMT_EBOOTCTRL_MAGIC, "magic");
}

static void test_bootctrl_refuses_bad_crc(void **state)
{
	struct nx_bootctrl bc = on_trial();
	uint8_t buf[NX_BOOTCTRL_SIZE];
	(void)state;

	encode(&bc, buf);
	buf[OFF_FLOOR] = '2'; /* a floor of 2.0.0 that nobody wrote */
	refused(buf, sizeof(buf), NX_FMT_EBOOTCTRL_CRC, "CRC-32");
	encode(&bc, buf);
	buf[OFF_CRC + 3] ^= 1;
	refused(buf, sizeof(buf), NX_FMT_EBOOTCTRL_CRC, "CRC-32");
}

static void test_bootctrl_refuses_unknown_version(void **state)
{
	struct nx_bootctrl bc = on_trial();
	uint8_t buf[NX_BOOTCTRL_SIZE];
	(void)state;

	with_slot_byte(&bc, OFF_VERSION, NX_BOOTCTRL_VERSION + 1, buf);
	refused(buf, sizeof(buf), NX_FMT_EBOOTCTRL_VERSION, "record version 2");
	with_slot_byte(&bc, OFF_VERSION, 0, buf);
	refused(buf, sizeof(buf), NX_FMT_EBOOTCTRL_VERSION, "record version 0");
}

static void test_bootctrl_tries_limit(void **state)
{
	struct nx_bootctrl bc = on_trial(), out;
	uint8_t buf[NX_BOOTCTRL_SIZE];
	(void)state;

	with_slot_byte(&bc, OFF_SLOT_B + 1, NX_BOOTCTRL_TRIES_MAX, buf);
	decodes(buf, sizeof(buf), &out);
	assert_int_equal(out.slot[1].tries, NX_BOOTCTRL_TRIES_MAX);
	with_slot_byte(&bc, OFF_SLOT_B + 1, NX_BOOTCTRL_TRIES_MAX + 1, buf);
	refused(buf, sizeof(buf), NX_FMT_EBOOTCTRL_RANGE, "slot b: tries 8 is over 7");
}

static void test_bootctrl_priority_limit(void **state)
{
	struct nx_bootctrl bc = on_trial(), out;
	uint8_t buf[NX_BOOTCTRL_SIZE];
	(void)state;

	with_slot_byte(&bc, OFF_SLOT_A, NX_BOOTCTRL_PRIORITY_MAX, buf);
	decodes(buf, sizeof(buf), &out);
	assert_int_equal(out.slot[0].priority, NX_BOOTCTRL_PRIORITY_MAX);
	with_slot_byte(&bc, OFF_SLOT_A, NX_BOOTCTRL_PRIORITY_MAX + 1, buf);
	refused(buf, sizeof(buf), NX_FMT_EBOOTCTRL_RANGE, "slot a: priority 16 is over 15");
}

static void test_bootctrl_refuses_successful_flag_2(void **state)
{
	struct nx_bootctrl bc = on_trial();
	uint8_t buf[NX_BOOTCTRL_SIZE];
	(void)state;

	with_slot_byte(&bc, OFF_SLOT_A + 2, 2, buf);
	refused(buf, sizeof(buf), NX_FMT_EBOOTCTRL_RANGE, "successful flag 2");
}

static void test_bootctrl_refuses_truncated(void **state)
{
	struct nx_bootctrl bc = on_trial();
	uint8_t buf[NX_BOOTCTRL_SIZE];
	(void)state;

	encode(&bc, buf);
	refused(buf, NX_BOOTCTRL_SIZE - 1, NX_FMT_EBOOTCTRL_SIZE, "83 bytes, not 84");
	refused(buf, 0, NX_FMT_EBOOTCTRL_SIZE, "0 bytes");
}

static void test_bootctrl_refuses_too_long(void **state)
{
	struct nx_bootctrl bc = on_trial();
	uint8_t buf[NX_BOOTCTRL_SIZE + 1] = {0};
	(void)state;

	encode(&bc, buf);
	refused(buf, sizeof(buf), NX_FMT_EBOOTCTRL_SIZE, "85 bytes, not 84");
}

static void test_bootctrl_refuses_reserved_bytes(void **state)
{
	struct nx_bootctrl bc = on_trial();
	uint8_t buf[NX_BOOTCTRL_SIZE];
	(void)state;

	for (size_t off = OFF_VERSION + 1; off < OFF_SLOT_A; off++) {
		with_slot_byte(&bc, off, 1, buf);
		refused(buf, sizeof(buf), NX_FMT_EBOOTCTRL_RANGE, "reserved header bytes");
	}
	with_slot_byte(&bc, OFF_SLOT_A + 3, 1, buf);
	refused(buf, sizeof(buf), NX_FMT_EBOOTCTRL_RANGE, "slot a: reserved byte");
	with_slot_byte(&bc, OFF_SLOT_B + 3, 1, buf);
	refused(buf, sizeof(buf), NX_FMT_EBOOTCTRL_RANGE, "slot b: reserved byte");
	/* "1.0.0\0x": a byte hidden after the floor's end. */
	with_slot_byte(&bc, OFF_FLOOR + 6, 'x', buf);
	refused(buf, sizeof(buf), NX_FMT_EBOOTCTRL_RANGE, "after the floor's end");
}

static void test_bootctrl_refuses_floor_not_terminated(void **state)
{
	struct nx_bootctrl bc = on_trial();
	uint8_t buf[NX_BOOTCTRL_SIZE];
	(void)state;

	encode(&bc, buf);
	memset(buf + OFF_FLOOR, '1', NX_SEMVER_MAX);
	fix_crc(buf);
	refused(buf, sizeof(buf), NX_FMT_EBOOTCTRL_RANGE, "floor is not terminated");
}

static void test_bootctrl_refuses_floor_not_semver(void **state)
{
	struct nx_bootctrl bc = on_trial();
	uint8_t buf[NX_BOOTCTRL_SIZE];
	(void)state;

	encode(&bc, buf);
	memset(buf + OFF_FLOOR, 0, NX_SEMVER_MAX);
	memcpy(buf + OFF_FLOOR, "1.0", 3);
	fix_crc(buf);
	refused(buf, sizeof(buf), NX_FMT_EBOOTCTRL_RANGE, "floor '1.0' is not a version");
}

static void test_bootctrl_refuses_no_committed_slot(void **state)
{
	struct nx_bootctrl bc = on_trial();
	uint8_t buf[NX_BOOTCTRL_SIZE];
	(void)state;

	encode(&bc, buf);
	memset(buf + OFF_SLOT_A, 0, 4); /* the fallback gone, the trial alone */
	fix_crc(buf);
	refused(buf, sizeof(buf), NX_FMT_EBOOTCTRL_RANGE, "no committed slot");
}

static void test_bootctrl_refuses_both_pending(void **state)
{
	struct nx_bootctrl bc = on_trial();
	uint8_t buf[NX_BOOTCTRL_SIZE];
	(void)state;

	encode(&bc, buf);
	memcpy(buf + OFF_SLOT_A, (uint8_t[]){1, 1, 0, 0}, 4);
	fix_crc(buf);
	refused(buf, sizeof(buf), NX_FMT_EBOOTCTRL_RANGE, "both slots are pending");
}

static void test_bootctrl_refuses_equal_priorities(void **state)
{
	struct nx_bootctrl bc = on_trial();
	uint8_t buf[NX_BOOTCTRL_SIZE];
	(void)state;

	with_slot_byte(&bc, OFF_SLOT_A, 2, buf);
	refused(buf, sizeof(buf), NX_FMT_EBOOTCTRL_RANGE, "both slots have priority 2");
}

static void test_bootctrl_refuses_unbootable_slot_with_state(void **state)
{
	struct nx_bootctrl bc = record(1, 0, 1, 0, 0, 0, "");
	uint8_t buf[NX_BOOTCTRL_SIZE];
	(void)state;

	with_slot_byte(&bc, OFF_SLOT_B + 1, 1, buf);
	refused(buf, sizeof(buf), NX_FMT_EBOOTCTRL_RANGE, "slot b cannot boot but has tries");
	with_slot_byte(&bc, OFF_SLOT_B + 2, 1, buf);
	refused(buf, sizeof(buf), NX_FMT_EBOOTCTRL_RANGE, "slot b cannot boot but has tries");
}

static void test_bootctrl_refuses_committed_slot_with_tries(void **state)
{
	struct nx_bootctrl bc = on_trial();
	uint8_t buf[NX_BOOTCTRL_SIZE];
	(void)state;

	with_slot_byte(&bc, OFF_SLOT_A + 1, 1, buf);
	refused(buf, sizeof(buf), NX_FMT_EBOOTCTRL_RANGE, "slot a is committed but has tries");
}

static void test_bootctrl_encode_refuses_invalid_record(void **state)
{
	struct nx_bootctrl bc = record(2, 0, 0, 2, 0, 1, "");
	uint8_t buf[NX_BOOTCTRL_SIZE];
	struct nx_fmt_err e = {0};
	(void)state;

	assert_int_equal(nx_bootctrl_encode(&bc, buf, &e), NX_FMT_EBOOTCTRL_RANGE);
	bc = on_trial();
	memset(bc.floor, '1', sizeof(bc.floor));
	assert_int_equal(nx_bootctrl_encode(&bc, buf, &e), NX_FMT_EBOOTCTRL_RANGE);
}

static void test_bootctrl_boot_spends_tries_then_rolls_back(void **state)
{
	struct nx_bootctrl bc = on_trial();
	int rolled;
	(void)state;

	assert_int_equal(nx_bootctrl_boot(&bc, &rolled), 1);
	assert_int_equal(rolled, -1);
	assert_int_equal(bc.slot[1].tries, 1);
	assert_int_equal(nx_bootctrl_booted(&bc), 1);
	still_valid(&bc);
	assert_int_equal(nx_bootctrl_boot(&bc, &rolled), 1);
	assert_int_equal(bc.slot[1].tries, 0);
	assert_int_equal(nx_bootctrl_pending(&bc), 1);
	still_valid(&bc);
	/* No try left: the trial is over, the committed slot boots. */
	assert_int_equal(nx_bootctrl_boot(&bc, &rolled), 0);
	assert_int_equal(rolled, 1);
	assert_int_equal(bc.slot[1].priority, 0);
	assert_int_equal(nx_bootctrl_pending(&bc), -1);
	assert_int_equal(nx_bootctrl_booted(&bc), 0);
	assert_string_equal(bc.floor, "1.0.0");
	still_valid(&bc);
}

static void test_bootctrl_boot_without_trial_changes_nothing(void **state)
{
	struct nx_bootctrl bc = record(1, 0, 1, 2, 0, 1, "2.0.0"), before = bc;
	int rolled;
	(void)state;

	assert_int_equal(nx_bootctrl_boot(&bc, &rolled), 1);
	assert_int_equal(rolled, -1);
	assert_memory_equal(&bc, &before, sizeof(bc));
}

static void test_bootctrl_switch_puts_the_slot_on_trial(void **state)
{
	struct nx_bootctrl bc = record(2, 0, 1, 0, 0, 0, "1.0.0");
	(void)state;

	assert_int_equal(nx_bootctrl_switch(&bc, 1, 3), 0);
	assert_int_equal(nx_bootctrl_active(&bc), 0);
	assert_int_equal(nx_bootctrl_pending(&bc), 1);
	assert_int_equal(bc.slot[1].tries, 3);
	assert_true(bc.slot[1].priority > bc.slot[0].priority);
	assert_string_equal(bc.floor, "1.0.0");
	still_valid(&bc);
}

static void test_bootctrl_switch_refusals(void **state)
{
	struct nx_bootctrl bc = record(1, 0, 1, 0, 0, 0, ""), before = bc;
	(void)state;

	assert_int_equal(nx_bootctrl_switch(&bc, 0, 2), NX_FMT_EINVAL); /* the active slot */
	assert_int_equal(nx_bootctrl_switch(&bc, -1, 2), NX_FMT_EINVAL);
	assert_int_equal(nx_bootctrl_switch(&bc, NX_BOOTCTRL_SLOTS, 2), NX_FMT_EINVAL);
	assert_int_equal(nx_bootctrl_switch(&bc, 1, 0), NX_FMT_EINVAL);
	assert_int_equal(nx_bootctrl_switch(&bc, 1, NX_BOOTCTRL_TRIES_MAX + 1), NX_FMT_EINVAL);
	assert_memory_equal(&bc, &before, sizeof(bc));
	assert_int_equal(nx_bootctrl_switch(&bc, 1, 1), 0);
	assert_int_equal(nx_bootctrl_switch(&bc, 1, NX_BOOTCTRL_TRIES_MAX), 0);
	assert_int_equal(bc.slot[1].tries, NX_BOOTCTRL_TRIES_MAX);
	still_valid(&bc);
}

static void test_bootctrl_commit_raises_the_floor(void **state)
{
	struct nx_bootctrl bc = on_trial();
	(void)state;

	assert_int_equal(nx_bootctrl_commit(&bc, 1, "2.0.0"), 0);
	assert_int_equal(nx_bootctrl_active(&bc), 1);
	assert_int_equal(nx_bootctrl_pending(&bc), -1);
	assert_int_equal(bc.slot[1].tries, 0);
	assert_int_equal(bc.slot[0].successful, 1); /* the fallback stays */
	assert_string_equal(bc.floor, "2.0.0");
	still_valid(&bc);
}

static void test_bootctrl_commit_refusals(void **state)
{
	struct nx_bootctrl bc = on_trial(), before = bc;
	char long_version[NX_SEMVER_MAX + 1];
	(void)state;

	memset(long_version, '1', sizeof(long_version) - 1);
	long_version[sizeof(long_version) - 1] = '\0';
	assert_int_equal(nx_bootctrl_commit(&bc, 0, "2.0.0"), NX_FMT_EINVAL); /* not pending */
	assert_int_equal(nx_bootctrl_commit(&bc, 1, "2.0"), NX_FMT_EINVAL);
	assert_int_equal(nx_bootctrl_commit(&bc, 1, long_version), NX_FMT_EINVAL);
	assert_memory_equal(&bc, &before, sizeof(bc));
	bc = record(1, 0, 1, 0, 0, 0, "");
	assert_int_equal(nx_bootctrl_commit(&bc, 1, "2.0.0"), NX_FMT_EINVAL); /* nothing pending */
}

static void test_bootctrl_invalidate(void **state)
{
	struct nx_bootctrl bc = record(1, 0, 1, 2, 0, 1, "2.0.0"), before = bc;
	(void)state;

	assert_int_equal(nx_bootctrl_invalidate(&bc, 1), NX_FMT_EINVAL); /* the active slot */
	assert_int_equal(nx_bootctrl_invalidate(&bc, -1), NX_FMT_EINVAL);
	assert_int_equal(nx_bootctrl_invalidate(&bc, NX_BOOTCTRL_SLOTS), NX_FMT_EINVAL);
	assert_memory_equal(&bc, &before, sizeof(bc));
	assert_int_equal(nx_bootctrl_invalidate(&bc, 0), 0);
	assert_int_equal(bc.slot[0].priority, 0);
	assert_int_equal(nx_bootctrl_active(&bc), 1);
	still_valid(&bc);
	/* A pending slot can be given up too (a rollback). */
	bc = on_trial();
	assert_int_equal(nx_bootctrl_invalidate(&bc, 1), 0);
	assert_int_equal(nx_bootctrl_pending(&bc), -1);
	still_valid(&bc);
}

/* The rebuild from these slot versions puts `newer` on trial, the other committed at `floor`. */
static void rebuilds_to(const char *va, const char *vb, int newer, const char *floor)
{
	struct nx_bootctrl bc;

	memset(&bc, 0x5a, sizeof(bc));
	nx_bootctrl_rebuild(&bc, va, vb);
	assert_int_equal(nx_bootctrl_pending(&bc), newer);
	assert_int_equal(nx_bootctrl_active(&bc), 1 - newer);
	assert_int_equal(bc.slot[newer].tries, NX_BOOTCTRL_TRIES_DEFAULT);
	assert_string_equal(bc.floor, floor);
	still_valid(&bc);
}

static void test_bootctrl_rebuild_puts_the_newer_set_on_trial(void **state)
{
	(void)state;
	rebuilds_to("1.0.0", "2.0.0", 1, "1.0.0");
	rebuilds_to("2.0.0", "1.0.0", 0, "1.0.0");
	rebuilds_to("1.0.0-rc.1", "1.0.0", 1, "1.0.0-rc.1");
	rebuilds_to("1.10.0", "1.9.0", 0, "1.9.0");
}

static void test_bootctrl_rebuild_tie_goes_to_slot_a(void **state)
{
	(void)state;
	rebuilds_to("1.0.0", "1.0.0", 0, "1.0.0");
	/* Build metadata does not order versions. */
	rebuilds_to("1.0.0+b", "1.0.0+a", 0, "1.0.0+a");
}

static void test_bootctrl_rebuild_with_one_set(void **state)
{
	(void)state;
	/* The set is on trial; the empty slot is the fallback; no floor. */
	rebuilds_to("", "1.0.0", 1, "");
	rebuilds_to("1.0.0", "", 0, "");
	/* A version that is not one counts as no set. */
	rebuilds_to("junk", "1.0.0", 1, "");
}

static void test_bootctrl_rebuild_without_sets_is_the_default(void **state)
{
	struct nx_bootctrl bc, def;
	(void)state;

	nx_bootctrl_default(&def);
	memset(&bc, 0x5a, sizeof(bc));
	nx_bootctrl_rebuild(&bc, "", "");
	assert_memory_equal(&bc, &def, sizeof(bc));
}

/* The state directory a store writes into, and a host io that fails one step. */
struct fixture {
	char dir[64];
	int state_fd;
	char steps[64]; /* the step callback's names, in order */
};

enum fault {
	FAULT_NONE,
	FAULT_OPEN,
	FAULT_WRITE,
	FAULT_SHORT_WRITE, /* half of the record written, then the next write fails */
	FAULT_FSYNC,
	FAULT_RENAME,
	FAULT_DIR_FSYNC,
};

static struct {
	enum fault fault;
	int short_writes; /* every write takes half of what it is given */
	int writes, fsyncs;
} faulty;

static int f_openat(int dirfd, const char *path, int flags, mode_t mode)
{
	if (faulty.fault == FAULT_OPEN) {
		errno = EACCES;
		return -1;
	}
	return nx_bootctrl_io_host.openat(dirfd, path, flags, mode);
}

static ssize_t f_write(int fd, const void *buf, size_t n)
{
	int first = faulty.writes++ == 0;

	if (faulty.fault == FAULT_WRITE || (faulty.fault == FAULT_SHORT_WRITE && !first)) {
		errno = ENOSPC;
		return -1;
	}
	if ((faulty.short_writes || faulty.fault == FAULT_SHORT_WRITE) && n > 1)
		n /= 2;
	return nx_bootctrl_io_host.write(fd, buf, n);
}

static int f_fsync(int fd)
{
	/* The first fsync is the temp file's, the second the directory's. */
	int nth = ++faulty.fsyncs;

	if ((faulty.fault == FAULT_FSYNC && nth == 1) ||
	    (faulty.fault == FAULT_DIR_FSYNC && nth == 2)) {
		errno = EIO;
		return -1;
	}
	return nx_bootctrl_io_host.fsync(fd);
}

static int f_renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath)
{
	if (faulty.fault == FAULT_RENAME) {
		errno = EXDEV;
		return -1;
	}
	return nx_bootctrl_io_host.renameat(olddirfd, oldpath, newdirfd, newpath);
}

static const struct nx_bootctrl_io io_faulty = {f_openat, f_write, f_fsync, f_renameat};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	strcpy(f->dir, "/tmp/test_bootctrl.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->state_fd = open(f->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(f->state_fd >= 0);
	memset(&faulty, 0, sizeof(faulty));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	close(f->state_fd);
	free(f);
	return 0;
}

static void note_step(void *arg, const char *name)
{
	struct fixture *f = arg;

	strcat(f->steps, name);
	strcat(f->steps, ";");
}

static int store(struct fixture *f, const struct nx_bootctrl *bc, const struct nx_bootctrl_io *io,
		 struct nx_fmt_err *e)
{
	f->steps[0] = '\0';
	faulty.writes = faulty.fsyncs = 0;
	return nx_bootctrl_store(f->state_fd, bc, io, note_step, f, e);
}

static int exists(struct fixture *f, const char *name)
{
	struct stat sb;

	return fstatat(f->state_fd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0;
}

static void loads(struct fixture *f, const struct nx_bootctrl *want)
{
	struct nx_bootctrl bc;
	struct nx_fmt_err e = {0};

	assert_int_equal(nx_bootctrl_load(f->state_fd, &bc, &e), 0);
	assert_memory_equal(&bc, want, sizeof(bc));
}

static void test_bootctrl_store_writes_the_record(void **state)
{
	struct fixture *f = *state;
	struct nx_bootctrl bc = on_trial();
	struct nx_fmt_err e = {0};

	assert_int_equal(store(f, &bc, &nx_bootctrl_io_host, &e), 0);
	assert_string_equal(f->steps, "temp;renamed;");
	loads(f, &bc);
	assert_false(exists(f, NX_STATE_BOOTCTRL_TMP));
}

static void test_bootctrl_store_loops_over_short_writes(void **state)
{
	struct fixture *f = *state;
	struct nx_bootctrl bc = on_trial();
	struct nx_fmt_err e = {0};

	faulty.short_writes = 1;
	assert_int_equal(store(f, &bc, &io_faulty, &e), 0);
	assert_true(faulty.writes > 1);
	loads(f, &bc);
}

/*
 * A store of a new record over an old one, failing at `fault`: refused
 * as NX_FMT_EIO naming `step`, the callback told `steps`, no temp file
 * left, and the record on disk the old one (or, once renamed, the new).
 */
static void store_fails(struct fixture *f, enum fault fault, const char *step, const char *steps,
			int renamed)
{
	struct nx_bootctrl old = record(1, 0, 1, 0, 0, 0, ""), new = on_trial();
	struct nx_fmt_err e = {0};
	char want[64];

	assert_int_equal(store(f, &old, &nx_bootctrl_io_host, &e), 0);
	faulty.fault = fault;
	assert_int_equal(store(f, &new, &io_faulty, &e), NX_FMT_EIO);
	snprintf(want, sizeof(want), "%s: %s: ", NX_STATE_BOOTCTRL, step);
	if (strncmp(e.msg, want, strlen(want)) != 0)
		fail_msg("message '%s' does not name the step '%s'", e.msg, step);
	assert_string_equal(f->steps, steps);
	assert_false(exists(f, NX_STATE_BOOTCTRL_TMP));
	loads(f, renamed ? &new : &old);
}

static void test_bootctrl_store_open_fails(void **state)
{
	store_fails(*state, FAULT_OPEN, "create", "", 0);
}

static void test_bootctrl_store_write_fails(void **state)
{
	store_fails(*state, FAULT_WRITE, "write", "", 0);
}

static void test_bootctrl_store_short_write_then_failure(void **state)
{
	store_fails(*state, FAULT_SHORT_WRITE, "write", "", 0);
	assert_int_equal(faulty.writes, 2);
}

static void test_bootctrl_store_fsync_fails(void **state)
{
	store_fails(*state, FAULT_FSYNC, "fsync", "", 0);
}

static void test_bootctrl_store_rename_fails(void **state)
{
	store_fails(*state, FAULT_RENAME, "rename", "temp;", 0);
}

/* Documented: the new record is in place, its durability in doubt. */
static void test_bootctrl_store_dir_fsync_fails(void **state)
{
	store_fails(*state, FAULT_DIR_FSYNC, "fsync of the state directory", "temp;renamed;", 1);
}

static void test_bootctrl_store_replaces_a_stale_temp_file(void **state)
{
	struct fixture *f = *state;
	struct nx_bootctrl bc = on_trial();
	struct nx_fmt_err e = {0};
	int fd = openat(f->state_fd, NX_STATE_BOOTCTRL_TMP, O_WRONLY | O_CREAT, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "junk", 4), 4);
	close(fd);
	assert_int_equal(store(f, &bc, &nx_bootctrl_io_host, &e), 0);
	loads(f, &bc);
	assert_false(exists(f, NX_STATE_BOOTCTRL_TMP));
}

static void test_bootctrl_store_refuses_an_invalid_record(void **state)
{
	struct fixture *f = *state;
	struct nx_bootctrl bc = record(1, 0, 0, 0, 0, 0, "");
	struct nx_fmt_err e = {0};

	assert_int_equal(store(f, &bc, &nx_bootctrl_io_host, &e), NX_FMT_EBOOTCTRL_RANGE);
	assert_false(exists(f, NX_STATE_BOOTCTRL));
	assert_false(exists(f, NX_STATE_BOOTCTRL_TMP));
}

static void test_bootctrl_load_missing(void **state)
{
	struct fixture *f = *state;
	struct nx_bootctrl bc;
	struct nx_fmt_err e = {0};

	assert_int_equal(nx_bootctrl_load(f->state_fd, &bc, &e), NX_BOOTCTRL_MISSING);
}

static void load_refused(struct fixture *f, int code, const char *what)
{
	struct nx_bootctrl bc;
	struct nx_fmt_err e = {0};

	assert_int_equal(nx_bootctrl_load(f->state_fd, &bc, &e), code);
	if (strstr(e.msg, what) == NULL)
		fail_msg("message '%s' does not name '%s'", e.msg, what);
}

static void test_bootctrl_load_refuses_a_symlink(void **state)
{
	struct fixture *f = *state;
	struct nx_bootctrl bc = on_trial();
	struct nx_fmt_err e = {0};

	/* A valid record behind the link: never read through it. */
	assert_int_equal(store(f, &bc, &nx_bootctrl_io_host, &e), 0);
	assert_int_equal(renameat(f->state_fd, NX_STATE_BOOTCTRL, f->state_fd, "real"), 0);
	assert_int_equal(symlinkat("real", f->state_fd, NX_STATE_BOOTCTRL), 0);
	load_refused(f, NX_FMT_EIO, "symbolic link");
}

static void test_bootctrl_load_refuses_a_directory(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(mkdirat(f->state_fd, NX_STATE_BOOTCTRL, 0700), 0);
	load_refused(f, NX_FMT_EIO, "not a regular file");
}

static void test_bootctrl_load_refuses_a_fifo(void **state)
{
	struct fixture *f = *state;

	/* Opened without blocking, then refused: a FIFO never hangs the reader. */
	assert_int_equal(mkfifoat(f->state_fd, NX_STATE_BOOTCTRL, 0600), 0);
	load_refused(f, NX_FMT_EIO, "not a regular file");
}

/* A file of len bytes: a valid record's, then zeros. */
static void write_record_file(struct fixture *f, size_t len)
{
	struct nx_bootctrl bc = on_trial();
	uint8_t buf[2 * NX_BOOTCTRL_SIZE] = {0};
	int fd = openat(f->state_fd, NX_STATE_BOOTCTRL, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0 && len <= sizeof(buf));
	encode(&bc, buf);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	close(fd);
}

static void test_bootctrl_load_refuses_wrong_sizes(void **state)
{
	struct fixture *f = *state;

	write_record_file(f, NX_BOOTCTRL_SIZE - 1);
	load_refused(f, NX_FMT_EBOOTCTRL_SIZE, "83 bytes");
	write_record_file(f, 0);
	load_refused(f, NX_FMT_EBOOTCTRL_SIZE, "0 bytes");
	/* Read one byte past a record, never more: any longer file is "85 bytes". */
	write_record_file(f, 2 * NX_BOOTCTRL_SIZE);
	load_refused(f, NX_FMT_EBOOTCTRL_SIZE, "85 bytes");
}

#define T(fn) cmocka_unit_test(fn)
#define TF(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_bootctrl_round_trip),
	    T(test_bootctrl_bytes_follow_the_documented_layout),
	    T(test_bootctrl_default_is_slot_a_committed),
	    T(test_bootctrl_refuses_bad_magic),
	    T(test_bootctrl_refuses_bad_crc),
	    T(test_bootctrl_refuses_unknown_version),
	    T(test_bootctrl_tries_limit),
	    T(test_bootctrl_priority_limit),
	    T(test_bootctrl_refuses_successful_flag_2),
	    T(test_bootctrl_refuses_truncated),
	    T(test_bootctrl_refuses_too_long),
	    T(test_bootctrl_refuses_reserved_bytes),
	    T(test_bootctrl_refuses_floor_not_terminated),
	    T(test_bootctrl_refuses_floor_not_semver),
	    T(test_bootctrl_refuses_no_committed_slot),
	    T(test_bootctrl_refuses_both_pending),
	    T(test_bootctrl_refuses_equal_priorities),
	    T(test_bootctrl_refuses_unbootable_slot_with_state),
	    T(test_bootctrl_refuses_committed_slot_with_tries),
	    T(test_bootctrl_encode_refuses_invalid_record),
	    T(test_bootctrl_boot_spends_tries_then_rolls_back),
	    T(test_bootctrl_boot_without_trial_changes_nothing),
	    T(test_bootctrl_switch_puts_the_slot_on_trial),
	    T(test_bootctrl_switch_refusals),
	    T(test_bootctrl_commit_raises_the_floor),
	    T(test_bootctrl_commit_refusals),
	    T(test_bootctrl_invalidate),
	    T(test_bootctrl_rebuild_puts_the_newer_set_on_trial),
	    T(test_bootctrl_rebuild_tie_goes_to_slot_a),
	    T(test_bootctrl_rebuild_with_one_set),
	    T(test_bootctrl_rebuild_without_sets_is_the_default),
	    TF(test_bootctrl_store_writes_the_record),
	    TF(test_bootctrl_store_loops_over_short_writes),
	    TF(test_bootctrl_store_open_fails),
	    TF(test_bootctrl_store_write_fails),
	    TF(test_bootctrl_store_short_write_then_failure),
	    TF(test_bootctrl_store_fsync_fails),
	    TF(test_bootctrl_store_rename_fails),
	    TF(test_bootctrl_store_dir_fsync_fails),
	    TF(test_bootctrl_store_replaces_a_stale_temp_file),
	    TF(test_bootctrl_store_refuses_an_invalid_record),
	    TF(test_bootctrl_load_missing),
	    TF(test_bootctrl_load_refuses_a_symlink),
	    TF(test_bootctrl_load_refuses_a_directory),
	    TF(test_bootctrl_load_refuses_a_fifo),
	    TF(test_bootctrl_load_refuses_wrong_sizes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

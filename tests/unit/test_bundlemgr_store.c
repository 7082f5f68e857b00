/*
 * The installed-bundle store (daemons/bundlemgrd/bm_store.c): commits are
 * atomic under a failure at every step, removals leave nothing, leftovers
 * of an interrupted install are cleaned at open.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nexus/state.h"
#include "nexus/svc_bundle.h"
#include "bm_faulty_io.h"
#include "bstore.h"

static const uint8_t manifest[] = "manifest bytes";
static const uint8_t sig[] = "sig bytes";
static const uint8_t payload[] = "\177ELF payload bytes";

static const struct bstore_member members[BSTORE_MEMBERS] = {
    {NX_BUNDLE_MANIFEST, manifest, sizeof(manifest)},
    {NX_BUNDLE_SIG, sig, sizeof(sig)},
    {NX_BUNDLE_PAYLOAD, payload, sizeof(payload)},
};

struct fixture {
	char dir[64];
	int state_fd;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	strcpy(f->dir, "/tmp/test_bm_store.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->state_fd = open(f->dir, O_RDONLY | O_DIRECTORY);
	assert_true(f->state_fd >= 0);
	bm_faulty = (struct bm_faulty){.err = EIO, .short_writes = 1};
	*state = f;
	return 0;
}

static int count_entries(int state_fd, const char *sub)
{
	int fd = openat(state_fd, sub, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	DIR *d = fdopendir(fd);
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
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

static void read_back(int state_fd, const char *path, const uint8_t *want, size_t len)
{
	uint8_t buf[64];
	int fd = openat(state_fd, path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, buf, sizeof(buf)), len);
	assert_memory_equal(buf, want, len);
	close(fd);
}

static void test_bm_store_commit_writes_members(void **state)
{
	struct fixture *f = *state;
	struct bstore st;
	char msg[256];

	assert_int_equal(bstore_open(&st, f->state_fd, NX_STATE_SLOT_A, NX_BUNDLE_STAGING_DIR,
				     &bm_io_faulty, NULL, NULL),
			 0);
	assert_int_equal(bstore_commit(&st, "demo.hello", "1.0.0", members, msg, sizeof(msg)), 0);
	read_back(f->state_fd, "slot-a/demo.hello@1.0.0/manifest.nxb", manifest, sizeof(manifest));
	read_back(f->state_fd, "slot-a/demo.hello@1.0.0/manifest.sig", sig, sizeof(sig));
	read_back(f->state_fd, "slot-a/demo.hello@1.0.0/payload.elf", payload, sizeof(payload));
	assert_int_equal(count_entries(f->state_fd, NX_BUNDLE_STAGING_DIR), 0);
	bstore_close(&st);
}

/* Fail each host call of a commit in turn: every failure leaves nothing. */
static void test_bm_store_commit_failure_leaves_nothing(void **state)
{
	struct fixture *f = *state;
	struct bstore st;
	char msg[256];
	int total;

	assert_int_equal(bstore_open(&st, f->state_fd, NX_STATE_SLOT_A, NX_BUNDLE_STAGING_DIR,
				     &bm_io_faulty, NULL, NULL),
			 0);
	bm_faulty.calls = 0;
	bm_faulty.fail_at = 0;
	assert_int_equal(bstore_commit(&st, "a", "1.0.0", members, msg, sizeof(msg)), 0);
	total = bm_faulty.calls;
	assert_int_equal(bstore_remove(&st, "a@1.0.0"), 0);
	/* mkdir, 3 x (open, >= 2 writes, fsync), fsync dir, rename, fsync slot. */
	assert_true(total >= 1 + 3 * 4 + 3);
	for (int k = 1; k <= total; k++) {
		bm_faulty.calls = 0;
		bm_faulty.fail_at = k;
		assert_int_equal(bstore_commit(&st, "a", "1.0.0", members, msg, sizeof(msg)), -EIO);
		assert_non_null(strstr(msg, "a@1.0.0"));
		assert_int_equal(count_entries(f->state_fd, NX_STATE_SLOT_A), 0);
		assert_int_equal(count_entries(f->state_fd, NX_BUNDLE_STAGING_DIR), 0);
	}
	/* One past the last call: nothing fails, the bundle is there. */
	bm_faulty.calls = 0;
	bm_faulty.fail_at = total + 1;
	assert_int_equal(bstore_commit(&st, "a", "1.0.0", members, msg, sizeof(msg)), 0);
	assert_int_equal(count_entries(f->state_fd, NX_STATE_SLOT_A), 1);
	bstore_close(&st);
}

static void test_bm_store_commit_never_replaces(void **state)
{
	struct fixture *f = *state;
	struct bstore st;
	char msg[256];

	assert_int_equal(bstore_open(&st, f->state_fd, NX_STATE_SLOT_A, NX_BUNDLE_STAGING_DIR,
				     &bstore_io_host, NULL, NULL),
			 0);
	assert_int_equal(bstore_commit(&st, "a", "1.0.0", members, msg, sizeof(msg)), 0);
	assert_int_equal(bstore_commit(&st, "a", "1.0.0", members, msg, sizeof(msg)), -EEXIST);
	assert_int_equal(count_entries(f->state_fd, NX_STATE_SLOT_A), 1);
	assert_int_equal(count_entries(f->state_fd, NX_BUNDLE_STAGING_DIR), 0);
	bstore_close(&st);
}

static void test_bm_store_open_cleans_interrupted_install(void **state)
{
	struct fixture *f = *state;
	struct bstore st;

	assert_int_equal(mkdirat(f->state_fd, "staging", 0700), 0);
	assert_int_equal(mkdirat(f->state_fd, "staging/x@1.0.0.99", 0700), 0);
	int fd = openat(f->state_fd, "staging/x@1.0.0.99/payload.elf", O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(bstore_open(&st, f->state_fd, NX_STATE_SLOT_A, NX_BUNDLE_STAGING_DIR,
				     &bstore_io_host, NULL, NULL),
			 0);
	assert_int_equal(count_entries(f->state_fd, NX_BUNDLE_STAGING_DIR), 0);
	bstore_close(&st);
}

static int collect(void *arg, const char *name, const char *version)
{
	char *out = arg;
	strcat(out, name);
	strcat(out, "@");
	strcat(out, version);
	strcat(out, ";");
	return 0;
}

static void test_bm_store_each_filters_by_name(void **state)
{
	struct fixture *f = *state;
	struct bstore st;
	char msg[256], seen[256] = "";

	assert_int_equal(bstore_open(&st, f->state_fd, NX_STATE_SLOT_A, NX_BUNDLE_STAGING_DIR,
				     &bstore_io_host, NULL, NULL),
			 0);
	assert_int_equal(bstore_commit(&st, "a", "1.0.0", members, msg, sizeof(msg)), 0);
	assert_int_equal(bstore_commit(&st, "b", "2.0.0", members, msg, sizeof(msg)), 0);
	assert_int_equal(bstore_each(&st, "b", collect, seen), 0);
	assert_string_equal(seen, "b@2.0.0;");
	seen[0] = '\0';
	assert_int_equal(bstore_remove(&st, "b@2.0.0"), 0);
	assert_int_equal(bstore_each(&st, NULL, collect, seen), 0);
	assert_string_equal(seen, "a@1.0.0;");
	assert_int_equal(count_entries(f->state_fd, NX_BUNDLE_STAGING_DIR), 0);
	bstore_close(&st);
}

static int count_cb(void *arg, const char *name, const char *version)
{
	(void)name;
	(void)version;
	(*(int *)arg)++;
	return 0;
}

static void test_bm_store_each_installed_limit(void **state)
{
	struct fixture *f = *state;
	struct bstore st;
	char path[64];
	int n = 0;

	assert_int_equal(bstore_open(&st, f->state_fd, NX_STATE_SLOT_A, NX_BUNDLE_STAGING_DIR,
				     &bstore_io_host, NULL, NULL),
			 0);
	for (int i = 0; i < NX_BUNDLE_INSTALLED_MAX; i++) {
		snprintf(path, sizeof(path), "slot-a/p%d@1.0.0", i);
		assert_int_equal(mkdirat(f->state_fd, path, 0700), 0);
	}
	assert_int_equal(bstore_each(&st, NULL, count_cb, &n), 0);
	assert_int_equal(n, NX_BUNDLE_INSTALLED_MAX);
	assert_int_equal(mkdirat(f->state_fd, "slot-a/over@1.0.0", 0700), 0);
	n = 0;
	assert_int_equal(bstore_each(&st, NULL, count_cb, &n), -E2BIG);
	bstore_close(&st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_bm_store_commit_writes_members, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bm_store_commit_failure_leaves_nothing, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_bm_store_commit_never_replaces, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bm_store_open_cleans_interrupted_install, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_bm_store_each_filters_by_name, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bm_store_each_installed_limit, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

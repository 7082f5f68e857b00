/*
 * packagefsd's file service (daemons/packagefsd/pkgfs.c) over a real slot
 * directory: alias resolution picks the newest semver, opens stay beneath
 * the slot, copies handed out are sealed.
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
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pkgfs.h"
#include "nexus/err.h"
#include "nexus/svc_bundle.h"

struct fixture {
	char dir[64];
	int slot_fd;
};

static void put(int slot_fd, const char *path, const char *text)
{
	int fd = openat(slot_fd, path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), strlen(text));
	close(fd);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	strcpy(f->dir, "/tmp/test_pkgfs.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	f->slot_fd = open(f->dir, O_RDONLY | O_DIRECTORY);
	assert_true(f->slot_fd >= 0);
	const char *versions[] = {"demo@1.9.0", "demo@1.10.0", "demo@2.0.0-rc.1", "other@3.0.0"};
	for (size_t i = 0; i < 4; i++) {
		char path[64];
		assert_int_equal(mkdirat(f->slot_fd, versions[i], 0700), 0);
		snprintf(path, sizeof(path), "%s/payload.elf", versions[i]);
		put(f->slot_fd, path, versions[i]);
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	close(f->slot_fd);
	free(f);
	return 0;
}

static void test_pkgfs_resolve_picks_newest_semver(void **state)
{
	struct fixture *f = *state;
	char out[NX_PATH_MAX], msg[256];

	/* 1.10.0 > 1.9.0 numerically; 2.0.0-rc.1 is a prerelease of 2.0.0 but above 1.10.0. */
	assert_int_equal(pkgfs_resolve(f->slot_fd, "demo", out, msg, sizeof(msg)), 0);
	assert_string_equal(out, "demo@2.0.0-rc.1");
	assert_int_equal(pkgfs_resolve(f->slot_fd, "other", out, msg, sizeof(msg)), 0);
	assert_string_equal(out, "other@3.0.0");
}

static void test_pkgfs_resolve_refuses_unknown_and_bad_names(void **state)
{
	struct fixture *f = *state;
	char out[NX_PATH_MAX], msg[256];

	assert_int_equal(pkgfs_resolve(f->slot_fd, "absent", out, msg, sizeof(msg)), -NX_ESRCH);
	assert_non_null(strstr(msg, "pkg:/absent"));
	assert_int_equal(pkgfs_resolve(f->slot_fd, "..", out, msg, sizeof(msg)), -NX_EINVAL);
	assert_int_equal(pkgfs_resolve(f->slot_fd, "a/b", out, msg, sizeof(msg)), -NX_EINVAL);
}

static int open_path(struct fixture *f, const char *path, uint64_t *size, char *msg)
{
	return pkgfs_open(f->slot_fd, path, strlen(path), size, msg, 256);
}

static void test_pkgfs_open_reads_the_named_version(void **state)
{
	struct fixture *f = *state;
	char msg[256], buf[32] = {0};
	uint64_t size = 0;

	int fd = open_path(f, "/packages/demo@1.9.0/payload.elf", &size, msg);
	assert_true(fd >= 0);
	assert_int_equal(size, strlen("demo@1.9.0"));
	assert_int_equal(read(fd, buf, sizeof(buf)), size);
	assert_string_equal(buf, "demo@1.9.0");
	close(fd);
}

static void test_pkgfs_open_refuses_alias_and_bad_paths(void **state)
{
	struct fixture *f = *state;
	char msg[256];
	uint64_t size;

	assert_int_equal(open_path(f, "pkg:/demo/payload.elf", &size, msg), -NX_EINVAL);
	assert_int_equal(open_path(f, "/packages/demo@1.9.0/../x", &size, msg), -NX_EINVAL);
	assert_int_equal(open_path(f, "/packages/demo@9.9.9/payload.elf", &size, msg), -NX_ESRCH);
	assert_int_equal(open_path(f, "/packages/demo@1.9.0/absent", &size, msg), -NX_ESRCH);
}

static void test_pkgfs_open_refuses_symlink_and_directory(void **state)
{
	struct fixture *f = *state;
	char msg[256];
	uint64_t size;

	assert_int_equal(symlinkat("/etc/passwd", f->slot_fd, "demo@1.9.0/link"), 0);
	assert_int_equal(open_path(f, "/packages/demo@1.9.0/link", &size, msg), -NX_ESRCH);
	assert_int_equal(mkdirat(f->slot_fd, "demo@1.9.0/sub", 0700), 0);
	assert_int_equal(open_path(f, "/packages/demo@1.9.0/sub", &size, msg), -NX_ESRCH);
	assert_non_null(strstr(msg, "not a regular file"));
	/* A symlinked package directory is not followed either. */
	assert_int_equal(symlinkat("/etc", f->slot_fd, "evil@1.0.0"), 0);
	assert_int_equal(open_path(f, "/packages/evil@1.0.0/passwd", &size, msg), -NX_ESRCH);
}

static void test_pkgfs_sealed_copy_is_sealed(void **state)
{
	struct fixture *f = *state;
	char msg[256], buf[32] = {0};
	uint64_t size = 0;

	int fd = open_path(f, "/packages/other@3.0.0/payload.elf", &size, msg);
	assert_true(fd >= 0);
	int mfd = pkgfs_sealed_copy(fd, size);
	close(fd);
	assert_true(mfd >= 0);
	assert_int_equal(fcntl(mfd, F_GET_SEALS), NX_BUNDLE_SEALS);
	assert_int_equal(pread(mfd, buf, sizeof(buf), 0), size);
	assert_string_equal(buf, "other@3.0.0");
	assert_int_equal(pwrite(mfd, "x", 1, 0), -1);
	assert_int_equal(ftruncate(mfd, 1), -1);
	assert_ptr_equal(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0), MAP_FAILED);
	close(mfd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_pkgfs_resolve_picks_newest_semver, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_pkgfs_resolve_refuses_unknown_and_bad_names, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_pkgfs_open_reads_the_named_version, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_pkgfs_open_refuses_alias_and_bad_paths, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_pkgfs_open_refuses_symlink_and_directory, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_pkgfs_sealed_copy_is_sealed, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * The fuzz targets' oracle: a broken invariant is a bug even when nothing
 * crashed, so it aborts, and libFuzzer keeps the input as a crash artifact.
 * The message names the invariant so the artifact explains itself.
 */
#ifndef NEXUS_TESTS_FUZZ_CHECK_H
#define NEXUS_TESTS_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define FUZZ_CHECK(cond, what)                                                                     \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz oracle: %s:%d: %s\n", __FILE__, __LINE__, what);     \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

/* The lowest free fd number: what the next open would get. */
static inline int fuzz_lowest_fd(int any_fd)
{
	int fd = dup(any_fd);

	FUZZ_CHECK(fd >= 0, "dup failed");
	close(fd);
	return fd;
}

/*
 * Every fd a run opened is closed again: the lowest free number is back
 * where it was. On a leak, name what the leaked fd points at.
 */
static inline void fuzz_check_no_fd_leak(int any_fd, int lowest_free)
{
	int now = fuzz_lowest_fd(any_fd);
	char path[64], what[256];
	ssize_t n;

	if (now == lowest_free)
		return;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", lowest_free);
	n = readlink(path, what, sizeof(what) - 1);
	what[n > 0 ? n : 0] = 0;
	fprintf(stderr, "fuzz oracle: fd %d left open: %s\n", lowest_free, what);
	FUZZ_CHECK(0, "an fd leaked");
}

#endif

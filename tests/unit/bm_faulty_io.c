/* A bm_io whose Nth call fails: see bm_faulty_io.h. */
#include <errno.h>

#include "bm_faulty_io.h"

struct bm_faulty bm_faulty;

static int faulty(void)
{
	if (++bm_faulty.calls == bm_faulty.fail_at) {
		errno = bm_faulty.err;
		return 1;
	}
	return 0;
}

static int f_mkdirat(int d, const char *p, mode_t m)
{
	return faulty() ? -1 : bstore_io_host.mkdirat(d, p, m);
}

static int f_openat(int d, const char *p, int fl, mode_t m)
{
	return faulty() ? -1 : bstore_io_host.openat(d, p, fl, m);
}

static ssize_t f_write(int fd, const void *b, size_t n)
{
	if (faulty())
		return -1;
	return bstore_io_host.write(fd, b, bm_faulty.short_writes && n > 1 ? n / 2 : n);
}

static int f_fsync(int fd)
{
	return faulty() ? -1 : bstore_io_host.fsync(fd);
}

static int f_rename(int a, const char *p, int b, const char *q)
{
	return faulty() ? -1 : bstore_io_host.rename(a, p, b, q);
}

const struct bstore_io bm_io_faulty = {f_mkdirat, f_openat, f_write, f_fsync, f_rename};

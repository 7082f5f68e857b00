/*
 * Fault injection for bundlemgrd's store: an io table whose fail_at-th
 * call (counting from 1 after calls was reset) fails with errno = err.
 * With short_writes set, every write that does not fail writes half of
 * what it was asked, so the store must loop.
 */
#ifndef NEXUS_TESTS_BM_FAULTY_IO_H
#define NEXUS_TESTS_BM_FAULTY_IO_H

#include "bstore.h"

struct bm_faulty {
	int calls, fail_at, err, short_writes;
};

extern struct bm_faulty bm_faulty;
extern const struct bstore_io bm_io_faulty;

#endif

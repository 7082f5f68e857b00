/*
 * A kernel caller: how code shared by the daemons and the test harness
 * makes kernel calls without knowing the transport. execd's is a frame on
 * its kernel socket (libnxd's nxd_kcall), the harness's a direct call into
 * the in-process kernel; both reach the same syscall table.
 *
 * call(): input pointer arguments are offsets into `in`, output pointer
 * arguments offsets into `out` (struct nx_kcall, nexus/frame.h). `fd_in`
 * (or -1) stays the caller's: the transport sends a copy. `*fd_out` is
 * set to -1 or an fd the caller now owns. Returns the call's result:
 * >= 0, or -NX_E*.
 */
#ifndef NEXUS_DAEMONS_KCALL_H
#define NEXUS_DAEMONS_KCALL_H

#include <stddef.h>
#include <stdint.h>

struct nx_kcaller {
	void *ctx;
	long (*call)(void *ctx, unsigned nr, const uint64_t a[6], const void *in, size_t inlen,
		     void *out, size_t outcap, int fd_in, int *fd_out);
};

#endif

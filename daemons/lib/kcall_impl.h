/* libnxd internal: a kernel call through a loop connection (or a bare socket if c is NULL). */
#ifndef NXD_KCALL_IMPL_H
#define NXD_KCALL_IMPL_H

#include <stddef.h>
#include <stdint.h>

struct nxd_conn;

long nxd_kcall_conn(struct nxd_conn *c, int sock, unsigned nr, const uint64_t a[6], const void *in,
		    size_t inlen, void *out, size_t outcap, int fd_in, int *fd_out);

#endif

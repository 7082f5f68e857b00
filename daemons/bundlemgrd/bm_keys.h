/* bundlemgrd's signature checks, made by keystored. */
#ifndef NEXUS_BM_KEYS_H
#define NEXUS_BM_KEYS_H

#include <stddef.h>

#include "sig.h"

/* A bm_sigcheck.verify through keystored: ctx is its struct nxd_peer. */
int bm_keys_verify(void *ctx, const struct nx_sig *sig, const void *msg, size_t len, char *why,
		   size_t cap);

#endif

/* A bundle directory verified into memory and a sealed payload memfd. */
#ifndef NEXUS_BM_VERIFY_H
#define NEXUS_BM_VERIFY_H

#include "nxb.h"
#include "bm.h"

struct bm_verified {
	struct nx_nxb nxb; /* manifest bytes, signature, decoded manifest */
	int payload_fd;	   /* memfd of the verified payload, sealed (NX_BUNDLE_SEALS) */
};

/*
 * Verify dirfd in order: members and caps, signature through sc, manifest,
 * payload size and SHA-256 while copying it into a sealed memfd. On a
 * refusal v is closed and msg names `label` and the problem.
 */
__attribute__((warn_unused_result)) int bm_verify(const struct bm_sigcheck *sc, int dirfd,
						  const char *label, struct bm_verified *v,
						  char *msg, size_t cap);
void bm_verified_close(struct bm_verified *v);

#endif

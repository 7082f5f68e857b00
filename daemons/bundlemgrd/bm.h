/*
 * bundlemgrd's operations, free of IPC so tests drive them directly:
 * install/upgrade, uninstall, list, and the verified payload. Each
 * returns 0 (or a count) or -NX_E* with a one-line message naming the
 * bundle and the problem (nexus/svc_bundle.h lists the codes).
 */
#ifndef NEXUS_BM_H
#define NEXUS_BM_H

#include <stddef.h>

#include "nexus/svc_bundle.h"
#include "sig.h"
#include "bstore.h"

/* Who checks signatures: keystored in the daemon, a local trust set in tests. */
struct bm_sigcheck {
	void *ctx;
	/* 0 when sig holds over msg under a trusted key; else -NX_E* and a reason. */
	int (*verify)(void *ctx, const struct nx_sig *sig, const void *msg, size_t len, char *why,
		      size_t cap);
};

struct bm {
	struct bstore store;
	struct bm_sigcheck sig;
};

#define BM_ID_MAX BSTORE_DIRNAME_MAX /* bytes of "name@version" with its NUL */

/*
 * Verify the bundle directory `dirfd` (label names it in messages) and
 * commit it to the slot; an upgrade removes the older versions after the
 * commit. `id` receives "name@version".
 */
__attribute__((warn_unused_result)) int bm_install(struct bm *bm, int dirfd, const char *label,
						   char id[BM_ID_MAX], char *msg, size_t cap);

/* Remove every installed version of name; returns how many. */
__attribute__((warn_unused_result)) int bm_uninstall(struct bm *bm, const char *name, char *msg,
						     size_t cap);

/* "name@version\n" per installed bundle, sorted, into buf; returns the count. */
__attribute__((warn_unused_result)) int bm_list(struct bm *bm, char *buf, size_t cap, size_t *len,
						char *msg, size_t cap_msg);

/*
 * Re-verify the newest installed version of name; returns a memfd (the
 * caller's) holding its payload, sealed with NX_BUNDLE_SEALS, with *size
 * its bytes, *info the capabilities and payload kind its manifest gives
 * and id its "name@version"; or -NX_E*.
 */
__attribute__((warn_unused_result)) int bm_get_payload(struct bm *bm, const char *name,
						       char id[BM_ID_MAX], uint64_t *size,
						       struct nx_bundle_payload *info, char *msg,
						       size_t cap);

#endif

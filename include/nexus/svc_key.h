/*
 * keystored: the trusted public keys and signature verification.
 *
 * NX_KEY_VERIFY  body: struct nx_key_verify, then the signed message
 *                (msg_len bytes) when it fits the frame; a bigger message
 *                travels as a sealed memfd of exactly msg_len bytes and
 *                the body stops after the struct.
 *                reply: arg 0 = the signature holds under a trusted key;
 *                arg -NX_ESRCH = no trusted key has that id; arg -NX_EPERM
 *                = the signature does not verify; -NX_EINVAL = a malformed
 *                request; body = a one-line reason (nexus/svc.h).
 * NX_KEY_LIST    body empty. reply: arg = number of keys, body = each key
 *                id (NX_KEY_ID_CHARS hex characters) followed by '\n'.
 *
 * The key id is what formats/sig.h computes: the first 8 bytes of
 * SHA-256(public key), in lower-case hex.
 */
#ifndef NEXUS_SVC_KEY_H
#define NEXUS_SVC_KEY_H

#include <stddef.h>
#include <stdint.h>

#include "nexus/frame.h"

#define NX_SVC_KEYSTORED "keystored"

#define NX_KEY_VERIFY 0x0601
#define NX_KEY_LIST 0x0602

#define NX_KEY_ID_CHARS 16    /* hex characters of a key id */
#define NX_KEY_SIG_BYTES 64   /* an Ed25519 detached signature */
#define NX_KEY_FILE_MAX 4096  /* bytes of one public key file in the trust directory */
#define NX_KEY_TRUSTED_MAX 64 /* keys keystored holds; more files in the directory is an error */
#define NX_KEY_MSG_MAX                                                                             \
	(1U << 20) /* bytes of a signed message keystored verifies (>= manifest cap) */

struct nx_key_verify {
	char key_id[NX_KEY_ID_CHARS];  /* hex, not NUL-terminated */
	uint8_t sig[NX_KEY_SIG_BYTES]; /* Ed25519 over the message bytes */
	uint64_t msg_len;	       /* bytes of the message */
};

_Static_assert(sizeof(struct nx_key_verify) == 88, "nx_key_verify size");
_Static_assert(offsetof(struct nx_key_verify, key_id) == 0, "nx_key_verify.key_id");
_Static_assert(offsetof(struct nx_key_verify, sig) == 16, "nx_key_verify.sig");
_Static_assert(offsetof(struct nx_key_verify, msg_len) == 80, "nx_key_verify.msg_len");

_Static_assert(NX_KEY_MSG_MAX >= NX_MANIFEST_MAX, "keystored verifies any manifest");

/* Largest message that travels inside the frame body. */
#define NX_KEY_INLINE_MAX (NX_FRAME_BODY_MAX - sizeof(struct nx_key_verify))

#endif

/*
 * Ed25519 signatures (libsodium), manifest.sig and the trust set; the
 * key-file text format is keyfile.h.
 *
 * Key id: the first NX_SIG_KEYID_LEN bytes of SHA-256(public key), shown as
 * NX_KEY_ID_CHARS lower-case hex characters.
 *
 * Key files (text, exactly four lines, each ending in "\n"):
 *   nexus-sim ed25519 public key          (or "... secret key")
 *   comment: <printable ASCII, at most NX_SIG_COMMENT_MAX-1 bytes>
 *   key-id: <16 hex>
 *   key: <64 hex public key>              (secret: 128 hex, seed || public key)
 * The key id line must match the key. manifest.sig is binary, exactly
 * NX_SIG_FILE_SIZE bytes: "Ed" || key id (8) || signature (64).
 *
 * Secret keys are wiped (sodium_memzero) by nx_seckey_wipe(); every parse
 * and verify result must be checked.
 */
#ifndef NEXUS_FORMATS_SIG_H
#define NEXUS_FORMATS_SIG_H

#include <stddef.h>
#include <stdint.h>

#include "fmt_err.h"
#include "nexus/svc_key.h"

#define NX_SIG_KEYID_LEN 8 /* bytes of a key id */
#define NX_SIG_PK_LEN 32   /* bytes of an Ed25519 public key */
#define NX_SIG_SK_LEN 64   /* bytes of a libsodium Ed25519 secret key (seed || pk) */
#define NX_SIG_LEN 64	   /* bytes of a detached signature */
#define NX_SIG_MAGIC "Ed"  /* first bytes of manifest.sig: the algorithm */
#define NX_SIG_MAGIC_LEN 2
#define NX_SIG_FILE_SIZE (NX_SIG_MAGIC_LEN + NX_SIG_KEYID_LEN + NX_SIG_LEN) /* 74 bytes */
#define NX_SIG_COMMENT_MAX 128		    /* bytes of a key file comment including the NUL */
#define NX_SIG_KEYFILE_MAX NX_KEY_FILE_MAX  /* bytes of a key file read from disk */
#define NX_SIG_TRUST_MAX NX_KEY_TRUSTED_MAX /* public keys in a trust set */
#define NX_SIG_PUB_HEADER "nexus-sim ed25519 public key"
#define NX_SIG_SEC_HEADER "nexus-sim ed25519 secret key"
#define NX_SIG_PUB_SUFFIX ".pub" /* trust directory entries loaded */

struct nx_pubkey {
	uint8_t id[NX_SIG_KEYID_LEN];
	uint8_t pk[NX_SIG_PK_LEN];
	char comment[NX_SIG_COMMENT_MAX];
};

struct nx_seckey {
	uint8_t id[NX_SIG_KEYID_LEN];
	uint8_t sk[NX_SIG_SK_LEN];
	char comment[NX_SIG_COMMENT_MAX];
};

/* manifest.sig decoded. */
struct nx_sig {
	uint8_t key_id[NX_SIG_KEYID_LEN];
	uint8_t sig[NX_SIG_LEN];
};

struct nx_trust {
	size_t n;
	struct nx_pubkey keys[NX_SIG_TRUST_MAX];
};

/* id = SHA-256(pk)[0..8). */
void nx_sig_key_id(const uint8_t pk[NX_SIG_PK_LEN], uint8_t id[NX_SIG_KEYID_LEN]);
/* hex: NX_KEY_ID_CHARS + 1 bytes. */
void nx_sig_key_id_hex(const uint8_t id[NX_SIG_KEYID_LEN], char hex[NX_KEY_ID_CHARS + 1]);
__attribute__((warn_unused_result)) int nx_sig_sign(const struct nx_seckey *sec, const void *msg,
						    size_t len, struct nx_sig *out);
/* Refuses a key-id mismatch (NX_FMT_EKEYID) before any crypto; NX_FMT_EBADSIG on failure. */
__attribute__((warn_unused_result)) int nx_sig_verify(const struct nx_pubkey *pub, const void *msg,
						      size_t len, const struct nx_sig *sig,
						      struct nx_fmt_err *e);

/* manifest.sig bytes <-> struct. */
__attribute__((warn_unused_result)) int nx_sig_parse(const void *buf, size_t len,
						     struct nx_sig *out, struct nx_fmt_err *e);
void nx_sig_format(const struct nx_sig *sig, uint8_t out[NX_SIG_FILE_SIZE]);

/* A trust set: public keys by id (host/trust_dir.c fills one from a directory). */
__attribute__((warn_unused_result)) int nx_trust_add(struct nx_trust *t, const struct nx_pubkey *k,
						     struct nx_fmt_err *e);
const struct nx_pubkey *nx_trust_find(const struct nx_trust *t, const uint8_t id[NX_SIG_KEYID_LEN]);
/* Looks the key up by the signature's key id, then verifies (NX_FMT_EUNTRUSTED if none). */
__attribute__((warn_unused_result)) int nx_trust_verify(const struct nx_trust *t, const void *msg,
							size_t len, const struct nx_sig *sig,
							struct nx_fmt_err *e);

#endif

/*
 * Ed25519 through libsodium: key ids, signing and verifying, the
 * manifest.sig file and trust sets. Key files are keyfile.c.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "fmt_fail.h"
#include "sig.h"

_Static_assert(NX_SIG_PK_LEN == crypto_sign_PUBLICKEYBYTES, "public key size");
_Static_assert(NX_SIG_SK_LEN == crypto_sign_SECRETKEYBYTES, "secret key size");
_Static_assert(NX_SIG_LEN == crypto_sign_BYTES, "signature size");
_Static_assert(NX_KEY_ID_CHARS == 2 * NX_SIG_KEYID_LEN, "key id hex size");

static int sodium_ready(void)
{
	return sodium_init() < 0 ? NX_FMT_EINVAL : 0;
}

void nx_sig_key_id(const uint8_t pk[NX_SIG_PK_LEN], uint8_t id[NX_SIG_KEYID_LEN])
{
	uint8_t h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, pk, NX_SIG_PK_LEN);
	memcpy(id, h, NX_SIG_KEYID_LEN);
}

void nx_sig_key_id_hex(const uint8_t id[NX_SIG_KEYID_LEN], char hex[NX_KEY_ID_CHARS + 1])
{
	sodium_bin2hex(hex, NX_KEY_ID_CHARS + 1, id, NX_SIG_KEYID_LEN);
}

int nx_sig_sign(const struct nx_seckey *sec, const void *msg, size_t len, struct nx_sig *out)
{
	if (sodium_ready())
		return NX_FMT_EINVAL;
	memcpy(out->key_id, sec->id, NX_SIG_KEYID_LEN);
	return crypto_sign_detached(out->sig, NULL, msg, len, sec->sk) ? NX_FMT_EINVAL : 0;
}

int nx_sig_verify(const struct nx_pubkey *pub, const void *msg, size_t len,
		  const struct nx_sig *sig, struct nx_fmt_err *e)
{
	char want[NX_KEY_ID_CHARS + 1], got[NX_KEY_ID_CHARS + 1];
	if (memcmp(sig->key_id, pub->id, NX_SIG_KEYID_LEN)) {
		nx_sig_key_id_hex(sig->key_id, got);
		nx_sig_key_id_hex(pub->id, want);
		return nx_fmt_fail(e, NX_FMT_EKEYID, "signed by key %s, verifying with key %s", got,
				   want);
	}
	if (sodium_ready())
		return nx_fmt_fail(e, NX_FMT_EINVAL, "libsodium failed to initialise");
	nx_sig_key_id_hex(pub->id, want);
	if (crypto_sign_verify_detached(sig->sig, msg, len, pub->pk))
		return nx_fmt_fail(e, NX_FMT_EBADSIG, "signature by key %s does not verify", want);
	return 0;
}

/* ---- manifest.sig ---- */

int nx_sig_parse(const void *buf, size_t len, struct nx_sig *out, struct nx_fmt_err *e)
{
	const uint8_t *p = buf;
	if (len != NX_SIG_FILE_SIZE)
		return nx_fmt_fail(e, NX_FMT_ESIGFILE, "signature file of %zu bytes, want %d", len,
				   NX_SIG_FILE_SIZE);
	if (memcmp(p, NX_SIG_MAGIC, NX_SIG_MAGIC_LEN))
		return nx_fmt_fail(e, NX_FMT_ESIGFILE, "signature file does not start with \"%s\"",
				   NX_SIG_MAGIC);
	memcpy(out->key_id, p + NX_SIG_MAGIC_LEN, NX_SIG_KEYID_LEN);
	memcpy(out->sig, p + NX_SIG_MAGIC_LEN + NX_SIG_KEYID_LEN, NX_SIG_LEN);
	return 0;
}

void nx_sig_format(const struct nx_sig *sig, uint8_t out[NX_SIG_FILE_SIZE])
{
	memcpy(out, NX_SIG_MAGIC, NX_SIG_MAGIC_LEN);
	memcpy(out + NX_SIG_MAGIC_LEN, sig->key_id, NX_SIG_KEYID_LEN);
	memcpy(out + NX_SIG_MAGIC_LEN + NX_SIG_KEYID_LEN, sig->sig, NX_SIG_LEN);
}

/* ---- trust sets ---- */

const struct nx_pubkey *nx_trust_find(const struct nx_trust *t, const uint8_t id[NX_SIG_KEYID_LEN])
{
	for (size_t i = 0; i < t->n; i++)
		if (!memcmp(t->keys[i].id, id, NX_SIG_KEYID_LEN))
			return &t->keys[i];
	return NULL;
}

int nx_trust_add(struct nx_trust *t, const struct nx_pubkey *k, struct nx_fmt_err *e)
{
	char hex[NX_KEY_ID_CHARS + 1];
	nx_sig_key_id_hex(k->id, hex);
	if (nx_trust_find(t, k->id))
		return nx_fmt_fail(e, NX_FMT_ETRUST, "key %s is trusted twice", hex);
	if (t->n == NX_SIG_TRUST_MAX)
		return nx_fmt_fail(e, NX_FMT_ETRUST, "more than %d trusted keys", NX_SIG_TRUST_MAX);
	t->keys[t->n++] = *k;
	return 0;
}

int nx_trust_verify(const struct nx_trust *t, const void *msg, size_t len, const struct nx_sig *sig,
		    struct nx_fmt_err *e)
{
	const struct nx_pubkey *k = nx_trust_find(t, sig->key_id);
	char hex[NX_KEY_ID_CHARS + 1];
	if (!k) {
		nx_sig_key_id_hex(sig->key_id, hex);
		return nx_fmt_fail(e, NX_FMT_EUNTRUSTED, "signed by key %s, which is not trusted",
				   hex);
	}
	return nx_sig_verify(k, msg, len, sig, e);
}

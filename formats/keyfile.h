/*
 * Key pairs and key files (the text format is described in sig.h):
 * generation, strict parsing and formatting, and loading one file
 * beneath a directory fd.
 */
#ifndef NEXUS_FORMATS_KEYFILE_H
#define NEXUS_FORMATS_KEYFILE_H

#include <stddef.h>

#include "sig.h"

__attribute__((warn_unused_result)) int nx_sig_key_id_parse(const char *hex, size_t len,
							    uint8_t id[NX_SIG_KEYID_LEN]);

/* A fresh key pair; comment is copied into both (printable ASCII). */
__attribute__((warn_unused_result)) int nx_sig_keygen(const char *comment, struct nx_pubkey *pub,
						      struct nx_seckey *sec, struct nx_fmt_err *e);
void nx_seckey_wipe(struct nx_seckey *sec);

/* Key files: text in sig.h's format. format() gives the byte count written. */
__attribute__((warn_unused_result)) int
nx_pubkey_parse(const char *text, size_t len, struct nx_pubkey *out, struct nx_fmt_err *e);
__attribute__((warn_unused_result)) int
nx_seckey_parse(const char *text, size_t len, struct nx_seckey *out, struct nx_fmt_err *e);
__attribute__((warn_unused_result)) int nx_pubkey_format(const struct nx_pubkey *k, char *buf,
							 size_t cap, size_t *len);
/* buf holds the secret afterwards: the caller wipes it. */
__attribute__((warn_unused_result)) int nx_seckey_format(const struct nx_seckey *k, char *buf,
							 size_t cap, size_t *len);
/* Reads a key file beneath dirfd (O_NOFOLLOW, regular, at most NX_SIG_KEYFILE_MAX). */
__attribute__((warn_unused_result)) int nx_pubkey_load(int dirfd, const char *name,
						       struct nx_pubkey *out, struct nx_fmt_err *e);
__attribute__((warn_unused_result)) int nx_seckey_load(int dirfd, const char *name,
						       struct nx_seckey *out, struct nx_fmt_err *e);

#endif

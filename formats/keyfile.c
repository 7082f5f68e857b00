/*
 * Key pairs and key files: generation, the strict text format (exact
 * lines, lower-case hex, the key id recomputed from the key: a key file
 * that parses two ways is a trust bug) and loading one file beneath a
 * directory fd.
 */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "file_read.h"
#include "fmt_fail.h"
#include "keyfile.h"

/* Exactly 2*n lower-case hex characters into n bytes. */
static int hex_decode(const char *hex, size_t len, uint8_t *out, size_t n)
{
	if (len != 2 * n)
		return -1;
	for (size_t i = 0; i < len; i++)
		if (!((hex[i] >= '0' && hex[i] <= '9') || (hex[i] >= 'a' && hex[i] <= 'f')))
			return -1;
	return sodium_hex2bin(out, n, hex, len, NULL, NULL, NULL);
}

int nx_sig_key_id_parse(const char *hex, size_t len, uint8_t id[NX_SIG_KEYID_LEN])
{
	return hex_decode(hex, len, id, NX_SIG_KEYID_LEN) ? NX_FMT_EKEYFILE : 0;
}

static int comment_ok(const char *c)
{
	size_t n = strnlen(c, NX_SIG_COMMENT_MAX);
	if (n == NX_SIG_COMMENT_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (c[i] < 0x20 || c[i] > 0x7e)
			return 0;
	return 1;
}

int nx_sig_keygen(const char *comment, struct nx_pubkey *pub, struct nx_seckey *sec,
		  struct nx_fmt_err *e)
{
	if (sodium_init() < 0)
		return nx_fmt_fail(e, NX_FMT_EINVAL, "libsodium failed to initialise");
	if (!comment_ok(comment))
		return nx_fmt_fail(e, NX_FMT_EKEYFILE, "comment: printable ASCII, at most %d bytes",
				   NX_SIG_COMMENT_MAX - 1);
	crypto_sign_keypair(pub->pk, sec->sk);
	nx_sig_key_id(pub->pk, pub->id);
	memcpy(sec->id, pub->id, NX_SIG_KEYID_LEN);
	snprintf(pub->comment, sizeof(pub->comment), "%s", comment);
	snprintf(sec->comment, sizeof(sec->comment), "%s", comment);
	return 0;
}

/* ---- key files ---- */

/*
 * Splits text into exactly four "\n"-terminated lines: the header, then
 * "comment: ", "key-id: ", "key: " with their values.
 */
struct keyfile {
	const char *comment, *id, *key;
	size_t comment_len, id_len, key_len;
};

static int line(const char **p, const char *end, const char *prefix, const char **val, size_t *len)
{
	size_t n = strlen(prefix);
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	if (!nl || (size_t)(nl - *p) < n || memcmp(*p, prefix, n))
		return -1;
	*val = *p + n;
	*len = (size_t)(nl - *val);
	*p = nl + 1;
	return 0;
}

static int split(const char *text, size_t len, const char *header, struct keyfile *k,
		 struct nx_fmt_err *e)
{
	const char *p = text, *end = text + len, *h;
	size_t hlen;
	if (len > NX_SIG_KEYFILE_MAX)
		return nx_fmt_fail(e, NX_FMT_EKEYFILE, "key file over %u bytes",
				   (unsigned)NX_SIG_KEYFILE_MAX);
	if (line(&p, end, header, &h, &hlen) || hlen)
		return nx_fmt_fail(e, NX_FMT_EKEYFILE, "first line is not \"%s\"", header);
	if (line(&p, end, "comment: ", &k->comment, &k->comment_len) ||
	    line(&p, end, "key-id: ", &k->id, &k->id_len) ||
	    line(&p, end, "key: ", &k->key, &k->key_len))
		return nx_fmt_fail(
		    e, NX_FMT_EKEYFILE,
		    "want the lines \"comment: \", \"key-id: \", \"key: \" in order");
	if (p != end)
		return nx_fmt_fail(e, NX_FMT_EKEYFILE, "bytes after the \"key: \" line");
	if (k->comment_len >= NX_SIG_COMMENT_MAX)
		return nx_fmt_fail(e, NX_FMT_EKEYFILE, "comment over %d bytes",
				   NX_SIG_COMMENT_MAX - 1);
	for (size_t i = 0; i < k->comment_len; i++)
		if (k->comment[i] < 0x20 || k->comment[i] > 0x7e)
			return nx_fmt_fail(e, NX_FMT_EKEYFILE, "comment is not printable ASCII");
	return 0;
}

static int check_id(const struct keyfile *k, const uint8_t pk[NX_SIG_PK_LEN],
		    uint8_t id[NX_SIG_KEYID_LEN], struct nx_fmt_err *e)
{
	uint8_t stated[NX_SIG_KEYID_LEN];
	if (hex_decode(k->id, k->id_len, stated, sizeof(stated)))
		return nx_fmt_fail(e, NX_FMT_EKEYFILE, "key-id is not %d lower-case hex digits",
				   NX_KEY_ID_CHARS);
	nx_sig_key_id(pk, id);
	if (memcmp(stated, id, NX_SIG_KEYID_LEN))
		return nx_fmt_fail(e, NX_FMT_EKEYFILE, "key-id does not match the key");
	return 0;
}

int nx_pubkey_parse(const char *text, size_t len, struct nx_pubkey *out, struct nx_fmt_err *e)
{
	struct keyfile k;
	struct nx_pubkey pub;
	int r;
	if ((r = split(text, len, NX_SIG_PUB_HEADER, &k, e)))
		return r;
	if (hex_decode(k.key, k.key_len, pub.pk, NX_SIG_PK_LEN))
		return nx_fmt_fail(e, NX_FMT_EKEYFILE, "key is not %d lower-case hex digits",
				   2 * NX_SIG_PK_LEN);
	if ((r = check_id(&k, pub.pk, pub.id, e)))
		return r;
	memcpy(pub.comment, k.comment, k.comment_len);
	pub.comment[k.comment_len] = 0;
	*out = pub;
	return 0;
}

int nx_seckey_parse(const char *text, size_t len, struct nx_seckey *out, struct nx_fmt_err *e)
{
	struct keyfile k;
	struct nx_seckey sec;
	uint8_t pk[NX_SIG_PK_LEN], sk[NX_SIG_SK_LEN];
	int r;
	if ((r = split(text, len, NX_SIG_SEC_HEADER, &k, e)) ||
	    (r = sodium_init() < 0 ? NX_FMT_EINVAL : 0))
		return r;
	if (hex_decode(k.key, k.key_len, sec.sk, NX_SIG_SK_LEN)) {
		r = nx_fmt_fail(e, NX_FMT_EKEYFILE, "key is not %d lower-case hex digits",
				2 * NX_SIG_SK_LEN);
		goto out;
	}
	/* The stored public half must be the one the seed derives. */
	crypto_sign_seed_keypair(pk, sk, sec.sk);
	if (memcmp(sk, sec.sk, NX_SIG_SK_LEN)) {
		r = nx_fmt_fail(e, NX_FMT_EKEYFILE, "public half does not match the seed");
		goto out;
	}
	if ((r = check_id(&k, pk, sec.id, e)))
		goto out;
	memcpy(sec.comment, k.comment, k.comment_len);
	sec.comment[k.comment_len] = 0;
	*out = sec;
out:
	sodium_memzero(&sec, sizeof(sec));
	sodium_memzero(sk, sizeof(sk));
	return r;
}

static int format(const char *header, const char *comment, const uint8_t id[NX_SIG_KEYID_LEN],
		  const uint8_t *key, size_t key_len, char *buf, size_t cap, size_t *len)
{
	char idhex[NX_KEY_ID_CHARS + 1], keyhex[2 * NX_SIG_SK_LEN + 1];
	int n;
	nx_sig_key_id_hex(id, idhex);
	sodium_bin2hex(keyhex, sizeof(keyhex), key, key_len);
	n = snprintf(buf, cap, "%s\ncomment: %s\nkey-id: %s\nkey: %s\n", header, comment, idhex,
		     keyhex);
	sodium_memzero(keyhex, sizeof(keyhex));
	if (n < 0 || (size_t)n >= cap) {
		sodium_memzero(buf, cap);
		return NX_FMT_ERANGE;
	}
	*len = (size_t)n;
	return 0;
}

int nx_pubkey_format(const struct nx_pubkey *k, char *buf, size_t cap, size_t *len)
{
	if (!comment_ok(k->comment))
		return NX_FMT_EKEYFILE;
	return format(NX_SIG_PUB_HEADER, k->comment, k->id, k->pk, NX_SIG_PK_LEN, buf, cap, len);
}

int nx_seckey_format(const struct nx_seckey *k, char *buf, size_t cap, size_t *len)
{
	if (!comment_ok(k->comment))
		return NX_FMT_EKEYFILE;
	return format(NX_SIG_SEC_HEADER, k->comment, k->id, k->sk, NX_SIG_SK_LEN, buf, cap, len);
}

/* "file: detail", so a refusal names the file it is about. */
static void prefix_name(struct nx_fmt_err *e, const char *name)
{
	char detail[NX_FMT_MSG_MAX];
	if (!e)
		return;
	memcpy(detail, e->msg, sizeof(detail));
	nx_fmt_fail(e, e->code, "%s: %s", name, detail);
}

/* Reads name beneath dirfd into buf (NX_SIG_KEYFILE_MAX bytes). */
static int read_keyfile(int dirfd, const char *name, char *buf, size_t *len, struct nx_fmt_err *e)
{
	int fd, r = 0;
	uint64_t size;
	if (nxf_open_regular(dirfd, name, &fd, &size))
		return nx_fmt_fail(e, errno == ENOENT ? NX_FMT_EIO : NX_FMT_EKEYFILE, "%s: %s",
				   name,
				   errno == ELOOP    ? "is a symlink"
				   : errno == EINVAL ? "not a regular file"
						     : strerror(errno));
	if (size > NX_SIG_KEYFILE_MAX)
		r = nx_fmt_fail(e, NX_FMT_EKEYFILE, "%s: %llu bytes, a key file has at most %u",
				name, (unsigned long long)size, (unsigned)NX_SIG_KEYFILE_MAX);
	else if (nxf_pread_all(fd, buf, (size_t)size))
		r = nx_fmt_fail(e, NX_FMT_EIO, "%s: %s", name, strerror(errno));
	close(fd);
	*len = (size_t)size;
	return r;
}

int nx_pubkey_load(int dirfd, const char *name, struct nx_pubkey *out, struct nx_fmt_err *e)
{
	char buf[NX_SIG_KEYFILE_MAX];
	size_t len;
	int r = read_keyfile(dirfd, name, buf, &len, e);
	if (!r && (r = nx_pubkey_parse(buf, len, out, e)))
		prefix_name(e, name);
	return r;
}

int nx_seckey_load(int dirfd, const char *name, struct nx_seckey *out, struct nx_fmt_err *e)
{
	char buf[NX_SIG_KEYFILE_MAX];
	size_t len = 0;
	int r = read_keyfile(dirfd, name, buf, &len, e);
	if (!r && (r = nx_seckey_parse(buf, len, out, e)))
		prefix_name(e, name);
	sodium_memzero(buf, sizeof(buf));
	return r;
}

void nx_seckey_wipe(struct nx_seckey *sec)
{
	sodium_memzero(sec, sizeof(*sec));
}

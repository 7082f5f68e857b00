/*
 * libFuzzer target for the .nxs reader (nx_nxs_read), the input being the
 * archive. The signature check is the dev key's (fixtures/trust/dev.pub,
 * the key the fixture sets are signed with) and, because the fuzzer
 * cannot sign what it mutates, an all-zero signature counts as valid:
 * the seeds carry such signatures (seedgen nxszero), so mutations reach
 * the index decoder and every member check behind the signatures. For the
 * same reason the mutator recomputes the ustar header checksums of most
 * mutants (7 in 8): otherwise nearly every header mutation would stop at
 * libarchive's checksum test, before the reader's own header checks.
 *
 * Oracle: each bundle handed over is what its entry says (position,
 * name, manifest and payload SHA-256, payload size, the manifest agreeing);
 * an accepted set was handed over whole, its index passes the field rules
 * and is the archive's first member byte for byte, and reading it again
 * gives the same index. A refusal has its code in the detail. No fd is
 * left open either way.
 */
#include <fcntl.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "keyfile.h"
#include "nxs_read.h"
#include "fuzz_check.h"

#define DEV_KEY "fixtures/trust/dev.pub" /* read from the checkout's root, where fuzz runs */
#define CHKSUM_AT 148			 /* ustar header: checksum field, 8 bytes */
#define SIZE_AT 124			 /* ustar header: size field, 12 octal bytes */

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

static struct nx_pubkey dev;
static int memfd = -1;

static int verify(void *ctx, const struct nx_sig *sig, const void *msg, size_t len, char *why,
		  size_t cap)
{
	static const uint8_t zero[NX_SIG_LEN];

	(void)ctx;
	if (memcmp(sig->sig, zero, sizeof(zero)) == 0)
		return 0;
	if (nx_sig_verify(&dev, msg, len, sig, NULL) != 0) {
		snprintf(why, cap, "not the dev key's signature");
		return -1;
	}
	return 0;
}

struct seen {
	size_t n;
};

static int check_bundle(void *ctx, const struct nx_nxs_index *ix, const struct nx_nxs_bundle *b,
			char *why, size_t cap)
{
	struct seen *s = ctx;
	uint8_t digest[NX_DIGEST_LEN];

	(void)why;
	(void)cap;
	FUZZ_CHECK(b->index == s->n && b->index < ix->n_bundles, "bundle out of order");
	FUZZ_CHECK(b->entry == &ix->bundles[b->index], "bundle is not its entry");
	FUZZ_CHECK(strcmp(b->manifest->name, b->entry->name) == 0 &&
		       strcmp(b->manifest->semver, b->entry->version) == 0,
		   "manifest name or version is not the entry's");
	crypto_hash_sha256(digest, b->manifest_bytes, b->manifest_len);
	FUZZ_CHECK(memcmp(digest, b->entry->manifest_sha256, sizeof(digest)) == 0,
		   "manifest bytes do not hash to the entry's digest");
	FUZZ_CHECK(b->payload_size == b->entry->payload_size &&
		       b->payload_size == b->manifest->payload_size,
		   "payload size is not the entry's and the manifest's");
	crypto_hash_sha256(digest, b->payload, (size_t)b->payload_size);
	FUZZ_CHECK(memcmp(digest, b->entry->payload_sha256, sizeof(digest)) == 0 &&
		       memcmp(digest, b->manifest->payload_digest, sizeof(digest)) == 0,
		   "payload does not hash to the entry's and the manifest's digest");
	s->n++;
	return 0;
}

/* Recomputes the checksum of each header, walking them by their size fields. */
static void fix_checksums(uint8_t *data, size_t size)
{
	size_t off = 0;

	while (off <= size && size - off >= NX_NXS_TAR_BLOCK) {
		uint8_t *h = data + off;
		unsigned sum = 0;
		char field[13] = {0};
		char *end;

		for (size_t i = 0; i < NX_NXS_TAR_BLOCK; i++)
			sum += i >= CHKSUM_AT && i < CHKSUM_AT + 8 ? ' ' : h[i];
		if (sum == 8 * ' ')
			return; /* a zero block: the end */
		snprintf((char *)h + CHKSUM_AT, 8, "%06o", sum & 0777777);
		h[CHKSUM_AT + 7] = ' ';
		memcpy(field, h + SIZE_AT, 12);
		unsigned long long n = strtoull(field, &end, 8);
		if (end == field || n > size)
			return;
		off += NX_NXS_TAR_BLOCK +
		       (size_t)(n + NX_NXS_TAR_BLOCK - 1) / NX_NXS_TAR_BLOCK * NX_NXS_TAR_BLOCK;
	}
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	size = LLVMFuzzerMutate(data, size, max_size);
	if (seed % 8 != 0)
		fix_checksums(data, size);
	return size;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct nx_fmt_err e;

	(void)argc;
	(void)argv;
	FUZZ_CHECK(sodium_init() >= 0, "libsodium does not initialise");
	if (nx_pubkey_load(AT_FDCWD, DEV_KEY, &dev, &e) != 0) {
		fprintf(stderr, "fuzz_nxs: %s (run from the checkout's root)\n", e.msg);
		abort();
	}
	memfd = memfd_create("fuzz_nxs", MFD_CLOEXEC);
	FUZZ_CHECK(memfd >= 0, "memfd_create failed");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nx_nxs_index ix, again;
	static uint8_t index[NX_NXS_INDEX_ENCODED_MAX];
	struct nx_nxs_sigcheck sc = {NULL, verify};
	struct seen seen = {0};
	struct nx_nxs_sink sink = {&seen, check_bundle, NULL};
	struct nx_fmt_err e;
	size_t len;

	FUZZ_CHECK(ftruncate(memfd, 0) == 0 && pwrite(memfd, data, size, 0) == (ssize_t)size,
		   "cannot fill the memfd");
	int lowest = fuzz_lowest_fd(memfd);
	memset(&e, 0, sizeof(e));
	int r = nx_nxs_read(memfd, &sc, &sink, &ix, &e);
	fuzz_check_no_fd_leak(memfd, lowest);
	FUZZ_CHECK(r <= 0, "read returned a positive code");
	if (r != 0) {
		FUZZ_CHECK(e.code == r, "error detail names another code");
		FUZZ_CHECK(memchr(e.msg, 0, sizeof(e.msg)) != NULL, "error message not terminated");
		FUZZ_CHECK(nx_fmt_strerror(r) != NULL, "no description for a refusal");
		return 0;
	}
	FUZZ_CHECK(size <= NX_NXS_ARCHIVE_MAX, "accepted an archive over its cap");
	FUZZ_CHECK(seen.n == ix.n_bundles, "accepted without handing over every bundle");
	FUZZ_CHECK(nx_nxs_index_check(&ix, &e) == 0, "accepted index fails nx_nxs_index_check");
	/* The first member is the index: its data follows its 512-byte ustar header. */
	FUZZ_CHECK(nx_nxs_index_encode(&ix, index, sizeof(index), &len, &e) == 0 &&
		       size >= NX_NXS_TAR_BLOCK + len &&
		       memcmp(data + NX_NXS_TAR_BLOCK, index, len) == 0,
		   "the index returned is not the archive's first member");
	FUZZ_CHECK(nx_nxs_read(memfd, &sc, NULL, &again, &e) == 0 &&
		       memcmp(&again, &ix, sizeof(ix)) == 0,
		   "an accepted set does not verify again");
	return 0;
}

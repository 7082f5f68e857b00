/*
 * libFuzzer target for the manifest.nxb reader. The reader accepts only
 * canonical bytes, so every manifest it accepts must re-encode to exactly
 * the input: decode followed by encode is the identity.
 */
#include <stdint.h>
#include <string.h>

#include "manifest.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nx_manifest m;
	static uint8_t again[NX_MANIFEST_MAX];
	struct nx_fmt_err e;
	size_t len = 0;

	memset(&e, 0, sizeof(e));
	int r = nx_manifest_decode(data, size, &m, &e);
	FUZZ_CHECK(r <= 0, "decode returned a positive code");
	if (r != 0) {
		FUZZ_CHECK(e.code == r, "error detail names another code");
		FUZZ_CHECK(memchr(e.msg, 0, sizeof(e.msg)) != NULL, "error message not terminated");
		FUZZ_CHECK(nx_fmt_strerror(r) != NULL, "no description for a refusal");
		return 0;
	}
	FUZZ_CHECK(size <= NX_MANIFEST_MAX, "accepted a manifest over NX_MANIFEST_MAX");
	FUZZ_CHECK(nx_manifest_check(&m, &e) == 0, "decoded manifest fails nx_manifest_check");
	FUZZ_CHECK(nx_manifest_encode(&m, again, sizeof(again), &len, &e) == 0,
		   "decoded manifest does not encode");
	FUZZ_CHECK(len == size && memcmp(again, data, size) == 0,
		   "decode then encode is not the identity");
	return 0;
}

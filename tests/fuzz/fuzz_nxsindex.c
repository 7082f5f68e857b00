/*
 * libFuzzer target for the system.nxsindex decoder. Like the manifest,
 * the index has one byte string per content: whatever the decoder
 * accepts passes the field rules and re-encodes to exactly the input.
 */
#include <stdint.h>
#include <string.h>

#include "nxs_index.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nx_nxs_index ix;
	static uint8_t again[NX_NXS_INDEX_ENCODED_MAX];
	struct nx_fmt_err e;
	size_t len = 0;

	memset(&e, 0, sizeof(e));
	int r = nx_nxs_index_decode(data, size, &ix, &e);
	FUZZ_CHECK(r <= 0, "decode returned a positive code");
	if (r != 0) {
		FUZZ_CHECK(e.code == r, "error detail names another code");
		FUZZ_CHECK(memchr(e.msg, 0, sizeof(e.msg)) != NULL, "error message not terminated");
		return 0;
	}
	FUZZ_CHECK(size <= NX_NXS_INDEX_ENCODED_MAX, "accepted an index over its computed bound");
	FUZZ_CHECK(nx_nxs_index_check(&ix, &e) == 0, "decoded index fails nx_nxs_index_check");
	FUZZ_CHECK(nx_nxs_index_encode(&ix, again, sizeof(again), &len, &e) == 0,
		   "decoded index does not encode");
	FUZZ_CHECK(len == size && memcmp(again, data, size) == 0,
		   "decode then encode is not the identity");
	return 0;
}

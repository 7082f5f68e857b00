/*
 * SystemSetIndex <-> canonical Cap'n Proto, the way manifest_codec.c does
 * the manifest: the encoder creates every object in pointer order
 * (preorder), leaves an empty text as a null pointer and truncates struct
 * sections; the decoder accepts a message only if encoding what it read
 * gives back the very same bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "capnp.h"
#include "fmt_fail.h"
#include "nxs_index.h"
#include "nxs_index_layout.h"

_Static_assert(NX_NXS_INDEX_ENCODED_MAX <= NX_CAPNP_MSG_MAX,
	       "the largest index must fit the Cap'n Proto reader's message cap");
_Static_assert(NX_NXS_INDEX_ENCODED_MAX <= NX_NXS_INDEX_MAX,
	       "the largest index must fit the archive's index member cap");

static int put_text(struct nx_capnp_bstruct *s, uint16_t ptr, const char *t)
{
	return t[0] ? nx_capnp_set_text(s, ptr, t, strlen(t)) : 0;
}

static int put_bundles(struct nx_capnp_bstruct *root, const struct nx_nxs_index *ix)
{
	struct nx_capnp_blist l;
	struct nx_capnp_bstruct el;
	int r;
	/* No truncation to do: every entry has a payload size and its last pointer, a digest. */
	if ((r = nx_capnp_set_struct_list(root, NXS_BUNDLES, (uint32_t)ix->n_bundles,
					  NXS_ENTRY_DATA_WORDS, NXS_ENTRY_PTRS, &l)))
		return r;
	for (size_t i = 0; i < ix->n_bundles; i++) {
		const struct nx_nxs_entry *b = &ix->bundles[i];
		if ((r = nx_capnp_list_struct(&l, (uint32_t)i, &el)))
			return r;
		nx_capnp_set_u64(&el, NXS_ENTRY_PAYLOAD_SIZE_BYTE, b->payload_size);
		if ((r = put_text(&el, NXS_ENTRY_NAME, b->name)) ||
		    (r = put_text(&el, NXS_ENTRY_VERSION, b->version)) ||
		    (r = nx_capnp_set_data(&el, NXS_ENTRY_MANIFEST_SHA256, b->manifest_sha256,
					   NX_DIGEST_LEN)) ||
		    (r = nx_capnp_set_data(&el, NXS_ENTRY_PAYLOAD_SHA256, b->payload_sha256,
					   NX_DIGEST_LEN)))
			return r;
	}
	return 0;
}

static int encode(const struct nx_nxs_index *ix, struct nx_capnp_builder *b)
{
	struct nx_capnp_bstruct s;
	uint8_t version_bits = ix->schema_version ^ NXS_SCHEMA_VERSION_DEFAULT;
	/* A checked index has a version, a publisher and bundles: only healthCheck may be null. */
	uint16_t pc = ix->health_check[0] ? NXS_PTRS : NXS_BUNDLES + 1;
	uint16_t dw = ix->timestamp_unix_ms ? NXS_DATA_WORDS : version_bits ? 1 : 0;
	int r;
	if ((r = nx_capnp_build_root(b, dw, pc, &s)))
		return r;
	if (dw)
		nx_capnp_set_u8(&s, NXS_SCHEMA_VERSION_BYTE, version_bits);
	if (dw > 1)
		nx_capnp_set_u64(&s, NXS_TIMESTAMP_BYTE, ix->timestamp_unix_ms);
	if ((r = put_text(&s, NXS_SYSTEM_VERSION, ix->system_version)) ||
	    (r = nx_capnp_set_data(&s, NXS_PUBLISHER, ix->publisher, NX_NXS_PUBLISHER_LEN)) ||
	    (r = put_bundles(&s, ix)))
		return r;
	return pc == NXS_PTRS ? put_text(&s, NXS_HEALTH_CHECK, ix->health_check) : 0;
}

int nx_nxs_index_encode(const struct nx_nxs_index *ix, void *buf, size_t cap, size_t *len,
			struct nx_fmt_err *e)
{
	struct nx_capnp_builder b;
	int r;
	if ((r = nx_nxs_index_check(ix, e)))
		return r;
	nx_capnp_builder_init(&b, buf, cap);
	if ((r = encode(ix, &b)) || (r = nx_capnp_build_finish(&b, len)))
		return nx_fmt_fail(e, r, "encoding the system index: %s (buffer of %zu bytes)",
				   nx_fmt_strerror(r), cap);
	return 0;
}

/* ---- decoding ---- */

static int get_text(const struct nx_capnp_struct *s, uint16_t ptr, char *dst, size_t cap,
		    const char *what, struct nx_fmt_err *e)
{
	const char *p;
	size_t len;
	int r = nx_capnp_text(s, ptr, &p, &len, e);
	if (r)
		return r;
	if (len >= cap)
		return nx_fmt_fail(e, NX_FMT_ENXS_INDEX_FIELD, "%s: %zu bytes, at most %zu", what,
				   len, cap - 1);
	if (len && memchr(p, 0, len))
		return nx_fmt_fail(e, NX_FMT_ENXS_INDEX_FIELD, "%s: contains a NUL byte", what);
	if (len)
		memcpy(dst, p, len);
	dst[len] = 0;
	return 0;
}

/* Data of exactly want bytes; absent counts as 0 bytes. */
static int get_data(const struct nx_capnp_struct *s, uint16_t ptr, uint8_t *dst, size_t want,
		    const char *what, struct nx_fmt_err *e)
{
	const uint8_t *p;
	size_t len;
	int r = nx_capnp_data(s, ptr, &p, &len, e);
	if (r)
		return r;
	if (len != want)
		return nx_fmt_fail(e, NX_FMT_ENXS_INDEX_FIELD, "%s: %zu bytes, want %zu", what, len,
				   want);
	memcpy(dst, p, want);
	return 0;
}

static int get_entry(const struct nx_capnp_list *l, uint32_t i, struct nx_nxs_entry *b,
		     struct nx_fmt_err *e)
{
	struct nx_capnp_struct el;
	int r;
	if ((r = nx_capnp_list_get_struct(l, i, &el, e)))
		return r;
	b->payload_size = nx_capnp_u64(&el, NXS_ENTRY_PAYLOAD_SIZE_BYTE);
	if ((r = get_text(&el, NXS_ENTRY_NAME, b->name, sizeof(b->name), "bundles.name", e)) ||
	    (r = get_text(&el, NXS_ENTRY_VERSION, b->version, sizeof(b->version), "bundles.version",
			  e)) ||
	    (r = get_data(&el, NXS_ENTRY_MANIFEST_SHA256, b->manifest_sha256, NX_DIGEST_LEN,
			  "bundles.manifestSha256", e)) ||
	    (r = get_data(&el, NXS_ENTRY_PAYLOAD_SHA256, b->payload_sha256, NX_DIGEST_LEN,
			  "bundles.payloadSha256", e)))
		return r;
	return 0;
}

static int decode(const struct nx_capnp_struct *s, struct nx_nxs_index *ix, struct nx_fmt_err *e)
{
	struct nx_capnp_list l;
	int r;
	ix->schema_version =
	    nx_capnp_u8(s, NXS_SCHEMA_VERSION_BYTE) ^ (uint8_t)NXS_SCHEMA_VERSION_DEFAULT;
	if (ix->schema_version != NX_NXS_SCHEMA_VERSION)
		return nx_fmt_fail(e, NX_FMT_ENXS_INDEX_VERSION, "schemaVersion %u, want %d",
				   ix->schema_version, NX_NXS_SCHEMA_VERSION);
	ix->timestamp_unix_ms = nx_capnp_u64(s, NXS_TIMESTAMP_BYTE);
	if ((r = get_text(s, NXS_SYSTEM_VERSION, ix->system_version, sizeof(ix->system_version),
			  "systemVersion", e)) ||
	    (r = get_data(s, NXS_PUBLISHER, ix->publisher, NX_NXS_PUBLISHER_LEN, "publisher", e)) ||
	    (r = get_text(s, NXS_HEALTH_CHECK, ix->health_check, sizeof(ix->health_check),
			  "healthCheck", e)) ||
	    (r = nx_capnp_list(s, NXS_BUNDLES, NX_CAPNP_COMPOSITE, &l, e)))
		return r;
	if (l.count == 0 || l.count > NX_NXS_BUNDLES_MAX)
		return nx_fmt_fail(e, NX_FMT_ENXS_BUNDLES, "bundles: %u entries, want 1..%d",
				   l.count, NX_NXS_BUNDLES_MAX);
	for (uint32_t i = 0; i < l.count; i++)
		if ((r = get_entry(&l, i, &ix->bundles[i], e)))
			return r;
	ix->n_bundles = l.count;
	return 0;
}

int nx_nxs_index_decode(const void *buf, size_t len, struct nx_nxs_index *out, struct nx_fmt_err *e)
{
	struct nx_capnp_msg msg;
	struct nx_capnp_struct root;
	struct nx_nxs_index *ix = calloc(1, sizeof(*ix));
	uint8_t *again = NULL;
	size_t again_len;
	int r;
	if (!ix || !(again = malloc(len ? len : 1))) {
		r = nx_fmt_fail(e, NX_FMT_ENOMEM, "system index: out of memory");
		goto out;
	}
	if ((r = nx_capnp_open(&msg, buf, len, &root, e)) || (r = decode(&root, ix, e)) ||
	    (r = nx_nxs_index_check(ix, e)))
		goto out;
	/* One index, one byte string: what the encoder emits for these fields, or nothing. */
	r = nx_nxs_index_encode(ix, again, len, &again_len, NULL);
	if (r == 0 && (again_len != len || memcmp(again, buf, len)))
		r = NX_FMT_ECAPNP_NONCANONICAL;
	if (r == NX_FMT_ERANGE)
		r = NX_FMT_ECAPNP_NONCANONICAL;
	if (r) {
		r = nx_fmt_fail(e, r,
				"system index: the bytes are not what the encoder emits for these "
				"fields");
		goto out;
	}
	memcpy(out, ix, sizeof(*ix));
out:
	free(again);
	free(ix);
	return r;
}

/* An index of NX_NXS_BUNDLES_MAX + 1 bundles (nxs_test_index.h). */
#include <stdio.h>
#include <stdlib.h>

#include "capnp.h"
#include "nxs_index_layout.h"
#include "nxs_test_index.h"

size_t nxs_test_index_over_max(void *buf, size_t cap, const uint8_t publisher[NX_NXS_PUBLISHER_LEN])
{
	static const uint8_t digest[NX_DIGEST_LEN];
	struct nx_capnp_builder b;
	struct nx_capnp_bstruct root, el;
	struct nx_capnp_blist l;
	char name[8];
	size_t len;
	nx_capnp_builder_init(&b, buf, cap);
	nx_capnp_build_root(&b, 0, NXS_BUNDLES + 1, &root);
	nx_capnp_set_text(&root, NXS_SYSTEM_VERSION, "1.0.0", 5);
	nx_capnp_set_data(&root, NXS_PUBLISHER, publisher, NX_NXS_PUBLISHER_LEN);
	nx_capnp_set_struct_list(&root, NXS_BUNDLES, NX_NXS_BUNDLES_MAX + 1, NXS_ENTRY_DATA_WORDS,
				 NXS_ENTRY_PTRS, &l);
	for (uint32_t i = 0; i <= NX_NXS_BUNDLES_MAX; i++) {
		nx_capnp_list_struct(&l, i, &el);
		nx_capnp_set_u64(&el, NXS_ENTRY_PAYLOAD_SIZE_BYTE, 1);
		snprintf(name, sizeof(name), "b%03u", i);
		nx_capnp_set_text(&el, NXS_ENTRY_NAME, name, 4);
		nx_capnp_set_text(&el, NXS_ENTRY_VERSION, "1.0.0", 5);
		nx_capnp_set_data(&el, NXS_ENTRY_MANIFEST_SHA256, digest, sizeof(digest));
		nx_capnp_set_data(&el, NXS_ENTRY_PAYLOAD_SHA256, digest, sizeof(digest));
	}
	/* Errors are sticky in the builder: one check covers every call above. */
	if (nx_capnp_build_finish(&b, &len)) {
		fprintf(stderr, "nxs_test_index_over_max: buffer of %zu bytes too small\n", cap);
		abort();
	}
	return len;
}

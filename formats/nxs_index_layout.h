/*
 * Internal to formats/nxs_index*.c and the tests that build malformed
 * indexes: where `capnp compile -ocapnp formats/system-set.capnp` puts
 * each field ("bits[0, 8)", "ptr[0]", ...). tests/e2e/nxs_pack.sh checks
 * our bytes against the official tool.
 */
#ifndef NEXUS_FORMATS_NXS_INDEX_LAYOUT_H
#define NEXUS_FORMATS_NXS_INDEX_LAYOUT_H

/* SystemSetIndex: 2 data words, 4 pointers. */
#define NXS_DATA_WORDS 2
#define NXS_PTRS 4
#define NXS_SCHEMA_VERSION_BYTE 0 /* UInt8, default 1: stored XOR 1 */
#define NXS_SCHEMA_VERSION_DEFAULT 1
#define NXS_TIMESTAMP_BYTE 8 /* UInt64 */
enum { NXS_SYSTEM_VERSION, NXS_PUBLISHER, NXS_BUNDLES, NXS_HEALTH_CHECK };

/* BundleEntry: 1 data word (payloadSize), 4 pointers. */
#define NXS_ENTRY_DATA_WORDS 1
#define NXS_ENTRY_PTRS 4
#define NXS_ENTRY_PAYLOAD_SIZE_BYTE 0 /* UInt64 */
enum { NXS_ENTRY_NAME, NXS_ENTRY_VERSION, NXS_ENTRY_MANIFEST_SHA256, NXS_ENTRY_PAYLOAD_SHA256 };

#endif

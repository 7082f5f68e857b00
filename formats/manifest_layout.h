/*
 * Internal to formats/manifest_*.c: where `capnp compile -ocapnp
 * formats/manifest.capnp` puts each BundleManifest field (the comments
 * there: "bits[0, 8)", "ptr[0]", ...). The oracle test checks these
 * against the official tool.
 */
#ifndef NEXUS_FORMATS_MANIFEST_LAYOUT_H
#define NEXUS_FORMATS_MANIFEST_LAYOUT_H

/* BundleManifest: 2 data words, 14 pointers. */
#define MF_DATA_WORDS 2
#define MF_PTRS 14
#define MF_SCHEMA_VERSION_BYTE 0 /* UInt8, default 1: stored XOR 1 */
#define MF_SCHEMA_VERSION_DEFAULT 1
#define MF_BUNDLE_TYPE_BYTE 2  /* UInt16 enum */
#define MF_PAYLOAD_KIND_BYTE 4 /* UInt16 enum */
#define MF_PAYLOAD_SIZE_BYTE 8 /* UInt64 */
enum {
	MF_NAME,
	MF_SEMVER,
	MF_ABILITIES,
	MF_CAPABILITIES,
	MF_MIN_SDK,
	MF_PUBLISHER,
	MF_SIGNATURE,
	MF_PAYLOAD_DIGEST,
	MF_SBOM_DIGEST,
	MF_REPRO_DIGEST,
	MF_DEPENDENCIES,
	MF_PROVIDED_SERVICES,
	MF_RESOURCES,
	MF_EXPORTS,
};

/* Dependency and ExportDecl: 0 data words, 2 pointers (two texts). */
#define MF_PAIR_PTRS 2
/* Resource: 1 data word (kind, UInt16 at byte 0), 1 pointer (path). */
#define MF_RES_DATA_WORDS 1
#define MF_RES_PTRS 1
#define MF_RES_KIND_BYTE 0

#endif

/*
 * The bundle manifest (manifest.nxb): upstream Nexus BundleManifest as
 * canonical Cap'n Proto (formats/manifest.capnp), decoded into a
 * fixed-size struct with every string and list capped.
 *
 * Decoding refuses anything that is not exactly what nx_manifest_encode()
 * would emit for the same fields, so one manifest has one byte string and
 * the signature covers it.
 */
#ifndef NEXUS_FORMATS_MANIFEST_H
#define NEXUS_FORMATS_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fmt_err.h"
#include "semver.h"
#include "nexus/limits.h"

#define NX_MANIFEST_SCHEMA_VERSION 1
#define NX_BUNDLE_NAME_MAX 64	 /* bytes of a bundle name including the NUL */
#define NX_MANIFEST_TEXT_MAX 64	 /* bytes of one list entry or enum-like text incl. the NUL */
#define NX_MANIFEST_LIST_MAX 32	 /* entries in each list field */
#define NX_MANIFEST_PATH_MAX 128 /* bytes of a resource path including the NUL */
#define NX_PUBLISHER_LEN 16	 /* bytes of the publisher id */
#define NX_DIGEST_LEN 32	 /* bytes of a SHA-256 digest */

enum nx_bundle_type {
	NX_BUNDLE_APP,
	NX_BUNDLE_SERVICE,
	NX_BUNDLE_LIBRARY,
	NX_BUNDLE_DRIVER,
	NX_BUNDLE_FRAMEWORK,
	NX_BUNDLE_SHELL,
	NX_BUNDLE_GREETER,
	NX_BUNDLE_SETTINGS,
	NX_BUNDLE_FILEMANAGER,
	NX_BUNDLE_IME,
	NX_BUNDLE_TYPE_COUNT
};

enum nx_payload_kind { NX_PAYLOAD_ELF, NX_PAYLOAD_UI_PROGRAM, NX_PAYLOAD_KIND_COUNT };

enum nx_resource_kind {
	NX_RESOURCE_ICON,
	NX_RESOURCE_CURSOR,
	NX_RESOURCE_FONT,
	NX_RESOURCE_WALLPAPER,
	NX_RESOURCE_SOUND,
	NX_RESOURCE_DATA,
	NX_RESOURCE_KIND_COUNT
};

struct nx_manifest_dep {
	char name[NX_BUNDLE_NAME_MAX];
	char constraint[NX_MANIFEST_TEXT_MAX]; /* versionConstraint, e.g. "^1.2.0" */
};

struct nx_manifest_resource {
	char path[NX_MANIFEST_PATH_MAX]; /* relative, no "..", no empty segment */
	enum nx_resource_kind kind;
};

struct nx_manifest_export {
	char ability[NX_MANIFEST_TEXT_MAX];
	char permission[NX_MANIFEST_TEXT_MAX];
};

/* Absent text is ""; absent data has its has_ flag false. */
struct nx_manifest {
	uint8_t schema_version;
	char name[NX_BUNDLE_NAME_MAX];
	char semver[NX_SEMVER_MAX];
	size_t n_abilities;
	char abilities[NX_MANIFEST_LIST_MAX][NX_MANIFEST_TEXT_MAX];
	size_t n_capabilities;
	char capabilities[NX_MANIFEST_LIST_MAX][NX_MANIFEST_TEXT_MAX];
	char min_sdk[NX_SEMVER_MAX];
	bool has_publisher;
	uint8_t publisher[NX_PUBLISHER_LEN];
	/* signature @7 is always empty: ours is detached (manifest.sig). */
	uint8_t payload_digest[NX_DIGEST_LEN];
	uint64_t payload_size;
	bool has_sbom_digest;
	uint8_t sbom_digest[NX_DIGEST_LEN];
	bool has_repro_digest;
	uint8_t repro_digest[NX_DIGEST_LEN];
	enum nx_bundle_type bundle_type;
	size_t n_dependencies;
	struct nx_manifest_dep dependencies[NX_MANIFEST_LIST_MAX];
	size_t n_provided_services;
	char provided_services[NX_MANIFEST_LIST_MAX][NX_MANIFEST_TEXT_MAX];
	size_t n_resources;
	struct nx_manifest_resource resources[NX_MANIFEST_LIST_MAX];
	enum nx_payload_kind payload_kind;
	size_t n_exports;
	struct nx_manifest_export exports[NX_MANIFEST_LIST_MAX];
};

/* Every field rule (docs/formats.md): charset, lengths, enums, digests, semver. */
__attribute__((warn_unused_result)) int nx_manifest_check(const struct nx_manifest *m,
							  struct nx_fmt_err *e);
/*
 * Canonical bytes of m into buf (cap bytes; NX_MANIFEST_MAX always suffices).
 * Checks m first: an invalid manifest is never encoded.
 */
__attribute__((warn_unused_result)) int nx_manifest_encode(const struct nx_manifest *m, void *buf,
							   size_t cap, size_t *len,
							   struct nx_fmt_err *e);
/* Validates, decodes and checks; refuses non-canonical bytes. */
__attribute__((warn_unused_result)) int
nx_manifest_decode(const void *buf, size_t len, struct nx_manifest *out, struct nx_fmt_err *e);
/* Names for printing and the TOML source ("app", "uiProgram", "icon"); NULL when out of range. */
const char *nx_bundle_type_name(enum nx_bundle_type t);
const char *nx_payload_kind_name(enum nx_payload_kind k);
const char *nx_resource_kind_name(enum nx_resource_kind k);
/* A bundle name: 1..NX_BUNDLE_NAME_MAX-1 of [a-z0-9._-], starts with a letter, no "..". */
bool nx_bundle_name_ok(const char *name);

#endif

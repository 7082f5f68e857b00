/*
 * A system set's human source (META.toml for nxs-pack, formats/toml.h
 * subset): the fields of the index that are not read from the bundles.
 *   version = "1.0.0"              required, SemVer: systemVersion
 *   timestamp_unix_ms = 0          optional, 0..NX_NXS_TIMESTAMP_MS_MAX
 *   health_check = "demo.hello"    optional, a bundle name (that it is in
 *                                  the set is checked with the bundles)
 * Any other key, a table or a wrong type is refused with its line number.
 */
#ifndef NEXUS_FORMATS_NXS_META_H
#define NEXUS_FORMATS_NXS_META_H

#include <stddef.h>
#include <stdint.h>

#include "fmt_err.h"
#include "manifest.h"
#include "semver.h"

struct nx_nxs_meta {
	char version[NX_SEMVER_MAX];
	uint64_t timestamp_unix_ms;
	char health_check[NX_BUNDLE_NAME_MAX]; /* "" when absent */
};

__attribute__((warn_unused_result)) int
nx_nxs_meta_from_toml(const char *src, size_t len, struct nx_nxs_meta *out, struct nx_fmt_err *e);

#endif

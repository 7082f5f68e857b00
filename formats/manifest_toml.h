/*
 * A manifest's human source (TOML, formats/toml.h) -> struct nx_manifest.
 * Keys are the schema's field names in snake_case (docs/formats.md);
 * payload_digest and payload_size are not keys: nxb-pack fills them from
 * the payload. Unknown keys, wrong types and missing required keys are
 * refused with the line number.
 */
#ifndef NEXUS_FORMATS_MANIFEST_TOML_H
#define NEXUS_FORMATS_MANIFEST_TOML_H

#include <stddef.h>

#include "fmt_err.h"
#include "manifest.h"

/* Fills every field but payload_digest / payload_size (left zero); does not run nx_manifest_check.
 */
__attribute__((warn_unused_result)) int
nx_manifest_from_toml(const char *src, size_t len, struct nx_manifest *out, struct nx_fmt_err *e);

#endif

/*
 * Semantic Versioning 2.0.0: MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD].
 * Used for "an upgrade must rise": compare two parsed versions.
 */
#ifndef NEXUS_FORMATS_SEMVER_H
#define NEXUS_FORMATS_SEMVER_H

#include <stdint.h>

#define NX_SEMVER_MAX 64 /* bytes of a version string including the NUL */

struct nx_semver {
	uint64_t major, minor, patch;
	char pre[NX_SEMVER_MAX]; /* prerelease identifiers, "" when none */
};

/* 0, or NX_FMT_EMANIFEST_FIELD / NX_FMT_EMANIFEST_CAP for a bad string. */
__attribute__((warn_unused_result)) int nx_semver_parse(const char *s, struct nx_semver *out);
/* <0, 0, >0 by SemVer precedence (build metadata ignored). */
int nx_semver_cmp(const struct nx_semver *a, const struct nx_semver *b);

#endif

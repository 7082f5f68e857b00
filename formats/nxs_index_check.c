/* The field rules of a system index, applied after decoding and before encoding; anti-rollback. */
#include <string.h>

#include "fmt_fail.h"
#include "nxs_index.h"

/* A NUL-terminated SemVer inside its array. */
static int semver_ok(const char *s, size_t cap, const char *what, struct nx_fmt_err *e)
{
	struct nx_semver v;
	if (strnlen(s, cap) == cap)
		return nx_fmt_fail(e, NX_FMT_ENXS_INDEX_FIELD, "%s: longer than %zu bytes", what,
				   cap - 1);
	if (nx_semver_parse(s, &v))
		return nx_fmt_fail(e, NX_FMT_ENXS_INDEX_FIELD, "%s: \"%s\" is not a SemVer version",
				   what, s);
	return 0;
}

static int entry_ok(const struct nx_nxs_index *ix, size_t i, struct nx_fmt_err *e)
{
	const struct nx_nxs_entry *b = &ix->bundles[i];
	int r;
	if (!nx_bundle_name_ok(b->name))
		return nx_fmt_fail(e, NX_FMT_ENXS_INDEX_FIELD,
				   "bundles[%zu].name: \"%.63s\" is not a bundle name", i, b->name);
	if ((r = semver_ok(b->version, sizeof(b->version), "bundles.version", e)))
		return r;
	if (b->payload_size == 0 || b->payload_size > NX_PAYLOAD_MAX)
		return nx_fmt_fail(
		    e, NX_FMT_ENXS_INDEX_FIELD, "bundles[%zu].payloadSize %llu: want 1..%llu", i,
		    (unsigned long long)b->payload_size, (unsigned long long)NX_PAYLOAD_MAX);
	/* Sorted and unique, so the member order is fixed and a name has one entry. */
	if (i > 0 && strcmp(ix->bundles[i - 1].name, b->name) >= 0)
		return nx_fmt_fail(e, NX_FMT_ENXS_INDEX_ORDER, "bundles: \"%s\" %s \"%s\"", b->name,
				   strcmp(ix->bundles[i - 1].name, b->name) ? "comes after"
									    : "listed twice after",
				   ix->bundles[i - 1].name);
	return 0;
}

int nx_nxs_index_check(const struct nx_nxs_index *ix, struct nx_fmt_err *e)
{
	int r;
	if (ix->schema_version != NX_NXS_SCHEMA_VERSION)
		return nx_fmt_fail(e, NX_FMT_ENXS_INDEX_VERSION, "schemaVersion %u, want %d",
				   ix->schema_version, NX_NXS_SCHEMA_VERSION);
	if ((r = semver_ok(ix->system_version, sizeof(ix->system_version), "systemVersion", e)))
		return r;
	if (ix->n_bundles == 0 || ix->n_bundles > NX_NXS_BUNDLES_MAX)
		return nx_fmt_fail(e, NX_FMT_ENXS_BUNDLES, "bundles: %zu entries, want 1..%d",
				   ix->n_bundles, NX_NXS_BUNDLES_MAX);
	for (size_t i = 0; i < ix->n_bundles; i++)
		if ((r = entry_ok(ix, i, e)))
			return r;
	if (strnlen(ix->health_check, sizeof(ix->health_check)) == sizeof(ix->health_check))
		return nx_fmt_fail(e, NX_FMT_ENXS_INDEX_FIELD, "healthCheck: longer than %zu bytes",
				   sizeof(ix->health_check) - 1);
	if (ix->health_check[0] && !nx_nxs_index_find(ix, ix->health_check))
		return nx_fmt_fail(e, NX_FMT_ENXS_HEALTH,
				   "healthCheck: \"%s\" is not a bundle of the set",
				   ix->health_check);
	return 0;
}

const struct nx_nxs_entry *nx_nxs_index_find(const struct nx_nxs_index *ix, const char *name)
{
	for (size_t i = 0; i < ix->n_bundles && i < NX_NXS_BUNDLES_MAX; i++)
		if (!strcmp(ix->bundles[i].name, name))
			return &ix->bundles[i];
	return NULL;
}

int nx_nxs_version_above(const struct nx_nxs_index *ix, const char *floor, struct nx_fmt_err *e)
{
	struct nx_semver have, min;
	if (nx_semver_parse(floor, &min))
		return nx_fmt_fail(e, NX_FMT_EINVAL, "rollback floor \"%.63s\" is not SemVer",
				   floor);
	if (nx_semver_parse(ix->system_version, &have))
		return nx_fmt_fail(e, NX_FMT_ENXS_INDEX_FIELD,
				   "systemVersion \"%.63s\" is not SemVer", ix->system_version);
	if (nx_semver_cmp(&have, &min) <= 0)
		return nx_fmt_fail(e, NX_FMT_ENXS_ROLLBACK,
				   "system version %s is not above %s, the version it must exceed",
				   ix->system_version, floor);
	return 0;
}

/*
 * META.toml -> struct nx_nxs_meta. As with manifest sources, a key we do
 * not know is an error, not ignored: a typo must not silently drop the
 * health check.
 */
#include <stdlib.h>
#include <string.h>

#include "fmt_fail.h"
#include "nxs_meta.h"
#include "nxs.h"
#include "toml.h"

static int schema(struct nx_fmt_err *e, const struct nx_toml_node *n, const char *key,
		  const char *what)
{
	return nx_fmt_fail(e, NX_FMT_ETOML_SCHEMA, "line %u: '%s' %s", n->line, key, what);
}

/* A string value of at most cap - 1 bytes. */
static int str(const struct nx_toml_doc *d, const struct nx_toml_node *n, const char *key,
	       char *dst, size_t cap, struct nx_fmt_err *e)
{
	if (n->kind != NX_TOML_STRING)
		return schema(e, n, key, "must be a string");
	if (n->str_len >= cap)
		return schema(e, n, key, "is too long");
	memcpy(dst, nx_toml_str(d, n->str), n->str_len + 1);
	return 0;
}

static int key_value(const struct nx_toml_doc *d, const struct nx_toml_node *n,
		     struct nx_nxs_meta *m, struct nx_fmt_err *e)
{
	const char *key = nx_toml_str(d, n->key);
	struct nx_semver v;
	int r;
	if (!strcmp(key, "version")) {
		if ((r = str(d, n, key, m->version, sizeof(m->version), e)))
			return r;
		return nx_semver_parse(m->version, &v) ? schema(e, n, key, "is not SemVer") : 0;
	}
	if (!strcmp(key, "timestamp_unix_ms")) {
		if (n->kind != NX_TOML_INT)
			return schema(e, n, key, "must be an integer");
		if (n->num < 0 || (uint64_t)n->num > NX_NXS_TIMESTAMP_MS_MAX)
			return nx_fmt_fail(e, NX_FMT_ETOML_SCHEMA,
					   "line %u: '%s' is out of 0..%llu", n->line, key,
					   (unsigned long long)NX_NXS_TIMESTAMP_MS_MAX);
		m->timestamp_unix_ms = (uint64_t)n->num;
		return 0;
	}
	if (!strcmp(key, "health_check")) {
		if ((r = str(d, n, key, m->health_check, sizeof(m->health_check), e)))
			return r;
		return nx_bundle_name_ok(m->health_check)
			   ? 0
			   : schema(e, n, key, "is not a bundle name");
	}
	return schema(e, n, key, "is not a key of a system set source");
}

int nx_nxs_meta_from_toml(const char *src, size_t len, struct nx_nxs_meta *out,
			  struct nx_fmt_err *e)
{
	struct nx_toml_doc *d = malloc(sizeof(*d));
	struct nx_nxs_meta m = {{0}, 0, {0}};
	int r;
	if (!d)
		return nx_fmt_fail(e, NX_FMT_ENOMEM, "out of memory");
	if (!(r = nx_toml_parse(d, src, len, e)))
		for (int32_t i = d->nodes[0].first; !r && i != NX_TOML_NONE; i = d->nodes[i].next)
			r = key_value(d, &d->nodes[i], &m, e);
	if (!r && !m.version[0])
		r = nx_fmt_fail(e, NX_FMT_ETOML_SCHEMA, "'version' is required");
	if (!r)
		*out = m;
	free(d);
	return r;
}

/*
 * manifest.toml -> struct nx_manifest. Every key of the source maps to one
 * schema field (snake_case of its name); a key we do not know is an error,
 * not ignored, so a typo cannot silently drop a capability.
 */
#include <stdlib.h>
#include <string.h>

#include "fmt_fail.h"
#include "manifest_toml.h"
#include "toml.h"

struct ctx {
	const struct nx_toml_doc *d;
	struct nx_manifest *m;
	struct nx_fmt_err *e;
};

static const struct nx_toml_node *node(const struct ctx *c, int32_t i)
{
	return &c->d->nodes[i];
}

static const char *key_of(const struct ctx *c, int32_t i)
{
	return nx_toml_str(c->d, node(c, i)->key);
}

static int want(const struct ctx *c, int32_t i, enum nx_toml_kind kind, const char *what)
{
	if (node(c, i)->kind == kind)
		return 0;
	return nx_fmt_fail(c->e, NX_FMT_ETOML_SCHEMA, "line %u: '%s' must be %s", node(c, i)->line,
			   key_of(c, i), what);
}

/* A string value into dst[cap]. */
static int str(const struct ctx *c, int32_t i, char *dst, size_t cap)
{
	int r = want(c, i, NX_TOML_STRING, "a string");
	if (r)
		return r;
	if (node(c, i)->str_len >= cap)
		return nx_fmt_fail(c->e, NX_FMT_EMANIFEST_CAP,
				   "line %u: '%s' longer than %zu bytes", node(c, i)->line,
				   key_of(c, i), cap - 1);
	memcpy(dst, nx_toml_str(c->d, node(c, i)->str), node(c, i)->str_len + 1);
	return 0;
}

static int str_list(const struct ctx *c, int32_t i, size_t *n, char (*items)[NX_MANIFEST_TEXT_MAX])
{
	int r = want(c, i, NX_TOML_ARRAY, "an array of strings");
	*n = 0;
	for (int32_t el = r ? NX_TOML_NONE : node(c, i)->first; el != NX_TOML_NONE;
	     el = node(c, el)->next) {
		if (*n == NX_MANIFEST_LIST_MAX)
			return nx_fmt_fail(c->e, NX_FMT_EMANIFEST_CAP,
					   "line %u: '%s' has more than %d entries",
					   node(c, i)->line, key_of(c, i), NX_MANIFEST_LIST_MAX);
		if (node(c, el)->str_len >= NX_MANIFEST_TEXT_MAX)
			return nx_fmt_fail(c->e, NX_FMT_EMANIFEST_CAP,
					   "line %u: an entry of '%s' is longer than %d bytes",
					   node(c, el)->line, key_of(c, i),
					   NX_MANIFEST_TEXT_MAX - 1);
		memcpy(items[(*n)++], nx_toml_str(c->d, node(c, el)->str),
		       node(c, el)->str_len + 1);
	}
	return r;
}

static int hex(const struct ctx *c, int32_t i, uint8_t *out, size_t n, bool *has)
{
	char buf[2 * NX_DIGEST_LEN + 1];
	int r = str(c, i, buf, sizeof(buf));
	if (!r && strlen(buf) != 2 * n)
		r = NX_FMT_ETOML_SCHEMA;
	for (size_t k = 0; !r && k < n; k++) {
		char byte[3] = {buf[2 * k], buf[2 * k + 1], 0};
		char *end;
		if (!strchr("0123456789abcdef", byte[0]) || !strchr("0123456789abcdef", byte[1]))
			r = NX_FMT_ETOML_SCHEMA;
		else
			out[k] = (uint8_t)strtoul(byte, &end, 16);
	}
	if (r == NX_FMT_ETOML_SCHEMA)
		return nx_fmt_fail(c->e, r, "line %u: '%s' must be %zu lower-case hex digits",
				   node(c, i)->line, key_of(c, i), 2 * n);
	*has = r == 0;
	return r;
}

/* An enum given by name: *out = index into names[count]. */
static int named(const struct ctx *c, int32_t i, const char *(*name)(int), int count, int *out)
{
	char buf[NX_MANIFEST_TEXT_MAX];
	int r = str(c, i, buf, sizeof(buf));
	if (r)
		return r;
	for (int k = 0; k < count; k++)
		if (!strcmp(buf, name(k))) {
			*out = k;
			return 0;
		}
	return nx_fmt_fail(c->e, NX_FMT_ETOML_SCHEMA, "line %u: '%s' has no value \"%s\"",
			   node(c, i)->line, key_of(c, i), buf);
}

static const char *bundle_type(int k)
{
	return nx_bundle_type_name((enum nx_bundle_type)k);
}

static const char *payload_kind(int k)
{
	return nx_payload_kind_name((enum nx_payload_kind)k);
}

static const char *resource_kind(int k)
{
	return nx_resource_kind_name((enum nx_resource_kind)k);
}

static int unknown(const struct ctx *c, int32_t i)
{
	return nx_fmt_fail(c->e, NX_FMT_ETOML_SCHEMA, "line %u: unknown key '%s'", node(c, i)->line,
			   key_of(c, i));
}

/* The tables of a [[name]] array, each with the keys fill() knows. */
static int tables(const struct ctx *c, int32_t i, size_t *n,
		  int (*fill)(const struct ctx *, int32_t table, size_t idx))
{
	int r = want(c, i, NX_TOML_ARRAY_TABLES, "an array of tables ([[...]])");
	*n = 0;
	for (int32_t t = r ? NX_TOML_NONE : node(c, i)->first; t != NX_TOML_NONE;
	     t = node(c, t)->next) {
		if (*n == NX_MANIFEST_LIST_MAX)
			return nx_fmt_fail(c->e, NX_FMT_EMANIFEST_CAP,
					   "line %u: more than %d [[%s]] tables", node(c, t)->line,
					   NX_MANIFEST_LIST_MAX, key_of(c, i));
		if ((r = fill(c, t, *n)))
			return r;
		++*n;
	}
	return r;
}

/* Fills two required string keys a and b of one [[table]]. */
static int pair(const struct ctx *c, int32_t t, const char *ka, char *a, size_t acap,
		const char *kb, char *b, size_t bcap, int b_required)
{
	int has_a = 0, has_b = 0, r = 0;
	for (int32_t k = node(c, t)->first; !r && k != NX_TOML_NONE; k = node(c, k)->next) {
		if (!strcmp(key_of(c, k), ka) && (has_a = 1))
			r = str(c, k, a, acap);
		else if (!strcmp(key_of(c, k), kb) && (has_b = 1))
			r = str(c, k, b, bcap);
		else
			r = unknown(c, k);
	}
	if (!r && (!has_a || (b_required && !has_b)))
		r = nx_fmt_fail(c->e, NX_FMT_ETOML_SCHEMA, "line %u: table needs '%s'%s%s",
				node(c, t)->line, ka, b_required ? " and " : "",
				b_required ? kb : "");
	return r;
}

static int dependency(const struct ctx *c, int32_t t, size_t i)
{
	struct nx_manifest_dep *d = &c->m->dependencies[i];
	return pair(c, t, "name", d->name, sizeof(d->name), "version_constraint", d->constraint,
		    sizeof(d->constraint), 0);
}

static int export_decl(const struct ctx *c, int32_t t, size_t i)
{
	struct nx_manifest_export *x = &c->m->exports[i];
	return pair(c, t, "ability", x->ability, sizeof(x->ability), "permission", x->permission,
		    sizeof(x->permission), 1);
}

static int resource(const struct ctx *c, int32_t t, size_t i)
{
	struct nx_manifest_resource *res = &c->m->resources[i];
	int has_path = 0, kind = NX_RESOURCE_ICON, r = 0;
	for (int32_t k = node(c, t)->first; !r && k != NX_TOML_NONE; k = node(c, k)->next) {
		if (!strcmp(key_of(c, k), "path") && (has_path = 1))
			r = str(c, k, res->path, sizeof(res->path));
		else if (!strcmp(key_of(c, k), "kind"))
			r = named(c, k, resource_kind, NX_RESOURCE_KIND_COUNT, &kind);
		else
			r = unknown(c, k);
	}
	res->kind = (enum nx_resource_kind)kind;
	if (!r && !has_path)
		r = nx_fmt_fail(c->e, NX_FMT_ETOML_SCHEMA, "line %u: [[resources]] needs 'path'",
				node(c, t)->line);
	return r;
}

static int root_key(const struct ctx *c, int32_t i)
{
	struct nx_manifest *m = c->m;
	const char *k = key_of(c, i);
	int v, r;
	if (!strcmp(k, "schema_version")) {
		if ((r = want(c, i, NX_TOML_INT, "an integer")))
			return r;
		if (node(c, i)->num < 0 || node(c, i)->num > 255)
			return nx_fmt_fail(c->e, NX_FMT_ETOML_SCHEMA,
					   "line %u: schema_version out of 0..255",
					   node(c, i)->line);
		m->schema_version = (uint8_t)node(c, i)->num;
		return 0;
	}
	if (!strcmp(k, "name"))
		return str(c, i, m->name, sizeof(m->name));
	if (!strcmp(k, "semver"))
		return str(c, i, m->semver, sizeof(m->semver));
	if (!strcmp(k, "min_sdk"))
		return str(c, i, m->min_sdk, sizeof(m->min_sdk));
	if (!strcmp(k, "abilities"))
		return str_list(c, i, &m->n_abilities, m->abilities);
	if (!strcmp(k, "capabilities"))
		return str_list(c, i, &m->n_capabilities, m->capabilities);
	if (!strcmp(k, "provided_services"))
		return str_list(c, i, &m->n_provided_services, m->provided_services);
	if (!strcmp(k, "publisher"))
		return hex(c, i, m->publisher, NX_PUBLISHER_LEN, &m->has_publisher);
	if (!strcmp(k, "sbom_digest"))
		return hex(c, i, m->sbom_digest, NX_DIGEST_LEN, &m->has_sbom_digest);
	if (!strcmp(k, "repro_digest"))
		return hex(c, i, m->repro_digest, NX_DIGEST_LEN, &m->has_repro_digest);
	if (!strcmp(k, "bundle_type")) {
		if ((r = named(c, i, bundle_type, NX_BUNDLE_TYPE_COUNT, &v)))
			return r;
		m->bundle_type = (enum nx_bundle_type)v;
		return 0;
	}
	if (!strcmp(k, "payload_kind")) {
		if ((r = named(c, i, payload_kind, NX_PAYLOAD_KIND_COUNT, &v)))
			return r;
		m->payload_kind = (enum nx_payload_kind)v;
		return 0;
	}
	if (!strcmp(k, "dependencies"))
		return tables(c, i, &m->n_dependencies, dependency);
	if (!strcmp(k, "resources"))
		return tables(c, i, &m->n_resources, resource);
	if (!strcmp(k, "exports"))
		return tables(c, i, &m->n_exports, export_decl);
	return unknown(c, i);
}

int nx_manifest_from_toml(const char *src, size_t len, struct nx_manifest *out,
			  struct nx_fmt_err *e)
{
	struct nx_toml_doc *d = malloc(sizeof(*d));
	struct nx_manifest *m = calloc(1, sizeof(*m));
	struct ctx c = {d, m, e};
	int r;
	if (!d || !m) {
		r = nx_fmt_fail(e, NX_FMT_ENOMEM, "out of memory");
		goto out;
	}
	m->schema_version = NX_MANIFEST_SCHEMA_VERSION;
	if ((r = nx_toml_parse(d, src, len, e)))
		goto out;
	for (int32_t i = d->nodes[0].first; !r && i != NX_TOML_NONE; i = d->nodes[i].next)
		r = root_key(&c, i);
	if (!r && (!m->name[0] || !m->semver[0]))
		r = nx_fmt_fail(e, NX_FMT_ETOML_SCHEMA, "'name' and 'semver' are required");
	if (!r)
		*out = *m;
out:
	free(d);
	free(m);
	return r;
}

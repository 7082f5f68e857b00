/* The field rules of a manifest, applied after decoding and before encoding. */
#include <string.h>

#include "fmt_fail.h"
#include "manifest.h"

static const char *const bundle_types[NX_BUNDLE_TYPE_COUNT] = {
    "app",   "service", "library",  "driver",	   "framework",
    "shell", "greeter", "settings", "filemanager", "ime",
};
static const char *const payload_kinds[NX_PAYLOAD_KIND_COUNT] = {"elf", "uiProgram"};
static const char *const resource_kinds[NX_RESOURCE_KIND_COUNT] = {
    "icon", "cursor", "font", "wallpaper", "sound", "data",
};

const char *nx_bundle_type_name(enum nx_bundle_type t)
{
	return (unsigned)t < NX_BUNDLE_TYPE_COUNT ? bundle_types[t] : NULL;
}

const char *nx_payload_kind_name(enum nx_payload_kind k)
{
	return (unsigned)k < NX_PAYLOAD_KIND_COUNT ? payload_kinds[k] : NULL;
}

const char *nx_resource_kind_name(enum nx_resource_kind k)
{
	return (unsigned)k < NX_RESOURCE_KIND_COUNT ? resource_kinds[k] : NULL;
}

static int is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool nx_bundle_name_ok(const char *name)
{
	size_t n = strnlen(name, NX_BUNDLE_NAME_MAX);
	if (n == 0 || n == NX_BUNDLE_NAME_MAX || !(name[0] >= 'a' && name[0] <= 'z') ||
	    name[n - 1] == '.' || strstr(name, ".."))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_lower_alnum(name[i]) && !strchr("._-", name[i]))
			return false;
	return true;
}

/* A NUL-terminated string inside its array, of chars lo..0x7e, non-empty unless may_be_empty. */
static int text_ok(struct nx_fmt_err *e, const char *what, const char *s, size_t cap, char lo,
		   int may_be_empty)
{
	size_t n = strnlen(s, cap);
	if (n == cap)
		return nx_fmt_fail(e, NX_FMT_EMANIFEST_CAP, "%s: longer than %zu bytes", what,
				   cap - 1);
	if (n == 0 && !may_be_empty)
		return nx_fmt_fail(e, NX_FMT_EMANIFEST_FIELD, "%s: empty", what);
	for (size_t i = 0; i < n; i++)
		if (s[i] < lo || s[i] > 0x7e)
			return nx_fmt_fail(e, NX_FMT_EMANIFEST_FIELD,
					   "%s: byte 0x%02x at %zu is not allowed", what,
					   (unsigned char)s[i], i);
	return 0;
}

/* A list of tokens (printable ASCII, no space): capped, each valid, no duplicates. */
static int token_list_ok(struct nx_fmt_err *e, const char *what, size_t n,
			 const char (*items)[NX_MANIFEST_TEXT_MAX])
{
	if (n > NX_MANIFEST_LIST_MAX)
		return nx_fmt_fail(e, NX_FMT_EMANIFEST_CAP, "%s: %zu entries, at most %d", what, n,
				   NX_MANIFEST_LIST_MAX);
	for (size_t i = 0; i < n; i++) {
		int r = text_ok(e, what, items[i], NX_MANIFEST_TEXT_MAX, 0x21, 0);
		if (r)
			return r;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(items[i], items[j]))
				return nx_fmt_fail(e, NX_FMT_EMANIFEST_FIELD,
						   "%s: \"%s\" listed twice", what, items[i]);
	}
	return 0;
}

static int semver_ok(struct nx_fmt_err *e, const char *what, const char *s, int may_be_empty)
{
	struct nx_semver v;
	int r = text_ok(e, what, s, NX_SEMVER_MAX, 0x21, may_be_empty);
	if (r || !s[0])
		return r;
	if (nx_semver_parse(s, &v))
		return nx_fmt_fail(e, NX_FMT_EMANIFEST_FIELD, "%s: \"%s\" is not a SemVer version",
				   what, s);
	return 0;
}

/* Relative, '/'-separated segments of [A-Za-z0-9._-], none empty, "." or "..". */
static int path_ok(struct nx_fmt_err *e, const char *p)
{
	int r = text_ok(e, "resources.path", p, NX_MANIFEST_PATH_MAX, 0x21, 0);
	if (r)
		return r;
	for (const char *seg = p;;) {
		size_t n = strcspn(seg, "/");
		if (n == 0 || (n == 1 && seg[0] == '.') || (n == 2 && !strncmp(seg, "..", 2)))
			return nx_fmt_fail(e, NX_FMT_EMANIFEST_FIELD,
					   "resources.path: \"%s\" has an empty, \".\" or \"..\" "
					   "segment",
					   p);
		for (size_t i = 0; i < n; i++)
			if (!is_lower_alnum(seg[i]) && !(seg[i] >= 'A' && seg[i] <= 'Z') &&
			    !strchr("._-", seg[i]))
				return nx_fmt_fail(e, NX_FMT_EMANIFEST_FIELD,
						   "resources.path: \"%s\": '%c' not allowed", p,
						   seg[i]);
		if (!seg[n])
			return 0;
		seg += n + 1;
	}
}

static int lists_ok(const struct nx_manifest *m, struct nx_fmt_err *e)
{
	int r;
	if ((r = token_list_ok(e, "abilities", m->n_abilities, m->abilities)) ||
	    (r = token_list_ok(e, "capabilities", m->n_capabilities, m->capabilities)) ||
	    (r = token_list_ok(e, "provided_services", m->n_provided_services,
			       m->provided_services)))
		return r;
	if (m->n_dependencies > NX_MANIFEST_LIST_MAX || m->n_resources > NX_MANIFEST_LIST_MAX ||
	    m->n_exports > NX_MANIFEST_LIST_MAX)
		return nx_fmt_fail(e, NX_FMT_EMANIFEST_CAP,
				   "dependencies, resources or exports: more than %d entries",
				   NX_MANIFEST_LIST_MAX);
	for (size_t i = 0; i < m->n_dependencies; i++) {
		const struct nx_manifest_dep *d = &m->dependencies[i];
		if (!nx_bundle_name_ok(d->name))
			return nx_fmt_fail(e, NX_FMT_EMANIFEST_FIELD,
					   "dependencies[%zu].name: not a bundle name", i);
		if ((r = text_ok(e, "dependencies.version_constraint", d->constraint,
				 NX_MANIFEST_TEXT_MAX, 0x20, 1)))
			return r;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(d->name, m->dependencies[j].name))
				return nx_fmt_fail(e, NX_FMT_EMANIFEST_FIELD,
						   "dependencies: \"%s\" listed twice", d->name);
	}
	for (size_t i = 0; i < m->n_resources; i++) {
		const struct nx_manifest_resource *res = &m->resources[i];
		if ((r = path_ok(e, res->path)))
			return r;
		if ((unsigned)res->kind >= NX_RESOURCE_KIND_COUNT)
			return nx_fmt_fail(e, NX_FMT_EMANIFEST_FIELD,
					   "resources[%zu].kind: unknown value %u", i,
					   (unsigned)res->kind);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(res->path, m->resources[j].path))
				return nx_fmt_fail(e, NX_FMT_EMANIFEST_FIELD,
						   "resources: \"%s\" listed twice", res->path);
	}
	for (size_t i = 0; i < m->n_exports; i++)
		if ((r = text_ok(e, "exports.ability", m->exports[i].ability, NX_MANIFEST_TEXT_MAX,
				 0x21, 0)) ||
		    (r = text_ok(e, "exports.permission", m->exports[i].permission,
				 NX_MANIFEST_TEXT_MAX, 0x21, 0)))
			return r;
	return 0;
}

int nx_manifest_check(const struct nx_manifest *m, struct nx_fmt_err *e)
{
	int r;
	if (m->schema_version != NX_MANIFEST_SCHEMA_VERSION)
		return nx_fmt_fail(e, NX_FMT_EMANIFEST_VERSION, "schemaVersion %u, want %d",
				   m->schema_version, NX_MANIFEST_SCHEMA_VERSION);
	if ((r = text_ok(e, "name", m->name, NX_BUNDLE_NAME_MAX, 0x21, 0)))
		return r;
	if (!nx_bundle_name_ok(m->name))
		return nx_fmt_fail(e, NX_FMT_EMANIFEST_FIELD,
				   "name: \"%s\" is not [a-z][a-z0-9._-]* without \"..\" or a "
				   "trailing '.'",
				   m->name);
	if ((r = semver_ok(e, "semver", m->semver, 0)) ||
	    (r = semver_ok(e, "min_sdk", m->min_sdk, 1)))
		return r;
	if (m->payload_size == 0 || m->payload_size > NX_PAYLOAD_MAX)
		return nx_fmt_fail(e, NX_FMT_EMANIFEST_FIELD, "payloadSize %llu: want 1..%llu",
				   (unsigned long long)m->payload_size,
				   (unsigned long long)NX_PAYLOAD_MAX);
	if ((unsigned)m->bundle_type >= NX_BUNDLE_TYPE_COUNT)
		return nx_fmt_fail(e, NX_FMT_EMANIFEST_FIELD, "bundleType: unknown value %u",
				   (unsigned)m->bundle_type);
	if ((unsigned)m->payload_kind >= NX_PAYLOAD_KIND_COUNT)
		return nx_fmt_fail(e, NX_FMT_EMANIFEST_FIELD, "payloadKind: unknown value %u",
				   (unsigned)m->payload_kind);
	return lists_ok(m, e);
}

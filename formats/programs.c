/*
 * The program registry (programs.h): TOML through the manifest's reader
 * (toml.c), then each [[program]] checked key by key.
 */
#include <stdlib.h>
#include <string.h>

#include "fmt_fail.h"
#include "manifest.h"
#include "programs.h"
#include "semver.h"
#include "toml.h"

struct ctx {
	const struct nx_toml_doc *d;
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

static int is_text(const char *s)
{
	for (; *s != 0; s++)
		if (*s < 0x20 || *s > 0x7e)
			return 0;
	return 1;
}

int nx_program_name_ok(const char *name)
{
	size_t n = strnlen(name, NX_PROGRAM_NAME_MAX);

	if (n == 0 || n == NX_PROGRAM_NAME_MAX || !(name[0] >= 'a' && name[0] <= 'z'))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
		      name[i] == '_' || name[i] == '-'))
			return 0;
	return 1;
}

static int copy_out(const char *s, size_t n, char *dst, size_t cap)
{
	if (n >= cap)
		return -1;
	memcpy(dst, s, n);
	dst[n] = 0;
	return 0;
}

int nx_program_bundle(const char *path, char *name, size_t name_cap, char *version,
		      size_t version_cap)
{
	const size_t pkg = strlen(NX_PROGRAM_PKG_PREFIX),
		     packages = strlen(NX_PROGRAM_PACKAGES_PREFIX);
	char bname[NX_BUNDLE_NAME_MAX], ver[NX_SEMVER_MAX];
	struct nx_semver sv;

	if (strncmp(path, NX_PROGRAM_PKG_PREFIX, pkg) == 0) {
		if (copy_out(path + pkg, strlen(path + pkg), bname, sizeof(bname)) != 0 ||
		    !nx_bundle_name_ok(bname))
			return -1;
		if (version != NULL && version_cap > 0)
			version[0] = 0;
		return copy_out(bname, strlen(bname), name, name_cap);
	}
	if (strncmp(path, NX_PROGRAM_PACKAGES_PREFIX, packages) != 0)
		return -1;
	/* /packages/<name>@<version>/payload.elf */
	const char *p = path + packages, *at = strchr(p, '@'), *slash = strchr(p, '/');
	if (at == NULL || slash == NULL || at > slash ||
	    strcmp(slash + 1, NX_PROGRAM_PAYLOAD) != 0 ||
	    copy_out(p, (size_t)(at - p), bname, sizeof(bname)) != 0 || !nx_bundle_name_ok(bname) ||
	    copy_out(at + 1, (size_t)(slash - at - 1), ver, sizeof(ver)) != 0 ||
	    nx_semver_parse(ver, &sv) != 0)
		return -1;
	if (version != NULL && copy_out(ver, strlen(ver), version, version_cap) != 0)
		return -1;
	return copy_out(bname, strlen(bname), name, name_cap);
}

/* A string value of at most cap-1 bytes of printable ASCII into dst. */
static int text(const struct ctx *c, int32_t i, char *dst, size_t cap)
{
	const struct nx_toml_node *n = node(c, i);

	if (n->kind != NX_TOML_STRING)
		return nx_fmt_fail(c->e, NX_FMT_EPROGRAM, "line %u: '%s' must be a string", n->line,
				   key_of(c, i));
	if (n->str_len >= cap)
		return nx_fmt_fail(c->e, NX_FMT_EPROGRAM, "line %u: '%s' longer than %zu bytes",
				   n->line, key_of(c, i), cap - 1);
	memcpy(dst, nx_toml_str(c->d, n->str), n->str_len + 1);
	if (!is_text(dst))
		return nx_fmt_fail(c->e, NX_FMT_EPROGRAM,
				   "line %u: '%s' holds a control or non-ASCII character", n->line,
				   key_of(c, i));
	return 0;
}

static int args(const struct ctx *c, int32_t i, struct nx_program *p)
{
	const struct nx_toml_node *n = node(c, i);

	if (n->kind != NX_TOML_ARRAY)
		return nx_fmt_fail(c->e, NX_FMT_EPROGRAM,
				   "line %u: 'args' must be an array of strings", n->line);
	for (int32_t el = n->first; el != NX_TOML_NONE; el = node(c, el)->next) {
		const struct nx_toml_node *a = node(c, el);

		if (p->nargs == NX_PROGRAM_ARGS_MAX)
			return nx_fmt_fail(c->e, NX_FMT_EPROGRAM,
					   "line %u: 'args' has more than %d entries", n->line,
					   NX_PROGRAM_ARGS_MAX);
		if (a->str_len >= NX_PROGRAM_ARG_MAX)
			return nx_fmt_fail(c->e, NX_FMT_EPROGRAM,
					   "line %u: an entry of 'args' is longer than %d bytes",
					   a->line, NX_PROGRAM_ARG_MAX - 1);
		memcpy(p->args[p->nargs++], nx_toml_str(c->d, a->str), a->str_len + 1);
	}
	return 0;
}

static int program(const struct ctx *c, int32_t t, struct nx_program *p)
{
	uint32_t line = node(c, t)->line;
	char bundle[NX_BUNDLE_NAME_MAX];
	int have_name = 0, have_path = 0, have_desc = 0, r = 0;

	p->line = line;
	for (int32_t k = node(c, t)->first; k != NX_TOML_NONE && r == 0; k = node(c, k)->next) {
		const char *key = key_of(c, k);

		if (strcmp(key, "name") == 0) {
			r = text(c, k, p->name, sizeof(p->name));
			have_name = 1;
		} else if (strcmp(key, "path") == 0) {
			r = text(c, k, p->path, sizeof(p->path));
			have_path = 1;
		} else if (strcmp(key, "description") == 0) {
			r = text(c, k, p->desc, sizeof(p->desc));
			have_desc = 1;
		} else if (strcmp(key, "args") == 0) {
			r = args(c, k, p);
		} else {
			r = nx_fmt_fail(c->e, NX_FMT_EPROGRAM,
					"line %u: unknown key '%s' (a program has name, path, "
					"args, description)",
					node(c, k)->line, key);
		}
	}
	if (r != 0)
		return r;
	if (!have_name || !have_path || !have_desc)
		return nx_fmt_fail(c->e, NX_FMT_EPROGRAM, "line %u: [[program]] without '%s'", line,
				   !have_name	? "name"
				   : !have_path ? "path"
						: "description");
	if (!nx_program_name_ok(p->name))
		return nx_fmt_fail(c->e, NX_FMT_EPROGRAM,
				   "line %u: name '%s' is not 1 to %d of [a-z0-9_-] starting "
				   "with a letter",
				   line, p->name, NX_PROGRAM_NAME_MAX - 1);
	if (nx_program_bundle(p->path, bundle, sizeof(bundle), NULL, 0) != 0)
		return nx_fmt_fail(c->e, NX_FMT_EPROGRAM,
				   "line %u: path is neither pkg:/<bundle> nor "
				   "/packages/<bundle>@<version>/payload.elf: '%s'",
				   line, p->path);
	if (p->desc[0] == 0)
		return nx_fmt_fail(c->e, NX_FMT_EPROGRAM, "line %u: empty description", line);
	return 0;
}

static int programs(const struct ctx *c, struct nx_programs *out)
{
	for (int32_t k = node(c, 0)->first; k != NX_TOML_NONE; k = node(c, k)->next) {
		if (strcmp(key_of(c, k), "program") != 0 ||
		    node(c, k)->kind != NX_TOML_ARRAY_TABLES)
			return nx_fmt_fail(
			    c->e, NX_FMT_EPROGRAM,
			    "line %u: '%s': a registry holds [[program]] tables only",
			    node(c, k)->line, key_of(c, k));
		for (int32_t t = node(c, k)->first; t != NX_TOML_NONE; t = node(c, t)->next) {
			struct nx_program *p;
			int r;

			if (out->n == NX_PROGRAMS_MAX)
				return nx_fmt_fail(c->e, NX_FMT_EPROGRAM,
						   "line %u: more than %d programs",
						   node(c, t)->line, NX_PROGRAMS_MAX);
			p = &out->p[out->n];
			memset(p, 0, sizeof(*p));
			if ((r = program(c, t, p)) != 0)
				return r;
			if (nx_programs_find(out, p->name) != NULL)
				return nx_fmt_fail(c->e, NX_FMT_EPROGRAM,
						   "line %u: program '%s' defined twice", p->line,
						   p->name);
			out->n++;
		}
	}
	return 0;
}

int nx_programs_parse(struct nx_programs *out, const char *src, size_t len, struct nx_fmt_err *e)
{
	struct nx_toml_doc *d = malloc(sizeof(*d));
	int r;

	out->n = 0;
	if (d == NULL)
		return nx_fmt_fail(e, NX_FMT_ENOMEM, "out of memory reading the registry");
	r = nx_toml_parse(d, src, len, e);
	if (r == 0) {
		const struct ctx c = {d, e};
		r = programs(&c, out);
	}
	free(d);
	if (r != 0)
		out->n = 0;
	return r;
}

const struct nx_program *nx_programs_find(const struct nx_programs *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->p[i].name, name) == 0)
			return &r->p[i];
	return NULL;
}

/*
 * Path rules of the package tree. A path is refused before anything is
 * looked up: length first (cheap, certain), then NUL, then the prefix,
 * then every segment, then the shape. Each refusal names its rule.
 */
#include <stdio.h>
#include <string.h>

#include "nexus/err.h"
#include "nexus/svc_vfs.h"
#include "vfs_path.h"

static int name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-' || c == '+';
}

int vfs_path_name_ok(const char *s)
{
	size_t n = strnlen(s, NX_PATH_MAX);

	if (n == 0 || n >= NX_PATH_MAX || s[0] == '.')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!name_char_ok(s[i]))
			return 0;
	return 1;
}

/* Copy segment [s, s+n) into dst (NX_PATH_MAX bytes) after the generic segment rules. */
static int take_segment(const char *s, size_t n, char *dst, const char **why)
{
	if (n == 0) {
		*why = "empty path segment";
		return -NX_EINVAL;
	}
	if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.')) {
		*why = "'.' or '..' path segment";
		return -NX_EINVAL;
	}
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

static int check_name(const char *s, const char **why)
{
	if (!vfs_path_name_ok(s)) {
		*why = "path segment has a character outside [A-Za-z0-9._+-] or starts with '.'";
		return -NX_EINVAL;
	}
	return 0;
}

int vfs_path_parse(const char *path, size_t len, struct vfs_path *out, const char **why)
{
	static const char pkgs[] = NX_VFS_PACKAGES_PREFIX;
	static const char alias[] = NX_VFS_ALIAS_PREFIX;
	const char *rest, *end, *slash;
	char first[NX_PATH_MAX];
	int err;

	memset(out, 0, sizeof(*out));
	if (len >= NX_PATH_MAX) {
		*why = "path too long (NX_PATH_MAX)";
		return -NX_EINVAL;
	}
	if (memchr(path, '\0', len) != NULL) {
		*why = "NUL inside the path";
		return -NX_EINVAL;
	}
	if (len >= sizeof(pkgs) - 1 && memcmp(path, pkgs, sizeof(pkgs) - 1) == 0) {
		rest = path + sizeof(pkgs) - 1;
	} else if (len >= sizeof(alias) - 1 && memcmp(path, alias, sizeof(alias) - 1) == 0) {
		rest = path + sizeof(alias) - 1;
		out->alias = 1;
	} else {
		*why = "path is neither /packages/... nor pkg:/...";
		return -NX_EINVAL;
	}
	end = path + len;
	slash = memchr(rest, '/', (size_t)(end - rest));
	if (slash == NULL) {
		*why = "path names no file inside the package";
		return -NX_EINVAL;
	}
	if ((err = take_segment(rest, (size_t)(slash - rest), first, why)) != 0)
		return err;
	rest = slash + 1;
	if (memchr(rest, '/', (size_t)(end - rest)) != NULL) {
		/* Check every segment first, so "a/../b" is reported as "..", not as depth. */
		char seg[NX_PATH_MAX];
		for (const char *p = rest; p <= end;) {
			const char *q = memchr(p, '/', (size_t)(end - p));
			if (q == NULL)
				q = end;
			if ((err = take_segment(p, (size_t)(q - p), seg, why)) != 0)
				return err;
			p = q + 1;
		}
		*why = "path goes below a package's top level (bundles are flat)";
		return -NX_EINVAL;
	}
	if ((err = take_segment(rest, (size_t)(end - rest), out->file, why)) != 0 ||
	    (err = check_name(out->file, why)) != 0)
		return err;
	if (out->alias) {
		if (strchr(first, '@') != NULL) {
			*why = "pkg:/ takes a bare name; use /packages/<name>@<version>/ for a "
			       "version";
			return -NX_EINVAL;
		}
		memcpy(out->name, first, sizeof(first));
		return check_name(out->name, why);
	}
	char *at = strchr(first, '@');
	if (at == NULL || strchr(at + 1, '@') != NULL) {
		*why = "package directory is not <name>@<version>";
		return -NX_EINVAL;
	}
	*at = '\0';
	memcpy(out->name, first, (size_t)(at - first) + 1);
	memcpy(out->version, at + 1, strlen(at + 1) + 1);
	if ((err = check_name(out->name, why)) != 0 || (err = check_name(out->version, why)) != 0)
		return err;
	return 0;
}

int vfs_path_format(const struct vfs_path *p, char *buf, size_t cap)
{
	int n =
	    snprintf(buf, cap, "%s%s@%s/%s", NX_VFS_PACKAGES_PREFIX, p->name, p->version, p->file);

	if (n < 0 || (size_t)n >= cap || n >= NX_PATH_MAX)
		return -NX_EINVAL;
	return 0;
}

/*
 * The path rules of the package tree, shared by vfsd (which checks every
 * path a client sends), packagefsd (which checks again before it opens
 * anything) and execd (pkg:/ targets). Pure string work: no I/O.
 */
#ifndef NEXUS_VFS_PATH_H
#define NEXUS_VFS_PATH_H

#include <stddef.h>

#include "nexus/limits.h"

/* A checked path: "/packages/<name>@<version>/<file>" or "pkg:/<name>/<file>". */
struct vfs_path {
	int alias;		   /* 1 for pkg:/, then version is empty */
	char name[NX_PATH_MAX];	   /* bundle name */
	char version[NX_PATH_MAX]; /* semver text */
	char file[NX_PATH_MAX];	   /* a member of the bundle directory */
};

/*
 * Check `len` bytes at `path` (no NUL expected) and split them into `out`.
 * Returns 0, or -NX_EINVAL with *why set to a fixed message naming the
 * rule the path broke (never NULL then).
 */
__attribute__((warn_unused_result)) int vfs_path_parse(const char *path, size_t len,
						       struct vfs_path *out, const char **why);

/*
 * Write "/packages/<name>@<version>/<file>" for `p` into `buf` (cap bytes).
 * Returns 0, or -NX_EINVAL if it would not fit below NX_PATH_MAX.
 */
__attribute__((warn_unused_result)) int vfs_path_format(const struct vfs_path *p, char *buf,
							size_t cap);

/* 1 if `s` (NUL-terminated) is a safe bundle name or version: [A-Za-z0-9._+-], not
 * empty, not starting with '.', shorter than NX_PATH_MAX. */
int vfs_path_name_ok(const char *s);

#endif

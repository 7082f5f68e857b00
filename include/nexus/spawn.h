/*
 * spawn_attrs (nexus/syscall.h NX_SYS_SPAWN_ATTRS): spawn with the
 * attributes plain spawn cannot carry. The kernel copies this struct in
 * whole; every reserved byte must be zero (-NX_EINVAL otherwise), so a
 * later version can give them a meaning.
 */
#ifndef NEXUS_SPAWN_H
#define NEXUS_SPAWN_H

#include <stddef.h>
#include <stdint.h>

#include "nexus/limits.h"

#define NX_SPAWN_ATTRS_VERSION 2 /* 1 is accepted too: flags and parent were its reserved[0] */

struct nx_spawn_attrs {
	uint32_t version;	     /* NX_SPAWN_ATTRS_VERSION */
	uint32_t caps;		     /* NX_CAP_* for the child: a subset of the spawner's */
	char name[NX_TASK_NAME_MAX]; /* 1..NX_TASK_NAME_MAX-1 bytes, NUL-terminated */
	uint32_t flags;		     /* NX_SPAWN_* (version 2) */
	uint32_t parent;      /* host callers: the live task whose child it is; 0 the caller */
	uint64_t reserved[3]; /* zero */
};

/* The child gets a seed endpoint as its handle NX_SEED_HANDLE (nexus/bootstrap.h). */
#define NX_SPAWN_SEED 1u
/*
 * Its end (exit code or crash record) is reported to the platform, which
 * tells execd (NX_EXEC_ENDED): a child nx_spawn_path started, whose
 * parent, not execd, waits for it.
 */
#define NX_SPAWN_REPORT 2u
#define NX_SPAWN_FLAGS (NX_SPAWN_SEED | NX_SPAWN_REPORT)

_Static_assert(sizeof(struct nx_spawn_attrs) == 72, "nx_spawn_attrs size");
_Static_assert(offsetof(struct nx_spawn_attrs, version) == 0, "nx_spawn_attrs.version");
_Static_assert(offsetof(struct nx_spawn_attrs, caps) == 4, "nx_spawn_attrs.caps");
_Static_assert(offsetof(struct nx_spawn_attrs, name) == 8, "nx_spawn_attrs.name");
_Static_assert(offsetof(struct nx_spawn_attrs, flags) == 40, "nx_spawn_attrs.flags");
_Static_assert(offsetof(struct nx_spawn_attrs, parent) == 44, "nx_spawn_attrs.parent");
_Static_assert(offsetof(struct nx_spawn_attrs, reserved) == 48, "nx_spawn_attrs.reserved");

#endif

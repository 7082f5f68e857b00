/* samgrd's table of registered services: name -> the service's registry connection. */
#ifndef SAMGRD_REGISTRY_H
#define SAMGRD_REGISTRY_H

#include <stddef.h>

#include "nexus/limits.h"

#define REGISTRY_MAX 32 /* registered services; init starts fewer than a dozen */

struct nxd_conn;

struct registry {
	struct {
		char name[NX_SVC_NAME_MAX];
		struct nxd_conn *conn; /* NULL: free slot */
	} e[REGISTRY_MAX];
};

/*
 * Register `name` (len bytes, no NUL) for connection c, whose peer name
 * it must equal. 0, or -NX_EINVAL bad name, -NX_EPERM not the peer's own
 * name, -NX_EEXIST registered by a live connection, -NX_ENOSPC full.
 */
int registry_register(struct registry *r, struct nxd_conn *c, const char *name, size_t len);
struct nxd_conn *registry_lookup(const struct registry *r, const char *name);
/* The connection closed: its registration goes with it. */
void registry_forget(struct registry *r, const struct nxd_conn *c);

#endif

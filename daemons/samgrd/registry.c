/*
 * Registrations live exactly as long as the registering connection, so a
 * daemon that dies (and is restarted by init) can register again.
 */
#include <string.h>

#include "nxd.h"
#include "registry.h"

int registry_register(struct registry *r, struct nxd_conn *c, const char *name, size_t len)
{
	size_t free_slot = REGISTRY_MAX;

	if (!nx_svc_name_ok(name, len))
		return -NX_EINVAL;
	if (strlen(nxd_conn_peer(c)) != len || memcmp(nxd_conn_peer(c), name, len) != 0)
		return -NX_EPERM;
	for (size_t i = 0; i < REGISTRY_MAX; i++) {
		if (r->e[i].conn == NULL) {
			if (free_slot == REGISTRY_MAX)
				free_slot = i;
			continue;
		}
		if (strcmp(r->e[i].name, nxd_conn_peer(c)) == 0)
			return -NX_EEXIST;
	}
	if (free_slot == REGISTRY_MAX)
		return -NX_ENOSPC;
	memcpy(r->e[free_slot].name, name, len);
	r->e[free_slot].name[len] = 0;
	r->e[free_slot].conn = c;
	return 0;
}

struct nxd_conn *registry_lookup(const struct registry *r, const char *name)
{
	for (size_t i = 0; i < REGISTRY_MAX; i++)
		if (r->e[i].conn != NULL && strcmp(r->e[i].name, name) == 0)
			return r->e[i].conn;
	return NULL;
}

void registry_forget(struct registry *r, const struct nxd_conn *c)
{
	for (size_t i = 0; i < REGISTRY_MAX; i++)
		if (r->e[i].conn == c)
			r->e[i].conn = NULL;
}

/* The NX_EXEC_RUN request: every string accounted for, nothing trailing. */
#include <string.h>

#include "exec_req.h"
#include "vfs_path.h"
#include "nexus/err.h"
#include "nexus/svc_bundle.h"
#include "nexus/svc_exec.h"
#include "nexus/svc_vfs.h"

/* Take the next NUL-terminated string at *off, or NULL if none ends inside the body. */
static const char *next_string(const uint8_t *body, size_t len, size_t *off)
{
	if (*off >= len)
		return NULL;
	const uint8_t *nul = memchr(body + *off, '\0', len - *off);
	if (nul == NULL)
		return NULL;
	const char *s = (const char *)body + *off;
	*off = (size_t)(nul - body) + 1;
	return s;
}

int exec_req_parse(const uint8_t *body, size_t len, struct exec_req *out, const char **why)
{
	struct nx_exec_req h;
	size_t off = sizeof(h);

	if (len < sizeof(h)) {
		*why = "request shorter than its header";
		return -NX_EINVAL;
	}
	memcpy(&h, body, sizeof(h));
	if (h.argc > NX_ARGC_MAX || h.envc > NX_ENVC_MAX) {
		*why = "argc over NX_ARGC_MAX or envc over NX_ENVC_MAX";
		return -NX_EINVAL;
	}
	out->argc = h.argc;
	out->envc = h.envc;
	if ((out->target = next_string(body, len, &off)) == NULL) {
		*why = "target missing or not NUL-terminated";
		return -NX_EINVAL;
	}
	for (size_t i = 0; i < h.argc; i++)
		if ((out->argv[i] = next_string(body, len, &off)) == NULL) {
			*why = "fewer argv strings than argc";
			return -NX_EINVAL;
		}
	out->argv[h.argc] = NULL;
	for (size_t i = 0; i < h.envc; i++)
		if ((out->envp[i] = next_string(body, len, &off)) == NULL) {
			*why = "fewer env strings than envc";
			return -NX_EINVAL;
		}
	out->envp[h.envc] = NULL;
	if (off != len) {
		*why = "bytes after the last string";
		return -NX_EINVAL;
	}
	return 0;
}

static int put(uint8_t *buf, size_t cap, size_t *off, const char *s)
{
	size_t n = strlen(s) + 1;
	if (n > cap - *off)
		return -NX_EMSGSIZE;
	memcpy(buf + *off, s, n);
	*off += n;
	return 0;
}

int exec_req_encode(uint8_t *buf, size_t cap, const char *target, const char *const *argv,
		    size_t argc, const char *const *envp, size_t envc)
{
	struct nx_exec_req h = {.argc = (uint32_t)argc, .envc = (uint32_t)envc};
	size_t off = sizeof(h);
	int err;

	if (argc > NX_ARGC_MAX || envc > NX_ENVC_MAX)
		return -NX_EINVAL;
	if (cap < sizeof(h))
		return -NX_EMSGSIZE;
	memcpy(buf, &h, sizeof(h));
	if ((err = put(buf, cap, &off, target)) != 0)
		return err;
	for (size_t i = 0; i < argc; i++)
		if ((err = put(buf, cap, &off, argv[i])) != 0)
			return err;
	for (size_t i = 0; i < envc; i++)
		if ((err = put(buf, cap, &off, envp[i])) != 0)
			return err;
	return (int)off;
}

int exec_target(const char *target, char name[NX_BUNDLE_NAME_MAX], char version[NX_SEMVER_MAX],
		const char **why)
{
	struct vfs_path p;
	size_t len = strlen(target);

	version[0] = '\0';
	if ((len >= 5 && memcmp(target, NX_VFS_ALIAS_PREFIX, 5) == 0) ||
	    (len >= 10 && memcmp(target, NX_VFS_PACKAGES_PREFIX, 10) == 0)) {
		if (vfs_path_parse(target, len, &p, why) != 0)
			return -NX_EINVAL;
		if (strcmp(p.file, NX_BUNDLE_PAYLOAD) != 0) {
			*why = "only a bundle's " NX_BUNDLE_PAYLOAD " can be executed";
			return -NX_EINVAL;
		}
		if (!p.alias && strlen(p.version) >= NX_SEMVER_MAX) {
			*why = "version longer than NX_SEMVER_MAX";
			return -NX_EINVAL;
		}
		if (!p.alias)
			strcpy(version, p.version);
		target = p.name;
	}
	if (!nx_bundle_name_ok(target)) {
		*why = "not a bundle name";
		return -NX_EINVAL;
	}
	strcpy(name, target);
	return 0;
}

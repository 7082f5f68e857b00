/*
 * The NX_EXEC_RUN request (nexus/svc_exec.h): encoding for clients,
 * checking decoding for execd, and the target rules. No I/O.
 */
#ifndef NEXUS_EXEC_REQ_H
#define NEXUS_EXEC_REQ_H

#include <stddef.h>
#include <stdint.h>

#include "manifest.h"
#include "semver.h"
#include "nexus/limits.h"

struct exec_req {
	const char *target; /* points into the body */
	size_t argc, envc;
	const char *argv[NX_ARGC_MAX + 1]; /* NULL-terminated */
	const char *envp[NX_ENVC_MAX + 1]; /* NULL-terminated */
};

/*
 * Split a request body: struct nx_exec_req, then exactly 1 + argc + envc
 * NUL-terminated strings and nothing after. The strings stay in `body`.
 * Returns 0 or -NX_EINVAL with *why a fixed message.
 */
__attribute__((warn_unused_result)) int exec_req_parse(const uint8_t *body, size_t len,
						       struct exec_req *out, const char **why);

/* Encode a request into buf; returns its length, or -NX_EINVAL / -NX_EMSGSIZE. */
__attribute__((warn_unused_result)) int exec_req_encode(uint8_t *buf, size_t cap,
							const char *target, const char *const *argv,
							size_t argc, const char *const *envp,
							size_t envc);

/*
 * The bundle a target names: a bundle name as is, the <name> of
 * "pkg:/<name>/payload.elf", or the <name> and <version> of
 * "/packages/<name>@<version>/payload.elf", checked by the vfs path
 * rules. version is "" but for the last: the newest installed runs, as
 * vfsd resolves pkg:/. Returns 0 or -NX_EINVAL with *why.
 */
__attribute__((warn_unused_result)) int exec_target(const char *target,
						    char name[NX_BUNDLE_NAME_MAX],
						    char version[NX_SEMVER_MAX], const char **why);

#endif

/*
 * execd: runs a bundle's payload as a task and reports how it ended.
 *
 * NX_EXEC_RUN     body: struct nx_exec_req, then NUL-terminated strings: the
 *                 target, argc argv strings, envc env strings; nothing after.
 *                 The target is a bundle name ("demo.hello") or
 *                 "pkg:/<name>/payload.elf", either of which runs the newest
 *                 installed version (what vfsd resolves the alias to), or
 *                 "/packages/<name>@<version>/payload.elf", that one. With
 *                 argc 0 the payload's argv[0] is the bundle name.
 *                 reply: arg = the task's pid once it is spawned, body empty.
 *                 A refusal (bundle not installed or not verified,
 *                 the loader refused the ELF, the kernel refused a mapping):
 *                 arg = -NX_E*, body = one line naming the bundle and the
 *                 problem (the loader's "NXL_E_NAME: message" for a bad ELF), at
 *                 most NX_ERRMSG_MAX bytes (nexus/svc.h).
 * NX_EXEC_EXITED  execd -> the client, unsolicited, once the task spawned by a
 *                 RUN on this connection has ended: id = that RUN's id, body =
 *                 struct nx_exec_result. No reply. One RUN per connection.
 *
 * The seed connection: execd opens it at start with KCONNECT named
 * NX_EXEC_SEED_CONN, and the kernel process carries payloads' seed
 * requests over it (docs/abi.md "The seed endpoint"):
 * NX_EXEC_SPAWN   kernel process -> execd: task `arg` called nx_spawn_path.
 *                 fd = a memfd (read-only) holding the request: struct
 *                 nx_exec_req, then NUL-terminated strings, the path,
 *                 argc argv strings, envc env strings (NX_EXEC_RUN's body,
 *                 target = the path); body = struct nx_spawn_req. reply:
 *                 arg = the child's pid (the caller's child, spawned with
 *                 NX_SPAWN_SEED) or -NX_E* as nx_spawn_path returns it;
 *                 body = one line on a refusal.
 * NX_EXEC_ENDED   kernel process -> execd: a task spawned with NX_SPAWN_SEED
 *                 ended; arg = its pid, body = struct nx_exec_result. No
 *                 reply: execd reports a crash as it does a RUN's.
 * The message a payload sends on its seed for nx_spawn_path has ty
 * NX_EXEC_SPAWN and carries the request VMO; the answer it receives has
 * ty NX_EXEC_SPAWN and 8 bytes of data, the int64 result.
 */
#ifndef NEXUS_SVC_EXEC_H
#define NEXUS_SVC_EXEC_H

#include <stddef.h>
#include <stdint.h>

#include "nexus/limits.h"
#include "nexus/task.h"

#define NX_SVC_EXECD "execd"

#define NX_EXEC_RUN 0x0a01
#define NX_EXEC_EXITED 0x0a02
#define NX_EXEC_SPAWN 0x0a03
#define NX_EXEC_ENDED 0x0a04

#define NX_EXEC_SEED_CONN "execd.seed"

/* NX_EXEC_SPAWN's body, and the data of a payload's seed message for it. */
struct nx_spawn_req {
	uint32_t bytes; /* of the request in the memfd / VMO */
	uint32_t flags; /* zero */
};

_Static_assert(sizeof(struct nx_spawn_req) == 8, "nx_spawn_req size");
_Static_assert(offsetof(struct nx_spawn_req, bytes) == 0, "nx_spawn_req.bytes");
_Static_assert(offsetof(struct nx_spawn_req, flags) == 4, "nx_spawn_req.flags");

/* Bytes of a whole nx_spawn_path request: the header, the path, every string, their NULs. */
#define NX_SPAWN_REQ_BYTES_MAX                                                                     \
	(sizeof(struct nx_exec_req) + NX_SPAWN_PATH_MAX + 1 +                                      \
	 (NX_SPAWN_ARGS_MAX + NX_SPAWN_ENVS_MAX) * (NX_SPAWN_STR_MAX + 1))

struct nx_exec_req {
	uint32_t argc; /* <= NX_ARGC_MAX */
	uint32_t envc; /* <= NX_ENVC_MAX */
};

_Static_assert(sizeof(struct nx_exec_req) == 8, "nx_exec_req size");
_Static_assert(offsetof(struct nx_exec_req, argc) == 0, "nx_exec_req.argc");
_Static_assert(offsetof(struct nx_exec_req, envc) == 4, "nx_exec_req.envc");

/* The same layout as nx_ctl_result (nexus/svc.h): init passes it up unchanged. */
struct nx_exec_result {
	uint64_t status;       /* the wait status word (nexus/task.h) */
	uint64_t pid;	       /* the task's pid */
	struct nx_crash crash; /* the crash record when NX_WAIT_IS_CRASH(status), else zero */
};

_Static_assert(sizeof(struct nx_exec_result) == 16 + sizeof(struct nx_crash),
	       "nx_exec_result size");
_Static_assert(offsetof(struct nx_exec_result, status) == 0, "nx_exec_result.status");
_Static_assert(offsetof(struct nx_exec_result, pid) == 8, "nx_exec_result.pid");
_Static_assert(offsetof(struct nx_exec_result, crash) == 16, "nx_exec_result.crash");

#endif

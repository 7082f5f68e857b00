/*
 * execd: runs a bundle's payload as a task and reports how it ended.
 *
 * NX_EXEC_RUN     body: struct nx_exec_req, then NUL-terminated strings: the
 *                 target, argc argv strings, envc env strings; nothing after.
 *                 The target is a bundle name ("demo.hello") or
 *                 "pkg:/<name>/payload.elf"; either runs the newest installed
 *                 version (what vfsd resolves the alias to). With
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
 */
#ifndef NEXUS_SVC_EXEC_H
#define NEXUS_SVC_EXEC_H

#include <stddef.h>
#include <stdint.h>

#include "nexus/task.h"

#define NX_SVC_EXECD "execd"

#define NX_EXEC_RUN 0x0a01
#define NX_EXEC_EXITED 0x0a02

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

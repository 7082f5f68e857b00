/*
 * The IPC frame. Every message on a SOCK_SEQPACKET socketpair is one frame:
 * this 32-byte header, then exactly `len` body bytes (at most
 * NX_FRAME_BODY_MAX), and at most NX_FRAME_FDS_MAX fds by SCM_RIGHTS.
 * Little-endian, explicit padding, no compiler-dependent layout.
 */
#ifndef NEXUS_FRAME_H
#define NEXUS_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "nexus/limits.h"

struct nx_frame {
	uint32_t kind;	/* operation, NX_FRAME_* or a service's kind */
	uint32_t len;	/* body bytes that follow */
	uint64_t arg;	/* small argument, or the result in a reply */
	uint8_t id[16]; /* request id, echoed in the reply */
};

_Static_assert(sizeof(struct nx_frame) == 32, "nx_frame size");
_Static_assert(offsetof(struct nx_frame, kind) == 0, "nx_frame.kind");
_Static_assert(offsetof(struct nx_frame, len) == 4, "nx_frame.len");
_Static_assert(offsetof(struct nx_frame, arg) == 8, "nx_frame.arg");
_Static_assert(offsetof(struct nx_frame, id) == 16, "nx_frame.id");

/*
 * Frame kinds. Each protocol has its own range of 0x100 so a stray frame
 * is recognisably someone else's. Service kinds live in nexus/svc.h.
 */
#define NX_FRAME_REPLY 0x0001 /* arg = result (negative = -NX_E*), body = data */
#define NX_FRAME_KCALL 0x0100 /* arg = syscall number, body = nx_kcall + input */

/*
 * A kernel call from a host daemon. Pointer arguments name bytes in the
 * frame, not host memory: an input pointer is an offset into `data`
 * (what follows the six arguments in the body), an output pointer is an
 * offset into the reply's body. The kernel checks both against the bytes
 * that actually arrived and the cap, exactly as it checks a payload's
 * pointers against its address space.
 */
struct nx_kcall {
	uint64_t a[6];
};

_Static_assert(sizeof(struct nx_kcall) == 48, "nx_kcall size");
_Static_assert(offsetof(struct nx_kcall, a) == 0, "nx_kcall.a");

#define NX_KCALL_DATA_MAX (NX_FRAME_BODY_MAX - sizeof(struct nx_kcall))

#endif

/*
 * Kernel call numbers. A payload puts the number in a7 and arguments in
 * a0..a5, executes ecall, and finds the result in a0; a host daemon sends
 * the same call as an NX_FRAME_KCALL frame on its kernel socket (frame.h).
 * Numbers follow the upstream Nexus kernel where it has one; our additions
 * take free numbers below NX_SYS_MAX. docs/abi.md describes each call.
 */
#ifndef NEXUS_SYSCALL_H
#define NEXUS_SYSCALL_H

/* Upstream numbers. */
#define NX_SYS_YIELD 0
#define NX_SYS_VMO_CREATE 5
#define NX_SYS_VMO_WRITE 6
#define NX_SYS_SPAWN 7
#define NX_SYS_CAP_TRANSFER 8
#define NX_SYS_AS_CREATE 9
#define NX_SYS_AS_MAP 10
#define NX_SYS_EXIT 11
#define NX_SYS_WAIT 12
#define NX_SYS_IPC_SEND 14
#define NX_SYS_DEBUG_PUTC 16
#define NX_SYS_IPC_RECV 18
#define NX_SYS_DEBUG_WRITE 44
#define NX_SYS_WAIT_NOHANG 52

/* nexus-sim additions, any caller. */
#define NX_SYS_HANDLE_CLOSE 20
#define NX_SYS_TASK_CRASH 21 /* (pid, struct nx_crash *out) */
#define NX_SYS_GETPID 22
#define NX_SYS_SPAWN_ATTRS 23	 /* (as, entry, sp, a0, struct nx_spawn_attrs *, its size) */
#define NX_SYS_CHANNEL_CREATE 24 /* (uint32_t out[2]) -> 0, two handles: the channel's ends */
#define NX_SYS_CLOCK 25		 /* () -> the kernel's deterministic clock, in ticks */
#define NX_SYS_UCOPY 26		 /* (dst, src, len, flags) -> bytes: a copy that cannot fault */

/* ucopy flags. */
#define NX_UCOPY_STRING 1u /* stop after the first NUL; none within len: -NX_ENAMETOOLONG */

/* nexus-sim additions, host callers only (a payload gets -NX_EPERM). */
#define NX_SYS_VMO_EXPORT 40 /* (vmo) -> 0, the VMO's memfd by SCM_RIGHTS */
#define NX_SYS_VMO_IMPORT 41 /* memfd by SCM_RIGHTS, (flags) -> vmo handle */
#define NX_SYS_KCONNECT 42   /* (name ptr, len) -> 0, a fresh kernel socket */
#define NX_SYS_TASK_KILL 43  /* (pid) -> 0 */

#define NX_SYS_MAX 64 /* every number is below this */

/* vmo_import flags. */
#define NX_VMO_IMPORT_EXEC 1u /* may be mapped executable: memfd must be sealed (abi.md) */

#endif

/*
 * Channels (nexus/syscall.h NX_SYS_CHANNEL_CREATE, NX_SYS_IPC_SEND,
 * NX_SYS_IPC_RECV, NX_SYS_CAP_TRANSFER): a message is the upstream
 * MsgHeader, up to NX_CHAN_MSG_BYTES_MAX bytes and up to
 * NX_CHAN_HANDLES_MAX handles. docs/abi.md describes each call.
 */
#ifndef NEXUS_IPC_H
#define NEXUS_IPC_H

#include <stddef.h>
#include <stdint.h>

/* The upstream MsgHeader. */
struct nx_msg_hdr {
	uint32_t src;	/* received: the sender's pid (0: a host caller); ignored on send */
	uint32_t dst;	/* carried as sent */
	uint16_t ty;	/* carried as sent */
	uint16_t flags; /* send / recv: NX_IPC_*; received: NX_IPC_TRUNCATE if bytes were dropped */
	uint32_t len;	/* send: bytes of data; recv: in, room in the buffer; out, the message's */
};

/* Flags in nx_msg_hdr.flags. */
#define NX_IPC_NONBLOCK 1u /* send, recv: -NX_EAGAIN instead of blocking */
#define NX_IPC_TRUNCATE 2u /* recv: drop what does not fit instead of -NX_EMSGSIZE */
#define NX_IPC_CAP_MOVE 4u /* send: the sender loses the handles it sends */
#define NX_IPC_SEND_FLAGS (NX_IPC_NONBLOCK | NX_IPC_CAP_MOVE)
#define NX_IPC_RECV_FLAGS (NX_IPC_NONBLOCK | NX_IPC_TRUNCATE)

/* cap_transfer flags. */
#define NX_CAP_MOVE 1u /* the caller loses the handle */

/*
 * A handle in a message. Send: the sender's handle and the rights the
 * receiver gets (a subset of the sender's). Recv: the receiver's new
 * handle and its rights.
 */
struct nx_ipc_handle {
	uint32_t handle;
	uint32_t rights;
};

_Static_assert(sizeof(struct nx_msg_hdr) == 16, "nx_msg_hdr size");
_Static_assert(offsetof(struct nx_msg_hdr, src) == 0, "nx_msg_hdr.src");
_Static_assert(offsetof(struct nx_msg_hdr, dst) == 4, "nx_msg_hdr.dst");
_Static_assert(offsetof(struct nx_msg_hdr, ty) == 8, "nx_msg_hdr.ty");
_Static_assert(offsetof(struct nx_msg_hdr, flags) == 10, "nx_msg_hdr.flags");
_Static_assert(offsetof(struct nx_msg_hdr, len) == 12, "nx_msg_hdr.len");
_Static_assert(sizeof(struct nx_ipc_handle) == 8, "nx_ipc_handle size");

#endif

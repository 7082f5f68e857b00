/*
 * Kernel calls from a host daemon: an NX_FRAME_KCALL frame on the
 * daemon's kernel socket, answered by one NX_FRAME_REPLY (nexus/frame.h).
 * The kernel may hold a reply back (wait); through a loop connection
 * other replies that overtake it are queued, not lost.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nxd.h"
#include "nexus/err.h"

static long kcall_frame(struct nxd_conn *c, int sock, unsigned nr, const uint64_t a[6],
			const void *in, size_t inlen, void *out, size_t outcap, int fd_in,
			int *fd_out)
{
	struct nx_kcall k;
	struct nx_msg *reply;
	uint8_t *body;
	int64_t res;

	if (fd_out != NULL)
		*fd_out = -1;
	if (inlen > NX_KCALL_DATA_MAX)
		return -NX_EMSGSIZE;
	body = malloc(sizeof(k) + inlen);
	reply = malloc(sizeof(*reply));
	if (body == NULL || reply == NULL) {
		free(body);
		free(reply);
		return -NX_ENOMEM;
	}
	memset(&k, 0, sizeof(k));
	if (a != NULL)
		memcpy(k.a, a, sizeof(k.a));
	memcpy(body, &k, sizeof(k));
	if (inlen > 0)
		memcpy(body + sizeof(k), in, inlen);
	nx_msg_init(reply);
	res = nxd_call(c, sock, NX_FRAME_KCALL, nr, body, sizeof(k) + inlen, fd_in, reply,
		       NX_DEADLINE_KERNEL_MS);
	if (reply->have_hdr && reply->hdr.kind == NX_FRAME_REPLY) {
		size_t n = reply->len < outcap ? reply->len : outcap;

		if (n > 0 && out != NULL)
			memcpy(out, reply->body, n);
		if (fd_out != NULL)
			*fd_out = nx_msg_take_fd(reply);
	}
	nx_msg_release(reply);
	free(reply);
	free(body);
	return (long)res;
}

long nxd_kcall_on(struct nxd_conn *kernel, unsigned nr, const uint64_t a[6], const void *in,
		  size_t inlen, void *out, size_t outcap, int fd_in, int *fd_out)
{
	return kcall_frame(kernel, -1, nr, a, in, inlen, out, outcap, fd_in, fd_out);
}

long nxd_kcall_sock(int sock, unsigned nr, const uint64_t a[6], const void *in, size_t inlen,
		    void *out, size_t outcap, int fd_in, int *fd_out)
{
	return kcall_frame(NULL, sock, nr, a, in, inlen, out, outcap, fd_in, fd_out);
}

/*
 * Signature checks through keystored (nxd.h nxd_key_verify): bundlemgrd
 * and updated hold no key. A message
 * that fits a frame travels inline; a bigger one (a manifest may reach
 * NX_MANIFEST_MAX) as a sealed memfd, so keystored reads exactly what
 * was sent.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "nxd.h"
#include "nexus/svc_key.h"
#include "sig.h"

static int sealed_copy(const void *msg, size_t len)
{
	int fd = memfd_create("signed", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -1;
	const uint8_t *p = msg;
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fd, p + off, len - off);
		if (w <= 0) {
			close(fd);
			return -1;
		}
		off += (size_t)w;
	}
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int nxd_key_verify(void *ctx, const struct nx_sig *sig, const void *msg, size_t len, char *why,
		   size_t cap)
{
	struct nxd_peer *keystored = ctx;
	size_t inl = len <= NX_KEY_INLINE_MAX ? len : 0;
	uint8_t *body = malloc(sizeof(struct nx_key_verify) + inl);
	struct nx_msg *reply = malloc(sizeof(*reply));
	struct nx_key_verify req;
	char hex[NX_KEY_ID_CHARS + 1];
	int fd = -1;
	int64_t res;

	if (body == NULL || reply == NULL) {
		snprintf(why, cap, "out of memory");
		res = -NX_ENOMEM;
		goto out;
	}
	nx_sig_key_id_hex(sig->key_id, hex);
	memcpy(req.key_id, hex, NX_KEY_ID_CHARS);
	memcpy(req.sig, sig->sig, sizeof(req.sig));
	req.msg_len = len;
	memcpy(body, &req, sizeof(req));
	if (inl > 0)
		memcpy(body + sizeof(req), msg, inl);
	else if (len > 0 && (fd = sealed_copy(msg, len)) < 0) {
		snprintf(why, cap, "passing the manifest to keystored: %s", strerror(errno));
		res = -NX_ENOMEM;
		goto out;
	}
	res = nxd_peer_call(keystored, NX_KEY_VERIFY, 0, body, sizeof(req) + inl, fd, reply);
	if (res == -NX_ETIMEDOUT)
		snprintf(why, cap, "keystored did not answer within %d ms", keystored->timeout_ms);
	else if (res < 0 && reply->len > 0 && reply->hdr.kind == NX_FRAME_REPLY)
		snprintf(why, cap, "%.*s", (int)reply->len, (const char *)reply->body);
	else if (res < 0)
		snprintf(why, cap, "keystored went away (error %lld)", (long long)-res);
	nx_msg_release(reply);
out:
	if (fd >= 0)
		close(fd);
	free(body);
	free(reply);
	return res < 0 ? (int)res : 0;
}

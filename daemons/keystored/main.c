/*
 * keystored: holds the trusted public keys (every *.pub in the trust
 * directory handed over as fd 5, read once at start) and verifies
 * detached Ed25519 signatures against them for its clients. It never
 * opens anything after start-up and holds no secret.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <sodium.h>

#include "nxd.h"
#include "keyfile.h"
#include "nxhost.h"
#include "sig.h"
#include "nexus/svc_key.h"

static struct nx_trust trust;

/* Read exactly len bytes of a sealed memfd: the sender can no longer change them. */
static int read_sealed(int fd, uint64_t len, uint8_t **out, const char **why)
{
	struct stat st;
	int seals = fcntl(fd, F_GET_SEALS);

	if (seals < 0 || (seals & (F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW)) !=
			     (F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW)) {
		*why = "message fd is not a sealed memfd";
		return -NX_EINVAL;
	}
	if (fstat(fd, &st) != 0 || (uint64_t)st.st_size != len) {
		*why = "message fd size differs from msg_len";
		return -NX_EINVAL;
	}
	uint8_t *buf = malloc(len);
	if (buf == NULL) {
		*why = "out of memory";
		return -NX_ENOMEM;
	}
	for (uint64_t off = 0; off < len;) {
		ssize_t r = pread(fd, buf + off, len - off, (off_t)off);
		if (r <= 0) {
			free(buf);
			*why = "reading the message fd failed";
			return -NX_EINVAL;
		}
		off += (uint64_t)r;
	}
	*out = buf;
	return 0;
}

static void on_verify(struct nxd_conn *c, struct nx_msg *m, void *arg)
{
	struct nx_key_verify req;
	struct nx_sig sig;
	struct nx_fmt_err e = {0};
	const char *why = NULL;
	uint8_t *owned = NULL;
	const uint8_t *msg;
	char hex[NX_KEY_ID_CHARS + 1];
	int err;
	(void)arg;

	memcpy(&req, m->body, sizeof(req));
	memcpy(hex, req.key_id, NX_KEY_ID_CHARS);
	hex[NX_KEY_ID_CHARS] = '\0';
	if (nx_sig_key_id_parse(req.key_id, NX_KEY_ID_CHARS, sig.key_id) != 0) {
		nxd_reply_err(c, &m->hdr, -NX_EINVAL, "verify: key id is not %d hex characters",
			      NX_KEY_ID_CHARS);
		return;
	}
	memcpy(sig.sig, req.sig, sizeof(sig.sig));
	if (req.msg_len > NX_KEY_MSG_MAX) {
		nxd_reply_err(c, &m->hdr, -NX_EMSGSIZE, "verify: message over %u bytes",
			      NX_KEY_MSG_MAX);
		return;
	}
	if (m->fd >= 0) {
		if (m->len != sizeof(req)) {
			nxd_reply_err(c, &m->hdr, -NX_EINVAL, "verify: message both inline and fd");
			return;
		}
		if ((err = read_sealed(m->fd, req.msg_len, &owned, &why)) != 0) {
			nxd_reply_err(c, &m->hdr, err, "verify: %s", why);
			return;
		}
		msg = owned;
	} else {
		if (m->len - sizeof(req) != req.msg_len) {
			nxd_reply_err(c, &m->hdr, -NX_EINVAL,
				      "verify: body holds %zu message bytes, msg_len says %llu",
				      m->len - sizeof(req), (unsigned long long)req.msg_len);
			return;
		}
		msg = m->body + sizeof(req);
	}
	int code = nx_trust_verify(&trust, msg, req.msg_len, &sig, &e);
	free(owned);
	if (code == NX_FMT_EUNTRUSTED)
		nxd_reply_err(c, &m->hdr, -NX_ESRCH,
			      "signed by untrusted key %s (to trust it, run with --trust DIR "
			      "holding its .pub)",
			      hex);
	else if (code != 0)
		nxd_reply_err(c, &m->hdr, -NX_EPERM, "signature does not verify under key %s", hex);
	else
		nxd_reply(c, &m->hdr, 0, NULL, 0, -1);
}

static void on_list(struct nxd_conn *c, struct nx_msg *m, void *arg)
{
	char buf[NX_KEY_TRUSTED_MAX * (NX_KEY_ID_CHARS + 1)];
	size_t off = 0;
	(void)arg;

	for (size_t i = 0; i < trust.n; i++) {
		char hex[NX_KEY_ID_CHARS + 1];
		nx_sig_key_id_hex(trust.keys[i].id, hex);
		memcpy(buf + off, hex, NX_KEY_ID_CHARS);
		buf[off + NX_KEY_ID_CHARS] = '\n';
		off += NX_KEY_ID_CHARS + 1;
	}
	nxd_reply(c, &m->hdr, (int64_t)trust.n, buf, off, -1);
}

static const struct nxd_handler handlers[] = {
    {{NX_KEY_VERIFY, sizeof(struct nx_key_verify), sizeof(struct nx_key_verify) + NX_KEY_INLINE_MAX,
      NX_FD_OPTIONAL},
     on_verify},
    {{NX_KEY_LIST, 0, 0, NX_FD_NONE}, on_list},
};

/* Beyond libnxd's base list: reading a big message from its sealed memfd. */
static const int extra_syscalls[] = {SYS_pread64};

int main(void)
{
	struct nx_fmt_err e = {0};
	struct nxd *d = nxd_start(NX_SVC_KEYSTORED, NXD_START_DIR);

	if (nx_trust_load(&trust, nxd_dir_fd(d), &e) != 0)
		fatalx("trust directory: %s", e.msg);
	if (trust.n == 0)
		fatalx("trust directory: no *.pub key");
	close(nxd_dir_fd(d));
	/* libsodium reads its entropy source once, here, not under the sandbox. */
	if (sodium_init() < 0)
		fatalx("libsodium cannot start");
	return nxd_service(d, extra_syscalls, NXD_COUNT(extra_syscalls), handlers,
			   NXD_COUNT(handlers), NULL);
}

/*
 * Verifying a bundle directory, in the order docs/security.md gives:
 * members and caps, then the signature (through keystored) before any
 * manifest field is read, then the manifest, then the payload's size and
 * digest while its bytes are copied into a memfd that is sealed at once.
 * The memfd is what gets committed or handed to execd: the bytes
 * verified are the bytes used.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "nxb.h"
#include "nxd.h"
#include "nexus/err.h"
#include "nexus/svc_bundle.h"
#include "bm.h"
#include "bm_verify.h"

static int refuse(const char *label, int code, const struct nx_fmt_err *e, char *msg, size_t cap)
{
	snprintf(msg, cap, "%s: %s", label, e->msg[0] ? e->msg : nx_fmt_strerror(code));
	return nxd_fmt_errno(code);
}

int bm_verify(const struct bm_sigcheck *sc, int dirfd, const char *label, struct bm_verified *v,
	      char *msg, size_t cap)
{
	struct nx_fmt_err e = {0};
	char why[NX_FMT_MSG_MAX];
	int code, err;

	v->payload_fd = -1;
	if ((code = nx_nxb_open(&v->nxb, dirfd, &e)) != 0)
		return refuse(label, code, &e, msg, cap);
	why[0] = '\0';
	err = sc->verify(sc->ctx, &v->nxb.sig, v->nxb.manifest, v->nxb.manifest_len, why,
			 sizeof(why));
	if (err != 0) {
		snprintf(msg, cap, "%s: %s", label, why[0] ? why : "signature refused");
		/* keystored tells an unknown key (ESRCH) from a bad signature; both are EPERM here.
		 */
		if (err == -NX_ESRCH || err == -NX_EPERM)
			err = -NX_EPERM;
		goto bad;
	}
	nx_nxb_mark_verified(&v->nxb);
	if ((code = nx_nxb_parse(&v->nxb, &e)) != 0) {
		err = refuse(label, code, &e, msg, cap);
		goto bad;
	}
	v->payload_fd = memfd_create(v->nxb.m.name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (v->payload_fd < 0) {
		snprintf(msg, cap, "%s: memfd_create: %s", label, strerror(errno));
		err = -NX_ENOMEM;
		goto bad;
	}
	if ((code = nx_nxb_payload_copy(&v->nxb, v->payload_fd, &e)) != 0) {
		err = refuse(label, code, &e, msg, cap);
		goto bad;
	}
	if (fcntl(v->payload_fd, F_ADD_SEALS, NX_BUNDLE_SEALS) != 0) {
		snprintf(msg, cap, "%s: sealing the payload: %s", label, strerror(errno));
		err = -NX_ENOMEM;
		goto bad;
	}
	return 0;
bad:
	bm_verified_close(v);
	return err;
}

void bm_verified_close(struct bm_verified *v)
{
	if (v->payload_fd >= 0)
		close(v->payload_fd);
	v->payload_fd = -1;
	nx_nxb_close(&v->nxb);
}

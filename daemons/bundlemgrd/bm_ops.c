/*
 * bundlemgrd's operations over the store and the verifier. An install
 * verifies fully, then checks the version against what is installed,
 * then commits in one rename; only after that does an upgrade remove the
 * versions it replaces, so a crash at any point leaves a complete,
 * verified bundle of the name (readers take the newest).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nxd.h"
#include "semver.h"
#include "loader.h"
#include "nexus/caps.h"
#include "nexus/err.h"
#include "nexus/svc_bundle.h"
#include "bm.h"
#include "bm_verify.h"

static int find_newest(struct bm *bm, const char *name, struct bstore_newest *n, char *msg,
		       size_t cap)
{
	int err = bstore_newest(&bm->store, name, n);
	if (err != 0) {
		snprintf(msg, cap, "%s: reading the installed bundles: %s", name, strerror(-err));
		return -NX_ENOSPC;
	}
	return 0;
}

struct older {
	struct bm *bm;
	struct nx_semver keep;
	int removed, err;
};

static int remove_older_cb(void *arg, const char *name, const char *version)
{
	struct older *o = arg;
	struct nx_semver v;
	char dirname[BSTORE_DIRNAME_MAX];

	if (nx_semver_parse(version, &v) != 0 || nx_semver_cmp(&v, &o->keep) >= 0)
		return 0;
	snprintf(dirname, sizeof(dirname), "%s@%s", name, version);
	if (bstore_remove(&o->bm->store, dirname) != 0)
		o->err = -errno;
	else
		o->removed++;
	return 0;
}

/* Does the installed name@version hold exactly these manifest bytes (and so this payload)? */
static int same_manifest(struct bm *bm, const struct nx_manifest *m, const struct nx_nxb *b)
{
	char path[BSTORE_DIRNAME_MAX + sizeof(NX_BUNDLE_MANIFEST) + 1];
	struct stat st;
	int same = 0;

	snprintf(path, sizeof(path), "%s@%s/%s", m->name, m->semver, NX_BUNDLE_MANIFEST);
	int fd = openat(bm->store.slot_fd, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return 0;
	uint8_t *buf = NULL;
	if (fstat(fd, &st) == 0 && (size_t)st.st_size == b->manifest_len &&
	    (buf = malloc(b->manifest_len)) != NULL) {
		size_t off = 0;
		for (ssize_t r; off < b->manifest_len &&
				(r = pread(fd, buf + off, b->manifest_len - off, (off_t)off)) > 0;)
			off += (size_t)r;
		same = off == b->manifest_len && memcmp(buf, b->manifest, b->manifest_len) == 0;
	}
	free(buf);
	close(fd);
	return same;
}

int bm_install(struct bm *bm, int dirfd, const char *label, char id[BM_ID_MAX], char *msg,
	       size_t cap)
{
	struct bm_verified *v = calloc(1, sizeof(*v));
	struct bstore_newest *n = calloc(1, sizeof(*n));
	struct nx_semver ver;
	uint8_t sig[NX_SIG_FILE_SIZE];
	void *payload = MAP_FAILED;
	int err;

	if (v == NULL || n == NULL) {
		snprintf(msg, cap, "%s: out of memory", label);
		err = -NX_ENOMEM;
		goto out;
	}
	if ((err = bm_verify(&bm->sig, dirfd, label, v, msg, cap)) != 0)
		goto out;
	const struct nx_manifest *m = &v->nxb.m;
	nxd_say("bundle: verify ok app=%s", m->name);

	if (nx_semver_parse(m->semver, &ver) != 0) {
		snprintf(msg, cap, "%s: semver '%s' does not parse", m->name, m->semver);
		err = -NX_EINVAL;
		goto out_v;
	}
	if ((err = find_newest(bm, m->name, n, msg, cap)) != 0)
		goto out_v;
	if (n->found && nx_semver_cmp(&ver, &n->v) == 0 && same_manifest(bm, m, &v->nxb)) {
		/* The very bundle is installed already: installing it again changes nothing. */
		snprintf(id, BM_ID_MAX, "%s@%s", m->name, m->semver);
		nxd_say("bundle: install ok %s", id);
		err = 0;
		goto out_v;
	}
	if (n->found && nx_semver_cmp(&ver, &n->v) <= 0) {
		snprintf(msg, cap, "%s: downgrade refused: %s is not above the installed %s",
			 m->name, m->semver, n->version);
		err = -NX_EEXIST;
		goto out_v;
	}

	if (v->nxb.payload_size > 0) {
		payload = mmap(NULL, v->nxb.payload_size, PROT_READ, MAP_SHARED, v->payload_fd, 0);
		if (payload == MAP_FAILED) {
			snprintf(msg, cap, "%s: mapping the payload: %s", m->name, strerror(errno));
			err = -NX_ENOMEM;
			goto out_v;
		}
	}
	/*
	 * A payload the loader refuses can never run: refuse it now, with the
	 * loader's own words, rather than install it. execd plans it again
	 * before mapping (it needs the plan, and trusts no earlier check).
	 */
	if (m->payload_kind == NX_PAYLOAD_ELF) {
		struct nxl_plan *plan = malloc(sizeof(*plan));
		int lerr = plan == NULL ? 0 : nxl_plan_elf(payload, v->nxb.payload_size, plan);
		free(plan);
		if (plan == NULL) {
			snprintf(msg, cap, "%s: out of memory", m->name);
			err = -NX_ENOMEM;
			goto out_v;
		}
		if (lerr != 0) {
			snprintf(msg, cap, "%s: payload.elf refused by the loader: %s: %s", m->name,
				 nxl_errname(lerr), nxl_strerror(lerr));
			err = -NX_EINVAL;
			goto out_v;
		}
	}
	nx_sig_format(&v->nxb.sig, sig);
	const struct bstore_member members[BSTORE_MEMBERS] = {
	    {NX_BUNDLE_MANIFEST, v->nxb.manifest, v->nxb.manifest_len},
	    {NX_BUNDLE_SIG, sig, sizeof(sig)},
	    {NX_BUNDLE_PAYLOAD, payload == MAP_FAILED ? NULL : payload, v->nxb.payload_size},
	};
	err = bstore_commit(&bm->store, m->name, m->semver, members, msg, cap);
	if (err == -EEXIST && same_manifest(bm, m, &v->nxb)) {
		/* The very bundle was committed meanwhile: installed, not refused. */
		snprintf(id, BM_ID_MAX, "%s@%s", m->name, m->semver);
		err = 0;
		goto out_v;
	}
	if (err != 0) {
		err = err == -EEXIST ? -NX_EEXIST : -NX_ENOSPC;
		goto out_v;
	}
	snprintf(id, BM_ID_MAX, "%s@%s", m->name, m->semver);
	nxd_say("bundle: install ok %s", id);

	/* Upgrade: the new version is committed; now the ones it replaces go. */
	struct older o = {.bm = bm, .keep = ver};
	if (bstore_each(&bm->store, m->name, remove_older_cb, &o) != 0 || o.err != 0)
		nxd_say("bundlemgrd: %s: removing older versions failed; newest stays in use", id);
out_v:
	if (payload != MAP_FAILED)
		munmap(payload, v->nxb.payload_size);
	bm_verified_close(v);
out:
	free(v);
	free(n);
	return err;
}

struct remove_all {
	struct bm *bm;
	int removed, err;
};

static int remove_all_cb(void *arg, const char *name, const char *version)
{
	struct remove_all *r = arg;
	char dirname[BSTORE_DIRNAME_MAX];

	snprintf(dirname, sizeof(dirname), "%s@%s", name, version);
	int err = bstore_remove(&r->bm->store, dirname);
	if (err != 0)
		r->err = err;
	else
		r->removed++;
	return 0;
}

int bm_uninstall(struct bm *bm, const char *name, char *msg, size_t cap)
{
	struct remove_all r = {.bm = bm};

	/* Removal renames while the directory is read: loop until a pass finds nothing. */
	for (;;) {
		int before = r.removed;
		int err = bstore_each(&bm->store, name, remove_all_cb, &r);
		if (err != 0 || r.err != 0) {
			snprintf(msg, cap, "%s: uninstall failed: %s", name,
				 strerror(-(err != 0 ? err : r.err)));
			return -NX_ENOSPC;
		}
		if (r.removed == before)
			break;
	}
	if (r.removed == 0) {
		snprintf(msg, cap, "%s: not installed", name);
		return -NX_ESRCH;
	}
	return r.removed;
}

struct listing {
	char (*ids)[BM_ID_MAX];
	int n;
};

static int list_cb(void *arg, const char *name, const char *version)
{
	struct listing *l = arg;
	snprintf(l->ids[l->n++], BM_ID_MAX, "%s@%s", name, version);
	return 0;
}

static int cmp_ids(const void *a, const void *b)
{
	return strcmp(a, b);
}

int bm_list(struct bm *bm, char *buf, size_t cap, size_t *len, char *msg, size_t cap_msg)
{
	struct listing l = {.ids = calloc(NX_BUNDLE_INSTALLED_MAX, BM_ID_MAX)};
	size_t off = 0;
	int err;

	if (l.ids == NULL) {
		snprintf(msg, cap_msg, "list: out of memory");
		return -NX_ENOMEM;
	}
	if ((err = bstore_each(&bm->store, NULL, list_cb, &l)) != 0) {
		snprintf(msg, cap_msg, "list: %s", strerror(-err));
		free(l.ids);
		return err == -E2BIG ? -NX_EMSGSIZE : -NX_ENOSPC;
	}
	qsort(l.ids, (size_t)l.n, BM_ID_MAX, cmp_ids);
	for (int i = 0; i < l.n; i++) {
		size_t k = strlen(l.ids[i]);
		if (off + k + 1 > cap) {
			snprintf(msg, cap_msg, "list: more than fits one reply");
			free(l.ids);
			return -NX_EMSGSIZE;
		}
		memcpy(buf + off, l.ids[i], k);
		buf[off + k] = '\n';
		off += k + 1;
	}
	*len = off;
	free(l.ids);
	return l.n;
}

int bm_get_payload(struct bm *bm, const char *name, char id[BM_ID_MAX], uint64_t *size,
		   struct nx_bundle_payload *info, char *msg, size_t cap)
{
	struct bm_verified *v = NULL;
	struct bstore_newest n;
	char dirname[BSTORE_DIRNAME_MAX];
	int err, dfd;

	const char *at = strchr(name, '@');
	char bare[NX_BUNDLE_NAME_MAX];
	if (at != NULL) {
		/* "name@version": that version (the caller resolved a /packages/ path). */
		snprintf(bare, sizeof(bare), "%.*s", (int)(at - name), name);
		snprintf(n.version, sizeof(n.version), "%s", at + 1);
		name = bare;
	} else {
		if ((err = find_newest(bm, name, &n, msg, cap)) != 0)
			return err;
		if (!n.found) {
			snprintf(msg, cap, "%s: not installed", name);
			return -NX_ESRCH;
		}
	}
	snprintf(dirname, sizeof(dirname), "%s@%s", name, n.version);
	dfd = openat(bm->store.slot_fd, dirname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0) {
		snprintf(msg, cap, "%s: opening the installed bundle: %s", dirname,
			 strerror(errno));
		return errno == ENOENT ? -NX_ESRCH : -NX_ENOSPC;
	}
	if ((v = calloc(1, sizeof(*v))) == NULL) {
		close(dfd);
		snprintf(msg, cap, "%s: out of memory", dirname);
		return -NX_ENOMEM;
	}
	err = bm_verify(&bm->sig, dfd, dirname, v, msg, cap);
	close(dfd);
	if (err != 0)
		goto out;
	/* The directory name is not signed: the manifest inside must agree with it. */
	if (strcmp(v->nxb.m.name, name) != 0 || strcmp(v->nxb.m.semver, n.version) != 0) {
		snprintf(msg, cap, "%s: holds the manifest of %s@%s", dirname, v->nxb.m.name,
			 v->nxb.m.semver);
		bm_verified_close(v);
		err = -NX_EINVAL;
		goto out;
	}
	snprintf(id, BM_ID_MAX, "%s", dirname);
	*size = v->nxb.payload_size;
	_Static_assert(NX_PAYLOAD_ELF == NX_BUNDLE_KIND_ELF, "payload kinds agree");
	_Static_assert(NX_PAYLOAD_UI_PROGRAM == NX_BUNDLE_KIND_UI_PROGRAM, "payload kinds agree");
	*info = (struct nx_bundle_payload){.kind = v->nxb.m.payload_kind};
	for (size_t i = 0; i < v->nxb.m.n_capabilities; i++)
		info->caps |= nx_cap_bit(v->nxb.m.capabilities[i]);
	err = v->payload_fd;
	v->payload_fd = -1;
	bm_verified_close(v);
out:
	free(v);
	return err;
}

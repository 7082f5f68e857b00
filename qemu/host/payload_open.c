/* A bundle verified, or an ELF read (payload_open.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle_path.h"
#include "image.h"
#include "nxb.h"
#include "nxhost.h"
#include "nexus/caps.h"
#include "nxq_cli.h"
#include "payload_open.h"

static int refused(const char *path, const struct nx_fmt_err *e)
{
	fprintf(stderr, NXQ_PROG ": %s: refused: %s\n", path, e->msg);
	return e->code == NX_FMT_EIO || e->code == NX_FMT_ENOMEM ? NXQ_EXIT_INTERNAL
								 : NXQ_EXIT_REFUSED;
}

/* The task name: argv0 cut to NX_TASK_NAME_MAX - 1 bytes, other bytes than the image allows as _.
 */
static void task_name(struct nxq_payload *p)
{
	size_t n = 0;
	for (; n < sizeof(p->task) - 1 && p->argv0[n] != 0; n++)
		p->task[n] = nxq_name_char_ok(p->argv0[n]) ? p->argv0[n] : '_';
	p->task[n] = 0;
}

/* The first `len` bytes of fd, mapped read-only (no copy: every page is a host page fault), or
 * NULL. */
static uint8_t *map_all(int fd, size_t len)
{
	void *p = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	return p == MAP_FAILED ? NULL : p;
}

static int load_trust(const char *dir, struct nx_trust *t)
{
	struct nx_fmt_err e;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, NXQ_PROG ": cannot open trust directory %s: %s\n", dir,
			strerror(errno));
		return NXQ_EXIT_NOINPUT;
	}
	int r = nx_trust_load(t, fd, &e);
	close(fd);
	if (r != 0) {
		fprintf(stderr, NXQ_PROG ": %s: %s\n", dir, e.msg);
		return NXQ_EXIT_REFUSED;
	}
	return 0;
}

/* The four checks of formats/nxb.h, the payload copied out while it is hashed. */
static int open_bundle(const char *path, int dirfd, const struct nx_trust *t, struct nxq_payload *p)
{
	struct nx_nxb b;
	struct nx_fmt_err e;
	int rc = 0;

	if (nx_nxb_open(&b, dirfd, &e) != 0)
		return refused(path, &e);
	int fd = memfd_create("payload", MFD_CLOEXEC);
	if (fd < 0) {
		nx_nxb_close(&b);
		fprintf(stderr, NXQ_PROG ": memfd_create: %s\n", strerror(errno));
		return NXQ_EXIT_INTERNAL;
	}
	if (nx_nxb_verify_sig(&b, t, &e) != 0 || nx_nxb_parse(&b, &e) != 0 ||
	    nx_nxb_payload_copy(&b, fd, &e) != 0) {
		rc = refused(path, &e);
	} else if (b.m.payload_kind != NX_PAYLOAD_ELF) {
		/* What execd says of it: a bundle that is valid but cannot run. */
		fprintf(stderr,
			NXQ_PROG
			": %s: %s: its payload is not an ELF (payloadKind %u): it cannot run\n",
			path, b.m.name, (unsigned)b.m.payload_kind);
		rc = NXQ_EXIT_REFUSED;
	} else if ((p->elf = map_all(fd, (size_t)b.payload_size)) == NULL) {
		fprintf(stderr, NXQ_PROG ": %s: cannot read the verified payload back\n", path);
		rc = NXQ_EXIT_INTERNAL;
	} else {
		p->len = (size_t)b.payload_size;
		snprintf(p->argv0, sizeof(p->argv0), "%s", b.m.name);
		p->is_signed = 1;
		for (size_t i = 0; i < b.m.n_capabilities; i++)
			p->caps |= nx_cap_bit(b.m.capabilities[i]);
	}
	close(fd);
	nx_nxb_close(&b);
	return rc;
}

static int open_elf(const char *path, int fd, uint64_t size, struct nxq_payload *p)
{
	const char *base = strrchr(path, '/');
	size_t n;

	if (size == 0 || size > NX_ELF_FILE_MAX) {
		fprintf(stderr, NXQ_PROG ": %s: refused: %llu bytes, outside 1..%llu\n", path,
			(unsigned long long)size, (unsigned long long)NX_ELF_FILE_MAX);
		return NXQ_EXIT_REFUSED;
	}
	if ((p->elf = map_all(fd, (size_t)size)) == NULL) {
		fprintf(stderr, NXQ_PROG ": cannot read %s\n", path);
		return NXQ_EXIT_NOINPUT;
	}
	p->len = (size_t)size;
	p->caps = NX_CAPS_ALL; /* an unsigned dev ELF, as nxrun-elf runs it */
	base = base != NULL ? base + 1 : path;
	n = strlen(base);
	if (n > 4 && strcmp(base + n - 4, ".elf") == 0)
		n -= 4;
	snprintf(p->argv0, sizeof(p->argv0), "%.*s", (int)n, base);
	return 0;
}

int nxq_payload_open(const char *arg, const char *trust_dir, struct nxq_payload *p)
{
	char path[PATH_MAX];
	struct stat st;
	int rc;

	memset(p, 0, sizeof(*p));
	if (bundle_find(arg, path, sizeof(path)) != 0) {
		bundle_say_not_found(NXQ_PROG, arg);
		return NXQ_EXIT_NOINPUT;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		fprintf(stderr, NXQ_PROG ": cannot open %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NXQ_EXIT_NOINPUT;
	}
	if (S_ISDIR(st.st_mode)) {
		struct nx_trust *t = malloc(sizeof(*t));
		rc = t == NULL
			 ? NXQ_EXIT_INTERNAL
			 : load_trust(trust_dir != NULL ? trust_dir : bundle_default_trust(), t);
		if (rc == 0)
			rc = open_bundle(path, fd, t, p);
		free(t);
	} else if (S_ISREG(st.st_mode)) {
		rc = open_elf(path, fd, (uint64_t)st.st_size, p);
	} else {
		fprintf(stderr, NXQ_PROG ": %s is neither a bundle directory nor an ELF file\n",
			path);
		rc = NXQ_EXIT_NOINPUT;
	}
	close(fd);
	if (rc == 0)
		task_name(p);
	else
		nxq_payload_close(p);
	return rc;
}

void nxq_payload_close(struct nxq_payload *p)
{
	if (p->elf != NULL)
		munmap(p->elf, p->len);
	p->elf = NULL;
}

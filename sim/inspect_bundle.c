/*
 * nexus-sim inspect BUNDLE.nxb: the bundle checked exactly as bundlemgrd
 * checks it (formats/nxb.h order: members and sizes, signature against the
 * trust directory, manifest, payload digest), then the loader's plan of
 * the very payload bytes that were hashed. Nothing of the manifest is
 * printed before its signature holds.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "nxb.h"
#include "nxhost.h"
#include "cli.h"
#include "inspect.h"

static void hex_line(const char *label, const uint8_t *b, size_t n, bool has)
{
	printf("%s ", label);
	if (!has)
		fputs("-", stdout);
	for (size_t i = 0; has && i < n; i++)
		printf("%02x", b[i]);
	putchar('\n');
}

static void list_line(const char *label, size_t n, const char (*items)[NX_MANIFEST_TEXT_MAX])
{
	printf("%s", label);
	for (size_t i = 0; i < n; i++)
		printf("%s%s", i ? ", " : " ", items[i]);
	printf("%s\n", n ? "" : " -");
}

static void print_manifest(const struct nx_manifest *m)
{
	printf("name %s\nsemver %s\nschema_version %u\nbundle_type %s\npayload_kind %s\n", m->name,
	       m->semver, m->schema_version, nx_bundle_type_name(m->bundle_type),
	       nx_payload_kind_name(m->payload_kind));
	printf("min_sdk %s\n", m->min_sdk[0] ? m->min_sdk : "-");
	hex_line("publisher", m->publisher, NX_PUBLISHER_LEN, m->has_publisher);
	list_line("abilities", m->n_abilities, m->abilities);
	list_line("capabilities", m->n_capabilities, m->capabilities);
	list_line("provided_services", m->n_provided_services, m->provided_services);
	for (size_t i = 0; i < m->n_dependencies; i++)
		printf("dependency %s %s\n", m->dependencies[i].name,
		       m->dependencies[i].constraint[0] ? m->dependencies[i].constraint : "*");
	for (size_t i = 0; i < m->n_resources; i++)
		printf("resource %s kind=%s\n", m->resources[i].path,
		       nx_resource_kind_name(m->resources[i].kind));
	for (size_t i = 0; i < m->n_exports; i++)
		printf("export %s permission=%s\n", m->exports[i].ability,
		       m->exports[i].permission);
	hex_line("sbom_digest", m->sbom_digest, NX_DIGEST_LEN, m->has_sbom_digest);
	hex_line("repro_digest", m->repro_digest, NX_DIGEST_LEN, m->has_repro_digest);
}

static int refused(const char *path, const struct nx_fmt_err *e)
{
	fprintf(stderr, "nexus-sim: %s: refused: %s\n", path, e->msg);
	return e->code == NX_FMT_EIO || e->code == NX_FMT_ENOMEM ? NX_EXIT_INTERNAL
								 : NX_EXIT_REFUSED;
}

static int load_trust(const char *trust_dir, struct nx_trust *t)
{
	struct nx_fmt_err e;
	int fd = open(trust_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "nexus-sim: %s: cannot open trust directory: %s\n", trust_dir,
			strerror(errno));
		return NX_EXIT_NOINPUT;
	}
	int r = nx_trust_load(t, fd, &e);
	close(fd);
	if (r) {
		fprintf(stderr, "nexus-sim: %s: %s\n", trust_dir, e.msg);
		return NX_EXIT_REFUSED;
	}
	return 0;
}

/* The payload, copied while hashed into a memfd, planned by the loader. */
static int plan_payload(const char *path, struct nx_nxb *b)
{
	struct nx_fmt_err e;
	struct nxl_plan plan;
	void *img;
	int rc = 0, err;
	int fd = memfd_create("payload", MFD_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "nexus-sim: memfd_create: %s\n", strerror(errno));
		return NX_EXIT_INTERNAL;
	}
	if (nx_nxb_payload_copy(b, fd, &e)) {
		rc = refused(path, &e);
		goto out;
	}
	printf("payload size=%llu sha256=", (unsigned long long)b->payload_size);
	for (size_t i = 0; i < NX_DIGEST_LEN; i++)
		printf("%02x", b->m.payload_digest[i]);
	printf(" ok\n");
	img = mmap(NULL, (size_t)b->payload_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (img == MAP_FAILED) {
		fprintf(stderr, "nexus-sim: mmap: %s\n", strerror(errno));
		rc = NX_EXIT_INTERNAL;
		goto out;
	}
	if ((err = nxl_plan_elf(img, (size_t)b->payload_size, &plan))) {
		fprintf(stderr, "nexus-sim: %s: refused: payload: %s: %s\n", path, nxl_errname(err),
			nxl_strerror(err));
		rc = NX_EXIT_REFUSED;
	} else {
		inspect_print_plan(stdout, &plan);
		inspect_print_stack(stdout, NX_STACK_TOP, NX_STACK_SIZE_DEFAULT);
	}
	munmap(img, (size_t)b->payload_size);
out:
	close(fd);
	return rc;
}

int inspect_bundle(const char *path, const char *trust_dir)
{
	static struct nx_trust trust;
	static struct nx_nxb b;
	struct nx_fmt_err e;
	char id[NX_KEY_ID_CHARS + 1];
	int dfd, rc;
	if ((rc = load_trust(trust_dir, &trust)))
		return rc;
	if ((dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		fprintf(stderr, "nexus-sim: %s: cannot open bundle: %s\n", path, strerror(errno));
		return NX_EXIT_NOINPUT;
	}
	rc = nx_nxb_open(&b, dfd, &e);
	close(dfd);
	if (rc)
		return refused(path, &e);
	nx_sig_key_id_hex(b.sig.key_id, id);
	printf("bundle %s\n", path);
	if (nx_nxb_verify_sig(&b, &trust, &e)) {
		printf("signature key=%s %s\n", id,
		       e.code == NX_FMT_EUNTRUSTED ? "untrusted" : "bad");
		rc = refused(path, &e);
		goto out;
	}
	printf("signature key=%s ok (trust %s)\n", id, trust_dir);
	if (nx_nxb_parse(&b, &e)) {
		rc = refused(path, &e);
		goto out;
	}
	print_manifest(&b.m);
	rc = plan_payload(path, &b);
out:
	nx_nxb_close(&b);
	return rc;
}

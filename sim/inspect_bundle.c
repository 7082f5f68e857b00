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

static void hex_line(FILE *out, const char *label, const uint8_t *b, size_t n, bool has)
{
	fprintf(out, "%s ", label);
	if (!has)
		fputs("-", out);
	for (size_t i = 0; has && i < n; i++)
		fprintf(out, "%02x", b[i]);
	fputc('\n', out);
}

static void list_line(FILE *out, const char *label, size_t n,
		      const char (*items)[NX_MANIFEST_TEXT_MAX])
{
	fprintf(out, "%s", label);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s%s", i ? ", " : " ", items[i]);
	fprintf(out, "%s\n", n ? "" : " -");
}

static void print_manifest(FILE *out, const struct nx_manifest *m)
{
	fprintf(out, "name %s\nsemver %s\nschema_version %u\nbundle_type %s\npayload_kind %s\n",
		m->name, m->semver, m->schema_version, nx_bundle_type_name(m->bundle_type),
		nx_payload_kind_name(m->payload_kind));
	fprintf(out, "min_sdk %s\n", m->min_sdk[0] ? m->min_sdk : "-");
	hex_line(out, "publisher", m->publisher, NX_PUBLISHER_LEN, m->has_publisher);
	list_line(out, "abilities", m->n_abilities, m->abilities);
	list_line(out, "capabilities", m->n_capabilities, m->capabilities);
	list_line(out, "provided_services", m->n_provided_services, m->provided_services);
	for (size_t i = 0; i < m->n_dependencies; i++)
		fprintf(out, "dependency %s %s\n", m->dependencies[i].name,
			m->dependencies[i].constraint[0] ? m->dependencies[i].constraint : "*");
	for (size_t i = 0; i < m->n_resources; i++)
		fprintf(out, "resource %s kind=%s\n", m->resources[i].path,
			nx_resource_kind_name(m->resources[i].kind));
	for (size_t i = 0; i < m->n_exports; i++)
		fprintf(out, "export %s permission=%s\n", m->exports[i].ability,
			m->exports[i].permission);
	hex_line(out, "sbom_digest", m->sbom_digest, NX_DIGEST_LEN, m->has_sbom_digest);
	hex_line(out, "repro_digest", m->repro_digest, NX_DIGEST_LEN, m->has_repro_digest);
}

static int refused(struct inspect_report *r, const char *path, const struct nx_fmt_err *e)
{
	inspect_say(r, "%s: refused: %s", path, e->msg);
	return e->code == NX_FMT_EIO || e->code == NX_FMT_ENOMEM ? NX_EXIT_INTERNAL
								 : NX_EXIT_REFUSED;
}

static int load_trust(struct inspect_report *r, const char *trust_dir, struct nx_trust *t)
{
	struct nx_fmt_err e;
	int fd = open(trust_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		inspect_say(r, "%s: cannot open trust directory: %s", trust_dir, strerror(errno));
		return NX_EXIT_NOINPUT;
	}
	int bad = nx_trust_load(t, fd, &e);
	close(fd);
	if (bad) {
		inspect_say(r, "%s: %s", trust_dir, e.msg);
		return NX_EXIT_REFUSED;
	}
	return 0;
}

/* The payload, copied while hashed into a memfd, planned by the loader. */
static int plan_payload(const char *path, struct nx_nxb *b, FILE *out, struct inspect_report *r)
{
	struct nx_fmt_err e;
	static struct nxl_plan plan;
	void *img;
	int rc = 0, err;
	int fd = memfd_create("payload", MFD_CLOEXEC);
	if (fd < 0) {
		inspect_say(r, "memfd_create: %s", strerror(errno));
		return NX_EXIT_INTERNAL;
	}
	if (nx_nxb_payload_copy(b, fd, &e)) {
		rc = refused(r, path, &e);
		goto out;
	}
	r->have_payload = 1;
	fprintf(out, "payload size=%llu sha256=", (unsigned long long)b->payload_size);
	for (size_t i = 0; i < NX_DIGEST_LEN; i++)
		fprintf(out, "%02x", b->m.payload_digest[i]);
	fprintf(out, " ok\n");
	img = mmap(NULL, (size_t)b->payload_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (img == MAP_FAILED) {
		inspect_say(r, "mmap: %s", strerror(errno));
		rc = NX_EXIT_INTERNAL;
		goto out;
	}
	if ((err = nxl_plan_elf(img, (size_t)b->payload_size, &plan))) {
		inspect_say(r, "%s: refused: payload: %s: %s", path, nxl_errname(err),
			    nxl_strerror(err));
		rc = NX_EXIT_REFUSED;
	} else {
		r->plan = plan;
		r->have_plan = 1;
		inspect_print_plan(out, &plan);
		inspect_print_stack(out, NX_STACK_TOP, NX_STACK_SIZE_DEFAULT);
	}
	munmap(img, (size_t)b->payload_size);
out:
	close(fd);
	return rc;
}

int inspect_bundle(const char *path, const char *trust_dir, FILE *out, struct inspect_report *r)
{
	static struct nx_trust trust;
	static struct nx_nxb b;
	struct nx_fmt_err e;
	char id[NX_KEY_ID_CHARS + 1];
	int dfd, rc;
	r->kind = "bundle";
	if ((rc = load_trust(r, trust_dir, &trust)))
		return rc;
	if ((dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		inspect_say(r, "%s: cannot open bundle: %s", path, strerror(errno));
		return NX_EXIT_NOINPUT;
	}
	rc = nx_nxb_open(&b, dfd, &e);
	close(dfd);
	if (rc)
		return refused(r, path, &e);
	nx_sig_key_id_hex(b.sig.key_id, id);
	snprintf(r->key_id, sizeof(r->key_id), "%s", id);
	fprintf(out, "bundle %s\n", path);
	if (nx_nxb_verify_sig(&b, &trust, &e)) {
		r->signature = e.code == NX_FMT_EUNTRUSTED ? "untrusted" : "bad";
		fprintf(out, "signature key=%s %s\n", id, r->signature);
		rc = refused(r, path, &e);
		goto out;
	}
	r->signature = "ok";
	fprintf(out, "signature key=%s ok (trust %s)\n", id, trust_dir);
	if (nx_nxb_parse(&b, &e)) {
		rc = refused(r, path, &e);
		goto out;
	}
	r->m = b.m;
	r->have_manifest = 1;
	print_manifest(out, &b.m);
	rc = plan_payload(path, &b, out, r);
out:
	nx_nxb_close(&b);
	return rc;
}

/*
 * BundleManifest <-> canonical Cap'n Proto. The encoder creates every
 * object in pointer order (preorder), leaves empty text, data and lists as
 * null pointers and truncates struct sections, which is the canonical form.
 * The decoder accepts a message only if encoding what it read gives back
 * the very same bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "capnp.h"
#include "fmt_fail.h"
#include "manifest.h"
#include "manifest_layout.h"

static int put_text(struct nx_capnp_bstruct *s, uint16_t ptr, const char *t)
{
	return t[0] ? nx_capnp_set_text(s, ptr, t, strlen(t)) : 0;
}

static int put_text_list(struct nx_capnp_bstruct *s, uint16_t ptr, size_t n,
			 const char (*items)[NX_MANIFEST_TEXT_MAX])
{
	struct nx_capnp_blist l;
	int r = 0;
	if (n == 0 || (r = nx_capnp_set_ptr_list(s, ptr, (uint32_t)n, &l)))
		return r;
	for (size_t i = 0; i < n && !r; i++)
		r = nx_capnp_list_set_text(&l, (uint32_t)i, items[i], strlen(items[i]));
	return r;
}

/* Dependency and ExportDecl lists: two texts per element, the second maybe empty. */
static int put_pairs(struct nx_capnp_bstruct *s, uint16_t ptr, size_t n, const char *first,
		     const char *second, size_t stride)
{
	struct nx_capnp_blist l;
	struct nx_capnp_bstruct el;
	uint16_t pc = 0;
	int r = 0;
	for (size_t i = 0; i < n; i++) {
		uint16_t need = second[i * stride] ? 2 : first[i * stride] ? 1 : 0;
		pc = need > pc ? need : pc;
	}
	if (n == 0 || (r = nx_capnp_set_struct_list(s, ptr, (uint32_t)n, 0, pc, &l)))
		return r;
	for (size_t i = 0; i < n && !r; i++) {
		if ((r = nx_capnp_list_struct(&l, (uint32_t)i, &el)))
			return r;
		if ((r = put_text(&el, 0, first + i * stride)) || pc < 2)
			continue;
		r = put_text(&el, 1, second + i * stride);
	}
	return r;
}

static int put_resources(struct nx_capnp_bstruct *s, const struct nx_manifest *m)
{
	struct nx_capnp_blist l;
	struct nx_capnp_bstruct el;
	uint16_t dw = 0;
	int r = 0;
	if (m->n_resources == 0)
		return 0;
	for (size_t i = 0; i < m->n_resources; i++)
		if (m->resources[i].kind != NX_RESOURCE_ICON)
			dw = MF_RES_DATA_WORDS;
	if ((r = nx_capnp_set_struct_list(s, MF_RESOURCES, (uint32_t)m->n_resources, dw,
					  MF_RES_PTRS, &l)))
		return r;
	for (size_t i = 0; i < m->n_resources && !r; i++) {
		if ((r = nx_capnp_list_struct(&l, (uint32_t)i, &el)))
			return r;
		if (dw)
			nx_capnp_set_u16(&el, MF_RES_KIND_BYTE, (uint16_t)m->resources[i].kind);
		r = put_text(&el, 0, m->resources[i].path);
	}
	return r;
}

/* Pointer slots used, after truncating trailing nulls. */
static uint16_t ptrs_used(const struct nx_manifest *m)
{
	const int used[MF_PTRS] = {
	    [MF_NAME] = m->name[0] != 0,
	    [MF_SEMVER] = m->semver[0] != 0,
	    [MF_ABILITIES] = m->n_abilities != 0,
	    [MF_CAPABILITIES] = m->n_capabilities != 0,
	    [MF_MIN_SDK] = m->min_sdk[0] != 0,
	    [MF_PUBLISHER] = m->has_publisher,
	    [MF_SIGNATURE] = 0,
	    [MF_PAYLOAD_DIGEST] = 1,
	    [MF_SBOM_DIGEST] = m->has_sbom_digest,
	    [MF_REPRO_DIGEST] = m->has_repro_digest,
	    [MF_DEPENDENCIES] = m->n_dependencies != 0,
	    [MF_PROVIDED_SERVICES] = m->n_provided_services != 0,
	    [MF_RESOURCES] = m->n_resources != 0,
	    [MF_EXPORTS] = m->n_exports != 0,
	};
	uint16_t n = MF_PTRS;
	while (n && !used[n - 1])
		n--;
	return n;
}

static uint16_t data_used(const struct nx_manifest *m)
{
	if (m->payload_size)
		return 2;
	return (m->schema_version ^ MF_SCHEMA_VERSION_DEFAULT) || m->bundle_type || m->payload_kind;
}

static int encode(const struct nx_manifest *m, struct nx_capnp_builder *b)
{
	struct nx_capnp_bstruct s;
	uint16_t pc = ptrs_used(m), dw = data_used(m);
	int r;
	if ((r = nx_capnp_build_root(b, dw, pc, &s)))
		return r;
	if (dw) {
		nx_capnp_set_u8(&s, MF_SCHEMA_VERSION_BYTE,
				m->schema_version ^ MF_SCHEMA_VERSION_DEFAULT);
		nx_capnp_set_u16(&s, MF_BUNDLE_TYPE_BYTE, (uint16_t)m->bundle_type);
		nx_capnp_set_u16(&s, MF_PAYLOAD_KIND_BYTE, (uint16_t)m->payload_kind);
	}
	if (dw > 1)
		nx_capnp_set_u64(&s, MF_PAYLOAD_SIZE_BYTE, m->payload_size);
	/* Empty fields write nothing: they are the null slots ptrs_used() dropped. */
	if ((r = put_text(&s, MF_NAME, m->name)) || (r = put_text(&s, MF_SEMVER, m->semver)) ||
	    (r = put_text_list(&s, MF_ABILITIES, m->n_abilities, m->abilities)) ||
	    (r = put_text_list(&s, MF_CAPABILITIES, m->n_capabilities, m->capabilities)) ||
	    (r = put_text(&s, MF_MIN_SDK, m->min_sdk)) ||
	    (r = (m->has_publisher
		      ? nx_capnp_set_data(&s, MF_PUBLISHER, m->publisher, NX_PUBLISHER_LEN)
		      : 0)) ||
	    (r = (nx_capnp_set_data(&s, MF_PAYLOAD_DIGEST, m->payload_digest, NX_DIGEST_LEN))) ||
	    (r = (m->has_sbom_digest
		      ? nx_capnp_set_data(&s, MF_SBOM_DIGEST, m->sbom_digest, NX_DIGEST_LEN)
		      : 0)) ||
	    (r = (m->has_repro_digest
		      ? nx_capnp_set_data(&s, MF_REPRO_DIGEST, m->repro_digest, NX_DIGEST_LEN)
		      : 0)) ||
	    (r = (put_pairs(&s, MF_DEPENDENCIES, m->n_dependencies, m->dependencies[0].name,
			    m->dependencies[0].constraint, sizeof(m->dependencies[0])))) ||
	    (r = (put_text_list(&s, MF_PROVIDED_SERVICES, m->n_provided_services,
				m->provided_services))) ||
	    (r = put_resources(&s, m)) ||
	    (r = (put_pairs(&s, MF_EXPORTS, m->n_exports, m->exports[0].ability,
			    m->exports[0].permission, sizeof(m->exports[0])))))
		return r;
	return 0;
}

int nx_manifest_encode(const struct nx_manifest *m, void *buf, size_t cap, size_t *len,
		       struct nx_fmt_err *e)
{
	struct nx_capnp_builder b;
	int r;
	if ((r = nx_manifest_check(m, e)))
		return r;
	nx_capnp_builder_init(&b, buf, cap);
	if ((r = encode(m, &b)) || (r = nx_capnp_build_finish(&b, len)))
		return nx_fmt_fail(e, r, "encoding the manifest: %s (buffer of %zu bytes)",
				   nx_fmt_strerror(r), cap);
	return 0;
}

/* ---- decoding ---- */

static int copy_text(char *dst, size_t cap, const char *src, size_t len, const char *what,
		     struct nx_fmt_err *e)
{
	if (len >= cap)
		return nx_fmt_fail(e, NX_FMT_EMANIFEST_CAP, "%s: %zu bytes, at most %zu", what, len,
				   cap - 1);
	if (len && memchr(src, 0, len))
		return nx_fmt_fail(e, NX_FMT_EMANIFEST_FIELD, "%s: contains a NUL byte", what);
	if (len)
		memcpy(dst, src, len);
	dst[len] = 0;
	return 0;
}

static int get_text(const struct nx_capnp_struct *s, uint16_t ptr, char *dst, size_t cap,
		    const char *what, struct nx_fmt_err *e)
{
	const char *p;
	size_t len;
	int r = nx_capnp_text(s, ptr, &p, &len, e);
	return r ? r : copy_text(dst, cap, p, len, what, e);
}

/* Data of exactly want bytes, or absent (*has = false) when may_be_absent. */
static int get_data(const struct nx_capnp_struct *s, uint16_t ptr, uint8_t *dst, size_t want,
		    bool *has, const char *what, struct nx_fmt_err *e)
{
	const uint8_t *p;
	size_t len;
	int r = nx_capnp_data(s, ptr, &p, &len, e);
	if (r)
		return r;
	if (!p && has) {
		*has = false;
		return 0;
	}
	if (len != want)
		return nx_fmt_fail(e, NX_FMT_EMANIFEST_FIELD, "%s: %zu bytes, want %zu", what, len,
				   want);
	memcpy(dst, p, want);
	if (has)
		*has = true;
	return 0;
}

static int get_list(const struct nx_capnp_struct *s, uint16_t ptr, enum nx_capnp_elem elem,
		    struct nx_capnp_list *l, const char *what, struct nx_fmt_err *e)
{
	int r = nx_capnp_list(s, ptr, elem, l, e);
	if (r)
		return r;
	if (l->count > NX_MANIFEST_LIST_MAX)
		return nx_fmt_fail(e, NX_FMT_EMANIFEST_CAP, "%s: %u entries, at most %d", what,
				   l->count, NX_MANIFEST_LIST_MAX);
	return 0;
}

static int get_text_list(const struct nx_capnp_struct *s, uint16_t ptr, size_t *n,
			 char (*items)[NX_MANIFEST_TEXT_MAX], const char *what,
			 struct nx_fmt_err *e)
{
	struct nx_capnp_list l;
	int r = get_list(s, ptr, NX_CAPNP_POINTER, &l, what, e);
	for (uint32_t i = 0; !r && i < l.count; i++) {
		const char *p;
		size_t len;
		if (!(r = nx_capnp_list_text(&l, i, &p, &len, e)))
			r = copy_text(items[i], NX_MANIFEST_TEXT_MAX, p, len, what, e);
	}
	*n = r ? 0 : l.count;
	return r;
}

static int get_pairs(const struct nx_capnp_struct *s, uint16_t ptr, size_t *n, char *first,
		     size_t first_cap, char *second, size_t stride, const char *what,
		     struct nx_fmt_err *e)
{
	struct nx_capnp_list l;
	struct nx_capnp_struct el;
	int r = get_list(s, ptr, NX_CAPNP_COMPOSITE, &l, what, e);
	for (uint32_t i = 0; !r && i < l.count; i++)
		if (!(r = nx_capnp_list_get_struct(&l, i, &el, e)) &&
		    !(r = get_text(&el, 0, first + i * stride, first_cap, what, e)))
			r = get_text(&el, 1, second + i * stride, NX_MANIFEST_TEXT_MAX, what, e);
	*n = r ? 0 : l.count;
	return r;
}

static int get_resources(const struct nx_capnp_struct *s, struct nx_manifest *m,
			 struct nx_fmt_err *e)
{
	struct nx_capnp_list l;
	struct nx_capnp_struct el;
	int r = get_list(s, MF_RESOURCES, NX_CAPNP_COMPOSITE, &l, "resources", e);
	for (uint32_t i = 0; !r && i < l.count; i++) {
		if ((r = nx_capnp_list_get_struct(&l, i, &el, e)))
			break;
		m->resources[i].kind = (enum nx_resource_kind)nx_capnp_u16(&el, MF_RES_KIND_BYTE);
		r = get_text(&el, 0, m->resources[i].path, NX_MANIFEST_PATH_MAX, "resources.path",
			     e);
	}
	m->n_resources = r ? 0 : l.count;
	return r;
}

static int decode(const struct nx_capnp_struct *s, struct nx_manifest *m, struct nx_fmt_err *e)
{
	const uint8_t *sig;
	size_t sig_len;
	int r;
	m->schema_version =
	    nx_capnp_u8(s, MF_SCHEMA_VERSION_BYTE) ^ (uint8_t)MF_SCHEMA_VERSION_DEFAULT;
	if (m->schema_version != NX_MANIFEST_SCHEMA_VERSION)
		return nx_fmt_fail(e, NX_FMT_EMANIFEST_VERSION, "schemaVersion %u, want %d",
				   m->schema_version, NX_MANIFEST_SCHEMA_VERSION);
	m->bundle_type = (enum nx_bundle_type)nx_capnp_u16(s, MF_BUNDLE_TYPE_BYTE);
	m->payload_kind = (enum nx_payload_kind)nx_capnp_u16(s, MF_PAYLOAD_KIND_BYTE);
	m->payload_size = nx_capnp_u64(s, MF_PAYLOAD_SIZE_BYTE);
	if ((r = nx_capnp_data(s, MF_SIGNATURE, &sig, &sig_len, e)))
		return r;
	if (sig)
		return nx_fmt_fail(e, NX_FMT_EMANIFEST_FIELD,
				   "signature: must be absent (the signature is manifest.sig)");
	if ((r = get_text(s, MF_NAME, m->name, NX_BUNDLE_NAME_MAX, "name", e)) ||
	    (r = get_text(s, MF_SEMVER, m->semver, NX_SEMVER_MAX, "semver", e)) ||
	    (r = get_text_list(s, MF_ABILITIES, &m->n_abilities, m->abilities, "abilities", e)) ||
	    (r = get_text_list(s, MF_CAPABILITIES, &m->n_capabilities, m->capabilities,
			       "capabilities", e)) ||
	    (r = get_text(s, MF_MIN_SDK, m->min_sdk, NX_SEMVER_MAX, "minSdk", e)) ||
	    (r = get_data(s, MF_PUBLISHER, m->publisher, NX_PUBLISHER_LEN, &m->has_publisher,
			  "publisher", e)) ||
	    (r = get_data(s, MF_PAYLOAD_DIGEST, m->payload_digest, NX_DIGEST_LEN, NULL,
			  "payloadDigest", e)) ||
	    (r = get_data(s, MF_SBOM_DIGEST, m->sbom_digest, NX_DIGEST_LEN, &m->has_sbom_digest,
			  "sbomDigest", e)) ||
	    (r = get_data(s, MF_REPRO_DIGEST, m->repro_digest, NX_DIGEST_LEN, &m->has_repro_digest,
			  "reproDigest", e)) ||
	    (r = get_pairs(s, MF_DEPENDENCIES, &m->n_dependencies, m->dependencies[0].name,
			   NX_BUNDLE_NAME_MAX, m->dependencies[0].constraint,
			   sizeof(m->dependencies[0]), "dependencies", e)) ||
	    (r = get_text_list(s, MF_PROVIDED_SERVICES, &m->n_provided_services,
			       m->provided_services, "providedServices", e)) ||
	    (r = get_resources(s, m, e)) ||
	    (r = get_pairs(s, MF_EXPORTS, &m->n_exports, m->exports[0].ability,
			   NX_MANIFEST_TEXT_MAX, m->exports[0].permission, sizeof(m->exports[0]),
			   "exports", e)))
		return r;
	return 0;
}

int nx_manifest_decode(const void *buf, size_t len, struct nx_manifest *out, struct nx_fmt_err *e)
{
	struct nx_capnp_msg msg;
	struct nx_capnp_struct root;
	struct nx_manifest m;
	uint8_t *again;
	size_t again_len;
	int r;
	memset(&m, 0, sizeof(m));
	if ((r = nx_capnp_open(&msg, buf, len, &root, e)) || (r = decode(&root, &m, e)) ||
	    (r = nx_manifest_check(&m, e)))
		return r;
	/*
	 * Cap'n Proto canonical form still allows choices our encoder never
	 * makes (an empty text as a non-null pointer, fields from a newer
	 * schema): one manifest, one byte string, so re-encode and compare.
	 */
	if (!(again = malloc(len)))
		return nx_fmt_fail(e, NX_FMT_ENOMEM, "manifest: out of memory");
	r = nx_manifest_encode(&m, again, len, &again_len, NULL);
	if (r == 0 && (again_len != len || memcmp(again, buf, len)))
		r = NX_FMT_ECAPNP_NONCANONICAL;
	if (r == NX_FMT_ERANGE)
		r = NX_FMT_ECAPNP_NONCANONICAL;
	free(again);
	if (r)
		return nx_fmt_fail(e, r,
				   "manifest: the bytes are not what the encoder emits for these "
				   "fields");
	*out = m;
	return 0;
}

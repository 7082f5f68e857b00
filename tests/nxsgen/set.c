/*
 * A set in memory (nxsgen.h): read with the product's reader, whose sink
 * hands over each bundle's members; sealed again with the given key; laid
 * out as the members nxs-pack writes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive_entry.h>
#include <sodium.h>

#include "nxs_index.h"
#include "nxs_read.h"
#include "nxsgen.h"

/*
 * The reader's signature check, which accepts: the input is the build's
 * own fixture set, and whether a signature holds is for the update under
 * test to say (the e2e script checks that the unmutated copy is byte for
 * byte the input). The first signature the reader asks about is the
 * index's (nxs_read.h, step 3): its bytes are kept.
 */
static int keep_index(void *ctx, const struct nx_sig *sig, const void *msg, size_t len, char *why,
		      size_t cap)
{
	struct gen_set *s = ctx;

	(void)why;
	(void)cap;
	if (s->index_len == 0 && len <= NX_NXS_INDEX_ENCODED_MAX) {
		memcpy(s->index, msg, len);
		s->index_len = len;
		nx_sig_format(sig, s->index_sig);
	}
	return 0;
}

static int keep_bundle(void *ctx, const struct nx_nxs_index *ix, const struct nx_nxs_bundle *b,
		       char *why, size_t cap)
{
	struct gen_set *s = ctx;
	struct gen_bundle *g;

	if (s->b == NULL) {
		if ((s->b = calloc(ix->n_bundles, sizeof(*s->b))) == NULL) {
			snprintf(why, cap, "out of memory");
			return -1;
		}
		s->nb = ix->n_bundles;
	}
	g = &s->b[b->index];
	g->m = *b->manifest;
	g->manifest_len = b->manifest_len;
	g->payload_len = (size_t)b->payload_size;
	if ((g->manifest = malloc(NX_MANIFEST_MAX)) == NULL ||
	    (g->payload = malloc(g->payload_len)) == NULL) {
		snprintf(why, cap, "out of memory");
		return -1;
	}
	memcpy(g->manifest, b->manifest_bytes, b->manifest_len);
	memcpy(g->sig, b->sig_bytes, sizeof(g->sig));
	memcpy(g->payload, b->payload, g->payload_len);
	return 0;
}

int gen_load(struct gen_set *s, int fd, const char *path)
{
	const struct nx_nxs_sigcheck sc = {s, keep_index};
	const struct nx_nxs_sink sink = {s, keep_bundle, NULL};
	struct nx_fmt_err e = {0};

	if ((s->index = malloc(NX_NXS_INDEX_ENCODED_MAX)) == NULL) {
		fprintf(stderr, "nxsgen: out of memory\n");
		return -1;
	}
	if (nx_nxs_read(fd, &sc, &sink, &s->ix, &e) != 0) {
		fprintf(stderr, "nxsgen: %s: %s\n", path, e.msg);
		return -1;
	}
	return 0;
}

void gen_free(struct gen_set *s)
{
	for (size_t i = 0; i < s->nb; i++) {
		free(s->b[i].manifest);
		free(s->b[i].payload);
	}
	free(s->b);
	free(s->index);
}

int gen_sign(const struct gen_set *s, const void *msg, size_t len, uint8_t out[NX_SIG_FILE_SIZE])
{
	struct nx_sig sig;

	if (nx_sig_sign(s->key, msg, len, &sig) != 0) {
		fprintf(stderr, "nxsgen: signing failed\n");
		return -1;
	}
	nx_sig_format(&sig, out);
	return 0;
}

int gen_seal_manifest(struct gen_set *s, size_t i)
{
	struct gen_bundle *g = &s->b[i];
	struct nx_fmt_err e = {0};

	if (nx_manifest_encode(&g->m, g->manifest, NX_MANIFEST_MAX, &g->manifest_len, &e) != 0) {
		fprintf(stderr, "nxsgen: %s: manifest: %s\n", g->m.name, e.msg);
		return -1;
	}
	crypto_hash_sha256(s->ix.bundles[i].manifest_sha256, g->manifest, g->manifest_len);
	return gen_sign(s, g->manifest, g->manifest_len, g->sig);
}

int gen_seal_index(struct gen_set *s)
{
	struct nx_fmt_err e = {0};

	if (nx_nxs_index_encode(&s->ix, s->index, NX_NXS_INDEX_ENCODED_MAX, &s->index_len, &e) !=
	    0) {
		fprintf(stderr, "nxsgen: index: %s\n", e.msg);
		return -1;
	}
	return gen_sign(s, s->index, s->index_len, s->index_sig);
}

static void add(struct gen_archive *a, size_t k, const uint8_t *data, size_t len)
{
	a->m[k] = (struct gen_member){.data = data, .len = len, .type = AE_IFREG};
}

void gen_lay_out(const struct gen_set *s, struct gen_archive *a)
{
	a->n = nx_nxs_members(s->ix.n_bundles);
	a->mtime = (time_t)(s->ix.timestamp_unix_ms / 1000);
	add(a, 0, s->index, s->index_len);
	add(a, 1, s->index_sig, NX_SIG_FILE_SIZE);
	for (size_t i = 0; i < s->ix.n_bundles; i++) {
		add(a, gen_k(i, 0), s->b[i].manifest, s->b[i].manifest_len);
		add(a, gen_k(i, 1), s->b[i].sig, NX_SIG_FILE_SIZE);
		add(a, gen_k(i, 2), s->b[i].payload, s->b[i].payload_len);
	}
	for (size_t k = 0; k < a->n; k++)
		nx_nxs_member_path(&s->ix, k, a->m[k].path);
}

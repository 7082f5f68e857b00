/*
 * libFuzzer target for the TOML subset reader and the manifest source
 * schema. An accepted document must be a well-formed tree (indexes in
 * range, strings terminated inside the pool, no cycles); an accepted
 * manifest source that passes nx_manifest_check must survive encode,
 * decode and encode again unchanged, as nxb-pack and bundlemgrd rely on.
 */
#include <stdint.h>
#include <string.h>

#include "manifest.h"
#include "manifest_toml.h"
#include "toml.h"
#include "fuzz_check.h"

static void check_pool_str(const struct nx_toml_doc *d, uint32_t off, const char *what)
{
	FUZZ_CHECK(off < d->pool_used, what);
	FUZZ_CHECK(memchr(d->pool + off, 0, d->pool_used - off) != NULL, what);
}

static void check_tree(const struct nx_toml_doc *d)
{
	size_t seen = 0;

	FUZZ_CHECK(d->n > 0 && d->n <= NX_TOML_NODES_MAX, "node count out of range");
	FUZZ_CHECK(d->pool_used <= NX_TOML_POOL_MAX, "pool over its cap");
	FUZZ_CHECK(d->nodes[0].kind == NX_TOML_TABLE, "root is not a table");
	for (size_t i = 0; i < d->n; i++) {
		const struct nx_toml_node *x = &d->nodes[i];
		int32_t links[3] = {x->first, x->last, x->next};

		for (int k = 0; k < 3; k++)
			FUZZ_CHECK(links[k] == NX_TOML_NONE ||
				       (links[k] > 0 && (size_t)links[k] < d->n),
				   "child or sibling index out of range");
		FUZZ_CHECK((x->first == NX_TOML_NONE) == (x->last == NX_TOML_NONE),
			   "first and last children disagree");
		if (x->kind == NX_TOML_STRING) {
			check_pool_str(d, x->str, "string outside the pool");
			FUZZ_CHECK(strlen(d->pool + x->str) == x->str_len,
				   "string length differs from its NUL");
		}
	}
	/* Walk from the root: each node reached once at most, so there is no cycle. */
	int32_t stack[NX_TOML_NODES_MAX];
	size_t sp = 0;
	stack[sp++] = 0;
	while (sp > 0) {
		const struct nx_toml_node *x = &d->nodes[stack[--sp]];

		FUZZ_CHECK(++seen <= d->n, "node tree has a cycle");
		for (int32_t c = x->first; c != NX_TOML_NONE; c = d->nodes[c].next) {
			FUZZ_CHECK(sp < NX_TOML_NODES_MAX && seen + sp < d->n,
				   "node tree has a cycle");
			if (x->kind == NX_TOML_TABLE)
				check_pool_str(d, d->nodes[c].key, "key outside the pool");
			stack[sp++] = c;
		}
	}
}

static void check_manifest(struct nx_manifest *m)
{
	static uint8_t bytes[NX_MANIFEST_MAX], again[NX_MANIFEST_MAX];
	static struct nx_manifest back;
	struct nx_fmt_err e;
	size_t len = 0, len2 = 0;

	/* nxb-pack fills these from the payload; any valid values do here. */
	m->payload_size = 1;
	memset(m->payload_digest, 0x5a, sizeof(m->payload_digest));
	if (nx_manifest_check(m, &e) != 0)
		return;
	FUZZ_CHECK(nx_manifest_encode(m, bytes, sizeof(bytes), &len, &e) == 0,
		   "a checked manifest does not encode");
	FUZZ_CHECK(nx_manifest_decode(bytes, len, &back, &e) == 0,
		   "our own encoding does not decode");
	FUZZ_CHECK(nx_manifest_encode(&back, again, sizeof(again), &len2, &e) == 0 && len2 == len &&
		       memcmp(again, bytes, len) == 0,
		   "encode, decode, encode changes the bytes");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nx_toml_doc doc;
	static struct nx_manifest m;
	struct nx_fmt_err e;

	int parsed = nx_toml_parse(&doc, (const char *)data, size, &e);
	if (parsed == 0)
		check_tree(&doc);
	else
		FUZZ_CHECK(parsed < 0 && e.code == parsed, "TOML refusal without its code");
	int r = nx_manifest_from_toml((const char *)data, size, &m, &e);
	FUZZ_CHECK(r <= 0, "manifest source returned a positive code");
	if (r == 0) {
		FUZZ_CHECK(parsed == 0,
			   "manifest accepted from a document the TOML reader refuses");
		check_manifest(&m);
	}
	return 0;
}

/*
 * The TOML subset manifest sources need: key = value lines, [tables],
 * [[arrays of tables]], dotted table headers, bare and quoted keys, basic
 * strings (with escapes) and literal strings, decimal integers, booleans,
 * arrays of strings (may span lines), comments. Everything else TOML has
 * (floats, dates, inline tables, multi-line strings, dotted keys on the
 * left of '=', hex/octal/binary integers, arrays of other types) is
 * refused with NX_FMT_ETOML_UNSUPPORTED and the line number.
 *
 * The document is a tree of nodes in one caller-owned struct (no
 * allocation); node 0 is the root table. Strings live in the pool and are
 * NUL-terminated (TOML strings cannot contain NUL: \u0000 is refused).
 */
#ifndef NEXUS_FORMATS_TOML_H
#define NEXUS_FORMATS_TOML_H

#include <stddef.h>
#include <stdint.h>

#include "fmt_err.h"

#define NX_TOML_SRC_MAX (64U << 10) /* bytes of source */
#define NX_TOML_NODES_MAX 1024	    /* tables, arrays and values in one document */
/*
 * Bytes of decoded keys and strings with their NULs. Each pool byte stands
 * for at least one source byte (a quote or '=' pays for the NUL; escapes
 * only shrink), so a source within NX_TOML_SRC_MAX always fits; the
 * reader still checks every append.
 */
#define NX_TOML_POOL_MAX (NX_TOML_SRC_MAX + 1)
#define NX_TOML_NONE (-1) /* "no node" index */

enum nx_toml_kind {
	NX_TOML_TABLE,
	NX_TOML_ARRAY_TABLES, /* [[name]]: children are tables */
	NX_TOML_ARRAY,	      /* [ "a", "b" ]: children are strings */
	NX_TOML_STRING,
	NX_TOML_INT,
	NX_TOML_BOOL,
};

struct nx_toml_node {
	enum nx_toml_kind kind;
	uint32_t key;	   /* pool offset of the key (unused for array elements) */
	uint32_t str;	   /* pool offset of a string value */
	uint32_t str_len;  /* bytes, without the NUL */
	int64_t num;	   /* integer value, or 0/1 for a boolean */
	int32_t first;	   /* first child, NX_TOML_NONE if none */
	int32_t last;	   /* last child, for appending in order */
	int32_t next;	   /* next sibling */
	uint32_t line;	   /* where it was defined, for schema errors */
	uint8_t explicit_; /* table defined by its own header (not only implied) */
};

struct nx_toml_doc {
	struct nx_toml_node nodes[NX_TOML_NODES_MAX];
	size_t n;
	char pool[NX_TOML_POOL_MAX];
	size_t pool_used;
};

/* The message of a refusal reads "line N: ...". */
__attribute__((warn_unused_result)) int nx_toml_parse(struct nx_toml_doc *d, const char *src,
						      size_t len, struct nx_fmt_err *e);
/* Child of table t named key, or NX_TOML_NONE. */
int32_t nx_toml_find(const struct nx_toml_doc *d, int32_t t, const char *key);
static inline const char *nx_toml_str(const struct nx_toml_doc *d, uint32_t off)
{
	return d->pool + off;
}

#endif

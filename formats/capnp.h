/*
 * A minimal Cap'n Proto builder and reader for one canonical single-segment
 * message, the only kind our on-disk formats use (no maintained C library
 * exists; docs/formats.md). A message here is the flat canonical form:
 * the root pointer at word 0, then every object in preorder, no segment
 * table, no gaps, exactly what `capnp convert text:canonical` emits.
 *
 * The builder writes into a caller buffer and lays objects out in the order
 * the caller creates them, so a caller that creates each pointer's target
 * (and that target's children) before the next pointer's gets canonical
 * bytes. The reader validates the whole message once in nx_capnp_open()
 * (bounds, far pointers, depth, traversal budget, canonical layout) and
 * its accessors check every pointer again before following it.
 */
#ifndef NEXUS_FORMATS_CAPNP_H
#define NEXUS_FORMATS_CAPNP_H

#include <stddef.h>
#include <stdint.h>

#include "fmt_err.h"
#include "nexus/limits.h"

#define NX_CAPNP_WORD 8 /* bytes per word */
/* Pointer hops from the root pointer to the deepest object; the manifest needs 3. */
#define NX_CAPNP_DEPTH_MAX 16
/*
 * Words the reader may visit (object words, and one per list element of
 * zero size) before refusing: a canonical message visits each word once,
 * so the cap equals the largest message; anything more is amplification.
 */
#define NX_CAPNP_TRAVERSE_MAX (NX_MANIFEST_MAX / NX_CAPNP_WORD)
#define NX_CAPNP_MSG_MAX NX_MANIFEST_MAX /* bytes of a message the reader accepts */

/* List element sizes as the list pointer encodes them. */
enum nx_capnp_elem {
	NX_CAPNP_VOID = 0,
	NX_CAPNP_BIT = 1,
	NX_CAPNP_BYTE = 2,
	NX_CAPNP_TWO = 3,
	NX_CAPNP_FOUR = 4,
	NX_CAPNP_EIGHT = 5,
	NX_CAPNP_POINTER = 6,
	NX_CAPNP_COMPOSITE = 7,
};

/* ---- builder ---- */

struct nx_capnp_builder {
	uint8_t *buf;
	size_t cap_words;
	size_t used_words;
	int err; /* first failure, sticky: later calls do nothing */
};

/* A struct being built: its data section at word `data`, then its pointers. */
struct nx_capnp_bstruct {
	struct nx_capnp_builder *b;
	size_t data;
	uint16_t data_words;
	uint16_t ptr_count;
};

/* A list being built: pointer list or composite (struct) list. */
struct nx_capnp_blist {
	struct nx_capnp_builder *b;
	size_t start; /* word of element 0 (after the tag for composite lists) */
	uint32_t count;
	enum nx_capnp_elem elem; /* NX_CAPNP_POINTER or NX_CAPNP_COMPOSITE */
	uint16_t data_words;	 /* composite only */
	uint16_t ptr_count;	 /* composite only */
};

/* Zeroes buf (cap bytes, a multiple of 8 is used) and starts a message. */
void nx_capnp_builder_init(struct nx_capnp_builder *b, void *buf, size_t cap);
/* The root struct, sections already truncated by the caller. */
int nx_capnp_build_root(struct nx_capnp_builder *b, uint16_t data_words, uint16_t ptr_count,
			struct nx_capnp_bstruct *root);
void nx_capnp_set_u8(struct nx_capnp_bstruct *s, size_t byte_off, uint8_t v);
void nx_capnp_set_u16(struct nx_capnp_bstruct *s, size_t byte_off, uint16_t v);
void nx_capnp_set_u64(struct nx_capnp_bstruct *s, size_t byte_off, uint64_t v);
/* Text: len bytes plus the NUL the encoding adds. */
int nx_capnp_set_text(struct nx_capnp_bstruct *s, uint16_t ptr, const char *text, size_t len);
int nx_capnp_set_data(struct nx_capnp_bstruct *s, uint16_t ptr, const void *data, size_t len);
int nx_capnp_set_struct(struct nx_capnp_bstruct *s, uint16_t ptr, uint16_t data_words,
			uint16_t ptr_count, struct nx_capnp_bstruct *out);
int nx_capnp_set_ptr_list(struct nx_capnp_bstruct *s, uint16_t ptr, uint32_t count,
			  struct nx_capnp_blist *out);
int nx_capnp_set_struct_list(struct nx_capnp_bstruct *s, uint16_t ptr, uint32_t count,
			     uint16_t data_words, uint16_t ptr_count, struct nx_capnp_blist *out);
/* Element i of a pointer list as text, or element i of a composite list. */
int nx_capnp_list_set_text(struct nx_capnp_blist *l, uint32_t i, const char *text, size_t len);
int nx_capnp_list_struct(struct nx_capnp_blist *l, uint32_t i, struct nx_capnp_bstruct *out);
/* 0 and the message length in bytes, or the first error. */
int nx_capnp_build_finish(struct nx_capnp_builder *b, size_t *len);

/* ---- reader ---- */

struct nx_capnp_msg {
	const uint8_t *buf;
	size_t nwords;
};

struct nx_capnp_struct {
	const struct nx_capnp_msg *m;
	size_t data; /* word of the data section; pointers follow it */
	uint16_t data_words;
	uint16_t ptr_count;
	unsigned depth; /* pointer hops from the root pointer */
};

struct nx_capnp_list {
	const struct nx_capnp_msg *m;
	size_t start; /* word of element 0 (after the tag for composite lists) */
	uint32_t count;
	enum nx_capnp_elem elem;
	uint16_t data_words; /* composite only */
	uint16_t ptr_count;  /* composite only */
	unsigned depth;
};

/*
 * Validates the whole message (size, every pointer's bounds and kind,
 * depth, traversal budget, canonical layout) and yields the root struct.
 * buf must stay alive and unchanged while the message is read.
 */
__attribute__((warn_unused_result)) int nx_capnp_open(struct nx_capnp_msg *m, const void *buf,
						      size_t len, struct nx_capnp_struct *root,
						      struct nx_fmt_err *e);
/* Data-section fields; a field past the section reads as 0 (schema evolution). */
uint8_t nx_capnp_u8(const struct nx_capnp_struct *s, size_t byte_off);
uint16_t nx_capnp_u16(const struct nx_capnp_struct *s, size_t byte_off);
uint64_t nx_capnp_u64(const struct nx_capnp_struct *s, size_t byte_off);
/*
 * Pointer fields. A null pointer (or one past the section) gives len 0 and
 * *p NULL / an empty list. Text excludes its NUL, which is checked.
 */
__attribute__((warn_unused_result)) int nx_capnp_text(const struct nx_capnp_struct *s, uint16_t ptr,
						      const char **p, size_t *len,
						      struct nx_fmt_err *e);
__attribute__((warn_unused_result)) int nx_capnp_data(const struct nx_capnp_struct *s, uint16_t ptr,
						      const uint8_t **p, size_t *len,
						      struct nx_fmt_err *e);
/* A list whose elements must be `elem` (NX_CAPNP_POINTER or NX_CAPNP_COMPOSITE). */
__attribute__((warn_unused_result)) int nx_capnp_list(const struct nx_capnp_struct *s, uint16_t ptr,
						      enum nx_capnp_elem elem,
						      struct nx_capnp_list *out,
						      struct nx_fmt_err *e);
__attribute__((warn_unused_result)) int nx_capnp_list_text(const struct nx_capnp_list *l,
							   uint32_t i, const char **p, size_t *len,
							   struct nx_fmt_err *e);
__attribute__((warn_unused_result)) int nx_capnp_list_get_struct(const struct nx_capnp_list *l,
								 uint32_t i,
								 struct nx_capnp_struct *out,
								 struct nx_fmt_err *e);

#endif

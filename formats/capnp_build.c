/*
 * Cap'n Proto builder: objects are appended in creation order to one
 * zeroed caller buffer, so a caller creating targets in preorder gets the
 * canonical layout. Errors are sticky: after the first, calls do nothing
 * and nx_capnp_build_finish reports it.
 */
#include <string.h>

#include "capnp.h"
#include "capnp_wire.h"

void nx_capnp_builder_init(struct nx_capnp_builder *b, void *buf, size_t cap)
{
	b->buf = buf;
	b->cap_words = cap / NX_CAPNP_WORD;
	b->used_words = 0;
	b->err = NX_FMT_OK;
	memset(buf, 0, b->cap_words * NX_CAPNP_WORD);
}

static int alloc(struct nx_capnp_builder *b, size_t words, size_t *at)
{
	if (b->err)
		return b->err;
	if (words > b->cap_words - b->used_words)
		return b->err = NX_FMT_ERANGE;
	*at = b->used_words;
	b->used_words += words;
	return NX_FMT_OK;
}

static void put_struct_ptr(struct nx_capnp_builder *b, size_t at, size_t target, uint16_t dw,
			   uint16_t pc)
{
	/* An empty struct points at its own pointer: offset 0 would read as null. */
	int64_t off = dw + pc ? (int64_t)target - (int64_t)(at + 1) : -1;
	uint64_t w =
	    capnp_offset_bits(off) | NX_CAPNP_KIND_STRUCT | (uint64_t)dw << 32 | (uint64_t)pc << 48;
	capnp_put_word(b->buf + at * NX_CAPNP_WORD, w);
}

static void put_list_ptr(struct nx_capnp_builder *b, size_t at, size_t target,
			 enum nx_capnp_elem es, uint32_t count)
{
	int64_t off = (int64_t)target - (int64_t)(at + 1);
	uint64_t w = capnp_offset_bits(off) | NX_CAPNP_KIND_LIST | (uint64_t)es << 32 |
		     (uint64_t)count << 35;
	capnp_put_word(b->buf + at * NX_CAPNP_WORD, w);
}

/* The word index of pointer slot ptr of s, or an error for a slot it lacks. */
static int ptr_slot(struct nx_capnp_bstruct *s, uint16_t ptr, size_t *at)
{
	if (s->b->err)
		return s->b->err;
	if (ptr >= s->ptr_count)
		return s->b->err = NX_FMT_EINVAL;
	*at = s->data + s->data_words + ptr;
	return NX_FMT_OK;
}

int nx_capnp_build_root(struct nx_capnp_builder *b, uint16_t data_words, uint16_t ptr_count,
			struct nx_capnp_bstruct *root)
{
	size_t at, target;
	if (alloc(b, 1, &at) || alloc(b, (size_t)data_words + ptr_count, &target))
		return b->err;
	put_struct_ptr(b, at, target, data_words, ptr_count);
	*root = (struct nx_capnp_bstruct){b, target, data_words, ptr_count};
	return NX_FMT_OK;
}

static uint8_t *field(struct nx_capnp_bstruct *s, size_t byte_off, size_t size)
{
	if (s->b->err)
		return NULL;
	if (byte_off + size > (size_t)s->data_words * NX_CAPNP_WORD) {
		s->b->err = NX_FMT_EINVAL;
		return NULL;
	}
	return s->b->buf + s->data * NX_CAPNP_WORD + byte_off;
}

void nx_capnp_set_u8(struct nx_capnp_bstruct *s, size_t byte_off, uint8_t v)
{
	uint8_t *p = field(s, byte_off, 1);
	if (p)
		p[0] = v;
}

void nx_capnp_set_u16(struct nx_capnp_bstruct *s, size_t byte_off, uint16_t v)
{
	uint8_t *p = field(s, byte_off, 2);
	if (p) {
		p[0] = (uint8_t)v;
		p[1] = (uint8_t)(v >> 8);
	}
}

void nx_capnp_set_u64(struct nx_capnp_bstruct *s, size_t byte_off, uint64_t v)
{
	uint8_t *p = field(s, byte_off, 8);
	if (p)
		capnp_put_word(p, v);
}

static int put_bytes(struct nx_capnp_builder *b, size_t at, const void *bytes, size_t len,
		     size_t stored)
{
	size_t target;
	if (stored > NX_CAPNP_LIST_COUNT_MAX)
		return b->err = NX_FMT_ERANGE;
	if (alloc(b, (stored + NX_CAPNP_WORD - 1) / NX_CAPNP_WORD, &target))
		return b->err;
	if (len)
		memcpy(b->buf + target * NX_CAPNP_WORD, bytes, len);
	put_list_ptr(b, at, target, NX_CAPNP_BYTE, (uint32_t)stored);
	return NX_FMT_OK;
}

int nx_capnp_set_text(struct nx_capnp_bstruct *s, uint16_t ptr, const char *text, size_t len)
{
	size_t at;
	if (ptr_slot(s, ptr, &at))
		return s->b->err;
	return put_bytes(s->b, at, text, len, len + 1);
}

int nx_capnp_set_data(struct nx_capnp_bstruct *s, uint16_t ptr, const void *data, size_t len)
{
	size_t at;
	if (ptr_slot(s, ptr, &at))
		return s->b->err;
	return put_bytes(s->b, at, data, len, len);
}

int nx_capnp_set_struct(struct nx_capnp_bstruct *s, uint16_t ptr, uint16_t data_words,
			uint16_t ptr_count, struct nx_capnp_bstruct *out)
{
	size_t at, target;
	if (ptr_slot(s, ptr, &at) || alloc(s->b, (size_t)data_words + ptr_count, &target))
		return s->b->err;
	put_struct_ptr(s->b, at, target, data_words, ptr_count);
	*out = (struct nx_capnp_bstruct){s->b, target, data_words, ptr_count};
	return NX_FMT_OK;
}

int nx_capnp_set_ptr_list(struct nx_capnp_bstruct *s, uint16_t ptr, uint32_t count,
			  struct nx_capnp_blist *out)
{
	size_t at, target;
	if (ptr_slot(s, ptr, &at))
		return s->b->err;
	if (count > NX_CAPNP_LIST_COUNT_MAX)
		return s->b->err = NX_FMT_ERANGE;
	if (alloc(s->b, count, &target))
		return s->b->err;
	put_list_ptr(s->b, at, target, NX_CAPNP_POINTER, count);
	*out = (struct nx_capnp_blist){s->b, target, count, NX_CAPNP_POINTER, 0, 0};
	return NX_FMT_OK;
}

int nx_capnp_set_struct_list(struct nx_capnp_bstruct *s, uint16_t ptr, uint32_t count,
			     uint16_t data_words, uint16_t ptr_count, struct nx_capnp_blist *out)
{
	size_t at, tag;
	uint64_t words = (uint64_t)count * ((size_t)data_words + ptr_count);
	if (ptr_slot(s, ptr, &at))
		return s->b->err;
	if (words > NX_CAPNP_LIST_COUNT_MAX || count > (NX_CAPNP_LIST_COUNT_MAX >> 1))
		return s->b->err = NX_FMT_ERANGE;
	if (alloc(s->b, 1 + (size_t)words, &tag))
		return s->b->err;
	/* The tag is a struct pointer whose offset field holds the element count. */
	capnp_put_word(s->b->buf + tag * NX_CAPNP_WORD, (uint64_t)count << 2 |
							    (uint64_t)data_words << 32 |
							    (uint64_t)ptr_count << 48);
	put_list_ptr(s->b, at, tag, NX_CAPNP_COMPOSITE, (uint32_t)words);
	*out = (struct nx_capnp_blist){s->b,	   tag + 1,  count, NX_CAPNP_COMPOSITE,
				       data_words, ptr_count};
	return NX_FMT_OK;
}

int nx_capnp_list_set_text(struct nx_capnp_blist *l, uint32_t i, const char *text, size_t len)
{
	if (l->b->err)
		return l->b->err;
	if (i >= l->count || l->elem != NX_CAPNP_POINTER)
		return l->b->err = NX_FMT_EINVAL;
	return put_bytes(l->b, l->start + i, text, len, len + 1);
}

int nx_capnp_list_struct(struct nx_capnp_blist *l, uint32_t i, struct nx_capnp_bstruct *out)
{
	if (l->b->err)
		return l->b->err;
	if (i >= l->count || l->elem != NX_CAPNP_COMPOSITE)
		return l->b->err = NX_FMT_EINVAL;
	*out = (struct nx_capnp_bstruct){
	    l->b, l->start + (size_t)i * ((size_t)l->data_words + l->ptr_count), l->data_words,
	    l->ptr_count};
	return NX_FMT_OK;
}

int nx_capnp_build_finish(struct nx_capnp_builder *b, size_t *len)
{
	if (b->err)
		return b->err;
	*len = b->used_words * NX_CAPNP_WORD;
	return NX_FMT_OK;
}

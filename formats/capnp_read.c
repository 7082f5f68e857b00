/*
 * Cap'n Proto reader for one flat single-segment message. nx_capnp_open
 * walks every pointer once, in preorder, and demands that each object sits
 * exactly where the canonical encoder would put it: right after the
 * previous one. Bounds, kind and depth are checked before the canonical
 * position, and the traversal budget before it too, so a message pointing
 * twice at one large object is reported as amplification.
 */
#include <string.h>

#include "capnp.h"
#include "capnp_wire.h"
#include "fmt_fail.h"

/* Bits per element of each non-composite list element size. */
static const unsigned elem_bits[8] = {0, 1, 8, 16, 32, 64, 64, 0};

/* A decoded struct or list pointer, checked against the message bounds. */
struct target {
	unsigned kind;
	int64_t at; /* first word of the object (the tag for composite lists) */
	uint64_t words;
	enum nx_capnp_elem elem;
	uint32_t count; /* list elements */
	uint16_t data_words, ptr_count;
};

static uint64_t word_at(const struct nx_capnp_msg *m, size_t i)
{
	return capnp_get_word(m->buf + i * NX_CAPNP_WORD);
}

/* Decodes the non-null pointer at word p: kind, bounds, list tag. */
static int decode(const struct nx_capnp_msg *m, size_t p, struct target *t, struct nx_fmt_err *e)
{
	uint64_t w = word_at(m, p);
	t->kind = capnp_kind(w);
	if (t->kind == NX_CAPNP_KIND_FAR)
		return nx_fmt_fail(e, NX_FMT_ECAPNP_FAR, "far pointer at word %zu", p);
	if (t->kind == NX_CAPNP_KIND_OTHER)
		return nx_fmt_fail(e, NX_FMT_ECAPNP_POINTER, "capability pointer at word %zu", p);
	t->at = (int64_t)p + 1 + capnp_offset(w);
	if (t->kind == NX_CAPNP_KIND_STRUCT) {
		t->data_words = (uint16_t)(w >> 32);
		t->ptr_count = (uint16_t)(w >> 48);
		t->words = (uint64_t)t->data_words + t->ptr_count;
		t->count = 0;
	} else {
		t->elem = (enum nx_capnp_elem)((w >> 32) & 7);
		t->count = (uint32_t)(w >> 35);
		if (t->elem == NX_CAPNP_COMPOSITE)
			t->words = (uint64_t)t->count + 1; /* + the tag */
		else
			t->words = ((uint64_t)t->count * elem_bits[t->elem] + 63) / 64;
	}
	if (t->words == 0 && t->kind == NX_CAPNP_KIND_STRUCT)
		return NX_FMT_OK; /* an empty struct has no target to bound */
	if (t->at < 0 || (uint64_t)t->at > m->nwords || t->words > m->nwords - (uint64_t)t->at)
		return nx_fmt_fail(e, NX_FMT_ECAPNP_BOUNDS,
				   "pointer at word %zu: target [%lld, +%llu) outside %zu words", p,
				   (long long)t->at, (unsigned long long)t->words, m->nwords);
	if (t->kind == NX_CAPNP_KIND_LIST && t->elem == NX_CAPNP_COMPOSITE) {
		uint64_t tag = word_at(m, (size_t)t->at);
		uint64_t wc = t->count;
		if (capnp_kind(tag) != NX_CAPNP_KIND_STRUCT)
			return nx_fmt_fail(e, NX_FMT_ECAPNP_POINTER,
					   "struct list tag at word %lld is not a struct tag",
					   (long long)t->at);
		t->count = (uint32_t)((tag & 0xffffffffu) >> 2);
		t->data_words = (uint16_t)(tag >> 32);
		t->ptr_count = (uint16_t)(tag >> 48);
		if ((uint64_t)t->count * ((uint64_t)t->data_words + t->ptr_count) != wc)
			return nx_fmt_fail(e, NX_FMT_ECAPNP_POINTER,
					   "struct list at word %lld: %u elements of %u+%u words "
					   "do not fill %llu words",
					   (long long)t->at, t->count, t->data_words, t->ptr_count,
					   (unsigned long long)wc);
	}
	return NX_FMT_OK;
}

struct walk {
	const struct nx_capnp_msg *m;
	size_t next;	/* where the canonical encoder puts the next object */
	uint64_t spent; /* words visited */
	struct nx_fmt_err *e;
};

static int follow(struct walk *w, size_t p, unsigned depth);

static int charge(struct walk *w, uint64_t words, size_t p)
{
	w->spent += words;
	if (w->spent > NX_CAPNP_TRAVERSE_MAX)
		return nx_fmt_fail(w->e, NX_FMT_ECAPNP_TRAVERSAL,
				   "pointer at word %zu: more than %u words traversed", p,
				   (unsigned)NX_CAPNP_TRAVERSE_MAX);
	return NX_FMT_OK;
}

static int follow_all(struct walk *w, size_t first, size_t n, unsigned depth)
{
	for (size_t i = 0; i < n; i++) {
		int r = follow(w, first + i, depth);
		if (r)
			return r;
	}
	return NX_FMT_OK;
}

/*
 * Canonical struct sections are truncated: the last data word non-zero,
 * the last pointer non-null. For a struct list the sizes are the largest
 * any element needs, so some element must use the last word of each.
 */
static int check_truncated(struct walk *w, size_t first, uint32_t n, uint16_t dw, uint16_t pc)
{
	size_t stride = (size_t)dw + pc;
	int data_used = dw == 0, ptr_used = pc == 0;
	for (uint32_t i = 0; i < n; i++) {
		size_t s = first + i * stride;
		if (dw && word_at(w->m, s + dw - 1))
			data_used = 1;
		if (pc && word_at(w->m, s + stride - 1))
			ptr_used = 1;
	}
	if (n == 0 && stride)
		return nx_fmt_fail(w->e, NX_FMT_ECAPNP_NONCANONICAL,
				   "empty struct list at word %zu declares %u+%u words per element",
				   first - 1, dw, pc);
	if (!data_used || !ptr_used)
		return nx_fmt_fail(w->e, NX_FMT_ECAPNP_NONCANONICAL,
				   "struct at word %zu: trailing zero %s not truncated", first,
				   data_used ? "pointer" : "data word");
	return NX_FMT_OK;
}

/* The unused bits after the last element of a sub-word list must be zero. */
static int check_padding(struct walk *w, const struct target *t)
{
	uint64_t bits = (uint64_t)t->count * elem_bits[t->elem];
	if (bits % 64 == 0)
		return NX_FMT_OK;
	uint64_t last = word_at(w->m, (size_t)t->at + t->words - 1);
	if (last >> (bits % 64))
		return nx_fmt_fail(w->e, NX_FMT_ECAPNP_NONCANONICAL,
				   "list at word %lld: non-zero padding after its last element",
				   (long long)t->at);
	return NX_FMT_OK;
}

static int follow(struct walk *w, size_t p, unsigned depth)
{
	struct target t;
	int r;
	if (word_at(w->m, p) == 0)
		return NX_FMT_OK;
	if (depth > NX_CAPNP_DEPTH_MAX)
		return nx_fmt_fail(w->e, NX_FMT_ECAPNP_DEPTH,
				   "pointer at word %zu nested deeper than %d", p,
				   NX_CAPNP_DEPTH_MAX);
	if ((r = decode(w->m, p, &t, w->e)))
		return r;
	if (t.kind == NX_CAPNP_KIND_STRUCT && t.words == 0) {
		if (t.at != (int64_t)p)
			return nx_fmt_fail(w->e, NX_FMT_ECAPNP_NONCANONICAL,
					   "empty struct pointer at word %zu: offset is not -1", p);
		return charge(w, 1, p);
	}
	/* Zero-sized elements still cost a word each: a huge void list is amplification. */
	uint64_t cost = t.words;
	if (t.kind == NX_CAPNP_KIND_LIST &&
	    (t.elem == NX_CAPNP_VOID || (t.elem == NX_CAPNP_COMPOSITE && t.words == 1)))
		cost += t.count;
	if ((r = charge(w, cost, p)))
		return r;
	if (t.at != (int64_t)w->next)
		return nx_fmt_fail(w->e, NX_FMT_ECAPNP_NONCANONICAL,
				   "pointer at word %zu: target at word %lld, canonical order puts "
				   "it at word %zu",
				   p, (long long)t.at, w->next);
	w->next += t.words;
	if (t.kind == NX_CAPNP_KIND_STRUCT) {
		if ((r = check_truncated(w, (size_t)t.at, 1, t.data_words, t.ptr_count)))
			return r;
		return follow_all(w, (size_t)t.at + t.data_words, t.ptr_count, depth + 1);
	}
	if (t.elem == NX_CAPNP_POINTER)
		return follow_all(w, (size_t)t.at, t.count, depth + 1);
	if (t.elem != NX_CAPNP_COMPOSITE)
		return check_padding(w, &t);
	size_t first = (size_t)t.at + 1, stride = (size_t)t.data_words + t.ptr_count;
	if ((r = check_truncated(w, first, t.count, t.data_words, t.ptr_count)))
		return r;
	for (uint32_t i = 0; i < t.count; i++)
		if ((r = follow_all(w, first + i * stride + t.data_words, t.ptr_count, depth + 1)))
			return r;
	return NX_FMT_OK;
}

int nx_capnp_open(struct nx_capnp_msg *m, const void *buf, size_t len, struct nx_capnp_struct *root,
		  struct nx_fmt_err *e)
{
	struct target t;
	int r;
	if (len == 0 || len % NX_CAPNP_WORD || len > NX_CAPNP_MSG_MAX)
		return nx_fmt_fail(e, NX_FMT_ECAPNP_SIZE,
				   "message of %zu bytes: want 8..%u bytes in whole words", len,
				   (unsigned)NX_CAPNP_MSG_MAX);
	m->buf = buf;
	m->nwords = len / NX_CAPNP_WORD;
	if (word_at(m, 0) == 0 || capnp_kind(word_at(m, 0)) != NX_CAPNP_KIND_STRUCT) {
		if (word_at(m, 0) && (r = decode(m, 0, &t, e)))
			return r;
		return nx_fmt_fail(e, NX_FMT_ECAPNP_TYPE, "root pointer is not a struct");
	}
	struct walk w = {m, 1, 0, e};
	if ((r = follow(&w, 0, 1)))
		return r;
	if (w.next != m->nwords)
		return nx_fmt_fail(e, NX_FMT_ECAPNP_NONCANONICAL,
				   "%zu words after the last object (message ends at word %zu)",
				   m->nwords - w.next, w.next);
	if ((r = decode(m, 0, &t, e)))
		return r;
	*root = (struct nx_capnp_struct){m, (size_t)t.at, t.data_words, t.ptr_count, 1};
	return NX_FMT_OK;
}

static const uint8_t *field(const struct nx_capnp_struct *s, size_t byte_off, size_t size)
{
	if (byte_off + size > (size_t)s->data_words * NX_CAPNP_WORD)
		return NULL;
	return s->m->buf + s->data * NX_CAPNP_WORD + byte_off;
}

uint8_t nx_capnp_u8(const struct nx_capnp_struct *s, size_t byte_off)
{
	const uint8_t *p = field(s, byte_off, 1);
	return p ? p[0] : 0;
}

uint16_t nx_capnp_u16(const struct nx_capnp_struct *s, size_t byte_off)
{
	const uint8_t *p = field(s, byte_off, 2);
	return p ? (uint16_t)(p[0] | p[1] << 8) : 0;
}

uint64_t nx_capnp_u64(const struct nx_capnp_struct *s, size_t byte_off)
{
	const uint8_t *p = field(s, byte_off, 8);
	return p ? capnp_get_word(p) : 0;
}

/*
 * The list at pointer word p with element size elem; *null set when the
 * pointer is null. Bounds are checked again: accessors never trust open().
 */
static int list_at(const struct nx_capnp_msg *m, size_t p, enum nx_capnp_elem elem, unsigned depth,
		   struct nx_capnp_list *out, int *null, struct nx_fmt_err *e)
{
	struct target t;
	int r;
	*null = word_at(m, p) == 0;
	if (*null) {
		*out = (struct nx_capnp_list){m, 0, 0, elem, 0, 0, depth};
		return NX_FMT_OK;
	}
	if (depth > NX_CAPNP_DEPTH_MAX)
		return nx_fmt_fail(e, NX_FMT_ECAPNP_DEPTH, "pointer at word %zu nested too deep",
				   p);
	if ((r = decode(m, p, &t, e)))
		return r;
	if (t.kind != NX_CAPNP_KIND_LIST || t.elem != elem)
		return nx_fmt_fail(e, NX_FMT_ECAPNP_TYPE,
				   "pointer at word %zu: want a list of element size %d", p, elem);
	size_t start = (size_t)t.at + (elem == NX_CAPNP_COMPOSITE);
	*out = (struct nx_capnp_list){m, start, t.count, elem, t.data_words, t.ptr_count, depth};
	return NX_FMT_OK;
}

static int bytes_at(const struct nx_capnp_msg *m, size_t p, unsigned depth, int text,
		    const uint8_t **bytes, size_t *len, struct nx_fmt_err *e)
{
	struct nx_capnp_list l;
	int null, r;
	*bytes = NULL;
	*len = 0;
	if ((r = list_at(m, p, NX_CAPNP_BYTE, depth, &l, &null, e)) || null)
		return r;
	*bytes = m->buf + l.start * NX_CAPNP_WORD;
	*len = l.count;
	if (!text)
		return NX_FMT_OK;
	if (l.count == 0 || (*bytes)[l.count - 1] != 0)
		return nx_fmt_fail(e, NX_FMT_ECAPNP_TYPE, "text at word %zu lacks its NUL",
				   l.start);
	*len = l.count - 1;
	return NX_FMT_OK;
}

/* Word of pointer slot ptr, or 0 (never a pointer slot) when s has none. */
static size_t slot(const struct nx_capnp_struct *s, uint16_t ptr)
{
	return ptr < s->ptr_count ? s->data + s->data_words + ptr : 0;
}

int nx_capnp_text(const struct nx_capnp_struct *s, uint16_t ptr, const char **p, size_t *len,
		  struct nx_fmt_err *e)
{
	size_t at = slot(s, ptr);
	if (!at) {
		*p = NULL;
		*len = 0;
		return NX_FMT_OK;
	}
	return bytes_at(s->m, at, s->depth + 1, 1, (const uint8_t **)p, len, e);
}

int nx_capnp_data(const struct nx_capnp_struct *s, uint16_t ptr, const uint8_t **p, size_t *len,
		  struct nx_fmt_err *e)
{
	size_t at = slot(s, ptr);
	if (!at) {
		*p = NULL;
		*len = 0;
		return NX_FMT_OK;
	}
	return bytes_at(s->m, at, s->depth + 1, 0, p, len, e);
}

int nx_capnp_list(const struct nx_capnp_struct *s, uint16_t ptr, enum nx_capnp_elem elem,
		  struct nx_capnp_list *out, struct nx_fmt_err *e)
{
	int null;
	size_t at = slot(s, ptr);
	if (!at) {
		*out = (struct nx_capnp_list){s->m, 0, 0, elem, 0, 0, s->depth + 1};
		return NX_FMT_OK;
	}
	return list_at(s->m, at, elem, s->depth + 1, out, &null, e);
}

int nx_capnp_list_text(const struct nx_capnp_list *l, uint32_t i, const char **p, size_t *len,
		       struct nx_fmt_err *e)
{
	if (l->elem != NX_CAPNP_POINTER || i >= l->count)
		return nx_fmt_fail(e, NX_FMT_EINVAL, "text element %u of a %u-element list", i,
				   l->count);
	return bytes_at(l->m, l->start + i, l->depth + 1, 1, (const uint8_t **)p, len, e);
}

int nx_capnp_list_get_struct(const struct nx_capnp_list *l, uint32_t i, struct nx_capnp_struct *out,
			     struct nx_fmt_err *e)
{
	if (l->elem != NX_CAPNP_COMPOSITE || i >= l->count)
		return nx_fmt_fail(e, NX_FMT_EINVAL, "struct element %u of a %u-element list", i,
				   l->count);
	*out = (struct nx_capnp_struct){
	    l->m, l->start + (size_t)i * ((size_t)l->data_words + l->ptr_count), l->data_words,
	    l->ptr_count, l->depth};
	return NX_FMT_OK;
}

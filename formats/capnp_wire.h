/* Internal to formats/capnp_*.c: little-endian words and pointer fields. */
#ifndef NEXUS_FORMATS_CAPNP_WIRE_H
#define NEXUS_FORMATS_CAPNP_WIRE_H

#include <stdint.h>

#define NX_CAPNP_KIND_STRUCT 0
#define NX_CAPNP_KIND_LIST 1
#define NX_CAPNP_KIND_FAR 2
#define NX_CAPNP_KIND_OTHER 3
#define NX_CAPNP_LIST_COUNT_MAX ((1U << 29) - 1) /* 29-bit element / word count */

static inline uint64_t capnp_get_word(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static inline void capnp_put_word(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline unsigned capnp_kind(uint64_t w)
{
	return (unsigned)(w & 3);
}

/* The signed 30-bit word offset of a struct or list pointer. */
static inline int64_t capnp_offset(uint64_t w)
{
	return (int64_t)(int32_t)(uint32_t)w >> 2;
}

static inline uint64_t capnp_offset_bits(int64_t off)
{
	return (uint64_t)(uint32_t)((uint32_t)off << 2);
}

#endif

/*
 * The byte-copying calls every C platform owes freestanding code
 * (kernel/port.h), a word at a time where both sides allow it: vmo_write
 * moves whole ELF files through memcpy.
 */
#include <stddef.h>
#include <stdint.h>

#include "port.h"

#define WORD sizeof(uint64_t)

static int aligned(const void *a, const void *b)
{
	return (((uintptr_t)a | (uintptr_t)b) % WORD) == 0;
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	if (aligned(d, s))
		for (; n >= WORD; n -= WORD, d += WORD, s += WORD)
			*(uint64_t *)(void *)d = *(const uint64_t *)(const void *)s;
	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	uint8_t *d = dst;
	uint64_t w = (uint8_t)c * 0x0101010101010101ULL;

	while (n > 0 && (uintptr_t)d % WORD != 0) {
		*d++ = (uint8_t)c;
		n--;
	}
	for (; n >= WORD; n -= WORD, d += WORD)
		*(uint64_t *)(void *)d = w;
	while (n--)
		*d++ = (uint8_t)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *p = a, *q = b;

	for (size_t i = 0; i < n; i++)
		if (p[i] != q[i])
			return p[i] < q[i] ? -1 : 1;
	return 0;
}

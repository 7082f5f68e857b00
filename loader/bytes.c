#include "bytes.h"

/*
 * Plain loops: with -ffreestanding -fno-builtin the compiler does not
 * turn them back into memcpy/memset calls, which the freestanding build
 * has no library to resolve (loader/build.mk checks for undefined
 * symbols).
 */
void nxl_bytes_copy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	for (size_t i = 0; i < n; i++)
		d[i] = s[i];
}

void nxl_bytes_fill(void *dst, uint8_t v, size_t n)
{
	uint8_t *d = dst;

	for (size_t i = 0; i < n; i++)
		d[i] = v;
}

uint16_t nxl_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (uint16_t)p[1] << 8);
}

uint32_t nxl_le32(const uint8_t *p)
{
	return (uint32_t)nxl_le16(p) | (uint32_t)nxl_le16(p + 2) << 16;
}

uint64_t nxl_le64(const uint8_t *p)
{
	return (uint64_t)nxl_le32(p) | (uint64_t)nxl_le32(p + 4) << 32;
}

void nxl_put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

void nxl_put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

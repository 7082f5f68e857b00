/*
 * Byte helpers for nexus-loader. The loader calls no libc (it builds
 * freestanding), so it copies, fills and decodes bytes itself. Internal:
 * not part of loader.h.
 */
#ifndef NEXUS_LOADER_BYTES_H
#define NEXUS_LOADER_BYTES_H

#include <stddef.h>
#include <stdint.h>

void nxl_bytes_copy(void *dst, const void *src, size_t n);
void nxl_bytes_fill(void *dst, uint8_t v, size_t n);
uint16_t nxl_le16(const uint8_t *p);
uint32_t nxl_le32(const uint8_t *p);
uint64_t nxl_le64(const uint8_t *p);
void nxl_put_le64(uint8_t *p, uint64_t v);
void nxl_put_le32(uint8_t *p, uint32_t v);

#endif

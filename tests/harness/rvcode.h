/*
 * Just enough RISC-V encoding for tests to build tiny tasks by hand, so
 * kernel and CPU tests do not depend on the fixtures' toolchain output.
 */
#ifndef NEXUS_HARNESS_RVCODE_H
#define NEXUS_HARNESS_RVCODE_H

#include <stdint.h>

#define RV_ZERO 0
#define RV_RA 1
#define RV_SP 2
#define RV_T0 5
#define RV_T1 6
#define RV_A0 10
#define RV_A1 11
#define RV_A2 12
#define RV_A3 13
#define RV_A4 14
#define RV_A5 15
#define RV_A7 17
#define RV_S1 9
#define RV_S2 18
#define RV_S3 19
#define RV_S4 20

static inline uint32_t rv_addi(unsigned rd, unsigned rs1, int32_t imm)
{
	return ((uint32_t)(imm & 0xfff) << 20) | (rs1 << 15) | (rd << 7) | 0x13;
}

static inline uint32_t rv_lui(unsigned rd, uint32_t imm20)
{
	return (imm20 << 12) | (rd << 7) | 0x37;
}

static inline uint32_t rv_slli(unsigned rd, unsigned rs1, unsigned sh)
{
	return (sh << 20) | (rs1 << 15) | (1u << 12) | (rd << 7) | 0x13;
}

static inline uint32_t rv_add(unsigned rd, unsigned rs1, unsigned rs2)
{
	return (rs2 << 20) | (rs1 << 15) | (rd << 7) | 0x33;
}

static inline uint32_t rv_sub(unsigned rd, unsigned rs1, unsigned rs2)
{
	return rv_add(rd, rs1, rs2) | (0x20u << 25);
}

static inline uint32_t rv_sltu(unsigned rd, unsigned rs1, unsigned rs2)
{
	return rv_add(rd, rs1, rs2) | (3u << 12);
}

static inline uint32_t rv_srli(unsigned rd, unsigned rs1, unsigned sh)
{
	return (sh << 20) | (rs1 << 15) | (5u << 12) | (rd << 7) | 0x13;
}

static inline uint32_t rv_sd(unsigned rs2, unsigned rs1, int32_t imm)
{
	return ((uint32_t)((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (3u << 12) |
	       ((uint32_t)(imm & 31) << 7) | 0x23;
}

static inline uint32_t rv_ld(unsigned rd, unsigned rs1, int32_t imm)
{
	return ((uint32_t)(imm & 0xfff) << 20) | (rs1 << 15) | (3u << 12) | (rd << 7) | 0x03;
}

static inline uint32_t rv_jal(unsigned rd, int32_t off)
{
	uint32_t o = (uint32_t)off;
	return (((o >> 20) & 1) << 31) | (((o >> 1) & 0x3ff) << 21) | (((o >> 11) & 1) << 20) |
	       (((o >> 12) & 0xff) << 12) | (rd << 7) | 0x6f;
}

static inline uint32_t rv_bne(unsigned rs1, unsigned rs2, int32_t off)
{
	uint32_t o = (uint32_t)off;
	return (((o >> 12) & 1) << 31) | (((o >> 5) & 0x3f) << 25) | (rs2 << 20) | (rs1 << 15) |
	       (1u << 12) | (((o >> 1) & 15) << 8) | (((o >> 11) & 1) << 7) | 0x63;
}

#define RV_ECALL 0x00000073u
#define RV_EBREAK 0x00100073u
#define RV_RDTIME(rd) (0xc0102073u | ((uint32_t)(rd) << 7))

/* c.sdsp rs2, off(sp): a 2-byte store, off a multiple of 8 below 512. */
static inline uint16_t rv_c_sdsp(unsigned rs2, unsigned off)
{
	return (uint16_t)((7u << 13) | (((off >> 3) & 7) << 10) | (((off >> 6) & 7) << 7) |
			  (rs2 << 2) | 2);
}

#endif

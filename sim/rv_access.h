/*
 * The memory operand of one RISC-V instruction: which register holds the
 * base and what offset is added. The CPU backend uses it to name the
 * exact address of a refused load, store or AMO (the engine reports the
 * page) and of a misaligned AMO (the engine reports neither).
 */
#ifndef NEXUS_SIM_RV_ACCESS_H
#define NEXUS_SIM_RV_ACCESS_H

#include <stdint.h>

struct rv_access {
	unsigned len;  /* instruction bytes: 2 or 4 */
	int is_mem;    /* a load, store, FP load/store or AMO (LR/SC included) */
	unsigned base; /* x register of the base address */
	int64_t off;   /* added to it */
};

/*
 * Decode the instruction whose first 16 bits are `lo` and, for a 4-byte
 * one, next 16 bits `hi`. Never fails: anything else is not is_mem.
 */
void rv_access_decode(uint16_t lo, uint16_t hi, struct rv_access *a);

#endif

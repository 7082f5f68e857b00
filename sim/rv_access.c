/* RISC-V memory operands (rv_access.h): RV64GC loads, stores, AMOs, compressed forms. */
#include "rv_access.h"

static int64_t sext(uint64_t v, unsigned bits)
{
	return (int64_t)(v << (64 - bits)) >> (64 - bits);
}

static void decode16(uint32_t i, struct rv_access *a)
{
	unsigned q = i & 3, f3 = (i >> 13) & 7;
	unsigned rs1c = 8 + ((i >> 7) & 7);
	uint64_t off_w = ((i >> 10) & 7) << 3 | ((i >> 6) & 1) << 2 | ((i >> 5) & 1) << 6;
	uint64_t off_d = ((i >> 10) & 7) << 3 | ((i >> 5) & 3) << 6;
	int word = f3 == 2 || f3 == 6;

	*a = (struct rv_access){.len = 2};
	if (q == 0 && f3 != 0 && f3 != 4) {
		/* c.fld c.lw c.ld c.fsd c.sw c.sd */
		*a = (struct rv_access){2, 1, rs1c, (int64_t)(word ? off_w : off_d)};
	} else if (q == 2 && (f3 == 1 || f3 == 2 || f3 == 3)) {
		/* c.fldsp c.lwsp c.ldsp */
		uint64_t off =
		    f3 == 2 ? (((i >> 12) & 1) << 5 | ((i >> 4) & 7) << 2 | ((i >> 2) & 3) << 6)
			    : (((i >> 12) & 1) << 5 | ((i >> 5) & 3) << 3 | ((i >> 2) & 7) << 6);
		*a = (struct rv_access){2, 1, 2, (int64_t)off};
	} else if (q == 2 && (f3 == 5 || f3 == 6 || f3 == 7)) {
		/* c.fsdsp c.swsp c.sdsp */
		uint64_t off = f3 == 6 ? (((i >> 9) & 15) << 2 | ((i >> 7) & 3) << 6)
				       : (((i >> 10) & 7) << 3 | ((i >> 7) & 7) << 6);
		*a = (struct rv_access){2, 1, 2, (int64_t)off};
	}
}

static void decode32(uint32_t i, struct rv_access *a)
{
	unsigned op = i & 0x7f, rs1 = (i >> 15) & 31;

	*a = (struct rv_access){.len = 4};
	switch (op) {
	case 0x03: /* loads */
	case 0x07: /* FP loads */
		*a = (struct rv_access){4, 1, rs1, sext(i >> 20, 12)};
		break;
	case 0x23: /* stores */
	case 0x27: /* FP stores */
		*a = (struct rv_access){4, 1, rs1, sext((i >> 25) << 5 | ((i >> 7) & 31), 12)};
		break;
	case 0x2f: /* AMOs, LR, SC */
		*a = (struct rv_access){4, 1, rs1, 0};
		break;
	}
}

void rv_access_decode(uint16_t lo, uint16_t hi, struct rv_access *a)
{
	if ((lo & 3) == 3)
		decode32((uint32_t)lo | (uint32_t)hi << 16, a);
	else
		decode16(lo, a);
}

/* gdb's view of the registers (gdb_regs.h). */
#include <stdio.h>
#include <string.h>

#include "debug.h"
#include "gdb_regs.h"
#include "nexus/err.h"

#define FFLAGS_MASK 0x1fu /* fcsr bits 0-4 */
#define FRM_SHIFT 5	  /* fcsr bits 5-7 */
#define FRM_MASK 7u
#define FCSR_MASK 0xffu

static const char *const xnames[32] = {"zero", "ra", "sp",  "gp",  "tp", "t0", "t1", "t2",
				       "fp",   "s1", "a0",  "a1",  "a2", "a3", "a4", "a5",
				       "a6",   "a7", "s2",  "s3",  "s4", "s5", "s6", "s7",
				       "s8",   "s9", "s10", "s11", "t3", "t4", "t5", "t6"};
static const char *const fnames[32] = {"ft0", "ft1", "ft2",  "ft3",  "ft4", "ft5", "ft6",  "ft7",
				       "fs0", "fs1", "fa0",  "fa1",  "fa2", "fa3", "fa4",  "fa5",
				       "fa6", "fa7", "fs2",  "fs3",  "fs4", "fs5", "fs6",  "fs7",
				       "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11"};

unsigned gdb_reg_size(unsigned n)
{
	if (n <= GDB_REG_F0 + 31)
		return 8;
	return n >= GDB_REG_FFLAGS && n <= GDB_REG_FCSR ? 4 : 0;
}

static int fcsr(struct nxk *k, uint64_t *v)
{
	return nxk_dbg_reg(k, NXK_DBG_FCSR, v);
}

int gdb_reg_get(struct nxk *k, unsigned n, uint64_t *v)
{
	uint64_t f;
	int r;
	if (n < 32)
		return nxk_dbg_reg(k, n, v);
	if (n == GDB_REG_PC)
		return nxk_dbg_reg(k, NXK_DBG_PC, v);
	if (n >= GDB_REG_F0 && n < GDB_REG_F0 + 32)
		return nxk_dbg_reg(k, NXK_DBG_F0 + (n - GDB_REG_F0), v);
	if (gdb_reg_size(n) == 0)
		return -NX_EINVAL;
	if ((r = fcsr(k, &f)) != 0)
		return r;
	*v = n == GDB_REG_FFLAGS ? f & FFLAGS_MASK
	     : n == GDB_REG_FRM	 ? (f >> FRM_SHIFT) & FRM_MASK
				 : f & FCSR_MASK;
	return 0;
}

int gdb_reg_set(struct nxk *k, unsigned n, uint64_t v)
{
	uint64_t f;
	int r;
	if (n < 32)
		return nxk_dbg_set_reg(k, n, v);
	if (n == GDB_REG_PC)
		return nxk_dbg_set_reg(k, NXK_DBG_PC, v);
	if (n >= GDB_REG_F0 && n < GDB_REG_F0 + 32)
		return nxk_dbg_set_reg(k, NXK_DBG_F0 + (n - GDB_REG_F0), v);
	if (gdb_reg_size(n) == 0)
		return -NX_EINVAL;
	if ((r = fcsr(k, &f)) != 0)
		return r;
	if (n == GDB_REG_FFLAGS)
		f = (f & ~(uint64_t)FFLAGS_MASK) | (v & FFLAGS_MASK);
	else if (n == GDB_REG_FRM)
		f = (f & ~(uint64_t)(FRM_MASK << FRM_SHIFT)) | (v & FRM_MASK) << FRM_SHIFT;
	else
		f = v & FCSR_MASK;
	return nxk_dbg_set_reg(k, NXK_DBG_FCSR, f);
}

/* Room for the header, 65 x/pc/f lines and 3 CSR lines of at most ~100 bytes each. */
#define XML_MAX 8192

const char *gdb_target_xml(void)
{
	static char xml[XML_MAX];
	size_t n = 0;
	if (xml[0] != 0)
		return xml;
	n += (size_t)snprintf(
	    xml + n, sizeof(xml) - n,
	    "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
	    "<target version=\"1.0\">\n<architecture>riscv:rv64</architecture>\n"
	    "<feature name=\"org.gnu.gdb.riscv.cpu\">\n");
	for (unsigned i = 0; i < 32; i++)
		n += (size_t)snprintf(
		    xml + n, sizeof(xml) - n,
		    "<reg name=\"%s\" bitsize=\"64\" type=\"%s\" regnum=\"%u\"/>\n", xnames[i],
		    i == 1   ? "code_ptr"
		    : i == 2 ? "data_ptr"
			     : "int",
		    i);
	n += (size_t)snprintf(xml + n, sizeof(xml) - n,
			      "<reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\" regnum=\"%u\"/>\n"
			      "</feature>\n<feature name=\"org.gnu.gdb.riscv.fpu\">\n",
			      GDB_REG_PC);
	for (unsigned i = 0; i < 32; i++)
		n += (size_t)snprintf(xml + n, sizeof(xml) - n,
				      "<reg name=\"%s\" bitsize=\"64\" type=\"ieee_double\" "
				      "regnum=\"%u\"/>\n",
				      fnames[i], GDB_REG_F0 + i);
	n += (size_t)snprintf(xml + n, sizeof(xml) - n,
			      "<reg name=\"fflags\" bitsize=\"32\" type=\"int\" regnum=\"%u\"/>\n"
			      "<reg name=\"frm\" bitsize=\"32\" type=\"int\" regnum=\"%u\"/>\n"
			      "<reg name=\"fcsr\" bitsize=\"32\" type=\"int\" regnum=\"%u\"/>\n"
			      "</feature>\n</target>\n",
			      GDB_REG_FFLAGS, GDB_REG_FRM, GDB_REG_FCSR);
	return xml;
}

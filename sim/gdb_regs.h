/*
 * The registers gdb sees of a RISC-V rv64gc task, in gdb's numbering for
 * riscv:rv64 (0..31 x, 32 pc, 33..64 f, 65 + CSR number for fflags, frm,
 * fcsr), and the target description XML that declares exactly them.
 */
#ifndef NEXUS_SIM_GDB_REGS_H
#define NEXUS_SIM_GDB_REGS_H

#include <stddef.h>
#include <stdint.h>

struct nxk;

#define GDB_REG_PC 32
#define GDB_REG_F0 33
#define GDB_REG_FFLAGS 66
#define GDB_REG_FRM 67
#define GDB_REG_FCSR 68
#define GDB_REGS_G 33 /* the 'g' packet: x0..x31 and pc; the rest by 'p' */

/* Bytes of register n in packets: 8, 4, or 0 for none. */
unsigned gdb_reg_size(unsigned n);
/* The held task's register n (kernel/debug.h): 0 or -NX_E*. */
int gdb_reg_get(struct nxk *k, unsigned n, uint64_t *v);
int gdb_reg_set(struct nxk *k, unsigned n, uint64_t v);

/* The target description (qXfer:features:read:target.xml); NUL-terminated. */
const char *gdb_target_xml(void);

#endif

/*
 * Task ends: the wait status word and the crash record.
 *
 * wait/wait_nohang store a status: the exit code (0..255) for a task
 * that called exit, or NX_WAIT_CRASHED | cause << 16 for one the kernel
 * ended on a fault. task_crash copies the full record.
 */
#ifndef NEXUS_TASK_H
#define NEXUS_TASK_H

#include <stddef.h>
#include <stdint.h>

#include "nexus/limits.h"

#define NX_WAIT_CRASHED 0x100u
#define NX_WAIT_IS_CRASH(s) (((s)&NX_WAIT_CRASHED) != 0)
#define NX_WAIT_CODE(s) ((s)&0xffu)
#define NX_WAIT_CAUSE(s) (((s) >> 16) & 0xffu)
#define NX_WAIT_STATUS_CRASH(cause) (NX_WAIT_CRASHED | ((uint64_t)(cause) << 16))

/* Why the kernel ended a task. */
enum nx_crash_cause {
	NX_CRASH_NONE = 0,
	NX_CRASH_ILLEGAL_INSN = 1,
	NX_CRASH_BREAKPOINT = 2,
	NX_CRASH_FETCH_UNMAPPED = 3,
	NX_CRASH_FETCH_PROT = 4, /* fetch from memory without X (W^X) */
	NX_CRASH_READ_UNMAPPED = 5,
	NX_CRASH_READ_PROT = 6,
	NX_CRASH_WRITE_UNMAPPED = 7, /* includes a stack guard page */
	NX_CRASH_WRITE_PROT = 8,     /* store to read-only memory */
	NX_CRASH_MISALIGNED = 9,
	NX_CRASH_BAD_SYSCALL = 10, /* number >= NX_SYS_MAX */
	NX_CRASH_KILLED = 11,	   /* task_kill */
	NX_CRASH_CAUSE_COUNT
};

/* The access that faulted. */
#define NX_ACCESS_NONE 0
#define NX_ACCESS_READ 1
#define NX_ACCESS_WRITE 2
#define NX_ACCESS_EXEC 3

struct nx_crash {
	uint32_t cause;	   /* enum nx_crash_cause */
	uint32_t access;   /* NX_ACCESS_* */
	uint64_t pc;	   /* the faulting instruction */
	uint64_t addr;	   /* the faulting data or fetch address, 0 if none */
	uint64_t regs[32]; /* x0..x31 at the fault */
	char name[32];	   /* the task's name, NUL-terminated */
};

_Static_assert(sizeof(struct nx_crash) == 312, "nx_crash size");
_Static_assert(offsetof(struct nx_crash, cause) == 0, "nx_crash.cause");
_Static_assert(offsetof(struct nx_crash, access) == 4, "nx_crash.access");
_Static_assert(offsetof(struct nx_crash, pc) == 8, "nx_crash.pc");
_Static_assert(offsetof(struct nx_crash, addr) == 16, "nx_crash.addr");
_Static_assert(offsetof(struct nx_crash, regs) == 24, "nx_crash.regs");
_Static_assert(offsetof(struct nx_crash, name) == 280, "nx_crash.name");
_Static_assert(sizeof(((struct nx_crash *)0)->name) == NX_TASK_NAME_MAX, "nx_crash.name size");

#endif

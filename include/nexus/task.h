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
	NX_CRASH_ENGINE = 12,	   /* the CPU engine failed under the task: a simulator bug */
	NX_CRASH_TIMEOUT = 13,	   /* the run's time budget ran out (nexus-sim run --timeout) */
	NX_CRASH_CAUSE_COUNT
};

/* A short name for a crash cause, as crash reports print it. */
static inline const char *nx_crash_cause_name(uint32_t cause)
{
	static const char *const names[NX_CRASH_CAUSE_COUNT] = {
	    "none",	     "illegal_insn", "breakpoint",     "fetch_unmapped", "fetch_prot",
	    "read_unmapped", "read_prot",    "write_unmapped", "write_prot",	 "misaligned",
	    "bad_syscall",   "killed",	     "engine",	       "timeout",
	};
	return cause < NX_CRASH_CAUSE_COUNT ? names[cause] : "unknown";
}

/*
 * The signal-like number of a crash, for 128+N exit codes: 11 (SEGV) for
 * memory faults, 4 (ILL) for illegal instructions and bad syscall numbers,
 * 5 (TRAP) for ebreak, 7 (BUS) for misaligned access, 9 (KILL) for
 * task_kill, 14 (ALRM) for a timeout, 6 (ABRT) for an engine failure.
 */
/* The exit code of a crashed task as a shell shows it: 128 + nx_crash_signal(). */
#define NX_EXIT_CRASH_BASE 128

static inline int nx_crash_signal(uint32_t cause)
{
	switch (cause) {
	case NX_CRASH_ILLEGAL_INSN:
	case NX_CRASH_BAD_SYSCALL:
		return 4;
	case NX_CRASH_BREAKPOINT:
		return 5;
	case NX_CRASH_MISALIGNED:
		return 7;
	case NX_CRASH_KILLED:
		return 9;
	case NX_CRASH_TIMEOUT:
		return 14;
	case NX_CRASH_FETCH_UNMAPPED:
	case NX_CRASH_FETCH_PROT:
	case NX_CRASH_READ_UNMAPPED:
	case NX_CRASH_READ_PROT:
	case NX_CRASH_WRITE_UNMAPPED:
	case NX_CRASH_WRITE_PROT:
		return 11;
	default:
		return 6;
	}
}

/* A short name for an access kind. */
static inline const char *nx_access_name(uint32_t access)
{
	static const char *const names[] = {"none", "read", "write", "exec"};
	return access < 4 ? names[access] : "unknown";
}

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

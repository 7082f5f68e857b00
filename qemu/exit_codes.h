/*
 * Exit statuses on the QEMU target, shared by the kernel (what it powers
 * off with), init (what it exits with) and nexus-qemu. They are
 * nexus-sim's (sim/cli.h), the sysexits values, so a caller reads both
 * tools the same way; a payload's own code and 128+N for a crash
 * (NX_EXIT_CRASH_BASE) pass through unchanged.
 */
#ifndef NEXUS_QEMU_EXIT_CODES_H
#define NEXUS_QEMU_EXIT_CODES_H

#define NXQ_EXIT_USAGE 64    /* bad command line */
#define NXQ_EXIT_REFUSED 65  /* input refused: bad ELF, bundle, signature */
#define NXQ_EXIT_NOINPUT 66  /* a named file cannot be opened */
#define NXQ_EXIT_INTERNAL 70 /* the target or nexus-qemu failed */
#define NXQ_EXIT_TIMEOUT 124 /* --timeout ran out (timeout(1)'s code) */

#endif

/*
 * The self-tests' tiny U-mode probes (selftest_probes.S): where each
 * probe's code, data and stack sit in its address space, and the bytes
 * of each probe, for selftest.c to copy into VMOs.
 */
#ifndef NEXUS_QEMU_KERN_SELFTEST_PROBES_H
#define NEXUS_QEMU_KERN_SELFTEST_PROBES_H

#define PROBE_CODE_VA 0x10000 /* one page, R+X */
#define PROBE_DATA_VA 0x20000 /* PROBE_DATA_PAGES pages, R+W */
#define PROBE_DATA_PAGES 4
#define PROBE_STACK_TOP 0x80000 /* one page below it R+W, and a guard page below that */

#ifndef __ASSEMBLER__
#include <stdint.h>

/* Each probe's bytes are [name, name_end). */
extern const uint8_t probe_zero[], probe_zero_end[];
extern const uint8_t probe_userptr[], probe_userptr_end[];
extern const uint8_t probe_fetch_data[], probe_fetch_data_end[];
extern const uint8_t probe_store_code[], probe_store_code_end[];
/* Code that exits 0, put in the data page that probe_fetch_data jumps into. */
extern const uint8_t probe_exit0[], probe_exit0_end[];

/* One row of probe_userptr's table: debug_write(ptr, len) must return want. */
struct probe_userptr_row {
	uint64_t ptr, len;
	int64_t want;
};
#endif

#endif

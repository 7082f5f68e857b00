/*
 * Task capabilities: what a task may do beyond computing and managing
 * its own objects. A bundle's manifest lists them by name (its
 * `capabilities`); execd gives the task exactly those the ABI names
 * here, and the kernel refuses a call that needs one the task lacks
 * with -NX_EPERM. A name the ABI does not know grants nothing. A task
 * spawned by a task gets at most its parent's capabilities; a host
 * caller (a daemon) holds them all. docs/abi.md lists them.
 */
#ifndef NEXUS_CAPS_H
#define NEXUS_CAPS_H

#include <stdint.h>

#define NX_CAP_CONSOLE (1u << 0) /* debug_putc, debug_write */
#define NX_CAPS_ALL NX_CAP_CONSOLE

/* The manifest name of each capability. */
#define NX_CAP_CONSOLE_NAME "ohos.permission.CONSOLE"

/* The bit a manifest capability name grants: 0 for a name the ABI does not know. */
static inline uint32_t nx_cap_bit(const char *name)
{
	static const struct {
		const char *name;
		uint32_t bit;
	} caps[] = {{NX_CAP_CONSOLE_NAME, NX_CAP_CONSOLE}};

	for (unsigned i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		const char *a = name, *b = caps[i].name;

		while (*a != 0 && *a == *b)
			a++, b++;
		if (*a == *b)
			return caps[i].bit;
	}
	return 0;
}

#endif

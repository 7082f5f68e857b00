/*
 * ELF -> task on the target, as init does it for each payload: the
 * loader's plan, then per planned map a VMO filled with vmo_write from
 * the ELF bytes (init reads them where the image is mapped) and as_map,
 * then the stack built by nxl_stack_build with its guard page below it,
 * then spawn: the kernel calls execd makes in the simulator
 * (daemons/lib/elf_spawn.c), vmo_write standing in for the exported
 * memfd. On failure nothing is spawned and every handle is closed.
 */
#ifndef NEXUS_QEMU_INIT_SPAWN_H
#define NEXUS_QEMU_INIT_SPAWN_H

#include <stddef.h>
#include <stdint.h>

#define INIT_SPAWN_MSG_MAX 160 /* bytes of a failure message */

struct init_spawn_req {
	const void *elf;
	size_t len;
	const char *const *argv;
	size_t argc;
	const char *const *envp;
	size_t envc;
	const char *name; /* the task's name */
	uint32_t caps;	  /* NX_CAP_* the task gets (spawn_attrs) */
};

/*
 * The pid, or a negative value with msg set: -NX_EINVAL when the input
 * was refused (the loader, the stack builder, or a kernel refusal),
 * another -NX_E* when the kernel failed.
 */
long init_spawn(const struct init_spawn_req *req, char msg[INIT_SPAWN_MSG_MAX]);

#endif

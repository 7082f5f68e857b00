/*
 * ELF -> task: the one sequence execd and the test harness share.
 * nxl_plan_elf, then per planned map a VMO (filled through its exported
 * memfd, or for read-only file pages the payload's own memfd imported:
 * elf_memfd) and as_map, then the stack VMO built by nxl_stack_build with its
 * guard page reserved below it, then spawn. Every step is a kernel call
 * through a struct nx_kcaller, so the kernel checks W^X, ranges and
 * rights itself. On failure nothing is spawned and every handle the
 * sequence took is closed: the half-built address space disappears.
 */
#ifndef NEXUS_DAEMONS_ELF_SPAWN_H
#define NEXUS_DAEMONS_ELF_SPAWN_H

#include <stddef.h>
#include <stdint.h>

#include "kcall.h"

struct nx_elf_spawn_req {
	const void *elf;
	size_t len;
	const char *const *argv;
	size_t argc;
	const char *const *envp;
	size_t envc;
	const char *name;    /* task name: 1 .. NX_TASK_NAME_MAX - 1 bytes */
	uint64_t stack_size; /* bytes; 0 means NX_STACK_SIZE_DEFAULT */
	uint32_t caps;	     /* NX_CAP_* the task gets (nexus/caps.h) */
	/*
	 * > 0: a memfd holding exactly `elf`, sealed as vmo_import with
	 * NX_VMO_IMPORT_EXEC needs (a bundle's payload is). Read-only pages
	 * that are the file's own pages are then mapped from it, shared by
	 * every task of the payload, instead of copied. <= 0: all copied.
	 */
	int elf_memfd;
	uint32_t
	    flags; /* NX_SPAWN_* (nexus/spawn.h); NX_SPAWN_SEED also fills the bootstrap's seed */
	uint32_t parent; /* 0, or the task whose child it is (nx_spawn_path) */
};

/* Which step refused or failed. */
enum nx_elf_spawn_stage {
	NX_ELF_SPAWN_OK = 0,
	NX_ELF_SPAWN_ELF,    /* the loader refused the file: err = NXL_E_* */
	NX_ELF_SPAWN_STACK,  /* the stack builder refused the arguments: err = NXL_E_* */
	NX_ELF_SPAWN_KERNEL, /* a kernel call failed: err = -NX_E* */
	NX_ELF_SPAWN_HOST,   /* mapping an exported VMO failed: err = -errno */
};

struct nx_elf_spawn_result {
	long pid;		       /* > 0 on success */
	enum nx_elf_spawn_stage stage; /* NX_ELF_SPAWN_OK on success */
	long err;		       /* see the stage */
	char msg[160];		       /* one line, no newline: what failed */
	uint64_t entry;		       /* the plan's entry, for reports */
};

/* 0 with res->pid set, or -1 with res->stage, err and msg set. */
__attribute__((warn_unused_result)) int nx_elf_spawn(const struct nx_kcaller *k,
						     const struct nx_elf_spawn_req *req,
						     struct nx_elf_spawn_result *res);

#endif

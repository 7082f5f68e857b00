/*
 * The one spawn both of execd's requests make: the verified payload from
 * bundlemgrd (GET_PAYLOAD re-checks its signature and digests), its
 * sealed memfd mapped read-only, nx_elf_spawn. RUN (a top-level payload)
 * and SPAWN (a task's nx_spawn_path) differ only in what they ask for and
 * how they name a refusal, so a refusal says which step made it.
 */
#ifndef NEXUS_EXEC_SPAWN_H
#define NEXUS_EXEC_SPAWN_H

#include <stddef.h>
#include <stdint.h>

#include "nxd.h"

struct exec_spawn {
	const char *bundle; /* "name", the newest installed, or "name@version" */
	const char *name;   /* the task's name and default argv[0]: the bundle's name */
	const char *const *argv;
	size_t argc; /* 0: argv = {name} */
	const char *const *envp;
	size_t envc;
	uint32_t flags;	 /* NX_SPAWN_* */
	uint32_t parent; /* 0, or the task whose child it is */
};

/* Which step refused. */
enum exec_spawn_step {
	EXEC_STEP_OK = 0,
	EXEC_STEP_BUNDLE, /* bundlemgrd: not installed (-NX_ESRCH), not verified, no answer */
	EXEC_STEP_KIND,	  /* the payload is not an ELF */
	EXEC_STEP_ELF,	  /* the loader refused the ELF */
	EXEC_STEP_STACK,  /* the arguments do not fit a stack */
	EXEC_STEP_KERNEL, /* a kernel call refused or failed */
};

/*
 * Returns the pid, or -NX_E* (bundlemgrd's code at EXEC_STEP_BUNDLE, the
 * kernel's at EXEC_STEP_KERNEL, -NX_EINVAL at the others) with *step and
 * a one-line msg.
 */
long exec_spawn(struct nxd *d, struct nxd_peer *bundlemgrd, const struct exec_spawn *s,
		enum exec_spawn_step *step, char *msg, size_t cap);

#endif

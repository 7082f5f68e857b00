/*
 * What a new task finds at its first instruction: sp 16-byte aligned at
 * the top of its stack, a0 = the guest address of this message, which
 * the stack builder places on the stack above argv/envp.
 */
#ifndef NEXUS_BOOTSTRAP_H
#define NEXUS_BOOTSTRAP_H

#include <stddef.h>
#include <stdint.h>

#define NX_BOOTSTRAP_MAGIC 0x5342584eu /* "NXBS" little-endian */
#define NX_BOOTSTRAP_VERSION 1

struct nx_bootstrap {
	uint32_t magic;	  /* NX_BOOTSTRAP_MAGIC */
	uint32_t version; /* NX_BOOTSTRAP_VERSION */
	uint64_t argc;
	uint64_t argv; /* guest address of char *argv[argc + 1] */
	uint64_t envc;
	uint64_t envp;	     /* guest address of char *envp[envc + 1] */
	uint64_t stack_base; /* lowest mapped stack address */
	uint64_t stack_size; /* bytes mapped from stack_base */
	uint32_t seed;	     /* with NX_BOOTSTRAP_HAS_SEED: the seed endpoint's handle */
	uint32_t flags;	     /* NX_BOOTSTRAP_*; zero when the spawner gave none */
};

/*
 * The task holds, as handle `seed`, one end of a channel whose other end
 * the kernel bridges to the system's services (docs/abi.md "The seed
 * endpoint"): nx_spawn_path asks execd through it. Once the reserved
 * word: a bootstrap without the flag has no seed, as before.
 */
#define NX_BOOTSTRAP_HAS_SEED 1u
/* The kernel gives a seeded task its seed before any other handle: it is always this one. */
#define NX_SEED_HANDLE 1u

_Static_assert(sizeof(struct nx_bootstrap) == 64, "nx_bootstrap size");
_Static_assert(offsetof(struct nx_bootstrap, magic) == 0, "nx_bootstrap.magic");
_Static_assert(offsetof(struct nx_bootstrap, version) == 4, "nx_bootstrap.version");
_Static_assert(offsetof(struct nx_bootstrap, argc) == 8, "nx_bootstrap.argc");
_Static_assert(offsetof(struct nx_bootstrap, argv) == 16, "nx_bootstrap.argv");
_Static_assert(offsetof(struct nx_bootstrap, envc) == 24, "nx_bootstrap.envc");
_Static_assert(offsetof(struct nx_bootstrap, envp) == 32, "nx_bootstrap.envp");
_Static_assert(offsetof(struct nx_bootstrap, stack_base) == 40, "nx_bootstrap.stack_base");
_Static_assert(offsetof(struct nx_bootstrap, stack_size) == 48, "nx_bootstrap.stack_size");
_Static_assert(offsetof(struct nx_bootstrap, seed) == 56, "nx_bootstrap.seed");
_Static_assert(offsetof(struct nx_bootstrap, flags) == 60, "nx_bootstrap.flags");

#endif

/*
 * nxl_stack_build: the initial stack of a task. From the top down:
 *
 *   top -> argv strings, then envp strings, each NUL-terminated
 *          padding to 16 bytes
 *          struct nx_bootstrap             <- a0
 *          envp[envc], NULL
 *          argv[argc], NULL
 *          padding to 16 bytes             <- sp
 *
 * Every limit is checked before the first byte is written, so a refusal
 * leaves the caller's image untouched.
 */
#include "bytes.h"
#include "loader.h"
#include "nexus/bootstrap.h"

#define NXL_PAGE_MASK (NX_PAGE_SIZE - 1)
#define NXL_SP_ALIGN 16ULL /* RISC-V psABI stack alignment */
#define NXL_PTR_SIZE 8ULL  /* bytes of a guest pointer (rv64) */

/* Sum the strings' bytes with their NULs, reading no more than the cap allows. */
static int count_strings(const char *const *v, size_t n, uint64_t *total)
{
	for (size_t i = 0; i < n; i++) {
		const char *s = v[i];

		if (!s)
			return NXL_E_ARG_NULL;
		do {
			if (++*total > NX_ARG_BYTES_MAX)
				return NXL_E_ARG_BYTES;
		} while (*s++);
	}
	return NXL_OK;
}

/* Copy the strings down from `*cursor` and store each one's guest address. */
static void put_strings(const char *const *v, size_t n, uint64_t base, uint64_t *cursor,
			uint64_t array, uint8_t *image)
{
	for (size_t i = 0; i < n; i++) {
		size_t len = 0;

		while (v[i][len])
			len++;
		nxl_bytes_copy(image + (*cursor - base), v[i], len + 1);
		nxl_put_le64(image + (array + i * NXL_PTR_SIZE - base), *cursor);
		*cursor += len + 1;
	}
}

static int check_geometry(uint64_t top, uint64_t size)
{
	if ((top & NXL_PAGE_MASK) || top > NX_USER_TOP)
		return NXL_E_STACK_TOP;
	if (size == 0 || (size & NXL_PAGE_MASK))
		return NXL_E_STACK_SIZE;
	if (size > NX_STACK_SIZE_MAX)
		return NXL_E_STACK_MAX;
	/* The guard page below the stack must be a user address too. */
	if (top < NX_USER_BASE || top - NX_USER_BASE < size + NX_STACK_GUARD_SIZE)
		return NXL_E_STACK_TOP;
	return NXL_OK;
}

int nxl_stack_build(uint64_t top, uint64_t size, const char *const *argv, size_t argc,
		    const char *const *envp, size_t envc, uint8_t *image, struct nxl_stack *out)
{
	uint64_t strbytes = 0;
	int err;

	nxl_bytes_fill(out, 0, sizeof(*out));
	err = check_geometry(top, size);
	if (err != NXL_OK)
		return err;
	if (argc > NX_ARGC_MAX)
		return NXL_E_ARGC;
	if (envc > NX_ENVC_MAX)
		return NXL_E_ENVC;
	if ((argc && !argv) || (envc && !envp))
		return NXL_E_ARG_NULL;
	err = count_strings(argv, argc, &strbytes);
	if (err == NXL_OK)
		err = count_strings(envp, envc, &strbytes);
	if (err != NXL_OK)
		return err;

	/* All terms are bounded by the limits above: nothing here can wrap. */
	uint64_t strings = top - strbytes;
	uint64_t bootstrap = (strings - sizeof(struct nx_bootstrap)) & ~(NXL_SP_ALIGN - 1);
	uint64_t envp_at = bootstrap - (envc + 1) * NXL_PTR_SIZE;
	uint64_t argv_at = envp_at - (argc + 1) * NXL_PTR_SIZE;
	uint64_t sp = argv_at & ~(NXL_SP_ALIGN - 1);
	uint64_t base = top - size;

	if (top - sp > size)
		return NXL_E_STACK_SMALL;

	nxl_bytes_fill(image, 0, size);
	uint64_t cursor = strings;
	put_strings(argv, argc, base, &cursor, argv_at, image);
	put_strings(envp, envc, base, &cursor, envp_at, image);

	uint8_t *bs = image + (bootstrap - base);
	nxl_put_le32(bs + offsetof(struct nx_bootstrap, magic), NX_BOOTSTRAP_MAGIC);
	nxl_put_le32(bs + offsetof(struct nx_bootstrap, version), NX_BOOTSTRAP_VERSION);
	nxl_put_le64(bs + offsetof(struct nx_bootstrap, argc), argc);
	nxl_put_le64(bs + offsetof(struct nx_bootstrap, argv), argv_at);
	nxl_put_le64(bs + offsetof(struct nx_bootstrap, envc), envc);
	nxl_put_le64(bs + offsetof(struct nx_bootstrap, envp), envp_at);
	nxl_put_le64(bs + offsetof(struct nx_bootstrap, stack_base), base);
	nxl_put_le64(bs + offsetof(struct nx_bootstrap, stack_size), size);

	out->sp = sp;
	out->bootstrap = bootstrap;
	out->base = base;
	out->size = size;
	out->guard = base - NX_STACK_GUARD_SIZE;
	out->used = top - sp;
	return NXL_OK;
}

/* Tiny tasks for tests (see tinytask.h). */
#include <string.h>

#include "nexus/err.h"
#include "nexus/rights.h"
#include "nexus/syscall.h"
#include "tinytask.h"

/* The output kept for the test to read; a full buffer makes the task wait (console backpressure).
 */
static int tiny_console(void *arg, const char *buf, size_t len)
{
	struct tiny_env *e = arg;
	if (len > sizeof(e->out) - e->outlen)
		return -NX_EAGAIN;
	memcpy(e->out + e->outlen, buf, len);
	e->outlen += len;
	return 0;
}

int tiny_env_init(struct tiny_env *e)
{
	struct nxk_opts o = {.console = tiny_console, .console_arg = e};
	e->outlen = 0;
	e->k = nxk_new(&o);
	if (e->k == NULL)
		return -1;
	if (nxh_direct_init(&e->d, e->k) != 0) {
		nxk_free(e->k);
		return -1;
	}
	return 0;
}

void tiny_env_fini(struct tiny_env *e)
{
	nxh_direct_fini(&e->d);
	nxk_free(e->k);
}

long tiny_call(struct nxh_direct *d, unsigned nr, uint64_t a0, uint64_t a1, uint64_t a2,
	       uint64_t a3, uint64_t a4, uint64_t a5)
{
	const uint64_t a[6] = {a0, a1, a2, a3, a4, a5};
	return d->kc.call(d, nr, a, NULL, 0, NULL, 0, -1, NULL);
}

static long map_new(struct nxh_direct *d, long as, uint64_t va, uint64_t len, uint32_t prot,
		    const void *bytes, size_t n)
{
	long vmo = tiny_call(d, NX_SYS_VMO_CREATE, len, 0, 0, 0, 0, 0);
	if (vmo < 0)
		return vmo;
	long r = 0;
	if (n > 0) {
		const uint64_t a[6] = {(uint64_t)vmo, 0, 0, n};
		r = d->kc.call(d, NX_SYS_VMO_WRITE, a, bytes, n, NULL, 0, -1, NULL);
	}
	if (r == 0)
		r = tiny_call(d, NX_SYS_AS_MAP, (uint64_t)as, (uint64_t)vmo, va, len, prot, 0);
	long c = tiny_call(d, NX_SYS_HANDLE_CLOSE, (uint64_t)vmo, 0, 0, 0, 0, 0);
	return r != 0 ? r : c;
}

long tiny_as(struct nxh_direct *d, const void *code, size_t len)
{
	long as = tiny_call(d, NX_SYS_AS_CREATE, 0, 0, 0, 0, 0, 0);
	if (as < 0)
		return as;
	long r = map_new(d, as, TINY_CODE_VA, NX_PAGE_SIZE, NX_PROT_READ | NX_PROT_EXEC, code, len);
	if (r == 0)
		r = map_new(d, as, TINY_DATA_VA, NX_PAGE_SIZE, NX_PROT_READ | NX_PROT_WRITE, NULL,
			    0);
	if (r == 0)
		r = map_new(d, as, TINY_STACK_TOP - NX_PAGE_SIZE, NX_PAGE_SIZE,
			    NX_PROT_READ | NX_PROT_WRITE, NULL, 0);
	if (r == 0)
		r = tiny_call(d, NX_SYS_AS_MAP, (uint64_t)as, 0, TINY_STACK_TOP - 2 * NX_PAGE_SIZE,
			      NX_PAGE_SIZE, 0, 0);
	if (r != 0) {
		(void)tiny_call(d, NX_SYS_HANDLE_CLOSE, (uint64_t)as, 0, 0, 0, 0, 0);
		return r;
	}
	return as;
}

long tiny_spawn(struct nxh_direct *d, const void *code, size_t len, const char *name)
{
	long as = tiny_as(d, code, len);
	if (as < 0)
		return as;
	const uint64_t a[6] = {(uint64_t)as, TINY_CODE_VA, TINY_STACK_TOP, 0, 0, strlen(name)};
	long r = d->kc.call(d, NX_SYS_SPAWN, a, name, strlen(name), NULL, 0, -1, NULL);
	long c = tiny_call(d, NX_SYS_HANDLE_CLOSE, (uint64_t)as, 0, 0, 0, 0, 0);
	return r < 0 ? r : (c < 0 ? c : r);
}

uint32_t tiny_wait(struct nxh_direct *d, long pid, struct nx_crash *crash)
{
	uint32_t status = 0xffffffffu;
	const uint64_t a[6] = {(uint64_t)pid, 0};
	long r = d->kc.call(d, NX_SYS_WAIT, a, NULL, 0, &status, sizeof(status), -1, NULL);
	if (r != pid)
		return 0xffffffffu;
	if (crash != NULL) {
		memset(crash, 0, sizeof(*crash));
		if (NX_WAIT_IS_CRASH(status))
			(void)d->kc.call(d, NX_SYS_TASK_CRASH, a, NULL, 0, crash, sizeof(*crash),
					 -1, NULL);
	}
	return status;
}

/* ELF -> task through the kernel calls (init_spawn.h). */
#include "fmt.h"
#include "init_spawn.h"
#include "nexus/spawn.h"
#include "loader.h"
#include "nexus/err.h"
#include "nexus/rights.h"
#include "nexus/svc.h"
#include "nx_syscall.h"
#include "nxrt.h"

/* The stack image nxl_stack_build fills: the default stack, the one execd gives. */
static uint8_t stack_img[NX_STACK_SIZE_DEFAULT];

/* A kernel call failed: -NX_EINVAL if it refused the input, else its error. */
static long kernel_failed(char *msg, long err, const char *what)
{
	nxq_snprintf(msg, INIT_SPAWN_MSG_MAX, "%s: error %ld", what, -err);
	return nx_err_is_refusal(err) ? -NX_EINVAL : err;
}

/* Map vmo at va, then drop the handle: the mapping keeps the VMO. */
static long map_and_close(long as, long vmo, uint64_t va, uint64_t len, uint32_t prot, char *msg)
{
	long r = nx_as_map(as, vmo, va, len, prot, 0);
	long c = nx_handle_close(vmo);
	if (r < 0) {
		char what[INIT_SPAWN_MSG_MAX];
		nxq_snprintf(what, sizeof(what), "as_map(va=0x%llx len=0x%llx prot=%u)",
			     (unsigned long long)va, (unsigned long long)len, prot);
		return kernel_failed(msg, r, what);
	}
	return c < 0 ? kernel_failed(msg, c, "handle_close") : 0;
}

static long load_segments(long as, const struct nxl_plan *plan, const uint8_t *elf, char *msg)
{
	for (uint32_t i = 0; i < plan->nmap; i++) {
		const struct nxl_map *m = &plan->map[i];
		long vmo = nx_vmo_create(m->len);
		if (vmo < 0)
			return kernel_failed(msg, vmo, "vmo_create");
		for (uint32_t j = 0; j < plan->ncopy; j++) {
			const struct nxl_copy *c = &plan->copy[j];
			if (c->va < m->va || c->va - m->va >= m->len)
				continue;
			long r = nx_vmo_write(vmo, c->va - m->va, elf + c->file_off, c->len);
			if (r < 0) {
				nx_handle_close(vmo);
				return kernel_failed(msg, r, "vmo_write");
			}
		}
		long r = map_and_close(as, vmo, m->va, m->len, m->prot, msg);
		if (r < 0)
			return r;
	}
	return 0;
}

static long build_stack(long as, const struct init_spawn_req *req, struct nxl_stack *st, char *msg)
{
	uint64_t size = sizeof(stack_img);
	int lr = nxl_stack_build(NX_STACK_TOP, size, req->argv, req->argc, req->envp, req->envc,
				 stack_img, st);
	if (lr != 0) {
		nxq_snprintf(msg, INIT_SPAWN_MSG_MAX, "stack: %s: %s", nxl_errname(lr),
			     nxl_strerror(lr));
		return -NX_EINVAL;
	}
	long vmo = nx_vmo_create(size);
	if (vmo < 0)
		return kernel_failed(msg, vmo, "vmo_create");
	long r = nx_vmo_write(vmo, size - st->used, stack_img + (size - st->used), st->used);
	if (r < 0) {
		nx_handle_close(vmo);
		return kernel_failed(msg, r, "vmo_write");
	}
	r = map_and_close(as, vmo, st->base, st->size, NX_PROT_READ | NX_PROT_WRITE, msg);
	if (r < 0)
		return r;
	r = nx_as_map(as, 0, st->guard, NX_STACK_GUARD_SIZE, 0, 0);
	return r < 0 ? kernel_failed(msg, r, "as_map(stack guard)") : 0;
}

long init_spawn(const struct init_spawn_req *req, char msg[INIT_SPAWN_MSG_MAX])
{
	struct nxl_plan plan;
	struct nxl_stack st;

	int lr = nxl_plan_elf(req->elf, req->len, &plan);
	if (lr != 0) {
		nxq_snprintf(msg, INIT_SPAWN_MSG_MAX, "%s: %s", nxl_errname(lr), nxl_strerror(lr));
		return -NX_EINVAL;
	}
	long as = nx_as_create();
	if (as < 0)
		return kernel_failed(msg, as, "as_create");
	long r = load_segments(as, &plan, req->elf, msg);
	if (r == 0)
		r = build_stack(as, req, &st, msg);
	if (r == 0) {
		struct nx_spawn_attrs at = {.version = NX_SPAWN_ATTRS_VERSION, .caps = req->caps};
		memcpy(at.name, req->name, strlen(req->name));
		r = nx_syscall6(NX_SYS_SPAWN_ATTRS, as, (long)plan.entry, (long)st.sp,
				(long)st.bootstrap, (long)&at, sizeof(at));
		if (r < 0)
			r = kernel_failed(msg, r, "spawn");
	}
	nx_handle_close(as);
	return r;
}

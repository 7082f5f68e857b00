/*
 * plan -> VMOs -> as_map -> stack -> spawn, over any kernel caller.
 * xv6 exec's shape: build the new image on the side, commit with one
 * spawn, and leave every failure through one label that drops what was
 * built (closing the address-space handle frees the whole space).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "elf_share_impl.h"
#include "elf_spawn.h"
#include "nexus/bootstrap.h"
#include "nxd_trace.h"
#include "nexus/spawn.h"
#include "loader.h"
#include "nexus/err.h"
#include "nexus/rights.h"
#include "nexus/syscall.h"

static long kcall(const struct nx_kcaller *k, unsigned nr, uint64_t a0, uint64_t a1, uint64_t a2,
		  uint64_t a3, uint64_t a4, uint64_t a5)
{
	const uint64_t a[6] = {a0, a1, a2, a3, a4, a5};
	return k->call(k->ctx, nr, a, NULL, 0, NULL, 0, -1, NULL);
}

static int fail(struct nx_elf_spawn_result *res, enum nx_elf_spawn_stage stage, long err,
		const char *fmt, ...)
{
	va_list ap;
	res->stage = stage;
	res->err = err;
	va_start(ap, fmt);
	vsnprintf(res->msg, sizeof(res->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* A new VMO of len bytes and a writable view of it; the handle or -NX_E*. */
static long vmo_with_view(const struct nx_kcaller *k, uint64_t len, uint8_t **view,
			  struct nx_elf_spawn_result *res)
{
	long vmo = kcall(k, NX_SYS_VMO_CREATE, len, 0, 0, 0, 0, 0);
	if (vmo == -NX_ENOMEM) {
		fail(res, NX_ELF_SPAWN_KERNEL, vmo,
		     "vmo_create(%llu): the run's memory limit is reached (--mem-limit)",
		     (unsigned long long)len);
		return vmo;
	}
	if (vmo < 0) {
		fail(res, NX_ELF_SPAWN_KERNEL, vmo, "vmo_create(%llu): error %ld",
		     (unsigned long long)len, -vmo);
		return vmo;
	}
	const uint64_t a[6] = {(uint64_t)vmo};
	int fd = -1;
	long r = k->call(k->ctx, NX_SYS_VMO_EXPORT, a, NULL, 0, NULL, 0, -1, &fd);
	if (r < 0 || fd < 0) {
		(void)kcall(k, NX_SYS_HANDLE_CLOSE, (uint64_t)vmo, 0, 0, 0, 0, 0);
		if (fd >= 0)
			close(fd);
		r = r < 0 ? r : -NX_EBADF;
		fail(res, NX_ELF_SPAWN_KERNEL, r, "vmo_export: error %ld", -r);
		return r;
	}
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		(void)kcall(k, NX_SYS_HANDLE_CLOSE, (uint64_t)vmo, 0, 0, 0, 0, 0);
		fail(res, NX_ELF_SPAWN_HOST, -NX_ENOMEM, "mmap of an exported VMO failed");
		return -NX_ENOMEM;
	}
	*view = p;
	return vmo;
}

/* Map `vmo` (len bytes) at va, then drop our handle: the mapping keeps it. */
static int map_and_close(const struct nx_kcaller *k, long as, long vmo, uint64_t va, uint64_t len,
			 uint32_t prot, struct nx_elf_spawn_result *res)
{
	long r = kcall(k, NX_SYS_AS_MAP, (uint64_t)as, (uint64_t)vmo, va, len, prot, 0);
	long c = kcall(k, NX_SYS_HANDLE_CLOSE, (uint64_t)vmo, 0, 0, 0, 0, 0);
	if (r < 0)
		return fail(res, NX_ELF_SPAWN_KERNEL, r,
			    "as_map(va=0x%llx len=0x%llx prot=%u): error %ld",
			    (unsigned long long)va, (unsigned long long)len, prot, -r);
	if (c < 0)
		return fail(res, NX_ELF_SPAWN_KERNEL, c, "handle_close: error %ld", -c);
	return 0;
}

/* The payload's memfd as a VMO, or -1 when it cannot be (everything is copied then). */
static long import_payload(const struct nx_kcaller *k, int memfd)
{
	const uint64_t a[6] = {NX_VMO_IMPORT_EXEC};
	if (memfd <= 0)
		return -1;
	long vmo = k->call(k->ctx, NX_SYS_VMO_IMPORT, a, NULL, 0, NULL, 0, memfd, NULL);
	return vmo > 0 ? vmo : -1;
}

/* A fresh VMO holding the plan's bytes for [p->va, +p->len), mapped. */
static int copy_piece(const struct nx_kcaller *k, long as, const struct nxl_plan *plan,
		      const uint8_t *elf, const struct nxd_elf_piece *p,
		      struct nx_elf_spawn_result *res)
{
	uint8_t *view;
	long vmo = vmo_with_view(k, p->len, &view, res);
	if (vmo < 0)
		return -1;
	for (uint32_t j = 0; j < plan->ncopy; j++) {
		const struct nxl_copy *c = &plan->copy[j];
		uint64_t lo = c->va > p->va ? c->va : p->va;
		uint64_t hi = c->va + c->len < p->va + p->len ? c->va + c->len : p->va + p->len;
		if (lo < hi)
			memcpy(view + (lo - p->va), elf + c->file_off + (lo - c->va), hi - lo);
	}
	munmap(view, p->len);
	return map_and_close(k, as, vmo, p->va, p->len, p->prot, res);
}

static int load_segments(const struct nx_kcaller *k, long as, const struct nxl_plan *plan,
			 const struct nx_elf_spawn_req *req, struct nx_elf_spawn_result *res)
{
	/* The stack and its guard take the last two mappings. */
	static struct nxd_elf_piece pieces[NX_AS_MAPPINGS_MAX - 2];
	long shared = import_payload(k, req->elf_memfd);
	unsigned n =
	    nxd_elf_pieces(plan, req->elf, req->len, shared > 0, pieces, NX_AS_MAPPINGS_MAX - 2);
	int r = 0;
	for (unsigned i = 0; i < n && r == 0; i++) {
		const struct nxd_elf_piece *p = &pieces[i];
		if (!p->shared) {
			r = copy_piece(k, as, plan, req->elf, p, res);
			continue;
		}
		long m = kcall(k, NX_SYS_AS_MAP, (uint64_t)as, (uint64_t)shared, p->va, p->len,
			       p->prot, p->file_off);
		if (m < 0)
			r = fail(res, NX_ELF_SPAWN_KERNEL, m,
				 "as_map(va=0x%llx len=0x%llx prot=%u, payload pages): error %ld",
				 (unsigned long long)p->va, (unsigned long long)p->len, p->prot,
				 -m);
	}
	if (shared > 0)
		(void)kcall(k, NX_SYS_HANDLE_CLOSE, (uint64_t)shared, 0, 0, 0, 0, 0);
	return r;
}

static int build_stack(const struct nx_kcaller *k, long as, const struct nx_elf_spawn_req *req,
		       struct nxl_stack *st, struct nx_elf_spawn_result *res)
{
	uint64_t size = req->stack_size ? req->stack_size : NX_STACK_SIZE_DEFAULT;
	uint8_t *view;
	/* Refuse a bad size before the kernel sees it: the loader names the limit. */
	if (size % NX_PAGE_SIZE != 0 || size > NX_STACK_SIZE_MAX)
		return fail(
		    res, NX_ELF_SPAWN_STACK,
		    size > NX_STACK_SIZE_MAX ? NXL_E_STACK_MAX : NXL_E_STACK_SIZE, "stack: %s",
		    nxl_strerror(size > NX_STACK_SIZE_MAX ? NXL_E_STACK_MAX : NXL_E_STACK_SIZE));
	long vmo = vmo_with_view(k, size, &view, res);
	if (vmo < 0)
		return -1;
	int r = nxl_stack_build(NX_STACK_TOP, size, req->argv, req->argc, req->envp, req->envc,
				view, st);
	if (r == 0 && (req->flags & NX_SPAWN_SEED)) {
		/* The kernel gives the seed as the task's first handle: the bootstrap names it. */
		uint8_t *bs = view + (st->bootstrap - st->base);
		const uint32_t seed = NX_SEED_HANDLE, flags = NX_BOOTSTRAP_HAS_SEED;
		memcpy(bs + offsetof(struct nx_bootstrap, seed), &seed, sizeof(seed));
		memcpy(bs + offsetof(struct nx_bootstrap, flags), &flags, sizeof(flags));
	}
	munmap(view, size);
	if (r != 0) {
		(void)kcall(k, NX_SYS_HANDLE_CLOSE, (uint64_t)vmo, 0, 0, 0, 0, 0);
		return fail(res, NX_ELF_SPAWN_STACK, r, "stack: %s: %s", nxl_errname(r),
			    nxl_strerror(r));
	}
	if (map_and_close(k, as, vmo, st->base, st->size, NX_PROT_READ | NX_PROT_WRITE, res) != 0)
		return -1;
	long g = kcall(k, NX_SYS_AS_MAP, (uint64_t)as, 0, st->guard, NX_STACK_GUARD_SIZE, 0, 0);
	if (g < 0)
		return fail(res, NX_ELF_SPAWN_KERNEL, g, "as_map(stack guard 0x%llx): error %ld",
			    (unsigned long long)st->guard, -g);
	return 0;
}

int nx_elf_spawn(const struct nx_kcaller *k, const struct nx_elf_spawn_req *req,
		 struct nx_elf_spawn_result *res)
{
	struct nxl_plan plan;
	struct nxl_stack st;
	uint64_t t_load = nxd_trace_now(), t_spawn;
	memset(res, 0, sizeof(*res));
	size_t nlen = req->name != NULL ? strlen(req->name) : 0;
	if (nlen == 0 || nlen >= NX_TASK_NAME_MAX)
		return fail(res, NX_ELF_SPAWN_KERNEL, -NX_EINVAL, "task name must be 1..%d bytes",
			    NX_TASK_NAME_MAX - 1);
	int lr = nxl_plan_elf(req->elf, req->len, &plan);
	if (lr != 0)
		return fail(res, NX_ELF_SPAWN_ELF, lr, "%s: %s", nxl_errname(lr), nxl_strerror(lr));
	res->entry = plan.entry;
	long as = kcall(k, NX_SYS_AS_CREATE, 0, 0, 0, 0, 0, 0);
	if (as < 0)
		return fail(res, NX_ELF_SPAWN_KERNEL, as, "as_create: error %ld", -as);
	if (load_segments(k, as, &plan, req, res) != 0 || build_stack(k, as, req, &st, res) != 0)
		goto bad;
	struct nx_spawn_attrs at = {.version = NX_SPAWN_ATTRS_VERSION,
				    .caps = req->caps,
				    .flags = req->flags,
				    .parent = req->parent};
	memcpy(at.name, req->name, nlen);
	const uint64_t a[6] = {(uint64_t)as, plan.entry, st.sp, st.bootstrap, 0, sizeof(at)};
	nxd_trace_span("load", t_load);
	t_spawn = nxd_trace_now();
	long pid = k->call(k->ctx, NX_SYS_SPAWN_ATTRS, a, &at, sizeof(at), NULL, 0, -1, NULL);
	nxd_trace_span("spawn", t_spawn);
	if (pid <= 0) {
		fail(res, NX_ELF_SPAWN_KERNEL, pid, "spawn: error %ld", -pid);
		goto bad;
	}
	(void)kcall(k, NX_SYS_HANDLE_CLOSE, (uint64_t)as, 0, 0, 0, 0, 0);
	res->pid = pid;
	return 0;
bad:
	(void)kcall(k, NX_SYS_HANDLE_CLOSE, (uint64_t)as, 0, 0, 0, 0, 0);
	return -1;
}

/* init from the boot image (init_launch.h). */
#include "console.h"
#include "cpu_port.h"
#include "init_launch.h"
#include "loader.h"
#include "nexus/err.h"
#include "nexus/rights.h"
#include "nexus/syscall.h"
#include "port.h"
#include "target.h"

#define INIT_NAME "init"
/* init's own stack: it needs little (a few KiB), and the builder fills every byte of it. */
#define INIT_STACK_SIZE (16ULL << 10)

static uint64_t page_up(uint64_t n)
{
	return (n + NX_PAGE_SIZE - 1) / NX_PAGE_SIZE * NX_PAGE_SIZE;
}

static long failed(const char *what, long err)
{
	nxq_say("nexus: cannot launch init: %s: error %ld", what, -err);
	return err < 0 ? err : -NX_EINVAL;
}

/* A new VMO of len bytes holding the n bytes at src from offset off, mapped at va. */
static long map_bytes(struct nxq_host *h, long as, uint64_t va, uint64_t len, uint32_t prot,
		      const uint8_t *src, uint64_t off, uint64_t n)
{
	long vmo = nxq_host_call0(h, NX_SYS_VMO_CREATE, len, 0, 0, 0, 0, 0);
	if (vmo < 0)
		return vmo;
	long r = 0;
	if (n > 0) {
		const uint64_t a[6] = {(uint64_t)vmo, off, 0, n};
		r = nxq_host_call(h, NX_SYS_VMO_WRITE, a, src, n, NULL, 0);
	}
	if (r == 0)
		r = nxq_host_call0(h, NX_SYS_AS_MAP, (uint64_t)as, (uint64_t)vmo, va, len, prot, 0);
	long c = nxq_host_call0(h, NX_SYS_HANDLE_CLOSE, (uint64_t)vmo, 0, 0, 0, 0, 0);
	return r != 0 ? r : c;
}

/* Every planned map, each copy of the ELF's bytes written into the map it lands in. */
static long load_elf(struct nxq_host *h, long as, const struct nxl_plan *plan, const uint8_t *elf)
{
	for (uint32_t i = 0; i < plan->nmap; i++) {
		const struct nxl_map *m = &plan->map[i];
		long vmo = nxq_host_call0(h, NX_SYS_VMO_CREATE, m->len, 0, 0, 0, 0, 0);
		if (vmo < 0)
			return vmo;
		long r = 0;
		for (uint32_t j = 0; j < plan->ncopy && r == 0; j++) {
			const struct nxl_copy *c = &plan->copy[j];
			if (c->va < m->va || c->va - m->va >= m->len)
				continue;
			const uint64_t a[6] = {(uint64_t)vmo, c->va - m->va, 0, c->len};
			r = nxq_host_call(h, NX_SYS_VMO_WRITE, a, elf + c->file_off, c->len, NULL,
					  0);
		}
		if (r == 0)
			r = nxq_host_call0(h, NX_SYS_AS_MAP, (uint64_t)as, (uint64_t)vmo, m->va,
					   m->len, m->prot, 0);
		long c = nxq_host_call0(h, NX_SYS_HANDLE_CLOSE, (uint64_t)vmo, 0, 0, 0, 0, 0);
		if (r != 0 || c != 0)
			return r != 0 ? r : c;
	}
	return 0;
}

/* init's stack, argv = {"init"}, its guard page below it. */
static long build_stack(struct nxq_host *h, long as, struct nxl_stack *st)
{
	const char *argv[] = {INIT_NAME};
	uint64_t size = INIT_STACK_SIZE;
	uint8_t *img = nxk_kalloc(size);

	if (img == NULL)
		return -NX_ENOMEM;
	long r = nxl_stack_build(NX_STACK_TOP, size, argv, 1, NULL, 0, img, st);
	if (r == 0)
		r = map_bytes(h, as, st->base, st->size, NX_PROT_READ | NX_PROT_WRITE,
			      img + (size - st->used), size - st->used, st->used);
	nxk_kfree(img);
	if (r == 0)
		r = nxq_host_call0(h, NX_SYS_AS_MAP, (uint64_t)as, 0, st->guard,
				   NX_STACK_GUARD_SIZE, 0, 0);
	return r;
}

long nxq_init_launch(struct nxq_host *h, const struct nxq_image *img)
{
	const struct nxq_image_entry *e = &img->e[0];
	const uint8_t *base = (const uint8_t *)img;
	struct nxl_plan plan;
	struct nxl_stack st;
	long r;

	int lr = nxl_plan_elf(base + e->elf_off, e->elf_len, &plan);
	if (lr != 0) {
		nxq_say("nexus: cannot launch init: %s: %s", nxl_errname(lr), nxl_strerror(lr));
		return -NX_EINVAL;
	}
	long as = nxq_host_call0(h, NX_SYS_AS_CREATE, 0, 0, 0, 0, 0, 0);
	if (as < 0)
		return failed("as_create", as);
	if ((r = load_elf(h, as, &plan, base + e->elf_off)) != 0) {
		failed("loading its ELF", r);
		goto out;
	}
	if ((r = map_bytes(h, as, NXQ_INIT_IMAGE_VA, page_up(img->size), NX_PROT_READ, base, 0,
			   img->size)) != 0) {
		failed("mapping the image", r);
		goto out;
	}
	if ((r = build_stack(h, as, &st)) != 0) {
		failed("building its stack", r);
		goto out;
	}
	const uint64_t a[6] = {(uint64_t)as, plan.entry, st.sp,
			       st.bootstrap, 0,		 sizeof(INIT_NAME) - 1};
	nxq_cpu_next_system(1);
	r = nxq_host_call(h, NX_SYS_SPAWN, a, INIT_NAME, sizeof(INIT_NAME) - 1, NULL, 0);
	nxq_cpu_next_system(0);
	if (r <= 0)
		failed("spawn", r);
out:
	(void)nxq_host_call0(h, NX_SYS_HANDLE_CLOSE, (uint64_t)as, 0, 0, 0, 0, 0);
	return r;
}

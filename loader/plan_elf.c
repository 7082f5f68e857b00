/*
 * nxl_plan_elf: check every field of a static RISC-V ELF64 executable
 * before using it, then describe the address space it needs as maps
 * (page-aligned, one VMO each, never W+X) and copies (file bytes to
 * place). Like xv6's exec, nothing half-built escapes: every refusal
 * leaves through one exit that zeroes the caller's plan.
 */
#include "bytes.h"
#include "elf64.h"
#include "loader.h"
#include "nexus/rights.h"

_Static_assert(NXL_MAP_MAX + 2 <= NX_AS_MAPPINGS_MAX,
	       "a plan's maps plus the stack and its guard fit in one address space");
_Static_assert(NX_ELF_MAPPED_MAX <= NX_VMO_SIZE_MAX, "any one map fits in one VMO");
_Static_assert((NX_USER_BASE | NX_USER_TOP) % NX_PAGE_SIZE == 0, "user range is page-aligned");

#define NXL_PAGE_MASK (NX_PAGE_SIZE - 1)

static uint64_t page_down(uint64_t a)
{
	return a & ~NXL_PAGE_MASK;
}

/* Only called on addresses <= NX_USER_TOP, so it cannot wrap. */
static uint64_t page_up(uint64_t a)
{
	return (a + NXL_PAGE_MASK) & ~NXL_PAGE_MASK;
}

static int prot_is_wx(uint32_t prot)
{
	return (prot & NX_PROT_WRITE) && (prot & NX_PROT_EXEC);
}

static uint32_t prot_of(uint32_t pf)
{
	uint32_t prot = 0;

	if (pf & ELF64_PF_R)
		prot |= NX_PROT_READ;
	if (pf & ELF64_PF_W)
		prot |= NX_PROT_WRITE;
	if (pf & ELF64_PF_X)
		prot |= NX_PROT_EXEC;
	return prot;
}

static int check_ehdr(const uint8_t *p, size_t len, struct elf64_ehdr *eh)
{
	if (len > NX_ELF_FILE_MAX)
		return NXL_E_FILE_SIZE;
	if (len < ELF64_EHDR_SIZE)
		return NXL_E_TRUNCATED;
	nxl_read_ehdr(p, eh);
	if (eh->ident[0] != 0x7f || eh->ident[1] != 'E' || eh->ident[2] != 'L' ||
	    eh->ident[3] != 'F')
		return NXL_E_MAGIC;
	if (eh->ident[ELF64_EI_CLASS] != ELF64_CLASS64)
		return NXL_E_CLASS;
	if (eh->ident[ELF64_EI_DATA] != ELF64_DATA2LSB)
		return NXL_E_ENDIAN;
	if (eh->ident[ELF64_EI_VERSION] != ELF64_EV_CURRENT || eh->version != ELF64_EV_CURRENT)
		return NXL_E_VERSION;
	if (eh->machine != ELF64_EM_RISCV)
		return NXL_E_MACHINE;
	if (eh->type != ELF64_ET_EXEC)
		return NXL_E_TYPE;
	if (eh->ehsize != ELF64_EHDR_SIZE)
		return NXL_E_EHSIZE;
	if (eh->phentsize != ELF64_PHDR_SIZE)
		return NXL_E_PHENTSIZE;
	if (eh->phnum == 0)
		return NXL_E_PHNUM_ZERO;
	if (eh->phnum > NX_ELF_PHNUM_MAX)
		return NXL_E_PHNUM_MAX;
	if (eh->phoff < ELF64_EHDR_SIZE)
		return NXL_E_PHDR_OVERLAP;
	/* phnum <= NX_ELF_PHNUM_MAX, so the product cannot overflow. */
	if (eh->phoff > len || (uint64_t)eh->phnum * ELF64_PHDR_SIZE > len - eh->phoff)
		return NXL_E_PHDR_BOUNDS;
	return NXL_OK;
}

static int check_load(const struct elf64_phdr *ph, size_t len, struct nxl_plan *plan)
{
	if (plan->nload == NX_ELF_LOAD_MAX)
		return NXL_E_LOAD_MAX;
	if ((ph->flags & ELF64_PF_W) && (ph->flags & ELF64_PF_X))
		return NXL_E_SEG_WX;
	if (ph->memsz == 0)
		return NXL_E_SEG_EMPTY;
	if (ph->filesz > ph->memsz)
		return NXL_E_SEG_FILESZ;
	if (ph->offset > len || ph->filesz > len - ph->offset)
		return NXL_E_SEG_FILE_RANGE;
	if (ph->vaddr < NX_USER_BASE)
		return NXL_E_SEG_NULL_PAGE;
	if (ph->vaddr >= NX_USER_TOP || ph->memsz > NX_USER_TOP - ph->vaddr)
		return NXL_E_SEG_USER_RANGE;
	if (ph->align & (ph->align - 1))
		return NXL_E_SEG_ALIGN_POW2;
	if (ph->align < NX_PAGE_SIZE)
		return NXL_E_SEG_ALIGN_SMALL;
	if ((ph->offset ^ ph->vaddr) & (ph->align - 1))
		return NXL_E_SEG_CONGRUENT;
	if (plan->nload > 0) {
		const struct nxl_phdr *prev = &plan->load[plan->nload - 1];

		if (ph->vaddr < prev->vaddr)
			return NXL_E_LOAD_ORDER;
		/* Both ends were checked against NX_USER_TOP: no overflow. */
		if (ph->vaddr < prev->vaddr + prev->memsz)
			return NXL_E_LOAD_OVERLAP;
	}
	struct nxl_phdr *l = &plan->load[plan->nload++];
	l->offset = ph->offset;
	l->vaddr = ph->vaddr;
	l->filesz = ph->filesz;
	l->memsz = ph->memsz;
	l->align = ph->align;
	l->flags = ph->flags;
	return NXL_OK;
}

static int check_phdrs(const uint8_t *p, size_t len, const struct elf64_ehdr *eh,
		       struct nxl_plan *plan)
{
	for (uint32_t i = 0; i < eh->phnum; i++) {
		struct elf64_phdr ph;
		int err = NXL_OK;

		nxl_read_phdr(p + eh->phoff + (uint64_t)i * ELF64_PHDR_SIZE, &ph);
		switch (ph.type) {
		case ELF64_PT_INTERP:
			return NXL_E_INTERP;
		case ELF64_PT_DYNAMIC:
			return NXL_E_DYNAMIC;
		case ELF64_PT_GNU_STACK:
			if (ph.flags & ELF64_PF_X)
				return NXL_E_EXEC_STACK;
			break;
		case ELF64_PT_LOAD:
			err = check_load(&ph, len, plan);
			break;
		default:
			/* PT_NOTE, PT_PHDR, PT_GNU_RELRO, PT_RISCV_ATTRIBUTES...: nothing to load.
			 */
			break;
		}
		if (err != NXL_OK)
			return err;
	}
	return NXL_OK;
}

/* Only the file bytes count: code in zero-filled memory is no code. */
static int check_entry(const struct nxl_plan *plan)
{
	for (uint32_t i = 0; i < plan->nload; i++) {
		const struct nxl_phdr *l = &plan->load[i];

		if ((l->flags & ELF64_PF_X) && plan->entry >= l->vaddr &&
		    plan->entry - l->vaddr < l->filesz)
			return NXL_OK;
	}
	return NXL_E_ENTRY;
}

/*
 * Cover one segment's pages. Segments ascend without overlapping, so the
 * only page this one can share is the last page of the map before it.
 * That page takes the union of both permissions as a one-page map of its
 * own (refused if the union is W+X); the segment's other pages form one
 * map, merged into the previous one when permissions and addresses meet.
 * Each segment adds at most two maps: NXL_MAP_MAX holds the worst case.
 */
static int map_segment(const struct nxl_phdr *l, struct nxl_plan *plan)
{
	uint64_t s = page_down(l->vaddr);
	uint64_t e = page_up(l->vaddr + l->memsz);
	uint32_t prot = prot_of(l->flags);
	struct nxl_map *last = plan->nmap ? &plan->map[plan->nmap - 1] : 0;

	if (last && s < last->va + last->len) {
		uint64_t shared = last->va + last->len - NX_PAGE_SIZE;
		uint32_t u = last->prot | prot;

		if (prot_is_wx(u))
			return NXL_E_SHARED_WX;
		if (u != last->prot && last->len > NX_PAGE_SIZE) {
			last->len -= NX_PAGE_SIZE;
			last = &plan->map[plan->nmap++];
			last->va = shared;
			last->len = NX_PAGE_SIZE;
		}
		last->prot = u;
		s = shared + NX_PAGE_SIZE;
	}
	if (s >= e)
		return NXL_OK;
	if (last && last->va + last->len == s && last->prot == prot) {
		last->len += e - s;
		return NXL_OK;
	}
	last = &plan->map[plan->nmap++];
	last->va = s;
	last->len = e - s;
	last->prot = prot;
	return NXL_OK;
}

/* Split each segment's file bytes at map boundaries: one copy, one VMO. */
static void copy_segment(const struct nxl_phdr *l, struct nxl_plan *plan)
{
	uint64_t end = l->vaddr + l->filesz;

	for (uint32_t i = 0; i < plan->nmap && l->filesz; i++) {
		const struct nxl_map *m = &plan->map[i];
		uint64_t a = l->vaddr > m->va ? l->vaddr : m->va;
		uint64_t b = end < m->va + m->len ? end : m->va + m->len;

		if (a >= b)
			continue;
		struct nxl_copy *c = &plan->copy[plan->ncopy++];
		c->va = a;
		c->file_off = l->offset + (a - l->vaddr);
		c->len = b - a;
	}
}

int nxl_plan_elf(const void *elf, size_t len, struct nxl_plan *plan)
{
	const uint8_t *p = elf;
	struct elf64_ehdr eh;
	int err;

	nxl_bytes_fill(plan, 0, sizeof(*plan));
	err = check_ehdr(p, len, &eh);
	if (err != NXL_OK)
		goto bad;
	plan->entry = eh.entry;
	err = check_phdrs(p, len, &eh, plan);
	if (err != NXL_OK)
		goto bad;
	err = check_entry(plan);
	if (err != NXL_OK)
		goto bad;
	for (uint32_t i = 0; i < plan->nload; i++) {
		err = map_segment(&plan->load[i], plan);
		if (err != NXL_OK)
			goto bad;
	}
	for (uint32_t i = 0; i < plan->nmap; i++)
		plan->mapped_bytes += plan->map[i].len;
	if (plan->mapped_bytes > NX_ELF_MAPPED_MAX) {
		err = NXL_E_MAPPED_MAX;
		goto bad;
	}
	for (uint32_t i = 0; i < plan->nload; i++)
		copy_segment(&plan->load[i], plan);
	return NXL_OK;
bad:
	nxl_bytes_fill(plan, 0, sizeof(*plan));
	return err;
}

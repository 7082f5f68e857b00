/*
 * bare-engine: a payload ELF on Unicorn with nothing of nexus-sim around
 * it, the anchor `make bench` puts beside nexus-sim's figures.
 *
 *   bare-engine FILE.elf [ARGS...]
 *
 * The same loader plan, stack image, U-mode entry (an mret trampoline)
 * and code-cache size as the kernel's backend, but no kernel: no hook
 * except INTR, where exit, debug_write, debug_putc and yield are served
 * on the spot. Anything else ends the run with exit 70. The difference
 * between this and nexus-sim's time is what the kernel and its hooks
 * cost.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unicorn/unicorn.h>

#include "cli.h"
#include "cpu_unicorn.h"
#include "loader.h"
#include "nexus/rights.h"
#include "nexus/syscall.h"

#define MSTATUS_FS_INITIAL (1ULL << 13) /* as sim/cpu_unicorn.c: FP on, MPP = U */
#define INSN_MRET 0x30200073u
#define EXC_ECALL_U 8

struct bare {
	uc_engine *uc;
	int exited, failed;
	int code;
};

static void die(const char *what, uc_err e)
{
	fprintf(stderr, "bare-engine: %s: %s\n", what, uc_strerror(e));
	exit(NX_EXIT_INTERNAL);
}

#define UC(call)                                                                                   \
	do {                                                                                       \
		uc_err e_ = (call);                                                                \
		if (e_ != UC_ERR_OK)                                                               \
			die(#call, e_);                                                            \
	} while (0)

static uint64_t reg(uc_engine *uc, int r)
{
	uint64_t v;
	UC(uc_reg_read(uc, r, &v));
	return v;
}

/* debug_write / debug_putc: the bytes go to stdout. */
static long guest_write(uc_engine *uc, uint64_t ptr, uint64_t len)
{
	static char buf[NX_DEBUG_WRITE_MAX];
	if (len > sizeof(buf) || uc_mem_read(uc, ptr, buf, len) != UC_ERR_OK)
		return -1;
	return (long)fwrite(buf, 1, len, stdout);
}

static void on_intr(uc_engine *uc, uint32_t intno, void *arg)
{
	struct bare *b = arg;
	uint64_t nr = reg(uc, UC_RISCV_REG_A7), a0 = reg(uc, UC_RISCV_REG_A0);
	long r = 0;
	char c;

	if (intno != EXC_ECALL_U) {
		fprintf(stderr, "bare-engine: exception %u at pc 0x%llx\n", intno,
			(unsigned long long)reg(uc, UC_RISCV_REG_PC));
		b->failed = 1;
		UC(uc_emu_stop(uc));
		return;
	}
	switch (nr) {
	case NX_SYS_EXIT:
		b->exited = 1;
		b->code = (int)(a0 & 0xff);
		UC(uc_emu_stop(uc));
		return;
	case NX_SYS_DEBUG_WRITE:
		r = guest_write(uc, a0, reg(uc, UC_RISCV_REG_A1));
		break;
	case NX_SYS_DEBUG_PUTC:
		c = (char)a0;
		r = (long)fwrite(&c, 1, 1, stdout) - 1;
		break;
	case NX_SYS_YIELD:
		break;
	default:
		fprintf(stderr, "bare-engine: kernel call %llu is not served here\n",
			(unsigned long long)nr);
		b->failed = 1;
		UC(uc_emu_stop(uc));
		return;
	}
	UC(uc_reg_write(uc, UC_RISCV_REG_A0, &r));
}

static uint32_t uc_perms(uint32_t prot)
{
	return ((prot & NX_PROT_READ) ? UC_PROT_READ : 0) |
	       ((prot & NX_PROT_WRITE) ? UC_PROT_WRITE : 0) |
	       ((prot & NX_PROT_EXEC) ? UC_PROT_EXEC : 0);
}

/* Zeroed host memory for a guest range; never freed (the process exits). */
static uint8_t *host_pages(uint64_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "bare-engine: mmap: %s\n", strerror(errno));
		exit(NX_EXIT_INTERNAL);
	}
	return p;
}

static void *read_elf(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		fprintf(stderr, "bare-engine: %s: %s\n", path, strerror(errno));
		exit(NX_EXIT_NOINPUT);
	}
	void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		fprintf(stderr, "bare-engine: %s: %s\n", path, strerror(errno));
		exit(NX_EXIT_NOINPUT);
	}
	*len = (size_t)st.st_size;
	return p;
}

static void map_image(uc_engine *uc, const uint8_t *elf, const struct nxl_plan *plan)
{
	for (uint32_t i = 0; i < plan->nmap; i++) {
		const struct nxl_map *m = &plan->map[i];
		uint8_t *host = host_pages(m->len);
		for (uint32_t j = 0; j < plan->ncopy; j++) {
			const struct nxl_copy *c = &plan->copy[j];
			if (c->va >= m->va && c->va - m->va < m->len)
				memcpy(host + (c->va - m->va), elf + c->file_off, c->len);
		}
		UC(uc_mem_map_ptr(uc, m->va, m->len, uc_perms(m->prot), host));
	}
}

static uint64_t map_stack(uc_engine *uc, int argc, char **argv, uint64_t *bootstrap)
{
	const char *args[NX_ARGC_MAX];
	struct nxl_stack st;
	uint8_t *image = host_pages(NX_STACK_SIZE_DEFAULT);
	size_t n = 0;
	for (int i = 0; i < argc && n < NX_ARGC_MAX; i++)
		args[n++] = argv[i];
	int r = nxl_stack_build(NX_STACK_TOP, NX_STACK_SIZE_DEFAULT, args, n, NULL, 0, image, &st);
	if (r != 0) {
		fprintf(stderr, "bare-engine: stack: %s\n", nxl_strerror(r));
		exit(NX_EXIT_USAGE);
	}
	UC(uc_mem_map_ptr(uc, st.base, st.size, UC_PROT_READ | UC_PROT_WRITE, image));
	*bootstrap = st.bootstrap;
	return st.sp;
}

int main(int argc, char **argv)
{
	struct bare b = {0};
	struct nxl_plan plan;
	size_t len;
	uc_hook h;
	uint32_t mret = INSN_MRET;
	uint64_t bootstrap, mstatus = MSTATUS_FS_INITIAL, pc = NXK_CPU_TRAMPOLINE_VA;

	if (argc < 2) {
		fprintf(stderr, "usage: bare-engine FILE.elf [ARGS...]\n");
		return NX_EXIT_USAGE;
	}
	const uint8_t *elf = read_elf(argv[1], &len);
	int r = nxl_plan_elf(elf, len, &plan);
	if (r != 0) {
		fprintf(stderr, "bare-engine: %s: %s\n", argv[1], nxl_strerror(r));
		return NX_EXIT_REFUSED;
	}
	/* As the kernel process does (sim/cpu_unicorn.c): no huge page per code cache. */
	prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
	UC(uc_open(UC_ARCH_RISCV, UC_MODE_RISCV64, &b.uc));
	UC(uc_ctl_set_tcg_buffer_size(b.uc, NXK_CPU_TCG_BUFFER));
	UC(uc_mem_map(b.uc, NXK_CPU_TRAMPOLINE_VA, NX_PAGE_SIZE, UC_PROT_EXEC));
	UC(uc_mem_write(b.uc, NXK_CPU_TRAMPOLINE_VA, &mret, sizeof(mret)));
	map_image(b.uc, elf, &plan);
	uint64_t sp = map_stack(b.uc, argc - 1, argv + 1, &bootstrap);
	UC(uc_hook_add(b.uc, &h, UC_HOOK_INTR, (void *)on_intr, &b, 1, 0));
	UC(uc_reg_write(b.uc, UC_RISCV_REG_MSTATUS, &mstatus));
	UC(uc_reg_write(b.uc, UC_RISCV_REG_MEPC, &plan.entry));
	UC(uc_reg_write(b.uc, UC_RISCV_REG_SP, &sp));
	UC(uc_reg_write(b.uc, UC_RISCV_REG_A0, &bootstrap));
	uc_err e = uc_emu_start(b.uc, pc, 0, 0, 0);
	fflush(stdout);
	if (e != UC_ERR_OK) {
		fprintf(stderr, "bare-engine: stopped at pc 0x%llx: %s\n",
			(unsigned long long)reg(b.uc, UC_RISCV_REG_PC), uc_strerror(e));
		return NX_EXIT_INTERNAL;
	}
	if (b.failed || !b.exited)
		return NX_EXIT_INTERNAL;
	return b.code;
}

/*
 * The target's boot, after boot.S: RAM from the device tree, the page
 * allocator, traps, the kernel object, the self-tests, init; then the
 * scheduler runs until init ends, and the machine powers off with init's
 * exit code. docs/qemu.md walks through it.
 */
#include <stdint.h>

#include "console.h"
#include "cpu_port.h"
#include "exit_codes.h"
#include "fdt.h"
#include "hostcall.h"
#include "image.h"
#include "init_launch.h"
#include "kernel.h"
#include "layout.h"
#include "nexus/task.h"
#include "page_alloc.h"
#include "power.h"
#include "selftest.h"
#include "target.h"

extern char __kernel_end[];

__attribute__((noreturn)) static void stop(const char *what, const char *why)
{
	nxq_say("nexus: %s: %s", what, why);
	nxq_power_off(NXQ_EXIT_INTERNAL);
}

/*
 * RAM from the device tree, minus the kernel, the image and the tree
 * itself. The rest is zero: QEMU loaded nothing else (OpenSBI sits below
 * the kernel).
 */
static void memory_init(uint64_t fdt_pa, const struct nxq_image **img)
{
	struct nxq_fdt_info fi;
	const char *why;

	if (nxq_fdt_read(nxq_pa_to_va(fdt_pa), &fi, &why) != 0)
		stop("device tree", why);
	uint64_t ram_end = fi.ram_base + fi.ram_size;
	if (fi.ram_base > NXQ_KERNEL_PA || ram_end <= NXQ_IMAGE_PA)
		stop("device tree", "RAM does not hold the kernel and the image");
	*img = nxq_pa_to_va(NXQ_IMAGE_PA);
	if (nxq_image_check(*img, ram_end - NXQ_IMAGE_PA, &why) != 0)
		stop("boot image", why);
	nxq_pages_init(fi.ram_base, fi.ram_size);
	nxq_pages_release(nxq_va_to_pa(__kernel_end), ram_end - nxq_va_to_pa(__kernel_end));
	nxq_pages_known_zero(nxq_va_to_pa(__kernel_end), ram_end - nxq_va_to_pa(__kernel_end));
	nxq_pages_reserve(NXQ_IMAGE_PA, (*img)->size);
	nxq_pages_reserve(fdt_pa, fi.fdt_size);
}

/* Called by boot.S, on the boot stack, in the upper half. */
void kmain(uint64_t hart, uint64_t fdt_pa);

void kmain(uint64_t hart, uint64_t fdt_pa)
{
	const struct nxq_image *img;
	/* The same guest resource bounds as a nexus-sim run with its defaults. */
	struct nxk_opts opts = {.console = nxq_console_task, .mem_limit = NX_MEM_LIMIT_DEFAULT};
	struct nxq_host host;
	struct nx_crash crash;

	(void)hart;
	nxq_console_init();
	memory_init(fdt_pa, &img);
	nxq_cpu_trap_init();
	struct nxk *k = nxk_new(&opts);
	if (k == NULL || nxq_host_init(&host, k) != 0)
		stop("kernel", "out of memory");
	if (nxq_selftest(&host) != 0)
		nxq_power_off(NXQ_EXIT_INTERNAL);
	long pid = nxq_init_launch(&host, img);
	if (pid <= 0)
		nxq_power_off(NXQ_EXIT_INTERNAL);
	/* init has its own copy now: the image's pages are free memory. */
	nxq_pages_release(NXQ_IMAGE_PA, img->size);
	long status = nxq_host_wait(&host, pid, &crash);
	if (status < 0)
		stop("init", "wait failed");
	if (NX_WAIT_IS_CRASH(status)) {
		nxq_say("nexus: init crashed: %s pc=0x%llx addr=0x%llx",
			nx_crash_cause_name(crash.cause), (unsigned long long)crash.pc,
			(unsigned long long)crash.addr);
		nxq_power_off(NXQ_EXIT_INTERNAL);
	}
	nxq_power_off((int)NX_WAIT_CODE(status));
}

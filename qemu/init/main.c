/*
 * init on the QEMU target: the one task the kernel launches. It runs the
 * boot image's payloads (entries 1.., image.h) in order as execd runs a
 * bundle in the simulator: plan, kernel calls, spawn, wait, and on a
 * crash or a non-zero exit the crash report in execd's words. It stops
 * at the first payload that does not exit 0 and exits with that
 * payload's code (128+N for a crash, 65 for a refused ELF); the kernel
 * powers off with it. Its console lines go on the system stream.
 */
#include <stdarg.h>

#include "exit_codes.h"
#include "fmt.h"
#include "image.h"
#include "init_spawn.h"
#include "nexus/err.h"
#include "nx_syscall.h"
#include "nxrt.h"
#include "target.h"

#define INIT_LINE_MAX 512 /* bytes of one console line */
#define INIT_EXIT_BAD_IMAGE NXQ_EXIT_INTERNAL

/* One console line, one write: it never interleaves with a payload's. */
__attribute__((format(printf, 1, 2))) static void say(const char *fmt, ...)
{
	char line[INIT_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	int n = nxq_vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	nx_rt_write(line, (size_t)n);
}

/* How it ended, in execd's words (daemons/execd/exec_report.c). */
static void report(long pid, uint32_t status, const struct nx_crash *cr, int code, const char *name)
{
	int crashed = NX_WAIT_IS_CRASH(status);

	say("execd: crash report pid=%ld code=%d name=%s", pid, code, name);
	say("execd: error crash report addr=0x%llx cause=%s code=%d event=crash.v1 name=%s "
	    "pc=0x%llx pid=%ld",
	    crashed ? (unsigned long long)cr->addr : 0ULL,
	    crashed ? nx_crash_cause_name(cr->cause) : "exit", code, name,
	    crashed ? (unsigned long long)cr->pc : 0ULL, pid);
}

/* Split an entry's strings into argv and envp (checked by nxq_image_check). */
static void split_strings(const char *s, const struct nxq_image_entry *e, const char **argv,
			  const char **envp)
{
	for (uint32_t i = 0; i < e->argc + e->envc; i++) {
		if (i < e->argc)
			argv[i] = s;
		else
			envp[i - e->argc] = s;
		s += strlen(s) + 1;
	}
	argv[e->argc] = NULL;
	envp[e->envc] = NULL;
}

/* One payload: its exit code, 128+N for a crash, 65/70 when it could not start. */
static int run_entry(const struct nxq_image *img, const struct nxq_image_entry *e)
{
	static const char *argv[NX_ARGC_MAX + 1], *envp[NX_ENVC_MAX + 1];
	const uint8_t *base = (const uint8_t *)img;
	char msg[INIT_SPAWN_MSG_MAX];
	struct nx_crash cr = {0};
	uint32_t status;

	split_strings((const char *)base + e->strs_off, e, argv, envp);
	const struct init_spawn_req req = {
	    .elf = base + e->elf_off,
	    .len = e->elf_len,
	    .argv = argv,
	    .argc = e->argc,
	    .envp = envp,
	    .envc = e->envc,
	    .name = e->name,
	    .caps = e->caps,
	};
	long pid = init_spawn(&req, msg);
	if (pid < 0) {
		say("execd: refused %s: %s", e->name, msg);
		return pid == -NX_EINVAL ? NXQ_EXIT_REFUSED : NXQ_EXIT_INTERNAL;
	}
	say("execd: elf load ok");
	if (nx_wait(pid, &status) != pid) {
		say("execd: %s: pid %ld: wait failed", e->name, pid);
		return NXQ_EXIT_INTERNAL;
	}
	if (NX_WAIT_IS_CRASH(status) && nx_task_crash(pid, &cr) != 0)
		cr.cause = NX_WAIT_CAUSE(status);
	int code = NX_WAIT_IS_CRASH(status) ? NX_EXIT_CRASH_BASE + nx_crash_signal(cr.cause)
					    : (int)NX_WAIT_CODE(status);
	if (code != 0)
		report(pid, status, &cr, code, e->name);
	return code;
}

int main(int argc, char **argv, char **envp)
{
	const struct nxq_image *img = (const struct nxq_image *)(uintptr_t)NXQ_INIT_IMAGE_VA;
	const char *why;

	(void)argc, (void)argv, (void)envp;
	say("init: start");
	/* The kernel checked the image and mapped img->size bytes of it; trust nothing more. */
	if (nxq_image_check(img, img->size, &why) != 0) {
		say("init: boot image: %s", why);
		return INIT_EXIT_BAD_IMAGE;
	}
	for (uint32_t i = 1; i < img->count; i++) {
		int code = run_entry(img, &img->e[i]);
		if (code != 0)
			return code;
	}
	return 0;
}

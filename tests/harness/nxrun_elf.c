/*
 * nxrun-elf: run RISC-V ELF payloads on the in-process kernel, through the
 * loader plan and the same syscall handlers every caller uses.
 *
 *   nxrun-elf [-e K=V]... FILE.elf [ARGS...] [--also [-e K=V]... FILE.elf [ARGS...]]...
 *
 * All tasks are spawned first, then run together; payload output goes to
 * stdout, each crash report to stderr. Exit status: that of the first
 * task (in command-line order) that did not exit 0 - its code, or 128+N
 * for a crash (nx_crash_signal) - else 0; 65 for a refused file, 64 for
 * a bad command line, 66 for an unreadable file, 70 for an internal error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf_spawn.h"
#include "cpu.h"
#include "kernel.h"
#include "nexus/caps.h"
#include "nexus/err.h"
#include "nexus/syscall.h"
#include "nexus/task.h"
#include "cli.h"
#include "kcall_direct.h"

/* Tasks one command line may start; the kernel's own cap is NX_TASKS_MAX. */
#define NXRUN_TASKS_MAX NX_TASKS_MAX

struct job {
	const char *path;
	int memfd; /* the file, sealed: as execd has a bundle's payload */
	size_t len;
	const uint8_t *elf; /* memfd mapped */
	char name[NX_TASK_NAME_MAX];
	const char *argv[NX_ARGC_MAX + 1];
	size_t argc;
	const char *envp[NX_ENVC_MAX + 1];
	size_t envc;
	long pid;
};

/* stdout, within the quota a nexus-sim run has. */
static int console(void *arg, const char *buf, size_t len)
{
	static uint64_t taken;
	(void)arg;
	if (len > NX_CONSOLE_QUOTA - taken)
		return -NX_ENOSPC;
	taken += len;
	fwrite(buf, 1, len, stdout);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: nxrun-elf [-e K=V]... FILE.elf [ARGS...] "
			"[--also [-e K=V]... FILE.elf [ARGS...]]...\n");
}

/* The task name: the file's base name without ".elf", cut to fit. */
static void job_name(struct job *j)
{
	const char *b = strrchr(j->path, '/');
	b = b ? b + 1 : j->path;
	size_t n = strlen(b);
	if (n > 4 && strcmp(b + n - 4, ".elf") == 0)
		n -= 4;
	if (n >= sizeof(j->name))
		n = sizeof(j->name) - 1;
	memcpy(j->name, b, n);
	j->name[n] = '\0';
}

static int parse(int argc, char **argv, struct job *jobs, size_t *njobs)
{
	int i = 1;
	*njobs = 0;
	while (i < argc) {
		if (*njobs == NXRUN_TASKS_MAX) {
			fprintf(stderr, "nxrun-elf: more than %d tasks\n", NXRUN_TASKS_MAX);
			return -1;
		}
		struct job *j = &jobs[(*njobs)++];
		memset(j, 0, sizeof(*j));
		while (i + 1 < argc && strcmp(argv[i], "-e") == 0) {
			if (j->envc == NX_ENVC_MAX) {
				fprintf(stderr, "nxrun-elf: more than %d -e\n", NX_ENVC_MAX);
				return -1;
			}
			j->envp[j->envc++] = argv[i + 1];
			i += 2;
		}
		if (i >= argc || argv[i][0] == '-')
			return -1;
		j->path = argv[i++];
		job_name(j);
		j->argv[j->argc++] = j->name;
		while (i < argc && strcmp(argv[i], "--also") != 0) {
			if (j->argc == NX_ARGC_MAX) {
				fprintf(stderr, "nxrun-elf: more than %d arguments\n", NX_ARGC_MAX);
				return -1;
			}
			j->argv[j->argc++] = argv[i++];
		}
		if (i < argc)
			i++; /* --also */
	}
	return *njobs > 0 ? 0 : -1;
}

/*
 * The file in a sealed memfd, mapped, as execd holds a bundle's payload:
 * its read-only pages are then shared by every task of it (elf_spawn.h).
 * A file named by an earlier job is that job's memfd. 0, or an exit code
 * with a message.
 */
static int load_file(struct job *jobs, size_t i)
{
	struct job *j = &jobs[i];
	for (size_t p = 0; p < i; p++) {
		if (jobs[p].memfd >= 0 && strcmp(jobs[p].path, j->path) == 0) {
			j->memfd = jobs[p].memfd;
			j->len = jobs[p].len;
			j->elf = jobs[p].elf;
			return 0;
		}
	}
	int fd = open(j->path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		fprintf(stderr, "nxrun-elf: %s: %s\n", j->path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NX_EXIT_NOINPUT;
	}
	if (!S_ISREG(st.st_mode) || st.st_size == 0 || (uint64_t)st.st_size > NX_ELF_FILE_MAX) {
		fprintf(stderr, "nxrun-elf: %s: not a regular file of 1 to %llu bytes\n", j->path,
			(unsigned long long)NX_ELF_FILE_MAX);
		close(fd);
		return NX_EXIT_REFUSED;
	}
	int mfd = memfd_create(j->name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	off_t off = 0;
	ssize_t n = mfd >= 0 ? sendfile(mfd, fd, &off, (size_t)st.st_size) : -1;
	close(fd);
	void *p = MAP_FAILED;
	if (n == st.st_size &&
	    fcntl(mfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) == 0)
		p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, mfd, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "nxrun-elf: %s: cannot hold it in a sealed memfd\n", j->path);
		if (mfd >= 0)
			close(mfd);
		return NX_EXIT_INTERNAL;
	}
	j->memfd = mfd;
	j->len = (size_t)st.st_size;
	j->elf = p;
	return 0;
}

static int spawn_job(struct nxh_direct *d, struct job *j)
{
	struct nx_elf_spawn_req req = {.elf = j->elf,
				       .caps = NX_CAPS_ALL,
				       .len = j->len,
				       .argv = j->argv,
				       .argc = j->argc,
				       .envp = j->envp,
				       .envc = j->envc,
				       .name = j->name,
				       .elf_memfd = j->memfd};
	struct nx_elf_spawn_result res;
	int r = nx_elf_spawn(&d->kc, &req, &res);
	if (r != 0) {
		fprintf(stderr, "nxrun-elf: %s: %s\n", j->path, res.msg);
		return res.stage == NX_ELF_SPAWN_ELF || res.stage == NX_ELF_SPAWN_STACK
			   ? NX_EXIT_REFUSED
			   : NX_EXIT_INTERNAL;
	}
	j->pid = res.pid;
	return 0;
}

/* Wait for the job; its exit status as nxrun-elf reports it. */
static int wait_job(struct nxh_direct *d, struct job *j)
{
	uint32_t status;
	int fd_out;
	const uint64_t a[6] = {(uint64_t)j->pid, 0};
	long r = d->kc.call(d, NX_SYS_WAIT, a, NULL, 0, &status, sizeof(status), -1, &fd_out);
	if (r != j->pid) {
		fprintf(stderr, "nxrun-elf: wait(%ld): error %ld\n", j->pid, -r);
		return NX_EXIT_INTERNAL;
	}
	if (!NX_WAIT_IS_CRASH(status))
		return (int)NX_WAIT_CODE(status);
	struct nx_crash cr;
	r = d->kc.call(d, NX_SYS_TASK_CRASH, a, NULL, 0, &cr, sizeof(cr), -1, &fd_out);
	if (r != 0) {
		fprintf(stderr, "nxrun-elf: task_crash(%ld): error %ld\n", j->pid, -r);
		return NX_EXIT_INTERNAL;
	}
	cr.name[sizeof(cr.name) - 1] = '\0';
	fprintf(stderr, "crash: pid=%ld name=%s cause=%s pc=0x%llx addr=0x%llx access=%s\n", j->pid,
		cr.name, nx_crash_cause_name(cr.cause), (unsigned long long)cr.pc,
		(unsigned long long)cr.addr, nx_access_name(cr.access));
	if (cr.cause == NX_CRASH_ENGINE)
		fprintf(stderr, "crash: engine: %s\n", nxk_cpu_error());
	return NX_EXIT_CRASH_BASE + nx_crash_signal(cr.cause);
}

int main(int argc, char **argv)
{
	static struct job jobs[NXRUN_TASKS_MAX];
	size_t njobs;
	if (parse(argc, argv, jobs, &njobs) != 0) {
		usage();
		return NX_EXIT_USAGE;
	}
	/* The bounds of a nexus-sim run with its defaults. */
	struct nxk_opts o = {.console = console, .mem_limit = NX_MEM_LIMIT_DEFAULT};
	struct nxk *k = nxk_new(&o);
	struct nxh_direct d;
	if (k == NULL || nxh_direct_init(&d, k) != 0) {
		fprintf(stderr, "nxrun-elf: out of memory\n");
		return NX_EXIT_INTERNAL;
	}
	int rc = 0;
	for (size_t i = 0; i < njobs; i++)
		jobs[i].memfd = -1;
	for (size_t i = 0; i < njobs && rc == 0; i++) {
		rc = load_file(jobs, i);
		if (rc == 0)
			rc = spawn_job(&d, &jobs[i]);
	}
	if (rc == 0) {
		for (size_t i = 0; i < njobs; i++) {
			int s = wait_job(&d, &jobs[i]);
			if (rc == 0)
				rc = s;
		}
	}
	fflush(stdout);
	nxh_direct_fini(&d);
	nxk_free(k);
	return rc;
}

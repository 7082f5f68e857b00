/*
 * nexus-qemu run: build the boot image, boot it headless, stream the
 * console (payload bytes to stdout; with -v the system's and the
 * firmware's to stderr), and exit as nexus-sim run does: the payload's
 * code, 128+N with a "crashed" line for a crash, 65 refused, 66 missing,
 * 64 usage, 70 internal, and 124 when --timeout runs out.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "boot_image.h"
#include "console_demux.h"
#include "console_mux.h"
#include "nexus/task.h"
#include "nxq_cli.h"
#include "opts.h"
#include "qemu_launch.h"
#include "target_files.h"

#define RUN_READ_CHUNK 65536
/*
 * QEMU writes the UART to its pipe one byte at a time. Waking for each
 * byte costs more than the whole run's own work (measured: ~15 ms of CPU
 * for a hello boot), so after each read the console is left to fill for
 * this long; the pipe holds 64 KiB, QEMU never waits on us.
 */
#define RUN_READ_BATCH_NS 1000000L
#define RUN_FIELD_MAX 64 /* bytes of one key=value value kept */

/* What the system lines said about the end of the run. */
struct run {
	const struct nxq_opts *o;
	int power_code; /* -1 until the kernel said it powers off */
	int crash_seen;
	char name[RUN_FIELD_MAX], cause[RUN_FIELD_MAX], pc[RUN_FIELD_MAX], addr[RUN_FIELD_MAX];
	char refused[NXQ_DEMUX_LINE_MAX];
};

static void write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* a closed stdout must not stop the run */
		buf += n;
		len -= (size_t)n;
	}
}

static void run_usage(FILE *f)
{
	fprintf(f, "usage: " NXQ_PROG
		   " run [-v] [--timeout S] [--icount] [--trust DIR] [--env K=V]...\n"
		   "                      BUNDLE.nxb|FILE.elf [-- ARGS...]\n"
		   "\n"
		   "Build a boot image of init and the payload (a bundle is verified against the\n"
		   "trust directory first; an ELF runs unsigned, the dev path), boot it on\n"
		   "qemu-system-riscv64 (virt, OpenSBI), and exit with the payload's exit code\n"
		   "(128+N if it crashed, 65 refused input, 66 cannot open, 70 internal error,\n"
		   "64 usage, 124 timed out).\n"
		   "\n"
		   "BUNDLE is a path, or a bare NAME.nxb looked up in the current directory,\n"
		   "then in each directory of $NEXUS_BUNDLE_PATH, then in the build's bundles.\n"
		   "\n"
		   "  -v, --verbose  the whole console (firmware, kernel, init) on stderr\n"
		   "  --timeout S    kill the machine after S seconds and exit 124\n"
		   "  --icount       -icount shift=0: time follows the instruction count, so\n"
		   "                 preemption points and rdtime repeat exactly (slower)\n"
		   "  --trust DIR    trusted public keys, every *.pub in DIR (default: the\n"
		   "                 build's dev key, for tests and the demo only)\n"
		   "  --env K=V      put K=V in the payload's environment (repeatable)\n"
		   "  -h, --help     this text\n");
}

static void on_data(void *arg, enum nxq_stream s, const char *buf, size_t len)
{
	struct run *r = arg;

	if (s == NXQ_STREAM_PAYLOAD)
		write_all(STDOUT_FILENO, buf, len);
	else if (r->o->verbose)
		write_all(STDERR_FILENO, buf, len);
}

/* The value of " key=" in line (values hold no spaces), or "?". */
static void field(const char *line, const char *key, char *out, size_t cap)
{
	char pat[RUN_FIELD_MAX];
	const char *at;

	snprintf(pat, sizeof(pat), " %s=", key);
	at = strstr(line, pat);
	if (at == NULL) {
		snprintf(out, cap, "?");
		return;
	}
	at += strlen(pat);
	snprintf(out, cap, "%.*s", (int)strcspn(at, " "), at);
}

static int starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void on_line(void *arg, const char *line)
{
	struct run *r = arg;

	if (starts(line, NXQ_LINE_POWER_OFF)) {
		r->power_code = atoi(line + strlen(NXQ_LINE_POWER_OFF));
	} else if (starts(line, NXQ_LINE_CRASH_RECORD)) {
		/* The prefix ends in a space: keep it so every key has one before it. */
		const char *f = line + strlen(NXQ_LINE_CRASH_RECORD) - 1;
		r->crash_seen = 1;
		field(f, "name", r->name, sizeof(r->name));
		field(f, "cause", r->cause, sizeof(r->cause));
		field(f, "pc", r->pc, sizeof(r->pc));
		field(f, "addr", r->addr, sizeof(r->addr));
	} else if (starts(line, NXQ_LINE_REFUSED)) {
		snprintf(r->refused, sizeof(r->refused), "%s", line + strlen(NXQ_LINE_REFUSED));
	} else if (!r->o->verbose && (starts(line, "nexus: ") || strstr(line, " FAILED") != NULL)) {
		/* The kernel speaks only when something went wrong: show it without -v too. */
		fprintf(stderr, "%s\n", line);
	}
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Stop QEMU for good and reap it. */
static void kill_qemu(const struct nxq_qemu *q)
{
	kill(q->pid, SIGKILL);
	while (waitpid(q->pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/*
 * Stream the console until QEMU closes it. 0 when it did, 124 on the
 * timeout, 128+N on a signal (QEMU killed and reaped in both cases).
 */
static int stream(struct run *r, const struct nxq_qemu *q, int sig)
{
	struct nxq_demux d;
	char buf[RUN_READ_CHUNK];
	double deadline = r->o->timeout_s ? now_s() + r->o->timeout_s : 0;

	nxq_demux_init(&d, on_data, on_line, r);
	for (;;) {
		struct pollfd p[2] = {{q->console, POLLIN, 0}, {sig, POLLIN, 0}};
		int wait_ms = -1;
		if (deadline > 0) {
			double left = deadline - now_s();
			wait_ms = left > 0 ? (int)(left * 1000) + 1 : 0;
		}
		int n = poll(p, 2, wait_ms);
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0 || (deadline > 0 && now_s() >= deadline)) {
			kill_qemu(q);
			fprintf(stderr, NXQ_PROG ": %s: timed out after %u s\n", r->o->payload,
				r->o->timeout_s);
			return NXQ_EXIT_TIMEOUT;
		}
		if (p[1].revents & POLLIN) {
			struct signalfd_siginfo si;
			int signo =
			    read(sig, &si, sizeof(si)) == sizeof(si) ? (int)si.ssi_signo : SIGTERM;
			kill_qemu(q);
			return NX_EXIT_CRASH_BASE + signo;
		}
		ssize_t got = read(q->console, buf, sizeof(buf));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return 0;
		nxq_demux_feed(&d, buf, (size_t)got);
		nanosleep(&(struct timespec){0, RUN_READ_BATCH_NS}, NULL);
	}
}

/* The run's exit status from what the console said and how QEMU ended. */
static int result(const struct run *r, int wstatus)
{
	int qemu_code = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;

	if (r->power_code < 0) {
		fprintf(stderr, NXQ_PROG ": %s ended before the target powered off (%s %d)\n",
			NXQ_QEMU, WIFEXITED(wstatus) ? "exit status" : "signal",
			WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : WTERMSIG(wstatus));
		return NXQ_EXIT_INTERNAL;
	}
	if (qemu_code != r->power_code) {
		fprintf(stderr, NXQ_PROG ": the target powered off with %d but %s exited %d\n",
			r->power_code, NXQ_QEMU, qemu_code);
		return NXQ_EXIT_INTERNAL;
	}
	if (r->crash_seen && strcmp(r->cause, "exit") != 0)
		fprintf(stderr, NXQ_PROG ": %s crashed: %s pc=%s addr=%s\n", r->name, r->cause,
			r->pc, r->addr);
	if (r->power_code == NXQ_EXIT_REFUSED && r->refused[0] != 0)
		fprintf(stderr, NXQ_PROG ": %s: %s\n", r->o->payload, r->refused);
	return r->power_code;
}

/* Boot the image in memfd `fd` (closed here) and stream the run. */
static int boot(struct run *r, int fd)
{
	struct nxq_qemu q;
	sigset_t mask;
	int wstatus = 0, rc;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	int sig = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sig < 0 || nxq_qemu_start(nxq_kernel_path(), fd, r->o->icount, &q) != 0) {
		close(fd);
		if (sig >= 0)
			close(sig);
		return NXQ_EXIT_INTERNAL;
	}
	close(fd);
	rc = stream(r, &q, sig);
	close(sig);
	close(q.console);
	if (rc != 0)
		return rc;
	while (waitpid(q.pid, &wstatus, 0) < 0 && errno == EINTR)
		;
	return result(r, wstatus);
}

int nxq_cmd_run(int argc, char **argv)
{
	struct nxq_opts o = {0};
	struct nxq_payload p;
	struct run r = {.o = &o, .power_code = -1};
	int rc = nxq_opts_parse(&o, argc, argv, NXQ_OPT_VERBOSE | NXQ_OPT_TIMEOUT | NXQ_OPT_ICOUNT);

	if (rc == 0 && o.help) {
		run_usage(stdout);
		return 0;
	}
	if (rc != 0) {
		run_usage(stderr);
		return rc;
	}
	if (access(nxq_kernel_path(), R_OK) != 0) {
		fprintf(stderr, NXQ_PROG ": cannot read the kernel image %s (run `make qemu`)\n",
			nxq_kernel_path());
		return NXQ_EXIT_INTERNAL;
	}
	/* The image lives in a memfd QEMU reads through /proc: no file is left behind. */
	int fd = memfd_create("nexus-qemu-image", MFD_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, NXQ_PROG ": memfd_create: %s\n", strerror(errno));
		return NXQ_EXIT_INTERNAL;
	}
	if ((rc = nxq_boot_image(&o, &p, fd)) != 0) {
		close(fd);
		return rc;
	}
	if (o.verbose && !p.is_signed)
		fprintf(stderr, NXQ_PROG ": %s: an unsigned ELF (the dev path): nothing verified\n",
			o.payload);
	nxq_payload_close(&p);
	return boot(&r, fd);
}

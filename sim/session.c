/*
 * A boot session (session.h): take the ending signals, lock the state
 * directory, open what the user named, start the kernel loop and init,
 * drive init over the control channel, and clean up whatever way it ends.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bundle_path.h"
#include "cli.h"
#include "cpu_unicorn.h"
#include "gdb.h"
#include "init_launch.h"
#include "ksim.h"
#include "nexus/state.h"
#include "nexus/svc.h"
#include "nexus/svc_bundle.h"
#include "nxhost.h"
#include "report.h"
#include "sandbox.h"
#include "session.h"
#include "signals.h"
#include "state_dir.h"
#include "trace.h"
#include "update.h"

static uint64_t now_ns(void)
{
	return sim_now_ns();
}

static void session_on_tee(void *arg, int fd, short revents);

/* The tee's watches as it wants them now: the pipe while it may be read, the console for room. */
static void session_tee_watch(struct session *s)
{
	struct tee *t = &s->tee;

	ksim_unwatch(s->ks, t->rd);
	ksim_unwatch(s->ks, t->out);
	if (tee_wants_read(t))
		(void)ksim_watch(s->ks, t->rd, session_on_tee, s);
	if (tee_wants_write(t))
		(void)ksim_watch_out(s->ks, t->out, session_on_tee, s);
}

/* The boot console through the tee (test, --json): bytes in the pipe, or room on the console. */
static void session_on_tee(void *arg, int fd, short revents)
{
	struct session *s = arg;

	(void)revents;
	if (fd == s->tee.out)
		tee_flush(&s->tee);
	tee_drain(&s->tee);
	session_tee_watch(s);
}

/* test: --timeout is each bundle's; armed at its RUN, disarmed at its RESULT (0 ms). */
static void session_arm_timer(struct session *s, uint64_t ms)
{
	struct itimerspec it = {.it_value = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L}};

	if (s->timer >= 0)
		(void)timerfd_settime(s->timer, 0, &it, NULL);
}

void session_next_run(struct session *s)
{
	struct sim_result *r = &s->results[s->current];

	if (s->current == s->nbundles || s->shutdown_sent) {
		session_shutdown(s);
		return;
	}
	/* The memory limit needs no reset: the last bundle's tasks ended and freed theirs. */
	ksim_console_restart(s->ks);
	if (s->test)
		session_arm_timer(s, s->o->timeout_ms);
	/* What was printed before this RUN (the boot's READY, the last result) is not its. */
	tee_drain(&s->tee);
	session_tee_watch(s);
	s->tee.markers = &r->markers;
	r->start_ns = now_ns();
	if (ctl_send_run(s, s->current) != 0) {
		fprintf(stderr, "nexus-sim: cannot send the run request to init\n");
		s->code = NX_EXIT_INTERNAL;
		session_shutdown(s);
	}
}

/* NEXUS_FAULT=pause:test (cli.h): the whole kernel waits, so nothing runs meanwhile. */
static void session_pause(struct session *s)
{
	char c;

	fprintf(stderr, "nexus-sim: fault: paused before bundle %zu\n", s->current + 1);
	while (read(STDIN_FILENO, &c, 1) < 0 && errno == EINTR)
		;
}

void session_bundle_done(struct session *s)
{
	struct sim_result *r = &s->results[s->current];
	size_t len;
	const char *out = ksim_console_captured(s->ks, &len);

	r->end_ns = now_ns();
	/* What the daemons said before init's RESULT is in the pipe already. */
	tee_drain(&s->tee);
	session_tee_watch(s);
	s->tee.markers = &s->boot_markers;
	if (out != NULL && sim_text_add(&r->console, out, len) != 0)
		fprintf(stderr, "nexus-sim: out of memory keeping %s's output\n", r->bundle);
	s->current++;
	if (!s->test) {
		s->code = r->code;
		session_shutdown(s);
		return;
	}
	session_arm_timer(s, 0);
	if (s->current < s->nbundles && cli_fault_pause())
		session_pause(s);
	session_next_run(s);
}

void session_shutdown(struct session *s)
{
	if (s->shutdown_sent)
		return;
	s->shutdown_sent = 1;
	sim_trace_step(s->trace, "shutdown", 1);
	if (nx_wire_send(s->ctl, NX_CTL_SHUTDOWN, 0, NULL, NULL, 0, -1) != 0)
		ksim_stop(s->ks, 0);
}

/*
 * REBOOT hands init the kernel socket of the next boot: init stops every
 * daemon, answers DOWN and executes itself afresh on it, so nexus-sim,
 * whose sandbox starts no process, never launches another.
 */
void session_reboot(struct session *s)
{
	int ks[2];

	if (s->shutdown_sent)
		return;
	if (s->reboots == NX_REBOOTS_MAX) {
		fprintf(stderr, "nexus-sim: more than %d soft reboots in one session\n",
			NX_REBOOTS_MAX);
		s->code = NX_EXIT_INTERNAL;
		session_shutdown(s);
		return;
	}
	s->reboot_ns = now_ns();
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ks) != 0) {
		s->code = NX_EXIT_INTERNAL;
		session_shutdown(s);
		return;
	}
	s->shutdown_sent = 1;
	sim_trace_step(s->trace, "reboot", 1);
	if (nx_wire_send(s->ctl, NX_CTL_REBOOT, 0, NULL, NULL, 0, ks[1]) != 0) {
		close(ks[0]);
		ks[0] = -1;
		ksim_stop(s->ks, 0);
	}
	close(ks[1]);
	s->next_ksock = ks[0];
	s->rebooting = ks[0] >= 0;
}

static void session_on_signal(void *arg, int fd, short revents)
{
	struct session *s = arg;
	int sig;

	(void)revents;
	while ((sig = signals_read(fd)) != 0) {
		if (s->signalled == 0)
			s->signalled = sig;
		session_shutdown(s);
	}
}

/*
 * test --timeout, for the bundle that runs: its tasks end with crash
 * cause `timeout` and its RESULT says so; if none came
 * NX_TIMEOUT_GRACE_MS later, the bundle is failed and the session ends
 * (the bundles after it are reported as not run).
 */
static void session_test_timeout(struct session *s, int fd)
{
	struct sim_result *r = &s->results[s->current];
	struct itimerspec grace = {
	    .it_value = {NX_TIMEOUT_GRACE_MS / 1000, (NX_TIMEOUT_GRACE_MS % 1000) * 1000000L}};

	if (s->current == s->nbundles)
		return;
	if (r->outcome == SIM_TIMEOUT) {
		snprintf(r->msg, sizeof(r->msg), "%s did not end %d ms after its timeout",
			 r->bundle, NX_TIMEOUT_GRACE_MS);
		fprintf(stderr, "nexus-sim: %s\n", r->msg);
		r->code = NX_EXIT_TIMEOUT;
		r->end_ns = now_ns();
		s->current = s->nbundles;
		session_shutdown(s);
		return;
	}
	r->outcome = SIM_TIMEOUT;
	fprintf(stderr, "nexus-sim: %s timed out after %llu.%03llu s\n", r->bundle,
		(unsigned long long)(s->o->timeout_ms / 1000),
		(unsigned long long)(s->o->timeout_ms % 1000));
	nxk_end_all(ksim_kernel(s->ks), NX_CRASH_TIMEOUT);
	(void)timerfd_settime(fd, 0, &grace, NULL);
}

/*
 * --timeout: every task ends with crash cause `timeout` (so the payload
 * gets its crash report); if the session is still up NX_TIMEOUT_GRACE_MS
 * later, it is shut down anyway.
 */
static void session_on_timer(void *arg, int fd, short revents)
{
	struct session *s = arg;
	uint64_t n;
	struct itimerspec grace = {
	    .it_value = {NX_TIMEOUT_GRACE_MS / 1000, (NX_TIMEOUT_GRACE_MS % 1000) * 1000000L}};

	(void)revents;
	if (read(fd, &n, sizeof(n)) != (ssize_t)sizeof(n))
		return;
	if (s->test) {
		session_test_timeout(s, fd);
		return;
	}
	if (s->timed_out) {
		session_shutdown(s);
		return;
	}
	s->timed_out = 1;
	fprintf(stderr, "nexus-sim: timed out after %llu.%03llu s\n",
		(unsigned long long)(s->o->timeout_ms / 1000),
		(unsigned long long)(s->o->timeout_ms % 1000));
	nxk_end_all(ksim_kernel(s->ks), NX_CRASH_TIMEOUT);
	(void)timerfd_settime(fd, 0, &grace, NULL);
}

/* The trust directory, or the bundle directory: -1 (said) when it cannot be opened. */
static int session_open_dir(const char *path, const char *what)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0)
		return fd;
	if (errno == ENOTDIR && strcmp(what, "bundle") == 0)
		fprintf(stderr,
			"nexus-sim: %s is a file, not a bundle directory: pack an ELF into a "
			"bundle with nxb-pack, or look at it with 'nexus-sim inspect %s'\n",
			path, path);
	else
		fprintf(stderr, "nexus-sim: cannot open %s %s: %s\n", what, path, strerror(errno));
	return -1;
}

/*
 * The trust directory, read once here so that one without a usable key
 * is said at once (keystored would only die on it, again and again).
 */
static int session_open_trust(const struct sim_opts *o)
{
	const char *dir = o->trust_dir != NULL ? o->trust_dir : bundle_default_trust();
	static struct nx_trust t;
	struct nx_fmt_err e = {0};
	int fd = session_open_dir(dir, "trust directory");

	if (fd < 0)
		return -1;
	if (nx_trust_load(&t, fd, &e) != 0 || t.n == 0) {
		fprintf(stderr, "nexus-sim: trust directory %s: %s\n", dir,
			e.msg[0] == 0 ? "no *.pub key in it" : e.msg);
		close(fd);
		return -1;
	}
	if (o->trust_dir == NULL && o->verbose)
		fprintf(stderr,
			"nexus-sim: trusting the dev key of %s: TEST ONLY, its secret half is in "
			"the repository (run with --trust DIR to trust only your own keys)\n",
			dir);
	return fd;
}

/* A bundle the user named, found (bundle_path.h) and opened; -1 when it cannot be (said). */
static int session_find_bundle(const char *b)
{
	char path[PATH_MAX];

	if (bundle_find(b, path, sizeof(path)) != 0) {
		bundle_say_not_found("nexus-sim", b);
		return -1;
	}
	return session_open_dir(path, "bundle");
}

/*
 * The program registry init reads: --registry FILE, else the build's if
 * it is there (else none: a run of a program name is then refused). init
 * checks what is in it; here only that it is a regular file. 0 or -1 (said).
 */
static int session_open_registry(struct session *s)
{
	const char *path = s->o->registry != NULL ? s->o->registry : bundle_default_registry();
	struct stat st;

	s->registry_path = path;
	s->registry = open(path, O_RDONLY | O_CLOEXEC);
	if (s->registry < 0 && s->o->registry == NULL && errno == ENOENT)
		return 0;
	if (s->registry < 0) {
		fprintf(stderr, "nexus-sim: cannot open registry %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fstat(s->registry, &st) != 0 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "nexus-sim: registry %s: not a regular file\n", path);
		return -1;
	}
	return 0;
}

/* The state directory may not be, hold, or lie in an input: a run would write into it. */
static int session_check_overlap(const struct sim_opts *o, int fd, const char *what)
{
	if (!state_dir_overlaps(o->state_dir, fd))
		return 0;
	fprintf(stderr,
		"nexus-sim: state %s overlaps the %s: give --state a directory of its own\n",
		o->state_dir, what);
	return NX_EXIT_USAGE;
}

/* Launch init and boot it (CONFIG, BOOT); the loop then waits for READY. 0 or an exit code. */
static int session_start(struct session *s)
{
	int ks[2], ctl[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ks) != 0)
		return NX_EXIT_INTERNAL;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ctl) != 0) {
		close(ks[0]);
		close(ks[1]);
		return NX_EXIT_INTERNAL;
	}
	s->init_pid =
	    init_launch(s->tee_wr >= 0 ? s->tee_wr : s->console, ks[1], ctl[1], s->o->nwrap > 0);
	s->started = 1;
	close(ks[1]);
	close(ctl[1]);
	/* init and the daemons hold the tee's write end now: its end is theirs. */
	if (s->tee_wr >= 0)
		close(s->tee_wr);
	s->tee_wr = -1;
	s->ctl = ctl[0];
	if (s->init_pid < 0) {
		close(ks[0]);
		return NX_EXIT_INTERNAL;
	}
	if (ksim_add_client(s->ks, ks[0], "init") != 0) {
		fprintf(stderr, "nexus-sim: the kernel refused init's connection\n");
		return NX_EXIT_INTERNAL;
	}
	if (ksim_watch(s->ks, s->ctl, ctl_on_frame, s) != 0)
		return NX_EXIT_INTERNAL;
	if (ctl_boot(s) != 0) {
		fprintf(stderr, "nexus-sim: init did not take its configuration\n");
		return NX_EXIT_INTERNAL;
	}
	return 0;
}

/* Reap init (its DOWN came, or it is gone). */
static void session_reap_init(struct session *s)
{
	if (s->init_pid <= 0)
		return;
	/* Without a clean DOWN, init's children follow it when their channel closes. */
	if (!s->down)
		kill(s->init_pid, SIGKILL);
	while (waitpid(s->init_pid, NULL, 0) < 0 && errno == EINTR)
		;
	s->init_pid = -1;
}

int session_relaunch(struct session *s)
{
	int ksock = s->next_ksock;

	s->down_ns = now_ns();
	s->next_ksock = -1;
	s->down = s->shutdown_sent = s->rebooting = 0;
	s->reboots++;
	sim_trace_step(s->trace, "reboot", 0);
	if (ksim_reset(s->ks) != 0) {
		fprintf(stderr, "nexus-sim: soft reboot: cannot make a fresh kernel\n");
		close(ksock);
		s->code = NX_EXIT_INTERNAL;
		return -1;
	}
	/* init is executing itself afresh; what it reads first is this. */
	if (ksim_add_client(s->ks, ksock, "init") != 0 || ctl_boot(s) != 0) {
		fprintf(stderr, "nexus-sim: soft reboot: init did not take its configuration\n");
		s->code = NX_EXIT_INTERNAL;
		return -1;
	}
	return 0;
}

/* -v: how long the last soft reboot took, from the switch to init's first kernel call. */
void session_say_reboot(struct session *s)
{
	uint64_t first = ksim_first_call_ns(s->ks, "init");

	if (s->o->verbose && s->reboot_ns != 0 && first > s->down_ns && s->down_ns > s->reboot_ns)
		fprintf(stderr,
			"nexus-sim: soft reboot %d: %.3f ms to init's first kernel call (daemons "
			"down after %.3f ms)\n",
			s->reboots, (double)(first - s->reboot_ns) / 1e6,
			(double)(s->down_ns - s->reboot_ns) / 1e6);
	s->reboot_ns = 0;
}

static int session_console(const struct sim_opts *o, struct state_dir *st)
{
	if (o->verbose)
		return fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	if (o->console_stdout)
		return fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
	return state_dir_create(st, NX_STATE_CONSOLE);
}

/* The timer of --timeout, armed now: the budget covers the whole session (test: each bundle). */
static int session_timer(const struct sim_opts *o, int test)
{
	struct itimerspec it = {
	    .it_value = {(time_t)(o->timeout_ms / 1000), (long)(o->timeout_ms % 1000) * 1000000L}};
	int fd;

	if (o->timeout_ms == 0)
		return -1;
	fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (fd >= 0 && !test && timerfd_settime(fd, 0, &it, NULL) != 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* The inputs, opened before the state directory is touched; 0 or an exit code. */
static int session_inputs(struct session *s)
{
	const struct sim_opts *o = s->o;
	int err;

	s->trust = session_open_trust(o);
	if (s->trust < 0 || session_open_registry(s) != 0)
		return NX_EXIT_NOINPUT;
	for (size_t i = 0; i < s->nbundles; i++) {
		const char *b = s->names[i];

		if (strncmp(b, SIM_PKG_PREFIX, strlen(SIM_PKG_PREFIX)) == 0)
			continue;
		if (sim_operand_is_program(b)) {
			if (s->registry < 0) {
				fprintf(stderr,
					"nexus-sim: %s: no program registry to look it up in (give "
					"--registry FILE; the build's %s is not there)\n",
					b, s->registry_path);
				return NX_EXIT_NOINPUT;
			}
			continue;
		}
		if ((s->bundle_fds[i] = session_find_bundle(b)) < 0)
			return NX_EXIT_NOINPUT;
	}
	for (size_t i = 0; i < o->nwith; i++)
		if ((s->with_fds[i] = session_find_bundle(o->with[i])) < 0)
			return NX_EXIT_NOINPUT;
	if ((err = session_check_overlap(o, s->trust, "trust directory")) != 0)
		return err;
	for (size_t i = 0; i < s->nbundles; i++)
		if ((err = session_check_overlap(o, s->bundle_fds[i], "bundle")) != 0)
			return err;
	for (size_t i = 0; i < o->nwith; i++)
		if ((err = session_check_overlap(o, s->with_fds[i], "bundle")) != 0)
			return err;
	if ((o->set != NULL || o->selftest) && (err = update_new(s)) != 0)
		return err;
	return 0;
}

/* What the daemons will open in the state directory, checked before they start. */
static int session_state_files(struct state_dir *st)
{
	if (state_dir_check(st, NX_STATE_JOURNAL) != 0 ||
	    state_dir_check_file(st, NX_STATE_BOOTCTRL) != 0 ||
	    state_dir_check_dir(st, NX_STATE_SLOT_A) != 0 ||
	    state_dir_check_dir(st, NX_STATE_SLOT_B) != 0 ||
	    state_dir_check_dir(st, NX_BUNDLE_STAGING_DIR) != 0 ||
	    state_dir_check_dir(st, NX_STATE_UPDATE) != 0 ||
	    state_dir_check_dir(st, NX_STATE_QUARANTINE) != 0)
		return NX_EXIT_CANTCREAT;
	return 0;
}

/* TAP or JSON on stdout, JUnit to its file; the exit status, which a JUnit write failure sets. */
static int session_report(struct session *s, int code)
{
	if (s->junit != NULL && s->started && report_junit(s->junit, s) != 0) {
		fprintf(stderr, "nexus-sim test: cannot write %s\n", s->o->junit);
		code = NX_EXIT_CANTCREAT;
	}
	if (s->o->json)
		report_json(stdout, s, code);
	else if (s->test && s->started)
		report_tap(stdout, s);
	fflush(stdout);
	return code;
}

/*
 * The exit status: a signal, then a timeout, then whatever the run said;
 * a test session that ran: 0 when every bundle passed, 1 if any failed.
 */
static int session_code(const struct session *s)
{
	if (s->signalled != 0)
		return NX_EXIT_CRASH_BASE + s->signalled;
	if (s->timed_out)
		return NX_EXIT_TIMEOUT;
	if (s->test && s->code == -1) {
		for (size_t i = 0; i < s->nbundles; i++)
			if (!sim_result_ok(&s->results[i]))
				return 1;
		return 0;
	}
	if (s->code == -1) {
		fprintf(stderr, "nexus-sim: the session ended without a result\n");
		return NX_EXIT_INTERNAL;
	}
	return s->code;
}

/* The bundles RUN names: a run's one, a test session's every one. */
static void session_bundles(struct session *s)
{
	const struct sim_opts *o = s->o;

	s->test = o->noperands > 0;
	s->names = s->test ? (const char *const *)o->operands : &o->bundle;
	s->nbundles = s->test ? o->noperands : o->bundle != NULL ? 1 : 0;
	for (size_t i = 0; i < NX_RUN_BUNDLES_MAX; i++)
		s->bundle_fds[i] = -1;
	for (size_t i = 0; i < SIM_WITH_MAX; i++)
		s->with_fds[i] = -1;
	for (size_t i = 0; i < s->nbundles; i++)
		s->results[i].bundle = s->names[i];
	/* The payload's output goes into the report: TAP and JSON own stdout. */
	s->capture = s->test || o->json;
}

/* test --junit FILE, and the tee for the markers; 0 or an exit code. */
static int session_outputs(struct session *s)
{
	if (s->o->junit != NULL) {
		s->junit = fopen(s->o->junit, "we");
		if (s->junit == NULL) {
			fprintf(stderr, "nexus-sim test: cannot create --junit %s: %s\n",
				s->o->junit, strerror(errno));
			return NX_EXIT_CANTCREAT;
		}
	}
	if (s->capture && (s->tee_wr = tee_open(&s->tee, s->console, &s->boot_markers)) < 0) {
		fprintf(stderr, "nexus-sim: cannot make the console pipe: %s\n", strerror(errno));
		return NX_EXIT_INTERNAL;
	}
	return 0;
}

static void session_free_results(struct session *s)
{
	for (size_t i = 0; i < s->nbundles; i++) {
		sim_text_free(&s->results[i].console);
		sim_text_free(&s->results[i].markers);
	}
	sim_text_free(&s->boot_markers);
}

int session_run(const struct sim_opts *o)
{
	struct state_dir st = {.fd = -1, .lock = -1};
	static struct session s;
	struct ksim_opts ko = {.console_fd = STDOUT_FILENO,
			       .boot_console_fd = -1,
			       .console_quota = NX_CONSOLE_QUOTA,
			       .mem_limit =
				   o->mem_limit != 0 ? o->mem_limit : NX_MEM_LIMIT_DEFAULT};
	int err, code;

	s = (struct session){.o = o,
			     .ctl = -1,
			     .sig = -1,
			     .timer = -1,
			     .trust = -1,
			     .registry = -1,
			     .console = -1,
			     .st = &st,
			     .init_pid = -1,
			     .next_ksock = -1,
			     .tee = {.rd = -1, .out = -1},
			     .tee_wr = -1,
			     .code = -1};
	s.start_ns = now_ns();
	session_bundles(&s);
	s.sig = signals_take();
	if (s.sig < 0) {
		fprintf(stderr, "nexus-sim: cannot take the signals: %s\n", strerror(errno));
		return NX_EXIT_INTERNAL;
	}
	if ((err = session_inputs(&s)) != 0 ||
	    (err = state_dir_open(&st, o->state_dir, o->wait_state, s.sig)) != 0 ||
	    (err = session_state_files(&st)) != 0 ||
	    ((s.trace = sim_trace_new(o, &err)) == NULL && err != 0)) {
		s.code = err;
		goto out;
	}
	ko.trace = sim_trace_kernel_ops(s.trace);
	s.console = session_console(o, &st);
	s.msg = malloc(sizeof(*s.msg));
	s.timer = session_timer(o, s.test);
	if (s.console < 0) {
		s.code = NX_EXIT_CANTCREAT;
		goto out;
	}
	if ((err = session_outputs(&s)) != 0) {
		s.code = err;
		goto out;
	}
	/* A run's payload writes to stdout (or is kept); health checks to the console. */
	if (s.update != NULL)
		ko.console_fd = s.console;
	else
		ko.boot_console_fd = s.console;
	if (s.capture && s.update == NULL)
		ko.console_fd = -1;
	if (s.msg == NULL || (s.ks = ksim_new(&ko)) == NULL ||
	    (o->timeout_ms != 0 && s.timer < 0) ||
	    ksim_watch_ending(s.ks, s.sig, session_on_signal, &s) != 0 ||
	    (s.timer >= 0 && ksim_watch_ending(s.ks, s.timer, session_on_timer, &s) != 0) ||
	    (s.tee.rd >= 0 && ksim_watch(s.ks, s.tee.rd, session_on_tee, &s) != 0) ||
	    (s.trace != NULL && sim_trace_attach(s.trace, s.ks) != 0)) {
		fprintf(stderr, "nexus-sim: cannot set up the kernel\n");
		s.code = NX_EXIT_INTERNAL;
		goto out;
	}
	nx_msg_init(s.msg);
	if (o->gdb != NULL && (err = gdb_stub_open(s.ks, o->gdb, &s.gdb)) != 0) {
		s.code = err;
		goto out;
	}
	err = session_start(&s);
	/* While init boots the daemons: the engine the first payload will run on. */
	if (err == 0 && s.nbundles > 0)
		(void)nxk_cpu_spare();
	if (err != 0) {
		s.code = err;
	} else if ((err = sim_sandbox(o->verbose, s.init_pid, sim_trace_pipe(s.trace) >= 0,
				      gdb_stub_listen_fd(s.gdb))) != 0) {
		s.code = err;
	} else {
		ksim_run(s.ks);
		/* The output the run made, unless a signal ended it; bounded by a --timeout. */
		if (s.signalled == 0)
			ksim_drain_console(s.ks, s.sig, s.timer);
	}
out:
	nxk_cpu_spare_free();
	if (s.ctl >= 0)
		close(s.ctl);
	session_reap_init(&s);
	/* init is gone, and its daemons with it: the console's last lines are in the pipe. */
	if (s.signalled == 0)
		tee_finish(&s.tee, s.sig);
	else
		tee_drain(&s.tee);
	tee_close(&s.tee);
	if (s.tee_wr >= 0)
		close(s.tee_wr);
	/* Every process that wrote trace records is gone (or going): the rest is read now. */
	if (s.trace != NULL && (err = sim_trace_finish(s.trace)) != 0 &&
	    (s.code == 0 || (s.test && s.code == -1)))
		s.code = err;
	if (s.next_ksock >= 0)
		close(s.next_ksock);
	gdb_stub_close(s.gdb);
	if (s.ks != NULL) {
		s.tasks_left = nxk_task_count(ksim_kernel(s.ks));
		ksim_free(s.ks);
	}
	if (s.msg != NULL) {
		nx_msg_release(s.msg);
		free(s.msg);
	}
	update_free(s.update);
	sim_trace_free(s.trace);
	if (s.console >= 0)
		close(s.console);
	for (size_t i = 0; i < s.nbundles; i++)
		if (s.bundle_fds[i] >= 0)
			close(s.bundle_fds[i]);
	for (size_t i = 0; i < o->nwith; i++)
		if (s.with_fds[i] >= 0)
			close(s.with_fds[i]);
	if (s.registry >= 0)
		close(s.registry);
	if (s.trust >= 0)
		close(s.trust);
	if (s.timer >= 0)
		close(s.timer);
	for (size_t i = 0; i < s.nwrap_fd; i++)
		close(s.wrap_fd[i]);
	state_dir_close(&st);
	close(s.sig);
	s.end_ns = now_ns();
	code = session_report(&s, session_code(&s));
	if (s.junit != NULL && fclose(s.junit) != 0 && code == 0)
		code = NX_EXIT_CANTCREAT;
	session_free_results(&s);
	return code;
}

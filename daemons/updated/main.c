/*
 * updated: the A/B update self (nexus/svc_update.h, docs/updates.md).
 * It owns BootCtrl and the slots in the state directory (fd 5); every
 * signature check goes to keystored. argv[1] says whether the state
 * directory persists ("statefs") or not ("non-persistent"), argv[2]
 * whether this start is the boot's ("boot": make the boot decision) or
 * a restart within it ("restart").
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <sodium.h>

#include "nxd.h"
#include "nexus/state.h"
#include "nexus/svc_key.h"
#include "nexus/svc_update.h"
#include "upd.h"

static struct upd upd;
static struct nxd *self;
static struct nxd_peer keystored;
static const char *fault; /* NEXUS_FAULT, when it names one of ours */

static void audit(void *arg, const struct upd_audit *a)
{
	char slot[2] = {a->slot >= 0 ? nx_bootctrl_slot_name(a->slot) : '-', 0};
	char reason[NX_ERRMSG_MAX];
	size_t i;

	(void)arg;
	/* A reason quotes input (a member path): only printable ASCII reaches the log. */
	for (i = 0; a->reason[i] != 0 && i + 1 < sizeof(reason); i++)
		reason[i] = a->reason[i] >= 0x20 && a->reason[i] < 0x7f ? a->reason[i] : '?';
	reason[i] = 0;
	const struct nxd_field f[] = {
	    {"op", a->op},
	    {"slot", slot},
	    {"version", a->version[0] ? a->version : "-"},
	    {"digest", a->digest[0] ? a->digest : "-"},
	    {"result", a->result},
	    {"reason", reason[0] ? reason : "-"},
	};
	if (nxd_log(self, a->level, "audit", f, NXD_COUNT(f)) != 0)
		nxd_say("updated: audit record not logged: op=%s result=%s", a->op, a->result);
}

/*
 * NEXUS_FAULT=stop:<point>: at that step updated says so and stops for
 * good, so a test can kill it (or nexus-sim) exactly there.
 */
static void point(void *arg, const char *name)
{
	(void)arg;
	if (fault == NULL || strncmp(fault, "stop:", 5) != 0 || strcmp(fault + 5, name) != 0)
		return;
	nxd_say("updated: fault: stopped at %s (pid %ld)", name, (long)getpid());
	for (;;)
		(void)poll(NULL, 0, -1);
}

/* NEXUS_FAULT=ioerr:bootctrl: every write of the record fails as a full disk would. */
static ssize_t failing_write(int fd, const void *buf, size_t n)
{
	(void)fd;
	(void)buf;
	(void)n;
	errno = EIO;
	return -1;
}

static void on_stage(struct nxd_conn *c, struct nx_msg *m, void *arg)
{
	char msg[NX_ERRMSG_MAX], label[NX_PATH_MAX];
	int slot;
	(void)arg;

	if (m->len == 0 || memchr(m->body, '\0', m->len) != NULL)
		strcpy(label, "system set");
	else
		snprintf(label, sizeof(label), "%.*s", (int)m->len, (const char *)m->body);
	int fd = nx_msg_take_fd(m);
	int err = upd_stage(&upd, fd, label, &slot, msg, sizeof(msg));
	close(fd);
	if (err != 0)
		nxd_reply_err(c, &m->hdr, err, "%s", msg);
	else
		nxd_reply(c, &m->hdr, slot, msg, strlen(msg), -1);
}

static void on_switch(struct nxd_conn *c, struct nx_msg *m, void *arg)
{
	char msg[NX_ERRMSG_MAX];
	int slot;
	(void)arg;

	unsigned tries = m->hdr.arg > NX_BOOTCTRL_TRIES_MAX ? 0 : (unsigned)m->hdr.arg;
	int err = upd_switch(&upd, tries, &slot, msg, sizeof(msg));
	if (err != 0)
		nxd_reply_err(c, &m->hdr, err, "%s", msg);
	else
		nxd_reply(c, &m->hdr, slot, NULL, 0, -1);
}

static void on_health_ok(struct nxd_conn *c, struct nx_msg *m, void *arg)
{
	char msg[NX_ERRMSG_MAX];
	(void)arg;

	int err = upd_health_ok(&upd, msg, sizeof(msg));
	if (err != 0)
		nxd_reply_err(c, &m->hdr, err, "%s", msg);
	else
		nxd_reply(c, &m->hdr, 0, NULL, 0, -1);
}

static void on_rollback(struct nxd_conn *c, struct nx_msg *m, void *arg)
{
	char msg[NX_ERRMSG_MAX];
	(void)arg;

	int err = upd_rollback(&upd, msg, sizeof(msg));
	if (err != 0)
		nxd_reply_err(c, &m->hdr, err, "%s", msg);
	else
		nxd_reply(c, &m->hdr, 0, NULL, 0, -1);
}

static void on_status(struct nxd_conn *c, struct nx_msg *m, void *arg)
{
	struct nx_update_status st;
	(void)arg;

	upd_status(&upd, &st);
	nxd_reply(c, &m->hdr, 0, &st, sizeof(st), -1);
}

static const struct nxd_handler handlers[] = {
    {{NX_UPDATE_STAGE, 0, NX_PATH_MAX - 1, NX_FD_REQUIRED}, on_stage},
    {{NX_UPDATE_SWITCH, 0, 0, NX_FD_NONE}, on_switch},
    {{NX_UPDATE_HEALTH_OK, 0, 0, NX_FD_NONE}, on_health_ok},
    {{NX_UPDATE_ROLLBACK, 0, 0, NX_FD_NONE}, on_rollback},
    {{NX_UPDATE_STATUS, 0, 0, NX_FD_NONE}, on_status},
};

/*
 * Beyond libnxd's base list: the state directory (openat, getdents64 and
 * dup for fdopendir, pread64, mkdirat, unlinkat, renameat2 and renameat
 * (the record's rename over the old one), fsync),
 * keystored's sealed copies (memfd_create) and the set read with pread
 * through libarchive.
 */
static const int extra_syscalls[] = {SYS_openat,  SYS_getdents64,  SYS_dup,	  SYS_pread64,
				     SYS_mkdirat, SYS_unlinkat,	   SYS_renameat2, SYS_renameat,
				     SYS_fsync,	  SYS_memfd_create};

/*
 * A state directory that is not --state's is nexus-sim's temporary one,
 * removed when the session ends: no record there has to outlive a power
 * cut, so BootCtrl is not fsynced there (an fsync costs milliseconds of
 * the boot, which waits for this daemon's boot decision).
 */
static int no_fsync(int fd)
{
	(void)fd;
	return 0;
}

int main(int argc, char **argv)
{
	static struct nx_bootctrl_io io;
	char msg[NX_ERRMSG_MAX];

	if (argc != 3 || (strcmp(argv[1], "statefs") != 0 && strcmp(argv[1], "non-persistent")) ||
	    (strcmp(argv[2], "boot") != 0 && strcmp(argv[2], "restart") != 0)) {
		fprintf(stderr, "usage: updated statefs|non-persistent boot|restart\n");
		return 2;
	}
	self = nxd_start(NX_SVC_UPDATED, NXD_START_DIR_RW);
	fault = getenv("NEXUS_FAULT");
	io = nx_bootctrl_io_host;
	if (fault != NULL && strcmp(fault, "ioerr:bootctrl") == 0)
		io.write = failing_write;
	if (strcmp(argv[1], "non-persistent") == 0)
		io.fsync = no_fsync;
	/* libsodium reads its entropy source once, here, not under the sandbox. */
	if (sodium_init() < 0)
		fatalx("libsodium cannot start");
	nxd_peer_init(&keystored, self, NX_SVC_KEYSTORED, NX_DEADLINE_SERVICE_MS);
	upd = (struct upd){.state_fd = nxd_dir_fd(self),
			   .persist = strcmp(argv[1], "statefs") == 0,
			   .sig = {&keystored, nxd_key_verify},
			   .io = &io,
			   .store_io = &bstore_io_host,
			   .audit = audit,
			   .point = point};
	if (upd_open(&upd, strcmp(argv[2], "boot") == 0, msg, sizeof(msg)) != 0)
		fatalx("state directory: %s", msg);
	/*
	 * The slot this boot runs exists once updated is ready: packagefsd, which
	 * only reads it, then starts beside bundlemgrd (docs/daemons.md "Start order").
	 */
	if (mkdirat(upd.state_fd, nx_state_slot(upd.booted), 0700) != 0 && errno != EEXIST)
		fatal("state directory: %s", nx_state_slot(upd.booted));
	nxd_sandbox(self, extra_syscalls, NXD_COUNT(extra_syscalls));
	if (nxd_register(self, handlers, NXD_COUNT(handlers), NULL) != 0)
		fatalx("cannot register with samgrd");
	nxd_ready_note(self, upd.persist ? "statefs" : "non-persistent");
	return nxd_serve(self);
}

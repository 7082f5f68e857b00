/*
 * The update driver (update.h). Each set goes through
 *
 *   STAGE -> [STATUS] -> SWITCH -> [STATUS] -> soft reboot(s) -> STATUS
 *
 * where the bracketed checks are the selftest's: its markers follow what
 * updated's status shows, never what was merely asked for. The reboots
 * between the switch and the outcome are init's: every failed health
 * check asks for one, until the set is committed or rolled back.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bootctrl.h"
#include "bundle_path.h"
#include "cli.h"
#include "ksim.h"
#include "nexus/svc.h"
#include "nexus/svc_update.h"
#include "update.h"

enum step {
	STEP_IDLE,     /* the next READY stages the current set */
	STEP_STAGE,    /* STAGE sent */
	STEP_STAGED,   /* STATUS after the stage (selftest) */
	STEP_SWITCH,   /* SWITCH sent */
	STEP_SWITCHED, /* STATUS after the switch (selftest) */
	STEP_TRIAL,    /* rebooting into the set: the next READY is after its verdict */
	STEP_OUTCOME,  /* STATUS after that boot */
};

struct update_set {
	const char *label; /* as the user named it */
	int fd;
	int expect_commit; /* selftest: committed (1) or rolled back (0) */
};

struct update {
	struct session *s;
	int selftest;
	size_t cur, n;
	struct update_set sets[2];
	enum step step;
	int slot; /* where the current set was staged */
	char version[NX_UPDATE_TEXT_MAX];
	char failure[NX_ERRMSG_MAX + 1]; /* the health gate's last complaint */
};

/* Open one set: a regular file, read only, never blocking on a FIFO. 0 or an exit code. */
static int set_open(struct update_set *set, const char *path)
{
	struct stat st;

	set->fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (set->fd < 0) {
		fprintf(stderr, "nexus-sim: update: cannot open %s: %s\n", path, strerror(errno));
		return NX_EXIT_NOINPUT;
	}
	if (fstat(set->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "nexus-sim: update: %s: refused: not a regular file\n", path);
		return NX_EXIT_REFUSED;
	}
	return 0;
}

int update_new(struct session *s)
{
	struct update *u = calloc(1, sizeof(*u));
	char path[PATH_MAX];
	int err;

	if (u == NULL)
		return NX_EXIT_INTERNAL;
	s->update = u;
	u->s = s;
	u->slot = -1;
	u->sets[0].fd = u->sets[1].fd = -1;
	if (!s->o->selftest) {
		u->n = 1;
		u->sets[0].label = s->o->set;
		return set_open(&u->sets[0], s->o->set);
	}
	u->selftest = 1;
	u->n = 2;
	u->sets[0] = (struct update_set){UPDATE_SELFTEST_GOOD, -1, 1};
	u->sets[1] = (struct update_set){UPDATE_SELFTEST_BAD, -1, 0};
	for (size_t i = 0; i < u->n; i++) {
		snprintf(path, sizeof(path), "%s/%s", bundle_system_dir(), u->sets[i].label);
		if ((err = set_open(&u->sets[i], path)) != 0)
			return err;
	}
	return 0;
}

void update_free(struct update *u)
{
	if (u == NULL)
		return;
	for (size_t i = 0; i < u->n; i++)
		if (u->sets[i].fd >= 0)
			close(u->sets[i].fd);
	free(u);
}

static const char *label(const struct update *u)
{
	return u->sets[u->cur].label;
}

/* The end of the session: its exit code, said in one line unless it is a selftest pass. */
static void finish(struct update *u, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void finish(struct update *u, int code, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "nexus-sim: %s: %s: ", u->selftest ? "selftest" : "update", label(u));
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	u->s->code = code;
	session_shutdown(u->s);
}

/* A selftest marker, on the console like the daemons' own. */
static void marker(struct update *u, const char *what)
{
	char line[64];
	int n = snprintf(line, sizeof(line), "SELFTEST: %s\n", what);

	if (write(u->s->console, line, (size_t)n) != n)
		fprintf(stderr, "nexus-sim: selftest: the console did not take a marker\n");
}

static void send(struct update *u, enum step step, uint32_t op, uint32_t arg, int fd)
{
	u->step = step;
	/* Only a stage names the set (for updated's messages). */
	if (ctl_update(u->s, op, arg, op == NX_UPDATE_STAGE ? label(u) : NULL, fd) != 0)
		finish(u, NX_EXIT_INTERNAL, "cannot send the request to init");
}

/* A refused or failed request: the exit code its error calls for. */
static void failed(struct update *u, const char *what, const struct nx_msg *m)
{
	int64_t err = nx_msg_result(m);
	int code = nx_err_is_refusal(err) ? NX_EXIT_REFUSED
		   : err == -NX_ENOSPC	  ? NX_EXIT_CANTCREAT
		   : err == -NX_ETIMEDOUT ? NX_EXIT_UNAVAILABLE
					  : NX_EXIT_INTERNAL;
	const char *why = (const char *)m->body;
	size_t len = m->len, n = strlen(label(u));

	/* updated names the set first; the summary line already has. */
	if (len > n + 2 && memcmp(why, label(u), n) == 0 && why[n] == ':' && why[n + 1] == ' ') {
		why += n + 2;
		len -= n + 2;
	}
	finish(u, code, "%s: %.*s", code == NX_EXIT_REFUSED ? "refused" : what, (int)len, why);
}

static int status_of(struct update *u, const struct nx_msg *m, struct nx_update_status *st)
{
	if (nx_msg_result(m) < 0 || m->len != sizeof(*st)) {
		finish(u, NX_EXIT_INTERNAL, "updated sent no status");
		return -1;
	}
	memcpy(st, m->body, sizeof(*st));
	st->floor[sizeof(st->floor) - 1] = 0;
	for (int i = 0; i < 2; i++)
		st->slot[i].version[sizeof(st->slot[i].version) - 1] = 0;
	return 0;
}

static void outcome(struct update *u, const struct nx_update_status *st)
{
	const struct nx_update_slot *mine = &st->slot[u->slot];
	int committed = st->active == u->slot && st->pending < 0 &&
			strcmp(mine->version, u->version) == 0 &&
			strcmp(st->floor, u->version) == 0;
	int rolled_back = st->active != u->slot && st->pending < 0;
	const struct nx_update_slot *kept = &st->slot[st->active];

	if (!committed && !rolled_back) {
		finish(u, NX_EXIT_INTERNAL, "%s in slot %c is neither committed nor rolled back",
		       u->version, nx_bootctrl_slot_name(u->slot));
		return;
	}
	if (!u->selftest) {
		if (committed)
			finish(u, 0, "committed %s in slot %c", u->version,
			       nx_bootctrl_slot_name(u->slot));
		else
			finish(u, 1,
			       "rolled back: %s failed its health check (%s); slot %c (%s) stays "
			       "active",
			       u->version, u->failure[0] ? u->failure : "no reason given",
			       nx_bootctrl_slot_name(st->active),
			       kept->version[0] ? kept->version : "no system set");
		return;
	}
	if (committed != u->sets[u->cur].expect_commit) {
		finish(u, 1, "%s was %s, not %s", u->version,
		       committed ? "committed" : "rolled back",
		       committed ? "rolled back" : "committed");
		return;
	}
	if (!committed)
		marker(u, "ota rollback ok");
	if (++u->cur < u->n) {
		u->step = STEP_IDLE;
		update_on_ready(u);
		return;
	}
	u->cur--;
	marker(u, "end");
	u->s->code = 0;
	session_shutdown(u->s);
}

void update_on_ready(struct update *u)
{
	if (u->step == STEP_TRIAL) {
		send(u, STEP_OUTCOME, NX_UPDATE_STATUS, 0, -1);
		return;
	}
	u->failure[0] = 0;
	send(u, STEP_STAGE, NX_UPDATE_STAGE, 0, u->sets[u->cur].fd);
}

void update_note_failure(struct update *u, const char *why, size_t len)
{
	snprintf(u->failure, sizeof(u->failure), "%.*s", (int)len, why);
}

static void switched(struct update *u)
{
	u->step = STEP_TRIAL;
	session_reboot(u->s);
}

void update_on_reply(struct update *u, struct nx_msg *m)
{
	struct nx_update_status st;
	unsigned tries = u->s->o->tries != 0 ? u->s->o->tries : NX_BOOTCTRL_TRIES_DEFAULT;

	switch (u->step) {
	case STEP_STAGE:
		if (nx_msg_result(m) < 0) {
			failed(u, "staging failed", m);
			return;
		}
		u->slot = nx_msg_result(m) != 0;
		snprintf(u->version, sizeof(u->version), "%.*s", (int)m->len,
			 (const char *)m->body);
		if (u->selftest)
			send(u, STEP_STAGED, NX_UPDATE_STATUS, 0, -1);
		else
			send(u, STEP_SWITCH, NX_UPDATE_SWITCH, tries, -1);
		return;
	case STEP_STAGED:
		if (status_of(u, m, &st) != 0)
			return;
		if (!st.slot[u->slot].staged || strcmp(st.slot[u->slot].version, u->version) != 0) {
			finish(u, 1, "slot %c does not show %s staged",
			       nx_bootctrl_slot_name(u->slot), u->version);
			return;
		}
		if (u->cur == 0)
			marker(u, "ota stage ok");
		send(u, STEP_SWITCH, NX_UPDATE_SWITCH, tries, -1);
		return;
	case STEP_SWITCH:
		if (nx_msg_result(m) < 0) {
			failed(u, "switch failed", m);
			return;
		}
		if (u->selftest)
			send(u, STEP_SWITCHED, NX_UPDATE_STATUS, 0, -1);
		else
			switched(u);
		return;
	case STEP_SWITCHED:
		if (status_of(u, m, &st) != 0)
			return;
		if (st.pending != u->slot) {
			finish(u, 1, "slot %c is not pending after the switch",
			       nx_bootctrl_slot_name(u->slot));
			return;
		}
		if (u->cur == 0)
			marker(u, "ota switch ok");
		switched(u);
		return;
	case STEP_OUTCOME:
		if (status_of(u, m, &st) == 0)
			outcome(u, &st);
		return;
	default:
		finish(u, NX_EXIT_INTERNAL, "an update reply nobody asked for");
	}
}

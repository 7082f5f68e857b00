/*
 * nexus-sim status: the A/B state of a state directory, read without
 * booting (so without spending a try): BootCtrl and each slot's set and
 * bundles. A slot that cannot boot shows as empty: the next boot
 * empties it. A missing or corrupt record shows the fallback the next
 * boot will write (docs/updates.md), with a warning.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "nexus/state.h"
#include "opts.h"
#include "signals.h"
#include "state_dir.h"
#include "status_launches.h"
#include "sysstate.h"

#define STATUS_BUNDLES_MAX 256 /* entries listed per slot: NX_BUNDLE_INSTALLED_MAX */

struct slot_view {
	int shown; /* bootable and holding a set or a bundle */
	char version[NX_SEMVER_MAX];
	size_t n;
	char (*ids)[NX_SEMVER_MAX + NX_BUNDLE_NAME_MAX];
};

static void status_usage(FILE *f)
{
	fprintf(
	    f, "usage: nexus-sim status [--state DIR] [--wait-state] [--json]\n"
	       "\n"
	       "Print the A/B update state of the state directory without booting it:\n"
	       "the active (committed) slot, the pending slot the next boot tries and\n"
	       "its tries left, the anti-rollback floor, and each slot's system set\n"
	       "version and bundles; then the launches execd journalled, per program:\n"
	       "  launches:   PROGRAM W=WINS L=LOSSES   (or \"launches:   none\")\n"
	       "a win a launch that spawned a task, a loss one refused (not installed,\n"
	       "signature or loader refused, execd busy). --json prints one object:\n"
	       "  {\"active\": \"a\", \"pending\": null, \"tries_left\": 0, \"floor\": null,\n"
	       "   \"slots\": {\"a\": {\"version\": \"1.0.0\", \"bundles\": [\"NAME@VER\", ...]},\n"
	       "             \"b\": null},\n"
	       "   \"launches\": {\"PROGRAM\": {\"wins\": N, \"losses\": N}, ...}}\n"
	       "A slot is null when it holds nothing or cannot boot; its version is null\n"
	       "when it holds bundles but no system set. Exit 0, 66 the journal cannot\n"
	       "be read, 75 the state directory is in use, 64 usage.\n"
	       "\n"
	       "  --state DIR     the state directory (default: a fresh one: the factory state)\n"
	       "  --wait-state    wait for a state DIR another session holds (else exit 75)\n"
	       "  --json          one JSON object on stdout\n"
	       "  -h, --help      this text\n");
}

static int cmp_ids(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The "<name>@<version>" bundle directories of a slot, sorted. */
static void list_bundles(int state_fd, int s, struct slot_view *v)
{
	int fd =
	    openat(state_fd, nx_state_slot(s), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *de;

	if (d == NULL) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL && v->n < STATUS_BUNDLES_MAX) {
		struct stat sb;
		if (de->d_name[0] == '.' || strchr(de->d_name, '@') == NULL ||
		    strlen(de->d_name) >= sizeof(v->ids[0]) ||
		    fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISDIR(sb.st_mode))
			continue;
		strcpy(v->ids[v->n++], de->d_name);
	}
	closedir(d);
	qsort(v->ids, v->n, sizeof(v->ids[0]), cmp_ids);
}

/*
 * BootCtrl as the next boot will see it; the warning when it is not the
 * record on disk, or when a boot would refuse the file (nexus-sim checks
 * it as every state file: a link, not a regular file, another hard link).
 */
static void read_record(struct state_dir *st, struct slot_view v[2], struct nx_bootctrl *bc)
{
	struct nx_fmt_err e = {0};
	int refused = state_dir_check_file(st, NX_STATE_BOOTCTRL) != 0;
	int err = nx_bootctrl_load(st->fd, bc, &e);

	if (err == 0) {
		if (refused)
			fprintf(stderr,
				"nexus-sim status: %s/%s: a boot refuses it (exit 73) until it "
				"is a regular file of its own\n",
				st->path, NX_STATE_BOOTCTRL);
		return;
	}
	nx_bootctrl_rebuild(bc, v[0].version, v[1].version);
	if (err == NX_BOOTCTRL_MISSING && v[0].version[0] == 0 && v[1].version[0] == 0)
		return;
	fprintf(stderr,
		"nexus-sim status: %s/%s: %s; %s rebuilds it from the slots (shown below)\n",
		st->path, NX_STATE_BOOTCTRL,
		err == NX_BOOTCTRL_MISSING ? "missing while a slot holds a system set" : e.msg,
		refused ? "a boot refuses it (exit 73); once it is removed, the next boot"
			: "the next boot");
}

static void print_json(const struct nx_bootctrl *bc, const struct slot_view v[2],
		       const struct launches *l)
{
	int pending = nx_bootctrl_pending(bc);

	printf("{\"active\": \"%c\", ", nx_bootctrl_slot_name(nx_bootctrl_active(bc)));
	if (pending >= 0)
		printf("\"pending\": \"%c\", ", nx_bootctrl_slot_name(pending));
	else
		printf("\"pending\": null, ");
	printf("\"tries_left\": %u, ", pending >= 0 ? bc->slot[pending].tries : 0);
	/* Versions and names are semver and bundle-name characters: nothing to escape. */
	if (bc->floor[0] != 0)
		printf("\"floor\": \"%s\", ", bc->floor);
	else
		printf("\"floor\": null, ");
	printf("\"slots\": {");
	for (int s = 0; s < 2; s++) {
		printf("%s\"%c\": ", s ? ", " : "", nx_bootctrl_slot_name(s));
		if (!v[s].shown) {
			printf("null");
			continue;
		}
		if (v[s].version[0] != 0)
			printf("{\"version\": \"%s\", \"bundles\": [", v[s].version);
		else
			printf("{\"version\": null, \"bundles\": [");
		for (size_t i = 0; i < v[s].n; i++)
			printf("%s\"%s\"", i ? ", " : "", v[s].ids[i]);
		printf("]}");
	}
	printf("}, ");
	launches_print_json(stdout, l);
	printf("}\n");
}

static void print_text(const struct nx_bootctrl *bc, const struct slot_view v[2],
		       const struct launches *l)
{
	int pending = nx_bootctrl_pending(bc);

	printf("active:     %c\n", nx_bootctrl_slot_name(nx_bootctrl_active(bc)));
	if (pending >= 0)
		printf("pending:    %c (%u tries left)\n", nx_bootctrl_slot_name(pending),
		       bc->slot[pending].tries);
	else
		printf("pending:    none\n");
	printf("floor:      %s\n", bc->floor[0] ? bc->floor : "none");
	for (int s = 0; s < 2; s++) {
		printf("slot %c:     ", nx_bootctrl_slot_name(s));
		if (!v[s].shown) {
			printf("empty\n");
			continue;
		}
		printf("%s", v[s].version[0] ? v[s].version : "no system set");
		for (size_t i = 0; i < v[s].n; i++)
			printf(" %s", v[s].ids[i]);
		printf("\n");
	}
	launches_print_text(stdout, l);
}

int cmd_status(int argc, char **argv)
{
	struct sim_opts o = {0};
	struct state_dir st = {.fd = -1, .lock = -1};
	struct slot_view v[2] = {{0}};
	struct nx_nxs_index *ix = malloc(sizeof(*ix));
	struct nx_bootctrl bc;
	struct launches l = {0};
	int err = sim_opts_parse(&o, argc, argv, OPT_STATE | OPT_WAIT_STATE | OPT_JSON, 0);
	int sig = -1;

	if (err == 0 && o.help) {
		status_usage(stdout);
		goto out;
	}
	if (err != 0) {
		status_usage(stderr);
		goto out;
	}
	v[0].ids = calloc(STATUS_BUNDLES_MAX, sizeof(v[0].ids[0]));
	v[1].ids = calloc(STATUS_BUNDLES_MAX, sizeof(v[1].ids[0]));
	if (ix == NULL || v[0].ids == NULL || v[1].ids == NULL) {
		fprintf(stderr, "nexus-sim status: out of memory\n");
		err = NX_EXIT_INTERNAL;
		goto out;
	}
	if ((sig = signals_take()) < 0 ||
	    (err = state_dir_open(&st, o.state_dir, o.wait_state, sig)) != 0) {
		err = err != 0 ? err : NX_EXIT_INTERNAL;
		goto out;
	}
	for (int s = 0; s < 2; s++) {
		struct nx_fmt_err e = {0};
		int r = nx_slot_index_load(st.fd, s, ix, &e);

		if (r == 0)
			snprintf(v[s].version, sizeof(v[s].version), "%s", ix->system_version);
		else if (r < 0)
			fprintf(stderr, "nexus-sim status: %s: %s\n", st.path, e.msg);
		list_bundles(st.fd, s, &v[s]);
	}
	read_record(&st, v, &bc);
	if (launches_read(&l, st.fd, st.path) != 0) {
		err = NX_EXIT_NOINPUT;
		goto out;
	}
	for (int s = 0; s < 2; s++)
		v[s].shown = bc.slot[s].priority > 0 && (v[s].version[0] != 0 || v[s].n > 0);
	if (o.json)
		print_json(&bc, v, &l);
	else
		print_text(&bc, v, &l);
out:
	launches_free(&l);
	state_dir_close(&st);
	if (sig >= 0)
		close(sig);
	free(v[0].ids);
	free(v[1].ids);
	free(ix);
	return err;
}

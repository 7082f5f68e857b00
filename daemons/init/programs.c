/*
 * init's program registry (formats/programs.h): nexus-sim hands the file
 * as a CONFIG item, init reads and checks it at once, and a bad one fails
 * the BOOT as refused input (NX_CTL_READY_REFUSED), naming the file and
 * the line. `nexus-sim run NAME` then comes as a RUN with
 * NX_CTL_RUN_PROGRAM: the name is resolved here to the program's path and
 * args, and the run goes on as one of an installed bundle (run.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "init.h"
#include "programs.h"
#include "toml.h"

static struct nx_programs programs;

/* The whole file, at most NX_TOML_SRC_MAX bytes, from its start. */
static ssize_t programs_read(int fd, char *buf, size_t cap)
{
	size_t off = 0;

	if (lseek(fd, 0, SEEK_SET) != 0)
		return -1;
	while (off < cap) {
		ssize_t n = read(fd, buf + off, cap - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		off += (size_t)n;
	}
	return (ssize_t)off;
}

/* Read and check the registry in fd; a refusal is kept for the BOOT to report. */
static void programs_load(struct init *in, int fd)
{
	char *src = malloc(NX_TOML_SRC_MAX + 1);
	struct nx_fmt_err e = {0};
	ssize_t n = src != NULL ? programs_read(fd, src, NX_TOML_SRC_MAX + 1) : -1;

	if (n < 0)
		snprintf(in->programs_refusal, sizeof(in->programs_refusal), "%s: cannot read it",
			 in->programs_path);
	else if ((size_t)n > NX_TOML_SRC_MAX)
		snprintf(in->programs_refusal, sizeof(in->programs_refusal), "%s: over %u bytes",
			 in->programs_path, NX_TOML_SRC_MAX);
	else if (nx_programs_parse(&programs, src, (size_t)n, &e) != 0)
		snprintf(in->programs_refusal, sizeof(in->programs_refusal), "%s: %s",
			 in->programs_path, e.msg);
	else
		in->programs = &programs;
	free(src);
}

const char *programs_config(struct init *in, struct nx_msg *m)
{
	struct stat st;

	if (in->programs_path[0] != 0)
		return "the program registry came twice";
	if (m->len == 0 || m->len >= sizeof(in->programs_path) || memchr(m->body, 0, m->len))
		return "the program registry's path is empty, too long or holds a NUL";
	if (fstat(m->fd, &st) != 0 || !S_ISREG(st.st_mode))
		return "the program registry is not a regular file";
	memcpy(in->programs_path, m->body, m->len);
	in->programs_path[m->len] = 0;
	programs_load(in, m->fd);
	return NULL;
}

int programs_refuse_boot(struct init *in)
{
	size_t n = strnlen(in->programs_refusal, NX_ERRMSG_MAX);

	if (n == 0)
		return 0;
	nxd_say("init: boot refused: %s", in->programs_refusal);
	in->booting = 0;
	if (in->ctl != NULL)
		(void)nx_wire_send(nxd_conn_fd(in->ctl), NX_CTL_READY, NX_CTL_READY_REFUSED,
				   in->boot_req.id, in->programs_refusal, n, -1);
	return 1;
}

static void programs_fail(struct init *in, const struct nx_frame *req, int err, const char *msg)
{
	run_reply_ctl(in, req, -(int64_t)err, msg, strnlen(msg, NX_ERRMSG_MAX));
}

void programs_run(struct init *in, const struct nx_frame *req, const char *name,
		  const uint8_t *strs, size_t len, uint32_t argc, uint32_t envc)
{
	const struct nx_program *p =
	    in->programs != NULL ? nx_programs_find(in->programs, name) : NULL;
	char msg[NX_ERRMSG_MAX + 1], bundle[NX_PATH_MAX];
	size_t plen = 0, off = 0;
	uint8_t *all;

	if (p == NULL) {
		snprintf(msg, sizeof(msg), "no such program in %s",
			 in->programs_path[0] != 0 ? in->programs_path
						   : "the registry (none given)");
		programs_fail(in, req, NX_ENOENT, msg);
		return;
	}
	if (p->nargs + argc > NX_ARGC_MAX - 1) {
		snprintf(msg, sizeof(msg), "%zu registry and %u given arguments, at most %d",
			 p->nargs, argc, NX_ARGC_MAX - 1);
		programs_fail(in, req, NX_EMSGSIZE, msg);
		return;
	}
	/* pkg:/<bundle> runs the installed bundle by name; a /packages/ path goes to execd as it
	 * is. */
	if (strncmp(p->path, NX_PROGRAM_PKG_PREFIX, strlen(NX_PROGRAM_PKG_PREFIX)) != 0 ||
	    nx_program_bundle(p->path, bundle, sizeof(bundle), NULL, 0) != 0)
		snprintf(bundle, sizeof(bundle), "%s", p->path);
	for (size_t i = 0; i < p->nargs; i++)
		plen += strlen(p->args[i]) + 1;
	all = malloc(plen + len + 1);
	if (all == NULL) {
		programs_fail(in, req, NX_ENOMEM, "out of memory");
		return;
	}
	/* The registry's args, then the user's arguments and the environment as they came. */
	for (size_t i = 0; i < p->nargs; i++) {
		memcpy(all + off, p->args[i], strlen(p->args[i]) + 1);
		off += strlen(p->args[i]) + 1;
	}
	if (len > 0)
		memcpy(all + off, strs, len);
	run_start(in, req, run_reply_ctl, -1, bundle, p->name, all, plen + len,
		  (uint32_t)p->nargs + argc, envc);
	free(all);
}

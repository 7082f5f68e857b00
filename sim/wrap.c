/* --wrap DAEMON=CMD (wrap.h): the split, the checks and the PATH lookup. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "nexus/svc_bundle.h"
#include "nexus/svc_exec.h"
#include "nexus/svc_key.h"
#include "nexus/svc_update.h"
#include "nexus/svc_vfs.h"
#include "wrap.h"

/* The daemons init starts (daemons/init/services.c), the ones a --wrap may name. */
static const char *const wrap_daemons[SIM_WRAP_MAX] = {
    "logd",	    "samgrd",	       NX_SVC_KEYSTORED,
    NX_SVC_UPDATED, NX_SVC_BUNDLEMGRD, NX_SVC_PACKAGEFSD,
    NX_SVC_VFSD,    NX_SVC_EXECD,
};

/* Where execvp(3) looks when $PATH is not set. */
#define WRAP_DEFAULT_PATH "/bin:/usr/bin"

static int wrap_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

int wrap_split(const char *cmd, char *buf, size_t cap, char **words, size_t max, const char **why)
{
	const char *p = cmd;
	char *o = buf;
	size_t n = 0;

	if (cap < strlen(cmd) + 1) {
		*why = "too long";
		return -1;
	}
	for (;;) {
		while (wrap_blank(*p))
			p++;
		if (*p == 0)
			return (int)n;
		if (n == max) {
			*why = "too many words";
			return -1;
		}
		words[n++] = o;
		/* One word: up to an unquoted blank or the end. */
		while (*p != 0 && !wrap_blank(*p)) {
			if (*p == '\'') {
				const char *end = strchr(p + 1, '\'');

				if (end == NULL) {
					*why = "unterminated '";
					return -1;
				}
				memcpy(o, p + 1, (size_t)(end - p - 1));
				o += end - p - 1;
				p = end + 1;
			} else if (*p == '"') {
				for (p++; *p != '"'; p++) {
					if (*p == 0) {
						*why = "unterminated \"";
						return -1;
					}
					if (*p == '\\' && p[1] == '\n')
						p++;
					else if (*p == '\\' && strchr("\\\"$`", p[1]) != NULL)
						*o++ = *++p;
					else
						*o++ = *p;
				}
				p++;
			} else if (*p == '\\') {
				if (p[1] == 0) {
					*why = "a backslash at the end";
					return -1;
				}
				if (p[1] != '\n')
					*o++ = p[1];
				p += 2;
			} else {
				*o++ = *p++;
			}
		}
		*o++ = 0;
	}
}

/* An executable regular file at `path`. */
static int wrap_is_exe(const char *path)
{
	struct stat st;

	return path[0] == '/' && stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	       access(path, X_OK) == 0;
}

/* dir/prog into out, dir "" being the current directory (as for execvp). 0 or -1. */
static int wrap_join(char *out, size_t cap, const char *dir, int len, const char *prog)
{
	char cwd[NX_WRAP_PATH_MAX];

	if (len == 0) {
		if (getcwd(cwd, sizeof(cwd)) == NULL)
			return -1;
		dir = cwd;
		len = (int)strlen(cwd);
	}
	return (size_t)snprintf(out, cap, "%.*s/%s", len, dir, prog) < cap ? 0 : -1;
}

/*
 * The program as execvp would find it: a path with a '/', else the first
 * in $PATH. A candidate of NX_WRAP_PATH_MAX bytes or more is skipped, as
 * execvp skips one over PATH_MAX.
 */
static int wrap_lookup(const char *prog, char *out, size_t cap)
{
	const char *path = getenv("PATH");

	if (prog[0] == '/')
		return (size_t)snprintf(out, cap, "%s", prog) < cap && wrap_is_exe(out) ? 0 : -1;
	if (strchr(prog, '/') != NULL)
		return wrap_join(out, cap, "", 0, prog) == 0 && wrap_is_exe(out) ? 0 : -1;
	for (const char *d = path != NULL ? path : WRAP_DEFAULT_PATH;; d++) {
		const char *end = strchrnul(d, ':');

		if (wrap_join(out, cap, d, (int)(end - d), prog) == 0 && wrap_is_exe(out))
			return 0;
		if (*end == 0)
			return -1;
		d = end;
	}
}

int wrap_parse(struct sim_wrap *w, const char *arg, const struct sim_wrap *prev, size_t n,
	       const char *cmd)
{
	const char *eq = strchr(arg, '='), *why = NULL;
	size_t nlen = eq != NULL ? (size_t)(eq - arg) : 0;
	int known = 0, nw;

	for (size_t i = 0; i < SIM_WRAP_MAX && eq != NULL; i++)
		known |= strlen(wrap_daemons[i]) == nlen && memcmp(wrap_daemons[i], arg, nlen) == 0;
	if (eq == NULL || nlen == 0) {
		why = "expected DAEMON=CMD";
	} else if (!known) {
		why = "no such daemon (logd, samgrd, keystored, updated, bundlemgrd, packagefsd, "
		      "vfsd, execd)";
	} else if (strlen(eq + 1) > NX_WRAP_CMD_MAX) {
		fprintf(stderr, "nexus-sim %s: --wrap '%.*s=...': CMD is %zu bytes, at most %d\n",
			cmd, (int)nlen, arg, strlen(eq + 1), NX_WRAP_CMD_MAX);
		return NX_EXIT_USAGE;
	}
	if (why == NULL) {
		memcpy(w->daemon, arg, nlen);
		w->daemon[nlen] = 0;
		for (size_t i = 0; i < n; i++)
			if (strcmp(prev[i].daemon, w->daemon) == 0)
				why = "this daemon is already wrapped";
	}
	if (why == NULL) {
		nw = wrap_split(eq + 1, w->buf, sizeof(w->buf), w->words, NX_WRAP_WORDS_MAX, &why);
		if (nw == 0)
			why = "CMD is empty";
		else if (nw < 0 && strcmp(why, "too many words") == 0) {
			fprintf(stderr, "nexus-sim %s: --wrap '%s': CMD has more than %d words\n",
				cmd, arg, NX_WRAP_WORDS_MAX);
			return NX_EXIT_USAGE;
		}
		w->nwords = nw > 0 ? (size_t)nw : 0;
	}
	if (why != NULL) {
		fprintf(stderr, "nexus-sim %s: --wrap '%s': %s\n", cmd, arg, why);
		return NX_EXIT_USAGE;
	}
	if (wrap_lookup(w->words[0], w->path, sizeof(w->path)) != 0) {
		fprintf(stderr, "nexus-sim %s: --wrap '%s': %s: %s\n", cmd, arg, w->words[0],
			strchr(w->words[0], '/') != NULL ? "not an executable file"
							 : "not found in $PATH");
		return NX_EXIT_NOINPUT;
	}
	return 0;
}

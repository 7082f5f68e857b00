/*
 * --wrap (NX_CTL_CFG_WRAP, docs/tools.md): a daemon started under a tool.
 * The item names the daemon, the tool's absolute path and its words; the
 * daemon is then started as `words... <daemon path> <daemon args...>`
 * (services.c), with its usual fds: the tool must exec it keeping them.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "init.h"

const char *wrap_config(struct init *in, struct nx_msg *m)
{
	char *strs[2 + NX_WRAP_WORDS_MAX], *copy;
	size_t n = 0;
	struct svc *s;
	struct stat st;

	if (!in->wrap_mode)
		return "a wrapper, but init was not started to allow one";
	if (m->len == 0 || m->body[m->len - 1] != 0)
		return "wrap item is not NUL-terminated strings";
	for (size_t i = 0; i < m->len; i += strlen((const char *)m->body + i) + 1) {
		if (n == sizeof(strs) / sizeof(strs[0]))
			return "wrap item has more than the words allowed";
		strs[n++] = (char *)m->body + i;
	}
	if (n < 3 || strs[1][0] != '/')
		return "wrap item is not a daemon, an absolute path and words";
	s = svc_by_name(in, strs[0]);
	if (s == NULL)
		return "wrap item names no daemon init starts";
	if (s->wrap_path != NULL)
		return "wrap item names a daemon twice";
	if (fstat(m->fd, &st) != 0 || !S_ISREG(st.st_mode))
		return "wrap item's fd is not a regular file";
	copy = malloc(m->len);
	if (copy == NULL)
		return "out of memory";
	memcpy(copy, m->body, m->len);
	/* The words keep pointing into the copy until init exits (main frees it). */
	s->wrap_buf = copy;
	s->wrap_path = copy + (strs[1] - (char *)m->body);
	s->wrap_argc = n - 2;
	for (size_t i = 2; i < n; i++)
		s->wrap_argv[i - 2] = copy + (strs[i] - (char *)m->body);
	init_sandbox_wrap(in, nx_msg_take_fd(m));
	return NULL;
}

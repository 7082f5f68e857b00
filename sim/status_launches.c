/*
 * The journal's launch.v1 records, counted per program. A journal line is
 * "<scope>: <level> <message> key=value ..." (daemons/lib/log_record.c):
 * a value with a space, a quote or a backslash is quoted, '"' and '\'
 * escaped inside. Lines that are not launch.v1 records are skipped.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nexus/state.h"
#include "status_launches.h"
#include "text_out.h"

#define LAUNCH_EVENT "launch.v1"
#define LAUNCH_MSG "launch"

/*
 * The next key=value of a record at *p: key and value copied (unquoted,
 * cut to their caps), *p moved past it. 0, or -1 at the end or a
 * malformed field.
 */
static int next_field(const char **p, char *key, size_t kcap, char *val, size_t vcap)
{
	const char *s = *p;
	size_t k = 0, v = 0;

	while (*s == ' ')
		s++;
	for (; *s != 0 && *s != '=' && *s != ' '; s++)
		if (k + 1 < kcap)
			key[k++] = *s;
	if (*s != '=' || k == 0)
		return -1;
	s++;
	if (*s == '"') {
		for (s++; *s != 0 && *s != '"'; s++) {
			if (*s == '\\' && s[1] != 0)
				s++;
			if (v + 1 < vcap)
				val[v++] = *s;
		}
		if (*s != '"')
			return -1;
		s++;
	} else {
		for (; *s != 0 && *s != ' '; s++)
			if (v + 1 < vcap)
				val[v++] = *s;
	}
	key[k] = 0;
	val[v] = 0;
	*p = s;
	return 0;
}

static struct launch_count *count_of(struct launches *l, const char *program)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->c[i].program, program) == 0)
			return &l->c[i];
	if (l->n == STATUS_PROGRAMS_MAX)
		return NULL;
	snprintf(l->c[l->n].program, sizeof(l->c[l->n].program), "%s", program);
	l->c[l->n].wins = l->c[l->n].losses = 0;
	return &l->c[l->n++];
}

/* One journal line: counted when it is a launch.v1 record. */
static void count_line(struct launches *l, const char *line)
{
	const char *p = strstr(line, ": ");
	char key[32], val[STATUS_PROGRAM_MAX], program[STATUS_PROGRAM_MAX] = "";
	int event = 0, result = -1;
	struct launch_count *c;

	/* "<scope>: <level> launch " */
	if (p == NULL || (p = strchr(p + 2, ' ')) == NULL ||
	    strncmp(p + 1, LAUNCH_MSG " ", strlen(LAUNCH_MSG) + 1) != 0)
		return;
	p += 1 + strlen(LAUNCH_MSG);
	while (next_field(&p, key, sizeof(key), val, sizeof(val)) == 0) {
		if (strcmp(key, "event") == 0)
			event = strcmp(val, LAUNCH_EVENT) == 0;
		else if (strcmp(key, "program") == 0)
			memcpy(program, val, sizeof(program));
		else if (strcmp(key, "result") == 0)
			result = strcmp(val, "win") == 0 ? 1 : strcmp(val, "loss") == 0 ? 0 : -1;
	}
	if (!event || result < 0 || program[0] == 0)
		return;
	if ((c = count_of(l, program)) == NULL) {
		l->skipped++;
		return;
	}
	if (result)
		c->wins++;
	else
		c->losses++;
}

static int cmp_program(const void *a, const void *b)
{
	return strcmp(((const struct launch_count *)a)->program,
		      ((const struct launch_count *)b)->program);
}

int launches_read(struct launches *l, int state_fd, const char *path)
{
	/* Non-blocking: a FIFO in its place must not hang status (it is refused below). */
	int fd = openat(state_fd, NX_STATE_JOURNAL, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	l->n = l->skipped = 0;
	l->c = calloc(STATUS_PROGRAMS_MAX, sizeof(*l->c));
	if (l->c == NULL) {
		if (fd >= 0)
			close(fd);
		fprintf(stderr, "nexus-sim status: out of memory\n");
		return -1;
	}
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
		fprintf(stderr, "nexus-sim status: %s/%s: not a regular file\n", path,
			NX_STATE_JOURNAL);
		close(fd);
		return -1;
	}
	if (fd < 0 || (f = fdopen(fd, "r")) == NULL) {
		fprintf(stderr, "nexus-sim status: cannot read %s/%s: %s\n", path, NX_STATE_JOURNAL,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[n - 1] = 0;
		count_line(l, line);
	}
	free(line);
	fclose(f);
	qsort(l->c, l->n, sizeof(l->c[0]), cmp_program);
	if (l->skipped > 0)
		fprintf(stderr,
			"nexus-sim status: %s/%s: launches of more than %d programs; %zu records "
			"of the others not counted\n",
			path, NX_STATE_JOURNAL, STATUS_PROGRAMS_MAX, l->skipped);
	return 0;
}

void launches_free(struct launches *l)
{
	free(l->c);
	l->c = NULL;
	l->n = 0;
}

void launches_print_text(FILE *f, const struct launches *l)
{
	if (l->n == 0)
		fprintf(f, "launches:   none\n");
	for (size_t i = 0; i < l->n; i++)
		fprintf(f, "launches:   %s W=%lu L=%lu\n", l->c[i].program, l->c[i].wins,
			l->c[i].losses);
}

void launches_print_json(FILE *f, const struct launches *l)
{
	fprintf(f, "\"launches\": {");
	for (size_t i = 0; i < l->n; i++) {
		fprintf(f, "%s", i ? ", " : "");
		text_json(f, l->c[i].program, strlen(l->c[i].program));
		fprintf(f, ": {\"wins\": %lu, \"losses\": %lu}", l->c[i].wins, l->c[i].losses);
	}
	fprintf(f, "}");
}

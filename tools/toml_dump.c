/*
 * toml-dump FILE: our TOML reader's view of FILE as compact JSON (tables
 * as objects in document order, arrays, strings, integers, booleans), for
 * tests/e2e/toml_oracle.sh to compare with Python's tomllib. A refusal
 * prints the reader's message and exits 65.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "file_read.h"
#include "toml.h"

static void json_string(const char *s, size_t n)
{
	putchar('"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void dump(const struct nx_toml_doc *d, int32_t i)
{
	const struct nx_toml_node *n = &d->nodes[i];
	const char *open = n->kind == NX_TOML_TABLE ? "{" : "[";
	switch (n->kind) {
	case NX_TOML_STRING:
		json_string(nx_toml_str(d, n->str), n->str_len);
		return;
	case NX_TOML_INT:
		printf("%lld", (long long)n->num);
		return;
	case NX_TOML_BOOL:
		fputs(n->num ? "true" : "false", stdout);
		return;
	case NX_TOML_TABLE:
	case NX_TOML_ARRAY:
	case NX_TOML_ARRAY_TABLES:
		fputs(open, stdout);
		for (int32_t c = n->first; c != NX_TOML_NONE; c = d->nodes[c].next) {
			if (c != n->first)
				putchar(',');
			if (n->kind == NX_TOML_TABLE) {
				const char *k = nx_toml_str(d, d->nodes[c].key);
				json_string(k, strlen(k));
				putchar(':');
			}
			dump(d, c);
		}
		fputs(n->kind == NX_TOML_TABLE ? "}" : "]", stdout);
		return;
	}
}

int main(int argc, char **argv)
{
	static char src[NX_TOML_SRC_MAX + 1];
	struct nx_toml_doc *d;
	struct nx_fmt_err e;
	uint64_t size;
	int fd;
	if (argc != 2) {
		fprintf(stderr, "usage: toml-dump FILE\n");
		return EX_USAGE;
	}
	if (nxf_open_regular(AT_FDCWD, argv[1], &fd, &size)) {
		fprintf(stderr, "toml-dump: %s: %s\n", argv[1], strerror(errno));
		return EX_NOINPUT;
	}
	if (size > NX_TOML_SRC_MAX + 1)
		size = NX_TOML_SRC_MAX + 1; /* enough for the reader to refuse the size */
	if (nxf_pread_all(fd, src, (size_t)size) || !(d = malloc(sizeof(*d)))) {
		fprintf(stderr, "toml-dump: %s: %s\n", argv[1], strerror(errno));
		return EX_NOINPUT;
	}
	close(fd);
	if (nx_toml_parse(d, src, (size_t)size, &e)) {
		fprintf(stderr, "toml-dump: %s: %s\n", argv[1], e.msg);
		free(d);
		return EX_DATAERR;
	}
	dump(d, 0);
	putchar('\n');
	free(d);
	return 0;
}

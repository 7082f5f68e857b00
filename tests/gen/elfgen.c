/*
 * elfgen MUTATION IN.elf OUT.elf   write IN with one mutation applied
 * elfgen --list                    name and describe every mutation
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "nexus/limits.h"
#include "elfgen.h"

static int usage(FILE *f, int code)
{
	fprintf(f, "usage: elfgen MUTATION IN.elf OUT.elf\n       elfgen --list\n");
	return code;
}

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	uint8_t *b = NULL;

	if (!f) {
		fprintf(stderr, "elfgen: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size > NX_ELF_FILE_MAX) {
		fprintf(stderr, "elfgen: %s: not a regular file of at most %llu bytes\n", path,
			(unsigned long long)NX_ELF_FILE_MAX);
		fclose(f);
		return NULL;
	}
	*len = (size_t)st.st_size;
	b = malloc(*len ? *len : 1);
	if (!b || fread(b, 1, *len, f) != *len) {
		fprintf(stderr, "elfgen: %s: cannot read\n", path);
		free(b);
		b = NULL;
	}
	fclose(f);
	return b;
}

static int write_file(const char *path, const uint8_t *b, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f) {
		fprintf(stderr, "elfgen: %s: %s\n", path, strerror(errno));
		return -1;
	}
	int bad = fwrite(b, 1, len, f) != len;
	bad |= fclose(f) != 0;
	if (bad) {
		fprintf(stderr, "elfgen: %s: write failed\n", path);
		remove(path);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--list") == 0) {
		for (size_t i = 0; i < elfgen_count(); i++)
			printf("%-18s %s\n", elfgen_name(i), elfgen_what(i));
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "--help") == 0)
		return usage(stdout, 0);
	if (argc != 4)
		return usage(stderr, 2);

	size_t len, outlen;
	uint8_t *in = read_file(argv[2], &len), *out;
	const char *why;

	if (!in)
		return 1;
	if (elfgen_apply(argv[1], in, len, &out, &outlen, &why) != 0) {
		fprintf(stderr, "elfgen: %s: %s: %s\n", argv[2], argv[1], why);
		free(in);
		return 1;
	}
	free(in);
	int rc = write_file(argv[3], out, outlen) == 0 ? 0 : 1;
	free(out);
	return rc;
}

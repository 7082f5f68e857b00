/*
 * nxsgen [--version V] MUTATION GOOD.nxs KEY OUT.nxs
 *     GOOD with one mutation, into OUT; with --version, the set's
 *     systemVersion is V (the index signed again by KEY) before it
 * nxsgen --list
 *     name and describe every mutation
 *
 * KEY (a secret key file) signs whatever the mutation signs again. Exit 0
 * written, 1 failed (OUT removed), 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "keyfile.h"
#include "nxsgen.h"

static int usage(FILE *f, int code)
{
	fprintf(f, "usage: nxsgen [--version V] MUTATION GOOD.nxs KEY OUT.nxs\n"
		   "       nxsgen --list\n");
	return code;
}

static int list(void)
{
	size_t n;
	const struct gen_mutation *t = gen_mutations(&n);

	for (size_t i = 0; i < n; i++)
		printf("%-24s %s\n", t[i].name, t[i].what);
	return 0;
}

/* GOOD read, re-versioned if asked, mutated, written to OUT. */
static int generate(const struct gen_mutation *mu, const char *version, const char *good,
		    const char *out, struct gen_set *s)
{
	static struct gen_archive a;
	int in = open(good, O_RDONLY | O_CLOEXEC), fd, err;

	if (in < 0) {
		fprintf(stderr, "nxsgen: %s: %s\n", good, strerror(errno));
		return -1;
	}
	err = gen_load(s, in, good);
	close(in);
	if (err != 0)
		return -1;
	if (version != NULL) {
		snprintf(s->ix.system_version, sizeof(s->ix.system_version), "%s", version);
		if (gen_seal_index(s) != 0)
			return -1;
	}
	gen_lay_out(s, &a);
	if (mu->edit(s, &a) != 0)
		return -1;
	if ((fd = open(out, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0) {
		fprintf(stderr, "nxsgen: %s: %s\n", out, strerror(errno));
		return -1;
	}
	err = gen_write(&a, fd) != 0 || (mu->after != NULL && mu->after(&a, fd) != 0);
	if (close(fd) != 0 || err) {
		unlink(out);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *version = NULL;
	const struct gen_mutation *mu;
	struct nx_seckey key;
	struct nx_fmt_err e = {0};
	struct gen_set s = {.key = &key};
	int rc;

	if (argc == 2 && strcmp(argv[1], "--list") == 0)
		return list();
	if (argc == 2 && strcmp(argv[1], "--help") == 0)
		return usage(stdout, 0);
	if (argc > 2 && strcmp(argv[1], "--version") == 0) {
		version = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (argc != 5)
		return usage(stderr, 2);
	if ((mu = gen_mutation_find(argv[1])) == NULL) {
		fprintf(stderr, "nxsgen: no mutation %s (nxsgen --list)\n", argv[1]);
		return 2;
	}
	if (nx_seckey_load(AT_FDCWD, argv[3], &key, &e) != 0) {
		fprintf(stderr, "nxsgen: %s: %s\n", argv[3], e.msg);
		return 1;
	}
	rc = generate(mu, version, argv[2], argv[4], &s) == 0 ? 0 : 1;
	nx_seckey_wipe(&key);
	gen_free(&s);
	return rc;
}

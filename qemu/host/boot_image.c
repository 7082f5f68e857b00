/* The boot image of one payload (boot_image.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boot_image.h"
#include "image.h"
#include "image_build.h"
#include "nexus/caps.h"
#include "nxq_cli.h"
#include "target_files.h"

/* Arguments and environment within what one task can be given (as nexus-sim run checks). */
static int check_args(const struct nxq_opts *o)
{
	size_t bytes = 0;

	if (o->nargs > NX_ARGC_MAX - 1) {
		fprintf(stderr, NXQ_PROG " run: %zu payload arguments, at most %d\n", o->nargs,
			NX_ARGC_MAX - 1);
		return NXQ_EXIT_USAGE;
	}
	for (size_t i = 0; i < o->nargs; i++)
		bytes += strlen(o->args[i]) + 1;
	for (size_t i = 0; i < o->nenv; i++)
		bytes += strlen(o->env[i]) + 1;
	if (bytes > NX_RUN_ARG_BYTES_MAX) {
		fprintf(stderr,
			NXQ_PROG " run: payload arguments and environment take %zu bytes, at most "
				 "%d\n",
			bytes, (int)NX_RUN_ARG_BYTES_MAX);
		return NXQ_EXIT_USAGE;
	}
	return 0;
}

/* This build's init, mapped read-only; NULL after saying why. */
static uint8_t *map_init(size_t *len)
{
	const char *path = nxq_init_path();
	struct stat st;
	void *p = MAP_FAILED;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0 && fstat(fd, &st) == 0 && st.st_size > 0 &&
	    (uint64_t)st.st_size <= NX_ELF_FILE_MAX)
		p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (fd >= 0)
		close(fd);
	if (p == MAP_FAILED) {
		fprintf(stderr, NXQ_PROG ": cannot read init %s (run `make qemu`)\n", path);
		return NULL;
	}
	*len = (size_t)st.st_size;
	return p;
}

/* The image's bytes into out_fd, sized to fit: 0, or -1 with *why. */
static int write_image(const struct nxq_image_part *parts, size_t n, int out_fd, const char **why)
{
	size_t size = nxq_image_size(parts, n, why);
	if (size == 0)
		return -1;
	if (ftruncate(out_fd, (off_t)size) != 0) {
		*why = strerror(errno);
		return -1;
	}
	uint8_t *buf = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, out_fd, 0);
	if (buf == MAP_FAILED) {
		*why = strerror(errno);
		return -1;
	}
	int r = nxq_image_write(parts, n, buf, size, why);
	munmap(buf, size);
	return r;
}

int nxq_boot_image(const struct nxq_opts *o, struct nxq_payload *p, int out_fd)
{
	const char *argv[NX_ARGC_MAX];
	const char *init_argv[] = {"init"};
	const char *why;
	size_t init_len;
	int rc;

	if ((rc = check_args(o)) != 0 || (rc = nxq_payload_open(o->payload, o->trust_dir, p)) != 0)
		return rc;
	uint8_t *init = map_init(&init_len);
	if (init == NULL) {
		nxq_payload_close(p);
		return NXQ_EXIT_INTERNAL;
	}
	argv[0] = p->argv0;
	for (size_t i = 0; i < o->nargs; i++)
		argv[i + 1] = o->args[i];
	const struct nxq_image_part parts[] = {
	    {init, init_len, "init", init_argv, 1, NULL, 0, 0, NX_CAPS_ALL},
	    {p->elf, p->len, p->task, argv, o->nargs + 1, o->env, o->nenv,
	     p->is_signed ? NXQ_ENTRY_SIGNED : 0, p->caps},
	};
	int r = write_image(parts, 2, out_fd, &why);
	munmap(init, init_len);
	if (r != 0) {
		fprintf(stderr, NXQ_PROG ": %s: cannot build the boot image: %s\n", o->payload,
			why);
		nxq_payload_close(p);
		return NXQ_EXIT_REFUSED;
	}
	return 0;
}

/*
 * nexus-qemu image: write the boot image `run` would boot, and print the
 * qemu-system-riscv64 command line that boots it by hand.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boot_image.h"
#include "nxq_cli.h"
#include "opts.h"
#include "qemu_launch.h"
#include "target_files.h"

#define IMAGE_ARGV_MAX 24

static void image_usage(FILE *f)
{
	fprintf(f, "usage: " NXQ_PROG " image -o OUT [--trust DIR] [--env K=V]...\n"
		   "                        BUNDLE.nxb|FILE.elf [-- ARGS...]\n"
		   "\n"
		   "Write the boot image `" NXQ_PROG " run` would boot (init and the payload,\n"
		   "a bundle verified first) to OUT, and print the command that boots it.\n");
}

static int write_file(const char *path, const uint8_t *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	size_t done = 0;

	while (fd >= 0 && done < len) {
		ssize_t n = write(fd, buf + done, len - done);
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	if (fd < 0 || done < len || close(fd) != 0) {
		fprintf(stderr, NXQ_PROG ": cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

int nxq_cmd_image(int argc, char **argv)
{
	struct nxq_opts o = {0};
	struct nxq_payload p;
	char *qargv[IMAGE_ARGV_MAX];
	uint8_t *img;
	size_t len;
	int rc = nxq_opts_parse(&o, argc, argv, NXQ_OPT_OUT);

	if (rc == 0 && o.help) {
		image_usage(stdout);
		return 0;
	}
	if (rc != 0) {
		image_usage(stderr);
		return rc;
	}
	if ((rc = nxq_boot_image(&o, &p, &img, &len)) != 0)
		return rc;
	nxq_payload_close(&p);
	rc = write_file(o.out, img, len) == 0 ? 0 : NXQ_EXIT_NOINPUT;
	free(img);
	if (rc != 0 || nxq_qemu_argv(nxq_kernel_path(), o.out, 0, qargv, IMAGE_ARGV_MAX) < 0)
		return rc != 0 ? rc : NXQ_EXIT_INTERNAL;
	for (int i = 0; qargv[i] != NULL; i++)
		printf("%s%s", i ? " " : "", qargv[i]);
	printf("\n");
	return 0;
}

/*
 * nexus-qemu image: write the boot image `run` would boot, and print the
 * qemu-system-riscv64 command line that boots it by hand.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
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

int nxq_cmd_image(int argc, char **argv)
{
	struct nxq_opts o = {0};
	struct nxq_payload p;
	char *qargv[IMAGE_ARGV_MAX];
	int rc = nxq_opts_parse(&o, argc, argv, NXQ_OPT_OUT);

	if (rc == 0 && o.help) {
		image_usage(stdout);
		return 0;
	}
	if (rc != 0) {
		image_usage(stderr);
		return rc;
	}
	int fd = open(o.out, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, NXQ_PROG ": cannot write %s: %s\n", o.out, strerror(errno));
		return NXQ_EXIT_NOINPUT;
	}
	rc = nxq_boot_image(&o, &p, fd);
	if (close(fd) != 0 && rc == 0) {
		fprintf(stderr, NXQ_PROG ": cannot write %s: %s\n", o.out, strerror(errno));
		rc = NXQ_EXIT_NOINPUT;
	}
	if (rc != 0) {
		unlink(o.out);
		return rc;
	}
	nxq_payload_close(&p);
	if (nxq_qemu_argv(nxq_kernel_path(), o.out, 0, qargv, IMAGE_ARGV_MAX) < 0)
		return NXQ_EXIT_INTERNAL;
	for (int i = 0; qargv[i] != NULL; i++)
		printf("%s%s", i ? " " : "", qargv[i]);
	printf("\n");
	return 0;
}

/*
 * nexus-sim inspect FILE.elf: read the file (its size capped before a
 * byte is read), run it through nexus-loader, print the plan or the
 * refusal.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nexus/rights.h"
#include "cli.h"
#include "inspect.h"

static void flags_str(uint32_t pf, char s[4])
{
	s[0] = pf & 4 ? 'R' : '-';
	s[1] = pf & 2 ? 'W' : '-';
	s[2] = pf & 1 ? 'E' : '-';
	s[3] = '\0';
}

static void prot_str(uint32_t prot, char s[4])
{
	s[0] = prot & NX_PROT_READ ? 'r' : '-';
	s[1] = prot & NX_PROT_WRITE ? 'w' : '-';
	s[2] = prot & NX_PROT_EXEC ? 'x' : '-';
	s[3] = '\0';
}

void inspect_print_plan(FILE *out, const struct nxl_plan *plan)
{
	char s[4];

	fprintf(out, "entry 0x%" PRIx64 "\n", plan->entry);
	for (uint32_t i = 0; i < plan->nload; i++) {
		const struct nxl_phdr *l = &plan->load[i];

		flags_str(l->flags, s);
		fprintf(out,
			"load offset=0x%" PRIx64 " vaddr=0x%" PRIx64 " filesz=0x%" PRIx64
			" memsz=0x%" PRIx64 " flags=%s align=0x%" PRIx64 "\n",
			l->offset, l->vaddr, l->filesz, l->memsz, s, l->align);
	}
	for (uint32_t i = 0; i < plan->nmap; i++) {
		prot_str(plan->map[i].prot, s);
		fprintf(out, "map va=0x%" PRIx64 " len=0x%" PRIx64 " prot=%s\n", plan->map[i].va,
			plan->map[i].len, s);
	}
	for (uint32_t i = 0; i < plan->ncopy; i++)
		fprintf(out, "copy va=0x%" PRIx64 " file_off=0x%" PRIx64 " len=0x%" PRIx64 "\n",
			plan->copy[i].va, plan->copy[i].file_off, plan->copy[i].len);
	fprintf(out, "mapped %" PRIu64 " bytes in %" PRIu32 " maps\n", plan->mapped_bytes,
		plan->nmap);
}

void inspect_print_stack(FILE *out, uint64_t top, uint64_t size)
{
	uint64_t base = top - size;

	fprintf(out,
		"stack top=0x%" PRIx64 " size=0x%" PRIx64 " base=0x%" PRIx64 " guard=0x%" PRIx64
		"-0x%" PRIx64 " (unmapped)\n",
		top, size, base, (uint64_t)(base - NX_STACK_GUARD_SIZE), base);
}

static int refused(struct inspect_report *r, const char *path, int err)
{
	inspect_say(r, "%s: refused: %s: %s", path, nxl_errname(err), nxl_strerror(err));
	return NX_EXIT_REFUSED;
}

static int read_all(int fd, uint8_t *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, buf + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	return 0;
}

int inspect_elf(const char *path, FILE *out, struct inspect_report *r)
{
	/* Non-blocking: a FIFO named here must be refused, not waited on. */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	static struct nxl_plan plan;
	uint8_t *buf = NULL;
	int rc;

	if (fd < 0) {
		inspect_say(r, "%s: cannot open: %s", path, strerror(errno));
		return NX_EXIT_NOINPUT;
	}
	r->kind = "elf";
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		inspect_say(r, "%s: not a regular file, so not an ELF file", path);
		rc = NX_EXIT_REFUSED;
		goto out;
	}
	if ((uint64_t)st.st_size > NX_ELF_FILE_MAX) {
		rc = refused(r, path, NXL_E_FILE_SIZE);
		goto out;
	}
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf || read_all(fd, buf, (size_t)st.st_size) != 0) {
		inspect_say(r, "%s: cannot read: %s", path,
			    buf ? strerror(errno) : "out of memory");
		rc = buf ? NX_EXIT_NOINPUT : NX_EXIT_INTERNAL;
		goto out;
	}
	int err = nxl_plan_elf(buf, (size_t)st.st_size, &plan);
	if (err != NXL_OK) {
		rc = refused(r, path, err);
		goto out;
	}
	r->file_size = (uint64_t)st.st_size;
	r->plan = plan;
	r->have_plan = 1;
	fprintf(out, "%s: static RISC-V ELF64 executable, %lld bytes\n", path,
		(long long)st.st_size);
	inspect_print_plan(out, &plan);
	inspect_print_stack(out, NX_STACK_TOP, NX_STACK_SIZE_DEFAULT);
	rc = 0;
out:
	free(buf);
	close(fd);
	return rc;
}

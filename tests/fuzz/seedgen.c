/*
 * seedgen frame DIR          valid frames for fuzz_frame, one file each
 * seedgen ksock DIR          kernel-call sequences for fuzz_ksock, one file each
 * seedgen elfperm IN.elf DIR  IN with its PT_LOAD permissions varied, for fuzz_loader
 * seedgen nxszero IN.nxs DIR  IN with every signature zeroed, for fuzz_nxs (whose
 *                            harness accepts an all-zero signature as its own key's)
 *
 * Seed corpora are generated, not committed: these are the well-formed
 * inputs the fuzzer starts from, so its mutations begin deep in the
 * readers instead of at the first length check.
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nexus/frame.h"
#include "nexus/rights.h"
#include "nexus/syscall.h"

#define SEED_MAX 4096		/* bytes of one seed file: every seed here is far smaller */
#define ELF_SEED_MAX (1U << 20) /* bytes of an ELF elfperm reads: fixtures are ~40 KiB */
#define NXS_SEED_MAX (1U << 20) /* bytes of a .nxs nxszero reads: fixture sets are ~76 KiB */
#define TAR_BLOCK 512
#define SIG_FILE 74 /* "Ed" || key id (8) || signature (64) */
#define SIG_AT 10   /* where the signature starts in it */

struct seed {
	uint8_t b[SEED_MAX];
	size_t len;
	uint8_t next_id;
};

static int put(struct seed *s, const void *p, size_t n)
{
	if (n == 0)
		return 0;
	if (n > sizeof(s->b) - s->len) {
		fprintf(stderr, "seedgen: seed over %d bytes\n", SEED_MAX);
		return -1;
	}
	memcpy(s->b + s->len, p, n);
	s->len += n;
	return 0;
}

/* One frame; `fds` goes into the first id byte, where fuzz_frame reads its fd count. */
static int frame(struct seed *s, uint32_t kind, uint64_t arg, const void *body, size_t len,
		 uint8_t fds)
{
	struct nx_frame h = {.kind = kind, .len = (uint32_t)len, .arg = arg};

	h.id[0] = fds;
	h.id[15] = ++s->next_id;
	return put(s, &h, sizeof(h)) || put(s, body, len);
}

/* One length-prefixed kernel call for fuzz_ksock: args, then the input bytes they point into. */
static int kcall(struct seed *s, unsigned nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
		 uint64_t a4, uint64_t a5, const void *data, size_t dlen)
{
	struct nx_kcall k = {{a0, a1, a2, a3, a4, a5}};
	uint8_t body[sizeof(k) + 64];
	size_t blen = sizeof(k) + dlen;
	uint8_t pre[2] = {(uint8_t)((sizeof(struct nx_frame) + blen) & 0xff),
			  (uint8_t)((sizeof(struct nx_frame) + blen) >> 8)};

	if (dlen > sizeof(body) - sizeof(k))
		return -1;
	memcpy(body, &k, sizeof(k));
	if (dlen > 0)
		memcpy(body + sizeof(k), data, dlen);
	return put(s, pre, sizeof(pre)) || frame(s, NX_FRAME_KCALL, nr, body, blen, 0);
}

static int save_bytes(const char *dir, const char *name, const uint8_t *b, size_t len)
{
	char path[4096];
	FILE *f;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path)) {
		fprintf(stderr, "seedgen: %s: path too long\n", dir);
		return -1;
	}
	f = fopen(path, "wb");
	if (f == NULL) {
		fprintf(stderr, "seedgen: %s: %s\n", path, strerror(errno));
		return -1;
	}
	int bad = fwrite(b, 1, len, f) != len;
	bad |= fclose(f) != 0;
	if (bad) {
		fprintf(stderr, "seedgen: %s: write failed\n", path);
		return -1;
	}
	return 0;
}

static int save(const char *dir, const char *name, const struct seed *s)
{
	return save_bytes(dir, name, s->b, s->len);
}

/* The shapes fuzz_frame's table accepts, one seed per kind. */
static int frames(const char *dir)
{
	static const uint8_t eight[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	static const char name[] = "demo.hello";
	struct nx_kcall k = {{4096, 0, 0, 0, 0, 0}};
	struct seed s[6] = {0};

	return frame(&s[0], 0x10, 0, NULL, 0, 0) || save(dir, "empty-body", &s[0]) ||
	       frame(&s[1], 0x11, 7, eight, sizeof(eight), 0) || save(dir, "eight-bytes", &s[1]) ||
	       frame(&s[2], 0x12, 0, name, sizeof(name), 1) || save(dir, "with-fd", &s[2]) ||
	       frame(&s[3], 0x13, 0, name, sizeof(name), 0) || save(dir, "fd-optional", &s[3]) ||
	       frame(&s[4], NX_FRAME_REPLY, (uint64_t)-22, NULL, 0, 0) ||
	       save(dir, "error-reply", &s[4]) ||
	       frame(&s[5], NX_FRAME_KCALL, NX_SYS_VMO_CREATE, &k, sizeof(k), 0) ||
	       save(dir, "kcall", &s[5]);
}

/*
 * Kernel-call sequences. Handles are slot + 1 and pids count from 1, so
 * a fresh kernel gives the numbers used here. The spawned task runs
 * "li a7, EXIT; li a0, 0; ecall".
 */
static int ksock(const char *dir)
{
	static const uint8_t code[12] = {0x93, 0x08, 0xb0, 0x00, 0x13, 0x05,
					 0x00, 0x00, 0x73, 0x00, 0x00, 0x00};
	static const char hi[] = "hi\n";
	const uint64_t text = 0x10000, stack = 0x20000, page = 4096;
	struct seed s[5] = {0};

	if (kcall(&s[0], NX_SYS_GETPID, 0, 0, 0, 0, 0, 0, NULL, 0) ||
	    kcall(&s[0], NX_SYS_DEBUG_WRITE, 0, 3, 0, 0, 0, 0, hi, 3) ||
	    save(dir, "getpid-write", &s[0]))
		return -1;
	if (kcall(&s[1], NX_SYS_VMO_CREATE, page, 0, 0, 0, 0, 0, NULL, 0) ||
	    kcall(&s[1], NX_SYS_VMO_WRITE, 1, 0, 0, sizeof(code), 0, 0, code, sizeof(code)) ||
	    kcall(&s[1], NX_SYS_VMO_EXPORT, 1, 0, 0, 0, 0, 0, NULL, 0) ||
	    kcall(&s[1], NX_SYS_HANDLE_CLOSE, 1, 0, 0, 0, 0, 0, NULL, 0) || save(dir, "vmo", &s[1]))
		return -1;
	if (kcall(&s[2], NX_SYS_VMO_CREATE, page, 0, 0, 0, 0, 0, NULL, 0) ||
	    kcall(&s[2], NX_SYS_VMO_WRITE, 1, 0, 0, sizeof(code), 0, 0, code, sizeof(code)) ||
	    kcall(&s[2], NX_SYS_AS_CREATE, 0, 0, 0, 0, 0, 0, NULL, 0) ||
	    kcall(&s[2], NX_SYS_AS_MAP, 2, 1, text, page, NX_PROT_READ | NX_PROT_EXEC, 0, NULL,
		  0) ||
	    kcall(&s[2], NX_SYS_VMO_CREATE, page, 0, 0, 0, 0, 0, NULL, 0) ||
	    kcall(&s[2], NX_SYS_AS_MAP, 2, 3, stack, page, NX_PROT_READ | NX_PROT_WRITE, 0, NULL,
		  0) ||
	    kcall(&s[2], NX_SYS_SPAWN, 2, text, stack + page, 0, 0, 4, "fuzz", 4) ||
	    kcall(&s[2], NX_SYS_WAIT, 1, 0, 0, 0, 0, 0, NULL, 0) || save(dir, "spawn-wait", &s[2]))
		return -1;
	if (kcall(&s[3], NX_SYS_KCONNECT, 0, 4, 0, 0, 0, 0, "fuzz", 4) ||
	    kcall(&s[3], NX_SYS_AS_CREATE, 0, 0, 0, 0, 0, 0, NULL, 0) ||
	    kcall(&s[3], NX_SYS_AS_MAP, 1, 0, text, page, 0, 0, NULL, 0) ||
	    kcall(&s[3], NX_SYS_WAIT_NOHANG, 1, 0, 0, 0, 0, 0, NULL, 0) ||
	    save(dir, "kconnect-guard", &s[3]))
		return -1;
	/* A frame that is not a kernel call, then a short one: both earn error replies. */
	uint8_t pre[2] = {sizeof(struct nx_frame), 0}, shortpre[2] = {4, 0};
	return put(&s[4], pre, 2) || frame(&s[4], NX_FRAME_REPLY, 0, NULL, 0, 0) ||
	       put(&s[4], shortpre, 2) || put(&s[4], "abcd", 4) || save(dir, "malformed", &s[4]);
}

/*
 * Save b with its entry moved to the start of the first executable
 * PT_LOAD, so a variant is not refused only for its entry point.
 */
static int save_variant(const char *dir, const char *name, uint8_t *b, size_t len, const size_t *ph,
			size_t nload)
{
	const size_t entry_off = offsetof(Elf64_Ehdr, e_entry);
	uint64_t entry;

	memcpy(&entry, b + entry_off, sizeof(entry));
	for (size_t i = 0; i < nload; i++) {
		Elf64_Phdr p;

		memcpy(&p, b + ph[i], sizeof(p));
		if ((p.p_flags & PF_X) && p.p_filesz >= 4) {
			memcpy(b + entry_off, &p.p_vaddr, sizeof(p.p_vaddr));
			break;
		}
	}
	int r = save_bytes(dir, name, b, len);
	memcpy(b + entry_off, &entry, sizeof(entry));
	return r;
}

/*
 * Segments sharing a page get the union of their permissions; which one
 * has more matters. Each variant gives one PT_LOAD R, RW or RX, or swaps
 * the permissions of two neighbours, so the fuzzer starts from every
 * ordering instead of finding them one flag flip at a time.
 */
static int elfperm(const char *in, const char *dir)
{
	static uint8_t b[ELF_SEED_MAX];
	static const uint32_t perms[3] = {PF_R, PF_R | PF_W, PF_R | PF_X};
	static const char *const pname[3] = {"r", "rw", "rx"};
	const size_t flags = offsetof(Elf64_Phdr, p_flags);
	const char *base = strrchr(in, '/') ? strrchr(in, '/') + 1 : in;
	FILE *f = fopen(in, "rb");
	size_t len, ph[64], nload = 0;
	Elf64_Ehdr eh;
	char name[256];

	if (f == NULL) {
		fprintf(stderr, "seedgen: %s: %s\n", in, strerror(errno));
		return -1;
	}
	len = fread(b, 1, sizeof(b), f);
	fclose(f);
	if (len < sizeof(eh) || len == sizeof(b))
		goto bad;
	memcpy(&eh, b, sizeof(eh));
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_phentsize != sizeof(Elf64_Phdr) ||
	    eh.e_phoff > len || eh.e_phnum > (len - eh.e_phoff) / sizeof(Elf64_Phdr))
		goto bad;
	for (size_t i = 0; i < eh.e_phnum && nload < sizeof(ph) / sizeof(ph[0]); i++) {
		uint32_t type;

		memcpy(&type, b + eh.e_phoff + i * sizeof(Elf64_Phdr), sizeof(type));
		if (type == PT_LOAD)
			ph[nload++] = eh.e_phoff + i * sizeof(Elf64_Phdr);
	}
	for (size_t i = 0; i < nload; i++) {
		uint32_t was, other;

		memcpy(&was, b + ph[i] + flags, 4);
		for (int p = 0; p < 3; p++) {
			memcpy(b + ph[i] + flags, &perms[p], 4);
			snprintf(name, sizeof(name), "%s-load%zu-%s", base, i, pname[p]);
			if (perms[p] != was && save_variant(dir, name, b, len, ph, nload) != 0)
				return -1;
		}
		memcpy(b + ph[i] + flags, &was, 4);
		if (i + 1 == nload)
			break;
		memcpy(&other, b + ph[i + 1] + flags, 4);
		memcpy(b + ph[i] + flags, &other, 4);
		memcpy(b + ph[i + 1] + flags, &was, 4);
		snprintf(name, sizeof(name), "%s-swap%zu", base, i);
		if (other != was && save_variant(dir, name, b, len, ph, nload) != 0)
			return -1;
		memcpy(b + ph[i] + flags, &was, 4);
		memcpy(b + ph[i + 1] + flags, &other, 4);
	}
	return 0;
bad:
	fprintf(stderr, "seedgen: %s: not an ELF64 file of at most %u bytes\n", in, ELF_SEED_MAX);
	return -1;
}

/* A ustar header's octal size field. */
static size_t tar_size(const uint8_t *h)
{
	char text[13] = {0};

	memcpy(text, h + 124, 12);
	return (size_t)strtoull(text, NULL, 8);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/*
 * IN with the 64 signature bytes of system.sig.ed25519 and every
 * manifest.sig zeroed: the fuzzer cannot sign what it mutates, so
 * fuzz_nxs takes a zero signature as valid and these seeds carry it.
 */
static int nxszero(const char *in, const char *dir)
{
	static uint8_t b[NXS_SEED_MAX];
	const char *base = strrchr(in, '/') ? strrchr(in, '/') + 1 : in;
	char name[TAR_BLOCK], out[256];
	FILE *f = fopen(in, "rb");
	size_t len, off = 0;

	if (f == NULL) {
		fprintf(stderr, "seedgen: %s: %s\n", in, strerror(errno));
		return -1;
	}
	len = fread(b, 1, sizeof(b), f);
	fclose(f);
	while (off + TAR_BLOCK <= len && b[off] != 0) {
		size_t size = tar_size(b + off);

		memcpy(name, b + off, 100);
		name[100] = 0;
		if (size == SIG_FILE && off + TAR_BLOCK + SIG_FILE <= len &&
		    (ends_with(name, ".sig") || ends_with(name, ".ed25519")))
			memset(b + off + TAR_BLOCK + SIG_AT, 0, SIG_FILE - SIG_AT);
		off += TAR_BLOCK + (size + TAR_BLOCK - 1) / TAR_BLOCK * TAR_BLOCK;
	}
	snprintf(out, sizeof(out), "%.200s-zerosig", base);
	return save_bytes(dir, out, b, len);
}

int main(int argc, char **argv)
{
	int r;

	if (argc == 4 && strcmp(argv[1], "elfperm") == 0)
		r = elfperm(argv[2], argv[3]);
	else if (argc == 3 && strcmp(argv[1], "frame") == 0)
		r = frames(argv[2]);
	else if (argc == 3 && strcmp(argv[1], "ksock") == 0)
		r = ksock(argv[2]);
	else if (argc == 4 && strcmp(argv[1], "nxszero") == 0)
		r = nxszero(argv[2], argv[3]);
	else {
		fprintf(stderr,
			"usage: seedgen frame|ksock DIR\n       seedgen elfperm IN.elf DIR\n"
			"       seedgen nxszero IN.nxs DIR\n");
		return 2;
	}
	return r == 0 ? 0 : 1;
}

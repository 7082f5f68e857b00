/*
 * The gdb stub's commands (gdb_impl.h): what gdb 13 asks of an all-stop,
 * single-thread remote target. Registers and memory go through the
 * kernel's debugger calls (kernel/debug.h), which refuse what the task
 * itself could not do: reading memory it cannot read, writing memory it
 * cannot write.
 */
#include <stdio.h>
#include <string.h>

#include "debug.h"
#include "gdb_impl.h"
#include "gdb_regs.h"
#include "nexus/task.h"

/* gdb's signal numbers (gdb/signals.def), where they differ from the host's. */
#define GDB_SIGINT 2
#define GDB_SIGTRAP 5
#define GDB_SIGBUS 10

/* 'm' reads at most this much: its reply is two hex digits a byte. */
#define GDB_MEM_MAX (GDB_PKT_MAX / 2)

static const char hexd[] = "0123456789abcdef";

static int gdb_signal(uint32_t cause)
{
	return cause == NX_CRASH_MISALIGNED ? GDB_SIGBUS : nx_crash_signal(cause);
}

size_t gdb_stop_reply(const struct gdb_stub *g, char *reply)
{
	const struct nxk_dbg_event *e = &g->last;
	int sig = GDB_SIGTRAP;

	if (g->gone) {
		if (NX_WAIT_IS_CRASH(e->status))
			return (size_t)sprintf(reply, "X%02x",
					       gdb_signal(NX_WAIT_CAUSE(e->status)));
		return (size_t)sprintf(reply, "W%02x", (unsigned)NX_WAIT_CODE(e->status));
	}
	if (e->why == NXK_DBG_STOPPED)
		sig = GDB_SIGINT;
	else if (e->why == NXK_DBG_FAULT)
		sig = gdb_signal(e->cause);
	return (size_t)sprintf(reply, "T%02xthread:1;", sig);
}

/* A hex number at *p (at least one digit); *p moves past it. 0, or -1. */
static int hexnum(const char **p, uint64_t *v)
{
	const char *s = *p;
	*v = 0;
	for (; gdb_hexval((unsigned char)*s) >= 0 && s - *p < 16; s++)
		*v = *v << 4 | (uint64_t)gdb_hexval((unsigned char)*s);
	if (s == *p || gdb_hexval((unsigned char)*s) >= 0)
		return -1;
	*p = s;
	return 0;
}

/* n bytes as hex into out; returns the characters written. */
static size_t hex_encode(const uint8_t *b, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hexd[b[i] >> 4];
		out[2 * i + 1] = hexd[b[i] & 15];
	}
	return 2 * n;
}

/* n bytes from hex at s; -1 unless all are hex digits. */
static int hex_decode(const char *s, uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int hi = gdb_hexval((unsigned char)s[2 * i]),
		    lo = hi < 0 ? -1 : gdb_hexval((unsigned char)s[2 * i + 1]);
		if (lo < 0)
			return -1;
		b[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* A register as gdb sends it: its bytes, little-endian. */
static size_t reg_encode(uint64_t v, unsigned size, char *out)
{
	uint8_t b[8];
	for (unsigned i = 0; i < size; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	return hex_encode(b, size, out);
}

static int reg_decode(const char *s, unsigned size, uint64_t *v)
{
	uint8_t b[8];
	if (hex_decode(s, b, size) != 0)
		return -1;
	*v = 0;
	for (unsigned i = 0; i < size; i++)
		*v |= (uint64_t)b[i] << (8 * i);
	return 0;
}

static enum gdb_cmd_result text(char *reply, size_t *rlen, const char *s)
{
	*rlen = strlen(s);
	memcpy(reply, s, *rlen);
	return GDB_REPLY;
}

#define ERR(reply, rlen) text(reply, rlen, "E01")

/* Whether a command about the task can be answered now. */
static enum gdb_cmd_result need_task(const struct gdb_stub *g)
{
	if (g->held)
		return GDB_REPLY;
	/* Before the task is held at its entry, gdb's question waits for it. */
	return g->gone || g->running ? GDB_NO_REPLY : GDB_WAIT_HELD;
}

static enum gdb_cmd_result read_regs(struct gdb_stub *g, char *reply, size_t *rlen)
{
	size_t n = 0;
	for (unsigned r = 0; r < GDB_REGS_G; r++) {
		uint64_t v;
		if (gdb_reg_get(gdb_kernel(g), r, &v) != 0)
			return ERR(reply, rlen);
		n += reg_encode(v, 8, reply + n);
	}
	*rlen = n;
	return GDB_REPLY;
}

static enum gdb_cmd_result write_regs(struct gdb_stub *g, const char *s, size_t len, char *reply,
				      size_t *rlen)
{
	if (len < 16 * GDB_REGS_G)
		return ERR(reply, rlen);
	for (unsigned r = 1; r < GDB_REGS_G; r++) {
		uint64_t v;
		if (reg_decode(s + 16 * r, 8, &v) != 0 || gdb_reg_set(gdb_kernel(g), r, v) != 0)
			return ERR(reply, rlen);
	}
	return text(reply, rlen, "OK");
}

/* p n / P n=v */
static enum gdb_cmd_result one_reg(struct gdb_stub *g, const char *s, int write, char *reply,
				   size_t *rlen)
{
	uint64_t n, v;
	if (hexnum(&s, &n) != 0 || gdb_reg_size((unsigned)n) == 0 || (write && *s++ != '='))
		return ERR(reply, rlen);
	unsigned size = gdb_reg_size((unsigned)n);
	if (write) {
		if (strlen(s) < 2 * size || reg_decode(s, size, &v) != 0 ||
		    gdb_reg_set(gdb_kernel(g), (unsigned)n, v) != 0)
			return ERR(reply, rlen);
		return text(reply, rlen, "OK");
	}
	if (gdb_reg_get(gdb_kernel(g), (unsigned)n, &v) != 0)
		return ERR(reply, rlen);
	*rlen = reg_encode(v, size, reply);
	return GDB_REPLY;
}

/* m addr,len / M addr,len:hex */
static enum gdb_cmd_result memory(struct gdb_stub *g, const char *s, int write, char *reply,
				  size_t *rlen)
{
	static uint8_t buf[GDB_PKT_MAX];
	uint64_t addr, len;
	if (hexnum(&s, &addr) != 0 || *s++ != ',' || hexnum(&s, &len) != 0)
		return ERR(reply, rlen);
	if (write) {
		if (*s++ != ':' || len > sizeof(buf) || strlen(s) < 2 * len ||
		    hex_decode(s, buf, len) != 0 ||
		    nxk_dbg_mem(gdb_kernel(g), addr, buf, len, 1) != (long)len)
			return ERR(reply, rlen);
		return text(reply, rlen, "OK");
	}
	if (len > GDB_MEM_MAX)
		len = GDB_MEM_MAX;
	/* As much as is readable from addr on: gdb asks again from there if it must. */
	long got = nxk_dbg_mem(gdb_kernel(g), addr, buf, len, 0);
	if (got <= 0 && len > 0)
		return ERR(reply, rlen);
	*rlen = hex_encode(buf, (size_t)got, reply);
	return GDB_REPLY;
}

/* Z0/z0,addr,kind: software breakpoints, as the engine's exits. */
static enum gdb_cmd_result breakpoint(struct gdb_stub *g, const char *s, int set, char *reply,
				      size_t *rlen)
{
	uint64_t addr;
	if (s[0] != '0')
		return text(reply, rlen, "");
	s++;
	if (*s++ != ',' || hexnum(&s, &addr) != 0)
		return ERR(reply, rlen);
	return nxk_dbg_break(gdb_kernel(g), addr, set) == 0 ? text(reply, rlen, "OK")
							    : ERR(reply, rlen);
}

/* c, s, C sig, S sig, each with an optional ;addr (C/S) or addr (c/s) to go on from. */
static enum gdb_cmd_result resume(struct gdb_stub *g, const char *s, int step, int sig, char *reply,
				  size_t *rlen)
{
	uint64_t v;
	if (g->gone) {
		*rlen = gdb_stop_reply(g, reply);
		return GDB_REPLY;
	}
	if (!g->held)
		return need_task(g);
	if (sig && (hexnum(&s, &v) != 0 || (*s != 0 && *s++ != ';')))
		return ERR(reply, rlen);
	if (*s != 0 && (hexnum(&s, &v) != 0 || gdb_reg_set(gdb_kernel(g), GDB_REG_PC, v) != 0))
		return ERR(reply, rlen);
	g->held = 0;
	g->running = 1;
	if (nxk_dbg_resume(gdb_kernel(g), step) != 0) {
		g->running = 0;
		return ERR(reply, rlen);
	}
	return GDB_LATER;
}

/*
 * vCont;ACTION[:thread][;...]: one thread, so its first action. A signal
 * to continue with (C, S) is not delivered: a task has no handlers.
 */
static enum gdb_cmd_result vcont(struct gdb_stub *g, const char *s, char *reply, size_t *rlen)
{
	char a = s[0];
	if (a != 'c' && a != 's' && a != 'C' && a != 'S')
		return ERR(reply, rlen);
	return resume(g, "", a == 's' || a == 'S', 0, reply, rlen);
}

static enum gdb_cmd_result xfer_features(const char *s, char *reply, size_t *rlen)
{
	const char *xml = gdb_target_xml();
	size_t total = strlen(xml);
	uint64_t off, len;
	if (strncmp(s, "target.xml:", 11) != 0)
		return ERR(reply, rlen);
	s += 11;
	if (hexnum(&s, &off) != 0 || *s++ != ',' || hexnum(&s, &len) != 0)
		return ERR(reply, rlen);
	if (off > total)
		off = total;
	if (len > GDB_PKT_MAX - 1)
		len = GDB_PKT_MAX - 1;
	size_t n = total - off < len ? total - off : len;
	reply[0] = off + n < total ? 'm' : 'l';
	memcpy(reply + 1, xml + off, n);
	*rlen = n + 1;
	return GDB_REPLY;
}

static enum gdb_cmd_result query(struct gdb_stub *g, const char *s, char *reply, size_t *rlen)
{
	(void)g;
	if (strncmp(s, "qSupported", 10) == 0)
		return text(reply, rlen, "PacketSize=1000;qXfer:features:read+;vContSupported+");
	if (strncmp(s, "qXfer:features:read:", 20) == 0)
		return xfer_features(s + 20, reply, rlen);
	if (strcmp(s, "qAttached") == 0 || strncmp(s, "qAttached:", 10) == 0)
		return text(reply, rlen, "1");
	if (strcmp(s, "qC") == 0)
		return text(reply, rlen, "QC1");
	if (strcmp(s, "qfThreadInfo") == 0)
		return text(reply, rlen, "m1");
	if (strcmp(s, "qsThreadInfo") == 0)
		return text(reply, rlen, "l");
	if (strncmp(s, "qSymbol", 7) == 0)
		return text(reply, rlen, "OK");
	return text(reply, rlen, "");
}

enum gdb_cmd_result gdb_cmd(struct gdb_stub *g, const char *pkt, size_t len, char *reply,
			    size_t *rlen)
{
	enum gdb_cmd_result wait;
	*rlen = 0;
	switch (pkt[0]) {
	case 'q':
		return query(g, pkt, reply, rlen);
	case 'H':
	case 'T':
		return text(reply, rlen, "OK");
	case 'v':
		if (strcmp(pkt, "vCont?") == 0)
			return text(reply, rlen, "vCont;c;C;s;S");
		if (strncmp(pkt, "vCont;", 6) == 0)
			return vcont(g, pkt + 6, reply, rlen);
		if (strncmp(pkt, "vKill", 5) == 0) {
			(void)nxk_dbg_kill(gdb_kernel(g));
			return text(reply, rlen, "OK");
		}
		return text(reply, rlen, "");
	case '?':
		if (!g->held && !g->gone)
			return GDB_WAIT_HELD;
		*rlen = gdb_stop_reply(g, reply);
		return GDB_REPLY;
	case 'c':
	case 's':
		return resume(g, pkt + 1, pkt[0] == 's', 0, reply, rlen);
	case 'C':
	case 'S':
		return resume(g, pkt + 1, pkt[0] == 'S', 1, reply, rlen);
	case 'D':
		nxk_dbg_detach(gdb_kernel(g));
		g->held = 0;
		text(reply, rlen, "OK");
		return GDB_DETACHED;
	case 'k':
		(void)nxk_dbg_kill(gdb_kernel(g));
		return GDB_NO_REPLY;
	default:
		break;
	}
	/* The rest look at the held task. */
	if ((wait = need_task(g)) != GDB_REPLY)
		return wait == GDB_NO_REPLY ? ERR(reply, rlen) : wait;
	switch (pkt[0]) {
	case 'g':
		return read_regs(g, reply, rlen);
	case 'G':
		return write_regs(g, pkt + 1, len - 1, reply, rlen);
	case 'p':
	case 'P':
		return one_reg(g, pkt + 1, pkt[0] == 'P', reply, rlen);
	case 'm':
	case 'M':
		return memory(g, pkt + 1, pkt[0] == 'M', reply, rlen);
	case 'Z':
	case 'z':
		return breakpoint(g, pkt + 1, pkt[0] == 'Z', reply, rlen);
	default:
		return text(reply, rlen, "");
	}
}

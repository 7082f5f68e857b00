/*
 * The BootCtrl record (bootctrl.h): its codec, the rules a valid record
 * keeps, and the state changes. Decoding checks in the order a damaged
 * file shows itself: size, magic, CRC, version, then the fields.
 */
#include <string.h>
#include <zlib.h>

#include "bootctrl.h"
#include "fmt_fail.h"

#define OFF_VERSION 4
#define OFF_SLOTS 8
#define SLOT_BYTES 4
#define OFF_FLOOR 16
#define OFF_CRC 80

_Static_assert(OFF_SLOTS + NX_BOOTCTRL_SLOTS * SLOT_BYTES == OFF_FLOOR, "slots then floor");
_Static_assert(OFF_FLOOR + NX_SEMVER_MAX == OFF_CRC, "floor then CRC");
_Static_assert(OFF_CRC + 4 == NX_BOOTCTRL_SIZE, "CRC ends the record");

void nx_bootctrl_default(struct nx_bootctrl *bc)
{
	memset(bc, 0, sizeof(*bc));
	bc->slot[0] = (struct nx_bootslot){.priority = 1, .successful = 1};
}

static int bootable(const struct nx_bootslot *s)
{
	return s->priority > 0;
}

int nx_bootctrl_active(const struct nx_bootctrl *bc)
{
	int best = -1;

	for (int i = 0; i < NX_BOOTCTRL_SLOTS; i++)
		if (bootable(&bc->slot[i]) && bc->slot[i].successful &&
		    (best < 0 || bc->slot[i].priority > bc->slot[best].priority))
			best = i;
	return best;
}

int nx_bootctrl_pending(const struct nx_bootctrl *bc)
{
	for (int i = 0; i < NX_BOOTCTRL_SLOTS; i++)
		if (bootable(&bc->slot[i]) && !bc->slot[i].successful)
			return i;
	return -1;
}

/* The rules every record keeps; 0 or NX_FMT_EBOOTCTRL_RANGE naming the broken one. */
static int check(const struct nx_bootctrl *bc, struct nx_fmt_err *e)
{
	struct nx_semver v;
	int pending = 0;

	for (int i = 0; i < NX_BOOTCTRL_SLOTS; i++) {
		const struct nx_bootslot *s = &bc->slot[i];
		char n = nx_bootctrl_slot_name(i);

		if (s->priority > NX_BOOTCTRL_PRIORITY_MAX)
			return nx_fmt_fail(e, NX_FMT_EBOOTCTRL_RANGE,
					   "slot %c: priority %u is over %d", n, s->priority,
					   NX_BOOTCTRL_PRIORITY_MAX);
		if (s->tries > NX_BOOTCTRL_TRIES_MAX)
			return nx_fmt_fail(e, NX_FMT_EBOOTCTRL_RANGE,
					   "slot %c: tries %u is over %d", n, s->tries,
					   NX_BOOTCTRL_TRIES_MAX);
		if (s->successful > 1)
			return nx_fmt_fail(e, NX_FMT_EBOOTCTRL_RANGE,
					   "slot %c: successful flag %u is not 0 or 1", n,
					   s->successful);
		if (!bootable(s) && (s->tries != 0 || s->successful))
			return nx_fmt_fail(e, NX_FMT_EBOOTCTRL_RANGE,
					   "slot %c cannot boot but has tries or a success", n);
		if (s->successful && s->tries != 0)
			return nx_fmt_fail(e, NX_FMT_EBOOTCTRL_RANGE,
					   "slot %c is committed but has tries left", n);
		pending += bootable(s) && !s->successful;
	}
	if (bootable(&bc->slot[0]) && bc->slot[0].priority == bc->slot[1].priority)
		return nx_fmt_fail(e, NX_FMT_EBOOTCTRL_RANGE, "both slots have priority %u",
				   bc->slot[0].priority);
	/* Before the committed slot: with two slots, both pending leaves none committed. */
	if (pending > 1)
		return nx_fmt_fail(e, NX_FMT_EBOOTCTRL_RANGE, "both slots are pending");
	if (nx_bootctrl_active(bc) < 0)
		return nx_fmt_fail(e, NX_FMT_EBOOTCTRL_RANGE, "no committed slot");
	if (memchr(bc->floor, '\0', sizeof(bc->floor)) == NULL)
		return nx_fmt_fail(e, NX_FMT_EBOOTCTRL_RANGE, "floor is not terminated");
	if (bc->floor[0] != '\0' && nx_semver_parse(bc->floor, &v) != 0)
		return nx_fmt_fail(e, NX_FMT_EBOOTCTRL_RANGE, "floor '%s' is not a version",
				   bc->floor);
	return 0;
}

static uint32_t crc_of(const uint8_t *buf)
{
	return (uint32_t)crc32(crc32(0L, Z_NULL, 0), buf, OFF_CRC);
}

static int zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

int nx_bootctrl_decode(const uint8_t *buf, size_t len, struct nx_bootctrl *bc, struct nx_fmt_err *e)
{
	struct nx_bootctrl r;
	uint32_t crc;

	if (len != NX_BOOTCTRL_SIZE)
		return nx_fmt_fail(e, NX_FMT_EBOOTCTRL_SIZE, "%zu bytes, not %d", len,
				   NX_BOOTCTRL_SIZE);
	if (memcmp(buf, NX_BOOTCTRL_MAGIC, 4) != 0)
		return nx_fmt_fail(e, NX_FMT_EBOOTCTRL_MAGIC, "bad magic");
	crc = (uint32_t)buf[OFF_CRC] << 24 | (uint32_t)buf[OFF_CRC + 1] << 16 |
	      (uint32_t)buf[OFF_CRC + 2] << 8 | buf[OFF_CRC + 3];
	if (crc != crc_of(buf))
		return nx_fmt_fail(e, NX_FMT_EBOOTCTRL_CRC, "CRC-32 0x%08x does not match", crc);
	if (buf[OFF_VERSION] != NX_BOOTCTRL_VERSION)
		return nx_fmt_fail(e, NX_FMT_EBOOTCTRL_VERSION, "record version %u, not %d",
				   buf[OFF_VERSION], NX_BOOTCTRL_VERSION);
	memset(&r, 0, sizeof(r));
	for (int i = 0; i < NX_BOOTCTRL_SLOTS; i++) {
		const uint8_t *p = buf + OFF_SLOTS + SLOT_BYTES * i;

		r.slot[i] = (struct nx_bootslot){p[0], p[1], p[2]};
		if (p[3] != 0)
			return nx_fmt_fail(e, NX_FMT_EBOOTCTRL_RANGE, "slot %c: reserved byte set",
					   nx_bootctrl_slot_name(i));
	}
	if (!zero(buf + OFF_VERSION + 1, OFF_SLOTS - OFF_VERSION - 1))
		return nx_fmt_fail(e, NX_FMT_EBOOTCTRL_RANGE, "reserved header bytes set");
	memcpy(r.floor, buf + OFF_FLOOR, NX_SEMVER_MAX);
	const char *nul = memchr(r.floor, '\0', sizeof(r.floor));
	if (nul != NULL && !zero((const uint8_t *)nul, (size_t)(r.floor + NX_SEMVER_MAX - nul)))
		return nx_fmt_fail(e, NX_FMT_EBOOTCTRL_RANGE, "bytes after the floor's end");
	int err = check(&r, e);
	if (err != 0)
		return err;
	*bc = r;
	return 0;
}

int nx_bootctrl_encode(const struct nx_bootctrl *bc, uint8_t out[NX_BOOTCTRL_SIZE],
		       struct nx_fmt_err *e)
{
	int err = check(bc, e);
	uint32_t crc;

	if (err != 0)
		return err;
	memset(out, 0, NX_BOOTCTRL_SIZE);
	memcpy(out, NX_BOOTCTRL_MAGIC, 4);
	out[OFF_VERSION] = NX_BOOTCTRL_VERSION;
	for (int i = 0; i < NX_BOOTCTRL_SLOTS; i++) {
		uint8_t *p = out + OFF_SLOTS + SLOT_BYTES * i;

		p[0] = bc->slot[i].priority;
		p[1] = bc->slot[i].tries;
		p[2] = bc->slot[i].successful;
	}
	/* check() found the NUL: strncpy pads the rest with zeros. */
	strncpy((char *)out + OFF_FLOOR, bc->floor, NX_SEMVER_MAX);
	crc = crc_of(out);
	out[OFF_CRC] = (uint8_t)(crc >> 24);
	out[OFF_CRC + 1] = (uint8_t)(crc >> 16);
	out[OFF_CRC + 2] = (uint8_t)(crc >> 8);
	out[OFF_CRC + 3] = (uint8_t)crc;
	return 0;
}

int nx_bootctrl_boot(struct nx_bootctrl *bc, int *rolled_back)
{
	int p = nx_bootctrl_pending(bc);

	*rolled_back = -1;
	if (p < 0)
		return nx_bootctrl_active(bc);
	if (bc->slot[p].tries > 0) {
		bc->slot[p].tries--;
		return p;
	}
	bc->slot[p] = (struct nx_bootslot){0};
	*rolled_back = p;
	return nx_bootctrl_active(bc);
}

int nx_bootctrl_booted(const struct nx_bootctrl *bc)
{
	int p = nx_bootctrl_pending(bc);

	return p >= 0 ? p : nx_bootctrl_active(bc);
}

int nx_bootctrl_invalidate(struct nx_bootctrl *bc, int s)
{
	if (s < 0 || s >= NX_BOOTCTRL_SLOTS || s == nx_bootctrl_active(bc))
		return NX_FMT_EINVAL;
	bc->slot[s] = (struct nx_bootslot){0};
	return 0;
}

int nx_bootctrl_switch(struct nx_bootctrl *bc, int s, unsigned tries)
{
	int a = nx_bootctrl_active(bc);

	if (s < 0 || s >= NX_BOOTCTRL_SLOTS || s == a || tries < 1 || tries > NX_BOOTCTRL_TRIES_MAX)
		return NX_FMT_EINVAL;
	/* Two slots, two priorities: the new one above the fallback. */
	bc->slot[a].priority = 1;
	bc->slot[s] = (struct nx_bootslot){.priority = 2, .tries = (uint8_t)tries};
	return 0;
}

int nx_bootctrl_commit(struct nx_bootctrl *bc, int s, const char *version)
{
	struct nx_semver v;

	if (s != nx_bootctrl_pending(bc) || strlen(version) >= sizeof(bc->floor) ||
	    (version[0] != '\0' && nx_semver_parse(version, &v) != 0))
		return NX_FMT_EINVAL;
	bc->slot[s].successful = 1;
	bc->slot[s].tries = 0;
	strcpy(bc->floor, version);
	return 0;
}

/* -1, 0, 1 as a is older, equal, newer than b; "" (no set) is older than any version. */
static int version_cmp(const char *a, const char *b)
{
	struct nx_semver va, vb;
	int ha = a[0] != '\0' && nx_semver_parse(a, &va) == 0;
	int hb = b[0] != '\0' && nx_semver_parse(b, &vb) == 0;

	if (!ha || !hb)
		return ha - hb;
	return nx_semver_cmp(&va, &vb);
}

void nx_bootctrl_rebuild(struct nx_bootctrl *bc, const char *version_a, const char *version_b)
{
	const char *v[NX_BOOTCTRL_SLOTS] = {version_a, version_b};
	int newer = version_cmp(version_a, version_b) >= 0 ? 0 : 1;
	int older = 1 - newer;
	struct nx_semver sv;

	nx_bootctrl_default(bc);
	if (version_cmp(v[newer], "") == 0)
		return;
	bc->slot[older] = (struct nx_bootslot){.priority = 1, .successful = 1};
	bc->slot[newer] = (struct nx_bootslot){.priority = 2, .tries = NX_BOOTCTRL_TRIES_DEFAULT};
	if (v[older][0] != '\0' && strlen(v[older]) < sizeof(bc->floor) &&
	    nx_semver_parse(v[older], &sv) == 0)
		strcpy(bc->floor, v[older]);
}

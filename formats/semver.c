/* Semantic Versioning 2.0.0 parsing and precedence (semver.org, section 11). */
#include <string.h>

#include "fmt_err.h"
#include "semver.h"

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_ident(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

/* A numeric core part: "0" or no leading zero, fitting in 64 bits. */
static const char *parse_num(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	const char *p = s;
	for (; is_digit(*p); p++) {
		unsigned d = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - d) / 10)
			return NULL;
		v = v * 10 + d;
	}
	if (p == s || (*s == '0' && p - s > 1))
		return NULL;
	*out = v;
	return p;
}

/* Dot-separated non-empty identifiers up to a char outside them; numeric ones checked if asked. */
static const char *parse_idents(const char *s, int numeric_no_leading_zero)
{
	for (;;) {
		const char *p = s;
		int all_digits = 1;
		for (; is_ident(*p); p++)
			all_digits &= is_digit(*p);
		if (p == s)
			return NULL;
		if (numeric_no_leading_zero && all_digits && *s == '0' && p - s > 1)
			return NULL;
		if (*p != '.')
			return p;
		s = p + 1;
	}
}

int nx_semver_parse(const char *s, struct nx_semver *out)
{
	size_t n = strnlen(s, NX_SEMVER_MAX);
	const char *p, *pre = NULL;
	if (n == NX_SEMVER_MAX)
		return NX_FMT_EMANIFEST_CAP;
	if (!(p = parse_num(s, &out->major)) || *p++ != '.' || !(p = parse_num(p, &out->minor)) ||
	    *p++ != '.' || !(p = parse_num(p, &out->patch)))
		return NX_FMT_EMANIFEST_FIELD;
	if (*p == '-') {
		pre = p + 1;
		if (!(p = parse_idents(pre, 1)))
			return NX_FMT_EMANIFEST_FIELD;
	}
	memset(out->pre, 0, sizeof(out->pre));
	if (pre)
		memcpy(out->pre, pre, (size_t)(p - pre));
	if (*p == '+' && !(p = parse_idents(p + 1, 0)))
		return NX_FMT_EMANIFEST_FIELD;
	return *p ? NX_FMT_EMANIFEST_FIELD : 0;
}

static int cmp_u64(uint64_t a, uint64_t b)
{
	return (a > b) - (a < b);
}

/* One prerelease identifier each, [a, a+na) and [b, b+nb). */
static int cmp_ident(const char *a, size_t na, const char *b, size_t nb)
{
	int da = 1, db = 1;
	for (size_t i = 0; i < na; i++)
		da &= is_digit(a[i]);
	for (size_t i = 0; i < nb; i++)
		db &= is_digit(b[i]);
	if (da && db) /* no leading zeros: the longer number is the larger */
		return na != nb ? cmp_u64(na, nb) : memcmp(a, b, na);
	if (da != db)
		return da ? -1 : 1;
	int c = memcmp(a, b, na < nb ? na : nb);
	return c ? c : cmp_u64(na, nb);
}

int nx_semver_cmp(const struct nx_semver *a, const struct nx_semver *b)
{
	int c;
	if ((c = cmp_u64(a->major, b->major)) || (c = cmp_u64(a->minor, b->minor)) ||
	    (c = cmp_u64(a->patch, b->patch)))
		return c;
	if (!a->pre[0] || !b->pre[0]) /* a release ranks above its prereleases */
		return (a->pre[0] == 0) - (b->pre[0] == 0);
	const char *pa = a->pre, *pb = b->pre;
	for (;;) {
		size_t na = strcspn(pa, "."), nb = strcspn(pb, ".");
		if ((c = cmp_ident(pa, na, pb, nb)))
			return c < 0 ? -1 : 1;
		pa += na;
		pb += nb;
		if (!*pa || !*pb)
			return (*pa != 0) - (*pb != 0);
		pa++;
		pb++;
	}
}

/*
 * Log records are checked on both sides: the client so a bad call fails
 * where it is made, logd because a peer's bytes are never trusted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nxd_log.h"
#include "nexus/err.h"

static int log_is_name(const char *s, size_t max)
{
	size_t n = 0;

	for (; s[n] != 0; n++) {
		char ch = s[n];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' ||
		      ch == '.' || ch == '-'))
			return 0;
	}
	return n > 0 && n <= max;
}

static int log_is_text(const char *s)
{
	for (; *s != 0; s++)
		if (*s < 0x20 || *s > 0x7e)
			return 0;
	return 1;
}

int nxd_log_encode(uint8_t *buf, size_t cap, const char *scope, const char *msg,
		   const struct nxd_field *f, size_t n)
{
	size_t off = 0;

	if (!log_is_name(scope, NX_SVC_NAME_MAX - 1) || msg[0] == 0 || !log_is_text(msg) ||
	    n > NX_LOG_FIELDS_MAX)
		return -NX_EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!log_is_name(f[i].key, NX_LOG_KEY_MAX) || !log_is_text(f[i].value))
			return -NX_EINVAL;
	if (cap > NX_LOG_RECORD_MAX)
		cap = NX_LOG_RECORD_MAX;
#define PUT(s)                                                                                     \
	do {                                                                                       \
		size_t k_ = strlen(s);                                                             \
		if (off + k_ + 1 > cap)                                                            \
			return -NX_EMSGSIZE;                                                       \
		memcpy(buf + off, s, k_ + 1);                                                      \
		off += k_ + 1;                                                                     \
	} while (0)
	PUT(scope);
	PUT(msg);
	for (size_t i = 0; i < n; i++) {
		size_t kl = strlen(f[i].key), vl = strlen(f[i].value);

		if (off + kl + 1 + vl + 1 > cap)
			return -NX_EMSGSIZE;
		memcpy(buf + off, f[i].key, kl);
		buf[off + kl] = '=';
		memcpy(buf + off + kl + 1, f[i].value, vl + 1);
		off += kl + 1 + vl + 1;
	}
#undef PUT
	return (int)off;
}

int nxd_log_decode(const uint8_t *body, size_t len, int level, struct nxd_log_rec *r,
		   const char **why)
{
	const char *p = (const char *)body, *end = p + len;
	const char *strs[2 + NX_LOG_FIELDS_MAX];
	size_t ns = 0;

	if (level < NX_LOG_DEBUG || level > NX_LOG_ERROR) {
		*why = "unknown level";
		return -NX_EINVAL;
	}
	if (len == 0 || len > NX_LOG_RECORD_MAX || body[len - 1] != 0) {
		*why = "body empty, over the cap or not NUL-terminated";
		return -NX_EINVAL;
	}
	while (p < end) {
		if (ns == sizeof(strs) / sizeof(strs[0])) {
			*why = "too many fields";
			return -NX_EINVAL;
		}
		strs[ns++] = p;
		p += strlen(p) + 1;
	}
	if (ns < 2 || !log_is_name(strs[0], NX_SVC_NAME_MAX - 1) || strs[1][0] == 0 ||
	    !log_is_text(strs[1])) {
		*why = "bad scope or message";
		return -NX_EINVAL;
	}
	r->level = level;
	r->scope = strs[0];
	r->msg = strs[1];
	r->nfields = ns - 2;
	for (size_t i = 2; i < ns; i++) {
		const char *eq = strchr(strs[i], '=');
		char key[NX_LOG_KEY_MAX + 1];
		size_t kl;

		if (eq == NULL || (kl = (size_t)(eq - strs[i])) == 0 || kl > NX_LOG_KEY_MAX) {
			*why = "field is not key=value";
			return -NX_EINVAL;
		}
		memcpy(key, strs[i], kl);
		key[kl] = 0;
		if (!log_is_name(key, NX_LOG_KEY_MAX) || !log_is_text(eq + 1)) {
			*why = "bad field key or value";
			return -NX_EINVAL;
		}
		for (size_t j = 2; j < i; j++)
			if (strncmp(strs[j], strs[i], kl + 1) == 0) {
				*why = "duplicate field key";
				return -NX_EINVAL;
			}
		/* key points at the field; its length ends at '='. */
		r->fields[i - 2].key = strs[i];
		r->fields[i - 2].value = eq + 1;
	}
	return 0;
}

const char *nxd_log_level_name(int level)
{
	static const char *const names[] = {"debug", "info", "warn", "error"};

	return level >= NX_LOG_DEBUG && level <= NX_LOG_ERROR ? names[level] : "?";
}

/* Keys may be stored as "key=value" (decoded) or plain "key" (client side). */
static size_t log_keylen(const char *k)
{
	const char *eq = strchr(k, '=');

	return eq != NULL ? (size_t)(eq - k) : strlen(k);
}

static int log_field_cmp(const void *a, const void *b)
{
	const struct nxd_field *x = a, *y = b;
	size_t lx = log_keylen(x->key), ly = log_keylen(y->key);
	int c = memcmp(x->key, y->key, lx < ly ? lx : ly);

	return c != 0 ? c : (lx > ly) - (lx < ly);
}

static int log_needs_quotes(const char *v)
{
	return v[0] == 0 || strpbrk(v, " \"\\") != NULL;
}

int nxd_log_format(struct nxd_log_rec *r, char *out, size_t cap)
{
	size_t off = 0;
	int k;

	qsort(r->fields, r->nfields, sizeof(r->fields[0]), log_field_cmp);
	k = snprintf(out, cap, "%s: %s %s", r->scope, nxd_log_level_name(r->level), r->msg);
	if (k < 0 || (size_t)k >= cap)
		return -NX_EMSGSIZE;
	off = (size_t)k;
	for (size_t i = 0; i < r->nfields; i++) {
		const char *v = r->fields[i].value;
		size_t kl = log_keylen(r->fields[i].key);

		if (off + kl + 2 >= cap)
			return -NX_EMSGSIZE;
		out[off++] = ' ';
		memcpy(out + off, r->fields[i].key, kl);
		off += kl;
		out[off++] = '=';
		if (!log_needs_quotes(v)) {
			size_t vl = strlen(v);

			if (off + vl >= cap)
				return -NX_EMSGSIZE;
			memcpy(out + off, v, vl);
			off += vl;
			continue;
		}
		if (off + 1 >= cap)
			return -NX_EMSGSIZE;
		out[off++] = '"';
		for (; *v != 0; v++) {
			if (off + 3 >= cap)
				return -NX_EMSGSIZE;
			if (*v == '"' || *v == '\\')
				out[off++] = '\\';
			out[off++] = *v;
		}
		out[off++] = '"';
	}
	out[off] = 0;
	return (int)off;
}

/*
 * The TOML subset reader (toml.h says what is in and out). One pass over
 * the source, line by line; the document is a tree of nodes in the
 * caller's struct. The redefinition rules are TOML 1.0's: a table header
 * may name a table only implied so far, never one already defined; a key
 * is set once per table; [[x]] appends to an array of tables.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fmt_fail.h"
#include "toml.h"

struct parser {
	struct nx_toml_doc *d;
	const char *p, *end;
	uint32_t line;
	int32_t table; /* where key = value lines go */
	struct nx_fmt_err *e;
};

#define FAIL(ps, code, ...) fail_at(ps, code, __VA_ARGS__)

__attribute__((format(printf, 3, 4))) static int fail_at(struct parser *ps, int code,
							 const char *fmt, ...)
{
	char detail[NX_FMT_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	return nx_fmt_fail(ps->e, code, "line %u: %s", ps->line, detail);
}

/* ---- source checks ---- */

/* Length of the UTF-8 sequence at s (no overlongs, surrogates, > U+10FFFF), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, const unsigned char *end)
{
	uint32_t c;
	size_t n;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, c = s[0] & 0x07;
	else
		return 0;
	if ((size_t)(end - s) < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return n;
}

/* Does the source at s start with word? Never reads past end. */
static int has_prefix(const char *s, const char *end, const char *word)
{
	size_t n = strlen(word);
	return (size_t)(end - s) >= n && !memcmp(s, word, n);
}

static int check_utf8(struct parser *ps)
{
	const unsigned char *s = (const unsigned char *)ps->p,
			    *end = (const unsigned char *)ps->end;
	for (ps->line = 1; s < end;) {
		size_t n = utf8_len(s, end);
		if (!n)
			return FAIL(ps, NX_FMT_ETOML_SYNTAX, "invalid UTF-8");
		/* TOML allows no control character but tab and line ends anywhere. */
		if ((*s < 0x20 && *s != '\t' && *s != '\n' && *s != '\r') || *s == 0x7f)
			return FAIL(ps, NX_FMT_ETOML_SYNTAX, "control character 0x%02x", *s);
		ps->line += *s == '\n';
		s += n;
	}
	ps->line = 1;
	return 0;
}

/* ---- nodes and pool ---- */

static int pool_reserve(struct parser *ps, size_t n)
{
	if (n > NX_TOML_POOL_MAX - ps->d->pool_used)
		return FAIL(ps, NX_FMT_ETOML_LIMIT, "strings exceed %u bytes",
			    (unsigned)NX_TOML_POOL_MAX);
	return 0;
}

static int new_node(struct parser *ps, int32_t parent, enum nx_toml_kind kind, uint32_t key,
		    int32_t *out)
{
	struct nx_toml_doc *d = ps->d;
	if (d->n == NX_TOML_NODES_MAX)
		return FAIL(ps, NX_FMT_ETOML_LIMIT, "more than %d nodes", NX_TOML_NODES_MAX);
	int32_t i = (int32_t)d->n++;
	d->nodes[i] = (struct nx_toml_node){.kind = kind,
					    .key = key,
					    .first = NX_TOML_NONE,
					    .last = NX_TOML_NONE,
					    .next = NX_TOML_NONE,
					    .line = ps->line};
	if (parent != NX_TOML_NONE) {
		struct nx_toml_node *pn = &d->nodes[parent];
		if (pn->last == NX_TOML_NONE)
			pn->first = i;
		else
			d->nodes[pn->last].next = i;
		pn->last = i;
	}
	*out = i;
	return 0;
}

int32_t nx_toml_find(const struct nx_toml_doc *d, int32_t t, const char *key)
{
	for (int32_t i = d->nodes[t].first; i != NX_TOML_NONE; i = d->nodes[i].next)
		if (!strcmp(d->pool + d->nodes[i].key, key))
			return i;
	return NX_TOML_NONE;
}

/* ---- lexing ---- */

static int at_eol(const struct parser *ps)
{
	return ps->p == ps->end || *ps->p == '\n' ||
	       (*ps->p == '\r' && ps->p + 1 < ps->end && ps->p[1] == '\n');
}

static void skip_ws(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t'))
		ps->p++;
}

/* A comment's body may not hold control characters other than tab. */
static int skip_comment(struct parser *ps)
{
	if (ps->p == ps->end || *ps->p != '#')
		return 0;
	for (ps->p++; !at_eol(ps); ps->p++) {
		unsigned char c = (unsigned char)*ps->p;
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return FAIL(ps, NX_FMT_ETOML_SYNTAX, "control character in a comment");
	}
	return 0;
}

/* Whitespace, a comment, then the end of the line (consumed). */
static int end_line(struct parser *ps)
{
	int r;
	skip_ws(ps);
	if ((r = skip_comment(ps)))
		return r;
	if (!at_eol(ps))
		return FAIL(ps, NX_FMT_ETOML_SYNTAX, "unexpected byte 0x%02x after the value",
			    (unsigned char)*ps->p);
	if (ps->p < ps->end) {
		ps->p += *ps->p == '\r' ? 2 : 1;
		ps->line++;
	}
	return 0;
}

static int put_utf8(struct parser *ps, uint32_t c)
{
	char *o = ps->d->pool + ps->d->pool_used;
	size_t n = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
	int r;
	if ((r = pool_reserve(ps, n + 1)))
		return r;
	if (n == 1)
		o[0] = (char)c;
	else {
		static const unsigned char lead[5] = {0, 0, 0xc0, 0xe0, 0xf0};
		for (size_t i = n - 1; i > 0; i--, c >>= 6)
			o[i] = (char)(0x80 | (c & 0x3f));
		o[0] = (char)(lead[n] | c);
	}
	ps->d->pool_used += n;
	return 0;
}

static int escape(struct parser *ps)
{
	static const char from[] = "btnfr\"\\", to[] = "\b\t\n\f\r\"\\";
	char c = ps->p < ps->end ? *ps->p++ : 0;
	const char *hit = c ? strchr(from, c) : NULL;
	uint32_t v = 0;
	if (hit)
		return put_utf8(ps, (unsigned char)to[hit - from]);
	if (c != 'u' && c != 'U')
		return FAIL(ps, NX_FMT_ETOML_SYNTAX, "unknown escape '\\%c'", c ? c : ' ');
	for (int i = 0, n = c == 'u' ? 4 : 8; i < n; i++, ps->p++) {
		char h = ps->p < ps->end ? *ps->p : 0;
		int dv = h >= '0' && h <= '9'	? h - '0'
			 : h >= 'a' && h <= 'f' ? h - 'a' + 10
			 : h >= 'A' && h <= 'F' ? h - 'A' + 10
						: -1;
		if (dv < 0)
			return FAIL(ps, NX_FMT_ETOML_SYNTAX, "\\%c needs %d hex digits", c, n);
		v = v << 4 | (uint32_t)dv;
	}
	if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return FAIL(ps, NX_FMT_ETOML_SYNTAX, "escape \\%c%X is not a Unicode scalar value",
			    c, v);
	if (v == 0)
		return FAIL(ps, NX_FMT_ETOML_UNSUPPORTED, "NUL in a string");
	return put_utf8(ps, v);
}

/* A basic ("...") or literal ('...') string at ps->p into the pool; *off, *len. */
static int string(struct parser *ps, uint32_t *off, uint32_t *len)
{
	char q = *ps->p;
	int r;
	if (ps->end - ps->p >= 3 && ps->p[1] == q && ps->p[2] == q)
		return FAIL(ps, NX_FMT_ETOML_UNSUPPORTED, "multi-line strings");
	*off = (uint32_t)ps->d->pool_used;
	for (ps->p++;;) {
		if (at_eol(ps))
			return FAIL(ps, NX_FMT_ETOML_SYNTAX, "unterminated string");
		unsigned char c = (unsigned char)*ps->p;
		if (c == (unsigned char)q) {
			ps->p++;
			break;
		}
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return FAIL(ps, NX_FMT_ETOML_SYNTAX, "control character in a string");
		if (c == '\\' && q == '"') {
			ps->p++;
			if ((r = escape(ps)))
				return r;
			continue;
		}
		if ((r = pool_reserve(ps, 2)))
			return r;
		ps->d->pool[ps->d->pool_used++] = (char)c;
		ps->p++;
	}
	*len = (uint32_t)(ps->d->pool_used - *off);
	ps->d->pool[ps->d->pool_used++] = 0;
	return 0;
}

static int is_bare(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

/* One key (bare or quoted) into the pool. */
static int key(struct parser *ps, uint32_t *off)
{
	uint32_t len;
	const char *s = ps->p;
	int r;
	if (ps->p < ps->end && (*ps->p == '"' || *ps->p == '\''))
		return string(ps, off, &len);
	while (ps->p < ps->end && is_bare(*ps->p))
		ps->p++;
	if (ps->p == s)
		return FAIL(ps, NX_FMT_ETOML_SYNTAX, "expected a key");
	if ((r = pool_reserve(ps, (size_t)(ps->p - s) + 1)))
		return r;
	*off = (uint32_t)ps->d->pool_used;
	memcpy(ps->d->pool + ps->d->pool_used, s, (size_t)(ps->p - s));
	ps->d->pool_used += (size_t)(ps->p - s);
	ps->d->pool[ps->d->pool_used++] = 0;
	return 0;
}

/* ---- values ---- */

static int is_value_end(const struct parser *ps)
{
	return at_eol(ps) || strchr(" \t#,]", *ps->p);
}

static int integer(struct parser *ps, int64_t *out)
{
	const char *s = ps->p, *t;
	while (ps->p < ps->end && (is_bare(*ps->p) || strchr("+.:", *ps->p)))
		ps->p++;
	size_t n = (size_t)(ps->p - s);
	t = s + (*s == '+' || *s == '-');
	if (memchr(s, '.', n) || memchr(s, ':', n) || (n > 1 && memchr(s + 1, '-', n - 1)) ||
	    ((memchr(s, 'e', n) || memchr(s, 'E', n) || has_prefix(t, ps->p, "inf") ||
	      has_prefix(t, ps->p, "nan")) &&
	     !has_prefix(t, ps->p, "0x")))
		return FAIL(ps, NX_FMT_ETOML_UNSUPPORTED, "floats and dates");
	if (t + 1 < ps->p && t[0] == '0' && strchr("xob", t[1]))
		return FAIL(ps, NX_FMT_ETOML_UNSUPPORTED, "hexadecimal, octal and binary integers");
	if (t == ps->p || (t[0] == '0' && t + 1 != ps->p))
		return FAIL(ps, NX_FMT_ETOML_SYNTAX, "bad integer '%.*s'", (int)n, s);
	uint64_t v = 0, lim = *s == '-' ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (const char *c = t; c < ps->p; c++) {
		if (*c == '_' && c > t && c + 1 < ps->p && c[-1] != '_' && c[1] != '_')
			continue;
		if (*c < '0' || *c > '9')
			return FAIL(ps, NX_FMT_ETOML_SYNTAX, "bad integer '%.*s'", (int)n, s);
		if (v > (lim - (uint64_t)(*c - '0')) / 10)
			return FAIL(ps, NX_FMT_ETOML_LIMIT, "integer '%.*s' outside 64 bits",
				    (int)n, s);
		v = v * 10 + (uint64_t)(*c - '0');
	}
	*out = *s == '-' ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

static int array(struct parser *ps, int32_t node);

/* A value at ps->p into a new node under parent. */
static int value(struct parser *ps, int32_t parent, uint32_t k, int in_array)
{
	struct nx_toml_node *n;
	int32_t i;
	int r;
	char c = ps->p < ps->end ? *ps->p : '\n';
	if (c == '"' || c == '\'') {
		if ((r = new_node(ps, parent, NX_TOML_STRING, k, &i)))
			return r;
		n = &ps->d->nodes[i];
		return string(ps, &n->str, &n->str_len);
	}
	if (in_array)
		return FAIL(ps, NX_FMT_ETOML_UNSUPPORTED, "arrays of anything but strings");
	if (c == '[') {
		if ((r = new_node(ps, parent, NX_TOML_ARRAY, k, &i)))
			return r;
		return array(ps, i);
	}
	if (c == '{')
		return FAIL(ps, NX_FMT_ETOML_UNSUPPORTED, "inline tables");
	if (has_prefix(ps->p, ps->end, "true") || has_prefix(ps->p, ps->end, "false")) {
		int t = *ps->p == 't';
		ps->p += t ? 4 : 5;
		if (!is_value_end(ps))
			return FAIL(ps, NX_FMT_ETOML_SYNTAX, "bad value");
		if ((r = new_node(ps, parent, NX_TOML_BOOL, k, &i)))
			return r;
		ps->d->nodes[i].num = t;
		return 0;
	}
	if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == 'i' || c == 'n') {
		int64_t v;
		if ((r = integer(ps, &v)))
			return r;
		if (!is_value_end(ps))
			return FAIL(ps, NX_FMT_ETOML_SYNTAX, "bad value");
		if ((r = new_node(ps, parent, NX_TOML_INT, k, &i)))
			return r;
		ps->d->nodes[i].num = v;
		return 0;
	}
	return FAIL(ps, NX_FMT_ETOML_SYNTAX, "expected a value");
}

/* Whitespace, newlines and comments inside an array. */
static int array_gap(struct parser *ps)
{
	int r;
	for (;;) {
		skip_ws(ps);
		if ((r = skip_comment(ps)))
			return r;
		if (ps->p == ps->end || !at_eol(ps))
			return 0;
		ps->p += *ps->p == '\r' ? 2 : 1;
		ps->line++;
	}
}

static int array(struct parser *ps, int32_t node)
{
	int r;
	for (ps->p++;;) {
		if ((r = array_gap(ps)))
			return r;
		if (ps->p == ps->end)
			return FAIL(ps, NX_FMT_ETOML_SYNTAX, "unterminated array");
		if (*ps->p == ']')
			break;
		if ((r = value(ps, node, 0, 1)) || (r = array_gap(ps)))
			return r;
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p == ps->end || *ps->p != ']')
			return FAIL(ps, NX_FMT_ETOML_SYNTAX, "expected ',' or ']' in an array");
		break;
	}
	ps->p++;
	return 0;
}

/* ---- lines ---- */

static int keyval(struct parser *ps)
{
	uint32_t k;
	int r;
	if ((r = key(ps, &k)))
		return r;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == '.')
		return FAIL(ps, NX_FMT_ETOML_UNSUPPORTED, "dotted keys (use a [table] header)");
	if (ps->p == ps->end || *ps->p != '=')
		return FAIL(ps, NX_FMT_ETOML_SYNTAX, "expected '=' after the key");
	ps->p++;
	skip_ws(ps);
	if (nx_toml_find(ps->d, ps->table, ps->d->pool + k) != NX_TOML_NONE)
		return FAIL(ps, NX_FMT_ETOML_DUPLICATE, "key '%s' defined twice", ps->d->pool + k);
	if ((r = value(ps, ps->table, k, 0)))
		return r;
	return end_line(ps);
}

/* Descends one path element of a header that is not its last. */
static int descend(struct parser *ps, int32_t *cur, uint32_t k)
{
	int32_t c = nx_toml_find(ps->d, *cur, ps->d->pool + k);
	int r;
	if (c == NX_TOML_NONE) {
		if ((r = new_node(ps, *cur, NX_TOML_TABLE, k, &c)))
			return r;
	} else if (ps->d->nodes[c].kind == NX_TOML_ARRAY_TABLES) {
		c = ps->d->nodes[c].last; /* [a.b] after [[a]] is inside the last a */
	} else if (ps->d->nodes[c].kind != NX_TOML_TABLE) {
		return FAIL(ps, NX_FMT_ETOML_DUPLICATE, "'%s' is a value, not a table",
			    ps->d->pool + k);
	}
	*cur = c;
	return 0;
}

static int header(struct parser *ps)
{
	int aot = ps->p + 1 < ps->end && ps->p[1] == '[';
	int32_t cur = 0, c;
	uint32_t k;
	int r;
	ps->p += aot ? 2 : 1;
	for (;;) {
		skip_ws(ps);
		if ((r = key(ps, &k)))
			return r;
		skip_ws(ps);
		if (ps->p == ps->end || *ps->p != '.')
			break;
		ps->p++;
		if ((r = descend(ps, &cur, k)))
			return r;
	}
	if (ps->end - ps->p < 1 + aot || ps->p[0] != ']' || (aot && ps->p[1] != ']'))
		return FAIL(ps, NX_FMT_ETOML_SYNTAX, "expected '%s' to close the header",
			    aot ? "]]" : "]");
	ps->p += 1 + aot;
	c = nx_toml_find(ps->d, cur, ps->d->pool + k);
	if (aot) {
		if (c == NX_TOML_NONE && (r = new_node(ps, cur, NX_TOML_ARRAY_TABLES, k, &c)))
			return r;
		if (ps->d->nodes[c].kind != NX_TOML_ARRAY_TABLES)
			return FAIL(ps, NX_FMT_ETOML_DUPLICATE,
				    "[[%s]]: '%s' is already defined and not an array of tables",
				    ps->d->pool + k, ps->d->pool + k);
		if ((r = new_node(ps, c, NX_TOML_TABLE, 0, &c)))
			return r;
	} else if (c == NX_TOML_NONE) {
		if ((r = new_node(ps, cur, NX_TOML_TABLE, k, &c)))
			return r;
	} else if (ps->d->nodes[c].kind != NX_TOML_TABLE || ps->d->nodes[c].explicit_) {
		return FAIL(ps, NX_FMT_ETOML_DUPLICATE, "[%s] defined twice", ps->d->pool + k);
	}
	ps->d->nodes[c].explicit_ = 1;
	ps->d->nodes[c].line = ps->line;
	ps->table = c;
	return end_line(ps);
}

int nx_toml_parse(struct nx_toml_doc *d, const char *src, size_t len, struct nx_fmt_err *e)
{
	struct parser ps = {d, src, src + len, 1, 0, e};
	int32_t root;
	int r;
	d->n = 0;
	d->pool_used = 1;
	d->pool[0] = 0; /* offset 0 is the empty key of array elements */
	if (len > NX_TOML_SRC_MAX)
		return nx_fmt_fail(e, NX_FMT_ETOML_LIMIT, "source of %zu bytes, at most %u", len,
				   (unsigned)NX_TOML_SRC_MAX);
	if ((r = check_utf8(&ps)) || (r = new_node(&ps, NX_TOML_NONE, NX_TOML_TABLE, 0, &root)))
		return r;
	d->nodes[root].explicit_ = 1;
	while (ps.p < ps.end) {
		skip_ws(&ps);
		if (ps.p < ps.end && *ps.p == '[')
			r = header(&ps);
		else if (ps.p < ps.end && *ps.p != '#' && !at_eol(&ps))
			r = keyval(&ps);
		else
			r = end_line(&ps);
		if (r)
			return r;
	}
	return 0;
}

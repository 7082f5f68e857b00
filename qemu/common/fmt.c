/* A small vsnprintf for freestanding code (fmt.h). */
#include <stdint.h>

#include "fmt.h"

struct out {
	char *buf;
	size_t cap, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->cap)
		o->buf[o->len] = c;
	o->len++;
}

static void put_str(struct out *o, const char *s)
{
	if (s == NULL)
		s = "(null)";
	while (*s)
		put(o, *s++);
}

static void put_u64(struct out *o, uint64_t v, unsigned base)
{
	char digits[20]; /* 2^64 - 1 has 20 decimal digits */
	int n = 0;

	do {
		digits[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v != 0);
	while (n > 0)
		put(o, digits[--n]);
}

int nxq_vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap)
{
	struct out o = {buf, cap, 0};

	for (; *fmt; fmt++) {
		int longs = 0;
		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		fmt++;
		while (*fmt == 'l' || *fmt == 'z') {
			longs++;
			fmt++;
		}
		switch (*fmt) {
		case 's':
			put_str(&o, va_arg(ap, const char *));
			break;
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case 'd': {
			int64_t v = longs ? va_arg(ap, int64_t) : va_arg(ap, int);
			if (v < 0)
				put(&o, '-');
			put_u64(&o, v < 0 ? -(uint64_t)v : (uint64_t)v, 10);
			break;
		}
		case 'u':
		case 'x':
			put_u64(&o, longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned),
				*fmt == 'u' ? 10 : 16);
			break;
		case '%':
			put(&o, '%');
			break;
		default:
			/* Not one of ours: show it rather than guess at its argument. */
			put(&o, '%');
			if (*fmt == 0)
				goto done;
			put(&o, *fmt);
		}
	}
done:
	if (cap > 0)
		buf[o.len < cap ? o.len : cap - 1] = 0;
	return (int)o.len;
}

int nxq_snprintf(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = nxq_vsnprintf(buf, cap, fmt, ap);
	va_end(ap);
	return n;
}

/* GDB remote protocol framing (gdb_pkt.h). */
#include <string.h>

#include "gdb_pkt.h"

size_t gdb_in_room(const struct gdb_in *in)
{
	return sizeof(in->buf) - in->len;
}

static void take(struct gdb_in *in, size_t n)
{
	memmove(in->buf, in->buf + n, in->len - n);
	in->len -= n;
}

int gdb_hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

enum gdb_item gdb_in_next(struct gdb_in *in, char *out, size_t *outlen)
{
	size_t start = 0;

	/* Anything before a '$' that is not an ack or a break is noise. */
	while (start < in->len && in->buf[start] != '$') {
		uint8_t c = in->buf[start];
		if (c == 0x03 || c == '+' || c == '-') {
			take(in, start + 1);
			return c == 0x03 ? GDB_BREAK : GDB_ACK;
		}
		start++;
	}
	take(in, start);
	uint8_t *end = in->len > 0 ? memchr(in->buf, '#', in->len) : NULL;
	if (end == NULL) {
		/* A packet longer than the buffer can never end: drop it. */
		if (gdb_in_room(in) == 0) {
			in->len = 0;
			return GDB_BAD;
		}
		return GDB_NONE;
	}
	size_t hash = (size_t)(end - in->buf);
	if (in->len < hash + 3)
		return GDB_NONE;
	uint8_t sum = 0;
	size_t n = 0;
	int bad = gdb_hexval(in->buf[hash + 1]) < 0 || gdb_hexval(in->buf[hash + 2]) < 0;
	for (size_t i = 1; i < hash; i++) {
		uint8_t c = in->buf[i];
		sum = (uint8_t)(sum + c);
		if (c == '}' && i + 1 < hash) {
			i++;
			sum = (uint8_t)(sum + in->buf[i]);
			c = in->buf[i] ^ 0x20;
		}
		if (n == GDB_PKT_MAX)
			bad = 1;
		else
			out[n++] = (char)c;
	}
	if (!bad &&
	    sum != (uint8_t)(gdb_hexval(in->buf[hash + 1]) << 4 | gdb_hexval(in->buf[hash + 2])))
		bad = 1;
	take(in, hash + 3);
	if (bad)
		return GDB_BAD;
	out[n] = 0;
	*outlen = n;
	return GDB_PACKET;
}

size_t gdb_frame(const char *data, size_t len, char *out)
{
	static const char hex[] = "0123456789abcdef";
	uint8_t sum = 0;
	size_t n = 0;

	out[n++] = '$';
	for (size_t i = 0; i < len; i++) {
		char c = data[i];
		if (c == '$' || c == '#' || c == '}' || c == '*') {
			out[n++] = '}';
			sum = (uint8_t)(sum + '}');
			c ^= 0x20;
		}
		out[n++] = c;
		sum = (uint8_t)(sum + (uint8_t)c);
	}
	out[n++] = '#';
	out[n++] = hex[sum >> 4];
	out[n++] = hex[sum & 15];
	return n;
}

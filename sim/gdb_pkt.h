/*
 * GDB remote protocol framing: "$data#cc" with a two-hex-digit checksum,
 * '}' escaping (the byte after it XOR 0x20), and the lone 0x03 gdb sends
 * to interrupt. Acks ('+', '-') are the caller's. No I/O here.
 */
#ifndef NEXUS_SIM_GDB_PKT_H
#define NEXUS_SIM_GDB_PKT_H

#include <stddef.h>
#include <stdint.h>

/* Bytes of a packet's data either way: what qSupported announces as PacketSize. */
#define GDB_PKT_MAX 4096

/* Bytes received and not yet taken: room for a whole packet framed and escaped. */
struct gdb_in {
	uint8_t buf[2 * GDB_PKT_MAX + 4];
	size_t len;
};

enum gdb_item {
	GDB_NONE = 0, /* no whole item yet */
	GDB_PACKET,   /* data (unescaped, NUL-terminated) in out */
	GDB_BAD,      /* a packet with a wrong checksum or too long: answer '-' */
	GDB_BREAK,    /* 0x03 */
	GDB_ACK,      /* '+' or '-' from gdb */
};

/* The value of one hex digit, either case; -1 for anything else. */
int gdb_hexval(unsigned char c);

/* Room left in the buffer for more bytes; they go at buf + len. */
size_t gdb_in_room(const struct gdb_in *in);
/* The next item of what was received; out holds GDB_PKT_MAX + 1 bytes. */
enum gdb_item gdb_in_next(struct gdb_in *in, char *out, size_t *outlen);

/* "$data#cc" of len bytes of data into out (room for 2 * len + 4); its length. */
size_t gdb_frame(const char *data, size_t len, char *out);

#endif

/* models/csum.c — Internet checksum over bytes.
 *
 * The one's complement sum is independent of byte order (RFC 1071 §2(B)): summing
 * native-endian words and swapping the folded result gives the big-endian sum. The
 * loop reads 8 bytes at a time (memcpy, so alignment does not matter) and adds the
 * two 32-bit halves into a 64-bit accumulator, which cannot overflow for any length
 * a packet can have; this runs at several bytes per cycle.
 */
#include "models/csum.h"

#include <string.h>

static inline uint16_t fold64(uint64_t s)
{
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

uint32_t inet_csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t acc = 0;

	while (len >= 32) {
		uint64_t a, b, c, d;
		memcpy(&a, p, 8);
		memcpy(&b, p + 8, 8);
		memcpy(&c, p + 16, 8);
		memcpy(&d, p + 24, 8);
		acc += (a & 0xffffffffu) + (a >> 32) + (b & 0xffffffffu) + (b >> 32);
		acc += (c & 0xffffffffu) + (c >> 32) + (d & 0xffffffffu) + (d >> 32);
		p += 32;
		len -= 32;
	}
	while (len >= 8) {
		uint64_t a;
		memcpy(&a, p, 8);
		acc += (a & 0xffffffffu) + (a >> 32);
		p += 8;
		len -= 8;
	}
	while (len >= 2) {
		uint16_t w;
		memcpy(&w, p, 2);
		acc += w;
		p += 2;
		len -= 2;
	}
	if (len) {
		/* The odd byte is the high byte of a zero-padded big-endian word, i.e. the
		 * first byte in memory order. */
		uint8_t last[2] = { p[0], 0 };
		uint16_t w;
		memcpy(&w, last, 2);
		acc += w;
	}
	uint16_t native = fold64(acc);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	native = (uint16_t)((native >> 8) | (native << 8));
#endif
	uint32_t s = sum + native;
	return (s & 0xffff) + (s >> 16);
}

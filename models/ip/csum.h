/* models/ip/csum.h — the Internet checksum (RFC 1071) and its incremental update (RFC 1624).
 *
 * Sums are carried as 32-bit accumulators whose value is the sum of the data read as
 * big-endian 16-bit words, so callers can add pseudo-header fields as plain host
 * integers (addresses in two halves, protocol, length) before finishing:
 *
 *     uint32_t s = inet_csum_add(0, seg, seg_len);
 *     s += (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + proto + seg_len;
 *     sim_put_be16(seg + 16, inet_csum_finish(s));
 *
 * Verifying a received header or segment: the finished sum over the data including
 * its checksum field (plus the pseudo header) is 0.
 */
#ifndef MODELS_IP_CSUM_H
#define MODELS_IP_CSUM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Adds `len` bytes at `data` to the accumulator `sum`. `data` is taken to start at
 * an even offset of the checksummed message (an odd trailing byte is padded with a
 * zero byte, RFC 1071 §1). The returned value fits in 17 bits, so callers can add a
 * few dozen host integers to it without overflow. */
uint32_t inet_csum_add(uint32_t sum, const void *data, size_t len);

/* inet_csum_add() of exactly 20 bytes (an IPv4 or TCP header without options), inline:
 * the per-hop header checks are too short for the loop's set-up to pay. */
static inline uint32_t inet_csum_add20(uint32_t sum, const void *data)
{
	uint32_t w[5];
	memcpy(w, data, 20);
	uint64_t acc = (uint64_t)w[0] + w[1] + w[2] + w[3] + w[4];
	acc = (acc & 0xffff) + (acc >> 16); /* < 2^19 */
	acc = (acc & 0xffff) + (acc >> 16);
	acc = (acc & 0xffff) + (acc >> 16);
	uint32_t native = (uint32_t)acc;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	native = ((native >> 8) | (native << 8)) & 0xffff;
#endif
	uint32_t s = sum + native;
	return (s & 0xffff) + (s >> 16);
}

/* inet_csum_add() that also copies the `len` bytes from src to dst (the regions must
 * not overlap): building a payload and its checksum in one pass over the bytes. */
uint32_t inet_csum_copy(uint32_t sum, void *dst, const void *src, size_t len);

/* The accumulator of a block that starts at an ODD offset of the checksummed message,
 * given the accumulator inet_csum_add() returned for it (which took it to start at an
 * even offset): the same sum with its bytes swapped (RFC 1071 §2(B)). Add the result
 * to the sum of what precedes the block. */
static inline uint32_t inet_csum_odd(uint32_t block_sum)
{
	uint32_t s = (block_sum & 0xffff) + (block_sum >> 16);
	s = (s & 0xffff) + (s >> 16);
	return ((s & 0xff) << 8) | (s >> 8);
}

/* Folds the accumulator to 16 bits and complements it: the value to store in a
 * checksum field (host order; write it with sim_put_be16). */
static inline uint16_t inet_csum_finish(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Incremental update of a stored checksum when one 16-bit word of the covered data
 * changes from old_word to new_word: HC' = ~(~HC + ~m + m') (RFC 1624 §3, eqn. 3),
 * which avoids the -0 problem of eqn. 2. */
static inline uint16_t inet_csum_update16(uint16_t csum, uint16_t old_word, uint16_t new_word)
{
	uint32_t s = (uint16_t)~csum;
	s += (uint16_t)~old_word;
	s += new_word;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

#endif

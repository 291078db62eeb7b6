/* models/tcp/sndbuf.h — the send buffer: a byte ring that grows on demand.
 *
 * Holds the bytes the application wrote that are not yet acknowledged: sent-but-
 * unacknowledged first, then unsent. The application's write copies into it once;
 * each segment is then built by one copy out of it into a pool packet (output.c),
 * and a retransmission copies again from the same bytes. Acknowledged bytes are
 * dropped from the front.
 *
 * The storage grows by doubling up to the limit (SO_SNDBUF) and is allocated only
 * when the application writes, so idle connections cost no buffer memory (10 000
 * flows of one run must fit in memory); once grown, the steady state allocates
 * nothing.
 */
#ifndef MODELS_TCP_SNDBUF_H
#define MODELS_TCP_SNDBUF_H

#include <stddef.h>
#include <stdint.h>

struct tcp_sndbuf {
	uint8_t *buf;
	uint32_t cap;   /* allocated bytes */
	uint32_t head;  /* index of the first byte */
	uint32_t len;   /* bytes held */
};

void tcp_sndbuf_init(struct tcp_sndbuf *b);
void tcp_sndbuf_free(struct tcp_sndbuf *b);

/* Appends up to n bytes, never holding more than `limit` in total. Returns the
 * number of bytes taken. */
uint32_t tcp_sndbuf_write(struct tcp_sndbuf *b, const void *data, uint32_t n, uint32_t limit);

/* Copies n bytes starting `off` bytes after the first into dst (off + n <= len). */
void tcp_sndbuf_copy(const struct tcp_sndbuf *b, uint32_t off, uint32_t n, uint8_t *dst);

/* tcp_sndbuf_copy() that also returns the Internet checksum accumulator of the copied
 * bytes (inet_csum_add of them as if they started at an even offset): a segment's
 * payload and its checksum in one pass (models/ip/csum.h). */
uint32_t tcp_sndbuf_copy_csum(const struct tcp_sndbuf *b, uint32_t off, uint32_t n, uint8_t *dst);

/* Drops n bytes from the front (acknowledged). */
void tcp_sndbuf_drop(struct tcp_sndbuf *b, uint32_t n);

#endif

/* models/tcp/sndbuf.c — the send ring. socket.c writes into it, output.c copies
 * segments out of it, input.c drops what the peer acknowledged. */
#include "models/tcp/sndbuf.h"

#include <glib.h>
#include <string.h>

#include "models/ip/csum.h"

void tcp_sndbuf_init(struct tcp_sndbuf *b)
{
	memset(b, 0, sizeof(*b));
}

void tcp_sndbuf_free(struct tcp_sndbuf *b)
{
	g_free(b->buf);
	memset(b, 0, sizeof(*b));
}

/* Re-lays the ring into a buffer of `cap` bytes, data starting at index 0. */
static void resize(struct tcp_sndbuf *b, uint32_t cap)
{
	uint8_t *nb = g_malloc(cap);
	if (b->len)
		tcp_sndbuf_copy(b, 0, b->len, nb);
	g_free(b->buf);
	b->buf = nb;
	b->cap = cap;
	b->head = 0;
}

uint32_t tcp_sndbuf_write(struct tcp_sndbuf *b, const void *data, uint32_t n, uint32_t limit)
{
	if (b->len >= limit)
		return 0;
	if (n > limit - b->len)
		n = limit - b->len;
	if (n == 0)
		return 0;
	uint32_t need = b->len + n;
	if (need > b->cap) {
		uint32_t cap = b->cap ? b->cap : 4096;
		while (cap < need && cap < limit)
			cap = cap > UINT32_MAX / 2 ? UINT32_MAX : cap * 2;
		if (cap > limit)
			cap = limit > need ? limit : need;
		if (cap < need)
			cap = need;
		resize(b, cap);
	}
	uint32_t tail = (b->head + b->len) % b->cap;
	uint32_t first = b->cap - tail;
	if (first > n)
		first = n;
	memcpy(b->buf + tail, data, first);
	if (n > first)
		memcpy(b->buf, (const uint8_t *)data + first, n - first);
	b->len += n;
	return n;
}

void tcp_sndbuf_copy(const struct tcp_sndbuf *b, uint32_t off, uint32_t n, uint8_t *dst)
{
	g_assert(off <= b->len && n <= b->len - off);
	if (n == 0)
		return;
	uint32_t start = (b->head + off) % b->cap;
	uint32_t first = b->cap - start;
	if (first > n)
		first = n;
	memcpy(dst, b->buf + start, first);
	if (n > first)
		memcpy(dst + first, b->buf, n - first);
}

uint32_t tcp_sndbuf_copy_csum(const struct tcp_sndbuf *b, uint32_t off, uint32_t n, uint8_t *dst)
{
	g_assert(off <= b->len && n <= b->len - off);
	if (n == 0)
		return 0;
	uint32_t start = (b->head + off) % b->cap;
	uint32_t first = b->cap - start;
	if (first > n)
		first = n;
	uint32_t s = inet_csum_copy(0, dst, b->buf + start, first);
	if (n > first) {
		/* The wrapped part continues the payload at offset `first`. */
		uint32_t rest = inet_csum_copy(0, dst + first, b->buf, n - first);
		s += (first & 1) ? inet_csum_odd(rest) : rest;
	}
	return s;
}

void tcp_sndbuf_drop(struct tcp_sndbuf *b, uint32_t n)
{
	g_assert(n <= b->len);
	b->len -= n;
	b->head = b->len ? (b->head + n) % b->cap : 0;
}

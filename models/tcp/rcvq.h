/* models/tcp/rcvq.h — received data: the in-order queue the application reads from,
 * and the out-of-order queue (RFC 9293 §3.10.7.4 first step: segments beyond
 * RCV.NXT are kept, not dropped, and delivered when the gap fills).
 *
 * Both hold the received packets themselves, pulled to their payload: no copy and
 * no allocation per segment (the pool packet that carried the segment is the
 * storage). A packet's `mark` holds its first sequence number; bit 0 of `stamp` says
 * that a FIN follows its last byte, and the bits above it hold the memory the segment
 * is charged (its truesize, models/tcp/rcvwnd.c), which stays with it until it is
 * freed, however much of it is trimmed or read (as Linux charges an skb). `mem` is
 * the sum over a queue.
 *
 * The out-of-order queue is sorted by sequence number and free of overlaps: an
 * arriving segment is trimmed against its neighbours, and segments it covers
 * entirely are dropped. Insertion checks the tail first (the common case of a
 * stream of segments behind one hole), so it is O(1) then and O(n) at worst.
 */
#ifndef MODELS_TCP_RCVQ_H
#define MODELS_TCP_RCVQ_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/core/packet.h"

struct tcp_rcvq {
	struct sim_packet *head, *tail;
	uint32_t bytes;
	uint64_t mem;
};

struct tcp_ooo {
	struct sim_packet *head, *tail;
	uint32_t bytes;
	uint32_t count;
	uint64_t mem;
};

static inline uint32_t tcp_pkt_seq(const struct sim_packet *p)
{
	return p->mark;
}

static inline bool tcp_pkt_fin(const struct sim_packet *p)
{
	return (p->stamp & 1) != 0;
}

/* The memory a queued packet is charged. */
static inline uint32_t tcp_pkt_mem(const struct sim_packet *p)
{
	return (uint32_t)(p->stamp >> 1);
}

/* Sequence number one past the packet's data (the FIN not counted). */
static inline uint32_t tcp_pkt_end(const struct sim_packet *p)
{
	return p->mark + p->len;
}

void tcp_rcvq_init(struct tcp_rcvq *q);
/* Appends in-order data charged `mem` (takes pkt; a zero-length packet is freed). A
 * packet from the out-of-order queue passes the charge it has (tcp_pkt_mem). */
void tcp_rcvq_append(struct tcp_rcvq *q, struct sim_packet *pkt, uint32_t mem);
/* Copies up to n bytes out and drops them. Returns the number copied. buf may be
 * NULL (discard). */
uint32_t tcp_rcvq_read(struct tcp_rcvq *q, void *buf, uint32_t n);
void tcp_rcvq_clear(struct tcp_rcvq *q);
/* tcp_rcvq_read() that hands the bytes to fn where they lie, one contiguous piece
 * (a packet's payload, or part of one) at a time, instead of copying them: a reader
 * that only inspects the bytes (a verifying application) saves a copy. The bytes are
 * valid until fn returns. Returns the number consumed. */
typedef void (*tcp_rcvq_fn)(void *ctx, const uint8_t *data, uint32_t n);
uint32_t tcp_rcvq_consume(struct tcp_rcvq *q, uint32_t n, tcp_rcvq_fn fn, void *ctx);

/* The part of an inserted segment that was queued already (RFC 2883's duplicate):
 * [start, end), empty when start == end. Where the segment overlaps queued data in
 * two places apart, the first. */
struct tcp_ooo_dup {
	uint32_t start, end;
};

void tcp_ooo_init(struct tcp_ooo *q);
/* Inserts a segment whose data starts at `seq` (with a FIN after it if fin), charged
 * `mem`, trimming it against what is queued. Takes pkt. Returns the number of new
 * bytes queued; *dup (may be NULL) says which of its bytes were queued before. */
uint32_t tcp_ooo_insert(struct tcp_ooo *q, struct sim_packet *pkt, uint32_t seq, bool fin,
			uint32_t mem, struct tcp_ooo_dup *dup);
/* Sequence number one past the last byte queued (valid when count > 0). */
static inline uint32_t tcp_ooo_end(const struct tcp_ooo *q)
{
	return tcp_pkt_end(q->tail);
}
/* Removes and returns the first segment if it starts at or before rcv_nxt, trimmed to
 * start exactly at rcv_nxt (segments wholly before rcv_nxt are dropped on the way).
 * NULL when the head is still beyond rcv_nxt or the queue is empty. */
struct sim_packet *tcp_ooo_pop(struct tcp_ooo *q, uint32_t rcv_nxt);
void tcp_ooo_clear(struct tcp_ooo *q);

#endif

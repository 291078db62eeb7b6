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
 *
 * Generated streams. A reader that knows what it will read — the applications'
 * pattern streams, a fixed table from a position (sndbuf.h) — says so with
 * tcp_rcvq_expect(). Each payload queued from then on is compared with the stream at
 * its sequence number, and one that matches is kept as a reference packet pointing
 * into the table (sim_packet_replace_ref): 64 bytes instead of its 1 728-byte buffer,
 * which goes back to the pool at once. A payload that differs (corrupted on the way,
 * or delivered to the wrong place) is kept as it arrived. Either way the reader gets
 * exactly the bytes that arrived, so what it checks and reports is unchanged; the
 * queues of a receiver that waits for a hole to fill hold little more than sequence
 * ranges.
 */
#ifndef MODELS_TCP_RCVQ_H
#define MODELS_TCP_RCVQ_H

#include <stdbool.h>
#include <stdint.h>

#include "models/tcp/sndbuf.h"
#include "sim/core/packet.h"

/* The stream a reader expects (src.table NULL: none): the byte at sequence number
 * `seq` (the next one to be read) is src.table[pos], the following ones follow. */
struct tcp_rcv_gen {
	struct tcp_cyclic_src src;
	uint32_t seq;
	uint32_t pos;
};

struct tcp_rcvq {
	struct sim_packet *head, *tail;
	uint32_t bytes;
	uint64_t mem;
	struct tcp_rcv_gen gen; /* moves on as bytes are read */
};

struct tcp_ooo {
	struct sim_packet *head, *tail;
	uint32_t bytes;
	uint32_t count;
	uint64_t mem;
	const struct tcp_rcv_gen *gen; /* the in-order queue's (tcp_rcvq_expect) */
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
/* The next byte to be read from q, sequence number seq, and those after it are the
 * generated stream src from table position pos (< src->period); ooo (may be NULL)
 * compares against the same stream. Payloads queued from now on are compared with
 * it (see Generated streams above). */
void tcp_rcvq_expect(struct tcp_rcvq *q, struct tcp_ooo *ooo, const struct tcp_cyclic_src *src,
		     uint32_t seq, uint32_t pos);
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
/* Frees every queued segment (the expected stream stays). */
void tcp_ooo_clear(struct tcp_ooo *q);

#endif

/* models/link/queue.h — a link direction's drop-tail output queue, kept as a timeline.
 *
 * Where it sits: link.c owns one per direction; nothing else uses it directly.
 *
 * The queue never holds packets "waiting for an event". A link direction is a FIFO
 * transmitter, so the instant a packet starts serialisation is known when it is
 * enqueued (the transmitter is free at max(now, end of the previous packet)). The
 * queue therefore records, for every packet that has been accepted but has not yet
 * started serialisation, its start time and size. Its occupancy at time t is the set
 * of entries whose start lies after t: the packet being serialised is not counted
 * (as in Linux's qdisc backlog and ns-3's DropTailQueue, where the device holds the
 * packet on the wire). Entries are retired lazily by queue_advance(), so a link needs
 * no event at the dequeue instant unless someone (a trace, a capture) watches it.
 *
 * Drop-tail: a packet that would have to wait is refused when the queue already holds
 * limit_packets packets, or when its bytes would push the queued bytes above
 * limit_bytes. A packet that can start at once (idle transmitter) never waits and is
 * never refused.
 *
 * Complexity: push, advance per retired entry, and the full check are O(1); the ring
 * grows by doubling and never shrinks, so the steady state allocates nothing.
 */
#ifndef MODELS_LINK_QUEUE_H
#define MODELS_LINK_QUEUE_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "models/link/qdisc.h"
#include "sim/core/packet.h"
#include "sim/core/time.h"

/* struct queue_config (the scenario key `queue`) lives in qdisc.h: drop-tail reads
 * its limit_packets and limit_bytes; a limit of 0 means "no limit of this kind". */

/* One accepted packet that has not started serialisation yet. `pkt` is borrowed (the
 * link owns the packet) and valid until `start`. */
struct queue_entry {
	sim_time_t start; /* serialisation start */
	uint32_t bytes;   /* IP datagram bytes */
	struct sim_packet *pkt;
};

struct queue {
	struct queue_config cfg;
	struct queue_entry *ring;
	uint32_t head, count, cap;
	uint64_t bytes; /* sum of entries' bytes */
};

void queue_init(struct queue *q, const struct queue_config *cfg);
void queue_fini(struct queue *q);

/* True when a packet of `bytes` that has to wait would be dropped (drop-tail).
 * Inline, as push and pop below: a link calls them for every packet. */
static inline bool queue_full(const struct queue *q, uint32_t bytes)
{
	if (q->cfg.limit_packets && q->count >= q->cfg.limit_packets)
		return true;
	if (q->cfg.limit_bytes && q->bytes + bytes > q->cfg.limit_bytes)
		return true;
	return false;
}

/* Internal: doubles the ring (queue.c). */
void queue_grow(struct queue *q);

/* Appends an entry; starts must be non-decreasing. */
static inline void queue_push(struct queue *q, sim_time_t start, uint32_t bytes,
                              struct sim_packet *pkt)
{
	if (q->count == q->cap)
		queue_grow(q);
	uint32_t tail = q->head + q->count;
	if (tail >= q->cap)
		tail -= q->cap;
	if (q->count) {
		uint32_t last = tail == 0 ? q->cap - 1 : tail - 1;
		g_assert(q->ring[last].start <= start);
	}
	struct queue_entry *e = &q->ring[tail];
	e->start = start;
	e->bytes = bytes;
	e->pkt = pkt;
	q->count++;
	q->bytes += bytes;
}

/* Oldest entry, or NULL when empty. */
static inline const struct queue_entry *queue_head(const struct queue *q)
{
	return q->count ? &q->ring[q->head] : NULL;
}

/* Removes the oldest entry (the queue must not be empty). */
static inline void queue_pop(struct queue *q)
{
	g_assert(q->count > 0);
	q->bytes -= q->ring[q->head].bytes;
	if (++q->head == q->cap)
		q->head = 0;
	q->count--;
}

/* Entries whose start lies after t, without modifying the queue (for statistics read
 * between events): the occupancy at t. *bytes (may be NULL) receives their bytes. */
uint32_t queue_waiting_at(const struct queue *q, sim_time_t t, uint64_t *bytes);

static inline uint32_t queue_packets(const struct queue *q)
{
	return q->count;
}
static inline uint64_t queue_bytes(const struct queue *q)
{
	return q->bytes;
}

#endif

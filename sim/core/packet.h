/* sim/core/packet.h — packet buffers with headroom, from a per-run pool.
 *
 * A packet is one contiguous buffer holding real bytes: the valid region
 * [data, data + len) sits inside buf[0, size) with room before it (headroom) for
 * lower layers to prepend headers without copying, and room after it (tailroom)
 * for appending payload:
 *
 *     buf                data              data+len            buf+size
 *      |<-- headroom -->|<----- len ------>|<--- tailroom --->|
 *
 * Packets come from a pool with a few size classes and free lists, so the steady
 * state of a run allocates nothing. A freshly allocated packet's bytes are those of
 * whatever packet used the buffer last (or zero), which is deterministic but
 * meaningless: the owner writes every byte it exposes.
 *
 * Ownership: exactly one owner at a time (a queue, a link, a reassembly buffer, a
 * socket). Passing a packet to a function that "takes" it transfers ownership;
 * the receiver frees it or passes it on. `next` is a link for the current owner's
 * queue. Capture and the duplication loss model need copies: sim_packet_clone().
 */
#ifndef SIM_CORE_PACKET_H
#define SIM_CORE_PACKET_H

#include <stdint.h>

#include "sim/core/time.h"

struct sim_packet_pool;

struct sim_packet {
	struct sim_packet *next;      /* owner's queue link */
	uint8_t *data;                /* first valid byte */
	uint32_t len;                 /* valid bytes */
	uint32_t size;                /* bytes in buf[] */
	uint64_t uid;                 /* unique per run, in allocation order */
	sim_time_t stamp;             /* free for the owner (enqueue time, say) */
	struct sim_packet_pool *pool;
	uint32_t mark;                /* free for the owner (flags, a counter) */
	uint8_t size_class;
	uint8_t buf[];
};

#define SIM_PACKET_CLASSES 4

struct sim_packet_pool {
	struct sim_packet *free[SIM_PACKET_CLASSES];
	uint64_t next_uid;
	uint64_t outstanding; /* allocated and not yet freed */
	uint64_t allocations; /* fresh heap allocations (pool misses), for benchmarks */
	uint64_t heap_bytes;  /* bytes taken from the heap so far (the pool's size) */
	/* Growth hook (optional): called when heap_bytes reaches grow_at, which the
	 * hook moves on. The simulator checks its memory budget here (sim.h). */
	uint64_t grow_at;
	void (*grow)(struct sim_packet_pool *pool, void *ctx);
	void *grow_ctx;
};

/* Headroom that fits every header the stack prepends (IPv4 with options, TCP with
 * options). Layers that build packets reserve this much. */
#define SIM_PACKET_HEADROOM 128u

void sim_packet_pool_init(struct sim_packet_pool *pool);
/* Frees the pooled buffers. Outstanding packets are not touched (a leak to report). */
void sim_packet_pool_fini(struct sim_packet_pool *pool);
static inline uint64_t sim_packet_pool_outstanding(const struct sim_packet_pool *pool)
{
	return pool->outstanding;
}

/* A packet with `len` valid bytes (contents unspecified) after `headroom` bytes. */
struct sim_packet *sim_packet_alloc(struct sim_packet_pool *pool, uint32_t headroom, uint32_t len);

/* Returns the packet to its pool. NULL is allowed. */
void sim_packet_free(struct sim_packet *pkt);

/* A copy: same bytes, same headroom, a new uid; stamp and mark are copied. */
struct sim_packet *sim_packet_clone(const struct sim_packet *pkt);

static inline uint32_t sim_packet_headroom(const struct sim_packet *pkt)
{
	return (uint32_t)(pkt->data - pkt->buf);
}

static inline uint32_t sim_packet_tailroom(const struct sim_packet *pkt)
{
	return pkt->size - sim_packet_headroom(pkt) - pkt->len;
}

/* Prepends n bytes (a header) and returns a pointer to them. The headroom must fit. */
uint8_t *sim_packet_push(struct sim_packet *pkt, uint32_t n);

/* Removes n bytes from the front (a parsed header); returns the new data pointer. */
uint8_t *sim_packet_pull(struct sim_packet *pkt, uint32_t n);

/* Appends n bytes at the tail and returns a pointer to them. The tailroom must fit. */
uint8_t *sim_packet_put(struct sim_packet *pkt, uint32_t n);

/* Keeps only the first len bytes (len <= pkt->len). */
void sim_packet_trim(struct sim_packet *pkt, uint32_t len);

#endif

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
 * Carried payload. The layer that writes a payload (TCP building a segment) records
 * where it lies in the buffer, its Internet checksum sum and, if the bytes were
 * copied from memory that never changes (a generated stream's table, sndbuf.h),
 * where from. A receiver then checks the checksum from the carried sum and a
 * generated payload by where it came from, without reading the bytes again — valid
 * only while they are the bytes that were summed: anything that changes bytes of
 * a packet in place (a corruption model) calls sim_packet_bytes_changed(), and
 * sim_packet_alloc() starts with nothing carried. Headers written into the headroom
 * afterwards lie outside the carried range and do not matter. Pulling and trimming
 * change no bytes: a reader compares the range it reads with the carried one.
 *
 * Ownership: exactly one owner at a time (a queue, a link, a reassembly buffer, a
 * socket). Passing a packet to a function that "takes" it transfers ownership;
 * the receiver frees it or passes it on. `next` is a link for the current owner's
 * queue. Capture and the duplication loss model need copies: sim_packet_clone().
 */
#ifndef SIM_CORE_PACKET_H
#define SIM_CORE_PACKET_H

#include <stdbool.h>
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
	/* What the writer of a payload knows about it, carried with the packet so
	 * that a receiver need not read the bytes again (see Carried payload below):
	 * buf[payload_at, payload_at + payload_len) summed to payload_sum, and, when
	 * payload_origin is not NULL, equal to payload_origin[0, payload_len). */
	uint16_t payload_sum;
	uint16_t payload_at;
	uint16_t payload_len;         /* 0: nothing carried */
	uint8_t size_class;
	const uint8_t *payload_origin;
	uint8_t buf[];
};

#define SIM_PACKET_CLASSES 4
#define SIM_PACKET_REF_CLASS 0xfe /* size_class of a reference packet */

struct sim_packet_pool {
	struct sim_packet *free[SIM_PACKET_CLASSES];
	struct sim_packet *free_ref; /* reference packets (sim_packet_replace_ref) */
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
/* Frees the buffers waiting in the free lists (heap_bytes goes down by theirs), so
 * that what is allocated next — the end of a run's summary — reuses their memory
 * instead of adding to the process's peak. The pool stays usable. */
void sim_packet_pool_trim(struct sim_packet_pool *pool);
static inline uint64_t sim_packet_pool_outstanding(const struct sim_packet_pool *pool)
{
	return pool->outstanding;
}

/* A packet with `len` valid bytes (contents unspecified) after `headroom` bytes. */
struct sim_packet *sim_packet_alloc(struct sim_packet_pool *pool, uint32_t headroom, uint32_t len);

/* Replaces `from` by a reference packet: one whose `data` points at from->len
 * read-only bytes held elsewhere, equal to from's (a generated stream's table, which
 * outlives the packet), with from's uid, stamp and mark; `from` is freed. A reference
 * packet is its header alone (no buffer: 64 bytes where a full-sized packet takes
 * 1 728): it can be pulled, trimmed, read and freed, not pushed or put to. A receive
 * queue holding a payload it has checked against the stream keeps it this way
 * (models/tcp/rcvq.c). */
struct sim_packet *sim_packet_replace_ref(struct sim_packet *from, const uint8_t *data);

static inline bool sim_packet_is_ref(const struct sim_packet *pkt)
{
	return pkt->size_class == SIM_PACKET_REF_CLASS;
}

/* Records the payload just written at p (inside the buffer, n bytes) as summed to
 * `sum` (an inet_csum_add accumulator of them from an even offset) and, when origin
 * is not NULL, copied from origin[0, n), which never changes. Nothing is recorded
 * when the range does not fit the fields. */
static inline void sim_packet_carry(struct sim_packet *pkt, const uint8_t *p, uint32_t n,
				    uint32_t sum, const uint8_t *origin)
{
	uint64_t at = (uint64_t)(p - pkt->buf);
	if (at > UINT16_MAX || n > UINT16_MAX || n == 0)
		return;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16); /* congruent: the checksum is the same */
	pkt->payload_at = (uint16_t)at;
	pkt->payload_len = (uint16_t)n;
	pkt->payload_sum = (uint16_t)sum;
	pkt->payload_origin = origin;
}

/* Bytes of the packet were changed in place: nothing carried holds any more. */
static inline void sim_packet_bytes_changed(struct sim_packet *pkt)
{
	pkt->payload_len = 0;
	pkt->payload_origin = NULL;
}

/* Whether [p, p + n) is exactly the carried payload (its sum then is payload_sum). */
static inline bool sim_packet_carried_exactly(const struct sim_packet *pkt, const uint8_t *p,
					      uint32_t n)
{
	return pkt->payload_len != 0 && n == pkt->payload_len && p == pkt->buf + pkt->payload_at;
}

/* Where the bytes [p, p + n) came from, if they lie within a carried payload copied
 * from unchanging memory: the matching place in that memory; else NULL. */
static inline const uint8_t *sim_packet_origin_of(const struct sim_packet *pkt, const uint8_t *p,
						  uint32_t n)
{
	if (pkt->payload_origin == NULL || p < pkt->buf + pkt->payload_at)
		return NULL;
	uint64_t off = (uint64_t)(p - (pkt->buf + pkt->payload_at));
	if (off + n > pkt->payload_len)
		return NULL;
	return pkt->payload_origin + off;
}

/* Returns the packet to its pool. NULL is allowed. */
void sim_packet_free(struct sim_packet *pkt);

/* A copy: same bytes, same headroom, a new uid; stamp and mark are copied. The copy
 * of a reference packet is an ordinary packet holding its bytes (no headroom). */
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

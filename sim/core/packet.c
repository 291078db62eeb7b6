/* sim/core/packet.c — pooled packet buffers.
 *
 * Four size classes cover the cases that occur: header-only packets (ACKs, SYNs,
 * ICMP errors: 256 bytes with the headroom), ordinary packets up to an Ethernet MTU
 * plus headroom (1728 bytes, 27 cache lines: 1500 bytes of datagram after the full
 * 128-byte headroom), jumbo frames, and reassembled datagrams up to 64 KiB. Larger
 * requests (never made by the stack) fall back to a one-off allocation. A run with
 * 10 000 flows holds hundreds of thousands of packets at once, a third of them ACKs:
 * the two small classes keep that memory, and the cache lines it sweeps, to what the
 * packets need.
 */
#include "sim/core/packet.h"

#include <glib.h>
#include <string.h>

#define ONE_OFF_CLASS 0xff

static const uint32_t class_bytes[SIM_PACKET_CLASSES] = { 256, 1728, 16384, 65536 + 1024 };

void sim_packet_pool_init(struct sim_packet_pool *pool)
{
	memset(pool, 0, sizeof(*pool));
	pool->next_uid = 1;
	pool->grow_at = UINT64_MAX;
}

void sim_packet_pool_fini(struct sim_packet_pool *pool)
{
	for (int c = 0; c < SIM_PACKET_CLASSES; c++) {
		struct sim_packet *p = pool->free[c];
		while (p) {
			struct sim_packet *n = p->next;
			g_free(p);
			p = n;
		}
		pool->free[c] = NULL;
	}
}

struct sim_packet *sim_packet_alloc(struct sim_packet_pool *pool, uint32_t headroom, uint32_t len)
{
	uint64_t need = (uint64_t)headroom + len;
	struct sim_packet *pkt = NULL;
	uint8_t cls = ONE_OFF_CLASS;

	for (uint8_t c = 0; c < SIM_PACKET_CLASSES; c++) {
		if (need + sizeof(struct sim_packet) <= class_bytes[c]) {
			cls = c;
			break;
		}
	}
	if (cls != ONE_OFF_CLASS && pool->free[cls]) {
		pkt = pool->free[cls];
		pool->free[cls] = pkt->next;
	} else {
		uint64_t total = cls == ONE_OFF_CLASS ? sizeof(struct sim_packet) + need
						      : class_bytes[cls];
		g_assert(total <= UINT32_MAX);
		/* Zeroed once, so even a buggy layer that exposes unwritten bytes produces
		 * the same output on every run. */
		pkt = g_malloc0(total);
		pkt->size = (uint32_t)(total - sizeof(struct sim_packet));
		pkt->size_class = cls;
		pool->allocations++;
		pool->heap_bytes += total;
		if (G_UNLIKELY(pool->heap_bytes >= pool->grow_at) && pool->grow)
			pool->grow(pool, pool->grow_ctx);
	}
	pkt->next = NULL;
	pkt->pool = pool;
	pkt->data = pkt->buf + headroom;
	pkt->len = len;
	pkt->uid = pool->next_uid++;
	pkt->stamp = 0;
	pkt->mark = 0;
	pool->outstanding++;
	return pkt;
}

void sim_packet_free(struct sim_packet *pkt)
{
	if (pkt == NULL)
		return;
	struct sim_packet_pool *pool = pkt->pool;
	g_assert(pool->outstanding > 0);
	pool->outstanding--;
	if (pkt->size_class == ONE_OFF_CLASS) {
		g_free(pkt);
		return;
	}
	pkt->next = pool->free[pkt->size_class];
	pool->free[pkt->size_class] = pkt;
}

struct sim_packet *sim_packet_clone(const struct sim_packet *pkt)
{
	struct sim_packet *c = sim_packet_alloc(pkt->pool, sim_packet_headroom(pkt), pkt->len);
	memcpy(c->data, pkt->data, pkt->len);
	c->stamp = pkt->stamp;
	c->mark = pkt->mark;
	return c;
}

uint8_t *sim_packet_push(struct sim_packet *pkt, uint32_t n)
{
	if (G_UNLIKELY(sim_packet_headroom(pkt) < n))
		g_error("sim_packet_push: %u bytes requested, %u of headroom", n,
			sim_packet_headroom(pkt));
	pkt->data -= n;
	pkt->len += n;
	return pkt->data;
}

uint8_t *sim_packet_pull(struct sim_packet *pkt, uint32_t n)
{
	g_assert(n <= pkt->len);
	pkt->data += n;
	pkt->len -= n;
	return pkt->data;
}

uint8_t *sim_packet_put(struct sim_packet *pkt, uint32_t n)
{
	if (G_UNLIKELY(sim_packet_tailroom(pkt) < n))
		g_error("sim_packet_put: %u bytes requested, %u of tailroom", n,
			sim_packet_tailroom(pkt));
	uint8_t *p = pkt->data + pkt->len;
	pkt->len += n;
	return p;
}

void sim_packet_trim(struct sim_packet *pkt, uint32_t len)
{
	g_assert(len <= pkt->len);
	pkt->len = len;
}

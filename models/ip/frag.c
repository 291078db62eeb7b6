/* models/ip/frag.c — see frag.h. */
#include "models/ip/frag.h"

#include <errno.h>
#include <string.h>

#include "models/ip/ecn.h"
#include "models/ip/icmp.h"
#include "models/link/iface.h"
#include "models/ip/ipv4.h"
#include "models/ip/node.h"
#include "sim/core/bytes.h"
#include "sim/core/sim.h"

/* Largest data part of a datagram: 65535 − the 20-byte minimum header. */
#define FRAG_MAX_DATA (IPV4_MAX_DATAGRAM - IPV4_HDR_LEN)
#define FRAG_BLOCKS   ((FRAG_MAX_DATA + 7) / 8)

struct frag_key {
	ipv4_addr_t src, dst;
	uint16_t id;
	uint8_t proto;
};

struct frag_queue {
	struct frag_key key;
	struct node *node;
	struct sim_packet *buf;        /* data area: buf->data[0 .. FRAG_MAX_DATA) */
	uint8_t hdr[IPV4_HDR_MAX_LEN]; /* header of the offset-0 fragment */
	uint32_t hdr_len;              /* 0 until the first fragment arrived */
	uint32_t first_len;            /* data bytes of the first fragment (for the ICMP quote) */
	uint32_t total;                /* data length, once the last fragment fixed it */
	bool have_last;
	uint32_t max_end; /* highest data end seen */
	uint32_t blocks;  /* 8-byte blocks present */
	uint8_t ecn_seen; /* bit 1 << codepoint for each ECN codepoint seen (ecn.h) */
	struct sim_timer timer;
	struct frag_queue *next_free;
	uint64_t bitmap[(FRAG_BLOCKS + 63) / 64];
};

/* ---- fragmentation ---- */

/* Options a non-first fragment keeps: those with the copy flag (RFC 791 §3.1).
 * Returns their length padded to 4 bytes (written to out). */
static uint32_t copied_options(const uint8_t *opt, uint32_t len, uint8_t *out)
{
	uint32_t i = 0, n = 0;
	while (i < len) {
		uint8_t type = opt[i];
		if (type == 0) /* end of option list */
			break;
		if (type == 1) { /* no-operation: not copied */
			i++;
			continue;
		}
		if (i + 1 >= len || opt[i + 1] < 2 || i + opt[i + 1] > len)
			break; /* malformed: stop copying */
		uint8_t olen = opt[i + 1];
		if (type & 0x80) {
			memcpy(out + n, opt + i, olen);
			n += olen;
		}
		i += olen;
	}
	while (n % 4)
		out[n++] = 0;
	return n;
}

int frag_output(struct sim *sim, struct node *node, struct iface *ifc, struct sim_packet *pkt,
                const struct ipv4_hdr *h, uint32_t mtu)
{
	struct ipv4_stats *st = &node->ip_stats;
	const uint8_t *orig = pkt->data;
	uint32_t hl = h->hdr_len;
	uint32_t data_len = h->total_len - hl;
	uint8_t later_opts[IPV4_HDR_MAX_LEN];
	uint32_t later_opt_len = copied_options(orig + IPV4_HDR_LEN, hl - IPV4_HDR_LEN, later_opts);
	uint32_t later_hl = IPV4_HDR_LEN + later_opt_len;
	uint32_t base = ipv4_hdr_frag_bytes(h);
	int n = 0;

	if (mtu < hl + 8 || mtu < later_hl + 8) {
		sim_packet_free(pkt);
		return -EMSGSIZE;
	}
	for (uint32_t off = 0; off < data_len;) {
		uint32_t fhl = off == 0 ? hl : later_hl;
		/* RFC 791: every fragment but the last carries a multiple of 8 bytes. */
		uint32_t chunk = (mtu - fhl) & ~7u;
		if (chunk > data_len - off)
			chunk = data_len - off;
		bool last = off + chunk == data_len;
		struct sim_packet *f = sim_packet_new(sim, SIM_PACKET_HEADROOM, fhl + chunk);
		uint8_t *fp = f->data;
		memcpy(fp, orig, IPV4_HDR_LEN);
		if (off == 0)
			memcpy(fp + IPV4_HDR_LEN, orig + IPV4_HDR_LEN, hl - IPV4_HDR_LEN);
		else
			memcpy(fp + IPV4_HDR_LEN, later_opts, later_opt_len);
		fp[IPV4_OFF_VER_IHL] = (uint8_t)(0x40 | (fhl / 4));
		sim_put_be16(fp + IPV4_OFF_TOTAL_LEN, (uint16_t)(fhl + chunk));
		uint16_t ff = (uint16_t)((base + off) / 8);
		if (h->df)
			ff |= IPV4_FLAG_DF;
		/* The last piece of a re-fragmented fragment keeps the original's MF. */
		if (!last || h->mf)
			ff |= IPV4_FLAG_MF;
		sim_put_be16(fp + IPV4_OFF_FLAGS_FRAG, ff);
		ipv4_hdr_set_csum(fp, fhl);
		memcpy(fp + fhl, orig + hl + off, chunk);
		st->frag_creates++;
		n++;
		if (iface_output(sim, ifc, f) != 0)
			st->out_discards++;
		off += chunk;
	}
	st->frag_oks++;
	sim_packet_free(pkt);
	return n;
}

/* ---- reassembly ---- */

static guint key_hash(gconstpointer p)
{
	const struct frag_key *k = p;
	uint32_t h = k->src * 0x9e3779b1u;
	h ^= k->dst + 0x7f4a7c15u + (h << 6) + (h >> 2);
	h ^= ((uint32_t)k->id << 8 | k->proto) + 0x7f4a7c15u + (h << 6) + (h >> 2);
	return h;
}

static gboolean key_equal(gconstpointer a, gconstpointer b)
{
	const struct frag_key *x = a, *y = b;
	return x->src == y->src && x->dst == y->dst && x->id == y->id && x->proto == y->proto;
}

void frag_table_init(struct frag_table *t, sim_time_t timeout, uint32_t max_queues)
{
	memset(t, 0, sizeof(*t));
	t->queues = g_hash_table_new(key_hash, key_equal);
	t->timeout = timeout;
	t->max_queues = max_queues;
}

static void queue_release(struct sim *sim, struct frag_table *t, struct frag_queue *q)
{
	g_hash_table_remove(t->queues, &q->key);
	t->n_queues--;
	sim_timer_cancel(sim, &q->timer);
	sim_packet_free(q->buf);
	q->buf = NULL;
	q->next_free = t->free_list;
	t->free_list = q;
}

static gboolean free_queue_cb(gpointer key, gpointer value, gpointer user)
{
	struct sim *sim = user;
	struct frag_queue *q = value;
	sim_timer_cancel(sim, &q->timer);
	sim_packet_free(q->buf);
	g_free(q);
	return TRUE;
}

void frag_table_fini(struct sim *sim, struct frag_table *t)
{
	/* Order of destruction reaches no output. */
	g_hash_table_foreach_remove(t->queues, free_queue_cb, sim);
	g_hash_table_destroy(t->queues);
	while (t->free_list) {
		struct frag_queue *q = t->free_list;
		t->free_list = q->next_free;
		g_free(q);
	}
	memset(t, 0, sizeof(*t));
}

uint32_t frag_table_pending(const struct frag_table *t)
{
	return t->n_queues;
}

/* RFC 1122 §3.3.2: the reassembly timer expired. */
static void reasm_timeout(struct sim *sim, void *ctx, void *arg)
{
	struct frag_queue *q = ctx;
	struct node *node = q->node;
	node->ip_stats.reasm_timeouts++;
	/* RFC 792: time exceeded, code 1, only if fragment zero is available. The quote is
	 * that fragment as received: its header followed by its data. */
	if (q->hdr_len) {
		uint8_t *quote = q->buf->data - q->hdr_len;
		memcpy(quote, q->hdr, q->hdr_len);
		icmp_send_error(sim, node, quote, q->hdr_len + q->first_len, ICMP_TIME_EXCEEDED,
		                ICMP_EXC_FRAGTIME, 0);
	}
	queue_release(sim, &node->frags, q);
}

static bool bit_get(const struct frag_queue *q, uint32_t b)
{
	return (q->bitmap[b / 64] >> (b % 64)) & 1u;
}

static void bit_set(struct frag_queue *q, uint32_t b)
{
	q->bitmap[b / 64] |= UINT64_C(1) << (b % 64);
}

/* Copies the blocks of [off, end) not yet present ("first copy wins"). */
static void copy_new_blocks(struct frag_queue *q, const uint8_t *data, uint32_t off, uint32_t end)
{
	uint32_t b = off / 8, last = (end + 7) / 8;
	while (b < last) {
		if (bit_get(q, b)) {
			b++;
			continue;
		}
		uint32_t run = b;
		while (run < last && !bit_get(q, run)) {
			bit_set(q, run);
			q->blocks++;
			run++;
		}
		uint32_t from = b * 8, to = run * 8 < end ? run * 8 : end;
		memcpy(q->buf->data + from, data + (from - off), to - from);
		b = run;
	}
}

static void reasm_fail(struct sim *sim, struct node *node, struct frag_queue *q)
{
	node->ip_stats.reasm_fails++;
	queue_release(sim, &node->frags, q);
}

/* RFC 3168 §5.3: reassembly must not lose a congestion indication. From the
 * codepoints the fragments carried: -1 to discard the datagram, else the bits to OR
 * into the first fragment's TOS byte. A CE fragment makes the datagram CE, unless a
 * fragment was Not-ECT, in which case the RFC forbids setting CE and the datagram is
 * dropped instead. Not-ECT mixed with ECT(0)/ECT(1) alone the RFC leaves open; Linux
 * discards those too (net/ipv4/inet_fragment.c ip_frag_ecn_table), and so does this.
 * ECT(0) mixed with ECT(1) keeps the first fragment's codepoint. */
static int reasm_ecn(uint8_t seen)
{
	bool not_ect = seen & (1u << IPV4_ECN_NOT_ECT);
	bool ect_or_ce = seen & ((1u << IPV4_ECN_ECT0) | (1u << IPV4_ECN_ECT1) | (1u << IPV4_ECN_CE));
	if (not_ect && ect_or_ce)
		return -1;
	return (seen & (1u << IPV4_ECN_CE)) ? IPV4_ECN_CE : 0;
}

struct sim_packet *frag_input(struct sim *sim, struct node *node, struct sim_packet *pkt,
                              const struct ipv4_hdr *h)
{
	struct frag_table *t = &node->frags;
	struct ipv4_stats *st = &node->ip_stats;
	struct frag_key key = {.src = h->src, .dst = h->dst, .id = h->id, .proto = h->proto};

	st->reasm_reqds++;
	struct frag_queue *q = g_hash_table_lookup(t->queues, &key);
	if (!q) {
		if (t->n_queues >= t->max_queues) {
			st->reasm_fails++;
			sim_packet_free(pkt);
			return NULL;
		}
		q = t->free_list;
		if (q)
			t->free_list = q->next_free;
		else
			q = g_new(struct frag_queue, 1);
		memset(q, 0, sizeof(*q));
		q->key = key;
		q->node = node;
		q->buf = sim_packet_new(sim, SIM_PACKET_HEADROOM + IPV4_HDR_MAX_LEN, FRAG_MAX_DATA);
		g_hash_table_insert(t->queues, &q->key, q);
		t->n_queues++;
		/* Linux arms the timer when the queue is created and never extends it. */
		sim_timer_arm_in(sim, &q->timer, t->timeout, reasm_timeout, q, NULL);
	}

	uint32_t off = ipv4_hdr_frag_bytes(h);
	uint32_t len = h->total_len - h->hdr_len;
	uint32_t end = off + len;
	const uint8_t *data = pkt->data + h->hdr_len;

	if (h->mf) {
		/* A non-last fragment must carry a multiple of 8 bytes; like Linux, keep
		 * only the whole blocks. */
		end &= ~7u;
	}
	if (end > FRAG_MAX_DATA) {
		sim_packet_free(pkt);
		reasm_fail(sim, node, q);
		return NULL;
	}
	if (!h->mf) {
		/* The last fragment fixes the length; a different second one, or data
		 * already seen beyond it, makes the datagram inconsistent. */
		if ((q->have_last && end != q->total) || end < q->max_end) {
			sim_packet_free(pkt);
			reasm_fail(sim, node, q);
			return NULL;
		}
		q->total = end;
		q->have_last = true;
	} else if (q->have_last && end > q->total) {
		sim_packet_free(pkt);
		reasm_fail(sim, node, q);
		return NULL;
	}
	if (end > q->max_end)
		q->max_end = end;
	if (off == 0 && q->hdr_len == 0) {
		memcpy(q->hdr, pkt->data, h->hdr_len);
		q->hdr_len = h->hdr_len;
		q->first_len = end;
	}
	if (end > off)
		copy_new_blocks(q, data, off, end);
	q->ecn_seen |= (uint8_t)(1u << (h->tos & IPV4_ECN_MASK));
	sim_packet_free(pkt);

	if (!q->have_last || q->hdr_len == 0 || q->blocks != (q->total + 7) / 8)
		return NULL;
	int ecn = reasm_ecn(q->ecn_seen);
	if (q->hdr_len + q->total > IPV4_MAX_DATAGRAM || ecn < 0) {
		reasm_fail(sim, node, q);
		return NULL;
	}

	/* Complete: the first fragment's header, total length updated, MF and offset
	 * cleared, checksum recomputed, in front of the data. */
	struct sim_packet *d = q->buf;
	q->buf = NULL;
	sim_packet_trim(d, q->total);
	uint8_t *hp = sim_packet_push(d, q->hdr_len);
	memcpy(hp, q->hdr, q->hdr_len);
	sim_put_be16(hp + IPV4_OFF_TOTAL_LEN, (uint16_t)(q->hdr_len + q->total));
	uint16_t ff = sim_get_be16(hp + IPV4_OFF_FLAGS_FRAG) & IPV4_FLAG_DF;
	sim_put_be16(hp + IPV4_OFF_FLAGS_FRAG, ff);
	hp[IPV4_OFF_TOS] |= (uint8_t)ecn;
	ipv4_hdr_set_csum(hp, q->hdr_len);
	st->reasm_oks++;
	queue_release(sim, t, q);
	return d;
}

/* models/tcp/rcvq.c — in-order and out-of-order receive queues (input.c fills them,
 * socket.c's tcp_recv drains the in-order one). */
#include "models/tcp/rcvq.h"

#include <glib.h>
#include <string.h>

#include "models/tcp/seq.h"

void tcp_rcvq_init(struct tcp_rcvq *q)
{
	memset(q, 0, sizeof(*q));
}

void tcp_rcvq_append(struct tcp_rcvq *q, struct sim_packet *pkt, uint32_t mem)
{
	if (pkt->len == 0) {
		sim_packet_free(pkt);
		return;
	}
	pkt->stamp = (sim_time_t)mem << 1;
	q->mem += mem;
	pkt->next = NULL;
	if (q->tail)
		q->tail->next = pkt;
	else
		q->head = pkt;
	q->tail = pkt;
	q->bytes += pkt->len;
}

/* tcp_rcvq_read's callback: append the piece to the buffer. */
static void copy_piece(void *ctx, const uint8_t *data, uint32_t n)
{
	uint8_t **out = ctx;
	memcpy(*out, data, n);
	*out += n;
}

static void discard_piece(void *ctx, const uint8_t *data, uint32_t n)
{
	(void)ctx;
	(void)data;
	(void)n;
}

uint32_t tcp_rcvq_read(struct tcp_rcvq *q, void *buf, uint32_t n)
{
	uint8_t *out = buf;
	return tcp_rcvq_consume(q, n, buf ? copy_piece : discard_piece, &out);
}

uint32_t tcp_rcvq_consume(struct tcp_rcvq *q, uint32_t n, tcp_rcvq_fn fn, void *ctx)
{
	uint32_t done = 0;
	while (done < n && q->head) {
		struct sim_packet *p = q->head;
		uint32_t k = p->len < n - done ? p->len : n - done;
		fn(ctx, p->data, k);
		done += k;
		if (k == p->len) {
			q->head = p->next;
			if (!q->head)
				q->tail = NULL;
			q->mem -= tcp_pkt_mem(p);
			sim_packet_free(p);
		} else {
			sim_packet_pull(p, k);
			p->mark += k;
		}
	}
	q->bytes -= done;
	return done;
}

void tcp_rcvq_clear(struct tcp_rcvq *q)
{
	tcp_rcvq_read(q, NULL, q->bytes);
	g_assert(q->head == NULL);
}

void tcp_ooo_init(struct tcp_ooo *q)
{
	memset(q, 0, sizeof(*q));
}

static void set_meta(struct sim_packet *p, uint32_t seq, bool fin, uint32_t mem)
{
	p->mark = seq;
	p->stamp = ((sim_time_t)mem << 1) | (fin ? 1 : 0);
}

/* Drops `n` bytes from the front of a queued or new packet. */
static void trim_front(struct sim_packet *p, uint32_t n)
{
	sim_packet_pull(p, n);
	p->mark += n;
}

/* Adds [a, b) to the duplicate range: the first one, or one that adjoins it (Linux
 * tcp_dsack_extend). */
static void dup_add(struct tcp_ooo_dup *d, uint32_t a, uint32_t b)
{
	if (!seq_lt(a, b))
		return;
	if (d->start == d->end) {
		d->start = a;
		d->end = b;
	} else if (seq_leq(a, d->end) && seq_leq(d->start, b)) {
		d->start = seq_min(d->start, a);
		d->end = seq_max(d->end, b);
	}
}

uint32_t tcp_ooo_insert(struct tcp_ooo *q, struct sim_packet *pkt, uint32_t seq, bool fin,
			uint32_t mem, struct tcp_ooo_dup *dup)
{
	struct tcp_ooo_dup dummy;
	if (!dup)
		dup = &dummy;
	dup->start = dup->end = seq;
	set_meta(pkt, seq, fin, mem);
	pkt->next = NULL;
	uint32_t s = seq;
	uint32_t e = seq + pkt->len;

	/* Find prev: the last queued segment starting at or before s. The tail first:
	 * segments behind a hole usually arrive in order. */
	struct sim_packet *prev = NULL, *cur;
	if (q->tail && seq_leq(tcp_pkt_seq(q->tail), s)) {
		prev = q->tail;
	} else {
		for (cur = q->head; cur && seq_leq(tcp_pkt_seq(cur), s); cur = cur->next)
			prev = cur;
	}

	/* Trim against prev: its data may cover our front, or all of us. */
	if (prev) {
		uint32_t pe = tcp_pkt_end(prev);
		if (seq_gt(pe, s))
			dup_add(dup, s, seq_min(pe, e));
		if (seq_geq(pe, e) && !(fin && !tcp_pkt_fin(prev) && pe == e)) {
			sim_packet_free(pkt); /* a duplicate of queued data */
			return 0;
		}
		if (seq_gt(pe, s)) {
			if (seq_geq(pe, e)) {
				/* Only the FIN is new: it belongs after prev's data. */
				prev->stamp |= 1;
				sim_packet_free(pkt);
				return 0;
			}
			trim_front(pkt, pe - s);
			s = pe;
		}
	}

	/* Drop successors we cover entirely; trim our tail before a partial one. */
	struct sim_packet *next = prev ? prev->next : q->head;
	while (next && seq_leq(tcp_pkt_end(next), e) && seq_geq(tcp_pkt_seq(next), s)) {
		if (tcp_pkt_end(next) == e && tcp_pkt_fin(next))
			fin = true;
		dup_add(dup, tcp_pkt_seq(next), tcp_pkt_end(next));
		struct sim_packet *n2 = next->next;
		q->bytes -= next->len;
		q->mem -= tcp_pkt_mem(next);
		q->count--;
		sim_packet_free(next);
		next = n2;
	}
	if (next && seq_lt(tcp_pkt_seq(next), e)) {
		dup_add(dup, tcp_pkt_seq(next), e);
		sim_packet_trim(pkt, tcp_pkt_seq(next) - s);
		e = tcp_pkt_seq(next);
		fin = false; /* a FIN inside data the peer also sent: inconsistent, ignore */
	}
	if (pkt->len == 0 && !fin) {
		sim_packet_free(pkt);
		if (prev)
			prev->next = next;
		else
			q->head = next;
		if (!next)
			q->tail = prev;
		return 0;
	}
	set_meta(pkt, s, fin, mem);
	pkt->next = next;
	if (prev)
		prev->next = pkt;
	else
		q->head = pkt;
	if (!next)
		q->tail = pkt;
	q->bytes += pkt->len;
	q->mem += mem;
	q->count++;
	return pkt->len;
}

struct sim_packet *tcp_ooo_pop(struct tcp_ooo *q, uint32_t rcv_nxt)
{
	while (q->head && seq_leq(tcp_pkt_seq(q->head), rcv_nxt)) {
		struct sim_packet *p = q->head;
		q->head = p->next;
		if (!q->head)
			q->tail = NULL;
		q->bytes -= p->len;
		q->mem -= tcp_pkt_mem(p);
		q->count--;
		p->next = NULL;
		uint32_t end = tcp_pkt_end(p);
		if (seq_lt(end, rcv_nxt) || (end == rcv_nxt && !tcp_pkt_fin(p))) {
			sim_packet_free(p); /* already delivered by a retransmission */
			continue;
		}
		if (seq_lt(tcp_pkt_seq(p), rcv_nxt))
			trim_front(p, rcv_nxt - tcp_pkt_seq(p));
		return p;
	}
	return NULL;
}

void tcp_ooo_clear(struct tcp_ooo *q)
{
	while (q->head) {
		struct sim_packet *p = q->head;
		q->head = p->next;
		sim_packet_free(p);
	}
	tcp_ooo_init(q);
}

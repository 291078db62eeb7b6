/* models/link/link.c — see link.h.
 *
 * Path of a packet through one direction:
 *   link_send()      drop-tail: limit check, compute serialisation start/end and
 *                    the arrival time, record the packet in the flight ring (and, if
 *                    it must wait, in the queue timeline); schedule its arrival.
 *                    Other disciplines: qdisc enqueue; if the transmitter is free,
 *                    dir_qdisc_xmit().
 *   [start_timer]    drop-tail, only when a capture or a queue trace watches the
 *                    direction: the dequeue instant (capture, trace row).
 *   [xmit_timer]     other disciplines: the transmitter is free; dir_qdisc_xmit()
 *                    dequeues the next packet and launches it as link_send() does.
 *   arrival          loss model, duplication, corruption; the receive hook of
 *                    the port at the other end.
 */
#include "models/link/link.h"

#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/sim.h"

void link_dir_config_default(struct link_dir_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->bandwidth_bps = 10000000;
	cfg->delay = 0;
	cfg->mtu = 1500;
	cfg->framing_bytes = 0;
	queue_config_default(&cfg->queue);
	loss_config_default(&cfg->loss);
	cfg->jitter = 0;
	cfg->reorder = false;
	cfg->duplicate = 0.0;
	cfg->corrupt = 0.0;
}

const char *link_dir_config_check(const struct link_dir_config *cfg)
{
	if (cfg->bandwidth_bps == 0)
		return "bandwidth must be greater than 0";
	if (cfg->delay < 0)
		return "delay must not be negative";
	if (cfg->mtu < 68)
		return "mtu must be at least 68 (RFC 791)";
	if (cfg->mtu > 65535)
		return "mtu must be at most 65535";
	if (cfg->jitter < 0)
		return "jitter must not be negative";
	if (!(cfg->duplicate >= 0.0 && cfg->duplicate <= 1.0))
		return "duplicate must lie in [0, 1]";
	if (!(cfg->corrupt >= 0.0 && cfg->corrupt <= 1.0))
		return "corrupt must lie in [0, 1]";
	const char *why = queue_config_check(&cfg->queue);
	if (why)
		return why;
	for (uint32_t i = 0; i < cfg->n_outages; i++) {
		if (cfg->outages[i].start < 0)
			return "an outage must not start before time 0";
		if (cfg->outages[i].end <= cfg->outages[i].start)
			return "an outage must end after it starts";
	}
	return loss_config_check(&cfg->loss);
}

const char *link_dir_name(enum link_dir dir)
{
	return dir == LINK_FORWARD ? "forward" : "reverse";
}

static bool dir_watched(const struct link_direction *d)
{
	return d->queue_trace != NULL || (d->from && d->from->tap != NULL);
}

static const char *const reason_name[] = {
	[QDISC_OVERLIMIT] = "overlimit", [QDISC_AQM_DROP] = "aqm_drop", [QDISC_AQM_MARK] = "aqm_mark",
};

/* One queue trace row; `reason` NULL writes "-", a negative sojourn "nan". */
static void trace_row(struct link_direction *d, sim_time_t t, const char *event,
                      const char *reason, sim_time_t sojourn)
{
	struct sim_tsv *tr = d->queue_trace;
	const struct qdisc *q = d->qdisc;
	double avg = NAN, prob = NAN;
	if (q && q->ops->probe)
		q->ops->probe(q, &avg, &prob);
	sim_tsv_time(tr, t);
	sim_tsv_u64(tr, q ? q->qlen : queue_packets(&d->queue));
	sim_tsv_u64(tr, q ? q->backlog : queue_bytes(&d->queue));
	sim_tsv_u64(tr, q ? q->stats.drops_overlimit + q->stats.drops_aqm : d->stats.queue_drops);
	sim_tsv_str(tr, event);
	sim_tsv_u64(tr, q ? q->stats.marks : 0);
	if (sojourn >= 0)
		sim_tsv_ms(tr, sojourn);
	else
		sim_tsv_str(tr, "nan");
	sim_tsv_str(tr, reason ? reason : "-");
	/* nan written directly: a drop-tail trace needs no floating-point formatting. */
	if (isnan(avg))
		sim_tsv_str(tr, "nan");
	else
		sim_tsv_double(tr, avg);
	if (isnan(prob))
		sim_tsv_str(tr, "nan");
	else
		sim_tsv_double(tr, prob);
	sim_tsv_end_row(tr);
}

/* Retires the queue entries whose serialisation has started by `now`. When watched,
 * each one is captured on the sending interface and traced at its exact start. */
static void dir_advance(struct sim *sim, struct link_direction *d, sim_time_t now)
{
	const struct queue_entry *e;
	while ((e = queue_head(&d->queue)) != NULL && e->start <= now) {
		sim_time_t start = e->start;
		struct sim_packet *pkt = e->pkt;
		queue_pop(&d->queue);
		if (d->from->tap)
			d->from->tap(sim, d->from->ctx, pkt, start);
		if (d->queue_trace)
			trace_row(d, start, "dequeue", NULL, start - pkt->stamp);
	}
	/* The head entry is what the next packet sent here reads first. */
	if (e)
		__builtin_prefetch(e);
}

static void dir_start_event(struct sim *sim, void *ctx, void *arg)
{
	struct link_direction *d = ctx;
	dir_advance(sim, d, sim_now(sim));
	const struct queue_entry *e = queue_head(&d->queue);
	if (e && dir_watched(d))
		sim_timer_arm_at(sim, &d->start_timer, e->start, dir_start_event, d, NULL);
}

/* Flips one bit of the packet chosen uniformly (netem's corrupt). The one case a
 * single flip would not be caught by a checksum is a UDP checksum turned into 0,
 * which means "no checksum" (RFC 768); that bit is skipped for the next one. */
static void corrupt_packet(struct link_direction *d, struct sim_packet *pkt)
{
	uint64_t nbits = (uint64_t)pkt->len * 8u;
	uint64_t bit = sim_rng_below(&d->corrupt_rng, nbits);
	uint8_t *p = pkt->data;
	if (pkt->len >= 28 && (p[0] >> 4) == 4 && p[9] == 17 &&
	    ((p[6] & 0x1f) | p[7]) == 0) { /* UDP, first fragment */
		uint32_t ihl = (uint32_t)(p[0] & 0x0f) * 4u;
		uint64_t lo = (uint64_t)(ihl + 6) * 8u, hi = lo + 16;
		if (ihl + 8 <= pkt->len && bit >= lo && bit < hi) {
			uint16_t c = (uint16_t)(p[ihl + 6] << 8 | p[ihl + 7]);
			uint16_t flipped = c ^ (uint16_t)(0x8000u >> (bit - lo));
			if (flipped == 0)
				bit = (bit + 1) % nbits;
		}
	}
	p[bit / 8] ^= (uint8_t)(0x80u >> (bit % 8));
}

/* Marks a flight entry whose packet crossed an outage (the top bit of its index). */
#define FLIGHT_DOWN (UINT64_C(1) << 63)

/* Whether [start, arrival] overlaps an outage. Serialisation starts never decrease
 * in a direction (FIFO), so outages that ended before this start are over for good
 * and the cursor skips them; with outages sorted by start, if the first one still
 * running does not begin before the arrival, no later one does. O(1) amortised. */
static bool dir_down_during(struct link_direction *d, sim_time_t start, sim_time_t arrival)
{
	while (d->outage_next < d->n_outages && d->outages[d->outage_next].end <= start)
		d->outage_next++;
	return d->outage_next < d->n_outages && d->outages[d->outage_next].start <= arrival;
}

/* The packet leaves the link toward the receiver. */
static void dir_deliver(struct sim *sim, struct link_direction *d, struct sim_packet *pkt,
                        uint64_t index)
{
	if (index & FLIGHT_DOWN) {
		/* It never leaves a dead link: no loss model, no copy, no corruption. */
		d->stats.down_drops++;
		sim_packet_free(pkt);
		return;
	}
	if (loss_decide(&d->loss, index)) {
		d->stats.lost++;
		sim_packet_free(pkt);
		return;
	}
	struct sim_packet *dup = NULL;
	if (d->cfg.duplicate > 0.0 && sim_rng_bernoulli(&d->dup_rng, d->cfg.duplicate)) {
		dup = sim_packet_clone(pkt);
		d->stats.duplicated++;
	}
	if (d->cfg.corrupt > 0.0 && sim_rng_bernoulli(&d->corrupt_rng, d->cfg.corrupt)) {
		corrupt_packet(d, pkt);
		d->stats.corrupted++;
	}
	struct link_port *to = d->to;
	d->stats.delivered++;
	to->receive(sim, to->ctx, pkt);
	if (dup) {
		d->stats.delivered++;
		to->receive(sim, to->ctx, dup);
	}
}

static void flight_pop(struct link_direction *d)
{
	d->fl_head = (d->fl_head + 1) & (d->fl_cap - 1); /* fl_cap is a power of two */
	d->fl_count--;
	d->fl_head_seq++;
}

/* No-reorder mode: arrivals are in ring order; one timer for the earliest. */
static void dir_arrival_timer(struct sim *sim, void *ctx, void *arg)
{
	struct link_direction *d = ctx;
	sim_time_t now = sim_now(sim);
	while (d->fl_count && d->flight[d->fl_head].arrival <= now) {
		struct link_flight e = d->flight[d->fl_head];
		flight_pop(d);
		dir_deliver(sim, d, e.pkt, e.index);
	}
	if (d->fl_count && !sim_timer_pending(sim, &d->arrival_timer)) {
		const struct link_flight *next = &d->flight[d->fl_head];
		/* The next packet to arrive here: in a large run it has long left the
		 * caches by the time it arrives. Start fetching its first lines now, and
		 * the ring entry after it, which the next arrival reads first. */
		__builtin_prefetch(next->pkt);
		__builtin_prefetch((const char *)next->pkt + 128);
		__builtin_prefetch(&d->flight[(d->fl_head + 1) & (d->fl_cap - 1)]);
		sim_timer_arm_at(sim, &d->arrival_timer, next->arrival, dir_arrival_timer, d, NULL);
	}
}

/* Reorder mode: one event per packet; arg is the packet's flight sequence number. */
static void dir_arrival_one(struct sim *sim, void *ctx, void *arg)
{
	struct link_direction *d = ctx;
	uint64_t seq = (uint64_t)(uintptr_t)arg;
	uint64_t off = seq - d->fl_head_seq;
	g_assert(off < d->fl_count);
	struct link_flight *e = &d->flight[(d->fl_head + off) & (d->fl_cap - 1)];
	struct sim_packet *pkt = e->pkt;
	uint64_t index = e->index;
	g_assert(pkt != NULL);
	e->pkt = NULL;
	e->ev = SIM_EVENT_NONE;
	while (d->fl_count && d->flight[d->fl_head].pkt == NULL)
		flight_pop(d);
	dir_deliver(sim, d, pkt, index);
}

/* Queues and flight rings past this many packets check the memory budget (sim.h),
 * then again at every doubling: an unlimited queue in a loop grows without end. */
#define LINK_MEM_CHECK_FIRST (1u << 16)

/* A queue (or the packets on the wire) reached d->mem_check_at packets. */
static void dir_memory_check(struct sim *sim, struct link_direction *d, const char *what,
			     uint32_t packets)
{
	while (d->mem_check_at <= packets && d->mem_check_at < UINT32_MAX / 2)
		d->mem_check_at *= 2;
	if (!sim_memory_over_budget(sim))
		return;
	char text[200];
	snprintf(text, sizeof(text), "%s of link %s %s grew to %u packets (%llu in the pool)",
		 what, d->link->name, link_dir_name(d->dir), packets,
		 (unsigned long long)sim_packet_pool_outstanding(&sim->pool));
	sim_memory_stop(sim, text);
}

static void flight_grow(struct link_direction *d)
{
	uint32_t ncap = d->fl_cap ? d->fl_cap * 2 : 16; /* powers of two: index by mask */
	struct link_flight *n = g_new(struct link_flight, ncap);
	for (uint32_t i = 0; i < d->fl_count; i++)
		n[i] = d->flight[(d->fl_head + i) % d->fl_cap];
	g_free(d->flight);
	d->flight = n;
	d->fl_cap = ncap;
	d->fl_head = 0;
}

/* Inlined into both senders (drop-tail's link_send is the hot one). */
static inline __attribute__((always_inline)) void flight_push(struct sim *sim, struct link_direction *d, sim_time_t arrival,
                        uint64_t index, struct sim_packet *pkt)
{
	if (d->fl_count == d->fl_cap) {
		flight_grow(d);
		if (G_UNLIKELY(d->fl_cap >= d->mem_check_at))
			dir_memory_check(sim, d, "the packets on the wire", d->fl_count);
	}
	uint64_t seq = d->fl_head_seq + d->fl_count;
	struct link_flight *e = &d->flight[(d->fl_head + d->fl_count) & (d->fl_cap - 1)];
	e->arrival = arrival;
	e->index = index;
	e->pkt = pkt;
	e->ev = SIM_EVENT_NONE;
	d->fl_count++;
	if (d->cfg.reorder)
		e->ev = sim_schedule_at(sim, arrival, dir_arrival_one, d, (void *)(uintptr_t)seq);
	else if (!sim_timer_pending(sim, &d->arrival_timer))
		sim_timer_arm_at(sim, &d->arrival_timer, d->flight[d->fl_head].arrival,
		                 dir_arrival_timer, d, NULL);
}

/* Serialisation from `start`: sets when the transmitter is free again and returns
 * the packet's arrival time (jitter, no overtaking without reordering). */
static inline __attribute__((always_inline)) sim_time_t
dir_serialise(struct link_direction *d, sim_time_t start, uint32_t bytes)
{
	sim_time_t end =
	    start + sim_tx_time((uint64_t)bytes + d->cfg.framing_bytes, d->cfg.bandwidth_bps);
	d->tx_free_at = end;
	sim_time_t arrival = end + d->cfg.delay;
	if (d->cfg.jitter > 0)
		arrival += (sim_time_t)sim_rng_below(&d->jitter_rng, (uint64_t)d->cfg.jitter + 1);
	if (!d->cfg.reorder) {
		/* Without reordering a packet never overtakes the previous one. */
		if (arrival < d->last_arrival)
			arrival = d->last_arrival;
		d->last_arrival = arrival;
	}
	return arrival;
}

static void dir_xmit_event(struct sim *sim, void *ctx, void *arg);

/* A queue discipline's direction, transmitter free at `now`: sends the packet the
 * discipline picks, if any, and arranges to be called again when it is on the wire. */
static void dir_qdisc_xmit(struct sim *sim, struct link_direction *d, sim_time_t now)
{
	struct sim_packet *pkt = qdisc_dequeue(d->qdisc, now);
	if (pkt == NULL)
		return;
	sim_time_t sojourn = now - pkt->stamp;
	sojourn_add(&d->sojourn, sojourn);
	if (d->queue_trace)
		trace_row(d, now, "dequeue", NULL, sojourn);
	if (d->from->tap)
		d->from->tap(sim, d->from->ctx, pkt, now);
	uint64_t index = ++d->stats.tx_packets;
	d->stats.tx_bytes += pkt->len;
	sim_time_t arrival = dir_serialise(d, now, pkt->len);
	if (d->n_outages && dir_down_during(d, now, arrival))
		index |= FLIGHT_DOWN;
	flight_push(sim, d, arrival, index, pkt);
	if (d->qdisc->qlen > 0)
		sim_timer_arm_at(sim, &d->xmit_timer, d->tx_free_at, dir_xmit_event, d, NULL);
}

static void dir_xmit_event(struct sim *sim, void *ctx, void *arg)
{
	struct link_direction *d = ctx;
	(void)arg;
	if (d->tx_free_at <= sim_now(sim))
		dir_qdisc_xmit(sim, d, sim_now(sim));
}

/* link_send() through a queue discipline. Every packet passes through it (as in
 * Linux), even one the idle transmitter takes at once. */
static __attribute__((noinline)) void dir_qdisc_send(struct sim *sim, struct link_direction *d, struct sim_packet *pkt,
                           sim_time_t now)
{
	struct qdisc *q = d->qdisc;
	/* A packet due to start now goes before this one (its event may not have run). */
	if (d->tx_free_at <= now && q->qlen > 0)
		dir_qdisc_xmit(sim, d, now);
	qdisc_enqueue(q, pkt, now);
	if (d->tx_free_at <= now)
		dir_qdisc_xmit(sim, d, now);
	else if (q->qlen > 0 && !sim_timer_pending(sim, &d->xmit_timer))
		sim_timer_arm_at(sim, &d->xmit_timer, d->tx_free_at, dir_xmit_event, d, NULL);
	if (q->qlen > d->stats.max_queue_packets) {
		d->stats.max_queue_packets = q->qlen;
		if (G_UNLIKELY(d->stats.max_queue_packets >= d->mem_check_at))
			dir_memory_check(sim, d, "the queue", d->stats.max_queue_packets);
	}
	if (q->backlog > d->stats.max_queue_bytes)
		d->stats.max_queue_bytes = q->backlog;
}

/* The queue discipline's watcher: the queue trace. */
static void dir_qdisc_watch(void *ctx, enum qdisc_event ev, enum qdisc_reason why, sim_time_t now)
{
	struct link_direction *d = ctx;
	if (ev == QDISC_EV_ENQUEUE)
		trace_row(d, now, "enqueue", NULL, -1);
	else
		trace_row(d, now, ev == QDISC_EV_DROP ? "drop" : "mark", reason_name[why], -1);
}

void link_send(struct sim *sim, struct link *l, enum link_dir dir, struct sim_packet *pkt)
{
	struct link_direction *d = &l->d[dir];
	sim_time_t now = sim_now(sim);
	uint32_t bytes = pkt->len;

	g_assert(bytes > 0);
	if (__builtin_expect(d->qdisc != NULL, 0)) {
		dir_qdisc_send(sim, d, pkt, now);
		return;
	}
	dir_advance(sim, d, now);
	sim_time_t start = d->tx_free_at > now ? d->tx_free_at : now;
	/* Drop-tail; a packet the idle transmitter takes at once never waits. */
	if (start > now && queue_full(&d->queue, bytes)) {
		d->stats.queue_drops++;
		if (d->queue_trace)
			trace_row(d, now, "drop", reason_name[QDISC_OVERLIMIT], -1);
		sim_packet_free(pkt);
		return;
	}
	uint64_t index = ++d->stats.enqueued;
	d->stats.enqueued_bytes += bytes;
	sim_time_t arrival = dir_serialise(d, start, bytes);
	if (d->n_outages && dir_down_during(d, start, arrival))
		index |= FLIGHT_DOWN;

	if (start > now) {
		/* Its sojourn; the count of samples is stats.enqueued (link_get_sojourn). */
		pkt->stamp = now;
		sojourn_add_positive(&d->sojourn, start - now);
		queue_push(&d->queue, start, bytes, pkt);
		if (queue_packets(&d->queue) > d->stats.max_queue_packets) {
			d->stats.max_queue_packets = queue_packets(&d->queue);
			if (G_UNLIKELY(d->stats.max_queue_packets >= d->mem_check_at))
				dir_memory_check(sim, d, "the queue", d->stats.max_queue_packets);
		}
		if (queue_bytes(&d->queue) > d->stats.max_queue_bytes)
			d->stats.max_queue_bytes = queue_bytes(&d->queue);
		if (d->queue_trace)
			trace_row(d, now, "enqueue", NULL, -1);
		if (queue_packets(&d->queue) == 1 && dir_watched(d))
			sim_timer_arm_at(sim, &d->start_timer, start, dir_start_event, d, NULL);
	} else if (d->from->tap) {
		d->from->tap(sim, d->from->ctx, pkt, now);
	}
	flight_push(sim, d, arrival, index, pkt);
}

static int cmp_outage(const void *a, const void *b)
{
	const struct link_outage *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->end < y->end ? -1 : (x->end > y->end);
}

static void dir_init(struct sim *sim, struct link *l, enum link_dir dir, struct link_port *from,
                     struct link_port *to, const struct link_dir_config *cfg)
{
	struct link_direction *d = &l->d[dir];
	const char *dn = link_dir_name(dir);
	memset(d, 0, sizeof(*d));
	d->link = l;
	d->dir = dir;
	d->mem_check_at = LINK_MEM_CHECK_FIRST;
	d->cfg = *cfg;
	d->cfg.loss.drop_list = NULL; /* borrowed; the loss model keeps its own copy */
	d->cfg.outages = NULL;        /* borrowed; copied and sorted below */
	d->cfg.n_outages = 0;
	if (cfg->n_outages) {
		d->outages = g_memdup2(cfg->outages, cfg->n_outages * sizeof(*d->outages));
		d->n_outages = cfg->n_outages;
		qsort(d->outages, d->n_outages, sizeof(*d->outages), cmp_outage);
	}
	d->from = from;
	d->to = to;
	queue_init(&d->queue, &cfg->queue);
	sojourn_init(&d->sojourn);
	if (cfg->queue.type != QUEUE_DROPTAIL || cfg->queue.via_qdisc) {
		char *qn = g_strdup_printf("link:%s:%s:qdisc", l->name, dn);
		d->qdisc = qdisc_new(sim, &cfg->queue, qn, cfg->mtu, cfg->bandwidth_bps,
		                     from->pkt_ops);
		g_free(qn);
	}

	char *name = g_strdup_printf("link:%s:%s:loss", l->name, dn);
	loss_init(&d->loss, sim, &cfg->loss, name);
	g_free(name);
	name = g_strdup_printf("link:%s:%s:jitter", l->name, dn);
	sim_rng_stream(sim, &d->jitter_rng, name);
	g_free(name);
	name = g_strdup_printf("link:%s:%s:duplicate", l->name, dn);
	sim_rng_stream(sim, &d->dup_rng, name);
	g_free(name);
	name = g_strdup_printf("link:%s:%s:corrupt", l->name, dn);
	sim_rng_stream(sim, &d->corrupt_rng, name);
	g_free(name);
}

struct link *link_create(struct sim *sim, const char *name, struct link_port *a,
                         struct link_port *b, const struct link_dir_config *forward,
                         const struct link_dir_config *reverse)
{
	const char *why;
	if ((why = link_dir_config_check(forward)) != NULL)
		g_error("link %s forward: %s", name, why);
	if ((why = link_dir_config_check(reverse)) != NULL)
		g_error("link %s reverse: %s", name, why);
	if (a->link || b->link)
		g_error("link %s: interface already linked", name);
	g_assert(a->receive != NULL && b->receive != NULL);

	struct link *l = g_new0(struct link, 1);
	l->sim = sim;
	l->name = g_strdup(name);
	dir_init(sim, l, LINK_FORWARD, a, b, forward);
	dir_init(sim, l, LINK_REVERSE, b, a, reverse);
	a->link = l;
	a->tx_dir = LINK_FORWARD;
	b->link = l;
	b->tx_dir = LINK_REVERSE;
	return l;
}

void link_free(struct link *l)
{
	if (!l)
		return;
	struct sim *sim = l->sim;
	for (int i = 0; i < 2; i++) {
		struct link_direction *d = &l->d[i];
		sim_timer_cancel(sim, &d->arrival_timer);
		sim_timer_cancel(sim, &d->start_timer);
		sim_timer_cancel(sim, &d->xmit_timer);
		for (uint32_t k = 0; k < d->fl_count; k++) {
			struct link_flight *e = &d->flight[(d->fl_head + k) % d->fl_cap];
			if (e->ev)
				sim_cancel(sim, e->ev);
			sim_packet_free(e->pkt);
		}
		g_free(d->flight);
		g_free(d->outages);
		queue_fini(&d->queue);
		qdisc_free(d->qdisc);
		sojourn_fini(&d->sojourn);
		loss_fini(&d->loss);
		sim_tsv_close(d->queue_trace, NULL);
		if (d->from && d->from->link == l)
			d->from->link = NULL;
	}
	g_free(l->name);
	g_free(l);
}

/* A watcher (capture tap or queue trace) of direction dir came or went. */
static void watch_changed(struct sim *sim, struct link *l, enum link_dir dir)
{
	struct link_direction *d = &l->d[dir];
	if (d->qdisc) {
		/* Dequeues are events already; only the trace needs telling. */
		d->qdisc->watch = d->queue_trace ? dir_qdisc_watch : NULL;
		d->qdisc->watch_ctx = d;
		return;
	}
	/* Entries retired lazily while nobody watched may name packets that have already
	 * arrived: drop them unseen before the watcher can look at them. */
	const struct queue_entry *e;
	while ((e = queue_head(&d->queue)) != NULL && e->start <= sim_now(sim))
		queue_pop(&d->queue);
	if (dir_watched(d) && (e = queue_head(&d->queue)) != NULL)
		sim_timer_arm_at(sim, &d->start_timer, e->start, dir_start_event, d, NULL);
	else if (!dir_watched(d))
		sim_timer_cancel(sim, &d->start_timer);
}

void link_port_set_tap(struct link_port *port,
                       void (*tap)(struct sim *sim, void *ctx, const struct sim_packet *pkt,
                                   sim_time_t t))
{
	port->tap = tap;
	if (port->link)
		watch_changed(port->link->sim, port->link, port->tx_dir);
}

int link_queue_trace_start(struct link *l, enum link_dir dir, const char *path, GError **error)
{
	struct link_direction *d = &l->d[dir];
	g_assert(d->queue_trace == NULL);
	d->queue_trace =
	    sim_tsv_create(path,
	                   "time_s\tqueue_packets\tqueue_bytes\tdrops\tevent\tmarks\tsojourn_ms"
	                   "\treason\taqm_avg\taqm_prob",
	                   error);
	if (!d->queue_trace)
		return -1;
	watch_changed(l->sim, l, dir);
	return 0;
}

int link_queue_trace_stop(struct link *l, enum link_dir dir, GError **error)
{
	struct link_direction *d = &l->d[dir];
	int rc = sim_tsv_close(d->queue_trace, error);
	d->queue_trace = NULL;
	watch_changed(l->sim, l, dir);
	return rc;
}

void link_get_stats(const struct link *l, enum link_dir dir, struct link_stats *out)
{
	const struct link_direction *d = &l->d[dir];
	*out = d->stats;
	if (d->qdisc) {
		const struct qdisc_stats *qs = &d->qdisc->stats;
		out->enqueued = qs->enqueued;
		out->enqueued_bytes = qs->enqueued_bytes;
		out->overlimit_drops = qs->drops_overlimit;
		out->aqm_drops = qs->drops_aqm;
		out->queue_drops = qs->drops_overlimit + qs->drops_aqm;
		out->ecn_marks = qs->marks;
		return;
	}
	uint64_t waiting_bytes;
	uint32_t waiting = queue_waiting_at(&d->queue, sim_now(l->sim), &waiting_bytes);
	out->overlimit_drops = d->stats.queue_drops;
	out->tx_packets = d->stats.enqueued - waiting;
	out->tx_bytes = d->stats.enqueued_bytes - waiting_bytes;
}

void link_get_sojourn(const struct link *l, enum link_dir dir, sim_time_t *mean_ns,
                      sim_time_t *p99_ns)
{
	const struct link_direction *d = &l->d[dir];
	struct sojourn_hist h;
	sojourn_copy(&h, &d->sojourn);
	if (!d->qdisc) {
		/* The timeline counts every accepted packet on arrival, those that wait in
		 * the histogram: take out those that have not started yet (starts are
		 * non-decreasing, so from the tail). */
		h.n = d->stats.enqueued;
		const struct queue *q = &d->queue;
		sim_time_t now = sim_now(l->sim);
		for (uint32_t n = 0; n < q->count; n++) {
			const struct queue_entry *e = &q->ring[(q->head + q->count - 1 - n) % q->cap];
			if (e->start <= now)
				break;
			sojourn_remove(&h, e->start - e->pkt->stamp);
		}
	}
	*mean_ns = h.n ? (sim_time_t)((h.sum_ns + h.n / 2) / h.n) : 0;
	*p99_ns = sojourn_quantile(&h, 0.99);
	sojourn_fini(&h);
}

struct link_port *link_dir_from(const struct link *l, enum link_dir dir)
{
	return l->d[dir].from;
}

struct link_port *link_dir_to(const struct link *l, enum link_dir dir)
{
	return l->d[dir].to;
}

uint32_t link_queue_packets(const struct link *l, enum link_dir dir)
{
	if (l->d[dir].qdisc)
		return l->d[dir].qdisc->qlen;
	return queue_waiting_at(&l->d[dir].queue, sim_now(l->sim), NULL);
}

/* tests/tcp/wire.c — the fake wire and the tiny test application (wire.h). */
#include "tests/tcp/wire.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "models/ip/csum.h"
#include "sim/core/bytes.h"

struct delivery {
	struct fw *w;
	struct fw_host *to;
	struct sim_packet *pkt;
	ipv4_addr_t src, dst;
	uint8_t tos;
	GList *link;
};

static void deliver_fire(struct sim *sim, void *ctx, void *arg)
{
	(void)sim;
	(void)arg;
	struct delivery *d = ctx;
	g_queue_delete_link(&d->w->inflight, d->link);
	d->w->delivered++;
	tcp_stack_input_tos(d->to->stack, d->pkt, d->src, d->dst, d->tos);
	g_free(d);
}

static void schedule_delivery(struct fw *w, struct fw_host *to, const struct sim_packet *pkt,
			      ipv4_addr_t src, ipv4_addr_t dst, uint8_t tos, sim_time_t delay)
{
	struct delivery *d = g_new0(struct delivery, 1);
	d->w = w;
	d->to = to;
	d->tos = tos;
	d->pkt = sim_packet_clone(pkt);
	d->src = src;
	d->dst = dst;
	g_queue_push_tail(&w->inflight, d);
	d->link = w->inflight.tail;
	sim_schedule_in(&w->sim, delay, deliver_fire, d, NULL);
}

static int fw_output(void *ctx, struct sim_packet *pkt, ipv4_addr_t src, ipv4_addr_t dst,
		     uint8_t ttl, uint8_t tos, bool df)
{
	struct fw_host *h = ctx;
	struct fw *w = h->w;
	struct fw_seg *s = g_new0(struct fw_seg, 1);
	s->time = sim_now(&w->sim);
	s->src = src;
	s->dst = dst;
	s->ttl = ttl;
	s->tos = tos;
	s->df = df;
	s->len = pkt->len;
	s->bytes = g_memdup2(pkt->data, pkt->len);
	s->index = h->count++;
	g_assert_cmpint(tcp_seg_parse(s->bytes, s->len, &s->r), ==, 0);
	s->csum_ok = tcp_seg_csum_ok(s->bytes, s->len, src, dst);
	/* The lower edge promises at least 68 bytes of headroom for IPv4. */
	g_assert_cmpuint(sim_packet_headroom(pkt), >=, 68);
	g_ptr_array_add(h->log, s);
	g_queue_push_tail(&h->sent, s);
	if (h->output_error) {
		sim_packet_free(pkt);
		return h->output_error;
	}
	if (w->linked && h->peer) {
		bool dup = false;
		sim_time_t delay = w->fate ? w->fate(w, h, s, &dup, w->fate_ctx) : w->delay;
		/* A router on the way may set CE on an ECN-capable packet (RFC 3168 §5). */
		uint8_t tos_in = tos;
		if ((tos & 3u) && w->mark_ce && w->mark_ce(w, h, s, w->mark_ctx))
			tos_in |= 3u;
		if (delay >= 0) {
			schedule_delivery(w, h->peer, pkt, src, dst, tos_in, delay);
			if (dup)
				schedule_delivery(w, h->peer, pkt, src, dst, tos_in, delay + SIM_US(1));
		} else {
			w->dropped++;
		}
	}
	sim_packet_free(pkt);
	return 0;
}

static int fw_route(void *ctx, ipv4_addr_t dst, ipv4_addr_t *src, uint32_t *mtu)
{
	struct fw_host *h = ctx;
	(void)dst;
	if (h->route_fails)
		return -ENETUNREACH;
	*src = h->addr;
	*mtu = h->mtu;
	return 0;
}

static bool fw_is_local(void *ctx, ipv4_addr_t a)
{
	struct fw_host *h = ctx;
	return a == h->addr || ipv4_is_loopback(a);
}

static void seg_free(gpointer p)
{
	struct fw_seg *s = p;
	g_free(s->bytes);
	g_free(s);
}

static void host_init(struct fw *w, struct fw_host *h, const char *name, ipv4_addr_t addr,
		      const struct tcp_config *cfg)
{
	h->w = w;
	h->addr = addr;
	h->mtu = 1500;
	g_queue_init(&h->sent);
	h->log = g_ptr_array_new_with_free_func(seg_free);
	struct tcp_lower lower = { .ctx = h, .output = fw_output, .route = fw_route,
				   .is_local = fw_is_local };
	h->stack = tcp_stack_new(&w->sim, name, cfg, &lower);
}

void fw_init(struct fw *w, uint64_t seed, const struct tcp_config *cfg)
{
	memset(w, 0, sizeof(*w));
	sim_init(&w->sim, seed);
	struct tcp_config def;
	if (!cfg) {
		tcp_config_defaults(&def, TCP_PROFILE_LINUX);
		cfg = &def;
	}
	host_init(w, &w->a, "A", FW_ADDR_A, cfg);
	host_init(w, &w->b, "B", FW_ADDR_B, cfg);
	w->a.peer = &w->b;
	w->b.peer = &w->a;
	g_queue_init(&w->inflight);
}

void fw_link(struct fw *w, sim_time_t delay)
{
	w->linked = true;
	w->delay = delay;
}

void fw_fini(struct fw *w)
{
	tcp_stack_free(w->a.stack);
	tcp_stack_free(w->b.stack);
	struct delivery *d;
	while ((d = g_queue_pop_head(&w->inflight))) {
		sim_packet_free(d->pkt);
		g_free(d);
	}
	g_queue_clear(&w->a.sent);
	g_queue_clear(&w->b.sent);
	g_ptr_array_free(w->a.log, TRUE);
	g_ptr_array_free(w->b.log, TRUE);
	g_assert_cmpuint(sim_packet_pool_outstanding(&w->sim.pool), ==, 0);
	sim_fini(&w->sim);
}

void fw_run_until(struct fw *w, sim_time_t t)
{
	sim_run(&w->sim, t);
}

void fw_run_for(struct fw *w, sim_time_t d)
{
	sim_run(&w->sim, sim_now(&w->sim) + d);
}

const struct fw_seg *fw_pop(struct fw_host *h)
{
	return g_queue_pop_head(&h->sent);
}

guint fw_pending(const struct fw_host *h)
{
	return g_queue_get_length((GQueue *)&h->sent);
}

void fw_drain(struct fw_host *h)
{
	g_queue_clear(&h->sent);
}

void fw_inject(struct fw_host *h, const struct tcp_repr *r, const void *payload, uint32_t len)
{
	fw_inject_tos(h, r, payload, len, 0);
}

void fw_inject_tos(struct fw_host *h, const struct tcp_repr *r, const void *payload, uint32_t len,
		   uint8_t tos)
{
	uint32_t hl = tcp_seg_hdr_len(r);
	struct sim_packet *pkt = sim_packet_new(&h->w->sim, SIM_PACKET_HEADROOM, hl + len);
	tcp_seg_write(pkt->data, r);
	if (len)
		memcpy(pkt->data + hl, payload, len);
	ipv4_addr_t src = h->peer->addr;
	tcp_seg_set_csum(pkt->data, pkt->len, src, h->addr);
	tcp_stack_input_tos(h->stack, pkt, src, h->addr, tos);
}

void fw_inject_simple(struct fw_host *h, uint16_t sport, uint16_t dport, uint8_t flags,
		      uint32_t seq, uint32_t ack, uint16_t win, const void *payload, uint32_t len)
{
	struct tcp_repr r;
	memset(&r, 0, sizeof(r));
	r.src_port = sport;
	r.dst_port = dport;
	r.flags = flags;
	r.seq = seq;
	r.ack = ack;
	r.window = win;
	fw_inject(h, &r, payload, len);
}

void fw_inject_raw(struct fw_host *h, const uint8_t *seg, uint32_t len, bool fix_csum)
{
	struct sim_packet *pkt = sim_packet_new(&h->w->sim, SIM_PACKET_HEADROOM, len);
	memcpy(pkt->data, seg, len);
	ipv4_addr_t src = h->peer->addr;
	if (fix_csum && len >= TCP_HDR_MIN)
		tcp_seg_set_csum(pkt->data, pkt->len, src, h->addr);
	tcp_stack_input(h->stack, pkt, src, h->addr);
}

void fw_icmp_frag_needed(struct fw *w, const struct fw_seg *s, uint16_t mtu)
{
	/* The quoted datagram: a 20-byte IPv4 header and the first bytes of the TCP
	 * segment, as a router would quote it. */
	uint8_t q[20 + 60];
	memset(q, 0, sizeof(q));
	q[0] = 0x45;
	sim_put_be16(q + 2, (uint16_t)(20 + s->len));
	q[6] = 0x40;
	q[8] = s->ttl;
	q[9] = TCP_PROTO;
	sim_put_be32(q + 12, s->src);
	sim_put_be32(q + 16, s->dst);
	uint32_t n = s->len < 60 ? s->len : 60;
	memcpy(q + 20, s->bytes, n);
	struct fw_host *h = s->src == w->a.addr ? &w->a : &w->b;
	tcp_stack_icmp_error(h->stack, 3, 4, mtu, q, 20 + n);
}

char *fw_seg_str(const struct fw_seg *s, char *buf, size_t n)
{
	char r[160];
	snprintf(buf, n, "t=%" G_GINT64_FORMAT " %s", s->time, tcp_repr_format(&s->r, r, sizeof(r)));
	return buf;
}

/* ---- the test application ---- */

void fw_app_init(struct fw_app *a, struct tcp_sock *s)
{
	memset(a, 0, sizeof(*a));
	a->s = s;
	a->call_events = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	a->call_times = g_array_new(FALSE, FALSE, sizeof(sim_time_t));
	a->hash_in = g_checksum_new(G_CHECKSUM_SHA256);
	a->hash_out = g_checksum_new(G_CHECKSUM_SHA256);
}

void fw_app_fini(struct fw_app *a)
{
	g_array_free(a->call_events, TRUE);
	g_array_free(a->call_times, TRUE);
	g_checksum_free(a->hash_in);
	g_checksum_free(a->hash_out);
}

void fw_app_pump_write(struct fw_app *a)
{
	uint8_t buf[65536];
	uint32_t chunk = a->write_chunk ? a->write_chunk : sizeof(buf);
	while (a->s && a->written < a->to_write) {
		uint64_t left = a->to_write - a->written;
		uint32_t n = left < chunk ? (uint32_t)left : chunk;
		for (uint32_t i = 0; i < n; i++)
			buf[i] = fw_pattern(a->tag, a->written + i);
		ssize_t r = tcp_send(a->s, buf, n);
		if (r <= 0)
			break;
		g_checksum_update(a->hash_out, buf, (gssize)r);
		a->written += (uint64_t)r;
	}
	if (a->s && a->to_write && a->written == a->to_write) {
		if (a->close_when_done) {
			tcp_close(a->s);
			a->s = NULL;
		} else if (a->shutdown_when_done) {
			tcp_shutdown(a->s, TCP_SHUT_WR);
			a->shutdown_when_done = false;
		}
	}
}

void fw_app_cb(struct sim *sim, struct tcp_sock *s, uint32_t events, void *ctx)
{
	struct fw_app *a = ctx;
	(void)s;
	sim_time_t now = sim_now(sim);
	a->calls++;
	a->events_seen |= events;
	g_array_append_val(a->call_events, events);
	g_array_append_val(a->call_times, now);
	if ((events & TCP_EV_READABLE) && a->read_all) {
		uint8_t buf[65536];
		uint32_t chunk = a->read_chunk ? a->read_chunk : sizeof(buf);
		uint32_t reads = 0;
		for (;;) {
			if (a->max_reads && reads == a->max_reads)
				break;
			ssize_t r = tcp_recv(a->s, buf, chunk);
			reads++;
			if (r > 0) {
				g_checksum_update(a->hash_in, buf, (gssize)r);
				a->bytes_read += (uint64_t)r;
				continue;
			}
			if (r == 0)
				a->eof = true;
			else if (r != -EAGAIN)
				a->error = (int)r;
			break;
		}
		if (a->eof && a->close_on_eof && a->s) {
			tcp_close(a->s);
			a->s = NULL;
			return;
		}
	}
	if ((events & TCP_EV_ERROR) && a->s) {
		int e = tcp_get_error(a->s);
		if (e)
			a->error = e;
	}
	if ((events & TCP_EV_WRITABLE) && a->s)
		fw_app_pump_write(a);
	/* A well-behaved level-triggered application drops interest in what it will not
	 * act on (epoll LT reports a condition until it is handled). */
	if (a->s && !a->edge) {
		uint32_t want = a->interest;
		if (a->to_write == 0 || a->written == a->to_write)
			want &= ~(uint32_t)TCP_EV_WRITABLE;
		if (!a->read_all || a->eof || a->error)
			want &= ~(uint32_t)TCP_EV_READABLE;
		if (events & (TCP_EV_HUP | TCP_EV_ERROR))
			want &= ~(uint32_t)(TCP_EV_HUP | TCP_EV_ERROR);
		if (want != a->interest) {
			a->interest = want;
			tcp_set_callback(a->s, want, false, fw_app_cb, a);
		}
	}
	/* Guard against a callback storm at one instant (a test bug). */
	if (now == a->last_time) {
		if (++a->same_time_calls > 100000)
			g_error("fw_app: callback storm at t=%" G_GINT64_FORMAT, now);
	} else {
		a->last_time = now;
		a->same_time_calls = 0;
	}
}

void fw_app_watch(struct fw_app *a, uint32_t interest, bool edge)
{
	a->interest = interest;
	a->edge = edge;
	tcp_set_callback(a->s, interest, edge, fw_app_cb, a);
}

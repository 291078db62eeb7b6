/* models/tcp/listen.c — what a listener does with a SYN: its SYN queue and accept
 * queue, and SYN cookies.
 *
 * Where it sits: input.c's tcp_input_listen (§3.10.7.2) asks tcp_listen_admit() what
 * to do with a SYN; stack.c hands an ACK that found no connection on a listener to
 * tcp_listen_cookie_ack() before RFC 9293's "ACK in LISTEN: RST".
 *
 * The queues follow Linux (net/ipv4/tcp_input.c tcp_conn_request()):
 *   - the SYN queue holds the half-open connections (SYN-RECEIVED children); it is
 *     full when it holds more than the listen backlog
 *     (include/net/inet_connection_sock.h inet_csk_reqsk_queue_is_full()); a SYN
 *     that finds it full is answered with a SYN cookie when syncookies is 1, or
 *     dropped when it is 0; with syncookies 2 every SYN gets a cookie;
 *   - the accept queue holds the established connections not yet accepted; it is
 *     full when it holds more than the backlog (include/net/sock.h
 *     sk_acceptq_is_full()); a SYN, or the ACK completing a handshake, that finds it
 *     full is dropped (Linux counts ListenOverflows), so the client retries;
 *   - without syncookies, a SYN finding fewer than a quarter of max_syn_backlog
 *     free is dropped: Linux keeps that quarter for peers it has talked to before
 *     (tcp_peer_is_proven()); netsim keeps no such metrics, so no peer is proven.
 *
 * SYN cookies behave as Linux's (net/ipv4/syncookies.c), in netsim's own code: the
 * SYN-ACK's ISN is a keyed hash of the 4-tuple and the client's ISN, plus a minute
 * counter in its top 8 bits and the index of the client's MSS in a four-entry table
 * in its low 24 (added to a second hash); nothing is kept. The ACK that comes back
 * acknowledges cookie + 1: the check recomputes the hashes, accepts a counter at most
 * one minute old and an index inside the table, and the connection is made from what
 * the cookie holds. Linux hides window scaling, SACK-permitted and ECN in the low
 * bits of a cookie SYN-ACK's TSval when the SYN carried timestamps
 * (cookie_init_timestamp); this does not, so a cookie SYN-ACK carries only the MSS
 * option (as Linux's does without timestamps: tcp_conn_request() clears the others)
 * and the connection runs unscaled, without SACK and without timestamps. An ACK
 * is checked as a cookie only within two minutes of the listener's last cookie
 * (Linux tcp_synq_no_recent_overflow()); otherwise, or when the check fails, it is an
 * ACK in LISTEN and gets a RST.
 */
#include <string.h>

#include "models/tcp/conn.h"
#include "sim/core/bytes.h"
#include "sim/core/sim.h"

/* Linux's somaxconn (net.core.somaxconn, 4096 since Linux 5.4): listen()'s cap. */
#define TCP_SOMAXCONN 4096u
/* A cookie's minute counter may be this many minutes behind (Linux MAX_SYNCOOKIE_AGE). */
#define COOKIE_MAX_AGE 2u
/* Cookies are checked this long after the last one was sent (TCP_SYNCOOKIE_VALID). */
#define COOKIE_VALID SIM_S(120)
#define COOKIE_BITS 24
#define COOKIE_MASK ((UINT32_C(1) << COOKIE_BITS) - 1)

/* The MSS values a cookie can encode (Linux syncookies.c msstab, IPv4). */
const uint16_t tcp_cookie_mss[TCP_COOKIE_MSS_COUNT] = {536, 1300, 1440, 1460};

void tcp_listen_start(struct tcp_sock *l)
{
	if (l->listen == NULL)
		l->listen = g_new0(struct tcp_listen_state, 1);
	l->listen->last_cookie = -1;
}

void tcp_listen_free(struct tcp_sock *l)
{
	g_free(l->listen);
	l->listen = NULL;
}

void tcp_listen_get_stats(const struct tcp_sock *l, struct tcp_listen_stats *out)
{
	if (l->listen)
		*out = l->listen->stats;
	else
		memset(out, 0, sizeof(*out));
}

uint32_t tcp_listen_backlog(const struct tcp_sock *l)
{
	return l->backlog;
}

void tcp_listen_set_child_fn(struct tcp_sock *l, tcp_child_fn fn, void *ctx)
{
	if (l->listen == NULL)
		return;
	l->listen->child_fn = fn;
	l->listen->child_ctx = ctx;
}

/* ---- the queues ---- */

/* Linux sk_acceptq_is_full(): more established connections waiting than the backlog. */
bool tcp_listen_acceptq_full(struct tcp_sock *l)
{
	if (l->acceptq_len <= l->backlog)
		return false;
	l->listen->stats.accept_queue_drops++;
	return true;
}

enum tcp_syn_verdict tcp_listen_admit(struct tcp_sock *l)
{
	struct tcp_listen_stats *s = &l->listen->stats;
	uint32_t cookies = l->cfg->syncookies;
	s->syns++;
	/* Linux tcp_conn_request(): a full SYN queue (inet_csk_reqsk_queue_is_full())
	 * or syncookies = 2 means a cookie, if cookies are on (tcp_syn_flood_action()). */
	bool want_cookie = false;
	if (cookies == 2 || l->synq_len > l->backlog) {
		if (cookies == 0) {
			s->syn_queue_drops++;
			return TCP_SYN_DROP;
		}
		want_cookie = true;
	}
	/* A full accept queue drops the SYN, cookie or not (sk_acceptq_is_full()). */
	if (tcp_listen_acceptq_full(l))
		return TCP_SYN_DROP;
	/* Without cookies, the last quarter of max_syn_backlog is for proven peers: none. */
	uint32_t max = l->cfg->max_syn_backlog;
	if (!want_cookie && cookies == 0 && max - (l->synq_len < max ? l->synq_len : max) < (max >> 2)) {
		s->syn_backlog_drops++;
		return TCP_SYN_DROP;
	}
	if (want_cookie)
		return TCP_SYN_COOKIE;
	/* The SYN queue grows by one (a cookie's connection passes through it for an
	 * instant only, as Linux's never enters it). */
	if (l->synq_len + 1 > s->max_syn_queue)
		s->max_syn_queue = l->synq_len + 1;
	return TCP_SYN_QUEUE;
}

void tcp_listen_child_born(struct tcp_sock *l, struct tcp_sock *c)
{
	tcp_conn_synq_add(l, c);
	/* The new connection starts where its listener is: the passive OPEN's LISTEN,
	 * which a trace opened by the child hook shows as its first state. */
	tcp_set_state(c, TCP_LISTEN);
	if (l->listen->child_fn)
		l->listen->child_fn(tcp_sim(l), l, c, l->listen->child_ctx);
}

void tcp_listen_established(struct tcp_sock *l)
{
	struct tcp_listen_stats *s = &l->listen->stats;
	s->established++;
	if (l->acceptq_len > s->max_accept_queue)
		s->max_accept_queue = l->acceptq_len;
}

/* ---- cookies ---- */

/* 32 bits of HMAC-SHA-256 under the stack's secret (the RFC 6528 key of tcp_isn())
 * over a domain byte, the 4-tuple and up to two more words. */
static uint32_t cookie_hash(const struct tcp_stack *st, uint8_t domain, const struct tcp_tuple *t,
			    uint32_t a, uint32_t b)
{
	uint8_t msg[21];
	msg[0] = domain;
	sim_put_be32(msg + 1, t->laddr);
	sim_put_be16(msg + 5, t->lport);
	sim_put_be32(msg + 7, t->raddr);
	sim_put_be16(msg + 11, t->rport);
	sim_put_be32(msg + 13, a);
	sim_put_be32(msg + 17, b);
	return tcp_secret_hash(st, msg, sizeof(msg));
}

uint32_t tcp_cookie_make(const struct tcp_stack *st, const struct tcp_tuple *t, uint32_t peer_isn,
			 unsigned mss_index, uint32_t minute)
{
	g_assert(mss_index < TCP_COOKIE_MSS_COUNT);
	/* hash1 + the client's ISN + minute in the top bits + (hash2(minute) + index)
	 * in the low ones: the low part never carries into the counter. */
	uint32_t low = (cookie_hash(st, 2, t, minute, 0) + mss_index) & COOKIE_MASK;
	return cookie_hash(st, 1, t, 0, 0) + peer_isn + (minute << COOKIE_BITS) + low;
}

int tcp_cookie_check(const struct tcp_stack *st, const struct tcp_tuple *t, uint32_t peer_isn,
		     uint32_t cookie, uint32_t minute)
{
	uint32_t v = cookie - cookie_hash(st, 1, t, 0, 0) - peer_isn;
	/* The counter's 8 bits: how many minutes ago, modulo 256. */
	uint32_t age = (minute - (v >> COOKIE_BITS)) & (UINT32_MAX >> COOKIE_BITS);
	if (age >= COOKIE_MAX_AGE)
		return -1;
	uint32_t then = minute - age;
	uint32_t index = (v - cookie_hash(st, 2, t, then, 0)) & COOKIE_MASK;
	return index < TCP_COOKIE_MSS_COUNT ? (int)index : -1;
}

static uint32_t minute_now(const struct tcp_sock *l)
{
	return (uint32_t)(sim_now(tcp_sim(l)) / SIM_S(60));
}

/* The largest table entry not above the client's MSS (the first if none). */
static unsigned mss_index_for(const struct tcp_repr *syn)
{
	uint16_t mss = syn->has_mss && syn->mss ? syn->mss : TCP_MSS_DEFAULT;
	unsigned i = TCP_COOKIE_MSS_COUNT - 1;
	while (i > 0 && tcp_cookie_mss[i] > mss)
		i--;
	return i;
}

/* The window a cookie SYN-ACK offers, unscaled (as any SYN's): the connection's first
 * window (rcvwnd.c), for the MSS announced. */
static uint16_t cookie_window(const struct tcp_sock *l, uint32_t adv_mss)
{
	return (uint16_t)tcp_rcvwnd_cookie_window(l->cfg, &l->opt, adv_mss);
}

void tcp_listen_send_cookie(struct tcp_sock *l, const struct tcp_repr *syn, ipv4_addr_t src,
			    ipv4_addr_t dst)
{
	struct tcp_stack *st = l->stack;
	struct tcp_tuple t = {.laddr = dst, .raddr = src, .lport = syn->dst_port,
			      .rport = syn->src_port};
	/* The MSS we announce, as for any connection (stack.c tcp_conn_route()). */
	ipv4_addr_t from = IPV4_ANY;
	uint32_t mtu = 576;
	if (st->lower.route)
		(void)st->lower.route(st->lower.ctx, src, &from, &mtu);
	uint32_t adv = l->cfg->mss ? l->cfg->mss : (mtu >= 68 ? mtu : 68) - 40;
	struct tcp_repr r;
	memset(&r, 0, sizeof(r));
	r.src_port = syn->dst_port;
	r.dst_port = syn->src_port;
	r.seq = tcp_cookie_make(st, &t, syn->seq, mss_index_for(syn), minute_now(l));
	r.ack = syn->seq + 1;
	r.flags = TCP_FLAG_SYN | TCP_FLAG_ACK;
	r.mss = (uint16_t)(adv < 65535 ? adv : 65535);
	r.window = cookie_window(l, r.mss);
	r.has_mss = true; /* and nothing else (no TSval carries the rest) */
	struct sim_packet *pkt = sim_packet_new(st->sim, SIM_PACKET_HEADROOM, 0);
	uint8_t *h = sim_packet_push(pkt, tcp_seg_hdr_len(&r));
	tcp_seg_write(h, &r);
	tcp_seg_set_csum(pkt->data, pkt->len, dst, src);
	st->stats.segs_sent++;
	l->listen->stats.cookies_sent++;
	l->listen->last_cookie = sim_now(st->sim);
	st->lower.output(st->lower.ctx, pkt, dst, src, (uint8_t)l->cfg->ttl, l->opt.tos,
			 l->cfg->pmtud);
}

struct tcp_sock *tcp_listen_cookie_ack(struct tcp_sock *l, const struct tcp_repr *seg,
				       ipv4_addr_t src, ipv4_addr_t dst, bool *drop)
{
	*drop = false;
	struct tcp_listen_state *ls = l->listen;
	if ((seg->flags & (TCP_FLAG_SYN | TCP_FLAG_RST | TCP_FLAG_ACK)) != TCP_FLAG_ACK ||
	    l->cfg->syncookies == 0 || ls->last_cookie < 0 ||
	    sim_now(tcp_sim(l)) - ls->last_cookie > COOKIE_VALID)
		return NULL;
	struct tcp_tuple t = {.laddr = dst, .raddr = src, .lport = seg->dst_port,
			      .rport = seg->src_port};
	uint32_t peer_isn = seg->seq - 1, cookie = seg->ack - 1;
	int index = tcp_cookie_check(l->stack, &t, peer_isn, cookie, minute_now(l));
	if (index < 0) {
		ls->stats.cookies_rejected++;
		return NULL;
	}
	if (tcp_listen_acceptq_full(l)) {
		l->stack->stats.syn_dropped++;
		*drop = true;
		return NULL;
	}
	/* The SYN the cookie stands for: the client's ISN and MSS, no other option. */
	struct tcp_repr syn;
	memset(&syn, 0, sizeof(syn));
	syn.src_port = seg->src_port;
	syn.dst_port = seg->dst_port;
	syn.seq = peer_isn;
	syn.flags = TCP_FLAG_SYN;
	syn.window = seg->window;
	syn.has_mss = true;
	syn.mss = tcp_cookie_mss[index];
	struct tcp_sock *c = tcp_input_listen_child(l, &syn, src, dst, cookie);
	/* Its SYN-ACK went out as the cookie, offering the window it did: the ACK of it,
	 * and data within that window, are acceptable. The timer runs as after any
	 * SYN-ACK, though the ACK at hand completes the handshake. */
	c->snd_nxt = c->snd_max = cookie + 1;
	c->rcv_adv = c->rcv_nxt + cookie_window(l, c->adv_mss);
	tcp_timer_rtx_arm(c);
	ls->stats.cookies_accepted++;
	return c;
}

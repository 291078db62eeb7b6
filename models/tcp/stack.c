/* models/tcp/stack.c — a host's TCP stack: demultiplexing, ports, ISNs, lifetimes.
 *
 * Receives every segment from the lower edge (tcp_stack_input), verifies it once,
 * finds its connection in O(1) — an exact 4-tuple lookup, then the listener on
 * (address, port), then (0.0.0.0, port) — and hands it to input.c. The tables are
 * only ever looked up, never iterated into anything observable, so their order
 * cannot reach an output; teardown walks a list in creation order.
 */
#include <errno.h>
#include <string.h>

#include "models/tcp/conn.h"
#include "models/tcp/seq.h"
#include "models/tcp/trace.h"
#include "sim/core/bytes.h"
#include "sim/core/sim.h"

/* IANA dynamic ports (RFC 6335 §6), the range RFC 6056 recommends. */
#define EPHEMERAL_LO 49152u
#define EPHEMERAL_HI 65535u

static guint tuple_hash(gconstpointer p)
{
	return tcp_tuple_hash(p);
}

static gboolean tuple_equal(gconstpointer a, gconstpointer b)
{
	return tcp_tuple_equal(a, b);
}

struct tcp_stack *tcp_stack_new(struct sim *sim, const char *host, const struct tcp_config *cfg,
				const struct tcp_lower *lower)
{
	struct tcp_stack *st = g_new0(struct tcp_stack, 1);
	st->sim = sim;
	st->host = g_strdup(host);
	st->cfg = *cfg;
	st->lower = *lower;
	char *name = g_strdup_printf("host:%s:tcp", host);
	sim_rng_stream(sim, &st->rng, name);
	g_free(name);
	/* RFC 6528 §3: the secret key; drawn from the run's seeded stream so that two
	 * runs with one seed produce the same ISNs. */
	for (int i = 0; i < 4; i++) {
		uint64_t v = sim_rng_u64(&st->rng);
		for (int k = 0; k < 8; k++)
			st->isn_key[i * 8 + k] = (uint8_t)(v >> (8 * k));
	}
	/* RFC 6056 §3.3.2-like: the ephemeral search starts at a random offset. */
	st->next_ephemeral =
		(uint16_t)(EPHEMERAL_LO + sim_rng_below(&st->rng, EPHEMERAL_HI - EPHEMERAL_LO + 1));
	tcp_connmap_init(&st->conns);
	st->listeners = g_hash_table_new(tuple_hash, tuple_equal);
	st->ports = g_hash_table_new(g_direct_hash, g_direct_equal);
	return st;
}

void tcp_stack_free(struct tcp_stack *st)
{
	if (!st)
		return;
	while (st->all_head)
		tcp_conn_destroy(st->all_head);
	tcp_connmap_fini(&st->conns);
	g_hash_table_destroy(st->listeners);
	g_hash_table_destroy(st->ports);
	if (st->trace_error)
		g_error_free(st->trace_error);
	g_free(st->host);
	g_free(st);
}

struct tcp_config *tcp_stack_config(struct tcp_stack *st)
{
	return &st->cfg;
}

struct sim *tcp_stack_sim(const struct tcp_stack *st)
{
	return st->sim;
}

const struct tcp_stack_stats *tcp_stack_stats(const struct tcp_stack *st)
{
	return &st->stats;
}

const GError *tcp_stack_trace_error(const struct tcp_stack *st)
{
	return st->trace_error;
}

int tcp_stack_close_traces(struct tcp_stack *st, GError **error)
{
	for (struct tcp_sock *c = st->all_head; c; c = c->all_next)
		tcp_trace_close(c);
	if (st->trace_error == NULL)
		return 0;
	if (error && *error == NULL)
		*error = g_error_copy(st->trace_error);
	return -1;
}

/* ---- tables ---- */

void tcp_conn_hash_add(struct tcp_sock *c)
{
	g_assert(!c->in_conns);
	tcp_connmap_insert(&c->stack->conns, &c->t, c);
	c->in_conns = true;
}

void tcp_conn_hash_del(struct tcp_sock *c)
{
	if (!c->in_conns)
		return;
	struct tcp_sock *was = tcp_connmap_remove(&c->stack->conns, &c->t);
	g_assert(was == c);
	c->in_conns = false;
}

struct tcp_sock *tcp_conn_lookup(struct tcp_stack *st, const struct tcp_tuple *t)
{
	return tcp_connmap_lookup(&st->conns, t);
}

void tcp_listener_add(struct tcp_sock *c)
{
	g_hash_table_insert(c->stack->listeners, &c->t, c);
	c->in_listeners = true;
}

void tcp_listener_del(struct tcp_sock *c)
{
	if (!c->in_listeners)
		return;
	g_hash_table_remove(c->stack->listeners, &c->t);
	c->in_listeners = false;
}

static struct tcp_sock *listener_lookup(struct tcp_stack *st, ipv4_addr_t addr, uint16_t port)
{
	struct tcp_tuple k = { .laddr = addr, .lport = port };
	struct tcp_sock *l = g_hash_table_lookup(st->listeners, &k);
	if (l)
		return l;
	k.laddr = IPV4_ANY;
	return g_hash_table_lookup(st->listeners, &k);
}

/* Two bindings conflict when their ports are equal and their addresses overlap
 * (equal, or either is 0.0.0.0). Linux without SO_REUSEADDR; connections in
 * TIME-WAIT keep their binding, as they do there. */
static bool addr_overlap(ipv4_addr_t a, ipv4_addr_t b)
{
	return a == b || a == IPV4_ANY || b == IPV4_ANY;
}

/* Whether binding addr:port (for c; NULL when choosing an ephemeral port) conflicts
 * with a bound socket, or, for bind(), with a connection accepted on that port (Linux
 * children share their listener's bind bucket until they close, TIME-WAIT
 * included). With SO_REUSEADDR on both, a socket that is not listening does not
 * count (Linux inet_bind_conflict). */
static bool port_conflict(struct tcp_stack *st, const struct tcp_sock *c, ipv4_addr_t addr,
			  uint16_t port)
{
	for (struct tcp_sock *o = g_hash_table_lookup(st->ports, GUINT_TO_POINTER(port)); o;
	     o = o->port_next) {
		if (c && c->opt.reuseaddr && o->opt.reuseaddr && o->state != TCP_LISTEN)
			continue;
		if (addr_overlap(o->t.laddr, addr))
			return true;
	}
	if (!c)
		return false;
	for (struct tcp_sock *o = st->all_head; o; o = o->all_next) {
		if (!(o->flags & TF_PASSIVE) || o->state == TCP_CLOSED || o->t.lport != port ||
		    (c->opt.reuseaddr && o->opt.reuseaddr))
			continue;
		if (addr_overlap(o->t.laddr, addr))
			return true;
	}
	return false;
}

static void port_insert(struct tcp_sock *c)
{
	struct tcp_stack *st = c->stack;
	gpointer key = GUINT_TO_POINTER(c->t.lport);
	c->port_next = g_hash_table_lookup(st->ports, key);
	g_hash_table_insert(st->ports, key, c);
	c->bound = true;
}

int tcp_port_bind(struct tcp_sock *c, ipv4_addr_t addr, uint16_t port)
{
	struct tcp_stack *st = c->stack;
	if (addr != IPV4_ANY && st->lower.is_local && !st->lower.is_local(st->lower.ctx, addr))
		return -EADDRNOTAVAIL;
	if (port_conflict(st, c, addr, port))
		return -EADDRINUSE;
	c->t.laddr = addr;
	c->t.lport = port;
	port_insert(c);
	return 0;
}

void tcp_port_unbind(struct tcp_sock *c)
{
	if (!c->bound)
		return;
	struct tcp_stack *st = c->stack;
	gpointer key = GUINT_TO_POINTER(c->t.lport);
	struct tcp_sock *head = g_hash_table_lookup(st->ports, key);
	if (head == c) {
		if (c->port_next)
			g_hash_table_insert(st->ports, key, c->port_next);
		else
			g_hash_table_remove(st->ports, key);
	} else {
		for (struct tcp_sock *o = head; o; o = o->port_next)
			if (o->port_next == c) {
				o->port_next = c->port_next;
				break;
			}
	}
	c->port_next = NULL;
	c->bound = false;
}

int tcp_port_ephemeral(struct tcp_sock *c)
{
	struct tcp_stack *st = c->stack;
	uint32_t span = EPHEMERAL_HI - EPHEMERAL_LO + 1;
	for (uint32_t i = 0; i < span; i++) {
		uint16_t port = st->next_ephemeral;
		st->next_ephemeral = port == EPHEMERAL_HI ? EPHEMERAL_LO : (uint16_t)(port + 1);
		if (!port_conflict(st, NULL, c->t.laddr, port)) {
			c->t.lport = port;
			port_insert(c);
			return 0;
		}
	}
	return -EADDRNOTAVAIL;
}

void tcp_stack_set_local_drop(struct tcp_stack *st, bool on)
{
	st->local_drop = on;
}

/* ---- ISN (RFC 6528) ---- */

uint32_t tcp_isn(struct tcp_stack *st, const struct tcp_tuple *t)
{
	/* RFC 6528 §3: ISN = M + F(localip, localport, remoteip, remoteport, secretkey),
	 * M a timer ticking every 4 µs, F a keyed hash — here HMAC-SHA-256, of which
	 * the first 32 bits are used. */
	uint8_t msg[12];
	sim_put_be32(msg, t->laddr);
	sim_put_be16(msg + 4, t->lport);
	sim_put_be32(msg + 6, t->raddr);
	sim_put_be16(msg + 10, t->rport);
	uint32_t f = tcp_secret_hash(st, msg, sizeof(msg));
	uint32_t m = (uint32_t)(sim_now(st->sim) / SIM_US(4));
	return m + f;
}

uint32_t tcp_secret_hash(const struct tcp_stack *st, const uint8_t *msg, size_t len)
{
	GHmac *h = g_hmac_new(G_CHECKSUM_SHA256, st->isn_key, sizeof(st->isn_key));
	g_hmac_update(h, msg, (gssize)len);
	uint8_t digest[32];
	gsize dlen = sizeof(digest);
	g_hmac_get_digest(h, digest, &dlen);
	g_hmac_unref(h);
	return sim_get_be32(digest);
}

/* ---- routing ---- */

int tcp_conn_route(struct tcp_sock *c)
{
	struct tcp_stack *st = c->stack;
	ipv4_addr_t src = IPV4_ANY;
	uint32_t mtu = 1500;
	if (st->lower.route) {
		int r = st->lower.route(st->lower.ctx, c->t.raddr, &src, &mtu);
		if (r < 0)
			return r;
	}
	if (c->t.laddr == IPV4_ANY)
		c->t.laddr = src;
	if (mtu < 68)
		mtu = 68;
	c->mtu = mtu;
	/* RFC 9293 §3.7.1 / RFC 6691: the MSS we announce is the MTU less the fixed IPv4
	 * and TCP headers (1500 → 1460), unless the configuration overrides it. */
	uint32_t adv = c->cfg->mss ? c->cfg->mss : mtu - 40;
	if (c->opt.maxseg && adv > c->opt.maxseg)
		adv = c->opt.maxseg; /* TCP_MAXSEG (Linux tcp_mss_clamp) */
	if (adv > 65535)
		adv = 65535;
	c->adv_mss = (uint16_t)adv;
	return 0;
}

/* ---- input from the lower edge ---- */

void tcp_stack_input(struct tcp_stack *st, struct sim_packet *pkt, ipv4_addr_t src,
		     ipv4_addr_t dst)
{
	tcp_stack_input_tos(st, pkt, src, dst, 0);
}

void tcp_stack_input_tos(struct tcp_stack *st, struct sim_packet *pkt, ipv4_addr_t src,
			 ipv4_addr_t dst, uint8_t tos)
{
	st->stats.segs_received++;
	struct tcp_repr seg;
	if (tcp_seg_parse(pkt->data, pkt->len, &seg) < 0) {
		st->stats.malformed++;
		sim_packet_free(pkt);
		return;
	}
	/* RFC 9293 §3.1 (MUST-2/3): verify the checksum with the pseudo header; drop
	 * and count failures. */
	if (!tcp_seg_csum_ok_pkt(pkt, seg.hdr_len, src, dst)) {
		st->stats.bad_checksum++;
		sim_packet_free(pkt);
		return;
	}
	if (seg.opt_malformed)
		st->stats.malformed++;
	seg.ip_ecn = tos & 3u; /* RFC 3168 §5: the ECN field, for ecn.c */
	struct tcp_tuple t = { .laddr = dst, .raddr = src, .lport = seg.dst_port, .rport = seg.src_port };
	struct tcp_sock *c = tcp_conn_lookup(st, &t);
	if (c) {
		tcp_input(c, pkt, &seg);
		return;
	}
	/* A listener bound to a specific address (127.0.0.1 included) hears only
	 * segments addressed to it; one bound to 0.0.0.0 hears every address. */
	struct tcp_sock *l = listener_lookup(st, dst, seg.dst_port);
	if (l) {
		/* An ACK carrying a SYN cookie makes its connection, which then takes the
		 * ACK (and any data with it) as the handshake's third segment. */
		bool drop = false;
		struct tcp_sock *child = tcp_listen_cookie_ack(l, &seg, src, dst, &drop);
		if (child) {
			tcp_input(child, pkt, &seg);
			return;
		}
		if (!drop)
			tcp_input_listen(l, &seg, src, dst);
	} else {
		st->stats.no_socket++;
		tcp_input_closed(st, &seg, src, dst);
	}
	sim_packet_free(pkt);
}

void tcp_stack_icmp_error(struct tcp_stack *st, uint8_t type, uint8_t code,
			  uint16_t next_hop_mtu, const uint8_t *q, size_t qlen)
{
	/* The quoted datagram: its IPv4 header, then at least 8 bytes of ours
	 * (RFC 792; RFC 1812 §4.3.2.3 quotes more). */
	if (qlen < 20 || (q[0] >> 4) != 4)
		return;
	size_t ihl = (size_t)(q[0] & 0x0f) * 4;
	if (ihl < 20 || qlen < ihl + 8 || q[9] != TCP_PROTO)
		return;
	ipv4_addr_t src = sim_get_be32(q + 12), dst = sim_get_be32(q + 16);
	const uint8_t *th = q + ihl;
	struct tcp_tuple t = { .laddr = src, .raddr = dst, .lport = sim_get_be16(th),
			       .rport = sim_get_be16(th + 2) };
	struct tcp_sock *c = tcp_conn_lookup(st, &t);
	if (!c)
		return;
	uint32_t seq = sim_get_be32(th + 4);
	/* RFC 5927 §4.1: act only on errors quoting a sequence number in flight. */
	if (!seq_in_window(c->snd_una, seq, c->snd_max))
		return;
	if (type == 3 && code == 4) {
		/* RFC 1191 §3: fragmentation needed ("Datagram Too Big"). A zero MTU field (pre-RFC 1191
		 * router): RFC 1191 §5 plateau search below the quoted total length. */
		uint32_t mtu = next_hop_mtu;
		if (mtu == 0) {
			static const uint16_t plateaus[] = { 32000, 17914, 8166, 4352, 2002,
							     1492,  1006,  508,  296,  68 };
			uint32_t tot = sim_get_be16(q + 2);
			mtu = 68;
			for (size_t i = 0; i < G_N_ELEMENTS(plateaus); i++)
				if (plateaus[i] < tot) {
					mtu = plateaus[i];
					break;
				}
		}
		tcp_pmtu_update(c, mtu);
		return;
	}
	/* RFC 1122 §4.2.3.9: protocol and port unreachable are hard errors; as Linux
	 * (tcp_v4_err) a connection still opening is aborted with ECONNREFUSED. */
	if (type == 3 && (code == 2 || code == 3) &&
	    (c->state == TCP_SYN_SENT || (c->state == TCP_SYN_RECEIVED && !(c->flags & TF_PASSIVE)))) {
		tcp_conn_fail(c, -ECONNREFUSED);
		return;
	}
	/* Other destination-unreachable / time-exceeded errors are soft errors
	 * (RFC 1122 §4.2.3.9): remembered, reported if the connection times out. */
	if (type == 3)
		c->soft_error = code == 0 ? -ENETUNREACH : code == 1 ? -EHOSTUNREACH : -ECONNREFUSED;
	else if (type == 11)
		c->soft_error = -EHOSTUNREACH;
}

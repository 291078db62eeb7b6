/* models/ip/udp.c — see udp.h. */
#include "models/ip/udp.h"

#include <errno.h>
#include <string.h>

#include "models/ip/csum.h"
#include "models/ip/icmp.h"
#include "models/ip/ipv4.h"
#include "models/ip/node.h"
#include "models/ip/route.h"
#include "sim/core/bytes.h"
#include "sim/core/sim.h"

#define UDP_MAX_PAYLOAD (IPV4_MAX_DATAGRAM - IPV4_HDR_LEN - UDP_HDR_LEN) /* 65507 */

struct udp_sock {
	struct udp_stack *st;
	ipv4_addr_t laddr;
	uint16_t lport;
	bool bound;
	ipv4_addr_t raddr;
	uint16_t rport;
	bool connected;
	udp_recv_fn recv;
	udp_error_fn error;
	void *ctx;
	int pending_error;
	struct udp_sock *next_in_port; /* bucket of sockets sharing lport */
	struct udp_sock *prev, *next;  /* all sockets of the stack */
};

struct udp_stack {
	struct sim *sim;
	struct node *node;
	GHashTable *ports; /* lport → struct udp_sock * (bucket head) */
	struct udp_sock *all;
	uint16_t next_ephemeral;
	struct udp_stats stats;
};

/* ---- codec ---- */

static uint32_t pseudo_sum(ipv4_addr_t src, ipv4_addr_t dst, uint32_t len)
{
	return (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + IPV4_PROTO_UDP + len;
}

void udp_hdr_write(uint8_t *udp, uint32_t len, ipv4_addr_t src, ipv4_addr_t dst, uint16_t sport,
                   uint16_t dport)
{
	sim_put_be16(udp + UDP_OFF_SPORT, sport);
	sim_put_be16(udp + UDP_OFF_DPORT, dport);
	sim_put_be16(udp + UDP_OFF_LEN, (uint16_t)len);
	sim_put_be16(udp + UDP_OFF_CSUM, 0);
	uint16_t c = inet_csum_finish(inet_csum_add(0, udp, len) + pseudo_sum(src, dst, len));
	/* RFC 768: a computed zero is transmitted as all ones (0 means "no checksum"). */
	sim_put_be16(udp + UDP_OFF_CSUM, c ? c : 0xffff);
}

bool udp_csum_ok(const uint8_t *udp, uint32_t len, ipv4_addr_t src, ipv4_addr_t dst)
{
	if (sim_get_be16(udp + UDP_OFF_CSUM) == 0)
		return true;
	return inet_csum_finish(inet_csum_add(0, udp, len) + pseudo_sum(src, dst, len)) == 0;
}

/* ---- demultiplexing ---- */

static struct udp_sock *bucket(const struct udp_stack *st, uint16_t port)
{
	return g_hash_table_lookup(st->ports, GUINT_TO_POINTER(port));
}

/* Linux without SO_REUSEADDR: the wildcard overlaps every address. */
static bool port_conflicts(const struct udp_stack *st, ipv4_addr_t addr, uint16_t port)
{
	for (const struct udp_sock *s = bucket(st, port); s; s = s->next_in_port)
		if (s->laddr == IPV4_ANY || addr == IPV4_ANY || s->laddr == addr)
			return true;
	return false;
}

static void hash_insert(struct udp_sock *s)
{
	struct udp_stack *st = s->st;
	s->next_in_port = bucket(st, s->lport);
	g_hash_table_insert(st->ports, GUINT_TO_POINTER(s->lport), s);
}

static void hash_remove(struct udp_sock *s)
{
	struct udp_stack *st = s->st;
	struct udp_sock *head = bucket(st, s->lport);
	if (head == s) {
		if (s->next_in_port)
			g_hash_table_insert(st->ports, GUINT_TO_POINTER(s->lport), s->next_in_port);
		else
			g_hash_table_remove(st->ports, GUINT_TO_POINTER(s->lport));
		return;
	}
	for (struct udp_sock *p = head; p; p = p->next_in_port) {
		if (p->next_in_port == s) {
			p->next_in_port = s->next_in_port;
			return;
		}
	}
}

/* Best match, scored as Linux's compute_score: a matching connected peer beats a
 * specific local address, which beats the wildcard. */
static struct udp_sock *lookup(const struct udp_stack *st, ipv4_addr_t dst, uint16_t dport,
                               ipv4_addr_t src, uint16_t sport)
{
	struct udp_sock *best = NULL;
	int best_score = -1;
	for (struct udp_sock *s = bucket(st, dport); s; s = s->next_in_port) {
		if (!ipv4_bound_addr_matches(s->laddr, dst))
			continue;
		int score = s->laddr != IPV4_ANY ? 2 : 0;
		if (s->connected) {
			if (s->raddr != src || s->rport != sport)
				continue;
			score += 4;
		}
		if (score > best_score) {
			best = s;
			best_score = score;
		}
	}
	return best;
}

/* ---- input ---- */

static void udp_input(struct sim *sim, struct node *node, struct sim_packet *pkt,
                      const struct ipv4_rx *rx, void *ctx)
{
	struct udp_stack *st = ctx;
	const uint8_t *u = pkt->data;
	if (pkt->len < UDP_HDR_LEN) {
		st->stats.in_errors++;
		sim_packet_free(pkt);
		return;
	}
	uint16_t ulen = sim_get_be16(u + UDP_OFF_LEN);
	if (ulen < UDP_HDR_LEN || ulen > pkt->len) {
		st->stats.in_errors++;
		sim_packet_free(pkt);
		return;
	}
	/* RFC 1122 §4.1.3.4: a datagram with a bad checksum is silently discarded. */
	if (!udp_csum_ok(u, ulen, rx->src, rx->dst)) {
		st->stats.in_errors++;
		st->stats.in_csum_errors++;
		sim_packet_free(pkt);
		return;
	}
	uint16_t sport = sim_get_be16(u + UDP_OFF_SPORT), dport = sim_get_be16(u + UDP_OFF_DPORT);
	struct udp_sock *s = lookup(st, rx->dst, dport, rx->src, sport);
	if (!s) {
		st->stats.no_ports++;
		/* RFC 1122 §4.1.3.1: port unreachable (never for a broadcast). */
		if (!rx->broadcast)
			icmp_send_error_rx(sim, node, pkt, rx, ICMP_DEST_UNREACH,
			                   ICMP_PORT_UNREACH);
		sim_packet_free(pkt);
		return;
	}
	st->stats.in_datagrams++;
	sim_packet_trim(pkt, ulen);
	sim_packet_pull(pkt, UDP_HDR_LEN);
	struct udp_meta m = {
	    .src = rx->src,
	    .dst = rx->dst,
	    .sport = sport,
	    .dport = dport,
	    .ttl = rx->ttl,
	    .tos = rx->tos,
	    .iface = rx->iface,
	};
	if (s->recv)
		s->recv(sim, s, pkt, &m, s->ctx);
	else
		sim_packet_free(pkt);
}

/* Linux reports ICMP errors on UDP sockets only when connected, and only the hard
 * ones (__udp4_lib_err without IP_RECVERR). */
static void udp_icmp_error(struct sim *sim, struct node *node, const struct ipv4_icmp_error *e,
                           void *ctx)
{
	struct udp_stack *st = ctx;
	if (!e->fatal)
		return;
	uint16_t sport = sim_get_be16(e->l4 + UDP_OFF_SPORT);
	uint16_t dport = sim_get_be16(e->l4 + UDP_OFF_DPORT);
	struct udp_sock *s = lookup(st, e->orig.src, sport, e->orig.dst, dport);
	if (!s || !s->connected)
		return;
	s->pending_error = e->err;
	if (s->error)
		s->error(sim, s, e->err, s->ctx);
}

static void udp_destroy(struct sim *sim, struct node *node, void *ctx)
{
	struct udp_stack *st = ctx;
	while (st->all) {
		struct udp_sock *s = st->all;
		st->all = s->next;
		g_free(s);
	}
	g_hash_table_destroy(st->ports);
	g_free(st);
}

struct udp_stack *udp_attach(struct sim *sim, struct node *node)
{
	struct udp_stack *st = udp_stack_of(node);
	if (st)
		return st;
	st = g_new0(struct udp_stack, 1);
	st->sim = sim;
	st->node = node;
	st->ports = g_hash_table_new(g_direct_hash, g_direct_equal);
	st->next_ephemeral = UDP_EPHEMERAL_LOW;
	static const struct ipv4_proto_ops ops = {
	    .input = udp_input,
	    .icmp_error = udp_icmp_error,
	    .destroy = udp_destroy,
	};
	int rc = node_register_proto(node, IPV4_PROTO_UDP, &ops, st);
	if (rc != 0)
		g_error("udp_attach: protocol 17 already registered on %s", node->name);
	return st;
}

struct udp_stack *udp_stack_of(const struct node *node)
{
	return node_proto_ctx(node, IPV4_PROTO_UDP, udp_input);
}

const struct udp_stats *udp_get_stats(const struct udp_stack *st)
{
	return &st->stats;
}

/* ---- sockets ---- */

struct udp_sock *udp_socket(struct udp_stack *st)
{
	struct udp_sock *s = g_new0(struct udp_sock, 1);
	s->st = st;
	s->next = st->all;
	if (st->all)
		st->all->prev = s;
	st->all = s;
	return s;
}

int udp_bind(struct udp_sock *s, ipv4_addr_t addr, uint16_t port)
{
	struct udp_stack *st = s->st;
	if (s->bound)
		return -EINVAL;
	if (addr != IPV4_ANY && !node_is_local_address(st->node, addr))
		return -EADDRNOTAVAIL;
	if (port == 0) {
		/* Ephemeral: the next free port of the range, in order. */
		uint32_t range = UDP_EPHEMERAL_HIGH - UDP_EPHEMERAL_LOW + 1;
		for (uint32_t i = 0; i < range; i++) {
			uint16_t p = st->next_ephemeral;
			st->next_ephemeral = p == UDP_EPHEMERAL_HIGH ? (uint16_t)UDP_EPHEMERAL_LOW
			                                             : (uint16_t)(p + 1);
			if (!port_conflicts(st, addr, p)) {
				port = p;
				break;
			}
		}
		if (port == 0)
			return -EADDRINUSE;
	} else if (port_conflicts(st, addr, port)) {
		return -EADDRINUSE;
	}
	s->laddr = addr;
	s->lport = port;
	s->bound = true;
	hash_insert(s);
	return 0;
}

int udp_connect(struct udp_sock *s, ipv4_addr_t addr, uint16_t port)
{
	struct route_result rt;
	if (addr == IPV4_ANY || port == 0)
		return -EINVAL;
	if (route_lookup(s->st->node, addr, &rt) != 0)
		return -EHOSTUNREACH;
	if (!s->bound) {
		int rc = udp_bind(s, IPV4_ANY, 0);
		if (rc)
			return rc;
	}
	s->raddr = addr;
	s->rport = port;
	s->connected = true;
	s->pending_error = 0;
	return 0;
}

int udp_send_packet(struct udp_sock *s, struct sim_packet *pkt, ipv4_addr_t dst, uint16_t port,
                    const struct udp_send_opts *opts)
{
	struct udp_stack *st = s->st;
	static const struct udp_send_opts defaults;
	if (!opts)
		opts = &defaults;
	if (s->connected && s->pending_error) {
		int e = s->pending_error;
		s->pending_error = 0;
		sim_packet_free(pkt);
		return e;
	}
	if (dst == IPV4_ANY) {
		if (!s->connected) {
			sim_packet_free(pkt);
			return -EDESTADDRREQ;
		}
		dst = s->raddr;
		port = s->rport;
	}
	if (pkt->len > UDP_MAX_PAYLOAD) {
		sim_packet_free(pkt);
		return -EMSGSIZE;
	}
	if (!s->bound) {
		int rc = udp_bind(s, IPV4_ANY, 0);
		if (rc) {
			sim_packet_free(pkt);
			return rc;
		}
	}
	/* The pseudo header needs the source address ipv4_output() would pick. */
	ipv4_addr_t src = s->laddr;
	if (src == IPV4_ANY) {
		struct route_result rt;
		if (route_lookup(st->node, dst, &rt) != 0) {
			st->node->ip_stats.out_requests++;
			st->node->ip_stats.no_route++;
			sim_packet_free(pkt);
			return -EHOSTUNREACH;
		}
		src = rt.src;
	}
	uint32_t len = pkt->len + UDP_HDR_LEN;
	uint8_t *u = sim_packet_push(pkt, UDP_HDR_LEN);
	udp_hdr_write(u, len, src, dst, s->lport, port);
	struct ipv4_tx tx = {
	    .src = src,
	    .dst = dst,
	    .proto = IPV4_PROTO_UDP,
	    .ttl = opts->ttl,
	    .tos = opts->tos,
	    .df = opts->df,
	};
	int rc = ipv4_output(st->sim, st->node, pkt, &tx);
	if (rc == 0)
		st->stats.out_datagrams++;
	return rc;
}

ssize_t udp_sendto(struct udp_sock *s, const void *buf, size_t len, ipv4_addr_t dst, uint16_t port,
                   const struct udp_send_opts *opts)
{
	if (len > UDP_MAX_PAYLOAD)
		return -EMSGSIZE;
	struct sim_packet *pkt = sim_packet_new(s->st->sim, SIM_PACKET_HEADROOM, (uint32_t)len);
	if (buf)
		memcpy(pkt->data, buf, len);
	else
		memset(pkt->data, 0, len);
	int rc = udp_send_packet(s, pkt, dst, port, opts);
	return rc < 0 ? rc : (ssize_t)len;
}

void udp_set_callbacks(struct udp_sock *s, udp_recv_fn recv, udp_error_fn error, void *ctx)
{
	s->recv = recv;
	s->error = error;
	s->ctx = ctx;
}

int udp_get_error(struct udp_sock *s)
{
	int e = s->pending_error;
	s->pending_error = 0;
	return e;
}

void udp_close(struct udp_sock *s)
{
	if (!s)
		return;
	struct udp_stack *st = s->st;
	if (s->bound)
		hash_remove(s);
	if (s->prev)
		s->prev->next = s->next;
	else
		st->all = s->next;
	if (s->next)
		s->next->prev = s->prev;
	g_free(s);
}

ipv4_addr_t udp_local_addr(const struct udp_sock *s)
{
	return s->laddr;
}

uint16_t udp_local_port(const struct udp_sock *s)
{
	return s->lport;
}

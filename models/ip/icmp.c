/* models/ip/icmp.c — see icmp.h. */
#include "models/ip/icmp.h"

#include <errno.h>
#include <string.h>

#include "models/ip/csum.h"
#include "models/ip/ipv4.h"
#include "models/ip/node.h"
#include "models/ip/route.h"
#include "sim/core/bytes.h"
#include "sim/core/sim.h"

/* Linux's IPTOS_PREC_INTERNETCONTROL and IPTOS_TOS_MASK (icmp_send). */
#define TOS_PREC_INTERNETCONTROL 0xc0u
#define TOS_TOS_MASK             0x1eu

struct echo_listener {
	icmp_echo_fn fn;
	void *ctx;
};

bool icmp_type_is_error(uint8_t type)
{
	switch (type) {
	case ICMP_DEST_UNREACH:
	case ICMP_SOURCE_QUENCH:
	case ICMP_REDIRECT:
	case ICMP_TIME_EXCEEDED:
	case ICMP_PARAM_PROBLEM:
		return true;
	default:
		return false;
	}
}

static void set_csum(uint8_t *msg, uint32_t len)
{
	sim_put_be16(msg + ICMP_OFF_CSUM, 0);
	sim_put_be16(msg + ICMP_OFF_CSUM, inet_csum_finish(inet_csum_add(0, msg, len)));
}

/* RFC 1122 §3.2.2: does this source name a single host? */
static bool src_is_unicast(const struct node *node, ipv4_addr_t src)
{
	if (src == 0 || src == 0xffffffffu || ipv4_is_multicast(src) || (src >> 28) == 0xf)
		return false;
	return !node_is_broadcast_address(node, src);
}

int icmp_send_error(struct sim *sim, struct node *node, const uint8_t *ip, uint32_t len,
                    uint8_t type, uint8_t code, uint16_t mtu)
{
	struct ipv4_hdr h;
	if (ipv4_hdr_parse(ip, len, &h) != 0)
		return -EINVAL;
	if (len > h.total_len)
		len = h.total_len;

	/* RFC 1122 §3.2.2: never about an ICMP error, a non-first fragment, a broadcast or
	 * multicast datagram, or a datagram whose source is not a single host. */
	bool suppress = h.frag_off != 0 || ipv4_is_multicast(h.dst) ||
	                node_is_broadcast_address(node, h.dst) || !src_is_unicast(node, h.src);
	if (!suppress && h.proto == IPV4_PROTO_ICMP && len > h.hdr_len &&
	    icmp_type_is_error(ip[h.hdr_len]))
		suppress = true;
	if (suppress) {
		node->icmp_stats.errors_suppressed++;
		return -EPERM;
	}

	/* RFC 1812 §4.3.2.3: as much of the datagram as fits in 576 bytes. */
	uint32_t room = ICMP_ERROR_MAX_IP_LEN - IPV4_HDR_LEN - ICMP_HDR_LEN;
	uint32_t quote = len < room ? len : room;
	struct sim_packet *pkt = sim_packet_new(sim, SIM_PACKET_HEADROOM, ICMP_HDR_LEN + quote);
	uint8_t *m = pkt->data;
	m[ICMP_OFF_TYPE] = type;
	m[ICMP_OFF_CODE] = code;
	sim_put_be32(m + 4, 0); /* unused */
	if (type == ICMP_DEST_UNREACH && code == ICMP_FRAG_NEEDED)
		sim_put_be16(m + ICMP_OFF_MTU, mtu); /* RFC 1191 §4: next-hop MTU */
	memcpy(m + ICMP_HDR_LEN, ip, quote);
	set_csum(m, ICMP_HDR_LEN + quote);

	struct ipv4_tx tx = {
	    /* The offending datagram's destination if it was us (port unreachable),
	     * else the source of the route back (the router's interface). */
	    .src = node_is_local_address(node, h.dst) ? h.dst : 0,
	    .dst = h.src,
	    .proto = IPV4_PROTO_ICMP,
	    .ttl = 0,
	    .tos = (uint8_t)((h.tos & TOS_TOS_MASK) | TOS_PREC_INTERNETCONTROL),
	    .df = false, /* Linux's ICMP socket uses IP_PMTUDISC_DONT */
	};
	int rc = ipv4_output(sim, node, pkt, &tx);
	if (rc == 0) {
		node->icmp_stats.out_msgs++;
		node->icmp_stats.out_type[icmp_stat_type(type)]++;
	}
	return rc;
}

int icmp_send_error_rx(struct sim *sim, struct node *node, const struct sim_packet *pkt,
                       const struct ipv4_rx *rx, uint8_t type, uint8_t code)
{
	g_assert(rx->hdr + rx->hdr_len == pkt->data);
	return icmp_send_error(sim, node, rx->hdr, rx->hdr_len + pkt->len, type, code, 0);
}

/* ---- echo ---- */

int icmp_echo_listen(struct node *node, uint16_t id, icmp_echo_fn fn, void *ctx)
{
	GHashTable *t = node->icmp.echo;
	if (g_hash_table_contains(t, GUINT_TO_POINTER(id)))
		return -EADDRINUSE;
	struct echo_listener *l = g_new(struct echo_listener, 1);
	l->fn = fn;
	l->ctx = ctx;
	g_hash_table_insert(t, GUINT_TO_POINTER(id), l);
	return 0;
}

void icmp_echo_unlisten(struct node *node, uint16_t id)
{
	g_hash_table_remove(node->icmp.echo, GUINT_TO_POINTER(id));
}

uint16_t icmp_echo_alloc_id(struct node *node)
{
	for (;;) {
		uint16_t id = node->icmp.next_echo_id++;
		if (id == 0)
			continue;
		if (!g_hash_table_contains(node->icmp.echo, GUINT_TO_POINTER(id)))
			return id;
	}
}

int icmp_echo_send(struct sim *sim, struct node *node, const struct ipv4_tx *tx, uint16_t id,
                   uint16_t seq, const uint8_t *data, uint32_t data_len)
{
	struct sim_packet *pkt = sim_packet_new(sim, SIM_PACKET_HEADROOM, ICMP_HDR_LEN + data_len);
	uint8_t *m = pkt->data;
	m[ICMP_OFF_TYPE] = ICMP_ECHO_REQUEST;
	m[ICMP_OFF_CODE] = 0;
	sim_put_be16(m + ICMP_OFF_ID, id);
	sim_put_be16(m + ICMP_OFF_SEQ, seq);
	if (data)
		memcpy(m + ICMP_HDR_LEN, data, data_len);
	else
		for (uint32_t i = 0; i < data_len; i++)
			m[ICMP_HDR_LEN + i] = (uint8_t)i;
	set_csum(m, ICMP_HDR_LEN + data_len);
	struct ipv4_tx t = *tx;
	t.proto = IPV4_PROTO_ICMP;
	int rc = ipv4_output(sim, node, pkt, &t);
	if (rc == 0) {
		node->icmp_stats.out_msgs++;
		node->icmp_stats.out_type[ICMP_ECHO_REQUEST]++;
	}
	return rc;
}

/* RFC 792 / RFC 1122 §3.2.2.6: the reply carries the request's identifier, sequence
 * number and data; source = the address the request was sent to. */
static void echo_reply(struct sim *sim, struct node *node, struct sim_packet *pkt,
                       const struct ipv4_rx *rx)
{
	if (sim_packet_headroom(pkt) < IPV4_HDR_MAX_LEN) {
		struct sim_packet *c = sim_packet_new(sim, SIM_PACKET_HEADROOM, pkt->len);
		memcpy(c->data, pkt->data, pkt->len);
		sim_packet_free(pkt);
		pkt = c;
	}
	uint8_t *m = pkt->data;
	uint16_t old_word = sim_get_be16(m);
	m[ICMP_OFF_TYPE] = ICMP_ECHO_REPLY;
	/* RFC 1624: only the type changed. */
	sim_put_be16(m + ICMP_OFF_CSUM, inet_csum_update16(sim_get_be16(m + ICMP_OFF_CSUM),
	                                                   old_word, sim_get_be16(m)));
	struct ipv4_tx tx = {
	    .src = rx->dst,
	    .dst = rx->src,
	    .proto = IPV4_PROTO_ICMP,
	    .tos = rx->tos,
	    .df = false,
	};
	if (ipv4_output(sim, node, pkt, &tx) == 0) {
		node->icmp_stats.out_msgs++;
		node->icmp_stats.out_type[ICMP_ECHO_REPLY]++;
	}
}

static void echo_notify(struct sim *sim, struct node *node, const struct icmp_echo_event *ev)
{
	struct echo_listener *l = g_hash_table_lookup(node->icmp.echo, GUINT_TO_POINTER(ev->id));
	if (l)
		l->fn(sim, node, ev, l->ctx);
}

/* Linux's icmp_err_convert[] for destination unreachable codes. */
static void convert_error(struct ipv4_icmp_error *e)
{
	e->fatal = false;
	switch (e->type) {
	case ICMP_DEST_UNREACH:
		switch (e->code) {
		case ICMP_NET_UNREACH:
			e->err = -ENETUNREACH;
			break;
		case ICMP_PROTO_UNREACH:
			e->err = -ENOPROTOOPT;
			e->fatal = true;
			break;
		case ICMP_PORT_UNREACH:
			e->err = -ECONNREFUSED;
			e->fatal = true;
			break;
		case ICMP_FRAG_NEEDED:
			e->err = -EMSGSIZE;
			break;
		default:
			e->err = -EHOSTUNREACH;
			e->fatal = e->code == 9 || e->code == 10 || e->code == 13; /* prohibited */
			break;
		}
		break;
	case ICMP_PARAM_PROBLEM:
		e->err = -EPROTO;
		e->fatal = true;
		break;
	case ICMP_TIME_EXCEEDED:
	default:
		e->err = -EHOSTUNREACH;
		break;
	}
}

/* An error quoting one of our datagrams: RFC 1122 §3.2.2 "must be passed to the
 * transport layer"; RFC 1191 §6.3: fragmentation needed lowers the path MTU. */
static void error_input(struct sim *sim, struct node *node, const uint8_t *m, uint32_t len,
                        const struct ipv4_rx *rx)
{
	struct ipv4_icmp_error e;
	memset(&e, 0, sizeof(e));
	const uint8_t *q = m + ICMP_HDR_LEN;
	uint32_t qlen = len - ICMP_HDR_LEN;
	if (ipv4_hdr_parse(q, qlen, &e.orig) != 0 || qlen < e.orig.hdr_len + 8u) {
		node->icmp_stats.in_errors++;
		return;
	}
	e.type = m[ICMP_OFF_TYPE];
	e.code = m[ICMP_OFF_CODE];
	e.from = rx->src;
	e.l4 = q + e.orig.hdr_len;
	e.l4_len = qlen - e.orig.hdr_len;
	e.quoted = q;
	e.quoted_len = qlen;
	if (e.type == ICMP_DEST_UNREACH && e.code == ICMP_FRAG_NEEDED) {
		e.mtu = sim_get_be16(m + ICMP_OFF_MTU);
		if (e.mtu >= IPV4_MIN_MTU)
			route_pmtu_update(node, e.orig.dst, e.mtu);
	}
	convert_error(&e);
	if (e.orig.proto == IPV4_PROTO_ICMP) {
		/* Our echo request, quoted: tell the ping that sent it. */
		if (e.l4[0] == ICMP_ECHO_REQUEST) {
			struct icmp_echo_event ev = {
			    .is_error = true,
			    .id = sim_get_be16(e.l4 + ICMP_OFF_ID),
			    .seq = sim_get_be16(e.l4 + ICMP_OFF_SEQ),
			    .from = rx->src,
			    .ttl = rx->ttl,
			    .type = e.type,
			    .code = e.code,
			    .mtu = e.mtu,
			};
			echo_notify(sim, node, &ev);
		}
		return;
	}
	struct node_proto *np = node_proto_of(node, e.orig.proto);
	if (np && np->registered && np->ops.icmp_error)
		np->ops.icmp_error(sim, node, &e, np->ctx);
}

static void icmp_input(struct sim *sim, struct node *node, struct sim_packet *pkt,
                       const struct ipv4_rx *rx, void *ctx)
{
	struct icmp_stats *st = &node->icmp_stats;
	const uint8_t *m = pkt->data;
	/* RFC 1122 §3.2.2: a message with a bad checksum is silently discarded. */
	if (pkt->len < ICMP_HDR_LEN || inet_csum_finish(inet_csum_add(0, m, pkt->len)) != 0) {
		st->in_errors++;
		sim_packet_free(pkt);
		return;
	}
	uint8_t type = m[ICMP_OFF_TYPE];
	st->in_msgs++;
	st->in_type[icmp_stat_type(type)]++;
	switch (type) {
	case ICMP_ECHO_REQUEST:
		/* Linux's icmp_echo_ignore_broadcasts = 1 (RFC 1122 §3.2.2.6 allows it). */
		if (rx->broadcast)
			break;
		echo_reply(sim, node, pkt, rx);
		return;
	case ICMP_ECHO_REPLY: {
		struct icmp_echo_event ev = {
		    .is_error = false,
		    .id = sim_get_be16(m + ICMP_OFF_ID),
		    .seq = sim_get_be16(m + ICMP_OFF_SEQ),
		    .from = rx->src,
		    .ttl = rx->ttl,
		    .type = type,
		    .code = m[ICMP_OFF_CODE],
		    .data = m + ICMP_HDR_LEN,
		    .data_len = pkt->len - ICMP_HDR_LEN,
		};
		echo_notify(sim, node, &ev);
		break;
	}
	case ICMP_DEST_UNREACH:
	case ICMP_TIME_EXCEEDED:
	case ICMP_PARAM_PROBLEM:
		error_input(sim, node, m, pkt->len, rx);
		break;
	default:
		/* Source quench (deprecated, RFC 6633), redirects (point-to-point links
		 * need none) and unknown types are ignored (RFC 1122 §3.2.2). */
		break;
	}
	sim_packet_free(pkt);
}

void icmp_attach(struct node *node)
{
	node->icmp.echo = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
	node->icmp.next_echo_id = 1;
	static const struct ipv4_proto_ops ops = {.input = icmp_input};
	int rc = node_register_proto(node, IPV4_PROTO_ICMP, &ops, NULL);
	g_assert(rc == 0);
}

void icmp_detach(struct node *node)
{
	if (node->icmp.echo)
		g_hash_table_destroy(node->icmp.echo);
	node->icmp.echo = NULL;
}

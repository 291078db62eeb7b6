/* models/ip/ipv4.c — see ipv4.h.
 *
 * Receive path, in order (RFC 1812 §5.2, RFC 1122 §3.2.1):
 *   validate (version, IHL, lengths) → verify header checksum → drop martians →
 *   ours (or broadcast)? reassemble, deliver to the protocol
 *   not ours: hosts drop; routers route → TTL → MTU/DF → TTL−1 → fragment → send.
 * Linux runs the same checks in the same order (ip_rcv_core, ip_route_input,
 * ip_forward), which is what makes the ICMP errors below match the vectors.
 */
#include "models/ip/ipv4.h"

#include <errno.h>
#include <string.h>

#include "models/ip/csum.h"
#include "models/ip/frag.h"
#include "models/ip/icmp.h"
#include "models/link/iface.h"
#include "models/ip/node.h"
#include "models/ip/route.h"
#include "sim/core/bytes.h"
#include "sim/core/sim.h"

/* ---- codec ---- */

int ipv4_hdr_parse(const uint8_t *buf, size_t len, struct ipv4_hdr *h)
{
	if (len < IPV4_HDR_LEN)
		return -EINVAL;
	uint8_t vi = buf[IPV4_OFF_VER_IHL];
	if ((vi >> 4) != 4)
		return -EINVAL;
	uint32_t hl = (uint32_t)(vi & 0x0f) * 4u;
	if (hl < IPV4_HDR_LEN || hl > len)
		return -EINVAL;
	uint16_t total = sim_get_be16(buf + IPV4_OFF_TOTAL_LEN);
	if (total < hl)
		return -EINVAL;
	uint16_t ff = sim_get_be16(buf + IPV4_OFF_FLAGS_FRAG);
	h->hdr_len = (uint8_t)hl;
	h->tos = buf[IPV4_OFF_TOS];
	h->total_len = total;
	h->id = sim_get_be16(buf + IPV4_OFF_ID);
	h->df = (ff & IPV4_FLAG_DF) != 0;
	h->mf = (ff & IPV4_FLAG_MF) != 0;
	h->frag_off = ff & IPV4_FRAG_OFF_MASK;
	h->ttl = buf[IPV4_OFF_TTL];
	h->proto = buf[IPV4_OFF_PROTO];
	h->csum = sim_get_be16(buf + IPV4_OFF_CSUM);
	h->src = sim_get_be32(buf + IPV4_OFF_SRC);
	h->dst = sim_get_be32(buf + IPV4_OFF_DST);
	return 0;
}

bool ipv4_hdr_csum_ok(const uint8_t *buf, size_t hdr_len)
{
	uint32_t s = hdr_len == IPV4_HDR_LEN ? inet_csum_add20(0, buf) : inet_csum_add(0, buf, hdr_len);
	return inet_csum_finish(s) == 0;
}

void ipv4_hdr_set_csum(uint8_t *buf, size_t hdr_len)
{
	sim_put_be16(buf + IPV4_OFF_CSUM, 0);
	uint32_t s = hdr_len == IPV4_HDR_LEN ? inet_csum_add20(0, buf) : inet_csum_add(0, buf, hdr_len);
	sim_put_be16(buf + IPV4_OFF_CSUM, inet_csum_finish(s));
}

uint16_t ipv4_hdr_write(uint8_t *buf, const struct ipv4_hdr *h)
{
	buf[IPV4_OFF_VER_IHL] = 0x45; /* version 4, IHL 5: we never send options */
	buf[IPV4_OFF_TOS] = h->tos;
	sim_put_be16(buf + IPV4_OFF_TOTAL_LEN, h->total_len);
	sim_put_be16(buf + IPV4_OFF_ID, h->id);
	uint16_t ff = (uint16_t)(h->frag_off & IPV4_FRAG_OFF_MASK);
	if (h->df)
		ff |= IPV4_FLAG_DF;
	if (h->mf)
		ff |= IPV4_FLAG_MF;
	sim_put_be16(buf + IPV4_OFF_FLAGS_FRAG, ff);
	buf[IPV4_OFF_TTL] = h->ttl;
	buf[IPV4_OFF_PROTO] = h->proto;
	sim_put_be32(buf + IPV4_OFF_SRC, h->src);
	sim_put_be32(buf + IPV4_OFF_DST, h->dst);
	ipv4_hdr_set_csum(buf, IPV4_HDR_LEN);
	return sim_get_be16(buf + IPV4_OFF_CSUM);
}

/* ---- output ---- */

/* Source address for an unnumbered egress interface: the first numbered interface
 * (a setup-time corner; numbered interfaces never get here). */
static ipv4_addr_t any_numbered_addr(const struct node *node)
{
	for (uint32_t i = 1; i < node->n_ifaces; i++)
		if (node->ifaces[i]->addr)
			return node->ifaces[i]->addr;
	return 0;
}

int ipv4_output(struct sim *sim, struct node *node, struct sim_packet *pkt,
                const struct ipv4_tx *tx)
{
	struct ipv4_stats *st = &node->ip_stats;
	struct route_result rt;

	st->out_requests++;
	if (route_lookup(node, tx->dst, &rt) != 0) {
		st->no_route++;
		sim_packet_free(pkt);
		return -EHOSTUNREACH;
	}
	if (tx->src != 0 && !tx->spoof && !node_is_local_address(node, tx->src)) {
		sim_packet_free(pkt);
		return -EADDRNOTAVAIL;
	}
	ipv4_addr_t src = tx->src ? tx->src : rt.src;
	if (src == 0)
		src = any_numbered_addr(node);
	uint32_t total = pkt->len + IPV4_HDR_LEN;
	if (total > IPV4_MAX_DATAGRAM) {
		sim_packet_free(pkt);
		return -EINVAL;
	}
	/* RFC 1191 §3 (host): DF set and larger than the known path MTU — the sender
	 * learns it at once (Linux returns EMSGSIZE from sendmsg). */
	if (tx->df && total > rt.mtu) {
		st->df_drops++;
		sim_packet_free(pkt);
		return -EMSGSIZE;
	}
	struct ipv4_hdr h = {
	    .hdr_len = IPV4_HDR_LEN,
	    .tos = tx->tos,
	    .total_len = (uint16_t)total,
	    .id = tx->set_id ? tx->id : node_next_ip_id(node),
	    .df = tx->df,
	    .mf = false,
	    .frag_off = 0,
	    .ttl = tx->ttl ? tx->ttl : node->cfg.default_ttl,
	    .proto = tx->proto,
	    .src = src,
	    .dst = tx->dst,
	};
	h.csum = ipv4_hdr_write(sim_packet_push(pkt, IPV4_HDR_LEN), &h);
	if (total > rt.mtu) {
		/* RFC 791 §3.2: fragment at the source. */
		int rc = frag_output(sim, node, rt.iface, pkt, &h, rt.mtu);
		return rc < 0 ? rc : 0;
	}
	if (iface_output(sim, rt.iface, pkt) != 0)
		st->out_discards++;
	return 0;
}

/* ---- input ---- */

static void deliver_local(struct sim *sim, struct node *node, struct iface *ifc,
                          struct sim_packet *pkt, struct ipv4_hdr *h, bool bcast)
{
	struct ipv4_stats *st = &node->ip_stats;

	if (ipv4_hdr_is_fragment(h)) {
		pkt = frag_input(sim, node, pkt, h);
		if (!pkt)
			return;
		/* The reassembled header was rebuilt by frag_input(). */
		int rc = ipv4_hdr_parse(pkt->data, pkt->len, h);
		g_assert(rc == 0);
	}
	const uint8_t *hdr = pkt->data;
	struct node_proto *np = node_proto_of(node, h->proto);
	if (np == NULL) {
		st->in_unknown_protos++;
		/* RFC 1122 §3.2.2.1: protocol unreachable. */
		if (!bcast)
			icmp_send_error(sim, node, pkt->data, pkt->len, ICMP_DEST_UNREACH,
			                ICMP_PROTO_UNREACH, 0);
		sim_packet_free(pkt);
		return;
	}
	sim_packet_pull(pkt, h->hdr_len);
	struct ipv4_rx rx = {
	    .src = h->src,
	    .dst = h->dst,
	    .proto = h->proto,
	    .ttl = h->ttl,
	    .tos = h->tos,
	    .df = h->df,
	    .id = h->id,
	    .broadcast = bcast,
	    .iface = ifc,
	    .hdr = hdr,
	    .hdr_len = h->hdr_len,
	};
	st->in_delivers++;
	np->ops.input(sim, node, pkt, &rx, np->ctx);
}

static void forward(struct sim *sim, struct node *node, struct sim_packet *pkt, struct ipv4_hdr *h)
{
	struct ipv4_stats *st = &node->ip_stats;
	struct route_result rt;

	/* ipv4_input found h->dst not local: the remote part of the lookup suffices. */
	if (route_lookup_remote(node, h->dst, &rt) != 0) {
		/* RFC 1812 §5.2.7.1: no route → destination unreachable, network. */
		st->no_route++;
		icmp_send_error(sim, node, pkt->data, pkt->len, ICMP_DEST_UNREACH, ICMP_NET_UNREACH,
		                0);
		sim_packet_free(pkt);
		return;
	}
	if (h->ttl <= 1) {
		/* RFC 1812 §5.3.1: TTL would reach 0 → time exceeded in transit. The quote
		 * is the datagram as received (TTL not yet decremented). */
		st->ttl_expired++;
		icmp_send_error(sim, node, pkt->data, pkt->len, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL,
		                0);
		sim_packet_free(pkt);
		return;
	}
	/* A router uses the egress interface's MTU, not a path MTU learnt as a host. */
	uint32_t mtu = ipv4_mtu(rt.iface->mtu);
	if (pkt->len > mtu && h->df) {
		/* RFC 1191 §4 / RFC 1812 §5.2.6: fragmentation needed, with the MTU. */
		st->df_drops++;
		icmp_send_error(sim, node, pkt->data, pkt->len, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED,
		                (uint16_t)(mtu > 0xffff ? 0xffff : mtu));
		sim_packet_free(pkt);
		return;
	}
	/* RFC 1812 §5.3.1 / RFC 1624: TTL − 1 and the checksum updated incrementally. */
	uint8_t *p = pkt->data;
	uint16_t old_word = sim_get_be16(p + IPV4_OFF_TTL);
	p[IPV4_OFF_TTL]--;
	uint16_t new_word = sim_get_be16(p + IPV4_OFF_TTL);
	uint16_t csum = inet_csum_update16(sim_get_be16(p + IPV4_OFF_CSUM), old_word, new_word);
	sim_put_be16(p + IPV4_OFF_CSUM, csum);
	h->ttl--;
	h->csum = csum;
	st->forwarded++;
	if (pkt->len > mtu) {
		frag_output(sim, node, rt.iface, pkt, h, mtu);
		return;
	}
	if (iface_output(sim, rt.iface, pkt) != 0)
		st->out_discards++;
}

void ipv4_input(struct sim *sim, struct iface *ifc, struct sim_packet *pkt)
{
	struct node *node = ifc->node;
	struct ipv4_stats *st = &node->ip_stats;
	struct ipv4_hdr h;

	st->in_receives++;
	/* RFC 1812 §5.2.2: length, version, IHL and total length checks. */
	if (ipv4_hdr_parse(pkt->data, pkt->len, &h) != 0 || h.total_len > pkt->len) {
		st->in_hdr_errors++;
		sim_packet_free(pkt);
		return;
	}
	/* RFC 1122 §3.2.1.2: a datagram with a bad header checksum is silently dropped. */
	if (!ipv4_hdr_csum_ok(pkt->data, h.hdr_len)) {
		st->in_csum_errors++;
		sim_packet_free(pkt);
		return;
	}
	if (h.total_len < pkt->len)
		sim_packet_trim(pkt, h.total_len);
	/* RFC 1122 §3.2.1.3: 127/8 must not appear outside a host (Linux: martian). */
	if (!ifc->loopback && (ipv4_is_loopback(h.src) || ipv4_is_loopback(h.dst))) {
		st->in_martians++;
		sim_packet_free(pkt);
		return;
	}
	unsigned kind = node_addr_kind(node, h.dst);
	bool bcast = (kind & NODE_ADDR_BCAST) != 0;
	if (kind != 0) { /* ours, or a broadcast */
		deliver_local(sim, node, ifc, pkt, &h, bcast);
		return;
	}
	/* RFC 1122 §3.3.4.4: a host does not forward; multicast is not routed here. */
	if (!node_is_router(node) || h.dst == 0 || ipv4_is_multicast(h.dst)) {
		st->in_addr_errors++;
		sim_packet_free(pkt);
		return;
	}
	forward(sim, node, pkt, &h);
}

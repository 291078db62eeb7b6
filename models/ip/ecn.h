/* models/ip/ecn.h — the ECN field of IPv4 (RFC 3168 §5) as the queue disciplines of a
 * link see it.
 *
 * Where it sits: the link layer's queue disciplines (models/link/qdisc.h) know nothing
 * of IP; the network layer hands each interface's link port these operations
 * (ipv4_link_pkt_ops, registered by ipv4_iface_attach()), the way ns-3's
 * Ipv4QueueDiscItem implements Mark() and Linux's qdiscs call INET_ECN_set_ce(). The
 * reassembly code (frag.c) uses the codepoint helpers too.
 *
 * The two low bits of the TOS byte (RFC 3168 §5, RFC 2474's DS field above them):
 *     00 Not-ECT   01 ECT(1)   10 ECT(0)   11 CE
 */
#ifndef MODELS_IP_ECN_H
#define MODELS_IP_ECN_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/core/packet.h"

struct link_pkt_ops;

enum ipv4_ecn {
	IPV4_ECN_NOT_ECT = 0,
	IPV4_ECN_ECT1 = 1,
	IPV4_ECN_ECT0 = 2,
	IPV4_ECN_CE = 3,
};

#define IPV4_ECN_MASK 0x03u

/* The codepoint of the datagram at pkt->data (Not-ECT when it is too short to hold
 * an IPv4 header). */
enum ipv4_ecn ipv4_ecn_get(const struct sim_packet *pkt);

/* RFC 3168 §5: sets CE on an ECN-capable datagram (ECT(0), ECT(1) or already CE) and
 * updates the header checksum incrementally (RFC 1624); returns true. A Not-ECT
 * datagram is left untouched and false returned: the caller drops it instead. */
bool ipv4_ecn_set_ce(struct sim_packet *pkt);

/* A 32-bit hash of the datagram's flow — (source, destination, protocol) and, for
 * TCP and UDP datagrams that carry their ports (not a later fragment), the two ports —
 * mixed with `seed`, so the same flows collide differently under another seed (Linux
 * hashes with a per-qdisc perturbation for the same reason). */
uint32_t ipv4_flow_hash(const struct sim_packet *pkt, uint64_t seed);

/* The operations above, for a link port (models/link/link.h). */
extern const struct link_pkt_ops ipv4_link_pkt_ops;

#endif

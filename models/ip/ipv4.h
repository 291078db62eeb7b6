/* models/ip/ipv4.h — IPv4 (RFC 791, RFC 1122, RFC 1812): wire codec, output, input,
 * forwarding, and the interface between IPv4 and the transport protocols.
 *
 * Where it sits:
 *     TCP / UDP / ICMP ──ipv4_output()──► route ─► fragment ─► iface_output ─► link
 *     TCP / UDP / ICMP ◄─proto handler── ipv4_input ◄─ reassemble ◄─ iface ◄─ link
 *                                              │ not ours (router): TTL−1, route,
 *                                              └─ fragment ─► iface_output
 *
 * Wire codec: the 20-byte header (plus options) is read and written only through the
 * big-endian helpers at the RFC 791 offsets below, into and out of the host-order
 * repr `struct ipv4_hdr`. Nothing else in the stack touches header bytes.
 *
 * Up-calls: a transport protocol registers, per node and protocol number, an input
 * function and an optional ICMP-error function (node_register_proto() in node.h).
 * TCP attaches itself exactly like UDP does (see udp.c).
 */
#ifndef MODELS_IP_IPV4_H
#define MODELS_IP_IPV4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/ip/addr.h"
#include "sim/core/packet.h"

struct sim;
struct node;
struct iface;

/* ---- wire format (RFC 791 §3.1) ---- */

#define IPV4_HDR_LEN      20u    /* without options */
#define IPV4_HDR_MAX_LEN  60u    /* IHL 15 */
#define IPV4_MAX_DATAGRAM 65535u /* total length is 16 bits */
#define IPV4_MIN_MTU      68u    /* RFC 791: every module must forward 68 octets */
#define IPV4_DEFAULT_TTL  64u    /* Linux's net.ipv4.ip_default_ttl */

/* The MTU IPv4 uses on an interface whose device MTU is dev_mtu: capped at 65535,
 * since no datagram is longer (Linux net/ipv4/route.c ipv4_mtu() and include/net/ip.h
 * ip_dst_mtu_maybe_forward(): min(mtu, IP_MAX_MTU)). lo's device MTU is 65536, so its
 * IP MTU is 65535 and TCP's MSS there 65495, which is what Linux advertises on lo. */
static inline uint32_t ipv4_mtu(uint32_t dev_mtu)
{
	return dev_mtu < IPV4_MAX_DATAGRAM ? dev_mtu : IPV4_MAX_DATAGRAM;
}

/* Byte offsets of the header fields. */
enum {
	IPV4_OFF_VER_IHL = 0,
	IPV4_OFF_TOS = 1,
	IPV4_OFF_TOTAL_LEN = 2,
	IPV4_OFF_ID = 4,
	IPV4_OFF_FLAGS_FRAG = 6,
	IPV4_OFF_TTL = 8,
	IPV4_OFF_PROTO = 9,
	IPV4_OFF_CSUM = 10,
	IPV4_OFF_SRC = 12,
	IPV4_OFF_DST = 16,
};

#define IPV4_FLAG_DF       0x4000u
#define IPV4_FLAG_MF       0x2000u
#define IPV4_FRAG_OFF_MASK 0x1fffu

/* Protocol numbers (IANA). */
enum {
	IPV4_PROTO_ICMP = 1,
	IPV4_PROTO_TCP = 6,
	IPV4_PROTO_UDP = 17,
};

/* The header as the rest of the stack sees it (host order). */
struct ipv4_hdr {
	uint8_t hdr_len;    /* IHL × 4: 20..60 bytes */
	uint8_t tos;        /* type of service / DSCP+ECN byte */
	uint16_t total_len; /* header + data, bytes */
	uint16_t id;        /* identification */
	bool df, mf;        /* don't fragment, more fragments */
	uint16_t frag_off;  /* fragment offset in 8-octet units, as on the wire */
	uint8_t ttl;
	uint8_t proto;
	uint16_t csum; /* header checksum as found (parse) or written (write) */
	ipv4_addr_t src, dst;
};

/* Parses the header at buf (len bytes available). Checks version 4, IHL >= 5,
 * hdr_len <= len and hdr_len <= total_len; does NOT check the checksum nor that
 * total_len <= len (callers decide: a quoted header inside an ICMP error is
 * truncated). Returns 0 or -EINVAL. */
int ipv4_hdr_parse(const uint8_t *buf, size_t len, struct ipv4_hdr *h);

/* True when the header checksum of the hdr_len bytes at buf verifies (RFC 791). */
bool ipv4_hdr_csum_ok(const uint8_t *buf, size_t hdr_len);

/* Writes the 20-byte option-less header described by h (h->hdr_len is ignored and
 * taken as 20; h->csum is ignored) and fills in the checksum. Returns the checksum. */
uint16_t ipv4_hdr_write(uint8_t *buf, const struct ipv4_hdr *h);

/* Recomputes the checksum of a header of hdr_len bytes in place. */
void ipv4_hdr_set_csum(uint8_t *buf, size_t hdr_len);

/* Fragment offset in bytes (frag_off × 8). */
static inline uint32_t ipv4_hdr_frag_bytes(const struct ipv4_hdr *h)
{
	return (uint32_t)h->frag_off * 8u;
}

/* True for a fragment (MF set or a non-zero offset). */
static inline bool ipv4_hdr_is_fragment(const struct ipv4_hdr *h)
{
	return h->mf || h->frag_off != 0;
}

/* ---- sending ---- */

/* What a transport protocol asks IPv4 to send. */
struct ipv4_tx {
	ipv4_addr_t src; /* 0 = the preferred source of the route to dst; otherwise
	                  * it must be an address of the node */
	ipv4_addr_t dst;
	uint8_t proto;
	uint8_t ttl; /* 0 = the node's default (64) */
	uint8_t tos;
	bool df;     /* don't fragment: too big for the first hop → -EMSGSIZE */
	bool set_id; /* use `id` instead of the node's counter (Linux sends SYN-
	              * ACKs and RSTs with id 0, say) */
	uint16_t id;
	bool spoof;  /* send from tx->src even if it is not the node's (a raw socket
	              * forging its source, as a SYN flood does) */
};

/* Sends the transport message at pkt->data (pkt->len bytes, with at least
 * IPV4_HDR_MAX_LEN bytes of headroom; SIM_PACKET_HEADROOM is plenty) to tx->dst.
 * Takes ownership of pkt in every case.
 *
 * Routes (local destinations go through lo), picks the source address, writes the
 * header (identification from the node's per-host counter, RFC 6864 allows it),
 * fragments when the datagram exceeds the egress MTU and DF is clear (RFC 791
 * §3.2), and hands the datagram (or its fragments) to the interface.
 *
 * Returns 0 when the datagram left (it may still be dropped on the way), or
 *   -EHOSTUNREACH  no route to tx->dst,
 *   -EMSGSIZE      DF set and the datagram exceeds the path MTU known at the source
 *                  (route_lookup()'s mtu: the egress MTU, lowered by RFC 1191
 *                  fragmentation-needed messages received),
 *   -EADDRNOTAVAIL tx->src is not an address of this node (and not spoof),
 *   -EINVAL        the datagram would exceed 65535 bytes.
 * The packet is freed on error. */
int ipv4_output(struct sim *sim, struct node *node, struct sim_packet *pkt,
                const struct ipv4_tx *tx);

/* ---- receiving ---- */

/* What a transport protocol learns about a datagram handed to it. */
struct ipv4_rx {
	ipv4_addr_t src, dst;
	uint8_t proto;
	uint8_t ttl; /* as received */
	uint8_t tos;
	bool df;
	uint16_t id;
	bool broadcast;      /* dst was a broadcast address of the node */
	struct iface *iface; /* ingress interface (lo for the node's own traffic) */
	/* The IP header as received (for a reassembled datagram: the first fragment's
	 * header with the total length updated and the fragment fields cleared). It sits
	 * in the packet's headroom right before pkt->data, so hdr..pkt->data+pkt->len is
	 * the datagram as received, which ICMP errors quote. Valid while the handler
	 * runs and the packet is neither freed nor pushed. */
	const uint8_t *hdr;
	uint32_t hdr_len;
};

/* Input handler: the transport message at pkt->data (IP header pulled; pkt->len =
 * total length − header). Takes ownership of pkt. */
typedef void (*ipv4_input_fn)(struct sim *sim, struct node *node, struct sim_packet *pkt,
                              const struct ipv4_rx *rx, void *ctx);

/* An ICMP error about a datagram this node sent (RFC 1122 §3.2.2, §4.1.3.3, §4.2.3.9). */
struct ipv4_icmp_error {
	uint8_t type, code;
	uint16_t mtu;         /* next-hop MTU of a fragmentation-needed error (RFC 1191
	                       * §4, bytes 6–7); 0 otherwise or from an old router */
	ipv4_addr_t from;     /* who sent the error (a router, or the destination) */
	int err;              /* the errno a socket would report: -ECONNREFUSED (port
	                       * unreachable), -EMSGSIZE (fragmentation needed),
	                       * -ENETUNREACH, -EHOSTUNREACH, -ENOPROTOOPT (protocol
	                       * unreachable), -EHOSTUNREACH for time exceeded, as Linux
	                       * icmp_err_convert */
	bool fatal;           /* Linux's icmp_err_convert "fatal" flag: hard errors
	                       * (port/protocol unreachable, frag needed) vs soft ones */
	struct ipv4_hdr orig; /* the quoted original header (our datagram) */
	const uint8_t *l4;    /* the quoted transport bytes (at least 8: ports and, for
	                       * TCP, the sequence number) */
	uint32_t l4_len;
	/* The whole quote, contiguous: the original IP header (orig.hdr_len bytes)
	 * followed by the l4 bytes (quoted + orig.hdr_len == l4). Valid during the
	 * call only. */
	const uint8_t *quoted;
	uint32_t quoted_len;
};

typedef void (*ipv4_icmp_error_fn)(struct sim *sim, struct node *node,
                                   const struct ipv4_icmp_error *e, void *ctx);

/* A transport protocol's registration (Linux's struct net_protocol). */
struct ipv4_proto_ops {
	ipv4_input_fn input;           /* required */
	ipv4_icmp_error_fn icmp_error; /* optional: ICMP errors quoting our datagrams */
	/* optional: called once by node_free() to release the protocol's state (ctx);
	 * must not send packets. */
	void (*destroy)(struct sim *sim, struct node *node, void *ctx);
};

/* The node's IPv4 receive path, registered as every interface's input handler:
 * validates (version, lengths, header checksum: a bad one is dropped and counted),
 * drops martians (a loopback address arriving on a non-loopback interface, RFC 1122
 * §3.2.1.3), delivers local datagrams (reassembling fragments), and forwards the rest
 * when the node is a router (hosts drop them, RFC 1122 §3.3.4.4 no forwarding).
 * Takes ownership of pkt (IP header at data). */
void ipv4_input(struct sim *sim, struct iface *ifc, struct sim_packet *pkt);

/* True when a socket bound to `bound` accepts a datagram addressed to `dst` on a node
 * (0.0.0.0 accepts every local address; 127.0.0.1 only what the node sends itself,
 * which is all that can reach a loopback address; any other address only itself).
 * TCP uses the same rule. */
static inline bool ipv4_bound_addr_matches(ipv4_addr_t bound, ipv4_addr_t dst)
{
	return bound == IPV4_ANY || bound == dst;
}

/* ---- counters (per node; summary and tests read them) ---- */

struct ipv4_stats {
	uint64_t in_receives;       /* datagrams received from interfaces */
	uint64_t in_hdr_errors;     /* bad version/length/options */
	uint64_t in_csum_errors;    /* bad header checksum */
	uint64_t in_martians;       /* loopback addresses on a wire interface */
	uint64_t in_addr_errors;    /* not for us and not forwarding (hosts) */
	uint64_t in_unknown_protos; /* no handler for the protocol */
	uint64_t in_delivers;       /* datagrams handed to a protocol */
	uint64_t forwarded;         /* datagrams forwarded */
	uint64_t ttl_expired;       /* dropped: TTL would reach 0 */
	uint64_t no_route;          /* dropped: no route (input or output) */
	uint64_t out_requests;      /* ipv4_output() calls */
	uint64_t out_discards;      /* dropped on output: interface not attached */
	uint64_t df_drops;          /* dropped: DF set and larger than the MTU */
	uint64_t frag_oks;          /* datagrams fragmented */
	uint64_t frag_creates;      /* fragments created */
	uint64_t reasm_reqds;       /* fragments received for reassembly */
	uint64_t reasm_oks;         /* datagrams reassembled */
	uint64_t reasm_fails;       /* fragments or datagrams given up (bad, overlap
	                             * inconsistencies, table full) */
	uint64_t reasm_timeouts;    /* partial datagrams freed by the timer */
};

#endif

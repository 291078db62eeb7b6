/* models/ip/frag.h — IPv4 fragmentation and reassembly (RFC 791 §3.2, RFC 815).
 *
 * Where it sits: ipv4_output() and the forwarding path call frag_output() for a
 * datagram larger than the egress MTU with DF clear; ipv4_input() hands every
 * fragment addressed to the node to frag_input() and gets the whole datagram back
 * once it is complete.
 *
 * Fragmentation: every fragment but the last carries the largest multiple of 8 data
 * bytes that fits the MTU (so 3008 bytes of ICMP at MTU 1500 become 1480 + 1480 +
 * 48, and a 1480-byte fragment re-fragmented at MTU 1000 becomes 976 + 504, exactly
 * as Linux does). The first fragment keeps all options; later ones only those with
 * the copy flag (RFC 791 §3.1 "Options"). The original's MF flag is kept on the last
 * piece of a re-fragmented fragment.
 *
 * Reassembly: keyed by (src, dst, protocol, identification) (RFC 791). Data goes
 * straight into one pooled 64 KiB buffer per datagram at its offset; a bitmap of
 * 8-byte blocks records what has arrived, so out-of-order, duplicated and overlapping
 * fragments are all handled: bytes already received are kept (the first copy wins,
 * like the BSD stacks' trimming; Linux instead discards the whole datagram on an
 * overlap, which RFC 791 does not require). The datagram is complete when the last
 * fragment (MF = 0) has fixed its length and every block up to it is present. A
 * timer (default 30 s, Linux's net.ipv4.ipfrag_time) frees a partial datagram and,
 * if its first fragment had arrived, sends ICMP time exceeded, code 1 (RFC 792,
 * RFC 1122 §3.3.2). Inconsistent fragments (a second different end, data beyond the
 * end, a non-last fragment whose length is not a multiple of 8) discard the datagram.
 * ECN (RFC 3168 §5.3): fragments carry the datagram's TOS byte, ECN bits included
 * (forwarding never changes them); a reassembled datagram is CE when any fragment
 * was CE, and one whose fragments mix Not-ECT with ECN-capable codepoints is
 * discarded (counted in reasm_fails).
 *
 * Queues come from a free list and buffers from the packet pool, so the steady state
 * allocates nothing.
 */
#ifndef MODELS_IP_FRAG_H
#define MODELS_IP_FRAG_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "models/ip/addr.h"
#include "sim/core/packet.h"
#include "sim/core/sched.h"
#include "sim/core/time.h"

struct sim;
struct node;
struct iface;
struct ipv4_hdr;

#define FRAG_DEFAULT_TIMEOUT    SIM_S(30)
#define FRAG_DEFAULT_MAX_QUEUES 1024u

struct frag_queue;

struct frag_table {
	GHashTable *queues; /* key → struct frag_queue * */
	struct frag_queue *free_list;
	uint32_t n_queues;
	uint32_t max_queues; /* fragments of new datagrams beyond this are dropped */
	sim_time_t timeout;
};

/* Internal to node.c. */
void frag_table_init(struct frag_table *t, sim_time_t timeout, uint32_t max_queues);
void frag_table_fini(struct sim *sim, struct frag_table *t);

/* Partial datagrams held (tests check that timeouts free them). */
uint32_t frag_table_pending(const struct frag_table *t);

/* Fragments the datagram `pkt` (IPv4 header at data, header `h` parsed from it,
 * checksum valid) for an MTU of `mtu` bytes and sends each fragment on `ifc`. The
 * caller has checked DF is clear and pkt->len > mtu. Takes ownership of pkt. Returns
 * the number of fragments sent, or a negative errno (-EMSGSIZE when mtu cannot carry
 * the header plus 8 bytes). */
int frag_output(struct sim *sim, struct node *node, struct iface *ifc, struct sim_packet *pkt,
                const struct ipv4_hdr *h, uint32_t mtu);

/* Accepts a fragment addressed to the node (IPv4 header at data, `h` parsed, checksum
 * verified, pkt trimmed to the total length). Takes ownership. Returns the reassembled
 * datagram (IPv4 header at data: the first fragment's header with total length,
 * MF/offset and checksum updated; it has SIM_PACKET_HEADROOM headroom) when this
 * fragment completed it, else NULL. */
struct sim_packet *frag_input(struct sim *sim, struct node *node, struct sim_packet *pkt,
                              const struct ipv4_hdr *h);

#endif

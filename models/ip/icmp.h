/* models/ip/icmp.h — ICMP (RFC 792, RFC 1122 §3.2.2, RFC 1812 §4.3, RFC 1191).
 *
 * Where it sits: registered on every node as protocol 1 by node_new(). It answers
 * echo requests, sends errors for IPv4 (time exceeded, destination unreachable with
 * its codes, fragmentation needed with the next-hop MTU), and dispatches received
 * errors to the protocol whose datagram they quote (the quoted protocol's
 * icmp_error handler: TCP finds its connection by the quoted ports, UDP reports
 * ECONNREFUSED), after updating the path MTU cache for fragmentation needed. Echo
 * replies, and errors quoting an echo request, go to the echo listener registered
 * for the quoted identifier (the ping application).
 *
 * Errors follow RFC 1812 §4.3.2.3 and Linux: the quote is the offending datagram as
 * received (before a router's TTL decrement), as much as fits in a 576-byte IP
 * packet (20 + 8 + 548 quoted bytes); the outer header has DF clear, TTL 64, TOS
 * 0xc0 | (the original's TOS bits) as Linux's icmp_send; the source is the
 * offending datagram's destination when that is one of our addresses, else the
 * address of the interface the route back to the sender leaves from. No error is
 * sent (RFC 1122 §3.2.2) about an ICMP error, a fragment other than the first, a
 * datagram to a broadcast or multicast address, or one whose source does not name a
 * single host (0.0.0.0, loopback from outside, broadcast, multicast, class E).
 */
#ifndef MODELS_IP_ICMP_H
#define MODELS_IP_ICMP_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "models/ip/addr.h"
#include "sim/core/packet.h"

struct sim;
struct node;
struct iface;
struct ipv4_rx;
struct ipv4_tx;

#define ICMP_HDR_LEN 8u
/* RFC 1812 §4.3.2.3 (and RFC 1122 §3.2.2 "576"): an error fits in 576 bytes of IP. */
#define ICMP_ERROR_MAX_IP_LEN 576u

enum icmp_type {
	ICMP_ECHO_REPLY = 0,
	ICMP_DEST_UNREACH = 3,
	ICMP_SOURCE_QUENCH = 4,
	ICMP_REDIRECT = 5,
	ICMP_ECHO_REQUEST = 8,
	ICMP_TIME_EXCEEDED = 11,
	ICMP_PARAM_PROBLEM = 12,
};

enum icmp_unreach_code {
	ICMP_NET_UNREACH = 0,
	ICMP_HOST_UNREACH = 1,
	ICMP_PROTO_UNREACH = 2,
	ICMP_PORT_UNREACH = 3,
	ICMP_FRAG_NEEDED = 4,
};

enum icmp_time_exceeded_code {
	ICMP_EXC_TTL = 0,
	ICMP_EXC_FRAGTIME = 1,
};

/* Byte offsets in the ICMP header. */
enum {
	ICMP_OFF_TYPE = 0,
	ICMP_OFF_CODE = 1,
	ICMP_OFF_CSUM = 2,
	ICMP_OFF_ID = 4,  /* echo */
	ICMP_OFF_SEQ = 6, /* echo */
	ICMP_OFF_MTU = 6, /* fragmentation needed, RFC 1191 §4 */
};

/* Counters per node ("ICMP sent/received by type"). */
/* Types counted one by one: 0 .. 18 (RFC 792, RFC 950's address mask reply is 18);
 * the rest together. A node's statistics stay small (a run may have 10 000 nodes). */
#define ICMP_STAT_TYPES 20u

struct icmp_stats {
	uint64_t in_msgs;           /* well-formed messages received */
	uint64_t in_errors;         /* dropped: too short or bad checksum */
	uint64_t out_msgs;          /* messages sent */
	uint64_t errors_suppressed; /* errors not sent under RFC 1122 §3.2.2 */
	uint64_t in_type[ICMP_STAT_TYPES];  /* received, by type (the last entry: every */
	uint64_t out_type[ICMP_STAT_TYPES]; /* type from ICMP_STAT_TYPES - 1 up); sent */
};

/* The entry of in_type/out_type that counts `type`. */
static inline unsigned icmp_stat_type(uint8_t type)
{
	return type < ICMP_STAT_TYPES - 1 ? type : ICMP_STAT_TYPES - 1;
}

/* True for the types that are errors (never answered with an error). */
bool icmp_type_is_error(uint8_t type);

/* Sends an ICMP error about the datagram `ip` (its IP header and as much of the rest
 * as the caller has, `len` bytes, as received) from `node`. `mtu` is the next-hop MTU
 * for ICMP_DEST_UNREACH/ICMP_FRAG_NEEDED, else 0. Applies the RFC 1122 §3.2.2
 * suppression rules. Returns 0 if sent, -EPERM if suppressed, or ipv4_output()'s
 * error. */
int icmp_send_error(struct sim *sim, struct node *node, const uint8_t *ip, uint32_t len,
                    uint8_t type, uint8_t code, uint16_t mtu);

/* For transport protocols: an error about a datagram delivered to them (pkt at its
 * transport header, rx as given to the input handler), e.g. UDP's port unreachable.
 * Does not take pkt. */
int icmp_send_error_rx(struct sim *sim, struct node *node, const struct sim_packet *pkt,
                       const struct ipv4_rx *rx, uint8_t type, uint8_t code);

/* ---- echo (ping) ---- */

/* What an echo listener is told. */
struct icmp_echo_event {
	bool is_error; /* false: an echo reply; true: an ICMP error quoting one of
	                * our echo requests */
	uint16_t id, seq;
	ipv4_addr_t from;    /* the replying host, or the router that sent the error */
	uint8_t ttl;         /* IP TTL of the reply/error as received */
	uint8_t type, code;  /* of the message received */
	uint16_t mtu;        /* next-hop MTU of a fragmentation-needed error */
	const uint8_t *data; /* reply: echo data after the 8-byte header */
	uint32_t data_len;   /* reply: its length (0 for errors) */
};

typedef void (*icmp_echo_fn)(struct sim *sim, struct node *node, const struct icmp_echo_event *ev,
                             void *ctx);

/* Registers a listener for echo replies (and errors) carrying identifier `id` on this
 * node. Returns 0 or -EADDRINUSE. */
int icmp_echo_listen(struct node *node, uint16_t id, icmp_echo_fn fn, void *ctx);
void icmp_echo_unlisten(struct node *node, uint16_t id);

/* A fresh echo identifier for this node (1, 2, ... skipping ones in use). */
uint16_t icmp_echo_alloc_id(struct node *node);

/* Sends an echo request from `node` to tx->dst: 8-byte header (type 8, code 0, id,
 * seq) and `data_len` bytes of `data` (NULL: iputils' pattern: byte i = i mod 256).
 * tx->proto is forced to ICMP. Returns ipv4_output()'s result. */
int icmp_echo_send(struct sim *sim, struct node *node, const struct ipv4_tx *tx, uint16_t id,
                   uint16_t seq, const uint8_t *data, uint32_t data_len);

/* Internal to node.c: per-node ICMP state and its registration as protocol 1. */
struct icmp_state {
	GHashTable *echo; /* id → listener */
	uint16_t next_echo_id;
};
void icmp_attach(struct node *node);
void icmp_detach(struct node *node);

#endif

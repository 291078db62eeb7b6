/* models/ip/udp.h — UDP (RFC 768, RFC 1122 §4.1) and its sockets.
 *
 * Where it sits: registered on a node as protocol 17 by udp_attach(); applications
 * (models/apps/udp_app) open sockets here and send through ipv4_output().
 *
 * Wire: 8-byte header (source port, destination port, length, checksum). The checksum
 * covers the pseudo header (source, destination, zero, protocol 17, UDP length), the
 * header and the data; it is always computed on send, and a computed 0 is sent as
 * 0xffff (RFC 768). A received non-zero checksum must verify (bad → dropped and
 * counted); 0 means "none" and is accepted (RFC 1122 §4.1.3.4 lets a receiver
 * accept it; Linux does).
 *
 * Demultiplexing: one hash table keyed by local port, each bucket a short list of the
 * sockets sharing that port (distinct specific addresses, connected sockets). A
 * datagram goes to the best match: a connected socket whose peer matches, then a
 * socket bound to the exact destination address, then one bound to 0.0.0.0
 * (ipv4_bound_addr_matches()). No socket → ICMP port unreachable (RFC 1122 §4.1.3.1)
 * unless the datagram was a broadcast.
 *
 * Binding follows Linux without SO_REUSEADDR: a (address, port) may not overlap an
 * existing binding (0.0.0.0:p conflicts with every a:p). Ephemeral ports come from
 * 32768..60999 (Linux's ip_local_port_range), allocated in order per node.
 *
 * Received datagrams are handed to the socket's receive callback synchronously from
 * the packet's arrival event (never from inside a call the application made).
 * An ICMP port unreachable quoting a datagram of a connected socket sets its pending
 * error to -ECONNREFUSED and calls its error callback (Linux reports errors only on
 * connected UDP sockets).
 */
#ifndef MODELS_IP_UDP_H
#define MODELS_IP_UDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "models/ip/addr.h"
#include "sim/core/packet.h"

struct sim;
struct node;
struct udp_stack;
struct udp_sock;

#define UDP_HDR_LEN        8u
#define UDP_EPHEMERAL_LOW  32768u
#define UDP_EPHEMERAL_HIGH 60999u

enum {
	UDP_OFF_SPORT = 0,
	UDP_OFF_DPORT = 2,
	UDP_OFF_LEN = 4,
	UDP_OFF_CSUM = 6,
};

struct udp_stats {
	uint64_t in_datagrams;   /* delivered to a socket */
	uint64_t no_ports;       /* no socket: port unreachable sent (or broadcast) */
	uint64_t in_errors;      /* bad length or checksum */
	uint64_t in_csum_errors; /* of which bad checksum */
	uint64_t out_datagrams;  /* sent */
};

/* The per-node UDP: created on first call, registered as protocol 17; freed by
 * node_free(). Returns the node's stack. */
struct udp_stack *udp_attach(struct sim *sim, struct node *node);

/* The node's UDP stack, or NULL if udp_attach() was never called. */
struct udp_stack *udp_stack_of(const struct node *node);

const struct udp_stats *udp_get_stats(const struct udp_stack *st);

/* Metadata of a received datagram. */
struct udp_meta {
	ipv4_addr_t src, dst;
	uint16_t sport, dport;
	uint8_t ttl, tos;
	struct iface *iface; /* ingress interface */
};

/* Receive callback: the payload at pkt->data (pkt->len bytes). Takes ownership of
 * pkt. */
typedef void (*udp_recv_fn)(struct sim *sim, struct udp_sock *s, struct sim_packet *pkt,
                            const struct udp_meta *m, void *ctx);
/* Error callback: err is the pending error (-ECONNREFUSED). */
typedef void (*udp_error_fn)(struct sim *sim, struct udp_sock *s, int err, void *ctx);

/* A new unbound socket. */
struct udp_sock *udp_socket(struct udp_stack *st);

/* Binds to a local address (IPV4_ANY, 127.0.0.1, or an address of the node) and port
 * (0 = ephemeral). Returns 0, -EINVAL (already bound), -EADDRNOTAVAIL (not an address
 * of the node), -EADDRINUSE. */
int udp_bind(struct udp_sock *s, ipv4_addr_t addr, uint16_t port);

/* Sets the default peer and filters received datagrams to it (binding an ephemeral
 * port first if unbound). Returns 0, -EHOSTUNREACH (no route), -EADDRINUSE. */
int udp_connect(struct udp_sock *s, ipv4_addr_t addr, uint16_t port);

/* Options for one datagram; zero-initialised means defaults (TTL 64, TOS 0, DF clear). */
struct udp_send_opts {
	uint8_t ttl;
	uint8_t tos;
	bool df;
};

/* Sends `len` bytes (NULL buf: zeros) to dst:port (dst 0: the connected peer).
 * Binds an ephemeral port first if unbound. Returns len, or -EDESTADDRREQ (no
 * destination), -EMSGSIZE (len > 65507, or DF and larger than the path MTU),
 * -EHOSTUNREACH, -ECONNREFUSED (a pending error on a connected socket is reported
 * and cleared first, like Linux). */
ssize_t udp_sendto(struct udp_sock *s, const void *buf, size_t len, ipv4_addr_t dst, uint16_t port,
                   const struct udp_send_opts *opts);

/* As udp_sendto(), but the payload is already in `pkt` (at data, with at least
 * SIM_PACKET_HEADROOM of headroom): no copy. Takes ownership of pkt. */
int udp_send_packet(struct udp_sock *s, struct sim_packet *pkt, ipv4_addr_t dst, uint16_t port,
                    const struct udp_send_opts *opts);

void udp_set_callbacks(struct udp_sock *s, udp_recv_fn recv, udp_error_fn error, void *ctx);

/* Takes and clears the pending error (0 or a negative errno). */
int udp_get_error(struct udp_sock *s);

/* Unbinds and frees the socket. */
void udp_close(struct udp_sock *s);

ipv4_addr_t udp_local_addr(const struct udp_sock *s);
uint16_t udp_local_port(const struct udp_sock *s);

/* Writes the 8-byte header at udp (with `len` = header + payload already in place
 * after it) and the checksum over the pseudo header. Exposed for tests and codecs. */
void udp_hdr_write(uint8_t *udp, uint32_t len, ipv4_addr_t src, ipv4_addr_t dst, uint16_t sport,
                   uint16_t dport);

/* True when the UDP checksum of the `len` bytes at udp verifies (or is 0 = none). */
bool udp_csum_ok(const uint8_t *udp, uint32_t len, ipv4_addr_t src, ipv4_addr_t dst);

#endif

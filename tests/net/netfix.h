/* tests/net/netfix.h — small helpers shared by the network-layer tests.
 *
 * A "recorder" is a protocol handler for an experimental protocol number (253,
 * RFC 3692) that remembers every datagram delivered to a node: arrival time, length,
 * TTL, source, and the 32-bit tag the sender wrote at the start of the payload.
 * fx_send() sends such tagged datagrams through ipv4_output(), so link and routing
 * tests observe real IPv4 delivery without a transport protocol.
 */
#ifndef TESTS_NET_NETFIX_H
#define TESTS_NET_NETFIX_H

#include <glib.h>
#include <stdint.h>

#include "models/link/link.h"
#include "models/ip/node.h"
#include "sim/core/sim.h"

#define FX_PROTO 253

struct fx_rx {
	sim_time_t t;
	uint32_t tag;
	uint32_t len; /* transport bytes */
	uint8_t ttl;
	uint8_t tos; /* as received (ECN bits included) */
	ipv4_addr_t src, dst;
	struct iface *iface;
};

struct fx_recorder {
	GArray *rx; /* struct fx_rx */
};

struct node *fx_node(struct sim *sim, const char *name, enum node_kind kind);

/* Registers a recorder for FX_PROTO on the node (freed by node_free). */
struct fx_recorder *fx_record(struct node *n);

/* Sends `len` (>= 4) bytes of FX_PROTO payload starting with `tag` (big-endian). */
int fx_send(struct sim *sim, struct node *n, ipv4_addr_t dst, uint32_t len, uint32_t tag);
int fx_send_tx(struct sim *sim, struct node *n, const struct ipv4_tx *tx, uint32_t len,
               uint32_t tag);

/* Link config shorthand. */
struct link_dir_config fx_link_cfg(uint64_t bps, sim_time_t delay, uint32_t mtu);

/* A — R — B: A (10.<n>.1.1/24) and R (10.<n>.1.254) on link l1, R (10.<n>.2.254) and
 * B (10.<n>.2.1/24) on link l2; A and B route by default through R. */
struct fx_arb {
	struct node *a, *r, *b;
	struct iface *a0, *r0, *r1, *b0;
	struct link *l1, *l2;
};

void fx_arb_init(struct sim *sim, struct fx_arb *t, unsigned n, const struct link_dir_config *c1,
                 const struct link_dir_config *c2);
/* Frees links then nodes. */
void fx_arb_free(struct fx_arb *t);

/* Asserts that no packet is left in the pool (call after freeing everything). */
void fx_assert_no_leak(struct sim *sim);

/* A temporary directory for output files (removed by fx_tmpdir_free). */
char *fx_tmpdir(void);
void fx_tmpdir_free(char *dir);

#endif

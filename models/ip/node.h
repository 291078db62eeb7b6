/* models/ip/node.h — hosts and routers.
 *
 * Where it sits: the container of a network stack. A node owns its interfaces (lo
 * first), its local-address set and the registered transport protocols, and holds
 * the IPv4 state (routing table, identification counter, reassembly, ICMP,
 * counters), which ipv4_attach() (attach.h) builds and node_new() calls.
 *
 * Building a topology (a test does it in ten lines):
 *
 *     struct node_config hc; node_config_default(&hc);           // a host
 *     struct node *a = node_new(sim, "A", &hc), *b = node_new(sim, "B", &hc);
 *     struct iface *a0 = node_add_iface(a, "eth0", IPV4_ADDR(10,0,0,1), 24);
 *     struct iface *b0 = node_add_iface(b, "eth0", IPV4_ADDR(10,0,0,2), 24);
 *     struct link_dir_config lc; link_dir_config_default(&lc);
 *     lc.bandwidth_bps = 10000000; lc.delay = SIM_MS(5);
 *     struct link *l = link_new(sim, "l", a0, b0, &lc, &lc);
 *     ... run ...
 *     link_free(l); node_free(a); node_free(b);                   // links first
 *
 * Local addresses: lo's 127.0.0.1/8 (the whole of 127/8 is local, as in Linux) and
 * every interface address. node_is_local_address() is an O(1) hash lookup; input
 * never scans interfaces.
 */
#ifndef MODELS_IP_NODE_H
#define MODELS_IP_NODE_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "models/ip/addr.h"
#include "models/ip/addrmap.h"
#include "models/ip/frag.h"
#include "models/ip/icmp.h"
#include "models/link/iface.h"
#include "models/ip/ipv4.h"
#include "models/ip/route.h"
#include "sim/core/time.h"

struct sim;

enum node_kind {
	NODE_HOST = 0,   /* never forwards (RFC 1122 §3.3.4.4 — a host is not a gateway) */
	NODE_ROUTER = 1, /* forwards datagrams not addressed to it (RFC 1812) */
};

struct node_config {
	enum node_kind kind;       /* default NODE_HOST */
	uint8_t default_ttl;       /* TTL of datagrams it originates; default 64 */
	sim_time_t reasm_timeout;  /* reassembly timeout; default 30 s (ipfrag_time) */
	uint32_t reasm_max_queues; /* partial datagrams held at once; default 1024 */
	uint16_t first_ip_id;      /* first value of the identification counter; default 1
	                            * (tests set it to reproduce Linux vectors) */
};

void node_config_default(struct node_config *cfg);

struct node_proto {
	struct ipv4_proto_ops ops;
	void *ctx;
	bool registered;
};

/* Protocols one node can register (ICMP, TCP, UDP and a few for tests). */
#define NODE_MAX_PROTOS 8

struct node {
	struct sim *sim;
	char *name;
	struct node_config cfg;
	struct iface **ifaces; /* ifaces[0] is lo */
	uint32_t n_ifaces, cap_ifaces;
	/* Every address the node answers to, one lookup for both questions ipv4_input
	 * asks of each datagram: address → the struct iface * holding it, tagged
	 * NODE_ADDR_LOCAL; and NODE_ADDR_BCAST when it is the subnet broadcast address of
	 * an interface (then, if it is not also local, the pointer is that interface). */
	struct ipv4_map addrs;
	struct route_table routes;
	uint16_t ip_id; /* next identification (per-host counter) */
	struct frag_table frags;
	/* Registered protocols: proto_slot[protocol number] is 0 (none) or 1 + the index
	 * of its entry in protos[], so the 256 possible numbers cost 256 bytes, not 256
	 * entries (a run may have 10 000 nodes). */
	uint8_t proto_slot[256];
	struct node_proto protos[NODE_MAX_PROTOS];
	uint8_t n_protos;
	struct icmp_state icmp;
	struct ipv4_stats ip_stats;
	struct icmp_stats icmp_stats;
};

/* The registered handler of a protocol number, or NULL. O(1). */
static inline struct node_proto *node_proto_of(struct node *n, uint8_t proto)
{
	uint8_t slot = n->proto_slot[proto];
	return slot ? &n->protos[slot - 1] : NULL;
}

/* Creates a node with its loopback interface lo (127.0.0.1/8) and attaches IPv4
 * (ipv4_attach(): the route 127.0.0.0/8 via lo, ICMP registered). `name` is copied. */
struct node *node_new(struct sim *sim, const char *name, const struct node_config *cfg);

/* Destroys the node: calls every protocol's destroy hook, frees partial datagrams and
 * looped-back packets, closes captures, frees interfaces and routes. Every link
 * attached to its interfaces must have been freed first. NULL is allowed. */
void node_free(struct node *n);

/* Adds an interface named `name` with address addr/prefix_len (addr 0: unnumbered)
 * and the connected route for its subnet (kept only if no interface of the node has
 * the same subnet already, as Linux prefers the first). Its MTU comes from the link
 * it is later attached to. Returns NULL if the name is taken, the address is already
 * one of the node's, or prefix_len > 32. */
struct iface *node_add_iface(struct node *n, const char *name, ipv4_addr_t addr,
                             unsigned prefix_len);

/* The interface with this name (a linear search: for setup code, not for packets). */
struct iface *node_iface_by_name(const struct node *n, const char *name);

/* The interface holding address `addr`, or NULL; O(1). lo for 127/8. */
struct iface *node_iface_by_addr(const struct node *n, ipv4_addr_t addr);

static inline struct iface *node_loopback(const struct node *n)
{
	return n->ifaces[0];
}

/* What addr is to the node: NODE_ADDR_LOCAL (one of its addresses, 127/8 included),
 * NODE_ADDR_BCAST (255.255.255.255 or a subnet broadcast address of an interface),
 * both, or 0. One lookup; O(1). */
enum {
	NODE_ADDR_LOCAL = 1u,
	NODE_ADDR_BCAST = 2u,
};
static inline unsigned node_addr_kind(const struct node *n, ipv4_addr_t addr)
{
	unsigned kind = (unsigned)((uintptr_t)ipv4_map_lookup(&n->addrs, addr) & 3u);
	if (ipv4_is_loopback(addr))
		kind |= NODE_ADDR_LOCAL;
	if (addr == 0xffffffffu)
		kind |= NODE_ADDR_BCAST;
	return kind;
}

/* True when addr is one of the node's addresses (any interface, or 127/8); O(1). */
bool node_is_local_address(const struct node *n, ipv4_addr_t addr);

/* True when addr is 255.255.255.255 or the subnet broadcast address of one of the
 * node's interfaces (prefixes up to /30); O(1). */
bool node_is_broadcast_address(const struct node *n, ipv4_addr_t addr);

static inline bool node_is_router(const struct node *n)
{
	return n->cfg.kind == NODE_ROUTER;
}

/* Registers a transport protocol on the node (Linux inet_add_protocol). Returns 0, or
 * -EEXIST if the protocol number is taken, -EINVAL if ops->input is NULL, -ENOSPC when
 * NODE_MAX_PROTOS are registered already. ops is copied. */
int node_register_proto(struct node *n, uint8_t proto, const struct ipv4_proto_ops *ops, void *ctx);

/* The context registered for `proto`, or NULL when the protocol is not registered or
 * was registered with a different input function than `input` (so a protocol can
 * find its own per-node state: udp_stack_of()). */
void *node_proto_ctx(const struct node *n, uint8_t proto, ipv4_input_fn input);

/* Next identification value (per-host counter, wraps). */
static inline uint16_t node_next_ip_id(struct node *n)
{
	return n->ip_id++;
}

#endif

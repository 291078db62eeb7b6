/* models/ip/route.h — per-node routing table with longest-prefix match, and the path
 * MTU cache of RFC 1191.
 *
 * Where it sits: ipv4_output() and the forwarding path ask route_lookup(); TCP asks
 * it too (source address, MSS from the MTU).
 *
 * Hosts and routers use the same table (only routers forward). Entries:
 *   - connected routes, added by node_add_iface() for each interface's subnet;
 *   - static routes (route_add()), through a gateway or straight out of an interface;
 *   - the default route 0.0.0.0/0 (route_add_default()).
 * Destinations that are addresses of the node itself resolve to lo first (Linux's
 * "local" table), whatever the table says.
 *
 * Data structure: one hash table per prefix length in use (keyed by the masked
 * address, models/ip/addrmap.h) and a 33-bit mask of the lengths present. A lookup probes the lengths
 * present from longest to shortest: O(number of distinct prefix lengths), never
 * O(number of routes or interfaces). Tables are never iterated in a way that reaches
 * an output.
 */
#ifndef MODELS_IP_ROUTE_H
#define MODELS_IP_ROUTE_H

#include <glib.h>
#include <stdint.h>

#include "models/ip/addr.h"
#include "models/ip/addrmap.h"
#include "sim/core/time.h"

struct node;
struct iface;

struct route {
	struct ipv4_prefix prefix;
	ipv4_addr_t gateway; /* 0 = destination directly reachable on `iface` */
	struct iface *iface; /* egress interface */
	bool connected;      /* added for an interface's own subnet */
};

/* A direct-mapped cache of recent longest-prefix matches (dst → route), as Linux keeps
 * a route on the socket: a host sends to a few destinations, so most lookups are one
 * probe instead of one per prefix length present. It holds twice as many entries as
 * the table has routes (at least ROUTE_CACHE_MIN, at most ROUTE_CACHE_MAX), so that a
 * router with a route per host keeps hitting, and a hit copies the route's gateway and
 * interface without reading the route itself (a router's routes are many small
 * allocations that a large run has evicted from the caches). Rebuilt empty after a
 * route is added or removed; a route's fields never change while it is in the table. */
#define ROUTE_CACHE_MIN_BITS 5
#define ROUTE_CACHE_MAX_BITS 12
struct route_cache_entry {
	ipv4_addr_t dst;
	ipv4_addr_t gateway;       /* route->gateway */
	struct iface *iface;       /* route->iface */
	const struct route *route; /* NULL: empty */
};

struct route_table {
	struct ipv4_map by_len[33]; /* masked prefix address → struct route * */
	uint64_t lengths;       /* bit n set ⇔ by_len[n] has entries */
	uint32_t n_routes;
	uint32_t cache_bits;
	bool cache_ready;                /* false: rebuild before the next lookup */
	struct route_cache_entry *cache; /* 1 << cache_bits entries */
	GHashTable *pmtu; /* destination → struct route_pmtu * (RFC 1191 §6.3) */
};

/* The answer to "how do I reach dst?". */
struct route_result {
	struct iface *iface;       /* egress interface (lo for the node's own addresses) */
	ipv4_addr_t next_hop;      /* gateway, or dst itself when directly reachable */
	ipv4_addr_t src;           /* preferred source address: the egress interface's
	                            * address (dst itself for a local destination) */
	uint32_t mtu;              /* path MTU: the egress MTU (ipv4_mtu(): at most
	                            * 65535), lowered by a cached RFC 1191 value for this
	                            * destination */
	const struct route *route; /* the matching entry (NULL for local destinations) */
};

/* Internal to node.c. */
void route_table_init(struct route_table *t);
void route_table_fini(struct route_table *t);

/* Longest-prefix match for dst. Returns 0 and fills *out, or -EHOSTUNREACH. */
int route_lookup(const struct node *node, ipv4_addr_t dst, struct route_result *out);

/* route_lookup() for a destination the caller knows is not one of the node's own
 * addresses (the forwarding path, after ipv4_input's check): the same answer without
 * the local-address lookup. */
int route_lookup_remote(const struct node *node, ipv4_addr_t dst, struct route_result *out);

/* Adds a static route. With a gateway (iface may be NULL), the egress interface is the
 * one whose connected subnet holds the gateway. Without one (gateway 0), `iface` is
 * required and the destination is taken as directly reachable on it (a point-to-point
 * link). Returns 0, -EEXIST (same prefix already present), -ENETUNREACH (the gateway is
 * not on a connected subnet), or -EINVAL (prefix with host bits, no iface). */
int route_add(struct node *node, struct ipv4_prefix prefix, ipv4_addr_t gateway,
              struct iface *iface);

/* route_add() of 0.0.0.0/0. */
int route_add_default(struct node *node, ipv4_addr_t gateway, struct iface *iface);

/* Removes the route for exactly this prefix; 0 or -ENOENT. */
int route_del(struct node *node, struct ipv4_prefix prefix);

/* Exact-prefix lookup (no LPM); NULL when absent. */
const struct route *route_find(const struct node *node, struct ipv4_prefix prefix);

/* Internal to attach.c: the connected route of an interface. */
int route_add_connected(struct node *node, struct iface *ifc);

/* RFC 1191 §6.3: remembers a smaller path MTU toward dst, learnt from an ICMP
 * fragmentation-needed message, for `expires` (Linux's net.ipv4.route.mtu_expires,
 * 600 s). Values below 68 are raised to 68 (RFC 791 minimum). Ignored if not smaller
 * than the current path MTU. */
void route_pmtu_update(struct node *node, ipv4_addr_t dst, uint32_t mtu);

/* Forgets every learnt path MTU (ip route flush cache). */
void route_pmtu_flush(struct node *node);

/* Number of routes (connected + static). */
uint32_t route_count(const struct node *node);

#endif

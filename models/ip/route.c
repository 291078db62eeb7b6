/* models/ip/route.c — see route.h. */
#include "models/ip/route.h"

#include <errno.h>
#include <string.h>

#include "models/link/iface.h"
#include "models/ip/ipv4.h"
#include "models/ip/node.h"
#include "sim/core/sim.h"

/* Linux's net.ipv4.route.mtu_expires: a learnt path MTU is forgotten after 10 min. */
#define PMTU_EXPIRES SIM_S(600)

struct route_pmtu {
	uint32_t mtu;
	sim_time_t expires;
};

static GHashTable *new_table(void)
{
	return g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
}

static void free_route(void *value, void *ctx)
{
	(void)ctx;
	g_free(value);
}

void route_table_init(struct route_table *t)
{
	memset(t, 0, sizeof(*t));
}

void route_table_fini(struct route_table *t)
{
	for (int i = 0; i <= 32; i++) {
		ipv4_map_foreach(&t->by_len[i], free_route, NULL);
		ipv4_map_fini(&t->by_len[i]);
	}
	if (t->pmtu)
		g_hash_table_destroy(t->pmtu);
	g_free(t->cache);
	memset(t, 0, sizeof(*t));
}

/* Forgets every cached match (the table changed): the cache is rebuilt at the next
 * lookup, sized for the routes the table has then (route.h). */
static void cache_clear(struct route_table *t)
{
	t->cache_ready = false;
}

static void cache_rebuild(struct route_table *t)
{
	uint32_t bits = ROUTE_CACHE_MIN_BITS;
	while (bits < ROUTE_CACHE_MAX_BITS && (UINT32_C(1) << bits) < 2 * t->n_routes)
		bits++;
	if (bits != t->cache_bits || t->cache == NULL) {
		g_free(t->cache);
		t->cache = g_new(struct route_cache_entry, UINT32_C(1) << bits);
		t->cache_bits = bits;
	}
	memset(t->cache, 0, sizeof(*t->cache) << bits);
	t->cache_ready = true;
}

/* Longest match among the prefix lengths present, longest first. */
static const struct route *lpm(const struct route_table *t, ipv4_addr_t dst)
{
	uint64_t lens = t->lengths;
	while (lens) {
		unsigned len = 63u - (unsigned)__builtin_clzll(lens);
		lens &= ~(UINT64_C(1) << len);
		const struct route *r = ipv4_map_lookup(&t->by_len[len], dst & ipv4_mask(len));
		if (r)
			return r;
	}
	return NULL;
}

static uint32_t pmtu_get(const struct node *node, ipv4_addr_t dst, uint32_t mtu)
{
	const struct route_table *t = &node->routes;
	if (!t->pmtu || g_hash_table_size(t->pmtu) == 0)
		return mtu;
	struct route_pmtu *p = g_hash_table_lookup(t->pmtu, GUINT_TO_POINTER(dst));
	if (!p)
		return mtu;
	if (sim_now(node->sim) >= p->expires) {
		g_hash_table_remove(t->pmtu, GUINT_TO_POINTER(dst));
		return mtu;
	}
	return p->mtu < mtu ? p->mtu : mtu;
}

int route_lookup(const struct node *node, ipv4_addr_t dst, struct route_result *out)
{
	/* The node's own addresses first, like Linux's local table. */
	if (node_is_local_address(node, dst)) {
		struct iface *lo = node_loopback(node);
		out->iface = lo;
		out->next_hop = dst;
		out->src = dst;
		out->mtu = ipv4_mtu(lo->mtu);
		out->route = NULL;
		return 0;
	}
	return route_lookup_remote(node, dst, out);
}

int route_lookup_remote(const struct node *node, ipv4_addr_t dst, struct route_result *out)
{
	/* The table is logically const: the cache is a hidden part of it. */
	struct route_table *t = (struct route_table *)(uintptr_t)&node->routes;
	if (G_UNLIKELY(!t->cache_ready))
		cache_rebuild(t);
	struct route_cache_entry *ce =
	    &t->cache[(uint32_t)(dst * UINT32_C(0x9e3779b1)) >> (32 - t->cache_bits)];
	if (!ce->route || ce->dst != dst) {
		const struct route *r = lpm(t, dst);
		if (!r)
			return -EHOSTUNREACH;
		ce->dst = dst;
		ce->gateway = r->gateway;
		ce->iface = r->iface;
		ce->route = r;
	}
	out->iface = ce->iface;
	out->next_hop = ce->gateway ? ce->gateway : dst;
	out->src = ce->iface->addr;
	out->route = ce->route;
	out->mtu = pmtu_get(node, dst, ipv4_mtu(ce->iface->mtu));
	return 0;
}

static int insert(struct node *node, struct ipv4_prefix prefix, ipv4_addr_t gateway,
                  struct iface *ifc, bool connected)
{
	struct route_table *t = &node->routes;
	if (prefix.len > 32 || (prefix.addr & ~ipv4_mask(prefix.len)) != 0 || !ifc)
		return -EINVAL;
	struct ipv4_map *h = &t->by_len[prefix.len];
	if (ipv4_map_contains(h, prefix.addr))
		return -EEXIST;
	struct route *r = g_new0(struct route, 1);
	r->prefix = prefix;
	r->gateway = gateway;
	r->iface = ifc;
	r->connected = connected;
	ipv4_map_insert(h, prefix.addr, r);
	cache_clear(t);
	t->lengths |= UINT64_C(1) << prefix.len;
	t->n_routes++;
	return 0;
}

int route_add(struct node *node, struct ipv4_prefix prefix, ipv4_addr_t gateway,
              struct iface *iface)
{
	if (gateway) {
		/* The gateway must be directly reachable: on a connected subnet (or a
		 * directly-reachable static route). */
		const struct route *via = lpm(&node->routes, gateway);
		if (!via || via->gateway != 0 || via->iface->loopback)
			return -ENETUNREACH;
		if (iface && iface != via->iface)
			return -ENETUNREACH;
		iface = via->iface;
	}
	if (!iface)
		return -EINVAL;
	return insert(node, prefix, gateway, iface, false);
}

int route_add_default(struct node *node, ipv4_addr_t gateway, struct iface *iface)
{
	struct ipv4_prefix p = {.addr = 0, .len = 0};
	return route_add(node, p, gateway, iface);
}

int route_del(struct node *node, struct ipv4_prefix prefix)
{
	struct route_table *t = &node->routes;
	if (prefix.len > 32)
		return -ENOENT;
	struct route *r = ipv4_map_remove(&t->by_len[prefix.len], prefix.addr);
	if (!r)
		return -ENOENT;
	g_free(r);
	cache_clear(t);
	t->n_routes--;
	if (ipv4_map_size(&t->by_len[prefix.len]) == 0)
		t->lengths &= ~(UINT64_C(1) << prefix.len);
	return 0;
}

const struct route *route_find(const struct node *node, struct ipv4_prefix prefix)
{
	const struct route_table *t = &node->routes;
	if (prefix.len > 32)
		return NULL;
	return ipv4_map_lookup(&t->by_len[prefix.len], prefix.addr);
}

int route_add_connected(struct node *node, struct iface *ifc)
{
	struct ipv4_prefix p = {.addr = ifc->addr & ipv4_mask(ifc->prefix_len),
	                        .len = ifc->prefix_len};
	return insert(node, p, 0, ifc, true);
}

void route_pmtu_update(struct node *node, ipv4_addr_t dst, uint32_t mtu)
{
	struct route_table *t = &node->routes;
	struct route_result r;
	if (route_lookup(node, dst, &r) != 0)
		return;
	if (mtu < 68)
		mtu = 68;
	if (mtu >= r.mtu)
		return;
	if (!t->pmtu)
		t->pmtu = new_table();
	struct route_pmtu *p = g_new(struct route_pmtu, 1);
	p->mtu = mtu;
	p->expires = sim_now(node->sim) + PMTU_EXPIRES;
	g_hash_table_replace(t->pmtu, GUINT_TO_POINTER(dst), p);
}

void route_pmtu_flush(struct node *node)
{
	if (node->routes.pmtu)
		g_hash_table_remove_all(node->routes.pmtu);
}

uint32_t route_count(const struct node *node)
{
	return node->routes.n_routes;
}

/* tests/net/test_route_cache.c — the route cache (route.h) never outlives a change of
 * the table: lookups after adding or removing routes see the change, for destinations
 * that were cached and for many destinations sharing cache slots. */
#include <errno.h>
#include <glib.h>

#include "models/ip/node.h"
#include "models/ip/route.h"
#include "sim/core/sim.h"

static const struct route *via(struct node *n, ipv4_addr_t dst)
{
	struct route_result r;
	if (route_lookup(n, dst, &r) != 0)
		return NULL;
	return r.route;
}

static void test_cache_follows_table(void)
{
	struct sim sim;
	sim_init(&sim, 1);
	struct node_config cfg;
	node_config_default(&cfg);
	cfg.kind = NODE_ROUTER;
	struct node *n = node_new(&sim, "R", &cfg);
	g_assert_nonnull(node_add_iface(n, "eth0", IPV4_ADDR(10, 0, 0, 1), 24));
	g_assert_nonnull(node_add_iface(n, "eth1", IPV4_ADDR(10, 0, 1, 1), 24));
	g_assert_cmpint(route_add_default(n, IPV4_ADDR(10, 0, 0, 2), NULL), ==, 0);

	/* Many destinations (more than the cache holds) all take the default route. */
	const struct route *def = route_find(n, (struct ipv4_prefix){ .addr = 0, .len = 0 });
	g_assert_nonnull(def);
	for (int round = 0; round < 2; round++)
		for (uint32_t i = 0; i < 200; i++)
			g_assert_true(via(n, IPV4_ADDR(20, 0, 0, 0) + i * 257) == def);

	/* A more specific route added after the lookups wins at once. */
	struct ipv4_prefix p = { .addr = IPV4_ADDR(20, 0, 0, 0), .len = 16 };
	g_assert_cmpint(route_add(n, p, IPV4_ADDR(10, 0, 1, 2), NULL), ==, 0);
	const struct route *spec = route_find(n, p);
	g_assert_nonnull(spec);
	for (uint32_t i = 0; i < 200; i++) {
		ipv4_addr_t d = IPV4_ADDR(20, 0, 0, 0) + i * 257;
		g_assert_true(via(n, d) == ((d >> 16) == 0x1400 ? spec : def));
	}
	/* Removed again: back to the default route. */
	g_assert_cmpint(route_del(n, p), ==, 0);
	for (uint32_t i = 0; i < 200; i++)
		g_assert_true(via(n, IPV4_ADDR(20, 0, 0, 0) + i * 257) == def);
	/* No default route: unreachable, also for destinations cached before. */
	g_assert_cmpint(route_del(n, (struct ipv4_prefix){ .addr = 0, .len = 0 }), ==, 0);
	struct route_result r;
	g_assert_cmpint(route_lookup(n, IPV4_ADDR(20, 0, 0, 1), &r), ==, -EHOSTUNREACH);
	/* Connected routes and the node's own addresses are unaffected. */
	g_assert_cmpint(route_lookup(n, IPV4_ADDR(10, 0, 1, 9), &r), ==, 0);
	g_assert_cmpuint(r.next_hop, ==, IPV4_ADDR(10, 0, 1, 9));
	g_assert_cmpint(route_lookup(n, IPV4_ADDR(10, 0, 1, 1), &r), ==, 0);
	g_assert_true(r.iface == node_loopback(n));
	node_free(n);
	sim_fini(&sim);
}

/* A router with a route per destination (more routes than the smallest cache holds):
 * every lookup, first and repeated, answers with the matching route's gateway and
 * interface, also after more routes were added (the cache grows with the table). */
static void test_many_routes(void)
{
	struct sim sim;
	sim_init(&sim, 1);
	struct node_config cfg;
	node_config_default(&cfg);
	cfg.kind = NODE_ROUTER;
	struct node *n = node_new(&sim, "R", &cfg);
	struct iface *ifs[2] = {
		node_add_iface(n, "eth0", IPV4_ADDR(10, 0, 0, 1), 24),
		node_add_iface(n, "eth1", IPV4_ADDR(10, 0, 1, 1), 24),
	};
	for (uint32_t total = 100; total <= 1000; total += 900) {
		for (uint32_t i = total == 100 ? 0 : 100; i < total; i++) {
			struct ipv4_prefix p = { .addr = IPV4_ADDR(30, 0, 0, 0) + 4 * i, .len = 30 };
			ipv4_addr_t gw = IPV4_ADDR(10, 0, i % 2, 2 + i % 200);
			g_assert_cmpint(route_add(n, p, gw, NULL), ==, 0);
		}
		for (int round = 0; round < 2; round++) {
			for (uint32_t i = 0; i < total; i++) {
				ipv4_addr_t d = IPV4_ADDR(30, 0, 0, 1) + 4 * i + (uint32_t)round;
				struct route_result r;
				g_assert_cmpint(route_lookup(n, d, &r), ==, 0);
				g_assert_true(r.route == route_find(n, (struct ipv4_prefix){
									   .addr = d & ~UINT32_C(3), .len = 30 }));
				g_assert_cmpuint(r.next_hop, ==, IPV4_ADDR(10, 0, i % 2, 2 + i % 200));
				g_assert_true(r.iface == ifs[i % 2]);
				g_assert_cmpuint(r.src, ==, ifs[i % 2]->addr);
			}
		}
	}
	node_free(n);
	sim_fini(&sim);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/route-cache/follows-table", test_cache_follows_table);
	g_test_add_func("/route-cache/many-routes", test_many_routes);
	return g_test_run();
}

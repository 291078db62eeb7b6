/* tests/apps/topo.h — a two-host topology with TCP for the application tests.
 *
 *     A 10.0.0.1 ──────── link "l" ──────── B 10.0.0.2
 *
 * Real nodes, interfaces, IPv4 and a real link (bandwidth, delay, queue, loss per
 * direction); each host has a TCP stack. The stacks are freed by node_free(), so
 * tests free their applications first, then call topo_fini(). */
#ifndef TESTS_APPS_TOPO_H
#define TESTS_APPS_TOPO_H

#include "models/link/link.h"
#include "models/ip/node.h"
#include "models/tcp/tcp.h"
#include "sim/core/sim.h"

#define TOPO_A IPV4_ADDR(10, 0, 0, 1)
#define TOPO_B IPV4_ADDR(10, 0, 0, 2)

struct topo {
	struct sim sim;
	struct node *a, *b;
	struct link *l;
	struct tcp_stack *ta, *tb;
};

/* A 10 Mbit/s, 5 ms, lossless link each way. */
void topo_link_default(struct link_dir_config *c);

/* Builds the topology: fwd is A→B, rev B→A (NULL: topo_link_default); tcp the
 * stacks' configuration (NULL: the linux profile). */
void topo_init(struct topo *t, uint64_t seed, const struct link_dir_config *fwd,
	       const struct link_dir_config *rev, const struct tcp_config *tcp);

/* Frees the link and the nodes (and with them the stacks); checks no packet leaked. */
void topo_fini(struct topo *t);

#endif

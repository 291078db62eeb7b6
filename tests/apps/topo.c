/* tests/apps/topo.c — see topo.h. */
#include "tests/apps/topo.h"

#include <glib.h>

#include "models/ipv4.h"
#include "models/route.h"

/* WORKAROUND until models/tcp/attach.h exists (the TCP engineer's glue between a
 * node's IPv4 and its TCP stack, announced in models/tcp/tcp.h): the same few lines
 * written here, in the test fixture only, so the applications can be tested on the
 * real network layer now. Replace by the real attach function when it lands. */
struct glue {
	struct sim *sim;
	struct node *node;
	struct tcp_stack *stack;
};

static int glue_output(void *ctx, struct sim_packet *pkt, ipv4_addr_t src, ipv4_addr_t dst,
		       uint8_t ttl, bool df)
{
	struct glue *g = ctx;
	struct ipv4_tx tx = {.src = src, .dst = dst, .proto = 6, .ttl = ttl, .df = df};
	return ipv4_output(g->sim, g->node, pkt, &tx);
}

static int glue_route(void *ctx, ipv4_addr_t dst, ipv4_addr_t *src, uint32_t *mtu)
{
	struct glue *g = ctx;
	struct route_result r;
	int rc = route_lookup(g->node, dst, &r);
	if (rc < 0)
		return rc;
	*src = r.src;
	*mtu = r.mtu;
	return 0;
}

static bool glue_is_local(void *ctx, ipv4_addr_t addr)
{
	struct glue *g = ctx;
	return node_is_local_address(g->node, addr);
}

static void glue_input(struct sim *sim, struct node *node, struct sim_packet *pkt,
		       const struct ipv4_rx *rx, void *ctx)
{
	struct glue *g = ctx;
	(void)sim;
	(void)node;
	tcp_stack_input(g->stack, pkt, rx->src, rx->dst);
}

static void glue_icmp_error(struct sim *sim, struct node *node, const struct ipv4_icmp_error *e,
			    void *ctx)
{
	struct glue *g = ctx;
	(void)sim;
	(void)node;
	tcp_stack_icmp_error(g->stack, e->type, e->code, e->mtu, e->quoted, e->quoted_len);
}

static void glue_destroy(struct sim *sim, struct node *node, void *ctx)
{
	struct glue *g = ctx;
	(void)sim;
	(void)node;
	tcp_stack_free(g->stack);
	g_free(g);
}

static struct tcp_stack *attach_tcp(struct sim *sim, struct node *node,
				    const struct tcp_config *cfg)
{
	struct glue *g = g_new0(struct glue, 1);
	g->sim = sim;
	g->node = node;
	struct tcp_lower lower = {
		.ctx = g,
		.output = glue_output,
		.route = glue_route,
		.is_local = glue_is_local,
	};
	g->stack = tcp_stack_new(sim, node->name, cfg, &lower);
	struct ipv4_proto_ops ops = {
		.input = glue_input,
		.icmp_error = glue_icmp_error,
		.destroy = glue_destroy,
	};
	g_assert_cmpint(node_register_proto(node, 6, &ops, g), ==, 0);
	return g->stack;
}
/* END WORKAROUND */

void topo_link_default(struct link_dir_config *c)
{
	link_dir_config_default(c);
	c->bandwidth_bps = 10000000;
	c->delay = SIM_MS(5);
}

void topo_init(struct topo *t, uint64_t seed, const struct link_dir_config *fwd,
	       const struct link_dir_config *rev, const struct tcp_config *tcp)
{
	sim_init(&t->sim, seed);
	struct node_config nc;
	node_config_default(&nc);
	t->a = node_new(&t->sim, "A", &nc);
	t->b = node_new(&t->sim, "B", &nc);
	struct iface *a0 = node_add_iface(t->a, "eth0", TOPO_A, 24);
	struct iface *b0 = node_add_iface(t->b, "eth0", TOPO_B, 24);
	struct link_dir_config d;
	topo_link_default(&d);
	t->l = link_new(&t->sim, "l", a0, b0, fwd ? fwd : &d, rev ? rev : &d);
	struct tcp_config def;
	if (tcp == NULL) {
		tcp_config_defaults(&def, TCP_PROFILE_LINUX);
		tcp = &def;
	}
	t->ta = attach_tcp(&t->sim, t->a, tcp);
	t->tb = attach_tcp(&t->sim, t->b, tcp);
}

void topo_fini(struct topo *t)
{
	link_free(t->l);
	node_free(t->a);
	node_free(t->b);
	g_assert_cmpuint(sim_packet_pool_outstanding(&t->sim.pool), ==, 0);
	sim_fini(&t->sim);
}

/* models/tcp/attach.c — tcp_stack_attach(): the lower edge over models/ip/ipv4.h. */
#include "models/tcp/attach.h"

#include <errno.h>

#include "models/ip/ipv4.h"
#include "models/ip/node.h"
#include "models/ip/route.h"
#include "sim/core/sim.h"

struct tcp_node {
	struct sim *sim;
	struct node *node;
	struct tcp_stack *stack;
};

static int node_output(void *ctx, struct sim_packet *pkt, ipv4_addr_t src, ipv4_addr_t dst,
		       uint8_t ttl, uint8_t tos, bool df)
{
	struct tcp_node *tn = ctx;
	struct ipv4_tx tx = {
		.src = src, .dst = dst, .proto = IPV4_PROTO_TCP, .ttl = ttl, .tos = tos, .df = df
	};
	/* -EMSGSIZE (the cached path MTU shrank under a connection that has not heard
	 * the ICMP itself) loses the segment; the retransmission after the timeout is
	 * built with the MSS the route query then gives. */
	return ipv4_output(tn->sim, tn->node, pkt, &tx);
}

static int node_route(void *ctx, ipv4_addr_t dst, ipv4_addr_t *src, uint32_t *mtu)
{
	struct tcp_node *tn = ctx;
	struct route_result rr;
	int r = route_lookup(tn->node, dst, &rr);
	if (r < 0)
		return r;
	*src = rr.src;
	*mtu = rr.mtu;
	return 0;
}

static bool node_is_local(void *ctx, ipv4_addr_t addr)
{
	struct tcp_node *tn = ctx;
	return node_is_local_address(tn->node, addr);
}

static void tcp_ip_input(struct sim *sim, struct node *node, struct sim_packet *pkt,
			 const struct ipv4_rx *rx, void *ctx)
{
	(void)sim;
	(void)node;
	struct tcp_node *tn = ctx;
	/* RFC 1122 §4.2.3.10: TCP never accepts a segment sent to a broadcast or
	 * multicast address. */
	if (rx->broadcast || ipv4_is_multicast(rx->dst)) {
		sim_packet_free(pkt);
		return;
	}
	tcp_stack_input_tos(tn->stack, pkt, rx->src, rx->dst, rx->tos);
}

static void tcp_ip_icmp_error(struct sim *sim, struct node *node, const struct ipv4_icmp_error *e,
			      void *ctx)
{
	(void)sim;
	(void)node;
	struct tcp_node *tn = ctx;
	tcp_stack_icmp_error(tn->stack, e->type, e->code, e->mtu, e->quoted, e->quoted_len);
}

static void tcp_ip_destroy(struct sim *sim, struct node *node, void *ctx)
{
	(void)sim;
	(void)node;
	struct tcp_node *tn = ctx;
	tcp_stack_free(tn->stack);
	g_free(tn);
}

struct tcp_stack *tcp_stack_attach(struct sim *sim, struct node *node, const struct tcp_config *cfg)
{
	struct tcp_stack *st = tcp_stack_of(node);
	if (st)
		return st;
	struct tcp_config def;
	if (!cfg) {
		tcp_config_defaults(&def, TCP_PROFILE_LINUX);
		cfg = &def;
	}
	struct tcp_node *tn = g_new0(struct tcp_node, 1);
	tn->sim = sim;
	tn->node = node;
	struct tcp_lower lower = { .ctx = tn, .output = node_output, .route = node_route,
				   .is_local = node_is_local };
	tn->stack = tcp_stack_new(sim, node->name, cfg, &lower);
	static const struct ipv4_proto_ops ops = {
		.input = tcp_ip_input,
		.icmp_error = tcp_ip_icmp_error,
		.destroy = tcp_ip_destroy,
	};
	if (node_register_proto(node, IPV4_PROTO_TCP, &ops, tn) != 0)
		g_error("tcp_stack_attach: protocol 6 already registered on %s", node->name);
	return tn->stack;
}

struct tcp_stack *tcp_stack_of(const struct node *node)
{
	struct tcp_node *tn = node_proto_ctx(node, IPV4_PROTO_TCP, tcp_ip_input);
	return tn ? tn->stack : NULL;
}

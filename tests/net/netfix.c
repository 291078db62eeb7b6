/* tests/net/netfix.c — see netfix.h. */
#include "tests/net/netfix.h"

#include <string.h>

#include "sim/core/bytes.h"
#include "sim/core/output.h"

struct node *fx_node(struct sim *sim, const char *name, enum node_kind kind)
{
	struct node_config c;
	node_config_default(&c);
	c.kind = kind;
	return node_new(sim, name, &c);
}

static void rec_input(struct sim *sim, struct node *node, struct sim_packet *pkt,
                      const struct ipv4_rx *rx, void *ctx)
{
	struct fx_recorder *r = ctx;
	struct fx_rx e = {
	    .t = sim_now(sim),
	    .tag = pkt->len >= 4 ? sim_get_be32(pkt->data) : 0xffffffffu,
	    .len = pkt->len,
	    .ttl = rx->ttl,
	    .tos = rx->tos,
	    .src = rx->src,
	    .dst = rx->dst,
	    .iface = rx->iface,
	};
	g_array_append_val(r->rx, e);
	sim_packet_free(pkt);
}

static void rec_destroy(struct sim *sim, struct node *node, void *ctx)
{
	struct fx_recorder *r = ctx;
	g_array_free(r->rx, TRUE);
	g_free(r);
}

struct fx_recorder *fx_record(struct node *n)
{
	struct fx_recorder *r = g_new0(struct fx_recorder, 1);
	r->rx = g_array_new(FALSE, TRUE, sizeof(struct fx_rx));
	static const struct ipv4_proto_ops ops = {.input = rec_input, .destroy = rec_destroy};
	g_assert_cmpint(node_register_proto(n, FX_PROTO, &ops, r), ==, 0);
	return r;
}

int fx_send_tx(struct sim *sim, struct node *n, const struct ipv4_tx *tx, uint32_t len,
               uint32_t tag)
{
	g_assert_cmpuint(len, >=, 4);
	struct sim_packet *p = sim_packet_new(sim, SIM_PACKET_HEADROOM, len);
	memset(p->data, 0x5a, len);
	sim_put_be32(p->data, tag);
	struct ipv4_tx t = *tx;
	t.proto = FX_PROTO;
	return ipv4_output(sim, n, p, &t);
}

int fx_send(struct sim *sim, struct node *n, ipv4_addr_t dst, uint32_t len, uint32_t tag)
{
	struct ipv4_tx tx = {.dst = dst};
	return fx_send_tx(sim, n, &tx, len, tag);
}

struct link_dir_config fx_link_cfg(uint64_t bps, sim_time_t delay, uint32_t mtu)
{
	struct link_dir_config c;
	link_dir_config_default(&c);
	c.bandwidth_bps = bps;
	c.delay = delay;
	c.mtu = mtu;
	return c;
}

void fx_arb_init(struct sim *sim, struct fx_arb *t, unsigned n, const struct link_dir_config *c1,
                 const struct link_dir_config *c2)
{
	t->a = fx_node(sim, "A", NODE_HOST);
	t->r = fx_node(sim, "R", NODE_ROUTER);
	t->b = fx_node(sim, "B", NODE_HOST);
	t->a0 = node_add_iface(t->a, "eth0", IPV4_ADDR(10, n, 1, 1), 24);
	t->r0 = node_add_iface(t->r, "eth0", IPV4_ADDR(10, n, 1, 254), 24);
	t->r1 = node_add_iface(t->r, "eth1", IPV4_ADDR(10, n, 2, 254), 24);
	t->b0 = node_add_iface(t->b, "eth0", IPV4_ADDR(10, n, 2, 1), 24);
	t->l1 = link_new(sim, "l1", t->a0, t->r0, c1, c1);
	t->l2 = link_new(sim, "l2", t->r1, t->b0, c2, c2);
	g_assert_cmpint(route_add_default(t->a, IPV4_ADDR(10, n, 1, 254), NULL), ==, 0);
	g_assert_cmpint(route_add_default(t->b, IPV4_ADDR(10, n, 2, 254), NULL), ==, 0);
}

void fx_arb_free(struct fx_arb *t)
{
	link_free(t->l1);
	link_free(t->l2);
	node_free(t->a);
	node_free(t->r);
	node_free(t->b);
}

void fx_assert_no_leak(struct sim *sim)
{
	g_assert_cmpuint(sim_packet_pool_outstanding(&sim->pool), ==, 0);
}

char *fx_tmpdir(void)
{
	GError *err = NULL;
	char *d = g_dir_make_tmp("netsim-net-XXXXXX", &err);
	g_assert_no_error(err);
	return d;
}

void fx_tmpdir_free(char *dir)
{
	sim_remove_tree(dir);
	g_free(dir);
}

/* tests/apps/topo.c — see topo.h. */
#include "tests/apps/topo.h"

#include <glib.h>

#include "models/tcp/attach.h"

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
	t->ta = tcp_stack_attach(&t->sim, t->a, tcp);
	t->tb = tcp_stack_attach(&t->sim, t->b, tcp);
}

void topo_fini(struct topo *t)
{
	link_free(t->l);
	node_free(t->a);
	node_free(t->b);
	g_assert_cmpuint(sim_packet_pool_outstanding(&t->sim.pool), ==, 0);
	sim_fini(&t->sim);
}

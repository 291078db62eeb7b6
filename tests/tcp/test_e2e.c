/* tests/tcp/test_e2e.c — TCP over the real network layer (nodes, links, IPv4, ICMP):
 * stream integrity (a hash of the bytes written equals a hash of the bytes read)
 * through loss, reordering jitter, duplication, corruption (with every combination
 * of SACK and timestamps at each end) and an MTU that forces
 * fragmentation; PMTUD with DF on and off; the loopback and address-binding rules;
 * determinism; many concurrent connections (memory per connection). */
#include <errno.h>
#include <glib.h>
#include <string.h>

#include "models/link/link.h"
#include "models/ip/node.h"
#include "models/ip/route.h"
#include "models/tcp/attach.h"
#include "models/tcp/conn.h"
#include "sim/core/sim.h"
#include "tests/tcp/wire.h"

#define A_ADDR IPV4_ADDR(10, 0, 1, 1)
#define B_ADDR IPV4_ADDR(10, 0, 2, 1)

/* A —access— R —bottleneck— B. */
struct net {
	struct sim sim;
	struct node *a, *r, *b;
	struct link *access, *bottleneck;
	struct tcp_stack *ta, *tb;
};

static struct node *mk_node(struct sim *sim, const char *name, enum node_kind kind)
{
	struct node_config nc;
	node_config_default(&nc);
	nc.kind = kind;
	return node_new(sim, name, &nc);
}

static void net_init(struct net *n, uint64_t seed, const struct link_dir_config *bn_fwd,
		     const struct link_dir_config *bn_rev, const struct tcp_config *cfg)
{
	memset(n, 0, sizeof(*n));
	sim_init(&n->sim, seed);
	n->a = mk_node(&n->sim, "A", NODE_HOST);
	n->r = mk_node(&n->sim, "R", NODE_ROUTER);
	n->b = mk_node(&n->sim, "B", NODE_HOST);
	struct iface *a0 = node_add_iface(n->a, "eth0", A_ADDR, 24);
	struct iface *r0 = node_add_iface(n->r, "eth0", IPV4_ADDR(10, 0, 1, 254), 24);
	struct iface *r1 = node_add_iface(n->r, "eth1", IPV4_ADDR(10, 0, 2, 254), 24);
	struct iface *b0 = node_add_iface(n->b, "eth0", B_ADDR, 24);
	struct link_dir_config acc;
	link_dir_config_default(&acc);
	acc.bandwidth_bps = 100000000;
	acc.delay = SIM_MS(5);
	acc.queue.limit_packets = 1000;
	n->access = link_new(&n->sim, "access", a0, r0, &acc, &acc);
	n->bottleneck = link_new(&n->sim, "bottleneck", r1, b0, bn_fwd, bn_rev);
	g_assert_cmpint(route_add_default(n->a, IPV4_ADDR(10, 0, 1, 254), NULL), ==, 0);
	g_assert_cmpint(route_add_default(n->b, IPV4_ADDR(10, 0, 2, 254), NULL), ==, 0);
	n->ta = tcp_stack_attach(&n->sim, n->a, cfg);
	n->tb = tcp_stack_attach(&n->sim, n->b, cfg);
}

static void net_fini(struct net *n)
{
	link_free(n->access);
	link_free(n->bottleneck);
	node_free(n->a);
	node_free(n->r);
	node_free(n->b);
	g_assert_cmpuint(sim_packet_pool_outstanding(&n->sim.pool), ==, 0);
	sim_fini(&n->sim);
}

static void bottleneck_default(struct link_dir_config *c)
{
	link_dir_config_default(c);
	c->bandwidth_bps = 10000000;
	c->delay = SIM_MS(20);
	c->queue.limit_packets = 100;
}

struct flow_result {
	uint64_t bytes;
	bool intact;
	bool eof;
	sim_time_t done;
	struct tcp_stats tx, rx;
};

struct accept_ctx {
	struct fw_app *rx;
	struct tcp_sock *l;
	sim_time_t done;
};

static void on_listen(struct sim *sim, struct tcp_sock *l, uint32_t ev, void *ctx)
{
	(void)sim;
	(void)ev;
	struct accept_ctx *ac = ctx;
	int err;
	struct tcp_sock *c = tcp_accept(l, &err);
	if (!c)
		return;
	fw_app_init(ac->rx, c);
	ac->rx->read_all = true;
	ac->rx->close_on_eof = true;
	fw_app_watch(ac->rx, TCP_EV_READABLE | TCP_EV_HUP, true);
}

/* A sends nbytes to B:80 and closes; B reads to EOF and closes. */
static void run_flow(struct net *n, uint64_t nbytes, sim_time_t limit, struct flow_result *res)
{
	struct tcp_sock *l = tcp_socket(n->tb);
	/* A server that runs again while the previous run's connection lingers sets
	 * SO_REUSEADDR, else bind() fails with EADDRINUSE (as on Linux). */
	g_assert_cmpint(tcp_setsockopt(l, TCP_OPT_REUSEADDR, 1), ==, 0);
	g_assert_cmpint(tcp_bind(l, IPV4_ANY, 80), ==, 0);
	g_assert_cmpint(tcp_listen(l, 8), ==, 0);
	struct fw_app rx;
	memset(&rx, 0, sizeof(rx));
	struct accept_ctx ac = { .rx = &rx, .l = l };
	tcp_set_callback(l, TCP_EV_READABLE, false, on_listen, &ac);
	struct tcp_sock *s = tcp_socket(n->ta);
	struct fw_app tx;
	fw_app_init(&tx, s);
	tx.to_write = nbytes;
	tx.tag = 42;
	tx.close_when_done = true;
	fw_app_watch(&tx, TCP_EV_WRITABLE | TCP_EV_ERROR, true);
	const struct tcp_stats *txst = tcp_sock_stats_ref(s);
	g_assert_cmpint(tcp_connect(s, B_ADDR, 80), ==, 0);
	sim_time_t t = 0;
	while (!rx.eof && t < limit) {
		t += SIM_S(1);
		sim_run(&n->sim, t);
	}
	res->done = sim_now(&n->sim);
	res->bytes = rx.bytes_read;
	res->eof = rx.eof;
	res->intact = rx.hash_in &&
		      strcmp(g_checksum_get_string(rx.hash_in), g_checksum_get_string(tx.hash_out)) == 0;
	res->tx = *txst;
	tcp_stats_unref(txst);
	tcp_close(l);
	fw_app_fini(&tx);
	if (rx.hash_in)
		fw_app_fini(&rx);
}

static void check_integrity(double loss, double dup, sim_time_t jitter, uint64_t nbytes,
			    const char *cc)
{
	struct link_dir_config f, r;
	bottleneck_default(&f);
	if (loss > 0) {
		f.loss.kind = LOSS_BERNOULLI;
		f.loss.rate = loss;
	}
	f.duplicate = dup;
	f.jitter = jitter;
	f.reorder = jitter > 0;
	r = f; /* both directions: data and ACKs suffer */
	struct tcp_config cfg;
	tcp_config_defaults(&cfg, TCP_PROFILE_LINUX);
	g_strlcpy(cfg.cc, cc, sizeof(cfg.cc));
	struct net n;
	net_init(&n, 1, &f, &r, &cfg);
	struct flow_result res;
	run_flow(&n, nbytes, SIM_S(3000), &res);
	struct link_stats ls;
	link_get_stats(n.bottleneck, LINK_FORWARD, &ls);
	g_test_message("loss %.0f%% dup %.0f%% jitter %" G_GINT64_FORMAT " ms (%s): %" G_GUINT64_FORMAT
		       " bytes in %.1f s; link lost %" G_GUINT64_FORMAT " dup %" G_GUINT64_FORMAT
		       "; retransmitted %" G_GUINT64_FORMAT " segs, %" G_GUINT64_FORMAT
		       " fast retransmits, %" G_GUINT64_FORMAT " RTOs",
		       loss * 100, dup * 100, jitter / SIM_MS(1), cc, res.bytes,
		       sim_time_to_s(res.done), ls.lost, ls.duplicated, res.tx.segs_retransmitted,
		       res.tx.fast_retransmits, res.tx.rto_expirations);
	g_assert_true(res.eof);
	g_assert_cmpuint(res.bytes, ==, nbytes);
	g_assert_true(res.intact);
	if (loss > 0)
		g_assert_cmpuint(ls.lost, >, 0);
	if (dup > 0)
		g_assert_cmpuint(ls.duplicated, >, 0);
	net_fini(&n);
}

static void test_integrity_loss(void)
{
	check_integrity(0.0, 0.0, 0, 4000000, "cubic");
	check_integrity(0.01, 0.0, 0, 2000000, "cubic");
	check_integrity(0.10, 0.0, 0, 400000, "newreno");
	check_integrity(0.20, 0.0, 0, 150000, "reno");
}

/* The options on a hostile path: 20% loss each way, 5% duplication, corruption
 * (3%), jitter with reordering. Whatever each end offers — SACK and timestamps on or off at
 * A and at B, 16 combinations — the stream arrives whole and intact, for 3 seeds; and
 * each option is in use exactly when both ends offer it. */
static void test_integrity_options(void)
{
	struct link_dir_config f;
	bottleneck_default(&f);
	f.loss.kind = LOSS_BERNOULLI;
	f.loss.rate = 0.20;
	f.duplicate = 0.05;
	f.corrupt = 0.03;
	f.jitter = SIM_MS(10);
	f.reorder = true;
	for (unsigned combo = 0; combo < 16; combo++) {
		for (uint64_t seed = 1; seed <= 3; seed++) {
			struct net n;
			net_init(&n, seed, &f, &f, NULL);
			struct tcp_config *ca = tcp_stack_config(n.ta), *cb = tcp_stack_config(n.tb);
			ca->sack = combo & 1;
			ca->timestamps = combo & 2;
			cb->sack = combo & 4;
			cb->timestamps = combo & 8;
			struct flow_result res;
			run_flow(&n, 100000, SIM_S(20000), &res);
			struct link_stats ls;
			link_get_stats(n.bottleneck, LINK_FORWARD, &ls);
			g_test_message("combo %u seed %" G_GUINT64_FORMAT ": %" G_GUINT64_FORMAT
				       " bytes by %.0f s, %" G_GUINT64_FORMAT " lost, %" G_GUINT64_FORMAT
				       " duplicated, %" G_GUINT64_FORMAT " corrupted, %" G_GUINT64_FORMAT
				       " RTOs", combo, seed, res.bytes, sim_time_to_s(res.done), ls.lost,
				       ls.duplicated, ls.corrupted, res.tx.rto_expirations);
			g_assert_true(res.eof);
			g_assert_cmpuint(res.bytes, ==, 100000);
			g_assert_true(res.intact);
			g_assert_cmpint(res.tx.sack, ==, ca->sack && cb->sack);
			g_assert_cmpint(res.tx.timestamps, ==, ca->timestamps && cb->timestamps);
			net_fini(&n);
		}
	}
}

static void test_integrity_reorder_dup(void)
{
	check_integrity(0.0, 0.0, SIM_MS(5), 2000000, "cubic");
	check_integrity(0.0, 0.10, 0, 2000000, "newreno");
	check_integrity(0.05, 0.05, SIM_MS(5), 500000, "reno");
}

static void test_fragmentation_df_off(void)
{
	/* An MTU of 576 on the bottleneck and DF off: R fragments every full segment,
	 * B reassembles, the stream arrives intact. */
	/* Only R → B has the small MTU, so B's own interface (MTU 1500) advertises
	 * MSS 1460 and A's full segments must be fragmented by R. */
	struct link_dir_config f, r;
	bottleneck_default(&f);
	bottleneck_default(&r);
	f.mtu = 576;
	struct tcp_config cfg;
	tcp_config_defaults(&cfg, TCP_PROFILE_LINUX);
	cfg.pmtud = false;
	struct net n;
	net_init(&n, 1, &f, &r, &cfg);
	struct flow_result res;
	run_flow(&n, 1000000, SIM_S(100), &res);
	g_assert_true(res.eof);
	g_assert_true(res.intact);
	g_assert_cmpuint(res.tx.mss, ==, 1448); /* 1460 less the timestamps' 12 bytes */
	g_test_message("R fragmented %" G_GUINT64_FORMAT " datagrams into %" G_GUINT64_FORMAT
		       "; B reassembled %" G_GUINT64_FORMAT,
		       n.r->ip_stats.frag_oks, n.r->ip_stats.frag_creates, n.b->ip_stats.reasm_oks);
	g_assert_cmpuint(n.r->ip_stats.frag_oks, >, 600);
	g_assert_cmpuint(n.b->ip_stats.reasm_oks, >, 600);
	g_assert_cmpuint(n.r->icmp_stats.out_type[3], ==, 0);
	net_fini(&n);
}

static void test_fragmentation_with_loss(void)
{
	/* Fragments lost: a datagram missing one fragment is never reassembled; TCP
	 * retransmits it whole. */
	struct link_dir_config f, r;
	bottleneck_default(&f);
	bottleneck_default(&r);
	f.mtu = 576;
	f.loss.kind = LOSS_BERNOULLI;
	f.loss.rate = 0.01;
	struct tcp_config cfg;
	tcp_config_defaults(&cfg, TCP_PROFILE_LINUX);
	cfg.pmtud = false;
	struct net n;
	net_init(&n, 2, &f, &r, &cfg);
	struct flow_result res;
	run_flow(&n, 500000, SIM_S(300), &res);
	g_assert_true(res.eof);
	g_assert_true(res.intact);
	g_assert_cmpuint(res.tx.segs_retransmitted, >, 0);
	net_fini(&n);
}

static void test_pmtud_df_on(void)
{
	/* DF on: R cannot forward 1500-byte datagrams onto the 1000-byte link and says
	 * so (ICMP 3/4, MTU 1000); A's MSS drops to 960 less the timestamps, 948;
	 * nothing is fragmented. */
	struct link_dir_config f, r;
	bottleneck_default(&f);
	bottleneck_default(&r);
	f.mtu = 1000; /* R → B only: B advertises 1460 (tests/vectors exchange 2b) */
	struct net n;
	net_init(&n, 1, &f, &r, NULL);
	struct flow_result res;
	run_flow(&n, 1000000, SIM_S(100), &res);
	g_assert_true(res.eof);
	g_assert_true(res.intact);
	g_assert_cmpuint(res.tx.mss, ==, 948);
	g_assert_cmpuint(n.r->ip_stats.frag_oks, ==, 0);
	g_assert_cmpuint(n.r->ip_stats.df_drops, >=, 1);
	g_assert_cmpuint(n.r->icmp_stats.out_type[3], >=, 1);
	g_test_message("ICMP frag-needed sent by R: %" G_GUINT64_FORMAT ", A retransmitted %"
		       G_GUINT64_FORMAT " segments, RTOs %" G_GUINT64_FORMAT,
		       n.r->icmp_stats.out_type[3], res.tx.segs_retransmitted, res.tx.rto_expirations);
	g_assert_cmpuint(res.tx.rto_expirations, ==, 0);
	/* A second connection to B starts with the learnt path MTU (route cache). */
	struct flow_result res2;
	run_flow(&n, 10000, SIM_S(200), &res2);
	g_assert_true(res2.intact);
	g_assert_cmpuint(res2.tx.mss, ==, 948);
	g_assert_cmpuint(res2.tx.segs_retransmitted, ==, 0);
	net_fini(&n);
}

static void test_icmp_unreachable(void)
{
	/* A host without TCP answers a SYN with ICMP protocol unreachable: the
	 * connection fails at once with ECONNREFUSED (RFC 1122 §4.2.3.9, a hard
	 * error); a router with no route answers net unreachable, a soft error that
	 * becomes the reported error when the SYN retries run out. */
	struct link_dir_config f;
	bottleneck_default(&f);
	struct net n;
	net_init(&n, 1, &f, &f, NULL);
	struct tcp_sock *s = tcp_socket(n.ta);
	struct fw_app app;
	fw_app_init(&app, s);
	fw_app_watch(&app, TCP_EV_ERROR, true);
	g_assert_cmpint(tcp_connect(s, IPV4_ADDR(10, 0, 2, 254), 80), ==, 0); /* R: no TCP */
	sim_run(&n.sim, SIM_S(1));
	g_assert_cmpint(app.error, ==, -ECONNREFUSED);
	tcp_close(s);
	fw_app_fini(&app);
	s = tcp_socket(n.ta);
	fw_app_init(&app, s);
	fw_app_watch(&app, TCP_EV_ERROR, true);
	g_assert_cmpint(tcp_connect(s, IPV4_ADDR(10, 7, 7, 7), 80), ==, 0); /* R has no route */
	sim_run(&n.sim, SIM_S(200));
	g_assert_cmpint(app.error, ==, -ENETUNREACH);
	tcp_close(s);
	fw_app_fini(&app);
	net_fini(&n);
}

static void test_determinism(void)
{
	/* Same seed, same run: identical counters and end time. */
	struct flow_result r1, r2;
	for (int i = 0; i < 2; i++) {
		struct link_dir_config f;
		bottleneck_default(&f);
		f.loss.kind = LOSS_BERNOULLI;
		f.loss.rate = 0.02;
		f.jitter = SIM_MS(3);
		f.reorder = true;
		struct net n;
		net_init(&n, 9, &f, &f, NULL);
		run_flow(&n, 500000, SIM_S(200), i ? &r2 : &r1);
		net_fini(&n);
	}
	g_assert_true(r1.intact && r2.intact);
	g_assert_cmpint(r1.done, ==, r2.done);
	g_assert_cmpmem(&r1.tx, sizeof(r1.tx), &r2.tx, sizeof(r2.tx));
}

static void test_loopback_and_binding(void)
{
	/* A listener bound to 127.0.0.1 is reachable from its own host only; one bound
	 * to 10.0.2.1 accepts connections to that address; 0.0.0.0 accepts both. */
	struct link_dir_config f;
	bottleneck_default(&f);
	struct net n;
	net_init(&n, 1, &f, &f, NULL);
	struct tcp_sock *lo = tcp_socket(n.tb);
	g_assert_cmpint(tcp_bind(lo, IPV4_LOOPBACK, 7000), ==, 0);
	g_assert_cmpint(tcp_listen(lo, 4), ==, 0);
	struct tcp_sock *sp = tcp_socket(n.tb);
	g_assert_cmpint(tcp_bind(sp, B_ADDR, 7001), ==, 0);
	g_assert_cmpint(tcp_listen(sp, 4), ==, 0);
	/* Conflicts: 0.0.0.0:7000 overlaps 127.0.0.1:7000; an address not ours. */
	struct tcp_sock *x = tcp_socket(n.tb);
	g_assert_cmpint(tcp_bind(x, IPV4_ANY, 7000), ==, -EADDRINUSE);
	g_assert_cmpint(tcp_bind(x, IPV4_ADDR(10, 9, 9, 9), 7002), ==, -EADDRNOTAVAIL);
	g_assert_cmpint(tcp_bind(x, IPV4_ANY, 7002), ==, 0);
	g_assert_cmpint(tcp_listen(x, 4), ==, 0);

	struct fw_app apps[5];
	struct tcp_sock *cs[5];
	struct {
		struct tcp_stack *from;
		ipv4_addr_t to;
		uint16_t port;
		int expect; /* 0 connected, -ECONNREFUSED */
	} cases[5] = {
		{ n.tb, IPV4_LOOPBACK, 7000, 0 },    /* B → its own loopback listener */
		{ n.ta, IPV4_LOOPBACK, 7000, -ECONNREFUSED }, /* A's own 127.0.0.1: nobody */
		{ n.ta, B_ADDR, 7000, -ECONNREFUSED }, /* 127.0.0.1-bound: not from outside */
		{ n.ta, B_ADDR, 7001, 0 },           /* specific address */
		{ n.ta, B_ADDR, 7002, 0 },           /* wildcard */
	};
	for (int i = 0; i < 5; i++) {
		cs[i] = tcp_socket(cases[i].from);
		fw_app_init(&apps[i], cs[i]);
		fw_app_watch(&apps[i], TCP_EV_WRITABLE | TCP_EV_ERROR, true);
		g_assert_cmpint(tcp_connect(cs[i], cases[i].to, cases[i].port), ==, 0);
	}
	sim_run(&n.sim, SIM_S(2));
	for (int i = 0; i < 5; i++) {
		g_assert_cmpint(apps[i].error, ==, cases[i].expect);
		if (cases[i].expect == 0) {
			g_assert_cmpstr(tcp_state_name(cs[i]), ==, "ESTABLISHED");
		}
		tcp_abort(cs[i]);
		fw_app_fini(&apps[i]);
	}
	/* The loopback connection's addresses are 127.0.0.1 at both ends. */
	int err;
	struct tcp_sock *c = tcp_accept(lo, &err);
	g_assert_nonnull(c);
	g_assert_cmpuint(tcp_local_addr(c), ==, IPV4_LOOPBACK);
	g_assert_cmpuint(tcp_remote_addr(c), ==, IPV4_LOOPBACK);
	tcp_abort(c);
	tcp_close(lo);
	tcp_close(sp);
	tcp_close(x);
	net_fini(&n);
}

struct many {
	struct tcp_sock *l;
	struct fw_app *rx;
	int n, accepted;
	struct tcp_stack *ta;
	struct fw_app *tx;
	int started;
};

static void many_accept(struct sim *sim, struct tcp_sock *l, uint32_t ev, void *ctx)
{
	(void)sim;
	(void)ev;
	struct many *m = ctx;
	int err;
	struct tcp_sock *c;
	while ((c = tcp_accept(l, &err))) {
		struct fw_app *a = &m->rx[m->accepted++];
		fw_app_init(a, c);
		a->read_all = true;
		a->close_on_eof = true;
		fw_app_watch(a, TCP_EV_READABLE, true);
	}
}

static void many_start(struct sim *sim, void *ctx, void *arg)
{
	(void)arg;
	struct many *m = ctx;
	int i = m->started++;
	struct tcp_sock *s = tcp_socket(m->ta);
	fw_app_init(&m->tx[i], s);
	m->tx[i].to_write = 20000;
	m->tx[i].tag = 1; /* accept order may differ from connect order */
	m->tx[i].close_when_done = true;
	fw_app_watch(&m->tx[i], TCP_EV_WRITABLE, true);
	g_assert_cmpint(tcp_connect(s, B_ADDR, 80), ==, 0);
	if (m->started < m->n)
		sim_schedule_in(sim, SIM_US(100), many_start, m, NULL);
}

static void test_many_connections(void)
{
	/* 2000 concurrent connections A → B started 100 µs apart, each moving 20 KB,
	 * all intact; the memory per connection object is reported. */
	const int N = 2000;
	struct link_dir_config f;
	bottleneck_default(&f);
	f.bandwidth_bps = 1000000000;
	f.queue.limit_packets = 100000;
	struct tcp_config cfg;
	tcp_config_defaults(&cfg, TCP_PROFILE_LINUX);
	cfg.sndbuf = cfg.rcvbuf = 65536;
	struct net n;
	net_init(&n, 1, &f, &f, &cfg);
	struct many m = { .n = N, .ta = n.ta };
	m.tx = g_new0(struct fw_app, (size_t)N);
	m.rx = g_new0(struct fw_app, (size_t)N);
	m.l = tcp_socket(n.tb);
	tcp_bind(m.l, IPV4_ANY, 80);
	tcp_listen(m.l, N);
	tcp_set_callback(m.l, TCP_EV_READABLE, false, many_accept, &m);
	sim_schedule_at(&n.sim, 0, many_start, &m, NULL);
	sim_run(&n.sim, SIM_MS(150));
	uint64_t peak = tcp_stack_stats(n.ta)->conns_live + tcp_stack_stats(n.tb)->conns_live;
	sim_run(&n.sim, SIM_S(30));
	g_assert_cmpint(m.accepted, ==, N);
	uint64_t total = 0;
	for (int i = 0; i < N; i++) {
		g_assert_true(m.rx[i].eof);
		g_assert_cmpstr(g_checksum_get_string(m.rx[i].hash_in), ==,
				g_checksum_get_string(m.tx[i].hash_out));
		total += m.rx[i].bytes_read;
	}
	g_assert_cmpuint(total, ==, (uint64_t)N * 20000);
	g_test_message("%" G_GUINT64_FORMAT " connection objects at 150 ms; struct tcp_sock %zu "
		       "bytes + stats block %zu bytes per connection (+ the send ring while data "
		       "is queued, + packets held in the receive queues)",
		       peak, sizeof(struct tcp_sock), sizeof(struct tcp_stats_block));
	/* The senders' TIME-WAIT objects are all that is left on A (60 s). */
	g_assert_cmpuint(tcp_stack_stats(n.ta)->conns_live, ==, (uint64_t)N);
	g_assert_cmpuint(tcp_stack_stats(n.tb)->conns_live, ==, 1);
	sim_run(&n.sim, SIM_S(100));
	g_assert_cmpuint(tcp_stack_stats(n.ta)->conns_live, ==, 0);
	for (int i = 0; i < N; i++) {
		fw_app_fini(&m.tx[i]);
		fw_app_fini(&m.rx[i]);
	}
	g_free(m.tx);
	g_free(m.rx);
	tcp_close(m.l);
	net_fini(&n);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/tcp/e2e/integrity/loss", test_integrity_loss);
	g_test_add_func("/tcp/e2e/integrity/reorder-duplicate", test_integrity_reorder_dup);
	g_test_add_func("/tcp/e2e/integrity/options-heavy-loss", test_integrity_options);
	g_test_add_func("/tcp/e2e/fragmentation/df-off", test_fragmentation_df_off);
	g_test_add_func("/tcp/e2e/fragmentation/with-loss", test_fragmentation_with_loss);
	g_test_add_func("/tcp/e2e/pmtud/df-on", test_pmtud_df_on);
	g_test_add_func("/tcp/e2e/determinism", test_determinism);
	g_test_add_func("/tcp/e2e/icmp-unreachable", test_icmp_unreachable);
	g_test_add_func("/tcp/e2e/loopback-and-binding", test_loopback_and_binding);
	g_test_add_func("/tcp/e2e/many-connections", test_many_connections);
	return g_test_run();
}

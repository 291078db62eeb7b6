/* tests/apps/test_ping_udp.c — the ping application over a 3-router chain (exact RTTs,
 * trace, fragmentation, DF, TTL, loss) and the UDP CBR / on-off sources and sink. */
#include <errno.h>
#include <glib.h>
#include <string.h>

#include "models/apps/ping.h"
#include "models/apps/udp_app.h"
#include "models/ip/icmp.h"
#include "models/link/link.h"
#include "models/ip/node.h"
#include "models/ip/udp.h"
#include "sim/core/sim.h"
#include "tests/net/netfix.h"

/* H1 ─ R1 ─ R2 ─ R3 ─ H2, 10 Mbit/s links with delays 1, 2, 3, 4 ms; link i joins
 * 10.0.i.0/24 (.1 on the left, .2 on the right). */
struct chain {
	struct sim sim;
	struct node *n[5];
	struct link *l[4];
	struct iface *left[4], *right[4];
};

#define H2_ADDR IPV4_ADDR(10, 0, 3, 2)

static void chain_init(struct chain *c, uint64_t seed, const uint32_t mtu[4])
{
	static const char *names[5] = {"H1", "R1", "R2", "R3", "H2"};
	sim_init(&c->sim, seed);
	for (int i = 0; i < 5; i++)
		c->n[i] = fx_node(&c->sim, names[i], i == 0 || i == 4 ? NODE_HOST : NODE_ROUTER);
	for (int i = 0; i < 4; i++) {
		c->left[i] =
		    node_add_iface(c->n[i], i == 0 ? "eth0" : "eth1", IPV4_ADDR(10, 0, i, 1), 24);
		c->right[i] = node_add_iface(c->n[i + 1], "eth0", IPV4_ADDR(10, 0, i, 2), 24);
		struct link_dir_config lc =
		    fx_link_cfg(10000000, SIM_MS(i + 1), mtu ? mtu[i] : 1500);
		char name[8];
		g_snprintf(name, sizeof(name), "l%d", i);
		c->l[i] = link_new(&c->sim, name, c->left[i], c->right[i], &lc, &lc);
	}
	/* Everyone routes left-to-right by default; routers know the subnets behind them
	 * on the left. */
	route_add_default(c->n[0], IPV4_ADDR(10, 0, 0, 2), NULL);
	route_add_default(c->n[4], IPV4_ADDR(10, 0, 3, 1), NULL);
	for (int r = 1; r <= 3; r++) {
		if (r < 3)
			route_add_default(c->n[r], IPV4_ADDR(10, 0, r, 2), NULL);
		for (int s = 0; s < r - 1; s++) {
			struct ipv4_prefix p = {IPV4_ADDR(10, 0, s, 0), 24};
			g_assert_cmpint(route_add(c->n[r], p, IPV4_ADDR(10, 0, r - 1, 1), NULL), ==,
			                0);
		}
	}
}

static void chain_fini(struct chain *c)
{
	for (int i = 0; i < 4; i++)
		link_free(c->l[i]);
	for (int i = 0; i < 5; i++)
		node_free(c->n[i]);
	fx_assert_no_leak(&c->sim);
	sim_fini(&c->sim);
}

/* 56 data bytes: 84-byte datagrams, 67.2 us per 10 Mbit/s hop; one way = 4 × 67.2 us
 * + 10 ms = 10.2688 ms; RTT 20.5376 ms, exactly, every time. TTL 64 − 3 routers. */
static void test_ping_chain(void)
{
	struct chain c;
	chain_init(&c, 1, NULL);
	struct ping_config pc;
	ping_config_default(&pc);
	pc.dst = H2_ADDR;
	pc.count = 4;
	pc.interval = SIM_MS(500);
	pc.start = SIM_MS(100);
	g_assert_null(ping_config_check(&pc));
	struct ping_app *p = ping_new(&c.sim, c.n[0], "ping1", &pc);
	char *dir = fx_tmpdir();
	char *path = g_build_filename(dir, "ping1.ping.tsv", NULL);
	GError *err = NULL;
	g_assert_cmpint(ping_trace_start(p, path, &err), ==, 0);
	sim_run(&c.sim, SIM_S(10));
	g_assert_cmpint(ping_trace_stop(p, &err), ==, 0);

	const sim_time_t rtt = 2 * (4 * SIM_NS(67200) + SIM_MS(10));
	g_assert_cmpint(rtt, ==, SIM_NS(20537600));
	struct ping_stats s;
	ping_get_stats(p, &s);
	g_assert_cmpuint(s.sent, ==, 4);
	g_assert_cmpuint(s.received, ==, 4);
	g_assert_cmpuint(s.errors + s.send_errors + s.duplicates, ==, 0);
	g_assert_cmpint(s.rtt_min, ==, rtt);
	g_assert_cmpint(s.rtt_max, ==, rtt);
	g_assert_cmpint(ping_rtt_mean(&s), ==, rtt);
	g_assert_cmpfloat(ping_loss(&s), ==, 0.0);
	uint32_t n;
	const struct ping_reply *r = ping_replies(p, &n);
	g_assert_cmpuint(n, ==, 4);
	for (uint32_t i = 0; i < n; i++) {
		g_assert_cmpuint(r[i].seq, ==, i + 1);
		g_assert_cmpint(r[i].sent, ==, SIM_MS(100) + (sim_time_t)i * SIM_MS(500));
		g_assert_cmpint(r[i].rtt, ==, rtt);
		g_assert_cmpuint(r[i].ttl, ==, 61);
		g_assert_cmpuint(r[i].bytes, ==, 56);
	}
	char *text = NULL;
	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	g_assert_cmpstr(text, ==,
	                "time_s\tseq\trtt_ms\tttl\tbytes\n"
	                "0.120537600\t1\t20.5376\t61\t56\n"
	                "0.620537600\t2\t20.5376\t61\t56\n"
	                "1.120537600\t3\t20.5376\t61\t56\n"
	                "1.620537600\t4\t20.5376\t61\t56\n");
	g_free(text);
	g_assert_cmpuint(c.n[4]->icmp_stats.out_type[ICMP_ECHO_REPLY], ==, 4);
	ping_free(p);
	g_free(path);
	fx_tmpdir_free(dir);
	chain_fini(&c);
}

/* A 3000-byte ping with DF clear across an MTU-1000 link: fragmented at the source
 * (MTU 1500) and again at R1, reassembled at H2; the reply comes back the same way. */
static void test_ping_fragmented(void)
{
	static const uint32_t mtu[4] = {1500, 1000, 1500, 1500};
	struct chain c;
	chain_init(&c, 1, mtu);
	struct ping_config pc;
	ping_config_default(&pc);
	pc.dst = H2_ADDR;
	pc.count = 2;
	pc.payload_bytes = 3000;
	struct ping_app *p = ping_new(&c.sim, c.n[0], "big", &pc);
	sim_run(&c.sim, SIM_S(5));
	struct ping_stats s;
	ping_get_stats(p, &s);
	g_assert_cmpuint(s.received, ==, 2);
	uint32_t n;
	const struct ping_reply *r = ping_replies(p, &n);
	g_assert_cmpuint(r[0].bytes, ==, 3000);
	g_assert_cmpuint(c.n[0]->ip_stats.frag_creates, ==, 2 * 3); /* 1480+1480+48 */
	g_assert_cmpuint(c.n[1]->ip_stats.frag_creates, ==, 2 * 4); /* 976+504 twice */
	g_assert_cmpuint(c.n[4]->ip_stats.reasm_oks, ==, 2);
	g_assert_cmpuint(c.n[0]->ip_stats.reasm_oks, ==, 2);
	g_assert_cmpint(r[0].rtt, >, SIM_MS(20));
	g_assert_cmpint(r[1].rtt, ==, r[0].rtt);
	ping_free(p);
	chain_fini(&c);
}

/* DF: too big for the first hop fails locally (EMSGSIZE); too big further on draws
 * fragmentation needed once, after which the learnt path MTU fails it locally. */
static void test_ping_df(void)
{
	static const uint32_t mtu[4] = {1500, 1000, 1500, 1500};
	struct chain c;
	chain_init(&c, 1, mtu);
	struct ping_config pc;
	ping_config_default(&pc);
	pc.dst = H2_ADDR;
	pc.count = 3;
	pc.df = true;
	pc.payload_bytes = 2000;
	struct ping_app *p1 = ping_new(&c.sim, c.n[0], "p1", &pc);
	pc.payload_bytes = 1200;
	struct ping_app *p2 = ping_new(&c.sim, c.n[0], "p2", &pc);
	sim_run(&c.sim, SIM_S(5));
	struct ping_stats s;
	ping_get_stats(p1, &s);
	g_assert_cmpuint(s.sent, ==, 3);
	g_assert_cmpuint(s.send_errors, ==, 3);
	g_assert_cmpint(s.last_error, ==, -EMSGSIZE);
	g_assert_cmpuint(s.received, ==, 0);
	g_assert_cmpfloat(ping_loss(&s), ==, 1.0);
	ping_get_stats(p2, &s);
	g_assert_cmpuint(s.errors, ==, 1);
	g_assert_cmpuint(s.last_icmp_type, ==, ICMP_DEST_UNREACH);
	g_assert_cmpuint(s.last_icmp_code, ==, ICMP_FRAG_NEEDED);
	g_assert_cmpuint(s.send_errors, ==, 2);
	g_assert_cmpuint(s.received, ==, 0);
	ping_free(p1);
	ping_free(p2);
	chain_fini(&c);
}

/* TTL 2: the second router answers time exceeded for every request. */
static void test_ping_ttl(void)
{
	struct chain c;
	chain_init(&c, 1, NULL);
	struct ping_config pc;
	ping_config_default(&pc);
	pc.dst = H2_ADDR;
	pc.count = 3;
	pc.ttl = 2;
	struct ping_app *p = ping_new(&c.sim, c.n[0], "p", &pc);
	sim_run(&c.sim, SIM_S(5));
	struct ping_stats s;
	ping_get_stats(p, &s);
	g_assert_cmpuint(s.errors, ==, 3);
	g_assert_cmpuint(s.last_icmp_type, ==, ICMP_TIME_EXCEEDED);
	g_assert_cmpuint(s.received, ==, 0);
	g_assert_cmpuint(c.n[2]->ip_stats.ttl_expired, ==, 3);
	ping_free(p);
	chain_fini(&c);
}

/* Loss and duplication on a link show in the ping statistics. */
static void test_ping_loss_dup(void)
{
	struct chain c;
	chain_init(&c, 4, NULL);
	link_free(c.l[2]);
	struct link_dir_config lc = fx_link_cfg(10000000, SIM_MS(3), 1500);
	lc.loss.kind = LOSS_BERNOULLI;
	lc.loss.rate = 0.2;
	struct link_dir_config rc = fx_link_cfg(10000000, SIM_MS(3), 1500);
	rc.duplicate = 0.5;
	c.l[2] = link_new(&c.sim, "l2", c.left[2], c.right[2], &lc, &rc);
	struct ping_config pc;
	ping_config_default(&pc);
	pc.dst = H2_ADDR;
	pc.count = 200;
	pc.interval = SIM_MS(100);
	struct ping_app *p = ping_new(&c.sim, c.n[0], "p", &pc);
	sim_run(&c.sim, SIM_S(30));
	struct ping_stats s;
	ping_get_stats(p, &s);
	struct link_stats fs, rs;
	link_get_stats(c.l[2], LINK_FORWARD, &fs);
	link_get_stats(c.l[2], LINK_REVERSE, &rs);
	g_assert_cmpuint(s.sent, ==, 200);
	g_assert_cmpuint(s.received, ==, 200 - fs.lost);
	g_assert_cmpuint(s.duplicates, ==, rs.duplicated);
	g_assert_cmpuint(fs.lost, >, 20);
	g_assert_cmpuint(rs.duplicated, >, 40);
	g_assert_cmpfloat_with_epsilon(ping_loss(&s), (double)fs.lost / 200.0, 1e-12);
	ping_free(p);
	chain_fini(&c);
}

/* ---- UDP traffic ---- */

/* CBR 1 Mbit/s of 1000-byte payloads: one every 8 ms from 0 to 1 s → 125 datagrams;
 * each arrives after 4 hops of 1028 bytes at 10 Mbit/s (822.4 us) + 10 ms. */
static void test_udp_cbr(void)
{
	struct chain c;
	chain_init(&c, 1, NULL);
	struct udp_sink_config kc;
	udp_sink_config_default(&kc);
	kc.port = 9000;
	int err;
	struct udp_sink *k = udp_sink_new(&c.sim, c.n[4], "sink", &kc, &err);
	g_assert_nonnull(k);
	struct udp_source_config sc;
	udp_source_config_default(&sc);
	sc.dst = H2_ADDR;
	sc.dst_port = 9000;
	sc.stop = SIM_S(1);
	g_assert_null(udp_source_config_check(&sc));
	struct udp_source *src = udp_source_new(&c.sim, c.n[0], "cbr", &sc);
	sim_run(&c.sim, SIM_S(3));
	struct udp_source_stats ss;
	udp_source_get_stats(src, &ss);
	g_assert_cmpuint(ss.sent_packets, ==, 125);
	g_assert_cmpuint(ss.sent_bytes, ==, 125000);
	g_assert_cmpuint(ss.send_errors, ==, 0);
	struct udp_sink_stats ks;
	udp_sink_get_stats(k, &ks);
	g_assert_cmpuint(ks.packets, ==, 125);
	g_assert_cmpuint(ks.bytes, ==, 125000);
	g_assert_cmpuint(ks.lost, ==, 0);
	g_assert_cmpint(ks.max_seq, ==, 124);
	const sim_time_t owd = 4 * SIM_NS(822400) + SIM_MS(10);
	g_assert_cmpint(ks.delay_min, ==, owd);
	g_assert_cmpint(ks.delay_max, ==, owd);
	g_assert_cmpint(ks.first_rx, ==, owd);
	g_assert_cmpint(ks.last_rx, ==, SIM_MS(992) + owd);
	udp_source_free(src);
	udp_sink_free(k);
	chain_fini(&c);
}

/* On-off, constant 100 ms on / 100 ms off: 13 datagrams per on period (0..96 ms),
 * five periods in a second. With exponential periods of the same means, about half
 * the CBR count over a long run. */
static void test_udp_onoff(void)
{
	struct chain c;
	chain_init(&c, 1, NULL);
	struct udp_sink_config kc;
	udp_sink_config_default(&kc);
	kc.port = 9000;
	struct udp_sink *k = udp_sink_new(&c.sim, c.n[4], "sink", &kc, NULL);
	struct udp_source_config sc;
	udp_source_config_default(&sc);
	sc.mode = UDP_SOURCE_ONOFF;
	sc.dst = H2_ADDR;
	sc.dst_port = 9000;
	sc.on_time = SIM_MS(100);
	sc.off_time = SIM_MS(100);
	sc.stop = SIM_S(1);
	struct udp_source *src = udp_source_new(&c.sim, c.n[0], "onoff", &sc);
	sim_run(&c.sim, SIM_S(2));
	struct udp_source_stats ss;
	udp_source_get_stats(src, &ss);
	g_assert_cmpuint(ss.sent_packets, ==, 65);
	struct udp_sink_stats ks;
	udp_sink_get_stats(k, &ks);
	g_assert_cmpuint(ks.packets, ==, 65);
	const sim_time_t owd = 4 * SIM_NS(822400) + SIM_MS(10);
	g_assert_cmpint(ks.last_rx, ==, SIM_MS(896) + owd);
	udp_source_free(src);

	sc.exponential = true;
	sc.start = SIM_S(2);
	sc.stop = SIM_S(202);
	sc.dst_port = 9001;
	kc.port = 9001;
	struct udp_sink *k2 = udp_sink_new(&c.sim, c.n[4], "sink2", &kc, NULL);
	src = udp_source_new(&c.sim, c.n[0], "onoff-exp", &sc);
	sim_run(&c.sim, SIM_S(210));
	udp_source_get_stats(src, &ss);
	/* CBR would send 25000 in 200 s. */
	g_assert_cmpuint(ss.sent_packets, >, 10000);
	g_assert_cmpuint(ss.sent_packets, <, 15000);
	udp_sink_get_stats(k2, &ks);
	g_assert_cmpuint(ks.packets, ==, ss.sent_packets);
	udp_source_free(src);
	udp_sink_free(k);
	udp_sink_free(k2);
	chain_fini(&c);
}

/* The sink's loss estimate matches what a drop list removed; a closed port shows as
 * ICMP errors on the (connected) source. */
static void test_udp_sink_loss_and_refused(void)
{
	struct chain c;
	chain_init(&c, 1, NULL);
	link_free(c.l[1]);
	static const uint64_t drops[] = {3, 7, 8};
	struct link_dir_config lc = fx_link_cfg(10000000, SIM_MS(2), 1500);
	lc.loss.kind = LOSS_DROP_LIST;
	lc.loss.drop_list = drops;
	lc.loss.n_drop_list = 3;
	struct link_dir_config rc = fx_link_cfg(10000000, SIM_MS(2), 1500);
	c.l[1] = link_new(&c.sim, "l1", c.left[1], c.right[1], &lc, &rc);
	struct udp_sink_config kc;
	udp_sink_config_default(&kc);
	kc.port = 9000;
	kc.bind_addr = H2_ADDR;
	struct udp_sink *k = udp_sink_new(&c.sim, c.n[4], "sink", &kc, NULL);
	g_assert_null(udp_sink_new(&c.sim, c.n[4], "dup", &kc, &(int){0}));
	int err = 0;
	g_assert_null(udp_sink_new(&c.sim, c.n[4], "dup", &kc, &err));
	g_assert_cmpint(err, ==, -EADDRINUSE);
	struct udp_source_config sc;
	udp_source_config_default(&sc);
	sc.dst = H2_ADDR;
	sc.dst_port = 9000;
	sc.stop = SIM_MS(100); /* 13 datagrams */
	struct udp_source *src = udp_source_new(&c.sim, c.n[0], "a", &sc);
	sc.dst_port = 9999; /* nobody listens; starts after the first source is done */
	sc.start = SIM_MS(200);
	sc.stop = SIM_MS(300);
	struct udp_source *closed = udp_source_new(&c.sim, c.n[0], "b", &sc);
	sim_run(&c.sim, SIM_S(1));
	struct udp_sink_stats ks;
	udp_sink_get_stats(k, &ks);
	/* Packets 3, 7 and 8 of l1's forward direction: sequence numbers 2, 6, 7. */
	g_assert_cmpuint(ks.packets, ==, 10);
	g_assert_cmpuint(ks.lost, ==, 3);
	g_assert_cmpint(ks.max_seq, ==, 12);
	struct udp_source_stats ss;
	udp_source_get_stats(closed, &ss);
	g_assert_cmpuint(ss.icmp_errors, >, 0);
	g_assert_cmpuint(ss.send_errors, >, 0);
	g_assert_cmpint(ss.last_error, ==, -ECONNREFUSED);
	g_assert_cmpuint(ss.sent_packets + ss.send_errors, ==, 13);
	udp_source_free(src);
	udp_source_free(closed);
	udp_sink_free(k);
	chain_fini(&c);
}

/* The largest count the format allows (2^32 − 1) runs: per-request state is a window
 * of the last 65536 requests (all a 16-bit sequence number can tell apart), not
 * arrays of `count` entries (32 GiB up front). 70 000 pings at 1 ms, past the
 * sequence number's wrap, each matched to its own request with the exact RTT. */
static void test_ping_huge_count(void)
{
	struct chain c;
	chain_init(&c, 1, NULL);
	struct ping_config pc;
	ping_config_default(&pc);
	pc.dst = H2_ADDR;
	pc.count = UINT32_MAX;
	pc.interval = SIM_MS(1);
	g_assert_null(ping_config_check(&pc));
	struct ping_app *p = ping_new(&c.sim, c.n[0], "many", &pc);
	sim_run(&c.sim, SIM_MS(70000) - 1);
	const sim_time_t rtt = SIM_NS(20537600);
	struct ping_stats s;
	ping_get_stats(p, &s);
	g_assert_cmpuint(s.sent, ==, 70000);
	/* Those sent in the last RTT are still on their way. */
	g_assert_cmpuint(s.received, ==, 70000 - 20);
	g_assert_cmpuint(s.duplicates + s.errors + s.send_errors, ==, 0);
	g_assert_cmpint(s.rtt_min, ==, rtt);
	g_assert_cmpint(s.rtt_max, ==, rtt);
	/* The kept replies are bounded too; the last kept one is request 65536. */
	uint32_t n;
	const struct ping_reply *r = ping_replies(p, &n);
	g_assert_cmpuint(n, ==, PING_REPLIES_KEPT);
	g_assert_cmpuint(r[n - 1].seq, ==, 0);
	g_assert_cmpint(r[n - 1].sent, ==, (sim_time_t)(n - 1) * SIM_MS(1));
	ping_free(p);
	chain_fini(&c);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ping/chain-rtt", test_ping_chain);
	g_test_add_func("/ping/fragmented", test_ping_fragmented);
	g_test_add_func("/ping/df", test_ping_df);
	g_test_add_func("/ping/ttl", test_ping_ttl);
	g_test_add_func("/ping/loss-dup", test_ping_loss_dup);
	g_test_add_func("/ping/huge-count", test_ping_huge_count);
	g_test_add_func("/udp-app/cbr", test_udp_cbr);
	g_test_add_func("/udp-app/onoff", test_udp_onoff);
	g_test_add_func("/udp-app/sink-loss-refused", test_udp_sink_loss_and_refused);
	return g_test_run();
}

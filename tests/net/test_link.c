/* tests/net/test_link.c — links: timing, drop-tail queue, loss models, duplication,
 * corruption, jitter, queue trace, events per hop. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "models/link/link.h"
#include "models/link/loss.h"
#include "models/ip/node.h"
#include "models/ip/udp.h"
#include "sim/core/sim.h"
#include "tests/net/netfix.h"

#define A_ADDR IPV4_ADDR(10, 0, 0, 1)
#define B_ADDR IPV4_ADDR(10, 0, 0, 2)

/* Two hosts A (10.0.0.1) — B (10.0.0.2) over one link, recorders on both. */
struct pair {
	struct sim sim;
	struct node *a, *b;
	struct iface *a0, *b0;
	struct link *l;
	struct fx_recorder *ra, *rb;
};

static void pair_init(struct pair *p, uint64_t seed, const struct link_dir_config *fwd,
                      const struct link_dir_config *rev)
{
	sim_init(&p->sim, seed);
	p->a = fx_node(&p->sim, "A", NODE_HOST);
	p->b = fx_node(&p->sim, "B", NODE_HOST);
	p->a0 = node_add_iface(p->a, "eth0", A_ADDR, 24);
	p->b0 = node_add_iface(p->b, "eth0", B_ADDR, 24);
	p->l = link_new(&p->sim, "l", p->a0, p->b0, fwd, rev ? rev : fwd);
	p->ra = fx_record(p->a);
	p->rb = fx_record(p->b);
}

static void pair_fini(struct pair *p)
{
	link_free(p->l);
	node_free(p->a);
	node_free(p->b);
	fx_assert_no_leak(&p->sim);
	sim_fini(&p->sim);
}

static const struct fx_rx *rx_at(const struct fx_recorder *r, guint i)
{
	g_assert_cmpuint(i, <, r->rx->len);
	return &g_array_index(r->rx, struct fx_rx, i);
}

/* Sends n tagged datagrams of `len` transport bytes from A, one every `gap`. */
struct pacer {
	struct pair *p;
	uint32_t n, sent, len;
	sim_time_t gap;
	struct sim_timer t;
};

static void pacer_fire(struct sim *sim, void *ctx, void *arg)
{
	struct pacer *pc = ctx;
	g_assert_cmpint(fx_send(sim, pc->p->a, B_ADDR, pc->len, pc->sent), ==, 0);
	if (++pc->sent < pc->n)
		sim_timer_arm_in(sim, &pc->t, pc->gap, pacer_fire, pc, NULL);
}

static void pacer_start(struct pacer *pc, struct pair *p, uint32_t n, uint32_t len, sim_time_t gap)
{
	memset(pc, 0, sizeof(*pc));
	pc->p = p;
	pc->n = n;
	pc->len = len;
	pc->gap = gap;
	sim_timer_arm_at(&p->sim, &pc->t, sim_now(&p->sim), pacer_fire, pc, NULL);
}

/* 10 Mbit/s, 5 ms: a 1020-byte datagram takes ceil(8160 / 1e7 s) = 816 us to
 * serialise, then 5 ms to propagate; back-to-back ones follow 816 us apart. */
static void test_timing(void)
{
	struct link_dir_config c = fx_link_cfg(10000000, SIM_MS(5), 1500);
	struct pair p;
	pair_init(&p, 1, &c, NULL);
	for (uint32_t i = 0; i < 3; i++)
		g_assert_cmpint(fx_send(&p.sim, p.a, B_ADDR, 1000, i), ==, 0);
	sim_run(&p.sim, SIM_MS(10));
	g_assert_cmpuint(p.rb->rx->len, ==, 3);
	for (uint32_t i = 0; i < 3; i++) {
		g_assert_cmpuint(rx_at(p.rb, i)->tag, ==, i);
		g_assert_cmpint(rx_at(p.rb, i)->t, ==, SIM_US(816) * (i + 1) + SIM_MS(5));
		g_assert_cmpuint(rx_at(p.rb, i)->len, ==, 1000);
		g_assert_cmpuint(rx_at(p.rb, i)->ttl, ==, 64);
	}
	/* An idle link starts at once: sent at 20 ms, arrives 20 ms + 5.816 ms. */
	sim_run(&p.sim, SIM_MS(20));
	g_assert_cmpint(fx_send(&p.sim, p.a, B_ADDR, 1000, 7), ==, 0);
	sim_run(&p.sim, SIM_MS(30));
	g_assert_cmpint(rx_at(p.rb, 3)->t, ==, SIM_MS(20) + SIM_US(816) + SIM_MS(5));
	/* Serialisation times round up to the next nanosecond. */
	g_assert_cmpint(sim_tx_time(21, 1000000), ==, 168000);
	g_assert_cmpint(sim_tx_time(1, 3), ==, 2666666667);
	pair_fini(&p);
}

/* Framing overhead (ns-3's 2-byte PPP header) adds to serialisation time only. */
static void test_timing_framing_and_asymmetry(void)
{
	struct link_dir_config f = fx_link_cfg(1000000, SIM_MS(1), 1500);
	f.framing_bytes = 2;
	struct link_dir_config r = fx_link_cfg(64000, SIM_MS(20), 576);
	struct pair p;
	pair_init(&p, 1, &f, &r);
	g_assert_cmpuint(p.a0->mtu, ==, 1500);
	g_assert_cmpuint(p.b0->mtu, ==, 576);
	g_assert_cmpint(fx_send(&p.sim, p.a, B_ADDR, 100, 1), ==, 0);
	g_assert_cmpint(fx_send(&p.sim, p.b, A_ADDR, 100, 2), ==, 0);
	sim_run(&p.sim, SIM_S(1));
	/* (120 + 2) bytes at 1 Mbit/s = 976 us, + 1 ms. */
	g_assert_cmpint(rx_at(p.rb, 0)->t, ==, SIM_US(976) + SIM_MS(1));
	/* 120 bytes at 64 kbit/s = 15 ms, + 20 ms. */
	g_assert_cmpint(rx_at(p.ra, 0)->t, ==, SIM_MS(15) + SIM_MS(20));
	struct link_stats s;
	link_get_stats(p.l, LINK_FORWARD, &s);
	g_assert_cmpuint(s.tx_packets, ==, 1);
	g_assert_cmpuint(s.tx_bytes, ==, 120); /* IP bytes, framing excluded */
	pair_fini(&p);
}

/* Limit 2 packets: of 6 sent at once, the first starts at once (not counted), two
 * wait, three are dropped. */
static void test_droptail_packets(void)
{
	struct link_dir_config c = fx_link_cfg(10000000, SIM_MS(1), 1500);
	c.queue.limit_packets = 2;
	struct pair p;
	pair_init(&p, 1, &c, NULL);
	for (uint32_t i = 0; i < 6; i++)
		fx_send(&p.sim, p.a, B_ADDR, 1000, i);
	g_assert_cmpuint(link_queue_packets(p.l, LINK_FORWARD), ==, 2);
	struct link_stats s;
	link_get_stats(p.l, LINK_FORWARD, &s);
	g_assert_cmpuint(s.enqueued, ==, 3);
	g_assert_cmpuint(s.queue_drops, ==, 3);
	g_assert_cmpuint(s.tx_packets, ==, 1);
	g_assert_cmpuint(s.max_queue_packets, ==, 2);
	/* When the first has been serialised (816 us), the second starts. */
	sim_run(&p.sim, SIM_US(816));
	g_assert_cmpuint(link_queue_packets(p.l, LINK_FORWARD), ==, 1);
	link_get_stats(p.l, LINK_FORWARD, &s);
	g_assert_cmpuint(s.tx_packets, ==, 2);
	g_assert_cmpuint(s.tx_bytes, ==, 2040);
	/* Room for one more now. */
	fx_send(&p.sim, p.a, B_ADDR, 1000, 10);
	fx_send(&p.sim, p.a, B_ADDR, 1000, 11);
	link_get_stats(p.l, LINK_FORWARD, &s);
	g_assert_cmpuint(s.queue_drops, ==, 4);
	sim_run(&p.sim, SIM_MS(100));
	g_assert_cmpuint(p.rb->rx->len, ==, 4);
	const uint32_t tags[] = {0, 1, 2, 10};
	for (int i = 0; i < 4; i++)
		g_assert_cmpuint(rx_at(p.rb, (guint)i)->tag, ==, tags[i]);
	link_get_stats(p.l, LINK_FORWARD, &s);
	g_assert_cmpuint(s.tx_packets, ==, 4);
	g_assert_cmpuint(s.delivered, ==, 4);
	pair_fini(&p);
}

/* Byte limit 2500: 1020-byte datagrams, two may wait (2040), a third would make 3060. */
static void test_droptail_bytes(void)
{
	struct link_dir_config c = fx_link_cfg(10000000, SIM_MS(1), 1500);
	c.queue.limit_packets = 0;
	c.queue.limit_bytes = 2500;
	struct pair p;
	pair_init(&p, 1, &c, NULL);
	for (uint32_t i = 0; i < 5; i++)
		fx_send(&p.sim, p.a, B_ADDR, 1000, i);
	/* A small one still fits beside the two waiting ones: 2040 + 420 <= 2500. */
	fx_send(&p.sim, p.a, B_ADDR, 400, 99);
	struct link_stats s;
	link_get_stats(p.l, LINK_FORWARD, &s);
	g_assert_cmpuint(s.queue_drops, ==, 2);
	g_assert_cmpuint(s.max_queue_bytes, ==, 2460);
	sim_run(&p.sim, SIM_MS(100));
	g_assert_cmpuint(p.rb->rx->len, ==, 4);
	g_assert_cmpuint(rx_at(p.rb, 3)->tag, ==, 99);
	pair_fini(&p);
}

static char *read_file(const char *path)
{
	char *s = NULL;
	g_assert_true(g_file_get_contents(path, &s, NULL, NULL));
	return s;
}

/* The queue trace shows enqueue/dequeue/drop at their exact times. */
static void test_queue_trace(void)
{
	struct link_dir_config c = fx_link_cfg(10000000, SIM_MS(1), 1500);
	c.queue.limit_packets = 1;
	struct pair p;
	pair_init(&p, 1, &c, NULL);
	char *dir = fx_tmpdir();
	char *path = g_build_filename(dir, "link.l.forward.queue.tsv", NULL);
	GError *err = NULL;
	g_assert_cmpint(link_queue_trace_start(p.l, LINK_FORWARD, path, &err), ==, 0);
	for (uint32_t i = 0; i < 3; i++)
		fx_send(&p.sim, p.a, B_ADDR, 1000, i);
	sim_run(&p.sim, SIM_MS(100));
	g_assert_cmpint(link_queue_trace_stop(p.l, LINK_FORWARD, &err), ==, 0);
	char *s = read_file(path);
	g_assert_cmpstr(s, ==,
	                "time_s\tqueue_packets\tqueue_bytes\tdrops\tevent\tmarks\tsojourn_ms"
	                "\treason\taqm_avg\taqm_prob\n"
	                "0.000000000\t1\t1020\t0\tenqueue\t0\tnan\t-\tnan\tnan\n"
	                "0.000000000\t1\t1020\t1\tdrop\t0\tnan\toverlimit\tnan\tnan\n"
	                "0.000816000\t0\t0\t1\tdequeue\t0\t0.816\t-\tnan\tnan\n");
	g_free(s);
	g_free(path);
	fx_tmpdir_free(dir);
	pair_fini(&p);
}

/* Bernoulli 5 %: 20000 packets, the count lost lies within 5 sigma of 1000, the link's
 * counter equals what the receiver misses, and the same seed gives the same losses. */
static uint64_t run_bernoulli(uint64_t seed, GArray **tags_out)
{
	struct link_dir_config c = fx_link_cfg(100000000, SIM_MS(1), 1500);
	c.loss.kind = LOSS_BERNOULLI;
	c.loss.rate = 0.05;
	struct pair p;
	pair_init(&p, seed, &c, NULL);
	struct pacer pc;
	const uint32_t n = 20000;
	pacer_start(&pc, &p, n, 100, SIM_US(20));
	sim_run(&p.sim, SIM_S(2));
	struct link_stats s;
	link_get_stats(p.l, LINK_FORWARD, &s);
	g_assert_cmpuint(s.tx_packets, ==, n);
	g_assert_cmpuint(s.lost + s.delivered, ==, n);
	g_assert_cmpuint(p.rb->rx->len, ==, s.delivered);
	GArray *tags = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	for (guint i = 0; i < p.rb->rx->len; i++)
		g_array_append_val(tags, rx_at(p.rb, i)->tag);
	*tags_out = tags;
	pair_fini(&p);
	return s.lost;
}

static void test_bernoulli(void)
{
	GArray *t1, *t2, *t3;
	uint64_t lost = run_bernoulli(7, &t1);
	double sd = sqrt(20000 * 0.05 * 0.95);
	g_assert_cmpfloat(fabs((double)lost - 1000.0), <, 5 * sd);
	g_assert_cmpuint(run_bernoulli(7, &t2), ==, lost);
	g_assert_cmpmem(t1->data, t1->len * 4, t2->data, t2->len * 4);
	/* Another seed, other losses. */
	run_bernoulli(8, &t3);
	g_assert_false(t3->len == t1->len && memcmp(t1->data, t3->data, t1->len * 4) == 0);
	g_array_free(t1, TRUE);
	g_array_free(t2, TRUE);
	g_array_free(t3, TRUE);
}

/* Gilbert-Elliott as netem's gemodel: 10^6 decisions; mean loss and mean burst and
 * gap lengths against the chain's stationary values. */
static void ge_stats(double p, double r, double one_minus_h, double one_minus_k, double *loss,
                     double *burst, double *gap)
{
	struct sim sim;
	sim_init(&sim, 42);
	struct loss_config c;
	loss_config_default(&c);
	c.kind = LOSS_GILBERT_ELLIOTT;
	c.p = p;
	c.r = r;
	c.one_minus_h = one_minus_h;
	c.one_minus_k = one_minus_k;
	g_assert_null(loss_config_check(&c));
	struct loss_model m;
	loss_init(&m, &sim, &c, "link:test:forward:loss");
	const uint64_t n = 1000000;
	uint64_t lost = 0, bursts = 0, gaps = 0;
	bool prev = false;
	for (uint64_t i = 1; i <= n; i++) {
		bool l = loss_decide(&m, i);
		lost += l;
		if (l && !prev)
			bursts++;
		if (!l && (prev || i == 1))
			gaps++;
		prev = l;
	}
	*loss = (double)lost / (double)n;
	*burst = (double)lost / (double)bursts;
	*gap = (double)(n - lost) / (double)gaps;
	g_assert_cmpuint(m.decisions, ==, n);
	g_assert_cmpuint(m.losses, ==, lost);
	loss_fini(&m);
	sim_fini(&sim);
}

static void test_gilbert_elliott(void)
{
	double loss, burst, gap;
	/* Simple Gilbert: lose every packet in bad, none in good. Stationary loss
	 * p/(p+r) = 0.01/0.26; bursts last 1/r = 4 packets, gaps 1/p = 100. */
	ge_stats(0.01, 0.25, 1.0, 0.0, &loss, &burst, &gap);
	g_assert_cmpfloat(fabs(loss - 0.01 / 0.26), <, 0.002);
	g_assert_cmpfloat(fabs(burst - 4.0), <, 0.15);
	g_assert_cmpfloat(fabs(gap - 100.0), <, 4.0);
	/* Full model: loss (r(1-k) + p(1-h)) / (p + r). */
	double p = 0.05, r = 0.3, h1 = 0.6, k1 = 0.02;
	ge_stats(p, r, h1, k1, &loss, &burst, &gap);
	g_assert_cmpfloat(fabs(loss - (r * k1 + p * h1) / (p + r)), <, 0.003);
	/* netem's default r = 1 - p (given as r < 0): independent losses with rate p. */
	ge_stats(0.1, -1.0, 1.0, 0.0, &loss, &burst, &gap);
	g_assert_cmpfloat(fabs(loss - 0.1), <, 0.002);
	g_assert_cmpfloat(fabs(burst - 1.0 / 0.9), <, 0.02);
}

/* The same model on a link: what the receiver misses comes in bursts. */
static void test_gilbert_elliott_link(void)
{
	struct link_dir_config c = fx_link_cfg(100000000, SIM_MS(1), 1500);
	c.loss.kind = LOSS_GILBERT_ELLIOTT;
	c.loss.p = 0.02;
	c.loss.r = 0.2;
	struct pair p;
	pair_init(&p, 3, &c, NULL);
	struct pacer pc;
	const uint32_t n = 50000;
	pacer_start(&pc, &p, n, 100, SIM_US(20));
	sim_run(&p.sim, SIM_S(2));
	struct link_stats s;
	link_get_stats(p.l, LINK_FORWARD, &s);
	g_assert_cmpuint(p.rb->rx->len + s.lost, ==, n);
	uint64_t bursts = 0;
	uint32_t expect = 0;
	for (guint i = 0; i < p.rb->rx->len; i++) {
		uint32_t tag = rx_at(p.rb, i)->tag;
		g_assert_cmpuint(tag, >=, expect);
		if (tag > expect)
			bursts++;
		expect = tag + 1;
	}
	if (expect < n)
		bursts++;
	double mean_burst = (double)s.lost / (double)bursts;
	g_assert_cmpfloat(fabs((double)s.lost / n - 0.02 / 0.22), <, 0.01);
	g_assert_cmpfloat(fabs(mean_burst - 5.0), <, 0.6);
	pair_fini(&p);
}

/* The drop list removes exactly the listed packets (1-based, in the direction). */
static void test_drop_list(void)
{
	static const uint64_t drops[] = {6, 3, 5, 3, 40};
	struct link_dir_config c = fx_link_cfg(10000000, SIM_MS(1), 1500);
	c.loss.kind = LOSS_DROP_LIST;
	c.loss.drop_list = drops;
	c.loss.n_drop_list = G_N_ELEMENTS(drops);
	struct pair p;
	pair_init(&p, 1, &c, NULL);
	struct pacer pc;
	pacer_start(&pc, &p, 10, 500, SIM_MS(1));
	/* The link is symmetric: the reverse direction has the same drop list but its
	 * own packet count. */
	for (uint32_t i = 0; i < 10; i++)
		fx_send(&p.sim, p.b, A_ADDR, 100, i);
	sim_run(&p.sim, SIM_S(1));
	g_assert_cmpuint(p.rb->rx->len, ==, 7);
	g_assert_cmpuint(p.ra->rx->len, ==, 7);
	const uint32_t expect[] = {0, 1, 3, 6, 7, 8, 9}; /* tags are 0-based */
	for (int i = 0; i < 7; i++) {
		g_assert_cmpuint(rx_at(p.rb, (guint)i)->tag, ==, expect[i]);
		g_assert_cmpuint(rx_at(p.ra, (guint)i)->tag, ==, expect[i]);
	}
	struct link_stats s;
	link_get_stats(p.l, LINK_FORWARD, &s);
	g_assert_cmpuint(s.lost, ==, 3);
	pair_fini(&p);
}

/* Queue drops do not count as carried packets for the drop list. */
static void test_drop_list_counts_carried(void)
{
	static const uint64_t drops[] = {2};
	struct link_dir_config c = fx_link_cfg(10000000, SIM_MS(1), 1500);
	c.queue.limit_packets = 1;
	c.loss.kind = LOSS_DROP_LIST;
	c.loss.drop_list = drops;
	c.loss.n_drop_list = 1;
	struct pair p;
	pair_init(&p, 1, &c, NULL);
	for (uint32_t i = 0; i < 4; i++) /* 0 starts, 1 waits, 2 and 3 are queue drops */
		fx_send(&p.sim, p.a, B_ADDR, 1000, i);
	sim_run(&p.sim, SIM_S(1));
	g_assert_cmpuint(p.rb->rx->len, ==, 1);
	g_assert_cmpuint(rx_at(p.rb, 0)->tag, ==, 0);
	pair_fini(&p);
}

/* Outages: a packet whose time on the wire (serialisation start to arrival)
 * overlaps a down interval is lost, including packets already on the wire when the
 * link goes down; the loss model never sees them; the other direction is unaffected.
 * 520-byte datagrams (500 transport bytes + the IP header) every 1 ms at 10 Mbit/s
 * take 416 us to serialise and arrive 5 ms later: packet i is on the wire during
 * [i ms, i ms + 5.416 ms]. Down [7 ms, 9 ms) catches i = 2..8 (2 was sent at 2 ms
 * and is still propagating at 7 ms; 9 starts exactly at the end, when the link is
 * back); down from 15 ms for ever catches every packet arriving from then on,
 * i >= 10. Outages are given out of order. */
static void test_outage(void)
{
	static const struct link_outage down[] = {
		{SIM_MS(15), SIM_TIME_MAX},
		{SIM_MS(7), SIM_MS(9)},
	};
	struct link_dir_config fwd = fx_link_cfg(10000000, SIM_MS(5), 1500);
	struct link_dir_config rev = fwd;
	fwd.outages = down;
	fwd.n_outages = G_N_ELEMENTS(down);
	g_assert_null(link_dir_config_check(&fwd));
	struct pair p;
	pair_init(&p, 1, &fwd, &rev);
	struct pacer pc;
	pacer_start(&pc, &p, 20, 500, SIM_MS(1));
	for (uint32_t i = 0; i < 5; i++)
		fx_send(&p.sim, p.b, A_ADDR, 100, i);
	sim_run(&p.sim, SIM_S(1));
	const uint32_t expect[] = {0, 1, 9};
	g_assert_cmpuint(p.rb->rx->len, ==, G_N_ELEMENTS(expect));
	for (guint i = 0; i < G_N_ELEMENTS(expect); i++)
		g_assert_cmpuint(rx_at(p.rb, i)->tag, ==, expect[i]);
	g_assert_cmpint(rx_at(p.rb, 2)->t, ==, SIM_MS(9) + 416000 + SIM_MS(5));
	struct link_stats s;
	link_get_stats(p.l, LINK_FORWARD, &s);
	g_assert_cmpuint(s.tx_packets, ==, 20); /* the sender transmits into the dead link */
	g_assert_cmpuint(s.down_drops, ==, 17);
	g_assert_cmpuint(s.lost, ==, 0);
	g_assert_cmpuint(s.delivered, ==, 3);
	g_assert_cmpuint(p.ra->rx->len, ==, 5); /* B -> A kept working */
	link_get_stats(p.l, LINK_REVERSE, &s);
	g_assert_cmpuint(s.down_drops, ==, 0);
	pair_fini(&p);

	/* An outage must end after it starts. */
	static const struct link_outage bad[] = {{SIM_MS(5), SIM_MS(5)}};
	fwd.outages = bad;
	fwd.n_outages = 1;
	g_assert_cmpstr(link_dir_config_check(&fwd), ==, "an outage must end after it starts");
}

static void test_duplicate(void)
{
	struct link_dir_config c = fx_link_cfg(100000000, SIM_MS(1), 1500);
	c.duplicate = 0.1;
	struct pair p;
	pair_init(&p, 5, &c, NULL);
	struct pacer pc;
	pacer_start(&pc, &p, 5000, 100, SIM_US(20));
	sim_run(&p.sim, SIM_S(1));
	struct link_stats s;
	link_get_stats(p.l, LINK_FORWARD, &s);
	g_assert_cmpuint(p.rb->rx->len, ==, 5000 + s.duplicated);
	g_assert_cmpuint(s.delivered, ==, 5000 + s.duplicated);
	g_assert_cmpfloat(fabs((double)s.duplicated - 500.0), <, 5 * sqrt(5000 * 0.1 * 0.9));
	/* A copy arrives right behind its original, with the same tag and time. */
	uint64_t pairs = 0;
	for (guint i = 1; i < p.rb->rx->len; i++)
		if (rx_at(p.rb, i)->tag == rx_at(p.rb, i - 1)->tag) {
			g_assert_cmpint(rx_at(p.rb, i)->t, ==, rx_at(p.rb, i - 1)->t);
			pairs++;
		}
	g_assert_cmpuint(pairs, ==, s.duplicated);
	pair_fini(&p);
}

/* Corrupted UDP datagrams fail a checksum at the receiver (IP header or UDP) and are
 * dropped and counted there; the application receives only intact data. */
struct udp_count {
	uint64_t n, bad;
};

static void udp_rx(struct sim *sim, struct udp_sock *s, struct sim_packet *pkt,
                   const struct udp_meta *m, void *ctx)
{
	struct udp_count *c = ctx;
	c->n++;
	for (uint32_t i = 0; i < pkt->len; i++)
		if (pkt->data[i] != (uint8_t)i)
			c->bad++;
	sim_packet_free(pkt);
}

struct udp_pacer {
	struct udp_sock *s;
	uint32_t n, sent;
	struct sim_timer t;
};

static void udp_pacer_fire(struct sim *sim, void *ctx, void *arg)
{
	struct udp_pacer *up = ctx;
	uint8_t buf[200];
	for (int i = 0; i < 200; i++)
		buf[i] = (uint8_t)i;
	g_assert_cmpint(udp_sendto(up->s, buf, sizeof(buf), B_ADDR, 9, NULL), ==, 200);
	if (++up->sent < up->n)
		sim_timer_arm_in(sim, &up->t, SIM_US(50), udp_pacer_fire, up, NULL);
}

static void test_corrupt(void)
{
	struct link_dir_config c = fx_link_cfg(100000000, SIM_MS(1), 1500);
	c.corrupt = 0.2;
	struct pair p;
	pair_init(&p, 11, &c, NULL);
	struct udp_stack *ua = udp_attach(&p.sim, p.a), *ub = udp_attach(&p.sim, p.b);
	struct udp_sock *rx = udp_socket(ub);
	g_assert_cmpint(udp_bind(rx, IPV4_ANY, 9), ==, 0);
	struct udp_count cnt = {0};
	udp_set_callbacks(rx, udp_rx, NULL, &cnt);
	struct udp_pacer up = {.s = udp_socket(ua), .n = 4000};
	sim_timer_arm_at(&p.sim, &up.t, 0, udp_pacer_fire, &up, NULL);
	sim_run(&p.sim, SIM_S(1));
	struct link_stats s;
	link_get_stats(p.l, LINK_FORWARD, &s);
	g_assert_cmpfloat(fabs((double)s.corrupted - 800.0), <, 5 * sqrt(4000 * 0.2 * 0.8));
	const struct ipv4_stats *ip = &p.b->ip_stats;
	const struct udp_stats *us = udp_get_stats(ub);
	/* Every corrupted datagram was dropped by a checksum (or a length check the flip
	 * broke), none reached the application. */
	g_assert_cmpuint(ip->in_hdr_errors + ip->in_csum_errors + us->in_errors, ==, s.corrupted);
	g_assert_cmpuint(ip->in_csum_errors, >, 0);
	g_assert_cmpuint(us->in_csum_errors, >, 0);
	g_assert_cmpuint(cnt.n, ==, 4000 - s.corrupted);
	g_assert_cmpuint(cnt.bad, ==, 0);
	/* Some corrupted datagrams hit the UDP port field before the checksum check: no
	 * ICMP port unreachable was ever sent for them. */
	g_assert_cmpuint(p.b->icmp_stats.out_msgs, ==, 0);
	udp_close(up.s);
	udp_close(rx);
	pair_fini(&p);
}

/* Jitter: arrival = send + serialisation + delay + U[0, jitter]. Without reordering
 * the order is kept (a packet waits for its predecessor); with it, packets overtake. */
static void run_jitter(bool reorder, uint64_t *reordered, uint64_t *held_back)
{
	struct link_dir_config c = fx_link_cfg(100000000, SIM_MS(10), 1500);
	c.jitter = SIM_MS(2);
	c.reorder = reorder;
	struct pair p;
	pair_init(&p, 9, &c, NULL);
	struct pacer pc;
	const uint32_t n = 2000;
	pacer_start(&pc, &p, n, 100, SIM_US(100));
	sim_run(&p.sim, SIM_S(2));
	g_assert_cmpuint(p.rb->rx->len, ==, n);
	*reordered = 0;
	*held_back = 0;
	sim_time_t prev_t = 0;
	uint32_t max_tag = 0;
	sim_time_t ser = sim_tx_time(120, 100000000);
	for (guint i = 0; i < n; i++) {
		const struct fx_rx *e = rx_at(p.rb, i);
		sim_time_t base = (sim_time_t)e->tag * SIM_US(100) + ser + SIM_MS(10);
		g_assert_cmpint(e->t, >=, base);
		g_assert_cmpint(e->t, >=, prev_t);
		if (reorder)
			g_assert_cmpint(e->t, <=, base + SIM_MS(2));
		else if (e->t > base + SIM_MS(2))
			(*held_back)++;
		if (i > 0 && e->tag < max_tag)
			(*reordered)++;
		if (e->tag > max_tag)
			max_tag = e->tag;
		prev_t = e->t;
	}
	pair_fini(&p);
}

static void test_jitter(void)
{
	uint64_t reordered, held;
	run_jitter(false, &reordered, &held);
	g_assert_cmpuint(reordered, ==, 0);
	g_assert_cmpuint(held, ==, 0); /* never beyond its own window either */
	run_jitter(true, &reordered, &held);
	g_assert_cmpuint(reordered, >, 100);
}

/* One scheduler event per packet per hop: A → R → B, 1000 packets, no capture. */
static void test_one_event_per_hop(void)
{
	struct sim sim;
	sim_init(&sim, 1);
	struct link_dir_config c = fx_link_cfg(1000000000, SIM_US(100), 1500);
	c.queue.limit_packets = 0;
	struct fx_arb t;
	fx_arb_init(&sim, &t, 0, &c, &c);
	struct fx_recorder *rb = fx_record(t.b);
	for (uint32_t i = 0; i < 1000; i++)
		fx_send(&sim, t.a, IPV4_ADDR(10, 0, 2, 1), 1000, i);
	uint64_t before = sim_executed_events(&sim);
	sim_run(&sim, SIM_S(1));
	g_assert_cmpuint(rb->rx->len, ==, 1000);
	g_assert_cmpuint(sim_executed_events(&sim) - before, <=, 2000);
	g_assert_cmpuint(t.r->ip_stats.forwarded, ==, 1000);
	fx_arb_free(&t);
	fx_assert_no_leak(&sim);
	sim_fini(&sim);
}

/* Freeing a link with packets in flight and queued releases them all. */
static void test_free_in_flight(void)
{
	struct link_dir_config c = fx_link_cfg(1000000, SIM_MS(50), 1500);
	c.jitter = SIM_MS(5);
	c.reorder = true;
	struct pair p;
	pair_init(&p, 1, &c, NULL);
	for (uint32_t i = 0; i < 20; i++)
		fx_send(&p.sim, p.a, B_ADDR, 1000, i);
	sim_run(&p.sim, SIM_MS(60));
	g_assert_cmpuint(sim_packet_pool_outstanding(&p.sim.pool), >, 0);
	pair_fini(&p); /* asserts the pool is empty */
}

static void test_config_check(void)
{
	struct link_dir_config c;
	link_dir_config_default(&c);
	g_assert_null(link_dir_config_check(&c));
	g_assert_cmpuint(c.bandwidth_bps, ==, 10000000);
	g_assert_cmpuint(c.mtu, ==, 1500);
	g_assert_cmpuint(c.queue.limit_packets, ==, 100);
	c.mtu = 67;
	g_assert_nonnull(link_dir_config_check(&c));
	c.mtu = 1500;
	c.bandwidth_bps = 0;
	g_assert_nonnull(link_dir_config_check(&c));
	c.bandwidth_bps = 1;
	c.loss.kind = LOSS_BERNOULLI;
	c.loss.rate = 1.5;
	g_assert_nonnull(link_dir_config_check(&c));
	enum loss_kind k;
	g_assert_true(loss_kind_parse("gemodel", &k));
	g_assert_cmpint(k, ==, LOSS_GILBERT_ELLIOTT);
	g_assert_false(loss_kind_parse("bogus", &k));
}

/* Drop-tail through the queue-discipline interface (an event at every dequeue)
 * delivers exactly what the timeline fast path delivers, at the same instants, with
 * the same drops, counters and sojourn statistics. */
static void run_droptail(bool via_qdisc, GArray *out, struct link_stats *st, sim_time_t *mean,
                         sim_time_t *p99)
{
	struct link_dir_config c = fx_link_cfg(10000000, SIM_MS(2), 1500);
	c.queue.limit_packets = 6;
	c.queue.via_qdisc = via_qdisc;
	struct pair p;
	pair_init(&p, 1, &c, NULL);
	for (uint32_t i = 0; i < 20; i++)
		fx_send(&p.sim, p.a, B_ADDR, 500 + 50 * i, i);
	sim_run(&p.sim, SIM_MS(3));
	for (uint32_t i = 0; i < 8; i++)
		fx_send(&p.sim, p.a, B_ADDR, 1000, 100 + i);
	sim_run(&p.sim, SIM_MS(50));
	g_array_append_vals(out, p.rb->rx->data, p.rb->rx->len);
	link_get_stats(p.l, LINK_FORWARD, st);
	link_get_sojourn(p.l, LINK_FORWARD, mean, p99);
	pair_fini(&p);
}

static void test_droptail_paths_agree(void)
{
	GArray *fast = g_array_new(FALSE, FALSE, sizeof(struct fx_rx));
	GArray *slow = g_array_new(FALSE, FALSE, sizeof(struct fx_rx));
	struct link_stats a, b;
	sim_time_t ma, pa, mb, pb;
	run_droptail(false, fast, &a, &ma, &pa);
	run_droptail(true, slow, &b, &mb, &pb);
	g_assert_cmpuint(fast->len, ==, slow->len);
	g_assert_cmpuint(fast->len, <, 28); /* some were dropped */
	for (guint i = 0; i < fast->len; i++) {
		g_assert_cmpint(g_array_index(fast, struct fx_rx, i).t, ==,
		                g_array_index(slow, struct fx_rx, i).t);
		g_assert_cmpuint(g_array_index(fast, struct fx_rx, i).tag, ==,
		                 g_array_index(slow, struct fx_rx, i).tag);
	}
	g_assert_cmpuint(a.queue_drops, ==, b.queue_drops);
	g_assert_cmpuint(a.overlimit_drops, ==, b.overlimit_drops);
	g_assert_cmpuint(a.tx_packets, ==, b.tx_packets);
	g_assert_cmpuint(a.tx_bytes, ==, b.tx_bytes);
	g_assert_cmpuint(a.enqueued, ==, b.enqueued);
	g_assert_cmpuint(a.max_queue_packets, ==, b.max_queue_packets);
	g_assert_cmpint(ma, ==, mb);
	g_assert_cmpint(pa, ==, pb);
	g_assert_cmpint(ma, >, 0);
	g_array_free(fast, TRUE);
	g_array_free(slow, TRUE);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/link/timing", test_timing);
	g_test_add_func("/link/timing-framing-asymmetry", test_timing_framing_and_asymmetry);
	g_test_add_func("/link/droptail-packets", test_droptail_packets);
	g_test_add_func("/link/droptail-bytes", test_droptail_bytes);
	g_test_add_func("/link/queue-trace", test_queue_trace);
	g_test_add_func("/link/loss-bernoulli", test_bernoulli);
	g_test_add_func("/link/loss-gilbert-elliott", test_gilbert_elliott);
	g_test_add_func("/link/loss-gilbert-elliott-link", test_gilbert_elliott_link);
	g_test_add_func("/link/loss-drop-list", test_drop_list);
	g_test_add_func("/link/loss-drop-list-carried", test_drop_list_counts_carried);
	g_test_add_func("/link/outage", test_outage);
	g_test_add_func("/link/duplicate", test_duplicate);
	g_test_add_func("/link/corrupt", test_corrupt);
	g_test_add_func("/link/jitter", test_jitter);
	g_test_add_func("/link/one-event-per-hop", test_one_event_per_hop);
	g_test_add_func("/link/free-in-flight", test_free_in_flight);
	g_test_add_func("/link/config-check", test_config_check);
	g_test_add_func("/link/droptail-paths-agree", test_droptail_paths_agree);
	return g_test_run();
}

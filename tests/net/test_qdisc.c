/* tests/net/test_qdisc.c — the queue disciplines driven directly: crafted IPv4
 * packets, a scripted clock, and the exact drop and mark decisions their RFCs'
 * pseudocode gives for that script (the expected times are worked out by hand in the
 * comments, not by running the same code). */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "models/ip/ecn.h"
#include "models/ip/ipv4.h"
#include "models/link/qdisc.h"
#include "sim/core/bytes.h"
#include "sim/core/sim.h"
#include "tests/net/netfix.h"

/* A discipline under test, with every drop and mark it reports. */
struct bench {
	struct sim sim;
	struct qdisc *q;
	GArray *ev; /* struct ev */
};

struct ev {
	sim_time_t t;
	enum qdisc_event what;
	enum qdisc_reason why;
};

static void watch(void *ctx, enum qdisc_event what, enum qdisc_reason why, sim_time_t now)
{
	struct bench *b = ctx;
	if (what == QDISC_EV_ENQUEUE)
		return;
	struct ev e = {now, what, why};
	g_array_append_val(b->ev, e);
}

static void bench_init(struct bench *b, const struct queue_config *cfg)
{
	sim_init(&b->sim, 1);
	b->q = qdisc_new(&b->sim, cfg, "test:qdisc", 1500, 10000000, &ipv4_link_pkt_ops);
	b->q->watch = watch;
	b->q->watch_ctx = b;
	b->ev = g_array_new(FALSE, FALSE, sizeof(struct ev));
}

static void bench_fini(struct bench *b)
{
	qdisc_free(b->q);
	g_array_free(b->ev, TRUE);
	fx_assert_no_leak(&b->sim);
	sim_fini(&b->sim);
}

/* A UDP datagram of `len` IP bytes from port `sport`, with ECN codepoint `ecn`. */
static struct sim_packet *udp_pkt(struct bench *b, uint16_t sport, uint8_t ecn, uint32_t len)
{
	struct sim_packet *p = sim_packet_new(&b->sim, SIM_PACKET_HEADROOM, len);
	memset(p->data, 0, len);
	struct ipv4_hdr h = {
	    .tos = ecn, .total_len = (uint16_t)len, .ttl = 64, .proto = IPV4_PROTO_UDP,
	    .src = IPV4_ADDR(10, 0, 0, 1), .dst = IPV4_ADDR(10, 0, 0, 2),
	};
	ipv4_hdr_write(p->data, &h);
	sim_put_be16(p->data + 20, sport);
	sim_put_be16(p->data + 22, 9);
	return p;
}

/* Enqueues n packets of flow `sport` at t. */
static void put(struct bench *b, sim_time_t t, unsigned n, uint16_t sport, uint8_t ecn,
                uint32_t len)
{
	for (unsigned i = 0; i < n; i++)
		qdisc_enqueue(b->q, udp_pkt(b, sport, ecn, len), t);
}

/* Dequeues one packet at t; returns its source port (0 when none) and frees it. */
static uint16_t take(struct bench *b, sim_time_t t)
{
	struct sim_packet *p = qdisc_dequeue(b->q, t);
	if (!p)
		return 0;
	uint16_t sport = sim_get_be16(p->data + 20);
	sim_packet_free(p);
	return sport;
}

/* Asserts the events of kind `what` are exactly at `ms` (milliseconds). */
static void expect_times(const struct bench *b, enum qdisc_event what, const double *ms,
                         guint n)
{
	guint k = 0;
	for (guint i = 0; i < b->ev->len; i++) {
		const struct ev *e = &g_array_index(b->ev, struct ev, i);
		if (e->what != what)
			continue;
		g_assert_cmpuint(k, <, n);
		g_assert_cmpint(e->t, ==, (sim_time_t)llround(ms[k] * 1e6));
		k++;
	}
	g_assert_cmpuint(k, ==, n);
}

static guint count_events(const struct bench *b, enum qdisc_event what, enum qdisc_reason why)
{
	guint n = 0;
	for (guint i = 0; i < b->ev->len; i++) {
		const struct ev *e = &g_array_index(b->ev, struct ev, i);
		n += e->what == what && e->why == why;
	}
	return n;
}

/* ---- CoDel (RFC 8289) ------------------------------------------------------------ */

static struct queue_config codel_cfg(bool ecn)
{
	struct queue_config c;
	queue_config_default(&c);
	queue_config_set_type(&c, QUEUE_CODEL);
	c.ecn = ecn;
	return c; /* target 5 ms, interval 100 ms, MTU 1500 */
}

/* Steps of 10 ms from `from` to `to` (inclusive): an arrival (if `arrive`), then a
 * dequeue. */
static void codel_steps(struct bench *b, int from, int to, bool arrive, uint8_t ecn)
{
	for (int ms = from; ms <= to; ms += 10) {
		if (arrive)
			put(b, SIM_MS(ms), 1, 1, ecn, 1500);
		take(b, SIM_MS(ms));
	}
}

/* Twenty 1500-byte packets at 0, then one arrival and one departure every 10 ms: the
 * head's sojourn stays far above 5 ms. By RFC 8289 §5.5:
 *   10 ms: first_above_time = 110 ms; 110 ms: drop, count = 1, drop_next = 210 ms;
 *   then drop_next += 100 ms / sqrt(count) (truncated to ns): 280.710678,
 *   338.445704, 388.445704, 433.167063, 473.991892, 511.788339, 547.143678,
 *   580.477011, 612.099787 ms — each drop at the first 10-ms step at or after it.
 * Then only departures: drops at 620 (count 11, next 642.250921) and 650 (count 12,
 * next 671.118434); at 670 one packet is left (backlog <= MTU): the state ends.
 * Twenty packets at 700, steps again: first_above_time = 810 ms, and at 810 the
 * state is re-entered 138.9 ms after drop_next, within 16 intervals, so count
 * resumes at count - lastcount = 12 - 1 = 11: drop_next 840.151134, then
 * 869.018647 (count 12), 896.753656 (13) — drops at 810, 850, 870, 900. Restarting
 * at count 1 instead would drop at 810 and then not before 910. */
static void test_codel_drop_times(void)
{
	struct queue_config c = codel_cfg(false);
	struct bench b;
	bench_init(&b, &c);
	put(&b, 0, 20, 1, IPV4_ECN_NOT_ECT, 1500);
	codel_steps(&b, 10, 600, true, IPV4_ECN_NOT_ECT);
	codel_steps(&b, 610, 690, false, 0);
	g_assert_cmpuint(b.q->qlen, ==, 0);
	put(&b, SIM_MS(700), 20, 1, IPV4_ECN_NOT_ECT, 1500);
	codel_steps(&b, 710, 900, true, IPV4_ECN_NOT_ECT);
	static const double drops[] = {110, 210, 290, 340, 390, 440, 480, 520, 550, 590,
	                               620, 650, 810, 850, 870, 900};
	expect_times(&b, QDISC_EV_DROP, drops, G_N_ELEMENTS(drops));
	g_assert_cmpuint(count_events(&b, QDISC_EV_DROP, QDISC_AQM_DROP), ==, G_N_ELEMENTS(drops));
	g_assert_cmpuint(b.q->stats.drops_aqm, ==, G_N_ELEMENTS(drops));
	bench_fini(&b);
}

/* With ecn, the same ECT(0) script marks CE at the same instants and drops nothing
 * (a mark ends the dequeue: the marked packet is sent). */
static void test_codel_ecn_marks(void)
{
	struct queue_config c = codel_cfg(true);
	struct bench b;
	bench_init(&b, &c);
	put(&b, 0, 20, 1, IPV4_ECN_ECT0, 1500);
	codel_steps(&b, 10, 600, true, IPV4_ECN_ECT0);
	static const double marks[] = {110, 210, 290, 340, 390, 440, 480, 520, 550, 590};
	expect_times(&b, QDISC_EV_MARK, marks, G_N_ELEMENTS(marks));
	g_assert_cmpuint(b.q->stats.drops_aqm, ==, 0);
	g_assert_cmpuint(b.q->stats.marks, ==, G_N_ELEMENTS(marks));
	bench_fini(&b);
}

/* The dequeued packet really carries CE, with a valid header checksum (RFC 1624). */
static void test_codel_mark_is_ce(void)
{
	struct queue_config c = codel_cfg(true);
	struct bench b;
	bench_init(&b, &c);
	put(&b, 0, 20, 1, IPV4_ECN_ECT1, 1500);
	for (int ms = 10; ms <= 110; ms += 10) {
		put(&b, SIM_MS(ms), 1, 1, IPV4_ECN_ECT1, 1500);
		struct sim_packet *p = qdisc_dequeue(b.q, SIM_MS(ms));
		g_assert_nonnull(p);
		uint8_t want = ms == 110 ? IPV4_ECN_CE : IPV4_ECN_ECT1;
		g_assert_cmpuint(ipv4_ecn_get(p), ==, want);
		g_assert_true(ipv4_hdr_csum_ok(p->data, 20));
		sim_packet_free(p);
	}
	bench_fini(&b);
}

/* Below 5 ms nothing is ever dropped, however long the queue stays. */
static void test_codel_below_target(void)
{
	struct queue_config c = codel_cfg(false);
	struct bench b;
	bench_init(&b, &c);
	for (int ms = 0; ms < 2000; ms++) {
		put(&b, SIM_MS(ms), 1, 1, 0, 1500);
		put(&b, SIM_MS(ms), 1, 1, 0, 1500);
		take(&b, SIM_MS(ms) + SIM_US(4000)); /* each waits 4 ms */
		take(&b, SIM_MS(ms) + SIM_US(4000));
	}
	g_assert_cmpuint(b.q->stats.drops_aqm, ==, 0);
	bench_fini(&b);
}

/* ---- FQ-CoDel (RFC 8290) ---------------------------------------------------------- */

static struct queue_config fq_cfg(uint32_t limit, uint32_t drop_batch)
{
	struct queue_config c;
	queue_config_default(&c);
	queue_config_set_type(&c, QUEUE_FQ_CODEL);
	c.limit_packets = limit;
	c.fq.drop_batch = drop_batch;
	return c; /* quantum = MTU = 1500 */
}

/* RFC 8290 §4.2: new flows first, then old, one quantum each per round; a flow that
 * arrives while the others are old is served next. */
static void test_fq_drr_order(void)
{
	struct queue_config c = fq_cfg(10240, 64);
	struct bench b;
	bench_init(&b, &c);
	/* (Under this seed the three flows hash to three different queues; a collision
	 * would merge two of them and break the order below.) */
	put(&b, 0, 3, 1001, 0, 1500);
	put(&b, 0, 3, 1002, 0, 1500);
	g_assert_cmpuint(take(&b, SIM_US(1)), ==, 1001);
	g_assert_cmpuint(take(&b, SIM_US(2)), ==, 1002);
	/* Both spent their quantum and moved to the old list; a sparse flow arrives. */
	put(&b, SIM_US(3), 1, 1003, 0, 100);
	g_assert_cmpuint(take(&b, SIM_US(4)), ==, 1003);
	g_assert_cmpuint(take(&b, SIM_US(5)), ==, 1001);
	g_assert_cmpuint(take(&b, SIM_US(6)), ==, 1002);
	g_assert_cmpuint(take(&b, SIM_US(7)), ==, 1001);
	g_assert_cmpuint(take(&b, SIM_US(8)), ==, 1002);
	g_assert_cmpuint(take(&b, SIM_US(9)), ==, 0);
	g_assert_cmpuint(b.q->qlen, ==, 0);
	bench_fini(&b);
}

/* Small packets: a quantum of 1500 lets three 500-byte packets go per round. */
static void test_fq_quantum_bytes(void)
{
	struct queue_config c = fq_cfg(10240, 64);
	struct bench b;
	bench_init(&b, &c);
	put(&b, 0, 6, 1001, 0, 500);
	put(&b, 0, 2, 1002, 0, 1500);
	static const uint16_t want[] = {1001, 1001, 1001, 1002, 1001, 1001, 1001, 1002};
	for (unsigned i = 0; i < G_N_ELEMENTS(want); i++)
		g_assert_cmpuint(take(&b, SIM_US(i + 1)), ==, want[i]);
	bench_fini(&b);
}

/* RFC 8290 §4.1.2 overload, as Linux fq_codel_drop(): past the limit the fattest flow
 * loses packets from its head until half its bytes are gone or drop_batch is
 * reached; the thin flow loses nothing. */
static void test_fq_overload(void)
{
	static const uint32_t batches[] = {64, 2};
	for (unsigned bi = 0; bi < G_N_ELEMENTS(batches); bi++) {
		uint32_t batch = batches[bi];
		struct queue_config c = fq_cfg(10, batch);
		struct bench b;
		bench_init(&b, &c);
		put(&b, 0, 8, 1001, 0, 1000); /* fat: 8000 bytes */
		put(&b, 0, 2, 1002, 0, 1000);
		g_assert_cmpuint(b.q->stats.drops_overlimit, ==, 0);
		put(&b, SIM_US(1), 1, 1002, 0, 1000); /* 11 > 10 */
		/* Half of 8000 is 4000 bytes: four packets, or the batch of 2. */
		uint32_t dropped = batch == 64 ? 4 : 2;
		g_assert_cmpuint(b.q->stats.drops_overlimit, ==, dropped);
		g_assert_cmpuint(b.q->qlen, ==, 11 - dropped);
		unsigned fat = 0, thin = 0;
		uint16_t sp;
		while ((sp = take(&b, SIM_US(2))) != 0)
			sp == 1001 ? fat++ : thin++;
		g_assert_cmpuint(fat, ==, 8 - dropped);
		g_assert_cmpuint(thin, ==, 3);
		bench_fini(&b);
	}
}

/* ---- RED (Floyd & Jacobson 1993) --------------------------------------------------- */

static struct queue_config red_cfg(double wq, double max_p, bool gentle)
{
	struct queue_config c;
	queue_config_default(&c);
	queue_config_set_type(&c, QUEUE_RED);
	c.limit_packets = 1000;
	c.red.min = 2;
	c.red.max = 4;
	c.red.wq = wq;
	c.red.probability = max_p;
	c.red.gentle = gentle;
	c.red.avpkt = 1250; /* 1 ms at 10 Mbit/s */
	return c;
}

static double red_avg(const struct bench *b)
{
	double avg, prob;
	b->q->ops->probe(b->q, &avg, &prob);
	return avg;
}

/* The average: the EWMA at each arrival, decay by (1 - wq)^m over an idle period of
 * m average-packet times. */
static void test_red_average(void)
{
	struct queue_config c = red_cfg(0.5, 0.02, true);
	struct bench b;
	bench_init(&b, &c);
	put(&b, 0, 1, 1, 0, 1000); /* empty since 0: avg = 0 */
	g_assert_cmpfloat(red_avg(&b), ==, 0.0);
	put(&b, 0, 1, 1, 0, 1000); /* q = 1: 0.5 */
	put(&b, 0, 1, 1, 0, 1000); /* q = 2: 0.25 + 1 */
	g_assert_cmpfloat(red_avg(&b), ==, 1.25);
	for (int i = 0; i < 3; i++)
		take(&b, SIM_MS(10)); /* idle from 10 ms */
	put(&b, SIM_MS(13), 1, 1, 0, 1000); /* 3 ms = 3 packet times: 1.25 / 8 */
	g_assert_cmpfloat(red_avg(&b), ==, 1.25 / 8);
	bench_fini(&b);
}

/* Drops at a constant average of `q` packets (wq = 1 makes the average the
 * instantaneous queue): the longest and the mean number of arrivals from one drop to
 * the next, over n arrivals. */
static void red_gaps(struct bench *b, unsigned q, int n, guint *max_gap, double *mean_gap)
{
	put(b, 0, q, 1, 0, 1000);
	while (b->q->qlen < q) /* refill what the warm-up dropped */
		put(b, 0, 1, 1, 0, 1000);
	guint gap = 0, drops = 0, total = 0, first = 1;
	*max_gap = 0;
	for (int i = 0; i < n; i++) {
		uint64_t before = b->q->stats.drops_aqm;
		put(b, SIM_US(i), 1, 1, 0, 1000);
		gap++;
		if (b->q->stats.drops_aqm == before) {
			take(b, SIM_US(i));
			continue;
		}
		if (!first) { /* gaps from one drop to the next only */
			*max_gap = MAX(*max_gap, gap);
			total += gap;
			drops++;
		}
		first = 0;
		gap = 0;
	}
	*mean_gap = (double)total / drops;
}

/* Between min and max, count (reset to 0 at a drop, incremented before pa is
 * computed: the paper's Figure 2, as ns-2's red.cc) makes pa = pb / (1 − count·pb)
 * space the drops uniformly: with pb = 0.1, P(gap = n) = pb / (1 − pb) for n = 1..9,
 * mean 5 — not geometric gaps of mean 10 as a plain per-packet probability would
 * give. min 2, max 4, max_p 0.2, average 3: pb = 0.2 · (3 − 2) / (4 − 2). */
static void test_red_uniform_gaps(void)
{
	struct queue_config c = red_cfg(1.0, 0.2, false);
	struct bench b;
	bench_init(&b, &c);
	guint max_gap;
	double mean;
	red_gaps(&b, 3, 40000, &max_gap, &mean);
	g_assert_cmpuint(max_gap, ==, 9);
	g_assert_cmpfloat(fabs(mean - 5.0), <, 0.08);
	bench_fini(&b);
}

/* Gentle (min 2, max 10, max_p 0.02), average 12: pb = 0.02 + 0.98 · (12 − 10) / 10
 * = 0.216, so pa = 0.2755, 0.3803, 0.6136 at counts 1..3 and certain at 4: gaps of
 * 1, 2, 3 with probability 0.2755 each and 4 with 0.1735, mean 2.347. Not gentle,
 * every arrival above max is dropped. With ecn, ECT packets above max are marked
 * unless harddrop. */
static void test_red_above_max(void)
{
	struct queue_config c = red_cfg(1.0, 0.02, true);
	c.red.max = 10;
	struct bench b;
	bench_init(&b, &c);
	guint max_gap;
	double mean;
	red_gaps(&b, 12, 40000, &max_gap, &mean);
	g_assert_cmpuint(max_gap, ==, 4);
	g_assert_cmpfloat(fabs(mean - 2.347), <, 0.05);
	bench_fini(&b);

	c = red_cfg(1.0, 1e-9, false);
	bench_init(&b, &c);
	put(&b, 0, 4, 1, 0, 1000); /* averages 0..3: nothing dropped at max_p 1e-9 */
	put(&b, 0, 10, 1, 0, 1000);
	g_assert_cmpuint(b.q->stats.drops_aqm, ==, 10);
	bench_fini(&b);

	for (int harddrop = 0; harddrop < 2; harddrop++) {
		c = red_cfg(1.0, 1e-9, false);
		c.ecn = true;
		c.red.harddrop = harddrop;
		bench_init(&b, &c);
		put(&b, 0, 4, 1, IPV4_ECN_ECT0, 1000);
		put(&b, 0, 5, 1, IPV4_ECN_ECT0, 1000);
		g_assert_cmpuint(b.q->stats.marks, ==, harddrop ? 0 : 5);
		g_assert_cmpuint(b.q->stats.drops_aqm, ==, harddrop ? 5 : 0);
		bench_fini(&b);
	}
}

/* ---- PIE (RFC 8033) ------------------------------------------------------------------ */

static double pie_prob(const struct bench *b)
{
	double avg, prob;
	b->q->ops->probe(b->q, &avg, &prob);
	return prob;
}

/* The controller's arithmetic at each T_UPDATE (15 ms): a dequeue at 30 ms measures a
 * 30 ms delay; the update at 45 ms gives p = 0.125·(0.030 − 0.015) + 1.25·(0.030 − 0)
 * = 0.039375, scaled by 1/2048 at drop_prob < 0.000001; the one at 60 ms p = 0.001875
 * (no change of delay), scaled by 1/128 at drop_prob in [0.00001, 0.0001). */
static void test_pie_updates(void)
{
	struct queue_config c;
	queue_config_default(&c);
	queue_config_set_type(&c, QUEUE_PIE);
	struct bench b;
	bench_init(&b, &c);
	put(&b, 0, 10, 1, 0, 1500);
	take(&b, SIM_MS(30));
	g_assert_cmpfloat(pie_prob(&b), ==, 0.0); /* updates at 15 and 30 saw delay 0 */
	put(&b, SIM_MS(45), 1, 1, 0, 1500);
	double p1 = 0.039375 / 2048;
	g_assert_cmpfloat_with_epsilon(pie_prob(&b), p1, 1e-15);
	put(&b, SIM_MS(60), 1, 1, 0, 1500);
	double p2 = p1 + 0.001875 / 128;
	g_assert_cmpfloat_with_epsilon(pie_prob(&b), p2, 1e-15);
	/* Drained: two updates with delay 0 decay it by 0.98 after the (negative) step. */
	while (take(&b, SIM_MS(61)) != 0)
		;
	put(&b, SIM_MS(90), 1, 1, 0, 1500); /* updates at 75 (delay 0, old 30) and 90 */
	double p3 = p2 + (0.125 * -0.015 + 1.25 * -0.030) / 128;
	double p4 = (p3 + 0.125 * -0.015 / 128) * 0.98;
	g_assert_cmpfloat_with_epsilon(pie_prob(&b), fmax(0.0, p4), 1e-15);
	bench_fini(&b);
}

/* An unresponsive overload (1.5 packets arrive per packet sent): no early drop while
 * the 150 ms burst allowance lasts, and then the delay is held near the 15 ms target
 * (RFC 8033 §4.2's integral term), while the limit is never reached. */
static void test_pie_holds_target(void)
{
	struct queue_config c;
	queue_config_default(&c);
	queue_config_set_type(&c, QUEUE_PIE);
	struct bench b;
	bench_init(&b, &c);
	sim_time_t first_drop = -1, tx = SIM_US(1200); /* 1500 B at 10 Mbit/s */
	double delay_sum = 0;
	unsigned delay_n = 0;
	for (sim_time_t t = 0; t < SIM_S(20); t += tx) {
		put(&b, t, 1, 1, 0, 1500);
		if ((t / tx) % 2 == 0)
			put(&b, t, 1, 1, 0, 1500);
		if (first_drop < 0 && b.q->stats.drops_aqm > 0)
			first_drop = t;
		struct sim_packet *p = qdisc_dequeue(b.q, t);
		if (p && t > SIM_S(10)) {
			delay_sum += (double)(t - p->stamp);
			delay_n++;
		}
		sim_packet_free(p);
	}
	g_assert_cmpint(first_drop, >=, SIM_MS(150));
	g_assert_cmpuint(b.q->stats.drops_overlimit, ==, 0);
	double mean_ms = delay_sum / delay_n / 1e6;
	g_assert_cmpfloat(mean_ms, >, 10.0);
	g_assert_cmpfloat(mean_ms, <, 20.0);
	bench_fini(&b);
}

/* ---- step (DCTCP) ----------------------------------------------------------------------- */

/* k = 2: an ECT arrival finding more than two packets waiting is marked; Not-ECT
 * packets are never marked and only refused at the limit (5). */
static void test_step(void)
{
	struct queue_config c;
	queue_config_default(&c);
	queue_config_set_type(&c, QUEUE_STEP);
	c.step.k = 2;
	c.limit_packets = 5;
	struct bench b;
	bench_init(&b, &c);
	put(&b, 0, 5, 1, IPV4_ECN_ECT0, 1000); /* waiting on arrival: 0 1 2 3 4 */
	g_assert_cmpuint(b.q->stats.marks, ==, 2);
	put(&b, 0, 1, 1, IPV4_ECN_ECT0, 1000);
	g_assert_cmpuint(b.q->stats.drops_overlimit, ==, 1);
	while (take(&b, 0))
		;
	put(&b, 0, 6, 1, IPV4_ECN_NOT_ECT, 1000);
	g_assert_cmpuint(b.q->stats.marks, ==, 2);
	g_assert_cmpuint(b.q->stats.drops_overlimit, ==, 2);
	g_assert_cmpuint(b.q->stats.drops_aqm, ==, 0);
	bench_fini(&b);
}

/* ---- configuration ------------------------------------------------------------------ */

static void test_config(void)
{
	struct queue_config c;
	queue_config_default(&c);
	for (int t = 0; t < QUEUE_N_TYPES; t++) {
		queue_config_set_type(&c, (enum queue_type)t);
		g_assert_null(queue_config_check(&c));
		g_assert_cmpint(queue_type_parse(queue_type_name((enum queue_type)t)), ==, t);
		const struct qdisc_ops *ops = qdisc_ops_of((enum queue_type)t);
		g_assert_cmpint(ops->type, ==, t);
		g_assert_cmpstr(ops->name, ==, queue_type_name((enum queue_type)t));
	}
	queue_config_set_type(&c, QUEUE_RED);
	c.red.min = 15;
	g_assert_cmpstr(queue_config_check(&c), ==, "red: min must be below max");
	c.red.min = 5;
	c.red.burst = 4; /* 4 + 1 − 5 = 0 < 1 */
	g_assert_nonnull(queue_config_check(&c));
	c.red.burst = 20;
	g_assert_null(queue_config_check(&c));
	/* tc-red's derivation: the largest 2^-n with (1 − (1 − w)^20)/w >= 20 + 1 − 5:
	 * 15.04 at 1/32, 17.27 at 1/64. */
	double w = queue_red_wq_from_burst(&c.red);
	g_assert_cmpfloat(w, ==, 1.0 / 64);
	g_assert_cmpint(queue_type_parse("sfq"), ==, -1);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/qdisc/codel/drop-times", test_codel_drop_times);
	g_test_add_func("/qdisc/codel/ecn-marks", test_codel_ecn_marks);
	g_test_add_func("/qdisc/codel/mark-is-ce", test_codel_mark_is_ce);
	g_test_add_func("/qdisc/codel/below-target", test_codel_below_target);
	g_test_add_func("/qdisc/fq_codel/drr-order", test_fq_drr_order);
	g_test_add_func("/qdisc/fq_codel/quantum-bytes", test_fq_quantum_bytes);
	g_test_add_func("/qdisc/fq_codel/overload", test_fq_overload);
	g_test_add_func("/qdisc/red/average", test_red_average);
	g_test_add_func("/qdisc/red/uniform-gaps", test_red_uniform_gaps);
	g_test_add_func("/qdisc/red/above-max", test_red_above_max);
	g_test_add_func("/qdisc/pie/updates", test_pie_updates);
	g_test_add_func("/qdisc/pie/holds-target", test_pie_holds_target);
	g_test_add_func("/qdisc/step", test_step);
	g_test_add_func("/qdisc/config", test_config);
	return g_test_run();
}

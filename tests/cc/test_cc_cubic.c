/* tests/cc/test_cc_cubic.c — CUBIC (RFC 9438) against the RFC's formulas, which the
 * tests evaluate themselves with libm (cbrt, pow) in segments and seconds:
 *   K = cbrt((W_max − cwnd_epoch)/C)                       §4.2 Figure 2
 *   W_cubic(t) = C·(t − K)³ + W_max                        §4.2 Figure 1
 *   target = W_cubic(t + RTT) within [cwnd, 1.5·cwnd]      §4.2
 *   cwnd += (target − cwnd)/cwnd per ACK                    §4.4, §4.5
 *   W_est += α·segments_acked/cwnd, α = 3(1−β)/(1+β) → 1   §4.3
 *   ssthresh = max(β·cwnd, 2), W_max = cwnd or cwnd·(1+β)/2 §4.6, §4.7
 *   timeout: cwnd = 1, then K = 0, W_max = cwnd_epoch       §4.8
 * Slow start is RFC 5681/3465 slow start, tested for "cubic" in test_cc_reno.c. */
#include <math.h>
#include <string.h>

#include "models/tcp/cc_cubic.h"
#include "tests/cc/cc_test.h"

#define C_CUBIC 0.4
#define BETA    0.7

/* Sets up *cc running CUBIC with its parameters in *cp (the defaults, which a test
 * may then change: CUBIC reads them at every event). */
static void cubic_setup(struct tcp_cc *cc, struct tcp_cc_config *cfg,
			struct tcp_cc_cubic_params *cp, enum tcp_cc_growth growth)
{
	*cp = tcp_cc_cubic_defaults;
	tcp_cc_config_default(cfg);
	cfg->growth = growth;
	tcp_cc_init(cc, &tcp_cc_cubic, cfg, cp, SMSS, 10 * SMSS, false);
}

static double ref_k(double w_max_seg, double cwnd_epoch_seg, double c)
{
	return cbrt((w_max_seg - cwnd_epoch_seg) / c);
}

static double ref_w_cubic(double t, double k, double w_max_seg, double c)
{
	return c * pow(t - k, 3.0) + w_max_seg;
}

static struct tcp_cc_cubic_info info(const struct tcp_cc *cc)
{
	struct tcp_cc_cubic_info i;
	tcp_cc_cubic_get_info(cc, &i);
	return i;
}

/* A congestion event at cwnd = FlightSize = `cwnd`, then the end of recovery with
 * enough outstanding that cwnd = ssthresh (NewReno option 1 then equals ssthresh). */
static void loss_and_exit(struct tcp_cc *cc, uint32_t cwnd)
{
	cc->cwnd = cc->flight = cwnd;
	tcp_cc_on_loss(cc);
	cc->flight = cc->ssthresh;
	tcp_cc_on_recovery_exit(cc);
	g_assert_cmpuint(cc->cwnd, ==, cc->ssthresh);
}

/* One round trip: every segment of the window acknowledged by its own ACK, the
 * ACKs spread evenly over rtt from *now; the sender is cwnd-limited. */
static void round_trip(struct tcp_cc *cc, sim_time_t *now, sim_time_t rtt)
{
	uint32_t n = cc->cwnd / SMSS ? cc->cwnd / SMSS : 1;
	sim_time_t start = *now;

	for (uint32_t i = 0; i < n; i++) {
		cc->now = start + rtt * (sim_time_t)i / (sim_time_t)n;
		cct_ack(cc, SMSS);
	}
	*now = start + rtt;
}

/* §4.6: ssthresh = β·cwnd (from cwnd, as Linux, not FlightSize), at least 2 SMSS;
 * fast recovery entered NewReno-style at ssthresh + 3·SMSS; W_max = cwnd_prior =
 * cwnd. */
static void test_loss_beta(void)
{
	static const struct { uint32_t cwnd, flight, ssthresh; } cases[] = {
		{ 100 * SMSS, 100 * SMSS, 102200 },   /* 146000 · 0.7 */
		{ 100 * SMSS + 1, 100 * SMSS, 102200 }, /* 102200.7, floored */
		{ 100 * SMSS, 50 * SMSS, 102200 },    /* cwnd, not FlightSize */
		{ 4 * SMSS, 4 * SMSS, 4088 },
		{ 3 * SMSS, 3 * SMSS, 3066 },         /* 3066 > 2920 */
		{ 2 * SMSS, 2 * SMSS, 2 * SMSS },     /* 2044 → the 2·SMSS floor */
		{ SMSS, SMSS, 2 * SMSS },
	};
	struct tcp_cc cc;
	struct tcp_cc_config cfg;
	struct tcp_cc_cubic_params cp;

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		cubic_setup(&cc, &cfg, &cp, TCP_CC_GROWTH_BYTES);
		cc.cwnd = cases[i].cwnd;
		cc.flight = cases[i].flight;
		tcp_cc_on_loss(&cc);
		g_assert_cmpuint(cc.ssthresh, ==, cases[i].ssthresh);
		g_assert_cmpuint((uint64_t)cc.ssthresh, ==,
				 MAX((uint64_t)floor(cases[i].cwnd * BETA + 1e-9), 2 * SMSS));
		g_assert_cmpuint(cc.cwnd, ==, cases[i].ssthresh + 3 * SMSS);
		g_assert_cmpuint(info(&cc).w_max, ==, cases[i].cwnd);
		g_assert_cmpuint(info(&cc).cwnd_prior, ==, cases[i].cwnd);
		g_assert_true(info(&cc).in_recovery);
		g_assert_false(info(&cc).epoch_started);
	}

	/* Another β: 0.5 gives Reno's halving of cwnd. */
	cubic_setup(&cc, &cfg, &cp, TCP_CC_GROWTH_BYTES);
	cp.beta_permille = 500;
	cc.cwnd = cc.flight = 30 * SMSS;
	tcp_cc_on_loss(&cc);
	g_assert_cmpuint(cc.ssthresh, ==, 15 * SMSS);
}

/* Recovery is NewReno's: inflation, partial-ACK deflation, option-1 exit. */
static void test_recovery(void)
{
	struct tcp_cc cc;
	struct tcp_cc_config cfg;
	struct tcp_cc_cubic_params cp;

	cubic_setup(&cc, &cfg, &cp, TCP_CC_GROWTH_BYTES);
	g_assert_cmpint(cc.ops->recovery, ==, TCP_CC_RECOVERY_NEWRENO);
	cc.cwnd = cc.flight = 100 * SMSS;
	tcp_cc_on_loss(&cc);
	g_assert_cmpuint(cc.cwnd, ==, 102200 + 3 * SMSS);
	tcp_cc_on_dupack(&cc);
	g_assert_cmpuint(cc.cwnd, ==, 102200 + 4 * SMSS);
	tcp_cc_on_partial_ack(&cc, 3 * SMSS);
	g_assert_cmpuint(cc.cwnd, ==, 102200 + 2 * SMSS);
	tcp_cc_on_partial_ack(&cc, 500);
	g_assert_cmpuint(cc.cwnd, ==, 102200 + 2 * SMSS - 500);
	cc.flight = 30 * SMSS;
	tcp_cc_on_recovery_exit(&cc);
	g_assert_cmpuint(cc.cwnd, ==, 31 * SMSS); /* min(ssthresh, 30 + 1 SMSS) */
	g_assert_false(info(&cc).in_recovery);
	g_assert_cmpuint(cc.ssthresh, ==, 102200);
}

/* §4.2 Figure 2: K = cbrt((W_max − cwnd_epoch)/C), which is cbrt(W_max·(1 − β)/C)
 * when the stage starts at cwnd_epoch = β·W_max; the epoch starts at the first ACK
 * in congestion avoidance, with W_est = cwnd_epoch. */
static void test_k(void)
{
	static const struct { uint32_t w_max_seg; uint32_t beta, c; } cases[] = {
		{ 100, 700, 400 }, { 1000, 700, 400 }, { 20, 700, 400 },
		{ 12345, 700, 400 }, { 100, 500, 400 }, { 100, 700, 800 },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct tcp_cc cc;
		struct tcp_cc_config cfg;
		struct tcp_cc_cubic_params cp;
		double beta = cases[i].beta / 1000.0, c = cases[i].c / 1000.0;
		double w = cases[i].w_max_seg, k_expect;

		cubic_setup(&cc, &cfg, &cp, TCP_CC_GROWTH_BYTES);
		cp.beta_permille = cases[i].beta;
		cp.c_permille = cases[i].c;
		cc.srtt = SIM_MS(100);
		loss_and_exit(&cc, cases[i].w_max_seg * SMSS);
		g_assert_cmpuint(cc.cwnd, ==, (uint32_t)(w * SMSS * beta + 1e-6));
		g_assert_false(info(&cc).epoch_started);
		cc.now = SIM_S(7);
		cct_ack(&cc, SMSS);
		struct tcp_cc_cubic_info in = info(&cc);
		g_assert_true(in.epoch_started);
		g_assert_cmpint(in.t_epoch, ==, SIM_S(7));
		g_assert_cmpuint(in.cwnd_epoch, ==, (uint32_t)(w * SMSS * beta + 1e-6));
		g_assert_cmpuint(in.w_max, ==, cases[i].w_max_seg * SMSS);
		k_expect = ref_k(w, (double)in.cwnd_epoch / SMSS, c);
		/* Equal to the closed form for cwnd_epoch = β·W_max. */
		g_assert_cmpfloat_with_epsilon(k_expect, cbrt(w * (1 - beta) / c), 1e-9);
		g_assert_cmpint(llabs(in.k - (sim_time_t)llround(k_expect * 1e9)), <=, 1);
	}
	/* W_max = 100 segments, defaults: K = cbrt(75) s = 4.217163327 s. */
	g_assert_cmpfloat_with_epsilon(cbrt(75.0), 4.2171633265, 1e-9);
}

/* §4.2/§4.3 at the start of a stage: t_epoch, cwnd_epoch and W_est = cwnd_epoch are
 * set by the first ACK in congestion avoidance; W_est then grows by α·segments_acked
 * /cwnd per ACK (segments_acked = acked bytes / SMSS: the ABC form). At t = 0,
 * W_cubic(0) = cwnd_epoch < W_est, so the Reno-friendly region holds (the test is on
 * W_cubic(t), not on the target W_cubic(t + RTT)) and cwnd = W_est, to the byte. */
static void test_epoch_start(void)
{
	const double alpha = 3 * (1 - BETA) / (1 + BETA);
	static const uint32_t acks[] = { 2 * SMSS, 700, SMSS, 3 * SMSS };
	struct tcp_cc cc;
	struct tcp_cc_config cfg;
	struct tcp_cc_cubic_params cp;
	struct tcp_cc_cubic_info in;
	double w_est;

	cubic_setup(&cc, &cfg, &cp, TCP_CC_GROWTH_BYTES);
	cc.srtt = SIM_MS(100);
	loss_and_exit(&cc, 100 * SMSS);
	cc.now = SIM_S(4);
	w_est = 102200;
	for (size_t i = 0; i < G_N_ELEMENTS(acks); i++) {
		double cwnd = cc.cwnd;
		w_est += alpha * ((double)acks[i] / SMSS) / (cwnd / SMSS) * SMSS;
		cct_ack(&cc, acks[i]);
		in = info(&cc);
		g_assert_true(in.epoch_started);
		g_assert_cmpint(in.t_epoch, ==, SIM_S(4));
		g_assert_cmpuint(in.cwnd_epoch, ==, 102200);
		g_assert_cmpfloat_with_epsilon(in.w_est, w_est, 1e-6);
		g_assert_cmpuint(cc.cwnd, ==, (uint32_t)floor(w_est));
	}
	g_assert_cmpuint(cc.cwnd, >, 102200);
}

/* §4.2/§4.4/§4.5: the window follows W_cubic(t) = C·(t − K)³ + W_max — concave up
 * to the plateau at W_max around t = K, convex beyond. W_max = 1000 segments, RTT
 * 100 ms, every segment acknowledged; at each round-trip boundary t the window lies
 * between W_cubic(t) and the target W_cubic(t + RTT) it was steered to (±1 segment
 * of quantisation). Byte counting and per-ACK growth alike. */
static void test_curve(gconstpointer data)
{
	const enum tcp_cc_growth growth = (enum tcp_cc_growth)GPOINTER_TO_INT(data);
	const double w_max = 1000, rtt = 0.1;
	struct tcp_cc cc;
	struct tcp_cc_config cfg;
	struct tcp_cc_cubic_params cp;
	sim_time_t now = SIM_S(2);
	double k, at[5] = { 0 }, at_t[5] = { 0 };

	cubic_setup(&cc, &cfg, &cp, growth);
	cc.srtt = SIM_MS(100);
	cc.now = SIM_S(1);
	loss_and_exit(&cc, 1000 * SMSS);
	k = ref_k(w_max, 700, C_CUBIC); /* 9.0856 s */
	for (int r = 0; r <= 200; r++) {
		double t = r * rtt, cw = (double)cc.cwnd / SMSS;
		double lo = ref_w_cubic(t, k, w_max, C_CUBIC) - 1.0;
		double hi = ref_w_cubic(t + rtt, k, w_max, C_CUBIC) + 1.0;
		if (cw < lo || cw > hi)
			g_error("t = %.1f s: cwnd %.3f segments outside [%.3f, %.3f]", t, cw, lo, hi);
		/* Sample the window at 0, K/2, K, 3K/2 and 2K. */
		for (int j = 0; j < 5; j++)
			if (r == (int)lround(j * k / 2 / rtt)) {
				at[j] = cw;
				at_t[j] = t;
			}
		round_trip(&cc, &now, SIM_MS(100));
	}
	/* Concave: most of the climb back in the first half (700 → ~962 of 1000);
	 * plateau: at K the window is W_max; convex: the second half-K after K adds
	 * much more than the first (~37 then ~263 segments). */
	g_assert_cmpfloat(at[0], ==, 700.0);
	g_assert_cmpfloat(fabs(at[1] - ref_w_cubic(at_t[1], k, w_max, C_CUBIC)), <=, 1.0);
	g_assert_cmpfloat(at[1] - at[0], >, 6 * (at[2] - at[1]));
	g_assert_cmpfloat(fabs(at[2] - w_max), <=, 1.0);
	g_assert_cmpfloat(fabs(at[3] - ref_w_cubic(at_t[3], k, w_max, C_CUBIC)), <=, 1.0);
	g_assert_cmpfloat(at[4] - at[3], >, 6 * (at[3] - at[2]));
	g_assert_cmpfloat(fabs(at[4] - ref_w_cubic(at_t[4], k, w_max, C_CUBIC)), <=, 1.0);
	/* The Reno-friendly estimate stayed below: W_est grew α·1 per round trip. */
	g_assert_cmpfloat(fabs(info(&cc).w_est / SMSS - (700 + 201 * 3 * 0.3 / 1.7)), <, 1.0);
}

/* Per-ACK growth in the concave region, one ACK at a time: cwnd += (target −
 * cwnd)/cwnd segments with target = W_cubic(t + RTT) (to a byte: the increment is
 * rounded down through the integer "one SMSS per w bytes" form). */
static void test_increment_per_ack(void)
{
	struct tcp_cc cc;
	struct tcp_cc_config cfg;
	struct tcp_cc_cubic_params cp;
	double k;

	cubic_setup(&cc, &cfg, &cp, TCP_CC_GROWTH_PER_ACK);
	cp.reno_friendly = false;
	cc.srtt = SIM_MS(100);
	loss_and_exit(&cc, 100 * SMSS);
	k = ref_k(100, 70, C_CUBIC);
	cc.now = SIM_S(3);
	cct_ack(&cc, SMSS); /* the epoch starts here: t = 0 */
	for (int i = 1; i <= 40; i++) {
		double t = i * 0.1, cwnd = cc.cwnd;
		double target = ref_w_cubic(t + 0.1, k, 100, C_CUBIC) * SMSS;
		double inc;
		target = MIN(MAX(target, cwnd), 1.5 * cwnd);
		inc = (target - cwnd) / cwnd * SMSS; /* bytes */
		cc.now = SIM_S(3) + SIM_MS(100) * i;
		cct_ack(&cc, SMSS);
		g_assert_cmpfloat(fabs((double)cc.cwnd - (cwnd + (inc >= 1 ? inc : 1))), <=, 1.5);
	}
}

/* §4.2: target at most 1.5·cwnd. Long after the epoch start the cubic is huge; the
 * per-ACK increment is then (1.5·cwnd − cwnd)/cwnd = SMSS/2 exactly, and byte
 * counting adds one SMSS per 2·SMSS acknowledged. */
static void test_target_cap(void)
{
	struct tcp_cc cc;
	struct tcp_cc_config cfg;
	struct tcp_cc_cubic_params cp;

	for (int g = 0; g < 2; g++) {
		cubic_setup(&cc, &cfg, &cp, g ? TCP_CC_GROWTH_BYTES : TCP_CC_GROWTH_PER_ACK);
		cp.reno_friendly = false;
		cc.srtt = SIM_MS(100);
		loss_and_exit(&cc, 100 * SMSS);
		cc.now = SIM_S(1);
		cct_ack(&cc, SMSS);
		cc.now = SIM_S(101);
		uint32_t cwnd = cc.cwnd;
		cct_ack(&cc, SMSS);
		if (!g) {
			g_assert_cmpuint(cc.cwnd, ==, cwnd + SMSS / 2);
		} else {
			/* w = 2·SMSS: with what was already counted, every 2·SMSS of
			 * ACKs adds one SMSS. */
			uint32_t counted = cc.cwnd_cnt;
			g_assert_cmpuint(counted, <, 2 * SMSS);
			cwnd = cc.cwnd;
			for (int i = 1; i <= 6; i++) {
				cct_ack(&cc, SMSS);
				g_assert_cmpuint(cc.cwnd, ==, cwnd + (counted + i * SMSS) / (2 * SMSS) * SMSS);
			}
		}
	}
}

/* §4.7 fast convergence: a loss below the previous W_max sets W_max =
 * cwnd·(1 + β)/2; disabled, W_max = cwnd; a loss above W_max sets W_max = cwnd.
 * K then follows from the lowered W_max. */
static void test_fast_convergence(void)
{
	struct tcp_cc cc;
	struct tcp_cc_config cfg;
	struct tcp_cc_cubic_params cp;
	struct tcp_cc_cubic_info in;

	for (int fc = 0; fc < 2; fc++) {
		cubic_setup(&cc, &cfg, &cp, TCP_CC_GROWTH_BYTES);
		cp.fast_convergence = fc;
		cc.srtt = SIM_MS(100);
		loss_and_exit(&cc, 100 * SMSS);
		g_assert_cmpuint(info(&cc).w_max, ==, 100 * SMSS);
		/* The second loss comes at 90 segments, below W_max. */
		cc.cwnd = cc.flight = 90 * SMSS;
		tcp_cc_on_loss(&cc);
		in = info(&cc);
		g_assert_cmpuint(in.w_max, ==, fc ? 111690 : 90 * SMSS); /* 131400·1.7/2 */
		g_assert_cmpuint(in.w_max, ==,
				 fc ? (uint32_t)(90 * SMSS * (1 + BETA) / 2 + 1e-6) : 90 * SMSS);
		g_assert_cmpuint(in.cwnd_prior, ==, 90 * SMSS);
		g_assert_cmpuint(cc.ssthresh, ==, 91980);
		cc.flight = cc.ssthresh;
		tcp_cc_on_recovery_exit(&cc);
		cc.now = SIM_S(5);
		cct_ack(&cc, SMSS);
		in = info(&cc);
		g_assert_cmpint(llabs(in.k - llround(1e9 * ref_k(in.w_max / (double)SMSS, 63,
								   C_CUBIC))), <=, 1);
		if (fc)
			g_assert_cmpint(llabs(in.k - llround(1e9 * cbrt(13.5 / 0.4))), <=, 1);
		/* A loss above W_max remembers cwnd itself. */
		cc.cwnd = cc.flight = 120 * SMSS;
		tcp_cc_on_loss(&cc);
		g_assert_cmpuint(info(&cc).w_max, ==, 120 * SMSS);
	}
}

/* §4.3: at small RTT × bandwidth the cubic barely moves in a round trip while a
 * Reno flow would gain a segment, so W_est takes over: α = 3(1 − β)/(1 + β) per
 * round trip until W_est reaches cwnd_prior, 1 after. W_max = 20 segments,
 * RTT 1 ms, 100 round trips: the window tracks W_est computed here from Figure 4,
 * and with the Reno-friendly region disabled it stays on the (flat) cubic. */
static void test_reno_friendly(void)
{
	const double alpha = 3 * (1 - BETA) / (1 + BETA);
	struct tcp_cc cc;
	struct tcp_cc_config cfg;
	struct tcp_cc_cubic_params cp;
	sim_time_t now = SIM_S(1);
	double w_est = 14, k = ref_k(20, 14, C_CUBIC);
	uint32_t prev;

	cubic_setup(&cc, &cfg, &cp, TCP_CC_GROWTH_BYTES);
	cc.srtt = SIM_MS(1);
	loss_and_exit(&cc, 20 * SMSS);
	g_assert_cmpuint(cc.cwnd, ==, 14 * SMSS);
	for (int r = 0; r < 100; r++) {
		uint32_t n = cc.cwnd / SMSS;
		prev = cc.cwnd;
		for (uint32_t i = 0; i < n; i++) {
			double cwnd_seg = (double)cc.cwnd / SMSS;
			/* Figure 4 with segments_acked = 1; cwnd = W_est. */
			w_est += (w_est >= 20 ? 1.0 : alpha) * 1.0 / cwnd_seg;
			cc.now = now + SIM_MS(1) * i / n;
			cct_ack(&cc, SMSS);
			g_assert_cmpfloat(fabs((double)cc.cwnd / SMSS - w_est), <, 1.0 / SMSS);
		}
		now += SIM_MS(1);
		/* Far above the cubic at this t (K = 2.47 s). */
		g_assert_cmpfloat((double)cc.cwnd / SMSS, >,
				  ref_w_cubic((double)r * 0.001, k, 20, C_CUBIC));
		/* Per round trip: ≈ α·SMSS (773 bytes) below cwnd_prior, ≈ SMSS above
		 * (a little less: a round here acknowledges floor(cwnd/SMSS) segments). */
		if (r >= 1 && r <= 9) {
			g_assert_cmpuint(cc.cwnd - prev, >=, (uint32_t)(0.93 * alpha * SMSS));
			g_assert_cmpuint(cc.cwnd - prev, <=, (uint32_t)(alpha * SMSS) + 1);
		}
		if (r >= 14) {
			g_assert_cmpuint(cc.cwnd - prev, >=, (uint32_t)(0.93 * SMSS));
			g_assert_cmpuint(cc.cwnd - prev, <=, SMSS + 1);
		}
	}
	g_assert_cmpfloat((double)cc.cwnd / SMSS, >, 100.0);

	/* Without the Reno-friendly region the window stays on the cubic: after
	 * 100 ms W_cubic(t + RTT) is 14.25 segments, and cwnd, which grows in whole
	 * segments with byte counting, is at most one segment above it. */
	cubic_setup(&cc, &cfg, &cp, TCP_CC_GROWTH_BYTES);
	cp.reno_friendly = false;
	cc.srtt = SIM_MS(1);
	loss_and_exit(&cc, 20 * SMSS);
	now = SIM_S(1);
	for (int r = 0; r < 100; r++)
		round_trip(&cc, &now, SIM_MS(1));
	g_assert_cmpuint(cc.cwnd, <=, 15 * SMSS);
	g_assert_cmpfloat((double)cc.cwnd / SMSS, <=, ref_w_cubic(0.101, k, 20, C_CUBIC) + 1.0);
}

/* §4.8: on a timeout ssthresh = β·cwnd and cwnd = 1 SMSS; after slow start the
 * first stage runs with K = 0 and W_max = W_est = cwnd_epoch, growing convexly
 * from there: cwnd ≈ cwnd_epoch + C·t³. A repeated timeout, or one during fast
 * recovery, keeps ssthresh. */
static void test_rto(void)
{
	struct tcp_cc cc;
	struct tcp_cc_config cfg;
	struct tcp_cc_cubic_params cp;
	struct tcp_cc_cubic_info in;
	sim_time_t now;

	cubic_setup(&cc, &cfg, &cp, TCP_CC_GROWTH_BYTES);
	cp.reno_friendly = false;
	cc.srtt = SIM_MS(100);
	cc.cwnd = cc.flight = 100 * SMSS;
	tcp_cc_on_rto(&cc);
	g_assert_cmpuint(cc.ssthresh, ==, 102200);
	g_assert_cmpuint(cc.cwnd, ==, SMSS);
	g_assert_cmpuint(info(&cc).w_max, ==, 0);
	g_assert_cmpuint(info(&cc).cwnd_prior, ==, 100 * SMSS);
	tcp_cc_on_rto(&cc); /* the retransmission timed out too */
	g_assert_cmpuint(cc.ssthresh, ==, 102200);
	g_assert_cmpuint(cc.cwnd, ==, SMSS);

	/* Slow start to ssthresh (102200 = 70 segments), then the epoch. */
	now = SIM_S(10);
	while (tcp_cc_in_slow_start(&cc))
		round_trip(&cc, &now, SIM_MS(100));
	in = info(&cc);
	g_assert_true(in.epoch_started);
	g_assert_cmpint(in.k, ==, 0);
	g_assert_cmpuint(in.w_max, ==, in.cwnd_epoch);
	g_assert_cmpuint(in.cwnd_epoch, ==, 102200);
	for (int r = 0; r < 60; r++)
		round_trip(&cc, &now, SIM_MS(100));
	{
		double t = (double)(now - info(&cc).t_epoch) / 1e9;
		double expect = 70 + C_CUBIC * pow(t, 3);
		g_assert_cmpfloat(fabs((double)cc.cwnd / SMSS - expect), <=,
				  1.0 + (ref_w_cubic(t + 0.1, 0, 70, C_CUBIC) - expect));
	}

	/* A timeout during fast recovery: the loss already set ssthresh; the
	 * inflated window is not reduced again. */
	cubic_setup(&cc, &cfg, &cp, TCP_CC_GROWTH_BYTES);
	cc.cwnd = cc.flight = 100 * SMSS;
	tcp_cc_on_loss(&cc);
	for (int i = 0; i < 50; i++)
		tcp_cc_on_dupack(&cc);
	tcp_cc_on_rto(&cc);
	g_assert_cmpuint(cc.ssthresh, ==, 102200);
	g_assert_cmpuint(cc.cwnd, ==, SMSS);
	g_assert_false(info(&cc).in_recovery);
	/* After new data is acknowledged, a timeout reduces again. */
	cct_ack(&cc, SMSS);
	cc.cwnd = 40 * SMSS;
	tcp_cc_on_rto(&cc);
	g_assert_cmpuint(cc.ssthresh, ==, 40880);
}

/* No growth while not cwnd-limited, and §4.2: t excludes the application-limited
 * period. Two flows see the same ACKs; B's are interrupted for 2 s of
 * application-limited ACKs. Afterwards B's window equals A's ACK for ACK, its
 * epoch shifted by exactly the gap. */
static void test_app_limited(void)
{
	struct tcp_cc a, b;
	struct tcp_cc_config cfg_a, cfg_b;
	struct tcp_cc_cubic_params cp_a, cp_b;
	const sim_time_t gap = SIM_S(2);

	cubic_setup(&a, &cfg_a, &cp_a, TCP_CC_GROWTH_BYTES);
	cubic_setup(&b, &cfg_b, &cp_b, TCP_CC_GROWTH_BYTES);
	a.srtt = b.srtt = SIM_MS(50);
	loss_and_exit(&a, 200 * SMSS);
	loss_and_exit(&b, 200 * SMSS);
	for (int i = 0; i < 3000; i++) {
		sim_time_t t = SIM_S(1) + SIM_MS(1) * i;
		a.now = t;
		cct_ack(&a, SMSS);
		if (i < 1000) {
			b.now = t;
			cct_ack(&b, SMSS);
			g_assert_cmpuint(a.cwnd, ==, b.cwnd);
			continue;
		}
		if (i == 1000) {
			/* B: application-limited from here, ACKs but no growth. */
			uint32_t w = b.cwnd, counted = b.cwnd_cnt;
			for (sim_time_t s = 0; s < gap; s += SIM_MS(10)) {
				b.now = t + s;
				cct_ack2(&b, SMSS, false);
			}
			g_assert_cmpuint(b.cwnd, ==, w);
			g_assert_cmpuint(b.cwnd_cnt, ==, counted);
		}
		b.now = t + gap;
		cct_ack(&b, SMSS);
		g_assert_cmpuint(a.cwnd, ==, b.cwnd);
		g_assert_cmpfloat(info(&a).w_est, ==, info(&b).w_est);
	}
	g_assert_cmpint(info(&b).t_epoch - info(&a).t_epoch, ==, gap);
	g_assert_cmpuint(a.cwnd, >, a.ssthresh + 10 * SMSS); /* it did grow meanwhile */
}

/* A fixed sequence of events — slow start, loss, recovery, cubic growth with
 * uneven ACK spacing and delayed ACKs, a second loss (fast convergence), a timeout,
 * growth again — gives this exact cwnd series on every machine: a regression
 * anchor for the arithmetic. */
static uint64_t fnv1a(uint64_t h, uint32_t v)
{
	for (int i = 0; i < 4; i++) {
		h ^= (v >> (8 * i)) & 0xff;
		h *= 0x100000001b3ull;
	}
	return h;
}

static uint64_t scripted_run(enum tcp_cc_growth growth, uint32_t *samples, size_t n_samples,
			     uint32_t *final_ssthresh)
{
	struct tcp_cc cc;
	struct tcp_cc_config cfg;
	struct tcp_cc_cubic_params cp;
	uint64_t h = 0xcbf29ce484222325ull;
	size_t step = 0, s = 0;
	sim_time_t now = SIM_MS(30);
	uint32_t x = 12345; /* a fixed LCG for the ACK spacing */

#define RECORD()                                                                       \
	do {                                                                            \
		h = fnv1a(fnv1a(h, cc.cwnd), cc.ssthresh);                              \
		if (step % 97 == 0 && s < n_samples)                                      \
			samples[s++] = cc.cwnd;                                           \
		step++;                                                                 \
	} while (0)

	cubic_setup(&cc, &cfg, &cp, growth);
	for (int phase = 0; phase < 3; phase++) {
		for (int i = 0; i < (phase == 0 ? 300 : 4000); i++) {
			x = x * 1103515245u + 12345u;
			now += SIM_US(200) + (sim_time_t)((x >> 16) % 900) * SIM_US(1);
			cc.now = now;
			cc.srtt = SIM_MS(40) + (sim_time_t)((x >> 8) % 64) * SIM_US(100);
			cc.min_rtt = SIM_MS(40);
			cct_ack2(&cc, (x >> 20) % 4 == 0 ? 2 * SMSS : SMSS, (x >> 24) % 16 != 0);
			RECORD();
		}
		if (phase == 0 || phase == 1) {
			/* Loss: recovery with dup ACKs and partial ACKs. */
			cc.flight = cc.cwnd;
			tcp_cc_on_loss(&cc);
			RECORD();
			for (int d = 0; d < 12; d++) {
				tcp_cc_on_dupack(&cc);
				RECORD();
			}
			tcp_cc_on_partial_ack(&cc, 5 * SMSS);
			RECORD();
			cc.flight = cc.ssthresh - 2 * SMSS;
			tcp_cc_on_recovery_exit(&cc);
			RECORD();
		}
		if (phase == 1) {
			cc.flight = cc.cwnd;
			tcp_cc_on_rto(&cc);
			RECORD();
		}
	}
#undef RECORD
	*final_ssthresh = cc.ssthresh;
	return h;
}

static void test_pinned_series(void)
{
	/* cwnd after every 97th event, byte counting (the default). */
	static const uint32_t expect[] = {
		16060, 176660, 327040, 484720, 350990, 353910, 356830, 361210,
		364130, 368510, 371430, 375810, 378730, 383110, 386030, 388950,
		393330, 396250, 399170, 402090, 405010, 407930, 410850, 413770,
		416690, 419610, 422530, 425450, 426910, 429830, 432750, 434210,
		437130, 438590, 441510, 444430, 445890, 447350, 450270, 451730,
		453190, 456110, 457570, 459030, 460490, 52560, 216080, 225841,
		226420, 226973, 227529, 228118, 228657, 229248, 229779, 230329,
		230862, 231394, 231959, 232475, 233037, 233584, 234182, 234750,
		235312, 235839, 236364, 236898, 237427, 237987, 238498, 239056,
		239612, 240144, 240632, 241185, 241704, 242217, 242738, 243268,
		243805, 244305, 244872, 245424, 245989, 246480,
	};
	uint32_t got[G_N_ELEMENTS(expect) + 1], again[G_N_ELEMENTS(expect) + 1], ss, ss2;
	uint64_t h;

	memset(got, 0, sizeof got);
	memset(again, 0, sizeof again);
	h = scripted_run(TCP_CC_GROWTH_BYTES, got, G_N_ELEMENTS(got), &ss);
	if (g_test_verbose()) {
		GString *str = g_string_new(NULL);
		for (size_t i = 0; i < G_N_ELEMENTS(got); i++)
			g_string_append_printf(str, "%u, ", got[i]);
		g_test_message("samples: %s", str->str);
		g_test_message("bytes: hash 0x%016" G_GINT64_MODIFIER "x ssthresh %u", h, ss);
		g_string_free(str, TRUE);
	}
	g_assert_cmpmem(got, sizeof expect, expect, sizeof expect);
	g_assert_cmpuint(got[G_N_ELEMENTS(expect)], ==, 0); /* exactly that many events */
	g_assert_cmpuint(ss, ==, 225333u);
	g_assert_cmpuint(h, ==, 0x5c415799c3621c34ull);
	/* The same run again: a pure function of its inputs. */
	g_assert_cmpuint(scripted_run(TCP_CC_GROWTH_BYTES, again, G_N_ELEMENTS(again), &ss2), ==, h);
	g_assert_cmpmem(got, sizeof got, again, sizeof again);

	h = scripted_run(TCP_CC_GROWTH_PER_ACK, got, G_N_ELEMENTS(got), &ss);
	if (g_test_verbose())
		g_test_message("per-ack: hash 0x%016" G_GINT64_MODIFIER "x ssthresh %u", h, ss);
	g_assert_cmpuint(ss, ==, 190465u);
	g_assert_cmpuint(h, ==, 0x7aa03498f2d9381eull);
}

/* ---- packets (recovery linux): Linux tcp_cubic.c's integer arithmetic ---- */

static void lc_setup(struct tcp_cc *cc, struct tcp_cc_config *cfg, struct tcp_cc_cubic_params *cp)
{
	*cp = tcp_cc_cubic_defaults;
	tcp_cc_config_default(cfg);
	cfg->hz = 250;
	tcp_cc_init(cc, &tcp_cc_cubic, cfg, cp, SMSS, 10, true);
	cc->min_rtt = SIM_MS(100);
	cc->srtt = SIM_MS(100);
	cc->now = SIM_S(1);
}

/* A loss at `cwnd` packets (cubictcp_recalc_ssthresh: ssthresh = cwnd·717/1024), then
 * the end of recovery with cwnd = ssthresh (tcp_end_cwnd_reduction) in Open. */
static void lc_loss_and_exit(struct tcp_cc *cc, uint32_t cwnd)
{
	cc->cwnd = cwnd;
	tcp_cc_set_state(cc, TCP_CA_RECOVERY);
	cc->ssthresh = tcp_cc_ssthresh(cc);
	cc->cwnd = cc->ssthresh;
	tcp_cc_set_state(cc, TCP_CA_OPEN);
}

/* One packet acknowledged per ACK, `n` ACKs `gap` apart, cwnd-limited. */
static void lc_acks(struct tcp_cc *cc, uint32_t n, sim_time_t gap)
{
	for (uint32_t i = 0; i < n; i++) {
		cc->now += gap;
		struct tcp_cc_ack ack = { .acked = 1, .rtt = SIM_MS(100), .cwnd_limited = true };
		tcp_cc_cong_avoid(cc, &ack);
	}
}

/* Linux cubictcp_recalc_ssthresh: ssthresh = max(cwnd·717/1024, 2) packets. */
static void test_lc_ssthresh(void)
{
	struct tcp_cc cc;
	struct tcp_cc_config cfg;
	struct tcp_cc_cubic_params cp;
	lc_setup(&cc, &cfg, &cp);
	lc_loss_and_exit(&cc, 20);
	g_assert_cmpuint(cc.ssthresh, ==, 20 * 717 / 1024); /* 13 */
	lc_loss_and_exit(&cc, 2);
	g_assert_cmpuint(cc.ssthresh, ==, 2);
}

/* Linux bictcp_update: an epoch's Reno-friendly estimate counts the packets acknowledged
 * from the epoch's first ACK on (ack_cnt = acked there), not those acknowledged in the
 * epoch a loss ended: two senders in the same state after a loss grow alike, however
 * many packets one of them had acknowledged before it. */
static void test_lc_epoch_ack_cnt(void)
{
	struct tcp_cc a, b;
	struct tcp_cc_config cfg_a, cfg_b;
	struct tcp_cc_cubic_params cp_a, cp_b;
	lc_setup(&a, &cfg_a, &cp_a);
	lc_setup(&b, &cfg_b, &cp_b);
	a.cwnd = a.ssthresh = b.cwnd = b.ssthresh = 40;
	/* a acknowledges a window's worth first (its estimate counts them). */
	lc_acks(&a, 74, SIM_MS(2));
	b.now = a.now;
	lc_loss_and_exit(&a, 40);
	lc_loss_and_exit(&b, 40);
	a.cwnd_cnt = b.cwnd_cnt = 0; /* tcp_cong_avoid_ai's count, which a loss keeps */
	g_assert_cmpuint(a.cwnd, ==, b.cwnd);
	for (int i = 0; i < 1000; i++) {
		lc_acks(&a, 1, SIM_MS(4));
		lc_acks(&b, 1, SIM_MS(4));
		if (a.cwnd != b.cwnd)
			g_test_message("ack %d: %u %u", i, a.cwnd, b.cwnd);
		g_assert_cmpuint(a.cwnd, ==, b.cwnd);
	}
	g_test_message("cwnd %u", b.cwnd);
	g_assert_cmpuint(b.cwnd, >, 28);
}

/* Linux bictcp_update: before the first loss (no W_max) cwnd grows at least 5 % per
 * RTT: cnt is at most 20, one packet per 20 acknowledged. */
static void test_lc_no_wmax_cap(void)
{
	struct tcp_cc cc;
	struct tcp_cc_config cfg;
	struct tcp_cc_cubic_params cp;
	lc_setup(&cc, &cfg, &cp);
	cc.cwnd = cc.ssthresh = 100;
	lc_acks(&cc, 200, SIM_MS(1));
	g_assert_cmpuint(cc.cwnd, >=, 109);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/cc/cubic/loss_beta", test_loss_beta);
	g_test_add_func("/cc/cubic/recovery", test_recovery);
	g_test_add_func("/cc/cubic/k", test_k);
	g_test_add_func("/cc/cubic/epoch_start", test_epoch_start);
	g_test_add_data_func("/cc/cubic/curve/bytes", GINT_TO_POINTER(TCP_CC_GROWTH_BYTES),
			     test_curve);
	g_test_add_data_func("/cc/cubic/curve/per_ack", GINT_TO_POINTER(TCP_CC_GROWTH_PER_ACK),
			     test_curve);
	g_test_add_func("/cc/cubic/increment_per_ack", test_increment_per_ack);
	g_test_add_func("/cc/cubic/target_cap", test_target_cap);
	g_test_add_func("/cc/cubic/fast_convergence", test_fast_convergence);
	g_test_add_func("/cc/cubic/reno_friendly", test_reno_friendly);
	g_test_add_func("/cc/cubic/rto", test_rto);
	g_test_add_func("/cc/cubic/app_limited", test_app_limited);
	g_test_add_func("/cc/cubic/pinned_series", test_pinned_series);
	g_test_add_func("/cc/cubic/linux/ssthresh", test_lc_ssthresh);
	g_test_add_func("/cc/cubic/linux/epoch-ack-cnt", test_lc_epoch_ack_cnt);
	g_test_add_func("/cc/cubic/linux/no-wmax-cap", test_lc_no_wmax_cap);
	return g_test_run();
}

/* tests/cc/test_cc_reno.c — Reno (RFC 5681) step by step, and the behaviour NewReno
 * shares with it (slow start, congestion avoidance, loss response, RTO), which is
 * registered for both names; slow start is also CUBIC's (RFC 9438 §4.10).
 *
 * Expected windows are computed here from the RFC text: RFC 3465 §2.2 (slow start
 * += min(N, L·SMSS)), RFC 3465 §2.1 (one SMSS per cwnd of bytes acked), RFC 5681
 * eqns. 2–4 (per-ACK += min(N, SMSS); += SMSS·SMSS/cwnd, at least 1 byte;
 * ssthresh = max(FlightSize/2, 2·SMSS)), §3.2 (ssthresh + 3·SMSS, inflation,
 * deflation to ssthresh) and §3.1 (RTO: cwnd = 1 SMSS, ssthresh held on a repeated
 * timeout). */
#include "tests/cc/cc_test.h"

/* Algorithms whose slow start is RFC 5681/3465 slow start. */
static const char *const ss_algos[] = { "reno", "newreno", "cubic" };
/* Algorithms that are Reno outside fast recovery (growth, loss, RTO). */
static const char *const reno_family[] = { "reno", "newreno" };

/* Slow start with byte counting: each ACK of one SMSS adds one SMSS, so a round
 * trip of ACKs doubles the window: IW → 2·IW → 4·IW. */
static void test_slow_start_bytes(gconstpointer name)
{
	struct tcp_cc cc;
	struct tcp_cc_config cfg;

	cct_setup(&cc, &cfg, name, TCP_CC_GROWTH_BYTES, 10);
	g_assert_cmpuint(cc.cwnd, ==, 10 * SMSS);
	g_assert_cmpuint(cc.ssthresh, ==, TCP_CC_INFINITE);
	for (uint32_t round = 1; round <= 5; round++) {
		uint32_t start = cc.cwnd;
		for (uint32_t i = 1; i <= start / SMSS; i++) {
			cct_ack(&cc, SMSS);
			g_assert_cmpuint(cc.cwnd, ==, start + i * SMSS);
		}
		g_assert_cmpuint(cc.cwnd, ==, (10u * SMSS) << round);
		g_assert_true(tcp_cc_in_slow_start(&cc));
	}
}

/* With delayed ACKs (one ACK per two segments) byte counting still doubles the
 * window per round trip — each ACK adds min(2·SMSS, L·SMSS) with L = 2. */
static void test_slow_start_bytes_delayed_ack(gconstpointer name)
{
	struct tcp_cc cc;
	struct tcp_cc_config cfg;

	cct_setup(&cc, &cfg, name, TCP_CC_GROWTH_BYTES, 10);
	for (uint32_t round = 1; round <= 4; round++) {
		uint32_t start = cc.cwnd;
		for (uint32_t i = 1; i <= start / (2 * SMSS); i++) {
			cct_ack(&cc, 2 * SMSS);
			g_assert_cmpuint(cc.cwnd, ==, start + i * 2 * SMSS);
		}
		g_assert_cmpuint(cc.cwnd, ==, 2 * start);
	}
}

/* RFC 3465 §2.2: one ACK adds at most L·SMSS, however much it acknowledges
 * (stretch ACKs, ACKs after ACK loss); less than SMSS adds what was acked. */
static void test_slow_start_abc_limit(gconstpointer name)
{
	struct tcp_cc cc;
	struct tcp_cc_config cfg;
	uint32_t cwnd;

	cct_setup(&cc, &cfg, name, TCP_CC_GROWTH_BYTES, 10);
	cwnd = cc.cwnd;
	cct_ack(&cc, 3 * SMSS); /* stretch ACK of 3 segments: + 2·SMSS only */
	g_assert_cmpuint(cc.cwnd, ==, cwnd += 2 * SMSS);
	cct_ack(&cc, 5 * SMSS);
	g_assert_cmpuint(cc.cwnd, ==, cwnd += 2 * SMSS);
	cct_ack(&cc, 2 * SMSS);
	g_assert_cmpuint(cc.cwnd, ==, cwnd += 2 * SMSS);
	cct_ack(&cc, 700); /* a small segment */
	g_assert_cmpuint(cc.cwnd, ==, cwnd += 700);

	/* The knob: L = 3 segments. */
	cfg.abc_l_segments = 3;
	cct_ack(&cc, 3 * SMSS);
	g_assert_cmpuint(cc.cwnd, ==, cwnd += 3 * SMSS);
	cct_ack(&cc, 5 * SMSS);
	g_assert_cmpuint(cc.cwnd, ==, cwnd += 3 * SMSS);
}

/* The classic per-ACK rule (RFC 5681 eqn. 2, ns-3): + min(N, SMSS) per ACK, so
 * stretch ACKs add one SMSS and delayed ACKs grow the window 1.5× per round trip. */
static void test_slow_start_per_ack(gconstpointer name)
{
	struct tcp_cc cc;
	struct tcp_cc_config cfg;
	uint32_t cwnd;

	cct_setup(&cc, &cfg, name, TCP_CC_GROWTH_PER_ACK, 10);
	cwnd = cc.cwnd;
	for (uint32_t i = 0; i < 10; i++) {
		cct_ack(&cc, SMSS);
		g_assert_cmpuint(cc.cwnd, ==, cwnd += SMSS);
	}
	g_assert_cmpuint(cc.cwnd, ==, 20 * SMSS); /* IW → 2·IW in one round trip */
	cct_ack(&cc, 3 * SMSS);
	g_assert_cmpuint(cc.cwnd, ==, cwnd += SMSS);
	cct_ack(&cc, 700);
	g_assert_cmpuint(cc.cwnd, ==, cwnd += 700);

	/* Delayed ACKs: a round of 20 segments is 10 ACKs, + 10·SMSS. */
	cct_setup(&cc, &cfg, name, TCP_CC_GROWTH_PER_ACK, 20);
	for (uint32_t i = 0; i < 10; i++)
		cct_ack(&cc, 2 * SMSS);
	g_assert_cmpuint(cc.cwnd, ==, 30 * SMSS);
}

/* Slow start ends at ssthresh; the rest of the ACK that crosses it counts towards
 * congestion avoidance, which then needs a full cwnd of bytes per SMSS. */
static void test_slow_start_to_ca(gconstpointer name)
{
	struct tcp_cc cc;
	struct tcp_cc_config cfg;
	const uint32_t ssthresh = 20 * SMSS + 700;
	uint32_t counted;

	cct_setup(&cc, &cfg, name, TCP_CC_GROWTH_BYTES, 10);
	cc.ssthresh = ssthresh;
	for (uint32_t i = 0; i < 10; i++)
		cct_ack(&cc, SMSS);
	g_assert_cmpuint(cc.cwnd, ==, 20 * SMSS);
	g_assert_true(tcp_cc_in_slow_start(&cc));
	cct_ack(&cc, SMSS); /* 700 bytes of growth reach ssthresh, 760 are left */
	g_assert_false(tcp_cc_in_slow_start(&cc));
	if (g_strcmp0(name, "cubic") == 0) {
		/* The 760 bytes went to CUBIC's congestion avoidance (test_cc_cubic.c);
		 * its Reno-friendly estimate adds 760·SMSS/ssthresh = 37 bytes. */
		g_assert_cmpuint(cc.cwnd, ==, ssthresh + 760 * SMSS / ssthresh);
		return;
	}
	g_assert_cmpuint(cc.cwnd, ==, ssthresh);
	g_assert_cmpuint(cc.cwnd_cnt, ==, SMSS - 700);
	counted = SMSS - 700;
	/* The next SMSS comes when cwnd (= ssthresh) bytes have been counted. */
	while (counted + SMSS < ssthresh) {
		cct_ack(&cc, SMSS);
		counted += SMSS;
		g_assert_cmpuint(cc.cwnd, ==, ssthresh);
	}
	cct_ack(&cc, SMSS);
	g_assert_cmpuint(cc.cwnd, ==, ssthresh + SMSS);
	g_assert_cmpuint(cc.cwnd_cnt, ==, counted + SMSS - ssthresh);

	/* Per-ACK mode: the ACK crossing ssthresh adds the slow-start part up to
	 * ssthresh, then one congestion-avoidance increment SMSS·SMSS/cwnd. */
	cct_setup(&cc, &cfg, name, TCP_CC_GROWTH_PER_ACK, 20);
	cc.ssthresh = ssthresh;
	cct_ack(&cc, SMSS);
	g_assert_cmpuint(cc.cwnd, ==, ssthresh + SMSS * SMSS / ssthresh);
}

/* Congestion avoidance with byte counting: exactly one SMSS per cwnd of bytes
 * acknowledged — per round trip, with or without delayed ACKs. */
static void test_ca_bytes(gconstpointer name)
{
	struct tcp_cc cc;
	struct tcp_cc_config cfg;

	cct_setup(&cc, &cfg, name, TCP_CC_GROWTH_BYTES, 10);
	cct_set_ca(&cc, 20);
	for (uint32_t round = 0; round < 10; round++) {
		uint32_t start = cc.cwnd, segs = start / SMSS;
		for (uint32_t i = 1; i < segs; i++) {
			cct_ack(&cc, SMSS);
			g_assert_cmpuint(cc.cwnd, ==, start);
		}
		cct_ack(&cc, SMSS);
		g_assert_cmpuint(cc.cwnd, ==, start + SMSS);
		g_assert_cmpuint(cc.cwnd_cnt, ==, 0);
	}
	g_assert_cmpuint(cc.cwnd, ==, 30 * SMSS);

	/* Delayed ACKs: 10 ACKs of 2 segments per round of 20 segments. */
	cct_set_ca(&cc, 20);
	for (uint32_t i = 0; i < 9; i++)
		cct_ack(&cc, 2 * SMSS);
	g_assert_cmpuint(cc.cwnd, ==, 20 * SMSS);
	cct_ack(&cc, 2 * SMSS);
	g_assert_cmpuint(cc.cwnd, ==, 21 * SMSS);
	/* An ACK worth more than a window adds one SMSS per window of it: 9 SMSS at
	 * cwnd = 4 SMSS count two windows and leave one SMSS counted. */
	cct_set_ca(&cc, 4);
	cct_ack(&cc, 9 * SMSS);
	g_assert_cmpuint(cc.cwnd, ==, 6 * SMSS);
	g_assert_cmpuint(cc.cwnd_cnt, ==, SMSS);
}

/* Congestion avoidance per ACK (RFC 5681 eqn. 3): cwnd += SMSS·SMSS/cwnd, at least
 * one byte; about one SMSS per round trip with an ACK per segment, half that with
 * delayed ACKs (the classic behaviour papers model). */
static uint32_t eqn3(uint32_t cwnd)
{
	uint32_t inc = SMSS * SMSS / cwnd; /* RFC 5681 eqn. 3, integer bytes */
	return cwnd + (inc ? inc : 1);
}

static void test_ca_per_ack(gconstpointer name)
{
	struct tcp_cc cc;
	struct tcp_cc_config cfg;
	uint32_t expect;

	cct_setup(&cc, &cfg, name, TCP_CC_GROWTH_PER_ACK, 10);
	cct_set_ca(&cc, 20);
	expect = cc.cwnd;
	for (uint32_t i = 0; i < 200; i++) {
		expect = eqn3(expect);
		cct_ack(&cc, i % 3 == 0 ? 2 * SMSS : SMSS); /* the amount does not matter */
		g_assert_cmpuint(cc.cwnd, ==, expect);
	}

	/* One round trip of ACKs at 20 segments: 20 increments of 73 bytes and less,
	 * just under one SMSS in all. */
	cct_set_ca(&cc, 20);
	for (uint32_t i = 0; i < 20; i++)
		cct_ack(&cc, SMSS);
	g_assert_cmpuint(cc.cwnd, >=, 20 * SMSS + SMSS * 96 / 100);
	g_assert_cmpuint(cc.cwnd, <, 21 * SMSS);
	/* The same round with delayed ACKs: 10 increments, about half an SMSS. */
	cct_set_ca(&cc, 20);
	for (uint32_t i = 0; i < 10; i++)
		cct_ack(&cc, 2 * SMSS);
	g_assert_cmpuint(cc.cwnd, >=, 20 * SMSS + SMSS * 48 / 100);
	g_assert_cmpuint(cc.cwnd, <=, 20 * SMSS + SMSS / 2);

	/* At least one byte per ACK when SMSS·SMSS/cwnd rounds to zero. */
	cc.cwnd = cc.ssthresh = 3000000;
	cct_ack(&cc, SMSS);
	g_assert_cmpuint(cc.cwnd, ==, 3000001);
}

/* No growth unless the window was the limit (RFC 7661 §4.2), in either mode and
 * either phase; the byte counter does not accumulate either. */
static void test_not_cwnd_limited(gconstpointer name)
{
	struct tcp_cc cc;
	struct tcp_cc_config cfg;

	for (int g = 0; g < 2; g++) {
		enum tcp_cc_growth growth = g ? TCP_CC_GROWTH_PER_ACK : TCP_CC_GROWTH_BYTES;
		cct_setup(&cc, &cfg, name, growth, 10);
		for (uint32_t i = 0; i < 50; i++)
			cct_ack2(&cc, SMSS, false);
		g_assert_cmpuint(cc.cwnd, ==, 10 * SMSS);
		cct_set_ca(&cc, 20);
		for (uint32_t i = 0; i < 50; i++)
			cct_ack2(&cc, SMSS, false);
		g_assert_cmpuint(cc.cwnd, ==, 20 * SMSS);
		g_assert_cmpuint(cc.cwnd_cnt, ==, 0);
		/* And growth resumes once limited again. */
		cct_ack(&cc, SMSS);
		if (growth == TCP_CC_GROWTH_PER_ACK)
			g_assert_cmpuint(cc.cwnd, >, 20 * SMSS);
		else
			g_assert_cmpuint(cc.cwnd_cnt, ==, SMSS);
	}
}

/* Fast retransmit (RFC 5681 §3.2 steps 2–3): ssthresh = max(FlightSize/2, 2·SMSS)
 * from FlightSize, not cwnd; cwnd = ssthresh + 3·SMSS. */
static void test_loss(gconstpointer name)
{
	static const struct { uint32_t cwnd, flight, ssthresh; } cases[] = {
		{ 20 * SMSS, 20 * SMSS, 10 * SMSS },
		{ 20 * SMSS, 20 * SMSS + 1, 10 * SMSS },     /* odd: floor */
		{ 20 * SMSS, 20 * SMSS + 3, 10 * SMSS + 1 },
		{ 40 * SMSS, 20 * SMSS, 10 * SMSS },         /* FlightSize, not cwnd */
		{ 10 * SMSS, 15 * SMSS + 100, 7 * SMSS + 780 },
		{ 4 * SMSS, 4 * SMSS, 2 * SMSS },            /* exactly the floor */
		{ 4 * SMSS, 3 * SMSS, 2 * SMSS },            /* below: 2·SMSS */
		{ 4 * SMSS, 3000, 2 * SMSS },
		{ 4 * SMSS, 0, 2 * SMSS },
	};
	struct tcp_cc cc;
	struct tcp_cc_config cfg;

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		cct_setup(&cc, &cfg, name, TCP_CC_GROWTH_BYTES, 10);
		cc.cwnd = cases[i].cwnd;
		cc.flight = cases[i].flight;
		cc.cwnd_cnt = 1000;
		tcp_cc_on_loss(&cc);
		g_assert_cmpuint(cc.ssthresh, ==, cases[i].ssthresh);
		g_assert_cmpuint(cc.cwnd, ==, cases[i].ssthresh + 3 * SMSS);
		g_assert_cmpuint(cc.cwnd_cnt, ==, 0);
	}
}

/* Inflation (RFC 5681 §3.2 step 4): + SMSS per further duplicate ACK. */
static void test_inflation(gconstpointer name)
{
	struct tcp_cc cc;
	struct tcp_cc_config cfg;

	cct_setup(&cc, &cfg, name, TCP_CC_GROWTH_BYTES, 10);
	cc.cwnd = cc.flight = 20 * SMSS;
	tcp_cc_on_loss(&cc);
	g_assert_cmpuint(cc.cwnd, ==, 13 * SMSS);
	for (uint32_t i = 1; i <= 16; i++) {
		tcp_cc_on_dupack(&cc);
		g_assert_cmpuint(cc.cwnd, ==, (13 + i) * SMSS);
		g_assert_cmpuint(cc.ssthresh, ==, 10 * SMSS);
	}
}

/* Reno's end of recovery (RFC 5681 §3.2 step 6): cwnd = ssthresh, whatever the
 * FlightSize; then congestion avoidance from there. A partial ACK deflates nothing
 * (RFC 5681's recovery ends at it). */
static void test_reno_deflation(void)
{
	struct tcp_cc cc;
	struct tcp_cc_config cfg;

	cct_setup(&cc, &cfg, "reno", TCP_CC_GROWTH_BYTES, 10);
	g_assert_cmpint(cc.ops->recovery, ==, TCP_CC_RECOVERY_RENO);
	cc.cwnd = cc.flight = 20 * SMSS;
	tcp_cc_on_loss(&cc);
	for (int i = 0; i < 5; i++)
		tcp_cc_on_dupack(&cc);
	g_assert_cmpuint(cc.cwnd, ==, 18 * SMSS);
	tcp_cc_on_partial_ack(&cc, 3 * SMSS); /* not Reno's: no effect */
	g_assert_cmpuint(cc.cwnd, ==, 18 * SMSS);
	cc.flight = SMSS; /* Reno deflates to ssthresh regardless */
	tcp_cc_on_recovery_exit(&cc);
	g_assert_cmpuint(cc.cwnd, ==, 10 * SMSS);
	g_assert_cmpuint(cc.ssthresh, ==, 10 * SMSS);
	g_assert_false(tcp_cc_in_slow_start(&cc));
	for (int i = 0; i < 9; i++)
		cct_ack(&cc, SMSS);
	g_assert_cmpuint(cc.cwnd, ==, 10 * SMSS);
	cct_ack(&cc, SMSS);
	g_assert_cmpuint(cc.cwnd, ==, 11 * SMSS);
}

/* Retransmission timeout (RFC 5681 §3.1): ssthresh = max(FlightSize/2, 2·SMSS),
 * cwnd = 1 SMSS; a repeated timeout of the same segment holds ssthresh; after new
 * data is acknowledged, the next timeout computes it again. Then slow start from
 * one segment up to ssthresh, and linear growth. */
static void test_rto(gconstpointer name)
{
	struct tcp_cc cc;
	struct tcp_cc_config cfg;

	cct_setup(&cc, &cfg, name, TCP_CC_GROWTH_BYTES, 10);
	cc.cwnd = 40 * SMSS;
	cc.flight = 30 * SMSS;
	tcp_cc_on_rto(&cc);
	g_assert_cmpuint(cc.ssthresh, ==, 15 * SMSS);
	g_assert_cmpuint(cc.cwnd, ==, SMSS);
	cc.flight = SMSS; /* only the retransmission is outstanding */
	tcp_cc_on_rto(&cc);
	g_assert_cmpuint(cc.ssthresh, ==, 15 * SMSS); /* held, not 2·SMSS */
	g_assert_cmpuint(cc.cwnd, ==, SMSS);
	tcp_cc_on_rto(&cc);
	g_assert_cmpuint(cc.ssthresh, ==, 15 * SMSS);

	/* Slow start from the loss window: 1, 2, 4, 8 segments per round trip. */
	for (uint32_t round = 0; round < 3; round++) {
		uint32_t segs = cc.cwnd / SMSS;
		for (uint32_t i = 0; i < segs; i++)
			cct_ack(&cc, SMSS);
		g_assert_cmpuint(cc.cwnd, ==, 2 * segs * SMSS);
	}
	g_assert_cmpuint(cc.cwnd, ==, 8 * SMSS);
	for (uint32_t i = 0; i < 7; i++)
		cct_ack(&cc, SMSS);
	g_assert_cmpuint(cc.cwnd, ==, 15 * SMSS); /* stopped at ssthresh */
	g_assert_false(tcp_cc_in_slow_start(&cc));
	cct_ack(&cc, SMSS); /* congestion avoidance: counted, no growth yet */
	g_assert_cmpuint(cc.cwnd, ==, 15 * SMSS);
	g_assert_cmpuint(cc.cwnd_cnt, ==, SMSS);

	/* A new first timeout: computed again from FlightSize. */
	cc.flight = 6 * SMSS;
	tcp_cc_on_rto(&cc);
	g_assert_cmpuint(cc.ssthresh, ==, 3 * SMSS);
	g_assert_cmpuint(cc.cwnd, ==, SMSS);
	cc.flight = 2 * SMSS;
	cct_ack(&cc, SMSS);
	tcp_cc_on_rto(&cc);
	g_assert_cmpuint(cc.ssthresh, ==, 2 * SMSS); /* floor */
}

/* An RTO during fast recovery. The loss that began the recovery already set
 * ssthresh = max(FlightSize/2, 2·SMSS) = 10 segments from 20 outstanding; the
 * inflated window then sent more, so FlightSize is 26 segments when the timer fires.
 * Linux (tcp_enter_loss, the default) keeps ssthresh at 10; RFC 5681 §3.1 read
 * literally (rto_keeps_recovery_ssthresh = false, the rfc profile) recomputes 13.
 * Either way cwnd is the loss window and the recovery is over: a later first
 * timeout recomputes. */
static void test_rto_in_recovery(gconstpointer name)
{
	for (int keep = 0; keep <= 1; keep++) {
		struct tcp_cc cc;
		struct tcp_cc_config cfg;

		cct_setup(&cc, &cfg, name, TCP_CC_GROWTH_BYTES, 10);
		cfg.rto_keeps_recovery_ssthresh = keep;
		cc.cwnd = 20 * SMSS;
		cc.flight = 20 * SMSS;
		tcp_cc_on_loss(&cc);
		g_assert_cmpuint(cc.ssthresh, ==, 10 * SMSS);
		g_assert_cmpuint(cc.cwnd, ==, 13 * SMSS);
		g_assert_cmpint(cc.ca_state, ==, TCP_CA_RECOVERY);
		for (int i = 0; i < 6; i++)
			tcp_cc_on_dupack(&cc); /* inflation sends new data */
		cc.flight = 26 * SMSS;
		tcp_cc_on_rto(&cc);
		g_assert_cmpuint(cc.ssthresh, ==, (keep ? 10 : 13) * SMSS);
		g_assert_cmpuint(cc.cwnd, ==, SMSS);
		g_assert_cmpint(cc.ca_state, ==, TCP_CA_LOSS);

		/* New data acknowledged, then a first timeout outside recovery. */
		cct_ack(&cc, SMSS);
		cc.flight = 8 * SMSS;
		tcp_cc_on_rto(&cc);
		g_assert_cmpuint(cc.ssthresh, ==, 4 * SMSS);
	}
}

static void add_each(const char *const *names, size_t n, const char *what,
		     GTestDataFunc fn)
{
	for (size_t i = 0; i < n; i++) {
		char *path = g_strdup_printf("/cc/%s/%s", names[i], what);
		g_test_add_data_func(path, names[i], fn);
		g_free(path);
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	add_each(ss_algos, G_N_ELEMENTS(ss_algos), "slow_start/bytes", test_slow_start_bytes);
	add_each(ss_algos, G_N_ELEMENTS(ss_algos), "slow_start/bytes_delayed_ack",
		 test_slow_start_bytes_delayed_ack);
	add_each(ss_algos, G_N_ELEMENTS(ss_algos), "slow_start/abc_limit",
		 test_slow_start_abc_limit);
	add_each(ss_algos, G_N_ELEMENTS(ss_algos), "slow_start/per_ack", test_slow_start_per_ack);
	add_each(ss_algos, G_N_ELEMENTS(ss_algos), "slow_start/to_ca", test_slow_start_to_ca);
	add_each(reno_family, G_N_ELEMENTS(reno_family), "ca/bytes", test_ca_bytes);
	add_each(reno_family, G_N_ELEMENTS(reno_family), "ca/per_ack", test_ca_per_ack);
	add_each(reno_family, G_N_ELEMENTS(reno_family), "not_cwnd_limited",
		 test_not_cwnd_limited);
	add_each(reno_family, G_N_ELEMENTS(reno_family), "loss", test_loss);
	add_each(reno_family, G_N_ELEMENTS(reno_family), "inflation", test_inflation);
	add_each(reno_family, G_N_ELEMENTS(reno_family), "rto", test_rto);
	add_each(reno_family, G_N_ELEMENTS(reno_family), "rto_in_recovery", test_rto_in_recovery);
	g_test_add_func("/cc/reno/deflation", test_reno_deflation);
	return g_test_run();
}

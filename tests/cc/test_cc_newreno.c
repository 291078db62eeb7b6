/* tests/cc/test_cc_newreno.c — NewReno's fast recovery (RFC 6582 §3.2): partial
 * ACKs deflate the window by the amount acknowledged and add back one SMSS when that
 * amount is at least one SMSS; the full ACK sets cwnd = min(ssthresh, max(FlightSize,
 * SMSS) + SMSS) (step 3, option 1). Growth, loss entry and RTO are Reno's and are
 * tested for "newreno" by test_cc_reno.c. */
#include "tests/cc/cc_test.h"

/* Enters fast recovery from cwnd = FlightSize = 20 SMSS: ssthresh 10, cwnd 13. */
static void enter_recovery(struct tcp_cc *cc, struct tcp_cc_config *cfg)
{
	cct_setup(cc, cfg, "newreno", TCP_CC_GROWTH_BYTES, 10);
	cc->cwnd = cc->flight = 20 * SMSS;
	tcp_cc_on_loss(cc);
	g_assert_cmpuint(cc->ssthresh, ==, 10 * SMSS);
	g_assert_cmpuint(cc->cwnd, ==, 13 * SMSS);
}

static void test_ops(void)
{
	g_assert_cmpint(tcp_cc_newreno.recovery, ==, TCP_CC_RECOVERY_NEWRENO);
	/* Reno's arithmetic: the same ssthresh, growth and undo. */
	g_assert_true(tcp_cc_newreno.ssthresh == tcp_cc_reno.ssthresh);
	g_assert_true(tcp_cc_newreno.cong_avoid == tcp_cc_reno.cong_avoid);
	g_assert_true(tcp_cc_newreno.undo_cwnd == tcp_cc_reno.undo_cwnd);
}

/* RFC 6582 §3.2 step 3, partial ACK: cwnd − acked, + SMSS if acked >= SMSS. */
static void test_partial_ack(void)
{
	static const uint32_t acks[] = {
		3 * SMSS,     /* three segments: −3 SMSS + SMSS */
		500,          /* less than one SMSS: no add-back */
		SMSS,         /* exactly one SMSS: −SMSS + SMSS, unchanged */
		SMSS - 1,     /* one byte short: −1459 */
		2 * SMSS + 7, /* −(2 SMSS + 7) + SMSS */
		1,
	};
	struct tcp_cc cc;
	struct tcp_cc_config cfg;
	uint32_t expect;

	enter_recovery(&cc, &cfg);
	tcp_cc_on_dupack(&cc);
	tcp_cc_on_dupack(&cc);
	expect = 15 * SMSS;
	g_assert_cmpuint(cc.cwnd, ==, expect);
	for (size_t i = 0; i < G_N_ELEMENTS(acks); i++) {
		expect = expect - acks[i] + (acks[i] >= SMSS ? SMSS : 0);
		tcp_cc_on_partial_ack(&cc, acks[i]);
		g_assert_cmpuint(cc.cwnd, ==, expect);
		g_assert_cmpuint(cc.ssthresh, ==, 10 * SMSS); /* ssthresh untouched */
	}
	g_assert_cmpuint(cc.cwnd, ==, 15 * SMSS - 3 * SMSS + SMSS - 500 - (SMSS - 1) - (2 * SMSS + 7) +
					      SMSS - 1);
}

/* A partial ACK larger than the inflated window cannot take cwnd below 1 SMSS. */
static void test_partial_ack_floor(void)
{
	struct tcp_cc cc;
	struct tcp_cc_config cfg;

	enter_recovery(&cc, &cfg);
	cc.cwnd = 2 * SMSS;
	tcp_cc_on_partial_ack(&cc, 5 * SMSS); /* 0 + SMSS */
	g_assert_cmpuint(cc.cwnd, ==, SMSS);
	tcp_cc_on_partial_ack(&cc, 1000); /* 460, floored at SMSS */
	g_assert_cmpuint(cc.cwnd, ==, SMSS);
}

/* RFC 6582 §3.2 step 3, full ACK, option (1): cwnd = min(ssthresh, max(FlightSize,
 * SMSS) + SMSS), FlightSize being what is outstanding after the full ACK. */
static void test_full_ack(void)
{
	static const struct { uint32_t flight, cwnd; } cases[] = {
		{ 4 * SMSS, 5 * SMSS },
		{ 0, 2 * SMSS },              /* max(0, SMSS) + SMSS */
		{ SMSS / 2, 2 * SMSS },
		{ 7 * SMSS + 3, 8 * SMSS + 3 },
		{ 9 * SMSS - 1, 10 * SMSS - 1 },
		{ 9 * SMSS + 100, 10 * SMSS }, /* capped by ssthresh */
		{ 20 * SMSS, 10 * SMSS },
	};
	struct tcp_cc cc;
	struct tcp_cc_config cfg;

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		enter_recovery(&cc, &cfg);
		for (int d = 0; d < 8; d++)
			tcp_cc_on_dupack(&cc);
		cc.flight = cases[i].flight;
		tcp_cc_on_recovery_exit(&cc);
		g_assert_cmpuint(cc.cwnd, ==, cases[i].cwnd);
		g_assert_cmpuint(cc.ssthresh, ==, 10 * SMSS);
	}
}

/* One recovery episode with three losses in a window of 20 segments (1, 5 and 9
 * lost), as in Fall & Floyd's experiments: one fast retransmit, two partial ACKs,
 * the full ACK, then slow start back to ssthresh and linear growth. */
static void test_episode(void)
{
	struct tcp_cc cc;
	struct tcp_cc_config cfg;
	uint32_t cwnd;

	enter_recovery(&cc, &cfg); /* third dup ACK; cwnd 13 */
	/* Segments 2–4, 6–8 and 10–20 arrive: 17 dup ACKs, 14 after the third. */
	for (int i = 0; i < 14; i++)
		tcp_cc_on_dupack(&cc);
	cwnd = 13 * SMSS + 14 * SMSS;
	g_assert_cmpuint(cc.cwnd, ==, cwnd);
	/* Retransmitted 1 arrives: ACK up to 4 (4 segments), partial. */
	tcp_cc_on_partial_ack(&cc, 4 * SMSS);
	g_assert_cmpuint(cc.cwnd, ==, cwnd = cwnd - 4 * SMSS + SMSS);
	/* Retransmitted 5: ACK up to 8, partial. Data sent on the inflated window
	 * produces dup ACKs in between. */
	tcp_cc_on_dupack(&cc);
	g_assert_cmpuint(cc.cwnd, ==, cwnd += SMSS);
	tcp_cc_on_partial_ack(&cc, 4 * SMSS);
	g_assert_cmpuint(cc.cwnd, ==, cwnd = cwnd - 4 * SMSS + SMSS);
	/* Retransmitted 9: the ACK covers recover (20); 9 segments sent during
	 * recovery are outstanding. */
	cc.flight = 9 * SMSS;
	tcp_cc_on_recovery_exit(&cc);
	g_assert_cmpuint(cc.cwnd, ==, 10 * SMSS); /* min(10, 9 + 1) */

	/* A smaller FlightSize at exit: slow start back to ssthresh, then one SMSS
	 * per window. */
	enter_recovery(&cc, &cfg);
	cc.flight = 3 * SMSS;
	tcp_cc_on_recovery_exit(&cc);
	g_assert_cmpuint(cc.cwnd, ==, 4 * SMSS);
	g_assert_true(tcp_cc_in_slow_start(&cc));
	for (int i = 0; i < 6; i++)
		cct_ack(&cc, SMSS);
	g_assert_cmpuint(cc.cwnd, ==, 10 * SMSS);
	g_assert_false(tcp_cc_in_slow_start(&cc));
	for (int i = 0; i < 10; i++)
		cct_ack(&cc, SMSS);
	g_assert_cmpuint(cc.cwnd, ==, 11 * SMSS);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/cc/newreno/ops", test_ops);
	g_test_add_func("/cc/newreno/partial_ack", test_partial_ack);
	g_test_add_func("/cc/newreno/partial_ack_floor", test_partial_ack_floor);
	g_test_add_func("/cc/newreno/full_ack", test_full_ack);
	g_test_add_func("/cc/newreno/episode", test_episode);
	return g_test_run();
}

/* tests/cc/test_cc_registry.c — the registry (find, names, validate), tcp_cc_init,
 * the wrappers (optional hooks NULL-checked, shared counters, the cwnd invariant)
 * and the shared helpers in isolation. */
#include <errno.h>
#include <string.h>

#include "models/tcp/cc_cubic.h"
#include "tests/cc/cc_test.h"

/* The algorithms netsim ships, in registry order. */
static const char *const builtin[] = { "reno", "newreno", "cubic", "dctcp" };

static void test_find(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(builtin); i++) {
		const struct tcp_cc_ops *ops = tcp_cc_find(builtin[i]);
		g_assert_nonnull(ops);
		g_assert_cmpstr(ops->name, ==, builtin[i]);
		g_assert_cmpint(tcp_cc_validate(ops), ==, 0);
	}
	g_assert_true(tcp_cc_find("reno") == &tcp_cc_reno);
	g_assert_cmpint(tcp_cc_find("reno")->recovery, ==, TCP_CC_RECOVERY_RENO);
	g_assert_true(tcp_cc_find("newreno") == &tcp_cc_newreno);
	g_assert_cmpint(tcp_cc_find("newreno")->recovery, ==, TCP_CC_RECOVERY_NEWRENO);
	g_assert_null(tcp_cc_find("new_reno"));
	g_assert_true(tcp_cc_find("cubic") == &tcp_cc_cubic);
	g_assert_cmpint(tcp_cc_find("cubic")->recovery, ==, TCP_CC_RECOVERY_NEWRENO);
	g_assert_true(tcp_cc_find("dctcp") == &tcp_cc_dctcp);
	g_assert_true(tcp_cc_find("dctcp")->needs_ecn);
	g_assert_false(tcp_cc_find("cubic")->needs_ecn);
	/* Unknown names, case variants and the empty string are not found. */
	g_assert_null(tcp_cc_find("bbr"));
	g_assert_null(tcp_cc_find("Reno"));
	g_assert_null(tcp_cc_find("reno "));
	g_assert_null(tcp_cc_find(""));
	g_assert_null(tcp_cc_find(NULL));
}

static void test_names(void)
{
	const char *const *names = tcp_cc_names();
	size_t n = 0;

	g_assert_nonnull(names);
	while (names[n] != NULL) {
		g_assert_cmpuint(n, <, G_N_ELEMENTS(builtin));
		g_assert_cmpstr(names[n], ==, builtin[n]);
		/* Every listed name is found, under that very name. */
		g_assert_nonnull(tcp_cc_find(names[n]));
		g_assert_cmpstr(tcp_cc_find(names[n])->name, ==, names[n]);
		n++;
	}
	g_assert_cmpuint(n, ==, G_N_ELEMENTS(builtin));
}

/* ---- a test algorithm that counts its calls in priv[] ---- */
enum { CALL_INIT, CALL_SSTHRESH, CALL_CONG_AVOID, CALL_UNDO, CALL_STATE, CALL_EVENT, CALL_ACKED };

static void t_init(struct tcp_cc *cc)
{
	/* cwnd and ssthresh are set before init runs. */
	g_assert_cmpuint(cc->cwnd, ==, 4 * SMSS);
	g_assert_cmpuint(cc->ssthresh, ==, TCP_CC_INFINITE);
	cc->priv[CALL_INIT]++;
}
static uint32_t t_ssthresh(struct tcp_cc *cc)
{
	cc->priv[CALL_SSTHRESH]++;
	cc->priv[8] = cc->cwnd_cnt;     /* as the hook sees it */
	cc->priv[9] = cc->rto_streak;
	return 3 * SMSS;
}
static void t_cong_avoid(struct tcp_cc *cc, const struct tcp_cc_ack *ack)
{
	cc->priv[CALL_CONG_AVOID]++;
	cc->priv[10] = ack->acked;
}
static uint32_t t_undo(struct tcp_cc *cc)
{
	cc->priv[CALL_UNDO]++;
	return 7 * SMSS;
}
static void t_state(struct tcp_cc *cc, enum tcp_ca_state s)
{
	cc->priv[CALL_STATE]++;
	cc->priv[11] = (uint64_t)cc->ca_state << 8 | (uint64_t)s; /* old, new */
}
static void t_event(struct tcp_cc *cc, enum tcp_ca_event ev)
{
	cc->priv[CALL_EVENT]++;
	cc->priv[12] = ev;
}
static void t_acked(struct tcp_cc *cc, const struct tcp_cc_sample *s)
{
	cc->priv[CALL_ACKED]++;
	cc->priv[13] = s->pkts_acked;
}
static void t_zero_cwnd(struct tcp_cc *cc, const struct tcp_cc_ack *ack)
{
	(void)ack;
	cc->cwnd = 0;
}

static const struct tcp_cc_ops full_ops = {
	.name = "test",
	.recovery = TCP_CC_RECOVERY_NEWRENO,
	.init = t_init,
	.ssthresh = t_ssthresh,
	.cong_avoid = t_cong_avoid,
	.undo_cwnd = t_undo,
	.set_state = t_state,
	.cwnd_event = t_event,
	.pkts_acked = t_acked,
};

static void test_validate(void)
{
	struct tcp_cc_ops ops;

	g_assert_cmpint(tcp_cc_validate(&full_ops), ==, 0);
	g_assert_cmpint(tcp_cc_validate(NULL), ==, -EINVAL);

	/* Each required member missing → rejected (Linux requires ssthresh,
	 * undo_cwnd and cong_avoid). */
	ops = full_ops;
	ops.name = NULL;
	g_assert_cmpint(tcp_cc_validate(&ops), ==, -EINVAL);
	ops = full_ops;
	ops.name = "";
	g_assert_cmpint(tcp_cc_validate(&ops), ==, -EINVAL);
	ops = full_ops;
	ops.ssthresh = NULL;
	g_assert_cmpint(tcp_cc_validate(&ops), ==, -EINVAL);
	ops = full_ops;
	ops.cong_avoid = NULL;
	g_assert_cmpint(tcp_cc_validate(&ops), ==, -EINVAL);
	ops = full_ops;
	ops.undo_cwnd = NULL;
	g_assert_cmpint(tcp_cc_validate(&ops), ==, -EINVAL);
	ops = full_ops;
	ops.recovery = (enum tcp_cc_recovery)7;
	g_assert_cmpint(tcp_cc_validate(&ops), ==, -EINVAL);

	/* The optional hooks may all be missing. */
	ops = full_ops;
	ops.init = NULL;
	ops.set_state = NULL;
	ops.cwnd_event = NULL;
	ops.pkts_acked = NULL;
	g_assert_cmpint(tcp_cc_validate(&ops), ==, 0);
	ops.recovery = TCP_CC_RECOVERY_RENO;
	g_assert_cmpint(tcp_cc_validate(&ops), ==, 0);
}

static void test_config_default(void)
{
	struct tcp_cc_config cfg;

	memset(&cfg, 0xa5, sizeof cfg);
	tcp_cc_config_default(&cfg);
	g_assert_cmpint(cfg.growth, ==, TCP_CC_GROWTH_BYTES);
	g_assert_cmpuint(cfg.abc_l_segments, ==, 2);
	/* CUBIC's own parameters live with CUBIC (RFC 9438 §4.6, §5). */
	g_assert_cmpuint(tcp_cc_cubic_defaults.beta_permille, ==, 700);
	g_assert_cmpuint(tcp_cc_cubic_defaults.c_permille, ==, 400);
	g_assert_true(tcp_cc_cubic_defaults.fast_convergence);
	g_assert_true(tcp_cc_cubic_defaults.reno_friendly);
}

static void test_init(void)
{
	struct tcp_cc cc;
	struct tcp_cc_config cfg;

	tcp_cc_config_default(&cfg);
	memset(&cc, 0x5a, sizeof cc);
	tcp_cc_init(&cc, &full_ops, &cfg, NULL, SMSS, 4 * SMSS, false);
	g_assert_true(cc.ops == &full_ops);
	g_assert_true(cc.cfg == &cfg);
	g_assert_cmpuint(cc.mss, ==, SMSS);
	g_assert_cmpuint(cc.cwnd, ==, 4 * SMSS);
	g_assert_cmpuint(cc.ssthresh, ==, TCP_CC_INFINITE);
	g_assert_true(tcp_cc_in_slow_start(&cc));
	g_assert_cmpuint(cc.cwnd_cnt, ==, 0);
	g_assert_cmpuint(cc.rto_streak, ==, 0);
	g_assert_cmpuint(cc.flight, ==, 0);
	g_assert_cmpint(cc.now, ==, 0);
	g_assert_cmpint(cc.srtt, ==, 0);
	g_assert_cmpint(cc.min_rtt, ==, 0);
	/* Private state zeroed, then init ran once. */
	g_assert_cmpuint(cc.priv[CALL_INIT], ==, 1);
	for (size_t i = 1; i < G_N_ELEMENTS(cc.priv); i++)
		g_assert_cmpuint(cc.priv[i], ==, 0);

	/* No configuration: the defaults. */
	tcp_cc_init(&cc, tcp_cc_find("reno"), NULL, NULL, 536, 3 * 536, false);
	g_assert_nonnull(cc.cfg);
	g_assert_cmpint(cc.cfg->growth, ==, TCP_CC_GROWTH_BYTES);
	g_assert_cmpuint(cc.cfg->abc_l_segments, ==, 2);
	g_assert_cmpuint(cc.cwnd, ==, 3 * 536);
}

static void test_init_bad_window(void)
{
	if (g_test_subprocess()) {
		struct tcp_cc cc;
		tcp_cc_init(&cc, &tcp_cc_reno, NULL, NULL, SMSS, SMSS - 1, false);
		return;
	}
	g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
	g_test_trap_assert_failed();
	g_test_trap_assert_stderr("*initial window*");
}

static void test_init_bad_ops(void)
{
	if (g_test_subprocess()) {
		struct tcp_cc cc;
		struct tcp_cc_ops ops = full_ops;
		ops.undo_cwnd = NULL;
		tcp_cc_init(&cc, &ops, NULL, NULL, SMSS, SMSS, false);
		return;
	}
	g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
	g_test_trap_assert_failed();
	g_test_trap_assert_stderr("*invalid ops*");
}

/* The wrappers call each hook once and skip missing optional ones; set_state sees
 * the old state and records the new one. */
static void test_hooks(void)
{
	struct tcp_cc cc;
	struct tcp_cc_ops ops = full_ops;
	struct tcp_cc_ack ack = { .acked = SMSS, .cwnd_limited = true };
	struct tcp_cc_sample smp = { .pkts_acked = 3, .rtt = SIM_MS(5) };

	tcp_cc_init(&cc, &full_ops, NULL, NULL, SMSS, 4 * SMSS, false);
	g_assert_cmpint(cc.ca_state, ==, TCP_CA_OPEN);
	tcp_cc_cong_avoid(&cc, &ack);
	g_assert_cmpuint(cc.priv[CALL_CONG_AVOID], ==, 1);
	g_assert_cmpuint(cc.priv[10], ==, SMSS);
	g_assert_cmpuint(tcp_cc_ssthresh(&cc), ==, 3 * SMSS);
	g_assert_cmpuint(tcp_cc_undo_cwnd(&cc), ==, 7 * SMSS);
	tcp_cc_set_state(&cc, TCP_CA_RECOVERY);
	g_assert_cmpuint(cc.priv[11], ==, TCP_CA_OPEN << 8 | TCP_CA_RECOVERY);
	g_assert_cmpint(cc.ca_state, ==, TCP_CA_RECOVERY);
	tcp_cc_cwnd_event(&cc, TCP_CA_EVENT_TX_START);
	g_assert_cmpuint(cc.priv[12], ==, TCP_CA_EVENT_TX_START);
	tcp_cc_pkts_acked(&cc, &smp);
	g_assert_cmpuint(cc.priv[13], ==, 3);
	for (int i = CALL_SSTHRESH; i <= CALL_ACKED; i++)
		g_assert_cmpuint(cc.priv[i], ==, 1);

	/* Missing optional hooks: the wrappers do nothing but record the state. */
	ops.init = NULL;
	ops.set_state = NULL;
	ops.cwnd_event = NULL;
	ops.pkts_acked = NULL;
	tcp_cc_init(&cc, &ops, NULL, NULL, SMSS, 4 * SMSS, false);
	tcp_cc_set_state(&cc, TCP_CA_LOSS);
	g_assert_cmpint(cc.ca_state, ==, TCP_CA_LOSS);
	tcp_cc_cwnd_event(&cc, TCP_CA_EVENT_LOSS);
	tcp_cc_pkts_acked(&cc, &smp);
	for (size_t i = 0; i < G_N_ELEMENTS(cc.priv); i++)
		g_assert_cmpuint(cc.priv[i], ==, 0);

	/* ssthresh is never below two segments, whatever the algorithm returns. */
	tcp_cc_init(&cc, &tcp_cc_reno, NULL, NULL, SMSS, 1, true);
	g_assert_true(cc.packets);
	g_assert_cmpuint(tcp_cc_ssthresh(&cc), ==, 2);
}

/* The RFC recoveries' rules keep the shared counters: cwnd_cnt cleared on loss and
 * RTO before the algorithm's ssthresh runs; rto_streak counts timeouts in a row; the
 * ca_state follows Open → Recovery → Open, and Loss after a timeout. */
static void test_rfc_rules(void)
{
	struct tcp_cc cc;
	struct tcp_cc_ack ack = { .acked = SMSS, .cwnd_limited = true };

	tcp_cc_init(&cc, &full_ops, NULL, NULL, SMSS, 4 * SMSS, false);
	cc.cwnd_cnt = 999;
	tcp_cc_on_loss(&cc);
	g_assert_cmpuint(cc.priv[8], ==, 0);
	g_assert_cmpuint(cc.ssthresh, ==, 3 * SMSS);
	g_assert_cmpuint(cc.cwnd, ==, 6 * SMSS);
	g_assert_cmpint(cc.ca_state, ==, TCP_CA_RECOVERY);
	tcp_cc_on_dupack(&cc);
	g_assert_cmpuint(cc.cwnd, ==, 7 * SMSS);
	tcp_cc_on_partial_ack(&cc, 2 * SMSS); /* NewReno: deflate, add one back */
	g_assert_cmpuint(cc.cwnd, ==, 6 * SMSS);
	cc.flight = 2 * SMSS;
	tcp_cc_on_recovery_exit(&cc); /* option 1: min(ssthresh, flight + SMSS) */
	g_assert_cmpuint(cc.cwnd, ==, 3 * SMSS);
	g_assert_cmpint(cc.ca_state, ==, TCP_CA_OPEN);

	/* rto_streak: 0 in the first timeout's ssthresh, 1 in a repeated one (which
	 * keeps ssthresh: the algorithm is not asked); reset by an ACK of new data, a
	 * partial ACK, or the end of recovery. */
	uint64_t asked = cc.priv[CALL_SSTHRESH];
	cc.cwnd_cnt = 999;
	tcp_cc_on_rto(&cc);
	g_assert_cmpuint(cc.priv[CALL_SSTHRESH], ==, asked + 1);
	g_assert_cmpuint(cc.priv[9], ==, 0);
	g_assert_cmpuint(cc.priv[8], ==, 0);
	g_assert_cmpuint(cc.cwnd, ==, SMSS);
	g_assert_cmpint(cc.ca_state, ==, TCP_CA_LOSS);
	tcp_cc_on_rto(&cc);
	g_assert_cmpuint(cc.priv[CALL_SSTHRESH], ==, asked + 1);
	g_assert_cmpuint(cc.rto_streak, ==, 2);
	tcp_cc_on_ack(&cc, &ack);
	g_assert_cmpuint(cc.rto_streak, ==, 0);
	g_assert_cmpint(cc.ca_state, ==, TCP_CA_OPEN);
	tcp_cc_on_rto(&cc);
	g_assert_cmpuint(cc.rto_streak, ==, 1);
	tcp_cc_on_partial_ack(&cc, SMSS);
	g_assert_cmpuint(cc.rto_streak, ==, 0);
	tcp_cc_on_rto(&cc);
	tcp_cc_on_recovery_exit(&cc);
	g_assert_cmpuint(cc.rto_streak, ==, 0);

	/* A timeout inside fast recovery keeps ssthresh (the default,
	 * rto_keeps_recovery_ssthresh, Linux tcp_enter_loss). */
	tcp_cc_on_loss(&cc);
	asked = cc.priv[CALL_SSTHRESH];
	tcp_cc_on_rto(&cc);
	g_assert_cmpuint(cc.priv[CALL_SSTHRESH], ==, asked);
}

/* An algorithm that breaks the cwnd >= SMSS invariant is stopped with a message. */
static void test_invariant(void)
{
	if (g_test_subprocess()) {
		struct tcp_cc cc;
		struct tcp_cc_ops ops = full_ops;
		struct tcp_cc_ack ack = { .acked = SMSS, .cwnd_limited = true };
		ops.init = NULL;
		ops.cong_avoid = t_zero_cwnd;
		tcp_cc_init(&cc, &ops, NULL, NULL, SMSS, 4 * SMSS, false);
		tcp_cc_cong_avoid(&cc, &ack);
		return;
	}
	g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
	g_test_trap_assert_failed();
	g_test_trap_assert_stderr("*test.cong_avoid left cwnd 0*");
}

/* ---- the shared helpers, directly ---- */

static void test_helper_slow_start(void)
{
	struct tcp_cc cc;
	struct tcp_cc_config cfg;

	cct_setup(&cc, &cfg, "reno", TCP_CC_GROWTH_BYTES, 10);
	/* Below ssthresh: min(acked, 2·SMSS) added, nothing left over. */
	g_assert_cmpuint(tcp_cc_slow_start(&cc, 3 * SMSS), ==, 0);
	g_assert_cmpuint(cc.cwnd, ==, 12 * SMSS);
	/* Reaching ssthresh: capped there; the rest of the ACK is returned. */
	cc.ssthresh = 12 * SMSS + 100;
	g_assert_cmpuint(tcp_cc_slow_start(&cc, SMSS), ==, SMSS - 100);
	g_assert_cmpuint(cc.cwnd, ==, 12 * SMSS + 100);
	/* Exactly reaching ssthresh leaves nothing over. */
	cc.cwnd = 11 * SMSS;
	cc.ssthresh = 12 * SMSS;
	g_assert_cmpuint(tcp_cc_slow_start(&cc, SMSS), ==, 0);
	g_assert_cmpuint(cc.cwnd, ==, 12 * SMSS);
	/* Not in slow start: everything is left for congestion avoidance. */
	g_assert_cmpuint(tcp_cc_slow_start(&cc, 5000), ==, 5000);
	g_assert_cmpuint(cc.cwnd, ==, 12 * SMSS);
	/* L·SMSS cap: the leftover counts from the capped growth (ssthresh reached by
	 * 2·SMSS of a 3·SMSS stretch ACK leaves one SMSS). */
	cc.cwnd = 10 * SMSS;
	g_assert_cmpuint(tcp_cc_slow_start(&cc, 3 * SMSS), ==, SMSS);
	g_assert_cmpuint(cc.cwnd, ==, 12 * SMSS);
	/* Growth saturates instead of wrapping. */
	cc.ssthresh = TCP_CC_INFINITE;
	cc.cwnd = TCP_CC_CWND_MAX - 100;
	g_assert_cmpuint(tcp_cc_slow_start(&cc, SMSS), ==, 0);
	g_assert_cmpuint(cc.cwnd, ==, TCP_CC_CWND_MAX);
}

static void test_helper_ai(void)
{
	struct tcp_cc cc;
	struct tcp_cc_config cfg;

	cct_setup(&cc, &cfg, "reno", TCP_CC_GROWTH_BYTES, 10);
	cct_set_ca(&cc, 10);
	/* One SMSS per w bytes, w chosen by the caller (CUBIC passes w != cwnd). */
	tcp_cc_cong_avoid_ai(&cc, 3000, 2999);
	g_assert_cmpuint(cc.cwnd, ==, 10 * SMSS);
	g_assert_cmpuint(cc.cwnd_cnt, ==, 2999);
	tcp_cc_cong_avoid_ai(&cc, 3000, 1);
	g_assert_cmpuint(cc.cwnd, ==, 11 * SMSS);
	g_assert_cmpuint(cc.cwnd_cnt, ==, 0);
	/* An ACK worth several w adds several SMSS. */
	tcp_cc_cong_avoid_ai(&cc, 3000, 9500);
	g_assert_cmpuint(cc.cwnd, ==, 14 * SMSS);
	g_assert_cmpuint(cc.cwnd_cnt, ==, 500);
	tcp_cc_cong_avoid_ai(&cc, 3000, 0);
	g_assert_cmpuint(cc.cwnd, ==, 14 * SMSS);

	/* Per ACK: SMSS·SMSS/w whatever was acknowledged, at least one byte. */
	cfg.growth = TCP_CC_GROWTH_PER_ACK;
	cc.cwnd = 10000;
	tcp_cc_cong_avoid_ai(&cc, 3000, 1);
	g_assert_cmpuint(cc.cwnd, ==, 10000 + SMSS * SMSS / 3000);
	tcp_cc_cong_avoid_ai(&cc, 3000000, 50000);
	g_assert_cmpuint(cc.cwnd, ==, 10000 + SMSS * SMSS / 3000 + 1);
}

static void test_helper_reno_ssthresh(void)
{
	struct tcp_cc cc;
	struct tcp_cc_config cfg;

	cct_setup(&cc, &cfg, "reno", TCP_CC_GROWTH_BYTES, 10);
	cc.flight = 20 * SMSS;
	g_assert_cmpuint(tcp_cc_reno_ssthresh(&cc), ==, 10 * SMSS);
	cc.flight = 20 * SMSS + 1;
	g_assert_cmpuint(tcp_cc_reno_ssthresh(&cc), ==, 10 * SMSS);
	cc.flight = 4 * SMSS;
	g_assert_cmpuint(tcp_cc_reno_ssthresh(&cc), ==, 2 * SMSS);
	cc.flight = 3 * SMSS;
	g_assert_cmpuint(tcp_cc_reno_ssthresh(&cc), ==, 2 * SMSS);
	cc.flight = 0;
	g_assert_cmpuint(tcp_cc_reno_ssthresh(&cc), ==, 2 * SMSS);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/cc/registry/find", test_find);
	g_test_add_func("/cc/registry/names", test_names);
	g_test_add_func("/cc/registry/validate", test_validate);
	g_test_add_func("/cc/registry/config_default", test_config_default);
	g_test_add_func("/cc/init/state", test_init);
	g_test_add_func("/cc/init/bad_window", test_init_bad_window);
	g_test_add_func("/cc/init/bad_ops", test_init_bad_ops);
	g_test_add_func("/cc/wrappers/hooks", test_hooks);
	g_test_add_func("/cc/wrappers/rfc_rules", test_rfc_rules);
	g_test_add_func("/cc/wrappers/cwnd_invariant", test_invariant);
	g_test_add_func("/cc/helpers/slow_start", test_helper_slow_start);
	g_test_add_func("/cc/helpers/cong_avoid_ai", test_helper_ai);
	g_test_add_func("/cc/helpers/reno_ssthresh", test_helper_reno_ssthresh);
	return g_test_run();
}

/* tests/cc/test_cc_registry.c — the registry (find, names, validate), tcp_cc_init,
 * the wrappers (optional hooks NULL-checked, shared counters, the cwnd invariant)
 * and the shared helpers in isolation. */
#include <errno.h>
#include <string.h>

#include "models/tcp/cc_cubic.h"
#include "tests/cc/cc_test.h"

/* The algorithms netsim ships, in registry order. */
static const char *const builtin[] = { "reno", "newreno", "cubic" };

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
enum { CALL_INIT, CALL_ACK, CALL_LOSS, CALL_DUPACK, CALL_PARTIAL, CALL_EXIT, CALL_RTO };

static void t_init(struct tcp_cc *cc)
{
	/* cwnd and ssthresh are set before init runs. */
	g_assert_cmpuint(cc->cwnd, ==, 4 * SMSS);
	g_assert_cmpuint(cc->ssthresh, ==, TCP_CC_INFINITE);
	cc->priv[CALL_INIT]++;
}
static void t_ack(struct tcp_cc *cc, const struct tcp_cc_ack *ack)
{
	cc->priv[CALL_ACK]++;
	cc->priv[8] = cc->rto_streak;
	(void)ack;
}
static void t_loss(struct tcp_cc *cc)
{
	cc->priv[CALL_LOSS]++;
	cc->priv[9] = cc->bytes_acked;
}
static void t_dupack(struct tcp_cc *cc) { cc->priv[CALL_DUPACK]++; }
static void t_partial(struct tcp_cc *cc, uint32_t acked)
{
	cc->priv[CALL_PARTIAL]++;
	cc->priv[10] = acked;
}
static void t_exit(struct tcp_cc *cc) { cc->priv[CALL_EXIT]++; }
static void t_rto(struct tcp_cc *cc)
{
	cc->priv[CALL_RTO]++;
	cc->priv[11] = cc->rto_streak; /* as the hook sees it */
	cc->priv[12] = cc->bytes_acked;
}
static void t_zero_cwnd(struct tcp_cc *cc) { cc->cwnd = 0; }

static const struct tcp_cc_ops full_ops = {
	.name = "test",
	.recovery = TCP_CC_RECOVERY_NEWRENO,
	.init = t_init,
	.on_ack = t_ack,
	.on_loss = t_loss,
	.on_dupack = t_dupack,
	.on_partial_ack = t_partial,
	.on_recovery_exit = t_exit,
	.on_rto = t_rto,
};

static void test_validate(void)
{
	struct tcp_cc_ops ops;

	g_assert_cmpint(tcp_cc_validate(&full_ops), ==, 0);
	g_assert_cmpint(tcp_cc_validate(NULL), ==, -EINVAL);

	/* Each required member missing → rejected. */
	ops = full_ops;
	ops.name = NULL;
	g_assert_cmpint(tcp_cc_validate(&ops), ==, -EINVAL);
	ops = full_ops;
	ops.name = "";
	g_assert_cmpint(tcp_cc_validate(&ops), ==, -EINVAL);
	ops = full_ops;
	ops.on_ack = NULL;
	g_assert_cmpint(tcp_cc_validate(&ops), ==, -EINVAL);
	ops = full_ops;
	ops.on_loss = NULL;
	g_assert_cmpint(tcp_cc_validate(&ops), ==, -EINVAL);
	ops = full_ops;
	ops.on_recovery_exit = NULL;
	g_assert_cmpint(tcp_cc_validate(&ops), ==, -EINVAL);
	ops = full_ops;
	ops.on_rto = NULL;
	g_assert_cmpint(tcp_cc_validate(&ops), ==, -EINVAL);
	ops = full_ops;
	ops.recovery = (enum tcp_cc_recovery)7;
	g_assert_cmpint(tcp_cc_validate(&ops), ==, -EINVAL);

	/* The optional hooks may all be missing. */
	ops = full_ops;
	ops.init = NULL;
	ops.on_dupack = NULL;
	ops.on_partial_ack = NULL;
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
	tcp_cc_init(&cc, &full_ops, &cfg, NULL, SMSS, 4 * SMSS);
	g_assert_true(cc.ops == &full_ops);
	g_assert_true(cc.cfg == &cfg);
	g_assert_cmpuint(cc.mss, ==, SMSS);
	g_assert_cmpuint(cc.cwnd, ==, 4 * SMSS);
	g_assert_cmpuint(cc.ssthresh, ==, TCP_CC_INFINITE);
	g_assert_true(tcp_cc_in_slow_start(&cc));
	g_assert_cmpuint(cc.bytes_acked, ==, 0);
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
	tcp_cc_init(&cc, tcp_cc_find("reno"), NULL, NULL, 536, 3 * 536);
	g_assert_nonnull(cc.cfg);
	g_assert_cmpint(cc.cfg->growth, ==, TCP_CC_GROWTH_BYTES);
	g_assert_cmpuint(cc.cfg->abc_l_segments, ==, 2);
	g_assert_cmpuint(cc.cwnd, ==, 3 * 536);
}

static void test_init_bad_window(void)
{
	if (g_test_subprocess()) {
		struct tcp_cc cc;
		tcp_cc_init(&cc, &tcp_cc_reno, NULL, NULL, SMSS, SMSS - 1);
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
		ops.on_rto = NULL;
		tcp_cc_init(&cc, &ops, NULL, NULL, SMSS, SMSS);
		return;
	}
	g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
	g_test_trap_assert_failed();
	g_test_trap_assert_stderr("*invalid ops*");
}

/* The wrappers call each hook once, skip missing optional hooks, and keep the
 * shared counters (bytes_acked cleared on loss and RTO; rto_streak). */
static void test_wrappers(void)
{
	struct tcp_cc cc;
	struct tcp_cc_ops ops = full_ops;
	struct tcp_cc_ack ack = { .acked = SMSS, .cwnd_limited = true };

	tcp_cc_init(&cc, &full_ops, NULL, NULL, SMSS, 4 * SMSS);
	tcp_cc_on_ack(&cc, &ack);
	tcp_cc_on_dupack(&cc);
	tcp_cc_on_partial_ack(&cc, 1234);
	tcp_cc_on_recovery_exit(&cc);
	g_assert_cmpuint(cc.priv[CALL_ACK], ==, 1);
	g_assert_cmpuint(cc.priv[CALL_DUPACK], ==, 1);
	g_assert_cmpuint(cc.priv[CALL_PARTIAL], ==, 1);
	g_assert_cmpuint(cc.priv[10], ==, 1234);
	g_assert_cmpuint(cc.priv[CALL_EXIT], ==, 1);

	cc.bytes_acked = 999;
	tcp_cc_on_loss(&cc);
	g_assert_cmpuint(cc.priv[CALL_LOSS], ==, 1);
	g_assert_cmpuint(cc.priv[9], ==, 0); /* cleared before the hook */
	g_assert_cmpuint(cc.bytes_acked, ==, 0);

	/* rto_streak: 0 in the first timeout's hook, 1 in a repeated one; reset by
	 * an ACK of new data, a partial ACK, or the end of recovery. */
	cc.bytes_acked = 999;
	tcp_cc_on_rto(&cc);
	g_assert_cmpuint(cc.priv[11], ==, 0);
	g_assert_cmpuint(cc.priv[12], ==, 0);
	tcp_cc_on_rto(&cc);
	g_assert_cmpuint(cc.priv[11], ==, 1);
	g_assert_cmpuint(cc.rto_streak, ==, 2);
	tcp_cc_on_ack(&cc, &ack);
	g_assert_cmpuint(cc.priv[8], ==, 0);
	g_assert_cmpuint(cc.rto_streak, ==, 0);
	tcp_cc_on_rto(&cc);
	g_assert_cmpuint(cc.rto_streak, ==, 1);
	tcp_cc_on_partial_ack(&cc, SMSS);
	g_assert_cmpuint(cc.rto_streak, ==, 0);
	tcp_cc_on_rto(&cc);
	tcp_cc_on_recovery_exit(&cc);
	g_assert_cmpuint(cc.rto_streak, ==, 0);
	g_assert_cmpuint(cc.priv[CALL_RTO], ==, 4);

	/* Missing optional hooks: the wrappers do nothing. */
	ops.init = NULL;
	ops.on_dupack = NULL;
	ops.on_partial_ack = NULL;
	tcp_cc_init(&cc, &ops, NULL, NULL, SMSS, 4 * SMSS);
	tcp_cc_on_dupack(&cc);
	tcp_cc_on_partial_ack(&cc, SMSS);
	g_assert_cmpuint(cc.cwnd, ==, 4 * SMSS);
	for (size_t i = 0; i < G_N_ELEMENTS(cc.priv); i++)
		g_assert_cmpuint(cc.priv[i], ==, 0);
}

/* An algorithm that breaks the cwnd >= SMSS invariant is stopped with a message. */
static void test_invariant(void)
{
	if (g_test_subprocess()) {
		struct tcp_cc cc;
		struct tcp_cc_ops ops = full_ops;
		ops.init = NULL;
		ops.on_loss = t_zero_cwnd;
		tcp_cc_init(&cc, &ops, NULL, NULL, SMSS, 4 * SMSS);
		tcp_cc_on_loss(&cc);
		return;
	}
	g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
	g_test_trap_assert_failed();
	g_test_trap_assert_stderr("*test.on_loss left cwnd 0*");
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
	g_assert_cmpuint(cc.bytes_acked, ==, 2999);
	tcp_cc_cong_avoid_ai(&cc, 3000, 1);
	g_assert_cmpuint(cc.cwnd, ==, 11 * SMSS);
	g_assert_cmpuint(cc.bytes_acked, ==, 0);
	/* An ACK worth several w adds several SMSS. */
	tcp_cc_cong_avoid_ai(&cc, 3000, 9500);
	g_assert_cmpuint(cc.cwnd, ==, 14 * SMSS);
	g_assert_cmpuint(cc.bytes_acked, ==, 500);
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
	g_test_add_func("/cc/wrappers/hooks_and_counters", test_wrappers);
	g_test_add_func("/cc/wrappers/cwnd_invariant", test_invariant);
	g_test_add_func("/cc/helpers/slow_start", test_helper_slow_start);
	g_test_add_func("/cc/helpers/cong_avoid_ai", test_helper_ai);
	g_test_add_func("/cc/helpers/reno_ssthresh", test_helper_reno_ssthresh);
	return g_test_run();
}

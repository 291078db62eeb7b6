/* tests/cc/cc_test.h — helpers shared by the congestion-control tests: set up an
 * algorithm by name and feed it synthetic ACKs through the tcp_cc_* wrappers, the
 * way TCP does. Expected values are always computed in the tests themselves. */
#ifndef TESTS_CC_CC_TEST_H
#define TESTS_CC_CC_TEST_H

#include <glib.h>

#include "models/tcp/cc.h"

#define SMSS 1460u

/* Sets up *cc running `name` with the default configuration except `growth`,
 * SMSS = 1460 and an initial window of iw_segments·SMSS. */
static inline void cct_setup(struct tcp_cc *cc, struct tcp_cc_config *cfg, const char *name,
			     enum tcp_cc_growth growth, uint32_t iw_segments)
{
	const struct tcp_cc_ops *ops = tcp_cc_find(name);

	g_assert_nonnull(ops);
	tcp_cc_config_default(cfg);
	cfg->growth = growth;
	tcp_cc_init(cc, ops, cfg, NULL, SMSS, iw_segments * SMSS, false);
}

/* An ACK of `acked` new bytes outside recovery. */
static inline void cct_ack2(struct tcp_cc *cc, uint32_t acked, bool cwnd_limited)
{
	struct tcp_cc_ack ack = { .acked = acked, .rtt = 0, .cwnd_limited = cwnd_limited };

	tcp_cc_on_ack(cc, &ack);
}

static inline void cct_ack(struct tcp_cc *cc, uint32_t acked)
{
	cct_ack2(cc, acked, true);
}

/* Puts cc in congestion avoidance at `segments`·SMSS (cwnd = ssthresh). */
static inline void cct_set_ca(struct tcp_cc *cc, uint32_t segments)
{
	cc->cwnd = segments * SMSS;
	cc->ssthresh = segments * SMSS;
	cc->cwnd_cnt = 0;
}

#endif

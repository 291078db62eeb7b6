/* tests/cc/test_dctcp.c — DCTCP's sender arithmetic (models/tcp/cc_dctcp.c) driven
 * through the tcp_cc_* wrappers: α's moving average with g = 1/16 once per window of
 * data (RFC 8257 §3.3, Linux dctcp_update_alpha), the reduction to cwnd·(1 − α/2)
 * (RFC 8257 §3.3 eqn. 2, Linux dctcp_ssthresh), Reno's halving on loss, undo, and the
 * fallback to Reno without ECN. Expected values are computed here from the formulas:
 * α_{n+1} = α_n − α_n/16 + 1024·F/16, integer as Linux. */
#include <glib.h>

#include "models/tcp/cc_dctcp.h"

static uint32_t alpha_of(const struct tcp_cc *cc)
{
	struct tcp_cc_dctcp_info info;
	tcp_cc_dctcp_get_info(cc, &info);
	return info.alpha;
}

/* A DCTCP sender in packets (recovery linux) with ECN negotiated, cwnd `cwnd`. */
static void setup(struct tcp_cc *cc, uint32_t cwnd)
{
	tcp_cc_init(cc, &tcp_cc_dctcp, NULL, NULL, 1448, cwnd, true);
	cc->ecn_ok = true;
	cc->snd_una = 1000;
	cc->snd_nxt = 1000;
}

/* One window of `pkts` packets, `marked` of them echoed, acknowledged one ACK per
 * packet while the sender keeps the window full: when its last ACK arrives, the next
 * window of pkts is in flight (snd_nxt), so that is where the next one ends. */
static void window(struct tcp_cc *cc, uint32_t pkts, uint32_t marked)
{
	uint32_t start = cc->snd_una;
	if (cc->snd_nxt - start < pkts * 1448)
		cc->snd_nxt = start + pkts * 1448;
	for (uint32_t i = 1; i <= pkts; i++) {
		bool ece = i <= marked;
		cc->delivered++;
		if (ece)
			cc->delivered_ce++;
		cc->snd_una = start + i * 1448;
		if (i == pkts)
			cc->snd_nxt = cc->snd_una + pkts * 1448;
		tcp_cc_in_ack_event(cc, ece);
	}
}

static void test_alpha_ewma(void)
{
	struct tcp_cc cc;
	setup(&cc, 10);
	g_assert_cmpuint(alpha_of(&cc), ==, 1024); /* dctcp_alpha_on_init */
	/* The first ACK closes the first window (nothing was sent before): F = 0 for the
	 * one packet it delivered. */
	cc.snd_nxt = 1000 + 11 * 1448; /* the next 10 packets are out */
	cc.snd_una = 1000 + 1448;
	cc.delivered = 1;
	tcp_cc_in_ack_event(&cc, false);
	uint32_t want = 1024 - 1024 / 16;
	g_assert_cmpuint(alpha_of(&cc), ==, want);
	/* A window with no marks decays α by g; with all marked, adds g. */
	window(&cc, 10, 0);
	want -= want >> 4;
	g_assert_cmpuint(alpha_of(&cc), ==, want);
	window(&cc, 10, 10);
	want = MIN(want - (want >> 4) + 64u, 1024u);
	g_assert_cmpuint(alpha_of(&cc), ==, want);
	/* F = 3/10: + (3 << 6) / 10 = 19. */
	window(&cc, 10, 3);
	want = want - (want >> 4) + (3u << 6) / 10u;
	g_assert_cmpuint(alpha_of(&cc), ==, want);
	/* Inside a window nothing changes: an ACK below next_seq. */
	cc.snd_una += 1448;
	cc.delivered++;
	cc.delivered_ce++;
	tcp_cc_in_ack_event(&cc, true);
	g_assert_cmpuint(alpha_of(&cc), ==, want);
}

static void test_alpha_converges(void)
{
	/* A constant fraction F: α → 1024·F (the fixed point of the average), within
	 * the integer rounding (α/16 rounds down, so α settles a little above). */
	struct tcp_cc cc;
	setup(&cc, 10);
	for (int i = 0; i < 300; i++)
		window(&cc, 20, 5); /* F = 1/4 */
	g_assert_cmpuint(alpha_of(&cc), >=, 256);
	g_assert_cmpuint(alpha_of(&cc), <=, 256 + 16);
	/* No marks: α decays to exactly 0 (Linux: α − max(α/16, α when α/16 is 0)). */
	for (int i = 0; i < 200; i++)
		window(&cc, 20, 0);
	g_assert_cmpuint(alpha_of(&cc), ==, 0);
}

static void test_ssthresh(void)
{
	struct tcp_cc cc;
	setup(&cc, 100);
	/* α = 1: halve. */
	g_assert_cmpuint(tcp_cc_ssthresh(&cc), ==, 50);
	/* α = 0.25 (256): 100 − 100·256/2048 = 100 − 12 = 88. */
	for (int i = 0; i < 300; i++)
		window(&cc, 20, 5);
	uint32_t a = alpha_of(&cc);
	g_assert_cmpuint(tcp_cc_ssthresh(&cc), ==, 100 - ((100 * a) >> 11));
	/* Never below 2 packets. */
	cc.cwnd = 2;
	g_assert_cmpuint(tcp_cc_ssthresh(&cc), ==, 2);
	/* In bytes, never below 2 SMSS. */
	struct tcp_cc b;
	tcp_cc_init(&b, &tcp_cc_dctcp, NULL, NULL, 1448, 3 * 1448, false);
	b.ecn_ok = true;
	g_assert_cmpuint(tcp_cc_ssthresh(&b), ==, 2 * 1448);
}

static void test_loss_and_undo(void)
{
	/* Entering recovery halves (dctcp_react_to_loss) whatever α; a timeout too
	 * (CA_EVENT_LOSS); undo goes back to the window before. */
	struct tcp_cc cc;
	setup(&cc, 40);
	window(&cc, 40, 0);
	uint32_t st = tcp_cc_ssthresh(&cc); /* what TCP asks first */
	g_assert_cmpuint(st, <, 40);
	g_assert_cmpuint(st, >, 20);
	cc.ssthresh = st;
	tcp_cc_set_state(&cc, TCP_CA_RECOVERY);
	g_assert_cmpuint(cc.ssthresh, ==, 20);
	cc.cwnd = 20;
	g_assert_cmpuint(tcp_cc_undo_cwnd(&cc), ==, 40);
	tcp_cc_set_state(&cc, TCP_CA_OPEN);
	cc.cwnd = 30;
	tcp_cc_cwnd_event(&cc, TCP_CA_EVENT_LOSS);
	g_assert_cmpuint(cc.ssthresh, ==, 15);
}

static void test_fallback_reno(void)
{
	/* Without ECN: Reno's ssthresh and undo, α untouched. */
	struct tcp_cc cc;
	setup(&cc, 40);
	cc.ecn_ok = false;
	window(&cc, 40, 40);
	g_assert_cmpuint(alpha_of(&cc), ==, 1024);
	g_assert_cmpuint(tcp_cc_ssthresh(&cc), ==, 20);
	cc.prior_cwnd = 40;
	cc.cwnd = 20;
	g_assert_cmpuint(tcp_cc_undo_cwnd(&cc), ==, 40);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/cc/dctcp/alpha_ewma", test_alpha_ewma);
	g_test_add_func("/cc/dctcp/alpha_converges", test_alpha_converges);
	g_test_add_func("/cc/dctcp/ssthresh", test_ssthresh);
	g_test_add_func("/cc/dctcp/loss_and_undo", test_loss_and_undo);
	g_test_add_func("/cc/dctcp/fallback_reno", test_fallback_reno);
	return g_test_run();
}

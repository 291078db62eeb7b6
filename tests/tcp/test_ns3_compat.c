/* tests/tcp/test_ns3_compat.c — the two knobs that reproduce ns-3's NewReno where the
 * RFCs leave a choice (models/tcp/tcp.h, docs/performance.md):
 *   loss_flightsize = pipe     FlightSize at the third duplicate ACK discounts one
 *                              segment per duplicate ACK (ns-3's emulated SACK);
 *   recovery_exit = ssthresh   the full ACK sets cwnd = ssthresh (RFC 6582 option 2).
 * A runs NewReno on the fake wire (tests/tcp/wire.h); the test plays the peer with
 * exact duplicate and full ACKs and reads the congestion state. */
#include <glib.h>
#include <string.h>

#include "models/tcp/conn.h"
#include "tests/tcp/wire.h"

#define LPORT 40000
#define RPORT 80
#define ISS 1000u
#define IRS 5000u
#define MSS 1460u

static uint8_t pat[1 << 16];

struct fx {
	struct fw w;
	struct fw_host *a;
	struct tcp_sock *s;
};

static void inject_ack(struct fx *f, uint32_t data_acked)
{
	fw_inject_simple(f->a, RPORT, LPORT, TCP_FLAG_ACK, IRS + 1, ISS + 1 + data_acked, 65535,
			 NULL, 0);
}

/* A connects (newreno, IW 10) with the given knob values and writes 20 segments; the
 * first 10 leave. */
static void fx_open(struct fx *f, const char *flightsize, const char *exit, bool lt)
{
	memset(f, 0, sizeof(*f));
	struct tcp_config cfg;
	tcp_config_defaults(&cfg, TCP_PROFILE_LINUX);
	g_assert_cmpint(tcp_knob_parse(&cfg, tcp_knob_find("cc"), "newreno"), ==, 0);
	g_assert_cmpint(tcp_knob_parse(&cfg, tcp_knob_find("loss_flightsize"), flightsize), ==, 0);
	g_assert_cmpint(tcp_knob_parse(&cfg, tcp_knob_find("recovery_exit"), exit), ==, 0);
	cfg.limited_transmit = lt;
	cfg.recovery = TCP_RECOVERY_NEWRENO; /* the RFC's, whose choices these knobs make */
	fw_init(&f->w, 1, &cfg);
	f->a = &f->w.a;
	f->s = tcp_socket(f->a->stack);
	tcp_sock_set_isn(f->s, ISS);
	g_assert_cmpint(tcp_bind(f->s, IPV4_ANY, LPORT), ==, 0);
	g_assert_cmpint(tcp_connect(f->s, FW_ADDR_B, RPORT), ==, 0);
	fw_run_until(&f->w, SIM_MS(10));
	struct tcp_repr r = { .src_port = RPORT, .dst_port = LPORT, .seq = IRS, .ack = ISS + 1,
			      .flags = TCP_FLAG_SYN | TCP_FLAG_ACK, .window = 65535,
			      .has_mss = true, .mss = MSS };
	fw_inject(f->a, &r, NULL, 0);
	fw_drain(f->a);
	g_assert_cmpint(tcp_send(f->s, pat, 20 * MSS), ==, 20 * MSS);
	g_assert_cmpuint(fw_pending(f->a), ==, 10);
	fw_drain(f->a);
	fw_run_until(&f->w, SIM_MS(30));
}

static void fx_close(struct fx *f)
{
	tcp_abort(f->s);
	fw_fini(&f->w);
}

/* Three duplicate ACKs for segment 1: the fast retransmission, and the ssthresh. */
static uint32_t third_dupack_ssthresh(struct fx *f, guint lt_segments)
{
	inject_ack(f, 0);
	inject_ack(f, 0);
	g_assert_cmpuint(fw_pending(f->a), ==, lt_segments);
	fw_drain(f->a);
	inject_ack(f, 0);
	const struct fw_seg *seg = fw_pop(f->a);
	g_assert_nonnull(seg);
	g_assert_cmpuint(seg->r.seq, ==, ISS + 1); /* the fast retransmission */
	g_assert_true(f->s->flags & TF_IN_RECOVERY);
	g_assert_cmpuint(f->s->cc.cwnd, ==, f->s->cc.ssthresh + 3 * MSS);
	return f->s->cc.ssthresh;
}

/* 12 segments outstanding at the third duplicate ACK (10 + 2 by limited transmit):
 * outstanding counts 10 of them (limited transmit excluded), pipe 12 − 3 = 9. */
static void test_flightsize_pipe_vs_outstanding(void)
{
	struct fx f;
	fx_open(&f, "outstanding", "flight", true);
	g_assert_cmpuint(third_dupack_ssthresh(&f, 2), ==, 5 * MSS);
	fx_close(&f);
	fx_open(&f, "pipe", "flight", true);
	g_assert_cmpuint(third_dupack_ssthresh(&f, 2), ==, 9 * MSS / 2);
	fx_close(&f);
	/* Without limited transmit: 10 outstanding, pipe 10 − 3 = 7. */
	fx_open(&f, "outstanding", "flight", false);
	g_assert_cmpuint(third_dupack_ssthresh(&f, 0), ==, 5 * MSS);
	fx_close(&f);
	fx_open(&f, "pipe", "flight", false);
	g_assert_cmpuint(third_dupack_ssthresh(&f, 0), ==, 7 * MSS / 2);
	fx_close(&f);
}

/* The full ACK covers all 12 segments, leaving nothing outstanding: option 1 gives
 * cwnd = min(ssthresh, max(0, SMSS) + SMSS) = 2 SMSS; option 2 cwnd = ssthresh. */
static void test_recovery_exit(void)
{
	struct fx f;
	fx_open(&f, "outstanding", "flight", true);
	uint32_t ss = third_dupack_ssthresh(&f, 2);
	inject_ack(&f, 12 * MSS);
	g_assert_false(f.s->flags & TF_IN_RECOVERY);
	g_assert_cmpuint(f.s->cc.ssthresh, ==, ss);
	g_assert_cmpuint(f.s->cc.cwnd, ==, 2 * MSS);
	fx_close(&f);
	fx_open(&f, "outstanding", "ssthresh", true);
	ss = third_dupack_ssthresh(&f, 2);
	inject_ack(&f, 12 * MSS);
	g_assert_false(f.s->flags & TF_IN_RECOVERY);
	g_assert_cmpuint(f.s->cc.cwnd, ==, ss);
	fx_close(&f);
}

int main(int argc, char **argv)
{
	for (size_t i = 0; i < sizeof(pat); i++)
		pat[i] = fw_pattern(3, i);
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/tcp/ns3-compat/flightsize-pipe-vs-outstanding",
			test_flightsize_pipe_vs_outstanding);
	g_test_add_func("/tcp/ns3-compat/recovery-exit", test_recovery_exit);
	return g_test_run();
}

/* tests/tcp/test_ecn.c — ECN in TCP (RFC 3168 §6.1) and DCTCP's receiver (RFC 8257
 * §3.2) on exact segments: the negotiation on the SYNs under each `ecn` value, the ECT
 * codepoint of data, pure ACKs and retransmissions, the receiver's echo until CWR, the
 * sender's one reduction per window (Linux's CWR state with PRR; RFC 3168 §6.1.2 under
 * the RFC recoveries), and DCTCP's exact CE echo with delayed ACKs. Host A runs
 * netsim's TCP; the test plays the peer. */
#include <glib.h>
#include <string.h>

#include "models/ip/ecn.h"
#include "models/tcp/cc_dctcp.h"
#include "models/tcp/conn.h"
#include "tests/tcp/wire.h"

#define LPORT 40000
#define RPORT 80
#define ISS 1000u
#define IRS 5000u
#define MSS 1460u

#define ECE TCP_FLAG_ECE
#define CWR TCP_FLAG_CWR
#define ACK TCP_FLAG_ACK
#define SYN TCP_FLAG_SYN
#define PSH TCP_FLAG_PSH

static uint8_t pat[1 << 18];

struct fx {
	struct fw w;
	struct fw_host *a;
	struct tcp_sock *s;
	struct fw_app app;
};

static uint8_t ecn_of(const struct fw_seg *s)
{
	return s->tos & IPV4_ECN_MASK;
}

/* A segment from the peer with the IPv4 ECN codepoint `ecn`. */
static void inject(struct fx *f, uint8_t flags, uint32_t seq, uint32_t ack, uint32_t len,
		   uint8_t ecn)
{
	struct tcp_repr r = { .src_port = RPORT, .dst_port = LPORT, .seq = seq, .ack = ack,
			      .flags = flags, .window = 65535 };
	fw_inject_tos(f->a, &r, pat, len, ecn);
}

/* A (configured by cfg) connects to the peer; returns A's SYN. */
static const struct fw_seg *fx_connect(struct fx *f, const struct tcp_config *cfg)
{
	memset(f, 0, sizeof(*f));
	fw_init(&f->w, 1, cfg);
	f->a = &f->w.a;
	f->s = tcp_socket(f->a->stack);
	tcp_sock_set_isn(f->s, ISS);
	g_assert_cmpint(tcp_bind(f->s, IPV4_ANY, LPORT), ==, 0);
	fw_app_init(&f->app, f->s);
	g_assert_cmpint(tcp_connect(f->s, FW_ADDR_B, RPORT), ==, 0);
	return fw_pop(f->a);
}

/* The peer's SYN-ACK with `flags` added (ECE, CWR); returns A's ACK of it. */
static const struct fw_seg *fx_synack(struct fx *f, uint8_t extra)
{
	fw_run_until(&f->w, SIM_MS(10));
	struct tcp_repr r = { .src_port = RPORT, .dst_port = LPORT, .seq = IRS, .ack = ISS + 1,
			      .flags = SYN | ACK | extra, .window = 65535, .has_mss = true,
			      .mss = MSS };
	fw_inject(f->a, &r, NULL, 0);
	g_assert_cmpstr(tcp_state_name(f->s), ==, "ESTABLISHED");
	return fw_pop(f->a);
}

/* Connects with cfg and the peer's SYN-ACK carrying ECE (an ECN-setup SYN-ACK when A
 * asked). */
static void fx_open(struct fx *f, const struct tcp_config *cfg)
{
	fx_connect(f, cfg);
	fx_synack(f, ECE);
	g_assert_true(f->s->ecn.flags & TCP_ECN_OK);
}

static void fx_close(struct fx *f)
{
	if (f->s)
		tcp_abort(f->s);
	fw_app_fini(&f->app);
	fw_fini(&f->w);
}

static void cfg_linux(struct tcp_config *cfg, uint32_t ecn, const char *cc)
{
	tcp_config_defaults(cfg, TCP_PROFILE_LINUX);
	cfg->ecn = ecn;
	g_strlcpy(cfg->cc, cc, sizeof(cfg->cc));
}

/* A writes n bytes now. */
static void write_n(struct fx *f, uint32_t n)
{
	g_assert_cmpint(tcp_send(f->s, pat, n), ==, (int)n);
}

/* A writes n full segments and they all go (initial window 10); returns snd_nxt. */
static uint32_t send_segments_any(struct fx *f, uint32_t n)
{
	write_n(f, n * MSS);
	for (uint32_t i = 0; i < n; i++)
		g_assert_nonnull(fw_pop(f->a));
	return ISS + 1 + n * MSS;
}

/* ---- negotiation (RFC 3168 §6.1.1) ---- */

static void test_syn_request(void)
{
	/* ecn 1: the SYN asks with ECE and CWR, Not-ECT; an ECN-setup SYN-ACK (ECE, no
	 * CWR) makes the connection ECN-capable; the third ACK has neither flag and is
	 * Not-ECT; data is ECT(0). */
	struct tcp_config cfg;
	cfg_linux(&cfg, TCP_ECN_MODE_ON, "reno");
	struct fx f;
	const struct fw_seg *syn = fx_connect(&f, &cfg);
	g_assert_cmphex(syn->r.flags, ==, SYN | ECE | CWR);
	g_assert_cmpuint(ecn_of(syn), ==, IPV4_ECN_NOT_ECT);
	const struct fw_seg *ack = fx_synack(&f, ECE);
	g_assert_cmphex(ack->r.flags, ==, ACK);
	g_assert_cmpuint(ecn_of(ack), ==, IPV4_ECN_NOT_ECT);
	write_n(&f, 100);
	const struct fw_seg *d = fw_pop(f.a);
	g_assert_cmpuint(d->r.payload_len, ==, 100);
	g_assert_cmphex(d->r.flags & (ECE | CWR), ==, 0);
	g_assert_cmpuint(ecn_of(d), ==, IPV4_ECN_ECT0);
	fx_close(&f);
}

static void test_syn_default_accept_only(void)
{
	/* ecn 2 (Linux's default) and 0: no ECN asked; data Not-ECT even if the peer
	 * answers with ECE. */
	for (uint32_t mode = 0; mode <= 2; mode += 2) {
		struct tcp_config cfg;
		cfg_linux(&cfg, mode, "cubic");
		struct fx f;
		const struct fw_seg *syn = fx_connect(&f, &cfg);
		g_assert_cmphex(syn->r.flags, ==, SYN);
		fx_synack(&f, ECE);
		g_assert_false(f.s->ecn.flags & TCP_ECN_OK);
		write_n(&f, 100);
		g_assert_cmpuint(ecn_of(fw_pop(f.a)), ==, IPV4_ECN_NOT_ECT);
		fx_close(&f);
	}
}

static void test_not_negotiated_ignores_bits(void)
{
	/* Without ECN, an ACK with ECE changes nothing and CE data is not echoed. */
	struct tcp_config cfg;
	cfg_linux(&cfg, TCP_ECN_MODE_ACCEPT, "reno");
	struct fx f;
	fx_connect(&f, &cfg);
	fx_synack(&f, 0);
	f.app.read_all = true;
	fw_app_watch(&f.app, TCP_EV_READABLE, false);
	fw_run_until(&f.w, SIM_MS(20));
	uint32_t high = send_segments_any(&f, 4);
	inject(&f, ACK | ECE, IRS + 1, ISS + 1 + MSS, 0, IPV4_ECN_NOT_ECT);
	g_assert_cmpint(f.s->cc.ca_state, ==, TCP_CA_OPEN);
	g_assert_cmpuint(f.s->cc.ssthresh, ==, TCP_CC_INFINITE);
	fw_drain(f.a);
	inject(&f, ACK, IRS + 1, high, MSS, IPV4_ECN_CE);
	fw_run_for(&f.w, SIM_MS(200));
	const struct fw_seg *a = fw_pop(f.a);
	g_assert_nonnull(a);
	g_assert_cmphex(a->r.flags & ECE, ==, 0);
	g_assert_cmpuint(tcp_st(f.s)->ecn_ce_received, ==, 0);
	g_assert_false(tcp_st(f.s)->ecn);
	fx_close(&f);
}

static void test_synack_not_setup(void)
{
	/* A SYN-ACK without ECE, or with ECE and CWR (not an ECN-setup SYN-ACK, RFC
	 * 3168 §6.1.1), leaves the connection without ECN. */
	static const uint8_t answers[] = { 0, ECE | CWR };
	for (size_t i = 0; i < G_N_ELEMENTS(answers); i++) {
		struct tcp_config cfg;
		cfg_linux(&cfg, TCP_ECN_MODE_ON, "reno");
		struct fx f;
		fx_connect(&f, &cfg);
		fx_synack(&f, answers[i]);
		g_assert_false(f.s->ecn.flags & TCP_ECN_OK);
		write_n(&f, 100);
		const struct fw_seg *d = fw_pop(f.a);
		g_assert_cmpuint(ecn_of(d), ==, IPV4_ECN_NOT_ECT);
		g_assert_cmphex(d->r.flags & (ECE | CWR), ==, 0);
		fx_close(&f);
	}
}

static void test_syn_retransmission_fallback(void)
{
	/* The retransmitted SYN goes without ECE and CWR (Linux tcp_ecn_clear_syn): a
	 * path that drops ECN-setup SYNs still connects, without ECN. */
	struct tcp_config cfg;
	cfg_linux(&cfg, TCP_ECN_MODE_ON, "reno");
	struct fx f;
	const struct fw_seg *syn = fx_connect(&f, &cfg);
	g_assert_cmphex(syn->r.flags, ==, SYN | ECE | CWR);
	fw_run_until(&f.w, SIM_MS(1001));
	const struct fw_seg *again = fw_pop(f.a);
	g_assert_nonnull(again);
	g_assert_cmpuint(again->time, ==, SIM_S(1));
	g_assert_cmphex(again->r.flags, ==, SYN);
	fx_close(&f);
}

/* A listens (ecn `mode`, algorithm cc); the peer's SYN has `flags` and ECN codepoint
 * `ecn`. Returns A's SYN-ACK. */
static const struct fw_seg *listen_syn(struct fx *f, uint32_t mode, const char *cc, uint8_t flags,
				       uint8_t ecn)
{
	struct tcp_config cfg;
	cfg_linux(&cfg, mode, cc);
	memset(f, 0, sizeof(*f));
	fw_init(&f->w, 1, &cfg);
	f->a = &f->w.a;
	struct tcp_sock *l = tcp_socket(f->a->stack);
	tcp_sock_set_isn(l, ISS);
	g_assert_cmpint(tcp_bind(l, IPV4_ANY, LPORT), ==, 0);
	g_assert_cmpint(tcp_listen(l, 8), ==, 0);
	struct tcp_repr r = { .src_port = RPORT, .dst_port = LPORT, .seq = IRS,
			      .flags = SYN | flags, .window = 65535, .has_mss = true, .mss = MSS };
	fw_inject_tos(f->a, &r, NULL, 0, ecn);
	f->s = l;
	return fw_pop(f->a);
}

static void test_listener(void)
{
	struct {
		uint32_t mode;
		const char *cc;
		uint8_t syn_flags, syn_ecn;
		uint8_t want_flags, want_ecn;
	} cases[] = {
		/* ecn 2 and 1 accept an ECN-setup SYN: SYN-ACK with ECE, not CWR, Not-ECT. */
		{ 2, "cubic", ECE | CWR, IPV4_ECN_NOT_ECT, SYN | ACK | ECE, IPV4_ECN_NOT_ECT },
		{ 1, "cubic", ECE | CWR, IPV4_ECN_NOT_ECT, SYN | ACK | ECE, IPV4_ECN_NOT_ECT },
		/* ecn 0 refuses. */
		{ 0, "cubic", ECE | CWR, IPV4_ECN_NOT_ECT, SYN | ACK, IPV4_ECN_NOT_ECT },
		/* ECE alone is no request. */
		{ 2, "cubic", ECE, IPV4_ECN_NOT_ECT, SYN | ACK, IPV4_ECN_NOT_ECT },
		/* An ECT SYN is refused (Linux tcp_ecn_create_request) ... */
		{ 2, "cubic", ECE | CWR, IPV4_ECN_ECT0, SYN | ACK, IPV4_ECN_NOT_ECT },
		/* ... unless the algorithm needs ECN: DCTCP accepts even with ecn 0, and
		 * its SYN-ACK is ECT(0). */
		{ 0, "dctcp", ECE | CWR, IPV4_ECN_ECT0, SYN | ACK | ECE, IPV4_ECN_ECT0 },
		{ 2, "dctcp", 0, IPV4_ECN_NOT_ECT, SYN | ACK, IPV4_ECN_ECT0 },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct fx f;
		const struct fw_seg *sa = listen_syn(&f, cases[i].mode, cases[i].cc,
						     cases[i].syn_flags, cases[i].syn_ecn);
		g_assert_nonnull(sa);
		g_test_message("case %zu", i);
		g_assert_cmphex(sa->r.flags, ==, cases[i].want_flags);
		g_assert_cmpuint(ecn_of(sa), ==, cases[i].want_ecn);
		tcp_close(f.s);
		fw_fini(&f.w);
	}
}

/* ---- the receiver's echo (RFC 3168 §6.1.3) ---- */

static void test_receiver_echo_until_cwr(void)
{
	struct tcp_config cfg;
	cfg_linux(&cfg, TCP_ECN_MODE_ON, "reno");
	struct fx f;
	fx_open(&f, &cfg);
	f.app.read_all = true;
	fw_app_watch(&f.app, TCP_EV_READABLE, false);
	fw_run_until(&f.w, SIM_MS(100));
	uint32_t seq = IRS + 1;
	/* ECT data: the usual ACK, no ECE. */
	inject(&f, ACK, seq, ISS + 1, MSS, IPV4_ECN_ECT0);
	seq += MSS;
	fw_run_for(&f.w, SIM_MS(1));
	const struct fw_seg *a = fw_pop(f.a);
	g_assert_nonnull(a);
	g_assert_cmphex(a->r.flags, ==, ACK);
	g_assert_cmpuint(ecn_of(a), ==, IPV4_ECN_NOT_ECT); /* RFC 3168 §6.1.4: pure ACK */
	fw_drain(f.a);
	/* CE: ECE from the ACK of this segment on. */
	inject(&f, ACK, seq, ISS + 1, MSS, IPV4_ECN_CE);
	seq += MSS;
	fw_run_for(&f.w, SIM_MS(100));
	a = fw_pop(f.a);
	g_assert_nonnull(a);
	fw_assert_seg(a, ACK | ECE, ISS + 1, seq, a->r.window, 0);
	fw_drain(f.a);
	/* Later ECT and Not-ECT data: still ECE, until CWR. */
	for (int i = 0; i < 3; i++) {
		inject(&f, ACK, seq, ISS + 1, MSS, IPV4_ECN_ECT0);
		seq += MSS;
		fw_run_for(&f.w, SIM_MS(100));
		while ((a = fw_pop(f.a)))
			g_assert_cmphex(a->r.flags, ==, ACK | ECE);
	}
	/* Data with CWR: ACKed at once, without ECE. */
	inject(&f, ACK | CWR, seq, ISS + 1, MSS, IPV4_ECN_ECT0);
	seq += MSS;
	a = fw_pop(f.a);
	g_assert_nonnull(a); /* at once: no delayed ACK */
	fw_assert_seg(a, ACK, ISS + 1, seq, a->r.window, 0);
	g_assert_cmpuint(tcp_st(f.s)->ecn_ce_received, ==, 1);
	fx_close(&f);
}

static void test_receiver_echo_out_of_order(void)
{
	/* CE on a segment beyond a hole counts too (Linux tcp_data_queue_ofo): the
	 * immediate duplicate ACK already carries ECE. */
	struct tcp_config cfg;
	cfg_linux(&cfg, TCP_ECN_MODE_ON, "reno");
	struct fx f;
	fx_open(&f, &cfg);
	f.app.read_all = true;
	fw_app_watch(&f.app, TCP_EV_READABLE, false);
	fw_run_until(&f.w, SIM_MS(100));
	fw_drain(f.a);
	inject(&f, ACK, IRS + 1 + MSS, ISS + 1, MSS, IPV4_ECN_CE);
	const struct fw_seg *a = fw_pop(f.a);
	g_assert_nonnull(a);
	g_assert_cmpuint(a->r.ack, ==, IRS + 1); /* duplicate ACK */
	g_assert_cmphex(a->r.flags & ECE, ==, ECE);
	fx_close(&f);
}

/* ---- the sender's reaction (RFC 3168 §6.1.2; Linux tcp_enter_cwr) ---- */

/* A sends `n` full segments (initial window 10). Returns snd_nxt after them. */
static uint32_t send_segments(struct fx *f, uint32_t n)
{
	write_n(f, n * MSS);
	uint32_t got = 0;
	const struct fw_seg *s;
	while ((s = fw_pop(f->a))) {
		g_assert_cmpuint(s->r.payload_len, ==, MSS);
		g_assert_cmpuint(ecn_of(s), ==, IPV4_ECN_ECT0);
		got++;
	}
	g_assert_cmpuint(got, ==, n);
	return ISS + 1 + n * MSS;
}

static void test_linux_cwr_once_per_window(void)
{
	struct tcp_config cfg;
	cfg_linux(&cfg, TCP_ECN_MODE_ON, "reno");
	cfg.sack = false;
	cfg.timestamps = false;
	struct fx f;
	fx_open(&f, &cfg);
	fw_run_until(&f.w, SIM_MS(20));
	g_assert_cmpuint(f.s->cc.cwnd, ==, 10);
	uint32_t high = send_segments(&f, 10);
	/* The first ACK echoes a mark: CWR, ssthresh = Reno's cwnd/2 = 5, prior_cwnd 10;
	 * PRR (Linux tcp_cwnd_reduction): in flight 9 > ssthresh, so cwnd = in flight +
	 * ceil(5·1/10) − 0 = 10 and one new segment may go — carrying CWR. */
	fw_run_until(&f.w, SIM_MS(30));
	inject(&f, ACK | ECE, IRS + 1, ISS + 1 + MSS, 0, IPV4_ECN_NOT_ECT);
	g_assert_cmpint(f.s->cc.ca_state, ==, TCP_CA_CWR);
	g_assert_cmpuint(f.s->cc.ssthresh, ==, 5);
	g_assert_cmpuint(f.s->cc.cwnd, ==, 10);
	g_assert_cmpuint(tcp_st(f.s)->ecn_reductions, ==, 1);
	write_n(&f, 4 * MSS);
	const struct fw_seg *d = fw_pop(f.a);
	g_assert_nonnull(d);
	fw_assert_seg(d, ACK | CWR, high, IRS + 1, d->r.window, MSS);
	g_assert_cmpuint(ecn_of(d), ==, IPV4_ECN_ECT0);
	g_assert_null(fw_pop(f.a)); /* PRR allowed one */
	/* More ECE ACKs in the same window: no second reduction; PRR goes on:
	 * prr_delivered 2, sndcnt = ceil(5·2/10) − 1 = 0, cwnd = in flight 9. */
	inject(&f, ACK | ECE, IRS + 1, ISS + 1 + 2 * MSS, 0, IPV4_ECN_NOT_ECT);
	g_assert_cmpuint(f.s->cc.ssthresh, ==, 5);
	g_assert_cmpuint(f.s->cc.cwnd, ==, 9);
	g_assert_cmpuint(tcp_st(f.s)->ecn_reductions, ==, 1);
	/* The next new segment carries no CWR. */
	for (uint32_t k = 3; k <= 10; k++)
		inject(&f, ACK | ECE, IRS + 1, ISS + 1 + k * MSS, 0, IPV4_ECN_NOT_ECT);
	while ((d = fw_pop(f.a)))
		g_assert_cmphex(d->r.flags & CWR, ==, 0);
	/* snd_una = high_seq: CWR holds until an ACK above it. */
	g_assert_cmpint(f.s->cc.ca_state, ==, TCP_CA_CWR);
	inject(&f, ACK, IRS + 1, high + MSS, 0, IPV4_ECN_NOT_ECT);
	g_assert_cmpint(f.s->cc.ca_state, ==, TCP_CA_OPEN);
	g_assert_cmpuint(f.s->cc.cwnd, >=, 5);
	g_assert_cmpuint(f.s->cc.ssthresh, ==, 5);
	/* A mark in the next window reduces again. */
	uint32_t cw = f.s->cc.cwnd;
	inject(&f, ACK | ECE, IRS + 1, f.s->snd_una + MSS, 0, IPV4_ECN_NOT_ECT);
	g_assert_cmpint(f.s->cc.ca_state, ==, TCP_CA_CWR);
	g_assert_cmpuint(f.s->cc.ssthresh, ==, MAX(cw / 2, 2u));
	g_assert_cmpuint(tcp_st(f.s)->ecn_reductions, ==, 2);
	fx_close(&f);
}

static void test_retransmission_not_ect(void)
{
	/* RFC 3168 §6.1.5: a retransmitted data segment is Not-ECT (after a timeout
	 * here). */
	struct tcp_config cfg;
	cfg_linux(&cfg, TCP_ECN_MODE_ON, "reno");
	struct fx f;
	fx_open(&f, &cfg);
	fw_run_until(&f.w, SIM_MS(20));
	write_n(&f, MSS);
	const struct fw_seg *d = fw_pop(f.a);
	g_assert_cmpuint(ecn_of(d), ==, IPV4_ECN_ECT0);
	fw_run_until(&f.w, SIM_S(3));
	const struct fw_seg *r = fw_pop(f.a);
	g_assert_nonnull(r);
	g_assert_cmpuint(r->r.seq, ==, d->r.seq);
	g_assert_cmpuint(r->r.payload_len, ==, MSS);
	g_assert_cmpuint(ecn_of(r), ==, IPV4_ECN_NOT_ECT);
	fx_close(&f);
}

static void test_rfc_reduction(void)
{
	/* The rfc profile with ecn 1 (RFC 3168 is opt-in there): an ECE ACK halves
	 * the window once (bytes: ssthresh = max(FlightSize/2, 2·SMSS), cwnd = ssthresh)
	 * and the next new data carries CWR; a second ECE in the window does nothing. */
	struct tcp_config cfg;
	tcp_config_defaults(&cfg, TCP_PROFILE_RFC);
	g_assert_cmpuint(cfg.ecn, ==, TCP_ECN_MODE_OFF);
	cfg.ecn = TCP_ECN_MODE_ON;
	struct fx f;
	fx_open(&f, &cfg);
	fw_run_until(&f.w, SIM_MS(20));
	uint32_t cwnd0 = f.s->cc.cwnd;
	uint32_t n = cwnd0 / MSS;
	write_n(&f, 8 * MSS);
	uint32_t sent = 0;
	const struct fw_seg *d;
	while ((d = fw_pop(f.a))) {
		g_assert_cmpuint(ecn_of(d), ==, IPV4_ECN_ECT0);
		sent++;
	}
	g_assert_cmpuint(sent, ==, n);
	inject(&f, ACK | ECE, IRS + 1, ISS + 1 + MSS, 0, IPV4_ECN_NOT_ECT);
	/* FlightSize before the ACK was n segments; after it, n − 1. */
	uint32_t want = MAX((n - 1) * MSS / 2, 2 * MSS);
	g_assert_cmpuint(f.s->cc.ssthresh, ==, want);
	g_assert_cmpuint(f.s->cc.cwnd, ==, want);
	g_assert_cmpint(f.s->cc.ca_state, ==, TCP_CA_CWR);
	inject(&f, ACK | ECE, IRS + 1, ISS + 1 + 2 * MSS, 0, IPV4_ECN_NOT_ECT);
	g_assert_cmpuint(f.s->cc.ssthresh, ==, want);
	g_assert_cmpuint(tcp_st(f.s)->ecn_reductions, ==, 1);
	bool cwr_seen = false;
	while ((d = fw_pop(f.a))) {
		if (d->r.payload_len && !cwr_seen) {
			g_assert_cmphex(d->r.flags & CWR, ==, CWR);
			cwr_seen = true;
		} else {
			g_assert_cmphex(d->r.flags & CWR, ==, 0);
		}
	}
	g_assert_true(cwr_seen);
	fx_close(&f);
}

/* ---- DCTCP (RFC 8257 §3.2; Linux tcp_dctcp.h dctcp_ece_ack_update) ---- */

static void test_dctcp_sender_ect_everywhere(void)
{
	/* DCTCP asks for ECN with `ecn` 0 and marks every packet ECT(0): SYN, pure
	 * ACK, retransmission. */
	struct tcp_config cfg;
	cfg_linux(&cfg, TCP_ECN_MODE_OFF, "dctcp");
	struct fx f;
	const struct fw_seg *syn = fx_connect(&f, &cfg);
	g_assert_cmphex(syn->r.flags, ==, SYN | ECE | CWR);
	g_assert_cmpuint(ecn_of(syn), ==, IPV4_ECN_ECT0);
	const struct fw_seg *ack = fx_synack(&f, ECE);
	g_assert_cmphex(ack->r.flags, ==, ACK);
	g_assert_cmpuint(ecn_of(ack), ==, IPV4_ECN_ECT0);
	g_assert_true(f.s->cc.ecn_ok);
	write_n(&f, MSS);
	const struct fw_seg *d = fw_pop(f.a);
	g_assert_cmpuint(ecn_of(d), ==, IPV4_ECN_ECT0);
	fw_run_until(&f.w, SIM_S(3));
	const struct fw_seg *r = fw_pop(f.a);
	g_assert_nonnull(r);
	g_assert_cmpuint(r->r.seq, ==, d->r.seq);
	g_assert_cmpuint(ecn_of(r), ==, IPV4_ECN_ECT0);
	fx_close(&f);
}

static void test_dctcp_fallback(void)
{
	/* A peer that does not agree: DCTCP falls back to Reno and stops sending ECT
	 * (Linux dctcp_init's dctcp_reno, INET_ECN_dontxmit). */
	struct tcp_config cfg;
	cfg_linux(&cfg, TCP_ECN_MODE_ON, "dctcp");
	struct fx f;
	fx_connect(&f, &cfg);
	const struct fw_seg *ack = fx_synack(&f, 0);
	g_assert_cmpuint(ecn_of(ack), ==, IPV4_ECN_NOT_ECT);
	g_assert_false(f.s->cc.ecn_ok);
	write_n(&f, MSS);
	g_assert_cmpuint(ecn_of(fw_pop(f.a)), ==, IPV4_ECN_NOT_ECT);
	fx_close(&f);
}

static void test_dctcp_receiver_state_machine(void)
{
	/* The receiver's ACKs reflect the CE state exactly. With delayed ACKs (one ACK
	 * per two full segments, quick ACKs off), a change of state first sends the
	 * ACK being delayed, for the data of the old state with the old ECE, then ACKs
	 * the segment that changed it at once with the new ECE. */
	struct tcp_config cfg;
	cfg_linux(&cfg, TCP_ECN_MODE_OFF, "dctcp");
	cfg.quickack_max = 0;
	struct fx f;
	fx_open(&f, &cfg);
	f.app.read_all = true;
	fw_app_watch(&f.app, TCP_EV_READABLE, false);
	fw_run_until(&f.w, SIM_MS(100));
	fw_drain(f.a);
	uint32_t seq = IRS + 1;
	/* 1: ECT, the first of a pair: delayed. */
	inject(&f, ACK, seq, ISS + 1, MSS, IPV4_ECN_ECT0);
	seq += MSS;
	g_assert_null(fw_pop(f.a));
	g_assert_true(sim_timer_pending(&f.w.sim, &f.s->t_delack));
	/* 2: CE, a change with an ACK delayed: the ACK of segment 1 without ECE, then
	 * the ACK of segment 2 with ECE, both at once. */
	inject(&f, ACK, seq, ISS + 1, MSS, IPV4_ECN_CE);
	seq += MSS;
	const struct fw_seg *a = fw_pop(f.a);
	g_assert_nonnull(a);
	fw_assert_seg(a, ACK, ISS + 1, seq - MSS, a->r.window, 0);
	g_assert_cmpuint(ecn_of(a), ==, IPV4_ECN_ECT0); /* DCTCP: ACKs ECT too */
	a = fw_pop(f.a);
	g_assert_nonnull(a);
	fw_assert_seg(a, ACK | ECE, ISS + 1, seq, a->r.window, 0);
	g_assert_null(fw_pop(f.a));
	/* 3, 4: CE again, no change: one ACK per two segments, with ECE. */
	inject(&f, ACK, seq, ISS + 1, MSS, IPV4_ECN_CE);
	seq += MSS;
	g_assert_null(fw_pop(f.a));
	inject(&f, ACK, seq, ISS + 1, MSS, IPV4_ECN_CE);
	seq += MSS;
	a = fw_pop(f.a);
	g_assert_nonnull(a);
	fw_assert_seg(a, ACK | ECE, ISS + 1, seq, a->r.window, 0);
	/* 5: ECT, a change with no ACK delayed: ACKed at once without ECE; a CWR
	 * from the sender changes nothing of that. */
	inject(&f, ACK | CWR, seq, ISS + 1, MSS, IPV4_ECN_ECT0);
	seq += MSS;
	a = fw_pop(f.a);
	g_assert_nonnull(a);
	fw_assert_seg(a, ACK, ISS + 1, seq, a->r.window, 0);
	g_assert_null(fw_pop(f.a));
	/* 6: CE with none delayed: at once, ECE; even a CWR does not stop the echo of
	 * the state. */
	inject(&f, ACK | CWR, seq, ISS + 1, MSS, IPV4_ECN_CE);
	seq += MSS;
	a = fw_pop(f.a);
	g_assert_nonnull(a);
	fw_assert_seg(a, ACK | ECE, ISS + 1, seq, a->r.window, 0);
	g_assert_cmpuint(tcp_st(f.s)->ecn_ce_received, ==, 4);
	fx_close(&f);
}

static bool mark_every_third(struct fw *w, struct fw_host *from, const struct fw_seg *s, void *ctx)
{
	(void)w;
	unsigned *n = ctx;
	if (from != &w->a || s->r.payload_len == 0)
		return false;
	return (++*n % 3) == 0;
}

static void test_dctcp_linked_alpha(void)
{
	/* A DCTCP sender to a DCTCP receiver over a wire that marks every third data
	 * segment: the receiver's echo lets the sender see F = 1/3 per window, and α
	 * tends to it (from 1 at the start) — within a few percent after 200 windows;
	 * the window is reduced by α/2 once per window with marks. */
	struct tcp_config cfg;
	cfg_linux(&cfg, TCP_ECN_MODE_OFF, "dctcp");
	cfg.rcvbuf = 1 << 20;
	struct fx f;
	memset(&f, 0, sizeof(f));
	fw_init(&f.w, 1, &cfg);
	fw_link(&f.w, SIM_MS(5));
	unsigned count = 0;
	f.w.mark_ce = mark_every_third;
	f.w.mark_ctx = &count;
	struct tcp_sock *l = tcp_socket(f.w.b.stack);
	g_assert_cmpint(tcp_bind(l, IPV4_ANY, RPORT), ==, 0);
	g_assert_cmpint(tcp_listen(l, 4), ==, 0);
	f.a = &f.w.a;
	f.s = tcp_socket(f.a->stack);
	fw_app_init(&f.app, f.s);
	f.app.to_write = 200u << 20;
	fw_app_watch(&f.app, TCP_EV_WRITABLE, false);
	g_assert_cmpint(tcp_connect(f.s, FW_ADDR_B, RPORT), ==, 0);
	fw_run_until(&f.w, SIM_MS(30));
	struct tcp_sock *b = tcp_accept(l, NULL);
	g_assert_nonnull(b);
	struct fw_app rb;
	fw_app_init(&rb, b);
	rb.read_all = true;
	fw_app_watch(&rb, TCP_EV_READABLE, false);
	fw_run_until(&f.w, SIM_S(3));
	g_assert_true(f.s->ecn.flags & TCP_ECN_OK);
	g_assert_true(b->ecn.flags & TCP_ECN_OK);
	struct tcp_cc_dctcp_info info;
	tcp_cc_dctcp_get_info(&f.s->cc, &info);
	g_test_message("alpha %u/1024 after %" G_GUINT64_FORMAT " reductions, cwnd %u",
		       info.alpha, tcp_st(f.s)->ecn_reductions, f.s->cc.cwnd);
	/* F = 1/3 is 341 in α's units of 1/1024. */
	g_assert_cmpuint(info.alpha, >=, 300);
	g_assert_cmpuint(info.alpha, <=, 390);
	g_assert_cmpuint(tcp_st(f.s)->ecn_reductions, >, 100);
	/* Every mark the receiver saw came from the wire; the sender saw the echo. */
	g_assert_cmpuint(tcp_st(b)->ecn_ce_received, >, 0);
	g_assert_cmpuint(tcp_st(f.s)->ecn_ece_received, >, 0);
	fw_app_fini(&rb);
	tcp_abort(b);
	tcp_close(l);
	fx_close(&f);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	for (size_t i = 0; i < sizeof(pat); i++)
		pat[i] = (uint8_t)(i * 7 + 3);
	g_test_add_func("/tcp/ecn/syn_request", test_syn_request);
	g_test_add_func("/tcp/ecn/syn_default_accept_only", test_syn_default_accept_only);
	g_test_add_func("/tcp/ecn/synack_not_setup", test_synack_not_setup);
	g_test_add_func("/tcp/ecn/not_negotiated_ignores_bits", test_not_negotiated_ignores_bits);
	g_test_add_func("/tcp/ecn/syn_retransmission_fallback", test_syn_retransmission_fallback);
	g_test_add_func("/tcp/ecn/listener", test_listener);
	g_test_add_func("/tcp/ecn/receiver_echo_until_cwr", test_receiver_echo_until_cwr);
	g_test_add_func("/tcp/ecn/receiver_echo_out_of_order", test_receiver_echo_out_of_order);
	g_test_add_func("/tcp/ecn/linux_cwr_once_per_window", test_linux_cwr_once_per_window);
	g_test_add_func("/tcp/ecn/retransmission_not_ect", test_retransmission_not_ect);
	g_test_add_func("/tcp/ecn/rfc_reduction", test_rfc_reduction);
	g_test_add_func("/tcp/ecn/dctcp_sender_ect_everywhere", test_dctcp_sender_ect_everywhere);
	g_test_add_func("/tcp/ecn/dctcp_fallback", test_dctcp_fallback);
	g_test_add_func("/tcp/ecn/dctcp_receiver_state_machine", test_dctcp_receiver_state_machine);
	g_test_add_func("/tcp/ecn/dctcp_linked_alpha", test_dctcp_linked_alpha);
	return g_test_run();
}

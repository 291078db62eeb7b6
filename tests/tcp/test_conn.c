/* tests/tcp/test_conn.c — the connection state machine (RFC 9293 §3.3.2, §3.10) at
 * segment level: one fixture per state, one test per (state, event), the exact reply
 * segment asserted (flags, seq, ack, window, options, time). Host A runs netsim's
 * TCP; the test plays the peer (10.0.0.2) by injecting segments. */
#include <errno.h>
#include <glib.h>
#include <string.h>

#include "sim/core/bytes.h"
#include "tests/tcp/wire.h"

#define LPORT 40000
#define RPORT 80
#define ISS 1000u
#define IRS 5000u
/* The linux profile's windows (rcvwnd.c, as Linux 6.18): the SYN offers the window
 * rcvbuf 131072 holds at Linux's initial payload/memory ratio of 1/2 (65536), rounded
 * down to the MSS (1460); after the handshake the window is rcv_ssthresh, that less one
 * reserved segment (64076), aligned up to the scale (shift 10: 64512). */
#define SYN_WIN 64240u
#define WIN_SCALED (64512u >> 10)

struct fx {
	struct fw w;
	struct fw_host *a;
	struct tcp_sock *s;   /* A's socket (active side) or accepted socket */
	struct tcp_sock *l;   /* A's listener */
	struct fw_app app;
	bool app_on;
	uint16_t syn_win, win; /* SYN_WIN and WIN_SCALED, or the rfc rule's */
};

static void fx_init(struct fx *f, const struct tcp_config *cfg)
{
	memset(f, 0, sizeof(*f));
	fw_init(&f->w, 1, cfg);
	f->a = &f->w.a;
	bool rfc = cfg && cfg->rcv_window == TCP_RCV_WINDOW_RFC;
	f->syn_win = rfc ? 65535 : SYN_WIN;   /* rfc: min(rcvbuf, 65535) */
	f->win = rfc ? 131072 >> 10 : WIN_SCALED; /* rfc: the free buffer */
}

static void fx_fini(struct fx *f)
{
	if (f->app_on)
		fw_app_fini(&f->app);
	fw_fini(&f->w);
}

static void inject(struct fx *f, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t win,
		   const void *data, uint32_t len)
{
	fw_inject_simple(f->a, RPORT, LPORT, flags, seq, ack, win, data, len);
}

/* CLOSED → SYN-SENT: A connects from LPORT with ISS; the SYN is checked. */
static void fx_syn_sent(struct fx *f)
{
	f->s = tcp_socket(f->a->stack);
	tcp_sock_set_isn(f->s, ISS);
	g_assert_cmpint(tcp_bind(f->s, IPV4_ANY, LPORT), ==, 0);
	fw_app_init(&f->app, f->s);
	f->app_on = true;
	fw_app_watch(&f->app, TCP_EV_READABLE | TCP_EV_WRITABLE | TCP_EV_HUP | TCP_EV_ERROR, false);
	g_assert_cmpint(tcp_connect(f->s, FW_ADDR_B, RPORT), ==, 0);
	const struct fw_seg *syn = fw_pop(f->a);
	fw_assert_seg(syn, TCP_FLAG_SYN, ISS, 0, f->syn_win, 0);
	g_assert_true(syn->r.has_mss);
	g_assert_cmpuint(syn->r.mss, ==, 1460);
	g_assert_true(syn->r.has_wscale);
	g_assert_cmpuint(syn->r.wscale, ==, 10); /* covers rcvbuf_max 32 MiB, as Linux */
	if (tcp_stack_config(f->a->stack)->sack) {
		/* The linux profile offers SACK and timestamps, laid out as Linux's SYN:
		 * MSS, SACK-permitted + TS (TSecr 0), NOP + WS. */
		g_assert_true(syn->r.has_sack_perm);
		g_assert_true(syn->r.has_timestamp);
		g_assert_cmpuint(syn->r.ts_ecr, ==, 0);
		g_assert_cmpuint(syn->r.hdr_len, ==, 40);
		const uint8_t layout[] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10 };
		g_assert_cmpmem(syn->bytes + 20, 8, layout, 8);
		const uint8_t ws[] = { 0, 0, 0, 0, 1, 3, 3, 10 }; /* TSecr 0, NOP, WS 10 */
		g_assert_cmpmem(syn->bytes + 32, 8, ws, 8);
	} else {
		g_assert_false(syn->r.has_sack_perm || syn->r.has_timestamp);
		g_assert_cmpuint(syn->r.hdr_len, ==, 28);
	}
	g_assert_true(syn->df);
	g_assert_cmpuint(syn->ttl, ==, 64);
	g_assert_cmpuint(syn->src, ==, FW_ADDR_A);
	g_assert_cmpuint(syn->dst, ==, FW_ADDR_B);
	g_assert_cmpuint(syn->r.src_port, ==, LPORT);
	g_assert_cmpuint(syn->r.dst_port, ==, RPORT);
	g_assert_cmpstr(tcp_state_name(f->s), ==, "SYN-SENT");
}

/* SYN-SENT → ESTABLISHED: the peer's SYN-ACK (MSS 1460, WS 7) at t = 10 ms. */
static void fx_established(struct fx *f)
{
	fx_syn_sent(f);
	fw_run_until(&f->w, SIM_MS(10));
	struct tcp_repr r = { .src_port = RPORT, .dst_port = LPORT, .seq = IRS, .ack = ISS + 1,
			      .flags = TCP_FLAG_SYN | TCP_FLAG_ACK, .window = 65535,
			      .has_mss = true, .mss = 1460, .has_wscale = true, .wscale = 7 };
	fw_inject(f->a, &r, NULL, 0);
	const struct fw_seg *ack = fw_pop(f->a);
	fw_assert_seg(ack, TCP_FLAG_ACK, ISS + 1, IRS + 1, f->win, 0);
	g_assert_cmpuint(ack->r.hdr_len, ==, 20); /* no options after the SYN */
	g_assert_cmpint(ack->time, ==, SIM_MS(10));
	g_assert_cmpstr(tcp_state_name(f->s), ==, "ESTABLISHED");
	fw_run_for(&f->w, 0);
}

/* LISTEN on LPORT with ISS for children. */
static void fx_listen(struct fx *f, int backlog)
{
	f->l = tcp_socket(f->a->stack);
	tcp_sock_set_isn(f->l, ISS);
	g_assert_cmpint(tcp_bind(f->l, IPV4_ANY, LPORT), ==, 0);
	g_assert_cmpint(tcp_listen(f->l, backlog), ==, 0);
	g_assert_cmpstr(tcp_state_name(f->l), ==, "LISTEN");
}

/* LISTEN → SYN-RECEIVED (a child): the peer's SYN with MSS 1400 and WS 3. */
static void fx_syn_received(struct fx *f)
{
	fx_listen(f, 4);
	struct tcp_repr r = { .src_port = RPORT, .dst_port = LPORT, .seq = IRS, .flags = TCP_FLAG_SYN,
			      .window = 65535, .has_mss = true, .mss = 1400, .has_wscale = true,
			      .wscale = 3 };
	fw_inject(f->a, &r, NULL, 0);
	const struct fw_seg *sa = fw_pop(f->a);
	fw_assert_seg(sa, TCP_FLAG_SYN | TCP_FLAG_ACK, ISS, IRS + 1, SYN_WIN, 0);
	g_assert_true(sa->r.has_mss);
	g_assert_cmpuint(sa->r.mss, ==, 1460);
	g_assert_true(sa->r.has_wscale);
	g_assert_cmpuint(sa->r.wscale, ==, 10);
}

/* SYN-RECEIVED → ESTABLISHED and accepted. */
static void fx_accepted(struct fx *f)
{
	fx_syn_received(f);
	fw_run_until(&f->w, SIM_MS(5));
	inject(f, TCP_FLAG_ACK, IRS + 1, ISS + 1, 8192, NULL, 0); /* 8192 << 3 = 65536 */
	g_assert_cmpuint(fw_pending(f->a), ==, 0);
	int err = 1;
	f->s = tcp_accept(f->l, &err);
	g_assert_nonnull(f->s);
	g_assert_cmpint(err, ==, 0);
	g_assert_cmpstr(tcp_state_name(f->s), ==, "ESTABLISHED");
	g_assert_cmpuint(tcp_remote_port(f->s), ==, RPORT);
	g_assert_cmpuint(tcp_remote_addr(f->s), ==, FW_ADDR_B);
	g_assert_cmpuint(tcp_local_addr(f->s), ==, FW_ADDR_A);
	fw_app_init(&f->app, f->s);
	f->app_on = true;
	fw_app_watch(&f->app, TCP_EV_READABLE | TCP_EV_WRITABLE | TCP_EV_HUP | TCP_EV_ERROR, false);
	fw_run_for(&f->w, 0);
}

/* ---- handshakes ---- */

static void test_active_open(void)
{
	struct fx f;
	fx_init(&f, NULL);
	fx_established(&f);
	/* connect() completion is reported as WRITABLE at the time of the SYN-ACK. */
	g_assert_cmpuint(f.app.calls, >=, 1);
	g_assert_true(g_array_index(f.app.call_events, uint32_t, 0) & TCP_EV_WRITABLE);
	g_assert_cmpint(g_array_index(f.app.call_times, sim_time_t, 0), ==, SIM_MS(10));
	/* The SYN's RTT is the first sample (RFC 6298 (2.2)). */
	struct tcp_stats st;
	tcp_sock_get_stats(f.s, &st);
	g_assert_cmpuint(st.rtt_samples, ==, 1);
	g_assert_cmpint(st.rtt_min, ==, SIM_MS(10));
	g_assert_cmpuint(st.mss, ==, 1460);
	/* The peer's window is scaled by its shift 7 from now on. */
	tcp_close(f.s);
	fx_fini(&f);
}

static void test_active_open_no_wscale(void)
{
	/* A peer without the window-scale option: neither side scales (RFC 7323 §2.2);
	 * windows cap at 65535, and the window the SYN offered is kept (Linux: the MSS
	 * multiple below rcv_ssthresh, 63784, would shrink it). Peer MSS 536 (no option:
	 * RFC 9293 default). */
	struct fx f;
	fx_init(&f, NULL);
	fx_syn_sent(&f);
	inject(&f, TCP_FLAG_SYN | TCP_FLAG_ACK, IRS, ISS + 1, 65535, NULL, 0);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK, ISS + 1, IRS + 1, SYN_WIN, 0);
	struct tcp_stats st;
	tcp_sock_get_stats(f.s, &st);
	g_assert_cmpuint(st.mss, ==, 536);
	tcp_close(f.s);
	fx_fini(&f);
}

static void test_syn_sent_rst_refused(void)
{
	struct fx f;
	fx_init(&f, NULL);
	fx_syn_sent(&f);
	fw_run_until(&f.w, SIM_MS(3));
	/* A RST without ACK is not acceptable in SYN-SENT (RFC 9293 §3.10.7.3). */
	inject(&f, TCP_FLAG_RST, 0, 0, 0, NULL, 0);
	g_assert_cmpstr(tcp_state_name(f.s), ==, "SYN-SENT");
	/* RST,ACK acknowledging our SYN: connection refused. */
	inject(&f, TCP_FLAG_RST | TCP_FLAG_ACK, 0, ISS + 1, 0, NULL, 0);
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	g_assert_cmpstr(tcp_state_name(f.s), ==, "CLOSED");
	fw_run_for(&f.w, 0);
	g_assert_true(f.app.events_seen & TCP_EV_ERROR);
	g_assert_true(f.app.events_seen & TCP_EV_HUP);
	g_assert_cmpint(f.app.error, ==, -ECONNREFUSED);
	g_assert_cmpint(tcp_send(f.s, "x", 1), ==, -ENOTCONN);
	tcp_close(f.s);
	g_assert_cmpuint(tcp_stack_stats(f.a->stack)->conns_live, ==, 0);
	fx_fini(&f);
}

static void test_syn_sent_bad_ack(void)
{
	struct fx f;
	fx_init(&f, NULL);
	fx_syn_sent(&f);
	/* An ACK that does not acknowledge our SYN: <SEQ=SEG.ACK><CTL=RST>. */
	inject(&f, TCP_FLAG_SYN | TCP_FLAG_ACK, IRS, ISS + 7, 65535, NULL, 0);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_RST, ISS + 7, 0, 0, 0);
	g_assert_cmpstr(tcp_state_name(f.s), ==, "SYN-SENT");
	tcp_close(f.s);
	fx_fini(&f);
}

static void test_simultaneous_open(void)
{
	/* RFC 9293 Figure 7: both ends SYN-SENT → SYN-RECEIVED → ESTABLISHED. */
	struct fx f;
	fx_init(&f, NULL);
	fx_syn_sent(&f);
	struct tcp_repr syn = { .src_port = RPORT, .dst_port = LPORT, .seq = IRS,
				.flags = TCP_FLAG_SYN, .window = 65535, .has_mss = true,
				.mss = 1460, .has_wscale = true, .wscale = 2 };
	fw_inject(f.a, &syn, NULL, 0);
	const struct fw_seg *sa = fw_pop(f.a);
	fw_assert_seg(sa, TCP_FLAG_SYN | TCP_FLAG_ACK, ISS, IRS + 1, SYN_WIN, 0);
	g_assert_true(sa->r.has_wscale);
	g_assert_cmpstr(tcp_state_name(f.s), ==, "SYN-RECEIVED");
	/* The peer's SYN-ACK completes it; nothing more needs sending. */
	struct tcp_repr synack = syn;
	synack.flags = TCP_FLAG_SYN | TCP_FLAG_ACK;
	synack.ack = ISS + 1;
	fw_inject(f.a, &synack, NULL, 0);
	g_assert_cmpstr(tcp_state_name(f.s), ==, "ESTABLISHED");
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	fw_run_for(&f.w, 0);
	g_assert_true(f.app.events_seen & TCP_EV_WRITABLE);
	/* Data flows with the full initial window (the SYN was not lost). */
	char buf[3000];
	memset(buf, 'x', sizeof(buf));
	g_assert_cmpint(tcp_send(f.s, buf, sizeof(buf)), ==, 3000);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK, ISS + 1, IRS + 1, WIN_SCALED, 1460);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK, ISS + 1461, IRS + 1, WIN_SCALED, 1460);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK | TCP_FLAG_PSH, ISS + 2921, IRS + 1, WIN_SCALED, 80);
	tcp_abort(f.s);
	fx_fini(&f);
}

static void test_syn_retries_timeout(void)
{
	/* linux (Linux 6.18): 6 retries plus 4 linear timeouts: the first 5 RTOs of 1 s
	 * keep it (SYNs at 1..5 s), then it doubles: 7, 11, 19, 35, 67 s; ETIMEDOUT at
	 * 131 s, as packetdrill shows the kernel doing. */
	struct fx f;
	fx_init(&f, NULL);
	fx_syn_sent(&f);
	static const int at[] = { 1, 2, 3, 4, 5, 7, 11, 19, 35, 67 };
	fw_run_until(&f.w, SIM_S(200));
	for (size_t i = 0; i < G_N_ELEMENTS(at); i++) {
		const struct fw_seg *s = fw_pop(f.a);
		fw_assert_seg(s, TCP_FLAG_SYN, ISS, 0, SYN_WIN, 0);
		g_assert_cmpint(s->time, ==, SIM_S(at[i]));
	}
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	g_assert_cmpint(f.app.error, ==, -ETIMEDOUT);
	g_assert_cmpint(g_array_index(f.app.call_times, sim_time_t, f.app.calls - 1), ==, SIM_S(131));
	struct tcp_stats st;
	tcp_sock_get_stats(f.s, &st);
	/* Ten retransmissions; eleven expiries, the last one giving up (Linux counts
	 * every expiry in TCPTimeouts). */
	g_assert_cmpuint(st.segs_retransmitted, ==, 10);
	g_assert_cmpuint(st.rto_expirations, ==, 11);
	g_assert_cmpint(st.error, ==, -ETIMEDOUT);
	g_assert_cmpuint(st.rtt_samples, ==, 0);
	tcp_close(f.s);
	fx_fini(&f);
}

static void test_syn_lost_then_answered(void)
{
	/* The first SYN is lost; the retransmission at 1 s is answered: no RTT sample
	 * (Karn), the RTO becomes 3 s (RFC 6298 (5.7)) and the initial window one
	 * segment (RFC 5681 §3.1). */
	struct fx f;
	fx_init(&f, NULL);
	fx_syn_sent(&f);
	fw_run_until(&f.w, SIM_MS(1010));
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_SYN, ISS, 0, SYN_WIN, 0);
	struct tcp_repr r = { .src_port = RPORT, .dst_port = LPORT, .seq = IRS, .ack = ISS + 1,
			      .flags = TCP_FLAG_SYN | TCP_FLAG_ACK, .window = 65535,
			      .has_mss = true, .mss = 1460 };
	fw_inject(f.a, &r, NULL, 0);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK, ISS + 1, IRS + 1, SYN_WIN, 0);
	char buf[4000];
	memset(buf, 'y', sizeof(buf));
	g_assert_cmpint(tcp_send(f.s, buf, sizeof(buf)), ==, 4000);
	const struct fw_seg *d = fw_pop(f.a);
	fw_assert_seg(d, TCP_FLAG_ACK, ISS + 1, IRS + 1, SYN_WIN, 1460);
	g_assert_cmpuint(fw_pending(f.a), ==, 0); /* IW = 1 segment */
	fw_run_until(&f.w, SIM_MS(1010) + SIM_S(3) - 1);
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	fw_run_until(&f.w, SIM_MS(1010) + SIM_S(3));
	const struct fw_seg *rx = fw_pop(f.a);
	fw_assert_seg(rx, TCP_FLAG_ACK, ISS + 1, IRS + 1, SYN_WIN, 1460);
	g_assert_cmpint(rx->time, ==, SIM_MS(1010) + SIM_S(3));
	struct tcp_stats st;
	tcp_sock_get_stats(f.s, &st);
	g_assert_cmpuint(st.rtt_samples, ==, 0);
	tcp_abort(f.s);
	fx_fini(&f);
}

static void test_closed_port_rst(void)
{
	/* A SYN for a port nobody listens on: <SEQ=0><ACK=SEG.SEQ+1><CTL=RST,ACK>
	 * with window 0, as Linux answers (tests/vectors exchange 3). */
	struct fx f;
	fx_init(&f, NULL);
	struct tcp_repr r = { .src_port = 43648, .dst_port = 5999, .seq = 1634443621u,
			      .flags = TCP_FLAG_SYN, .window = 64240, .has_mss = true, .mss = 1460 };
	fw_inject(f.a, &r, NULL, 0);
	const struct fw_seg *s = fw_pop(f.a);
	fw_assert_seg(s, TCP_FLAG_RST | TCP_FLAG_ACK, 0, 1634443622u, 0, 0);
	g_assert_cmpuint(s->r.src_port, ==, 5999);
	g_assert_cmpuint(s->r.dst_port, ==, 43648);
	g_assert_cmpuint(s->r.hdr_len, ==, 20);
	/* A segment with ACK: <SEQ=SEG.ACK><CTL=RST>. A RST: nothing. */
	fw_inject_simple(f.a, 1, 2, TCP_FLAG_ACK, 10, 777, 100, "abc", 3);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_RST, 777, 0, 0, 0);
	fw_inject_simple(f.a, 1, 2, TCP_FLAG_RST | TCP_FLAG_ACK, 10, 777, 100, NULL, 0);
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	/* A data segment without ACK: ACK = SEG.SEQ + SEG.LEN (FIN counted). */
	fw_inject_simple(f.a, 1, 2, TCP_FLAG_FIN, 10, 0, 100, "abc", 3);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_RST | TCP_FLAG_ACK, 0, 14, 0, 0);
	g_assert_cmpuint(tcp_stack_stats(f.a->stack)->no_socket, ==, 4);
	fx_fini(&f);
}

static void test_connect_refused_end_to_end(void)
{
	/* Two real stacks: SYN to a closed port → RST → ECONNREFUSED. */
	struct fw w;
	fw_init(&w, 1, NULL);
	fw_link(&w, SIM_MS(5));
	struct tcp_sock *s = tcp_socket(w.a.stack);
	struct fw_app app;
	fw_app_init(&app, s);
	fw_app_watch(&app, TCP_EV_WRITABLE | TCP_EV_ERROR | TCP_EV_HUP, true);
	g_assert_cmpint(tcp_connect(s, FW_ADDR_B, 9), ==, 0);
	fw_run_until(&w, SIM_S(1));
	g_assert_cmpint(app.error, ==, -ECONNREFUSED);
	g_assert_cmpuint(app.calls, ==, 1);
	g_assert_cmpint(g_array_index(app.call_times, sim_time_t, 0), ==, SIM_MS(10));
	g_assert_cmpuint(g_array_index(app.call_events, uint32_t, 0), ==, TCP_EV_ERROR | TCP_EV_HUP);
	tcp_close(s);
	fw_app_fini(&app);
	fw_fini(&w);
}

static void test_passive_open(void)
{
	struct fx f;
	fx_init(&f, NULL);
	struct fw_app lapp;
	fx_listen(&f, 4);
	fw_app_init(&lapp, f.l);
	fw_app_watch(&lapp, TCP_EV_READABLE, false);
	tcp_close(f.l);
	fw_app_fini(&lapp);
	fx_fini(&f);

	fx_init(&f, NULL);
	fx_accepted(&f);
	/* The SYN-ACK's RTT (5 ms) is the first sample; the peer's MSS 1400 is used. */
	struct tcp_stats st;
	tcp_sock_get_stats(f.s, &st);
	g_assert_cmpuint(st.rtt_samples, ==, 1);
	g_assert_cmpint(st.rtt_min, ==, SIM_MS(5));
	g_assert_cmpuint(st.mss, ==, 1400);
	/* The peer's window field is scaled by its shift (3): 8192 << 3. */
	char buf[1400 * 12];
	memset(buf, 'z', sizeof(buf));
	g_assert_cmpint(tcp_send(f.s, buf, sizeof(buf)), ==, (ssize_t)sizeof(buf));
	g_assert_cmpuint(fw_pending(f.a), ==, 10); /* IW 10 segments (RFC 6928) */
	fw_drain(f.a);
	/* Another accept: nothing waiting. */
	int err = 0;
	g_assert_null(tcp_accept(f.l, &err));
	g_assert_cmpint(err, ==, -EAGAIN);
	tcp_abort(f.s);
	tcp_close(f.l);
	fx_fini(&f);
}

static void test_listen_readable_event(void)
{
	struct fx f;
	fx_init(&f, NULL);
	fx_listen(&f, 4);
	struct fw_app lapp;
	fw_app_init(&lapp, f.l);
	fw_app_watch(&lapp, TCP_EV_READABLE, true);
	inject(&f, TCP_FLAG_SYN, IRS, 0, 65535, NULL, 0);
	fw_drain(f.a);
	fw_run_until(&f.w, SIM_MS(7));
	g_assert_cmpuint(lapp.calls, ==, 0);
	inject(&f, TCP_FLAG_ACK, IRS + 1, ISS + 1, 65535, NULL, 0);
	fw_run_for(&f.w, 0);
	g_assert_cmpuint(lapp.calls, ==, 1);
	g_assert_cmpuint(g_array_index(lapp.call_events, uint32_t, 0), ==, TCP_EV_READABLE);
	g_assert_cmpint(g_array_index(lapp.call_times, sim_time_t, 0), ==, SIM_MS(7));
	int err;
	struct tcp_sock *c = tcp_accept(f.l, &err);
	g_assert_nonnull(c);
	tcp_abort(c);
	tcp_close(f.l);
	fw_app_fini(&lapp);
	fx_fini(&f);
}

static void test_listen_rst_and_ack(void)
{
	struct fx f;
	fx_init(&f, NULL);
	fx_listen(&f, 4);
	inject(&f, TCP_FLAG_RST, IRS, 0, 0, NULL, 0);
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	inject(&f, TCP_FLAG_ACK, IRS, 4242, 100, NULL, 0);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_RST, 4242, 0, 0, 0);
	inject(&f, 0, IRS, 0, 100, "x", 1); /* no SYN, no ACK: dropped */
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	tcp_close(f.l);
	fx_fini(&f);
}

static void test_syn_received_rst(void)
{
	struct fx f;
	fx_init(&f, NULL);
	fx_syn_received(&f);
	g_assert_cmpuint(tcp_stack_stats(f.a->stack)->conns_live, ==, 2);
	/* RST at RCV.NXT: the half-open connection returns to LISTEN (goes away). */
	inject(&f, TCP_FLAG_RST, IRS + 1, 0, 0, NULL, 0);
	g_assert_cmpuint(tcp_stack_stats(f.a->stack)->conns_live, ==, 1);
	int err;
	g_assert_null(tcp_accept(f.l, &err));
	g_assert_cmpint(err, ==, -EAGAIN);
	/* The listener still works. */
	inject(&f, TCP_FLAG_SYN, IRS + 100, 0, 65535, NULL, 0);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_SYN | TCP_FLAG_ACK, ISS, IRS + 101, SYN_WIN, 0);
	tcp_close(f.l);
	g_assert_cmpuint(tcp_stack_stats(f.a->stack)->conns_live, ==, 0);
	fx_fini(&f);
}

static void test_syn_received_dup_syn_and_timeout(void)
{
	struct fx f;
	fx_init(&f, NULL);
	fx_syn_received(&f);
	/* The peer retransmits its SYN (our SYN-ACK was lost): SYN-ACK again at once. */
	fw_run_until(&f.w, SIM_MS(500));
	inject(&f, TCP_FLAG_SYN, IRS, 0, 65535, NULL, 0);
	const struct fw_seg *s = fw_pop(f.a);
	fw_assert_seg(s, TCP_FLAG_SYN | TCP_FLAG_ACK, ISS, IRS + 1, SYN_WIN, 0);
	g_assert_cmpint(s->time, ==, SIM_MS(500));
	/* Then the timer: SYN-ACKs at 1, 3, 7, 15, 31 s; the child gives up at 63 s. */
	fw_run_until(&f.w, SIM_S(100));
	static const int at[] = { 1, 3, 7, 15, 31 };
	for (size_t i = 0; i < G_N_ELEMENTS(at); i++) {
		s = fw_pop(f.a);
		fw_assert_seg(s, TCP_FLAG_SYN | TCP_FLAG_ACK, ISS, IRS + 1, SYN_WIN, 0);
		g_assert_cmpint(s->time, ==, SIM_S(at[i]));
	}
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	g_assert_cmpuint(tcp_stack_stats(f.a->stack)->conns_live, ==, 1);
	tcp_close(f.l);
	fx_fini(&f);
}

static void test_syn_received_bad_ack(void)
{
	struct fx f;
	fx_init(&f, NULL);
	fx_syn_received(&f);
	inject(&f, TCP_FLAG_ACK, IRS + 1, ISS + 50, 100, NULL, 0);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_RST, ISS + 50, 0, 0, 0);
	int err;
	g_assert_null(tcp_accept(f.l, &err));
	tcp_close(f.l);
	fx_fini(&f);
}

static void test_backlog_full_drops_syn(void)
{
	struct fx f;
	fx_init(&f, NULL);
	fx_listen(&f, 1);
	/* Two connections complete and are not accepted: the accept queue holds more
	 * than the backlog and is full (Linux sk_acceptq_is_full(): >). */
	for (uint16_t i = 0; i < 2; i++) {
		fw_inject_simple(f.a, RPORT + i, LPORT, TCP_FLAG_SYN, IRS, 0, 65535, NULL, 0);
		fw_drain(f.a);
		fw_inject_simple(f.a, RPORT + i, LPORT, TCP_FLAG_ACK, IRS + 1, ISS + 1, 65535, NULL, 0);
	}
	/* A third client's SYN is dropped silently (it will retry), cookies or not. */
	fw_inject_simple(f.a, RPORT + 2, LPORT, TCP_FLAG_SYN, IRS, 0, 65535, NULL, 0);
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	g_assert_cmpuint(tcp_stack_stats(f.a->stack)->syn_dropped, ==, 1);
	struct tcp_listen_stats ls;
	tcp_listen_get_stats(f.l, &ls);
	g_assert_cmpuint(ls.accept_queue_drops, ==, 1);
	g_assert_cmpuint(ls.max_accept_queue, ==, 2);
	g_assert_cmpuint(ls.syns, ==, 3);
	/* After accept() there is room again. */
	int err;
	struct tcp_sock *c = tcp_accept(f.l, &err);
	g_assert_nonnull(c);
	fw_inject_simple(f.a, RPORT + 2, LPORT, TCP_FLAG_SYN, IRS, 0, 65535, NULL, 0);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_SYN | TCP_FLAG_ACK, ISS, IRS + 1, SYN_WIN, 0);
	tcp_abort(c);
	tcp_abort(tcp_accept(f.l, &err));
	tcp_close(f.l);
	g_assert_cmpuint(tcp_stack_stats(f.a->stack)->conns_live, ==, 0);
	fx_fini(&f);
}

/* ---- closes ---- */

static void test_active_close_time_wait(void)
{
	struct fx f;
	fx_init(&f, NULL);
	fx_established(&f);
	fw_run_until(&f.w, SIM_S(1));
	g_assert_cmpint(tcp_close(f.s), ==, 0);
	/* ESTABLISHED → FIN-WAIT-1: <SEQ=ISS+1><ACK=IRS+1><CTL=FIN,ACK>. */
	const struct fw_seg *fin = fw_pop(f.a);
	fw_assert_seg(fin, TCP_FLAG_FIN | TCP_FLAG_ACK, ISS + 1, IRS + 1, WIN_SCALED, 0);
	g_assert_cmpint(fin->time, ==, SIM_S(1));
	/* The peer ACKs our FIN: FIN-WAIT-2. */
	inject(&f, TCP_FLAG_ACK, IRS + 1, ISS + 2, 512, NULL, 0);
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	/* Its FIN: ACK at once, TIME-WAIT for 2·MSL = 60 s. */
	fw_run_until(&f.w, SIM_S(2));
	inject(&f, TCP_FLAG_FIN | TCP_FLAG_ACK, IRS + 1, ISS + 2, 512, NULL, 0);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK, ISS + 2, IRS + 2, WIN_SCALED, 0);
	g_assert_cmpuint(tcp_stack_stats(f.a->stack)->conns_live, ==, 1);
	/* A retransmitted FIN at 32 s is ACKed again and restarts the timer. */
	fw_run_until(&f.w, SIM_S(32));
	inject(&f, TCP_FLAG_FIN | TCP_FLAG_ACK, IRS + 1, ISS + 2, 512, NULL, 0);
	const struct fw_seg *a2 = fw_pop(f.a);
	fw_assert_seg(a2, TCP_FLAG_ACK, ISS + 2, IRS + 2, WIN_SCALED, 0);
	g_assert_cmpint(a2->time, ==, SIM_S(32));
	fw_run_until(&f.w, SIM_S(92) - 1);
	g_assert_cmpuint(tcp_stack_stats(f.a->stack)->conns_live, ==, 1);
	fw_run_until(&f.w, SIM_S(92));
	g_assert_cmpuint(tcp_stack_stats(f.a->stack)->conns_live, ==, 0);
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	fx_fini(&f);
}

static void test_time_wait_rfc_profile(void)
{
	/* rfc: TIME-WAIT = 2 × MSL = 240 s. */
	struct tcp_config cfg;
	tcp_config_defaults(&cfg, TCP_PROFILE_RFC);
	cfg.rcvbuf_max = 33554432; /* the fixtures' window scale (10), as the linux profile */
	struct fx f;
	fx_init(&f, &cfg);
	fx_established(&f);
	tcp_close(f.s);
	fw_drain(f.a);
	inject(&f, TCP_FLAG_FIN | TCP_FLAG_ACK, IRS + 1, ISS + 2, 512, NULL, 0);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK, ISS + 2, IRS + 2, f.win, 0);
	sim_time_t t0 = sim_now(&f.w.sim);
	fw_run_until(&f.w, t0 + SIM_S(240) - 1);
	g_assert_cmpuint(tcp_stack_stats(f.a->stack)->conns_live, ==, 1);
	fw_run_until(&f.w, t0 + SIM_S(240));
	g_assert_cmpuint(tcp_stack_stats(f.a->stack)->conns_live, ==, 0);
	fx_fini(&f);
}

static void test_fin_wait_1_fin_ack(void)
{
	/* FIN-WAIT-1 + FIN acknowledging our FIN → TIME-WAIT directly. */
	struct fx f;
	fx_init(&f, NULL);
	fx_established(&f);
	tcp_close(f.s);
	fw_drain(f.a);
	inject(&f, TCP_FLAG_FIN | TCP_FLAG_ACK, IRS + 1, ISS + 2, 512, NULL, 0);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK, ISS + 2, IRS + 2, WIN_SCALED, 0);
	struct tcp_stats st;
	/* The handle is gone; the stack still holds the TIME-WAIT connection. */
	g_assert_cmpuint(tcp_stack_stats(f.a->stack)->conns_live, ==, 1);
	(void)st;
	fx_fini(&f);
}

static void test_simultaneous_close(void)
{
	/* FIN-WAIT-1 + FIN (not acking ours) → CLOSING; + ACK → TIME-WAIT. */
	struct fx f;
	fx_init(&f, NULL);
	fx_established(&f);
	const struct tcp_stats *st = tcp_sock_stats_ref(f.s);
	g_assert_cmpint(tcp_shutdown(f.s, TCP_SHUT_WR), ==, 0);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_FIN | TCP_FLAG_ACK, ISS + 1, IRS + 1, WIN_SCALED, 0);
	g_assert_cmpstr(tcp_state_name(f.s), ==, "FIN-WAIT-1");
	inject(&f, TCP_FLAG_FIN | TCP_FLAG_ACK, IRS + 1, ISS + 1, 512, NULL, 0);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK, ISS + 2, IRS + 2, WIN_SCALED, 0);
	g_assert_cmpstr(tcp_state_name(f.s), ==, "CLOSING");
	inject(&f, TCP_FLAG_ACK, IRS + 2, ISS + 2, 512, NULL, 0);
	g_assert_cmpstr(tcp_state_name(f.s), ==, "TIME-WAIT");
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	fw_run_for(&f.w, 0);
	g_assert_true(f.app.events_seen & TCP_EV_HUP);
	g_assert_cmpuint(tcp_poll(f.s), ==, TCP_EV_READABLE | TCP_EV_HUP);
	char c;
	g_assert_cmpint(tcp_recv(f.s, &c, 1), ==, 0);
	tcp_close(f.s);
	fw_run_for(&f.w, SIM_S(60));
	g_assert_cmpuint(tcp_stack_stats(f.a->stack)->conns_live, ==, 0);
	g_assert_cmpint(st->state, ==, TCP_CLOSED);
	g_assert_cmpint(st->error, ==, 0);
	tcp_stats_unref(st);
	fx_fini(&f);
}

static void test_syn_received_active_rst(void)
{
	/* Simultaneous open (an active SYN-RECEIVED) + RST at RCV.NXT: the open is
	 * refused (RFC 9293 §3.10.7.4 second step: "If this connection was initiated
	 * with an active OPEN ..., then the connection was refused"). */
	struct fx f;
	fx_init(&f, NULL);
	fx_syn_sent(&f);
	inject(&f, TCP_FLAG_SYN, IRS, 0, 65535, NULL, 0);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_SYN | TCP_FLAG_ACK, ISS, IRS + 1, SYN_WIN, 0);
	g_assert_cmpstr(tcp_state_name(f.s), ==, "SYN-RECEIVED");
	/* A RST elsewhere in the window: challenge ACK, the open goes on. */
	inject(&f, TCP_FLAG_RST, IRS + 10, 0, 0, NULL, 0);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK, ISS + 1, IRS + 1, SYN_WIN, 0); /* not scaled: the peer offered no scale */
	g_assert_cmpstr(tcp_state_name(f.s), ==, "SYN-RECEIVED");
	inject(&f, TCP_FLAG_RST, IRS + 1, 0, 0, NULL, 0);
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	g_assert_cmpstr(tcp_state_name(f.s), ==, "CLOSED");
	fw_run_for(&f.w, 0);
	g_assert_cmpint(f.app.error, ==, -ECONNREFUSED);
	/* No timer is left: nothing is sent later. */
	fw_run_for(&f.w, SIM_S(10));
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	tcp_close(f.s);
	fx_fini(&f);
}

static void test_syn_received_syn_in_window(void)
{
	/* A passive SYN-RECEIVED child receiving a SYN in the window (not the one it
	 * answered) goes back to LISTEN: the child is dropped silently (RFC 9293
	 * §3.10.7.4 fourth step), the listener keeps working. */
	struct fx f;
	fx_init(&f, NULL);
	fx_syn_received(&f);
	g_assert_cmpuint(tcp_stack_stats(f.a->stack)->conns_live, ==, 2);
	inject(&f, TCP_FLAG_SYN, IRS + 10, 0, 65535, NULL, 0);
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	g_assert_cmpuint(tcp_stack_stats(f.a->stack)->conns_live, ==, 1);
	int err;
	g_assert_null(tcp_accept(f.l, &err));
	g_assert_cmpint(err, ==, -EAGAIN);
	fw_run_for(&f.w, SIM_S(5)); /* no SYN-ACK retransmission either */
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	tcp_close(f.l);
	fx_fini(&f);
}

static void test_syn_received_accept_queue_full(void)
{
	/* Backlog 1: two children established and not accepted fill the accept
	 * queue (it holds more than the backlog); a third child's handshake ACK is then
	 * dropped (Linux tcp_v4_syn_recv_sock()) and it stays in SYN-RECEIVED,
	 * retransmitting its SYN-ACK; once the application accepts, the repeated ACK
	 * completes it. */
	struct fx f;
	fx_init(&f, NULL);
	fx_listen(&f, 1);
	/* Child 0 is established; children 1 and 2 then wait in the SYN queue (each
	 * SYN finds neither queue holding more than the backlog); child 1's ACK fills
	 * the accept queue. */
	for (uint16_t i = 0; i < 3; i++) {
		uint16_t port = (uint16_t)(RPORT + i);
		fw_inject_simple(f.a, port, LPORT, TCP_FLAG_SYN, IRS, 0, 65535, NULL, 0);
		fw_assert_seg(fw_pop(f.a), TCP_FLAG_SYN | TCP_FLAG_ACK, ISS, IRS + 1, SYN_WIN, 0);
		if (i == 0)
			fw_inject_simple(f.a, port, LPORT, TCP_FLAG_ACK, IRS + 1, ISS + 1, 65535,
					 NULL, 0);
	}
	fw_inject_simple(f.a, RPORT + 1, LPORT, TCP_FLAG_ACK, IRS + 1, ISS + 1, 65535, NULL, 0);
	uint64_t dropped = tcp_stack_stats(f.a->stack)->syn_dropped;
	fw_inject_simple(f.a, RPORT + 2, LPORT, TCP_FLAG_ACK, IRS + 1, ISS + 1, 65535, NULL, 0);
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	g_assert_cmpuint(tcp_stack_stats(f.a->stack)->syn_dropped, ==, dropped + 1);
	/* The third child retransmits its SYN-ACK at 1 s (it is still SYN-RECEIVED). */
	fw_run_until(&f.w, SIM_S(1));
	const struct fw_seg *sa = fw_pop(f.a);
	fw_assert_seg(sa, TCP_FLAG_SYN | TCP_FLAG_ACK, ISS, IRS + 1, SYN_WIN, 0);
	g_assert_cmpuint(sa->r.dst_port, ==, RPORT + 2);
	int err;
	struct tcp_sock *c1 = tcp_accept(f.l, &err);
	g_assert_nonnull(c1);
	fw_inject_simple(f.a, RPORT + 2, LPORT, TCP_FLAG_ACK, IRS + 1, ISS + 1, 65535, NULL, 0);
	struct tcp_sock *c2 = tcp_accept(f.l, &err);
	struct tcp_sock *c3 = tcp_accept(f.l, &err);
	g_assert_nonnull(c2);
	g_assert_nonnull(c3);
	g_assert_cmpuint(tcp_remote_port(c3), ==, RPORT + 2);
	g_assert_cmpstr(tcp_state_name(c3), ==, "ESTABLISHED");
	tcp_abort(c1);
	tcp_abort(c2);
	tcp_abort(c3);
	tcp_close(f.l);
	fx_fini(&f);
}

static void test_close_wait_data_after_fin(void)
{
	/* CLOSE-WAIT: data in the window arrives after the peer's FIN. The seventh
	 * step says "This should not occur ... Ignore the segment text": nothing is
	 * delivered and the end of stream stays where the FIN put it. */
	struct fx f;
	fx_init(&f, NULL);
	fx_established(&f);
	inject(&f, TCP_FLAG_ACK, IRS + 1, ISS + 1, 512, "abc", 3);
	inject(&f, TCP_FLAG_FIN | TCP_FLAG_ACK, IRS + 4, ISS + 1, 512, NULL, 0);
	g_assert_cmpstr(tcp_state_name(f.s), ==, "CLOSE-WAIT");
	fw_drain(f.a);
	inject(&f, TCP_FLAG_ACK | TCP_FLAG_PSH, IRS + 5, ISS + 1, 512, "late", 4);
	g_assert_cmpstr(tcp_state_name(f.s), ==, "CLOSE-WAIT");
	char buf[16];
	g_assert_cmpint(tcp_recv(f.s, buf, sizeof(buf)), ==, 3);
	g_assert_cmpmem(buf, 3, "abc", 3);
	g_assert_cmpint(tcp_recv(f.s, buf, sizeof(buf)), ==, 0);
	/* The FIN's delayed ACK still acknowledges IRS + 5, not the ignored bytes. */
	fw_run_for(&f.w, SIM_MS(40));
	/* The buffer is empty again: the window is rcv_ssthresh's, as after the
	 * handshake (3 bytes do not grow it: Linux tcp_event_data_recv, len < 128). */
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK, ISS + 1, IRS + 5, WIN_SCALED, 0);
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	tcp_abort(f.s);
	fx_fini(&f);
}

static void test_passive_close(void)
{
	/* ESTABLISHED + FIN → CLOSE-WAIT; the ACK is delayed unless the app answers:
	 * by the delayed-ACK timeout, which is still 0 while no data has arrived
	 * (Linux's ato starts with the first data), so it goes out after the app's
	 * callback at the same instant (test_close_wait_data_after_fin: 40 ms after
	 * data); close() → LAST-ACK with FIN; its ACK → CLOSED. */
	struct fx f;
	fx_init(&f, NULL);
	fx_established(&f);
	fw_run_until(&f.w, SIM_S(1));
	inject(&f, TCP_FLAG_FIN | TCP_FLAG_ACK, IRS + 1, ISS + 1, 512, NULL, 0);
	g_assert_cmpstr(tcp_state_name(f.s), ==, "CLOSE-WAIT");
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	fw_run_until(&f.w, SIM_S(1) + SIM_MS(40));
	const struct fw_seg *a = fw_pop(f.a);
	fw_assert_seg(a, TCP_FLAG_ACK, ISS + 1, IRS + 2, WIN_SCALED, 0);
	g_assert_cmpint(a->time, ==, SIM_S(1));
	g_assert_true(f.app.eof == false);
	char c;
	g_assert_cmpint(tcp_recv(f.s, &c, 1), ==, 0); /* end of stream */
	/* Still writable in CLOSE-WAIT: data then FIN. */
	g_assert_cmpint(tcp_send(f.s, "bye\n", 4), ==, 4);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK | TCP_FLAG_PSH, ISS + 1, IRS + 2, WIN_SCALED, 4);
	g_assert_cmpint(tcp_close(f.s), ==, 0);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_FIN | TCP_FLAG_ACK, ISS + 5, IRS + 2, WIN_SCALED, 0);
	inject(&f, TCP_FLAG_ACK, IRS + 2, ISS + 6, 512, NULL, 0);
	g_assert_cmpuint(tcp_stack_stats(f.a->stack)->conns_live, ==, 0);
	fx_fini(&f);
}

static void test_fin_ack_piggybacked(void)
{
	/* The app answers the peer's FIN at once: the FIN's ACK rides on the data, no
	 * separate ACK (tests/vectors exchange 1, frames 8–9). */
	struct fx f;
	fx_init(&f, NULL);
	fx_established(&f);
	inject(&f, TCP_FLAG_FIN | TCP_FLAG_ACK, IRS + 1, ISS + 1, 512, NULL, 0);
	g_assert_cmpint(tcp_send(f.s, "bye\n", 4), ==, 4);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK | TCP_FLAG_PSH, ISS + 1, IRS + 2, WIN_SCALED, 4);
	fw_run_for(&f.w, SIM_MS(100));
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	tcp_abort(f.s);
	fx_fini(&f);
}

static void test_half_close(void)
{
	/* shutdown(SHUT_WR) sends FIN; data keeps flowing from the peer and is read
	 * and acknowledged; then the peer's FIN ends it (four-step close). */
	struct fx f;
	fx_init(&f, NULL);
	fx_established(&f);
	f.app.read_all = true;
	fw_app_watch(&f.app, TCP_EV_READABLE | TCP_EV_HUP, false);
	g_assert_cmpint(tcp_send(f.s, "GET\n", 4), ==, 4);
	fw_drain(f.a);
	g_assert_cmpint(tcp_shutdown(f.s, TCP_SHUT_WR), ==, 0);
	/* Nagle lets the FIN go (closing pushes): FIN after the 4 bytes. */
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_FIN | TCP_FLAG_ACK, ISS + 5, IRS + 1, WIN_SCALED, 0);
	g_assert_cmpint(tcp_send(f.s, "x", 1), ==, -EPIPE);
	inject(&f, TCP_FLAG_ACK, IRS + 1, ISS + 6, 512, NULL, 0);
	g_assert_cmpstr(tcp_state_name(f.s), ==, "FIN-WAIT-2");
	char data[2920];
	for (int i = 0; i < 2920; i++)
		data[i] = (char)i;
	inject(&f, TCP_FLAG_ACK, IRS + 1, ISS + 6, 512, data, 1460);
	inject(&f, TCP_FLAG_ACK | TCP_FLAG_PSH, IRS + 1461, ISS + 6, 512, data + 1460, 1460);
	/* Each ACKed at once (quick-ACK mode at the start), the window growing by two
	 * segments with each (Linux tcp_grow_window; see test_rcv.c). */
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK, ISS + 6, IRS + 1461, 66, 0);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK, ISS + 6, IRS + 2921, 69, 0);
	fw_run_for(&f.w, 0);
	g_assert_cmpuint(f.app.bytes_read, ==, 2920);
	inject(&f, TCP_FLAG_FIN | TCP_FLAG_ACK, IRS + 2921, ISS + 6, 512, NULL, 0);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK, ISS + 6, IRS + 2922, 69, 0); /* the grown window */
	g_assert_cmpstr(tcp_state_name(f.s), ==, "TIME-WAIT");
	fw_run_for(&f.w, 0);
	g_assert_true(f.app.eof);
	g_assert_true(f.app.events_seen & TCP_EV_HUP);
	tcp_close(f.s);
	fx_fini(&f);
}

static void test_close_unread_rst(void)
{
	/* close() with unread data sends RST,ACK <SEQ=SND.NXT><ACK=RCV.NXT> with the
	 * window, not FIN (RFC 9293 §3.6.1, RFC 2525 §2.17, vectors exchange 4). */
	struct fx f;
	fx_init(&f, NULL);
	fx_accepted(&f);
	char data[100];
	for (int i = 0; i < 100; i++)
		data[i] = (char)i;
	inject(&f, TCP_FLAG_ACK | TCP_FLAG_PSH, IRS + 1, ISS + 1, 8192, data, 100);
	fw_run_for(&f.w, SIM_MS(40));
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK, ISS + 1, IRS + 101, WIN_SCALED, 0); /* a quick ACK */
	g_assert_cmpuint(tcp_readable_bytes(f.s), ==, 100);
	tcp_close(f.s);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_RST | TCP_FLAG_ACK, ISS + 1, IRS + 101,
		      WIN_SCALED, 0);
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	tcp_close(f.l);
	g_assert_cmpuint(tcp_stack_stats(f.a->stack)->conns_live, ==, 0);
	fx_fini(&f);
}

static void test_linger_zero_and_abort(void)
{
	struct fx f;
	fx_init(&f, NULL);
	fx_established(&f);
	g_assert_cmpint(tcp_setsockopt(f.s, TCP_OPT_LINGER_ZERO, 1), ==, 0);
	tcp_close(f.s);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_RST | TCP_FLAG_ACK, ISS + 1, IRS + 1, WIN_SCALED, 0);
	g_assert_cmpuint(tcp_stack_stats(f.a->stack)->conns_live, ==, 0);
	fx_fini(&f);

	fx_init(&f, NULL);
	fx_established(&f);
	tcp_abort(f.s);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_RST | TCP_FLAG_ACK, ISS + 1, IRS + 1, WIN_SCALED, 0);
	g_assert_cmpuint(tcp_stack_stats(f.a->stack)->conns_live, ==, 0);
	fx_fini(&f);
}

static void test_established_rst(void)
{
	/* RFC 5961 §3.2: a RST in the window but not at RCV.NXT gets a challenge ACK;
	 * outside the window it is dropped; exactly at RCV.NXT it resets. */
	struct fx f;
	fx_init(&f, NULL);
	fx_established(&f);
	inject(&f, TCP_FLAG_RST, IRS + 100, 0, 0, NULL, 0);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK, ISS + 1, IRS + 1, WIN_SCALED, 0);
	inject(&f, TCP_FLAG_RST, IRS + 1 + 200000, 0, 0, NULL, 0);
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	g_assert_cmpstr(tcp_state_name(f.s), ==, "ESTABLISHED");
	inject(&f, TCP_FLAG_RST, IRS + 1, 0, 0, NULL, 0);
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	g_assert_cmpstr(tcp_state_name(f.s), ==, "CLOSED");
	fw_run_for(&f.w, 0);
	g_assert_cmpint(f.app.error, ==, -ECONNRESET);
	g_assert_true(f.app.events_seen & TCP_EV_HUP);
	g_assert_cmpint(tcp_send(f.s, "x", 1), ==, -EPIPE);
	tcp_close(f.s);
	fx_fini(&f);
}

static void test_established_rst_with_old_data(void)
{
	/* RFC 5961 §3.2 compares the RST's own sequence number with RCV.NXT: a RST
	 * whose data starts 50 bytes before RCV.NXT and reaches into the window is
	 * acceptable (RFC 9293 §3.10.7.4), but not an exact match, so it draws a
	 * challenge ACK and the connection stays (Linux tcp_validate_incoming).
	 * Trimming the old bytes off must not make it look like one at RCV.NXT. */
	struct fx f;
	fx_init(&f, NULL);
	fx_established(&f);
	uint8_t data[100];
	memset(data, 'r', sizeof(data));
	inject(&f, TCP_FLAG_RST, IRS + 1 - 50, 0, 0, data, sizeof(data));
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK, ISS + 1, IRS + 1, WIN_SCALED, 0);
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	g_assert_cmpstr(tcp_state_name(f.s), ==, "ESTABLISHED");
	/* The RST's data is not taken either. */
	g_assert_cmpuint(tcp_readable_bytes(f.s), ==, 0);
	fw_run_for(&f.w, 0);
	g_assert_cmpint(f.app.error, ==, 0);
	/* The same with RST|ACK, as a peer's abort would send it. */
	inject(&f, TCP_FLAG_RST | TCP_FLAG_ACK, IRS + 1 - 50, ISS + 1, 0, data, sizeof(data));
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK, ISS + 1, IRS + 1, WIN_SCALED, 0);
	g_assert_cmpstr(tcp_state_name(f.s), ==, "ESTABLISHED");
	/* A RST exactly at RCV.NXT, with data, still resets. */
	inject(&f, TCP_FLAG_RST, IRS + 1, 0, 0, data, sizeof(data));
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	g_assert_cmpstr(tcp_state_name(f.s), ==, "CLOSED");
	tcp_close(f.s);
	fx_fini(&f);
}

static void test_established_syn_challenge(void)
{
	struct fx f;
	fx_init(&f, NULL);
	fx_established(&f);
	inject(&f, TCP_FLAG_SYN, IRS + 10, 0, 65535, NULL, 0);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK, ISS + 1, IRS + 1, WIN_SCALED, 0);
	g_assert_cmpstr(tcp_state_name(f.s), ==, "ESTABLISHED");
	/* A retransmitted SYN-ACK (our ACK was lost): unacceptable, ACK again. */
	inject(&f, TCP_FLAG_SYN | TCP_FLAG_ACK, IRS, ISS + 1, 65535, NULL, 0);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK, ISS + 1, IRS + 1, WIN_SCALED, 0);
	/* Old data: unacceptable, duplicate ACK. */
	inject(&f, TCP_FLAG_ACK, IRS - 10, ISS + 1, 512, "0123456789", 10);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK, ISS + 1, IRS + 1, WIN_SCALED, 0);
	/* An ACK of data never sent: ACK and drop. */
	inject(&f, TCP_FLAG_ACK, IRS + 1, ISS + 1000, 512, "abc", 3);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK, ISS + 1, IRS + 1, WIN_SCALED, 0);
	g_assert_cmpuint(tcp_readable_bytes(f.s), ==, 0);
	tcp_abort(f.s);
	fx_fini(&f);
}

static void test_fin_wait_2_orphan_timeout(void)
{
	/* linux: an orphaned FIN-WAIT-2 connection is forgotten after 60 s, without a
	 * word (Linux tcp_time_wait(TCP_FIN_WAIT2): the time-wait socket expires);
	 * the peer's late FIN then draws the RST of an unknown connection
	 * (tests/drill/scripts/fin-wait-2-timeout.pkt). */
	struct fx f;
	fx_init(&f, NULL);
	fx_established(&f);
	tcp_close(f.s);
	fw_drain(f.a);
	sim_time_t t0 = sim_now(&f.w.sim);
	inject(&f, TCP_FLAG_ACK, IRS + 1, ISS + 2, 512, NULL, 0);
	fw_run_until(&f.w, t0 + SIM_S(60) - 1);
	g_assert_cmpuint(tcp_stack_stats(f.a->stack)->conns_live, ==, 1);
	fw_run_until(&f.w, t0 + SIM_S(60));
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	g_assert_cmpuint(tcp_stack_stats(f.a->stack)->conns_live, ==, 0);
	fw_run_until(&f.w, t0 + SIM_S(61));
	inject(&f, TCP_FLAG_FIN | TCP_FLAG_ACK, IRS + 1, ISS + 2, 512, NULL, 0);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_RST, ISS + 2, 0, 0, 0);
	fx_fini(&f);

	/* A timeout longer than TIME-WAIT (60 s) runs its excess first, then again
	 * (Linux tcp_close → tcp_keepalive_timer → tcp_time_wait): 70 s last 2 × 10 s;
	 * a FIN before that is answered (FIN-WAIT-2 → TIME-WAIT). */
	for (int late = 0; late < 2; late++) {
		struct tcp_config lc;
		tcp_config_defaults(&lc, TCP_PROFILE_LINUX);
		lc.fin_wait2_timeout = SIM_S(70);
		fx_init(&f, &lc);
		fx_established(&f);
		tcp_close(f.s);
		fw_drain(f.a);
		t0 = sim_now(&f.w.sim);
		inject(&f, TCP_FLAG_ACK, IRS + 1, ISS + 2, 512, NULL, 0);
		fw_run_until(&f.w, t0 + (late ? SIM_S(20) : SIM_S(20) - 1));
		g_assert_cmpuint(tcp_stack_stats(f.a->stack)->conns_live, ==, late ? 0 : 1);
		inject(&f, TCP_FLAG_FIN | TCP_FLAG_ACK, IRS + 1, ISS + 2, 512, NULL, 0);
		if (late)
			fw_assert_seg(fw_pop(f.a), TCP_FLAG_RST, ISS + 2, 0, 0, 0);
		else
			fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK, ISS + 2, IRS + 2, WIN_SCALED, 0);
		fx_fini(&f);
	}

	/* rfc: no FIN-WAIT-2 timeout. */
	struct tcp_config cfg;
	tcp_config_defaults(&cfg, TCP_PROFILE_RFC);
	cfg.rcvbuf_max = 33554432; /* the fixtures' window scale (10) */
	fx_init(&f, &cfg);
	fx_established(&f);
	tcp_close(f.s);
	fw_drain(f.a);
	inject(&f, TCP_FLAG_ACK, IRS + 1, ISS + 2, 512, NULL, 0);
	fw_run_for(&f.w, SIM_S(3600));
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	g_assert_cmpuint(tcp_stack_stats(f.a->stack)->conns_live, ==, 1);
	fx_fini(&f);
}

static void test_orphan_data_rst(void)
{
	/* New data for a connection the application closed: RST, as a reply to that
	 * segment (<SEQ=SEG.ACK>, no ACK: Linux tcp_v4_send_reset; the packetdrill
	 * corpus's user_timeout.pkt), and the connection is gone. */
	struct fx f;
	fx_init(&f, NULL);
	fx_established(&f);
	tcp_close(f.s);
	fw_drain(f.a);
	inject(&f, TCP_FLAG_ACK, IRS + 1, ISS + 2, 512, "more", 4);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_RST, ISS + 2, 0, 0, 0);
	g_assert_cmpuint(tcp_stack_stats(f.a->stack)->conns_live, ==, 0);
	fx_fini(&f);
}

static void test_keepalive_dead_peer(void)
{
	/* SO_KEEPALIVE with idle 7200 s, interval 75 s, 9 probes (RFC 1122 §4.2.3.6):
	 * probes <SEQ=SND.NXT−1> with no data; an answer resets the count; a dead peer
	 * is declared at idle + 9 × 75 s with ETIMEDOUT, and reset in case it is alive
	 * after all (Linux tcp_keepalive_timer; tests/drill/scripts/keepalive-rst.pkt). */
	struct fx f;
	fx_init(&f, NULL);
	fx_established(&f);
	sim_time_t t0 = sim_now(&f.w.sim);
	g_assert_cmpint(tcp_setsockopt(f.s, TCP_OPT_KEEPALIVE, 1), ==, 0);
	fw_run_until(&f.w, t0 + SIM_S(7200) - 1);
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	fw_run_until(&f.w, t0 + SIM_S(7200));
	const struct fw_seg *p = fw_pop(f.a);
	fw_assert_seg(p, TCP_FLAG_ACK, ISS, IRS + 1, WIN_SCALED, 0);
	g_assert_cmpint(p->time, ==, t0 + SIM_S(7200));
	/* The peer answers: idle again for 7200 s. */
	sim_time_t t1 = t0 + SIM_S(7210);
	fw_run_until(&f.w, t1);
	inject(&f, TCP_FLAG_ACK, IRS + 1, ISS + 1, 512, NULL, 0);
	fw_run_until(&f.w, t1 + SIM_S(7200) - 1);
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	/* Now the peer is gone: 9 probes 75 s apart, then a RST and ETIMEDOUT. */
	fw_run_until(&f.w, t1 + SIM_S(7200 + 9 * 75));
	for (int i = 0; i < 9; i++) {
		p = fw_pop(f.a);
		fw_assert_seg(p, TCP_FLAG_ACK, ISS, IRS + 1, WIN_SCALED, 0);
		g_assert_cmpint(p->time, ==, t1 + SIM_S(7200 + 75 * i));
	}
	p = fw_pop(f.a);
	fw_assert_seg(p, TCP_FLAG_RST | TCP_FLAG_ACK, ISS + 1, IRS + 1, WIN_SCALED, 0);
	g_assert_cmpint(p->time, ==, t1 + SIM_S(7200 + 75 * 9));
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	g_assert_cmpstr(tcp_state_name(f.s), ==, "CLOSED");
	g_assert_cmpint(f.app.error, ==, -ETIMEDOUT);
	struct tcp_stats st;
	tcp_sock_get_stats(f.s, &st);
	g_assert_cmpuint(st.keepalive_probes, ==, 10);
	tcp_close(f.s);
	fx_fini(&f);
}

static void test_keepalive_end_to_end(void)
{
	/* Two stacks, keepalive with short knobs; the peer's answers keep the
	 * connection up; a silent peer (link cut) ends it. */
	struct tcp_config cfg;
	tcp_config_defaults(&cfg, TCP_PROFILE_LINUX);
	cfg.keepalive = true;
	cfg.keepalive_idle = SIM_S(10);
	cfg.keepalive_interval = SIM_S(2);
	cfg.keepalive_probes = 3;
	struct fw w;
	fw_init(&w, 1, &cfg);
	fw_link(&w, SIM_MS(1));
	struct tcp_sock *l = tcp_socket(w.b.stack);
	tcp_setsockopt(l, TCP_OPT_KEEPALIVE, 0); /* only A probes */
	tcp_bind(l, IPV4_ANY, 80);
	tcp_listen(l, 4);
	struct tcp_sock *s = tcp_socket(w.a.stack);
	struct fw_app app;
	fw_app_init(&app, s);
	fw_app_watch(&app, TCP_EV_ERROR | TCP_EV_HUP, false);
	tcp_connect(s, FW_ADDR_B, 80);
	fw_run_until(&w, SIM_S(35));
	g_assert_cmpstr(tcp_state_name(s), ==, "ESTABLISHED");
	struct tcp_stats st;
	tcp_sock_get_stats(s, &st);
	g_assert_cmpuint(st.keepalive_probes, ==, 3); /* at 10, 20, 30 s, all answered */
	/* Cut the link (drop everything) — B's keepalives will stop too. */
	w.linked = false;
	fw_run_until(&w, SIM_S(100));
	g_assert_cmpint(app.error, ==, -ETIMEDOUT);
	tcp_close(s);
	int err;
	struct tcp_sock *c = tcp_accept(l, &err);
	g_assert_nonnull(c);
	g_assert_cmpstr(tcp_state_name(c), ==, "ESTABLISHED"); /* B never learns */
	tcp_abort(c);
	tcp_close(l);
	fw_app_fini(&app);
	fw_fini(&w);
}

static void test_fin_retransmitted(void)
{
	/* Our FIN is lost: it is retransmitted after the RTO (10 ms handshake sample
	 * + 200 ms, in 4 ms jiffies: 212 ms) and again after 2·RTO, with the same
	 * sequence number. */
	struct fx f;
	fx_init(&f, NULL);
	fx_established(&f);
	sim_time_t t0 = sim_now(&f.w.sim);
	tcp_close(f.s);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_FIN | TCP_FLAG_ACK, ISS + 1, IRS + 1, WIN_SCALED, 0);
	fw_run_until(&f.w, t0 + SIM_MS(212 + 424));
	const struct fw_seg *r1 = fw_pop(f.a), *r2 = fw_pop(f.a);
	fw_assert_seg(r1, TCP_FLAG_FIN | TCP_FLAG_ACK, ISS + 1, IRS + 1, WIN_SCALED, 0);
	g_assert_cmpint(r1->time, ==, t0 + SIM_MS(212));
	fw_assert_seg(r2, TCP_FLAG_FIN | TCP_FLAG_ACK, ISS + 1, IRS + 1, WIN_SCALED, 0);
	g_assert_cmpint(r2->time, ==, t0 + SIM_MS(636));
	inject(&f, TCP_FLAG_FIN | TCP_FLAG_ACK, IRS + 1, ISS + 2, 512, NULL, 0);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK, ISS + 2, IRS + 2, WIN_SCALED, 0);
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	fx_fini(&f);
}

/* ---- ISNs ---- */

static uint32_t isn_of(uint64_t seed, uint16_t lport)
{
	struct fw w;
	fw_init(&w, seed, NULL);
	fw_run_until(&w, SIM_MS(3));
	struct tcp_sock *s = tcp_socket(w.a.stack);
	tcp_bind(s, IPV4_ANY, lport);
	tcp_connect(s, FW_ADDR_B, 80);
	uint32_t isn = fw_pop(&w.a)->r.seq;
	tcp_abort(s);
	fw_fini(&w);
	return isn;
}

static void test_isn(void)
{
	/* RFC 6528: a keyed hash of the 4-tuple plus a 4 µs clock; the key from the
	 * run's seed, so runs repeat and connections differ. */
	uint32_t a1 = isn_of(1, 40000), a2 = isn_of(1, 40000);
	uint32_t b1 = isn_of(1, 40001), c1 = isn_of(2, 40000);
	g_assert_cmpuint(a1, ==, a2);
	g_assert_cmpuint(a1, !=, b1);
	g_assert_cmpuint(a1, !=, c1);
	/* The clock part: 4 µs later the same tuple gets ISN + 1 (same key). */
	struct fw w;
	fw_init(&w, 1, NULL);
	uint32_t v[2];
	for (int i = 0; i < 2; i++) {
		fw_run_until(&w, SIM_MS(3) + i * SIM_US(4));
		struct tcp_sock *s = tcp_socket(w.a.stack);
		tcp_bind(s, IPV4_ANY, 40000);
		tcp_connect(s, FW_ADDR_B, 80);
		v[i] = fw_pop(&w.a)->r.seq;
		tcp_abort(s);
	}
	g_assert_cmpuint(v[0], ==, a1);
	g_assert_cmpuint(v[1], ==, a1 + 1);
	/* Two hosts with one seed have different keys. */
	struct tcp_sock *s = tcp_socket(w.b.stack);
	tcp_bind(s, IPV4_ANY, 40000);
	tcp_connect(s, FW_ADDR_A, 80);
	g_assert_cmpuint(fw_pop(&w.b)->r.seq, !=, v[1]);
	tcp_abort(s);
	fw_fini(&w);
}

static void test_bad_checksum_and_malformed(void)
{
	struct fx f;
	fx_init(&f, NULL);
	fx_listen(&f, 4);
	/* A SYN with a corrupted checksum is dropped and counted. */
	struct tcp_repr r = { .src_port = RPORT, .dst_port = LPORT, .seq = IRS,
			      .flags = TCP_FLAG_SYN, .window = 65535 };
	uint8_t seg[60];
	uint32_t hl = tcp_seg_write(seg, &r);
	tcp_seg_set_csum(seg, hl, FW_ADDR_B, FW_ADDR_A);
	seg[TCP_OFF_CSUM] ^= 0x40;
	fw_inject_raw(f.a, seg, hl, false);
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	g_assert_cmpuint(tcp_stack_stats(f.a->stack)->bad_checksum, ==, 1);
	/* A truncated header: counted as malformed. */
	fw_inject_raw(f.a, seg, 12, false);
	g_assert_cmpuint(tcp_stack_stats(f.a->stack)->malformed, ==, 1);
	/* A SYN whose options are broken (length 0 after a valid MSS) is still
	 * answered, with the default peer MSS where the option was unreadable. */
	static const uint8_t bad[][8] = {
		{ 2, 4, 0x05, 0x00, 1, 7, 0, 0 },   /* MSS 1280, then kind 7 length 0 */
		{ 3, 3, 2, 99, 200, 1, 1, 1 },     /* WS, then a length running past */
		{ 2, 1, 1, 1, 1, 1, 1, 1 },        /* length 1 */
	};
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		uint8_t s2[28];
		memcpy(s2, seg, 20);
		s2[12] = 7 << 4;
		memcpy(s2 + 20, bad[i], 8);
		sim_put_be16(s2, (uint16_t)(RPORT + 10 + i));
		fw_inject_raw(f.a, s2, 28, true);
		const struct fw_seg *sa = fw_pop(f.a);
		g_assert_nonnull(sa);
		g_assert_cmphex(sa->r.flags, ==, TCP_FLAG_SYN | TCP_FLAG_ACK);
	}
	g_assert_cmpuint(tcp_stack_stats(f.a->stack)->malformed, ==, 4);
	tcp_close(f.l);
	fx_fini(&f);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/tcp/conn/closed/connect", test_active_open);
	g_test_add_func("/tcp/conn/syn-sent/synack-no-wscale", test_active_open_no_wscale);
	g_test_add_func("/tcp/conn/syn-sent/rst", test_syn_sent_rst_refused);
	g_test_add_func("/tcp/conn/syn-sent/bad-ack", test_syn_sent_bad_ack);
	g_test_add_func("/tcp/conn/syn-sent/syn-simultaneous-open", test_simultaneous_open);
	g_test_add_func("/tcp/conn/syn-sent/timeout-etimedout", test_syn_retries_timeout);
	g_test_add_func("/tcp/conn/syn-sent/syn-lost-retried", test_syn_lost_then_answered);
	g_test_add_func("/tcp/conn/closed/segment-rst", test_closed_port_rst);
	g_test_add_func("/tcp/conn/closed/econnrefused-end-to-end", test_connect_refused_end_to_end);
	g_test_add_func("/tcp/conn/listen/syn-ack-accept", test_passive_open);
	g_test_add_func("/tcp/conn/listen/readable-event", test_listen_readable_event);
	g_test_add_func("/tcp/conn/listen/rst-and-ack", test_listen_rst_and_ack);
	g_test_add_func("/tcp/conn/listen/backlog-full", test_backlog_full_drops_syn);
	g_test_add_func("/tcp/conn/syn-received/rst", test_syn_received_rst);
	g_test_add_func("/tcp/conn/syn-received/dup-syn-and-timeout",
			test_syn_received_dup_syn_and_timeout);
	g_test_add_func("/tcp/conn/syn-received/bad-ack", test_syn_received_bad_ack);
	g_test_add_func("/tcp/conn/syn-received/rst-active-open", test_syn_received_active_rst);
	g_test_add_func("/tcp/conn/syn-received/syn-in-window", test_syn_received_syn_in_window);
	g_test_add_func("/tcp/conn/syn-received/accept-queue-full", test_syn_received_accept_queue_full);
	g_test_add_func("/tcp/conn/close-wait/data-after-fin", test_close_wait_data_after_fin);
	g_test_add_func("/tcp/conn/established/close-time-wait", test_active_close_time_wait);
	g_test_add_func("/tcp/conn/established/close-time-wait-rfc", test_time_wait_rfc_profile);
	g_test_add_func("/tcp/conn/fin-wait-1/fin-ack", test_fin_wait_1_fin_ack);
	g_test_add_func("/tcp/conn/fin-wait-1/fin-closing", test_simultaneous_close);
	g_test_add_func("/tcp/conn/fin-wait-1/fin-retransmitted", test_fin_retransmitted);
	g_test_add_func("/tcp/conn/established/fin-close-wait", test_passive_close);
	g_test_add_func("/tcp/conn/close-wait/fin-ack-piggybacked", test_fin_ack_piggybacked);
	g_test_add_func("/tcp/conn/established/half-close", test_half_close);
	g_test_add_func("/tcp/conn/established/close-unread-rst", test_close_unread_rst);
	g_test_add_func("/tcp/conn/established/linger0-abort", test_linger_zero_and_abort);
	g_test_add_func("/tcp/conn/established/rst", test_established_rst);
	g_test_add_func("/tcp/conn/established/rst-with-old-data", test_established_rst_with_old_data);
	g_test_add_func("/tcp/conn/established/syn-and-bad-segments", test_established_syn_challenge);
	g_test_add_func("/tcp/conn/fin-wait-2/orphan-timeout", test_fin_wait_2_orphan_timeout);
	g_test_add_func("/tcp/conn/fin-wait-2/orphan-data-rst", test_orphan_data_rst);
	g_test_add_func("/tcp/conn/established/keepalive-dead-peer", test_keepalive_dead_peer);
	g_test_add_func("/tcp/conn/established/keepalive-end-to-end", test_keepalive_end_to_end);
	g_test_add_func("/tcp/conn/isn", test_isn);
	g_test_add_func("/tcp/conn/listen/bad-checksum-malformed", test_bad_checksum_and_malformed);
	return g_test_run();
}

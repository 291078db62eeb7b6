/* tests/tcp/test_data.c — reliable data transfer at segment level (TCP part 2):
 * delayed and cumulative ACKs, out-of-order queue and duplicate ACKs, RTO from
 * measured RTTs with backoff and Karn, persist probes and lost window updates, Nagle,
 * silly-window avoidance, window scaling, fast retransmit with limited transmit,
 * PMTUD, sequence wrap-around, readiness modes. Host A runs netsim's TCP; the test
 * plays the peer by injecting segments, or links A to B (another netsim TCP). */
#include <errno.h>
#include <glib.h>
#include <string.h>

#include "tests/tcp/wire.h"

#define LPORT 40000
#define RPORT 80
#define ISS 1000u
#define IRS 5000u
/* The linux profile's window to a peer that does not scale (rcvwnd.c): the window
 * of the SYN (rcvbuf 131072 holds 65536 at Linux's initial payload/memory ratio of
 * 1/2, rounded down to the MSS), kept while the buffer is not filling. */
#define WIN0 64240u

/* The window of an idle connection to a peer that does not scale, by profile: WIN0,
 * or under the rfc rule the buffer, capped at 65535. */
static uint16_t idle_win(const struct tcp_config *cfg)
{
	return cfg && cfg->rcv_window == TCP_RCV_WINDOW_RFC ? 65535 : WIN0;
}

struct fx {
	struct fw w;
	struct fw_host *a;
	struct tcp_sock *s;
	struct fw_app app;
};

static void inject(struct fx *f, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t win,
		   const void *data, uint32_t len)
{
	fw_inject_simple(f->a, RPORT, LPORT, flags, seq, ack, win, data, len);
}

static uint8_t pat[1 << 20];

static const uint8_t *peer_data(uint32_t off)
{
	return pat + off;
}

/* A connects (ISS) to the peer, which answers at t = rtt with a SYN-ACK (IRS,
 * window 65535, MSS 1460, no window scaling unless peer_ws >= 0). */
static void fx_open(struct fx *f, const struct tcp_config *cfg, sim_time_t rtt, int peer_ws,
		    uint32_t rcvbuf)
{
	memset(f, 0, sizeof(*f));
	fw_init(&f->w, 1, cfg);
	f->a = &f->w.a;
	f->s = tcp_socket(f->a->stack);
	tcp_sock_set_isn(f->s, ISS);
	if (rcvbuf)
		g_assert_cmpint(tcp_setsockopt(f->s, TCP_OPT_RCVBUF, rcvbuf), ==, 0);
	g_assert_cmpint(tcp_bind(f->s, IPV4_ANY, LPORT), ==, 0);
	fw_app_init(&f->app, f->s);
	g_assert_cmpint(tcp_connect(f->s, FW_ADDR_B, RPORT), ==, 0);
	fw_pop(f->a);
	fw_run_until(&f->w, rtt);
	struct tcp_repr r = { .src_port = RPORT, .dst_port = LPORT, .seq = IRS, .ack = ISS + 1,
			      .flags = TCP_FLAG_SYN | TCP_FLAG_ACK, .window = 65535,
			      .has_mss = true, .mss = 1460 };
	if (peer_ws >= 0) {
		r.has_wscale = true;
		r.wscale = (uint8_t)peer_ws;
	}
	fw_inject(f->a, &r, NULL, 0);
	g_assert_cmpstr(tcp_state_name(f->s), ==, "ESTABLISHED");
	const struct fw_seg *a = fw_pop(f->a);
	g_assert_nonnull(a);
	g_assert_cmphex(a->r.flags, ==, TCP_FLAG_ACK);
	g_assert_cmpuint(a->r.ack, ==, IRS + 1);
	g_assert_cmpuint(a->r.seq, ==, ISS + 1);
}

static void fx_close(struct fx *f)
{
	if (f->s)
		tcp_abort(f->s);
	fw_app_fini(&f->app);
	fw_fini(&f->w);
}

/* ---- ACK policy ---- */

static void test_delayed_ack_timing(void)
{
	/* The RFC rule (rfc profile, with the linux profile's 40 ms): ACK every second
	 * full-sized segment, else after the timeout. Linux's refinements (quick ACKs,
	 * the adaptive timeout): test_rcv.c. */
	struct tcp_config cfg;
	tcp_config_defaults(&cfg, TCP_PROFILE_RFC);
	cfg.delack_timeout = SIM_MS(40);
	struct fx f;
	memset(&f, 0, sizeof(f));
	fw_init(&f.w, 1, &cfg);
	f.a = &f.w.a;
	f.s = tcp_socket(f.a->stack);
	tcp_sock_set_isn(f.s, ISS);
	tcp_bind(f.s, IPV4_ANY, LPORT);
	fw_app_init(&f.app, f.s);
	tcp_connect(f.s, FW_ADDR_B, RPORT);
	fw_drain(f.a);
	inject(&f, TCP_FLAG_SYN | TCP_FLAG_ACK, IRS, ISS + 1, 65535, NULL, 0);
	fw_drain(f.a);
	uint32_t got = 0;
	/* One full-sized segment: ACK after the delayed-ACK timeout, 40 ms. */
	fw_run_until(&f.w, SIM_S(1));
	inject(&f, TCP_FLAG_ACK, IRS + 1, ISS + 1, 65535, peer_data(0), 1460);
	got += 1460;
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	fw_run_until(&f.w, SIM_S(1) + SIM_MS(40) - 1);
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	fw_run_until(&f.w, SIM_S(1) + SIM_MS(40));
	const struct fw_seg *s = fw_pop(f.a);
	fw_assert_seg(s, TCP_FLAG_ACK, ISS + 1, IRS + 1 + got, 65535, 0);
	g_assert_cmpint(s->time, ==, SIM_S(1) + SIM_MS(40));
	/* Two full-sized segments: the second is ACKed at once (RFC 1122 §4.2.3.2). */
	fw_run_until(&f.w, SIM_S(2));
	inject(&f, TCP_FLAG_ACK, IRS + 1 + got, ISS + 1, 65535, peer_data(got), 1460);
	got += 1460;
	fw_run_until(&f.w, SIM_S(2) + SIM_MS(1));
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	inject(&f, TCP_FLAG_ACK, IRS + 1 + got, ISS + 1, 65535, peer_data(got), 1460);
	got += 1460;
	s = fw_pop(f.a);
	fw_assert_seg(s, TCP_FLAG_ACK, ISS + 1, IRS + 1 + got, 65535, 0);
	g_assert_cmpint(s->time, ==, SIM_S(2) + SIM_MS(1));
	/* The bound runs from the first unacknowledged segment: small segments at 3 s
	 * and 3.03 s are ACKed together at 3.04 s. */
	fw_run_until(&f.w, SIM_S(3));
	inject(&f, TCP_FLAG_ACK | TCP_FLAG_PSH, IRS + 1 + got, ISS + 1, 65535, peer_data(got), 100);
	got += 100;
	fw_run_until(&f.w, SIM_S(3) + SIM_MS(30));
	inject(&f, TCP_FLAG_ACK | TCP_FLAG_PSH, IRS + 1 + got, ISS + 1, 65535, peer_data(got), 100);
	got += 100;
	fw_run_until(&f.w, SIM_S(4));
	s = fw_pop(f.a);
	/* (Receiver SWS avoidance: the right edge does not move for 200 bytes.) */
	fw_assert_seg(s, TCP_FLAG_ACK, ISS + 1, IRS + 1 + got, 65535 - 200, 0);
	g_assert_cmpint(s->time, ==, SIM_S(3) + SIM_MS(40));
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	/* The data is there, in order. */
	uint8_t buf[8192];
	g_assert_cmpint(tcp_recv(f.s, buf, sizeof(buf)), ==, (ssize_t)got);
	g_assert_cmpmem(buf, got, pat, got);
	fx_close(&f);
}

static void run_delack_profile(const struct tcp_config *cfg, sim_time_t expect, uint16_t win)
{
	struct fw w;
	fw_init(&w, 1, cfg);
	struct tcp_sock *s = tcp_socket(w.a.stack);
	tcp_sock_set_isn(s, ISS);
	tcp_bind(s, IPV4_ANY, LPORT);
	tcp_connect(s, FW_ADDR_B, RPORT);
	fw_inject_simple(&w.a, RPORT, LPORT, TCP_FLAG_SYN | TCP_FLAG_ACK, IRS, ISS + 1, 65535, NULL, 0);
	fw_drain(&w.a);
	fw_run_until(&w, SIM_S(1));
	fw_inject_simple(&w.a, RPORT, LPORT, TCP_FLAG_ACK, IRS + 1, ISS + 1, 65535, pat, 1000);
	fw_run_until(&w, SIM_S(2));
	const struct fw_seg *a = fw_pop(&w.a);
	fw_assert_seg(a, TCP_FLAG_ACK, ISS + 1, IRS + 1001, win, 0);
	g_assert_cmpint(a->time, ==, SIM_S(1) + expect);
	tcp_abort(s);
	fw_fini(&w);
}

static void test_delayed_ack_profiles(void)
{
	struct tcp_config cfg;
	/* rfc: 200 ms; the window is the free buffer (capped at 65535 unscaled). */
	tcp_config_defaults(&cfg, TCP_PROFILE_RFC);
	run_delack_profile(&cfg, SIM_MS(200), 65535 - 1000);
	/* linux: the first data is ACKed at once (quick-ACK mode); without quick ACKs
	 * the delayed-ACK timeout applies; the window the SYN offered is kept, less
	 * the data. */
	tcp_config_defaults(&cfg, TCP_PROFILE_LINUX);
	cfg.delack_timeout = SIM_MS(100);
	run_delack_profile(&cfg, 0, WIN0 - 1000);
	cfg.quickack_max = 0;
	run_delack_profile(&cfg, SIM_MS(100), WIN0 - 1000);
	cfg.delayed_ack = false;
	run_delack_profile(&cfg, 0, WIN0 - 1000);
}

static void test_out_of_order(void)
{
	/* Segments 3 and 2 arrive before 1: each gets an immediate duplicate ACK
	 * (RFC 5681 §4.2); they are kept; segment 1 fills the gap and is ACKed at once
	 * for everything; an overlapping retransmission is trimmed. */
	struct fx f;
	fx_open(&f, NULL, SIM_MS(1), -1, 0);
	fw_drain(f.a);
	inject(&f, TCP_FLAG_ACK, IRS + 1 + 2920, ISS + 1, 65535, peer_data(2920), 1460);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK, ISS + 1, IRS + 1, WIN0, 0);
	/* An overlapping segment covering part of 2 and part of 3. */
	inject(&f, TCP_FLAG_ACK, IRS + 1 + 2000, ISS + 1, 65535, peer_data(2000), 1500);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK, ISS + 1, IRS + 1, WIN0, 0);
	inject(&f, TCP_FLAG_ACK, IRS + 1 + 1460, ISS + 1, 65535, peer_data(1460), 1460);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK, ISS + 1, IRS + 1, WIN0, 0);
	/* A duplicate of queued data changes nothing but draws a dup ACK too. */
	inject(&f, TCP_FLAG_ACK, IRS + 1 + 2920, ISS + 1, 65535, peer_data(2920), 1460);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK, ISS + 1, IRS + 1, WIN0, 0);
	g_assert_cmpuint(tcp_readable_bytes(f.s), ==, 0);
	inject(&f, TCP_FLAG_ACK, IRS + 1, ISS + 1, 65535, peer_data(0), 1460);
	/* The out-of-order segments did not open the window (without SACK they must
	 * not: Linux tcp_data_queue_ofo); the one in order does, by two segments, to
	 * 67160, capped at 65535 without window scaling. */
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK, ISS + 1, IRS + 1 + 4380, 65535, 0);
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	g_assert_cmpuint(tcp_readable_bytes(f.s), ==, 4380);
	uint8_t buf[5000];
	g_assert_cmpint(tcp_recv(f.s, buf, sizeof(buf)), ==, 4380);
	g_assert_cmpmem(buf, 4380, pat, 4380);
	struct tcp_stats st;
	tcp_sock_get_stats(f.s, &st);
	g_assert_cmpuint(st.dupacks_sent, ==, 4);
	g_assert_cmpuint(st.ooo_segments, ==, 4);
	g_assert_cmpuint(st.bytes_received, ==, 4380);
	g_assert_cmpuint(st.bytes_delivered, ==, 4380);
	fx_close(&f);
}

/* ---- retransmission timer ---- */

/* A sends `len` bytes now; returns the segment. */
static const struct fw_seg *send_one(struct fx *f, uint32_t len)
{
	g_assert_cmpint(tcp_send(f->s, pat, len), ==, (ssize_t)len);
	const struct fw_seg *s = fw_pop(f->a);
	g_assert_nonnull(s);
	return s;
}

static void check_rto(const struct tcp_config *cfg, sim_time_t rtt2, sim_time_t expect_rto)
{
	/* RTT samples: the handshake (10 ms), then one segment ACKed after rtt2.
	 * RFC 6298: SRTT = 10, RTTVAR = 5; then for rtt2 = 100 ms RTTVAR = (3·5 + 90)/4
	 * = 26.25, SRTT = (7·10 + 100)/8 = 21.25 (ms). */
	struct fx f;
	fx_open(&f, cfg, SIM_MS(10), -1, 0);
	fw_drain(f.a);
	fw_run_until(&f.w, SIM_S(1));
	send_one(&f, 100);
	fw_run_until(&f.w, SIM_S(1) + rtt2);
	inject(&f, TCP_FLAG_ACK, IRS + 1, ISS + 101, 65535, NULL, 0);
	struct tcp_stats st;
	tcp_sock_get_stats(f.s, &st);
	g_assert_cmpuint(st.rtt_samples, ==, 2);
	/* Now a segment that is lost: retransmitted after RTO, 2·RTO, 4·RTO
	 * (RFC 6298 (5.5)), always from snd.una. */
	fw_run_until(&f.w, SIM_S(2));
	const struct fw_seg *s = send_one(&f, 100);
	fw_assert_seg(s, TCP_FLAG_ACK | TCP_FLAG_PSH, ISS + 101, IRS + 1, idle_win(cfg), 100);
	sim_time_t t = SIM_S(2);
	for (int i = 0; i < 3; i++) {
		t += expect_rto << i;
		fw_run_until(&f.w, t - 1);
		g_assert_cmpuint(fw_pending(f.a), ==, 0);
		fw_run_until(&f.w, t);
		s = fw_pop(f.a);
		fw_assert_seg(s, TCP_FLAG_ACK | TCP_FLAG_PSH, ISS + 101, IRS + 1, idle_win(cfg), 100);
		g_assert_cmpint(s->time, ==, t);
	}
	/* Karn: the ACK of the retransmitted segment gives no sample; the backed-off
	 * RTO stays for the next segment until a valid sample. */
	fw_run_until(&f.w, t + SIM_MS(50));
	inject(&f, TCP_FLAG_ACK, IRS + 1, ISS + 201, 65535, NULL, 0);
	tcp_sock_get_stats(f.s, &st);
	g_assert_cmpuint(st.rtt_samples, ==, 2);
	g_assert_cmpuint(st.rto_expirations, ==, 3);
	g_assert_cmpuint(st.segs_retransmitted, ==, 3);
	g_assert_cmpuint(st.bytes_retransmitted, ==, 300);
	sim_time_t t2 = t + SIM_MS(50);
	s = send_one(&f, 100);
	fw_assert_seg(s, TCP_FLAG_ACK | TCP_FLAG_PSH, ISS + 201, IRS + 1, idle_win(cfg), 100);
	fw_run_until(&f.w, t2 + (expect_rto << 3));
	s = fw_pop(f.a);
	g_assert_nonnull(s);
	g_assert_cmpint(s->time, ==, t2 + (expect_rto << 3));
	fx_close(&f);
}

static void test_rto_linux(void)
{
	/* linux (tcp_rtt_estimator): SRTT 21.25 ms; mdev 4·5 = 20 ms, then 20 + (90 −
	 * 20/4) = 105 ms, below rttvar's floor of rto_min, 200 ms: RTO = 221.25 ms,
	 * rounded up to the 4 ms jiffy: 224 ms. */
	check_rto(NULL, SIM_MS(100), SIM_MS(224));
}

static void test_rto_rfc(void)
{
	/* rfc: RTO = max(1 s, …) = 1 s; with rto_min = 10 ms the RFC 6298 formula
	 * itself shows. Samples 10 ms then 25 ms: RTTVAR = (3·5 + 15)/4 = 7.5, SRTT =
	 * (7·10 + 25)/8 = 11.875; RTO = SRTT + max(G, 4·RTTVAR) = 41.875 ms. */
	struct tcp_config cfg;
	tcp_config_defaults(&cfg, TCP_PROFILE_RFC);
	check_rto(&cfg, SIM_MS(100), SIM_S(1));
	cfg.rto_min = SIM_MS(10);
	check_rto(&cfg, SIM_MS(25), SIM_US(41875));
}

static void test_rto_cap_and_retries(void)
{
	/* The backed-off RTO stops at rto_max; after data_retries timeouts the
	 * connection fails with ETIMEDOUT. */
	struct tcp_config cfg;
	tcp_config_defaults(&cfg, TCP_PROFILE_LINUX);
	cfg.rto_max = SIM_S(2);
	cfg.data_retries = 5;
	struct fx f;
	fx_open(&f, &cfg, SIM_MS(10), -1, 0);
	fw_app_watch(&f.app, TCP_EV_ERROR, false);
	fw_drain(f.a);
	send_one(&f, 10);
	/* RTO 212 ms (10 + 200 ms in 4 ms jiffies): 0.212, then 0.424, 0.848, 1.696 →
	 * capped 2 s, 2 s. */
	static const sim_time_t gaps[] = { SIM_MS(212), SIM_MS(424), SIM_MS(848), SIM_MS(1696),
					   SIM_S(2) };
	sim_time_t t = SIM_MS(10);
	fw_run_until(&f.w, SIM_S(30));
	for (size_t i = 0; i < G_N_ELEMENTS(gaps); i++) {
		t += gaps[i];
		const struct fw_seg *s = fw_pop(f.a);
		g_assert_nonnull(s);
		g_assert_cmpint(s->time, ==, t);
	}
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	g_assert_cmpint(f.app.error, ==, -ETIMEDOUT);
	g_assert_cmpint(g_array_index(f.app.call_times, sim_time_t, 0), ==, t + SIM_S(2));
	tcp_close(f.s);
	f.s = NULL;
	fx_close(&f);
}

static void test_xmit_error_fails(void)
{
	/* The network layer refuses a segment with an error a retransmission would meet
	 * again (-EINVAL: a datagram longer than IPv4 allows; -EADDRNOTAVAIL): the
	 * connection fails with that error when the retransmission timer fires, instead
	 * of retrying until data_retries runs out and reporting a bare timeout. */
	static const int errs[] = {-EINVAL, -EADDRNOTAVAIL};
	for (size_t i = 0; i < G_N_ELEMENTS(errs); i++) {
		struct fx f;
		fx_open(&f, NULL, SIM_MS(10), -1, 0);
		fw_app_watch(&f.app, TCP_EV_ERROR, false);
		fw_drain(f.a);
		f.a->output_error = errs[i];
		send_one(&f, 10);
		fw_run_until(&f.w, SIM_S(30));
		g_assert_cmpuint(fw_pending(f.a), ==, 0); /* not retransmitted */
		g_assert_cmpint(f.app.error, ==, errs[i]);
		/* at the first RTO: 212 ms (10 ms RTT + 200 ms in 4 ms jiffies) */
		g_assert_cmpint(g_array_index(f.app.call_times, sim_time_t, 0), ==,
				SIM_MS(10) + SIM_MS(212));
		g_assert_cmpstr(tcp_state_name(f.s), ==, "CLOSED");
		tcp_close(f.s);
		f.s = NULL;
		fx_close(&f);
	}
	/* -EMSGSIZE is not final: the path MTU shrank and the retransmission is built
	 * for the new one (the pmtud test); the connection retries. */
	struct fx f;
	fx_open(&f, NULL, SIM_MS(10), -1, 0);
	fw_drain(f.a);
	f.a->output_error = -EMSGSIZE;
	send_one(&f, 10);
	fw_run_until(&f.w, SIM_S(1));
	g_assert_cmpuint(fw_pending(f.a), ==, 2); /* retransmitted at 0.22 s and 0.64 s */
	g_assert_cmpstr(tcp_state_name(f.s), ==, "ESTABLISHED");
	f.a->output_error = 0;
	fw_drain(f.a);
	fx_close(&f);
}

/* ---- persist ---- */

static void test_data_beyond_window_trimmed(void)
{
	/* RFC 9293 §3.10.7.4 first step: a segment reaching beyond RCV.NXT + RCV.WND
	 * is cut at the right edge, with its FIN, and acknowledged at once. A's
	 * receive buffer (the window it advertised: the rfc rule) is 1000 bytes; the
	 * peer sends 1400 bytes and a FIN. */
	struct tcp_config cfg;
	tcp_config_defaults(&cfg, TCP_PROFILE_RFC);
	struct fx f;
	fx_open(&f, &cfg, SIM_MS(10), -1, 1000);
	fw_drain(f.a);
	inject(&f, TCP_FLAG_ACK | TCP_FLAG_PSH | TCP_FLAG_FIN, IRS + 1, ISS + 1, 65535,
	       peer_data(0), 1400);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK, ISS + 1, IRS + 1001, 0, 0);
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	g_assert_cmpstr(tcp_state_name(f.s), ==, "ESTABLISHED"); /* the FIN was cut off */
	uint8_t buf[2000];
	g_assert_cmpint(tcp_recv(f.s, buf, sizeof(buf)), ==, 1000);
	g_assert_cmpmem(buf, 1000, peer_data(0), 1000);
	fx_close(&f);
}

static void test_zero_window_probes(void)
{
	/* The peer closes its window: A probes with one byte at snd.una (RFC 9293
	 * §3.8.6.1, window_probe = data) with exponential backoff; the probes are
	 * answered with window 0; the window update that reopens it is lost; the next
	 * probe's answer carries the open window and the transfer resumes. */
	struct tcp_config cfg;
	tcp_config_defaults(&cfg, TCP_PROFILE_LINUX);
	cfg.window_probe = TCP_WINDOW_PROBE_DATA;
	struct fx f;
	fx_open(&f, &cfg, SIM_MS(10), -1, 0);
	fw_drain(f.a);
	/* 2920 bytes; the peer takes them and closes its window; 80 more wait. */
	g_assert_cmpint(tcp_send(f.s, pat, 2920), ==, 2920);
	fw_drain(f.a);
	fw_run_until(&f.w, SIM_MS(20));
	inject(&f, TCP_FLAG_ACK, IRS + 1, ISS + 2921, 0, NULL, 0);
	g_assert_cmpint(tcp_send(f.s, pat + 2920, 80), ==, 80);
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	/* RTO after the two samples (10 ms SYN, 10 ms data): 10 + 200 ms, in 4 ms
	 * jiffies 212 ms. */
	sim_time_t rto = SIM_MS(212);
	sim_time_t t = SIM_MS(20);
	for (int i = 0; i < 4; i++) {
		t += rto << i;
		fw_run_until(&f.w, t);
		const struct fw_seg *p = fw_pop(f.a);
		fw_assert_seg(p, TCP_FLAG_ACK, ISS + 2921, IRS + 1, WIN0, 1);
		g_assert_cmpint(p->time, ==, t);
		g_assert_cmpuint(p->r.payload[0], ==, pat[2920]);
		/* The answer: ACK of snd.una with window 0 (the byte is dropped). */
		inject(&f, TCP_FLAG_ACK, IRS + 1, ISS + 2921, 0, NULL, 0);
		g_assert_cmpuint(fw_pending(f.a), ==, 0);
	}
	/* (The window update the peer sent here was lost.) The next probe is answered
	 * with window 4096: the rest goes out at once. */
	t += rto << 4;
	fw_run_until(&f.w, t);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK, ISS + 2921, IRS + 1, WIN0, 1);
	inject(&f, TCP_FLAG_ACK, IRS + 1, ISS + 2922, 4096, NULL, 0);
	const struct fw_seg *d = fw_pop(f.a);
	fw_assert_seg(d, TCP_FLAG_ACK | TCP_FLAG_PSH, ISS + 2922, IRS + 1, WIN0, 79);
	g_assert_cmpmem(d->r.payload, 79, pat + 2921, 79);
	struct tcp_stats st;
	tcp_sock_get_stats(f.s, &st);
	g_assert_cmpuint(st.zero_window_probes, ==, 5);
	g_assert_cmpuint(st.dupacks_received, ==, 0);
	g_assert_cmpuint(st.fast_retransmits, ==, 0);
	fx_close(&f);
}

static void test_zero_window_ack_probes(void)
{
	/* The linux profile's probe (Linux tcp_xmit_probe_skb): an ACK with SEG.SEQ =
	 * SND.UNA - 1 and no data, on the same backed-off schedule; the answer that
	 * opens the window releases the data waiting. */
	struct fx f;
	fx_open(&f, NULL, SIM_MS(10), -1, 0);
	fw_drain(f.a);
	g_assert_cmpint(tcp_send(f.s, pat, 2920), ==, 2920);
	fw_drain(f.a);
	fw_run_until(&f.w, SIM_MS(20));
	inject(&f, TCP_FLAG_ACK, IRS + 1, ISS + 2921, 0, NULL, 0);
	g_assert_cmpint(tcp_send(f.s, pat + 2920, 80), ==, 80);
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	sim_time_t rto = SIM_MS(212), t = SIM_MS(20);
	for (int i = 0; i < 3; i++) {
		t += rto << i;
		fw_run_until(&f.w, t);
		const struct fw_seg *p = fw_pop(f.a);
		fw_assert_seg(p, TCP_FLAG_ACK, ISS + 2920, IRS + 1, WIN0, 0);
		g_assert_cmpint(p->time, ==, t);
		inject(&f, TCP_FLAG_ACK, IRS + 1, ISS + 2921, 0, NULL, 0);
		g_assert_cmpuint(fw_pending(f.a), ==, 0);
	}
	inject(&f, TCP_FLAG_ACK, IRS + 1, ISS + 2921, 4096, NULL, 0);
	const struct fw_seg *d = fw_pop(f.a);
	fw_assert_seg(d, TCP_FLAG_ACK | TCP_FLAG_PSH, ISS + 2921, IRS + 1, WIN0, 80);
	g_assert_cmpmem(d->r.payload, 80, pat + 2920, 80);
	struct tcp_stats st;
	tcp_sock_get_stats(f.s, &st);
	g_assert_cmpuint(st.zero_window_probes, ==, 3);
	g_assert_cmpuint(st.dupacks_received, ==, 0);
	fx_close(&f);
}

static void test_zero_window_peer_dies(void)
{
	/* The window closes and the peer then vanishes: the unanswered probes end the
	 * connection with ETIMEDOUT after data_retries of them. */
	struct tcp_config cfg;
	tcp_config_defaults(&cfg, TCP_PROFILE_LINUX);
	cfg.data_retries = 4;
	struct fx f;
	fx_open(&f, &cfg, SIM_MS(10), -1, 0);
	fw_app_watch(&f.app, TCP_EV_ERROR, false);
	fw_drain(f.a);
	g_assert_cmpint(tcp_send(f.s, pat, 1460), ==, 1460);
	fw_run_until(&f.w, SIM_MS(20));
	inject(&f, TCP_FLAG_ACK, IRS + 1, ISS + 1461, 0, NULL, 0);
	g_assert_cmpint(tcp_send(f.s, pat, 100), ==, 100);
	fw_drain(f.a);
	fw_run_until(&f.w, SIM_S(600));
	unsigned probes = 0;
	const struct fw_seg *p;
	while ((p = fw_pop(f.a)))
		if (p->r.payload_len == 0 && p->r.seq == ISS + 1460) /* SND.UNA - 1 */
			probes++;
	g_assert_cmpuint(probes, ==, 4);
	g_assert_cmpint(f.app.error, ==, -ETIMEDOUT);
	tcp_close(f.s);
	f.s = NULL;
	fx_close(&f);
}

struct drop_update {
	int dropped;
	sim_time_t at;
};

/* Drops the first window update B sends after its window was zero. */
static sim_time_t fate_drop_update(struct fw *w, struct fw_host *from, const struct fw_seg *s,
				   bool *dup, void *ctx)
{
	struct drop_update *d = ctx;
	static uint16_t last_win[2] = { 1, 1 };
	(void)dup;
	int k = from == &w->a ? 0 : 1;
	uint16_t prev = last_win[k];
	last_win[k] = s->r.window;
	if (from == &w->b && d->dropped == 0 && prev == 0 && s->r.window > 0 &&
	    s->r.payload_len == 0) {
		d->dropped++;
		d->at = s->time;
		return -1;
	}
	return w->delay;
}

static void resume_reader(struct sim *sim, void *ctx, void *arg)
{
	(void)sim;
	(void)arg;
	struct fw_app *app = ctx;
	app->read_all = true;
	fw_app_watch(app, TCP_EV_READABLE, false);
}

static void test_zero_window_lost_update_end_to_end(void)
{
	/* B's application pauses; B's 8 KiB buffer fills; A probes; B's application
	 * resumes and B's window update is dropped; A's next probe recovers; every byte
	 * arrives intact. */
	struct fw w;
	fw_init(&w, 3, NULL);
	fw_link(&w, SIM_MS(5));
	struct drop_update du = { 0 };
	w.fate = fate_drop_update;
	w.fate_ctx = &du;
	struct tcp_sock *l = tcp_socket(w.b.stack);
	tcp_setsockopt(l, TCP_OPT_RCVBUF, 8192);
	tcp_bind(l, IPV4_ANY, 80);
	tcp_listen(l, 1);
	struct tcp_sock *s = tcp_socket(w.a.stack);
	struct fw_app tx;
	fw_app_init(&tx, s);
	tx.to_write = 100000;
	tx.tag = 9;
	tx.close_when_done = true;
	fw_app_watch(&tx, TCP_EV_WRITABLE, false);
	tcp_connect(s, FW_ADDR_B, 80);
	fw_run_until(&w, SIM_MS(50));
	int err;
	struct tcp_sock *c = tcp_accept(l, &err);
	g_assert_nonnull(c);
	struct fw_app rx;
	fw_app_init(&rx, c);
	rx.close_on_eof = true;
	/* Paused until 3 s, then reads everything. */
	sim_schedule_at(&w.sim, SIM_S(3), resume_reader, &rx, NULL);
	fw_run_until(&w, SIM_S(120));
	g_assert_cmpint(du.dropped, ==, 1);
	g_assert_cmpint(du.at, ==, SIM_S(3));
	g_assert_cmpuint(rx.bytes_read, ==, 100000);
	g_assert_true(rx.eof);
	g_assert_cmpstr(g_checksum_get_string(rx.hash_in), ==, g_checksum_get_string(tx.hash_out));
	/* Zero-window advertisements and probes were on the wire. */
	unsigned zero_ads = 0, probes = 0;
	for (guint i = 0; i < w.b.log->len; i++) {
		const struct fw_seg *x = g_ptr_array_index(w.b.log, i);
		if (x->r.window == 0 && !(x->r.flags & TCP_FLAG_RST))
			zero_ads++;
	}
	for (guint i = 0; i < w.a.log->len; i++) {
		const struct fw_seg *x = g_ptr_array_index(w.a.log, i);
		/* linux profile: ACKs below SND.UNA with no data (window_probe = ack) */
		if (x->r.payload_len == 0 && !(x->r.flags & TCP_FLAG_SYN) &&
		    x->time > SIM_MS(100) && x->time < SIM_S(4))
			probes++;
	}
	g_assert_cmpuint(zero_ads, >=, 2);
	g_assert_cmpuint(probes, >=, 2);
	tcp_close(l);
	fw_app_fini(&tx);
	fw_app_fini(&rx);
	fw_fini(&w);
}

/* ---- Nagle ---- */

static void test_nagle_segments(void)
{
	struct fx f;
	fx_open(&f, NULL, SIM_MS(10), -1, 0);
	fw_drain(f.a);
	/* Nagle on: the first small write goes, the next ones wait for its ACK. */
	g_assert_cmpint(tcp_send(f.s, pat, 10), ==, 10);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK | TCP_FLAG_PSH, ISS + 1, IRS + 1, WIN0, 10);
	for (int i = 0; i < 5; i++)
		g_assert_cmpint(tcp_send(f.s, pat + 10 + 10 * i, 10), ==, 10);
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	inject(&f, TCP_FLAG_ACK, IRS + 1, ISS + 11, 65535, NULL, 0);
	const struct fw_seg *s = fw_pop(f.a);
	fw_assert_seg(s, TCP_FLAG_ACK | TCP_FLAG_PSH, ISS + 11, IRS + 1, WIN0, 50);
	g_assert_cmpmem(s->r.payload, 50, pat + 10, 50);
	/* A full-sized segment is never held. */
	g_assert_cmpint(tcp_send(f.s, pat, 1460), ==, 1460);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK | TCP_FLAG_PSH, ISS + 61, IRS + 1, WIN0, 1460);
	/* TCP_NODELAY: every small write goes at once. */
	tcp_setsockopt(f.s, TCP_OPT_NODELAY, 1);
	for (int i = 0; i < 5; i++) {
		g_assert_cmpint(tcp_send(f.s, pat, 10), ==, 10);
		fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK | TCP_FLAG_PSH, ISS + 1521 + 10 * i, IRS + 1,
			      WIN0, 10);
	}
	fx_close(&f);
}

struct ticker {
	struct tcp_sock *s;
	int left;
	sim_time_t every;
	GChecksum *h;
	uint64_t off;
};

static void tick(struct sim *sim, void *ctx, void *arg)
{
	struct ticker *t = ctx;
	(void)arg;
	uint8_t b[10];
	for (int i = 0; i < 10; i++)
		b[i] = fw_pattern(5, t->off + (uint64_t)i);
	g_assert_cmpint(tcp_send(t->s, b, 10), ==, 10);
	g_checksum_update(t->h, b, 10);
	t->off += 10;
	if (--t->left > 0)
		sim_schedule_in(sim, t->every, tick, t, NULL);
	else
		tcp_shutdown(t->s, TCP_SHUT_WR);
}

static unsigned small_writes(bool nodelay, bool minshall, uint64_t *bytes, bool *intact)
{
	/* 500 writes of 10 bytes, one per millisecond, over a 20 ms RTT. */
	struct tcp_config cfg;
	tcp_config_defaults(&cfg, TCP_PROFILE_LINUX);
	cfg.nagle_minshall = minshall;
	struct fw w;
	fw_init(&w, 1, &cfg);
	fw_link(&w, SIM_MS(10));
	struct tcp_sock *l = tcp_socket(w.b.stack);
	tcp_bind(l, IPV4_ANY, 80);
	tcp_listen(l, 1);
	struct tcp_sock *s = tcp_socket(w.a.stack);
	tcp_setsockopt(s, TCP_OPT_NODELAY, nodelay);
	tcp_connect(s, FW_ADDR_B, 80);
	fw_run_until(&w, SIM_MS(30));
	int err;
	struct tcp_sock *c = tcp_accept(l, &err);
	struct fw_app rx;
	fw_app_init(&rx, c);
	rx.read_all = true;
	fw_app_watch(&rx, TCP_EV_READABLE, true);
	struct ticker t = { .s = s, .left = 500, .every = SIM_MS(1),
			    .h = g_checksum_new(G_CHECKSUM_SHA256) };
	sim_schedule_in(&w.sim, 0, tick, &t, NULL);
	fw_run_until(&w, SIM_S(5));
	unsigned data_segs = 0;
	for (guint i = 0; i < w.a.log->len; i++) {
		const struct fw_seg *x = g_ptr_array_index(w.a.log, i);
		if (x->r.payload_len > 0)
			data_segs++;
	}
	*bytes = rx.bytes_read;
	*intact = strcmp(g_checksum_get_string(rx.hash_in), g_checksum_get_string(t.h)) == 0;
	g_checksum_free(t.h);
	tcp_abort(s);
	tcp_abort(c);
	tcp_close(l);
	fw_app_fini(&rx);
	fw_fini(&w);
	return data_segs;
}

static void test_nagle_many_small_writes(void)
{
	uint64_t bytes;
	bool intact;
	unsigned off = small_writes(true, true, &bytes, &intact);
	g_assert_cmpuint(bytes, ==, 5000);
	g_assert_true(intact);
	unsigned on = small_writes(false, true, &bytes, &intact);
	g_assert_cmpuint(bytes, ==, 5000);
	g_assert_true(intact);
	unsigned classic = small_writes(false, false, &bytes, &intact);
	g_assert_cmpuint(bytes, ==, 5000);
	g_assert_true(intact);
	g_test_message("segments: nodelay %u, nagle (minshall) %u, nagle (classic) %u", off, on,
		       classic);
	/* Without Nagle every write would be a segment, but the linux profile's cwnd
	 * counts packets (Linux snd_cwnd): the first round trip (20 ms, 20 writes)
	 * carries only the initial 10 packets, so some writes wait and go together
	 * until slow start has grown the window. */
	g_assert_cmpuint(off, <, 500);
	g_assert_cmpuint(off, >=, 480);
	/* With Nagle one small segment per round trip: 500 ms / 20 ms. The receiver
	 * does not delay its ACK: quick ACKs at first, then the ACK goes out when the
	 * application reads a small segment (Linux tcp_cleanup_rbuf; the rfc rule's
	 * 200 ms delayed ACK would stretch the round trip to 220 ms). */
	g_assert_cmpuint(on, >=, 24);
	g_assert_cmpuint(on, <=, 27);
	g_assert_cmpuint(classic, >=, 24);
	g_assert_cmpuint(classic, <=, 27);
}

/* ---- silly-window avoidance ---- */

static void test_receiver_sws(void)
{
	/* A receives with a 4000-byte buffer (no scaling): the window closes as the
	 * application lags, and reopens only by at least min(RCV.BUFF/2, MSS) = 1460
	 * (RFC 9293 §3.8.6.2.2), with a window update when it does. (The rfc rules,
	 * with a 40 ms delayed ACK; Linux's window: test_rcv.c.) */
	struct tcp_config cfg;
	tcp_config_defaults(&cfg, TCP_PROFILE_RFC);
	cfg.delack_timeout = SIM_MS(40);
	struct fx f;
	fx_open(&f, &cfg, SIM_MS(1), -1, 4000);
	fw_drain(f.a);
	inject(&f, TCP_FLAG_ACK, IRS + 1, ISS + 1, 65535, peer_data(0), 1460);
	inject(&f, TCP_FLAG_ACK, IRS + 1461, ISS + 1, 65535, peer_data(1460), 1460);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK, ISS + 1, IRS + 2921, 4000 - 2920, 0);
	inject(&f, TCP_FLAG_ACK | TCP_FLAG_PSH, IRS + 2921, ISS + 1, 65535, peer_data(2920), 1080);
	fw_run_for(&f.w, SIM_MS(40));
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK, ISS + 1, IRS + 4001, 0, 0);
	uint8_t buf[4000];
	uint32_t off = 0;
	/* Reading 100 bytes at a time: no update until 1460 bytes are free. */
	for (int i = 0; i < 14; i++) {
		g_assert_cmpint(tcp_recv(f.s, buf + off, 100), ==, 100);
		off += 100;
		g_assert_cmpuint(fw_pending(f.a), ==, 0);
	}
	g_assert_cmpint(tcp_recv(f.s, buf + off, 60), ==, 60);
	off += 60;
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK, ISS + 1, IRS + 4001, 1460, 0);
	g_assert_cmpmem(buf, off, pat, off);
	fx_close(&f);
}

static void test_sender_sws(void)
{
	/* The peer offers 65535, then a 500-byte window: A does not send a 500-byte
	 * segment (less than half the largest window, RFC 9293 §3.8.6.2.1) until the
	 * override timeout (the persist timer) fires. */
	struct fx f;
	fx_open(&f, NULL, SIM_MS(10), -1, 0);
	fw_drain(f.a);
	g_assert_cmpint(tcp_send(f.s, pat, 1460), ==, 1460);
	fw_drain(f.a);
	fw_run_until(&f.w, SIM_MS(20));
	inject(&f, TCP_FLAG_ACK, IRS + 1, ISS + 1461, 500, NULL, 0);
	g_assert_cmpint(tcp_send(f.s, pat, 3000), ==, 3000);
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	fw_run_until(&f.w, SIM_MS(20) + SIM_MS(212));
	const struct fw_seg *s = fw_pop(f.a);
	fw_assert_seg(s, TCP_FLAG_ACK, ISS + 1461, IRS + 1, WIN0, 500);
	g_assert_cmpint(s->time, ==, SIM_MS(232));
	/* A window of half the maximum is used at once. */
	inject(&f, TCP_FLAG_ACK, IRS + 1, ISS + 1961, 32768, NULL, 0);
	s = fw_pop(f.a);
	fw_assert_seg(s, TCP_FLAG_ACK, ISS + 1961, IRS + 1, WIN0, 1460);
	fx_close(&f);
}

/* ---- window scaling ---- */

static void test_window_scaling(void)
{
	/* SO_RCVBUF 1 MiB fixes the buffer; its window is 512 KiB (the linux profile
	 * counts skb memory, half of it payload before any data arrived), so the SYN
	 * offers shift 4 (RFC 7323 §2.3; Linux tcp_select_initial_window scales for
	 * the window clamp, here the buffer's window); the SYN's own window is
	 * unscaled 65535 (the window it stands for: 512 KiB rounded down to the MSS,
	 * 524140); once both sides sent the option, fields are scaled: the window is
	 * kept (the buffer's less one reserved segment, 522828, would shrink it),
	 * aligned up to 16. */
	struct fw w;
	fw_init(&w, 1, NULL);
	struct tcp_sock *s = tcp_socket(w.a.stack);
	tcp_setsockopt(s, TCP_OPT_RCVBUF, 1 << 20);
	tcp_sock_set_isn(s, ISS);
	tcp_bind(s, IPV4_ANY, LPORT);
	tcp_connect(s, FW_ADDR_B, RPORT);
	const struct fw_seg *syn = fw_pop(&w.a);
	g_assert_cmpuint(syn->r.wscale, ==, 4);
	g_assert_cmpuint(syn->r.window, ==, 65535);
	struct tcp_repr r = { .src_port = RPORT, .dst_port = LPORT, .seq = IRS, .ack = ISS + 1,
			      .flags = TCP_FLAG_SYN | TCP_FLAG_ACK, .window = 65535,
			      .has_mss = true, .mss = 1460, .has_wscale = true, .wscale = 14 };
	fw_inject(&w.a, &r, NULL, 0);
	fw_assert_seg(fw_pop(&w.a), TCP_FLAG_ACK, ISS + 1, IRS + 1, 524144 >> 4, 0);
	/* The peer's shift 14 applies to its windows: 4 << 14 = 65536 bytes. */
	fw_inject_simple(&w.a, RPORT, LPORT, TCP_FLAG_ACK, IRS + 1, ISS + 1, 4, NULL, 0);
	g_assert_cmpint(tcp_send(s, pat, 70000), ==, 70000);
	/* IW 10 segments (14600) < 65536: ten segments. */
	g_assert_cmpuint(fw_pending(&w.a), ==, 10);
	tcp_abort(s);
	fw_fini(&w);

	/* Without scaling (knob off) the window caps at 65535 and no option is sent;
	 * the SYN's window (64240) is kept. */
	struct tcp_config cfg;
	tcp_config_defaults(&cfg, TCP_PROFILE_LINUX);
	cfg.window_scaling = false;
	fw_init(&w, 1, &cfg);
	s = tcp_socket(w.a.stack);
	tcp_sock_set_isn(s, ISS);
	tcp_bind(s, IPV4_ANY, LPORT);
	tcp_connect(s, FW_ADDR_B, RPORT);
	syn = fw_pop(&w.a);
	g_assert_false(syn->r.has_wscale);
	g_assert_cmpuint(syn->r.hdr_len, ==, 36); /* MSS, SACK-permitted + timestamps */
	fw_inject(&w.a, &r, NULL, 0);
	fw_assert_seg(fw_pop(&w.a), TCP_FLAG_ACK, ISS + 1, IRS + 1, 64240, 0);
	tcp_abort(s);
	fw_fini(&w);
}

/* ---- fast retransmit ---- */

static void test_fast_retransmit_limited_transmit(void)
{
	/* Ten segments out (IW 10). Duplicate ACKs: the first two each release one new
	 * segment (RFC 3042), the third triggers the retransmission of snd.una (RFC 5681
	 * §3.2); a partial ACK retransmits the next hole (RFC 6582), a full ACK ends
	 * recovery. */
	struct tcp_config cfg;
	tcp_config_defaults(&cfg, TCP_PROFILE_RFC); /* newreno */
	cfg.initial_window = 10;
	struct fx f;
	fx_open(&f, &cfg, SIM_MS(10), -1, 0);
	fw_drain(f.a);
	g_assert_cmpint(tcp_send(f.s, pat, 20 * 1460), ==, 20 * 1460);
	g_assert_cmpuint(fw_pending(f.a), ==, 10);
	fw_drain(f.a);
	uint32_t una = ISS + 1;
	/* Segment 1 lost, 2 and 3 arrive: dup ACKs. */
	fw_run_until(&f.w, SIM_MS(20));
	inject(&f, TCP_FLAG_ACK, IRS + 1, una, 65535, NULL, 0);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK, una + 10 * 1460, IRS + 1, 65535, 1460);
	inject(&f, TCP_FLAG_ACK, IRS + 1, una, 65535, NULL, 0);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK, una + 11 * 1460, IRS + 1, 65535, 1460);
	inject(&f, TCP_FLAG_ACK, IRS + 1, una, 65535, NULL, 0);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK, una, IRS + 1, 65535, 1460);
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	struct tcp_stats st;
	tcp_sock_get_stats(f.s, &st);
	g_assert_cmpuint(st.fast_retransmits, ==, 1);
	g_assert_cmpuint(st.dupacks_received, ==, 3);
	/* Partial ACK up to segment 5 (6 was lost too): retransmit 6. */
	inject(&f, TCP_FLAG_ACK, IRS + 1, una + 5 * 1460, 65535, NULL, 0);
	const struct fw_seg *s = fw_pop(f.a);
	fw_assert_seg(s, TCP_FLAG_ACK, una + 5 * 1460, IRS + 1, 65535, 1460);
	fw_drain(f.a);
	/* Full ACK (everything up to the recovery point, 12 segments). */
	inject(&f, TCP_FLAG_ACK, IRS + 1, una + 12 * 1460, 65535, NULL, 0);
	tcp_sock_get_stats(f.s, &st);
	g_assert_cmpuint(st.fast_retransmits, ==, 1);
	g_assert_cmpuint(st.rto_expirations, ==, 0);
	g_assert_cmpuint(st.segs_retransmitted, ==, 2);
	fx_close(&f);
}

/* ---- PMTUD ---- */

static void test_pmtud_frag_needed(void)
{
	/* DF on every segment; ICMP fragmentation needed (MTU 1000) quoting the first
	 * segment: MSS 960; the segments larger than that are resent in pieces of it
	 * (Linux tcp_simple_retransmit marks them lost, tcp_retransmit_skb cuts them):
	 * 960 + 500 twice; the last 80 bytes fit and are not resent. */
	struct fx f;
	fx_open(&f, NULL, SIM_MS(10), -1, 0);
	fw_drain(f.a);
	g_assert_cmpint(tcp_send(f.s, pat, 3000), ==, 3000);
	const struct fw_seg *first = fw_pop(f.a);
	fw_assert_seg(first, TCP_FLAG_ACK, ISS + 1, IRS + 1, WIN0, 1460);
	g_assert_true(first->df);
	fw_drain(f.a);
	fw_icmp_frag_needed(&f.w, first, 1000);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK, ISS + 1, IRS + 1, WIN0, 960);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK, ISS + 961, IRS + 1, WIN0, 500);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK, ISS + 1461, IRS + 1, WIN0, 960);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK, ISS + 2421, IRS + 1, WIN0, 500);
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	struct tcp_stats st;
	tcp_sock_get_stats(f.s, &st);
	g_assert_cmpuint(st.mss, ==, 960);
	g_assert_cmpuint(st.fast_retransmits + st.rto_expirations, ==, 0);
	/* An ICMP quoting a sequence number not in flight is ignored (RFC 5927). */
	struct fw_seg fake = *first;
	struct tcp_repr r = first->r;
	r.seq = ISS + 100000;
	uint8_t bytes[20];
	tcp_seg_write(bytes, &r);
	fake.bytes = bytes;
	fake.len = 20;
	fw_icmp_frag_needed(&f.w, &fake, 600);
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	fx_close(&f);

	/* pmtud off: no DF. */
	struct tcp_config cfg;
	tcp_config_defaults(&cfg, TCP_PROFILE_LINUX);
	cfg.pmtud = false;
	fx_open(&f, &cfg, SIM_MS(10), -1, 0);
	fw_drain(f.a);
	g_assert_cmpint(tcp_send(f.s, pat, 100), ==, 100);
	g_assert_false(fw_pop(f.a)->df);
	fx_close(&f);
}

/* ---- sequence wrap-around and stream integrity on the fake wire ---- */

struct chaos {
	struct sim_rng rng;
	double loss, dup, reorder;
	sim_time_t jitter;
};

static sim_time_t fate_chaos(struct fw *w, struct fw_host *from, const struct fw_seg *s,
			     bool *dup, void *ctx)
{
	struct chaos *c = ctx;
	(void)from;
	(void)s;
	if (sim_rng_bernoulli(&c->rng, c->loss))
		return -1;
	*dup = sim_rng_bernoulli(&c->rng, c->dup);
	sim_time_t d = w->delay;
	if (c->reorder > 0 && sim_rng_bernoulli(&c->rng, c->reorder))
		d += (sim_time_t)sim_rng_below(&c->rng, (uint64_t)c->jitter);
	return d;
}

static void transfer(double loss, double dup, double reorder, uint32_t iss_a, uint32_t iss_b,
		     uint64_t nbytes, const char *cc)
{
	struct tcp_config cfg;
	tcp_config_defaults(&cfg, TCP_PROFILE_LINUX);
	g_strlcpy(cfg.cc, cc, sizeof(cfg.cc));
	struct fw w;
	fw_init(&w, 11, &cfg);
	fw_link(&w, SIM_MS(10));
	struct chaos ch = { .loss = loss, .dup = dup, .reorder = reorder, .jitter = SIM_MS(8) };
	sim_rng_init(&ch.rng, 5, "test:chaos");
	w.fate = fate_chaos;
	w.fate_ctx = &ch;
	struct tcp_sock *l = tcp_socket(w.b.stack);
	tcp_sock_set_isn(l, iss_b);
	tcp_bind(l, IPV4_ANY, 80);
	tcp_listen(l, 1);
	struct tcp_sock *s = tcp_socket(w.a.stack);
	tcp_sock_set_isn(s, iss_a);
	struct fw_app tx;
	fw_app_init(&tx, s);
	tx.to_write = nbytes;
	tx.tag = 3;
	tx.close_when_done = true;
	fw_app_watch(&tx, TCP_EV_WRITABLE, true);
	const struct tcp_stats *txst = tcp_sock_stats_ref(s);
	tcp_connect(s, FW_ADDR_B, 80);
	struct fw_app rx;
	memset(&rx, 0, sizeof(rx));
	bool accepted = false;
	for (int i = 0; i < 4000 && !(accepted && rx.eof); i++) {
		fw_run_for(&w, SIM_MS(100));
		if (!accepted) {
			int err;
			struct tcp_sock *c = tcp_accept(l, &err);
			if (c) {
				fw_app_init(&rx, c);
				rx.read_all = true;
				rx.close_on_eof = true;
				fw_app_watch(&rx, TCP_EV_READABLE, true);
				accepted = true;
			}
		}
	}
	g_assert_true(accepted);
	fw_run_for(&w, SIM_S(5)); /* the last ACKs reach the sender */
	g_test_message("loss %.2f dup %.2f reorder %.2f: %" G_GUINT64_FORMAT
		       " bytes at %.3f s, %" G_GUINT64_FORMAT " retransmitted segments, %" G_GUINT64_FORMAT
		       " fast retransmits, %" G_GUINT64_FORMAT " RTOs",
		       loss, dup, reorder, rx.bytes_read, sim_time_to_s(sim_now(&w.sim)),
		       txst->segs_retransmitted, txst->fast_retransmits, txst->rto_expirations);
	g_assert_true(rx.eof);
	g_assert_cmpuint(rx.bytes_read, ==, nbytes);
	g_assert_cmpstr(g_checksum_get_string(rx.hash_in), ==, g_checksum_get_string(tx.hash_out));
	g_assert_cmpuint(txst->bytes_acked, ==, nbytes);
	g_assert_cmpint(txst->error, ==, 0);
	tcp_stats_unref(txst);
	tcp_close(l);
	fw_app_fini(&tx);
	fw_app_fini(&rx);
	fw_fini(&w);
}

static void test_seq_wraparound(void)
{
	/* Both ISNs just below 2^32: sequence numbers wrap during the transfer. */
	transfer(0.0, 0.0, 0.0, 0xfffff000u, 0xffffff00u, 300000, "cubic");
	transfer(0.02, 0.0, 0.0, 0xfffff000u, 0xffffff00u, 300000, "newreno");
}

static void test_integrity_fake_wire(void)
{
	transfer(0.0, 0.0, 0.0, 1, 2, 2000000, "cubic");
	transfer(0.01, 0.0, 0.0, 1, 2, 1000000, "reno");
	transfer(0.10, 0.0, 0.0, 1, 2, 300000, "newreno");
	transfer(0.20, 0.0, 0.0, 1, 2, 100000, "cubic");
	transfer(0.0, 0.05, 0.0, 1, 2, 500000, "cubic");
	transfer(0.0, 0.0, 0.3, 1, 2, 500000, "newreno");
	transfer(0.05, 0.05, 0.3, 1, 2, 300000, "reno");
}

/* ---- readiness ---- */

static void test_level_vs_edge(void)
{
	/* 1000 bytes arrive; the application reads 100 bytes per callback.
	 * Level-triggered: called again at the same instant until all is read.
	 * Edge-triggered: called once; the rest waits until new data arrives. */
	for (int edge = 0; edge <= 1; edge++) {
		struct fx f;
		fx_open(&f, NULL, SIM_MS(1), -1, 0);
		f.app.read_all = true;
		f.app.read_chunk = 100;
		f.app.max_reads = 1;
		fw_app_watch(&f.app, TCP_EV_READABLE, edge);
		fw_run_for(&f.w, SIM_MS(1));
		uint32_t base = f.app.calls;
		fw_run_until(&f.w, SIM_S(1));
		inject(&f, TCP_FLAG_ACK | TCP_FLAG_PSH, IRS + 1, ISS + 1, 65535, peer_data(0), 1000);
		fw_run_until(&f.w, SIM_S(2));
		if (!edge) {
			g_assert_cmpuint(f.app.calls - base, ==, 10);
			g_assert_cmpuint(f.app.bytes_read, ==, 1000);
			for (uint32_t i = base; i < f.app.calls; i++)
				g_assert_cmpint(g_array_index(f.app.call_times, sim_time_t, i), ==, SIM_S(1));
		} else {
			g_assert_cmpuint(f.app.calls - base, ==, 1);
			g_assert_cmpuint(f.app.bytes_read, ==, 100);
			g_assert_cmpuint(tcp_readable_bytes(f.s), ==, 900);
			inject(&f, TCP_FLAG_ACK | TCP_FLAG_PSH, IRS + 1001, ISS + 1, 65535, peer_data(1000), 10);
			fw_run_until(&f.w, SIM_S(3));
			g_assert_cmpuint(f.app.calls - base, ==, 2);
			g_assert_cmpuint(f.app.bytes_read, ==, 200);
		}
		fx_close(&f);
	}
}

static void test_writable_after_full(void)
{
	/* A 4 KiB send buffer: a large write is cut short, the next returns EAGAIN;
	 * when an ACK frees space, WRITABLE fires (edge-triggered: once). */
	struct fx f;
	fx_open(&f, NULL, SIM_MS(10), -1, 0);
	fw_drain(f.a);
	tcp_setsockopt(f.s, TCP_OPT_SNDBUF, 4096);
	fw_app_watch(&f.app, TCP_EV_WRITABLE, true);
	fw_run_for(&f.w, SIM_MS(1));
	uint32_t base = f.app.calls;
	g_assert_cmpint(tcp_send(f.s, pat, 10000), ==, 4096);
	g_assert_cmpint(tcp_send(f.s, pat, 10), ==, -EAGAIN);
	g_assert_cmpuint(tcp_writable_bytes(f.s), ==, 0);
	g_assert_cmpuint(tcp_poll(f.s) & TCP_EV_WRITABLE, ==, 0);
	fw_run_for(&f.w, SIM_MS(5));
	g_assert_cmpuint(f.app.calls, ==, base);
	inject(&f, TCP_FLAG_ACK, IRS + 1, ISS + 1461, 65535, NULL, 0);
	fw_run_for(&f.w, 0);
	g_assert_cmpuint(f.app.calls, ==, base + 1);
	g_assert_cmpuint(g_array_index(f.app.call_events, uint32_t, base), ==, TCP_EV_WRITABLE);
	g_assert_cmpuint(tcp_writable_bytes(f.s), ==, 1460);
	fx_close(&f);
}

static void test_callbacks_not_reentrant(void)
{
	/* A callback never runs inside a socket call: data arriving while the
	 * application is in tcp_send (a loopback-free check: the event is scheduled,
	 * delivered afterwards at the same time). */
	struct fx f;
	fx_open(&f, NULL, SIM_MS(1), -1, 0);
	f.app.read_all = true;
	fw_app_watch(&f.app, TCP_EV_READABLE, false);
	fw_run_for(&f.w, 0);
	uint32_t base = f.app.calls;
	inject(&f, TCP_FLAG_ACK | TCP_FLAG_PSH, IRS + 1, ISS + 1, 65535, peer_data(0), 10);
	g_assert_cmpuint(f.app.calls, ==, base); /* not yet: it is an event */
	fw_run_for(&f.w, 0);
	g_assert_cmpuint(f.app.calls, ==, base + 1);
	fx_close(&f);
}

int main(int argc, char **argv)
{
	for (size_t i = 0; i < sizeof(pat); i++)
		pat[i] = fw_pattern(77, i);
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/tcp/data/ack/delayed-timing", test_delayed_ack_timing);
	g_test_add_func("/tcp/data/ack/delayed-profiles", test_delayed_ack_profiles);
	g_test_add_func("/tcp/data/ack/out-of-order", test_out_of_order);
	g_test_add_func("/tcp/data/rto/linux", test_rto_linux);
	g_test_add_func("/tcp/data/rto/rfc", test_rto_rfc);
	g_test_add_func("/tcp/data/rto/cap-and-retries", test_rto_cap_and_retries);
	g_test_add_func("/tcp/data/rto/xmit-error-fails", test_xmit_error_fails);
	g_test_add_func("/tcp/data/persist/probes", test_zero_window_probes);
	g_test_add_func("/tcp/data/persist/ack-probes", test_zero_window_ack_probes);
	g_test_add_func("/tcp/data/established/beyond-window-trimmed", test_data_beyond_window_trimmed);
	g_test_add_func("/tcp/data/persist/peer-dies", test_zero_window_peer_dies);
	g_test_add_func("/tcp/data/persist/lost-update-end-to-end",
			test_zero_window_lost_update_end_to_end);
	g_test_add_func("/tcp/data/nagle/segments", test_nagle_segments);
	g_test_add_func("/tcp/data/nagle/many-small-writes", test_nagle_many_small_writes);
	g_test_add_func("/tcp/data/sws/receiver", test_receiver_sws);
	g_test_add_func("/tcp/data/sws/sender", test_sender_sws);
	g_test_add_func("/tcp/data/window-scaling", test_window_scaling);
	g_test_add_func("/tcp/data/fast-retransmit", test_fast_retransmit_limited_transmit);
	g_test_add_func("/tcp/data/pmtud", test_pmtud_frag_needed);
	g_test_add_func("/tcp/data/seq-wraparound", test_seq_wraparound);
	g_test_add_func("/tcp/data/integrity-fake-wire", test_integrity_fake_wire);
	g_test_add_func("/tcp/data/readiness/level-vs-edge", test_level_vs_edge);
	g_test_add_func("/tcp/data/readiness/writable-after-full", test_writable_after_full);
	g_test_add_func("/tcp/data/readiness/not-reentrant", test_callbacks_not_reentrant);
	return g_test_run();
}

/* tests/tcp/test_rcv.c — the receiver as Linux 6.18 runs it (models/tcp/ack.c,
 * rcvwnd.c): quick ACKs, the adaptive delayed-ACK timeout, interactive mode, the ACK
 * on read, the window and its growth, receive-buffer autotuning and clamping, and the
 * knobs that turn each rule off; the receive queues' memory accounting.
 *
 * The exchanges are those of the packetdrill scripts in tests/drill/scripts/ (checked
 * against Linux 6.18 with linux-run), written as step tables: host A listens on port
 * 8080, the peer (port 999, MSS 1000, window scale 7) opens at t = 0 and ACKs the
 * SYN-ACK 50 ms later (a 50 ms RTT); each step then happens `dt` after the previous
 * one, as a packetdrill line's "+dt": the peer sends, A must send exactly this segment
 * at exactly that time, or the application reads or writes. Sequence numbers are
 * relative to each side's ISN (both 0 here), as in packetdrill. */
#include <errno.h>
#include <glib.h>
#include <string.h>

#include "models/tcp/conn.h"
#include "tests/tcp/wire.h"

#define PEER 999
#define PORT 8080

enum op {
	IN,    /* the peer sends seq:seq+len with ACK ack and window win (flags added) */
	OUT,   /* A sends this segment now (flags, seq, ack, win, len) */
	READ,  /* the application reads up to len bytes and gets ret */
	WRITE, /* the application writes len bytes */
	QUIET, /* nothing is sent for dt */
};

struct step {
	enum op op;
	sim_time_t dt;
	uint8_t flags;
	uint32_t seq, len, ack;
	uint16_t win;
	int ret;
	sim_time_t late; /* OUT: may come up to this much later (the next step counts
			  * from when it came) */
};

#define MS(x) SIM_MS(x)
/* The peer's data and pure ACKs, and A's pure ACKs, the way the scripts write them. */
#define DATA(dt_, seq_, len_) \
	{ .op = IN, .dt = (dt_), .seq = (seq_), .len = (len_), .ack = 1, .win = 512 }
#define PSH(dt_, seq_, len_, ack_)                                                     \
	{ .op = IN, .dt = (dt_), .flags = TCP_FLAG_PSH, .seq = (seq_), .len = (len_), \
	  .ack = (ack_), .win = 512 }
#define PEERACK(dt_, seq_, ack_) { .op = IN, .dt = (dt_), .seq = (seq_), .ack = (ack_), .win = 512 }
#define ACKS(dt_, seq_, ack_, win_)                                                     \
	{ .op = OUT, .dt = (dt_), .flags = TCP_FLAG_ACK, .seq = (seq_), .ack = (ack_), \
	  .win = (win_) }
/* A delayed ACK whose timeout came from ato's arithmetic (a/2 + 20 ms per segment
 * arriving at once, which Linux does in 4 ms ticks and netsim in nanoseconds). */
#define ACKS_ATO(dt_, seq_, ack_, win_)                                                 \
	{ .op = OUT, .dt = (dt_), .flags = TCP_FLAG_ACK, .seq = (seq_), .ack = (ack_), \
	  .win = (win_), .late = MS(1) }
#define SENDS(dt_, seq_, len_, ack_, win_)                                     \
	{ .op = OUT, .dt = (dt_), .flags = TCP_FLAG_ACK | TCP_FLAG_PSH, .seq = (seq_), \
	  .len = (len_), .ack = (ack_), .win = (win_) }
#define RD(dt_, len_, ret_) { .op = READ, .dt = (dt_), .len = (len_), .ret = (ret_) }
#define WR(dt_, len_) { .op = WRITE, .dt = (dt_), .len = (len_) }

struct fx {
	struct fw w;
	struct tcp_sock *l, *c;
	sim_time_t t;
};

static uint8_t pat[1 << 20];

/* The passive open of the scripts; cfg NULL: the linux profile. */
static void fx_open(struct fx *f, const struct tcp_config *cfg)
{
	memset(f, 0, sizeof(*f));
	fw_init(&f->w, 1, cfg);
	f->l = tcp_socket(f->w.a.stack);
	tcp_sock_set_isn(f->l, 0);
	g_assert_cmpint(tcp_bind(f->l, IPV4_ANY, PORT), ==, 0);
	g_assert_cmpint(tcp_listen(f->l, 1), ==, 0);
	struct tcp_repr syn = { .src_port = PEER, .dst_port = PORT, .seq = 0, .flags = TCP_FLAG_SYN,
				.window = 65535, .has_mss = true, .mss = 1000, .has_wscale = true,
				.wscale = 7 };
	fw_inject(&f->w.a, &syn, NULL, 0);
	const struct fw_seg *sa = fw_pop(&f->w.a);
	bool rfc = cfg && cfg->rcv_window == TCP_RCV_WINDOW_RFC;
	fw_assert_seg(sa, TCP_FLAG_SYN | TCP_FLAG_ACK, 0, 1, rfc ? 65535 : 64240, 0);
	g_assert_cmpuint(sa->r.wscale, ==, rfc ? 2 : 10); /* rfc: for rcvbuf alone */
	f->t = MS(50);
	fw_run_until(&f->w, f->t);
	fw_inject_simple(&f->w.a, PEER, PORT, TCP_FLAG_ACK, 1, 1, 512, NULL, 0);
	int err;
	f->c = tcp_accept(f->l, &err);
	g_assert_nonnull(f->c);
}

static void fx_close(struct fx *f)
{
	if (f->c)
		tcp_abort(f->c);
	tcp_close(f->l);
	fw_fini(&f->w);
}

static void run_step(struct fx *f, const struct step *s)
{
	static uint8_t buf[1 << 18];
	struct fw_host *a = &f->w.a;
	f->t += s->dt;
	fw_run_until(&f->w, f->t);
	if (s->op != OUT && fw_pending(a) > 0) {
		char b[200];
		g_error("unexpected segment %s before the step at %.6f s",
			fw_seg_str(g_queue_peek_head(&a->sent), b, sizeof b), f->t / 1e9);
	}
	switch (s->op) {
	case IN:
		fw_inject_simple(a, PEER, PORT, TCP_FLAG_ACK | s->flags, s->seq, s->ack, s->win,
				 pat + s->seq, s->len);
		break;
	case OUT: {
		if (s->late)
			fw_run_until(&f->w, f->t + s->late);
		const struct fw_seg *x = fw_pop(a);
		if (!x)
			g_error("no segment at %.6f s (expected ack %u win %u)", f->t / 1e9, s->ack,
				s->win);
		fw_assert_seg(x, s->flags, s->seq, s->ack, s->win, s->len);
		g_assert_cmpint(x->time, >=, f->t);
		g_assert_cmpint(x->time, <=, f->t + s->late);
		f->t = x->time;
		break;
	}
	case READ:
		g_assert_cmpint(tcp_recv(f->c, buf, s->len), ==, s->ret);
		break;
	case WRITE:
		g_assert_cmpint(tcp_send(f->c, pat, s->len), ==, (ssize_t)s->len);
		break;
	case QUIET:
		break;
	}
}

static void run(struct fx *f, const struct step *steps, size_t n)
{
	for (size_t i = 0; i < n; i++)
		run_step(f, &steps[i]);
	g_assert_cmpuint(fw_pending(&f->w.a), ==, 0);
}

/* n back-to-back 1000-byte segments from seq, each ACKed at once with win, into s. */
static size_t quick_burst(struct step *s, uint32_t seq, int n, uint16_t win, sim_time_t dt)
{
	size_t k = 0;
	for (int i = 0; i < n; i++, seq += 1000) {
		s[k++] = (struct step)DATA(i == 0 ? dt : 0, seq, 1000);
		s[k++] = (struct step)ACKS(0, 1, seq + 1000, win);
	}
	return k;
}

/* ---- quick ACKs (tests/drill/scripts/quickack-start.pkt) ---- */

static void test_quickack_start(void)
{
	struct fx f;
	fx_open(&f, NULL);
	struct step s[64];
	/* min(64240 / (2 · 1000), 16) = 16 quick ACKs, window 62 << 10. */
	size_t n = quick_burst(s, 1, 16, 62, MS(100));
	for (uint32_t seq = 16001; seq < 22001; seq += 1000)
		s[n++] = (struct step)DATA(0, seq, 1000);
	/* Delayed 40 ms (nothing read: the window would shrink); the window offered is
	 * what is left of the last one, rounded up to 1 << 10. */
	s[n++] = (struct step)ACKS(MS(40), 1, 22001, 57);
	/* Silence longer than the RTO (250 ms): quick ACKs again. */
	s[n++] = (struct step)DATA(MS(300), 22001, 1000);
	s[n++] = (struct step)ACKS(0, 1, 23001, 57);
	s[n++] = (struct step)DATA(MS(300), 23001, 1000);
	s[n++] = (struct step)ACKS(0, 1, 24001, 57);
	s[n++] = (struct step)DATA(MS(10), 24001, 1000);
	s[n++] = (struct step)ACKS(0, 1, 25001, 57);
	run(&f, s, n);
	fx_close(&f);
}

/* ---- tests/drill/scripts/quickack-retransmit.pkt ---- */

static void test_quickack_retransmit(void)
{
	struct fx f;
	fx_open(&f, NULL);
	struct step s[64];
	size_t n = quick_burst(s, 1, 16, 62, MS(100));
	s[n++] = (struct step)RD(0, 16000, 16000);
	s[n++] = (struct step)DATA(MS(100), 16001, 1000);
	s[n++] = (struct step)ACKS(MS(40), 1, 17001, 62);
	/* The same segment again: ACKed at once, and quick ACKs again. */
	s[n++] = (struct step)DATA(MS(100), 16001, 1000);
	s[n++] = (struct step)ACKS(0, 1, 17001, 62);
	s[n++] = (struct step)DATA(MS(50), 17001, 1000);
	s[n++] = (struct step)ACKS(0, 1, 18001, 62);
	run(&f, s, n);
	fx_close(&f);
}

/* ---- tests/drill/scripts/delack-unread-window.pkt ---- */

static void test_unread_window(void)
{
	struct fx f;
	fx_open(&f, NULL);
	struct step s[160];
	size_t n = quick_burst(s, 1, 10, 62, MS(100));
	n += quick_burst(s + n, 10001, 6, 62, MS(100));
	static const uint16_t win[] = { 59, 50, 41, 32, 23 };
	uint32_t seq = 16001;
	for (int g = 0; g < 5; g++) {
		for (int i = g == 0 ? 6 : 0; i < 10; i++, seq += 1000)
			s[n++] = (struct step)DATA(i == 0 ? MS(60) : 0, seq, 1000);
		struct step exact = ACKS(MS(40), 1, seq, win[g]);
		struct step decayed = ACKS_ATO(MS(40), 1, seq, win[g]);
		s[n++] = g == 0 ? exact : decayed;
	}
	/* Reading it all more than doubles the window: a window update. */
	s[n++] = (struct step)RD(MS(60), 100000, 60000);
	s[n++] = (struct step)ACKS(0, 1, 60001, 56);
	run(&f, s, n);
	fx_close(&f);
}

/* ---- tests/drill/scripts/delack-rtt-bound.pkt ---- */

static void test_delack_rtt_bound(void)
{
	struct fx f;
	fx_open(&f, NULL);
	struct step s[64];
	size_t n = quick_burst(s, 1, 16, 62, MS(100));
	s[n++] = (struct step)RD(0, 16000, 16000);
	/* 40 ms; the timer fired, so 80 ms, bounded by the 50 ms RTT; again. */
	s[n++] = (struct step)DATA(MS(100), 16001, 1000);
	s[n++] = (struct step)RD(0, 1000, 1000);
	s[n++] = (struct step)ACKS(MS(40), 1, 17001, 62);
	for (uint32_t seq = 17001; seq < 19001; seq += 1000) {
		s[n++] = (struct step)DATA(MS(100), seq, 1000);
		s[n++] = (struct step)RD(0, 1000, 1000);
		s[n++] = (struct step)ACKS(MS(50), 1, seq + 1000, 62);
	}
	run(&f, s, n);
	fx_close(&f);
}

/* ---- tests/drill/scripts/ack-pingpong.pkt ---- */

static void test_pingpong(void)
{
	struct fx f;
	fx_open(&f, NULL);
	static const struct step s[] = {
		PSH(MS(100), 1, 100, 1),
		ACKS(0, 1, 101, 63),
		RD(0, 1000, 100),
		/* A reply within ato: interactive. */
		WR(MS(10), 100),
		SENDS(0, 1, 100, 101, 63),
		PEERACK(MS(50), 101, 101),
		/* No quick ACK: the reply carries it. */
		PSH(MS(50), 101, 100, 101),
		RD(0, 1000, 100),
		WR(MS(10), 100),
		SENDS(0, 101, 100, 201, 63),
		PEERACK(MS(50), 201, 201),
		/* No reply: the delayed ACK, and interactive mode ends. */
		PSH(MS(50), 201, 100, 201),
		RD(0, 1000, 100),
		ACKS(MS(40), 201, 301, 63),
		PSH(MS(100), 301, 100, 201),
		ACKS(0, 201, 401, 63),
	};
	run(&f, s, G_N_ELEMENTS(s));
	fx_close(&f);
}

/* ---- tests/drill/scripts/ack-on-read.pkt ---- */

static void test_ack_on_read(void)
{
	struct fx f;
	fx_open(&f, NULL);
	struct step s[64];
	size_t n = quick_burst(s, 1, 16, 62, MS(100));
	s[n++] = (struct step)RD(0, 16000, 16000);
	s[n++] = (struct step)PSH(MS(100), 16001, 100, 1);
	s[n++] = (struct step)RD(MS(5), 1000, 100);
	s[n++] = (struct step)ACKS(0, 1, 16101, 62);
	s[n++] = (struct step)PSH(MS(100), 16101, 100, 1);
	s[n++] = (struct step)PSH(MS(10), 16201, 100, 1);
	s[n++] = (struct step)RD(MS(10), 1000, 200);
	s[n++] = (struct step)ACKS(0, 1, 16301, 62);
	run(&f, s, n);
	fx_close(&f);
}

/* ---- tests/drill/scripts/rcvbuf-autotune.pkt ---- */

static void test_autotune(void)
{
	/* Bursts of 20 segments every 50 ms, read at once. Bursts 1–4: the read ACKs
	 * (the first after 16 quick ACKs) with the window the 128 KiB buffer allows; the
	 * receiver RTT (150 ms) is measured in burst 4 and the read after it grows the
	 * buffer to 920875 (Linux tcp_rcvbuf_grow: 2 · 42000 + 4 · 42000 · (42000 −
	 * 14600) / 14600 of window at 111/256 payload per byte); from burst 5 every
	 * segment is ACKed at once with a window two segments larger. */
	struct fx f;
	fx_open(&f, NULL);
	struct step s[200];
	size_t n = quick_burst(s, 1, 16, 62, MS(100));
	for (uint32_t seq = 16001; seq < 20001; seq += 1000)
		s[n++] = (struct step)DATA(0, seq, 1000);
	s[n++] = (struct step)RD(0, 20000, 20000);
	s[n++] = (struct step)ACKS(0, 1, 20001, 59);
	uint32_t seq = 20001;
	for (int b = 1; b < 4; b++) {
		for (int i = 0; i < 20; i++, seq += 1000)
			s[n++] = (struct step)DATA(i == 0 ? MS(50) : 0, seq, 1000);
		s[n++] = (struct step)RD(0, 20000, 20000);
		s[n++] = (struct step)ACKS(0, 1, seq, 56);
	}
	run(&f, s, n);
	int64_t rb;
	tcp_getsockopt(f.c, TCP_OPT_RCVBUF, &rb);
	g_assert_cmpint(rb, ==, 920875);
	/* Burst 5: 59, 62, 65, 67, ... 113 (rcv_ssthresh + 2920 per segment, << 10
	 * rounded up). */
	static const uint16_t win5[] = { 59, 62, 65, 67, 70, 73, 76, 79, 82, 85,
					 87, 90, 93, 96, 99, 102, 104, 107, 110, 113 };
	n = 0;
	for (int i = 0; i < 20; i++, seq += 1000) {
		s[n++] = (struct step)DATA(i == 0 ? MS(50) : 0, seq, 1000);
		s[n++] = (struct step)ACKS(0, 1, seq + 1000, win5[i]);
	}
	s[n++] = (struct step)RD(0, 20000, 20000);
	run(&f, s, n);
	/* Without autotuning (or with SO_RCVBUF set) the buffer stays. */
	fx_close(&f);
	for (int variant = 0; variant < 2; variant++) {
		struct tcp_config cfg;
		tcp_config_defaults(&cfg, TCP_PROFILE_LINUX);
		cfg.moderate_rcvbuf = variant == 0;
		fw_init(&f.w, 1, &cfg);
		fw_link(&f.w, MS(25));
		struct tcp_sock *l = tcp_socket(f.w.b.stack);
		tcp_bind(l, IPV4_ANY, 80);
		tcp_listen(l, 1);
		struct tcp_sock *c = tcp_socket(f.w.a.stack);
		struct fw_app tx;
		fw_app_init(&tx, c);
		tx.to_write = 4000000;
		fw_app_watch(&tx, TCP_EV_WRITABLE, false);
		tcp_connect(c, FW_ADDR_B, 80);
		fw_run_until(&f.w, MS(100));
		int err;
		struct tcp_sock *r = tcp_accept(l, &err);
		if (variant == 0)
			g_assert_cmpint(tcp_setsockopt(r, TCP_OPT_RCVBUF, 131072), ==, 0);
		struct fw_app rx;
		fw_app_init(&rx, r);
		rx.read_all = true;
		fw_app_watch(&rx, TCP_EV_READABLE, false);
		fw_run_until(&f.w, SIM_S(3));
		tcp_getsockopt(r, TCP_OPT_RCVBUF, &rb);
		g_assert_cmpint(rb, ==, 131072);
		g_assert_cmpuint(rx.bytes_read, >, 0);
		fw_app_fini(&rx);
		fw_app_fini(&tx);
		tcp_abort(r);
		tcp_abort(c);
		tcp_close(l);
		fw_fini(&f.w);
	}
}

/* ---- every rule can be turned off ---- */

static struct tcp_config linux_cfg(void)
{
	struct tcp_config cfg;
	tcp_config_defaults(&cfg, TCP_PROFILE_LINUX);
	return cfg;
}

static void test_knobs_off(void)
{
	struct fx f;
	/* quickack_max 0: the first data waits the delayed-ACK timeout; with the window
	 * check, so does the second full-sized segment while nothing is read (the
	 * window would shrink); without it, the second is ACKed at once (RFC 1122). */
	struct tcp_config cfg = linux_cfg();
	cfg.quickack_max = 0;
	fx_open(&f, &cfg);
	static const struct step check[] = {
		DATA(MS(100), 1, 1000), DATA(MS(10), 1001, 1000), ACKS(MS(30), 1, 2001, 61),
	};
	run(&f, check, G_N_ELEMENTS(check));
	fx_close(&f);
	cfg.delack_window_check = false;
	fx_open(&f, &cfg);
	static const struct step nocheck[] = {
		DATA(MS(100), 1, 1000), DATA(MS(10), 1001, 1000), ACKS(0, 1, 2001, 61),
	};
	run(&f, nocheck, G_N_ELEMENTS(nocheck));
	fx_close(&f);

	/* ack_on_read off: a small segment read at once still waits for the timer. */
	cfg = linux_cfg();
	cfg.quickack_max = 0;
	cfg.ack_on_read = false;
	fx_open(&f, &cfg);
	static const struct step noread[] = {
		PSH(MS(100), 1, 100, 1), RD(MS(5), 1000, 100), ACKS(MS(35), 1, 101, 63),
	};
	run(&f, noread, G_N_ELEMENTS(noread));
	fx_close(&f);

	/* delack_adaptive off: 40 ms every time (the timeout neither doubles nor
	 * follows the RTT). */
	cfg = linux_cfg();
	cfg.quickack_max = 0;
	cfg.delack_adaptive = false;
	fx_open(&f, &cfg);
	static const struct step fixed[] = {
		DATA(MS(100), 1, 1000),	   RD(0, 1000, 1000), ACKS(MS(40), 1, 1001, 62),
		DATA(MS(100), 1001, 1000), RD(0, 1000, 1000), ACKS(MS(40), 1, 2001, 62),
		DATA(MS(100), 2001, 1000), RD(0, 1000, 1000), ACKS(MS(40), 1, 3001, 62),
	};
	run(&f, fixed, G_N_ELEMENTS(fixed));
	fx_close(&f);

	/* ack_pingpong 0: a prompt reply does not make the connection interactive;
	 * the next request is quick-ACKed. */
	cfg = linux_cfg();
	cfg.ack_pingpong = 0;
	fx_open(&f, &cfg);
	static const struct step nopp[] = {
		PSH(MS(100), 1, 100, 1),   ACKS(0, 1, 101, 63),	       RD(0, 1000, 100),
		WR(MS(10), 100),	   SENDS(0, 1, 100, 101, 63),  PEERACK(MS(50), 101, 101),
		PSH(MS(50), 101, 100, 101), ACKS(0, 101, 201, 63),
	};
	run(&f, nopp, G_N_ELEMENTS(nopp));
	fx_close(&f);
}

/* TCP_QUICKACK: 0 makes the connection interactive (no quick ACK for the first data,
 * the delayed ACK instead, which ends the mode: the option is not sticky); 1 ends it,
 * and the ACK owed for an emptied buffer goes at once (Linux __tcp_sock_set_quickack). */
static void test_quickack_option(void)
{
	struct fx f;
	fx_open(&f, NULL);
	int64_t v;
	g_assert_cmpint(tcp_getsockopt(f.c, TCP_OPT_QUICKACK, &v), ==, 0);
	g_assert_cmpint(v, ==, 1);
	g_assert_cmpint(tcp_setsockopt(f.c, TCP_OPT_QUICKACK, 0), ==, 0);
	g_assert_cmpint(tcp_getsockopt(f.c, TCP_OPT_QUICKACK, &v), ==, 0);
	g_assert_cmpint(v, ==, 0);
	static const struct step s1[] = {
		PSH(MS(100), 1, 100, 1), RD(0, 1000, 100), ACKS(MS(40), 1, 101, 63),
	};
	run(&f, s1, G_N_ELEMENTS(s1));
	g_assert_cmpint(tcp_getsockopt(f.c, TCP_OPT_QUICKACK, &v), ==, 0);
	g_assert_cmpint(v, ==, 1);
	g_assert_cmpint(tcp_setsockopt(f.c, TCP_OPT_QUICKACK, 0), ==, 0);
	static const struct step s2[] = {
		PSH(MS(100), 101, 100, 1), RD(MS(10), 1000, 100), { .op = QUIET, .dt = MS(10) },
	};
	run(&f, s2, G_N_ELEMENTS(s2));
	g_assert_cmpint(tcp_setsockopt(f.c, TCP_OPT_QUICKACK, 1), ==, 0);
	const struct fw_seg *a = fw_pop(&f.w.a);
	fw_assert_seg(a, TCP_FLAG_ACK, 1, 201, 63, 0);
	g_assert_cmpint(a->time, ==, f.t);
	fx_close(&f);
}

/* ---- memory: clamping, dropping ---- */

/* One-byte segments cost 832 bytes each (tun's small head, rcvwnd.c): nothing read,
 * 160 of them overrun the 128 KiB buffer, which grows to what is in use (Linux
 * tcp_clamp_window); one fixed by SO_RCVBUF cannot: the segment is dropped and the
 * ACK, at once, offers a zero window (Linux tcp_data_queue, ICSK_ACK_NOMEM). */
static void test_clamp_window(void)
{
	for (int fixed = 0; fixed < 2; fixed++) {
		struct fx f;
		fx_open(&f, NULL);
		if (fixed)
			g_assert_cmpint(tcp_setsockopt(f.c, TCP_OPT_RCVBUF, 131072), ==, 0);
		fw_run_until(&f.w, MS(100));
		for (uint32_t seq = 1; seq <= 160; seq++)
			fw_inject_simple(&f.w.a, PEER, PORT, TCP_FLAG_ACK | TCP_FLAG_PSH, seq, 1, 512,
					 pat, 1);
		int64_t rb;
		tcp_getsockopt(f.c, TCP_OPT_RCVBUF, &rb);
		g_assert_cmpuint(tcp_readable_bytes(f.c), ==, fixed ? 158 : 160);
		g_assert_cmpint(rb, ==, fixed ? 131072 : 159 * 832);
		/* The quick ACKs, then (fixed) the zero window for segment 159. */
		const struct fw_seg *x, *last = NULL;
		while ((x = fw_pop(&f.w.a)))
			last = x;
		g_assert_nonnull(last);
		if (fixed) {
			fw_assert_seg(last, TCP_FLAG_ACK, 1, 159, 0, 0);
			g_assert_cmpint(last->time, ==, MS(100));
		} else {
			g_assert_cmpuint(last->r.ack, ==, 17); /* the 16th quick ACK */
		}
		fx_close(&f);
	}
}

/* The orphaned FIN-WAIT-2 lasts at least 3.5 RTO (Linux tcp_fin_time): with
 * fin_wait2_timeout 100 ms and an RTO of 252 ms (50 ms RTT + 200 ms in 4 ms
 * jiffies), 882 ms. */
static void test_fin_wait2_floor(void)
{
	struct tcp_config cfg = linux_cfg();
	cfg.fin_wait2_timeout = MS(100);
	struct fx f;
	fx_open(&f, &cfg);
	tcp_close(f.c);
	f.c = NULL;
	fw_assert_seg(fw_pop(&f.w.a), TCP_FLAG_FIN | TCP_FLAG_ACK, 1, 1, 63, 0);
	fw_run_until(&f.w, MS(100));
	fw_inject_simple(&f.w.a, PEER, PORT, TCP_FLAG_ACK, 1, 2, 512, NULL, 0);
	/* The listener and the orphan, then the listener alone. */
	fw_run_until(&f.w, MS(100) + MS(882) - 1);
	g_assert_cmpuint(tcp_stack_stats(f.w.a.stack)->conns_live, ==, 2);
	fw_run_until(&f.w, MS(100) + MS(882));
	g_assert_cmpuint(tcp_stack_stats(f.w.a.stack)->conns_live, ==, 1);
	g_assert_cmpuint(fw_pending(&f.w.a), ==, 0);
	tcp_close(f.l);
	fw_fini(&f.w);
}

/* keepalive_rst false: no RST when keepalive gives up (here under the rfc profile). */
static void test_keepalive_no_rst(void)
{
	struct tcp_config cfg;
	tcp_config_defaults(&cfg, TCP_PROFILE_RFC);
	cfg.keepalive_rst = false;
	struct fx f;
	fx_open(&f, &cfg);
	tcp_setsockopt(f.c, TCP_OPT_KEEPALIVE, 1);
	tcp_setsockopt(f.c, TCP_OPT_KEEPIDLE, SIM_S(1));
	tcp_setsockopt(f.c, TCP_OPT_KEEPINTVL, SIM_S(1));
	tcp_setsockopt(f.c, TCP_OPT_KEEPCNT, 2);
	fw_run_until(&f.w, SIM_S(10));
	for (int i = 0; i < 2; i++)
		fw_assert_seg(fw_pop(&f.w.a), TCP_FLAG_ACK, 0, 1, 131072 >> 2, 0);
	g_assert_cmpuint(fw_pending(&f.w.a), ==, 0);
	g_assert_cmpstr(tcp_state_name(f.c), ==, "CLOSED");
	fx_close(&f);
}

/* ---- the queues' memory accounting (rcvq.h) ---- */

static struct sim_packet *seg_pkt(struct sim *sim, uint32_t len)
{
	struct sim_packet *p = sim_packet_new(sim, 0, len);
	memset(p->data, 'x', len);
	return p;
}

static void test_queue_memory(void)
{
	struct sim sim;
	sim_init(&sim, 1);
	struct tcp_rcvq q;
	tcp_rcvq_init(&q);
	tcp_rcvq_append(&q, seg_pkt(&sim, 1000), 2304);
	tcp_rcvq_append(&q, seg_pkt(&sim, 100), 832);
	tcp_rcvq_append(&q, seg_pkt(&sim, 0), 832); /* empty: freed, not charged */
	g_assert_cmpuint(q.bytes, ==, 1100);
	g_assert_cmpuint(q.mem, ==, 3136);
	/* A partial read keeps the whole charge (as Linux's skb) until the packet goes. */
	g_assert_cmpuint(tcp_rcvq_read(&q, NULL, 999), ==, 999);
	g_assert_cmpuint(q.mem, ==, 3136);
	g_assert_cmpuint(tcp_rcvq_read(&q, NULL, 1), ==, 1);
	g_assert_cmpuint(q.mem, ==, 832);
	tcp_rcvq_clear(&q);
	g_assert_cmpuint(q.mem, ==, 0);

	struct tcp_ooo o;
	tcp_ooo_init(&o);
	g_assert_cmpuint(tcp_ooo_insert(&o, seg_pkt(&sim, 1000), 3000, false, 2304, NULL), ==, 1000);
	g_assert_cmpuint(tcp_ooo_insert(&o, seg_pkt(&sim, 1000), 3000, false, 2304, NULL), ==, 0);
	g_assert_cmpuint(o.mem, ==, 2304); /* the duplicate was freed */
	/* A larger segment covering the first replaces it: its charge goes with it. */
	g_assert_cmpuint(tcp_ooo_insert(&o, seg_pkt(&sim, 1400), 2800, false, 2304, NULL), ==, 1400);
	g_assert_cmpuint(o.count, ==, 1);
	g_assert_cmpuint(o.mem, ==, 2304);
	g_assert_cmpuint(tcp_ooo_insert(&o, seg_pkt(&sim, 500), 1000, true, 1280, NULL), ==, 500);
	g_assert_cmpuint(o.mem, ==, 3584);
	g_assert_cmpuint(tcp_ooo_end(&o), ==, 4200);
	/* Popped in order, each with its charge, which the in-order queue takes over. */
	struct sim_packet *p = tcp_ooo_pop(&o, 1000);
	g_assert_nonnull(p);
	g_assert_cmpuint(tcp_pkt_mem(p), ==, 1280);
	g_assert_true(tcp_pkt_fin(p));
	g_assert_cmpuint(o.mem, ==, 2304);
	tcp_rcvq_append(&q, p, tcp_pkt_mem(p));
	g_assert_cmpuint(q.mem, ==, 1280);
	tcp_rcvq_clear(&q);
	tcp_ooo_clear(&o);
	g_assert_cmpuint(o.mem, ==, 0);
	sim_fini(&sim);
}

/* Linux's truesize of a tun frame (rcvwnd.c), at the boundaries measured on Linux
 * 6.18 (a 40-byte header), and the payload accounting of the rfc profile. */
static void test_truesize(void)
{
	struct tcp_config cfg = linux_cfg();
	struct tcp_sock c = { .cfg = &cfg };
	static const uint32_t len[] = { 1, 152, 153, 600, 601, 1460, 1624, 1625 };
	static const uint32_t mem[] = { 832, 832, 1280, 1280, 2304, 2304, 2304, 4352 };
	for (size_t i = 0; i < G_N_ELEMENTS(len); i++)
		g_assert_cmpuint(tcp_rcvwnd_truesize(&c, len[i], len[i] + 40), ==, mem[i]);
	cfg.rcvbuf_accounting = TCP_RCVBUF_PAYLOAD;
	g_assert_cmpuint(tcp_rcvwnd_truesize(&c, 1000, 1040), ==, 1000);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	for (size_t i = 0; i < sizeof(pat); i++)
		pat[i] = fw_pattern(3, i);
	g_test_add_func("/tcp/rcv/quickack/start", test_quickack_start);
	g_test_add_func("/tcp/rcv/quickack/retransmit", test_quickack_retransmit);
	g_test_add_func("/tcp/rcv/delack/unread-window", test_unread_window);
	g_test_add_func("/tcp/rcv/delack/rtt-bound", test_delack_rtt_bound);
	g_test_add_func("/tcp/rcv/delack/pingpong", test_pingpong);
	g_test_add_func("/tcp/rcv/delack/ack-on-read", test_ack_on_read);
	g_test_add_func("/tcp/rcv/window/autotune", test_autotune);
	g_test_add_func("/tcp/rcv/knobs-off", test_knobs_off);
	g_test_add_func("/tcp/rcv/quickack-option", test_quickack_option);
	g_test_add_func("/tcp/rcv/window/clamp", test_clamp_window);
	g_test_add_func("/tcp/rcv/fin-wait-2-floor", test_fin_wait2_floor);
	g_test_add_func("/tcp/rcv/keepalive-no-rst", test_keepalive_no_rst);
	g_test_add_func("/tcp/rcv/queue-memory", test_queue_memory);
	g_test_add_func("/tcp/rcv/truesize", test_truesize);
	return g_test_run();
}

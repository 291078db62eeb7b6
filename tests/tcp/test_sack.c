/* tests/tcp/test_sack.c — SACK (RFC 2018), DSACK (RFC 2883), SACK-based recovery (RFC
 * 6675) and timestamps (RFC 7323) on exact segments.
 *
 * Host A runs netsim's TCP on the fake wire (tests/tcp/wire.h); the test plays the
 * peer, which offers SACK and timestamps on its SYN-ACK unless a test says otherwise,
 * injects exact segments and checks A's answers field by field:
 *   negotiation   the SYN's options; each used only when both SYNs carry it; the MSS
 *                 less the timestamps (1448); interop with a peer that has neither;
 *   receiver      SACK blocks most recent first, up to 3 beside timestamps and 4
 *                 without, dropped when RCV.NXT reaches them; DSACK for a duplicate
 *                 below RCV.NXT, a partial one, an out-of-order one (the holding
 *                 block second), each sent once; and the same segments Linux answered
 *                 in tests/vectors/linux-sack.pcap answered with Linux's blocks;
 *   timestamps    TS.Recent (Last.ACK.sent, holes), PAWS (drop and ACK, RST exempt,
 *                 24 days), an RTT sample from TSecr for retransmitted data;
 *   sender        IsLost(HighACK + 1) starting recovery on one ACK, NextSeg rules 1 to
 *                 4 in order within cwnd − pipe, every hole resent in one round trip,
 *                 the timeout keeping the scoreboard, reneging clearing it, DSACKs
 *                 counted as spurious retransmissions;
 *   linux         recovery linux (RFC 8985, 5682): RACK's reordering timer, the tail
 *                 loss probe and F-RTO's spurious-timeout undo at exact times (the
 *                 drill scripts of tests/drill/scripts check the rest against Linux).
 * White-box where the scoreboard's counters are checked (conn.h's struct tcp_sock).
 */
#include <glib.h>
#include <string.h>

#include "models/tcp/conn.h"
#include "models/tcp/info.h"
#include "sim/core/bytes.h"
#include "tests/common/pcapread.h"
#include "tests/tcp/wire.h"

#define LPORT 40000
#define RPORT 80
#define ISS 1000u
#define IRS 5000u
#define MSS_TS 1448u            /* 1460 less the timestamps */
#define PEER_TS0 100u           /* the peer's first TSval */
#define P 1000u                 /* the peer's data segments: 1000 bytes */

static uint8_t pat[1 << 18];

struct fx {
	struct fw w;
	struct fw_host *a;
	struct tcp_sock *s;
	bool peer_sack, peer_ts;
	uint32_t peer_tsval;    /* TSval of the peer's next segment */
	uint32_t a_tsval;       /* the latest TSval A sent */
};

/* Sequence number of the peer's data segment k, and of A's data segment k. */
static uint32_t S(uint32_t k)
{
	return IRS + 1 + k * P;
}

static uint32_t D(uint32_t k)
{
	return ISS + 1 + k * MSS_TS;
}

static const struct fw_seg *pop(struct fx *f)
{
	const struct fw_seg *s = fw_pop(f->a);
	g_assert_nonnull(s);
	g_assert_true(s->csum_ok);
	if (s->r.has_timestamp)
		f->a_tsval = s->r.ts_val;
	return s;
}

/* A connects (linux profile unless cfg) and the peer answers at 10 ms with MSS 1460
 * and, as asked, SACK-permitted and timestamps. */
static void fx_open(struct fx *f, const struct tcp_config *cfg, bool sack, bool ts)
{
	memset(f, 0, sizeof(*f));
	/* The linux profile without its quick-ACK start and its window check on
	 * delayed ACKs (ack.c; nothing reads here), so that the ACKs below come where
	 * RFC 1122 puts them, and with RFC 6675's recovery, which these tests are
	 * about (Linux's own, recovery linux, is checked by the drill scripts). */
	struct tcp_config linux_cfg;
	if (!cfg) {
		tcp_config_defaults(&linux_cfg, TCP_PROFILE_LINUX);
		linux_cfg.quickack_max = 0;
		linux_cfg.delack_window_check = false;
		linux_cfg.recovery = TCP_RECOVERY_RFC6675;
		linux_cfg.cc_cfg.hz = 0; /* RTOs of the estimator's exact value */
		cfg = &linux_cfg;
	}
	fw_init(&f->w, 1, cfg);
	f->a = &f->w.a;
	f->peer_sack = sack;
	f->peer_ts = ts;
	f->peer_tsval = PEER_TS0;
	f->s = tcp_socket(f->a->stack);
	tcp_sock_set_isn(f->s, ISS);
	g_assert_cmpint(tcp_bind(f->s, IPV4_ANY, LPORT), ==, 0);
	g_assert_cmpint(tcp_connect(f->s, FW_ADDR_B, RPORT), ==, 0);
	pop(f);
	fw_run_until(&f->w, SIM_MS(10));
	struct tcp_repr r = { .src_port = RPORT, .dst_port = LPORT, .seq = IRS, .ack = ISS + 1,
			      .flags = TCP_FLAG_SYN | TCP_FLAG_ACK, .window = 65535,
			      .has_mss = true, .mss = 1460, .has_sack_perm = sack,
			      .has_timestamp = ts, .ts_val = f->peer_tsval, .ts_ecr = f->a_tsval };
	fw_inject(f->a, &r, NULL, 0);
	g_assert_cmpstr(tcp_state_name(f->s), ==, "ESTABLISHED");
	const struct fw_seg *ack = pop(f);
	g_assert_cmphex(ack->r.flags, ==, TCP_FLAG_ACK);
	g_assert_cmpuint(ack->r.ack, ==, IRS + 1);
}

static void fx_close(struct fx *f)
{
	tcp_abort(f->s);
	fw_fini(&f->w);
}

/* A segment from the peer with its timestamp (TSecr = A's latest TSval) and `n`
 * SACK blocks given as [start, end) pairs. */
static void peer(struct fx *f, uint8_t flags, uint32_t seq, uint32_t ack, const void *data,
		 uint32_t len, uint32_t n, const uint32_t *blocks)
{
	struct tcp_repr r = { .src_port = RPORT, .dst_port = LPORT, .seq = seq, .ack = ack,
			      .flags = flags, .window = 65535, .has_timestamp = f->peer_ts,
			      .ts_val = f->peer_tsval, .ts_ecr = f->a_tsval,
			      .sack_count = (uint8_t)n };
	for (uint32_t i = 0; i < n; i++)
		r.sack[i] = (struct tcp_sack_block){ blocks[2 * i], blocks[2 * i + 1] };
	fw_inject(f->a, &r, data, len);
}

/* The peer's data segment k (1000 bytes). */
static void peer_data(struct fx *f, uint32_t k)
{
	peer(f, TCP_FLAG_ACK, S(k), ISS + 1, pat + k * P, P, 0, NULL);
}

/* An ACK from the peer for A's data, with SACK blocks in A's segment numbers. */
static void peer_ack(struct fx *f, uint32_t ack_seg, uint32_t n, const uint32_t *segs)
{
	uint32_t b[8];
	for (uint32_t i = 0; i < 2 * n; i++)
		b[i] = D(segs[i]);
	peer(f, TCP_FLAG_ACK, IRS + 1, D(ack_seg), NULL, 0, n, b);
}

/* Asserts an ACK from A acknowledging `ack` with exactly these blocks. */
static const struct fw_seg *expect_ack(struct fx *f, uint32_t ack, uint32_t n,
				       const uint32_t *blocks)
{
	const struct fw_seg *s = pop(f);
	char b[240];
	g_test_message("A: %s", fw_seg_str(s, b, sizeof b));
	g_assert_cmphex(s->r.flags, ==, TCP_FLAG_ACK);
	g_assert_cmpuint(s->r.ack, ==, ack);
	g_assert_cmpuint(s->r.sack_count, ==, n);
	for (uint32_t i = 0; i < n; i++) {
		g_assert_cmpuint(s->r.sack[i].start, ==, blocks[2 * i]);
		g_assert_cmpuint(s->r.sack[i].end, ==, blocks[2 * i + 1]);
	}
	return s;
}

/* Asserts a data segment from A starting at A's segment k. */
static void expect_data(struct fx *f, uint32_t k)
{
	const struct fw_seg *s = pop(f);
	char b[240];
	g_test_message("A: %s", fw_seg_str(s, b, sizeof b));
	g_assert_cmpuint(s->r.seq, ==, D(k));
	g_assert_cmpuint(s->r.payload_len, ==, MSS_TS);
}

/* ---- negotiation ---- */

static void test_negotiation(void)
{
	struct fx f;
	fx_open(&f, NULL, true, true);
	/* RFC 7323 §3.2: a TSopt on every segment, NOP NOP TS (Linux's layout); the MSS
	 * less its 12 bytes (Linux tcp_sync_mss). */
	g_assert_cmpint(tcp_send(f.s, pat, 2 * MSS_TS), ==, 2 * MSS_TS);
	const struct fw_seg *d = pop(&f);
	g_assert_cmpuint(d->r.payload_len, ==, MSS_TS);
	g_assert_cmpuint(d->r.hdr_len, ==, 32);
	const uint8_t nop_nop_ts[] = { 1, 1, 8, 10 };
	g_assert_cmpmem(d->bytes + 20, 4, nop_nop_ts, 4);
	g_assert_cmpuint(d->r.ts_ecr, ==, PEER_TS0);
	g_assert_cmpuint(d->len, ==, 1480); /* + IPv4 20 = 1500, the MTU */
	struct tcp_stats st;
	tcp_sock_get_stats(f.s, &st);
	g_assert_true(st.sack && st.timestamps);
	g_assert_false(st.wscale); /* the peer sent no window scale */
	g_assert_cmpuint(st.mss, ==, MSS_TS);
	fx_close(&f);

	/* A SYN-ACK with neither: neither is used. */
	fx_open(&f, NULL, false, false);
	g_assert_cmpint(tcp_send(f.s, pat, 1460), ==, 1460);
	d = pop(&f);
	g_assert_cmpuint(d->r.payload_len, ==, 1460);
	g_assert_cmpuint(d->r.hdr_len, ==, 20);
	tcp_sock_get_stats(f.s, &st);
	g_assert_false(st.sack || st.timestamps);
	fx_close(&f);

	/* SACK without timestamps: the SYN-ACK accepts SACK-permitted only. */
	fx_open(&f, NULL, true, false);
	tcp_sock_get_stats(f.s, &st);
	g_assert_true(st.sack);
	g_assert_false(st.timestamps);
	g_assert_cmpuint(st.mss, ==, 1460);
	fx_close(&f);
}

/* A passive A answers a SYN with what the SYN offered, laid out as Linux does. */
static void test_synack_options(void)
{
	static const struct {
		bool sack, ts;
		uint32_t hdr;
	} cases[] = { { true, true, 40 }, { true, false, 32 }, { false, true, 40 },
		      { false, false, 28 } };
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct fw w;
		fw_init(&w, 1, NULL);
		struct tcp_sock *l = tcp_socket(w.a.stack);
		g_assert_cmpint(tcp_bind(l, IPV4_ANY, RPORT), ==, 0);
		g_assert_cmpint(tcp_listen(l, 4), ==, 0);
		struct tcp_repr syn = { .src_port = LPORT, .dst_port = RPORT, .seq = IRS,
					.flags = TCP_FLAG_SYN, .window = 65535, .has_mss = true,
					.mss = 1460, .has_wscale = true, .wscale = 7,
					.has_sack_perm = cases[i].sack, .has_timestamp = cases[i].ts,
					.ts_val = 777 };
		fw_inject(&w.a, &syn, NULL, 0);
		const struct fw_seg *sa = fw_pop(&w.a);
		g_assert_nonnull(sa);
		g_assert_cmphex(sa->r.flags, ==, TCP_FLAG_SYN | TCP_FLAG_ACK);
		g_assert_cmpint(sa->r.has_sack_perm, ==, cases[i].sack);
		g_assert_cmpint(sa->r.has_timestamp, ==, cases[i].ts);
		if (cases[i].ts)
			g_assert_cmpuint(sa->r.ts_ecr, ==, 777); /* RFC 7323 §3.2: the SYN's TSval */
		g_assert_cmpuint(sa->r.hdr_len, ==, cases[i].hdr);
		tcp_close(l);
		fw_fini(&w);
	}
}

/* ---- the receiver's blocks (RFC 2018 §4) ---- */

static void test_receiver_blocks(void)
{
	struct fx f;
	fx_open(&f, NULL, true, true);
	/* Segment 0 lost; 1, 3, 5, 7 arrive: each draws an immediate ACK whose first
	 * block holds the newest segment, then the most recent others, three at most
	 * beside the timestamps. */
	peer_data(&f, 1);
	expect_ack(&f, S(0), 1, (uint32_t[]){ S(1), S(2) });
	peer_data(&f, 3);
	expect_ack(&f, S(0), 2, (uint32_t[]){ S(3), S(4), S(1), S(2) });
	peer_data(&f, 5);
	expect_ack(&f, S(0), 3, (uint32_t[]){ S(5), S(6), S(3), S(4), S(1), S(2) });
	peer_data(&f, 7);
	const struct fw_seg *a =
		expect_ack(&f, S(0), 3, (uint32_t[]){ S(7), S(8), S(5), S(6), S(3), S(4) });
	g_assert_cmpuint(a->r.hdr_len, ==, 60); /* 20 + NOP NOP TS 12 + NOP NOP SACK 28 */
	const uint8_t layout[] = { 1, 1, 8, 10 };
	g_assert_cmpmem(a->bytes + 20, 4, layout, 4);
	const uint8_t sack_hdr[] = { 1, 1, 5, 26 };
	g_assert_cmpmem(a->bytes + 32, 4, sack_hdr, 4);
	/* Segment 2 joins blocks 1 and 3, which become the first block. */
	peer_data(&f, 2);
	expect_ack(&f, S(0), 3, (uint32_t[]){ S(1), S(4), S(7), S(8), S(5), S(6) });
	/* Segment 0 fills the hole: RCV.NXT reaches the block, which goes. */
	peer_data(&f, 0);
	expect_ack(&f, S(4), 2, (uint32_t[]){ S(7), S(8), S(5), S(6) });
	fx_close(&f);

	/* Without timestamps four blocks fit (RFC 2018 §3). */
	fx_open(&f, NULL, true, false);
	for (uint32_t k = 1; k <= 7; k += 2)
		peer_data(&f, k);
	for (int i = 0; i < 3; i++)
		pop(&f);
	expect_ack(&f, S(0), 4, (uint32_t[]){ S(7), S(8), S(5), S(6), S(3), S(4), S(1), S(2) });
	fx_close(&f);
}

/* ---- DSACK (RFC 2883 §4) ---- */

static void test_dsack(void)
{
	struct fx f;
	fx_open(&f, NULL, true, true);
	peer_data(&f, 0);
	peer_data(&f, 1);
	expect_ack(&f, S(2), 0, NULL);
	/* A duplicate below RCV.NXT: an immediate ACK whose first (only) block is it. */
	peer_data(&f, 0);
	expect_ack(&f, S(2), 1, (uint32_t[]){ S(0), S(1) });
	/* Sent once: the next ACK has no block. */
	peer_data(&f, 2);
	peer_data(&f, 3);
	expect_ack(&f, S(4), 0, NULL);
	/* Partly duplicate: only the duplicated part is reported (here on the delayed
	 * ACK of its new half). */
	peer(&f, TCP_FLAG_ACK, S(3) + 500, ISS + 1, pat + 3 * P + 500, P, 0, NULL);
	fw_run_for(&f.w, SIM_MS(40));
	expect_ack(&f, S(4) + 500, 1, (uint32_t[]){ S(3) + 500, S(4) });
	/* A duplicate of out-of-order data: the DSACK block, then the block holding it
	 * (RFC 2883 §4.1.3's second block). */
	peer(&f, TCP_FLAG_ACK, S(6), ISS + 1, pat, P, 0, NULL);
	expect_ack(&f, S(4) + 500, 1, (uint32_t[]){ S(6), S(7) });
	peer(&f, TCP_FLAG_ACK, S(7), ISS + 1, pat, P, 0, NULL);
	expect_ack(&f, S(4) + 500, 1, (uint32_t[]){ S(6), S(8) });
	peer(&f, TCP_FLAG_ACK, S(6), ISS + 1, pat, P, 0, NULL);
	expect_ack(&f, S(4) + 500, 2, (uint32_t[]){ S(6), S(7), S(6), S(8) });
	struct tcp_stats st;
	tcp_sock_get_stats(f.s, &st);
	g_assert_cmpuint(st.dsacks_sent, ==, 3);
	fx_close(&f);

	/* dsack off: duplicates are not reported. */
	struct tcp_config cfg;
	tcp_config_defaults(&cfg, TCP_PROFILE_LINUX);
	cfg.quickack_max = 0;
	cfg.delack_window_check = false;
	cfg.dsack = false;
	fx_open(&f, &cfg, true, true);
	peer_data(&f, 0);
	peer_data(&f, 1);
	pop(&f);
	peer_data(&f, 0);
	expect_ack(&f, S(2), 0, NULL);
	fx_close(&f);
}

/* The segments packetdrill injected into Linux in tests/vectors/linux-sack.pcap,
 * replayed at their times into A (listening on the same port, with Linux's ISN):
 * every ACK Linux sent with SACK blocks in answer to one of them, A sends with the
 * same acknowledgment number, the same blocks in the same order, and the same TSecr
 * (TS.Recent, RFC 7323 §4.3, also from the duplicate of frame 16). */
static void test_linux_receiver_blocks(void)
{
	struct pcap_file pf;
	char *path = g_build_filename(VECTORS_DIR, "linux-sack.pcap", NULL);
	g_assert_true(pcap_load(&pf, path));
	g_free(path);
	uint32_t off = pcap_ip_offset(&pf);
	struct fw w;
	fw_init(&w, 1, NULL);
	struct tcp_sock *l = tcp_socket(w.a.stack);
	const uint8_t *synack = pf.rec[1].data + off + 20;
	tcp_sock_set_isn(l, sim_get_be32(synack + TCP_OFF_SEQ));
	g_assert_cmpint(tcp_bind(l, IPV4_ANY, sim_get_be16(synack + TCP_OFF_SPORT)), ==, 0);
	g_assert_cmpint(tcp_listen(l, 1), ==, 0);
	const struct fw_seg *answer = NULL;
	unsigned compared = 0;
	for (size_t i = 0; i < pf.n; i++) {
		const uint8_t *ip = pf.rec[i].data + off;
		uint32_t ihl = (ip[0] & 0xfu) * 4u, tot = sim_get_be16(ip + 2);
		const uint8_t *th = ip + ihl;
		fw_run_until(&w, SIM_S(1) + (pf.rec[i].ts_ns - pf.rec[0].ts_ns));
		if (ip[12] == 192 && ip[13] == 0) { /* 192.0.2.1: packetdrill's segment */
			if (th[TCP_OFF_FLAGS] & TCP_FLAG_RST)
				break;
			fw_drain(&w.a);
			fw_inject_raw(&w.a, th, tot - ihl, true);
			answer = fw_pending(&w.a) ? g_queue_peek_tail(&w.a.sent) : NULL;
			continue;
		}
		struct tcp_repr lx;
		g_assert_cmpint(tcp_seg_parse(th, tot - ihl, &lx), ==, 0);
		if (lx.sack_count == 0)
			continue;
		g_assert_nonnull(answer);
		char b[240];
		g_test_message("Linux frame %zu: %s", i + 1, tcp_repr_format(&lx, b, sizeof b));
		g_test_message("netsim: %s", fw_seg_str(answer, b, sizeof b));
		g_assert_cmpuint(answer->r.ack, ==, lx.ack);
		g_assert_cmpuint(answer->r.ts_ecr, ==, lx.ts_ecr); /* TS.Recent as Linux's */
		g_assert_cmpuint(answer->r.sack_count, ==, lx.sack_count);
		for (uint32_t k = 0; k < lx.sack_count; k++) {
			g_assert_cmpuint(answer->r.sack[k].start, ==, lx.sack[k].start);
			g_assert_cmpuint(answer->r.sack[k].end, ==, lx.sack[k].end);
		}
		compared++;
	}
	g_assert_cmpuint(compared, ==, 9);
	tcp_close(l);
	fw_fini(&w);
	pcap_unload(&pf);
}

/* ---- timestamps (RFC 7323) ---- */

static void test_ts_recent(void)
{
	struct fx f;
	fx_open(&f, NULL, true, true);
	/* §4.3 with delayed ACKs: two segments, one ACK echoing the first one's TSval
	 * (the second lies beyond Last.ACK.sent). */
	f.peer_tsval = 200;
	peer_data(&f, 0);
	f.peer_tsval = 201;
	peer_data(&f, 1);
	const struct fw_seg *a = pop(&f);
	g_assert_cmpuint(a->r.ack, ==, S(2));
	g_assert_cmpuint(a->r.ts_ecr, ==, 200);
	/* An out-of-order segment does not move TS.Recent ... */
	f.peer_tsval = 300;
	peer_data(&f, 3);
	a = pop(&f);
	g_assert_cmpuint(a->r.ts_ecr, ==, 200);
	/* ... the one that fills the hole does (§4.3 case C). */
	f.peer_tsval = 250;
	peer_data(&f, 2);
	a = pop(&f);
	g_assert_cmpuint(a->r.ack, ==, S(4));
	g_assert_cmpuint(a->r.ts_ecr, ==, 250);
	/* A segment acknowledging data never sent does not move it either (as Linux:
	 * the ACK check comes first). */
	f.peer_tsval = 9000;
	peer(&f, TCP_FLAG_ACK, S(4), ISS + 5000, NULL, 0, 0, NULL);
	a = pop(&f);
	g_assert_cmpuint(a->r.ts_ecr, ==, 250);
	fx_close(&f);
}

static void test_paws(void)
{
	struct fx f;
	fx_open(&f, NULL, true, true);
	f.peer_tsval = 500;
	peer_data(&f, 0);
	fw_run_for(&f.w, SIM_MS(40));
	pop(&f); /* the delayed ACK; TS.Recent = 500 */
	/* §5.3 R1: an older TSval: dropped, and ACKed at once. */
	f.peer_tsval = 499;
	peer_data(&f, 1);
	const struct fw_seg *a = pop(&f);
	g_assert_cmpuint(a->r.ack, ==, S(1));
	g_assert_cmpuint(a->r.ts_ecr, ==, 500);
	struct tcp_stats st;
	tcp_sock_get_stats(f.s, &st);
	g_assert_cmpuint(st.paws_rejected, ==, 1);
	g_assert_cmpuint(st.bytes_received, ==, P);
	/* The same TSval is not older: accepted. */
	f.peer_tsval = 500;
	peer_data(&f, 1);
	tcp_sock_get_stats(f.s, &st);
	g_assert_cmpuint(st.bytes_received, ==, 2 * P);
	fw_drain(f.a);
	/* §5.5: after 24 days idle TS.Recent is no longer valid: an old TSval passes
	 * and becomes TS.Recent. */
	fw_run_for(&f.w, SIM_S(24 * 86400) + SIM_S(1));
	f.peer_tsval = 10;
	peer_data(&f, 2);
	fw_drain(f.a);
	tcp_sock_get_stats(f.s, &st);
	g_assert_cmpuint(st.bytes_received, ==, 3 * P);
	g_assert_cmpuint(st.paws_rejected, ==, 1);
	f.peer_tsval = 11;
	peer_data(&f, 3);
	a = pop(&f);
	g_assert_cmpuint(a->r.ts_ecr, ==, 10);
	/* A RST is not subject to PAWS (R1: "and the RST bit is not set"). */
	f.peer_tsval = 1;
	peer(&f, TCP_FLAG_RST, S(4), 0, NULL, 0, 0, NULL);
	g_assert_cmpstr(tcp_state_name(f.s), ==, "CLOSED");
	fx_close(&f);
}

/* §4.1: with timestamps, an ACK of retransmitted data gives an RTT sample (Karn's rule
 * would forbid it): TSecr says which copy arrived. */
static void test_ts_rtt_retransmitted(void)
{
	for (int ts = 0; ts <= 1; ts++) {
		struct fx f;
		fx_open(&f, NULL, true, ts);
		uint32_t mss = ts ? MSS_TS : 1460;
		g_assert_cmpint(tcp_send(f.s, pat, mss), ==, (int)mss);
		pop(&f);
		/* Lost; the timer (10 ms + max(200 ms, 4·5 ms)) retransmits it at +210 ms. */
		fw_run_for(&f.w, SIM_MS(210));
		const struct fw_seg *r = pop(&f);
		g_assert_cmpuint(r->r.seq, ==, ISS + 1);
		fw_run_for(&f.w, SIM_MS(30));
		peer(&f, TCP_FLAG_ACK, IRS + 1, ISS + 1 + mss, NULL, 0, 0, NULL);
		struct tcp_stats st;
		tcp_sock_get_stats(f.s, &st);
		if (ts) {
			g_assert_cmpuint(st.rtt_samples, ==, 2); /* handshake, and this one */
			g_assert_cmpint(st.rtt_max, ==, SIM_MS(30));
		} else {
			g_assert_cmpuint(st.rtt_samples, ==, 1); /* Karn: none */
		}
		fx_close(&f);
	}
}

/* ---- the sender: RFC 6675 ---- */

/* A has `n` segments to send; the first 10 at most (the initial window) go out. */
static void fx_sender_with(struct fx *f, uint32_t n, enum tcp_recovery recovery)
{
	struct tcp_config cfg;
	tcp_config_defaults(&cfg, TCP_PROFILE_LINUX);
	g_strlcpy(cfg.cc, "reno", sizeof cfg.cc); /* ssthresh = FlightSize / 2 */
	cfg.recovery = recovery;
	cfg.cc_cfg.hz = 0;
	fx_open(f, &cfg, true, true);
	g_assert_cmpint(tcp_send(f->s, pat, n * MSS_TS), ==, (int)(n * MSS_TS));
	for (uint32_t k = 0; k < n && k < 10; k++)
		expect_data(f, k);
	g_assert_cmpuint(fw_pending(f->a), ==, 0);
	fw_run_for(&f->w, SIM_MS(20));
}

static void fx_sender(struct fx *f, uint32_t n)
{
	fx_sender_with(f, n, TCP_RECOVERY_RFC6675);
}

/* ---- recovery linux (RACK-TLP, RFC 8985) on the fake wire ---- */

/* fx_sender under Linux's recovery: Reno's ssthresh (cwnd/2), exact times (hz 0). */
static void fx_lx_sender(struct fx *f, uint32_t n)
{
	fx_sender_with(f, n, TCP_RECOVERY_LINUX);
}

/* RFC 8985 §6.2-6.3 (Linux tcp_rack_detect_loss, tcp_rack_reo_timeout): segments
 * 0-9 go at 10 ms (the handshake's RTT, 10 ms, is min_rtt); at 30 ms one SACK for
 * segment 9, below the duplicate-ACK threshold: reo_wnd = min_rtt/4 = 2.5 ms, so the
 * others are lost RACK.rtt (20 ms) + 2.5 ms after they were sent, and the reordering
 * timer fires then plus 2 ms (TCP_TIMEOUT_MIN): at 34.5 ms, nothing before. Then
 * recovery (ssthresh 5) and PRR's first retransmission. */
static void test_lx_rack_reo_timer(void)
{
	struct fx f;
	fx_lx_sender(&f, 10);
	g_assert_cmpint(sim_now(&f.w.sim), ==, SIM_MS(30));
	peer_ack(&f, 0, 1, (uint32_t[]){ 9, 10 });
	g_assert_cmpuint(f.s->cc.ca_state, ==, TCP_CA_DISORDER);
	g_assert_cmpint(tcp_rack_reo_wnd(f.s), ==, SIM_US(2500));
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	fw_run_until(&f.w, SIM_US(34499));
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	fw_run_until(&f.w, SIM_US(34500));
	g_assert_cmpuint(fw_pending(f.a), ==, 1);
	const struct fw_seg *s = fw_pop(f.a);
	g_assert_cmpuint(s->r.seq, ==, D(0));
	g_assert_cmpint(s->time, ==, SIM_US(34500));
	g_assert_cmpuint(f.s->cc.ca_state, ==, TCP_CA_RECOVERY);
	g_assert_cmpuint(f.s->cc.ssthresh, ==, 5);
	g_assert_cmpuint(f.s->sb.lost_out, ==, 9);
	fx_close(&f);
}

/* RFC 8985 §7.2-7.3 (Linux tcp_schedule_loss_probe, tcp_send_loss_probe): the ACK of
 * segments 0-7 at 30 ms (SRTT 10 ms + (20 − 10)/8 = 11.25 ms) arms the probe timer for
 * 2·SRTT + 2 ms = 24.5 ms (two segments out); at 54.5 ms the last segment goes again
 * as the probe, counted once, and nothing more is sent until the RTO. */
static void test_lx_tlp(void)
{
	struct fx f;
	fx_lx_sender(&f, 10);
	peer_ack(&f, 8, 0, NULL);
	g_assert_cmpint(f.s->rtt.srtt, ==, SIM_US(11250));
	fw_run_until(&f.w, SIM_US(54499));
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	fw_run_until(&f.w, SIM_US(54500));
	g_assert_cmpuint(fw_pending(f.a), ==, 1);
	const struct fw_seg *s = fw_pop(f.a);
	g_assert_cmpuint(s->r.seq, ==, D(9));
	g_assert_cmpint(s->time, ==, SIM_US(54500));
	g_assert_cmpuint(f.s->cc.ca_state, ==, TCP_CA_OPEN);
	struct tcp_stats st;
	tcp_sock_get_stats(f.s, &st);
	g_assert_cmpuint(st.tlp_probes, ==, 1);
	/* One probe per episode: nothing more until the RTO. */
	fw_run_until(&f.w, SIM_US(54500) + tcp_current_rto(f.s) - 1);
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	fx_close(&f);
}

/* F-RTO (RFC 5682 §3.1 with SACK; Linux tcp_process_loss, tcp_try_undo_loss): the
 * flight of 10 is only delayed. The probe (new data, segment 10) and then the RTO's
 * retransmission of segment 0 go out; the first ACK covers only segment 0, so F-RTO
 * sends new data (11, 12) instead of retransmitting (step 2b); the next ACK covers
 * data sent once: the timeout was spurious and is undone (cwnd 10 + 2 acknowledged,
 * ssthresh unlimited again, Open), and 1-9 are never resent. */
static void test_lx_frto_spurious(void)
{
	struct fx f;
	fx_lx_sender(&f, 20);
	/* The probe at 10 + 2·10 + 2 ms; the RTO 210 ms (SRTT 10 + rto_min 200) later. */
	fw_run_until(&f.w, SIM_MS(241));
	const struct fw_seg *s = pop(&f);
	g_assert_cmpuint(s->r.seq, ==, D(10));
	g_assert_cmpint(s->time, ==, SIM_MS(32));
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	fw_run_until(&f.w, SIM_MS(242));
	s = pop(&f);
	g_assert_cmpuint(s->r.seq, ==, D(0));
	g_assert_cmpint(s->time, ==, SIM_MS(242));
	g_assert_cmpuint(f.s->cc.ca_state, ==, TCP_CA_LOSS);
	g_assert_cmpuint(f.s->cc.cwnd, ==, 1);
	/* Step 2b: the ACK of segment 0 alone; new data instead of segment 1. */
	fw_run_until(&f.w, SIM_MS(260));
	peer_ack(&f, 1, 0, NULL);
	expect_data(&f, 11);
	expect_data(&f, 12);
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	g_assert_cmpuint(f.s->cc.ca_state, ==, TCP_CA_LOSS);
	/* Step 3b: segments 1 and 2, sent once, acknowledged: spurious, undone. */
	peer_ack(&f, 3, 0, NULL);
	g_assert_cmpuint(f.s->cc.ca_state, ==, TCP_CA_OPEN);
	g_assert_cmpuint(f.s->cc.cwnd, ==, 12);
	g_assert_cmpuint(f.s->cc.ssthresh, ==, TCP_CC_INFINITE);
	g_assert_cmpuint(f.s->sb.lost_out, ==, 0);
	expect_data(&f, 13);
	expect_data(&f, 14);
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	struct tcp_stats st;
	tcp_sock_get_stats(f.s, &st);
	g_assert_cmpuint(st.frto, ==, 1);
	g_assert_cmpuint(st.spurious_rtos, ==, 1);
	g_assert_cmpuint(st.undos, ==, 1);
	fx_close(&f);
}

static void test_islost_starts_recovery(void)
{
	struct fx f;
	fx_sender(&f, 20);
	/* One ACK SACKing segments 2-5: more than (DupThresh − 1)·SMSS above segment
	 * 0, so IsLost(HighACK + 1) starts recovery on the first duplicate ACK (RFC
	 * 6675 §5 step (2)); segment 1 is lost too. */
	peer_ack(&f, 0, 1, (uint32_t[]){ 2, 6 });
	g_assert_true(f.s->flags & TF_IN_RECOVERY);
	g_assert_cmpuint(f.s->cc.ssthresh, ==, 5 * MSS_TS); /* FlightSize 10 / 2 */
	g_assert_cmpuint(f.s->cc.cwnd, ==, 5 * MSS_TS);     /* (4.2): cwnd = ssthresh */
	/* (4.3) segment 0; then (C) only while cwnd − pipe >= SMSS: pipe = 10 − 4
	 * SACKed − 2 lost + 1 retransmitted = 5 segments = cwnd, so nothing more. */
	expect_data(&f, 0);
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	g_assert_cmpuint(tcp_sb_pipe(&f.s->sb), ==, 5 * MSS_TS);
	g_assert_cmpuint(f.s->sb.sacked_out, ==, 4);
	g_assert_cmpuint(f.s->sb.lost_out, ==, 2);
	g_assert_cmpuint(f.s->sb.retrans_out, ==, 1);
	/* The same counters in tcp_info (Linux's tcpi_sacked, tcpi_lost, tcpi_retrans),
	 * and the options in use (TCPI_OPT_TIMESTAMPS | TCPI_OPT_SACK; the peer offered
	 * no window scale). */
	const char *names[] = { "tcpi_sacked", "tcpi_lost", "tcpi_retrans", "tcpi_options" };
	const uint64_t want[] = { 4, 2, 1, 1 | 2 };
	for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
		uint64_t v = 0;
		const char *why = NULL;
		g_assert_cmpint(tcp_info_get(f.s, names[i], &v, &why), ==, TCP_INFO_OK);
		g_assert_cmpuint(v, ==, want[i]);
	}
	/* Segments 6 and 7 SACKed: pipe falls by two; rule 1 resends segment 1, then
	 * rule 2 sends new data, 10. */
	peer_ack(&f, 0, 1, (uint32_t[]){ 2, 8 });
	expect_data(&f, 1);
	expect_data(&f, 10);
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	/* The cumulative ACK of everything sent before recovery ends it (A). */
	peer_ack(&f, 10, 0, NULL);
	g_assert_false(f.s->flags & TF_IN_RECOVERY);
	g_assert_cmpuint(f.s->cc.cwnd, ==, 5 * MSS_TS); /* Reno: cwnd = ssthresh */
	struct tcp_stats st;
	tcp_sock_get_stats(f.s, &st);
	g_assert_cmpuint(st.fast_retransmits, ==, 1);
	fx_close(&f);
}

static void test_all_holes_in_one_rtt(void)
{
	struct fx f;
	fx_sender(&f, 20);
	/* Holes 0, 1, 3, 6; the blocks most recent first. All four are lost (IsLost),
	 * and are resent at once in order (rule 1), then new data (rule 2) fills
	 * cwnd − pipe: ssthresh 5 segments, pipe = 10 − 6 SACKed − 4 lost = 0. */
	peer_ack(&f, 0, 3, (uint32_t[]){ 7, 10, 4, 6, 2, 3 });
	expect_data(&f, 0);
	expect_data(&f, 1);
	expect_data(&f, 3);
	expect_data(&f, 6);
	expect_data(&f, 10);
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	g_assert_cmpuint(tcp_sb_pipe(&f.s->sb), ==, 5 * MSS_TS);
	fx_close(&f);
}

static void test_rule3_and_rescue(void)
{
	struct fx f;
	fx_sender(&f, 10);
	/* Segments 1-8 SACKed, 0 and 9 missing: 0 is lost (rule 1, (4.3)); 9 lies above
	 * the highest SACK, so no rule applies to it yet, and no new data exists. */
	peer_ack(&f, 0, 1, (uint32_t[]){ 1, 9 });
	expect_data(&f, 0);
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	/* The retransmission arrives: HighACK passes RescueRxt, and rule 4 resends the
	 * highest unSACKed segment once, without counting it in pipe. */
	peer_ack(&f, 9, 0, NULL);
	expect_data(&f, 9);
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	g_assert_cmpuint(f.s->sb.retrans_out, ==, 0);
	peer_ack(&f, 9, 0, NULL);
	g_assert_cmpuint(fw_pending(f.a), ==, 0); /* one rescue per recovery */
	fx_close(&f);

	/* Rule 3: holes at 0 and 5, two segments SACKed above 5 — not enough for
	 * IsLost — yet below the highest SACK: resent once cwnd − pipe allows. */
	fx_sender(&f, 10);
	peer_ack(&f, 0, 1, (uint32_t[]){ 1, 5 });
	expect_data(&f, 0); /* pipe = 10 − 4 − 1 + 1 = 6 > cwnd 5 */
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	peer_ack(&f, 0, 2, (uint32_t[]){ 6, 8, 1, 5 });
	g_assert_false(tcp_sb_at(&f.s->sb, f.s->sb.head + 5)->flags & TCP_SB_LOST);
	expect_data(&f, 5); /* pipe 4: rule 3 */
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	fx_close(&f);
}

static void test_timeout_keeps_scoreboard(void)
{
	struct fx f;
	fx_sender(&f, 6);
	fw_drain(f.a);
	/* Two SACKed, no recovery (one duplicate ACK, IsLost false). */
	peer_ack(&f, 0, 1, (uint32_t[]){ 2, 4 });
	g_assert_false(f.s->flags & TF_IN_RECOVERY);
	/* The timeout: every unSACKed segment is lost, SACKed ones are not resent (RFC
	 * 6675 §5.1): 0 first, then, as the window opens, 1 and 4, skipping 2 and 3. */
	fw_run_for(&f.w, SIM_MS(300));
	expect_data(&f, 0);
	g_assert_cmpuint(f.s->sb.lost_out, ==, 4);
	g_assert_cmpuint(f.s->sb.sacked_out, ==, 2);
	peer_ack(&f, 1, 1, (uint32_t[]){ 2, 4 });
	expect_data(&f, 1);
	expect_data(&f, 4);
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	fx_close(&f);
}

static void test_reneging(void)
{
	struct fx f;
	fx_sender(&f, 5);
	fw_drain(f.a);
	peer_ack(&f, 0, 1, (uint32_t[]){ 2, 3 });
	/* The receiver acknowledges up to segment 2, which it had SACKed: it dropped
	 * it (RFC 2018 §8). Linux tcp_check_sack_reneging: a timeout after max(SRTT/2,
	 * 10 ms) instead of a whole RTO, which clears the SACK marks and resends 2. */
	sim_time_t t0 = sim_now(&f.w.sim);
	peer_ack(&f, 2, 0, NULL);
	fw_run_for(&f.w, SIM_MS(10));
	const struct fw_seg *r = pop(&f);
	g_assert_cmpuint(r->r.seq, ==, D(2));
	g_assert_cmpint(r->time, ==, t0 + SIM_MS(10));
	g_assert_cmpuint(f.s->sb.sacked_out, ==, 0);
	struct tcp_stats st;
	tcp_sock_get_stats(f.s, &st);
	g_assert_cmpuint(st.sack_reneging, ==, 1);
	fx_close(&f);
}

static void test_dsack_at_sender(void)
{
	struct fx f;
	fx_sender(&f, 2);
	fw_drain(f.a);
	/* The first segment is only late: the timer resends it, then the original's
	 * ACK and the retransmission's DSACK arrive (RFC 2883 §4: a first block below
	 * the cumulative ACK). RFC 3708: one spurious retransmission. */
	fw_run_for(&f.w, SIM_MS(300));
	expect_data(&f, 0);
	peer_ack(&f, 2, 0, NULL);
	peer_ack(&f, 2, 1, (uint32_t[]){ 0, 1 });
	struct tcp_stats st;
	tcp_sock_get_stats(f.s, &st);
	g_assert_cmpuint(st.dsacks_received, ==, 1);
	g_assert_cmpuint(st.spurious_retransmits, ==, 1);
	/* The same DSACK again adds no second spurious retransmission. */
	peer_ack(&f, 2, 1, (uint32_t[]){ 0, 1 });
	tcp_sock_get_stats(f.s, &st);
	g_assert_cmpuint(st.dsacks_received, ==, 2);
	g_assert_cmpuint(st.spurious_retransmits, ==, 1);
	fx_close(&f);
}

/* ---- interop on a linked wire ---- */

static sim_time_t drop_some(struct fw *w, struct fw_host *from, const struct fw_seg *s, bool *dup,
			    void *ctx)
{
	(void)w;
	(void)dup;
	(void)ctx;
	/* Every 7th data segment of A is lost once, to make SACK blocks if any are
	 * allowed. */
	if (from == &from->w->a && s->r.payload_len && s->index % 7 == 3)
		return -1;
	return SIM_MS(10);
}

static void test_interop(void)
{
	/* A (linux: SACK and timestamps) and B with one or both off: on the wire,
	 * nothing but what both offered, in either direction. */
	for (int mode = 0; mode < 4; mode++) {
		bool b_sack = mode & 1, b_ts = mode & 2;
		struct fw w;
		fw_init(&w, 1, NULL);
		struct tcp_config *cb = tcp_stack_config(w.b.stack);
		cb->sack = b_sack;
		cb->timestamps = b_ts;
		fw_link(&w, SIM_MS(10));
		w.fate = drop_some;
		struct tcp_sock *l = tcp_socket(w.b.stack);
		g_assert_cmpint(tcp_bind(l, IPV4_ANY, RPORT), ==, 0);
		g_assert_cmpint(tcp_listen(l, 4), ==, 0);
		struct tcp_sock *s = tcp_socket(w.a.stack);
		g_assert_cmpint(tcp_connect(s, FW_ADDR_B, RPORT), ==, 0);
		fw_run_for(&w, SIM_MS(100));
		int err;
		struct tcp_sock *c = tcp_accept(l, &err);
		g_assert_nonnull(c);
		g_assert_cmpint(tcp_send(s, pat, 100000), ==, 100000);
		fw_run_for(&w, SIM_S(10));
		uint8_t buf[4096];
		uint64_t got = 0;
		ssize_t n;
		while ((n = tcp_recv(c, buf, sizeof buf)) > 0)
			got += (uint64_t)n;
		fw_run_for(&w, SIM_S(10));
		while ((n = tcp_recv(c, buf, sizeof buf)) > 0)
			got += (uint64_t)n;
		g_assert_cmpuint(got, ==, 100000);
		struct fw_host *hosts[] = { &w.a, &w.b };
		uint64_t sack_seen = 0;
		for (int h = 0; h < 2; h++) {
			for (guint i = 0; i < hosts[h]->log->len; i++) {
				const struct fw_seg *g = g_ptr_array_index(hosts[h]->log, i);
				bool syn = g->r.flags & TCP_FLAG_SYN;
				if (syn && h == 0) {
					g_assert_true(g->r.has_sack_perm && g->r.has_timestamp);
					continue;
				}
				g_assert_cmpint(g->r.has_timestamp, ==, b_ts);
				g_assert_true(!g->r.has_sack_perm || (syn && b_sack));
				g_assert_true(b_sack || g->r.sack_count == 0);
				sack_seen += g->r.sack_count;
				g_assert_cmpuint(g->len, <=, 1480);
			}
		}
		if (b_sack)
			g_assert_cmpuint(sack_seen, >, 0); /* the losses did draw blocks */
		struct tcp_stats st;
		tcp_sock_get_stats(s, &st);
		g_assert_cmpint(st.sack, ==, b_sack);
		g_assert_cmpint(st.timestamps, ==, b_ts);
		g_assert_cmpuint(st.mss, ==, b_ts ? MSS_TS : 1460);
		tcp_abort(s);
		tcp_abort(c);
		tcp_close(l);
		fw_fini(&w);
	}
}

/* tcp_info's chronograph (chrono.c, Linux tcp_chrono_*): a writer that finds the send
 * buffer full while everything it wrote is in flight and cwnd has room is limited by
 * the send buffer, until an ACK opens space; the whole time counts as busy. */
static uint64_t info(struct fx *f, const char *name)
{
	uint64_t v = 0;
	const char *why = NULL;
	g_assert_cmpint(tcp_info_get(f->s, name, &v, &why), ==, TCP_INFO_OK);
	return v;
}

static void test_info_chrono_sndbuf(void)
{
	struct fx f;
	fx_open(&f, NULL, true, true);
	f.s->opt.sndbuf = 4 * MSS_TS;
	g_assert_cmpuint(info(&f, "tcpi_busy_time"), ==, 0);
	g_assert_cmpint(tcp_send(f.s, pat, 10 * MSS_TS), ==, (int)(4 * MSS_TS));
	for (uint32_t k = 0; k < 4; k++)
		expect_data(&f, k);
	fw_run_for(&f.w, SIM_MS(30));
	g_assert_cmpuint(info(&f, "tcpi_sndbuf_limited"), ==, 30000);
	g_assert_cmpuint(info(&f, "tcpi_rwnd_limited"), ==, 0);
	/* The ACK of everything: space, and nothing left to send: the clocks stop. */
	peer_ack(&f, 4, 0, NULL);
	fw_run_for(&f.w, SIM_MS(50));
	g_assert_cmpuint(info(&f, "tcpi_sndbuf_limited"), ==, 30000);
	g_assert_cmpuint(info(&f, "tcpi_busy_time"), ==, 30000);
	fx_close(&f);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	for (size_t i = 0; i < sizeof pat; i++)
		pat[i] = fw_pattern(1, i);
	g_test_add_func("/tcp/options/negotiation", test_negotiation);
	g_test_add_func("/tcp/options/synack", test_synack_options);
	g_test_add_func("/tcp/options/interop", test_interop);
	g_test_add_func("/tcp/sack/receiver-blocks", test_receiver_blocks);
	g_test_add_func("/tcp/sack/dsack", test_dsack);
	g_test_add_func("/tcp/sack/linux-receiver-blocks", test_linux_receiver_blocks);
	g_test_add_func("/tcp/sack/linux/rack-reo-timer", test_lx_rack_reo_timer);
	g_test_add_func("/tcp/sack/linux/tlp", test_lx_tlp);
	g_test_add_func("/tcp/sack/linux/frto-spurious", test_lx_frto_spurious);
	g_test_add_func("/tcp/ts/recent", test_ts_recent);
	g_test_add_func("/tcp/ts/paws", test_paws);
	g_test_add_func("/tcp/ts/rtt-retransmitted", test_ts_rtt_retransmitted);
	g_test_add_func("/tcp/rfc6675/islost-starts-recovery", test_islost_starts_recovery);
	g_test_add_func("/tcp/rfc6675/all-holes-in-one-rtt", test_all_holes_in_one_rtt);
	g_test_add_func("/tcp/rfc6675/rule3-and-rescue", test_rule3_and_rescue);
	g_test_add_func("/tcp/rfc6675/timeout-keeps-scoreboard", test_timeout_keeps_scoreboard);
	g_test_add_func("/tcp/rfc6675/reneging", test_reneging);
	g_test_add_func("/tcp/rfc6675/dsack-spurious", test_dsack_at_sender);
	g_test_add_func("/tcp/info/chrono-sndbuf-limited", test_info_chrono_sndbuf);
	return g_test_run();
}

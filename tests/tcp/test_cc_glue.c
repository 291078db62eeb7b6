/* tests/tcp/test_cc_glue.c — the TCP sender against cc.h's contract and the
 * endpoint trace rows it promises (TCP follow-ups 2, 3 and 4).
 *
 * Host A runs netsim's TCP on the fake wire (tests/tcp/wire.h); the test plays the
 * peer, injecting exact ACKs, and reads A's endpoint trace (<flow>.sender.tsv) after
 * the run. Checked:
 *   - every retransmission-timer expiry is counted, the final one that gives up with
 *     ETIMEDOUT too (as Linux's TCPTimeouts), for SYNs and for data;
 *   - the algorithm sees every RTO (rto_streak counts consecutive ones, so ssthresh
 *     is held on a repeated timeout of the same segment);
 *   - FlightSize given to the algorithm is the data actually outstanding
 *     (snd.nxt − snd.una): a fast retransmit during go-back-N after an RTO must not
 *     take half of the old, abandoned window as ssthresh;
 *   - FlightSize excludes what limited transmit sent (RFC 5681 §3.2 step 2), counted
 *     in whole segments even when cwnd is not a multiple of SMSS;
 *   - on_ack for ACKs that are not cwnd-limited (CUBIC cuts that time from its epoch);
 *   - the tcp_cc_config a connection's algorithm reads outlives its listener;
 *   - the trace: `fast_retransmit` shows that FlightSize, `recovery` rows for each
 *     duplicate and partial ACK in recovery, `recovery_exit`, `rto` rows with the
 *     FlightSize before go-back-N, cwnd = 1 SMSS and ssthresh = max(flight/2, 2·SMSS).
 * White-box where the contract is between two modules: conn.h's struct tcp_sock.
 */
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/tcp/cc_cubic.h"
#include "models/tcp/conn.h"
#include "tests/tcp/wire.h"

#define LPORT 40000
#define RPORT 80
#define ISS 1000u
#define IRS 5000u
#define MSS 1460u

static uint8_t pat[1 << 18];

struct fx {
	struct fw w;
	struct fw_host *a;
	struct tcp_sock *s;
	char *dir;
	char *prefix;
};

static void inject_ack(struct fx *f, uint32_t data_acked)
{
	fw_inject_simple(f->a, RPORT, LPORT, TCP_FLAG_ACK, IRS + 1, ISS + 1 + data_acked, 65535,
			 NULL, 0);
}

/* The linux profile with the RFC recoveries (recovery auto: the algorithm's own),
 * whose contract with cc.h this file checks, and no jiffies (hz 0), so the RTO is
 * the estimator's exact value. */
static void glue_config(struct tcp_config *cfg)
{
	tcp_config_defaults(cfg, TCP_PROFILE_LINUX);
	cfg->recovery = TCP_RECOVERY_AUTO;
	cfg->cc_cfg.hz = 0;
}

/* A connects with cc `cc` (linux profile otherwise), traced; the peer's SYN-ACK
 * arrives at 10 ms (first RTT sample: RTO = 10 + max(200, 4·5) = 210 ms). */
static void fx_open(struct fx *f, const char *cc)
{
	memset(f, 0, sizeof(*f));
	struct tcp_config cfg;
	glue_config(&cfg);
	g_strlcpy(cfg.cc, cc, sizeof cfg.cc);
	fw_init(&f->w, 1, &cfg);
	f->a = &f->w.a;
	f->dir = g_dir_make_tmp("netsim-ccglue-XXXXXX", NULL);
	g_assert_nonnull(f->dir);
	f->prefix = g_build_filename(f->dir, "flow", NULL);
	f->s = tcp_socket(f->a->stack);
	tcp_sock_set_isn(f->s, ISS);
	g_assert_cmpint(tcp_bind(f->s, IPV4_ANY, LPORT), ==, 0);
	GError *err = NULL;
	g_assert_cmpint(tcp_sock_trace(f->s, f->prefix, "sender", TCP_TRACE_ENDPOINT, &err), ==, 0);
	g_assert_no_error(err);
	g_assert_cmpint(tcp_connect(f->s, FW_ADDR_B, RPORT), ==, 0);
	fw_run_until(&f->w, SIM_MS(10));
	struct tcp_repr r = { .src_port = RPORT, .dst_port = LPORT, .seq = IRS, .ack = ISS + 1,
			      .flags = TCP_FLAG_SYN | TCP_FLAG_ACK, .window = 65535,
			      .has_mss = true, .mss = MSS };
	fw_inject(f->a, &r, NULL, 0);
	g_assert_cmpstr(tcp_state_name(f->s), ==, "ESTABLISHED");
	fw_drain(f->a);
}

/* One endpoint-trace row. */
struct row {
	double t;
	uint64_t cwnd, ssthresh, inflight; /* ssthresh UINT64_MAX for inf */
	double rto_ms;
	char event[32];
};

/* Tears the fixture down (closing the trace) and returns the rows. */
static GArray *fx_finish(struct fx *f)
{
	if (f->s)
		tcp_abort(f->s);
	fw_fini(&f->w);
	char *path = g_strdup_printf("%s.sender.tsv", f->prefix);
	gchar *text = NULL;
	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	GArray *rows = g_array_new(FALSE, TRUE, sizeof(struct row));
	gchar **lines = g_strsplit(text, "\n", -1);
	g_assert_cmpstr(lines[0], ==,
			"time_s\tcwnd_bytes\tssthresh_bytes\tinflight_bytes\trtt_ms\tsrtt_ms\t"
			"rttvar_ms\trto_ms\tstate\tevent\tsacked_packets\tlost_packets\t"
			"retrans_packets\tpipe_bytes\tcwnd_packets\tssthresh_packets\tca_state\t"
			"prr_delivered_packets\tprr_out_packets\track_reo_wnd_us");
	for (int i = 1; lines[i] && lines[i][0]; i++) {
		gchar **c = g_strsplit(lines[i], "\t", -1);
		g_assert_cmpuint(g_strv_length(c), ==, 20);
		struct row r = {0};
		r.t = g_ascii_strtod(c[0], NULL);
		r.cwnd = g_ascii_strtoull(c[1], NULL, 10);
		r.ssthresh = strcmp(c[2], "inf") ? g_ascii_strtoull(c[2], NULL, 10) : UINT64_MAX;
		r.inflight = g_ascii_strtoull(c[3], NULL, 10);
		r.rto_ms = g_ascii_strtod(c[7], NULL);
		g_strlcpy(r.event, c[9], sizeof r.event);
		g_array_append_val(rows, r);
		g_strfreev(c);
	}
	g_strfreev(lines);
	g_free(text);
	g_unlink(path);
	g_free(path);
	g_rmdir(f->dir);
	g_free(f->dir);
	g_free(f->prefix);
	return rows;
}

static const struct row *row_at(GArray *rows, guint i)
{
	return &g_array_index(rows, struct row, i);
}

/* The rows with this event, in order. */
static GPtrArray *rows_of(GArray *rows, const char *event)
{
	GPtrArray *out = g_ptr_array_new();
	for (guint i = 0; i < rows->len; i++)
		if (!strcmp(row_at(rows, i)->event, event))
			g_ptr_array_add(out, (gpointer)row_at(rows, i));
	return out;
}

static uint64_t reno_ssthresh(uint64_t flight)
{
	return MAX(flight / 2, 2 * (uint64_t)MSS);
}

/* ---- counting timeouts (follow-up 2) ------------------------------------------------ */

/* syn_retries = 2: SYNs at 0, 1 and 3 s, ETIMEDOUT at 7 s. Three expiries of the
 * retransmission timer, the last one giving up: Linux counts all three
 * (tcp_retransmit_timer increments TCPTimeouts before tcp_write_timeout decides). */
static void test_syn_timeouts_counted(void)
{
	struct tcp_config cfg;
	glue_config(&cfg);
	cfg.syn_retries = 2;
	cfg.syn_linear_timeouts = 0; /* plain exponential backoff */
	struct fw w;
	fw_init(&w, 1, &cfg);
	struct tcp_sock *s = tcp_socket(w.a.stack);
	g_assert_cmpint(tcp_connect(s, FW_ADDR_B, RPORT), ==, 0);
	fw_run_until(&w, SIM_S(20));
	static const int at[] = { 0, 1, 3 };
	for (size_t i = 0; i < G_N_ELEMENTS(at); i++) {
		const struct fw_seg *seg = fw_pop(&w.a);
		g_assert_nonnull(seg);
		g_assert_cmphex(seg->r.flags, ==, TCP_FLAG_SYN);
		g_assert_cmpint(seg->time, ==, SIM_S(at[i]));
	}
	g_assert_cmpuint(fw_pending(&w.a), ==, 0);
	struct tcp_stats st;
	tcp_sock_get_stats(s, &st);
	g_assert_cmpint(st.error, ==, -ETIMEDOUT);
	g_assert_cmpuint(st.segs_retransmitted, ==, 2);
	g_assert_cmpuint(st.rto_expirations, ==, 3);
	tcp_close(s);
	fw_fini(&w);
}

/* data_retries = 3: the segment is sent, retransmitted three times, and the fourth
 * expiry gives up: 4 expirations, 3 retransmissions. */
static void test_data_timeouts_counted(void)
{
	struct tcp_config cfg;
	glue_config(&cfg);
	cfg.data_retries = 3;
	struct fw w;
	fw_init(&w, 1, &cfg);
	struct tcp_sock *s = tcp_socket(w.a.stack);
	tcp_sock_set_isn(s, ISS);
	g_assert_cmpint(tcp_bind(s, IPV4_ANY, LPORT), ==, 0);
	g_assert_cmpint(tcp_connect(s, FW_ADDR_B, RPORT), ==, 0);
	fw_run_until(&w, SIM_MS(10));
	struct tcp_repr r = { .src_port = RPORT, .dst_port = LPORT, .seq = IRS, .ack = ISS + 1,
			      .flags = TCP_FLAG_SYN | TCP_FLAG_ACK, .window = 65535,
			      .has_mss = true, .mss = MSS };
	fw_inject(&w.a, &r, NULL, 0);
	g_assert_cmpint(tcp_send(s, pat, 100), ==, 100);
	fw_run_until(&w, SIM_S(60));
	struct tcp_stats st;
	tcp_sock_get_stats(s, &st);
	g_assert_cmpint(st.error, ==, -ETIMEDOUT);
	g_assert_cmpuint(st.segs_retransmitted, ==, 3);
	g_assert_cmpuint(st.rto_expirations, ==, 4);
	tcp_close(s);
	fw_fini(&w);
}

/* ---- RTO and go-back-N (follow-ups 3 and 4) ---------------------------------------- */

/* Reno. Ten segments (the initial window) are lost; the RTO at 220 ms and again at
 * 640 ms (backed off): the algorithm sees both (rto_streak 2), ssthresh is halved
 * once from the FlightSize of the first and held on the second. Then the first
 * segment is ACKed, go-back-N sends two, and three duplicate ACKs arrive while
 * snd.nxt is far below snd.max: the fast retransmit takes FlightSize = the two
 * segments actually outstanding, not the abandoned window of ten. */
static void test_rto_then_fast_retransmit_in_go_back_n(void)
{
	struct fx f;
	fx_open(&f, "reno");
	g_assert_cmpint(tcp_send(f.s, pat, 50000), ==, 50000);
	g_assert_cmpuint(fw_pending(f.a), ==, 10);
	fw_drain(f.a);
	fw_run_until(&f.w, SIM_MS(220));
	g_assert_cmpuint(fw_pending(f.a), ==, 1); /* first RTO: segment 1 again */
	g_assert_cmpuint(f.s->cc.rto_streak, ==, 1);
	fw_run_until(&f.w, SIM_MS(640));
	g_assert_cmpuint(fw_pending(f.a), ==, 2); /* second RTO (420 ms backed off) */
	g_assert_cmpuint(f.s->cc.rto_streak, ==, 2);
	g_assert_cmpuint(f.s->cc.ssthresh, ==, 5 * MSS);
	fw_drain(f.a);
	fw_run_until(&f.w, SIM_MS(700));
	inject_ack(&f, MSS); /* segment 1 arrives: slow start, cwnd 2 */
	g_assert_cmpuint(f.s->cc.rto_streak, ==, 0);
	g_assert_cmpuint(fw_pending(f.a), ==, 2);
	g_assert_cmpuint(f.s->snd_nxt - f.s->snd_una, ==, 2 * MSS);
	g_assert_cmpuint(f.s->snd_max - f.s->snd_una, ==, 9 * MSS);
	fw_drain(f.a);
	for (int i = 0; i < 3; i++)
		inject_ack(&f, MSS);
	/* RFC 5681 eqn. 4 with FlightSize = 2 segments. */
	g_assert_cmpuint(f.s->cc.ssthresh, ==, reno_ssthresh(2 * MSS));
	g_assert_cmpuint(f.s->cc.cwnd, ==, reno_ssthresh(2 * MSS) + 3 * MSS);
	const struct fw_seg *seg = fw_pop(f.a);
	g_assert_nonnull(seg);
	g_assert_cmpuint(seg->r.seq, ==, ISS + 1 + MSS); /* the fast retransmission */
	GArray *rows = fx_finish(&f);
	GPtrArray *rto = rows_of(rows, "rto");
	g_assert_cmpuint(rto->len, ==, 2);
	const struct row *r1 = g_ptr_array_index(rto, 0), *r2 = g_ptr_array_index(rto, 1);
	/* The rto rows: the FlightSize the algorithm was given, its ssthresh, the loss
	 * window, the backed-off RTO. */
	g_assert_cmpuint(r1->inflight, ==, 10 * MSS);
	g_assert_cmpuint(r1->ssthresh, ==, reno_ssthresh(r1->inflight));
	g_assert_cmpuint(r1->cwnd, ==, MSS);
	g_assert_cmpfloat(r1->rto_ms, ==, 420.0);
	g_assert_cmpuint(r2->inflight, ==, MSS);
	g_assert_cmpuint(r2->ssthresh, ==, r1->ssthresh); /* held: repeated timeout */
	g_assert_cmpuint(r2->cwnd, ==, MSS);
	g_assert_cmpfloat(r2->rto_ms, ==, 840.0);
	GPtrArray *fr = rows_of(rows, "fast_retransmit");
	g_assert_cmpuint(fr->len, ==, 1);
	const struct row *x = g_ptr_array_index(fr, 0);
	g_assert_cmpuint(x->inflight, ==, 2 * MSS);
	g_assert_cmpuint(x->ssthresh, ==, reno_ssthresh(x->inflight));
	g_assert_cmpuint(x->cwnd, ==, x->ssthresh + 3 * MSS);
	g_ptr_array_free(rto, TRUE);
	g_ptr_array_free(fr, TRUE);
	g_array_free(rows, TRUE);
}

/* ---- recovery rows (follow-up 4) ---------------------------------------------------- */

/* NewReno, ten segments in flight, segments 1 and 4 lost: three duplicate ACKs →
 * fast_retransmit (FlightSize 10 segments); five more duplicates → five recovery
 * rows (+1 SMSS each); the partial ACK up to segment 4 → a recovery row (deflated);
 * the ACK of everything → recovery_exit. Reno: the same up to the first new ACK,
 * which ends recovery (recovery_exit, cwnd = ssthresh). */
static void test_recovery_rows(gconstpointer data)
{
	const char *cc = data;
	bool newreno = !strcmp(cc, "newreno");
	struct fx f;
	fx_open(&f, cc);
	g_assert_cmpint(tcp_send(f.s, pat, 10 * MSS), ==, 10 * MSS);
	g_assert_cmpuint(fw_pending(f.a), ==, 10);
	fw_drain(f.a);
	fw_run_until(&f.w, SIM_MS(30));
	/* Segments 2, 3 arrive (two dup ACKs: limited transmit has nothing new to
	 * send), then 5..10 (six more). */
	for (int i = 0; i < 8; i++) {
		inject_ack(&f, 0);
		fw_run_for(&f.w, SIM_US(100));
	}
	g_assert_cmpuint(f.s->cc.ssthresh, ==, 5 * MSS);
	g_assert_cmpuint(f.s->cc.cwnd, ==, 5 * MSS + 3 * MSS + 5 * MSS);
	inject_ack(&f, 3 * MSS); /* partial: up to the lost segment 4 */
	fw_run_for(&f.w, SIM_US(100));
	inject_ack(&f, 10 * MSS);
	GArray *rows = fx_finish(&f);
	GPtrArray *fr = rows_of(rows, "fast_retransmit");
	GPtrArray *rec = rows_of(rows, "recovery");
	GPtrArray *ex = rows_of(rows, "recovery_exit");
	g_assert_cmpuint(fr->len, ==, 1);
	const struct row *x = g_ptr_array_index(fr, 0);
	g_assert_cmpuint(x->inflight, ==, 10 * MSS);
	g_assert_cmpuint(x->ssthresh, ==, 5 * MSS);
	g_assert_cmpuint(x->cwnd, ==, 8 * MSS);
	g_assert_cmpuint(rec->len, ==, newreno ? 6u : 5u);
	for (guint i = 0; i < 5; i++) {
		const struct row *r = g_ptr_array_index(rec, i);
		g_assert_cmpuint(r->cwnd, ==, (9 + i) * MSS); /* inflation, RFC 5681 step 4 */
		g_assert_cmpuint(r->ssthresh, ==, 5 * MSS);
	}
	g_assert_cmpuint(ex->len, ==, 1);
	const struct row *e = g_ptr_array_index(ex, 0);
	if (newreno) {
		/* RFC 6582 step 3 partial ACK: 13 − 3 + 1 segments. */
		const struct row *p = g_ptr_array_index(rec, 5);
		g_assert_cmpuint(p->cwnd, ==, 13 * MSS - 3 * MSS + MSS);
		/* Full ACK: min(ssthresh, max(FlightSize, SMSS) + SMSS), FlightSize after
		 * the ACK = what the inflated window sent beyond the ten segments. */
		g_assert_cmpuint(e->cwnd, ==, MIN(5 * MSS, MAX(e->inflight, MSS) + MSS));
	} else {
		g_assert_cmpuint(e->cwnd, ==, 5 * MSS); /* RFC 5681 step 6: cwnd = ssthresh */
	}
	g_ptr_array_free(fr, TRUE);
	g_ptr_array_free(rec, TRUE);
	g_ptr_array_free(ex, TRUE);
	g_array_free(rows, TRUE);
}

/* Limited transmit (RFC 3042) sends segments 11 and 12 on the first two duplicate
 * ACKs; on the third, FlightSize for ssthresh excludes them (RFC 5681 §3.2 step 2:
 * "additional data sent in limited transmit MUST NOT be included"), and the trace
 * row shows the FlightSize the algorithm was given. */
static void test_limited_transmit_not_in_flightsize(gconstpointer data)
{
	const char *cc = data;
	struct fx f;
	fx_open(&f, cc);
	g_assert_cmpint(tcp_send(f.s, pat, 20 * MSS), ==, 20 * MSS);
	g_assert_cmpuint(fw_pending(f.a), ==, 10);
	fw_drain(f.a);
	fw_run_until(&f.w, SIM_MS(30));
	inject_ack(&f, 0);
	inject_ack(&f, 0);
	g_assert_cmpuint(fw_pending(f.a), ==, 2); /* limited transmit: 11 and 12 */
	g_assert_cmpuint(f.s->snd_nxt - f.s->snd_una, ==, 12 * MSS);
	fw_drain(f.a);
	inject_ack(&f, 0);
	const struct fw_seg *seg = fw_pop(f.a);
	g_assert_nonnull(seg);
	g_assert_cmpuint(seg->r.seq, ==, ISS + 1); /* the fast retransmission */
	uint32_t expect = !strcmp(cc, "cubic") ? 14600 * 7 / 10 : 5 * MSS;
	g_assert_cmpuint(f.s->cc.ssthresh, ==, expect);
	GArray *rows = fx_finish(&f);
	GPtrArray *fr = rows_of(rows, "fast_retransmit");
	g_assert_cmpuint(fr->len, ==, 1);
	const struct row *x = g_ptr_array_index(fr, 0);
	g_assert_cmpuint(x->inflight, ==, 10 * MSS);
	g_assert_cmpuint(x->ssthresh, ==, expect);
	g_assert_cmpuint(x->cwnd, ==, expect + 3 * MSS);
	g_ptr_array_free(fr, TRUE);
	g_array_free(rows, TRUE);
}

/* cwnd need not be a multiple of SMSS (cc.h): Reno halves a FlightSize of 11
 * segments to ssthresh = 5.5 segments and exits recovery with cwnd = 5.5 segments,
 * which lets 5 segments out. Limited transmit then sends the 6th and 7th on the
 * first two duplicate ACKs — the 6th only partly beyond cwnd, but sent only because
 * of limited transmit all the same — so FlightSize at the third is 5 segments:
 * ssthresh = 2.5 segments. */
static void test_limited_transmit_fractional_cwnd(void)
{
	struct fx f;
	fx_open(&f, "reno");
	g_assert_cmpint(tcp_send(f.s, pat, 60 * MSS), ==, 60 * MSS);
	fw_drain(f.a);
	fw_run_until(&f.w, SIM_MS(30));
	inject_ack(&f, MSS); /* slow start: cwnd 11, flight 11 */
	g_assert_cmpuint(f.s->snd_nxt - f.s->snd_una, ==, 11 * MSS);
	for (int i = 0; i < 3; i++)
		inject_ack(&f, MSS); /* limited transmit twice, then fast retransmit */
	g_assert_cmpuint(f.s->cc.ssthresh, ==, 11 * MSS / 2);
	inject_ack(&f, 14 * MSS); /* everything: recovery ends, cwnd = 5.5 segments */
	g_assert_cmpuint(f.s->cc.cwnd, ==, 11 * MSS / 2);
	g_assert_cmpuint(f.s->snd_nxt - f.s->snd_una, ==, 5 * MSS);
	fw_drain(f.a);
	inject_ack(&f, 14 * MSS);
	inject_ack(&f, 14 * MSS);
	g_assert_cmpuint(fw_pending(f.a), ==, 2); /* limited transmit */
	inject_ack(&f, 14 * MSS);
	g_assert_cmpuint(f.s->cc.ssthresh, ==, 5 * MSS / 2);
	g_assert_cmpuint(f.s->cc.cwnd, ==, 5 * MSS / 2 + 3 * MSS);
	g_array_free(fx_finish(&f), TRUE);
}

/* ACKs everything A has sent, 10 ms later. */
static void ack_all_later(struct fx *f)
{
	fw_run_for(&f->w, SIM_MS(10));
	inject_ack(f, f->s->snd_max - (ISS + 1));
}

/* cc.h: TCP calls on_ack for every ACK of new data outside recovery, also when the
 * sender is not cwnd-limited, so that CUBIC can cut application-limited time out of
 * its epoch (RFC 9438 §4.2). CUBIC in congestion avoidance; then the application
 * writes one segment at a time for one second (ACKs not cwnd-limited); then a bulk
 * write: t_epoch must have moved forward by that second. */
static void test_cubic_app_limited(void)
{
	struct fx f;
	fx_open(&f, "cubic");
	g_assert_cmpint(tcp_send(f.s, pat, 10 * MSS), ==, 10 * MSS);
	fw_run_for(&f.w, SIM_MS(10));
	for (int i = 0; i < 3; i++)
		inject_ack(&f, 0); /* a loss: ssthresh = 0.7 cwnd */
	inject_ack(&f, 10 * MSS); /* recovery ends */
	/* Bulk sending until congestion avoidance is reached and an epoch runs. */
	struct tcp_cc_cubic_info info;
	for (int round = 0; round < 40; round++) {
		while (tcp_writable_bytes(f.s) > 0 && tcp_send(f.s, pat, sizeof pat) > 0)
			;
		ack_all_later(&f);
		tcp_cc_cubic_get_info(&f.s->cc, &info);
		if (info.epoch_started && !tcp_cc_in_slow_start(&f.s->cc))
			break;
	}
	g_assert_true(info.epoch_started);
	/* Drain: everything acknowledged, nothing buffered. */
	while (f.s->sndbuf.len > 0)
		ack_all_later(&f);
	sim_time_t epoch0 = info.t_epoch;
	tcp_cc_cubic_get_info(&f.s->cc, &info);
	g_assert_cmpint(info.t_epoch, ==, epoch0);
	/* One second of application-limited sending: one segment per 10 ms, ACKed. */
	sim_time_t start = sim_now(&f.w.sim);
	while (sim_now(&f.w.sim) < start + SIM_S(1)) {
		g_assert_cmpint(tcp_send(f.s, pat, MSS), ==, MSS);
		ack_all_later(&f);
	}
	sim_time_t limited = sim_now(&f.w.sim) - start;
	/* Bulk again: the first cwnd-limited ACKs end the application-limited period. */
	for (int round = 0; round < 3; round++) {
		while (tcp_writable_bytes(f.s) > 0 && tcp_send(f.s, pat, sizeof pat) > 0)
			;
		ack_all_later(&f);
	}
	tcp_cc_cubic_get_info(&f.s->cc, &info);
	g_test_message("t_epoch moved by %.3f s over %.3f s of application-limited sending",
		       (double)(info.t_epoch - epoch0) / 1e9, (double)limited / 1e9);
	g_assert_cmpint(info.t_epoch - epoch0, >=, limited - SIM_MS(30));
	g_assert_cmpint(info.t_epoch - epoch0, <=, limited + SIM_MS(30));
	g_array_free(fx_finish(&f), TRUE);
}

/* cc.h: the tcp_cc_config and the algorithm's parameters must outlive the
 * connection. A connection accepted from a listener with its own configuration keeps
 * working after the listener is closed and freed (ASan would see a dangling
 * pointer): its algorithm reads the connection's own copy. */
static void test_cc_config_outlives_listener(void)
{
	struct tcp_config cfg;
	tcp_config_defaults(&cfg, TCP_PROFILE_LINUX);
	g_strlcpy(cfg.cc, "cubic", sizeof cfg.cc);
	cfg.cubic.c_permille = 500;
	struct fw w;
	fw_init(&w, 1, NULL);
	fw_link(&w, SIM_MS(5));
	struct tcp_sock *l = tcp_socket(w.b.stack);
	g_assert_cmpint(tcp_sock_set_config(l, &cfg), ==, 0);
	g_assert_cmpint(tcp_bind(l, IPV4_ANY, RPORT), ==, 0);
	g_assert_cmpint(tcp_listen(l, 4), ==, 0);
	struct tcp_sock *a = tcp_socket(w.a.stack);
	g_assert_cmpint(tcp_connect(a, FW_ADDR_B, RPORT), ==, 0);
	fw_run_for(&w, SIM_MS(20));
	int err = 0;
	struct tcp_sock *c = tcp_accept(l, &err);
	g_assert_nonnull(c);
	g_assert_cmpint(tcp_close(l), ==, 0); /* the listener and its configuration go */
	g_assert_true(c->cc.cfg == &c->cfg->cc_cfg);
	g_assert_true(c->cfg != &w.b.stack->cfg);
	g_assert_true(c->cc.params == &c->cfg->cubic);
	g_assert_cmpuint(c->cfg->cubic.c_permille, ==, 500);
	/* Data from the accepted side exercises its algorithm. */
	g_assert_cmpint(tcp_send(c, pat, 50000), ==, 50000);
	fw_run_for(&w, SIM_S(1));
	g_assert_cmpuint(c->snd_una, ==, c->snd_max);
	tcp_abort(c);
	tcp_abort(a);
	fw_fini(&w);
}

int main(int argc, char **argv)
{
	for (size_t i = 0; i < sizeof(pat); i++)
		pat[i] = fw_pattern(9, i);
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/tcp/cc-glue/syn-timeouts-counted", test_syn_timeouts_counted);
	g_test_add_func("/tcp/cc-glue/data-timeouts-counted", test_data_timeouts_counted);
	g_test_add_func("/tcp/cc-glue/rto-then-fast-retransmit-go-back-n",
			test_rto_then_fast_retransmit_in_go_back_n);
	g_test_add_data_func("/tcp/cc-glue/recovery-rows/reno", "reno", test_recovery_rows);
	g_test_add_data_func("/tcp/cc-glue/recovery-rows/newreno", "newreno",
			     test_recovery_rows);
	g_test_add_data_func("/tcp/cc-glue/limited-transmit-not-in-flightsize/reno", "reno",
			     test_limited_transmit_not_in_flightsize);
	g_test_add_data_func("/tcp/cc-glue/limited-transmit-not-in-flightsize/newreno",
			     "newreno", test_limited_transmit_not_in_flightsize);
	/* CUBIC takes ssthresh from cwnd (RFC 9438 §4.6), not FlightSize: β·14600. */
	g_assert_cmpuint(14600u * 7 / 10, ==, 10220);
	g_test_add_data_func("/tcp/cc-glue/limited-transmit-not-in-flightsize/cubic", "cubic",
			     test_limited_transmit_not_in_flightsize);
	g_test_add_func("/tcp/cc-glue/limited-transmit-fractional-cwnd",
			test_limited_transmit_fractional_cwnd);
	g_test_add_func("/tcp/cc-glue/cubic-app-limited-epoch", test_cubic_app_limited);
	g_test_add_func("/tcp/cc-glue/cc-config-outlives-listener",
			test_cc_config_outlives_listener);
	return g_test_run();
}

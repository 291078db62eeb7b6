/* tests/tcp/test_listen.c — a listener's SYN queue, accept queue and SYN cookies
 * (models/tcp/listen.c) at segment level: host A listens, the test plays the clients
 * by injecting segments and checks the exact replies and the listener's counters. */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "models/tcp/conn.h"
#include "tests/tcp/wire.h"

#define LPORT 80
#define RPORT 40000
#define ISS 1000u
#define IRS 5000u
/* The linux profile's SYN-ACK window (rcvwnd.c, as Linux): rcvbuf 131072 holds 65536
 * at the initial payload/memory ratio of 1/2, rounded down to the MSS (1460). */
#define SYN_WIN 64240u

struct fx {
	struct fw w;
	struct fw_host *a;
	struct tcp_sock *l;
};

/* A listens on LPORT (children's ISS fixed) with `backlog` and the given knobs. */
static void fx_init(struct fx *f, int backlog, uint32_t syncookies, uint32_t max_syn_backlog)
{
	memset(f, 0, sizeof(*f));
	struct tcp_config cfg;
	tcp_config_defaults(&cfg, TCP_PROFILE_LINUX);
	cfg.syncookies = syncookies;
	if (max_syn_backlog)
		cfg.max_syn_backlog = max_syn_backlog;
	fw_init(&f->w, 1, &cfg);
	f->a = &f->w.a;
	f->l = tcp_socket(f->a->stack);
	tcp_sock_set_isn(f->l, ISS);
	g_assert_cmpint(tcp_bind(f->l, IPV4_ANY, LPORT), ==, 0);
	g_assert_cmpint(tcp_listen(f->l, backlog), ==, 0);
}

static void fx_fini(struct fx *f)
{
	tcp_close(f->l);
	fw_fini(&f->w);
}

/* A client's SYN from port `port` with MSS 1460 and window scale 7. */
static void syn_from(struct fx *f, uint16_t port)
{
	struct tcp_repr r = {.src_port = port, .dst_port = LPORT, .seq = IRS, .flags = TCP_FLAG_SYN,
			     .window = 65535, .has_mss = true, .mss = 1460, .has_wscale = true,
			     .wscale = 7};
	fw_inject(f->a, &r, NULL, 0);
}

static struct tcp_listen_stats stats_of(const struct fx *f)
{
	struct tcp_listen_stats s;
	tcp_listen_get_stats(f->l, &s);
	return s;
}

/* Without cookies, the SYN queue takes one more than the backlog (Linux
 * inet_csk_reqsk_queue_is_full(): >), then SYNs are dropped and counted. */
static void test_syn_queue_full_drops(void)
{
	struct fx f;
	fx_init(&f, 1, 0, 0);
	for (uint16_t i = 0; i < 2; i++) {
		syn_from(&f, RPORT + i);
		fw_assert_seg(fw_pop(f.a), TCP_FLAG_SYN | TCP_FLAG_ACK, ISS, IRS + 1, SYN_WIN, 0);
	}
	syn_from(&f, RPORT + 2);
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	struct tcp_listen_stats s = stats_of(&f);
	g_assert_cmpuint(s.syns, ==, 3);
	g_assert_cmpuint(s.syn_queue_drops, ==, 1);
	g_assert_cmpuint(s.max_syn_queue, ==, 2);
	g_assert_cmpuint(s.cookies_sent, ==, 0);
	g_assert_cmpuint(tcp_stack_stats(f.a->stack)->syn_dropped, ==, 1);
	fx_fini(&f);
}

/* syncookies 1: a SYN finding the SYN queue full gets a SYN-ACK whose ISN is a cookie,
 * with the MSS option only (no timestamps to carry window scaling), and nothing is
 * kept; the ACK of it makes the connection, data included. */
static void test_cookie_when_full(void)
{
	struct fx f;
	fx_init(&f, 1, 1, 0);
	for (uint16_t i = 0; i < 2; i++) {
		syn_from(&f, RPORT + i);
		fw_drain(f.a);
	}
	uint64_t live = tcp_stack_stats(f.a->stack)->conns_live;
	syn_from(&f, RPORT + 2);
	const struct fw_seg *sa = fw_pop(f.a);
	g_assert_nonnull(sa);
	g_assert_cmphex(sa->r.flags, ==, TCP_FLAG_SYN | TCP_FLAG_ACK);
	g_assert_cmpuint(sa->r.ack, ==, IRS + 1);
	g_assert_cmpuint(sa->r.seq, !=, ISS);
	g_assert_true(sa->r.has_mss);
	g_assert_cmpuint(sa->r.mss, ==, 1460);
	g_assert_false(sa->r.has_wscale);
	g_assert_cmpuint(sa->r.window, ==, SYN_WIN); /* as any SYN-ACK's */
	g_assert_cmpuint(tcp_stack_stats(f.a->stack)->conns_live, ==, live);
	uint32_t cookie = sa->r.seq;
	/* The cookie encodes the client's MSS (1460, the table's last entry). */
	struct tcp_tuple t = {.laddr = FW_ADDR_A, .raddr = FW_ADDR_B, .lport = LPORT,
			      .rport = RPORT + 2};
	g_assert_cmpint(tcp_cookie_check(f.a->stack, &t, IRS, cookie, 0), ==, 3);

	/* The third segment, with 5 bytes of data. */
	fw_inject_simple(f.a, RPORT + 2, LPORT, TCP_FLAG_ACK | TCP_FLAG_PSH, IRS + 1, cookie + 1,
			 1000, "hello", 5);
	struct tcp_listen_stats s = stats_of(&f);
	g_assert_cmpuint(s.cookies_sent, ==, 1);
	g_assert_cmpuint(s.cookies_accepted, ==, 1);
	g_assert_cmpuint(s.established, ==, 1);
	int err;
	struct tcp_sock *c = tcp_accept(f.l, &err);
	g_assert_nonnull(c);
	g_assert_cmpuint(tcp_remote_port(c), ==, RPORT + 2);
	g_assert_cmpstr(tcp_state_name(c), ==, "ESTABLISHED");
	char buf[16];
	g_assert_cmpint(tcp_recv(c, buf, sizeof(buf)), ==, 5);
	g_assert_cmpmem(buf, 5, "hello", 5);
	struct tcp_stats st;
	tcp_sock_get_stats(c, &st);
	g_assert_cmpuint(st.mss, ==, 1460);
	/* No window scaling: the peer's window 1000 is taken as is. */
	g_assert_cmpint(tcp_send(c, "0123456789", 10), ==, 10);
	fw_run_for(&f.w, SIM_MS(1));
	const struct fw_seg *d = NULL;
	while ((d = fw_pop(f.a)) != NULL && d->r.payload_len == 0)
		;
	g_assert_nonnull(d);
	g_assert_cmpuint(d->r.seq, ==, cookie + 1);
	g_assert_cmpuint(d->r.ack, ==, IRS + 6);
	/* Unscaled: the right edge offered in the cookie SYN-ACK (SYN_WIN) less the 5
	 * bytes taken, kept (the window never shrinks). */
	g_assert_cmpuint(d->r.window, ==, SYN_WIN - 5);
	tcp_abort(c);
	fx_fini(&f);
}

/* An ACK whose cookie does not check is an ACK in LISTEN: <SEQ=SEG.ACK><CTL=RST>. */
static void test_forged_cookie(void)
{
	struct fx f;
	fx_init(&f, 0, 2, 0);
	syn_from(&f, RPORT);
	uint32_t cookie = fw_pop(f.a)->r.seq;
	fw_inject_simple(f.a, RPORT, LPORT, TCP_FLAG_ACK, IRS + 1, cookie + 2, 1000, NULL, 0);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_RST, cookie + 2, 0, 0, 0);
	/* The right cookie from another port, or with another client ISN. (An ISN off by
	 * less than the MSS index would read as another index, as in Linux: the ISN is
	 * added into the cookie.) */
	fw_inject_simple(f.a, RPORT + 1, LPORT, TCP_FLAG_ACK, IRS + 1, cookie + 1, 1000, NULL, 0);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_RST, cookie + 1, 0, 0, 0);
	fw_inject_simple(f.a, RPORT, LPORT, TCP_FLAG_ACK, IRS + 100, cookie + 1, 1000, NULL, 0);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_RST, cookie + 1, 0, 0, 0);
	struct tcp_listen_stats s = stats_of(&f);
	g_assert_cmpuint(s.cookies_rejected, ==, 3);
	g_assert_cmpuint(s.cookies_accepted, ==, 0);
	int err;
	g_assert_null(tcp_accept(f.l, &err));
	fx_fini(&f);
}

/* syncookies 2: every SYN gets a cookie, the SYN queue stays empty; 0 never. */
static void test_cookies_always_and_never(void)
{
	struct fx f;
	fx_init(&f, 128, 2, 0);
	syn_from(&f, RPORT);
	const struct fw_seg *sa = fw_pop(f.a);
	g_assert_cmpuint(sa->r.seq, !=, ISS);
	g_assert_false(sa->r.has_wscale);
	struct tcp_listen_stats s = stats_of(&f);
	g_assert_cmpuint(s.cookies_sent, ==, 1);
	g_assert_cmpuint(s.max_syn_queue, ==, 0);
	fx_fini(&f);

	fx_init(&f, 128, 0, 0);
	syn_from(&f, RPORT);
	sa = fw_pop(f.a);
	fw_assert_seg(sa, TCP_FLAG_SYN | TCP_FLAG_ACK, ISS, IRS + 1, SYN_WIN, 0);
	g_assert_true(sa->r.has_wscale);
	/* An ACK that acknowledges nothing we sent: RST, not a connection. */
	fw_inject_simple(f.a, RPORT + 1, LPORT, TCP_FLAG_ACK, IRS + 1, 777, 1000, NULL, 0);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_RST, 777, 0, 0, 0);
	g_assert_cmpuint(stats_of(&f).cookies_rejected, ==, 0);
	fx_fini(&f);
}

/* A cookie is good in the minute it was made and the next (Linux
 * MAX_SYNCOOKIE_AGE 2), and checked only within two minutes of the last cookie. */
static void test_cookie_age(void)
{
	struct fx f;
	fx_init(&f, 0, 2, 0);
	syn_from(&f, RPORT);
	uint32_t c1 = fw_pop(f.a)->r.seq;   /* minute 0 */
	fw_run_until(&f.w, SIM_S(65));
	syn_from(&f, RPORT + 1);
	uint32_t c2 = fw_pop(f.a)->r.seq;   /* minute 1 */
	fw_run_until(&f.w, SIM_S(121));
	/* Minute 2: the first cookie is two minutes old, the second one. */
	fw_inject_simple(f.a, RPORT, LPORT, TCP_FLAG_ACK, IRS + 1, c1 + 1, 1000, NULL, 0);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_RST, c1 + 1, 0, 0, 0);
	fw_inject_simple(f.a, RPORT + 1, LPORT, TCP_FLAG_ACK, IRS + 1, c2 + 1, 1000, NULL, 0);
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	struct tcp_listen_stats s = stats_of(&f);
	g_assert_cmpuint(s.cookies_rejected, ==, 1);
	g_assert_cmpuint(s.cookies_accepted, ==, 1);
	int err;
	struct tcp_sock *c = tcp_accept(f.l, &err);
	g_assert_nonnull(c);
	tcp_abort(c);
	fw_drain(f.a);
	/* More than two minutes after the last cookie, ACKs are not even checked. */
	fw_run_until(&f.w, SIM_S(200));
	fw_inject_simple(f.a, RPORT + 1, LPORT, TCP_FLAG_ACK, IRS + 1, c2 + 1, 1000, NULL, 0);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_RST, c2 + 1, 0, 0, 0);
	g_assert_cmpuint(stats_of(&f).cookies_rejected, ==, 1);
	fx_fini(&f);
}

/* Without cookies, a SYN finding fewer than a quarter of max_syn_backlog free is
 * dropped (no peer is "proven", Linux tcp_conn_request()). */
static void test_max_syn_backlog(void)
{
	struct fx f;
	fx_init(&f, 100, 0, 8);
	for (uint16_t i = 0; i < 7; i++) {
		syn_from(&f, RPORT + i);
		g_assert_cmpuint(fw_pending(f.a), ==, 1);
		fw_drain(f.a);
	}
	/* 7 half-open: 8 − 7 < 8 / 4. */
	syn_from(&f, RPORT + 7);
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	struct tcp_listen_stats s = stats_of(&f);
	g_assert_cmpuint(s.syn_backlog_drops, ==, 1);
	g_assert_cmpuint(s.syn_queue_drops, ==, 0);
	fx_fini(&f);
}

/* The cookie function: every MSS index comes back, for a minute more; another
 * tuple, another client ISN or another cookie does not check. */
static void test_cookie_function(void)
{
	struct fw w;
	fw_init(&w, 1, NULL);
	struct tcp_tuple t = {.laddr = FW_ADDR_A, .raddr = FW_ADDR_B, .lport = 80, .rport = 1234};
	struct tcp_tuple u = t;
	u.rport = 1235;
	for (unsigned i = 0; i < TCP_COOKIE_MSS_COUNT; i++) {
		for (uint32_t minute = 0; minute < 600; minute += 97) {
			uint32_t c = tcp_cookie_make(w.a.stack, &t, 0xfffffff0u + i, i, minute);
			g_assert_cmpint(tcp_cookie_check(w.a.stack, &t, 0xfffffff0u + i, c, minute), ==, (int)i);
			g_assert_cmpint(tcp_cookie_check(w.a.stack, &t, 0xfffffff0u + i, c, minute + 1), ==, (int)i);
			g_assert_cmpint(tcp_cookie_check(w.a.stack, &t, 0xfffffff0u + i, c, minute + 2), ==, -1);
			g_assert_cmpint(tcp_cookie_check(w.a.stack, &u, 0xfffffff0u + i, c, minute), ==, -1);
			g_assert_cmpint(tcp_cookie_check(w.a.stack, &t, 0xfffffff0u + i + 1000, c, minute), ==, -1);
			g_assert_cmpint(tcp_cookie_check(w.a.stack, &t, 0xfffffff0u + i, c + 1000, minute), ==, -1);
			/* A cookie one higher reads as the next index (the index is added in),
			 * past the table: invalid. */
			g_assert_cmpint(tcp_cookie_check(w.a.stack, &t, 0xfffffff0u + i, c + 1, minute), ==,
					i + 1 < TCP_COOKIE_MSS_COUNT ? (int)i + 1 : -1);
		}
	}
	/* Another host's secret: another cookie. */
	g_assert_cmpuint(tcp_cookie_make(w.a.stack, &t, 1, 0, 0), !=, tcp_cookie_make(w.b.stack, &t, 1, 0, 0));
	fw_fini(&w);
}

/* The child hook: a trace enabled there shows the server's handshake from LISTEN. */
static void trace_child(struct sim *sim, struct tcp_sock *l, struct tcp_sock *c, void *ctx)
{
	(void)sim;
	(void)l;
	GError *e = NULL;
	g_assert_cmpint(tcp_sock_trace(c, ctx, "server", TCP_TRACE_ENDPOINT, &e), ==, 0);
}

static void test_child_trace_from_listen(void)
{
	struct fx f;
	fx_init(&f, 4, 1, 0);
	char *dir = g_dir_make_tmp("netsim-listen-XXXXXX", NULL);
	char *prefix = g_build_filename(dir, "flow", NULL);
	tcp_listen_set_child_fn(f.l, trace_child, prefix);
	syn_from(&f, RPORT);
	fw_drain(f.a);
	fw_run_until(&f.w, SIM_MS(10));
	fw_inject_simple(f.a, RPORT, LPORT, TCP_FLAG_ACK, IRS + 1, ISS + 1, 1000, NULL, 0);
	int err;
	struct tcp_sock *c = tcp_accept(f.l, &err);
	g_assert_nonnull(c);
	tcp_abort(c);
	fx_fini(&f);
	char *path = g_strconcat(prefix, ".server.tsv", NULL);
	gchar *text = NULL;
	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	char **rows = g_strsplit(text, "\n", -1);
	static const char *const want[][2] = {
		{"LISTEN", "open"}, {"SYN-RECEIVED", "state"}, {"ESTABLISHED", "state"}};
	for (int i = 0; i < 3; i++) {
		char **cols = g_strsplit(rows[i + 1], "\t", -1);
		g_assert_cmpstr(cols[8], ==, want[i][0]);
		g_assert_cmpstr(cols[9], ==, want[i][1]);
		g_strfreev(cols);
	}
	g_strfreev(rows);
	g_free(text);
	g_unlink(path);
	g_rmdir(dir);
	g_free(path);
	g_free(prefix);
	g_free(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/tcp/listen/syn-queue-full-drops", test_syn_queue_full_drops);
	g_test_add_func("/tcp/listen/cookie-when-full", test_cookie_when_full);
	g_test_add_func("/tcp/listen/forged-cookie", test_forged_cookie);
	g_test_add_func("/tcp/listen/cookies-always-and-never", test_cookies_always_and_never);
	g_test_add_func("/tcp/listen/cookie-age", test_cookie_age);
	g_test_add_func("/tcp/listen/max-syn-backlog", test_max_syn_backlog);
	g_test_add_func("/tcp/listen/cookie-function", test_cookie_function);
	g_test_add_func("/tcp/listen/child-trace-from-listen", test_child_trace_from_listen);
	return g_test_run();
}

/* tests/tcp/test_options.c — the socket options of options.c as seen on the wire:
 * TCP_CORK and MSG_MORE hold partial segments (and PSH), TCP_MAXSEG clamps the MSS
 * announced and used, TCP_USER_TIMEOUT aborts at its time, IP_TOS marks segments,
 * SO_REUSEADDR relaxes bind(), and a local queue that refuses segments makes TCP
 * retry every 500 ms. Host A runs netsim's TCP (linux profile); the test plays the
 * peer by injecting segments. */
#include <errno.h>
#include <glib.h>
#include <string.h>

#include "tests/tcp/wire.h"

#define LPORT 40000
#define RPORT 80
#define ISS   1000u
#define IRS   5000u

struct fx {
	struct fw w;
	struct fw_host *a;
	struct tcp_sock *s;
	struct fw_app app;
};

static uint8_t pat[8192];

static void inject(struct fx *f, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t win)
{
	fw_inject_simple(f->a, RPORT, LPORT, flags, seq, ack, win, NULL, 0);
}

/* A connects; the peer answers at 10 ms with MSS peer_mss and window 65535 (no
 * scaling: A's window stays the SYN's, 64240). opt/v: an option set before connect() (opt < 0: none). */
static void fx_open(struct fx *f, int opt, int64_t v, uint16_t peer_mss)
{
	memset(f, 0, sizeof(*f));
	fw_init(&f->w, 1, NULL);
	f->a = &f->w.a;
	f->s = tcp_socket(f->a->stack);
	tcp_sock_set_isn(f->s, ISS);
	if (opt >= 0)
		g_assert_cmpint(tcp_setsockopt(f->s, (enum tcp_sockopt)opt, v), ==, 0);
	g_assert_cmpint(tcp_bind(f->s, IPV4_ANY, LPORT), ==, 0);
	fw_app_init(&f->app, f->s);
	g_assert_cmpint(tcp_connect(f->s, FW_ADDR_B, RPORT), ==, 0);
	fw_run_until(&f->w, SIM_MS(10));
	struct tcp_repr r = {.src_port = RPORT,
	                     .dst_port = LPORT,
	                     .seq = IRS,
	                     .ack = ISS + 1,
	                     .flags = TCP_FLAG_SYN | TCP_FLAG_ACK,
	                     .window = 65535,
	                     .has_mss = true,
	                     .mss = peer_mss};
	fw_inject(f->a, &r, NULL, 0);
	g_assert_cmpstr(tcp_state_name(f->s), ==, "ESTABLISHED");
}

static void fx_close(struct fx *f)
{
	if (f->s)
		tcp_abort(f->s);
	fw_app_fini(&f->app);
	fw_fini(&f->w);
}

static void test_cork(void)
{
	/* TCP_CORK holds partial segments, sends full ones, and clearing it sends the
	 * rest; with nothing in flight the probe timer sends a corked tail after one
	 * RTO (Linux tcp_write_wakeup). */
	struct fx f;
	fx_open(&f, TCP_OPT_CORK, 1, 1000);
	fw_drain(f.a);
	g_assert_cmpint(tcp_send(f.s, pat, 300), ==, 300);
	g_assert_cmpint(tcp_send(f.s, pat, 300), ==, 300);
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	g_assert_cmpint(tcp_send(f.s, pat, 600), ==, 600);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK, ISS + 1, IRS + 1, 64240, 1000);
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	inject(&f, TCP_FLAG_ACK, IRS + 1, ISS + 1001, 65535);
	g_assert_cmpuint(fw_pending(f.a), ==, 0); /* still corked */
	g_assert_cmpint(tcp_setsockopt(f.s, TCP_OPT_CORK, 0), ==, 0);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK | TCP_FLAG_PSH, ISS + 1001, IRS + 1, 64240, 200);
	inject(&f, TCP_FLAG_ACK, IRS + 1, ISS + 1201, 65535);
	/* Corked again, nothing in flight: the tail goes after one RTO (just above
	 * the 200 ms floor: the RTT samples are 10 ms and 0). */
	g_assert_cmpint(tcp_setsockopt(f.s, TCP_OPT_CORK, 1), ==, 0);
	sim_time_t t0 = sim_now(&f.w.sim);
	g_assert_cmpint(tcp_send(f.s, pat, 50), ==, 50);
	fw_run_until(&f.w, t0 + SIM_MS(200));
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	fw_run_until(&f.w, t0 + SIM_MS(220));
	const struct fw_seg *p = fw_pop(f.a);
	fw_assert_seg(p, TCP_FLAG_ACK | TCP_FLAG_PSH, ISS + 1201, IRS + 1, 64240, 50);
	g_assert_cmpint(p->time, >, t0 + SIM_MS(200));
	fx_close(&f);
}

static void test_msg_more(void)
{
	/* MSG_MORE holds a partial segment for that send only, and its bytes carry no
	 * PSH; a plain send pushes everything with PSH; TCP_NODELAY pushes a corked
	 * tail (Linux TCP_NAGLE_PUSH). */
	struct fx f;
	fx_open(&f, TCP_OPT_NODELAY, 1, 1000);
	fw_drain(f.a);
	g_assert_cmpint(tcp_send_more(f.s, pat, 100, true), ==, 100);
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	g_assert_cmpint(tcp_send_more(f.s, pat, 100, false), ==, 100);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK | TCP_FLAG_PSH, ISS + 1, IRS + 1, 64240, 200);
	inject(&f, TCP_FLAG_ACK, IRS + 1, ISS + 201, 65535);
	g_assert_cmpint(tcp_send_more(f.s, pat, 1500, true), ==, 1500);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK, ISS + 201, IRS + 1, 64240, 1000);
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	g_assert_cmpint(tcp_setsockopt(f.s, TCP_OPT_NODELAY, 1), ==, 0);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK, ISS + 1201, IRS + 1, 64240, 500);
	fx_close(&f);
}

static void test_maxseg(void)
{
	/* TCP_MAXSEG 900 before connect: the SYN announces 900 and, though the peer
	 * allows 1460, segments carry 900 bytes; getsockopt reports the MSS in use. */
	struct fx f;
	memset(&f, 0, sizeof(f));
	fw_init(&f.w, 1, NULL);
	f.a = &f.w.a;
	f.s = tcp_socket(f.a->stack);
	int64_t v;
	g_assert_cmpint(tcp_getsockopt(f.s, TCP_OPT_MAXSEG, &v), ==, 0);
	g_assert_cmpint(v, ==, 536); /* Linux: TCP_MSS_DEFAULT before a connection */
	g_assert_cmpint(tcp_setsockopt(f.s, TCP_OPT_MAXSEG, 87), ==, -EINVAL);
	g_assert_cmpint(tcp_setsockopt(f.s, TCP_OPT_MAXSEG, 900), ==, 0);
	tcp_sock_set_isn(f.s, ISS);
	tcp_bind(f.s, IPV4_ANY, LPORT);
	fw_app_init(&f.app, f.s);
	tcp_connect(f.s, FW_ADDR_B, RPORT);
	const struct fw_seg *syn = fw_pop(f.a);
	g_assert_true(syn->r.has_mss);
	g_assert_cmpuint(syn->r.mss, ==, 900);
	struct tcp_repr r = {.src_port = RPORT,
	                     .dst_port = LPORT,
	                     .seq = IRS,
	                     .ack = ISS + 1,
	                     .flags = TCP_FLAG_SYN | TCP_FLAG_ACK,
	                     .window = 65535,
	                     .has_mss = true,
	                     .mss = 1460};
	fw_inject(f.a, &r, NULL, 0);
	fw_drain(f.a);
	g_assert_cmpint(tcp_getsockopt(f.s, TCP_OPT_MAXSEG, &v), ==, 0);
	g_assert_cmpint(v, ==, 900);
	g_assert_cmpint(tcp_send(f.s, pat, 2000), ==, 2000);
	/* The window is the SYN's, rounded down to the MSS announced: 72 × 900. */
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK, ISS + 1, IRS + 1, 64800, 900);
	fw_assert_seg(fw_pop(f.a), TCP_FLAG_ACK, ISS + 901, IRS + 1, 64800, 900);
	fx_close(&f);
}

static void test_user_timeout(void)
{
	/* TCP_USER_TIMEOUT 1 s: retransmissions at 212 and 636 ms (RTO 212 ms —
	 * 10 + 200 ms in 4 ms jiffies — doubling), the next timer clamped to the 1 s mark, where the connection
	 * ends with ETIMEDOUT and no RST, long before tcp_retries2 would. */
	struct fx f;
	fx_open(&f, TCP_OPT_USER_TIMEOUT, SIM_S(1), 1000);
	fw_app_watch(&f.app, TCP_EV_ERROR, false);
	fw_drain(f.a);
	sim_time_t t0 = sim_now(&f.w.sim);
	g_assert_cmpint(tcp_send(f.s, pat, 100), ==, 100);
	fw_drain(f.a);
	fw_run_until(&f.w, t0 + SIM_S(2));
	const struct fw_seg *p = fw_pop(f.a);
	g_assert_cmpint(p->time, ==, t0 + SIM_MS(212));
	p = fw_pop(f.a);
	g_assert_cmpint(p->time, ==, t0 + SIM_MS(636));
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	g_assert_cmpint(f.app.error, ==, -ETIMEDOUT);
	g_assert_cmpstr(tcp_state_name(f.s), ==, "CLOSED");
	fx_close(&f);
}

static void test_tos(void)
{
	/* IP_TOS marks what the connection sends; the ECN bits stay TCP's. */
	struct fx f;
	fx_open(&f, TCP_OPT_TOS, 0x2b, 1000);
	const struct fw_seg *syn = fw_pop(f.a), *ack = fw_pop(f.a);
	g_assert_cmphex(syn->r.flags, ==, TCP_FLAG_SYN);
	g_assert_cmpuint(syn->tos, ==, 0x28);
	g_assert_cmpuint(ack->tos, ==, 0x28);
	int64_t v;
	g_assert_cmpint(tcp_getsockopt(f.s, TCP_OPT_TOS, &v), ==, 0);
	g_assert_cmpint(v, ==, 0x28);
	g_assert_cmpint(tcp_setsockopt(f.s, TCP_OPT_TOS, 0x10), ==, 0);
	g_assert_cmpint(tcp_send(f.s, pat, 10), ==, 10);
	g_assert_cmpuint(fw_pop(f.a)->tos, ==, 0x10);
	fx_close(&f);
}

static void test_reuseaddr(void)
{
	/* bind() conflicts with a listener always, and with a connection accepted on
	 * the port unless both set SO_REUSEADDR (Linux inet_bind_conflict). */
	struct fw w;
	fw_init(&w, 1, NULL);
	struct tcp_sock *l = tcp_socket(w.a.stack);
	g_assert_cmpint(tcp_setsockopt(l, TCP_OPT_REUSEADDR, 1), ==, 0);
	g_assert_cmpint(tcp_bind(l, IPV4_ANY, RPORT), ==, 0);
	g_assert_cmpint(tcp_listen(l, 4), ==, 0);
	struct tcp_sock *x = tcp_socket(w.a.stack);
	g_assert_cmpint(tcp_setsockopt(x, TCP_OPT_REUSEADDR, 1), ==, 0);
	g_assert_cmpint(tcp_bind(x, IPV4_ANY, RPORT), ==, -EADDRINUSE); /* listening */
	struct tcp_repr syn = {.src_port = LPORT,
	                       .dst_port = RPORT,
	                       .seq = IRS,
	                       .flags = TCP_FLAG_SYN,
	                       .window = 65535};
	fw_inject(&w.a, &syn, NULL, 0);
	const struct fw_seg *sa = fw_pop(&w.a);
	fw_inject_simple(&w.a, LPORT, RPORT, TCP_FLAG_ACK, IRS + 1, sa->r.seq + 1, 65535, NULL, 0);
	int err;
	struct tcp_sock *c = tcp_accept(l, &err);
	g_assert_nonnull(c);
	tcp_close(l); /* the listener goes; its connection stays */
	struct tcp_sock *y = tcp_socket(w.a.stack);
	g_assert_cmpint(tcp_bind(y, IPV4_ANY, RPORT), ==, -EADDRINUSE);
	g_assert_cmpint(tcp_bind(x, IPV4_ANY, RPORT), ==, 0);
	tcp_abort(c);
	g_assert_cmpint(tcp_bind(y, IPV4_ANY, RPORT), ==, -EADDRINUSE); /* x has it */
	tcp_close(x);
	g_assert_cmpint(tcp_bind(y, IPV4_ANY, RPORT), ==, 0);
	tcp_close(y);
	fw_fini(&w);
}

static void test_local_drop(void)
{
	/* A local queue that refuses everything: the data stays unsent; TCP retries
	 * on the probe timer, first after one RTO, then every 500 ms without backoff;
	 * when the queue has room again the next retry sends it. */
	struct fx f;
	fx_open(&f, -1, 0, 1000);
	fw_drain(f.a);
	tcp_stack_set_local_drop(f.a->stack, true);
	sim_time_t t0 = sim_now(&f.w.sim);
	g_assert_cmpint(tcp_send(f.s, pat, 100), ==, 100);
	fw_run_until(&f.w, t0 + SIM_MS(212) + SIM_MS(1000));
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	tcp_stack_set_local_drop(f.a->stack, false);
	fw_run_until(&f.w, t0 + SIM_MS(212) + SIM_MS(1500) - 1);
	g_assert_cmpuint(fw_pending(f.a), ==, 0);
	fw_run_until(&f.w, t0 + SIM_MS(212) + SIM_MS(1500));
	const struct fw_seg *p = fw_pop(f.a);
	fw_assert_seg(p, TCP_FLAG_ACK | TCP_FLAG_PSH, ISS + 1, IRS + 1, 64240, 100);
	fx_close(&f);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	for (size_t i = 0; i < sizeof(pat); i++)
		pat[i] = (uint8_t)(i * 7 + 3);
	g_test_add_func("/tcp/options/cork", test_cork);
	g_test_add_func("/tcp/options/msg-more", test_msg_more);
	g_test_add_func("/tcp/options/maxseg", test_maxseg);
	g_test_add_func("/tcp/options/user-timeout", test_user_timeout);
	g_test_add_func("/tcp/options/tos", test_tos);
	g_test_add_func("/tcp/options/reuseaddr", test_reuseaddr);
	g_test_add_func("/tcp/options/local-drop", test_local_drop);
	return g_test_run();
}

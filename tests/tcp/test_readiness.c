/* tests/tcp/test_readiness.c — socket.h's readiness contract, observed at the
 * socket level (TCP follow-up 1).
 *
 * socket.h promises, for level-triggered sockets: "after every change to the socket,
 * and again after each callback returns, the callback runs while (ready & interest)
 * != 0"; for edge-triggered ones: a callback when a condition newly arises (new data,
 * buffer space opened after being full, FIN/RST/error). Host A runs netsim's TCP on
 * the fake wire (tests/tcp/wire.h); the test plays the peer by injecting segments and
 * drives A's application from scheduler events, never from inside a callback unless
 * the case needs it. Every case runs in both modes where both apply.
 */
#include <errno.h>
#include <glib.h>
#include <string.h>

#include "tests/tcp/wire.h"

#define LPORT 40000
#define RPORT 80
#define ISS 1000u
#define IRS 5000u
#define MSS 1460u

static uint8_t pat[1 << 18];

/* The application under test: records every callback; what it does in a callback
 * is chosen per case. */
struct app {
	struct tcp_sock *s;
	bool edge;
	uint32_t interest;
	GArray *events; /* uint32_t per callback */
	GArray *times;  /* sim_time_t per callback */
	/* Behaviour inside a callback. */
	bool fill_on_writable;     /* write exactly tcp_writable_bytes() (never EAGAIN) */
	uint32_t write_per_call;   /* or write this much per call (0: nothing) */
	uint32_t drop_writable_after; /* LT: clear WRITABLE interest after this many calls */
	bool drop_hup_interest;    /* LT: clear HUP|ERROR interest once seen (a closing app) */
	uint64_t written;
	int error;
};

struct fx {
	struct fw w;
	struct fw_host *a;
	struct app app;
};

static void app_cb(struct sim *sim, struct tcp_sock *s, uint32_t ev, void *ctx)
{
	struct app *a = ctx;
	sim_time_t now = sim_now(sim);
	g_array_append_val(a->events, ev);
	g_array_append_val(a->times, now);
	if (a->events->len > 10000)
		g_error("callback storm at %" G_GINT64_FORMAT " ns (events 0x%x)", now, ev);
	if (ev & TCP_EV_ERROR) {
		int e = tcp_get_error(s);
		if (e)
			a->error = e;
	}
	if (ev & TCP_EV_WRITABLE) {
		uint32_t n = a->fill_on_writable ? (uint32_t)tcp_writable_bytes(s) : a->write_per_call;
		if (n > 0) {
			ssize_t r = tcp_send(s, pat, n);
			g_assert_cmpint(r, ==, (ssize_t)n);
			a->written += n;
		}
	}
	uint32_t want = a->interest;
	if (a->drop_writable_after && a->events->len >= a->drop_writable_after)
		want &= ~(uint32_t)TCP_EV_WRITABLE;
	if (a->drop_hup_interest && (ev & (TCP_EV_HUP | TCP_EV_ERROR)))
		want &= ~(uint32_t)(TCP_EV_HUP | TCP_EV_ERROR | TCP_EV_READABLE);
	if (want != a->interest) {
		a->interest = want;
		tcp_set_callback(s, want, a->edge, app_cb, a);
	}
}

static void watch(struct fx *f, uint32_t interest)
{
	f->app.interest = interest;
	tcp_set_callback(f->app.s, interest, f->app.edge, app_cb, &f->app);
}

static uint32_t calls(const struct fx *f)
{
	return f->app.events->len;
}

static uint32_t ev_at(const struct fx *f, uint32_t i)
{
	return g_array_index(f->app.events, uint32_t, i);
}

static sim_time_t time_at(const struct fx *f, uint32_t i)
{
	return g_array_index(f->app.times, sim_time_t, i);
}

static void inject(struct fx *f, uint8_t flags, uint32_t seq, uint32_t ack, const void *data,
		   uint32_t len)
{
	fw_inject_simple(f->a, RPORT, LPORT, flags, seq, ack, 65535, data, len);
}

/* A connected socket on A (the peer's SYN-ACK at 10 ms), no callback yet. */
static void fx_open(struct fx *f, bool edge)
{
	memset(f, 0, sizeof(*f));
	fw_init(&f->w, 1, NULL);
	f->a = &f->w.a;
	struct tcp_sock *s = tcp_socket(f->a->stack);
	tcp_sock_set_isn(s, ISS);
	g_assert_cmpint(tcp_bind(s, IPV4_ANY, LPORT), ==, 0);
	g_assert_cmpint(tcp_connect(s, FW_ADDR_B, RPORT), ==, 0);
	fw_run_until(&f->w, SIM_MS(10));
	struct tcp_repr r = { .src_port = RPORT, .dst_port = LPORT, .seq = IRS, .ack = ISS + 1,
			      .flags = TCP_FLAG_SYN | TCP_FLAG_ACK, .window = 65535,
			      .has_mss = true, .mss = MSS };
	fw_inject(f->a, &r, NULL, 0);
	g_assert_cmpstr(tcp_state_name(s), ==, "ESTABLISHED");
	fw_drain(f->a);
	f->app.s = s;
	f->app.edge = edge;
	f->app.events = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	f->app.times = g_array_new(FALSE, FALSE, sizeof(sim_time_t));
}

static void fx_close(struct fx *f)
{
	if (f->app.s)
		tcp_abort(f->app.s);
	g_array_free(f->app.events, TRUE);
	g_array_free(f->app.times, TRUE);
	fw_fini(&f->w);
}

/* ACKs everything A sent up to `una` (relative: bytes of data acknowledged). */
static void ack_data(struct fx *f, uint32_t bytes)
{
	inject(f, TCP_FLAG_ACK, IRS + 1, ISS + 1 + bytes, NULL, 0);
}

/* Runs an application action as a scheduler event (outside any callback). */
struct action {
	struct fx *f;
	void (*fn)(struct fx *f);
};

static void action_fire(struct sim *sim, void *ctx, void *arg)
{
	(void)sim;
	(void)arg;
	struct action *x = ctx;
	x->fn(x->f);
}

static void run_action(struct fx *f, void (*fn)(struct fx *f))
{
	struct action x = { f, fn };
	sim_schedule_in(&f->w.sim, 0, action_fire, &x, NULL);
	fw_run_for(&f->w, 0);
}

/* ---- WRITABLE --------------------------------------------------------------------- */

/* A writer that never meets EAGAIN: it writes exactly the free space, so the buffer
 * is full after every callback. Each ACK that frees space must call it again, in
 * both modes (LT: WRITABLE is ready again; ET: space opened after being full). */
static void test_writer_fills_exactly(gconstpointer data)
{
	struct fx f;
	fx_open(&f, GPOINTER_TO_INT(data));
	g_assert_cmpint(tcp_setsockopt(f.app.s, TCP_OPT_SNDBUF, 4096), ==, 0);
	f.app.fill_on_writable = true;
	watch(&f, TCP_EV_WRITABLE);
	fw_run_for(&f.w, SIM_MS(1));
	g_assert_cmpuint(calls(&f), ==, 1); /* at registration; then full: no more */
	g_assert_cmpuint(f.app.written, ==, 4096);
	g_assert_cmpuint(tcp_poll(f.app.s) & TCP_EV_WRITABLE, ==, 0);
	fw_run_for(&f.w, SIM_MS(5));
	g_assert_cmpuint(calls(&f), ==, 1);
	uint64_t acked = 0;
	for (int i = 0; i < 6; i++) {
		acked += MSS;
		ack_data(&f, (uint32_t)acked);
		fw_run_for(&f.w, 0);
		g_assert_cmpuint(calls(&f), ==, 2 + (uint32_t)i);
		g_assert_cmpuint(ev_at(&f, calls(&f) - 1), ==, TCP_EV_WRITABLE);
		g_assert_cmpint(time_at(&f, calls(&f) - 1), ==, sim_now(&f.w.sim));
		g_assert_cmpuint(f.app.written, ==, 4096 + acked);
		fw_run_for(&f.w, SIM_MS(1));
	}
	fx_close(&f);
}

/* The buffer was filled by writes the application made, then SO_SNDBUF was lowered
 * below what is buffered: not writable, and no send ever failed. When ACKs bring the
 * buffer below the new size, WRITABLE arises and must be reported in both modes. */
static void test_writable_after_sndbuf_lowered(gconstpointer data)
{
	struct fx f;
	fx_open(&f, GPOINTER_TO_INT(data));
	g_assert_cmpint(tcp_send(f.app.s, pat, 8000), ==, 8000);
	g_assert_cmpint(tcp_setsockopt(f.app.s, TCP_OPT_SNDBUF, 4096), ==, 0);
	g_assert_cmpuint(tcp_poll(f.app.s) & TCP_EV_WRITABLE, ==, 0);
	f.app.drop_writable_after = f.app.edge ? 0 : 1; /* LT: told once, then stops */
	watch(&f, TCP_EV_WRITABLE);
	fw_run_for(&f.w, SIM_MS(1));
	g_assert_cmpuint(calls(&f), ==, 0);
	ack_data(&f, 2 * MSS); /* 5080 left: still not writable */
	fw_run_for(&f.w, 0);
	g_assert_cmpuint(calls(&f), ==, 0);
	fw_run_for(&f.w, SIM_MS(1));
	ack_data(&f, 4 * MSS); /* 2160 left */
	fw_run_for(&f.w, 0);
	g_assert_cmpuint(calls(&f), ==, 1);
	g_assert_cmpuint(ev_at(&f, 0), ==, TCP_EV_WRITABLE);
	fx_close(&f);
}

/* SO_SNDBUF raised while the buffer is full: space opens at once (Linux calls
 * sk_write_space from setsockopt) and the waiting writer is told. */
static void raise_sndbuf(struct fx *f)
{
	g_assert_cmpint(tcp_setsockopt(f->app.s, TCP_OPT_SNDBUF, 8192), ==, 0);
}

static void test_writable_after_sndbuf_raised(gconstpointer data)
{
	struct fx f;
	fx_open(&f, GPOINTER_TO_INT(data));
	g_assert_cmpint(tcp_setsockopt(f.app.s, TCP_OPT_SNDBUF, 4096), ==, 0);
	g_assert_cmpint(tcp_send(f.app.s, pat, 4096), ==, 4096);
	f.app.drop_writable_after = f.app.edge ? 0 : 1;
	watch(&f, TCP_EV_WRITABLE);
	fw_run_for(&f.w, SIM_MS(1));
	g_assert_cmpuint(calls(&f), ==, 0);
	run_action(&f, raise_sndbuf);
	g_assert_cmpuint(calls(&f), ==, 1);
	g_assert_cmpuint(ev_at(&f, 0), ==, TCP_EV_WRITABLE);
	fx_close(&f);
}

/* Level-triggered with space left: the callback runs again after each return while
 * the application keeps its interest, at the same instant (epoll LT), and stops when
 * it clears WRITABLE. Edge-triggered: once, at registration. */
static void test_writable_repeats_while_space(gconstpointer data)
{
	bool edge = GPOINTER_TO_INT(data);
	struct fx f;
	fx_open(&f, edge);
	f.app.write_per_call = 100;
	f.app.drop_writable_after = 5;
	watch(&f, TCP_EV_WRITABLE);
	fw_run_for(&f.w, SIM_MS(1));
	g_assert_cmpuint(calls(&f), ==, edge ? 1 : 5);
	for (uint32_t i = 0; i < calls(&f); i++) {
		g_assert_cmpuint(ev_at(&f, i), ==, TCP_EV_WRITABLE);
		g_assert_cmpint(time_at(&f, i), ==, time_at(&f, 0));
	}
	/* ACKs that free space in a buffer that was never full: LT has no interest any
	 * more; ET has no new edge. */
	uint32_t n = calls(&f);
	ack_data(&f, (uint32_t)f.app.written);
	fw_run_for(&f.w, SIM_MS(1));
	g_assert_cmpuint(calls(&f), ==, n);
	fx_close(&f);
}

/* Filling and draining repeatedly: with ET, one callback per "full, then space"
 * transition, none for further ACKs while space stays open. */
static void test_fill_drain_cycles(gconstpointer data)
{
	bool edge = GPOINTER_TO_INT(data);
	struct fx f;
	fx_open(&f, edge);
	g_assert_cmpint(tcp_setsockopt(f.app.s, TCP_OPT_SNDBUF, 4 * MSS), ==, 0);
	g_assert_cmpint(tcp_send(f.app.s, pat, 100000), ==, 4 * MSS); /* short write */
	f.app.write_per_call = 0; /* the application only watches */
	f.app.drop_writable_after = edge ? 0 : 1;
	watch(&f, TCP_EV_WRITABLE);
	fw_run_for(&f.w, SIM_MS(1));
	g_assert_cmpuint(calls(&f), ==, 0);
	ack_data(&f, MSS);
	fw_run_for(&f.w, 0);
	g_assert_cmpuint(calls(&f), ==, 1);
	ack_data(&f, 2 * MSS); /* more space, never full in between: no new report */
	fw_run_for(&f.w, SIM_MS(1));
	g_assert_cmpuint(calls(&f), ==, 1);
	/* Fill again (outside a callback), then an ACK: reported again. */
	g_assert_cmpint(tcp_send(f.app.s, pat, 100000), ==, 2 * MSS);
	if (!edge)
		watch(&f, TCP_EV_WRITABLE); /* LT: the application asks again */
	f.app.drop_writable_after = edge ? 0 : 2;
	fw_run_for(&f.w, SIM_MS(1));
	g_assert_cmpuint(calls(&f), ==, 1);
	ack_data(&f, 3 * MSS + 10);
	fw_run_for(&f.w, 0);
	g_assert_cmpuint(calls(&f), ==, 2);
	g_assert_cmpuint(ev_at(&f, 1), ==, TCP_EV_WRITABLE);
	fx_close(&f);
}

/* ---- HUP and errors ----------------------------------------------------------------- */

/* The peer's FIN arrives (CLOSE-WAIT: READABLE, end of stream); later the application
 * shuts down writing outside any callback: the connection is now finished in both
 * directions, HUP arises and is reported (interest: HUP only). */
static void shut_wr(struct fx *f)
{
	g_assert_cmpint(tcp_shutdown(f->app.s, TCP_SHUT_WR), ==, 0);
}

static void test_hup_after_own_shutdown(gconstpointer data)
{
	struct fx f;
	fx_open(&f, GPOINTER_TO_INT(data));
	f.app.drop_hup_interest = true;
	watch(&f, TCP_EV_HUP);
	inject(&f, TCP_FLAG_ACK | TCP_FLAG_FIN, IRS + 1, ISS + 1, NULL, 0);
	fw_run_for(&f.w, SIM_MS(1));
	g_assert_cmpstr(tcp_state_name(f.app.s), ==, "CLOSE-WAIT");
	g_assert_cmpuint(calls(&f), ==, 0);
	run_action(&f, shut_wr);
	g_assert_cmpstr(tcp_state_name(f.app.s), ==, "LAST-ACK");
	g_assert_cmpuint(tcp_poll(f.app.s) & TCP_EV_HUP, ==, TCP_EV_HUP);
	g_assert_cmpuint(calls(&f), ==, 1);
	g_assert_cmpuint(ev_at(&f, 0), ==, TCP_EV_HUP);
	fx_close(&f);
}

/* A reset: READABLE, HUP and ERROR at once, -ECONNRESET; the writer's WRITABLE is
 * gone. An LT application that keeps its interest after HUP would be called forever
 * (epoll LT); this one drops it, so exactly one call. */
static void test_reset(gconstpointer data)
{
	struct fx f;
	fx_open(&f, GPOINTER_TO_INT(data));
	g_assert_cmpint(tcp_setsockopt(f.app.s, TCP_OPT_SNDBUF, 4096), ==, 0);
	g_assert_cmpint(tcp_send(f.app.s, pat, 4096), ==, 4096);
	f.app.drop_hup_interest = true;
	watch(&f, TCP_EV_READABLE | TCP_EV_WRITABLE | TCP_EV_HUP | TCP_EV_ERROR);
	fw_run_for(&f.w, SIM_MS(1));
	g_assert_cmpuint(calls(&f), ==, 0);
	inject(&f, TCP_FLAG_RST, IRS + 1, 0, NULL, 0);
	fw_run_for(&f.w, SIM_MS(1));
	g_assert_cmpuint(calls(&f), ==, 1);
	g_assert_cmpuint(ev_at(&f, 0), ==, TCP_EV_READABLE | TCP_EV_HUP | TCP_EV_ERROR);
	g_assert_cmpint(f.app.error, ==, -ECONNRESET);
	fx_close(&f);
}

/* Data retries exhausted: ETIMEDOUT reported as ERROR|HUP|READABLE to a writer
 * waiting on a full buffer. */
static void test_timeout_error(gconstpointer data)
{
	struct fx f;
	fx_open(&f, GPOINTER_TO_INT(data));
	g_assert_cmpint(tcp_setsockopt(f.app.s, TCP_OPT_SNDBUF, 4096), ==, 0);
	g_assert_cmpint(tcp_send(f.app.s, pat, 4096), ==, 4096);
	f.app.drop_hup_interest = true;
	watch(&f, TCP_EV_WRITABLE | TCP_EV_HUP | TCP_EV_ERROR);
	fw_run_until(&f.w, SIM_S(2000));
	g_assert_cmpstr(tcp_state_name(f.app.s), ==, "CLOSED");
	g_assert_cmpuint(calls(&f), ==, 1);
	g_assert_cmpuint(ev_at(&f, 0), ==, TCP_EV_HUP | TCP_EV_ERROR);
	g_assert_cmpint(f.app.error, ==, -ETIMEDOUT);
	fx_close(&f);
}

int main(int argc, char **argv)
{
	for (size_t i = 0; i < sizeof(pat); i++)
		pat[i] = fw_pattern(5, i);
	g_test_init(&argc, &argv, NULL);
	static const char *const mode[] = { "lt", "et" };
	static const struct {
		const char *name;
		GTestDataFunc fn;
	} cases[] = {
		{ "writer-fills-exactly", test_writer_fills_exactly },
		{ "writable-after-sndbuf-lowered", test_writable_after_sndbuf_lowered },
		{ "writable-after-sndbuf-raised", test_writable_after_sndbuf_raised },
		{ "writable-repeats-while-space", test_writable_repeats_while_space },
		{ "fill-drain-cycles", test_fill_drain_cycles },
		{ "hup-after-own-shutdown", test_hup_after_own_shutdown },
		{ "reset", test_reset },
		{ "timeout-error", test_timeout_error },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++)
		for (int m = 0; m < 2; m++) {
			char *p = g_strdup_printf("/tcp/readiness/%s/%s", cases[i].name, mode[m]);
			g_test_add_data_func(p, GINT_TO_POINTER(m), cases[i].fn);
			g_free(p);
		}
	return g_test_run();
}

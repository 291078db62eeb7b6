/* tests/apps/test_simopen.c — simultaneous open end to end, and connection errors
 * reported in the flow report (ECONNREFUSED, ETIMEDOUT, ECONNRESET), never a crash.
 * Runs on tests/apps/topo.h. */
#include <errno.h>
#include <glib.h>
#include <string.h>

#include "models/apps/bulk.h"
#include "models/apps/echo.h"
#include "models/apps/reqresp.h"
#include "models/apps/simopen.h"
#include "tests/apps/topo.h"

static void so_cfg(struct simopen_config *c, struct topo *t, uint64_t bytes)
{
	simopen_config_default(c);
	c->name = "so";
	c->a = (struct app_endpoint){t->ta, TOPO_A, 4000};
	c->b = (struct app_endpoint){t->tb, TOPO_B, 5000};
	c->bytes = bytes;
	c->start = SIM_MS(100);
}

/* Both SYNs cross on the link (RFC 9293 §3.5 figure 7); both ends reach ESTABLISHED
 * one round trip after the start, on a single connection per host, with no
 * listener anywhere; then 100 kB each way arrive intact. */
static void test_simultaneous_open(void)
{
	struct topo t;
	topo_init(&t, 1, NULL, NULL, NULL);
	struct simopen_config c;
	so_cfg(&c, &t, 100000);
	GError *err = NULL;
	struct simopen *o = simopen_new(&t.sim, &c, &err);
	g_assert_no_error(err);

	sim_run(&t.sim, SIM_MS(99));
	g_assert_cmpstr(tcp_state_name(simopen_socket(o, false)), ==, "CLOSED");
	sim_run(&t.sim, SIM_MS(100));
	/* Both SYNs are on the wire: both ends in SYN-SENT. */
	g_assert_cmpstr(tcp_state_name(simopen_socket(o, false)), ==, "SYN-SENT");
	g_assert_cmpstr(tcp_state_name(simopen_socket(o, true)), ==, "SYN-SENT");
	sim_run(&t.sim, SIM_MS(108));
	/* Each received the other's bare SYN: SYN-RECEIVED (sending SYN,ACK). */
	g_assert_cmpstr(tcp_state_name(simopen_socket(o, false)), ==, "SYN-RECEIVED");
	g_assert_cmpstr(tcp_state_name(simopen_socket(o, true)), ==, "SYN-RECEIVED");

	sim_run(&t.sim, SIM_S(20));
	sim_time_t ea = simopen_established_at(o, false);
	sim_time_t eb = simopen_established_at(o, true);
	g_assert_cmpint(ea, ==, eb); /* symmetric */
	/* SYN and SYN,ACK each take a one-way trip: 2 × (5 ms + serialisation). */
	g_assert_cmpint(ea, >, SIM_MS(110));
	g_assert_cmpint(ea, <, SIM_MS(111));
	const struct app_flow_report *r = simopen_report(o);
	if (r->detail)
		g_test_message("%s", r->detail);
	g_assert_null(app_errno_name(r->error));
	g_assert_true(r->intact);
	g_assert_true(r->complete);
	g_assert_cmpstr(r->app, ==, "simopen");
	g_assert_cmpuint(r->bytes_to_client, ==, 100000);
	g_assert_cmpuint(r->bytes_to_server, ==, 100000);
	g_assert_cmpuint(tcp_stack_stats(t.ta)->conns_opened, ==, 1);
	g_assert_cmpuint(tcp_stack_stats(t.tb)->conns_opened, ==, 1);
	g_assert_cmpuint(tcp_stack_stats(t.ta)->rst_sent, ==, 0);
	g_assert_cmpuint(tcp_stack_stats(t.tb)->rst_sent, ==, 0);
	simopen_free(o);
	topo_fini(&t);
}

/* No data: open simultaneously and close. */
static void test_simultaneous_open_no_data(void)
{
	struct topo t;
	topo_init(&t, 2, NULL, NULL, NULL);
	struct simopen_config c;
	so_cfg(&c, &t, 0);
	GError *err = NULL;
	struct simopen *o = simopen_new(&t.sim, &c, &err);
	g_assert_no_error(err);
	sim_run(&t.sim, SIM_S(5));
	const struct app_flow_report *r = simopen_report(o);
	g_assert_true(r->intact);
	g_assert_true(r->complete);
	g_assert_cmpuint(r->bytes_delivered, ==, 0);
	simopen_free(o);
	topo_fini(&t);
}

static void test_simopen_config(void)
{
	struct topo t;
	topo_init(&t, 3, NULL, NULL, NULL);
	struct simopen_config c;
	so_cfg(&c, &t, 1);
	c.a.port = 0; /* fixed ports are the point */
	GError *err = NULL;
	g_assert_null(simopen_new(&t.sim, &c, &err));
	g_assert_error(err, APP_ERROR, APP_ERROR_CONFIG);
	g_clear_error(&err);
	topo_fini(&t);
}

/* ---- errors ---- */

/* Nothing listens on the port: RST → ECONNREFUSED in the report. */
static void test_refused(void)
{
	struct topo t;
	topo_init(&t, 4, NULL, NULL, NULL);
	struct bulk_config c;
	bulk_config_default(&c);
	c.name = "refused";
	c.sender.stack = t.ta;
	c.receiver = (struct app_endpoint){t.tb, TOPO_B, 9999};
	c.client_only = true;
	c.bytes = 1000;
	GError *err = NULL;
	struct bulk *b = bulk_new(&t.sim, &c, &err);
	g_assert_no_error(err);
	sim_run(&t.sim, SIM_S(5));
	const struct app_flow_report *r = bulk_report(b);
	g_assert_cmpstr(app_errno_name(r->error), ==, "ECONNREFUSED");
	g_assert_false(r->intact);
	g_assert_false(r->complete);
	g_assert_cmpuint(r->bytes_sent, ==, 0);
	g_assert_cmpstr(r->detail, ==, "sender: ECONNREFUSED");
	g_assert_null(bulk_sender_socket(b));
	bulk_free(b);
	topo_fini(&t);
}

/* The server's host is gone (every packet towards it lost): SYN retries run out →
 * ETIMEDOUT. Per-connection configuration: 2 SYN retries, initial RTO 1 s, so the
 * failure comes at 1 + 2 + 4 = 7 s. */
static void test_timed_out(void)
{
	struct topo t;
	struct link_dir_config fwd;
	topo_link_default(&fwd);
	fwd.loss.kind = LOSS_BERNOULLI;
	fwd.loss.rate = 1.0;
	topo_init(&t, 5, &fwd, NULL, NULL);
	struct tcp_config tc;
	tcp_config_defaults(&tc, TCP_PROFILE_LINUX);
	tc.syn_retries = 2;
	tc.syn_linear_timeouts = 0; /* SYNs at 0, 1 and 3 s, ETIMEDOUT at 7 s */
	struct echo_config c;
	echo_config_default(&c);
	c.conn.name = "timeout";
	c.conn.client.stack = t.ta;
	c.conn.server = (struct app_endpoint){t.tb, TOPO_B, 7};
	c.bytes = 100;
	c.conn.client_side.tcp = &tc;
	GError *err = NULL;
	struct echo *e = echo_new(&t.sim, &c, &err);
	g_assert_no_error(err);
	sim_run(&t.sim, SIM_MS(6999));
	g_assert_null(app_errno_name(echo_report(e)->error));
	sim_run(&t.sim, SIM_S(8));
	const struct app_flow_report *r = echo_report(e);
	g_assert_cmpstr(app_errno_name(r->error), ==, "ETIMEDOUT");
	g_assert_false(r->intact);
	g_assert_cmpuint(r->tcp.rto_count, >=, 2); /* SYN timeouts count */
	echo_free(e);
	topo_fini(&t);
}

/* The server resets the connection in the middle of a transfer (SO_LINGER 0 and
 * close: RST): the client's report says ECONNRESET. */
struct resetter {
	struct tcp_sock *l, *c;
	uint64_t got;
};

static void reset_conn_event(struct sim *sim, struct tcp_sock *s, uint32_t events, void *ctx)
{
	struct resetter *rs = ctx;
	(void)sim;
	(void)events;
	char buf[4096];
	ssize_t n;
	while ((n = tcp_recv(s, buf, sizeof(buf))) > 0)
		rs->got += (uint64_t)n;
	if (rs->got >= 50000) {
		g_assert_cmpint(tcp_setsockopt(s, TCP_OPT_LINGER_ZERO, 1), ==, 0);
		tcp_close(s);
		rs->c = NULL;
	}
}

static void reset_listen_event(struct sim *sim, struct tcp_sock *s, uint32_t events, void *ctx)
{
	struct resetter *rs = ctx;
	(void)sim;
	(void)events;
	int err;
	struct tcp_sock *c = tcp_accept(s, &err);
	if (c) {
		rs->c = c;
		tcp_set_callback(c, TCP_EV_READABLE, false, reset_conn_event, rs);
	}
}

static void test_reset(void)
{
	struct topo t;
	topo_init(&t, 6, NULL, NULL, NULL);
	struct resetter rs = {0};
	rs.l = tcp_socket(t.tb);
	g_assert_cmpint(tcp_bind(rs.l, IPV4_ANY, 6000), ==, 0);
	g_assert_cmpint(tcp_listen(rs.l, 4), ==, 0);
	tcp_set_callback(rs.l, TCP_EV_READABLE, false, reset_listen_event, &rs);
	struct bulk_config c;
	bulk_config_default(&c);
	c.name = "reset";
	c.sender.stack = t.ta;
	c.receiver = (struct app_endpoint){t.tb, TOPO_B, 6000};
	c.client_only = true;
	c.bytes = 1000000;
	GError *err = NULL;
	struct bulk *b = bulk_new(&t.sim, &c, &err);
	g_assert_no_error(err);
	sim_run(&t.sim, SIM_S(10));
	const struct app_flow_report *r = bulk_report(b);
	g_assert_cmpstr(app_errno_name(r->error), ==, "ECONNRESET");
	g_assert_false(r->intact);
	g_assert_false(r->complete);
	g_assert_cmpuint(r->bytes_sent, <, 1000000);
	bulk_free(b);
	tcp_set_callback(rs.l, 0, false, NULL, NULL);
	topo_fini(&t);
}

/* A request/response flow against a host that never answers (all lost) with a stop
 * time before the connection could time out: the attempt is given up cleanly at the
 * stop, no error, nothing delivered. */
static void test_stop_while_connecting(void)
{
	struct topo t;
	struct link_dir_config fwd;
	topo_link_default(&fwd);
	fwd.loss.kind = LOSS_BERNOULLI;
	fwd.loss.rate = 1.0;
	topo_init(&t, 7, &fwd, NULL, NULL);
	struct reqresp_config c;
	reqresp_config_default(&c);
	c.conn.name = "rr";
	c.conn.client.stack = t.ta;
	c.conn.server = (struct app_endpoint){t.tb, TOPO_B, 9000};
	c.count = 5;
	c.conn.stop = SIM_S(2);
	GError *err = NULL;
	struct reqresp *rr = reqresp_new(&t.sim, &c, &err);
	g_assert_no_error(err);
	sim_run(&t.sim, SIM_S(10));
	const struct app_flow_report *r = reqresp_report(rr);
	g_assert_null(app_errno_name(r->error));
	g_assert_cmpuint(r->requests_sent, ==, 0);
	g_assert_false(r->complete);
	g_assert_null(reqresp_client_socket(rr));
	reqresp_free(rr);
	topo_fini(&t);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/simopen/establish-and-exchange", test_simultaneous_open);
	g_test_add_func("/simopen/no-data", test_simultaneous_open_no_data);
	g_test_add_func("/simopen/config", test_simopen_config);
	g_test_add_func("/errors/refused", test_refused);
	g_test_add_func("/errors/timed-out", test_timed_out);
	g_test_add_func("/errors/reset", test_reset);
	g_test_add_func("/errors/stop-while-connecting", test_stop_while_connecting);
	return g_test_run();
}

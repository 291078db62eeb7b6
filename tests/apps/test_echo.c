/* tests/apps/test_echo.c — echo and request/response end to end
 * (tests/apps/topo.h): both directions verified, half-close with data still flowing
 * from the server, flow control through a slow echo path, per-request latencies equal
 * to the path's round trip plus serialisation on an idle path. */
#include <errno.h>
#include <glib.h>
#include <string.h>

#include "models/apps/echo.h"
#include "models/apps/reqresp.h"
#include "tests/apps/topo.h"

static void echo_cfg(struct echo_config *c, struct topo *t, uint64_t bytes)
{
	echo_config_default(c);
	c->conn.name = "echo1";
	c->conn.client.stack = t->ta;
	c->conn.server.stack = t->tb;
	c->conn.server.addr = TOPO_B;
	c->conn.server.port = 7;
	c->bytes = bytes;
}

static struct echo *echo_ok(struct topo *t, const struct echo_config *c)
{
	GError *err = NULL;
	struct echo *e = echo_new(&t->sim, c, &err);
	g_assert_no_error(err);
	return e;
}

static void assert_echo_done(const struct app_flow_report *r, uint64_t bytes)
{
	if (r->detail)
		g_test_message("%s: %s", r->name, r->detail);
	g_assert_null(app_errno_name(r->error));
	g_assert_true(r->intact);
	g_assert_true(r->complete);
	g_assert_cmpstr(r->app, ==, "echo");
	g_assert_cmpuint(r->bytes_to_server, ==, bytes);
	g_assert_cmpuint(r->bytes_to_client, ==, bytes);
	g_assert_cmpuint(r->bytes_delivered, ==, 2 * bytes);
	g_assert_cmpuint(r->bytes_sent, ==, 2 * bytes);
}

static void test_echo_clean(void)
{
	struct topo t;
	topo_init(&t, 1, NULL, NULL, NULL);
	struct echo_config c;
	echo_cfg(&c, &t, 200000);
	struct echo *e = echo_ok(&t, &c);
	sim_run(&t.sim, SIM_S(20));
	const struct app_flow_report *r = echo_report(e);
	assert_echo_done(r, 200000);
	/* Both ends sent data: RTT samples from both, merged. */
	g_assert_cmpuint(r->tcp.rtt_samples, >, 2);
	g_assert_cmpuint(r->tcp.retransmits, ==, 0);
	g_assert_null(echo_client_socket(e));
	g_assert_null(echo_server_socket(e));
	echo_free(e);
	topo_fini(&t);
}

static void test_echo_lossy(void)
{
	struct topo t;
	struct link_dir_config d;
	topo_link_default(&d);
	d.loss.kind = LOSS_BERNOULLI;
	d.loss.rate = 0.03;
	topo_init(&t, 2, &d, &d, NULL);
	struct echo_config c;
	echo_cfg(&c, &t, 300000);
	struct echo *e = echo_ok(&t, &c);
	sim_run(&t.sim, SIM_S(200));
	const struct app_flow_report *r = echo_report(e);
	assert_echo_done(r, 300000);
	g_assert_cmpuint(r->tcp.retransmits, >, 0);
	echo_free(e);
	topo_fini(&t);
}

/* The echo path is ten times slower than the request path and the buffers are
 * small: the server must stop reading while it cannot send, the client's writes
 * block on a zero window, and still every byte comes back in order, part of it
 * after the client's half-close. */
static void test_echo_backpressure(void)
{
	struct topo t;
	struct link_dir_config fwd, rev;
	topo_link_default(&fwd);
	topo_link_default(&rev);
	rev.bandwidth_bps = 1000000;
	topo_init(&t, 3, &fwd, &rev, NULL);
	struct echo_config c;
	echo_cfg(&c, &t, 400000);
	c.conn.server_side.opts.sndbuf = 8192;
	c.conn.server_side.opts.rcvbuf = 8192;
	c.conn.client_side.opts.sndbuf = 16384;
	struct echo *e = echo_ok(&t, &c);
	/* Half-close with data still flowing from the server: the server has read
	 * the client's FIN (end of stream: it closed its handle, its remaining echo
	 * still queued) while the client, half-closed (FIN-WAIT-1/2), still has
	 * echo bytes to receive. */
	sim_time_t now = 0;
	while (echo_server_socket(e) == NULL || echo_client_socket(e) == NULL ||
	       strcmp(tcp_state_name(echo_client_socket(e)), "ESTABLISHED") == 0) {
		now += SIM_MS(1);
		g_assert_cmpint(now, <, SIM_S(60));
		sim_run(&t.sim, now);
	}
	while (echo_server_socket(e) != NULL) {
		now += SIM_MS(1);
		sim_run(&t.sim, now);
	}
	g_assert_nonnull(echo_client_socket(e));
	const char *st = tcp_state_name(echo_client_socket(e));
	g_assert_true(strcmp(st, "FIN-WAIT-1") == 0 || strcmp(st, "FIN-WAIT-2") == 0);
	uint64_t back = echo_report(e)->bytes_to_client;
	g_assert_cmpuint(back, <, 400000);
	sim_run(&t.sim, SIM_S(60));
	const struct app_flow_report *r = echo_report(e);
	assert_echo_done(r, 400000);
	/* 400 kB back over 1 Mbit/s take at least 3.2 s. */
	g_assert_cmpint(r->finish, >, SIM_MS(3200));
	echo_free(e);
	topo_fini(&t);
}

/* ---- request/response ---- */

static void rr_cfg(struct reqresp_config *c, struct topo *t)
{
	reqresp_config_default(c);
	c->conn.name = "rr1";
	c->conn.client.stack = t->ta;
	c->conn.server.stack = t->tb;
	c->conn.server.addr = TOPO_B;
	c->conn.server.port = 9000;
}

static struct reqresp *rr_ok(struct topo *t, const struct reqresp_config *c)
{
	GError *err = NULL;
	struct reqresp *r = reqresp_new(&t->sim, c, &err);
	g_assert_no_error(err);
	return r;
}

/* Serialisation of an IP datagram of `bytes` at 10 Mbit/s. */
static sim_time_t tx10(uint64_t bytes)
{
	return sim_tx_time(bytes, 10000000);
}

/* On an idle path each request and each response is one segment (TCP piggybacks its
 * delayed ACKs on them): the latency is the round trip of propagation plus the two
 * serialisation times, to the nanosecond. */
static void test_rr_latency_idle(void)
{
	struct topo t;
	topo_init(&t, 4, NULL, NULL, NULL);
	struct reqresp_config c;
	rr_cfg(&c, &t);
	c.request_size = 100;
	c.response_size = 1000;
	c.count = 10;
	c.think_time = SIM_MS(10);
	struct reqresp *rr = rr_ok(&t, &c);
	sim_run(&t.sim, SIM_S(5));
	const struct app_flow_report *r = reqresp_report(rr);
	if (r->detail)
		g_test_message("%s", r->detail);
	g_assert_true(r->intact);
	g_assert_true(r->complete);
	g_assert_cmpstr(r->app, ==, "request_response");
	g_assert_cmpuint(r->requests_sent, ==, 10);
	g_assert_cmpuint(r->responses_received, ==, 10);
	g_assert_cmpuint(r->latency.count, ==, 10);
	g_assert_cmpuint(r->bytes_to_server, ==, 1000);
	g_assert_cmpuint(r->bytes_to_client, ==, 10000);
	/* Headers: IPv4 20 + TCP 20 + timestamps 12 (the linux profile's options). */
	sim_time_t expect = 2 * SIM_MS(5) + tx10(100 + 52) + tx10(1000 + 52);
	/* The first exchange is at most two bare ACKs slower: the request leaves right
	 * behind the handshake's final ACK (still being serialised), and a receiver
	 * in Linux's quick-ACK mode at the start of a connection ACKs the request at
	 * once, ahead of the response. */
	g_assert_cmpint(r->latency.samples[0], >=, expect);
	g_assert_cmpint(r->latency.samples[0], <=, expect + 2 * tx10(52));
	for (uint64_t i = 1; i < r->latency.count; i++)
		g_assert_cmpint(r->latency.samples[i], ==, expect);
	g_assert_cmpint(r->latency.max, <=, expect + 2 * tx10(52));
	g_assert_cmpint(r->latency.min, ==, expect);
	reqresp_free(rr);
	topo_fini(&t);
}

/* Responses of several segments: latency = propagation RTT + request + every
 * response segment serialised back to back (the initial window of 10 covers them). */
static void test_rr_latency_multi_segment(void)
{
	struct topo t;
	topo_init(&t, 5, NULL, NULL, NULL);
	struct reqresp_config c;
	rr_cfg(&c, &t);
	c.request_size = 200;
	c.response_size = 5 * 1448; /* five full segments of MSS 1460 less the timestamps */
	c.count = 4;
	c.think_time = SIM_MS(100);
	struct reqresp *rr = rr_ok(&t, &c);
	sim_run(&t.sim, SIM_S(5));
	const struct app_flow_report *r = reqresp_report(rr);
	g_assert_true(r->complete);
	sim_time_t expect = 2 * SIM_MS(5) + tx10(200 + 52) + 5 * tx10(1500);
	for (uint64_t i = 1; i < r->latency.count; i++)
		g_assert_cmpint(r->latency.samples[i], ==, expect);
	reqresp_free(rr);
	topo_fini(&t);
}

/* No count: requests back to back until the stop time, then a clean close. */
static void test_rr_until_stop(void)
{
	struct topo t;
	topo_init(&t, 6, NULL, NULL, NULL);
	struct reqresp_config c;
	rr_cfg(&c, &t);
	c.count = 0;
	c.conn.stop = SIM_S(1);
	struct reqresp *rr = rr_ok(&t, &c);
	sim_run(&t.sim, SIM_S(3));
	const struct app_flow_report *r = reqresp_report(rr);
	g_assert_true(r->intact);
	g_assert_true(r->complete);
	g_assert_cmpuint(r->responses_received, ==, r->requests_sent);
	/* ~11 ms per exchange for 1 s. */
	g_assert_cmpuint(r->requests_sent, >, 80);
	g_assert_cmpuint(r->requests_sent, <, 100);
	g_assert_cmpint(r->finish, >=, SIM_S(1));
	g_assert_cmpint(r->finish, <, SIM_MS(1020));
	reqresp_free(rr);
	topo_fini(&t);
}

/* Requests and responses longer than the pattern table (65521 bytes), with send
 * buffers that take them in one write. The stream writer handed TCP a pointer into the
 * table with the whole length, so TCP copied past the table's end: garbage on the wire
 * (the receiver found the stream corrupted) and a global-buffer-overflow under ASan.
 * Found by the scenario_run fuzzer (an echo "write" of 16 MiB). */
static void test_rr_beyond_pattern_table(void)
{
	struct topo t;
	topo_init(&t, 7, NULL, NULL, NULL);
	struct reqresp_config c;
	rr_cfg(&c, &t);
	c.request_size = 300000;
	c.response_size = 200000;
	c.count = 2;
	c.conn.client_side.opts.sndbuf = 1 << 20;
	c.conn.server_side.opts.sndbuf = 1 << 20;
	struct reqresp *rr = rr_ok(&t, &c);
	sim_run(&t.sim, SIM_S(10));
	const struct app_flow_report *r = reqresp_report(rr);
	if (r->detail)
		g_test_message("%s", r->detail);
	g_assert_true(r->intact);
	g_assert_true(r->complete);
	g_assert_cmpuint(r->bytes_to_server, ==, 600000);
	g_assert_cmpuint(r->bytes_to_client, ==, 400000);
	reqresp_free(rr);
	topo_fini(&t);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/echo/clean", test_echo_clean);
	g_test_add_func("/echo/lossy", test_echo_lossy);
	g_test_add_func("/echo/backpressure", test_echo_backpressure);
	g_test_add_func("/reqresp/latency-idle", test_rr_latency_idle);
	g_test_add_func("/reqresp/latency-multi-segment", test_rr_latency_multi_segment);
	g_test_add_func("/reqresp/until-stop", test_rr_until_stop);
	g_test_add_func("/reqresp/beyond-pattern-table", test_rr_beyond_pattern_table);
	return g_test_run();
}

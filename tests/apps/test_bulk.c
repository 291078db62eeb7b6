/* tests/apps/test_bulk.c — tcp_bulk end to end on a real two-host topology
 * (tests/apps/topo.h): stream integrity over clean and lossy links, a paused
 * receiver driving the window to zero, a rate-limited reader, an unlimited flow cut
 * by its stop time, traces, a shared listener, and run-to-run determinism. */
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "models/apps/bulk.h"
#include "tests/apps/topo.h"

/* A bulk flow A → B:port with the defaults and `bytes`. */
static void bulk_cfg(struct bulk_config *c, struct topo *t, const char *name, uint16_t port,
		     uint64_t bytes)
{
	bulk_config_default(c);
	c->name = name;
	c->sender.stack = t->ta;
	c->receiver.stack = t->tb;
	c->receiver.addr = TOPO_B;
	c->receiver.port = port;
	c->bytes = bytes;
}

static struct bulk *bulk_ok(struct topo *t, const struct bulk_config *c)
{
	GError *err = NULL;
	struct bulk *b = bulk_new(&t->sim, c, &err);
	g_assert_no_error(err);
	g_assert_nonnull(b);
	return b;
}

static void assert_intact_complete(const struct app_flow_report *r, uint64_t bytes)
{
	if (r->detail)
		g_test_message("%s: %s", r->name, r->detail);
	g_assert_null(app_errno_name(r->error));
	g_assert_true(r->intact);
	g_assert_true(r->complete);
	g_assert_cmpuint(r->bytes_sent, ==, bytes);
	g_assert_cmpuint(r->bytes_delivered, ==, bytes);
	g_assert_cmpint(r->finish, >, r->start);
}

static void test_clean(void)
{
	struct topo t;
	topo_init(&t, 1, NULL, NULL, NULL);
	struct bulk_config c;
	bulk_cfg(&c, &t, "clean", 5001, 1000000);
	c.start = SIM_MS(100);
	struct bulk *b = bulk_ok(&t, &c);
	sim_run(&t.sim, SIM_S(30));
	const struct app_flow_report *r = bulk_report(b);
	assert_intact_complete(r, 1000000);
	g_assert_cmpstr(r->app, ==, "bulk");
	g_assert_cmpstr(r->cc, ==, "cubic");
	g_assert_cmpuint(r->tcp.retransmits, ==, 0);
	g_assert_cmpuint(r->tcp.rto_count, ==, 0);
	g_assert_cmpuint(r->tcp.rtt_samples, >, 0);
	/* RTT: 2 × 5 ms propagation plus at least one ACK's serialisation. */
	g_assert_cmpint(r->tcp.rtt_min, >, SIM_MS(10));
	/* 1 MB of payload is ≥ 685 full segments of 1500 bytes at 10 Mbit/s. */
	g_assert_cmpint(r->finish - r->start, >, SIM_US(685 * 1200));
	g_assert_cmpint(r->finish - r->start, <, SIM_S(3));
	/* Goodput over the active time: start to finish, not to the end of the run (a
	 * finished transfer's rate does not fall as the run goes on). */
	g_assert_cmpint(app_flow_active_time(r, SIM_S(30)), ==, r->finish - r->start);
	g_assert_cmpfloat_with_epsilon(app_flow_goodput_bps(r, SIM_S(30)),
				       1e6 * 8 / sim_time_to_s(r->finish - r->start), 1e-6);
	g_assert_cmpfloat_with_epsilon(app_flow_goodput_bps(r, SIM_S(30)),
				       app_flow_goodput_bps(r, SIM_S(3000)), 1e-9);
	/* Before it finishes, the time so far counts. */
	g_assert_cmpint(app_flow_active_time(r, SIM_MS(600)), ==, SIM_MS(500));
	/* The statistics outlive the connections: after TIME-WAIT (60 s) every
	 * connection is gone and the report still says the same. */
	struct app_tcp_stats before = r->tcp;
	g_assert_cmpuint(tcp_stack_stats(t.ta)->conns_live, >, 0); /* sender in TIME-WAIT */
	sim_run(&t.sim, SIM_S(100));
	g_assert_cmpuint(tcp_stack_stats(t.ta)->conns_live, ==, 0);
	g_assert_cmpuint(tcp_stack_stats(t.tb)->conns_live, ==, 1); /* the listener */
	r = bulk_report(b);
	g_assert_cmpmem(&r->tcp, sizeof(r->tcp), &before, sizeof(before));
	assert_intact_complete(r, 1000000);
	bulk_free(b);
	topo_fini(&t);
}

static void lossy_link(struct link_dir_config *d, double rate)
{
	topo_link_default(d);
	d->loss.kind = LOSS_BERNOULLI;
	d->loss.rate = rate;
}

static void test_lossy(void)
{
	double rates[] = {0.01, 0.05, 0.10};
	uint64_t sizes[] = {1000000, 500000, 200000};
	for (size_t i = 0; i < G_N_ELEMENTS(rates); i++) {
		struct topo t;
		struct link_dir_config d;
		lossy_link(&d, rates[i]);
		topo_init(&t, 7 + i, &d, &d, NULL);
		struct bulk_config c;
		bulk_cfg(&c, &t, "lossy", 5001, sizes[i]);
		struct bulk *b = bulk_ok(&t, &c);
		sim_run(&t.sim, SIM_S(300));
		const struct app_flow_report *r = bulk_report(b);
		assert_intact_complete(r, sizes[i]);
		g_assert_cmpuint(r->tcp.retransmits, >, 0);
		bulk_free(b);
		topo_fini(&t);
	}
}

/* A receiver that stops reading for 3 s: its buffer fills, the advertised window
 * goes to zero, the sender probes (persist timer), nothing is delivered during the
 * pause, and after it the stream completes intact. */
static void test_zero_window(void)
{
	struct topo t;
	topo_init(&t, 3, NULL, NULL, NULL);
	struct bulk_config c;
	bulk_cfg(&c, &t, "zw", 5001, 300000);
	struct app_interval pause = {SIM_MS(200), SIM_S(3)};
	c.pauses = &pause;
	c.n_pauses = 1;
	c.receiver_side.opts.rcvbuf = 16384;
	struct bulk *b = bulk_ok(&t, &c);

	sim_run(&t.sim, SIM_S(1));
	uint64_t at1 = bulk_report(b)->bytes_delivered;
	g_assert_cmpuint(at1, >, 0);
	g_assert_cmpuint(at1, <, 300000);
	sim_run(&t.sim, SIM_MS(3100));
	g_assert_cmpuint(bulk_report(b)->bytes_delivered, ==, at1); /* paused */
	struct tcp_sock *snd = bulk_sender_socket(b);
	g_assert_nonnull(snd);
	struct tcp_stats st;
	tcp_sock_get_stats(snd, &st);
	g_assert_cmpuint(st.zero_window_probes, >, 0);
	/* The receiver held at most its buffer. */
	g_assert_cmpuint(st.bytes_acked, <=, at1 + 16384 + 1460);

	sim_run(&t.sim, SIM_S(30));
	const struct app_flow_report *r = bulk_report(b);
	assert_intact_complete(r, 300000);
	g_assert_cmpint(r->finish, >, SIM_MS(3200));
	bulk_free(b);
	topo_fini(&t);
}

/* Reading 1000 bytes at a time at 100 kB/s, 300 kB take 3 s. */
static void test_read_rate(void)
{
	struct topo t;
	topo_init(&t, 4, NULL, NULL, NULL);
	struct bulk_config c;
	bulk_cfg(&c, &t, "slow", 5001, 300000);
	c.read_rate = 100000;
	c.read_size = 1000;
	struct bulk *b = bulk_ok(&t, &c);
	sim_run(&t.sim, SIM_S(1));
	/* About 100 kB after 1 s (the first read at ~15 ms, then one per 10 ms). */
	uint64_t d1 = bulk_report(b)->bytes_delivered;
	g_assert_cmpuint(d1, >=, 98000);
	g_assert_cmpuint(d1, <=, 100000);
	sim_run(&t.sim, SIM_S(10));
	const struct app_flow_report *r = bulk_report(b);
	assert_intact_complete(r, 300000);
	g_assert_cmpint(r->finish, >=, SIM_MS(2990));
	g_assert_cmpint(r->finish, <, SIM_MS(3100));
	bulk_free(b);
	topo_fini(&t);
}

/* No byte count: the sender writes until its stop time, then closes; everything it
 * wrote is delivered; goodput is over start → stop. */
static void test_unlimited_until_stop(void)
{
	struct topo t;
	topo_init(&t, 5, NULL, NULL, NULL);
	struct bulk_config c;
	bulk_cfg(&c, &t, "unlimited", 5001, 0);
	c.start = SIM_MS(10);
	c.stop = SIM_S(2);
	struct bulk *b = bulk_ok(&t, &c);
	sim_run(&t.sim, SIM_S(10));
	const struct app_flow_report *r = bulk_report(b);
	g_assert_true(r->intact);
	g_assert_true(r->complete);
	g_assert_cmpuint(r->bytes_delivered, ==, r->bytes_sent);
	/* Close to the link's 10 Mbit/s for ~2 s (slow start and headers aside). */
	g_assert_cmpuint(r->bytes_delivered, >, 2000000);
	g_assert_cmpuint(r->bytes_delivered, <, 2600000);
	g_assert_cmpint(r->finish, >, SIM_S(2));
	g_assert_cmpint(r->stop, ==, SIM_S(2));
	g_assert_cmpfloat_with_epsilon(app_flow_goodput_bps(r, SIM_S(10)),
				       (double)r->bytes_delivered * 8 / 1.99, 1e-3);
	/* Nothing after the stop: the sender's connection went through FIN. */
	g_assert_null(bulk_sender_socket(b));
	g_assert_null(bulk_receiver_socket(b));
	bulk_free(b);
	topo_fini(&t);
}

static char *slurp_first_line(const char *path)
{
	char *text = NULL;
	GError *err = NULL;
	g_file_get_contents(path, &text, NULL, &err);
	g_assert_no_error(err);
	char *nl = strchr(text, '\n');
	g_assert_nonnull(nl);
	*nl = '\0';
	return text;
}

static void test_traces(void)
{
	char *dir = g_dir_make_tmp("netsim-apps-XXXXXX", NULL);
	g_assert_nonnull(dir);
	char *prefix = g_build_filename(dir, "flow1", NULL);
	struct topo t;
	topo_init(&t, 6, NULL, NULL, NULL);
	struct bulk_config c;
	bulk_cfg(&c, &t, "flow1", 5001, 100000);
	c.trace.prefix = prefix;
	struct bulk *b = bulk_ok(&t, &c);
	sim_run(&t.sim, SIM_S(5));
	assert_intact_complete(bulk_report(b), 100000);
	bulk_free(b);
	topo_fini(&t); /* closes the trace files */
	const char *files[] = {"flow1.sender.tsv", "flow1.sender.seq.tsv", "flow1.receiver.tsv"};
	for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
		char *p = g_build_filename(dir, files[i], NULL);
		g_assert_true(g_file_test(p, G_FILE_TEST_IS_REGULAR));
		char *head = slurp_first_line(p);
		g_assert_true(g_str_has_prefix(head, "time_s\t"));
		g_free(head);
		g_unlink(p);
		g_free(p);
	}
	char *nope = g_build_filename(dir, "flow1.receiver.seq.tsv", NULL);
	g_assert_false(g_file_test(nope, G_FILE_TEST_EXISTS));
	g_free(nope);
	g_rmdir(dir);
	g_free(prefix);
	g_free(dir);
}

/* Two flows to one listening port: each connection reaches its own flow; a
 * connection no flow expects is refused with RST. */
static void test_shared_listener(void)
{
	struct topo t;
	topo_init(&t, 8, NULL, NULL, NULL);
	GError *err = NULL;
	struct app_listener_config lc = {.local = {t.tb, IPV4_ANY, 5001}};
	struct app_listener *l = app_listener_new(&t.sim, &lc, &err);
	g_assert_no_error(err);
	struct bulk_config c1, c2;
	bulk_cfg(&c1, &t, "f1", 5001, 200000);
	bulk_cfg(&c2, &t, "f2", 5001, 300000);
	c1.listener = c2.listener = l;
	c2.start = SIM_MS(1);
	struct bulk *b1 = bulk_ok(&t, &c1);
	struct bulk *b2 = bulk_ok(&t, &c2);
	/* A stray connection to the same port. */
	struct tcp_sock *stray = tcp_socket(t.ta);
	g_assert_cmpint(tcp_connect(stray, TOPO_B, 5001), ==, 0);
	sim_run(&t.sim, SIM_S(10));
	assert_intact_complete(bulk_report(b1), 200000);
	assert_intact_complete(bulk_report(b2), 300000);
	g_assert_cmpuint(app_listener_unexpected(l), ==, 1);
	g_assert_cmpint(tcp_get_error(stray), ==, -ECONNRESET);
	tcp_close(stray);
	/* A listener on another port cannot be shared for 5001. */
	struct bulk_config c3;
	bulk_cfg(&c3, &t, "f3", 5002, 1);
	c3.listener = l;
	g_assert_null(bulk_new(&t.sim, &c3, &err));
	g_assert_error(err, APP_ERROR, APP_ERROR_CONFIG);
	g_clear_error(&err);
	bulk_free(b1);
	bulk_free(b2);
	app_listener_free(l);
	topo_fini(&t);
}

/* The same seed gives the same flow to the nanosecond; another seed another one. */
static void run_lossy_once(uint64_t seed, sim_time_t *finish, uint64_t *rtx)
{
	struct topo t;
	struct link_dir_config d;
	lossy_link(&d, 0.03);
	topo_init(&t, seed, &d, &d, NULL);
	struct bulk_config c;
	bulk_cfg(&c, &t, "det", 5001, 300000);
	struct bulk *b = bulk_ok(&t, &c);
	sim_run(&t.sim, SIM_S(100));
	const struct app_flow_report *r = bulk_report(b);
	assert_intact_complete(r, 300000);
	*finish = r->finish;
	*rtx = r->tcp.retransmits;
	bulk_free(b);
	topo_fini(&t);
}

static void test_determinism(void)
{
	sim_time_t f1, f2, f3;
	uint64_t r1, r2, r3;
	run_lossy_once(11, &f1, &r1);
	run_lossy_once(11, &f2, &r2);
	run_lossy_once(12, &f3, &r3);
	g_assert_cmpint(f1, ==, f2);
	g_assert_cmpuint(r1, ==, r2);
	g_assert_true(f1 != f3 || r1 != r3);
}

static void test_bad_config(void)
{
	struct topo t;
	topo_init(&t, 9, NULL, NULL, NULL);
	GError *err = NULL;
	struct bulk_config c;
	bulk_cfg(&c, &t, "bad", 0, 10); /* no port */
	g_assert_null(bulk_new(&t.sim, &c, &err));
	g_assert_error(err, APP_ERROR, APP_ERROR_CONFIG);
	g_clear_error(&err);
	bulk_cfg(&c, &t, "bad", 5001, 10);
	c.start = SIM_S(2);
	c.stop = SIM_S(1); /* stop before start */
	g_assert_null(bulk_new(&t.sim, &c, &err));
	g_assert_error(err, APP_ERROR, APP_ERROR_CONFIG);
	g_clear_error(&err);
	/* A port already listened on. */
	bulk_cfg(&c, &t, "one", 5001, 10);
	struct bulk *b = bulk_ok(&t, &c);
	bulk_cfg(&c, &t, "two", 5001, 10);
	g_assert_null(bulk_new(&t.sim, &c, &err));
	g_assert_error(err, APP_ERROR, APP_ERROR_SOCKET);
	g_assert_nonnull(strstr(err->message, "EADDRINUSE"));
	g_clear_error(&err);
	bulk_free(b);
	topo_fini(&t);
}

/* A flow from a host to itself goes over lo, whose device MTU is 65536 as on Linux.
 * IPv4 caps the MTU it uses at 65535 (a total length cannot say more), so the MSS is
 * 65495 (what Linux advertises on lo) and a full segment is a 65535-byte datagram.
 * The MSS used to be 65496: every full segment was refused by IPv4 and the flow
 * stalled after the first 65535 bytes, retrying for ever without an error. */
static void test_loopback(void)
{
	struct topo t;
	topo_init(&t, 1, NULL, NULL, NULL);
	struct bulk_config c;
	bulk_cfg(&c, &t, "self", 5001, 1000000);
	c.receiver.stack = t.ta;
	c.receiver.addr = TOPO_A;
	struct bulk *b = bulk_ok(&t, &c);
	sim_run(&t.sim, SIM_S(10));
	const struct app_flow_report *r = bulk_report(b);
	g_assert_null(app_errno_name(r->error));
	g_assert_true(r->intact);
	g_assert_true(r->complete);
	g_assert_cmpuint(r->bytes_delivered, ==, 1000000);
	/* lo moves 40 Gbit/s: 1 MB takes 200 us, and little more (the handshake, the
	 * last ACK and FIN cost nanoseconds). */
	g_assert_cmpint(r->finish - r->start, >=, SIM_US(200));
	g_assert_cmpint(r->finish - r->start, <, SIM_US(201));
	g_assert_cmpuint(r->tcp.rto_count, ==, 0);
	g_assert_cmpuint(r->tcp.retransmits, ==, 0);
	/* Nothing crossed the wire; lo carried 1000000 / 65495 → 16 data segments. */
	struct link_stats ls;
	link_get_stats(t.l, LINK_FORWARD, &ls);
	g_assert_cmpuint(ls.tx_packets, ==, 0);
	g_assert_cmpuint(t.a->ip_stats.out_requests, <, 60);
	bulk_free(b);
	topo_fini(&t);
}

/* An unlimited flow from a host to itself: lo moves data at a finite rate (40 Gbit/s),
 * so simulated time passes and the run ends. lo used to deliver in zero time: such a
 * flow ran without time passing, for ever (the scheduler never left the instant;
 * SIGINT could not stop it). Found by the scenario_run fuzzer. The alarm turns a hang
 * into a failure. */
static void test_loopback_unlimited(void)
{
	alarm(60);
	struct topo t;
	topo_init(&t, 1, NULL, NULL, NULL);
	struct bulk_config c;
	bulk_cfg(&c, &t, "self", 5001, 0);
	c.receiver.stack = t.ta;
	c.receiver.addr = TOPO_A;
	c.stop = SIM_MS(50);
	struct bulk *b = bulk_ok(&t, &c);
	sim_run(&t.sim, SIM_MS(60));
	const struct app_flow_report *r = bulk_report(b);
	g_assert_true(r->intact);
	g_assert_null(app_errno_name(r->error));
	/* Between 30 and 40 Gbit/s over the 50 ms it sent. */
	double gbps = (double)r->bytes_delivered * 8 / 0.05 / 1e9;
	g_test_message("lo: %.2f Gbit/s", gbps);
	g_assert_cmpfloat(gbps, >, 30.0);
	g_assert_cmpfloat(gbps, <=, 40.0);
	bulk_free(b);
	topo_fini(&t);
	alarm(0);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/bulk/clean", test_clean);
	g_test_add_func("/bulk/loopback", test_loopback);
	g_test_add_func("/bulk/loopback-unlimited", test_loopback_unlimited);
	g_test_add_func("/bulk/lossy", test_lossy);
	g_test_add_func("/bulk/zero-window", test_zero_window);
	g_test_add_func("/bulk/read-rate", test_read_rate);
	g_test_add_func("/bulk/unlimited-until-stop", test_unlimited_until_stop);
	g_test_add_func("/bulk/traces", test_traces);
	g_test_add_func("/bulk/shared-listener", test_shared_listener);
	g_test_add_func("/bulk/determinism", test_determinism);
	g_test_add_func("/bulk/bad-config", test_bad_config);
	return g_test_run();
}

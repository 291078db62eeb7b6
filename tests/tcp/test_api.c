/* tests/tcp/test_api.c — the configuration (profiles, knob table), the socket API's
 * error cases and options, per-socket configuration, statistics that outlive the
 * handle, and the endpoint/sequence traces (docs/outputs.md). */
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "tests/tcp/wire.h"

static const char *knob_text(const struct tcp_config *cfg, const char *name)
{
	static char buf[64];
	const struct tcp_knob *k = tcp_knob_find(name);
	g_assert_nonnull(k);
	g_assert_cmpint(tcp_knob_format(cfg, k, buf, sizeof(buf)), >, 0);
	return buf;
}

static void test_profiles(void)
{
	/* Every knob's value in each profile, written out here independently of the
	 * knob table (so a changed default fails), read back through the table. */
	static const struct {
		const char *knob, *linux_v, *rfc_v;
	} table[] = {
		{ "profile", "linux", "rfc" },
		{ "cc", "cubic", "newreno" },
		{ "abc_l", "2", "2" },
		{ "cubic_beta", "700", "700" },
		{ "cubic_c", "400", "400" },
		{ "cubic_fast_convergence", "true", "true" },
		{ "cubic_reno_friendly", "true", "true" },
		{ "rto_keeps_recovery_ssthresh", "true", "false" },
		{ "rto_syn_initial", "1s", "1s" },
		{ "clock_granularity", "1ms", "1ms" },
		{ "synack_retries", "5", "5" },
		{ "syn_linear_timeouts", "4", "0" },
		{ "delack_count", "bytes", "segments" },
		{ "delayed_ack", "true", "true" },
		{ "nagle_minshall", "true", "false" },
		{ "rto_formula", "linux", "rfc" },
		{ "rto_min", "200ms", "1s" },
		{ "rto_initial", "1s", "1s" },
		{ "rto_max", "120s", "60s" },
		{ "data_retries", "15", "15" },
		{ "syn_retries", "6", "7" },
		{ "delack_timeout", "40ms", "200ms" },
		{ "delack_max", "200ms", "200ms" },
		{ "delack_adaptive", "true", "false" },
		{ "delack_segments", "2", "2" },
		{ "delack_window_check", "true", "false" },
		{ "quickack_max", "16", "0" },
		{ "ack_pingpong", "1", "0" },
		{ "ack_on_read", "true", "false" },
		{ "shut_rd_discard", "false", "true" },
		{ "initial_window", "10", "0" },
		{ "msl", "30s", "120s" },
		{ "fin_wait2_timeout", "60s", "0" },
		{ "syncookies", "1", "0" },
		{ "max_syn_backlog", "1024", "1024" },
		{ "keepalive", "false", "false" },
		{ "keepalive_idle", "7200s", "7200s" },
		{ "keepalive_interval", "75s", "75s" },
		{ "keepalive_probes", "9", "9" },
		{ "keepalive_rst", "true", "true" },
		{ "sndbuf", "131072", "131072" },
		{ "rcvbuf", "131072", "131072" },
		{ "rcvbuf_max", "33554432", "0" },
		{ "moderate_rcvbuf", "true", "false" },
		{ "rcv_window", "linux", "rfc" },
		{ "rcvbuf_accounting", "skb", "payload" },
		{ "window_scaling", "true", "true" },
		{ "window_probe", "ack", "data" },
		{ "mss", "0", "0" },
		{ "nagle", "true", "true" },
		{ "limited_transmit", "true", "true" },
		{ "dupack_threshold", "3", "3" },
		{ "partial_ack_timer", "impatient", "impatient" },
		{ "loss_flightsize", "outstanding", "outstanding" },
		{ "recovery_exit", "flight", "flight" },
		{ "recovery", "linux", "auto" },
		{ "rack", "1", "0" },
		{ "early_retrans", "3", "0" },
		{ "frto", "2", "0" },
		{ "max_reordering", "300", "300" },
		{ "slow_start_after_idle", "true", "false" },
		{ "min_rtt_wlen", "300s", "300s" },
		{ "cubic_hystart", "true", "false" },
		{ "cubic_hystart_detect", "3", "3" },
		{ "cubic_hystart_low_window", "16", "16" },
		{ "cubic_hystart_ack_delta", "2ms", "2ms" },
		{ "hz", "250", "250" },
		{ "ecn", "2", "0" },
		{ "sack", "true", "false" },
		{ "dsack", "true", "false" },
		{ "timestamps", "true", "false" },
		{ "cc_growth", "bytes", "bytes" },
		{ "pmtud", "true", "true" },
		{ "ttl", "64", "64" },
	};
	size_t n;
	tcp_knobs(&n);
	g_assert_cmpuint(G_N_ELEMENTS(table), ==, n);
	struct tcp_config lx, rf;
	tcp_config_defaults(&lx, TCP_PROFILE_LINUX);
	tcp_config_defaults(&rf, TCP_PROFILE_RFC);
	for (size_t i = 0; i < G_N_ELEMENTS(table); i++) {
		g_assert_cmpstr(knob_text(&lx, table[i].knob), ==, table[i].linux_v);
		g_assert_cmpstr(knob_text(&rf, table[i].knob), ==, table[i].rfc_v);
	}
	g_assert_cmpint(tcp_config_validate(&lx, NULL), ==, 0);
	g_assert_cmpint(tcp_config_validate(&rf, NULL), ==, 0);
	/* The TIME-WAIT durations of the table: 60 s and 2 × 120 s. */
	g_assert_cmpint(2 * lx.msl, ==, SIM_S(60));
	g_assert_cmpint(2 * rf.msl, ==, SIM_S(240));
	enum tcp_profile p;
	g_assert_cmpint(tcp_profile_parse("rfc", &p), ==, 0);
	g_assert_cmpint(p, ==, TCP_PROFILE_RFC);
	g_assert_cmpint(tcp_profile_parse("bsd", &p), ==, -EINVAL);
	g_assert_cmpstr(tcp_profile_name(TCP_PROFILE_LINUX), ==, "linux");
}

/* The Linux sysctls the knobs mirror, as a packetdrill script sets them. */
static void test_knob_sysctls(void)
{
	size_t n;
	const struct tcp_knob *k = tcp_knobs(&n);
	for (size_t i = 0; i < n; i++) {
		if (!k[i].sysctl) {
			g_assert_cmpint(k[i].sysctl_map, ==, TCP_SYSCTL_NONE);
			continue;
		}
		g_assert_true(g_str_has_prefix(k[i].sysctl, "net.ipv4."));
		g_assert_cmpint(k[i].sysctl_map, !=, TCP_SYSCTL_NONE);
		/* One knob per sysctl, or per field of a multi-value one (tcp_rmem). */
		for (size_t j = 0; j < n; j++)
			if (j != i && k[j].sysctl && !strcmp(k[j].sysctl, k[i].sysctl))
				g_assert_true(k[i].sysctl_field && k[j].sysctl_field &&
					      k[i].sysctl_field != k[j].sysctl_field);
		char *doc = tcp_knob_doc(&k[i]);
		g_assert_nonnull(strstr(doc, k[i].sysctl));
		g_free(doc);
	}
	g_assert_true(tcp_knob_find_sysctl("net/ipv4/tcp_syn_retries") ==
		      tcp_knob_find("syn_retries"));
	g_assert_true(tcp_knob_find_sysctl("/proc/sys/net/ipv4/tcp_rmem") ==
		      tcp_knob_find("rcvbuf"));
	g_assert_null(tcp_knob_find_sysctl("net.ipv4.tcp_syn_retrie"));
	g_assert_null(tcp_knob_find_sysctl("net.ipv4.tcp_syn_retries2"));

	static const struct {
		const char *sysctl, *text, *knob, *expect;
	} ok[] = {
		{ "net.ipv4.tcp_syn_retries", "3", "syn_retries", "3" },
		{ "net.ipv4.tcp_rmem", "4096 87380 6291456", "rcvbuf", "87380" },
		{ "net.ipv4.tcp_rmem", "4096 87380 15728640", "rcvbuf_max", "15728640" },
		{ "net.ipv4.tcp_wmem", " 4096\t16384   4194304\n", "sndbuf", "16384" },
		{ "net.ipv4.tcp_fin_timeout", "30", "fin_wait2_timeout", "30s" },
		{ "net.ipv4.tcp_keepalive_time", "600", "keepalive_idle", "600s" },
		{ "net.ipv4.tcp_rto_min_us", "5000", "rto_min", "5ms" },
		{ "net.ipv4.tcp_rto_max_ms", "60000", "rto_max", "60s" },
		{ "net.ipv4.tcp_window_scaling", "0", "window_scaling", "false" },
		{ "net.ipv4.ip_no_pmtu_disc", "1", "pmtud", "false" },
		{ "net.ipv4.ip_no_pmtu_disc", "0", "pmtud", "true" },
		{ "net.ipv4.tcp_congestion_control", "reno", "cc", "newreno" },
		{ "net.ipv4.tcp_congestion_control", "cubic", "cc", "cubic" },
		{ "net.ipv4.tcp_reordering", "5", "dupack_threshold", "5" },
		{ "net.ipv4.tcp_sack", "0", "sack", "false" },
		{ "net.ipv4.tcp_dsack", "0", "dsack", "false" },
		{ "net.ipv4.tcp_timestamps", "0", "timestamps", "false" },
		{ "net.ipv4.tcp_moderate_rcvbuf", "0", "moderate_rcvbuf", "false" },
		{ "net.ipv4.tcp_pingpong_thresh", "3", "ack_pingpong", "3" },
		{ "net.ipv4.tcp_frto", "0", "frto", "0" },
		{ "net.ipv4.tcp_recovery", "0", "rack", "0" },
		{ "net.ipv4.tcp_early_retrans", "4", "early_retrans", "4" },
		{ "net.ipv4.tcp_slow_start_after_idle", "0", "slow_start_after_idle", "false" },
		{ "net.ipv4.tcp_min_rtt_wlen", "10", "min_rtt_wlen", "10s" },
		{ "net.ipv4.tcp_max_reordering", "100", "max_reordering", "100" },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(ok); i++) {
		struct tcp_config cfg;
		tcp_config_defaults(&cfg, TCP_PROFILE_LINUX);
		g_assert_cmpint(tcp_config_apply_sysctl(&cfg, ok[i].sysctl, ok[i].text), ==, 0);
		g_assert_cmpstr(knob_text(&cfg, ok[i].knob), ==, ok[i].expect);
	}
	static const struct {
		const char *sysctl, *text;
		int err;
	} bad[] = {
		{ "net.ipv4.tcp_fastopen", "1", -ENOENT },    /* no knob: no TFO */
		{ "net.ipv4.tcp_frto", "3", -ERANGE },
		{ "net.ipv4.tcp_sack", "2", -EINVAL },
		{ "net.core.rmem_max", "1", -ENOENT },
		{ "net.ipv4.tcp_syn_retries", "x", -EINVAL },
		{ "net.ipv4.tcp_syn_retries", "300", -ERANGE },
		{ "net.ipv4.tcp_rmem", "4096", -EINVAL },       /* no second field */
		{ "net.ipv4.tcp_fin_timeout", "-1", -EINVAL },
		{ "net.ipv4.tcp_fin_timeout", "99999999999999999999", -EINVAL },
		{ "net.ipv4.tcp_keepalive_time", "0", -ERANGE },
		{ "net.ipv4.tcp_window_scaling", "2", -EINVAL },
		{ "net.ipv4.tcp_congestion_control", "bbr", -EINVAL },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		struct tcp_config cfg, before;
		tcp_config_defaults(&cfg, TCP_PROFILE_LINUX);
		before = cfg;
		g_assert_cmpint(tcp_config_apply_sysctl(&cfg, bad[i].sysctl, bad[i].text), ==,
				bad[i].err);
		g_assert_cmpmem(&cfg, sizeof cfg, &before, sizeof before); /* unchanged */
	}
}

static void test_knob_table(void)
{
	size_t n;
	const struct tcp_knob *k = tcp_knobs(&n);
	g_assert_cmpuint(n, ==, 74);
	struct tcp_config cfg, copy;
	/* The cc knob's values are the registry's names. */
	g_assert_true(tcp_knob_find("cc")->names == tcp_cc_names);
	tcp_config_defaults(&cfg, TCP_PROFILE_LINUX);
	for (size_t i = 0; i < n; i++) {
		/* Unique snake_case names. */
		for (const char *c = k[i].name; *c; c++)
			g_assert_true(g_ascii_islower(*c) || g_ascii_isdigit(*c) || *c == '_');
		for (size_t j = 0; j < i; j++)
			g_assert_cmpstr(k[i].name, !=, k[j].name);
		g_assert_true(tcp_knob_find(k[i].name) == &k[i]);
		g_assert_nonnull(k[i].doc);
		/* Each entry is complete: a field or accessors, names for an enum, a
		 * range for the others, both profiles' values in canonical text. */
		g_assert_true(k[i].get ? k[i].set != NULL : (k[i].size == 1 || k[i].size == 4 ||
							     k[i].size == 8));
		if (k[i].size == 4)
			g_assert_cmpint(k[i].min, >=, 0); /* stored unsigned */
		if (k[i].type == TCP_KNOB_ENUM)
			g_assert_nonnull(k[i].names);
		else
			g_assert_cmpint(k[i].min, <=, k[i].max);
		const char *defs[] = { k[i].linux_default, k[i].rfc_default };
		for (size_t d = 0; d < 2; d++) {
			char text[64];
			g_assert_nonnull(defs[d]);
			copy = cfg;
			g_assert_cmpint(tcp_knob_parse(&copy, &k[i], defs[d]), ==, 0);
			tcp_knob_format(&copy, &k[i], text, sizeof(text));
			g_assert_cmpstr(text, ==, defs[d]);
		}
		if (strcmp(k[i].name, "profile") == 0)
			continue;
		/* format → parse round trip leaves the configuration unchanged. */
		char buf[64];
		tcp_knob_format(&cfg, &k[i], buf, sizeof(buf));
		copy = cfg;
		g_assert_cmpint(tcp_knob_parse(&copy, &k[i], buf), ==, 0);
		g_assert_cmpmem(&copy, sizeof(copy), &cfg, sizeof(cfg));
		/* Each knob changes only its own value. */
		int64_t v = tcp_knob_get(&cfg, &k[i]);
		int64_t other;
		if (k[i].type == TCP_KNOB_BOOL)
			other = !v;
		else if (k[i].type == TCP_KNOB_ENUM)
			other = v == 0 ? 1 : 0;
		else
			other = v == k[i].max ? k[i].min : v + 1 <= k[i].max ? v + 1 : k[i].min;
		g_assert_cmpint(tcp_knob_set(&copy, &k[i], other), ==, 0);
		g_assert_cmpint(tcp_knob_get(&copy, &k[i]), ==, other);
		for (size_t j = 0; j < n; j++)
			if (j != i && strcmp(k[j].name, "profile") != 0)
				g_assert_cmpint(tcp_knob_get(&copy, &k[j]), ==, tcp_knob_get(&cfg, &k[j]));
	}
	g_assert_null(tcp_knob_find("no_such_knob"));
	/* Units and ranges. */
	const struct tcp_knob *rto_min = tcp_knob_find("rto_min");
	g_assert_cmpint(tcp_knob_parse(&cfg, rto_min, "1.5s"), ==, 0);
	g_assert_cmpint(cfg.rto_min, ==, SIM_MS(1500));
	g_assert_cmpint(tcp_knob_parse(&cfg, rto_min, "fast"), ==, -EINVAL);
	g_assert_cmpint(tcp_knob_parse(&cfg, rto_min, "0"), ==, -ERANGE);
	const struct tcp_knob *rcvbuf = tcp_knob_find("rcvbuf");
	g_assert_cmpint(tcp_knob_parse(&cfg, rcvbuf, "64KiB"), ==, 0);
	g_assert_cmpuint(cfg.rcvbuf, ==, 65536);
	const struct tcp_knob *cc = tcp_knob_find("cc");
	g_assert_cmpint(tcp_knob_parse(&cfg, cc, "reno"), ==, 0);
	g_assert_cmpstr(cfg.cc, ==, "reno");
	g_assert_cmpint(tcp_knob_parse(&cfg, cc, "vegas"), ==, -EINVAL);
	const struct tcp_knob *nagle = tcp_knob_find("nagle");
	g_assert_cmpint(tcp_knob_parse(&cfg, nagle, "false"), ==, 0);
	g_assert_false(cfg.nagle);
	g_assert_cmpint(tcp_knob_parse(&cfg, nagle, "maybe"), ==, -EINVAL);
	const struct tcp_knob *ttl = tcp_knob_find("ttl");
	g_assert_cmpint(tcp_knob_parse(&cfg, ttl, "256"), ==, -ERANGE);
	g_assert_cmpint(tcp_knob_parse(&cfg, ttl, "12x"), ==, -EINVAL);
	/* Setting the profile reloads every default. */
	const struct tcp_knob *prof = tcp_knob_find("profile");
	g_assert_cmpint(tcp_knob_parse(&cfg, prof, "rfc"), ==, 0);
	g_assert_cmpint(cfg.rto_min, ==, SIM_S(1));
	g_assert_cmpstr(cfg.cc, ==, "newreno");
	/* Cross-field validation. */
	cfg.rto_min = SIM_S(100);
	const char *why = NULL;
	g_assert_cmpint(tcp_config_validate(&cfg, &why), ==, -EINVAL);
	g_assert_nonnull(why);
}

static void test_socket_errors(void)
{
	struct fw w;
	fw_init(&w, 1, NULL);
	struct tcp_sock *s = tcp_socket(w.a.stack);
	char b[4];
	g_assert_cmpint(tcp_send(s, "x", 1), ==, -ENOTCONN);
	g_assert_cmpint(tcp_recv(s, b, 1), ==, -ENOTCONN);
	g_assert_cmpint(tcp_shutdown(s, TCP_SHUT_WR), ==, -ENOTCONN);
	int err;
	g_assert_null(tcp_accept(s, &err));
	g_assert_cmpint(err, ==, -EINVAL);
	g_assert_cmpint(tcp_bind(s, IPV4_ANY, 5000), ==, 0);
	g_assert_cmpint(tcp_bind(s, IPV4_ANY, 5001), ==, -EINVAL);
	struct tcp_sock *t = tcp_socket(w.a.stack);
	g_assert_cmpint(tcp_bind(t, FW_ADDR_A, 5000), ==, -EADDRINUSE);
	g_assert_cmpint(tcp_bind(t, IPV4_ADDR(1, 2, 3, 4), 5001), ==, -EADDRNOTAVAIL);
	g_assert_cmpint(tcp_bind(t, FW_ADDR_A, 0), ==, 0); /* ephemeral */
	g_assert_cmpuint(tcp_local_port(t), >=, 49152);
	g_assert_cmpint(tcp_connect(s, FW_ADDR_B, 0), ==, -EINVAL);
	g_assert_cmpint(tcp_connect(s, FW_ADDR_B, 80), ==, 0);
	g_assert_cmpint(tcp_connect(s, FW_ADDR_B, 80), ==, -EALREADY);
	g_assert_cmpint(tcp_listen(s, 1), ==, -EINVAL);
	g_assert_cmpint(tcp_send(s, "x", 1), ==, -EAGAIN); /* SYN-SENT: Linux waits */
	g_assert_cmpint(tcp_recv(s, b, 1), ==, -EAGAIN);
	struct tcp_config cfg;
	tcp_config_defaults(&cfg, TCP_PROFILE_RFC);
	g_assert_cmpint(tcp_sock_set_config(s, &cfg), ==, -EISCONN);
	/* The same 4-tuple twice. */
	struct tcp_sock *u = tcp_socket(w.a.stack);
	tcp_close(t);
	g_assert_cmpint(tcp_connect(u, FW_ADDR_B, 80), ==, 0);
	struct tcp_sock *v = tcp_socket(w.a.stack);
	g_assert_cmpint(tcp_bind(v, IPV4_ANY, tcp_local_port(u)), ==, -EADDRINUSE);
	/* No route. */
	struct tcp_sock *x = tcp_socket(w.a.stack);
	w.a.route_fails = true;
	g_assert_cmpint(tcp_connect(x, FW_ADDR_B, 80), ==, -ENETUNREACH);
	w.a.route_fails = false;
	/* Listener misuse. */
	struct tcp_sock *l = tcp_socket(w.a.stack);
	g_assert_cmpint(tcp_listen(l, 0), ==, 0); /* autobinds an ephemeral port */
	g_assert_cmpuint(tcp_local_port(l), !=, 0);
	g_assert_cmpint(tcp_recv(l, b, 1), ==, -ENOTCONN);
	g_assert_cmpint(tcp_send(l, "x", 1), ==, -ENOTCONN);
	g_assert_cmpint(tcp_connect(l, FW_ADDR_B, 80), ==, -EINVAL);
	g_assert_null(tcp_accept(l, &err));
	g_assert_cmpint(err, ==, -EAGAIN);
	g_assert_cmpuint(tcp_poll(l), ==, 0);
	tcp_close(l);
	tcp_close(s);
	tcp_close(u);
	tcp_close(v);
	tcp_close(x);
	g_assert_cmpuint(tcp_stack_stats(w.a.stack)->conns_live, ==, 0);
	fw_fini(&w);
}

static void test_sockopts(void)
{
	struct fw w;
	fw_init(&w, 1, NULL);
	struct tcp_sock *s = tcp_socket(w.a.stack);
	static const struct {
		enum tcp_sockopt opt;
		int64_t def, set;
	} opts[] = {
		{ TCP_OPT_NODELAY, 0, 1 },
		{ TCP_OPT_KEEPALIVE, 0, 1 },
		{ TCP_OPT_KEEPIDLE, SIM_S(7200), SIM_S(60) },
		{ TCP_OPT_KEEPINTVL, SIM_S(75), SIM_S(5) },
		{ TCP_OPT_KEEPCNT, 9, 3 },
		{ TCP_OPT_LINGER_ZERO, 0, 1 },
		{ TCP_OPT_SNDBUF, 131072, 4096 },
		{ TCP_OPT_RCVBUF, 131072, 8192 },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(opts); i++) {
		int64_t v = -1;
		g_assert_cmpint(tcp_getsockopt(s, opts[i].opt, &v), ==, 0);
		g_assert_cmpint(v, ==, opts[i].def);
		g_assert_cmpint(tcp_setsockopt(s, opts[i].opt, opts[i].set), ==, 0);
		g_assert_cmpint(tcp_getsockopt(s, opts[i].opt, &v), ==, 0);
		g_assert_cmpint(v, ==, opts[i].set);
	}
	g_assert_cmpint(tcp_setsockopt(s, TCP_OPT_KEEPCNT, 0), ==, -EINVAL);
	g_assert_cmpint(tcp_setsockopt(s, TCP_OPT_SNDBUF, -1), ==, -EINVAL);
	g_assert_cmpuint(tcp_writable_bytes(s), ==, 4096);
	/* A per-socket configuration: rfc profile on this socket only. */
	struct tcp_config cfg;
	tcp_config_defaults(&cfg, TCP_PROFILE_RFC);
	g_assert_cmpint(tcp_sock_set_config(s, &cfg), ==, 0);
	g_assert_cmpint(tcp_sock_config(s)->rto_min, ==, SIM_S(1));
	g_assert_cmpint(tcp_stack_config(w.a.stack)->rto_min, ==, SIM_MS(200));
	int64_t v;
	tcp_getsockopt(s, TCP_OPT_SNDBUF, &v);
	g_assert_cmpint(v, ==, 131072); /* options reset from the new configuration */
	cfg.rto_min = SIM_S(1000);
	g_assert_cmpint(tcp_sock_set_config(s, &cfg), ==, -EINVAL);
	tcp_close(s);
	fw_fini(&w);
}

static void test_per_socket_config_inherited(void)
{
	/* A listener with its own configuration (delayed ACK 100 ms, no quick ACKs):
	 * its accepted connections use it; the stack's other sockets keep 40 ms. */
	struct fw w;
	fw_init(&w, 1, NULL);
	struct tcp_sock *l = tcp_socket(w.a.stack);
	struct tcp_config cfg = *tcp_stack_config(w.a.stack);
	cfg.delack_timeout = SIM_MS(100);
	cfg.quickack_max = 0;
	g_assert_cmpint(tcp_sock_set_config(l, &cfg), ==, 0);
	tcp_sock_set_isn(l, 100);
	tcp_bind(l, IPV4_ANY, 80);
	tcp_listen(l, 2);
	fw_inject_simple(&w.a, 999, 80, TCP_FLAG_SYN, 7, 0, 65535, NULL, 0);
	fw_inject_simple(&w.a, 999, 80, TCP_FLAG_ACK, 8, 101, 65535, NULL, 0);
	fw_drain(&w.a);
	int err;
	struct tcp_sock *c = tcp_accept(l, &err);
	g_assert_cmpint(tcp_sock_config(c)->delack_timeout, ==, SIM_MS(100));
	fw_inject_simple(&w.a, 999, 80, TCP_FLAG_ACK, 8, 101, 65535, "hi", 2);
	fw_run_for(&w, SIM_S(1));
	const struct fw_seg *a = fw_pop(&w.a);
	g_assert_nonnull(a);
	g_assert_cmpint(a->time, ==, SIM_MS(100));
	tcp_abort(c);
	tcp_close(l);
	fw_fini(&w);
}

static char *read_file(const char *path)
{
	char *s = NULL;
	g_assert_true(g_file_get_contents(path, &s, NULL, NULL));
	return s;
}

static void test_traces_and_stats(void)
{
	/* A traced transfer A → B; the stats reference outlives the handle and the
	 * connection. */
	char *dir = g_dir_make_tmp("netsim-tcp-XXXXXX", NULL);
	g_assert_nonnull(dir);
	char *prefix = g_build_filename(dir, "flow1", NULL);
	struct fw w;
	fw_init(&w, 1, NULL);
	fw_link(&w, SIM_MS(10));
	struct tcp_sock *l = tcp_socket(w.b.stack);
	tcp_bind(l, IPV4_ANY, 80);
	tcp_listen(l, 1);
	struct tcp_sock *s = tcp_socket(w.a.stack);
	tcp_sock_set_isn(s, 0xfffffff0u); /* the trace numbers from the ISN, across the wrap */
	GError *error = NULL;
	g_assert_cmpint(tcp_sock_trace(s, prefix, "sender", TCP_TRACE_ENDPOINT | TCP_TRACE_SEQ,
				       &error), ==, 0);
	g_assert_no_error(error);
	const struct tcp_stats *st = tcp_sock_stats_ref(s);
	struct fw_app tx;
	fw_app_init(&tx, s);
	tx.to_write = 100000;
	tx.close_when_done = true;
	fw_app_watch(&tx, TCP_EV_WRITABLE, true);
	tcp_connect(s, FW_ADDR_B, 80);
	fw_run_until(&w, SIM_MS(30));
	int err;
	struct tcp_sock *c = tcp_accept(l, &err);
	struct fw_app rx;
	fw_app_init(&rx, c);
	rx.read_all = true;
	rx.close_on_eof = true;
	fw_app_watch(&rx, TCP_EV_READABLE, true);
	const struct tcp_stats *rst = tcp_sock_stats_ref(c);
	fw_run_until(&w, SIM_S(100));
	/* Everything is closed and freed; the statistics remain readable. */
	g_assert_cmpuint(tcp_stack_stats(w.a.stack)->conns_live, ==, 0);
	g_assert_cmpuint(st->bytes_sent, ==, 100000);
	g_assert_cmpuint(st->bytes_acked, ==, 100000);
	g_assert_cmpuint(rst->bytes_received, ==, 100000);
	g_assert_cmpuint(rst->bytes_delivered, ==, 100000);
	g_assert_cmpuint(st->rtt_samples, >, 1);
	g_assert_cmpint(st->rtt_min, ==, SIM_MS(20));
	g_assert_cmpint(st->rtt_max, >=, st->rtt_min);
	g_assert_cmpint(st->state, ==, TCP_CLOSED);
	g_assert_cmpint(st->error, ==, 0);
	g_assert_cmpuint(st->segs_sent, >, 68);
	g_assert_cmpuint(rst->segs_received, ==, st->segs_sent - 1); /* the SYN went to the listener */
	g_assert_true(rx.eof);
	tcp_stats_unref(st);
	tcp_stats_unref(rst);
	tcp_close(l);
	fw_app_fini(&tx);
	fw_app_fini(&rx);
	fw_fini(&w); /* closes nothing more: the traces were closed with the connection */

	char *ep_path = g_strconcat(prefix, ".sender.tsv", NULL);
	char *seq_path = g_strconcat(prefix, ".sender.seq.tsv", NULL);
	char *ep = read_file(ep_path);
	char *sq = read_file(seq_path);
	char **lines = g_strsplit(ep, "\n", -1);
	g_assert_cmpstr(lines[0], ==,
			"time_s\tcwnd_bytes\tssthresh_bytes\tinflight_bytes\trtt_ms\tsrtt_ms\t"
			"rttvar_ms\trto_ms\tstate\tevent\tsacked_packets\tlost_packets\t"
			"retrans_packets\tpipe_bytes\tcwnd_packets\tssthresh_packets\tca_state\t"
			"prr_delivered_packets\tprr_out_packets\track_reo_wnd_us");
	/* The linux profile: windows in packets (10 of 1460 bytes before the
	 * handshake, of 1448 after it with timestamps), Open, no PRR; RACK's window is
	 * a quarter of the minimum RTT, the handshake's 20 ms. */
	g_assert_cmpstr(lines[1], ==, "0.000000000\t14600\tinf\t0\tnan\tnan\tnan\t1000\tCLOSED\topen\t0\t0\t0\t0"
				      "\t10\tinf\tOpen\t0\t0\t0");
	g_assert_cmpstr(lines[2], ==, "0.000000000\t14600\tinf\t0\tnan\tnan\tnan\t1000\tSYN-SENT\tstate\t0\t0\t0\t0"
				      "\t10\tinf\tOpen\t0\t0\t0");
	g_assert_cmpstr(lines[3], ==, "0.020000000\t14480\tinf\t0\t20\t20\t10\t220\tESTABLISHED\tstate\t0\t0\t0\t0"
				      "\t10\tinf\tOpen\t0\t0\t5000");
	bool ss = false, fin = false, tw = false;
	for (char **p = lines + 1; *p && **p; p++) {
		char **f = g_strsplit(*p, "\t", -1);
		g_assert_cmpuint(g_strv_length(f), ==, 20);
		ss |= strcmp(f[9], "slow_start") == 0;
		fin |= strcmp(f[8], "FIN-WAIT-1") == 0;
		tw |= strcmp(f[8], "TIME-WAIT") == 0;
		g_strfreev(f);
	}
	g_assert_true(ss && fin && tw);
	g_strfreev(lines);
	lines = g_strsplit(sq, "\n", -1);
	g_assert_cmpstr(lines[0], ==, "time_s\tkind\tseq\tend\twin_bytes");
	g_assert_cmpstr(lines[1], ==, "0.000000000\tsend\t0\t1\t0"); /* the SYN */
	g_assert_cmpstr(lines[2], ==, "0.020000000\tsend\t1\t1449\t0"); /* MSS 1460 − 12 */
	/* The last send is the FIN at 100001; the last ack acknowledges it. */
	int64_t max_end = 0, last_ack = 0;
	for (char **p = lines + 1; *p && **p; p++) {
		char **f = g_strsplit(*p, "\t", -1);
		int64_t end = g_ascii_strtoll(f[3], NULL, 10);
		if (strcmp(f[1], "ack") == 0)
			last_ack = end;
		else if (end > max_end)
			max_end = end;
		g_strfreev(f);
	}
	g_assert_cmpint(max_end, ==, 100002);
	g_assert_cmpint(last_ack, ==, 100002);
	g_strfreev(lines);
	g_free(ep);
	g_free(sq);
	g_unlink(ep_path);
	g_unlink(seq_path);
	g_rmdir(dir);
	g_free(ep_path);
	g_free(seq_path);
	g_free(prefix);
	g_free(dir);
}

static void test_trace_open_error(void)
{
	struct fw w;
	fw_init(&w, 1, NULL);
	struct tcp_sock *s = tcp_socket(w.a.stack);
	GError *error = NULL;
	g_assert_cmpint(tcp_sock_trace(s, "/nonexistent-dir/x", "sender", TCP_TRACE_ENDPOINT, &error),
			==, -EIO);
	g_assert_nonnull(error);
	g_error_free(error);
	tcp_close(s);
	fw_fini(&w);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/tcp/api/profiles", test_profiles);
	g_test_add_func("/tcp/api/knob-table", test_knob_table);
	g_test_add_func("/tcp/api/knob-sysctls", test_knob_sysctls);
	g_test_add_func("/tcp/api/socket-errors", test_socket_errors);
	g_test_add_func("/tcp/api/sockopts", test_sockopts);
	g_test_add_func("/tcp/api/per-socket-config", test_per_socket_config_inherited);
	g_test_add_func("/tcp/api/traces-and-stats", test_traces_and_stats);
	g_test_add_func("/tcp/api/trace-open-error", test_trace_open_error);
	return g_test_run();
}

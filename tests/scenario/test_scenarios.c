/* tests/scenario/test_scenarios.c — every shipped scenario run end to end, checked
 * for what its description promises: flows intact, the expected ICMP messages and
 * segments in its captures (read with tests/common/pcapread), the traces it names.
 * These are behaviour checks, not golden outputs (tests/regress holds the hashes).
 */
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include <glib.h>

#include "tests/cli/netsim_run.h"
#include "tests/common/pcapread.h"

/* ---- running ------------------------------------------------------------------------ */

struct run {
	char *dir;      /* temporary directory; results in dir/out */
	char *out;      /* dir/out */
	cJSON *summary;
	struct netsim_result r;
};

/* Runs scenarios/<name>.json, with up to two extra arguments (NULL: none). */
static struct run run_scenario_with(const char *name, const char *arg1, const char *arg2)
{
	struct run x = {0};
	x.dir = tmpdir_new();
	x.out = g_build_filename(x.dir, "out", NULL);
	char *file = g_strdup_printf("%s/scenarios/%s.json", source_root(), name);
	x.r = netsim_run(x.dir, NULL, "run", file, "--out", "out", arg1, arg2, NULL);
	if (x.r.status != 0)
		g_error("netsim run %s: exit %d\n%s", name, x.r.status, x.r.err);
	x.summary = read_json(x.dir, "out/summary.json");
	g_assert_nonnull(x.summary);
	g_free(file);
	return x;
}

static struct run run_scenario(const char *name)
{
	return run_scenario_with(name, NULL, NULL);
}

static void run_free(struct run *x)
{
	cJSON_Delete(x->summary);
	netsim_result_clear(&x->r);
	rm_rf(x->dir);
	g_free(x->dir);
	g_free(x->out);
}

static const cJSON *item_named(const cJSON *summary, const char *array, const char *name)
{
	const cJSON *e;
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(summary, array))
	{
		if (!strcmp(cJSON_GetObjectItemCaseSensitive(e, "name")->valuestring, name))
			return e;
	}
	g_error("summary.json has no %s entry named %s", array, name);
	return NULL;
}

static const cJSON *link_dir(const cJSON *summary, const char *name, const char *dir)
{
	const cJSON *e;
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(summary, "links"))
	{
		if (!strcmp(cJSON_GetObjectItemCaseSensitive(e, "name")->valuestring, name) &&
		    !strcmp(cJSON_GetObjectItemCaseSensitive(e, "direction")->valuestring, dir))
			return e;
	}
	g_error("summary.json has no link %s %s", name, dir);
	return NULL;
}

static double num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	g_assert_true(cJSON_IsNumber(v));
	return v->valuedouble;
}

static const char *str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool flag(const cJSON *o, const char *key)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, key));
}

/* Every flow intact, complete when it was finite, no error. */
static void assert_flows_ok(const cJSON *summary, int expected)
{
	const cJSON *f;
	int n = 0;
	cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(summary, "flows"))
	{
		if (!flag(f, "intact") || str(f, "error"))
			g_error("flow %s: intact %d, error %s", str(f, "name"), flag(f, "intact"),
				str(f, "error") ? str(f, "error") : "none");
		n++;
	}
	g_assert_cmpint(n, ==, expected);
}

static bool file_exists(const struct run *x, const char *name)
{
	char *p = g_build_filename(x->out, name, NULL);
	bool ok = g_file_test(p, G_FILE_TEST_IS_REGULAR);
	g_free(p);
	return ok;
}

static char *first_line(const struct run *x, const char *name)
{
	char *p = g_build_filename(x->out, name, NULL);
	gchar *text = NULL;
	g_assert_true(g_file_get_contents(p, &text, NULL, NULL));
	g_free(p);
	char *nl = strchr(text, '\n');
	if (nl)
		*nl = '\0';
	return text;
}

/* ---- captures ------------------------------------------------------------------------ */

struct ip {
	const uint8_t *h; /* IPv4 header */
	uint32_t len;     /* captured bytes from h */
	int64_t ts;
	unsigned ihl, total, ttl, proto;
	uint32_t src, dst;
	bool df, mf;
	unsigned frag_off;
	const uint8_t *l4;
};

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static unsigned be16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static struct ip ip_at(const struct pcap_file *f, size_t i)
{
	const struct pcap_record *r = &f->rec[i];
	uint32_t off = pcap_ip_offset(f);
	struct ip x = {0};
	g_assert_cmpuint(r->caplen, >=, off + 20);
	x.h = r->data + off;
	x.len = r->caplen - off;
	x.ts = r->ts_ns;
	x.ihl = (x.h[0] & 0x0f) * 4u;
	x.total = be16(x.h + 2);
	unsigned ff = be16(x.h + 6);
	x.df = ff & 0x4000;
	x.mf = ff & 0x2000;
	x.frag_off = (ff & 0x1fff) * 8u;
	x.ttl = x.h[8];
	x.proto = x.h[9];
	x.src = be32(x.h + 12);
	x.dst = be32(x.h + 16);
	x.l4 = x.h + x.ihl;
	return x;
}

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static struct pcap_file load_pcap(const struct run *x, const char *name)
{
	struct pcap_file f;
	char *p = g_build_filename(x->out, name, NULL);
	g_assert_true(pcap_load(&f, p));
	g_free(p);
	return f;
}

/* TCP flags byte / seq / window of a (first-fragment) TCP packet. */
static unsigned tcp_flags(const struct ip *p) { return p->l4[13]; }
static uint32_t tcp_seq(const struct ip *p) { return be32(p->l4 + 4); }
static unsigned tcp_win(const struct ip *p) { return be16(p->l4 + 14); }
static unsigned tcp_payload(const struct ip *p)
{
	return p->total - p->ihl - (unsigned)(p->l4[12] >> 4) * 4u;
}
#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_ACK 0x10

/* ---- the scenarios --------------------------------------------------------------------- */

static void test_lossy(void)
{
	struct run x = run_scenario("lossy");
	assert_flows_ok(x.summary, 1);
	const cJSON *f = item_named(x.summary, "flows", "flow1");
	g_assert_cmpstr(str(f, "cc"), ==, "reno");
	g_assert_cmpfloat(num(f, "fast_retransmits"), >, 10);
	g_assert_cmpfloat(num(f, "goodput_bps"), >, 0.5e6);
	g_assert_cmpfloat(num(f, "goodput_bps"), <, 10e6);
	/* 1% loss on R -> B only. */
	const cJSON *fw = link_dir(x.summary, "bottleneck", "forward");
	double p = num(fw, "lost") / num(fw, "tx_packets");
	g_assert_cmpfloat(p, >, 0.005);
	g_assert_cmpfloat(p, <, 0.015);
	g_assert_cmpfloat(num(link_dir(x.summary, "bottleneck", "reverse"), "lost"), ==, 0);
	g_assert_cmpfloat(num(link_dir(x.summary, "access", "forward"), "lost"), ==, 0);
	g_assert_cmpstr(str(cJSON_GetObjectItemCaseSensitive(x.summary, "tcp"), "profile"), ==,
			"linux");
	/* The sender's traces, headers as docs/outputs.md says. */
	char *h = first_line(&x, "flow1.sender.tsv");
	g_assert_cmpstr(h, ==,
			"time_s\tcwnd_bytes\tssthresh_bytes\tinflight_bytes\trtt_ms\tsrtt_ms\trttvar_"
			"ms\trto_ms\tstate\tevent\tsacked_packets\tlost_packets\t"
			"retrans_packets\tpipe_bytes\tcwnd_packets\tssthresh_packets\tca_state\t"
			"prr_delivered_packets\tprr_out_packets\track_reo_wnd_us");
	g_free(h);
	h = first_line(&x, "flow1.sender.seq.tsv");
	g_assert_cmpstr(h, ==, "time_s\tkind\tseq\tend\twin_bytes");
	g_free(h);
	run_free(&x);
}

static void test_dumbbell(void)
{
	struct run x = run_scenario("dumbbell");
	assert_flows_ok(x.summary, 8);
	double sum = 0;
	const cJSON *f;
	cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(x.summary, "flows"))
	{
		g_assert_cmpfloat(num(f, "goodput_bps"), >, 0.2e6);
		sum += num(f, "goodput_bps");
	}
	/* They share the 10 Mbit/s bottleneck (payload rate at most 10 · 1460/1500). */
	g_assert_cmpfloat(sum, >, 8e6);
	g_assert_cmpfloat(sum, <, 10e6);
	g_assert_cmpfloat(num(link_dir(x.summary, "bottleneck", "forward"), "queue_drops"), >, 0);
	g_assert_true(file_exists(&x, "link.bottleneck.forward.queue.tsv"));
	g_assert_true(file_exists(&x, "flow7.sender.tsv"));
	run_free(&x);
}

static void test_bursty_loss(void)
{
	struct run x = run_scenario("bursty-loss");
	assert_flows_ok(x.summary, 2);
	/* Stationary loss of the chain: p·(1-h) / (p + r) = 0.01 / 0.26 ≈ 3.8%. */
	const cJSON *l = link_dir(x.summary, "bottleneck", "forward");
	double p = num(l, "lost") / num(l, "tx_packets");
	g_assert_cmpfloat(p, >, 0.03);
	g_assert_cmpfloat(p, <, 0.05);
	const cJSON *nr = item_named(x.summary, "flows", "newreno");
	const cJSON *reno = item_named(x.summary, "flows", "reno");
	g_assert_cmpstr(str(nr, "cc"), ==, "newreno");
	g_assert_cmpstr(str(reno, "cc"), ==, "reno");
	/* What the description says of seed 1: both flows on the one path, NewReno ahead
	 * (1.27 against 1.12 Mbit/s) with fewer RTOs (31 against 55), neither close to
	 * filling the 10 Mbit/s bottleneck. */
	g_assert_cmpfloat(num(nr, "goodput_bps"), >, 1.1 * num(reno, "goodput_bps"));
	g_assert_cmpfloat(num(nr, "rto_count"), <, num(reno, "rto_count"));
	g_assert_cmpfloat(num(nr, "goodput_bps") + num(reno, "goodput_bps"), <, 3e6);
	g_assert_cmpfloat(num(l, "queue_drops"), ==, 0);
	run_free(&x);
}

static void test_ping(void)
{
	struct run x = run_scenario("ping");
	const cJSON *p = item_named(x.summary, "pings", "ping1");
	g_assert_cmpfloat(num(p, "sent"), ==, 5);
	g_assert_cmpfloat(num(p, "received"), ==, 5);
	/* 4 hops each way: 4 × (5 ms + 84 B · 8 / 10 Mbit/s = 67.2 µs), twice. */
	const cJSON *rtt = cJSON_GetObjectItemCaseSensitive(p, "rtt_ms");
	g_assert_cmpfloat(num(rtt, "min"), ==, 40.5376);
	g_assert_cmpfloat(num(rtt, "max"), ==, 40.5376);
	/* Replies cross three routers: TTL 64 - 3. */
	char *path = g_build_filename(x.out, "ping1.ping.tsv", NULL);
	gchar *text;
	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	char **lines = g_strsplit(text, "\n", -1);
	g_assert_cmpstr(lines[0], ==, "time_s\tseq\trtt_ms\tttl\tbytes");
	char **f = g_strsplit(lines[1], "\t", -1);
	g_assert_cmpstr(f[3], ==, "61");
	g_strfreev(f);
	g_strfreev(lines);
	g_free(text);
	g_free(path);
	/* H2's capture: 5 requests in, 5 replies out. */
	struct pcap_file c = load_pcap(&x, "H2-eth0.pcap");
	int req = 0, rep = 0;
	for (size_t i = 0; i < c.n; i++) {
		struct ip ip = ip_at(&c, i);
		g_assert_cmpuint(ip.proto, ==, 1);
		req += ip.l4[0] == 8;
		rep += ip.l4[0] == 0;
	}
	g_assert_cmpint(req, ==, 5);
	g_assert_cmpint(rep, ==, 5);
	pcap_unload(&c);
	run_free(&x);
}

static void test_fragmentation(void)
{
	struct run x = run_scenario("fragmentation");
	const cJSON *big = item_named(x.summary, "pings", "big");
	g_assert_cmpfloat(num(big, "received"), ==, 3);
	const cJSON *df = item_named(x.summary, "pings", "big-df");
	g_assert_cmpfloat(num(df, "received"), ==, 0);
	g_assert_cmpfloat(num(df, "errors"), >=, 1);
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(df, "last_icmp_error");
	g_assert_cmpfloat(num(e, "type"), ==, 3);
	g_assert_cmpfloat(num(e, "code"), ==, 4);

	/* A-eth0: each 3008-byte request leaves as 1480 + 1480 + 48 data bytes. */
	struct pcap_file a = load_pcap(&x, "A-eth0.pcap");
	int first = 0, middle = 0, last = 0, frag_needed = 0;
	for (size_t i = 0; i < a.n; i++) {
		struct ip ip = ip_at(&a, i);
		if (ip.src == IP4(10, 0, 1, 1) && ip.proto == 1 && (ip.mf || ip.frag_off)) {
			unsigned data = ip.total - ip.ihl;
			if (ip.frag_off == 0 && ip.mf && data == 1480)
				first++;
			else if (ip.frag_off == 1480 && ip.mf && data == 1480)
				middle++;
			else if (ip.frag_off == 2960 && !ip.mf && data == 48)
				last++;
		}
		if (ip.dst == IP4(10, 0, 1, 1) && ip.proto == 1 && !ip.frag_off && ip.l4[0] == 3 &&
		    ip.l4[1] == 4) {
			g_assert_cmpuint(be16(ip.l4 + 6), ==, 576); /* next-hop MTU, RFC 1191 */
			frag_needed++;
		}
	}
	g_assert_cmpint(first, ==, 3);
	g_assert_cmpint(middle, ==, 3);
	g_assert_cmpint(last, ==, 3);
	g_assert_cmpint(frag_needed, >=, 1);
	pcap_unload(&a);
	/* R-eth1: nothing larger than the 576-byte MTU, fragments with offsets in 8-byte
	 * units. */
	struct pcap_file r = load_pcap(&x, "R-eth1.pcap");
	int frags = 0;
	for (size_t i = 0; i < r.n; i++) {
		struct ip ip = ip_at(&r, i);
		g_assert_cmpuint(ip.total, <=, 576);
		if (ip.mf) {
			g_assert_cmpuint((ip.total - ip.ihl) % 8, ==, 0);
			frags++;
		}
	}
	g_assert_cmpint(frags, >, 10);
	pcap_unload(&r);
	run_free(&x);
}

static void test_ttl_loop(void)
{
	struct run x = run_scenario("ttl-loop");
	const cJSON *p = item_named(x.summary, "pings", "into-loop");
	g_assert_cmpfloat(num(p, "sent"), ==, 3);
	g_assert_cmpfloat(num(p, "received"), ==, 0);
	g_assert_cmpfloat(num(p, "errors"), ==, 3);
	g_assert_cmpfloat(num(cJSON_GetObjectItemCaseSensitive(p, "last_icmp_error"), "type"), ==, 11);
	struct pcap_file a = load_pcap(&x, "A-eth0.pcap");
	int te = 0;
	for (size_t i = 0; i < a.n; i++) {
		struct ip ip = ip_at(&a, i);
		te += ip.proto == 1 && ip.dst == IP4(10, 0, 1, 1) && ip.l4[0] == 11 && ip.l4[1] == 0;
	}
	g_assert_cmpint(te, ==, 3);
	pcap_unload(&a);
	/* On the looping link the first request passes again and again, TTL down by 2 per
	 * round trip between the routers. */
	struct pcap_file r = load_pcap(&x, "R1-eth1.pcap");
	unsigned prev = 256;
	int seen = 0;
	for (size_t i = 0; i < r.n; i++) {
		struct ip ip = ip_at(&r, i);
		if (ip.src != IP4(10, 0, 1, 1) || ip.l4[0] != 8 || be16(ip.l4 + 6) != 1)
			continue;
		if (prev != 256)
			g_assert_cmpuint(ip.ttl, ==, prev - 1);
		prev = ip.ttl;
		seen++;
	}
	g_assert_cmpint(seen, >, 30);
	pcap_unload(&r);
	run_free(&x);
}

static void test_default_route(void)
{
	struct run x = run_scenario("default-route");
	static const struct {
		const char *ping, *pcap;
		uint32_t target;
	} c[] = {
		{"via-slash8", "R-eth1.pcap", IP4(10, 5, 0, 2)},
		{"via-slash16", "R-eth2.pcap", IP4(10, 2, 0, 2)},
		{"via-default", "R-eth3.pcap", IP4(192, 168, 1, 2)},
	};
	for (gsize k = 0; k < G_N_ELEMENTS(c); k++) {
		g_assert_cmpfloat(num(item_named(x.summary, "pings", c[k].ping), "received"), ==, 2);
		/* Exactly this ping's packets left R on this interface (LPM, default). */
		struct pcap_file f = load_pcap(&x, c[k].pcap);
		g_assert_cmpuint(f.n, ==, 4);
		for (size_t i = 0; i < f.n; i++) {
			struct ip ip = ip_at(&f, i);
			g_assert_true(ip.dst == c[k].target || ip.src == c[k].target);
		}
		pcap_unload(&f);
	}
	run_free(&x);
}

static void test_simultaneous_open(void)
{
	struct run x = run_scenario("simultaneous-open");
	assert_flows_ok(x.summary, 1);
	const cJSON *f = item_named(x.summary, "flows", "simopen");
	g_assert_cmpfloat(num(f, "bytes_to_server"), ==, 20000);
	g_assert_cmpfloat(num(f, "bytes_to_client"), ==, 20000);
	/* Both bare SYNs (no ACK) are on the wire, from 6000 and from 7000, with two
	 * different ISNs. */
	struct pcap_file a = load_pcap(&x, "A-eth0.pcap");
	int syns = 0;
	uint32_t isn[2] = {0, 0};
	for (size_t i = 0; i < a.n; i++) {
		struct ip ip = ip_at(&a, i);
		if (ip.proto != 6 || (tcp_flags(&ip) & (TCP_SYN | TCP_ACK)) != TCP_SYN)
			continue;
		unsigned sport = be16(ip.l4);
		g_assert_true(sport == 6000 || sport == 7000);
		isn[sport == 7000] = tcp_seq(&ip);
		syns++;
	}
	g_assert_cmpint(syns, ==, 2);
	g_assert_cmpuint(isn[0], !=, isn[1]);
	pcap_unload(&a);
	run_free(&x);
}

static void test_http_chunked(void)
{
	struct run x = run_scenario("http-chunked");
	assert_flows_ok(x.summary, 1);
	const cJSON *f = item_named(x.summary, "flows", "web");
	g_assert_true(flag(f, "complete"));
	g_assert_cmpfloat(num(f, "requests_sent"), ==, 3);
	g_assert_cmpfloat(num(f, "responses_received"), ==, 3);
	g_assert_true(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(f, "latency_ms")));
	run_free(&x);
}

static void test_half_close(void)
{
	struct run x = run_scenario("half-close");
	assert_flows_ok(x.summary, 1);
	const cJSON *f = item_named(x.summary, "flows", "echo");
	g_assert_cmpfloat(num(f, "bytes_to_server"), ==, 200000);
	g_assert_cmpfloat(num(f, "bytes_to_client"), ==, 200000);
	/* The client's FIN comes before the last data segment of the server: data keeps
	 * flowing into the half-closed connection. */
	struct pcap_file a = load_pcap(&x, "A-eth0.pcap");
	int64_t client_fin = -1, last_server_data = -1;
	for (size_t i = 0; i < a.n; i++) {
		struct ip ip = ip_at(&a, i);
		if (ip.proto != 6)
			continue;
		if (ip.src == IP4(10, 0, 0, 1) && (tcp_flags(&ip) & TCP_FIN) && client_fin < 0)
			client_fin = ip.ts;
		if (ip.src == IP4(10, 0, 0, 2) && tcp_payload(&ip) > 0)
			last_server_data = ip.ts;
	}
	g_assert_cmpint(client_fin, >, 0);
	g_assert_cmpint(last_server_data, >, client_fin);
	pcap_unload(&a);
	run_free(&x);
}

static void test_keepalive(void)
{
	struct run x = run_scenario("keepalive");
	const cJSON *alive = item_named(x.summary, "flows", "alive");
	g_assert_true(flag(alive, "intact"));
	g_assert_null(str(alive, "error"));
	g_assert_cmpfloat(num(alive, "responses_received"), ==, 2);
	const cJSON *dead = item_named(x.summary, "flows", "dead");
	g_assert_cmpstr(str(dead, "error"), ==, "ETIMEDOUT");
	/* C is cut off at 10 s: A's three unanswered probes and the RST that ends the
	 * connection die on the dead link (outage drops, not random loss). */
	const cJSON *ac = link_dir(x.summary, "ac", "forward");
	g_assert_cmpfloat(num(ac, "down_drops"), ==, 4);
	g_assert_cmpfloat(num(ac, "lost"), ==, 0);
	/* Between the requests (idle from about 1 s to 301 s) A probes B every 60 s idle
	 * and B answers each probe. */
	struct pcap_file a = load_pcap(&x, "A-eth0.pcap");
	int probes = 0, answers = 0;
	for (size_t i = 0; i < a.n; i++) {
		struct ip ip = ip_at(&a, i);
		if (ip.ts < 30 * (int64_t)1000000000 || ip.ts > 295 * (int64_t)1000000000)
			continue;
		if (ip.src == IP4(10, 0, 1, 1))
			probes++;
		else
			answers++;
	}
	g_assert_cmpint(probes, >=, 3);
	g_assert_cmpint(answers, ==, probes);
	pcap_unload(&a);
	run_free(&x);
}

static void test_zero_window(void)
{
	struct run x = run_scenario("zero-window");
	assert_flows_ok(x.summary, 1);
	g_assert_cmpfloat(num(item_named(x.summary, "flows", "flow"), "bytes_delivered"), ==, 3000000);
	/* B advertises a zero window during its pauses, and A keeps probing. */
	struct pcap_file a = load_pcap(&x, "A-eth0.pcap");
	int zero = 0, probes_in_pause = 0;
	for (size_t i = 0; i < a.n; i++) {
		struct ip ip = ip_at(&a, i);
		if (ip.src == IP4(10, 0, 0, 2) && tcp_win(&ip) == 0 && !(tcp_flags(&ip) & TCP_SYN))
			zero++;
		/* A's segments between 2 s and 6 s (B not reading since 1 s). */
		if (ip.src == IP4(10, 0, 0, 1) && ip.ts > 2 * (int64_t)1000000000 &&
		    ip.ts < 6 * (int64_t)1000000000)
			probes_in_pause++;
	}
	g_assert_cmpint(zero, >=, 2);
	g_assert_cmpint(probes_in_pause, >=, 2);
	pcap_unload(&a);
	run_free(&x);
}

static void test_heavy_loss(void)
{
	struct run x = run_scenario("heavy-loss");
	assert_flows_ok(x.summary, 1);
	const cJSON *f = item_named(x.summary, "flows", "flow");
	g_assert_true(flag(f, "complete"));
	g_assert_cmpfloat(num(f, "bytes_delivered"), ==, 1000000);
	g_assert_cmpfloat(num(f, "rto_count"), >, 0);
	const cJSON *l = link_dir(x.summary, "ab", "forward");
	g_assert_cmpfloat(num(l, "duplicated"), >, 0);
	double p = num(l, "lost") / num(l, "tx_packets");
	g_assert_cmpfloat(p, >, 0.15);
	g_assert_cmpfloat(p, <, 0.25);
	run_free(&x);
}

static void test_pmtud(void)
{
	struct run x = run_scenario("pmtud");
	assert_flows_ok(x.summary, 2);
	struct pcap_file a = load_pcap(&x, "A-eth0.pcap");
	int64_t icmp_at = -1;
	int big_after = 0, small_after = 0;
	for (size_t i = 0; i < a.n; i++) {
		struct ip ip = ip_at(&a, i);
		if (ip.proto == 1 && ip.l4[0] == 3 && ip.l4[1] == 4) {
			g_assert_cmpuint(be16(ip.l4 + 6), ==, 1000);
			if (icmp_at < 0)
				icmp_at = ip.ts;
		}
		/* The pmtud flow (port 5001) after the first frag-needed. */
		if (icmp_at >= 0 && ip.proto == 6 && ip.src == IP4(10, 0, 1, 1) &&
		    be16(ip.l4 + 2) == 5001 && ip.ts > icmp_at + 1000000) {
			big_after += ip.total > 1000;
			small_after += ip.total <= 1000 && tcp_payload(&ip) > 0;
		}
	}
	g_assert_cmpint(icmp_at, >, 0);
	g_assert_cmpint(big_after, ==, 0);
	g_assert_cmpint(small_after, >, 100);
	pcap_unload(&a);
	/* The no-df flow (port 5002) is fragmented by R1. */
	struct pcap_file r = load_pcap(&x, "R1-eth1.pcap");
	int frags = 0;
	for (size_t i = 0; i < r.n; i++) {
		struct ip ip = ip_at(&r, i);
		g_assert_cmpuint(ip.total, <=, 1000);
		frags += ip.mf;
	}
	g_assert_cmpint(frags, >, 100);
	pcap_unload(&r);
	run_free(&x);
}

static void test_cubic_vs_reno(void)
{
	/* The window shapes are checked from the traces in tests/validation/test_shapes.c. */
	struct run x = run_scenario("cubic-vs-reno");
	assert_flows_ok(x.summary, 2);
	/* Losses only from the shared queue overflowing. */
	g_assert_cmpfloat(num(link_dir(x.summary, "bottleneck", "forward"), "queue_drops"), >, 0);
	g_assert_cmpfloat(num(link_dir(x.summary, "bottleneck", "forward"), "lost"), ==, 0);
	g_assert_cmpstr(str(item_named(x.summary, "flows", "cubic"), "cc"), ==, "cubic");
	g_assert_cmpstr(str(item_named(x.summary, "flows", "reno"), "cc"), ==, "reno");
	g_assert_true(file_exists(&x, "cubic.sender.tsv"));
	g_assert_true(file_exists(&x, "reno.sender.tsv"));
	run_free(&x);
}

/* Fall & Floyd 1996 (docs/validation.md): k = 1 → one fast retransmit and no RTO for Reno and
 * NewReno; NewReno slow-but-steady recovers k ≤ 4 with no RTO (in one recovery: one
 * fast retransmit, k retransmissions); Reno with k ≥ 3 needs an RTO or more than one
 * fast retransmit. From the summaries here; from the traces (one window, cwnd > 8
 * segments, one segment per RTT) in tests/validation/test_shapes.c. */
static void test_fall_floyd(gconstpointer data)
{
	int k = GPOINTER_TO_INT(data);
	char *name = g_strdup_printf("fall-floyd-%d", k);
	struct run x = run_scenario(name);
	assert_flows_ok(x.summary, 3);
	const cJSON *reno = item_named(x.summary, "flows", "reno");
	const cJSON *nr = item_named(x.summary, "flows", "newreno");
	const cJSON *sbs = item_named(x.summary, "flows", "newreno-sbs");
	for (int j = 0; j < 3; j++) {
		const cJSON *f = j == 0 ? reno : j == 1 ? nr : sbs;
		g_assert_true(flag(f, "complete"));
		g_assert_cmpfloat(num(f, "bytes_delivered"), ==, 200000);
		g_assert_cmpfloat(num(f, "retransmits"), >=, k);
	}
	if (k == 1) {
		g_assert_cmpfloat(num(reno, "fast_retransmits"), ==, 1);
		g_assert_cmpfloat(num(reno, "rto_count"), ==, 0);
		g_assert_cmpfloat(num(nr, "fast_retransmits"), ==, 1);
		g_assert_cmpfloat(num(nr, "rto_count"), ==, 0);
	}
	g_assert_cmpfloat(num(sbs, "rto_count"), ==, 0);
	g_assert_cmpfloat(num(sbs, "fast_retransmits"), ==, 1);
	g_assert_cmpfloat(num(sbs, "retransmits"), ==, k);
	if (k >= 3)
		g_assert_true(num(reno, "rto_count") > 0 || num(reno, "fast_retransmits") > 1);
	/* The drop list took exactly k packets from each path. */
	for (int j = 0; j < 3; j++) {
		char *l = g_strdup_printf("bottleneck%d", j);
		g_assert_cmpfloat(num(link_dir(x.summary, l, "forward"), "lost"), ==, k);
		g_free(l);
	}
	run_free(&x);
	g_free(name);
}

/* The same drops with SACK (fall-floyd-sack-K.json): one fast retransmit, exactly the
 * k lost segments resent, no RTO; SACK negotiated, timestamps not (rfc profile). The
 * trace-level checks are in tests/validation/test_shapes.c. */
static void test_fall_floyd_sack(gconstpointer data)
{
	int k = GPOINTER_TO_INT(data);
	char *name = g_strdup_printf("fall-floyd-sack-%d", k);
	struct run x = run_scenario(name);
	assert_flows_ok(x.summary, 1);
	const cJSON *f = item_named(x.summary, "flows", "sack");
	g_assert_true(flag(f, "complete"));
	g_assert_true(flag(f, "sack"));
	g_assert_false(flag(f, "timestamps"));
	g_assert_cmpfloat(num(f, "bytes_delivered"), ==, 200000);
	g_assert_cmpfloat(num(f, "fast_retransmits"), ==, 1);
	g_assert_cmpfloat(num(f, "retransmits"), ==, k);
	g_assert_cmpfloat(num(f, "rto_count"), ==, 0);
	g_assert_cmpfloat(num(link_dir(x.summary, "bottleneck0", "forward"), "lost"), ==, k);
	run_free(&x);
	g_free(name);
}

/* The option kinds a TCP header carries (bit k set for kind k < 32). Walked here
 * independently of netsim's codec. */
static uint32_t option_kinds(const uint8_t *th)
{
	uint32_t hl = (uint32_t)(th[12] >> 4) * 4u, kinds = 0;
	for (uint32_t i = 20; i < hl;) {
		uint8_t k = th[i];
		if (k == 0)
			break;
		if (k == 1) {
			i++;
			continue;
		}
		if (i + 1 >= hl || th[i + 1] < 2)
			break;
		if (k < 32)
			kinds |= 1u << k;
		i += th[i + 1];
	}
	return kinds;
}

/* lossy.json under the default (linux) profile negotiates SACK and timestamps: on the
 * wire at B, both SYNs carry SACK-permitted (4) and timestamps (8), every other
 * segment timestamps, and the duplicate ACKs SACK blocks (5). */
static void test_lossy_options_on_the_wire(void)
{
	struct run x = run_scenario_with("lossy", "--set", "capture=[\"B\"]");
	const cJSON *f = item_named(x.summary, "flows", "flow1");
	g_assert_true(flag(f, "sack"));
	g_assert_true(flag(f, "timestamps"));
	g_assert_true(flag(f, "wscale"));
	struct pcap_file pf = load_pcap(&x, "B-eth0.pcap");
	unsigned syns = 0, no_ts = 0, dupacks = 0, dupacks_sack = 0;
	uint32_t last_ack = 0, last_win = 0;
	for (size_t i = 0; i < pf.n; i++) {
		struct ip p = ip_at(&pf, i);
		if (p.proto != 6 || p.frag_off)
			continue;
		uint32_t kinds = option_kinds(p.l4);
		if (tcp_flags(&p) & TCP_SYN) {
			syns++;
			g_assert_true(kinds & (1u << 4));
			g_assert_true(kinds & (1u << 8));
			continue;
		}
		no_ts += !(kinds & (1u << 8));
		if (p.src == IP4(10, 0, 2, 2) && tcp_payload(&p) == 0) {
			/* RFC 5681 §2: a duplicate ACK repeats the acknowledgment number and
			 * the window (a window update after a read is none). */
			uint32_t ack = be32(p.l4 + 8), win = be16(p.l4 + 14);
			if (ack == last_ack && win == last_win) {
				dupacks++;
				dupacks_sack += (kinds & (1u << 5)) != 0;
			}
			last_ack = ack;
			last_win = win;
		}
	}
	g_test_message("%u SYNs, %u duplicate ACKs, %u of them with SACK blocks", syns, dupacks,
		       dupacks_sack);
	g_assert_cmpuint(syns, ==, 2);
	g_assert_cmpuint(no_ts, ==, 0);
	g_assert_cmpuint(dupacks, >, 100);
	g_assert_cmpuint(dupacks_sack, ==, dupacks);
	pcap_unload(&pf);
	run_free(&x);
}

/* ---- seed behaviours a scenario shows ---------------------------------------------- */

/* The time a TCP endpoint trace first enters `state` (a row with event "state"), -1
 * if never. */
static double state_time(const struct run *x, const char *trace, const char *state)
{
	char *p = g_build_filename(x->out, trace, NULL);
	gchar *text = NULL;
	g_assert_true(g_file_get_contents(p, &text, NULL, NULL));
	g_free(p);
	double t = -1;
	char **rows = g_strsplit(text, "\n", -1);
	for (char **r = rows + 1; *r && **r && t < 0; r++) {
		char **c = g_strsplit(*r, "\t", -1);
		if (g_strv_length(c) >= 10 && strcmp(c[8], state) == 0 && strcmp(c[9], "state") == 0)
			t = g_ascii_strtod(c[0], NULL);
		g_strfreev(c);
	}
	g_strfreev(rows);
	g_free(text);
	return t;
}

/* Segments of a capture with the given TCP flag from `src`, and the first one's time. */
static int count_flag(const struct run *x, const char *pcap, uint32_t src, unsigned fl,
		      int64_t *first)
{
	struct pcap_file f = load_pcap(x, pcap);
	int n = 0;
	*first = -1;
	for (size_t i = 0; i < f.n; i++) {
		struct ip ip = ip_at(&f, i);
		if (ip.proto == 6 && ip.src == src && (tcp_flags(&ip) & fl)) {
			if (n++ == 0)
				*first = ip.ts;
		}
	}
	pcap_unload(&f);
	return n;
}

#define TCP_RST 0x04

/* close-unread-rst: the receiver closes with data unread at 1 s; B resets, A sees
 * ECONNRESET. */
static void test_close_unread_rst(void)
{
	struct run x = run_scenario("close-unread-rst");
	const cJSON *f = item_named(x.summary, "flows", "flow");
	g_assert_cmpstr(str(f, "error"), ==, "ECONNRESET");
	g_assert_false(flag(f, "intact"));
	g_assert_nonnull(strstr(str(f, "detail"), "bytes unread (close_unread)"));
	int64_t first_rst;
	g_assert_cmpint(count_flag(&x, "A-eth0.pcap", IP4(10, 0, 0, 2), TCP_RST, &first_rst), >=, 1);
	g_assert_cmpint(first_rst, >, 1000000000);
	g_assert_cmpint(first_rst, <, 1100000000);
	/* B never sent a FIN: the close became a reset. */
	g_assert_cmpint(count_flag(&x, "A-eth0.pcap", IP4(10, 0, 0, 2), TCP_FIN, &first_rst), ==, 0);
	double closed = state_time(&x, "flow.sender.tsv", "CLOSED");
	g_assert_cmpfloat(closed, >, 1.0);
	g_assert_cmpfloat(closed, <, 1.1);
	g_assert_cmpfloat(state_time(&x, "flow.sender.tsv", "FIN-WAIT-1"), <, 0);
	run_free(&x);
}

/* fin-wait-2: A's orphan waits in FIN-WAIT-2 for fin_wait2_timeout (60 s), B sits in
 * CLOSE-WAIT; then A gives up. */
static void test_fin_wait_2(void)
{
	struct run x = run_scenario("fin-wait-2");
	const cJSON *f = item_named(x.summary, "flows", "flow");
	g_assert_cmpfloat(num(f, "bytes_delivered"), ==, 100000);
	double fw2 = state_time(&x, "flow.sender.tsv", "FIN-WAIT-2");
	double closed = state_time(&x, "flow.sender.tsv", "CLOSED");
	g_assert_cmpfloat(fw2, >, 0);
	g_assert_cmpfloat(fw2, <, 1);
	g_assert_cmpfloat(closed - fw2, ==, 60.0);
	g_assert_cmpfloat(state_time(&x, "flow.sender.tsv", "TIME-WAIT"), <, 0);
	double cw = state_time(&x, "flow.receiver.tsv", "CLOSE-WAIT");
	g_assert_cmpfloat(cw, >, 0);
	g_assert_cmpfloat(state_time(&x, "flow.receiver.tsv", "LAST-ACK"), <, 0);
	/* Only A ever sent a FIN. */
	int64_t t;
	g_assert_cmpint(count_flag(&x, "A-eth0.pcap", IP4(10, 0, 0, 1), TCP_FIN, &t), ==, 1);
	g_assert_cmpint(count_flag(&x, "A-eth0.pcap", IP4(10, 0, 0, 2), TCP_FIN, &t), ==, 0);
	run_free(&x);
}

/* epoll-edge: one read per wakeup keeps up when level-triggered and starves when
 * edge-triggered; draining at each edge keeps up. */
static void test_epoll_edge(void)
{
	struct run x = run_scenario("epoll-edge");
	const cJSON *level = item_named(x.summary, "flows", "level");
	const cJSON *edge = item_named(x.summary, "flows", "edge");
	const cJSON *drain = item_named(x.summary, "flows", "edge-drain");
	g_assert_true(flag(level, "complete"));
	g_assert_true(flag(drain, "complete"));
	g_assert_false(flag(edge, "complete"));
	g_assert_true(flag(edge, "intact")); /* slow, not broken */
	g_assert_cmpfloat(num(edge, "bytes_delivered"), <, 1000000);
	g_assert_cmpfloat(num(edge, "goodput_bps") * 10, <, num(level, "goodput_bps"));
	/* One read per wakeup: 2 MB in 1000-byte reads is at least 2000 wakeups; the
	 * edge-triggered one gets one per read of at most 1 kB (the last may be short:
	 * 1448-byte segments with timestamps do not arrive in whole kB). */
	g_assert_cmpfloat(num(level, "receiver_wakeups"), >=, 2000);
	g_assert_cmpfloat(num(edge, "receiver_wakeups"), ==, ceil(num(edge, "bytes_delivered") / 1000));
	g_assert_cmpfloat(num(drain, "receiver_wakeups"), <, num(level, "receiver_wakeups"));
	run_free(&x);
}

static const cJSON *listener_on(const cJSON *summary, double port)
{
	const cJSON *l;
	cJSON_ArrayForEach(l, cJSON_GetObjectItemCaseSensitive(summary, "listeners"))
	{
		if (num(l, "port") == port)
			return l;
	}
	g_error("summary.json has no listener on port %.0f", port);
	return NULL;
}

/* syn-flood: without cookies the SYN queue fills and the client never connects; with
 * cookies it connects, and its server trace starts in LISTEN. */
static void test_syn_flood(void)
{
	struct run x = run_scenario("syn-flood");
	const cJSON *no = item_named(x.summary, "flows", "nocookie");
	const cJSON *yes = item_named(x.summary, "flows", "cookie");
	g_assert_false(flag(no, "connected"));
	g_assert_false(flag(no, "intact"));
	g_assert_true(flag(yes, "connected"));
	g_assert_true(flag(yes, "complete"));
	const cJSON *l1 = listener_on(x.summary, 5001), *l2 = listener_on(x.summary, 5002);
	g_assert_cmpfloat(num(l1, "syncookies"), ==, 0);
	g_assert_cmpfloat(num(l1, "max_syn_queue"), ==, 129);
	g_assert_cmpfloat(num(l1, "syn_queue_drops"), >, 1000);
	g_assert_cmpfloat(num(l1, "established"), ==, 0);
	g_assert_cmpfloat(num(l2, "cookies_sent"), >, 1000);
	g_assert_cmpfloat(num(l2, "cookies_accepted"), ==, 1);
	g_assert_cmpfloat(num(l2, "max_syn_queue"), ==, 129);
	const cJSON *fl = item_named(x.summary, "syn_floods", "flood1");
	g_assert_cmpfloat(num(fl, "sent"), >, 3000);
	/* The cookie connection: LISTEN, SYN-RECEIVED and ESTABLISHED at one instant. */
	char *first = first_line(&x, "cookie.receiver.tsv");
	g_free(first);
	char *p = g_build_filename(x.out, "cookie.receiver.tsv", NULL);
	gchar *text = NULL;
	g_assert_true(g_file_get_contents(p, &text, NULL, NULL));
	char **rows = g_strsplit(text, "\n", 3);
	char **open_row = g_strsplit(rows[1], "\t", -1);
	g_assert_cmpstr(open_row[8], ==, "LISTEN");
	g_assert_cmpstr(open_row[9], ==, "open");
	double listen = g_ascii_strtod(open_row[0], NULL);
	g_strfreev(open_row);
	g_strfreev(rows);
	g_free(text);
	g_free(p);
	g_assert_cmpfloat(listen, >, 2.0);
	g_assert_cmpfloat(state_time(&x, "cookie.receiver.tsv", "SYN-RECEIVED"), ==, listen);
	g_assert_cmpfloat(state_time(&x, "cookie.receiver.tsv", "ESTABLISHED"), ==, listen);
	g_assert_cmpfloat(state_time(&x, "nocookie.sender.tsv", "ESTABLISHED"), <, 0);
	/* The SYN-ACKs B sent to A: none from port 5001 (A's SYNs were all dropped);
	 * one from 5002, a cookie, with no window scale option though A's SYN offered
	 * it (a 24-byte header: the MSS option only). */
	struct pcap_file b = load_pcap(&x, "B-eth0.pcap");
	int cookie_synacks = 0, plain_synacks = 0;
	for (size_t i = 0; i < b.n; i++) {
		struct ip ip = ip_at(&b, i);
		if (ip.proto != 6 || (tcp_flags(&ip) & (TCP_SYN | TCP_ACK)) != (TCP_SYN | TCP_ACK) ||
		    ip.dst != IP4(10, 0, 1, 2))
			continue;
		unsigned hl = (unsigned)(ip.l4[12] >> 4) * 4u, sport = be16(ip.l4);
		if (sport == 5002) {
			g_assert_cmpuint(hl, ==, 24);
			cookie_synacks++;
		} else {
			plain_synacks++;
		}
	}
	g_assert_cmpint(cookie_synacks, ==, 1);
	g_assert_cmpint(plain_synacks, ==, 0);
	pcap_unload(&b);
	run_free(&x);
}

/* Every capture of every shipped scenario is clean in Wireshark (tshark): no
 * malformed packet, no bad checksum (the same filter as
 * tests/net/pcap-check.sh, one tshark per file). None of them injects corruption. */
static void test_captures_clean(void)
{
	char *tshark = g_find_program_in_path("tshark");
	if (!tshark) {
		g_test_skip("tshark is not installed (apt-get install tshark): captures not checked");
		return;
	}
	static const char *const with_captures[] = {
		"ping", "fragmentation", "ttl-loop", "default-route", "simultaneous-open",
		"http-chunked", "half-close", "keepalive", "zero-window", "pmtud",
		"close-unread-rst", "fin-wait-2", "syn-flood",
	};
	static const char bad[] = "_ws.malformed || ip.checksum.status#1 == \"Bad\" || "
				  "icmp.checksum.status == \"Bad\" || ((tcp.checksum.status == "
				  "\"Bad\" || udp.checksum.status == \"Bad\") && !icmp)";
	int files = 0;
	for (gsize i = 0; i < G_N_ELEMENTS(with_captures); i++) {
		struct run x = run_scenario(with_captures[i]);
		GDir *d = g_dir_open(x.out, 0, NULL);
		const char *nm;
		while ((nm = g_dir_read_name(d)) != NULL) {
			if (!g_str_has_suffix(nm, ".pcap"))
				continue;
			char *path = g_build_filename(x.out, nm, NULL);
			char *argv[] = {tshark, "-n", "-r", path, "-o", "ip.check_checksum:TRUE", "-o",
					"tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE", "-Y",
					(char *)bad, NULL};
			gchar *out = NULL, *err = NULL;
			gint status = 0;
			GError *e = NULL;
			g_spawn_sync(NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &e);
			g_assert_no_error(e);
			if (!g_spawn_check_wait_status(status, NULL) || (out && *out))
				g_error("%s/%s: Wireshark finds malformed packets or bad checksums:\n%s%s",
					with_captures[i], nm, out, err);
			files++;
			g_free(out);
			g_free(err);
			g_free(path);
		}
		g_dir_close(d);
		run_free(&x);
	}
	g_assert_cmpint(files, >=, 15);
	g_free(tshark);
}

/* What bufferbloat.json's description promises: drop-tail's standing queue near a
 * second, CoDel's and FQ-CoDel's sojourn near the 5 ms target (p99 far below
 * drop-tail's), AQM drops instead of tail drops, the ping beside FQ-CoDel's bulk flows
 * close to the bare 42 ms, and every path's bottleneck busy. */
static void test_bufferbloat(void)
{
	struct run x = run_scenario("bufferbloat");
	assert_flows_ok(x.summary, 12);
	const cJSON *dt = cJSON_GetObjectItemCaseSensitive(link_dir(x.summary, "bneck_dt", "forward"), "queue");
	const cJSON *cd = cJSON_GetObjectItemCaseSensitive(link_dir(x.summary, "bneck_codel", "forward"), "queue");
	const cJSON *fq = cJSON_GetObjectItemCaseSensitive(link_dir(x.summary, "bneck_fq", "forward"), "queue");
	g_assert_cmpstr(str(dt, "type"), ==, "droptail");
	g_assert_cmpstr(str(cd, "type"), ==, "codel");
	g_assert_cmpstr(str(fq, "type"), ==, "fq_codel");
	g_assert_cmpfloat(num(dt, "sojourn_mean_ms"), >, 500);
	g_assert_cmpfloat(num(dt, "drops_aqm"), ==, 0);
	g_assert_cmpfloat(num(dt, "drops_overlimit"), >, 0);
	for (const cJSON *q = cd; q; q = q == cd ? fq : NULL) {
		g_assert_cmpfloat(num(q, "sojourn_mean_ms"), <, 20);
		g_assert_cmpfloat(num(q, "sojourn_p99_ms"), <, num(dt, "sojourn_p99_ms") / 5);
		g_assert_cmpfloat(num(q, "drops_aqm"), >, 0);
		g_assert_cmpfloat(num(q, "drops_overlimit"), ==, 0);
	}
	const cJSON *pdt = cJSON_GetObjectItemCaseSensitive(item_named(x.summary, "pings", "ping_dt"), "rtt_ms");
	const cJSON *pfq = cJSON_GetObjectItemCaseSensitive(item_named(x.summary, "pings", "ping_fq"), "rtt_ms");
	g_assert_cmpfloat(num(pdt, "mean"), >, 300);
	g_assert_cmpfloat(num(pfq, "mean"), <, 50);
	static const char *const paths[] = {"dt", "codel", "fq"};
	for (int k = 0; k < 3; k++) {
		double sum = 0;
		for (int i = 0; i < 4; i++) {
			char *n = g_strdup_printf("%s%d", paths[k], i);
			sum += num(item_named(x.summary, "flows", n), "goodput_bps");
			g_free(n);
		}
		g_assert_cmpfloat(sum, >, 6e6);
	}
	run_free(&x);
}

/* red.json: early drops, not tail drops; the average stays below max most of the
 * time (sojourn small); the flows keep most of the 45 Mbit/s. */
static void test_red(void)
{
	struct run x = run_scenario("red");
	assert_flows_ok(x.summary, 4);
	const cJSON *q = cJSON_GetObjectItemCaseSensitive(link_dir(x.summary, "gateway", "forward"), "queue");
	g_assert_cmpstr(str(q, "type"), ==, "red");
	g_assert_cmpfloat(num(q, "drops_aqm"), >, 100);
	g_assert_cmpfloat(num(q, "drops_overlimit"), ==, 0);
	g_assert_cmpfloat(num(q, "sojourn_mean_ms"), <, 5);
	double sum = 0;
	const cJSON *f;
	cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(x.summary, "flows"))
		sum += num(f, "goodput_bps");
	g_assert_cmpfloat(sum, >, 30e6);
	char *h = first_line(&x, "link.gateway.forward.queue.tsv");
	g_assert_cmpstr(h, ==, "time_s\tqueue_packets\tqueue_bytes\tdrops\tevent\tmarks\tsojourn_ms"
			       "\treason\taqm_avg\taqm_prob");
	g_free(h);
	run_free(&x);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	g_test_add_func("/scenario/lossy", test_lossy);
	g_test_add_func("/scenario/dumbbell", test_dumbbell);
	g_test_add_func("/scenario/bursty-loss", test_bursty_loss);
	g_test_add_func("/scenario/ping", test_ping);
	g_test_add_func("/scenario/fragmentation", test_fragmentation);
	g_test_add_func("/scenario/ttl-loop", test_ttl_loop);
	g_test_add_func("/scenario/default-route", test_default_route);
	g_test_add_func("/scenario/simultaneous-open", test_simultaneous_open);
	g_test_add_func("/scenario/http-chunked", test_http_chunked);
	g_test_add_func("/scenario/half-close", test_half_close);
	g_test_add_func("/scenario/keepalive", test_keepalive);
	g_test_add_func("/scenario/zero-window", test_zero_window);
	g_test_add_func("/scenario/heavy-loss", test_heavy_loss);
	g_test_add_func("/scenario/pmtud", test_pmtud);
	g_test_add_func("/scenario/cubic-vs-reno", test_cubic_vs_reno);
	g_test_add_func("/scenario/bufferbloat", test_bufferbloat);
	g_test_add_func("/scenario/red", test_red);
	g_test_add_func("/scenario/close-unread-rst", test_close_unread_rst);
	g_test_add_func("/scenario/fin-wait-2", test_fin_wait_2);
	g_test_add_func("/scenario/epoll-edge", test_epoll_edge);
	g_test_add_func("/scenario/syn-flood", test_syn_flood);
	for (int k = 1; k <= 4; k++) {
		char *p = g_strdup_printf("/scenario/fall-floyd-%d", k);
		g_test_add_data_func(p, GINT_TO_POINTER(k), test_fall_floyd);
		g_free(p);
	}
	for (int k = 1; k <= 4; k++) {
		char *p = g_strdup_printf("/scenario/fall-floyd-sack-%d", k);
		g_test_add_data_func(p, GINT_TO_POINTER(k), test_fall_floyd_sack);
		g_free(p);
	}
	g_test_add_func("/scenario/lossy-options-on-the-wire", test_lossy_options_on_the_wire);
	g_test_add_func("/scenario/captures-clean-in-wireshark", test_captures_clean);
	return g_test_run();
}

/* tests/net/test_capture.c — pcap captures: file format, what is recorded when (send
 * at serialisation start, receive at arrival), corrupted and lost packets, loopback,
 * MACs, determinism, and Wireshark's verdict through tests/net/pcap-check.sh. */
#include <errno.h>
#include <glib.h>
#include <string.h>
#include <sys/wait.h>

#include "models/apps/ping.h"
#include "models/link/capture.h"
#include "models/ip/icmp.h"
#include "models/ip/ipv4.h"
#include "models/link/link.h"
#include "models/ip/node.h"
#include "models/ip/udp.h"
#include "sim/core/bytes.h"
#include "sim/core/sim.h"
#include "tests/common/pcapread.h"
#include "tests/net/netfix.h"

#define A_ADDR IPV4_ADDR(10, 0, 0, 1)
#define B_ADDR IPV4_ADDR(10, 0, 0, 2)

struct pair {
	struct sim sim;
	struct node *a, *b;
	struct iface *a0, *b0;
	struct link *l;
	char *dir, *cap_a, *cap_b;
};

static void pair_init(struct pair *p, const struct link_dir_config *c)
{
	sim_init(&p->sim, 1);
	p->a = fx_node(&p->sim, "A", NODE_HOST);
	p->b = fx_node(&p->sim, "B", NODE_HOST);
	p->a0 = node_add_iface(p->a, "eth0", A_ADDR, 24);
	p->b0 = node_add_iface(p->b, "eth0", B_ADDR, 24);
	p->l = link_new(&p->sim, "l", p->a0, p->b0, c, c);
	fx_record(p->b);
	p->dir = fx_tmpdir();
	p->cap_a = g_build_filename(p->dir, "A-eth0.pcap", NULL);
	p->cap_b = g_build_filename(p->dir, "B-eth0.pcap", NULL);
	GError *err = NULL;
	g_assert_cmpint(iface_capture_start(p->a0, p->cap_a, &err), ==, 0);
	g_assert_cmpint(iface_capture_start(p->b0, p->cap_b, &err), ==, 0);
}

static void pair_stop(struct pair *p)
{
	GError *err = NULL;
	g_assert_cmpint(iface_capture_stop(p->a0, &err), ==, 0);
	g_assert_cmpint(iface_capture_stop(p->b0, &err), ==, 0);
}

static void pair_fini(struct pair *p)
{
	link_free(p->l);
	node_free(p->a);
	node_free(p->b);
	fx_assert_no_leak(&p->sim);
	sim_fini(&p->sim);
	g_free(p->cap_a);
	g_free(p->cap_b);
	fx_tmpdir_free(p->dir);
}

/* The file: nanosecond magic, v2.4, snaplen 262144, Ethernet, little-endian. */
static void test_format(void)
{
	struct link_dir_config c = fx_link_cfg(10000000, SIM_MS(5), 1500);
	struct pair p;
	pair_init(&p, &c);
	sim_run(&p.sim, SIM_S(1) + 7);
	g_assert_cmpint(fx_send(&p.sim, p.a, B_ADDR, 100, 1), ==, 0);
	sim_run(&p.sim, SIM_S(2));
	pair_stop(&p);
	char *bytes;
	gsize len;
	g_assert_true(g_file_get_contents(p.cap_a, &bytes, &len, NULL));
	static const uint8_t hdr[24] = {0x4d, 0x3c, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0,
	                                0,    0,    0,    0,    0, 0, 4, 0, 1, 0, 0, 0};
	g_assert_cmpmem(bytes, 24, hdr, 24);
	g_assert_cmpuint(len, ==, 24 + 16 + 14 + 120);
	const uint8_t *r = (const uint8_t *)bytes + 24;
	/* ts 1 s + 7 ns, caplen = len = 134. */
	static const uint8_t rec[16] = {1, 0, 0, 0, 7, 0, 0, 0, 134, 0, 0, 0, 134, 0, 0, 0};
	g_assert_cmpmem(r, 16, rec, 16);
	g_assert_cmpmem(r + 16, 6, p.b0->mac, 6);
	g_assert_cmpmem(r + 22, 6, p.a0->mac, 6);
	g_assert_cmpuint(sim_get_be16(r + 28), ==, 0x0800);
	g_assert_cmpuint(r[30], ==, 0x45);
	g_free(bytes);
	/* MACs: locally administered unicast, stable, distinct. */
	uint8_t m1[6], m2[6];
	capture_mac("A", "eth0", m1);
	g_assert_cmpmem(m1, 6, p.a0->mac, 6);
	g_assert_cmpuint(m1[0], ==, 0x02);
	capture_mac("A", "eth1", m2);
	g_assert_true(memcmp(m1, m2, 6) != 0);
	capture_mac("B", "eth0", m2);
	g_assert_true(memcmp(m1, m2, 6) != 0);
	/* A capture that cannot be created is an error, not a crash. */
	GError *err = NULL;
	g_assert_cmpint(iface_capture_start(p.a0, "/nonexistent/dir/x.pcap", &err), ==, -1);
	g_assert_nonnull(err);
	g_error_free(err);
	pair_fini(&p);
}

/* A queued packet is recorded by the sender when its serialisation starts, and by the
 * receiver when it arrives. */
static void test_timestamps(void)
{
	struct link_dir_config c = fx_link_cfg(10000000, SIM_MS(5), 1500);
	struct pair p;
	pair_init(&p, &c);
	for (uint32_t i = 0; i < 3; i++)
		fx_send(&p.sim, p.a, B_ADDR, 1000, i);
	sim_run(&p.sim, SIM_S(1));
	pair_stop(&p);
	struct pcap_file fa, fb;
	g_assert_true(pcap_load(&fa, p.cap_a));
	g_assert_true(pcap_load(&fb, p.cap_b));
	g_assert_cmpuint(fa.n, ==, 3);
	g_assert_cmpuint(fb.n, ==, 3);
	for (unsigned i = 0; i < 3; i++) {
		g_assert_cmpint(fa.rec[i].ts_ns, ==, (int64_t)i * SIM_US(816));
		g_assert_cmpint(fb.rec[i].ts_ns, ==, (int64_t)(i + 1) * SIM_US(816) + SIM_MS(5));
		g_assert_cmpmem(fa.rec[i].data, fa.rec[i].caplen, fb.rec[i].data, fb.rec[i].caplen);
	}
	pcap_unload(&fa);
	pcap_unload(&fb);
	pair_fini(&p);
}

/* The receiver records a corrupted packet as it crossed the wire (and drops it); a lost
 * packet is only in the sender's capture. */
static void test_corrupt_and_lost(void)
{
	static const uint64_t drops[] = {2};
	struct link_dir_config c = fx_link_cfg(10000000, SIM_MS(5), 1500);
	c.loss.kind = LOSS_DROP_LIST;
	c.loss.drop_list = drops;
	c.loss.n_drop_list = 1;
	c.corrupt = 1.0;
	struct pair p;
	pair_init(&p, &c);
	struct udp_stack *ua = udp_attach(&p.sim, p.a), *ub = udp_attach(&p.sim, p.b);
	struct udp_sock *tx = udp_socket(ua), *rx = udp_socket(ub);
	g_assert_cmpint(udp_bind(rx, IPV4_ANY, 9), ==, 0);
	udp_sendto(tx, NULL, 100, B_ADDR, 9, NULL);
	udp_sendto(tx, NULL, 100, B_ADDR, 9, NULL);
	sim_run(&p.sim, SIM_S(1));
	pair_stop(&p);
	struct pcap_file fa, fb;
	g_assert_true(pcap_load(&fa, p.cap_a));
	g_assert_true(pcap_load(&fb, p.cap_b));
	g_assert_cmpuint(fa.n, ==, 2);
	g_assert_cmpuint(fb.n, ==, 1);
	/* Exactly one bit differs between what was sent and what arrived. */
	int bits = 0;
	for (uint32_t i = 0; i < fa.rec[0].caplen; i++)
		bits += __builtin_popcount(fa.rec[0].data[i] ^ fb.rec[0].data[i]);
	g_assert_cmpint(bits, ==, 1);
	g_assert_cmpuint(p.b->ip_stats.in_csum_errors + p.b->ip_stats.in_hdr_errors +
	                     udp_get_stats(ub)->in_errors,
	                 ==, 1);
	g_assert_cmpuint(udp_get_stats(ub)->in_datagrams, ==, 0);
	udp_close(tx);
	udp_close(rx);
	pcap_unload(&fa);
	pcap_unload(&fb);
	pair_fini(&p);
}

/* tcpdump -i lo: each looped-back datagram once, all-zero MACs. */
static void test_loopback(void)
{
	struct sim sim;
	sim_init(&sim, 1);
	struct node *n = fx_node(&sim, "H", NODE_HOST);
	fx_record(n);
	char *dir = fx_tmpdir();
	char *path = g_build_filename(dir, "H-lo.pcap", NULL);
	GError *err = NULL;
	g_assert_cmpint(iface_capture_start(node_loopback(n), path, &err), ==, 0);
	fx_send(&sim, n, IPV4_LOOPBACK, 20, 1);
	sim_run(&sim, SIM_S(1));
	g_assert_cmpint(iface_capture_stop(node_loopback(n), &err), ==, 0);
	struct pcap_file f;
	g_assert_true(pcap_load(&f, path));
	g_assert_cmpuint(f.n, ==, 1);
	static const uint8_t zero[12];
	g_assert_cmpmem(f.rec[0].data, 12, zero, 12);
	pcap_unload(&f);
	node_free(n);
	fx_assert_no_leak(&sim);
	sim_fini(&sim);
	g_free(path);
	fx_tmpdir_free(dir);
}

/* Mixed traffic on A — R — B with a smaller MTU toward B: pings (small, large and
 * fragmented, TTL-limited, DF too big), UDP to open and closed ports, and a
 * broadcast. Returns the capture paths (A's and B's interfaces, both of R's). */
struct mixed {
	char *dir;
	char *caps[4];
};

static void run_mixed(struct mixed *m, double corrupt)
{
	struct sim sim;
	sim_init(&sim, 1);
	struct link_dir_config c1 = fx_link_cfg(10000000, SIM_MS(2), 1500);
	struct link_dir_config c2 = fx_link_cfg(5000000, SIM_MS(3), 1000);
	c2.corrupt = corrupt;
	struct fx_arb t;
	fx_arb_init(&sim, &t, 1, &c1, &c2);
	struct node *a = t.a, *r = t.r, *b = t.b;
	m->dir = fx_tmpdir();
	struct iface *ifs[4] = {t.a0, t.r0, t.r1, t.b0};
	static const char *names[4] = {"A-eth0.pcap", "R-eth0.pcap", "R-eth1.pcap", "B-eth0.pcap"};
	GError *err = NULL;
	for (int i = 0; i < 4; i++) {
		m->caps[i] = g_build_filename(m->dir, names[i], NULL);
		g_assert_cmpint(iface_capture_start(ifs[i], m->caps[i], &err), ==, 0);
	}
	struct ping_config pc;
	ping_config_default(&pc);
	pc.dst = IPV4_ADDR(10, 1, 2, 1);
	pc.count = 3;
	pc.interval = SIM_MS(200);
	struct ping_app *pings[4];
	pings[0] = ping_new(&sim, a, "small", &pc);
	pc.payload_bytes = 3000;
	pings[1] = ping_new(&sim, a, "large", &pc);
	pc.payload_bytes = 56;
	pc.ttl = 1;
	pings[2] = ping_new(&sim, a, "ttl", &pc);
	pc.ttl = 0;
	pc.df = true;
	pc.payload_bytes = 1400;
	pings[3] = ping_new(&sim, a, "df", &pc);
	struct udp_stack *ua = udp_attach(&sim, a), *ub = udp_attach(&sim, b);
	struct udp_sock *srv = udp_socket(ub), *cli = udp_socket(ua);
	udp_bind(srv, IPV4_ANY, 7000);
	udp_bind(cli, IPV4_ANY, 36594);
	for (int i = 0; i < 5; i++) {
		udp_sendto(cli, "udp test", 8, IPV4_ADDR(10, 1, 2, 1), 7000, NULL);
		udp_sendto(cli, "closed", 6, IPV4_ADDR(10, 1, 2, 1), 7001, NULL);
		udp_sendto(cli, NULL, 2500, IPV4_ADDR(10, 1, 2, 1), 7000, NULL);
		udp_sendto(cli, "bcast", 5, IPV4_ADDR(10, 1, 1, 255), 7002, NULL);
		sim_run(&sim, sim_now(&sim) + SIM_MS(100));
	}
	sim_run(&sim, SIM_S(5));
	for (int i = 0; i < 4; i++) {
		g_assert_cmpint(iface_capture_stop(ifs[i], &err), ==, 0);
		ping_free(pings[i]);
	}
	if (corrupt == 0.0) {
		g_assert_cmpuint(b->icmp_stats.out_type[ICMP_ECHO_REPLY], ==, 6);
		g_assert_cmpuint(b->icmp_stats.out_type[ICMP_DEST_UNREACH], ==, 5);
		g_assert_cmpuint(r->icmp_stats.out_type[ICMP_TIME_EXCEEDED], ==, 3);
		g_assert_cmpuint(r->icmp_stats.out_type[ICMP_DEST_UNREACH], ==, 1);
	}
	udp_close(srv);
	udp_close(cli);
	fx_arb_free(&t);
	fx_assert_no_leak(&sim);
	sim_fini(&sim);
}

static void mixed_free(struct mixed *m)
{
	for (int i = 0; i < 4; i++)
		g_free(m->caps[i]);
	fx_tmpdir_free(m->dir);
}

/* Two runs, identical bytes. */
static void test_deterministic(void)
{
	struct mixed m1, m2;
	run_mixed(&m1, 0.0);
	run_mixed(&m2, 0.0);
	for (int i = 0; i < 4; i++) {
		char *x, *y;
		gsize lx, ly;
		g_assert_true(g_file_get_contents(m1.caps[i], &x, &lx, NULL));
		g_assert_true(g_file_get_contents(m2.caps[i], &y, &ly, NULL));
		g_assert_cmpmem(x, lx, y, ly);
		g_assert_cmpuint(lx, >, 1000);
		g_free(x);
		g_free(y);
	}
	mixed_free(&m1);
	mixed_free(&m2);
}

/* The value of option `code` in a pcapng block's options (starting at opts, up to
 * end), or NULL; *len gets its length. */
static const uint8_t *ng_opt(const uint8_t *opts, const uint8_t *end, uint16_t code,
                             uint16_t *len)
{
	while (opts + 4 <= end) {
		uint16_t c = sim_get_le16(opts), l = sim_get_le16(opts + 2);
		if (c == 0)
			break;
		if (c == code) {
			*len = l;
			return opts + 4;
		}
		opts += 4 + ((l + 3u) & ~3u);
	}
	return NULL;
}

/* pcapng: a section header naming netsim, one interface description (name, what and
 * where, IPv4 address and netmask, MAC, nanosecond resolution), then one enhanced
 * packet block per frame with its time in nanoseconds and its direction; every block
 * ends with its own length. */
static void test_pcapng(void)
{
	struct link_dir_config c = fx_link_cfg(10000000, SIM_MS(5), 1500);
	struct sim sim;
	sim_init(&sim, 1);
	struct node *a = fx_node(&sim, "A", NODE_HOST), *b = fx_node(&sim, "B", NODE_HOST);
	struct iface *a0 = node_add_iface(a, "eth0", A_ADDR, 24);
	struct iface *b0 = node_add_iface(b, "eth0", B_ADDR, 24);
	struct link *l = link_new(&sim, "l", a0, b0, &c, &c);
	fx_record(b);
	char *dir = fx_tmpdir();
	char *path = g_build_filename(dir, "A-eth0.pcapng", NULL);
	GError *err = NULL;
	g_assert_cmpint(iface_capture_start_ng(a0, "A", path, &err), ==, 0);
	sim_run(&sim, SIM_S(1) + 7);
	g_assert_cmpint(fx_send(&sim, a, B_ADDR, 100, 1), ==, 0); /* out at 1 s + 7 ns */
	g_assert_cmpint(fx_send(&sim, b, A_ADDR, 50, 1), ==, 0);  /* in 5 ms + 136 us later */
	sim_run(&sim, SIM_S(2));
	g_assert_cmpint(iface_capture_stop(a0, &err), ==, 0);
	gchar *bytes;
	gsize size;
	g_assert_true(g_file_get_contents(path, &bytes, &size, NULL));
	const uint8_t *p = (const uint8_t *)bytes, *end = p + size;
	uint16_t n = 0;
	/* Section Header Block. */
	g_assert_cmphex(sim_get_le32(p), ==, 0x0a0d0d0a);
	uint32_t len = sim_get_le32(p + 4);
	g_assert_cmphex(sim_get_le32(p + 8), ==, 0x1a2b3c4d);
	g_assert_cmpuint(sim_get_le32(p + len - 4), ==, len);
	const uint8_t *v = ng_opt(p + 24, p + len - 4, 4, &n);
	g_assert_cmpmem(v, n, "netsim", 6);
	p += len;
	/* Interface Description Block. */
	g_assert_cmphex(sim_get_le32(p), ==, 1);
	len = sim_get_le32(p + 4);
	g_assert_cmpuint(sim_get_le32(p + len - 4), ==, len);
	g_assert_cmpuint(sim_get_le16(p + 8), ==, 1); /* Ethernet */
	const uint8_t *o = p + 16, *oe = p + len - 4;
	v = ng_opt(o, oe, 2, &n);
	g_assert_cmpmem(v, n, "A:eth0", 6);
	v = ng_opt(o, oe, 3, &n);
	g_assert_cmpmem(v, n, "node A, interface eth0, 10.0.0.1/24", 35);
	v = ng_opt(o, oe, 4, &n);
	static const uint8_t addr[8] = {10, 0, 0, 1, 255, 255, 255, 0};
	g_assert_cmpmem(v, n, addr, 8);
	v = ng_opt(o, oe, 6, &n);
	g_assert_cmpmem(v, n, a0->mac, 6);
	v = ng_opt(o, oe, 9, &n);
	g_assert_cmpuint(n, ==, 1);
	g_assert_cmpuint(v[0], ==, 9);
	p += len;
	/* Enhanced Packet Blocks: sent, then received. */
	static const struct {
		int64_t ts;
		uint32_t frame, flags;
	} want[2] = {{SIM_S(1) + 7, 14 + 120, 2}, {SIM_S(1) + 7 + SIM_MS(5) + 56000, 14 + 70, 1}};
	for (int i = 0; i < 2; i++) {
		g_assert_true(p < end);
		g_assert_cmphex(sim_get_le32(p), ==, 6);
		len = sim_get_le32(p + 4);
		g_assert_cmpuint(sim_get_le32(p + len - 4), ==, len);
		g_assert_cmpuint(sim_get_le32(p + 8), ==, 0); /* interface 0 */
		int64_t ts = (int64_t)(((uint64_t)sim_get_le32(p + 12) << 32) | sim_get_le32(p + 16));
		g_assert_cmpint(ts, >=, want[i].ts);
		g_assert_cmpint(ts, <, want[i].ts + SIM_MS(1));
		g_assert_cmpuint(sim_get_le32(p + 20), ==, want[i].frame);
		g_assert_cmpuint(sim_get_le32(p + 24), ==, want[i].frame);
		uint32_t padded = (want[i].frame + 3) & ~3u;
		v = ng_opt(p + 28 + padded, p + len - 4, 2, &n);
		g_assert_cmpuint(n, ==, 4);
		g_assert_cmpuint(sim_get_le32(v), ==, want[i].flags);
		g_assert_cmpuint(sim_get_be16(p + 28 + 12), ==, 0x0800);
		p += len;
	}
	/* Then whatever else crossed (A's ICMP port unreachable): whole blocks to the end. */
	while (p < end) {
		g_assert_cmphex(sim_get_le32(p), ==, 6);
		len = sim_get_le32(p + 4);
		g_assert_cmpuint(sim_get_le32(p + len - 4), ==, len);
		p += len;
	}
	g_assert_true(p == end);
	g_free(bytes);
	g_free(path);
	link_free(l);
	node_free(a);
	node_free(b);
	fx_assert_no_leak(&sim);
	sim_fini(&sim);
	fx_tmpdir_free(dir);
}

static int run_check(char **files, int n, char **out)
{
	char *script = g_build_filename(SOURCE_ROOT, "tests", "net", "pcap-check.sh", NULL);
	char **argv = g_new0(char *, (gsize)n + 3);
	argv[0] = g_strdup("/bin/sh");
	argv[1] = script;
	for (int i = 0; i < n; i++)
		argv[i + 2] = g_strdup(files[i]);
	int status = 0;
	GError *err = NULL;
	g_assert_true(
	    g_spawn_sync(NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, NULL, &status, &err));
	g_strfreev(argv);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Wireshark finds no malformed packet and no bad checksum in clean captures, and
 * does find the corrupted ones (so the check can fail). */
static void test_tshark(void)
{
	char *tshark = g_find_program_in_path("tshark");
	g_free(tshark);
	if (!tshark) {
		g_test_skip("tshark is not installed: cannot check captures with Wireshark's "
		            "dissectors (Debian: apt-get install tshark)");
		return;
	}
	struct mixed m;
	run_mixed(&m, 0.0);
	char *out = NULL;
	int rc = run_check(m.caps, 4, &out);
	g_test_message("%s", out);
	g_assert_cmpint(rc, ==, 0);
	g_assert_nonnull(strstr(out, "0 malformed, 0 bad checksums"));
	g_free(out);
	mixed_free(&m);

	run_mixed(&m, 0.3);
	rc = run_check(&m.caps[3], 1, &out);
	g_test_message("%s", out);
	g_assert_cmpint(rc, ==, 1);
	g_free(out);
	mixed_free(&m);

	/* The Linux vectors pass the same check. */
	char *va = g_build_filename(VECTORS_DIR, "linux-a.pcap", NULL);
	char *vb = g_build_filename(VECTORS_DIR, "linux-b.pcap", NULL);
	char *v[2] = {va, vb};
	g_assert_cmpint(run_check(v, 2, &out), ==, 0);
	g_free(out);
	g_free(va);
	g_free(vb);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/capture/format", test_format);
	g_test_add_func("/capture/timestamps", test_timestamps);
	g_test_add_func("/capture/corrupt-and-lost", test_corrupt_and_lost);
	g_test_add_func("/capture/loopback", test_loopback);
	g_test_add_func("/capture/deterministic", test_deterministic);
	g_test_add_func("/capture/tshark", test_tshark);
	g_test_add_func("/capture/pcapng", test_pcapng);
	return g_test_run();
}

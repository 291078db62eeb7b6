/* tests/net/test_ipv4.c — IPv4 codec against the Linux vectors, a byte-exact replay
 * of the vectors' exchanges through a simulated vA — vR — vB, forwarding, TTL,
 * routing (LPM, default route, loops), ICMP errors and their suppression rules,
 * header validation, and a 65-interface router. */
#include <errno.h>
#include <glib.h>
#include <string.h>

#include "models/link/capture.h"
#include "models/ip/csum.h"
#include "models/ip/icmp.h"
#include "models/ip/ipv4.h"
#include "models/link/link.h"
#include "models/ip/node.h"
#include "models/ip/route.h"
#include "models/ip/udp.h"
#include "sim/core/bytes.h"
#include "sim/core/sim.h"
#include "tests/common/pcapread.h"
#include "tests/net/netfix.h"

static void load_vec(struct pcap_file *f, const char *name)
{
	char *path = g_build_filename(VECTORS_DIR, name, NULL);
	g_assert_true(pcap_load(f, path));
	g_free(path);
}

static const uint8_t *vec_ip(const struct pcap_file *f, unsigned frame, uint32_t *len)
{
	g_assert_cmpuint(frame, >=, 1);
	g_assert_cmpuint(frame, <=, f->n);
	const struct pcap_record *r = &f->rec[frame - 1];
	*len = r->caplen - pcap_ip_offset(f);
	return r->data + pcap_ip_offset(f);
}

/* ---- codec ---- */

static void check_codec_file(const char *name)
{
	struct pcap_file f;
	load_vec(&f, name);
	g_assert_cmpuint(f.linktype, ==, 1);
	for (unsigned i = 1; i <= f.n; i++) {
		uint32_t len;
		const uint8_t *ip = vec_ip(&f, i, &len);
		struct ipv4_hdr h;
		g_assert_cmpint(ipv4_hdr_parse(ip, len, &h), ==, 0);
		g_assert_cmpuint(h.total_len, ==, len);
		g_assert_cmpuint(h.hdr_len, ==, 20);
		g_assert_true(ipv4_hdr_csum_ok(ip, h.hdr_len));
		g_assert_cmpuint(h.csum, ==, sim_get_be16(ip + 10));
		/* Re-encoding the repr reproduces the header byte for byte. */
		uint8_t out[20];
		g_assert_cmpuint(ipv4_hdr_write(out, &h), ==, h.csum);
		g_assert_cmpmem(out, 20, ip, 20);
		/* Fields land where RFC 791 puts them. */
		g_assert_true(h.src == IPV4_ADDR(10, 1, 1, 1) || h.src == IPV4_ADDR(10, 1, 2, 1) ||
		              h.src == IPV4_ADDR(10, 1, 1, 254));
	}
	pcap_unload(&f);
}

static void test_codec_vectors(void)
{
	check_codec_file("linux-a.pcap");
	check_codec_file("linux-b.pcap");
	/* A few fields by value: a55 is the first fragment of the 3000-byte ping. */
	struct pcap_file f;
	load_vec(&f, "linux-a.pcap");
	uint32_t len;
	struct ipv4_hdr h;
	const uint8_t *ip = vec_ip(&f, 56, &len);
	g_assert_cmpint(ipv4_hdr_parse(ip, len, &h), ==, 0);
	g_assert_cmpuint(h.id, ==, 0x2e3c);
	g_assert_true(h.mf);
	g_assert_false(h.df);
	g_assert_cmpuint(h.frag_off, ==, 185);
	g_assert_cmpuint(ipv4_hdr_frag_bytes(&h), ==, 1480);
	g_assert_cmpuint(h.ttl, ==, 64);
	g_assert_cmpuint(h.proto, ==, IPV4_PROTO_ICMP);
	ip = vec_ip(&f, 1, &len);
	g_assert_cmpint(ipv4_hdr_parse(ip, len, &h), ==, 0);
	g_assert_true(h.df);
	g_assert_cmpuint(h.proto, ==, IPV4_PROTO_TCP);
	pcap_unload(&f);
	/* Malformed headers are refused, never read past the buffer. */
	uint8_t bad[20] = {0x45, 0, 0, 20};
	g_assert_cmpint(ipv4_hdr_parse(bad, 19, &h), ==, -EINVAL);
	bad[0] = 0x65;
	g_assert_cmpint(ipv4_hdr_parse(bad, 20, &h), ==, -EINVAL);
	bad[0] = 0x44;
	g_assert_cmpint(ipv4_hdr_parse(bad, 20, &h), ==, -EINVAL);
	bad[0] = 0x46;
	g_assert_cmpint(ipv4_hdr_parse(bad, 20, &h), ==, -EINVAL);
	bad[0] = 0x45;
	bad[3] = 19;
	g_assert_cmpint(ipv4_hdr_parse(bad, 20, &h), ==, -EINVAL);
}

/* ---- replay of the Linux vectors ---- */

struct vtopo {
	struct sim sim;
	struct node *va, *vr, *vb;
	struct iface *va0, *ra0, *rb0, *vb0;
	struct link *la, *lb;
	char *dir, *cap_a, *cap_b;
};

static void drop_input(struct sim *sim, struct node *node, struct sim_packet *pkt,
                       const struct ipv4_rx *rx, void *ctx)
{
	(*(int *)ctx)++;
	sim_packet_free(pkt);
}

static void vtopo_init(struct vtopo *t)
{
	sim_init(&t->sim, 1);
	t->va = fx_node(&t->sim, "vA", NODE_HOST);
	t->vr = fx_node(&t->sim, "vR", NODE_ROUTER);
	t->vb = fx_node(&t->sim, "vB", NODE_HOST);
	t->va0 = node_add_iface(t->va, "va0", IPV4_ADDR(10, 1, 1, 1), 24);
	t->ra0 = node_add_iface(t->vr, "ra0", IPV4_ADDR(10, 1, 1, 254), 24);
	t->rb0 = node_add_iface(t->vr, "rb0", IPV4_ADDR(10, 1, 2, 254), 24);
	t->vb0 = node_add_iface(t->vb, "vb0", IPV4_ADDR(10, 1, 2, 1), 24);
	struct link_dir_config c1 = fx_link_cfg(1000000000, SIM_US(50), 1500);
	struct link_dir_config c2 = fx_link_cfg(1000000000, SIM_US(50), 1000);
	t->la = link_new(&t->sim, "la", t->va0, t->ra0, &c1, &c1);
	t->lb = link_new(&t->sim, "lb", t->rb0, t->vb0, &c2, &c2);
	g_assert_cmpint(route_add_default(t->va, IPV4_ADDR(10, 1, 1, 254), NULL), ==, 0);
	g_assert_cmpint(route_add_default(t->vb, IPV4_ADDR(10, 1, 2, 254), NULL), ==, 0);
	t->dir = fx_tmpdir();
	t->cap_a = g_build_filename(t->dir, "vA-va0.pcap", NULL);
	t->cap_b = g_build_filename(t->dir, "vB-vb0.pcap", NULL);
	GError *err = NULL;
	g_assert_cmpint(iface_capture_start(t->va0, t->cap_a, &err), ==, 0);
	g_assert_cmpint(iface_capture_start(t->vb0, t->cap_b, &err), ==, 0);
}

static void vtopo_fini(struct vtopo *t)
{
	link_free(t->la);
	link_free(t->lb);
	node_free(t->va);
	node_free(t->vr);
	node_free(t->vb);
	fx_assert_no_leak(&t->sim);
	sim_fini(&t->sim);
	g_free(t->cap_a);
	g_free(t->cap_b);
	fx_tmpdir_free(t->dir);
}

/* Sends the vector's IP datagram raw from an interface (as another stack would). */
static void inject_out(struct vtopo *t, struct iface *ifc, const uint8_t *ip, uint32_t len)
{
	struct sim_packet *p = sim_packet_new(&t->sim, SIM_PACKET_HEADROOM, len);
	memcpy(p->data, ip, len);
	iface_output(&t->sim, ifc, p);
}

/* Our capture must hold exactly these vector frames' IP datagrams, in order, framed
 * as Ethernet II with the interfaces' synthetic MACs. */
static void expect_capture(const char *ours, const char *vector, const unsigned *frames, unsigned n,
                           const struct iface *ifc)
{
	struct pcap_file o, v;
	g_assert_true(pcap_load(&o, ours));
	load_vec(&v, vector);
	g_assert_true(o.nanosecond);
	g_assert_cmpuint(o.linktype, ==, 1);
	g_assert_cmpuint(o.snaplen, ==, 262144);
	g_assert_cmpuint(o.n, ==, n);
	const uint8_t *peer_mac = iface_peer(ifc)->mac;
	for (unsigned i = 0; i < n; i++) {
		uint32_t vlen;
		const uint8_t *vip = vec_ip(&v, frames[i], &vlen);
		const struct pcap_record *r = &o.rec[i];
		g_assert_cmpuint(r->caplen, ==, r->len);
		g_test_message("frame %u: vector %s #%u", i + 1, vector, frames[i]);
		g_assert_cmpmem(r->data + 14, r->caplen - 14, vip, vlen);
		g_assert_cmpuint(sim_get_be16(r->data + 12), ==, 0x0800);
		struct ipv4_hdr h;
		g_assert_cmpint(ipv4_hdr_parse(vip, vlen, &h), ==, 0);
		bool outgoing = node_is_local_address(ifc->node, h.src);
		g_assert_cmpmem(r->data + 6, 6, outgoing ? ifc->mac : peer_mac, 6);
		g_assert_cmpmem(r->data, 6, outgoing ? peer_mac : ifc->mac, 6);
		if (i > 0)
			g_assert_cmpint(r->ts_ns, >=, o.rec[i - 1].ts_ns);
	}
	pcap_unload(&o);
	pcap_unload(&v);
}

static void udp_rx_store(struct sim *sim, struct udp_sock *s, struct sim_packet *pkt,
                         const struct udp_meta *m, void *ctx)
{
	GString *g = ctx;
	g_string_append_len(g, (const char *)pkt->data, pkt->len);
	g_assert_cmpuint(m->sport, ==, 36594);
	g_assert_cmpuint(m->ttl, ==, 63);
	sim_packet_free(pkt);
}

static void test_linux_replay(void)
{
	struct vtopo t;
	struct pcap_file a, b;
	uint32_t len;
	const uint8_t *ip;
	int tcp_a = 0, tcp_b = 0;
	static const struct ipv4_proto_ops drop_ops = {.input = drop_input};

	vtopo_init(&t);
	load_vec(&a, "linux-a.pcap");
	load_vec(&b, "linux-b.pcap");
	/* Neither end runs TCP here: a sink keeps vB from answering "protocol
	 * unreachable" to the segments of exchange 2b. */
	node_register_proto(t.va, IPV4_PROTO_TCP, &drop_ops, &tcp_a);
	node_register_proto(t.vb, IPV4_PROTO_TCP, &drop_ops, &tcp_b);

	/* 2b: two 1500-byte DF segments hit vR's MTU-1000 link → ICMP 3/4 (MTU 1000),
	 * 576 bytes, quoting 548 bytes; the 120-byte one passes (TTL 63). */
	t.vr->ip_id = 0x40cf;
	for (unsigned fr = 30; fr <= 32; fr++) {
		ip = vec_ip(&a, fr, &len);
		inject_out(&t, t.va0, ip, len);
	}
	sim_run(&t.sim, SIM_MS(10));
	g_assert_cmpint(tcp_b, ==, 1);
	g_assert_cmpuint(t.vr->ip_stats.df_drops, ==, 2);
	g_assert_cmpuint(t.vr->icmp_stats.out_type[ICMP_DEST_UNREACH], ==, 2);
	/* RFC 1191: vA learnt the path MTU toward vB. */
	struct route_result rr;
	g_assert_cmpint(route_lookup(t.va, IPV4_ADDR(10, 1, 2, 1), &rr), ==, 0);
	g_assert_cmpuint(rr.mtu, ==, 1000);
	g_assert_cmpuint(rr.src, ==, IPV4_ADDR(10, 1, 1, 1));
	route_pmtu_flush(t.va); /* as the vectors did before exchange 3 */

	/* 5a: ping -s 3000 -M dont. The ICMP message is taken from the vector. */
	uint8_t msg[3008];
	for (unsigned fr = 55; fr <= 57; fr++) {
		ip = vec_ip(&a, fr, &len);
		struct ipv4_hdr h;
		ipv4_hdr_parse(ip, len, &h);
		memcpy(msg + ipv4_hdr_frag_bytes(&h), ip + 20, len - 20);
	}
	t.va->ip_id = 0x2e3c;
	t.vb->ip_id = 0x4d30;
	struct sim_packet *p = sim_packet_new(&t.sim, SIM_PACKET_HEADROOM, sizeof(msg));
	memcpy(p->data, msg, sizeof(msg));
	struct ipv4_tx tx = {.dst = IPV4_ADDR(10, 1, 2, 1), .proto = IPV4_PROTO_ICMP};
	g_assert_cmpint(ipv4_output(&t.sim, t.va, p, &tx), ==, 0);
	sim_run(&t.sim, SIM_MS(20));
	g_assert_cmpuint(t.vb->ip_stats.reasm_oks, ==, 1);
	g_assert_cmpuint(t.va->ip_stats.reasm_oks, ==, 1);
	g_assert_cmpuint(t.vb->icmp_stats.out_type[ICMP_ECHO_REPLY], ==, 1);
	g_assert_cmpuint(t.va->icmp_stats.in_type[ICMP_ECHO_REPLY], ==, 1);

	/* 5b: ping -t 1 → vR's time exceeded quoting the 84-byte request. */
	ip = vec_ip(&a, 62, &len);
	t.va->ip_id = 0x2f20;
	t.vr->ip_id = 0x43c7;
	p = sim_packet_new(&t.sim, SIM_PACKET_HEADROOM, len - 20);
	memcpy(p->data, ip + 20, len - 20);
	struct ipv4_tx tx1 = {
	    .dst = IPV4_ADDR(10, 1, 2, 1), .proto = IPV4_PROTO_ICMP, .ttl = 1, .df = true};
	g_assert_cmpint(ipv4_output(&t.sim, t.va, p, &tx1), ==, 0);
	sim_run(&t.sim, SIM_MS(30));
	g_assert_cmpuint(t.vr->ip_stats.ttl_expired, ==, 1);

	/* 6: UDP to a bound port, then to a closed one → port unreachable, and the
	 * connected socket sees ECONNREFUSED. */
	struct udp_stack *ua = udp_attach(&t.sim, t.va), *ub = udp_attach(&t.sim, t.vb);
	struct udp_sock *cs = udp_socket(ua), *ss = udp_socket(ub);
	g_assert_cmpint(udp_bind(cs, IPV4_ANY, 36594), ==, 0);
	g_assert_cmpint(udp_bind(ss, IPV4_ANY, 7000), ==, 0);
	GString *got = g_string_new(NULL);
	udp_set_callbacks(ss, udp_rx_store, NULL, got);
	struct udp_send_opts df = {.df = true};
	t.va->ip_id = 0x86a3;
	g_assert_cmpint(udp_sendto(cs, "udp test", 8, IPV4_ADDR(10, 1, 2, 1), 7000, &df), ==, 8);
	sim_run(&t.sim, SIM_MS(40));
	g_assert_cmpstr(got->str, ==, "udp test");
	g_assert_cmpint(udp_connect(cs, IPV4_ADDR(10, 1, 2, 1), 7001), ==, 0);
	t.va->ip_id = 0x3f60;
	t.vb->ip_id = 0x4ee7;
	g_assert_cmpint(udp_sendto(cs, "udp test", 8, 0, 0, &df), ==, 8);
	sim_run(&t.sim, SIM_MS(50));
	g_assert_cmpint(udp_get_error(cs), ==, -ECONNREFUSED);
	g_assert_cmpint(udp_get_error(cs), ==, 0);
	udp_close(cs);
	udp_close(ss);
	g_string_free(got, TRUE);

	GError *err = NULL;
	g_assert_cmpint(iface_capture_stop(t.va0, &err), ==, 0);
	g_assert_cmpint(iface_capture_stop(t.vb0, &err), ==, 0);
	static const unsigned fa[] = {30, 31, 32, 33, 34, 55, 56, 57, 58,
	                              59, 60, 61, 62, 63, 64, 65, 66};
	static const unsigned fb[] = {30, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62};
	expect_capture(t.cap_a, "linux-a.pcap", fa, G_N_ELEMENTS(fa), t.va0);
	expect_capture(t.cap_b, "linux-b.pcap", fb, G_N_ELEMENTS(fb), t.vb0);
	pcap_unload(&a);
	pcap_unload(&b);
	vtopo_fini(&t);
}

/* ---- forwarding, TTL, ICMP errors ---- */

/* A chain A — R1 — R2 — B (10.0.1.0/24, 10.0.2.0/24, 10.0.3.0/24), recorders on A
 * and B that also record ICMP errors. */
struct chain {
	struct sim sim;
	struct node *a, *r1, *r2, *b;
	struct iface *a0, *r1a, *r1b, *r2a, *r2b, *b0;
	struct link *l1, *l2, *l3;
	GArray *errs_a; /* struct ipv4_icmp_error copies (pointers not kept) */
	GArray *rx_b;   /* struct fx_rx */
};

static void chain_err(struct sim *sim, struct node *node, const struct ipv4_icmp_error *e,
                      void *ctx)
{
	struct chain *c = ctx;
	struct ipv4_icmp_error copy = *e;
	g_assert_cmpuint(e->l4_len, >=, 8);
	g_assert_true(e->quoted + e->orig.hdr_len == e->l4);
	g_assert_cmpuint(e->quoted_len, ==, e->orig.hdr_len + e->l4_len);
	g_assert_true(ipv4_hdr_csum_ok(e->quoted, e->orig.hdr_len));
	/* Keep the quoted tag (first 4 transport bytes) in place of the pointer. */
	copy.l4 = NULL;
	copy.l4_len = sim_get_be32(e->l4);
	g_array_append_val(c->errs_a, copy);
}

static void chain_rx(struct sim *sim, struct node *node, struct sim_packet *pkt,
                     const struct ipv4_rx *rx, void *ctx)
{
	struct chain *c = ctx;
	struct fx_rx e = {.t = sim_now(sim),
	                  .tag = sim_get_be32(pkt->data),
	                  .len = pkt->len,
	                  .ttl = rx->ttl,
	                  .src = rx->src,
	                  .dst = rx->dst,
	                  .iface = rx->iface};
	g_array_append_val(c->rx_b, e);
	sim_packet_free(pkt);
}

static void chain_init(struct chain *c, bool defaults)
{
	sim_init(&c->sim, 1);
	c->a = fx_node(&c->sim, "A", NODE_HOST);
	c->r1 = fx_node(&c->sim, "R1", NODE_ROUTER);
	c->r2 = fx_node(&c->sim, "R2", NODE_ROUTER);
	c->b = fx_node(&c->sim, "B", NODE_HOST);
	c->a0 = node_add_iface(c->a, "eth0", IPV4_ADDR(10, 0, 1, 1), 24);
	c->r1a = node_add_iface(c->r1, "eth0", IPV4_ADDR(10, 0, 1, 254), 24);
	c->r1b = node_add_iface(c->r1, "eth1", IPV4_ADDR(10, 0, 2, 1), 24);
	c->r2a = node_add_iface(c->r2, "eth0", IPV4_ADDR(10, 0, 2, 2), 24);
	c->r2b = node_add_iface(c->r2, "eth1", IPV4_ADDR(10, 0, 3, 254), 24);
	c->b0 = node_add_iface(c->b, "eth0", IPV4_ADDR(10, 0, 3, 1), 24);
	struct link_dir_config lc = fx_link_cfg(100000000, SIM_MS(1), 1500);
	c->l1 = link_new(&c->sim, "l1", c->a0, c->r1a, &lc, &lc);
	c->l2 = link_new(&c->sim, "l2", c->r1b, c->r2a, &lc, &lc);
	c->l3 = link_new(&c->sim, "l3", c->r2b, c->b0, &lc, &lc);
	if (defaults) {
		route_add_default(c->a, IPV4_ADDR(10, 0, 1, 254), NULL);
		route_add_default(c->b, IPV4_ADDR(10, 0, 3, 254), NULL);
		struct ipv4_prefix p3 = {IPV4_ADDR(10, 0, 3, 0), 24};
		struct ipv4_prefix p1 = {IPV4_ADDR(10, 0, 1, 0), 24};
		g_assert_cmpint(route_add(c->r1, p3, IPV4_ADDR(10, 0, 2, 2), NULL), ==, 0);
		g_assert_cmpint(route_add(c->r2, p1, IPV4_ADDR(10, 0, 2, 1), NULL), ==, 0);
	}
	c->errs_a = g_array_new(FALSE, TRUE, sizeof(struct ipv4_icmp_error));
	c->rx_b = g_array_new(FALSE, TRUE, sizeof(struct fx_rx));
	static const struct ipv4_proto_ops ea = {.input = chain_rx, .icmp_error = chain_err};
	node_register_proto(c->a, FX_PROTO, &ea, c);
	node_register_proto(c->b, FX_PROTO, &ea, c);
}

static void chain_fini(struct chain *c)
{
	link_free(c->l1);
	link_free(c->l2);
	link_free(c->l3);
	node_free(c->a);
	node_free(c->r1);
	node_free(c->r2);
	node_free(c->b);
	g_array_free(c->errs_a, TRUE);
	g_array_free(c->rx_b, TRUE);
	fx_assert_no_leak(&c->sim);
	sim_fini(&c->sim);
}

static const struct ipv4_icmp_error *err_at(const struct chain *c, guint i)
{
	g_assert_cmpuint(i, <, c->errs_a->len);
	return &g_array_index(c->errs_a, struct ipv4_icmp_error, i);
}

/* Forwarding decrements TTL per router; with TTL 2 the second router drops it and
 * sends time exceeded to the source, quoting the datagram as it arrived (TTL 1). */
static void test_forward_and_ttl(void)
{
	struct chain c;
	chain_init(&c, true);
	g_assert_cmpint(fx_send(&c.sim, c.a, IPV4_ADDR(10, 0, 3, 1), 100, 1), ==, 0);
	struct ipv4_tx tx = {.dst = IPV4_ADDR(10, 0, 3, 1), .ttl = 2, .set_id = true, .id = 0x1234};
	g_assert_cmpint(fx_send_tx(&c.sim, c.a, &tx, 100, 2), ==, 0);
	tx.ttl = 3;
	g_assert_cmpint(fx_send_tx(&c.sim, c.a, &tx, 100, 3), ==, 0);
	sim_run(&c.sim, SIM_S(1));
	g_assert_cmpuint(c.rx_b->len, ==, 2);
	const struct fx_rx *r0 = &g_array_index(c.rx_b, struct fx_rx, 0);
	g_assert_cmpuint(r0->ttl, ==, 62);
	g_assert_cmpuint(r0->src, ==, IPV4_ADDR(10, 0, 1, 1));
	g_assert_cmpuint(g_array_index(c.rx_b, struct fx_rx, 1).ttl, ==, 1);
	/* R1: three toward B and R2's time exceeded back to A. */
	g_assert_cmpuint(c.r1->ip_stats.forwarded, ==, 4);
	g_assert_cmpuint(c.r2->ip_stats.forwarded, ==, 2);
	g_assert_cmpuint(c.r2->ip_stats.ttl_expired, ==, 1);
	g_assert_cmpuint(c.errs_a->len, ==, 1);
	const struct ipv4_icmp_error *e = err_at(&c, 0);
	g_assert_cmpuint(e->type, ==, ICMP_TIME_EXCEEDED);
	g_assert_cmpuint(e->code, ==, ICMP_EXC_TTL);
	g_assert_cmpint(e->err, ==, -EHOSTUNREACH);
	g_assert_cmpuint(e->from, ==, IPV4_ADDR(10, 0, 2, 2)); /* R2's ingress interface */
	g_assert_cmpuint(e->orig.ttl, ==, 1);                  /* as received by R2 */
	g_assert_cmpuint(e->orig.id, ==, 0x1234);
	g_assert_cmpuint(e->orig.src, ==, IPV4_ADDR(10, 0, 1, 1));
	g_assert_cmpuint(e->orig.dst, ==, IPV4_ADDR(10, 0, 3, 1));
	g_assert_cmpuint(e->l4_len, ==, 2); /* the quoted tag */
	g_assert_cmpuint(c.a->icmp_stats.in_type[ICMP_TIME_EXCEEDED], ==, 1);
	chain_fini(&c);
}

/* No route at a router → ICMP net unreachable; no route at the source → EHOSTUNREACH. */
static void test_no_route(void)
{
	struct chain c;
	chain_init(&c, true);
	g_assert_cmpint(fx_send(&c.sim, c.a, IPV4_ADDR(192, 168, 9, 9), 100, 5), ==, 0);
	g_assert_cmpint(fx_send(&c.sim, c.b, IPV4_ADDR(10, 0, 1, 1), 100, 6), ==, 0);
	sim_run(&c.sim, SIM_S(1));
	g_assert_cmpuint(c.r1->ip_stats.no_route, ==, 1);
	g_assert_cmpuint(c.errs_a->len, ==, 1);
	const struct ipv4_icmp_error *e = err_at(&c, 0);
	g_assert_cmpuint(e->type, ==, ICMP_DEST_UNREACH);
	g_assert_cmpuint(e->code, ==, ICMP_NET_UNREACH);
	g_assert_cmpint(e->err, ==, -ENETUNREACH);
	g_assert_cmpuint(e->from, ==, IPV4_ADDR(10, 0, 1, 254));
	g_assert_cmpuint(e->l4_len, ==, 5);
	/* B reaches A through the default route and R2's static route. */
	g_assert_cmpuint(c.rx_b->len, ==, 1);
	/* A host without a default route cannot send off-link. */
	route_del(c.a, (struct ipv4_prefix){0, 0});
	g_assert_cmpint(fx_send(&c.sim, c.a, IPV4_ADDR(10, 0, 3, 1), 100, 7), ==, -EHOSTUNREACH);
	g_assert_cmpuint(c.a->ip_stats.no_route, ==, 1);
	chain_fini(&c);
}

/* A routing loop (R1 and R2 point their defaults at each other) ends by TTL expiry:
 * 63 forwards, one time exceeded back to the source, and the run finishes. */
static void test_routing_loop(void)
{
	struct chain c;
	chain_init(&c, true);
	route_add_default(c.r1, IPV4_ADDR(10, 0, 2, 2), NULL);
	route_add_default(c.r2, IPV4_ADDR(10, 0, 2, 1), NULL);
	g_assert_cmpint(fx_send(&c.sim, c.a, IPV4_ADDR(172, 16, 0, 1), 100, 9), ==, 0);
	sim_run(&c.sim, SIM_TIME_MAX);
	g_assert_cmpuint(sim_pending_events(&c.sim), ==, 0);
	/* TTL 64 .. 2 are forwarded (63 hops); R2 receives the odd TTLs, so TTL 1 expires
	 * there and its time exceeded crosses R1 on its way back to A (one more). */
	g_assert_cmpuint(c.r1->ip_stats.forwarded + c.r2->ip_stats.forwarded, ==, 63 + 1);
	g_assert_cmpuint(c.r2->ip_stats.ttl_expired, ==, 1);
	g_assert_cmpuint(c.r1->ip_stats.ttl_expired, ==, 0);
	g_assert_cmpuint(c.errs_a->len, ==, 1);
	g_assert_cmpuint(err_at(&c, 0)->type, ==, ICMP_TIME_EXCEEDED);
	g_assert_cmpuint(err_at(&c, 0)->orig.ttl, ==, 1);
	chain_fini(&c);
}

/* DF and a smaller next hop: the router sends fragmentation needed with the MTU of
 * the next hop (RFC 1191 §4); the source's path MTU drops, and a DF send larger than
 * it fails at once with EMSGSIZE. */
static void test_frag_needed(void)
{
	struct chain c;
	chain_init(&c, true);
	link_free(c.l2);
	struct link_dir_config small = fx_link_cfg(100000000, SIM_MS(1), 1280);
	c.l2 = link_new(&c.sim, "l2", c.r1b, c.r2a, &small, &small);
	struct ipv4_tx tx = {.dst = IPV4_ADDR(10, 0, 3, 1), .df = true};
	g_assert_cmpint(fx_send_tx(&c.sim, c.a, &tx, 1400, 1), ==, 0);
	sim_run(&c.sim, SIM_S(1));
	g_assert_cmpuint(c.rx_b->len, ==, 0);
	g_assert_cmpuint(c.r1->ip_stats.df_drops, ==, 1);
	g_assert_cmpuint(c.errs_a->len, ==, 1);
	const struct ipv4_icmp_error *e = err_at(&c, 0);
	g_assert_cmpuint(e->type, ==, ICMP_DEST_UNREACH);
	g_assert_cmpuint(e->code, ==, ICMP_FRAG_NEEDED);
	g_assert_cmpuint(e->mtu, ==, 1280);
	g_assert_cmpint(e->err, ==, -EMSGSIZE);
	g_assert_cmpuint(e->orig.total_len, ==, 1420);
	g_assert_true(e->orig.df);
	struct route_result rr;
	route_lookup(c.a, IPV4_ADDR(10, 0, 3, 1), &rr);
	g_assert_cmpuint(rr.mtu, ==, 1280);
	g_assert_cmpint(fx_send_tx(&c.sim, c.a, &tx, 1400, 2), ==, -EMSGSIZE);
	g_assert_cmpint(fx_send_tx(&c.sim, c.a, &tx, 1260, 3), ==, 0);
	/* With DF clear the source fragments to the path MTU it learnt... */
	struct ipv4_tx nodf = {.dst = IPV4_ADDR(10, 0, 3, 1)};
	g_assert_cmpint(fx_send_tx(&c.sim, c.a, &nodf, 1400, 4), ==, 0);
	g_assert_cmpuint(c.a->ip_stats.frag_creates, ==, 2);
	/* ... and once it forgot it, R1 fragments; B reassembles both. */
	route_pmtu_flush(c.a);
	g_assert_cmpint(fx_send_tx(&c.sim, c.a, &nodf, 1400, 5), ==, 0);
	sim_run(&c.sim, SIM_S(2));
	g_assert_cmpuint(c.rx_b->len, ==, 3);
	g_assert_cmpuint(g_array_index(c.rx_b, struct fx_rx, 1).len, ==, 1400);
	g_assert_cmpuint(g_array_index(c.rx_b, struct fx_rx, 2).len, ==, 1400);
	g_assert_cmpuint(c.r1->ip_stats.frag_creates, ==, 2);
	g_assert_cmpuint(c.b->ip_stats.reasm_oks, ==, 2);
	/* The learnt MTU expires after 10 minutes. */
	struct ipv4_tx df2 = {.dst = IPV4_ADDR(10, 0, 3, 1), .df = true};
	g_assert_cmpint(fx_send_tx(&c.sim, c.a, &df2, 1400, 6), ==, 0);
	sim_run(&c.sim, SIM_S(3));
	route_lookup(c.a, IPV4_ADDR(10, 0, 3, 1), &rr);
	g_assert_cmpuint(rr.mtu, ==, 1280);
	sim_run(&c.sim, SIM_S(700));
	route_lookup(c.a, IPV4_ADDR(10, 0, 3, 1), &rr);
	g_assert_cmpuint(rr.mtu, ==, 1500);
	chain_fini(&c);
}

/* RFC 1122 §3.2.2: no ICMP error about an ICMP error, a non-first fragment, or a
 * broadcast; protocol unreachable for an unknown protocol. */
static void test_icmp_suppression(void)
{
	struct chain c;
	chain_init(&c, true);
	struct sim *sim = &c.sim;
	uint8_t dg[48];
	struct ipv4_hdr h = {.tos = 0,
	                     .total_len = 48,
	                     .id = 7,
	                     .ttl = 1,
	                     .proto = IPV4_PROTO_ICMP,
	                     .src = IPV4_ADDR(10, 0, 1, 1),
	                     .dst = IPV4_ADDR(10, 0, 3, 1)};
	/* An ICMP time exceeded with TTL 1 through R1: expires, no error about it. */
	memset(dg, 0, sizeof(dg));
	ipv4_hdr_write(dg, &h);
	dg[20] = ICMP_TIME_EXCEEDED;
	sim_put_be16(dg + 22, inet_csum_finish(inet_csum_add(0, dg + 20, 28)));
	g_assert_cmpint(icmp_send_error(sim, c.r1, dg, 48, ICMP_TIME_EXCEEDED, 0, 0), ==, -EPERM);
	/* An echo request is not an error: it gets one. */
	dg[20] = ICMP_ECHO_REQUEST;
	g_assert_cmpint(icmp_send_error(sim, c.r1, dg, 48, ICMP_TIME_EXCEEDED, 0, 0), ==, 0);
	/* A non-first fragment. */
	h.proto = FX_PROTO;
	h.frag_off = 10;
	ipv4_hdr_write(dg, &h);
	g_assert_cmpint(icmp_send_error(sim, c.r1, dg, 48, ICMP_TIME_EXCEEDED, 0, 0), ==, -EPERM);
	/* The first fragment is fine. */
	h.frag_off = 0;
	h.mf = true;
	ipv4_hdr_write(dg, &h);
	g_assert_cmpint(icmp_send_error(sim, c.r1, dg, 48, ICMP_TIME_EXCEEDED, 0, 0), ==, 0);
	/* To a broadcast address, or from a non-unicast source. */
	h.mf = false;
	h.dst = IPV4_ADDR(10, 0, 1, 255);
	ipv4_hdr_write(dg, &h);
	g_assert_cmpint(icmp_send_error(sim, c.r1, dg, 48, ICMP_DEST_UNREACH, 3, 0), ==, -EPERM);
	h.dst = IPV4_ADDR(10, 0, 3, 1);
	h.src = 0;
	ipv4_hdr_write(dg, &h);
	g_assert_cmpint(icmp_send_error(sim, c.r1, dg, 48, ICMP_DEST_UNREACH, 3, 0), ==, -EPERM);
	h.src = IPV4_ADDR(224, 0, 0, 1);
	ipv4_hdr_write(dg, &h);
	g_assert_cmpint(icmp_send_error(sim, c.r1, dg, 48, ICMP_DEST_UNREACH, 3, 0), ==, -EPERM);
	g_assert_cmpuint(c.r1->icmp_stats.errors_suppressed, ==, 5);
	sim_run(sim, SIM_S(1));
	g_assert_cmpuint(c.errs_a->len, ==, 1); /* the fragment's; the echo's went to ICMP */
	g_assert_cmpuint(c.a->icmp_stats.in_type[ICMP_TIME_EXCEEDED], ==, 2);

	/* Through the data path: an ICMP error whose TTL expires at R1 draws nothing. */
	uint64_t before = c.r1->icmp_stats.out_msgs;
	h.src = IPV4_ADDR(10, 0, 1, 1);
	h.proto = IPV4_PROTO_ICMP;
	h.ttl = 1;
	ipv4_hdr_write(dg, &h);
	dg[20] = ICMP_DEST_UNREACH;
	struct sim_packet *p = sim_packet_new(sim, SIM_PACKET_HEADROOM, 48);
	memcpy(p->data, dg, 48);
	iface_output(sim, c.a0, p);
	sim_run(sim, SIM_S(2));
	g_assert_cmpuint(c.r1->ip_stats.ttl_expired, ==, 1);
	g_assert_cmpuint(c.r1->icmp_stats.out_msgs, ==, before);

	/* Protocol unreachable: B does not speak protocol 200. */
	struct ipv4_tx tx = {.dst = IPV4_ADDR(10, 0, 3, 1), .proto = 200};
	p = sim_packet_new(sim, SIM_PACKET_HEADROOM, 8);
	memset(p->data, 0, 8);
	g_assert_cmpint(ipv4_output(sim, c.a, p, &tx), ==, 0);
	sim_run(sim, SIM_S(3));
	g_assert_cmpuint(c.b->ip_stats.in_unknown_protos, ==, 1);
	g_assert_cmpuint(c.b->icmp_stats.out_type[ICMP_DEST_UNREACH], ==, 1);
	g_assert_cmpuint(c.a->icmp_stats.in_type[ICMP_DEST_UNREACH], ==, 1);
	chain_fini(&c);
}

/* Bad header checksums, bad headers, martians, and datagrams a host must not forward
 * are dropped and counted. */
static void test_input_validation(void)
{
	struct chain c;
	chain_init(&c, true);
	struct sim *sim = &c.sim;
	uint8_t dg[40];
	struct ipv4_hdr h = {.total_len = 40,
	                     .id = 1,
	                     .ttl = 64,
	                     .proto = FX_PROTO,
	                     .src = IPV4_ADDR(10, 0, 3, 254),
	                     .dst = IPV4_ADDR(10, 0, 3, 1)};
	memset(dg, 0, sizeof(dg));
	ipv4_hdr_write(dg, &h);
	struct {
		int byte;
		uint8_t xor ;
	} cases[] = {
	    {-1, 0},    /* intact: delivered */
	    {10, 0x01}, /* checksum */
	    {15, 0x80}, /* source address */
	    {0, 0x10},  /* version 5 */
	    {0, 0x01},  /* IHL 4 */
	    {3, 0x40},  /* total length beyond the buffer */
	};
	for (unsigned i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct sim_packet *p = sim_packet_new(sim, SIM_PACKET_HEADROOM, 40);
		memcpy(p->data, dg, 40);
		if (cases[i].byte >= 0)
			p->data[cases[i].byte] ^= cases[i].xor ;
		iface_receive(sim, c.b0, p);
	}
	const struct ipv4_stats *st = &c.b->ip_stats;
	g_assert_cmpuint(c.rx_b->len, ==, 1);
	g_assert_cmpuint(st->in_csum_errors, ==, 2);
	g_assert_cmpuint(st->in_hdr_errors, ==, 3);
	g_assert_cmpuint(st->in_receives, ==, 6);
	/* Martians: 127/8 on a wire interface. */
	h.dst = IPV4_LOOPBACK;
	ipv4_hdr_write(dg, &h);
	struct sim_packet *p = sim_packet_new(sim, SIM_PACKET_HEADROOM, 40);
	memcpy(p->data, dg, 40);
	iface_receive(sim, c.b0, p);
	g_assert_cmpuint(st->in_martians, ==, 1);
	/* A host does not forward (RFC 1122 §3.3.4.4). */
	h.dst = IPV4_ADDR(10, 0, 1, 1);
	ipv4_hdr_write(dg, &h);
	p = sim_packet_new(sim, SIM_PACKET_HEADROOM, 40);
	memcpy(p->data, dg, 40);
	iface_receive(sim, c.b0, p);
	g_assert_cmpuint(st->in_addr_errors, ==, 1);
	sim_run(sim, SIM_S(1));
	g_assert_cmpuint(c.l3->d[LINK_REVERSE].stats.enqueued, ==, 0);
	/* Trailing link-layer bytes beyond the total length are trimmed. */
	h.dst = IPV4_ADDR(10, 0, 3, 1);
	ipv4_hdr_write(dg, &h);
	p = sim_packet_new(sim, SIM_PACKET_HEADROOM, 46);
	memcpy(p->data, dg, 40);
	iface_receive(sim, c.b0, p);
	g_assert_cmpuint(c.rx_b->len, ==, 2);
	g_assert_cmpuint(g_array_index(c.rx_b, struct fx_rx, 1).len, ==, 20);
	chain_fini(&c);
}

/* Local traffic goes through lo: to 127.0.0.1 and to the node's own addresses. */
static void test_loopback(void)
{
	struct sim sim;
	sim_init(&sim, 1);
	struct node *n = fx_node(&sim, "H", NODE_HOST);
	node_add_iface(n, "eth0", IPV4_ADDR(10, 0, 0, 1), 24);
	struct fx_recorder *r = fx_record(n);
	g_assert_true(node_is_local_address(n, IPV4_LOOPBACK));
	g_assert_true(node_is_local_address(n, IPV4_ADDR(127, 1, 2, 3)));
	g_assert_true(node_is_local_address(n, IPV4_ADDR(10, 0, 0, 1)));
	g_assert_false(node_is_local_address(n, IPV4_ADDR(10, 0, 0, 2)));
	g_assert_cmpint(fx_send(&sim, n, IPV4_LOOPBACK, 10, 1), ==, 0);
	g_assert_cmpint(fx_send(&sim, n, IPV4_ADDR(10, 0, 0, 1), 60000, 2), ==, 0);
	/* Delivered by an event, never from inside ipv4_output(), once lo has moved it
	 * at 40 Gbit/s: 30 bytes take 6 ns, the 60020 after them 12004 ns more. */
	g_assert_cmpuint(r->rx->len, ==, 0);
	sim_run(&sim, SIM_S(1));
	g_assert_cmpuint(r->rx->len, ==, 2);
	struct fx_rx *e = &g_array_index(r->rx, struct fx_rx, 0);
	g_assert_cmpint(e->t, ==, 6);
	g_assert_cmpint(g_array_index(r->rx, struct fx_rx, 1).t, ==, 6 + 12004);
	g_assert_cmpuint(e->src, ==, IPV4_LOOPBACK);
	g_assert_true(e->iface == node_loopback(n));
	e = &g_array_index(r->rx, struct fx_rx, 1);
	g_assert_cmpuint(e->src, ==, IPV4_ADDR(10, 0, 0, 1));
	g_assert_cmpuint(e->len, ==, 60000); /* lo's MTU 65536: no fragmentation */
	g_assert_cmpuint(n->ip_stats.frag_creates, ==, 0);
	/* lo's device MTU is 65536 as on Linux; the IP MTU is capped at 65535, the
	 * largest datagram there is, so TCP's MSS on lo is 65495 and a full segment
	 * fits. */
	g_assert_cmpuint(node_loopback(n)->mtu, ==, 65536);
	struct route_result rt;
	g_assert_cmpint(route_lookup(n, IPV4_LOOPBACK, &rt), ==, 0);
	g_assert_cmpuint(rt.mtu, ==, 65535);
	g_assert_cmpint(route_lookup(n, IPV4_ADDR(10, 0, 0, 1), &rt), ==, 0);
	g_assert_cmpuint(rt.mtu, ==, 65535);
	g_assert_cmpint(fx_send(&sim, n, IPV4_ADDR(10, 0, 0, 1), 65535 - 20, 3), ==, 0);
	g_assert_cmpint(fx_send(&sim, n, IPV4_ADDR(10, 0, 0, 1), 65535 - 19, 4), ==, -EINVAL);
	sim_run(&sim, SIM_S(2));
	g_assert_cmpuint(r->rx->len, ==, 3);
	g_assert_cmpuint(g_array_index(r->rx, struct fx_rx, 2).len, ==, 65515);
	node_free(n);
	fx_assert_no_leak(&sim);
	sim_fini(&sim);
}

/* ---- routing table ---- */

static void test_lpm(void)
{
	struct sim sim;
	sim_init(&sim, 1);
	struct node *n = fx_node(&sim, "R", NODE_ROUTER);
	struct iface *e[6];
	for (int i = 0; i < 6; i++) {
		char name[8];
		g_snprintf(name, sizeof(name), "eth%d", i);
		e[i] = node_add_iface(n, name, IPV4_ADDR(192, 168, i, 1), 24);
	}
	struct ipv4_prefix p8 = {IPV4_ADDR(10, 0, 0, 0), 8}, p16 = {IPV4_ADDR(10, 1, 0, 0), 16},
	                   p24 = {IPV4_ADDR(10, 1, 2, 0), 24}, p32 = {IPV4_ADDR(10, 1, 2, 3), 32};
	g_assert_cmpint(route_add(n, p8, IPV4_ADDR(192, 168, 0, 2), NULL), ==, 0);
	g_assert_cmpint(route_add(n, p16, IPV4_ADDR(192, 168, 1, 2), NULL), ==, 0);
	g_assert_cmpint(route_add(n, p24, IPV4_ADDR(192, 168, 2, 2), NULL), ==, 0);
	g_assert_cmpint(route_add(n, p32, 0, e[3]), ==, 0);
	g_assert_cmpint(route_add_default(n, IPV4_ADDR(192, 168, 4, 2), NULL), ==, 0);
	struct {
		ipv4_addr_t dst;
		int iface;
		ipv4_addr_t next_hop;
	} cases[] = {
	    {IPV4_ADDR(10, 1, 2, 3), 3, IPV4_ADDR(10, 1, 2, 3)},
	    {IPV4_ADDR(10, 1, 2, 4), 2, IPV4_ADDR(192, 168, 2, 2)},
	    {IPV4_ADDR(10, 1, 3, 4), 1, IPV4_ADDR(192, 168, 1, 2)},
	    {IPV4_ADDR(10, 2, 3, 4), 0, IPV4_ADDR(192, 168, 0, 2)},
	    {IPV4_ADDR(11, 0, 0, 1), 4, IPV4_ADDR(192, 168, 4, 2)},
	    {IPV4_ADDR(192, 168, 5, 7), 5, IPV4_ADDR(192, 168, 5, 7)}, /* connected */
	};
	for (unsigned i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct route_result r;
		g_assert_cmpint(route_lookup(n, cases[i].dst, &r), ==, 0);
		g_assert_true(r.iface == e[cases[i].iface]);
		g_assert_cmpuint(r.next_hop, ==, cases[i].next_hop);
		g_assert_cmpuint(r.src, ==, e[cases[i].iface]->addr);
	}
	/* Removing the /24 falls back to the /16. */
	g_assert_cmpint(route_del(n, p24), ==, 0);
	g_assert_cmpint(route_del(n, p24), ==, -ENOENT);
	struct route_result r;
	route_lookup(n, IPV4_ADDR(10, 1, 2, 4), &r);
	g_assert_true(r.iface == e[1]);
	/* Without the default route, nothing matches 11/8. */
	g_assert_cmpint(route_del(n, (struct ipv4_prefix){0, 0}), ==, 0);
	g_assert_cmpint(route_lookup(n, IPV4_ADDR(11, 0, 0, 1), &r), ==, -EHOSTUNREACH);
	/* Errors. */
	g_assert_cmpint(route_add(n, p8, IPV4_ADDR(192, 168, 0, 3), NULL), ==, -EEXIST);
	struct ipv4_prefix hostbits = {IPV4_ADDR(10, 9, 9, 9), 8};
	g_assert_cmpint(route_add(n, hostbits, IPV4_ADDR(192, 168, 0, 3), NULL), ==, -EINVAL);
	struct ipv4_prefix p9 = {IPV4_ADDR(9, 0, 0, 0), 8};
	g_assert_cmpint(route_add(n, p9, IPV4_ADDR(172, 16, 0, 1), NULL), ==, -ENETUNREACH);
	g_assert_cmpint(route_add(n, p9, IPV4_ADDR(10, 2, 0, 1), NULL), ==, -ENETUNREACH);
	g_assert_cmpint(route_add(n, p9, 0, NULL), ==, -EINVAL);
	g_assert_nonnull(route_find(n, p16));
	/* Local addresses resolve to lo. */
	route_lookup(n, IPV4_ADDR(192, 168, 3, 1), &r);
	g_assert_true(r.iface == node_loopback(n));
	g_assert_cmpuint(r.src, ==, IPV4_ADDR(192, 168, 3, 1));
	/* Interfaces: duplicate names/addresses refused. */
	g_assert_null(node_add_iface(n, "eth0", IPV4_ADDR(1, 2, 3, 4), 24));
	g_assert_null(node_add_iface(n, "eth9", IPV4_ADDR(192, 168, 0, 1), 24));
	g_assert_null(node_add_iface(n, "eth9", IPV4_ADDR(127, 0, 0, 2), 8));
	g_assert_true(node_iface_by_name(n, "eth4") == e[4]);
	g_assert_true(node_iface_by_addr(n, IPV4_ADDR(192, 168, 4, 1)) == e[4]);
	g_assert_true(node_is_broadcast_address(n, IPV4_ADDR(192, 168, 4, 255)));
	g_assert_false(node_is_broadcast_address(n, IPV4_ADDR(192, 168, 4, 254)));
	node_free(n);
	sim_fini(&sim);
}

/* The default route carries what nothing more specific matches, end to end. */
static void test_default_route(void)
{
	struct chain c;
	chain_init(&c, false);
	/* R1 knows 10.0.3.0/24 only through its default route to R2; R2 uses a default
	 * toward R1 for everything but its connected subnets. */
	route_add_default(c.a, IPV4_ADDR(10, 0, 1, 254), NULL);
	route_add_default(c.b, IPV4_ADDR(10, 0, 3, 254), NULL);
	route_add_default(c.r1, IPV4_ADDR(10, 0, 2, 2), NULL);
	route_add_default(c.r2, IPV4_ADDR(10, 0, 2, 1), NULL);
	/* A more specific (wrong) route on R1 for 10.0.3.128/25 shows LPM beats it. */
	struct ipv4_prefix p25 = {IPV4_ADDR(10, 0, 3, 128), 25};
	route_add(c.r1, p25, IPV4_ADDR(10, 0, 1, 1), NULL);
	g_assert_cmpint(fx_send(&c.sim, c.a, IPV4_ADDR(10, 0, 3, 1), 100, 1), ==, 0);
	sim_run(&c.sim, SIM_S(1));
	g_assert_cmpuint(c.rx_b->len, ==, 1);
	/* Back from B: R2's default toward R1, then R1's connected route. */
	g_assert_cmpint(fx_send(&c.sim, c.b, IPV4_ADDR(10, 0, 1, 1), 100, 2), ==, 0);
	sim_run(&c.sim, SIM_S(2));
	g_assert_cmpuint(c.rx_b->len, ==, 2);
	g_assert_cmpuint(g_array_index(c.rx_b, struct fx_rx, 1).src, ==, IPV4_ADDR(10, 0, 3, 1));
	chain_fini(&c);
}

/* A router with 65 interfaces, one host on each: every host reaches every other.
 * Delivery and forwarding use hash lookups (no interface scans); this checks that
 * the result is right with many interfaces. */
static void test_router_65(void)
{
	enum { N = 65 };
	struct sim sim;
	sim_init(&sim, 1);
	struct node *r = fx_node(&sim, "R", NODE_ROUTER);
	struct node *h[N];
	struct link *l[N];
	struct fx_recorder *rec[N];
	struct link_dir_config lc = fx_link_cfg(1000000000, SIM_US(10), 1500);
	lc.queue.limit_packets = 0;
	for (int i = 0; i < N; i++) {
		char name[16];
		g_snprintf(name, sizeof(name), "H%d", i);
		h[i] = fx_node(&sim, name, NODE_HOST);
		g_snprintf(name, sizeof(name), "eth%d", i);
		struct iface *ri =
		    node_add_iface(r, name, IPV4_ADDR(10, i / 256, i % 256, 254), 24);
		struct iface *hi =
		    node_add_iface(h[i], "eth0", IPV4_ADDR(10, i / 256, i % 256, 1), 24);
		l[i] = link_new(&sim, name, hi, ri, &lc, &lc);
		route_add_default(h[i], IPV4_ADDR(10, i / 256, i % 256, 254), NULL);
		rec[i] = fx_record(h[i]);
	}
	g_assert_cmpuint(r->n_ifaces, ==, N + 1);
	g_assert_cmpuint(route_count(r), ==, N + 1);
	for (int i = 0; i < N; i++)
		g_assert_true(node_is_local_address(r, IPV4_ADDR(10, 0, i, 254)));
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++)
			if (i != j)
				fx_send(&sim, h[i], IPV4_ADDR(10, 0, j, 1), 64,
				        (uint32_t)(i * 1000 + j));
	/* And every host sends to every address of the router (local delivery at R,
	 * whatever interface the address belongs to). */
	struct fx_recorder *rr = fx_record(r);
	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++)
			fx_send(&sim, h[i], IPV4_ADDR(10, 0, j, 254), 64, (uint32_t)(i * 1000 + j));
	sim_run(&sim, SIM_S(1));
	g_assert_cmpuint(rr->rx->len, ==, N * N);
	for (guint k = 0; k < rr->rx->len; k++) {
		const struct fx_rx *e = &g_array_index(rr->rx, struct fx_rx, k);
		int i = (int)(e->tag / 1000), j = (int)(e->tag % 1000);
		g_assert_cmpuint(e->dst, ==, IPV4_ADDR(10, 0, j, 254));
		g_assert_true(e->iface == node_iface_by_addr(r, IPV4_ADDR(10, 0, i, 254)));
	}
	g_assert_cmpuint(r->ip_stats.in_delivers, ==, N * N);
	g_assert_cmpuint(r->ip_stats.forwarded, ==, N * (N - 1));
	for (int j = 0; j < N; j++) {
		g_assert_cmpuint(rec[j]->rx->len, ==, N - 1);
		for (guint k = 0; k < rec[j]->rx->len; k++) {
			const struct fx_rx *e = &g_array_index(rec[j]->rx, struct fx_rx, k);
			int i = (int)(e->tag / 1000);
			g_assert_cmpint((int)(e->tag % 1000), ==, j);
			g_assert_cmpuint(e->src, ==, IPV4_ADDR(10, 0, i, 1));
			g_assert_cmpuint(e->ttl, ==, 63);
		}
	}
	for (int i = 0; i < N; i++)
		link_free(l[i]);
	for (int i = 0; i < N; i++)
		node_free(h[i]);
	node_free(r);
	fx_assert_no_leak(&sim);
	sim_fini(&sim);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ipv4/codec-vectors", test_codec_vectors);
	g_test_add_func("/ipv4/linux-replay", test_linux_replay);
	g_test_add_func("/ipv4/forward-ttl", test_forward_and_ttl);
	g_test_add_func("/ipv4/no-route", test_no_route);
	g_test_add_func("/ipv4/routing-loop", test_routing_loop);
	g_test_add_func("/ipv4/frag-needed", test_frag_needed);
	g_test_add_func("/ipv4/icmp-suppression", test_icmp_suppression);
	g_test_add_func("/ipv4/input-validation", test_input_validation);
	g_test_add_func("/ipv4/loopback", test_loopback);
	g_test_add_func("/route/lpm", test_lpm);
	g_test_add_func("/route/default", test_default_route);
	g_test_add_func("/ipv4/router-65-interfaces", test_router_65);
	return g_test_run();
}

/* tests/net/test_frag.c — fragmentation (sizes, offsets, flags, options) and
 * reassembly (reordering, duplication, overlap, inconsistency, timeout). */
#include <errno.h>
#include <glib.h>
#include <string.h>

#include "models/ip/icmp.h"
#include "models/ip/ipv4.h"
#include "models/link/link.h"
#include "models/ip/node.h"
#include "sim/core/bytes.h"
#include "sim/core/sim.h"
#include "tests/common/pcapread.h"
#include "tests/net/netfix.h"

#define A_ADDR IPV4_ADDR(10, 0, 0, 1)
#define B_ADDR IPV4_ADDR(10, 0, 0, 2)

/* A payload byte i of datagram `tag` is (tag + i) mod 251, after the 4-byte tag. */
static uint8_t pat(uint32_t tag, uint32_t i)
{
	return (uint8_t)((tag + i) % 251);
}

struct checker {
	GArray *tags;
	GArray *lens;
	uint32_t bad;
	GByteArray *last; /* the last datagram's transport bytes */
};

static void check_input(struct sim *sim, struct node *node, struct sim_packet *pkt,
                        const struct ipv4_rx *rx, void *ctx)
{
	struct checker *c = ctx;
	uint32_t tag = sim_get_be32(pkt->data);
	for (uint32_t i = 4; i < pkt->len; i++)
		if (pkt->data[i] != pat(tag, i))
			c->bad++;
	g_array_append_val(c->tags, tag);
	g_array_append_val(c->lens, pkt->len);
	g_byte_array_set_size(c->last, 0);
	g_byte_array_append(c->last, pkt->data, pkt->len);
	/* The header handed up is consistent: a whole datagram, not a fragment. */
	struct ipv4_hdr h;
	g_assert_cmpint(ipv4_hdr_parse(rx->hdr, rx->hdr_len + pkt->len, &h), ==, 0);
	g_assert_false(ipv4_hdr_is_fragment(&h));
	g_assert_cmpuint(h.total_len, ==, rx->hdr_len + pkt->len);
	g_assert_true(ipv4_hdr_csum_ok(rx->hdr, rx->hdr_len));
	sim_packet_free(pkt);
}

static void check_destroy(struct sim *sim, struct node *node, void *ctx)
{
	struct checker *c = ctx;
	g_array_free(c->tags, TRUE);
	g_array_free(c->lens, TRUE);
	g_byte_array_free(c->last, TRUE);
	g_free(c);
}

static struct checker *checker_attach(struct node *n)
{
	struct checker *c = g_new0(struct checker, 1);
	c->tags = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	c->lens = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	c->last = g_byte_array_new();
	static const struct ipv4_proto_ops ops = {.input = check_input, .destroy = check_destroy};
	g_assert_cmpint(node_register_proto(n, FX_PROTO, &ops, c), ==, 0);
	return c;
}

static int send_pat(struct sim *sim, struct node *n, ipv4_addr_t dst, uint32_t len, uint32_t tag)
{
	struct sim_packet *p = sim_packet_new(sim, SIM_PACKET_HEADROOM, len);
	sim_put_be32(p->data, tag);
	for (uint32_t i = 4; i < len; i++)
		p->data[i] = pat(tag, i);
	struct ipv4_tx tx = {.dst = dst, .proto = FX_PROTO};
	return ipv4_output(sim, n, p, &tx);
}

struct pair {
	struct sim sim;
	struct node *a, *b;
	struct iface *a0, *b0;
	struct link *l;
	struct checker *cb;
	char *dir, *cap;
};

static void pair_init(struct pair *p, const struct link_dir_config *c, bool capture)
{
	sim_init(&p->sim, 3);
	p->a = fx_node(&p->sim, "A", NODE_HOST);
	p->b = fx_node(&p->sim, "B", NODE_HOST);
	p->a0 = node_add_iface(p->a, "eth0", A_ADDR, 24);
	p->b0 = node_add_iface(p->b, "eth0", B_ADDR, 24);
	p->l = link_new(&p->sim, "l", p->a0, p->b0, c, c);
	p->cb = checker_attach(p->b);
	p->dir = p->cap = NULL;
	if (capture) {
		p->dir = fx_tmpdir();
		p->cap = g_build_filename(p->dir, "B-eth0.pcap", NULL);
		GError *err = NULL;
		g_assert_cmpint(iface_capture_start(p->b0, p->cap, &err), ==, 0);
	}
}

static void pair_fini(struct pair *p)
{
	link_free(p->l);
	node_free(p->a);
	node_free(p->b);
	fx_assert_no_leak(&p->sim);
	sim_fini(&p->sim);
	g_free(p->cap);
	if (p->dir)
		fx_tmpdir_free(p->dir);
}

/* 5000 transport bytes at MTU 576: (576 − 20) & ~7 = 552 data bytes per fragment,
 * nine of them and a last one of 32; offsets in 8-byte units, one id, MF on all but
 * the last, DF clear, each header checksum valid. */
static void test_fragment_fields(void)
{
	struct link_dir_config c = fx_link_cfg(100000000, SIM_MS(1), 576);
	c.queue.limit_packets = 0; /* 119 fragments of the 64 KiB datagram below */
	struct pair p;
	pair_init(&p, &c, true);
	p.a->ip_id = 0x7777;
	g_assert_cmpint(send_pat(&p.sim, p.a, B_ADDR, 5000, 1), ==, 0);
	sim_run(&p.sim, SIM_S(1));
	GError *err = NULL;
	g_assert_cmpint(iface_capture_stop(p.b0, &err), ==, 0);
	struct pcap_file f;
	g_assert_true(pcap_load(&f, p.cap));
	g_assert_cmpuint(f.n, ==, 10);
	uint32_t covered = 0;
	for (unsigned i = 0; i < f.n; i++) {
		const uint8_t *ip = f.rec[i].data + 14;
		struct ipv4_hdr h;
		g_assert_cmpint(ipv4_hdr_parse(ip, f.rec[i].caplen - 14, &h), ==, 0);
		g_assert_true(ipv4_hdr_csum_ok(ip, 20));
		g_assert_cmpuint(h.id, ==, 0x7777);
		g_assert_false(h.df);
		g_assert_cmpuint(h.ttl, ==, 64);
		g_assert_cmpuint(h.proto, ==, FX_PROTO);
		g_assert_cmpuint(h.frag_off, ==, i * 69);
		g_assert_cmpuint(ipv4_hdr_frag_bytes(&h), ==, covered);
		uint32_t data = h.total_len - 20u;
		if (i < 9) {
			g_assert_true(h.mf);
			g_assert_cmpuint(data, ==, 552);
			g_assert_cmpuint(data % 8, ==, 0);
		} else {
			g_assert_false(h.mf);
			g_assert_cmpuint(data, ==, 32);
		}
		covered += data;
	}
	g_assert_cmpuint(covered, ==, 5000);
	pcap_unload(&f);
	g_assert_cmpuint(p.cb->tags->len, ==, 1);
	g_assert_cmpuint(g_array_index(p.cb->lens, uint32_t, 0), ==, 5000);
	g_assert_cmpuint(p.cb->bad, ==, 0);
	g_assert_cmpuint(p.a->ip_stats.frag_oks, ==, 1);
	g_assert_cmpuint(p.a->ip_stats.frag_creates, ==, 10);
	g_assert_cmpuint(p.b->ip_stats.reasm_reqds, ==, 10);
	g_assert_cmpuint(p.b->ip_stats.reasm_oks, ==, 1);
	g_assert_cmpuint(frag_table_pending(&p.b->frags), ==, 0);
	/* The largest datagram: 65515 transport bytes (total length 65535). */
	g_assert_cmpint(send_pat(&p.sim, p.a, B_ADDR, 65515, 2), ==, 0);
	g_assert_cmpint(send_pat(&p.sim, p.a, B_ADDR, 65516, 3), ==, -EINVAL);
	sim_run(&p.sim, SIM_S(2));
	g_assert_cmpuint(p.cb->tags->len, ==, 2);
	g_assert_cmpuint(g_array_index(p.cb->lens, uint32_t, 1), ==, 65515);
	g_assert_cmpuint(p.cb->bad, ==, 0);
	pair_fini(&p);
}

/* Reordering jitter mixes the fragments of many datagrams; all are rebuilt intact. */
static void test_reassembly_reordered(void)
{
	struct link_dir_config c = fx_link_cfg(100000000, SIM_MS(5), 600);
	c.jitter = SIM_MS(3);
	c.reorder = true;
	c.queue.limit_packets = 0;
	struct pair p;
	pair_init(&p, &c, false);
	for (uint32_t i = 0; i < 200; i++)
		g_assert_cmpint(send_pat(&p.sim, p.a, B_ADDR, 500 + 37 * i, i), ==, 0);
	sim_run(&p.sim, SIM_S(1));
	g_assert_cmpuint(p.cb->tags->len, ==, 200);
	g_assert_cmpuint(p.cb->bad, ==, 0);
	bool seen[200] = {false};
	bool out_of_order = false;
	for (guint i = 0; i < 200; i++) {
		uint32_t tag = g_array_index(p.cb->tags, uint32_t, i);
		g_assert_false(seen[tag]);
		seen[tag] = true;
		g_assert_cmpuint(g_array_index(p.cb->lens, uint32_t, i), ==, 500 + 37 * tag);
		out_of_order |= tag != i;
	}
	g_assert_true(out_of_order);
	g_assert_cmpuint(frag_table_pending(&p.b->frags), ==, 0);
	pair_fini(&p);
}

/* Duplicated fragments (on a link duplicating 30 %) never corrupt a datagram; every
 * datagram arrives. Copies arriving after their datagram was completed start a new
 * partial datagram, freed by the timer as Linux does. */
static void test_reassembly_duplicated(void)
{
	struct link_dir_config c = fx_link_cfg(100000000, SIM_MS(5), 600);
	c.duplicate = 0.3;
	c.jitter = SIM_MS(1);
	c.reorder = true;
	c.queue.limit_packets = 0;
	struct pair p;
	pair_init(&p, &c, false);
	for (uint32_t i = 0; i < 100; i++)
		g_assert_cmpint(send_pat(&p.sim, p.a, B_ADDR, 2000 + i, i), ==, 0);
	sim_run(&p.sim, SIM_S(1));
	g_assert_cmpuint(p.l->d[LINK_FORWARD].stats.duplicated, >, 50);
	g_assert_cmpuint(p.cb->bad, ==, 0);
	bool seen[100] = {false};
	for (guint i = 0; i < p.cb->tags->len; i++)
		seen[g_array_index(p.cb->tags, uint32_t, i)] = true;
	for (int i = 0; i < 100; i++)
		g_assert_true(seen[i]);
	sim_run(&p.sim, SIM_S(60));
	g_assert_cmpuint(frag_table_pending(&p.b->frags), ==, 0);
	pair_fini(&p);
}

/* Fragments built by hand and handed to B's interface. */
static void inject_frag(struct pair *p, uint16_t id, uint32_t off, bool mf, const uint8_t *data,
                        uint32_t len)
{
	struct sim_packet *pkt = sim_packet_new(&p->sim, SIM_PACKET_HEADROOM, 20 + len);
	struct ipv4_hdr h = {.total_len = (uint16_t)(20 + len),
	                     .id = id,
	                     .mf = mf,
	                     .frag_off = (uint16_t)(off / 8),
	                     .ttl = 64,
	                     .proto = FX_PROTO,
	                     .src = A_ADDR,
	                     .dst = B_ADDR};
	ipv4_hdr_write(pkt->data, &h);
	memcpy(pkt->data + 20, data, len);
	iface_receive(&p->sim, p->b0, pkt);
}

/* Out-of-order, duplicate and overlapping fragments: bytes already received are kept
 * (the first copy wins). */
static void test_reassembly_overlap(void)
{
	struct link_dir_config c = fx_link_cfg(100000000, SIM_MS(1), 1500);
	struct pair p;
	pair_init(&p, &c, false);
	uint8_t d1[64], d2[64], d3[64];
	for (int i = 0; i < 64; i++) {
		d1[i] = (uint8_t)(0x10 + i);
		d2[i] = (uint8_t)(0x80 + i);
		d3[i] = (uint8_t)(0xc0 + i);
	}
	/* Datagram 1: [40, 64) last first, then [16, 48), a duplicate of it, then [0, 24). */
	inject_frag(&p, 1, 40, false, d3 + 40, 24);
	inject_frag(&p, 1, 16, true, d2 + 16, 32);
	inject_frag(&p, 1, 16, true, d2 + 16, 32);
	g_assert_cmpuint(frag_table_pending(&p.b->frags), ==, 1);
	inject_frag(&p, 1, 0, true, d1, 24);
	g_assert_cmpuint(p.cb->tags->len, ==, 1);
	const uint8_t *got = p.cb->last->data;
	g_assert_cmpuint(p.cb->last->len, ==, 64);
	g_assert_cmpmem(got, 16, d1, 16);           /* [0, 16): only d1 */
	g_assert_cmpmem(got + 16, 24, d2 + 16, 24); /* [16, 40): d2 came first */
	g_assert_cmpmem(got + 40, 24, d3 + 40, 24); /* [40, 64): d3 came first */

	/* Datagram 2: one fragment covering two small ones that came before it. (A
	 * "fragment" at offset 0 without MF would be a whole datagram.) */
	inject_frag(&p, 2, 8, true, d1 + 8, 8);
	inject_frag(&p, 2, 32, true, d1 + 32, 16);
	inject_frag(&p, 2, 0, true, d2, 56);
	g_assert_cmpuint(p.cb->tags->len, ==, 1);
	inject_frag(&p, 2, 56, false, d3 + 56, 8);
	g_assert_cmpuint(p.cb->tags->len, ==, 2);
	got = p.cb->last->data;
	g_assert_cmpmem(got, 8, d2, 8);
	g_assert_cmpmem(got + 8, 8, d1 + 8, 8);
	g_assert_cmpmem(got + 16, 16, d2 + 16, 16);
	g_assert_cmpmem(got + 32, 16, d1 + 32, 16);
	g_assert_cmpmem(got + 48, 8, d2 + 48, 8);
	g_assert_cmpmem(got + 56, 8, d3 + 56, 8);

	/* Datagram 3: a non-last fragment whose length is not a multiple of 8 keeps its
	 * whole blocks only (Linux); the hole is filled later. */
	inject_frag(&p, 3, 0, true, d1, 21); /* keeps [0, 16) */
	inject_frag(&p, 3, 24, false, d1 + 24, 8);
	g_assert_cmpuint(p.cb->tags->len, ==, 2);
	inject_frag(&p, 3, 16, true, d3 + 16, 8);
	g_assert_cmpuint(p.cb->tags->len, ==, 3);
	got = p.cb->last->data;
	g_assert_cmpmem(got, 16, d1, 16);
	g_assert_cmpmem(got + 16, 8, d3 + 16, 8);

	/* Inconsistent: two different ends, or data beyond the end. */
	inject_frag(&p, 4, 0, true, d1, 16);
	inject_frag(&p, 4, 32, false, d1, 8);
	inject_frag(&p, 4, 48, false, d1, 8);
	g_assert_cmpuint(p.b->ip_stats.reasm_fails, ==, 1);
	inject_frag(&p, 5, 16, false, d1, 8);
	inject_frag(&p, 5, 24, true, d1, 8);
	g_assert_cmpuint(p.b->ip_stats.reasm_fails, ==, 2);
	g_assert_cmpuint(frag_table_pending(&p.b->frags), ==, 0);
	g_assert_cmpuint(p.cb->tags->len, ==, 3);
	g_assert_cmpuint(p.b->ip_stats.reasm_oks, ==, 3);
	pair_fini(&p);
}

/* A partial datagram is freed by the reassembly timer: memory returns to the pool,
 * and — only if its first fragment had arrived — the source gets ICMP time exceeded,
 * code 1, quoting that fragment (RFC 792). */
struct err_log {
	GArray *e; /* struct ipv4_icmp_error */
};

static void log_err(struct sim *sim, struct node *node, const struct ipv4_icmp_error *e, void *ctx)
{
	struct err_log *l = ctx;
	struct ipv4_icmp_error c = *e;
	c.l4 = NULL;
	g_array_append_val(l->e, c);
}

static void noop_input(struct sim *sim, struct node *node, struct sim_packet *pkt,
                       const struct ipv4_rx *rx, void *ctx)
{
	sim_packet_free(pkt);
}

static void test_reassembly_timeout(void)
{
	struct sim sim;
	sim_init(&sim, 1);
	struct node_config nc;
	node_config_default(&nc);
	g_assert_cmpint(nc.reasm_timeout, ==, SIM_S(30));
	struct node *a = node_new(&sim, "A", &nc);
	struct node *b = node_new(&sim, "B", &nc);
	struct iface *a0 = node_add_iface(a, "eth0", A_ADDR, 24);
	struct iface *b0 = node_add_iface(b, "eth0", B_ADDR, 24);
	struct link_dir_config c = fx_link_cfg(100000000, SIM_MS(1), 1500);
	struct link *l = link_new(&sim, "l", a0, b0, &c, &c);
	struct err_log log = {g_array_new(FALSE, TRUE, sizeof(struct ipv4_icmp_error))};
	static const struct ipv4_proto_ops ops = {.input = noop_input, .icmp_error = log_err};
	node_register_proto(a, FX_PROTO, &ops, &log);
	node_register_proto(b, FX_PROTO, &ops, NULL);

	uint8_t data[1400];
	memset(data, 0xab, sizeof(data));
	/* Datagram 9: first fragment only. Datagram 10: a middle fragment only. */
	struct ipv4_hdr h = {.total_len = 20 + 800,
	                     .id = 9,
	                     .mf = true,
	                     .frag_off = 0,
	                     .ttl = 64,
	                     .proto = FX_PROTO,
	                     .src = A_ADDR,
	                     .dst = B_ADDR};
	struct sim_packet *pkt = sim_packet_new(&sim, SIM_PACKET_HEADROOM, 820);
	ipv4_hdr_write(pkt->data, &h);
	memcpy(pkt->data + 20, data, 800);
	iface_output(&sim, a0, pkt);
	h.id = 10;
	h.frag_off = 100;
	pkt = sim_packet_new(&sim, SIM_PACKET_HEADROOM, 820);
	ipv4_hdr_write(pkt->data, &h);
	memcpy(pkt->data + 20, data, 800);
	iface_output(&sim, a0, pkt);
	sim_run(&sim, SIM_S(29));
	g_assert_cmpuint(frag_table_pending(&b->frags), ==, 2);
	/* Two 64 KiB reassembly buffers are held. */
	g_assert_cmpuint(sim_packet_pool_outstanding(&sim.pool), ==, 2);
	sim_run(&sim, SIM_S(31));
	g_assert_cmpuint(frag_table_pending(&b->frags), ==, 0);
	g_assert_cmpuint(b->ip_stats.reasm_timeouts, ==, 2);
	/* Nothing left anywhere, with both nodes still alive. */
	g_assert_cmpuint(sim_packet_pool_outstanding(&sim.pool), ==, 0);
	g_assert_cmpuint(b->icmp_stats.out_type[ICMP_TIME_EXCEEDED], ==, 1);
	g_assert_cmpuint(log.e->len, ==, 1);
	const struct ipv4_icmp_error *e = &g_array_index(log.e, struct ipv4_icmp_error, 0);
	g_assert_cmpuint(e->type, ==, ICMP_TIME_EXCEEDED);
	g_assert_cmpuint(e->code, ==, ICMP_EXC_FRAGTIME);
	g_assert_cmpuint(e->from, ==, B_ADDR);
	g_assert_cmpuint(e->orig.id, ==, 9);
	g_assert_true(e->orig.mf);
	g_assert_cmpuint(e->orig.total_len, ==, 820);
	g_assert_cmpuint(e->l4_len, ==, 548 - 20); /* 576-byte cap */

	/* The timeout is a knob: 5 s. */
	link_free(l);
	node_free(b);
	nc.reasm_timeout = SIM_S(5);
	b = node_new(&sim, "B", &nc);
	b0 = node_add_iface(b, "eth0", B_ADDR, 24);
	l = link_new(&sim, "l", a0, b0, &c, &c);
	h.id = 11;
	pkt = sim_packet_new(&sim, SIM_PACKET_HEADROOM, 820);
	ipv4_hdr_write(pkt->data, &h);
	memcpy(pkt->data + 20, data, 800);
	iface_output(&sim, a0, pkt);
	sim_time_t t0 = sim_now(&sim);
	sim_run(&sim, t0 + SIM_S(5));
	g_assert_cmpuint(frag_table_pending(&b->frags), ==, 1);
	sim_run(&sim, t0 + SIM_S(5) + SIM_MS(2));
	g_assert_cmpuint(frag_table_pending(&b->frags), ==, 0);
	g_assert_cmpuint(b->ip_stats.reasm_timeouts, ==, 1);

	link_free(l);
	node_free(a);
	node_free(b);
	g_array_free(log.e, TRUE);
	fx_assert_no_leak(&sim);
	sim_fini(&sim);
}

/* A router re-fragmenting a datagram with options: the first fragment keeps them all,
 * later ones only those with the copy flag (RFC 791 §3.1). */
static void test_fragment_options(void)
{
	struct sim sim;
	sim_init(&sim, 1);
	struct link_dir_config big = fx_link_cfg(100000000, SIM_MS(1), 1500);
	struct link_dir_config small = fx_link_cfg(100000000, SIM_MS(1), 300);
	struct fx_arb t;
	fx_arb_init(&sim, &t, 0, &big, &small);
	struct iface *a0 = t.a0, *b0 = t.b0;
	struct checker *cb = checker_attach(t.b);
	char *dir = fx_tmpdir();
	char *cap = g_build_filename(dir, "B.pcap", NULL);
	GError *err = NULL;
	g_assert_cmpint(iface_capture_start(b0, cap, &err), ==, 0);

	/* Options: router alert (0x94, copied, 4 bytes), NOP, a 7-byte record route
	 * (0x07, not copied), end of list: 12 bytes, IHL 8. */
	static const uint8_t opts[12] = {0x94, 0x04, 0x00, 0x00, 0x01, 0x07,
	                                 0x07, 0x04, 0,    0,    0,    0};
	uint32_t len = 600, hl = 32;
	struct sim_packet *pkt = sim_packet_new(&sim, SIM_PACKET_HEADROOM, hl + len);
	struct ipv4_hdr h = {.total_len = (uint16_t)(hl + len),
	                     .id = 0x99,
	                     .ttl = 64,
	                     .proto = FX_PROTO,
	                     .src = IPV4_ADDR(10, 0, 1, 1),
	                     .dst = IPV4_ADDR(10, 0, 2, 1)};
	ipv4_hdr_write(pkt->data, &h);
	pkt->data[0] = 0x48;
	memcpy(pkt->data + 20, opts, 12);
	ipv4_hdr_set_csum(pkt->data, hl);
	sim_put_be32(pkt->data + hl, 77);
	for (uint32_t i = 4; i < len; i++)
		pkt->data[hl + i] = pat(77, i);
	iface_output(&sim, a0, pkt);
	sim_run(&sim, SIM_S(1));
	g_assert_cmpint(iface_capture_stop(b0, &err), ==, 0);

	struct pcap_file f;
	g_assert_true(pcap_load(&f, cap));
	/* First: IHL 8, (300 − 32) & ~7 = 264 bytes. Later: IHL 6 (router alert only),
	 * (300 − 24) & ~7 = 272, then the remaining 64. */
	g_assert_cmpuint(f.n, ==, 3);
	const uint32_t ihl[3] = {32, 24, 24}, dlen[3] = {264, 272, 64};
	uint32_t off = 0;
	for (unsigned i = 0; i < 3; i++) {
		const uint8_t *ip = f.rec[i].data + 14;
		struct ipv4_hdr fh;
		g_assert_cmpint(ipv4_hdr_parse(ip, f.rec[i].caplen - 14, &fh), ==, 0);
		g_assert_cmpuint(fh.hdr_len, ==, ihl[i]);
		g_assert_cmpuint(fh.total_len - fh.hdr_len, ==, dlen[i]);
		g_assert_cmpuint(ipv4_hdr_frag_bytes(&fh), ==, off);
		g_assert_true(ipv4_hdr_csum_ok(ip, fh.hdr_len));
		g_assert_cmpuint(fh.ttl, ==, 63);
		g_assert_cmpmem(ip + 20, 4, opts, 4);
		if (i == 0)
			g_assert_cmpmem(ip + 20, 12, opts, 12);
		off += dlen[i];
	}
	pcap_unload(&f);
	g_assert_cmpuint(cb->tags->len, ==, 1);
	g_assert_cmpuint(g_array_index(cb->lens, uint32_t, 0), ==, len);
	g_assert_cmpuint(cb->bad, ==, 0);
	fx_arb_free(&t);
	fx_assert_no_leak(&sim);
	sim_fini(&sim);
	g_free(cap);
	fx_tmpdir_free(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/frag/fields", test_fragment_fields);
	g_test_add_func("/frag/reassembly-reordered", test_reassembly_reordered);
	g_test_add_func("/frag/reassembly-duplicated", test_reassembly_duplicated);
	g_test_add_func("/frag/reassembly-overlap", test_reassembly_overlap);
	g_test_add_func("/frag/reassembly-timeout", test_reassembly_timeout);
	g_test_add_func("/frag/options", test_fragment_options);
	return g_test_run();
}

/* tests/net/test_ecn.c — the ECN field of IPv4 (RFC 3168 §5): CE marking with the
 * checksum updated incrementally, codepoints kept by forwarding and fragmentation,
 * the reassembly rules of §5.3, and marks made by a queue on a router reaching the
 * receiver. */
#include <glib.h>
#include <string.h>

#include "models/ip/ecn.h"
#include "models/ip/frag.h"
#include "models/ip/ipv4.h"
#include "models/link/iface.h"
#include "sim/core/bytes.h"
#include "sim/core/sim.h"
#include "tests/net/netfix.h"

static struct sim_packet *dgram(struct sim *sim, uint8_t tos, uint32_t len)
{
	struct sim_packet *p = sim_packet_new(sim, SIM_PACKET_HEADROOM, len);
	memset(p->data, 0, len);
	struct ipv4_hdr h = {.tos = tos, .total_len = (uint16_t)len, .id = 7, .ttl = 64,
	                     .proto = FX_PROTO, .src = IPV4_ADDR(10, 0, 1, 1),
	                     .dst = IPV4_ADDR(10, 0, 2, 1)};
	ipv4_hdr_write(p->data, &h);
	return p;
}

/* RFC 3168 §5: ECT(0), ECT(1) become CE, CE stays, Not-ECT is refused; the header
 * checksum stays valid (RFC 1624) and only the ECN bits change. */
static void test_set_ce(void)
{
	struct sim sim;
	sim_init(&sim, 1);
	static const uint8_t tos[] = {0xb8 | IPV4_ECN_ECT0, 0x20 | IPV4_ECN_ECT1, IPV4_ECN_CE,
	                              0xb8 | IPV4_ECN_NOT_ECT};
	for (unsigned i = 0; i < G_N_ELEMENTS(tos); i++) {
		struct sim_packet *p = dgram(&sim, tos[i], 60);
		bool ect = (tos[i] & IPV4_ECN_MASK) != IPV4_ECN_NOT_ECT;
		g_assert_true(ipv4_ecn_set_ce(p) == ect);
		uint8_t want = ect ? (uint8_t)(tos[i] | IPV4_ECN_CE) : tos[i];
		g_assert_cmpuint(p->data[IPV4_OFF_TOS], ==, want);
		g_assert_true(ipv4_hdr_csum_ok(p->data, IPV4_HDR_LEN));
		sim_packet_free(p);
	}
	fx_assert_no_leak(&sim);
	sim_fini(&sim);
}

/* A — R — B: every codepoint crosses the router unchanged, whole and fragmented
 * (l2's MTU 576 makes R fragment 2000-byte datagrams); B reassembles them with the
 * codepoint they were sent with. */
static void test_forward_and_fragment(void)
{
	struct sim sim;
	sim_init(&sim, 1);
	struct link_dir_config c1 = fx_link_cfg(100000000, SIM_MS(1), 1500);
	struct link_dir_config c2 = fx_link_cfg(100000000, SIM_MS(1), 576);
	struct fx_arb t;
	fx_arb_init(&sim, &t, 0, &c1, &c2);
	struct fx_recorder *rb = fx_record(t.b);
	for (uint8_t e = 0; e < 4; e++) {
		struct ipv4_tx tx = {.dst = IPV4_ADDR(10, 0, 2, 1), .proto = FX_PROTO,
		                     .tos = (uint8_t)(0x28 | e)};
		g_assert_cmpint(fx_send_tx(&sim, t.a, &tx, 100, e), ==, 0);
		g_assert_cmpint(fx_send_tx(&sim, t.a, &tx, 2000, 10 + e), ==, 0);
	}
	sim_run(&sim, SIM_S(1));
	g_assert_cmpuint(rb->rx->len, ==, 8);
	for (guint i = 0; i < rb->rx->len; i++) {
		const struct fx_rx *r = &g_array_index(rb->rx, struct fx_rx, i);
		g_assert_cmpuint(r->tos, ==, 0x28 | (r->tag % 10));
	}
	g_assert_cmpuint(t.b->ip_stats.reasm_oks, ==, 4);
	fx_arb_free(&t);
	fx_assert_no_leak(&sim);
	sim_fini(&sim);
}

/* Two fragments of one datagram (first 8 data bytes, then the last 8) with the
 * given codepoints, injected at B. Returns the codepoint B's recorder saw, or -1 when
 * the datagram was discarded. */
static int reassemble(uint8_t first, uint8_t last)
{
	struct sim sim;
	sim_init(&sim, 1);
	struct link_dir_config c = fx_link_cfg(10000000, SIM_MS(1), 1500);
	struct fx_arb t;
	fx_arb_init(&sim, &t, 0, &c, &c);
	struct fx_recorder *rb = fx_record(t.b);
	for (int k = 0; k < 2; k++) {
		struct sim_packet *p = sim_packet_new(&sim, SIM_PACKET_HEADROOM, 28);
		memset(p->data, 0, 28);
		struct ipv4_hdr h = {.tos = k ? last : first, .total_len = 28, .id = 99,
		                     .mf = k == 0, .frag_off = (uint16_t)k, .ttl = 64,
		                     .proto = FX_PROTO, .src = IPV4_ADDR(10, 0, 1, 1),
		                     .dst = IPV4_ADDR(10, 0, 2, 1)};
		ipv4_hdr_write(p->data, &h);
		iface_receive(&sim, t.b0, p);
	}
	sim_run(&sim, SIM_MS(10));
	int got = rb->rx->len ? (int)(g_array_index(rb->rx, struct fx_rx, 0).tos & 3) : -1;
	if (got < 0)
		g_assert_cmpuint(t.b->ip_stats.reasm_fails, ==, 1);
	fx_arb_free(&t);
	fx_assert_no_leak(&sim);
	sim_fini(&sim);
	return got;
}

/* RFC 3168 §5.3: a CE fragment makes the datagram CE (in either position); CE with a
 * Not-ECT fragment may not become CE, so it is discarded, and so is Not-ECT with ECT
 * (Linux's ip_frag_ecn_table); ECT(0) with ECT(1) keeps the first's. */
static void test_reassembly_rules(void)
{
	g_assert_cmpint(reassemble(IPV4_ECN_ECT0, IPV4_ECN_CE), ==, IPV4_ECN_CE);
	g_assert_cmpint(reassemble(IPV4_ECN_CE, IPV4_ECN_ECT1), ==, IPV4_ECN_CE);
	g_assert_cmpint(reassemble(IPV4_ECN_CE, IPV4_ECN_CE), ==, IPV4_ECN_CE);
	g_assert_cmpint(reassemble(IPV4_ECN_NOT_ECT, IPV4_ECN_CE), ==, -1);
	g_assert_cmpint(reassemble(IPV4_ECN_ECT0, IPV4_ECN_NOT_ECT), ==, -1);
	g_assert_cmpint(reassemble(IPV4_ECN_ECT0, IPV4_ECN_ECT1), ==, IPV4_ECN_ECT0);
	g_assert_cmpint(reassemble(IPV4_ECN_ECT1, IPV4_ECN_ECT0), ==, IPV4_ECN_ECT1);
	g_assert_cmpint(reassemble(IPV4_ECN_NOT_ECT, IPV4_ECN_NOT_ECT), ==, IPV4_ECN_NOT_ECT);
}

/* A step marker (k = 3) on the router's egress toward B: of a burst of 20 ECT(0)
 * datagrams, those that found more than 3 waiting arrive CE — with a header checksum
 * B accepted — and the Not-ECT burst after them passes unmarked, nothing dropped. */
static void test_router_marks(void)
{
	struct sim sim;
	sim_init(&sim, 1);
	struct link_dir_config c1 = fx_link_cfg(100000000, SIM_MS(1), 1500);
	struct link_dir_config c2 = fx_link_cfg(10000000, SIM_MS(1), 1500);
	queue_config_set_type(&c2.queue, QUEUE_STEP);
	c2.queue.step.k = 3;
	struct fx_arb t;
	fx_arb_init(&sim, &t, 0, &c1, &c2);
	struct fx_recorder *rb = fx_record(t.b);
	for (uint32_t i = 0; i < 40; i++) {
		struct ipv4_tx tx = {.dst = IPV4_ADDR(10, 0, 2, 1), .proto = FX_PROTO,
		                     .tos = i < 20 ? IPV4_ECN_ECT0 : IPV4_ECN_NOT_ECT};
		g_assert_cmpint(fx_send_tx(&sim, t.a, &tx, 1000, i), ==, 0);
	}
	sim_run(&sim, SIM_S(1));
	g_assert_cmpuint(rb->rx->len, ==, 40);
	guint ce = 0;
	for (guint i = 0; i < rb->rx->len; i++) {
		const struct fx_rx *r = &g_array_index(rb->rx, struct fx_rx, i);
		if ((r->tos & 3) == IPV4_ECN_CE) {
			g_assert_cmpuint(r->tag, <, 20);
			ce++;
		}
	}
	struct link_stats st;
	link_get_stats(t.l2, LINK_FORWARD, &st);
	g_assert_cmpuint(ce, ==, st.ecn_marks);
	g_assert_cmpuint(ce, >, 10);
	g_assert_cmpuint(st.queue_drops, ==, 0);
	g_assert_cmpuint(t.b->ip_stats.in_csum_errors, ==, 0);
	fx_arb_free(&t);
	fx_assert_no_leak(&sim);
	sim_fini(&sim);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ecn/set-ce", test_set_ce);
	g_test_add_func("/ecn/forward-and-fragment", test_forward_and_fragment);
	g_test_add_func("/ecn/reassembly-rules", test_reassembly_rules);
	g_test_add_func("/ecn/router-marks", test_router_marks);
	return g_test_run();
}

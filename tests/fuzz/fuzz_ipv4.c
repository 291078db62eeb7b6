/* tests/fuzz/fuzz_ipv4.c — arbitrary datagrams arriving on an interface of a host
 * (built as fuzz_ipv4_host) or of a router (fuzz_ipv4_router, FUZZ_ROUTER=1).
 *
 * The world, built afresh for each input so that every finding reproduces from its
 * input alone (it costs a few microseconds, far less than running it):
 *
 *   H 10.7.1.1 ── hr: 10 Mbit/s, 1 ms, MTU 1500 ── R ── rp: 10 Mbit/s, 1 ms, MTU 576 ── P 10.7.2.1
 *
 * TCP on H and P, a bulk flow P → H:5001 (30 000 bytes), a UDP sink on H:9, H pinging
 * P with 1000-byte payloads (fragmented towards P). After 15 ms of simulated time
 * (the connection established, data and fragments in flight) the input's datagrams
 * are injected, then the world runs 300 ms more and is torn down.
 *
 * Input: records of [ctl: 1 byte][length: 2 bytes, big-endian][datagram bytes].
 *   ctl bits 0-1  where it arrives: host: H:eth0, H:lo, H:eth0 sent to the subnet
 *                 broadcast, H:eth0 from H's own address; router: R:eth0 (to be
 *                 forwarded to P), R:eth1 (to H), R:eth0 addressed to R, R:lo
 *   ctl bit 2     patch addresses and ports so that the datagram belongs to the live
 *                 traffic (TCP to the connection, UDP to the sink, an ICMP error
 *                 quoting one of H's segments to the connection)
 *   ctl bit 3     fix the checksums (quoted header, transport, IPv4 header)
 *   ctl bits 4-7  simulated time to let pass first, in half milliseconds
 * so a seed is a real packet (tests/fuzz/corpus/ipv4_*: the frames of the Linux
 * captures in tests/vectors) and the fuzzer is free to break any byte of it, fragments
 * and ICMP quotations included.
 *
 * Invariants: no crash, leak or sanitizer report; every packet is back in the pool
 * once the world is freed (no model keeps or loses one).
 */
#include <glib.h>
#include <string.h>

#include "models/apps/bulk.h"
#include "models/apps/ping.h"
#include "models/apps/udp_app.h"
#include "models/ip/csum.h"
#include "models/ip/ipv4.h"
#include "models/ip/node.h"
#include "models/ip/route.h"
#include "models/link/iface.h"
#include "models/link/link.h"
#include "models/tcp/attach.h"
#include "sim/core/bytes.h"
#include "sim/core/sim.h"
#include "tests/fuzz/fuzz.h"

#ifndef FUZZ_ROUTER
#define FUZZ_ROUTER 0
#endif

#define ADDR_H IPV4_ADDR(10, 7, 1, 1)
#define ADDR_R0 IPV4_ADDR(10, 7, 1, 254)
#define ADDR_R1 IPV4_ADDR(10, 7, 2, 254)
#define ADDR_P IPV4_ADDR(10, 7, 2, 1)
#define BCAST_H IPV4_ADDR(10, 7, 1, 255)
#define PORT_BULK 5001
#define PORT_UDP 9
#define MAX_RECORDS 64

struct world {
	struct sim sim;
	struct node *h, *r, *p;
	struct link *hr, *rp;
	struct tcp_stack *th, *tp;
	struct bulk *bulk;
	struct udp_sink *sink;
	struct ping_app *ping;
};

static struct link_dir_config dir_cfg(uint32_t mtu)
{
	struct link_dir_config c;
	link_dir_config_default(&c);
	c.bandwidth_bps = 10000000;
	c.delay = SIM_MS(1);
	c.mtu = mtu;
	return c;
}

static void world_build(struct world *w)
{
	memset(w, 0, sizeof(*w));
	sim_init(&w->sim, 1);
	struct node_config hc, rc;
	node_config_default(&hc);
	node_config_default(&rc);
	rc.kind = NODE_ROUTER;
	w->h = node_new(&w->sim, "H", &hc);
	w->r = node_new(&w->sim, "R", &rc);
	w->p = node_new(&w->sim, "P", &hc);
	struct iface *h0 = node_add_iface(w->h, "eth0", ADDR_H, 24);
	struct iface *r0 = node_add_iface(w->r, "eth0", ADDR_R0, 24);
	struct iface *r1 = node_add_iface(w->r, "eth1", ADDR_R1, 24);
	struct iface *p0 = node_add_iface(w->p, "eth0", ADDR_P, 24);
	struct link_dir_config big = dir_cfg(1500), small = dir_cfg(576);
	w->hr = link_new(&w->sim, "hr", h0, r0, &big, &big);
	w->rp = link_new(&w->sim, "rp", r1, p0, &small, &small);
	route_add_default(w->h, ADDR_R0, NULL);
	route_add_default(w->p, ADDR_R1, NULL);
	struct tcp_config tc;
	tcp_config_defaults(&tc, TCP_PROFILE_LINUX);
	w->th = tcp_stack_attach(&w->sim, w->h, &tc);
	w->tp = tcp_stack_attach(&w->sim, w->p, &tc);

	struct bulk_config bc;
	bulk_config_default(&bc);
	bc.name = "bulk";
	bc.sender.stack = w->tp;
	bc.receiver.stack = w->th;
	bc.receiver.addr = ADDR_H;
	bc.receiver.port = PORT_BULK;
	bc.bytes = 30000;
	w->bulk = bulk_new(&w->sim, &bc, NULL);
	fz_check(w->bulk != NULL, "bulk flow");
	struct udp_sink_config uc;
	udp_sink_config_default(&uc);
	uc.port = PORT_UDP;
	int err;
	w->sink = udp_sink_new(&w->sim, w->h, "sink", &uc, &err);
	struct ping_config pc;
	ping_config_default(&pc);
	pc.dst = ADDR_P;
	pc.count = 2;
	pc.interval = SIM_MS(5);
	pc.payload_bytes = 1000;
	w->ping = ping_new(&w->sim, w->h, "ping", &pc);
}

static void world_free(struct world *w)
{
	bulk_free(w->bulk);
	udp_sink_free(w->sink);
	ping_free(w->ping);
	link_free(w->hr);
	link_free(w->rp);
	node_free(w->h);
	node_free(w->r);
	node_free(w->p);
	fz_check(sim_packet_pool_outstanding(&w->sim.pool) == 0, "a packet was not freed");
	sim_fini(&w->sim);
}

/* ---- making a datagram belong to the live traffic ------------------------------------ */

/* The IPv4 header of a datagram: its length if plausible, else 0. */
static size_t ip_hdr_len(const uint8_t *b, size_t len)
{
	size_t ihl = (size_t)(b[0] & 0x0f) * 4;
	return len >= 20 && ihl >= 20 && ihl <= len ? ihl : 0;
}

/* Sets addresses (and, for TCP and UDP, ports) of the datagram at b. */
static void patch_one(uint8_t *b, size_t len, ipv4_addr_t src, ipv4_addr_t dst, uint16_t sport,
		      uint16_t dport)
{
	size_t ihl = ip_hdr_len(b, len);
	if (ihl == 0)
		return;
	sim_put_be32(b + IPV4_OFF_SRC, src);
	sim_put_be32(b + IPV4_OFF_DST, dst);
	uint8_t proto = b[IPV4_OFF_PROTO];
	if ((proto == IPV4_PROTO_TCP || proto == IPV4_PROTO_UDP) && len >= ihl + 4) {
		sim_put_be16(b + ihl, sport);
		sim_put_be16(b + ihl + 2, proto == IPV4_PROTO_UDP ? PORT_UDP : dport);
	}
}

/* The flow P:port → H:5001 is the live connection; H's segments go the other way. */
static void patch(struct world *w, uint8_t *b, size_t len, ipv4_addr_t src, ipv4_addr_t dst)
{
	struct tcp_sock *s = bulk_sender_socket(w->bulk);
	uint16_t pport = s ? tcp_local_port(s) : 40000;
	patch_one(b, len, src, dst, pport, PORT_BULK);
	size_t ihl = ip_hdr_len(b, len);
	/* An ICMP error quotes a datagram H sent: H:5001 → P:port. */
	if (ihl && b[IPV4_OFF_PROTO] == IPV4_PROTO_ICMP && len >= ihl + 8 + 20)
		patch_one(b + ihl + 8, len - ihl - 8, ADDR_H, ADDR_P, PORT_BULK, pport);
}

/* ---- checksums ------------------------------------------------------------------------ */

static uint16_t pseudo_csum(const uint8_t *ip, const uint8_t *seg, size_t len, uint8_t proto)
{
	uint8_t ph[12];
	memcpy(ph, ip + IPV4_OFF_SRC, 8);
	ph[8] = 0;
	ph[9] = proto;
	sim_put_be16(ph + 10, (uint16_t)len);
	return inet_csum_finish(inet_csum_add(inet_csum_add(0, ph, 12), seg, len));
}

/* Recomputes the checksum of the transport header (not of fragments) and of the
 * IPv4 header; `depth` > 0 for a quoted datagram (whose transport part is cut). */
static void fix_csums(uint8_t *b, size_t len, int depth)
{
	size_t ihl = ip_hdr_len(b, len);
	if (ihl == 0)
		return;
	size_t total = sim_get_be16(b + IPV4_OFF_TOTAL_LEN);
	bool fragment = (sim_get_be16(b + IPV4_OFF_FLAGS_FRAG) & 0x3fff) != 0;
	uint8_t proto = b[IPV4_OFF_PROTO];
	if (depth == 0 && !fragment && total >= ihl && total <= len) {
		uint8_t *t = b + ihl;
		size_t tl = total - ihl;
		if (proto == IPV4_PROTO_ICMP && tl >= 8) {
			if (tl >= 8 + 20)
				fix_csums(t + 8, tl - 8, depth + 1);
			sim_put_be16(t + 2, 0);
			sim_put_be16(t + 2, inet_csum_finish(inet_csum_add(0, t, tl)));
		} else if (proto == IPV4_PROTO_TCP && tl >= 20) {
			sim_put_be16(t + 16, 0);
			sim_put_be16(t + 16, pseudo_csum(b, t, tl, proto));
		} else if (proto == IPV4_PROTO_UDP && tl >= 8) {
			sim_put_be16(t + 6, 0);
			uint16_t c = pseudo_csum(b, t, tl, proto);
			sim_put_be16(t + 6, c ? c : 0xffff);
		}
	}
	ipv4_hdr_set_csum(b, ihl);
}

/* ---- one input ---------------------------------------------------------------------------- */

static void inject(struct world *w, uint8_t ctl, const uint8_t *bytes, size_t len)
{
	struct sim *sim = &w->sim;
	unsigned where = ctl & 3;
	struct iface *ifc;
	ipv4_addr_t src, dst;
#if FUZZ_ROUTER
	static const ipv4_addr_t srcs[4] = {ADDR_H, ADDR_P, ADDR_H, ADDR_R0};
	static const ipv4_addr_t dsts[4] = {ADDR_P, ADDR_H, ADDR_R0, ADDR_R0};
	struct node *n = w->r;
	ifc = where == 3 ? node_loopback(n) : n->ifaces[where == 1 ? 2 : 1];
#else
	static const ipv4_addr_t srcs[4] = {ADDR_P, ADDR_H, ADDR_P, ADDR_H};
	static const ipv4_addr_t dsts[4] = {ADDR_H, ADDR_H, BCAST_H, ADDR_P};
	struct node *n = w->h;
	ifc = where == 1 ? node_loopback(n) : n->ifaces[1];
#endif
	src = srcs[where];
	dst = dsts[where];
	struct sim_packet *pkt = sim_packet_new(sim, SIM_PACKET_HEADROOM, (uint32_t)len);
	memcpy(pkt->data, bytes, len);
	if (ctl & 4)
		patch(w, pkt->data, len, src, dst);
	if (ctl & 8)
		fix_csums(pkt->data, len, 0);
	iface_receive(sim, ifc, pkt);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct world w;
	world_build(&w);
	sim_run(&w.sim, SIM_MS(15));
	struct fz_reader r = {data, data + size};
	for (int i = 0; i < MAX_RECORDS && fz_left(&r) >= 3; i++) {
		uint8_t ctl = fz_u8(&r);
		size_t want = fz_u16(&r), got;
		const uint8_t *bytes = fz_bytes(&r, want, &got);
		sim_run(&w.sim, sim_now(&w.sim) + (sim_time_t)(ctl >> 4) * SIM_US(500));
		inject(&w, ctl, bytes, got);
	}
	sim_run(&w.sim, sim_now(&w.sim) + SIM_MS(300));
	world_free(&w);
	return 0;
}

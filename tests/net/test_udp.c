/* tests/net/test_udp.c — UDP: checksum (pseudo header, 0 → 0xffff), the three
 * binding cases (0.0.0.0, 127.0.0.1, a specific address) on a three-PC network,
 * port unreachable, ECONNREFUSED, connected filtering, broadcast, ephemeral ports. */
#include <errno.h>
#include <glib.h>
#include <string.h>

#include "models/ip/csum.h"
#include "models/ip/icmp.h"
#include "models/ip/ipv4.h"
#include "models/link/link.h"
#include "models/ip/node.h"
#include "models/ip/udp.h"
#include "sim/core/bytes.h"
#include "sim/core/sim.h"
#include "tests/common/pcapread.h"
#include "tests/net/netfix.h"

/* ---- codec ---- */

static void test_checksum_vectors(void)
{
	struct pcap_file f;
	char *path = g_build_filename(VECTORS_DIR, "linux-a.pcap", NULL);
	g_assert_true(pcap_load(&f, path));
	g_free(path);
	static const unsigned frames[] = {64, 65};
	for (unsigned i = 0; i < 2; i++) {
		const uint8_t *ip = f.rec[frames[i] - 1].data + 14;
		const uint8_t *u = ip + 20;
		ipv4_addr_t src = sim_get_be32(ip + 12), dst = sim_get_be32(ip + 16);
		g_assert_true(udp_csum_ok(u, 16, src, dst));
		uint8_t out[16];
		memcpy(out + 8, u + 8, 8);
		udp_hdr_write(out, 16, src, dst, sim_get_be16(u), sim_get_be16(u + 2));
		g_assert_cmpmem(out, 16, u, 16);
	}
	g_assert_cmpuint(sim_get_be16(f.rec[63].data + 14 + 26), ==, 0x7121);
	pcap_unload(&f);
}

/* RFC 768: a computed checksum of 0 is sent as 0xffff, and 0 on receipt means none. */
static void test_checksum_zero(void)
{
	ipv4_addr_t src = IPV4_ADDR(10, 0, 0, 1), dst = IPV4_ADDR(10, 0, 0, 2);
	uint8_t u[10] = {0};
	/* Find payload bytes that make the sum come out as zero. */
	bool found = false;
	for (uint32_t v = 0; v < 0x10000 && !found; v++) {
		sim_put_be16(u + 8, (uint16_t)v);
		sim_put_be16(u + 6, 0);
		sim_put_be16(u, 1000);
		sim_put_be16(u + 2, 2000);
		sim_put_be16(u + 4, 10);
		uint32_t s = inet_csum_add(0, u, 10) + (src >> 16) + (src & 0xffff) + (dst >> 16) +
		             (dst & 0xffff) + 17 + 10;
		if (inet_csum_finish(s) == 0)
			found = true;
	}
	g_assert_true(found);
	udp_hdr_write(u, 10, src, dst, 1000, 2000);
	g_assert_cmpuint(sim_get_be16(u + 6), ==, 0xffff);
	g_assert_true(udp_csum_ok(u, 10, src, dst));
	sim_put_be16(u + 6, 0);
	g_assert_true(udp_csum_ok(u, 10, src, dst));
	sim_put_be16(u + 6, 0x1234);
	g_assert_false(udp_csum_ok(u, 10, src, dst));
}

/* ---- the three-PC network ----
 *   A 10.0.1.1 ── 10.0.1.2 [B] 10.0.2.2 ── 10.0.2.1 C       (B is a host) */
struct net3 {
	struct sim sim;
	struct node *a, *b, *c;
	struct iface *a0, *b0, *b1, *c0;
	struct link *l1, *l2;
	struct udp_stack *ua, *ub, *uc;
};

static void net3_init(struct net3 *n)
{
	sim_init(&n->sim, 1);
	n->a = fx_node(&n->sim, "A", NODE_HOST);
	n->b = fx_node(&n->sim, "B", NODE_HOST);
	n->c = fx_node(&n->sim, "C", NODE_HOST);
	n->a0 = node_add_iface(n->a, "eth0", IPV4_ADDR(10, 0, 1, 1), 24);
	n->b0 = node_add_iface(n->b, "eth0", IPV4_ADDR(10, 0, 1, 2), 24);
	n->b1 = node_add_iface(n->b, "eth1", IPV4_ADDR(10, 0, 2, 2), 24);
	n->c0 = node_add_iface(n->c, "eth0", IPV4_ADDR(10, 0, 2, 1), 24);
	struct link_dir_config lc = fx_link_cfg(10000000, SIM_MS(1), 1500);
	n->l1 = link_new(&n->sim, "l1", n->a0, n->b0, &lc, &lc);
	n->l2 = link_new(&n->sim, "l2", n->b1, n->c0, &lc, &lc);
	n->ua = udp_attach(&n->sim, n->a);
	n->ub = udp_attach(&n->sim, n->b);
	n->uc = udp_attach(&n->sim, n->c);
	g_assert_true(udp_attach(&n->sim, n->b) == n->ub);
	g_assert_true(udp_stack_of(n->b) == n->ub);
}

static void net3_fini(struct net3 *n)
{
	link_free(n->l1);
	link_free(n->l2);
	node_free(n->a);
	node_free(n->b);
	node_free(n->c);
	fx_assert_no_leak(&n->sim);
	sim_fini(&n->sim);
}

/* What a socket received: "<src>:<sport>><dst> <payload>" lines. */
static void log_rx(struct sim *sim, struct udp_sock *s, struct sim_packet *pkt,
                   const struct udp_meta *m, void *ctx)
{
	GString *g = ctx;
	char a[IPV4_ADDR_STRLEN], b[IPV4_ADDR_STRLEN];
	g_string_append_printf(g, "%s:%u>%s %.*s\n", ipv4_format(m->src, a), m->sport,
	                       ipv4_format(m->dst, b), (int)pkt->len, (const char *)pkt->data);
	sim_packet_free(pkt);
}

static struct udp_sock *listener(struct udp_stack *st, ipv4_addr_t addr, uint16_t port,
                                 GString *log)
{
	struct udp_sock *s = udp_socket(st);
	g_assert_cmpint(udp_bind(s, addr, port), ==, 0);
	udp_set_callbacks(s, log_rx, NULL, log);
	return s;
}

static void send_from(struct net3 *n, struct udp_stack *st, ipv4_addr_t dst, uint16_t port,
                      const char *msg)
{
	struct udp_sock *s = udp_socket(st);
	g_assert_cmpint(udp_bind(s, IPV4_ANY, 5000), ==, 0);
	g_assert_cmpint(udp_sendto(s, msg, strlen(msg), dst, port, NULL), ==, (ssize_t)strlen(msg));
	udp_close(s);
	sim_run(&n->sim, sim_now(&n->sim) + SIM_MS(100));
}

static void test_binding_cases(void)
{
	struct net3 n;
	net3_init(&n);
	route_add_default(n.a, IPV4_ADDR(10, 0, 1, 2), NULL);
	route_add_default(n.c, IPV4_ADDR(10, 0, 2, 2), NULL);
	GString *l7 = g_string_new(NULL), *l8 = g_string_new(NULL), *l9 = g_string_new(NULL);
	struct udp_sock *s7 = listener(n.ub, IPV4_ADDR(10, 0, 1, 2), 7, l7); /* specific */
	struct udp_sock *s8 = listener(n.ub, IPV4_LOOPBACK, 8, l8);          /* loopback */
	struct udp_sock *s9 = listener(n.ub, IPV4_ANY, 9, l9);               /* wildcard */

	/* Specific address: only datagrams to 10.0.1.2. */
	send_from(&n, n.ua, IPV4_ADDR(10, 0, 1, 2), 7, "A to 10.0.1.2:7");
	send_from(&n, n.uc, IPV4_ADDR(10, 0, 2, 2), 7, "C to 10.0.2.2:7");
	send_from(&n, n.ub, IPV4_ADDR(10, 0, 1, 2), 7, "B to 10.0.1.2:7");
	send_from(&n, n.ub, IPV4_LOOPBACK, 7, "B to 127.0.0.1:7");
	g_assert_cmpstr(l7->str, ==,
	                "10.0.1.1:5000>10.0.1.2 A to 10.0.1.2:7\n"
	                "10.0.1.2:5000>10.0.1.2 B to 10.0.1.2:7\n");

	/* 127.0.0.1: only from the host itself. */
	send_from(&n, n.ub, IPV4_LOOPBACK, 8, "B to 127.0.0.1:8");
	send_from(&n, n.ua, IPV4_ADDR(10, 0, 1, 2), 8, "A to 10.0.1.2:8");
	send_from(&n, n.ub, IPV4_ADDR(10, 0, 2, 2), 8, "B to 10.0.2.2:8");
	g_assert_cmpstr(l8->str, ==, "127.0.0.1:5000>127.0.0.1 B to 127.0.0.1:8\n");
	/* Even a datagram addressed to 127.0.0.1 from outside never gets there: a
	 * loopback destination on a wire interface is a martian (RFC 1122 §3.2.1.3). */
	uint64_t martians = n.b->ip_stats.in_martians;
	struct sim_packet *p = sim_packet_new(&n.sim, SIM_PACKET_HEADROOM, 12);
	memcpy(p->data + 8, "evil", 4);
	udp_hdr_write(p->data, 12, IPV4_ADDR(10, 0, 1, 1), IPV4_LOOPBACK, 5000, 8);
	struct ipv4_hdr h = {.total_len = 32,
	                     .id = 1,
	                     .ttl = 64,
	                     .proto = IPV4_PROTO_UDP,
	                     .src = IPV4_ADDR(10, 0, 1, 1),
	                     .dst = IPV4_LOOPBACK};
	ipv4_hdr_write(sim_packet_push(p, 20), &h);
	iface_output(&n.sim, n.a0, p);
	sim_run(&n.sim, sim_now(&n.sim) + SIM_MS(100));
	g_assert_cmpuint(n.b->ip_stats.in_martians, ==, martians + 1);
	g_assert_cmpstr(l8->str, ==, "127.0.0.1:5000>127.0.0.1 B to 127.0.0.1:8\n");

	/* 0.0.0.0: every address of the host, from anywhere. */
	send_from(&n, n.ua, IPV4_ADDR(10, 0, 1, 2), 9, "A to 10.0.1.2:9");
	send_from(&n, n.uc, IPV4_ADDR(10, 0, 2, 2), 9, "C to 10.0.2.2:9");
	send_from(&n, n.ub, IPV4_LOOPBACK, 9, "B to 127.0.0.1:9");
	send_from(&n, n.ub, IPV4_ADDR(10, 0, 2, 2), 9, "B to 10.0.2.2:9");
	g_assert_cmpstr(l9->str, ==,
	                "10.0.1.1:5000>10.0.1.2 A to 10.0.1.2:9\n"
	                "10.0.2.1:5000>10.0.2.2 C to 10.0.2.2:9\n"
	                "127.0.0.1:5000>127.0.0.1 B to 127.0.0.1:9\n"
	                "10.0.2.2:5000>10.0.2.2 B to 10.0.2.2:9\n");

	/* The refused ones drew port unreachable: C→10.0.2.2:7, B→127.0.0.1:7,
	 * A→10.0.1.2:8, B→10.0.2.2:8. */
	g_assert_cmpuint(n.b->icmp_stats.out_type[ICMP_DEST_UNREACH], ==, 4);
	g_assert_cmpuint(udp_get_stats(n.ub)->no_ports, ==, 4);
	g_assert_cmpuint(n.a->icmp_stats.in_type[ICMP_DEST_UNREACH], ==, 1);
	g_assert_cmpuint(n.c->icmp_stats.in_type[ICMP_DEST_UNREACH], ==, 1);

	/* Binding rules (Linux without SO_REUSEADDR). */
	struct udp_sock *t = udp_socket(n.ub);
	g_assert_cmpint(udp_bind(t, IPV4_ANY, 7), ==, -EADDRINUSE); /* overlaps 10.0.1.2:7 */
	g_assert_cmpint(udp_bind(t, IPV4_ADDR(10, 0, 1, 2), 9), ==,
	                -EADDRINUSE); /* under 0.0.0.0 */
	g_assert_cmpint(udp_bind(t, IPV4_ADDR(10, 0, 9, 9), 10), ==, -EADDRNOTAVAIL);
	g_assert_cmpint(udp_bind(t, IPV4_ADDR(10, 0, 2, 2), 7), ==, 0); /* another address */
	g_assert_cmpint(udp_bind(t, IPV4_ANY, 11), ==, -EINVAL);        /* already bound */
	udp_close(t);
	udp_close(s7);
	udp_close(s8);
	udp_close(s9);
	g_string_free(l7, TRUE);
	g_string_free(l8, TRUE);
	g_string_free(l9, TRUE);
	net3_fini(&n);
}

/* Port unreachable reaches a connected socket as ECONNREFUSED (reported by the next
 * send, as Linux); an unconnected one hears nothing. */
struct err_count {
	int n, last;
};

static void on_err(struct sim *sim, struct udp_sock *s, int err, void *ctx)
{
	struct err_count *e = ctx;
	e->n++;
	e->last = err;
}

static void test_connrefused(void)
{
	struct net3 n;
	net3_init(&n);
	struct err_count ec = {0, 0}, eu = {0, 0};
	struct udp_sock *c = udp_socket(n.ua), *u = udp_socket(n.ua);
	udp_set_callbacks(c, NULL, on_err, &ec);
	udp_set_callbacks(u, NULL, on_err, &eu);
	g_assert_cmpint(udp_connect(c, IPV4_ADDR(10, 0, 1, 2), 4000), ==, 0);
	g_assert_cmpuint(udp_local_port(c), ==, UDP_EPHEMERAL_LOW);
	g_assert_cmpint(udp_sendto(c, "x", 1, 0, 0, NULL), ==, 1);
	g_assert_cmpint(udp_sendto(u, "y", 1, IPV4_ADDR(10, 0, 1, 2), 4000, NULL), ==, 1);
	g_assert_cmpuint(udp_local_port(u), ==, UDP_EPHEMERAL_LOW + 1);
	sim_run(&n.sim, SIM_S(1));
	g_assert_cmpint(ec.n, ==, 1);
	g_assert_cmpint(ec.last, ==, -ECONNREFUSED);
	g_assert_cmpint(eu.n, ==, 0);
	/* The pending error is reported once by the next send, then cleared. */
	g_assert_cmpint(udp_sendto(c, "x", 1, 0, 0, NULL), ==, -ECONNREFUSED);
	g_assert_cmpint(udp_get_error(c), ==, 0);
	g_assert_cmpint(udp_sendto(c, "x", 1, 0, 0, NULL), ==, 1);
	g_assert_cmpint(udp_sendto(u, "x", 1, 0, 0, NULL), ==, -EDESTADDRREQ);
	g_assert_cmpint(udp_sendto(u, NULL, 65508, IPV4_ADDR(10, 0, 1, 2), 1, NULL), ==, -EMSGSIZE);
	/* No route: C is not reachable from A without a default route. */
	g_assert_cmpint(udp_sendto(u, "x", 1, IPV4_ADDR(10, 0, 2, 1), 1, NULL), ==, -EHOSTUNREACH);
	g_assert_cmpint(udp_connect(u, IPV4_ADDR(10, 0, 2, 1), 1), ==, -EHOSTUNREACH);
	/* DF and larger than the link MTU. */
	struct udp_send_opts df = {.df = true};
	g_assert_cmpint(udp_sendto(u, NULL, 1473, IPV4_ADDR(10, 0, 1, 2), 1, &df), ==, -EMSGSIZE);
	g_assert_cmpint(udp_sendto(u, NULL, 1472, IPV4_ADDR(10, 0, 1, 2), 1, &df), ==, 1472);
	sim_run(&n.sim, SIM_S(2));
	udp_close(c);
	udp_close(u);
	net3_fini(&n);
}

/* A connected socket only receives from its peer; the wildcard socket on the same
 * port gets the rest. Large datagrams are fragmented and reassembled. */
static void test_connected_demux(void)
{
	struct net3 n;
	net3_init(&n);
	route_add_default(n.a, IPV4_ADDR(10, 0, 1, 2), NULL);
	route_add_default(n.c, IPV4_ADDR(10, 0, 2, 2), NULL);
	GString *lw = g_string_new(NULL), *lc = g_string_new(NULL);
	struct udp_sock *w = listener(n.ub, IPV4_ADDR(10, 0, 1, 2), 53, lw);
	struct udp_sock *cs = udp_socket(n.ub);
	g_assert_cmpint(udp_bind(cs, IPV4_ADDR(10, 0, 2, 2), 53), ==, 0);
	g_assert_cmpint(udp_connect(cs, IPV4_ADDR(10, 0, 2, 1), 5000), ==, 0);
	udp_set_callbacks(cs, log_rx, NULL, lc);
	send_from(&n, n.uc, IPV4_ADDR(10, 0, 2, 2), 53, "from C");
	send_from(&n, n.ua, IPV4_ADDR(10, 0, 1, 2), 53, "from A");
	send_from(&n, n.ua, IPV4_ADDR(10, 0, 2, 2), 53, "A to the connected one");
	g_assert_cmpstr(lc->str, ==, "10.0.2.1:5000>10.0.2.2 from C\n");
	g_assert_cmpstr(lw->str, ==, "10.0.1.1:5000>10.0.1.2 from A\n");
	g_assert_cmpuint(udp_get_stats(n.ub)->no_ports, ==, 1);
	/* 5000 bytes: three fragments on a 1500-byte link, one datagram delivered. */
	struct udp_sock *s = udp_socket(n.ua);
	g_assert_cmpint(udp_bind(s, IPV4_ANY, 5000), ==, 0);
	char big[5001];
	memset(big, 'z', 5000);
	big[5000] = 0;
	g_assert_cmpint(udp_sendto(s, big, 5000, IPV4_ADDR(10, 0, 1, 2), 53, NULL), ==, 5000);
	sim_run(&n.sim, SIM_S(2));
	g_assert_cmpuint(n.a->ip_stats.frag_creates, ==, 4);
	g_assert_cmpuint(lw->len, ==,
	                 strlen("10.0.1.1:5000>10.0.1.2 from A\n") +
	                     strlen("10.0.1.1:5000>10.0.1.2 ") + 5001);
	udp_close(s);
	udp_close(w);
	udp_close(cs);
	g_string_free(lw, TRUE);
	g_string_free(lc, TRUE);
	net3_fini(&n);
}

/* Broadcasts are delivered to wildcard sockets; a closed port draws no ICMP. */
static void test_broadcast(void)
{
	struct net3 n;
	net3_init(&n);
	GString *lg = g_string_new(NULL);
	struct udp_sock *w = listener(n.ub, IPV4_ANY, 67, lg);
	send_from(&n, n.ua, IPV4_ADDR(10, 0, 1, 255), 67, "bcast");
	send_from(&n, n.ua, IPV4_ADDR(10, 0, 1, 255), 68, "bcast closed");
	g_assert_cmpstr(lg->str, ==, "10.0.1.1:5000>10.0.1.255 bcast\n");
	g_assert_cmpuint(udp_get_stats(n.ub)->no_ports, ==, 1);
	g_assert_cmpuint(n.b->icmp_stats.out_msgs, ==, 0);
	udp_close(w);
	g_string_free(lg, TRUE);
	net3_fini(&n);
}

/* Malformed datagrams are counted, never delivered. */
static void test_malformed(void)
{
	struct net3 n;
	net3_init(&n);
	GString *lg = g_string_new(NULL);
	struct udp_sock *w = listener(n.ub, IPV4_ANY, 9, lg);
	const uint32_t lens[] = {4, 12, 12};
	for (int i = 0; i < 3; i++) {
		struct sim_packet *p = sim_packet_new(&n.sim, SIM_PACKET_HEADROOM, lens[i]);
		memset(p->data, 0, lens[i]);
		if (lens[i] >= 8)
			udp_hdr_write(p->data, lens[i], IPV4_ADDR(10, 0, 1, 1),
			              IPV4_ADDR(10, 0, 1, 2), 1, 9);
		if (i == 1)
			sim_put_be16(p->data + 4, 40); /* length beyond the datagram */
		if (i == 2)
			p->data[10] ^= 1; /* payload changed after the checksum */
		struct ipv4_tx tx = {.dst = IPV4_ADDR(10, 0, 1, 2), .proto = IPV4_PROTO_UDP};
		g_assert_cmpint(ipv4_output(&n.sim, n.a, p, &tx), ==, 0);
	}
	sim_run(&n.sim, SIM_S(1));
	const struct udp_stats *st = udp_get_stats(n.ub);
	g_assert_cmpuint(st->in_errors, ==, 3);
	g_assert_cmpuint(st->in_csum_errors, ==, 1);
	g_assert_cmpuint(st->in_datagrams, ==, 0);
	g_assert_cmpuint(lg->len, ==, 0);
	udp_close(w);
	g_string_free(lg, TRUE);
	net3_fini(&n);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/udp/checksum-vectors", test_checksum_vectors);
	g_test_add_func("/udp/checksum-zero", test_checksum_zero);
	g_test_add_func("/udp/binding-cases", test_binding_cases);
	g_test_add_func("/udp/connrefused", test_connrefused);
	g_test_add_func("/udp/connected-demux", test_connected_demux);
	g_test_add_func("/udp/broadcast", test_broadcast);
	g_test_add_func("/udp/malformed", test_malformed);
	return g_test_run();
}

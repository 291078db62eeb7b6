/* tests/fuzz/fuzz_tcp.c — arbitrary segments arriving on an established TCP
 * connection (TCP input: acceptability, RST, SYN, ACK, data, FIN, options, timers).
 *
 * The connection runs over the fake wire of the TCP conformance tests
 * (tests/tcp/wire.h): host A (10.0.0.1:40000, the stack under test, linux profile)
 * connects to B (10.0.0.2:80) with ISS 1000; the harness plays B. A's application
 * reads everything and, before each record, writes what the send buffer takes of
 * 200 000 bytes, so there is data in flight to be acknowledged, SACKed, retransmitted.
 *
 * Input: [setup: 1 byte] then records.
 *   setup, the SYN-ACK's options (IRS 5000): bit 0 window scale (shift from bits
 *     4-7), bit 1 SACK permitted, bit 2 timestamps, bit 3 MSS 536 instead of 1460.
 *   record: [ctl: 1 byte][length: 2 bytes, big-endian][bytes]
 *     ctl bit 7 set: an ICMP error about one of A's segments: bytes are
 *       [type][code][next-hop MTU: 2 bytes][quoted datagram], the quoted IPv4 and
 *       TCP addresses and ports set to the connection's;
 *     otherwise bytes are a TCP segment (header, options, payload) as B sends it:
 *       bit 0 set the ports to the connection's, bit 1 take the sequence number as
 *       an offset from B's initial sequence number + 1, bit 2 the acknowledgment
 *       number as an offset from A's, bit 3 compute the checksum;
 *     bits 4-6: milliseconds to let pass first (0-7).
 * The harness never interprets options: the data offset and the option bytes are
 * the fuzzer's, so option kinds netsim will parse later (SACK blocks, timestamps)
 * are covered by the same harness and seeds (tests/fuzz/corpus/tcp holds segments
 * with MSS, window scale, SACK-permitted, SACK and timestamp options, and the TCP
 * segments of the Linux captures in tests/vectors).
 *
 * Invariants: no crash, leak or sanitizer report; every segment A sends parses
 * (the fake wire asserts it); no packet is left once everything is freed.
 */
#include <glib.h>
#include <string.h>

#include "models/tcp/seg.h"
#include "sim/core/bytes.h"
#include "tests/fuzz/fuzz.h"
#include "tests/tcp/wire.h"

#define LPORT 40000
#define RPORT 80
#define ISS 1000u
#define IRS 5000u
#define MAX_RECORDS 64

/* B's SYN-ACK with the options `setup` asks for. Returns its length. */
static uint32_t syn_ack(uint8_t *b, uint8_t setup)
{
	uint32_t n = 20;
	b[n++] = 2; /* MSS */
	b[n++] = 4;
	sim_put_be16(b + n, (setup & 8) ? 536 : 1460);
	n += 2;
	if (setup & 1) {
		b[n++] = 1;
		b[n++] = 3; /* window scale */
		b[n++] = 3;
		b[n++] = (uint8_t)(setup >> 4);
	}
	if (setup & 2) {
		b[n++] = 1;
		b[n++] = 1;
		b[n++] = 4; /* SACK permitted */
		b[n++] = 2;
	}
	if (setup & 4) {
		b[n++] = 1;
		b[n++] = 1;
		b[n++] = 8; /* timestamps */
		b[n++] = 10;
		sim_put_be32(b + n, 12345);
		sim_put_be32(b + n + 4, 0);
		n += 8;
	}
	sim_put_be16(b, RPORT);
	sim_put_be16(b + 2, LPORT);
	sim_put_be32(b + 4, IRS);
	sim_put_be32(b + 8, ISS + 1);
	b[12] = (uint8_t)(n / 4 << 4);
	b[13] = TCP_FLAG_SYN | TCP_FLAG_ACK;
	sim_put_be16(b + 14, 65535);
	sim_put_be16(b + 16, 0);
	sim_put_be16(b + 18, 0);
	return n;
}

/* An ICMP error about the connection, from the record's bytes. */
static void icmp_error(struct fw *w, const uint8_t *b, size_t len)
{
	if (len < 4)
		return;
	uint8_t q[128];
	size_t qn = len - 4 < sizeof(q) ? len - 4 : sizeof(q);
	memcpy(q, b + 4, qn);
	if (qn >= 20 + 8) {
		sim_put_be32(q + 12, FW_ADDR_A);
		sim_put_be32(q + 16, FW_ADDR_B);
		size_t ihl = (size_t)(q[0] & 0x0f) * 4;
		if (ihl + 4 <= qn) {
			sim_put_be16(q + ihl, LPORT);
			sim_put_be16(q + ihl + 2, RPORT);
		}
	}
	tcp_stack_icmp_error(w->a.stack, b[0], b[1], sim_get_be16(b + 2), q, qn);
}

#define TO_SEND 200000u

/* A's application writes what the send buffer takes, up to TO_SEND bytes in all
 * (from one buffer filled once: filling it per write would cost more than TCP). */
static void pump(struct tcp_sock *s, uint64_t *sent)
{
	static uint8_t buf[16384];
	static bool filled;
	if (!filled) {
		for (size_t i = 0; i < sizeof(buf); i++)
			buf[i] = fw_pattern(1, i);
		filled = true;
	}
	while (*sent < TO_SEND) {
		size_t n = TO_SEND - *sent < sizeof(buf) ? TO_SEND - *sent : sizeof(buf);
		ssize_t k = tcp_send(s, buf, n);
		if (k <= 0)
			return;
		*sent += (uint64_t)k;
	}
}

static void segment(struct fw *w, uint8_t ctl, const uint8_t *bytes, size_t len)
{
	uint8_t *b = g_malloc(len + 1); /* never NULL, even for an empty segment */
	memcpy(b, bytes, len);
	if (len >= 20) {
		if (ctl & 1) {
			sim_put_be16(b, RPORT);
			sim_put_be16(b + 2, LPORT);
		}
		if (ctl & 2)
			sim_put_be32(b + 4, IRS + 1 + sim_get_be32(b + 4));
		if (ctl & 4)
			sim_put_be32(b + 8, ISS + 1 + sim_get_be32(b + 8));
	}
	fw_inject_raw(&w->a, b, (uint32_t)len, (ctl & 8) != 0);
	g_free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_reader r = {data, data + size};
	uint8_t setup = fz_u8(&r);

	struct fw w;
	fw_init(&w, 1, NULL);
	struct tcp_sock *s = tcp_socket(w.a.stack);
	tcp_sock_set_isn(s, ISS);
	tcp_bind(s, IPV4_ANY, LPORT);
	struct fw_app app;
	fw_app_init(&app, s);
	app.read_all = true;
	fw_app_watch(&app, TCP_EV_READABLE | TCP_EV_ERROR | TCP_EV_HUP, false);
	uint64_t sent = 0;
	tcp_connect(s, FW_ADDR_B, RPORT);
	fw_run_until(&w, SIM_MS(10));
	uint8_t sa[60];
	fw_inject_raw(&w.a, sa, syn_ack(sa, setup), true);
	fw_run_until(&w, SIM_MS(11));

	for (int i = 0; i < MAX_RECORDS && fz_left(&r) >= 3; i++) {
		uint8_t ctl = fz_u8(&r);
		size_t want = fz_u16(&r), got;
		const uint8_t *bytes = fz_bytes(&r, want, &got);
		if (app.s)
			pump(app.s, &sent);
		fw_run_for(&w, (sim_time_t)(ctl >> 4 & 7) * SIM_MS(1));
		if (ctl & 0x80)
			icmp_error(&w, bytes, got);
		else
			segment(&w, ctl, bytes, got);
		fw_drain(&w.a);
	}
	/* Timers: delayed ACKs, retransmissions, persist, FIN-WAIT-2, TIME-WAIT. */
	fw_run_for(&w, SIM_S(3));
	fw_drain(&w.a);
	if (app.s)
		tcp_abort(app.s);
	fw_app_fini(&app);
	fw_fini(&w);
	return 0;
}

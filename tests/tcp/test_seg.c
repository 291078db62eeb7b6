/* tests/tcp/test_seg.c — the segment codec (models/tcp/seg.c) and sequence
 * arithmetic (models/tcp/seq.h): every TCP header of the Linux captures parsed,
 * checksum-verified and rewritten byte for byte; malformed options survived. */
#include <glib.h>
#include <string.h>

#include "models/ip/csum.h"
#include "models/tcp/seg.h"
#include "models/tcp/seq.h"
#include "sim/core/bytes.h"
#include "sim/core/rng.h"
#include "tests/common/pcapread.h"

/* Finds the TCP segment of a record: returns its start and length, 0 if none. */
static uint32_t tcp_of(const struct pcap_file *f, size_t i, const uint8_t **seg,
		       ipv4_addr_t *src, ipv4_addr_t *dst)
{
	const struct pcap_record *rec = &f->rec[i];
	uint32_t off = pcap_ip_offset(f);
	const uint8_t *ip = rec->data + off;
	if (rec->caplen < off + 20 || (ip[0] >> 4) != 4 || ip[9] != TCP_PROTO)
		return 0;
	uint32_t ihl = (ip[0] & 0xfu) * 4u;
	uint32_t tot = sim_get_be16(ip + 2);
	if ((sim_get_be16(ip + 6) & 0x3fff) != 0)
		return 0; /* a fragment */
	*seg = ip + ihl;
	*src = sim_get_be32(ip + 12);
	*dst = sim_get_be32(ip + 16);
	return tot - ihl;
}

static void check_capture(const char *name, unsigned expect_tcp)
{
	struct pcap_file f;
	char *path = g_build_filename(VECTORS_DIR, name, NULL);
	g_assert_true(pcap_load(&f, path));
	g_free(path);
	unsigned n = 0;
	for (size_t i = 0; i < f.n; i++) {
		const uint8_t *seg;
		ipv4_addr_t src, dst;
		uint32_t len = tcp_of(&f, i, &seg, &src, &dst);
		if (!len)
			continue;
		n++;
		struct tcp_repr r;
		g_assert_cmpint(tcp_seg_parse(seg, len, &r), ==, 0);
		g_assert_false(r.opt_malformed);
		g_assert_true(tcp_seg_csum_ok(seg, len, src, dst));
		/* Rewrite from the repr: header bytes identical, checksum identical. */
		uint8_t buf[1600];
		uint32_t hl = tcp_seg_write(buf, &r);
		g_assert_cmpuint(hl, ==, r.hdr_len);
		memcpy(buf + hl, r.payload, r.payload_len);
		tcp_seg_set_csum(buf, len, src, dst);
		g_assert_cmpmem(buf, len, seg, len);
	}
	g_assert_cmpuint(n, ==, expect_tcp);
	pcap_unload(&f);
}

static void test_linux_captures(void)
{
	/* linux-a: exchanges 1, 2a, 2b, 3, 4 = 12 + 14 + 18 + 2 + 6 TCP frames. */
	check_capture("linux-a.pcap", 52);
	check_capture("linux-b.pcap", 50);
	check_capture("linux-sack.pcap", 29);
}

/* linux-sack.pcap: Linux's SACK option after NOP NOP TS, its blocks in order; frame 15
 * a DSACK (RFC 2883: the duplicate 4001:5001, then the block holding it, then the
 * most recent other), frame 17 a DSACK below the cumulative ACK. */
static void test_sack_blocks(void)
{
	struct pcap_file f;
	char *path = g_build_filename(VECTORS_DIR, "linux-sack.pcap", NULL);
	g_assert_true(pcap_load(&f, path));
	g_free(path);
	static const struct {
		size_t frame;
		uint32_t ack, n, blocks[8]; /* relative to the peer's ISN */
	} want[] = {
		{ 7, 1001, 1, { 2001, 3001 } },
		{ 11, 1001, 3, { 6001, 7001, 4001, 5001, 2001, 3001 } },
		{ 13, 1001, 3, { 8001, 9001, 6001, 7001, 4001, 5001 } },
		{ 15, 1001, 3, { 4001, 5001, 4001, 5001, 8001, 9001 } },
		{ 17, 1001, 3, { 1, 1001, 4001, 5001, 8001, 9001 } },
		{ 19, 3001, 3, { 501, 1001, 4001, 5001, 8001, 9001 } },
		{ 21, 5001, 2, { 8001, 9001, 6001, 7001 } },
	};
	const uint8_t *seg;
	ipv4_addr_t src, dst;
	uint32_t len = tcp_of(&f, 0, &seg, &src, &dst);
	struct tcp_repr syn;
	g_assert_cmpint(tcp_seg_parse(seg, len, &syn), ==, 0);
	uint32_t irs = syn.seq; /* the injected side's ISN */
	for (size_t i = 0; i < G_N_ELEMENTS(want); i++) {
		len = tcp_of(&f, want[i].frame - 1, &seg, &src, &dst);
		struct tcp_repr r;
		g_assert_cmpint(tcp_seg_parse(seg, len, &r), ==, 0);
		g_assert_true(r.has_timestamp);
		g_assert_cmpuint(r.ack - irs, ==, want[i].ack);
		g_assert_cmpuint(r.sack_count, ==, want[i].n);
		for (uint32_t b = 0; b < want[i].n; b++) {
			g_assert_cmpuint(r.sack[b].start - irs, ==, want[i].blocks[2 * b]);
			g_assert_cmpuint(r.sack[b].end - irs, ==, want[i].blocks[2 * b + 1]);
		}
		/* NOP NOP TS, then NOP NOP SACK */
		g_assert_cmpuint(seg[32], ==, TCP_OPTKIND_NOP);
		g_assert_cmpuint(seg[34], ==, TCP_OPTKIND_SACK);
		g_assert_cmpuint(seg[35], ==, 2 + 8 * want[i].n);
	}
	pcap_unload(&f);
}

static void test_syn_fields(void)
{
	/* linux-a frame 1: SYN with MSS 1460, SACK-permitted, timestamps, NOP, WS 10. */
	struct pcap_file f;
	char *path = g_build_filename(VECTORS_DIR, "linux-a.pcap", NULL);
	g_assert_true(pcap_load(&f, path));
	g_free(path);
	const uint8_t *seg;
	ipv4_addr_t src, dst;
	uint32_t len = tcp_of(&f, 0, &seg, &src, &dst);
	g_assert_cmpuint(len, ==, 40);
	struct tcp_repr r;
	g_assert_cmpint(tcp_seg_parse(seg, len, &r), ==, 0);
	g_assert_cmpuint(r.src_port, ==, 58130);
	g_assert_cmpuint(r.dst_port, ==, 5001);
	g_assert_cmpuint(r.seq, ==, 1427447341u);
	g_assert_cmphex(r.flags, ==, TCP_FLAG_SYN);
	g_assert_cmpuint(r.window, ==, 64240);
	g_assert_cmpuint(r.hdr_len, ==, 40);
	g_assert_true(r.has_mss);
	g_assert_cmpuint(r.mss, ==, 1460);
	g_assert_true(r.has_sack_perm);
	g_assert_true(r.has_timestamp);
	g_assert_cmpuint(r.ts_ecr, ==, 0);
	g_assert_true(r.has_wscale);
	g_assert_cmpuint(r.wscale, ==, 10);
	g_assert_cmpuint(r.checksum, ==, 0xc11d);
	g_assert_cmpuint(tcp_repr_seg_len(&r), ==, 1);
	/* Frame 48: the RST,ACK to a closed port: seq 0, ack ISN+1, window 0. */
	len = tcp_of(&f, 47, &seg, &src, &dst);
	g_assert_cmpint(tcp_seg_parse(seg, len, &r), ==, 0);
	g_assert_cmphex(r.flags, ==, TCP_FLAG_RST | TCP_FLAG_ACK);
	g_assert_cmpuint(r.seq, ==, 0);
	g_assert_cmpuint(r.ack, ==, 1634443622u);
	g_assert_cmpuint(r.window, ==, 0);
	pcap_unload(&f);
}

/* A 20-byte header followed by the given option bytes (data offset from olen). */
static uint32_t make_seg(uint8_t *buf, const uint8_t *opts, uint32_t olen, uint32_t payload)
{
	memset(buf, 0, 60 + payload);
	sim_put_be16(buf, 1000);
	sim_put_be16(buf + 2, 80);
	sim_put_be32(buf + 4, 1);
	buf[12] = (uint8_t)(((20 + olen + 3) / 4) << 4);
	buf[13] = TCP_FLAG_SYN;
	memcpy(buf + 20, opts, olen);
	return (20 + olen + 3) / 4 * 4 + payload;
}

static void test_options_unknown_skipped(void)
{
	/* Unknown kind 99 (length 5) and kind 30 (length 2) before MSS and WS. */
	const uint8_t opts[] = { 99, 5, 1, 2, 3, 30, 2, 2, 4, 0x05, 0xb4, 1, 3, 3, 7, 0 };
	uint8_t buf[80];
	uint32_t len = make_seg(buf, opts, sizeof(opts), 0);
	struct tcp_repr r;
	g_assert_cmpint(tcp_seg_parse(buf, len, &r), ==, 0);
	g_assert_false(r.opt_malformed);
	g_assert_true(r.has_mss);
	g_assert_cmpuint(r.mss, ==, 1460);
	g_assert_true(r.has_wscale);
	g_assert_cmpuint(r.wscale, ==, 7);
	/* EOL ends parsing: an MSS after it is not seen. */
	const uint8_t opts2[] = { 1, 0, 2, 4, 0x05, 0xb4, 0, 0 };
	len = make_seg(buf, opts2, sizeof(opts2), 0);
	g_assert_cmpint(tcp_seg_parse(buf, len, &r), ==, 0);
	g_assert_false(r.has_mss);
	g_assert_false(r.opt_malformed);
}

static void test_options_malformed(void)
{
	static const struct {
		uint8_t opts[12];
		uint32_t len;
		bool mss_seen;
	} cases[] = {
		{ { 2, 0, 5, 0xb4 }, 4, false },                 /* length 0 */
		{ { 2, 1, 5, 0xb4 }, 4, false },                 /* length 1 */
		{ { 1, 1, 1, 99, 9, 1, 1, 1 }, 8, false },       /* runs past the header */
		{ { 2, 4, 5, 0xb4, 1, 1, 1, 3 }, 8, true },      /* kind without length at the end */
		{ { 2, 3, 5, 1 }, 4, false },                    /* MSS with a wrong length */
		{ { 3, 2, 1, 1 }, 4, false },                    /* WS with a wrong length */
		{ { 8, 6, 0, 0, 0, 0, 1, 1 }, 8, false },        /* timestamps, wrong length */
		{ { 2, 255, 5, 0xb4 }, 4, false },               /* huge length */
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		uint8_t buf[80];
		uint32_t len = make_seg(buf, cases[i].opts, cases[i].len, 3);
		struct tcp_repr r;
		g_assert_cmpint(tcp_seg_parse(buf, len, &r), ==, 0);
		g_assert_true(r.opt_malformed);
		g_assert_cmpint(r.has_mss, ==, cases[i].mss_seen);
		g_assert_cmpuint(r.payload_len, ==, 3);
	}
}

static void test_bad_headers(void)
{
	uint8_t buf[80];
	struct tcp_repr r;
	memset(buf, 0, sizeof(buf));
	g_assert_cmpint(tcp_seg_parse(buf, 19, &r), ==, -EINVAL);
	buf[12] = 4 << 4; /* data offset 4 < 5 */
	g_assert_cmpint(tcp_seg_parse(buf, 40, &r), ==, -EINVAL);
	buf[12] = 15 << 4; /* 60-byte header in a 40-byte segment */
	g_assert_cmpint(tcp_seg_parse(buf, 40, &r), ==, -EINVAL);
	buf[12] = 5 << 4;
	g_assert_cmpint(tcp_seg_parse(buf, 20, &r), ==, 0);
	g_assert_cmpuint(r.payload_len, ==, 0);
}

static void test_options_fuzz(void)
{
	/* Random option bytes must never crash, loop or read out of bounds (ASan). */
	struct sim_rng rng;
	sim_rng_init(&rng, 7, "tcp:test:fuzz");
	for (int i = 0; i < 200000; i++) {
		uint8_t buf[60];
		uint32_t olen = (uint32_t)sim_rng_below(&rng, 41);
		for (uint32_t k = 0; k < sizeof(buf); k++)
			buf[k] = (uint8_t)sim_rng_u64(&rng);
		buf[12] = (uint8_t)(((20 + olen) / 4) << 4);
		uint32_t len = 20 + olen / 4 * 4;
		/* Bias towards small kinds and lengths so the interesting paths run. */
		for (uint32_t k = 20; k < len; k++)
			if (sim_rng_below(&rng, 2))
				buf[k] &= 0x0f;
		uint8_t *copy = g_memdup2(buf, len);
		struct tcp_repr r;
		g_assert_cmpint(tcp_seg_parse(copy, len, &r), ==, 0);
		g_assert_cmpuint(r.hdr_len, ==, len);
		g_free(copy);
	}
}

static void test_write_roundtrip(void)
{
	struct tcp_repr r;
	memset(&r, 0, sizeof(r));
	r.src_port = 49152;
	r.dst_port = 80;
	r.seq = 0xfffffff0u;
	r.ack = 7;
	r.flags = TCP_FLAG_SYN | TCP_FLAG_ACK;
	r.window = 65535;
	r.has_mss = true;
	r.mss = 1460;
	r.has_wscale = true;
	r.wscale = 2;
	uint8_t buf[60];
	uint32_t hl = tcp_seg_write(buf, &r);
	g_assert_cmpuint(hl, ==, 28);
	const uint8_t opts[] = { 2, 4, 0x05, 0xb4, 1, 3, 3, 2 };
	g_assert_cmpmem(buf + 20, 8, opts, 8);
	g_assert_cmpuint(buf[12], ==, 7 << 4);
	tcp_seg_set_csum(buf, hl, IPV4_ADDR(10, 0, 0, 1), IPV4_ADDR(10, 0, 0, 2));
	g_assert_true(tcp_seg_csum_ok(buf, hl, IPV4_ADDR(10, 0, 0, 1), IPV4_ADDR(10, 0, 0, 2)));
	g_assert_false(tcp_seg_csum_ok(buf, hl, IPV4_ADDR(10, 0, 0, 1), IPV4_ADDR(10, 0, 0, 3)));
	struct tcp_repr p;
	g_assert_cmpint(tcp_seg_parse(buf, hl, &p), ==, 0);
	g_assert_cmpuint(p.seq, ==, r.seq);
	g_assert_cmpuint(p.ack, ==, 7);
	g_assert_cmpuint(p.mss, ==, 1460);
	g_assert_cmpuint(p.wscale, ==, 2);
	g_assert_cmpuint(tcp_repr_seg_len(&p), ==, 1);
	/* Flipping any bit breaks the checksum. */
	for (uint32_t i = 0; i < hl * 8; i++) {
		if (i / 8 == TCP_OFF_CSUM || i / 8 == TCP_OFF_CSUM + 1)
			continue;
		buf[i / 8] ^= (uint8_t)(1u << (i % 8));
		g_assert_false(tcp_seg_csum_ok(buf, hl, IPV4_ADDR(10, 0, 0, 1), IPV4_ADDR(10, 0, 0, 2)));
		buf[i / 8] ^= (uint8_t)(1u << (i % 8));
	}
}

static void test_seq_wrap(void)
{
	g_assert_true(seq_lt(0xfffffff0u, 0x10u));
	g_assert_true(seq_gt(0x10u, 0xfffffff0u));
	g_assert_true(seq_leq(5, 5));
	g_assert_true(seq_geq(0, 0xffffffffu));
	g_assert_true(seq_between(0xfffffff0u, 0, 0x10));
	g_assert_false(seq_between(0xfffffff0u, 0x11, 0x10));
	g_assert_true(seq_in_window(0xffffff00u, 0xffffffffu, 0x100));
	g_assert_false(seq_in_window(0xffffff00u, 0x100, 0x100));
	g_assert_cmpint(seq_diff(0x10, 0xfffffff0u), ==, 0x20);
	g_assert_cmpuint(seq_max(0xfffffff0u, 3), ==, 3);
	g_assert_cmpuint(seq_min(0xfffffff0u, 3), ==, 0xfffffff0u);
	/* Half the space apart is the limit of the comparison. */
	g_assert_true(seq_lt(0, 0x7fffffffu));
	g_assert_false(seq_lt(0, 0x80000001u));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/tcp/seg/linux-captures", test_linux_captures);
	g_test_add_func("/tcp/seg/syn-fields", test_syn_fields);
	g_test_add_func("/tcp/seg/linux-sack-blocks", test_sack_blocks);
	g_test_add_func("/tcp/seg/options-unknown-skipped", test_options_unknown_skipped);
	g_test_add_func("/tcp/seg/options-malformed", test_options_malformed);
	g_test_add_func("/tcp/seg/options-fuzz", test_options_fuzz);
	g_test_add_func("/tcp/seg/bad-headers", test_bad_headers);
	g_test_add_func("/tcp/seg/write-roundtrip", test_write_roundtrip);
	g_test_add_func("/tcp/seq/wrap", test_seq_wrap);
	return g_test_run();
}

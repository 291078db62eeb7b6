/* tests/net/test_csum.c — the Internet checksum against real Linux packets. */
#include <glib.h>
#include <string.h>

#include "models/ip/csum.h"
#include "sim/core/bytes.h"
#include "sim/core/rng.h"
#include "tests/common/pcapread.h"

static char *vector(const char *name)
{
	return g_build_filename(g_getenv("NETSIM_VECTORS") ? g_getenv("NETSIM_VECTORS") : VECTORS_DIR,
				name, NULL);
}

/* Every IPv4 header in both captures verifies, and every unfragmented TCP/UDP/ICMP
 * message verifies with its pseudo header: the checksum code agrees with Linux. */
static void test_vectors_verify(void)
{
	const char *files[] = { "linux-a.pcap", "linux-b.pcap" };
	int checked_ip = 0, checked_l4 = 0;
	for (size_t f = 0; f < G_N_ELEMENTS(files); f++) {
		struct pcap_file pf;
		char *path = vector(files[f]);
		g_assert_true(pcap_load(&pf, path));
		g_free(path);
		for (size_t i = 0; i < pf.n; i++) {
			const uint8_t *ip = pf.rec[i].data + pcap_ip_offset(&pf);
			unsigned ihl = (ip[0] & 15u) * 4;
			unsigned total = sim_get_be16(ip + 2);
			g_assert_cmpuint(inet_csum_finish(inet_csum_add(0, ip, ihl)), ==, 0);
			checked_ip++;
			uint16_t frag = sim_get_be16(ip + 6);
			if ((frag & 0x3fff) != 0)
				continue; /* a fragment: the L4 checksum spans the datagram */
			uint8_t proto = ip[9];
			uint32_t l4len = total - ihl;
			uint32_t s = inet_csum_add(0, ip + ihl, l4len);
			if (proto == 6 || proto == 17) {
				s += sim_get_be16(ip + 12) + sim_get_be16(ip + 14);
				s += sim_get_be16(ip + 16) + sim_get_be16(ip + 18);
				s += proto + l4len;
			}
			g_assert_cmpuint(inet_csum_finish(s), ==, 0);
			checked_l4++;
		}
		pcap_unload(&pf);
	}
	g_assert_cmpint(checked_ip, ==, 128);
	g_assert_cmpint(checked_l4, >, 100);
}

/* Recomputing linux-a frame 1's IP checksum from scratch gives Linux's 0x0c83. */
static void test_vector_compute(void)
{
	struct pcap_file pf;
	char *path = vector("linux-a.pcap");
	g_assert_true(pcap_load(&pf, path));
	g_free(path);
	uint8_t hdr[20];
	memcpy(hdr, pf.rec[0].data + 14, 20);
	g_assert_cmpuint(sim_get_be16(hdr + 10), ==, 0x0c83);
	sim_put_be16(hdr + 10, 0);
	g_assert_cmpuint(inet_csum_finish(inet_csum_add(0, hdr, 20)), ==, 0x0c83);

	/* RFC 1624: a router's TTL decrement (64 → 63) updated incrementally equals
	 * the recomputed header checksum, and equals what Linux's router wrote
	 * (linux-b frame 1 carries 0x0d83). */
	uint16_t old_word = sim_get_be16(pf.rec[0].data + 14 + 8);
	uint16_t new_word = (uint16_t)(old_word - 0x0100);
	g_assert_cmpuint(inet_csum_update16(0x0c83, old_word, new_word), ==, 0x0d83);
	pcap_unload(&pf);
}

static void test_odd_and_offsets(void)
{
	/* RFC 1071 §3 example: the sum of 00 01 f2 03 f4 f5 f6 f7 is 0xddf2. */
	const uint8_t ex[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	uint32_t s = inet_csum_add(0, ex, sizeof(ex));
	g_assert_cmpuint(inet_csum_finish(s), ==, (uint16_t)~0xddf2);

	/* Summing in pieces (at even offsets) equals summing at once, for all lengths
	 * and alignments the fast loop distinguishes. */
	uint8_t buf[200];
	for (int i = 0; i < 200; i++)
		buf[i] = (uint8_t)(i * 37 + 11);
	for (size_t len = 0; len < 150; len++) {
		for (size_t start = 0; start < 9; start++) {
			uint32_t whole = inet_csum_add(0, buf + start, len);
			size_t cut = (len / 2) & ~(size_t)1;
			uint32_t parts = inet_csum_add(inet_csum_add(0, buf + start, cut), buf + start + cut, len - cut);
			g_assert_cmpuint(inet_csum_finish(whole), ==, inet_csum_finish(parts));
			/* Reference: plain 16-bit big-endian sum. */
			uint32_t ref = 0;
			for (size_t k = 0; k + 1 < len; k += 2)
				ref += sim_get_be16(buf + start + k);
			if (len & 1)
				ref += (uint32_t)buf[start + len - 1] << 8;
			g_assert_cmpuint(inet_csum_finish(whole), ==, inet_csum_finish(ref));
		}
	}
}

/* Reference: the plain RFC 1071 16-bit big-endian sum, folded. */
static uint16_t ref_csum(const uint8_t *p, size_t len)
{
	uint64_t ref = 0;
	for (size_t k = 0; k + 1 < len; k += 2)
		ref += sim_get_be16(p + k);
	if (len & 1)
		ref += (uint32_t)p[len - 1] << 8;
	while (ref >> 16)
		ref = (ref & 0xffff) + (ref >> 16);
	return (uint16_t)~ref;
}

/* The copying variant gives the same sum and an exact copy, for every length around
 * the 32-byte blocks of the vector loop, with every alignment of source and
 * destination; and long runs (beyond the 512 KiB chunks of the vector loop) of all-
 * ones words, the worst case for lane overflow, sum as the reference does. */
static void test_copy_and_long(void)
{
	uint8_t src[400], dst[410];
	for (int i = 0; i < 400; i++)
		src[i] = (uint8_t)(i * 101 + 7);
	for (size_t len = 0; len < 300; len++) {
		for (size_t so = 0; so < 4; so++) {
			for (size_t d = 0; d < 3; d++) {
				memset(dst, 0xa5, sizeof(dst));
				uint32_t c = inet_csum_copy(5, dst + d, src + so, len);
				uint32_t a = inet_csum_add(5, src + so, len);
				g_assert_cmpuint(inet_csum_finish(c), ==, inet_csum_finish(a));
				g_assert_cmpmem(dst + d, len, src + so, len);
				g_assert_cmpuint(dst[d + len], ==, 0xa5); /* nothing beyond */
				g_assert_cmpuint(inet_csum_finish(inet_csum_add(0, src + so, len)), ==,
						 ref_csum(src + so, len));
			}
		}
	}
	size_t big = 3 * 1024 * 1024 + 17;
	uint8_t *ff = g_malloc(big);
	memset(ff, 0xff, big);
	g_assert_cmpuint(inet_csum_finish(inet_csum_add(0, ff, big)), ==, ref_csum(ff, big));
	for (size_t i = 0; i < big; i++)
		ff[i] = (uint8_t)(i * 2654435761u >> 13);
	g_assert_cmpuint(inet_csum_finish(inet_csum_add(0, ff, big)), ==, ref_csum(ff, big));
	g_free(ff);
}

/* The inline 20-byte sum equals the general one, whatever the bytes and the
 * accumulator passed in (up to 17 bits). */
static void test_add20(void)
{
	struct sim_rng rng;
	sim_rng_init(&rng, 3, "test:csum20");
	uint8_t b[20];
	for (int k = 0; k < 100000; k++) {
		for (int i = 0; i < 20; i++)
			b[i] = (uint8_t)(k < 10 ? 0xff : sim_rng_below(&rng, 256));
		uint32_t sum = (uint32_t)sim_rng_below(&rng, 0x20000);
		g_assert_cmpuint(inet_csum_finish(inet_csum_add20(sum, b)), ==,
				 inet_csum_finish(inet_csum_add(sum, b, 20)));
	}
}

/* A message summed in two pieces cut at an odd offset: the second piece's sum, taken
 * as if it started at an even offset, is corrected by inet_csum_odd. */
static void test_odd_split(void)
{
	uint8_t buf[300];
	for (int i = 0; i < 300; i++)
		buf[i] = (uint8_t)(i * 13 + 5);
	for (size_t len = 2; len < 300; len += 7)
		for (size_t cut = 1; cut < len; cut += 2) {
			uint32_t s = inet_csum_add(0, buf, cut) + inet_csum_odd(inet_csum_add(0, buf + cut, len - cut));
			g_assert_cmpuint(inet_csum_finish(s), ==, ref_csum(buf, len));
		}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/csum/vectors-verify", test_vectors_verify);
	g_test_add_func("/csum/vector-compute", test_vector_compute);
	g_test_add_func("/csum/odd-and-offsets", test_odd_and_offsets);
	g_test_add_func("/csum/copy-and-long", test_copy_and_long);
	g_test_add_func("/csum/odd-split", test_odd_split);
	g_test_add_func("/csum/add20", test_add20);
	return g_test_run();
}

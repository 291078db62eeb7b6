/* tests/tcp/test_rcvq.c — the receive queues (rcvq.h) holding what they checked
 * against an expected generated stream as references into its table: matching
 * payloads become reference packets (their buffers back in the pool), a payload that
 * differs stays as it arrived, and the bytes read out — in order, after out-of-order
 * trimming, across the period of the table — are exactly the bytes that arrived. */
#include <glib.h>
#include <string.h>

#include "models/tcp/rcvq.h"
#include "sim/core/rng.h"

#define PERIOD 1009u

static uint8_t table[2 * PERIOD];
static const struct tcp_cyclic_src src = { table, PERIOD };

static void table_init(void)
{
	struct sim_rng rng;
	sim_rng_init(&rng, 5, "test:rcvq:table");
	for (uint32_t i = 0; i < PERIOD; i++)
		table[i] = table[PERIOD + i] = (uint8_t)sim_rng_below(&rng, 256);
}

/* A received segment: `len` bytes of the stream from stream offset `off` (stream
 * offset 0 = table position `base`), with its headroom as TCP leaves it. */
static struct sim_packet *segment(struct sim_packet_pool *pool, uint32_t base, uint64_t off,
				  uint32_t len)
{
	struct sim_packet *p = sim_packet_alloc(pool, SIM_PACKET_HEADROOM, len);
	for (uint32_t i = 0; i < len; i++)
		p->data[i] = table[(base + off + i) % PERIOD];
	return p;
}

static void read_all(struct tcp_rcvq *q, GByteArray *out)
{
	uint8_t buf[4096];
	uint32_t n;
	while ((n = tcp_rcvq_read(q, buf, sizeof(buf))) > 0)
		g_byte_array_append(out, buf, n);
}

static void check_stream(const GByteArray *got, uint32_t base, uint64_t from)
{
	for (guint i = 0; i < got->len; i++)
		g_assert_cmpuint(got->data[i], ==, table[(base + from + i) % PERIOD]);
}

/* In order: matching payloads are references; a corrupted one is kept and read as it
 * arrived; the expectation moves on as bytes are read, across the period. */
static void test_in_order(void)
{
	struct sim_packet_pool pool;
	sim_packet_pool_init(&pool);
	struct tcp_rcvq q;
	tcp_rcvq_init(&q);
	const uint32_t base = 700, isn = 0xfffff000u; /* sequence numbers wrap too */
	tcp_rcvq_expect(&q, NULL, &src, isn, base);
	GByteArray *got = g_byte_array_new();
	uint64_t off = 0;
	for (int i = 0; i < 30; i++) {
		uint32_t len = 100 + (uint32_t)i * 13;
		struct sim_packet *p = segment(&pool, base, off, len);
		if (i == 7)
			p->data[5] ^= 0x40; /* corrupted on the way, undetected */
		tcp_rcvq_append(&q, p, len + 200);
		g_assert_true(sim_packet_is_ref(q.tail) == (i != 7));
		off += len;
		if (i % 4 == 3)
			read_all(&q, got); /* reads in between: the expectation follows */
	}
	read_all(&q, got);
	g_assert_cmpuint(got->len, ==, off);
	g_assert_cmpuint(got->data[got->len - 1], ==, table[(base + off - 1) % PERIOD]);
	/* Everything matches the stream but the corrupted byte. */
	uint32_t bad = 0;
	for (guint i = 0; i < got->len; i++)
		bad += got->data[i] != table[(base + i) % PERIOD];
	g_assert_cmpuint(bad, ==, 1);
	g_assert_cmpuint(q.mem, ==, 0);
	g_assert_cmpuint(sim_packet_pool_outstanding(&pool), ==, 0);
	g_byte_array_unref(got);
	sim_packet_pool_fini(&pool);
}

/* Out of order, behind a hole, with overlaps trimmed against queued references; the
 * hole filled, everything pops in order and reads as the stream. */
static void test_out_of_order(void)
{
	struct sim_packet_pool pool;
	sim_packet_pool_init(&pool);
	struct tcp_rcvq q;
	struct tcp_ooo ooo;
	tcp_rcvq_init(&q);
	tcp_ooo_init(&ooo);
	const uint32_t base = 3, isn = 1000;
	tcp_rcvq_expect(&q, &ooo, &src, isn, base);
	/* Segments [500, 1900) in pieces, some overlapping, some repeated; the hole is
	 * [0, 500). */
	const uint32_t pieces[][2] = { { 500, 400 }, { 1300, 600 }, { 800, 700 }, { 900, 50 },
				       { 1850, 50 }, { 700, 300 } };
	for (size_t i = 0; i < G_N_ELEMENTS(pieces); i++) {
		uint32_t off = pieces[i][0], len = pieces[i][1];
		tcp_ooo_insert(&ooo, segment(&pool, base, off, len), isn + off, false, len, NULL);
	}
	g_assert_cmpuint(ooo.bytes, ==, 1400);
	for (struct sim_packet *p = ooo.head; p; p = p->next)
		g_assert_true(sim_packet_is_ref(p));
	/* A 1 728-byte buffer per queued segment went back to the pool. */
	g_assert_cmpuint(sim_packet_pool_outstanding(&pool), ==, ooo.count);
	tcp_rcvq_append(&q, segment(&pool, base, 0, 500), 500);
	uint32_t nxt = isn + 500;
	struct sim_packet *p;
	while ((p = tcp_ooo_pop(&ooo, nxt))) {
		nxt += p->len;
		tcp_rcvq_append(&q, p, tcp_pkt_mem(p));
	}
	g_assert_cmpuint(nxt, ==, isn + 1900);
	GByteArray *got = g_byte_array_new();
	read_all(&q, got);
	g_assert_cmpuint(got->len, ==, 1900);
	check_stream(got, base, 0);
	tcp_ooo_clear(&ooo);
	g_assert_true(ooo.gen == &q.gen); /* the expectation survives a clear */
	g_assert_cmpuint(sim_packet_pool_outstanding(&pool), ==, 0);
	g_byte_array_unref(got);
	sim_packet_pool_fini(&pool);
}

/* Without an expectation nothing changes: the packets stay as they arrived. */
static void test_no_expectation(void)
{
	struct sim_packet_pool pool;
	sim_packet_pool_init(&pool);
	struct tcp_rcvq q;
	tcp_rcvq_init(&q);
	tcp_rcvq_append(&q, segment(&pool, 0, 0, 300), 300);
	g_assert_false(sim_packet_is_ref(q.head));
	tcp_rcvq_clear(&q);
	sim_packet_pool_fini(&pool);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	table_init();
	g_test_add_func("/rcvq/in-order", test_in_order);
	g_test_add_func("/rcvq/out-of-order", test_out_of_order);
	g_test_add_func("/rcvq/no-expectation", test_no_expectation);
	return g_test_run();
}

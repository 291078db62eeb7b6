/* tests/unit/test_packet.c — headroom, prepend, pull, put, clone, pooling. */
#include <glib.h>
#include <string.h>

#include "sim/core/sim.h"

static void test_headroom_prepend(void)
{
	struct sim sim;
	sim_init(&sim, 1);
	struct sim_packet *p = sim_packet_new(&sim, SIM_PACKET_HEADROOM, 5);
	memcpy(p->data, "hello", 5);
	g_assert_cmpuint(sim_packet_headroom(p), ==, SIM_PACKET_HEADROOM);

	uint8_t *payload_before = p->data;
	uint8_t *tcp = sim_packet_push(p, 20);
	memset(tcp, 0xaa, 20);
	uint8_t *ip = sim_packet_push(p, 20);
	memset(ip, 0x45, 20);
	/* Headers were prepended in place: the payload did not move. */
	g_assert_true(payload_before == p->data + 40);
	g_assert_cmpuint(p->len, ==, 45);
	g_assert_cmpuint(sim_packet_headroom(p), ==, SIM_PACKET_HEADROOM - 40);
	g_assert_cmpmem(p->data + 40, 5, "hello", 5);

	/* Parsing on the way up strips them again. */
	sim_packet_pull(p, 20);
	g_assert_cmpuint(p->data[0], ==, 0xaa);
	sim_packet_pull(p, 20);
	g_assert_cmpmem(p->data, p->len, "hello", 5);

	uint8_t *tail = sim_packet_put(p, 6);
	memcpy(tail, " world", 6);
	g_assert_cmpmem(p->data, p->len, "hello world", 11);
	sim_packet_trim(p, 4);
	g_assert_cmpmem(p->data, p->len, "hell", 4);

	sim_packet_free(p);
	g_assert_cmpuint(sim_packet_pool_outstanding(&sim.pool), ==, 0);
	sim_fini(&sim);
}

static void test_clone(void)
{
	struct sim sim;
	sim_init(&sim, 1);
	struct sim_packet *p = sim_packet_new(&sim, 64, 1400);
	for (uint32_t i = 0; i < p->len; i++)
		p->data[i] = (uint8_t)(i * 7);
	p->stamp = 1234;
	struct sim_packet *c = sim_packet_clone(p);
	g_assert_true(c != p);
	g_assert_true(c->data != p->data);
	g_assert_cmpmem(c->data, c->len, p->data, p->len);
	g_assert_cmpuint(sim_packet_headroom(c), ==, 64);
	g_assert_cmpint(c->stamp, ==, 1234);
	g_assert_cmpuint(c->uid, !=, p->uid);
	/* Independent copies: writing one leaves the other alone. */
	c->data[0] ^= 0xff;
	g_assert_cmpuint(p->data[0], ==, 0);
	sim_packet_free(p);
	sim_packet_free(c);
	g_assert_cmpuint(sim_packet_pool_outstanding(&sim.pool), ==, 0);
	sim_fini(&sim);
}

/* Size classes: a header-only packet (an ACK) takes the small class, a full
 * Ethernet-MTU datagram with the whole headroom the MTU class, anything larger the
 * jumbo class; each has the room asked for. */
static void test_size_classes(void)
{
	struct sim sim;
	sim_init(&sim, 1);
	struct { uint32_t headroom, len; uint8_t cls; } cases[] = {
		{ SIM_PACKET_HEADROOM, 0, 0 },
		{ SIM_PACKET_HEADROOM, 56, 0 },
		{ SIM_PACKET_HEADROOM, 1460, 1 },
		{ SIM_PACKET_HEADROOM, 1500, 1 },
		{ SIM_PACKET_HEADROOM, 2000, 2 },
		{ SIM_PACKET_HEADROOM, 9000, 2 },
		{ SIM_PACKET_HEADROOM, 65535, 3 },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct sim_packet *p = sim_packet_new(&sim, cases[i].headroom, cases[i].len);
		g_assert_cmpuint(p->size_class, ==, cases[i].cls);
		g_assert_cmpuint(sim_packet_headroom(p), ==, cases[i].headroom);
		g_assert_cmpuint(p->len, ==, cases[i].len);
		memset(p->data - cases[i].headroom, 0x5a, cases[i].headroom + cases[i].len);
		sim_packet_free(p);
	}
	sim_fini(&sim);
}

static void test_pool_reuse(void)
{
	struct sim sim;
	sim_init(&sim, 1);
	struct sim_packet *a[100];
	for (int round = 0; round < 10; round++) {
		for (int i = 0; i < 100; i++)
			a[i] = sim_packet_new(&sim, SIM_PACKET_HEADROOM, 1500);
		for (int i = 0; i < 100; i++)
			sim_packet_free(a[i]);
	}
	/* Only the first round touched the heap. */
	g_assert_cmpuint(sim.pool.allocations, ==, 100);

	/* A reassembled 64 KiB datagram and an oversized one-off both work. */
	struct sim_packet *big = sim_packet_new(&sim, 0, 65535);
	memset(big->data, 1, big->len);
	struct sim_packet *huge = sim_packet_new(&sim, 0, 200000);
	memset(huge->data, 2, huge->len);
	sim_packet_free(big);
	sim_packet_free(huge);
	g_assert_cmpuint(sim_packet_pool_outstanding(&sim.pool), ==, 0);
	sim_fini(&sim);
}

/* A reference packet takes over the packet's identity and bytes (held elsewhere), is
 * pulled and trimmed like any packet, copies into an ordinary one, and returns to its
 * own free list; trimming the pool frees what waits in the free lists. */
static void test_reference_and_trim(void)
{
	static const uint8_t held[] = "the same bytes, held elsewhere";
	struct sim sim;
	sim_init(&sim, 1);
	struct sim_packet *p = sim_packet_new(&sim, SIM_PACKET_HEADROOM, sizeof(held));
	memcpy(p->data, held, sizeof(held));
	p->mark = 77;
	p->stamp = 5;
	uint64_t uid = p->uid;
	struct sim_packet *r = sim_packet_replace_ref(p, held);
	g_assert_true(sim_packet_is_ref(r));
	g_assert_true(r->data == held);
	g_assert_cmpuint(r->uid, ==, uid);
	g_assert_cmpuint(r->mark, ==, 77);
	g_assert_cmpint(r->stamp, ==, 5);
	g_assert_cmpuint(sim_packet_pool_outstanding(&sim.pool), ==, 1);
	sim_packet_pull(r, 4);
	sim_packet_trim(r, 4);
	g_assert_cmpmem(r->data, r->len, "same", 4);
	struct sim_packet *c = sim_packet_clone(r);
	g_assert_false(sim_packet_is_ref(c));
	g_assert_cmpmem(c->data, c->len, "same", 4);
	c->data[0] = 'S'; /* the copy's bytes are its own */
	g_assert_cmpuint(held[4], ==, 's');
	sim_packet_free(c);
	sim_packet_free(r);
	/* Reused from its free list. */
	struct sim_packet *q = sim_packet_new(&sim, SIM_PACKET_HEADROOM, 10);
	uint64_t allocs = sim.pool.allocations;
	struct sim_packet *r2 = sim_packet_replace_ref(q, held);
	g_assert_cmpuint(sim.pool.allocations, ==, allocs);
	sim_packet_free(r2);
	g_assert_cmpuint(sim_packet_pool_outstanding(&sim.pool), ==, 0);
	g_assert_cmpuint(sim.pool.heap_bytes, >, 0);
	sim_packet_pool_trim(&sim.pool);
	g_assert_cmpuint(sim.pool.heap_bytes, ==, 0);
	/* Still usable. */
	sim_packet_free(sim_packet_new(&sim, 0, 100));
	sim_fini(&sim);
}

static void test_push_overflow_aborts(void)
{
	if (g_test_subprocess()) {
		struct sim sim;
		sim_init(&sim, 1);
		struct sim_packet *p = sim_packet_new(&sim, 10, 10);
		sim_packet_push(p, 11);
		return;
	}
	g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
	g_test_trap_assert_failed();
	g_test_trap_assert_stderr("*headroom*");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/packet/headroom-prepend", test_headroom_prepend);
	g_test_add_func("/packet/clone", test_clone);
	g_test_add_func("/packet/size-classes", test_size_classes);
	g_test_add_func("/packet/pool-reuse", test_pool_reuse);
	g_test_add_func("/packet/push-overflow-aborts", test_push_overflow_aborts);
	g_test_add_func("/packet/reference-and-trim", test_reference_and_trim);
	return g_test_run();
}

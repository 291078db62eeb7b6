/* tests/tcp/test_connmap.c — TCP's 4-tuple table against a reference (GHashTable)
 * under a long random sequence of inserts, removals and lookups. */
#include <glib.h>

#include "models/tcp/connmap.h"
#include "sim/core/rng.h"

static guint ref_hash(gconstpointer p)
{
	return tcp_tuple_hash(p);
}

static gboolean ref_equal(gconstpointer a, gconstpointer b)
{
	return tcp_tuple_equal(a, b);
}

#define SOCK(i) ((struct tcp_sock *)(uintptr_t)(0x1000u + (uintptr_t)(i)))

static void test_random_against_reference(void)
{
	struct sim_rng rng;
	sim_rng_init(&rng, 11, "test:connmap");
	struct tcp_connmap m;
	tcp_connmap_init(&m);
	GHashTable *ref = g_hash_table_new_full(ref_hash, ref_equal, g_free, NULL);
	for (int step = 0; step < 200000; step++) {
		/* Few addresses and ports: many collisions of parts of the tuple. */
		struct tcp_tuple t = {
			.laddr = IPV4_ADDR(10, 0, 0, 1 + (uint32_t)sim_rng_below(&rng, 3)),
			.raddr = IPV4_ADDR(10, 0, 1, 1 + (uint32_t)sim_rng_below(&rng, 3)),
			.lport = (uint16_t)(5001 + sim_rng_below(&rng, 20)),
			.rport = (uint16_t)(49152 + sim_rng_below(&rng, 40)),
		};
		struct tcp_sock *want = g_hash_table_lookup(ref, &t);
		g_assert_true(tcp_connmap_lookup(&m, &t) == want);
		if (sim_rng_bernoulli(&rng, 0.5)) {
			if (!want) {
				tcp_connmap_insert(&m, &t, SOCK(step));
				g_hash_table_insert(ref, g_memdup2(&t, sizeof(t)), SOCK(step));
			}
		} else {
			g_assert_true(tcp_connmap_remove(&m, &t) == want);
			g_hash_table_remove(ref, &t);
		}
		g_assert_cmpuint(m.count, ==, g_hash_table_size(ref));
	}
	GHashTableIter it;
	gpointer k, v;
	g_hash_table_iter_init(&it, ref);
	while (g_hash_table_iter_next(&it, &k, &v))
		g_assert_true(tcp_connmap_lookup(&m, k) == v);
	g_hash_table_destroy(ref);
	tcp_connmap_fini(&m);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/tcp/connmap/random-against-reference", test_random_against_reference);
	return g_test_run();
}

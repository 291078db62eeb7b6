/* tests/net/test_addrmap.c — the address map against a reference (GHashTable) under a
 * long random sequence of inserts, replacements and removals. */
#include <glib.h>

#include "models/ip/addrmap.h"
#include "sim/core/rng.h"

/* Values are distinct non-NULL pointers derived from an integer. */
#define VAL(i) ((void *)(uintptr_t)(0x1000u + (uintptr_t)(i)))

static void test_basic(void)
{
	struct ipv4_map m;
	ipv4_map_init(&m);
	g_assert_null(ipv4_map_lookup(&m, 0));
	g_assert_null(ipv4_map_remove(&m, 5));
	/* Key 0 (the default route's prefix) is an ordinary key. */
	g_assert_null(ipv4_map_insert(&m, 0, VAL(1)));
	g_assert_true(ipv4_map_lookup(&m, 0) == VAL(1));
	g_assert_true(ipv4_map_insert(&m, 0, VAL(2)) == VAL(1)); /* replaced */
	g_assert_cmpuint(ipv4_map_size(&m), ==, 1);
	g_assert_true(ipv4_map_remove(&m, 0) == VAL(2));
	g_assert_cmpuint(ipv4_map_size(&m), ==, 0);
	g_assert_null(ipv4_map_lookup(&m, 0));
	/* Neighbouring /24 prefixes, as a router's connected routes. */
	for (uint32_t i = 0; i < 1000; i++)
		g_assert_null(ipv4_map_insert(&m, IPV4_ADDR(10, 1, 0, 0) + (i << 8), VAL(i)));
	for (uint32_t i = 0; i < 1000; i++)
		g_assert_true(ipv4_map_lookup(&m, IPV4_ADDR(10, 1, 0, 0) + (i << 8)) == VAL(i));
	g_assert_null(ipv4_map_lookup(&m, IPV4_ADDR(10, 1, 0, 1)));
	ipv4_map_fini(&m);
}

static void test_random_against_reference(void)
{
	struct sim_rng rng;
	sim_rng_init(&rng, 7, "test:addrmap");
	struct ipv4_map m;
	ipv4_map_init(&m);
	GHashTable *ref = g_hash_table_new(g_direct_hash, g_direct_equal);
	/* Keys from a small range, so that inserts, hits, misses and removals mix and
	 * probe runs wrap around the end of the array. */
	for (int step = 0; step < 200000; step++) {
		uint32_t key = (uint32_t)sim_rng_below(&rng, 3000) * 0x10001u;
		uint32_t op = (uint32_t)sim_rng_below(&rng, 3);
		void *want = g_hash_table_lookup(ref, GUINT_TO_POINTER(key));
		if (op == 0) {
			void *v = VAL(step);
			g_assert_true(ipv4_map_insert(&m, key, v) == want);
			g_hash_table_insert(ref, GUINT_TO_POINTER(key), v);
		} else if (op == 1) {
			g_assert_true(ipv4_map_remove(&m, key) == want);
			g_hash_table_remove(ref, GUINT_TO_POINTER(key));
		} else {
			g_assert_true(ipv4_map_lookup(&m, key) == want);
		}
		g_assert_cmpuint(ipv4_map_size(&m), ==, g_hash_table_size(ref));
	}
	/* Every reference entry is found. */
	GHashTableIter it;
	gpointer k, v;
	g_hash_table_iter_init(&it, ref);
	while (g_hash_table_iter_next(&it, &k, &v))
		g_assert_true(ipv4_map_lookup(&m, GPOINTER_TO_UINT(k)) == v);
	g_hash_table_destroy(ref);
	ipv4_map_fini(&m);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/addrmap/basic", test_basic);
	g_test_add_func("/addrmap/random-against-reference", test_random_against_reference);
	return g_test_run();
}

/* tests/net/test_sojourn.c — the sojourn histogram's sparse map and its flat form
 * against a reference array of every bucket: the same counts and percentiles for
 * distributions that stay sparse and for one wide enough to turn dense, with samples
 * removed again as link.c does for packets still waiting. */
#include <glib.h>
#include <math.h>

#include "models/link/sojourn.h"
#include "sim/core/rng.h"

/* The bucket of the q-quantile by definition (sojourn.h: the ceil(q n)-th smallest
 * sample), from a flat array of counts; -1 when that sample is a zero. */
static int ref_quantile_bucket(const uint64_t *count, uint64_t n, double q)
{
	uint64_t rank = (uint64_t)ceil(q * (double)n);
	if (rank < 1)
		rank = 1;
	uint64_t nonzero = 0;
	for (unsigned b = 0; b < SOJOURN_BUCKETS; b++)
		nonzero += count[b];
	uint64_t seen = n - nonzero;
	if (seen >= rank)
		return -1;
	for (unsigned b = 0; b < SOJOURN_BUCKETS; b++) {
		seen += count[b];
		if (seen >= rank)
			return (int)b;
	}
	g_assert_not_reached();
}

/* Samples drawn log-uniformly over [1, 2^span) ns, a share of them zero. */
static void run(uint64_t seed, unsigned span, unsigned samples, bool expect_dense)
{
	struct sim_rng rng;
	sim_rng_init(&rng, seed, "test:sojourn");
	struct sojourn_hist h;
	sojourn_init(&h);
	uint64_t *ref = g_new0(uint64_t, SOJOURN_BUCKETS);
	sim_time_t *kept = g_new(sim_time_t, samples);
	uint64_t n = 0;
	for (unsigned i = 0; i < samples; i++) {
		unsigned e = (unsigned)sim_rng_below(&rng, span);
		sim_time_t v = sim_rng_below(&rng, 4) == 0
				       ? 0
				       : (sim_time_t)((UINT64_C(1) << e) + sim_rng_below(&rng, UINT64_C(1) << e));
		sojourn_add(&h, v);
		kept[i] = v;
		n++;
		if (v > 0)
			ref[sojourn_bucket((uint64_t)v)]++;
	}
	/* Take the last tenth out again. */
	for (unsigned i = samples - samples / 10; i < samples; i++) {
		sojourn_remove(&h, kept[i]);
		n--;
		if (kept[i] > 0)
			ref[sojourn_bucket((uint64_t)kept[i])]--;
	}
	g_assert_cmpuint(h.n, ==, n);
	for (unsigned b = 0; b < SOJOURN_BUCKETS; b++)
		g_assert_cmpuint(sojourn_bucket_count(&h, b), ==, ref[b]);
	g_assert_true((h.count != NULL) == expect_dense);

	/* Percentiles: the bucket the reference finds, reported at its middle, which
	 * lies in the bucket. */
	struct sojourn_hist copy;
	sojourn_copy(&copy, &h);
	for (double q = 0.05; q < 1.0; q += 0.1) {
		sim_time_t got = sojourn_quantile(&copy, q);
		int want = ref_quantile_bucket(ref, n, q);
		if (want < 0)
			g_assert_cmpint(got, ==, 0);
		else
			g_assert_cmpint((int)sojourn_bucket((uint64_t)got), ==, want);
	}
	g_assert_cmpint(sojourn_quantile(&copy, 0.99), ==, sojourn_quantile(&h, 0.99));
	sojourn_fini(&copy);
	sojourn_fini(&h);
	g_free(ref);
	g_free(kept);
}

static void test_sparse(void)
{
	/* Four octaves: a few dozen buckets, the map stays sparse. */
	run(1, 4, 20000, false);
	run(2, 12, 200, false);
}

static void test_dense(void)
{
	/* Forty octaves: hundreds of buckets, the map turns into the flat array. */
	run(3, 40, 50000, true);
}

static void test_empty(void)
{
	struct sojourn_hist h;
	sojourn_init(&h);
	g_assert_cmpint(sojourn_quantile(&h, 0.99), ==, 0);
	sojourn_add(&h, 0);
	sojourn_add(&h, 0);
	g_assert_cmpint(sojourn_quantile(&h, 0.99), ==, 0);
	g_assert_null(h.slots); /* zeros need no bucket */
	sojourn_add(&h, 1000);
	/* 3 samples, p99 is the third: 1000 ns, reported at its bucket's middle (between
	 * 512 and 1024 the buckets are 8 ns wide: [1000, 1008), middle 1004). */
	g_assert_cmpint(sojourn_quantile(&h, 0.99), ==, 1004);
	sojourn_fini(&h);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/sojourn/empty", test_empty);
	g_test_add_func("/sojourn/sparse", test_sparse);
	g_test_add_func("/sojourn/dense", test_dense);
	return g_test_run();
}

/* tests/sweep/test_stats.c — the statistics of aggregate.tsv (sim/cli/sweep_stats.c)
 * against values computed by hand and Student's t quantiles computed independently
 * (mpmath, 30 digits, from the regularised incomplete beta function).
 */
#include <math.h>

#include <glib.h>

#include "sim/cli/sweep_stats.h"

static void test_t_quantile(void)
{
	static const struct {
		double df, t975;
	} ref[] = {
		{1, 12.706204736174705},   {2, 4.3026527297494639},  {3, 3.1824463052837096},
		{4, 2.7764451051977944},   {5, 2.5705818356363155},  {9, 2.2621571627982055},
		{19, 2.0930240544083098},  {29, 2.0452296421327043}, {100, 1.9839715185235523},
		{1000, 1.9623390808264085}, {100000, 1.9599877075346096},
	};
	for (gsize i = 0; i < G_N_ELEMENTS(ref); i++) {
		double t = sweep_t_quantile(0.975, ref[i].df);
		g_assert_cmpfloat_with_epsilon(t, ref[i].t975, 1e-12 * ref[i].t975);
		/* Symmetric, and the cdf inverts it. */
		g_assert_cmpfloat(sweep_t_quantile(0.025, ref[i].df), ==, -t);
		g_assert_cmpfloat_with_epsilon(sweep_t_cdf(t, ref[i].df), 0.975, 1e-14);
	}
	g_assert_cmpfloat(sweep_t_quantile(0.5, 7), ==, 0.0);
}

/* Closed forms: one degree of freedom is Cauchy (1/2 + atan(t)/π), two is
 * 1/2 + t/(2√(2 + t²)). */
static void test_t_cdf(void)
{
	for (double t = -5; t <= 5; t += 0.25) {
		g_assert_cmpfloat_with_epsilon(sweep_t_cdf(t, 1), 0.5 + atan(t) / G_PI, 1e-14);
		g_assert_cmpfloat_with_epsilon(sweep_t_cdf(t, 2), 0.5 + t / (2 * sqrt(2 + t * t)),
					       1e-14);
	}
}

/* 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sum of squared deviations 32, sd √(32/7), and the
 * half-width t(0.975, 7)·sd/√8 with t(0.975, 7) = 2.3646242515927853. */
static void test_stats(void)
{
	double x[] = {2, 4, 4, NAN, 4, 5, 5, 7, 9};
	struct sweep_stats st;
	sweep_stats_compute(x, G_N_ELEMENTS(x), &st);
	g_assert_cmpuint(st.n, ==, 8);
	g_assert_cmpfloat(st.mean, ==, 5.0);
	g_assert_cmpfloat_with_epsilon(st.sd, sqrt(32.0 / 7.0), 1e-15);
	g_assert_cmpfloat_with_epsilon(st.ci95, 2.3646242515927853 * sqrt(32.0 / 7.0) / sqrt(8.0),
				       1e-14);
	g_assert_cmpfloat(st.min, ==, 2.0);
	g_assert_cmpfloat(st.max, ==, 9.0);

	/* One sample: no spread; none: nothing. */
	double one[] = {3.5};
	sweep_stats_compute(one, 1, &st);
	g_assert_cmpuint(st.n, ==, 1);
	g_assert_cmpfloat(st.mean, ==, 3.5);
	g_assert_true(isnan(st.sd) && isnan(st.ci95));
	double none[] = {NAN, INFINITY};
	sweep_stats_compute(none, 2, &st);
	g_assert_cmpuint(st.n, ==, 0);
	g_assert_true(isnan(st.mean) && isnan(st.min) && isnan(st.max));

	/* A spread small against the mean keeps its digits (two passes). */
	double big[] = {1e9 + 1, 1e9 + 2, 1e9 + 3};
	sweep_stats_compute(big, 3, &st);
	g_assert_cmpfloat(st.sd, ==, 1.0);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/sweep/stats/t-quantile", test_t_quantile);
	g_test_add_func("/sweep/stats/t-cdf", test_t_cdf);
	g_test_add_func("/sweep/stats/mean-sd-ci", test_stats);
	return g_test_run();
}

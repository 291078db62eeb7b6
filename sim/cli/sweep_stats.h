/* sim/cli/sweep_stats.h — the statistics of a sweep's aggregate: mean, sample
 * standard deviation and a 95 % confidence interval of the mean with Student's t.
 *
 * The t quantile is computed, not looked up: the regularised incomplete beta function
 * (a continued fraction, evaluated by the modified Lentz method) gives Student's t
 * distribution function, and bisection inverts it to the last bit, for any number of
 * degrees of freedom. The same inputs in the same order give the same bits, so a
 * sweep's aggregate does not depend on how its runs were scheduled.
 */
#ifndef SIM_CLI_SWEEP_STATS_H
#define SIM_CLI_SWEEP_STATS_H

#include <stddef.h>

struct sweep_stats {
	size_t n;         /* finite samples (NaN samples are left out) */
	double mean;      /* NaN when n = 0 */
	double sd;        /* sample standard deviation (n − 1); NaN when n < 2 */
	double ci95;      /* half-width t(0.975, n − 1)·sd/√n; NaN when n < 2 */
	double min, max;  /* NaN when n = 0 */
};

/* Statistics of x[0..count) in that order. */
void sweep_stats_compute(const double *x, size_t count, struct sweep_stats *out);

/* Student's t distribution function P(T <= t) with df degrees of freedom (df > 0). */
double sweep_t_cdf(double t, double df);

/* The p-quantile of Student's t with df degrees of freedom, 0 < p < 1. */
double sweep_t_quantile(double p, double df);

#endif

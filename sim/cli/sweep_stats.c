/* sim/cli/sweep_stats.c — mean, standard deviation and Student's t (sweep_stats.h). */
#include "sim/cli/sweep_stats.h"

#include <math.h>

/* The continued fraction of the incomplete beta function I_x(a, b), for
 * x < (a + 1)/(a + b + 2) where it converges fast; modified Lentz evaluation. */
static double beta_cf(double a, double b, double x)
{
	const double tiny = 1e-300, eps = 1e-16;
	double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0);
	if (fabs(d) < tiny)
		d = tiny;
	d = 1.0 / d;
	double h = d;
	for (int m = 1; m <= 1000; m++) {
		double m2 = 2.0 * m;
		/* The even step d_{2m}, then the odd step d_{2m+1}. */
		double num = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
		d = 1.0 + num * d;
		c = 1.0 + num / c;
		d = 1.0 / (fabs(d) < tiny ? tiny : d);
		c = fabs(c) < tiny ? tiny : c;
		h *= d * c;
		num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
		d = 1.0 + num * d;
		c = 1.0 + num / c;
		d = 1.0 / (fabs(d) < tiny ? tiny : d);
		c = fabs(c) < tiny ? tiny : c;
		double delta = d * c;
		h *= delta;
		if (fabs(delta - 1.0) < eps)
			break;
	}
	return h;
}

/* The regularised incomplete beta function I_x(a, b), 0 <= x <= 1. */
static double beta_inc(double a, double b, double x)
{
	if (x <= 0.0)
		return 0.0;
	if (x >= 1.0)
		return 1.0;
	double lfront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);
	double front = exp(lfront);
	/* I_x(a, b) = 1 − I_{1−x}(b, a): use the side where the fraction converges. */
	if (x < (a + 1.0) / (a + b + 2.0))
		return front * beta_cf(a, b, x) / a;
	return 1.0 - front * beta_cf(b, a, 1.0 - x) / b;
}

double sweep_t_cdf(double t, double df)
{
	double x = df / (df + t * t);
	double tail = 0.5 * beta_inc(df / 2.0, 0.5, x); /* P(T > |t|) */
	return t >= 0 ? 1.0 - tail : tail;
}

double sweep_t_quantile(double p, double df)
{
	if (p == 0.5)
		return 0.0;
	if (p < 0.5)
		return -sweep_t_quantile(1.0 - p, df);
	/* The cdf is increasing: bracket the quantile, then bisect until the interval
	 * cannot shrink any more. */
	double lo = 0.0, hi = 1.0;
	while (sweep_t_cdf(hi, df) < p && hi < 1e300)
		hi *= 2.0;
	for (int i = 0; i < 2000; i++) {
		double mid = lo + (hi - lo) / 2.0;
		if (mid <= lo || mid >= hi)
			break;
		if (sweep_t_cdf(mid, df) < p)
			lo = mid;
		else
			hi = mid;
	}
	return hi;
}

void sweep_stats_compute(const double *x, size_t count, struct sweep_stats *out)
{
	size_t n = 0;
	double sum = 0.0, min = NAN, max = NAN;
	for (size_t i = 0; i < count; i++) {
		if (!isfinite(x[i]))
			continue;
		n++;
		sum += x[i];
		if (n == 1 || x[i] < min)
			min = x[i];
		if (n == 1 || x[i] > max)
			max = x[i];
	}
	out->n = n;
	out->mean = n ? sum / (double)n : NAN;
	out->min = min;
	out->max = max;
	out->sd = out->ci95 = NAN;
	if (n < 2)
		return;
	/* Two passes: the squared deviations from the mean, not the sum of squares,
	 * which loses the digits of a spread small against the mean. */
	double ss = 0.0;
	for (size_t i = 0; i < count; i++)
		if (isfinite(x[i]))
			ss += (x[i] - out->mean) * (x[i] - out->mean);
	out->sd = sqrt(ss / (double)(n - 1));
	out->ci95 = sweep_t_quantile(0.975, (double)(n - 1)) * out->sd / sqrt((double)n);
}

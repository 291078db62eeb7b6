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

/* The tail of Stirling's series of ln Γ(z): 1/(12z) − 1/(360z³) + 1/(1260z⁵) −
 * 1/(1680z⁷). */
static double stirling_tail(double z)
{
	double r = 1.0 / z, r2 = r * r;
	return r * (1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260 - r2 / 1680)));
}

/* ln Γ(a + b) − ln Γ(a). For large a the two lgamma() values are large and nearly
 * equal, and their difference loses the digits the t quantile needs; Stirling's
 * series gives the difference directly: (a − ½)·ln(1 + b/a) + b·ln(a + b) − b plus
 * the difference of the series' tails (truncation error below 1e-18 for a >= 50). */
static double lgamma_ratio(double a, double b)
{
	if (a < 50)
		return lgamma(a + b) - lgamma(a);
	return (a - 0.5) * log1p(b / a) + b * log(a + b) - b + stirling_tail(a + b) -
	       stirling_tail(a);
}

/* The regularised incomplete beta function I_x(a, b), 0 <= x <= 1, given x and
 * y = 1 − x (each computed where it is exact: near 1, x itself loses the digits of
 * y). */
static double beta_inc(double a, double b, double x, double y)
{
	if (x <= 0.0)
		return 0.0;
	if (y <= 0.0)
		return 1.0;
	double lx = x < 0.5 ? log(x) : log1p(-y), ly = y < 0.5 ? log(y) : log1p(-x);
	/* ln(x^a y^b / B(a, b)), the larger parameter's Γ ratio taken accurately. */
	double lbeta = a >= b ? lgamma_ratio(a, b) - lgamma(b) : lgamma_ratio(b, a) - lgamma(a);
	double front = exp(lbeta + a * lx + b * ly);
	/* I_x(a, b) = 1 − I_{1−x}(b, a): use the side where the fraction converges. */
	if (x < (a + 1.0) / (a + b + 2.0))
		return front * beta_cf(a, b, x) / a;
	return 1.0 - front * beta_cf(b, a, y) / b;
}

double sweep_t_cdf(double t, double df)
{
	double x = df / (df + t * t), y = t * t / (df + t * t);
	double tail = 0.5 * beta_inc(df / 2.0, 0.5, x, y); /* P(T > |t|) */
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

/* models/link/sojourn.c — see sojourn.h. */
#include "models/link/sojourn.h"

#include <glib.h>
#include <math.h>
#include <string.h>

/* The middle of bucket b: in octave k >= 1 a value shifted right by k - 1 is
 * 64 + sub. */
static uint64_t bucket_middle(unsigned b)
{
	unsigned oct = b / SOJOURN_SUB, sub = b % SOJOURN_SUB;
	if (oct == 0)
		return sub;
	uint64_t width = UINT64_C(1) << (oct - 1);
	return (uint64_t)(SOJOURN_SUB + sub) * width + width / 2;
}

void sojourn_init(struct sojourn_hist *h)
{
	h->n = 0;
	h->sum_ns = 0;
	h->count = g_new0(uint64_t, SOJOURN_BUCKETS);
}

sim_time_t sojourn_quantile(const struct sojourn_hist *h, double q)
{
	if (h->n == 0)
		return 0;
	uint64_t rank = (uint64_t)ceil(q * (double)h->n);
	if (rank < 1)
		rank = 1;
	uint64_t nonzero = 0;
	for (unsigned b = 0; b < SOJOURN_BUCKETS; b++)
		nonzero += h->count[b];
	uint64_t seen = h->n - nonzero; /* the zeros come first */
	if (seen >= rank)
		return 0;
	for (unsigned b = 0; b < SOJOURN_BUCKETS; b++) {
		seen += h->count[b];
		if (seen >= rank)
			return (sim_time_t)bucket_middle(b);
	}
	return 0; /* not reached: the counts add up to n */
}

void sojourn_copy(struct sojourn_hist *dst, const struct sojourn_hist *src)
{
	*dst = *src;
	dst->count = g_memdup2(src->count, SOJOURN_BUCKETS * sizeof(uint64_t));
}

void sojourn_fini(struct sojourn_hist *h)
{
	g_free(h->count);
	memset(h, 0, sizeof(*h));
}

/* models/link/sojourn.h — the distribution of queueing delays (sojourn times) of one
 * link direction: count, sum, and a log-linear histogram for percentiles.
 *
 * Where it sits: link.c records the sojourn of every packet its transmitter takes
 * (0 for one that did not wait); summary.json reports the mean and the 99th
 * percentile.
 *
 * The histogram is exact below 64 ns; above, each power of two is split into 64
 * equal buckets, so a percentile is reported as the middle of its bucket, within
 * 1/128 (0.8 %) of a recorded value. Sojourns of 2^42 ns (73 minutes) and more share
 * the top bucket. The buckets (18.5 KiB, zeroed by calloc, so the pages of buckets
 * never used are never touched) are allocated once, by sojourn_init(), so a run
 * allocates nothing for them per packet or in steady state. Every operation is
 * integer arithmetic: the same samples give the same percentile on any machine.
 *
 * Complexity: add O(1); percentile O(buckets).
 */
#ifndef MODELS_LINK_SOJOURN_H
#define MODELS_LINK_SOJOURN_H

#include <stdint.h>

#include "sim/core/time.h"

#define SOJOURN_SUB_BITS 6u
#define SOJOURN_SUB      (1u << SOJOURN_SUB_BITS)
#define SOJOURN_OCTAVES  37u /* values < 2^42 ns */
#define SOJOURN_BUCKETS  (SOJOURN_OCTAVES * SOJOURN_SUB)

struct sojourn_hist {
	uint64_t n;       /* samples, zeros included */
	uint64_t sum_ns;  /* their sum */
	uint64_t *count;  /* [SOJOURN_BUCKETS] */
};

void sojourn_init(struct sojourn_hist *h);

/* The bucket of a value: octave 0 holds 0..63 one per bucket; octave k >= 1 the
 * values in [2^(k+5), 2^(k+6)), in 64 buckets 2^(k-1) wide. */
static inline unsigned sojourn_bucket(uint64_t v)
{
	if (v < SOJOURN_SUB)
		return (unsigned)v;
	unsigned e = 63u - (unsigned)__builtin_clzll(v); /* 2^e <= v < 2^(e+1), e >= 6 */
	unsigned oct = e - SOJOURN_SUB_BITS + 1;
	if (oct >= SOJOURN_OCTAVES)
		return SOJOURN_BUCKETS - 1;
	return oct * SOJOURN_SUB + ((unsigned)(v >> (e - SOJOURN_SUB_BITS)) & (SOJOURN_SUB - 1));
}

/* Adds a sample > 0 to the sum and its bucket without counting it in n: a user that
 * counts its samples anyway (link.c's drop-tail path, where most are 0) sets n itself
 * before reading the histogram. */
static inline void sojourn_add_positive(struct sojourn_hist *h, sim_time_t ns)
{
	h->sum_ns += (uint64_t)ns;
	h->count[sojourn_bucket((uint64_t)ns)]++;
}

static inline void sojourn_add(struct sojourn_hist *h, sim_time_t ns)
{
	h->n++;
	if (ns > 0)
		sojourn_add_positive(h, ns);
}

/* Removes a sample added before (the drop-tail timeline counts a packet when it is
 * accepted; one still waiting at the end of a run is taken out again). */
static inline void sojourn_remove(struct sojourn_hist *h, sim_time_t ns)
{
	h->n--;
	if (ns > 0) {
		h->sum_ns -= (uint64_t)ns;
		h->count[sojourn_bucket((uint64_t)ns)]--;
	}
}

/* The q-quantile (0 < q <= 1, e.g. 0.99) in ns: the bucket of the ceil(q·n)-th
 * smallest sample, reported at its middle; 0 when there are no samples. */
sim_time_t sojourn_quantile(const struct sojourn_hist *h, double q);

/* Deep copy of src into dst (dst uninitialised; free it with sojourn_fini()). */
void sojourn_copy(struct sojourn_hist *dst, const struct sojourn_hist *src);

void sojourn_fini(struct sojourn_hist *h);

#endif

/* sim/core/rng.h — seeded, named random streams.
 *
 * Every random component draws from its own stream, derived from the run's root seed
 * and a stable component name ("link:l1:forward:loss", "host:A:isn"). The derivation
 * is SHA-256(seed, name) → the 256-bit state of a xoshiro256** generator, so adding
 * or removing a component never changes the draws of another, and the same
 * (seed, name) gives the same sequence on every machine.
 *
 * Draws are integer-exact except where a distribution needs a logarithm
 * (exponential), which uses the C library's log(); that is correctly rounded in
 * glibc, the supported platform.
 */
#ifndef SIM_CORE_RNG_H
#define SIM_CORE_RNG_H

#include <stdbool.h>
#include <stdint.h>

struct sim_rng {
	uint64_t s[4];
};

/* Seeds the stream named `name` of root seed `seed`. */
void sim_rng_init(struct sim_rng *rng, uint64_t seed, const char *name);

/* Next raw 64 random bits. */
uint64_t sim_rng_u64(struct sim_rng *rng);

/* Uniform double in [0, 1), 53 bits of randomness. */
double sim_rng_uniform(struct sim_rng *rng);

/* Uniform integer in [0, n), unbiased; n > 0. */
uint64_t sim_rng_below(struct sim_rng *rng, uint64_t n);

/* Exponentially distributed value with the given mean (> 0). */
double sim_rng_exponential(struct sim_rng *rng, double mean);

/* True with probability p (p <= 0 never, p >= 1 always). */
bool sim_rng_bernoulli(struct sim_rng *rng, double p);

#endif

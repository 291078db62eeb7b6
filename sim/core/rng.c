/* sim/core/rng.c — xoshiro256** streams keyed by SHA-256(seed, name).
 *
 * xoshiro256** (Blackman & Vigna, 2018) is small, fast and passes BigCrush; its state
 * is filled from a SHA-256 digest, which never yields the all-zero state in practice
 * (and we guard against it anyway).
 */
#include "sim/core/rng.h"

#include <glib.h>
#include <math.h>
#include <string.h>

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

void sim_rng_init(struct sim_rng *rng, uint64_t seed, const char *name)
{
	GChecksum *ck = g_checksum_new(G_CHECKSUM_SHA256);
	guint8 digest[32];
	gsize dlen = sizeof(digest);
	guint8 seed_le[8];

	/* The seed is hashed as 8 little-endian bytes so the derivation does not depend
	 * on the host's byte order; the name follows after a separator. */
	for (int i = 0; i < 8; i++)
		seed_le[i] = (guint8)(seed >> (8 * i));
	g_checksum_update(ck, (const guchar *)"netsim-rng\0", 11);
	g_checksum_update(ck, seed_le, sizeof(seed_le));
	g_checksum_update(ck, (const guchar *)name, (gssize)strlen(name));
	g_checksum_get_digest(ck, digest, &dlen);
	g_checksum_free(ck);

	for (int w = 0; w < 4; w++) {
		uint64_t v = 0;
		for (int i = 0; i < 8; i++)
			v |= (uint64_t)digest[w * 8 + i] << (8 * i);
		rng->s[w] = v;
	}
	if ((rng->s[0] | rng->s[1] | rng->s[2] | rng->s[3]) == 0)
		rng->s[0] = 0x9e3779b97f4a7c15u;
}

uint64_t sim_rng_u64(struct sim_rng *rng)
{
	uint64_t *s = rng->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

double sim_rng_uniform(struct sim_rng *rng)
{
	return (double)(sim_rng_u64(rng) >> 11) * 0x1.0p-53;
}

uint64_t sim_rng_below(struct sim_rng *rng, uint64_t n)
{
	/* Rejection sampling on the top of the range keeps the draw unbiased. */
	g_assert(n > 0);
	uint64_t limit = UINT64_MAX - UINT64_MAX % n;
	uint64_t x;
	do {
		x = sim_rng_u64(rng);
	} while (x >= limit);
	return x % n;
}

double sim_rng_exponential(struct sim_rng *rng, double mean)
{
	/* 1 - u lies in (0, 1], so the logarithm is finite. */
	return -mean * log(1.0 - sim_rng_uniform(rng));
}

bool sim_rng_bernoulli(struct sim_rng *rng, double p)
{
	if (p <= 0.0)
		return false;
	if (p >= 1.0)
		return true;
	return sim_rng_uniform(rng) < p;
}

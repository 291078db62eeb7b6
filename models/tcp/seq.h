/* models/tcp/seq.h — TCP sequence-number arithmetic (RFC 9293 §3.4).
 *
 * Sequence numbers live in a 32-bit space that wraps: 0xffffffff is followed by 0.
 * Comparisons are therefore modular: a < b when the signed 32-bit difference a − b is
 * negative, which is correct as long as the two numbers are less than 2^31 apart —
 * always the case for the windows TCP compares (RFC 7323 §2.3 limits the window to
 * 2^30 so that this holds). Every comparison of sequence or acknowledgment numbers in
 * the TCP model goes through these helpers, never through < on raw integers.
 */
#ifndef MODELS_TCP_SEQ_H
#define MODELS_TCP_SEQ_H

#include <stdbool.h>
#include <stdint.h>

/* The signed distance b − a, valid when |b − a| < 2^31. */
static inline int32_t seq_diff(uint32_t b, uint32_t a)
{
	return (int32_t)(b - a);
}

static inline bool seq_lt(uint32_t a, uint32_t b)
{
	return seq_diff(a, b) < 0;
}

static inline bool seq_leq(uint32_t a, uint32_t b)
{
	return seq_diff(a, b) <= 0;
}

static inline bool seq_gt(uint32_t a, uint32_t b)
{
	return seq_diff(a, b) > 0;
}

static inline bool seq_geq(uint32_t a, uint32_t b)
{
	return seq_diff(a, b) >= 0;
}

/* lo <= x <= hi, modulo 2^32. */
static inline bool seq_between(uint32_t lo, uint32_t x, uint32_t hi)
{
	return seq_leq(lo, x) && seq_leq(x, hi);
}

/* lo <= x < hi, modulo 2^32 (the half-open interval a window describes). */
static inline bool seq_in_window(uint32_t lo, uint32_t x, uint32_t hi)
{
	return seq_leq(lo, x) && seq_lt(x, hi);
}

static inline uint32_t seq_max(uint32_t a, uint32_t b)
{
	return seq_gt(a, b) ? a : b;
}

static inline uint32_t seq_min(uint32_t a, uint32_t b)
{
	return seq_lt(a, b) ? a : b;
}

#endif

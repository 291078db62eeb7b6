/* sim/core/time.h — simulated time and the human units of scenarios.
 *
 * Simulated time is a signed 64-bit count of nanoseconds (about ±292 years). It is
 * never a float: two machines must agree on every timestamp to the nanosecond, and a
 * float accumulates rounding that differs with evaluation order.
 *
 * This file also parses and prints the unit strings used across the project:
 * durations ("20ms", "1.5s", "250us", "0"), rates ("10Mbps", "10Mbit/s", "1MB/s"),
 * byte sizes ("64KiB", "1500", "1MB") and probabilities ("1%", "0.5%", "0.01").
 * Parsers never use the C locale (a comma-decimal locale must not change what "1.5s"
 * means) and never go through floating point for times, rates or sizes: "1.5s" is
 * exactly 1 500 000 000 ns.
 */
#ifndef SIM_CORE_TIME_H
#define SIM_CORE_TIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int64_t sim_time_t;

#define SIM_TIME_MAX INT64_MAX
#define SIM_NS(x) ((sim_time_t)(x))
#define SIM_US(x) ((sim_time_t)(x) * INT64_C(1000))
#define SIM_MS(x) ((sim_time_t)(x) * INT64_C(1000000))
#define SIM_S(x)  ((sim_time_t)(x) * INT64_C(1000000000))

/* Errors of the unit parsers (returned negated: 0 on success, -SIM_EUNIT_... on error). */
enum sim_unit_error {
	SIM_EUNIT_SYNTAX = 1,   /* not a number followed by a known unit */
	SIM_EUNIT_RANGE,        /* does not fit the representation (overflow) */
	SIM_EUNIT_NEGATIVE,     /* a negative value where only >= 0 makes sense */
	SIM_EUNIT_PRECISION,    /* more fractional digits than the unit can represent */
	SIM_EUNIT_AMBIGUOUS,    /* a unit spelled as another tool means something else */
};

/* Parses a duration: a non-negative decimal number and a unit among ns, us, ms, s,
 * min, h. "0" alone is allowed (zero needs no unit). Whitespace between number and
 * unit is not. Fractions must resolve to whole nanoseconds ("1.5ns" is an error).
 * Returns 0 and stores the value in *out, or a negative enum sim_unit_error. */
int sim_parse_duration(const char *text, sim_time_t *out);

/* Parses a rate in bit/s: a non-negative decimal number and a unit, SI prefixes
 * (k = 1000) unless binary (KiB/s): bit rates bps, kbps, Mbps, Gbps, Tbps, bit/s,
 * kbit/s ... Tbit/s, tc's bit, kbit, mbit, gbit, tbit; byte rates B/s, kB/s, MB/s,
 * GB/s, KiB/s, MiB/s, GiB/s. The result must be a whole number of bit/s. "10mbps"
 * (tc: megabytes per second) is refused as -SIM_EUNIT_AMBIGUOUS. */
int sim_parse_rate(const char *text, uint64_t *bps);

/* The i-th unit sim_parse_rate accepts ("Mbps", "MiB/s"), NULL past the last. */
const char *sim_rate_unit_name(size_t i);

/* Parses a byte size: a plain integer, or a number with B, KB, MB, GB (SI) or KiB,
 * MiB, GiB (binary). The result must be a whole number of bytes. */
int sim_parse_size(const char *text, uint64_t *bytes);

/* Parses a probability: "1%", "0.5%", "100%", or a plain fraction "0.01". Must lie
 * in [0, 1]. The decimal text is converted exactly to the nearest double, independent
 * of locale. */
int sim_parse_probability(const char *text, double *p);

/* A human message for a parser error, for one of the kinds above: kind is "duration",
 * "rate", "size" or "probability". Returns a static string. */
const char *sim_unit_error_string(int err, const char *kind);

/* Prints a duration in the shortest exact form using the largest unit that divides it
 * ("20ms", "1500ms" → "1.5s", "250us", "0"). Returns the number of characters written
 * (snprintf-style; the text is always NUL-terminated when n > 0). */
int sim_format_duration(sim_time_t t, char *buf, size_t n);

/* Prints a rate exactly ("10Mbps", "1.5Gbps", "64kbps", "1bps"). */
int sim_format_rate(uint64_t bps, char *buf, size_t n);

/* Prints t as seconds with nine decimals ("12.000340000"), exactly and without the
 * locale. Negative times get a leading '-'. */
int sim_format_seconds(sim_time_t t, char *buf, size_t n);

/* Converts to floating-point seconds / milliseconds (for summaries, never for
 * scheduling). */
static inline double sim_time_to_s(sim_time_t t) { return (double)t / 1e9; }
static inline double sim_time_to_ms(sim_time_t t) { return (double)t / 1e6; }

/* Serialisation time of `bytes` at `bps`, rounded up to the next nanosecond, so a link
 * never sends faster than its rate. bps must be > 0. */
sim_time_t sim_tx_time(uint64_t bytes, uint64_t bps);

#endif

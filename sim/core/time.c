/* sim/core/time.c — unit parsing and printing for durations, rates, sizes, probabilities.
 *
 * All integer-valued units go through one exact decimal reader (read_decimal) and one
 * exact scaler (scale_decimal): the text "1.5" with unit multiplier 10^9 becomes
 * 1 500 000 000 without touching floating point, and anything that would not be exact
 * or would not fit is reported rather than rounded.
 */
#include "sim/core/time.h"

#include <glib.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* A decimal number as read from text: integer part, fractional digits as an integer
 * and their count (trailing zeros removed, so "1.50" is {1, 5, 1}). */
struct decimal {
	uint64_t ipart;
	uint64_t frac;
	unsigned frac_digits;
};

/* Reads [digits][.digits] at *p, at least one digit in all. Advances *p past it.
 * A leading '-' is reported as negative so the caller can say so clearly. */
static int read_decimal(const char **p, struct decimal *d)
{
	const char *s = *p;
	bool any = false;

	memset(d, 0, sizeof(*d));
	if (*s == '-')
		return -SIM_EUNIT_NEGATIVE;
	if (*s == '+')
		return -SIM_EUNIT_SYNTAX;
	while (g_ascii_isdigit(*s)) {
		unsigned digit = (unsigned)(*s - '0');
		if (d->ipart > (UINT64_MAX - digit) / 10)
			return -SIM_EUNIT_RANGE;
		d->ipart = d->ipart * 10 + digit;
		any = true;
		s++;
	}
	if (*s == '.') {
		s++;
		unsigned zeros = 0; /* pending zeros, committed only when a non-zero follows */
		while (g_ascii_isdigit(*s)) {
			unsigned digit = (unsigned)(*s - '0');
			any = true;
			if (digit == 0) {
				zeros++;
			} else {
				for (; zeros > 0; zeros--) {
					if (d->frac_digits >= 18)
						return -SIM_EUNIT_PRECISION;
					d->frac *= 10;
					d->frac_digits++;
				}
				if (d->frac_digits >= 18)
					return -SIM_EUNIT_PRECISION;
				d->frac = d->frac * 10 + digit;
				d->frac_digits++;
			}
			s++;
		}
	}
	if (!any)
		return -SIM_EUNIT_SYNTAX;
	*p = s;
	return 0;
}

/* value = d * mult, exactly. */
static int scale_decimal(const struct decimal *d, uint64_t mult, uint64_t *out)
{
	uint64_t whole, frac_part = 0;

	if (__builtin_mul_overflow(d->ipart, mult, &whole))
		return -SIM_EUNIT_RANGE;
	if (d->frac_digits > 0) {
		uint64_t m = mult;
		unsigned k = d->frac_digits;
		uint64_t pow10 = 1;
		/* Cancel common factors of ten between mult and 10^k. */
		while (k > 0 && m % 10 == 0) {
			m /= 10;
			k--;
		}
		for (unsigned i = 0; i < k; i++)
			pow10 *= 10;
		uint64_t num;
		if (__builtin_mul_overflow(d->frac, m, &num))
			return -SIM_EUNIT_PRECISION;
		if (num % pow10 != 0)
			return -SIM_EUNIT_PRECISION;
		frac_part = num / pow10;
	}
	if (__builtin_add_overflow(whole, frac_part, out))
		return -SIM_EUNIT_RANGE;
	return 0;
}

struct unit {
	const char *name;
	uint64_t mult;
};

/* Parses "<decimal><unit>" where unit is one of `units` (or empty when allow_bare). */
static int parse_with_units(const char *text, const struct unit *units, size_t n_units,
			    bool allow_bare, uint64_t *out)
{
	struct decimal d;
	const char *p = text;
	int err;

	if (text == NULL)
		return -SIM_EUNIT_SYNTAX;
	err = read_decimal(&p, &d);
	if (err)
		return err;
	if (*p == '\0') {
		if (allow_bare)
			return scale_decimal(&d, 1, out);
		/* "0" needs no unit: zero of anything is zero. */
		if (d.ipart == 0 && d.frac_digits == 0) {
			*out = 0;
			return 0;
		}
		return -SIM_EUNIT_SYNTAX;
	}
	for (size_t i = 0; i < n_units; i++) {
		if (strcmp(p, units[i].name) == 0)
			return scale_decimal(&d, units[i].mult, out);
	}
	return -SIM_EUNIT_SYNTAX;
}

static const struct unit duration_units[] = {
	{ "ns", 1 },
	{ "us", 1000 },
	{ "\xc2\xb5s", 1000 }, /* µs */
	{ "ms", 1000000 },
	{ "s", 1000000000 },
	{ "min", UINT64_C(60000000000) },
	{ "h", UINT64_C(3600000000000) },
};

int sim_parse_duration(const char *text, sim_time_t *out)
{
	uint64_t v;
	int err = parse_with_units(text, duration_units, G_N_ELEMENTS(duration_units), false, &v);
	if (err)
		return err;
	if (v > (uint64_t)INT64_MAX)
		return -SIM_EUNIT_RANGE;
	*out = (sim_time_t)v;
	return 0;
}

/* Rates in bit/s. netsim's own spelling ("10Mbps"), the one it prints in summaries
 * ("10Mbit/s"), tc's bit units ("10mbit", any case of the prefix as tc allows) and
 * byte rates ("1.25MB/s", "1MiB/s", converted exactly to bit/s). Every unit here is
 * named in the syntax error message (rate_units_text below; a test checks it). */
static const struct unit rate_units[] = {
	{ "bps", 1 },
	{ "kbps", 1000 },
	{ "Kbps", 1000 },
	{ "Mbps", 1000000 },
	{ "Gbps", 1000000000 },
	{ "Tbps", UINT64_C(1000000000000) },
	{ "bit/s", 1 },
	{ "kbit/s", 1000 },
	{ "Kbit/s", 1000 },
	{ "Mbit/s", 1000000 },
	{ "Gbit/s", 1000000000 },
	{ "Tbit/s", UINT64_C(1000000000000) },
	{ "bit", 1 },
	{ "kbit", 1000 },
	{ "Kbit", 1000 },
	{ "mbit", 1000000 },
	{ "Mbit", 1000000 },
	{ "gbit", 1000000000 },
	{ "Gbit", 1000000000 },
	{ "tbit", UINT64_C(1000000000000) },
	{ "Tbit", UINT64_C(1000000000000) },
	{ "B/s", 8 },
	{ "kB/s", 8000 },
	{ "KB/s", 8000 },
	{ "MB/s", 8000000 },
	{ "GB/s", 8000000000 },
	{ "KiB/s", 8 * 1024 },
	{ "MiB/s", 8 * 1024 * 1024 },
	{ "GiB/s", UINT64_C(8) * 1024 * 1024 * 1024 },
};

/* tc writes "mbps" for megabytes per second, where netsim's "Mbps" is megabits: the
 * lower-case spellings tc gives a byte meaning (beyond bps/kbps, which netsim has
 * always read as bits) are refused rather than guessed. */
static const char *const rate_ambiguous[] = { "mbps", "gbps", "tbps" };

static const char rate_units_text[] =
	"expected a rate like \"10Mbps\" (bits per second: bps, kbps, Mbps, Gbps, Tbps, "
	"bit/s, kbit/s, Mbit/s, Gbit/s, Tbit/s, or tc's bit, kbit, mbit, gbit, tbit; "
	"bytes per second: B/s, kB/s, MB/s, GB/s, KiB/s, MiB/s, GiB/s)";

const char *sim_rate_unit_name(size_t i)
{
	return i < G_N_ELEMENTS(rate_units) ? rate_units[i].name : NULL;
}

int sim_parse_rate(const char *text, uint64_t *bps)
{
	int err = parse_with_units(text, rate_units, G_N_ELEMENTS(rate_units), false, bps);
	if (err != -SIM_EUNIT_SYNTAX || text == NULL)
		return err;
	size_t n = strlen(text);
	for (size_t i = 0; i < G_N_ELEMENTS(rate_ambiguous); i++) {
		size_t u = strlen(rate_ambiguous[i]);
		if (n > u && strcmp(text + n - u, rate_ambiguous[i]) == 0 &&
		    g_ascii_isdigit(text[n - u - 1]))
			return -SIM_EUNIT_AMBIGUOUS;
	}
	return err;
}

static const struct unit size_units[] = {
	{ "B", 1 },
	{ "KB", 1000 },
	{ "kB", 1000 },
	{ "MB", 1000000 },
	{ "GB", 1000000000 },
	{ "KiB", 1024 },
	{ "MiB", 1024 * 1024 },
	{ "GiB", UINT64_C(1024) * 1024 * 1024 },
};

int sim_parse_size(const char *text, uint64_t *bytes)
{
	return parse_with_units(text, size_units, G_N_ELEMENTS(size_units), true, bytes);
}

int sim_parse_probability(const char *text, double *p)
{
	const char *s = text;
	struct decimal d;
	bool percent;
	size_t len;
	int err;

	if (text == NULL)
		return -SIM_EUNIT_SYNTAX;
	/* Check the grammar strictly first (strtod would accept "inf", hex, exponents). */
	err = read_decimal(&s, &d);
	if (err)
		return err == -SIM_EUNIT_PRECISION ? -SIM_EUNIT_PRECISION : err;
	percent = (*s == '%');
	if (percent)
		s++;
	if (*s != '\0')
		return -SIM_EUNIT_SYNTAX;
	len = (size_t)(s - text) - (percent ? 1 : 0);

	char buf[64];
	if (len >= sizeof(buf))
		return -SIM_EUNIT_PRECISION;
	memcpy(buf, text, len);
	buf[len] = '\0';
	/* g_ascii_strtod is locale-independent and correctly rounded. */
	double v = g_ascii_strtod(buf, NULL);
	if (percent)
		v /= 100.0;
	if (!(v >= 0.0 && v <= 1.0))
		return -SIM_EUNIT_RANGE;
	*p = v;
	return 0;
}

const char *sim_unit_error_string(int err, const char *kind)
{
	if (err < 0)
		err = -err;
	switch (err) {
	case SIM_EUNIT_NEGATIVE:
		return "must not be negative";
	case SIM_EUNIT_RANGE:
		if (kind && strcmp(kind, "probability") == 0)
			return "must lie between 0% and 100%";
		return "is too large";
	case SIM_EUNIT_AMBIGUOUS:
		return "is ambiguous: tc's \"mbps\" means megabytes per second, netsim's "
		       "\"Mbps\" megabits; write \"Mbit/s\" (bits) or \"MB/s\" (bytes)";
	case SIM_EUNIT_PRECISION:
		if (kind && strcmp(kind, "duration") == 0)
			return "is finer than one nanosecond";
		return "has more precision than can be represented";
	default:
		break;
	}
	if (kind && strcmp(kind, "duration") == 0)
		return "expected a duration like \"20ms\"";
	if (kind && strcmp(kind, "rate") == 0)
		return rate_units_text;
	if (kind && strcmp(kind, "size") == 0)
		return "expected a size like \"64KiB\" or a byte count";
	if (kind && strcmp(kind, "probability") == 0)
		return "expected a probability like \"1%\"";
	return "malformed value";
}

/* Writes v / div (div a power of ten) with its decimals, trailing zeros dropped, then
 * the suffix. */
static int format_scaled(uint64_t v, uint64_t div, const char *sign, const char *suffix,
			 char *buf, size_t n)
{
	uint64_t ip = v / div, fp = v % div;
	if (fp == 0)
		return snprintf(buf, n, "%s%" PRIu64 "%s", sign, ip, suffix);
	char frac[24];
	int digits = 0;
	for (uint64_t d = div; d > 1; d /= 10)
		digits++;
	for (int i = digits - 1; i >= 0; i--) {
		frac[i] = (char)('0' + fp % 10);
		fp /= 10;
	}
	while (digits > 1 && frac[digits - 1] == '0')
		digits--;
	frac[digits] = '\0';
	return snprintf(buf, n, "%s%" PRIu64 ".%s%s", sign, ip, frac, suffix);
}

int sim_format_duration(sim_time_t t, char *buf, size_t n)
{
	static const struct { uint64_t mult; const char *name; } units[] = {
		{ 1000000000, "s" }, { 1000000, "ms" }, { 1000, "us" }, { 1, "ns" },
	};
	const char *sign = t < 0 ? "-" : "";
	uint64_t v = t < 0 ? (uint64_t)0 - (uint64_t)t : (uint64_t)t;

	if (v == 0)
		return snprintf(buf, n, "0");
	for (size_t i = 0; i < G_N_ELEMENTS(units); i++) {
		uint64_t m = units[i].mult;
		/* At most three decimals in the chosen unit; else try a finer one. */
		if (v >= m && (m < 1000 || v % (m / 1000) == 0))
			return format_scaled(v, m, sign, units[i].name, buf, n);
	}
	return format_scaled(v, 1, sign, "ns", buf, n);
}

int sim_format_rate(uint64_t bps, char *buf, size_t n)
{
	static const struct { uint64_t mult; const char *name; } units[] = {
		{ UINT64_C(1000000000000), "Tbps" }, { 1000000000, "Gbps" },
		{ 1000000, "Mbps" }, { 1000, "kbps" },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(units); i++) {
		uint64_t m = units[i].mult;
		if (bps >= m && bps % (m / 1000) == 0)
			return format_scaled(bps, m, "", units[i].name, buf, n);
	}
	return snprintf(buf, n, "%" PRIu64 "bps", bps);
}

int sim_format_seconds(sim_time_t t, char *buf, size_t n)
{
	const char *sign = t < 0 ? "-" : "";
	uint64_t v = t < 0 ? (uint64_t)0 - (uint64_t)t : (uint64_t)t;
	return snprintf(buf, n, "%s%" PRIu64 ".%09" PRIu64, sign, v / 1000000000u,
			v % 1000000000u);
}

/* 128-bit intermediate: bytes × 8 × 10^9 overflows 64 bits above 2.3 GB. */
__extension__ typedef unsigned __int128 u128_t;

sim_time_t sim_tx_time(uint64_t bytes, uint64_t bps)
{
	g_assert(bps > 0);
	/* Every packet size and every realistic rate fit 64-bit arithmetic (a division
	 * instruction, not the 128-bit library routine); the result is the same. */
	if (bytes < (UINT64_C(1) << 30) && bps < (UINT64_C(1) << 62)) {
		uint64_t n = bytes * UINT64_C(8000000000);
		return (sim_time_t)((n + bps - 1) / bps);
	}
	u128_t num = (u128_t)bytes * 8u * 1000000000u;
	u128_t q = (num + bps - 1) / bps;
	return q > (u128_t)INT64_MAX ? SIM_TIME_MAX : (sim_time_t)q;
}

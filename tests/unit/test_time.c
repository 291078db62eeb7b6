/* tests/unit/test_time.c — durations, rates, sizes and probabilities, good and bad. */
#include <glib.h>
#include <locale.h>
#include <string.h>

#include "sim/core/time.h"

static void test_duration_good(void)
{
	static const struct { const char *text; sim_time_t ns; } cases[] = {
		{ "0", 0 },
		{ "0s", 0 },
		{ "20ms", SIM_MS(20) },
		{ "1.5s", SIM_MS(1500) },
		{ "250us", SIM_US(250) },
		{ "250µs", SIM_US(250) },
		{ "7ns", 7 },
		{ "0.000000001s", 1 },
		{ "2min", SIM_S(120) },
		{ "1h", SIM_S(3600) },
		{ "1.25ms", SIM_US(1250) },
		{ ".5s", SIM_MS(500) },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		sim_time_t v = -1;
		g_assert_cmpint(sim_parse_duration(cases[i].text, &v), ==, 0);
		g_assert_cmpint(v, ==, cases[i].ns);
	}
	/* The largest representable duration parses; one more nanosecond does not. */
	sim_time_t v;
	g_assert_cmpint(sim_parse_duration("9223372036854775807ns", &v), ==, 0);
	g_assert_cmpint(v, ==, INT64_MAX);
	g_assert_cmpint(sim_parse_duration("9223372036854775808ns", &v), ==, -SIM_EUNIT_RANGE);
}

static void test_duration_bad(void)
{
	static const struct { const char *text; int err; } cases[] = {
		{ "fast", -SIM_EUNIT_SYNTAX },
		{ "", -SIM_EUNIT_SYNTAX },
		{ "20", -SIM_EUNIT_SYNTAX },          /* a unit is required except for 0 */
		{ "20 ms", -SIM_EUNIT_SYNTAX },
		{ "20msec", -SIM_EUNIT_SYNTAX },
		{ "ms", -SIM_EUNIT_SYNTAX },
		{ "1e3ms", -SIM_EUNIT_SYNTAX },
		{ "+5ms", -SIM_EUNIT_SYNTAX },
		{ "-5ms", -SIM_EUNIT_NEGATIVE },
		{ "1.5ns", -SIM_EUNIT_PRECISION },
		{ "1,5s", -SIM_EUNIT_SYNTAX },        /* comma decimals are not numbers here */
		{ "99999999999999999999s", -SIM_EUNIT_RANGE },
		{ "3000000h", -SIM_EUNIT_RANGE },
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		sim_time_t v = 42;
		int rc = sim_parse_duration(cases[i].text, &v);
		if (rc != cases[i].err)
			g_error("'%s': got %d, expected %d", cases[i].text, rc, cases[i].err);
		g_assert_cmpint(v, ==, 42); /* untouched on error */
	}
	g_assert_cmpstr(sim_unit_error_string(-SIM_EUNIT_SYNTAX, "duration"), ==,
			"expected a duration like \"20ms\"");
	g_assert_cmpstr(sim_unit_error_string(-SIM_EUNIT_NEGATIVE, "duration"), ==,
			"must not be negative");
}

static void test_rate(void)
{
	uint64_t v;
	g_assert_cmpint(sim_parse_rate("10Mbps", &v), ==, 0);
	g_assert_cmpuint(v, ==, 10000000);
	g_assert_cmpint(sim_parse_rate("1Gbps", &v), ==, 0);
	g_assert_cmpuint(v, ==, 1000000000);
	g_assert_cmpint(sim_parse_rate("64kbps", &v), ==, 0);
	g_assert_cmpuint(v, ==, 64000);
	g_assert_cmpint(sim_parse_rate("1.5Mbps", &v), ==, 0);
	g_assert_cmpuint(v, ==, 1500000);
	g_assert_cmpint(sim_parse_rate("800kbps", &v), ==, 0);
	g_assert_cmpuint(v, ==, 800000);
	g_assert_cmpint(sim_parse_rate("10", &v), ==, -SIM_EUNIT_SYNTAX);
	g_assert_cmpint(sim_parse_rate("10 Mbps", &v), ==, -SIM_EUNIT_SYNTAX);
	g_assert_cmpint(sim_parse_rate("10MBps", &v), ==, -SIM_EUNIT_SYNTAX);
	g_assert_cmpint(sim_parse_rate("-1Mbps", &v), ==, -SIM_EUNIT_NEGATIVE);
	g_assert_cmpint(sim_parse_rate("0.5bps", &v), ==, -SIM_EUNIT_PRECISION);
	g_assert_cmpint(sim_parse_rate("99999999999Tbps", &v), ==, -SIM_EUNIT_RANGE);
}

/* The spellings netsim prints (Mbit/s), tc's (mbit) and byte rates. */
static void test_rate_spellings(void)
{
	static const struct {
		const char *text;
		uint64_t bps;
	} ok[] = {
		{"10Mbit/s", 10000000}, {"2.5Gbit/s", 2500000000}, {"64kbit/s", 64000},
		{"10mbit", 10000000},   {"10Mbit", 10000000},      {"512kbit", 512000},
		{"1gbit", 1000000000},  {"100bit", 100},           {"1.25MB/s", 10000000},
		{"1MiB/s", 8388608},    {"100KiB/s", 819200},      {"1GB/s", 8000000000},
		{"3B/s", 24},           {"0.5kB/s", 4000},
	};
	uint64_t v;
	for (gsize i = 0; i < G_N_ELEMENTS(ok); i++) {
		g_assert_cmpint(sim_parse_rate(ok[i].text, &v), ==, 0);
		g_assert_cmpuint(v, ==, ok[i].bps);
	}
	/* tc's "mbps" is megabytes per second: refused, not guessed. */
	g_assert_cmpint(sim_parse_rate("10mbps", &v), ==, -SIM_EUNIT_AMBIGUOUS);
	g_assert_cmpint(sim_parse_rate("1gbps", &v), ==, -SIM_EUNIT_AMBIGUOUS);
	g_assert_cmpstr(sim_unit_error_string(-SIM_EUNIT_AMBIGUOUS, "rate"), ==,
			"is ambiguous: tc's \"mbps\" means megabytes per second, netsim's "
			"\"Mbps\" megabits; write \"Mbit/s\" (bits) or \"MB/s\" (bytes)");
	/* The syntax error lists every unit the parser accepts, and each parses. */
	const char *msg = sim_unit_error_string(-SIM_EUNIT_SYNTAX, "rate");
	g_assert_true(g_str_has_prefix(msg, "expected a rate like \"10Mbps\" ("));
	for (size_t i = 0; sim_rate_unit_name(i); i++) {
		const char *u = sim_rate_unit_name(i);
		/* Named as is, or with the other case of its SI prefix (Kbps = kbps). */
		gboolean named = FALSE;
		char **words = g_strsplit_set(msg, " ,;()", -1);
		for (char **w = words; *w; w++)
			if (g_ascii_strcasecmp(*w, u) == 0 && strcmp(*w + 1, u + 1) == 0)
				named = TRUE;
		g_strfreev(words);
		if (!named)
			g_error("rate unit %s is not named in \"%s\"", u, msg);
		char *text = g_strdup_printf("2%s", u);
		g_assert_cmpint(sim_parse_rate(text, &v), ==, 0);
		g_free(text);
	}
}

static void test_size_probability(void)
{
	uint64_t b;
	double p;
	g_assert_cmpint(sim_parse_size("1500", &b), ==, 0);
	g_assert_cmpuint(b, ==, 1500);
	g_assert_cmpint(sim_parse_size("64KiB", &b), ==, 0);
	g_assert_cmpuint(b, ==, 65536);
	g_assert_cmpint(sim_parse_size("1MB", &b), ==, 0);
	g_assert_cmpuint(b, ==, 1000000);
	g_assert_cmpint(sim_parse_size("1.5KiB", &b), ==, 0);
	g_assert_cmpuint(b, ==, 1536);
	g_assert_cmpint(sim_parse_size("1.1B", &b), ==, -SIM_EUNIT_PRECISION);
	g_assert_cmpint(sim_parse_size("lots", &b), ==, -SIM_EUNIT_SYNTAX);

	g_assert_cmpint(sim_parse_probability("1%", &p), ==, 0);
	g_assert_cmpfloat(p, ==, 0.01);
	g_assert_cmpint(sim_parse_probability("0.5%", &p), ==, 0);
	g_assert_cmpfloat(p, ==, 0.005);
	g_assert_cmpint(sim_parse_probability("0.02", &p), ==, 0);
	g_assert_cmpfloat(p, ==, 0.02);
	g_assert_cmpint(sim_parse_probability("100%", &p), ==, 0);
	g_assert_cmpfloat(p, ==, 1.0);
	g_assert_cmpint(sim_parse_probability("101%", &p), ==, -SIM_EUNIT_RANGE);
	g_assert_cmpint(sim_parse_probability("1.5", &p), ==, -SIM_EUNIT_RANGE);
	g_assert_cmpint(sim_parse_probability("-1%", &p), ==, -SIM_EUNIT_NEGATIVE);
	g_assert_cmpint(sim_parse_probability("nan", &p), ==, -SIM_EUNIT_SYNTAX);
	g_assert_cmpint(sim_parse_probability("1e-2", &p), ==, -SIM_EUNIT_SYNTAX);
	g_assert_cmpint(sim_parse_probability("1 %", &p), ==, -SIM_EUNIT_SYNTAX);
}

/* Parsing must not depend on the process locale (de_DE uses a decimal comma). */
static void test_locale_independent(void)
{
	const char *old = setlocale(LC_NUMERIC, NULL);
	char *saved = g_strdup(old);
	if (setlocale(LC_NUMERIC, "de_DE.UTF-8") == NULL) {
		g_free(saved);
		g_test_skip("de_DE.UTF-8 locale not installed");
		return;
	}
	double p;
	sim_time_t t;
	g_assert_cmpint(sim_parse_probability("0.5%", &p), ==, 0);
	g_assert_cmpfloat(p, ==, 0.005);
	g_assert_cmpint(sim_parse_duration("1.5s", &t), ==, 0);
	g_assert_cmpint(t, ==, SIM_MS(1500));
	setlocale(LC_NUMERIC, saved);
	g_free(saved);
}

static void test_format(void)
{
	char b[64];
	sim_format_duration(SIM_MS(20), b, sizeof(b));
	g_assert_cmpstr(b, ==, "20ms");
	sim_format_duration(SIM_MS(1500), b, sizeof(b));
	g_assert_cmpstr(b, ==, "1.5s");
	sim_format_duration(SIM_US(250), b, sizeof(b));
	g_assert_cmpstr(b, ==, "250us");
	sim_format_duration(0, b, sizeof(b));
	g_assert_cmpstr(b, ==, "0");
	sim_format_duration(1000000001, b, sizeof(b));
	g_assert_cmpstr(b, ==, "1000000.001us"); /* at most three decimals per unit */
	sim_format_duration(SIM_S(120), b, sizeof(b));
	g_assert_cmpstr(b, ==, "120s");
	sim_format_rate(10000000, b, sizeof(b));
	g_assert_cmpstr(b, ==, "10Mbps");
	sim_format_rate(1500000000, b, sizeof(b));
	g_assert_cmpstr(b, ==, "1.5Gbps");
	sim_format_rate(64000, b, sizeof(b));
	g_assert_cmpstr(b, ==, "64kbps");
	sim_format_seconds(SIM_US(1250), b, sizeof(b));
	g_assert_cmpstr(b, ==, "0.001250000");

	/* Round trip: every printed duration parses back to itself. */
	static const sim_time_t samples[] = { 1, 999, 1000, 1001, SIM_MS(40), SIM_S(7200),
					      123456789012LL };
	for (size_t i = 0; i < G_N_ELEMENTS(samples); i++) {
		sim_time_t back;
		sim_format_duration(samples[i], b, sizeof(b));
		g_assert_cmpint(sim_parse_duration(b, &back), ==, 0);
		g_assert_cmpint(back, ==, samples[i]);
	}
}

__extension__ typedef unsigned __int128 u128;

static void test_tx_time(void)
{
	/* 1500 bytes at 10 Mbit/s: 12000 bits / 1e7 = 1.2 ms exactly. */
	g_assert_cmpint(sim_tx_time(1500, 10000000), ==, SIM_US(1200));
	/* 1 byte at 3 bit/s is 2.666.. s: rounded up, never faster than the rate. */
	g_assert_cmpint(sim_tx_time(1, 3), ==, 2666666667);
	g_assert_cmpint(sim_tx_time(1502, 100000000), ==, 120160);
	/* The 64-bit fast path agrees with exact 128-bit arithmetic at its edges and
	 * beyond them (where the 128-bit path takes over). */
	const uint64_t bytes[] = { 1, 40, 1502, 65537, (1u << 30) - 1, 1u << 30, 1ull << 40 };
	const uint64_t rates[] = { 1, 3, 9600, 10000000, 999999937, (1ull << 62) - 1, 1ull << 62,
				   UINT64_MAX };
	for (size_t i = 0; i < G_N_ELEMENTS(bytes); i++)
		for (size_t k = 0; k < G_N_ELEMENTS(rates); k++) {
			u128 num = (u128)bytes[i] * 8u * 1000000000u;
			u128 q = (num + rates[k] - 1) / rates[k];
			sim_time_t want = q > (u128)INT64_MAX ? SIM_TIME_MAX : (sim_time_t)q;
			g_assert_cmpint(sim_tx_time(bytes[i], rates[k]), ==, want);
		}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/time/duration/good", test_duration_good);
	g_test_add_func("/time/duration/bad", test_duration_bad);
	g_test_add_func("/time/rate", test_rate);
	g_test_add_func("/time/rate-spellings", test_rate_spellings);
	g_test_add_func("/time/size-probability", test_size_probability);
	g_test_add_func("/time/locale", test_locale_independent);
	g_test_add_func("/time/format", test_format);
	g_test_add_func("/time/tx-time", test_tx_time);
	return g_test_run();
}

/* tests/apps/test_flow.c — stream content generator/verifier and the flow report's
 * arithmetic (models/apps/flow.h). No network needed. */
#include <errno.h>
#include <glib.h>
#include <string.h>

#include "models/apps/flow.h"

/* The table is a constant of the project: these bytes and this hash may never change
 * (a change would change every trace hash that depends on payload checksums). */
static void test_table_is_fixed(void)
{
	const uint8_t *t = app_pattern_table();
	g_assert_cmpuint(t[0], ==, 0xb4);
	g_assert_cmpuint(t[1], ==, 0x93);
	g_assert_cmpuint(t[2], ==, 0x97);
	g_assert_cmpuint(t[3], ==, 0x60);
	g_assert_cmpuint(t[APP_PATTERN_LEN - 1], ==, 0x62);
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	for (size_t i = 0; i < APP_PATTERN_LEN; i++) {
		h ^= t[i];
		h *= UINT64_C(0x100000001b3);
	}
	g_assert_cmphex(h, ==, UINT64_C(0x61ca9ee40062b12f));
	/* The second copy makes any 65521-byte window contiguous. */
	g_assert_cmpmem(t, APP_PATTERN_LEN, t + APP_PATTERN_LEN, APP_PATTERN_LEN);
	/* Same pointer on every call (computed once). */
	g_assert_true(app_pattern_table() == t);
}

static uint8_t stream_byte(uint64_t key, uint64_t i)
{
	return app_pattern_table()[(key + i) % APP_PATTERN_LEN];
}

static void test_fill_matches_definition(void)
{
	uint64_t key = 12345;
	size_t len = 3 * APP_PATTERN_LEN + 17; /* crosses several wraps */
	uint8_t *buf = g_malloc(len);
	app_pattern_fill(key + 5, buf, len);
	for (size_t i = 0; i < len; i++)
		if (buf[i] != stream_byte(key, i + 5))
			g_assert_cmpuint(i, ==, SIZE_MAX); /* print where */
	/* app_pattern_at is the same thing, contiguous for a full period. */
	const uint8_t *p = app_pattern_at(key + 5 + APP_PATTERN_LEN - 3);
	g_assert_cmpmem(p, APP_PATTERN_LEN, buf + APP_PATTERN_LEN - 3, APP_PATTERN_LEN);
	g_free(buf);
}

/* Builds the stream [0, len) of key into a new buffer. */
static uint8_t *make_stream(uint64_t key, size_t len)
{
	uint8_t *b = g_malloc(len ? len : 1);
	app_pattern_fill(key, b, len);
	return b;
}

/* Feeds buf to a fresh verifier in read sizes drawn from rand (1..max_read). */
static struct app_verifier feed_in_pieces(uint64_t key, const uint8_t *buf, size_t len,
					  GRand *rand, int max_read)
{
	struct app_verifier v;
	app_verifier_init(&v, key);
	size_t off = 0;
	while (off < len) {
		size_t n = (size_t)g_rand_int_range(rand, 1, max_read + 1);
		if (n > len - off)
			n = len - off;
		app_verifier_feed(&v, buf + off, n);
		off += n;
	}
	return v;
}

static void test_intact_stream_any_read_sizes(void)
{
	GRand *rand = g_rand_new_with_seed(7);
	uint64_t key = app_name_key("flow1");
	size_t len = 300000; /* > 4 periods */
	uint8_t *s = make_stream(key, len);
	int max_reads[] = {1, 7, 1460, 4096, 70000, 200000};
	for (size_t k = 0; k < G_N_ELEMENTS(max_reads); k++) {
		size_t use = max_reads[k] == 1 ? 20000 : len; /* byte-by-byte: shorter */
		struct app_verifier v = feed_in_pieces(key, s, use, rand, max_reads[k]);
		g_assert_true(v.ok);
		g_assert_cmpuint(v.offset, ==, use);
		g_assert_cmpuint(v.bad_offset, ==, UINT64_MAX);
		g_assert_true(app_verifier_complete(&v, use));
		g_assert_false(app_verifier_complete(&v, use + 1));
	}
	g_free(s);
	g_rand_free(rand);
}

static void test_empty_stream(void)
{
	struct app_verifier v;
	app_verifier_init(&v, 3);
	g_assert_true(app_verifier_feed(&v, NULL, 0));
	g_assert_true(app_verifier_complete(&v, 0));
}

/* A dropped byte at position d is found at (or, by 1/256 coincidences, just after) d,
 * whatever the read sizes. */
static void test_dropped_byte_detected(void)
{
	GRand *rand = g_rand_new_with_seed(11);
	uint64_t key = 999;
	size_t len = 100000;
	uint8_t *s = make_stream(key, len);
	size_t drops[] = {0, 1, 1459, 1460, 65520, 65521, 70000, len - 2};
	for (size_t k = 0; k < G_N_ELEMENTS(drops); k++) {
		size_t d = drops[k];
		uint8_t *t = g_malloc(len - 1);
		memcpy(t, s, d);
		memcpy(t + d, s + d + 1, len - d - 1);
		struct app_verifier v = feed_in_pieces(key, t, len - 1, rand, 3000);
		g_assert_false(v.ok);
		g_assert_cmpuint(v.bad_offset, >=, d);
		g_assert_cmpuint(v.bad_offset, <, d + 8);
		g_assert_cmpuint(v.offset, ==, len - 1); /* still counts after failure */
		g_free(t);
	}
	/* The last byte lost: the content matches, the count does not. */
	struct app_verifier v = feed_in_pieces(key, s, len - 1, rand, 3000);
	g_assert_true(v.ok);
	g_assert_false(app_verifier_complete(&v, len));
	g_free(s);
	g_rand_free(rand);
}

/* A TCP segment (1460 bytes) delivered twice. */
static void test_duplicated_segment_detected(void)
{
	GRand *rand = g_rand_new_with_seed(12);
	uint64_t key = 42;
	size_t len = 50 * 1460, seg = 1460;
	uint8_t *s = make_stream(key, len);
	for (size_t at = 0; at < len; at += 7 * seg) {
		uint8_t *t = g_malloc(len + seg);
		memcpy(t, s, at + seg);            /* up to and including segment */
		memcpy(t + at + seg, s + at, len - at); /* the segment again, then the rest */
		struct app_verifier v = feed_in_pieces(key, t, len + seg, rand, 5000);
		g_assert_false(v.ok);
		g_assert_cmpuint(v.bad_offset, >=, at + seg);
		g_assert_cmpuint(v.bad_offset, <, at + seg + 8);
		g_free(t);
	}
	/* Duplicated at the very end: content is a valid prefix, count is wrong. */
	uint8_t *t = g_malloc(len + seg);
	memcpy(t, s, len);
	memcpy(t + len, s + len - seg, seg);
	struct app_verifier v = feed_in_pieces(key, t, len + seg, rand, 5000);
	g_assert_false(v.ok); /* the repeat does not continue the pattern */
	g_assert_cmpuint(v.bad_offset, >=, len);
	g_free(t);
	g_free(s);
	g_rand_free(rand);
}

/* Two segments delivered in swapped order; and two single bytes swapped. */
static void test_reordering_detected(void)
{
	uint64_t key = 7;
	size_t len = 20 * 1460, seg = 1460;
	uint8_t *s = make_stream(key, len);
	uint8_t *t = g_memdup2(s, len);
	memcpy(t + 3 * seg, s + 4 * seg, seg);
	memcpy(t + 4 * seg, s + 3 * seg, seg);
	struct app_verifier v;
	app_verifier_init(&v, key);
	g_assert_false(app_verifier_feed(&v, t, len));
	g_assert_cmpuint(v.bad_offset, >=, 3 * seg);
	g_assert_cmpuint(v.bad_offset, <, 3 * seg + 8);

	/* Swap two neighbouring bytes that differ. */
	memcpy(t, s, len);
	size_t i = 1000;
	while (t[i] == t[i + 1])
		i++;
	uint8_t x = t[i];
	t[i] = t[i + 1];
	t[i + 1] = x;
	app_verifier_init(&v, key);
	g_assert_false(app_verifier_feed(&v, t, len));
	g_assert_cmpuint(v.bad_offset, ==, i);
	g_free(t);
	g_free(s);
}

/* A byte from another stream (another key) is detected: streams are distinct. */
static void test_keys_distinguish_streams(void)
{
	size_t len = 4096;
	uint64_t k0 = app_stream_key(app_name_key("f"), 0);
	uint64_t k1 = app_stream_key(app_name_key("f"), 1);
	g_assert_cmpuint(k0 % APP_PATTERN_LEN, !=, k1 % APP_PATTERN_LEN);
	g_assert_cmpuint(app_name_key("flow1"), !=, app_name_key("flow2"));
	g_assert_cmpuint(app_name_key("flow1"), ==, app_name_key("flow1"));
	uint8_t *a = make_stream(k1, len);
	struct app_verifier v;
	app_verifier_init(&v, k0);
	g_assert_false(app_verifier_feed(&v, a, len));
	g_assert_cmpuint(v.bad_offset, <, 8);
	g_free(a);
}

static void test_goodput_arithmetic(void)
{
	struct app_flow_report r;
	app_flow_report_init(&r, "f1", "bulk", SIM_S(1), SIM_S(3));
	r.bytes_delivered = 1000000;
	/* Stop before the end of the run: active = stop - start = 2 s. */
	g_assert_cmpint(app_flow_active_time(&r, SIM_S(10)), ==, SIM_S(2));
	g_assert_cmpfloat(app_flow_goodput_bps(&r, SIM_S(10)), ==, 4000000.0);
	/* The run ends before the stop: active = end - start. */
	g_assert_cmpint(app_flow_active_time(&r, SIM_MS(2500)), ==, SIM_MS(1500));
	g_assert_cmpfloat_with_epsilon(app_flow_goodput_bps(&r, SIM_MS(2500)),
				       8000000.0 / 1.5, 1e-6);
	/* Not started by the end of the run. */
	g_assert_cmpfloat(app_flow_goodput_bps(&r, SIM_MS(500)), ==, 0.0);
	g_assert_cmpfloat(app_flow_goodput_bps(&r, SIM_S(1)), ==, 0.0);
	app_flow_report_fini(&r);

	/* No stop time: until the end of the run (the benchmarks run for 60 s). */
	app_flow_report_init(&r, "f2", "bulk", 0, SIM_TIME_MAX);
	r.bytes_delivered = 11000000;
	g_assert_cmpfloat_with_epsilon(app_flow_goodput_bps(&r, SIM_S(60)),
				       11000000.0 * 8 / 60, 1e-6);
	/* Nanosecond-exact active time. */
	r.start = SIM_MS(10);
	g_assert_cmpint(app_flow_active_time(&r, SIM_S(60)), ==, SIM_S(60) - SIM_MS(10));
	app_flow_report_fini(&r);
}

static void test_report_fields(void)
{
	struct app_flow_report r;
	app_flow_report_init(&r, "web", "http", 0, SIM_TIME_MAX);
	g_assert_cmpstr(r.name, ==, "web");
	g_assert_cmpstr(r.app, ==, "http");
	g_assert_true(r.intact);
	g_assert_cmpint(r.error, ==, 0);
	g_assert_cmpint(r.finish, ==, -1);
	app_flow_report_error(&r, 0); /* no error: nothing changes */
	g_assert_true(r.intact);
	app_flow_report_error(&r, ECONNRESET); /* positive accepted, stored negative */
	app_flow_report_error(&r, -ETIMEDOUT); /* first wins */
	g_assert_cmpint(r.error, ==, -ECONNRESET);
	g_assert_false(r.intact);
	app_flow_report_detail(&r, "bad byte at %d", 5);
	app_flow_report_detail(&r, "second");
	g_assert_cmpstr(r.detail, ==, "bad byte at 5");

	for (int i = 1; i <= 100; i++)
		app_latency_add(&r.latency, SIM_MS(i));
	g_assert_cmpuint(r.latency.count, ==, 100);
	g_assert_cmpint(r.latency.min, ==, SIM_MS(1));
	g_assert_cmpint(r.latency.max, ==, SIM_MS(100));
	g_assert_cmpfloat(app_latency_mean(&r.latency), ==, (double)SIM_US(50500));
	g_assert_cmpint(r.latency.samples[41], ==, SIM_MS(42));
	app_flow_report_fini(&r);
}

static void test_tcp_stats_merge(void)
{
	struct app_tcp_stats a = {0}, b = {0}, c = {0};
	g_assert_cmpfloat(app_tcp_stats_rtt_mean(&a), ==, 0.0);
	b.retransmits = 3;
	b.fast_retransmits = 2;
	b.rto_count = 1;
	b.rtt_samples = 2;
	b.rtt_min = SIM_MS(10);
	b.rtt_max = SIM_MS(30);
	b.rtt_sum = SIM_MS(40);
	c.retransmits = 1;
	c.rtt_samples = 2;
	c.rtt_min = SIM_MS(5);
	c.rtt_max = SIM_MS(20);
	c.rtt_sum = SIM_MS(25);
	app_tcp_stats_merge(&a, &b); /* into an empty one: copies */
	g_assert_cmpint(a.rtt_min, ==, SIM_MS(10));
	app_tcp_stats_merge(&a, &c);
	g_assert_cmpuint(a.retransmits, ==, 4);
	g_assert_cmpuint(a.fast_retransmits, ==, 2);
	g_assert_cmpuint(a.rto_count, ==, 1);
	g_assert_cmpuint(a.rtt_samples, ==, 4);
	g_assert_cmpint(a.rtt_min, ==, SIM_MS(5));
	g_assert_cmpint(a.rtt_max, ==, SIM_MS(30));
	g_assert_cmpfloat(app_tcp_stats_rtt_mean(&a), ==, (double)SIM_MS(65) / 4);
	/* Merging one without samples keeps the RTT statistics. */
	struct app_tcp_stats none = {.retransmits = 1};
	app_tcp_stats_merge(&a, &none);
	g_assert_cmpint(a.rtt_min, ==, SIM_MS(5));
	g_assert_cmpuint(a.rtt_samples, ==, 4);
}

static void test_errno_names(void)
{
	g_assert_null(app_errno_name(0));
	g_assert_cmpstr(app_errno_name(-ECONNREFUSED), ==, "ECONNREFUSED");
	g_assert_cmpstr(app_errno_name(ECONNREFUSED), ==, "ECONNREFUSED");
	g_assert_cmpstr(app_errno_name(-ETIMEDOUT), ==, "ETIMEDOUT");
	g_assert_cmpstr(app_errno_name(-ECONNRESET), ==, "ECONNRESET");
	g_assert_cmpstr(app_errno_name(-EPIPE), ==, "EPIPE");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/flow/table-is-fixed", test_table_is_fixed);
	g_test_add_func("/flow/fill-matches-definition", test_fill_matches_definition);
	g_test_add_func("/flow/intact-any-read-sizes", test_intact_stream_any_read_sizes);
	g_test_add_func("/flow/empty-stream", test_empty_stream);
	g_test_add_func("/flow/dropped-byte", test_dropped_byte_detected);
	g_test_add_func("/flow/duplicated-segment", test_duplicated_segment_detected);
	g_test_add_func("/flow/reordering", test_reordering_detected);
	g_test_add_func("/flow/keys-distinguish-streams", test_keys_distinguish_streams);
	g_test_add_func("/flow/goodput", test_goodput_arithmetic);
	g_test_add_func("/flow/report-fields", test_report_fields);
	g_test_add_func("/flow/tcp-stats-merge", test_tcp_stats_merge);
	g_test_add_func("/flow/errno-names", test_errno_names);
	return g_test_run();
}

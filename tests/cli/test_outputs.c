/* tests/cli/test_outputs.c — outputs that must not mislead: the tick labels and axes
 * of the graphs (read back from SVG), warnings when --plot or --format can do
 * nothing, a finished flow's goodput over its own active time, a flow that never
 * connected, rates in every spelling, and pcapng captures that say where they were
 * taken.
 */
#include <stdbool.h>
#include <string.h>
#include <sys/wait.h>

#include <glib.h>

#include "tests/cli/netsim_run.h"

/* A - R - B; tests replace pieces of the text. */
static const char base_json[] =
	"{ \"name\": \"t\", \"duration\": \"70s\",\n"
	"  \"nodes\": [ { \"name\": \"A\", \"routes\": [ { \"to\": \"0.0.0.0/0\", \"via\": "
	"\"10.0.1.2\" } ] },\n"
	"    { \"name\": \"R\", \"type\": \"router\" },\n"
	"    { \"name\": \"B\", \"routes\": [ { \"to\": \"0.0.0.0/0\", \"via\": \"10.0.2.1\" } ] } ],\n"
	"  \"links\": [\n"
	"    { \"name\": \"ar\", \"ends\": [ { \"node\": \"A\", \"address\": \"10.0.1.1/24\" }, "
	"{ \"node\": \"R\", \"address\": \"10.0.1.2/24\" } ], \"bandwidth\": \"10Mbit/s\", "
	"\"delay\": \"5ms\" },\n"
	"    { \"name\": \"rb\", \"ends\": [ { \"node\": \"R\", \"address\": \"10.0.2.1/24\" }, "
	"{ \"node\": \"B\", \"address\": \"10.0.2.2/24\" } ], \"bandwidth\": \"10mbit\", "
	"\"delay\": \"20ms\" } ],\n"
	"  \"apps\": [ APPS ] }\n";

static char *scenario(const char *apps, const char *extra_top)
{
	GString *g = g_string_new(base_json);
	g_string_replace(g, "APPS", apps, 1);
	if (extra_top)
		g_string_replace(g, "\"duration\": \"70s\",", extra_top, 1);
	return g_string_free(g, FALSE);
}

static const cJSON *item(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!v)
		g_error("no \"%s\"", key);
	return v;
}

/* The texts of an SVG's <tspan>s (tick labels, axis labels) in document order,
 * trimmed. */
static GPtrArray *svg_texts(const char *path)
{
	gchar *svg = NULL;
	if (!g_file_get_contents(path, &svg, NULL, NULL))
		g_error("cannot read %s", path);
	GPtrArray *texts = g_ptr_array_new_with_free_func(g_free);
	GRegex *re = g_regex_new(">([^<]*)</tspan>", 0, 0, NULL);
	GMatchInfo *m;
	g_regex_match(re, svg, 0, &m);
	while (g_match_info_matches(m)) {
		char *t = g_match_info_fetch(m, 1);
		g_ptr_array_add(texts, g_strdup(g_strstrip(t)));
		g_free(t);
		g_match_info_next(m, NULL);
	}
	g_match_info_free(m);
	g_regex_unref(re);
	g_free(svg);
	return texts;
}

static bool has_text(const GPtrArray *texts, const char *t)
{
	for (guint i = 0; i < texts->len; i++)
		if (strcmp(g_ptr_array_index(texts, i), t) == 0)
			return true;
	return false;
}

/* zero-window.json's sequence graph once read 0, 500k, 1M, 2M, 2M, 2M, 3M, 4M (the
 * "%.0s%c" format rounding 1.5M and 2.5M): its y axis must read 0, 0.5, ... 3.5 in
 * MB. The RTT graph has the samples and the RTO on scales of their own; the cwnd
 * graph a right axis in segments of the MSS. */
static void test_plot_axes(void)
{
	char *gnuplot = g_find_program_in_path("gnuplot");
	if (!gnuplot) {
		g_test_skip("gnuplot is not installed");
		return;
	}
	g_free(gnuplot);
	char *dir = tmpdir_new();
	char *file = g_build_filename(source_root(), "scenarios", "zero-window.json", NULL);
	struct netsim_result r =
		netsim_run(dir, NULL, "run", file, "--plot", "--format", "svg", NULL);
	g_assert_cmpint(r.status, ==, 0);
	g_assert_cmpstr(r.err, ==, "");
	netsim_result_clear(&r);

	char *p = g_build_filename(dir, "results", "zero-window", "plots", "flow.sender.seq.svg",
				   NULL);
	GPtrArray *t = svg_texts(p);
	static const char *const yticks[] = {"0", "0.5", "1", "1.5", "2", "2.5", "3", "3.5"};
	for (gsize i = 0; i < G_N_ELEMENTS(yticks); i++)
		g_assert_cmpstr(g_ptr_array_index(t, i), ==, yticks[i]);
	g_assert_true(has_text(t, "sequence number (MB from the ISN)"));
	for (guint i = 0; i < t->len; i++)
		g_assert_false(g_regex_match_simple("^[0-9.]+[kM]$", g_ptr_array_index(t, i), 0, 0));
	g_ptr_array_free(t, TRUE);
	g_free(p);

	p = g_build_filename(dir, "results", "zero-window", "plots", "flow.sender.rtt.svg", NULL);
	t = svg_texts(p);
	g_assert_true(has_text(t, "RTT (ms)"));
	g_assert_true(has_text(t, "RTO (ms)"));
	/* The RTT panel's axis ends near the samples (~25 ms), not at the 1 s RTO. */
	guint rtt_label = 0;
	while (strcmp(g_ptr_array_index(t, rtt_label), "RTT (ms)") != 0)
		rtt_label++;
	g_assert_cmpfloat(g_ascii_strtod(g_ptr_array_index(t, rtt_label - 1), NULL), <=, 100);
	g_ptr_array_free(t, TRUE);
	g_free(p);

	p = g_build_filename(dir, "results", "zero-window", "plots", "flow.sender.cwnd.svg", NULL);
	t = svg_texts(p);
	g_assert_true(has_text(t, "kB"));
	g_assert_true(has_text(t, "segments of 1448 bytes")); /* 1460 less 12 of timestamps */
	g_assert_true(has_text(t, "25")); /* 39 kB of window is 27 segments */
	g_ptr_array_free(t, TRUE);
	g_free(p);
	g_free(file);
	rm_rf(dir);
	g_free(dir);
}

/* --plot with nothing traced, --format without --plot: said, not silently ignored. */
static void test_plot_warnings(void)
{
	char *dir = tmpdir_new();
	char *json = scenario("{ \"type\": \"bulk\", \"from\": \"A\", \"to\": \"B\", "
			      "\"bytes\": \"10KB\" }",
			      "\"duration\": \"2s\",");
	g_free(write_file(dir, "t.json", json));
	struct netsim_result r = netsim_run(dir, NULL, "run", "t.json", "--plot", NULL);
	g_assert_cmpint(r.status, ==, 0);
	char *gnuplot = g_find_program_in_path("gnuplot");
	if (gnuplot)
		g_assert_cmpstr(r.err, ==,
				"netsim run: warning: nothing to plot: the run traced nothing (set "
				"\"trace\": true on an application or a link, or give a ping "
				"application)\n");
	g_free(gnuplot);
	netsim_result_clear(&r);
	r = netsim_run(dir, NULL, "run", "t.json", "--format", "svg", NULL);
	g_assert_cmpint(r.status, ==, 0);
	g_assert_cmpstr(r.err, ==, "netsim run: warning: --format svg has no effect without --plot\n");
	netsim_result_clear(&r);
	g_free(json);
	rm_rf(dir);
	g_free(dir);
}

/* A 10 KB transfer done in tens of milliseconds of a 70 s run: its goodput is its
 * own rate over start..finish, not 10 KB averaged over 70 s (1.14 kbit/s). */
static void test_finite_goodput(void)
{
	char *dir = tmpdir_new();
	char *json = scenario("{ \"type\": \"bulk\", \"from\": \"A\", \"to\": \"B\", "
			      "\"bytes\": \"10KB\" }",
			      NULL);
	g_free(write_file(dir, "t.json", json));
	struct netsim_result r = netsim_run(dir, NULL, "run", "t.json", NULL);
	g_assert_cmpint(r.status, ==, 0);
	cJSON *s = read_json(dir, "results/t/summary.json");
	const cJSON *f = cJSON_GetArrayItem(item(s, "flows"), 0);
	double start = item(f, "start_s")->valuedouble, finish = item(f, "finish_s")->valuedouble;
	double active = item(f, "active_s")->valuedouble, gp = item(f, "goodput_bps")->valuedouble;
	g_assert_cmpfloat(finish, <, 1.0);
	g_assert_cmpfloat_with_epsilon(active, finish - start, 1e-9);
	g_assert_cmpfloat_with_epsilon(gp, 10000 * 8 / active, 1e-3);
	g_assert_cmpfloat(gp, >, 100000);
	g_assert_true(cJSON_IsTrue(item(f, "connected")));
	g_assert_true(cJSON_IsTrue(item(f, "intact")));
	g_assert_cmpint(item(f, "mss_bytes")->valueint, ==, 1448); /* 1460 less 12 bytes of timestamps */
	cJSON_Delete(s);
	netsim_result_clear(&r);
	g_free(json);
	rm_rf(dir);
	g_free(dir);
}

/* A flow whose SYNs are all lost and the run ends before it gives up: no error yet,
 * nothing delivered — not connected, and so not intact. */
static void test_never_connected(void)
{
	char *dir = tmpdir_new();
	char *json = scenario("{ \"type\": \"bulk\", \"from\": \"A\", \"to\": \"B\" }",
			      "\"duration\": \"20s\",");
	g_free(write_file(dir, "t.json", json));
	struct netsim_result r = netsim_run(dir, NULL, "run", "t.json", "--set",
					    "links[1].forward.loss=100%", NULL);
	g_assert_cmpint(r.status, ==, 0);
	cJSON *s = read_json(dir, "results/t/summary.json");
	const cJSON *f = cJSON_GetArrayItem(item(s, "flows"), 0);
	g_assert_true(cJSON_IsFalse(item(f, "connected")));
	g_assert_true(cJSON_IsFalse(item(f, "intact")));
	g_assert_true(cJSON_IsNull(item(f, "error")));
	g_assert_cmpint(item(f, "bytes_delivered")->valueint, ==, 0);
	g_assert_nonnull(strstr(r.out, "intact no"));
	cJSON_Delete(s);
	netsim_result_clear(&r);
	g_free(json);
	rm_rf(dir);
	g_free(dir);
}

/* The scenario's links are written "10Mbit/s" (as netsim prints rates) and "10mbit"
 * (tc); byte rates work too and mean bytes. */
static void test_rate_spellings(void)
{
	char *dir = tmpdir_new();
	char *json = scenario("{ \"type\": \"ping\", \"from\": \"A\", \"to\": \"B\", \"count\": 1 }",
			      "\"duration\": \"2s\",");
	g_free(write_file(dir, "t.json", json));
	struct netsim_result r = netsim_run(dir, NULL, "validate", "t.json", "--set",
					    "links[0].bandwidth=1.25MB/s", NULL);
	g_assert_cmpint(r.status, ==, 0);
	netsim_result_clear(&r);
	/* 1.25 MB/s is 10 Mbit/s: the same run as "10Mbit/s". */
	r = netsim_run(dir, NULL, "run", "t.json", "--out", "a", NULL);
	struct netsim_result r2 = netsim_run(dir, NULL, "run", "t.json", "--out", "b", "--set",
					     "links[0].bandwidth=1.25MB/s", "--set",
					     "links[1].bandwidth=10Mbps", NULL);
	char *h1 = trace_hash_of(r.out), *h2 = trace_hash_of(r2.out);
	g_assert_nonnull(h1);
	g_assert_cmpstr(h1, ==, h2);
	g_free(h1);
	g_free(h2);
	netsim_result_clear(&r);
	netsim_result_clear(&r2);
	g_free(json);
	rm_rf(dir);
	g_free(dir);
}

/* "capture_format": "pcapng" writes NODE-IFACE.pcapng that Wireshark reads with the
 * interface named and described. */
static void test_pcapng(void)
{
	char *dir = tmpdir_new();
	char *json = scenario("{ \"type\": \"bulk\", \"from\": \"A\", \"to\": \"B\", "
			      "\"bytes\": \"50KB\" }",
			      "\"duration\": \"2s\", \"capture\": [ \"R:eth1\" ], "
			      "\"capture_format\": \"pcapng\",");
	g_free(write_file(dir, "t.json", json));
	struct netsim_result r = netsim_run(dir, NULL, "run", "t.json", NULL);
	g_assert_cmpint(r.status, ==, 0);
	netsim_result_clear(&r);
	char *ng = g_build_filename(dir, "results", "t", "R-eth1.pcapng", NULL);
	char *classic = g_build_filename(dir, "results", "t", "R-eth1.pcap", NULL);
	g_assert_true(g_file_test(ng, G_FILE_TEST_IS_REGULAR));
	g_assert_false(g_file_test(classic, G_FILE_TEST_EXISTS));
	char *tshark = g_find_program_in_path("tshark");
	if (!tshark) {
		g_test_message("tshark is not installed: pcapng not read back");
	} else {
		char *argv[] = {tshark, "-n", "-r", ng, "-T", "fields", "-e", "frame.interface_name",
				"-e", "frame.interface_description", "-e", "frame.p2p_dir",
				"-e", "tcp.dstport", NULL};
		gchar *out = NULL;
		gint status = 0;
		g_assert_true(g_spawn_sync(NULL, argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
					   &out, NULL, &status, NULL));
		g_assert_true(g_spawn_check_wait_status(status, NULL));
		char **lines = g_strsplit(out, "\n", -1);
		int sent = 0, received = 0;
		for (char **l = lines; *l && **l; l++) {
			char **f = g_strsplit(*l, "\t", -1);
			g_assert_cmpstr(f[0], ==, "R:eth1");
			g_assert_cmpstr(f[1], ==, "node R, interface eth1, 10.0.2.1/24");
			/* R sends the data towards B, receives B's ACKs. */
			if (strcmp(f[3], "5001") == 0)
				sent += strcmp(f[2], "0") == 0;
			else
				received += strcmp(f[2], "1") == 0;
			g_strfreev(f);
		}
		g_assert_cmpint(sent, >, 30);
		g_assert_cmpint(received, >, 10);
		g_strfreev(lines);
		g_free(out);
	}
	g_free(tshark);
	g_free(ng);
	g_free(classic);
	g_free(json);
	rm_rf(dir);
	g_free(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/outputs/plot-axes", test_plot_axes);
	g_test_add_func("/outputs/plot-warnings", test_plot_warnings);
	g_test_add_func("/outputs/finite-goodput", test_finite_goodput);
	g_test_add_func("/outputs/never-connected", test_never_connected);
	g_test_add_func("/outputs/rate-spellings", test_rate_spellings);
	g_test_add_func("/outputs/pcapng", test_pcapng);
	return g_test_run();
}

/* tests/cli/test_limits.c — values at the edge of what the scenario format documents
 * run like any other: validation's limits are the program's limits.
 */
#include <string.h>

#include <glib.h>

#include "tests/cli/netsim_run.h"

/* The largest documented ping count (2^32 − 1) used to pass validation and then
 * abort the run allocating 32 GiB (exit 133). */
static void test_ping_count_max(void)
{
	char *dir = tmpdir_new();
	g_free(write_file(
		dir, "t.json",
		"{ \"name\": \"t\", \"duration\": \"1000s\",\n"
		"  \"nodes\": [ { \"name\": \"A\" }, { \"name\": \"B\" } ],\n"
		"  \"links\": [ { \"name\": \"ab\", \"ends\": [ { \"node\": \"A\", \"address\": "
		"\"10.0.0.1/24\" }, { \"node\": \"B\", \"address\": \"10.0.0.2/24\" } ] } ],\n"
		"  \"apps\": [ { \"type\": \"ping\", \"from\": \"A\", \"to\": \"B\", \"count\": "
		"4294967295, \"interval\": \"10ms\" } ] }\n"));
	/* Requests at 0, 10 ms, ..., 2 s. */
	struct netsim_result r = netsim_run(dir, NULL, "run", "t.json", "--until", "2s", NULL);
	g_assert_cmpstr(r.err, ==, "");
	g_assert_cmpint(r.status, ==, 0);
	cJSON *s = read_json(dir, "results/t/summary.json");
	const cJSON *ping = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(s, "pings"), 0);
	g_assert_cmpfloat(cJSON_GetObjectItemCaseSensitive(ping, "sent")->valuedouble, ==, 201);
	cJSON_Delete(s);
	netsim_result_clear(&r);
	rm_rf(dir);
	g_free(dir);
}

/* A - B with a ping named `app` (and the scenario named `name`). */
static char *named(const char *name, const char *app)
{
	return g_strdup_printf(
		"{ \"name\": \"%s\", \"duration\": \"1s\",\n"
		"  \"nodes\": [ { \"name\": \"A\" }, { \"name\": \"B\" } ],\n"
		"  \"links\": [ { \"name\": \"ab\", \"ends\": [ { \"node\": \"A\", "
		"\"address\": \"10.0.0.1/24\" }, { \"node\": \"B\", \"address\": "
		"\"10.0.0.2/24\" } ] } ],\n"
		"  \"apps\": [ { \"type\": \"ping\", \"name\": \"%s\", \"from\": \"A\", "
		"\"to\": \"B\", \"count\": 2 } ] }\n",
		name, app);
}

/* Names become file names (NAME.ping.tsv, results/NAME/, its staging directory): a
 * name validation accepts must be usable as one. A 250-character application name
 * used to pass validation and fail the run with "File name too long" (exit 1). */
static void test_name_length(void)
{
	char *dir = tmpdir_new();
	char *n64 = g_strnfill(64, 'n'), *n65 = g_strnfill(65, 'n');
	char *j = named(n64, n64);
	g_free(write_file(dir, "t.json", j));
	g_free(j);
	struct netsim_result r = netsim_run(dir, NULL, "run", "t.json", NULL);
	g_assert_cmpstr(r.err, ==, "");
	g_assert_cmpint(r.status, ==, 0);
	netsim_result_clear(&r);
	j = named("t", n65);
	g_free(write_file(dir, "t.json", j));
	g_free(j);
	r = netsim_run(dir, NULL, "validate", "t.json", NULL);
	/* (Long values are shown cut to 57 characters.) */
	char *want = g_strdup_printf("t.json: apps[0].name: expected a name of at most 64 letters, "
				     "digits, '_', '-', '.', not starting with '.', got \"%.57s...\"\n",
				     n65);
	g_assert_cmpstr(r.err, ==, want);
	g_assert_cmpint(r.status, ==, 2);
	netsim_result_clear(&r);
	/* A results directory with a long name of its own (the user's --out): the
	 * staging directory's name is shortened to fit. */
	j = named("t", "p");
	g_free(write_file(dir, "t.json", j));
	g_free(j);
	char *longout = g_strnfill(250, 'o');
	r = netsim_run(dir, NULL, "run", "t.json", "--out", longout, NULL);
	g_assert_cmpstr(r.err, ==, "");
	g_assert_cmpint(r.status, ==, 0);
	netsim_result_clear(&r);
	g_free(longout);
	g_free(want);
	g_free(n64);
	g_free(n65);
	rm_rf(dir);
	g_free(dir);
}

/* Durations: simulated time is a 64-bit count of nanoseconds and the models add
 * durations (now + serialisation + delay + jitter, at + for), so each is at most
 * 100000000 s. A link delay of 9223372036854775807ns used to pass validation and
 * abort the run: "sim_schedule_at: time 0 ns is before now" (exit 133), the sum
 * having overflowed. Found by the scenario_run fuzzer. */
static void test_duration_max(void)
{
	char *dir = tmpdir_new();
	static const char tmpl[] =
		"{ \"name\": \"t\", \"duration\": \"DUR\",\n"
		"  \"nodes\": [ { \"name\": \"A\" }, { \"name\": \"B\" } ],\n"
		"  \"links\": [ { \"name\": \"ab\", \"ends\": [ { \"node\": \"A\", "
		"\"address\": \"10.0.0.1/24\" }, { \"node\": \"B\", \"address\": "
		"\"10.0.0.2/24\" } ], \"delay\": \"DELAY\", \"jitter\": \"DUR\",\n"
		"    \"down\": [ { \"at\": \"DUR\", \"for\": \"DUR\" } ] } ],\n"
		"  \"apps\": [ { \"type\": \"ping\", \"from\": \"A\", \"to\": \"B\", "
		"\"count\": 3, \"interval\": \"DUR\", \"start\": \"START\" },\n"
		"    { \"type\": \"bulk\", \"from\": \"A\", \"to\": \"B\", \"bytes\": 1000 } ] }\n";
	GString *g = g_string_new(tmpl);
	g_string_replace(g, "DUR", "100000000s", 0);
	g_string_replace(g, "DELAY", "100000000s", 0);
	g_string_replace(g, "START", "99999999s", 0);
	g_free(write_file(dir, "max.json", g->str));
	struct netsim_result r = netsim_run(dir, NULL, "run", "max.json", NULL);
	g_assert_cmpstr(r.err, ==, "");
	g_assert_cmpint(r.status, ==, 0);
	netsim_result_clear(&r);
	g_string_assign(g, tmpl);
	g_string_replace(g, "DUR", "5s", 0);
	g_string_replace(g, "DELAY", "9223372036854775807ns", 0);
	g_string_replace(g, "START", "1s", 0);
	g_free(write_file(dir, "over.json", g->str));
	r = netsim_run(dir, NULL, "run", "over.json", NULL);
	g_assert_cmpstr(r.err, ==,
			"over.json: links[0].delay: must be at most \"100000000s\", got "
			"\"9223372036854775807ns\"\n");
	g_assert_cmpint(r.status, ==, 2);
	netsim_result_clear(&r);
	r = netsim_run(dir, NULL, "run", "max.json", "--until", "100000001s", NULL);
	g_assert_cmpstr(r.err, ==,
			"netsim run: --until: must be at most 100000000s, got \"100000001s\"\n");
	g_assert_cmpint(r.status, ==, 2);
	netsim_result_clear(&r);
	g_string_free(g, TRUE);
	rm_rf(dir);
	g_free(dir);
}

/* The largest send buffers the format allows (1 GiB) fill gigabytes in one event each
 * when an application writes bytes of its own (an HTTP server's 1 GiB body: the
 * server writes what the buffer takes). The send buffer is one of the places the
 * memory budget is checked as it grows, so the run stops there, naming it, like a run
 * whose queues grow. Found by the scenario_run fuzzer (bufferbloat.json with
 * tcp.sndbuf 1GiB: out of memory, when bulk senders still buffered real bytes; their
 * streams are generated now and hold no copy). */
static void test_sndbuf_max(void)
{
	char *dir = tmpdir_new();
	g_free(write_file(
		dir, "t.json",
		"{ \"name\": \"t\", \"duration\": \"10s\", \"tcp\": { \"sndbuf\": \"1GiB\" },\n"
		"  \"nodes\": [ { \"name\": \"A\" }, { \"name\": \"B\" } ],\n"
		"  \"links\": [ { \"name\": \"ab\", \"ends\": [ { \"node\": \"A\", \"address\": "
		"\"10.0.0.1/24\" }, { \"node\": \"B\", \"address\": \"10.0.0.2/24\" } ] } ],\n"
		"  \"apps\": [ { \"type\": \"http\", \"from\": \"B\", \"to\": \"A\", \"body\": "
		"\"1GiB\" },\n"
		"    { \"type\": \"http\", \"from\": \"B\", \"to\": \"A\", \"body\": \"1GiB\", "
		"\"start\": \"1s\" } ] }\n"));
	struct netsim_result r =
		netsim_run(dir, NULL, "run", "t.json", "--max-memory", "400MiB", "--quiet", NULL);
	g_assert_cmpint(r.status, ==, 1);
	g_assert_true(g_str_has_prefix(r.err, "netsim run: out of memory budget at "));
	g_assert_nonnull(strstr(r.err, "the send buffer of a connection on A (port "));
	g_assert_nonnull(strstr(r.err, "(SO_SNDBUF 1024 MiB); netsim uses "));
	cJSON *s = read_json(dir, "results/t/summary.json");
	g_assert_nonnull(s);
	g_assert_cmpstr(cJSON_GetObjectItemCaseSensitive(s, "stopped")->valuestring, ==, "memory");
	cJSON_Delete(s);
	netsim_result_clear(&r);
	rm_rf(dir);
	g_free(dir);
}

/* What the HTTP server puts on the wire as given (a chunk extension, a trailer line)
 * is checked by validation exactly as the server checks it. ":eth0" passed
 * validation (no ';', no line break) and then failed the run: "chunk_extension is not
 * a valid chunk-ext" (exit 1 after "valid"). Found by the scenario_run fuzzer. */
static void test_http_extras(void)
{
	char *dir = tmpdir_new();
	static const char tmpl[] =
		"{ \"name\": \"t\", \"duration\": \"2s\",\n"
		"  \"nodes\": [ { \"name\": \"C\" }, { \"name\": \"S\" } ],\n"
		"  \"links\": [ { \"name\": \"cs\", \"ends\": [ { \"node\": \"C\", \"address\": "
		"\"10.0.0.1/24\" }, { \"node\": \"S\", \"address\": \"10.0.0.2/24\" } ] } ],\n"
		"  \"apps\": [ { \"type\": \"http\", \"name\": \"web\", \"from\": \"C\", \"to\": "
		"\"S\", \"body\": [\"10kB\"], \"chunk_extension\": \"EXT\", \"trailer\": "
		"\"TRAILER\" } ] }\n";
	static const struct {
		const char *ext, *trailer, *err;
	} cases[] = {
		{"sig=demo", "X-Checksum: demo", NULL},
		{"n=\\\"q v\\\"", "A: 1", NULL},
		{":eth0", "X: 1", "t.json: apps[0].chunk_extension: not a chunk extension the HTTP "
				   "server can send: write name or name=value (a token or a "
				   "quoted string), e.g. \"sig=abc\"\n"},
		{"a b", "X: 1", "t.json: apps[0].chunk_extension: not a chunk extension the HTTP "
				 "server can send: write name or name=value (a token or a "
				 "quoted string), e.g. \"sig=abc\"\n"},
		{"sig", "X Y: 1", "t.json: apps[0].trailer: not a field line the HTTP server can "
				  "send: write one \"Name: value\" (a token, a colon, visible "
				  "text)\n"},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		GString *g = g_string_new(tmpl);
		g_string_replace(g, "EXT", cases[i].ext, 1);
		g_string_replace(g, "TRAILER", cases[i].trailer, 1);
		g_free(write_file(dir, "t.json", g->str));
		g_string_free(g, TRUE);
		struct netsim_result r = netsim_run(dir, NULL, "run", "t.json", NULL);
		g_assert_cmpstr(r.err, ==, cases[i].err ? cases[i].err : "");
		g_assert_cmpint(r.status, ==, cases[i].err ? 2 : 0);
		netsim_result_clear(&r);
	}
	rm_rf(dir);
	g_free(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/limits/ping-count-max", test_ping_count_max);
	g_test_add_func("/limits/name-length", test_name_length);
	g_test_add_func("/limits/duration-max", test_duration_max);
	g_test_add_func("/limits/sndbuf-max", test_sndbuf_max);
	g_test_add_func("/limits/http-extras", test_http_extras);
	return g_test_run();
}

/* tests/cli/test_write_errors.c — a run whose outputs cannot all be written fails
 * (exit 1) with one line naming the file, and leaves the previous results as they
 * were. The disk fills up by a file-size limit (RLIMIT_FSIZE) set in the child
 * process, with SIGXFSZ ignored so that write() fails with EFBIG as on a full disk.
 */
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <glib.h>

#include "sim/core/output.h"
#include "tests/cli/netsim_run.h"

static void limit_file_size(gpointer data)
{
	rlim_t bytes = (rlim_t)GPOINTER_TO_SIZE(data);
	struct rlimit rl = {bytes, bytes};
	setrlimit(RLIMIT_FSIZE, &rl);
	signal(SIGXFSZ, SIG_IGN);
}

/* Runs `netsim run FILE --out out` in dir with files limited to `limit` bytes. */
static struct netsim_result run_limited(const char *dir, const char *file, gsize limit)
{
	const char *argv[] = {g_getenv("NETSIM"), "run", file, "--out", "out", NULL};
	struct netsim_result r = {0};
	GError *e = NULL;
	gint status = 0;
	g_assert_true(g_spawn_sync(dir, (char **)argv, NULL, G_SPAWN_DEFAULT, limit_file_size,
				   GSIZE_TO_POINTER(limit), &r.out, &r.err, &status, &e));
	g_assert_no_error(e);
	r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	return r;
}

/* Runs `json` once without a limit (the previous results), then with `limit` bytes:
 * the second run must fail with "netsim run: writing results: out/FILE: File too
 * large" on one line, print no trace hash, and leave the first run's results. */
static void expect_write_error(const char *json, gsize limit, const char *file)
{
	char *dir = tmpdir_new();
	g_free(write_file(dir, "s.json", json));
	struct netsim_result r = netsim_run(dir, NULL, "run", "s.json", "--out", "out", NULL);
	g_assert_cmpint(r.status, ==, 0);
	netsim_result_clear(&r);
	char *before = read_text(dir, "out/summary.json");
	g_assert_nonnull(before);

	r = run_limited(dir, "s.json", limit);
	char *expected = g_strdup_printf("netsim run: writing results: out/%s: %s\n", file,
					 g_strerror(EFBIG));
	g_assert_cmpstr(r.err, ==, expected);
	g_assert_cmpint(r.status, ==, 1);
	g_assert_null(strstr(r.out, "trace-hash"));
	char *after = read_text(dir, "out/summary.json");
	g_assert_cmpstr(after, ==, before);
	g_assert_cmpint(hidden_entries(dir), ==, 0);
	g_free(after);
	g_free(before);
	g_free(expected);
	netsim_result_clear(&r);
	rm_rf(dir);
	g_free(dir);
}

/* The reproduction: lossy.json's TCP traces cut at 200 KiB, and the run said
 * nothing (exit 0, a trace hash), because TCP traces were only closed, and their
 * errors seen, after the errors had been collected. */
static void test_tcp_trace(void)
{
	char *path = g_build_filename(source_root(), "scenarios", "lossy.json", NULL);
	gchar *json = NULL;
	g_assert_true(g_file_get_contents(path, &json, NULL, NULL));
	expect_write_error(json, 200 * 1024, "flow1.sender.tsv");
	g_free(json);
	g_free(path);
}

/* A - B with one ping and whatever `extra` adds to the document's end. */
static char *small(const char *apps, const char *extra)
{
	return g_strdup_printf(
		"{ \"name\": \"t\", \"duration\": \"20s\",\n"
		"  \"nodes\": [ { \"name\": \"A\" }, { \"name\": \"B\" } ],\n"
		"  \"links\": [ { \"name\": \"ab\", \"ends\": [ { \"node\": \"A\", \"address\": "
		"\"10.0.0.1/24\" }, { \"node\": \"B\", \"address\": \"10.0.0.2/24\" } ]%s } ],\n"
		"  \"apps\": [ %s ] }\n",
		extra, apps);
}

/* Every other kind of output: the ping trace, a queue trace, a capture (pcap and
 * pcapng), and summary.json itself (no other output, a limit below its size). */
static void test_other_outputs(void)
{
	char *j = small("{ \"type\": \"ping\", \"name\": \"p\", \"from\": \"A\", \"to\": \"B\", "
			"\"count\": 2000, \"interval\": \"5ms\" }",
			"");
	expect_write_error(j, 16 * 1024, "p.ping.tsv");
	g_free(j);
	/* Twice what the link carries: the queue fills and drops. */
	j = small("{ \"type\": \"udp\", \"from\": \"A\", \"to\": \"B\", \"rate\": \"20Mbps\" }",
		  ", \"bandwidth\": \"10Mbps\", \"forward\": { \"trace\": true }");
	expect_write_error(j, 16 * 1024, "link.ab.forward.queue.tsv");
	g_free(j);
	char *cap = small("{ \"type\": \"udp\", \"from\": \"A\", \"to\": \"B\", \"rate\": \"1Mbps\" }",
			  "");
	/* The capture key goes at the top level. */
	GString *g = g_string_new(cap);
	g_string_replace(g, "\"duration\": \"20s\",", "\"duration\": \"20s\", \"capture\": [\"B:eth0\"],",
			 1);
	expect_write_error(g->str, 16 * 1024, "B-eth0.pcap");
	g_string_replace(g, "\"capture\":", "\"capture_format\": \"pcapng\", \"capture\":", 1);
	expect_write_error(g->str, 16 * 1024, "B-eth0.pcapng");
	g_string_free(g, TRUE);
	g_free(cap);
	j = small("{ \"type\": \"ping\", \"from\": \"A\", \"to\": \"B\", \"count\": 2, \"trace\": "
		  "false }",
		  "");
	expect_write_error(j, 512, "summary.json");
	g_free(j);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/write-errors/tcp-trace", test_tcp_trace);
	g_test_add_func("/write-errors/other-outputs", test_other_outputs);
	return g_test_run();
}

/* tests/cli/test_stop.c — long runs as a user meets them: progress lines on stderr
 * (and never in the outputs), a run stopped by SIGINT or SIGTERM keeping what it ran,
 * a second signal aborting at once, and the memory budget stopping a run that grows
 * without bound.
 */
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "tests/cli/netsim_run.h"
#include "tests/common/pcapread.h"

/* A - R - B for a day of simulated time (a run that only ends when stopped): a fast
 * UDP source A → R keeps the simulator busy (untraced), a slow one A → B and a traced
 * 1 MB transfer give a stop traces and a capture to close without making them big. */
static const char endless_json[] =
	"{ \"name\": \"t\", \"duration\": \"86400s\",\n"
	"  \"nodes\": [ { \"name\": \"A\", \"routes\": [ { \"to\": \"0.0.0.0/0\", \"via\": "
	"\"10.0.1.2\" } ] },\n"
	"    { \"name\": \"R\", \"type\": \"router\" },\n"
	"    { \"name\": \"B\", \"routes\": [ { \"to\": \"0.0.0.0/0\", \"via\": \"10.0.2.1\" } ] } ],\n"
	"  \"links\": [\n"
	"    { \"name\": \"ar\", \"ends\": [ { \"node\": \"A\", \"address\": \"10.0.1.1/24\" }, "
	"{ \"node\": \"R\", \"address\": \"10.0.1.2/24\" } ], \"bandwidth\": \"100Mbps\" },\n"
	"    { \"name\": \"rb\", \"ends\": [ { \"node\": \"R\", \"address\": \"10.0.2.1/24\" }, "
	"{ \"node\": \"B\", \"address\": \"10.0.2.2/24\" } ], \"delay\": \"10ms\", "
	"\"trace\": true } ],\n"
	"  \"capture\": [ \"B\" ],\n"
	"  \"apps\": [ { \"type\": \"udp\", \"from\": \"A\", \"to\": \"R\", \"rate\": \"90Mbps\" },\n"
	"    { \"type\": \"udp\", \"from\": \"A\", \"to\": \"B\", \"rate\": \"100kbps\", \"size\": 100 },\n"
	"    { \"type\": \"bulk\", \"from\": \"A\", \"to\": \"B\", \"bytes\": \"1MB\", "
	"\"trace\": true } ] }\n";

static char *file_text(const char *dir, const char *name)
{
	char *p = g_build_filename(dir, name, NULL);
	gchar *t = NULL;
	g_file_get_contents(p, &t, NULL, NULL);
	g_free(p);
	return t;
}

/* A fresh directory with t.json and the results of a run of it to `until` in out/
 * (g_free; rm_rf). */
static char *dir_with_results(const char *until)
{
	char *dir = tmpdir_new();
	g_free(write_file(dir, "t.json", endless_json));
	struct netsim_result r =
		netsim_run(dir, NULL, "run", "t.json", "--out", "out", "--until", until, NULL);
	g_assert_cmpint(r.status, ==, 0);
	netsim_result_clear(&r);
	return dir;
}

/* Starts `netsim run t.json --out out ARGS` in dir; stdout and stderr go to files
 * there. */
static GPid start_run(const char *dir, const char *extra)
{
	const char *prog = g_getenv("NETSIM");
	char *cmd = g_strdup_printf("exec '%s' run t.json --out out %s >stdout.txt 2>stderr.txt",
				    prog, extra ? extra : "");
	char *argv[] = {"/bin/sh", "-c", cmd, NULL};
	GPid pid;
	GError *e = NULL;
	g_spawn_async(dir, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, &e);
	g_assert_no_error(e);
	g_free(cmd);
	return pid;
}

static int wait_status(GPid pid)
{
	int status;
	g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
	return status;
}

/* Every row of a TSV has as many fields as its header, and the file ends with a
 * newline: nothing was cut mid-row. Returns the number of rows. */
static int assert_whole_tsv(const char *dir, const char *name)
{
	char *text = file_text(dir, name);
	if (text == NULL)
		g_error("%s/%s is missing", dir, name);
	g_assert_true(g_str_has_suffix(text, "\n"));
	char **lines = g_strsplit(text, "\n", -1);
	char **header = g_strsplit(lines[0], "\t", -1);
	guint cols = g_strv_length(header);
	g_strfreev(header);
	int rows = 0;
	for (char **l = lines + 1; *l && **l; l++, rows++) {
		char **f = g_strsplit(*l, "\t", -1);
		g_assert_cmpuint(g_strv_length(f), ==, cols);
		g_strfreev(f);
	}
	g_strfreev(lines);
	g_free(text);
	return rows;
}

/* A run stopped by `sig` after `after_ms`: status 128 + sig, the results written
 * with "stopped" naming the signal and the simulated time reached, every trace and
 * capture whole, the previous results replaced. */
static void stop_by(int sig, const char *name)
{
	char *dir = dir_with_results("1s");

	GPid pid = start_run(dir, "--quiet");
	g_usleep(1500 * 1000);
	kill(pid, sig);
	int status = wait_status(pid);
	g_assert_true(WIFEXITED(status));
	g_assert_cmpint(WEXITSTATUS(status), ==, 128 + sig);

	cJSON *s = read_json(dir, "out/summary.json");
	g_assert_nonnull(s);
	g_assert_cmpstr(cJSON_GetObjectItemCaseSensitive(s, "stopped")->valuestring, ==, name);
	double reached = cJSON_GetObjectItemCaseSensitive(s, "sim_time_s")->valuedouble;
	g_assert_cmpfloat(reached, >, 1.0); /* further than the previous run */
	g_assert_cmpfloat(reached, <, 86400.0);
	cJSON *udp = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(s, "udp"), 1);
	g_assert_cmpint(cJSON_GetObjectItemCaseSensitive(udp, "sent_packets")->valueint, >, 13);
	cJSON_Delete(s);

	g_assert_cmpint(assert_whole_tsv(dir, "out/link.rb.forward.queue.tsv"), >, 0);
	g_assert_cmpint(assert_whole_tsv(dir, "out/flow1.sender.tsv"), >, 0);
	g_assert_cmpint(assert_whole_tsv(dir, "out/flow1.sender.seq.tsv"), >, 0);
	char *pcap = g_build_filename(dir, "out", "B-eth0.pcap", NULL);
	struct pcap_file f;
	g_assert_true(pcap_load(&f, pcap));
	g_assert_cmpuint(f.n, >, 1000);
	/* Nothing in the capture beyond the time reached. */
	g_assert_cmpint(f.rec[f.n - 1].ts_ns, <=, (int64_t)(reached * 1e9) + 1);
	pcap_unload(&f);
	g_free(pcap);

	char *out = file_text(dir, "stdout.txt"), *err = file_text(dir, "stderr.txt");
	g_assert_nonnull(strstr(out, "results: out\n"));
	g_assert_nonnull(strstr(out, "trace-hash: "));
	char *want = g_strdup_printf("netsim: %s: stopping at the simulated time reached; send "
				     "it again to abort at once\n"
				     "netsim run: stopped by %s at ",
				     name, name);
	g_assert_true(g_str_has_prefix(err, want));
	g_free(want);
	g_free(out);
	g_free(err);
	rm_rf(dir);
	g_free(dir);
}

static void test_sigint(void)
{
	stop_by(SIGINT, "SIGINT");
}

static void test_sigterm(void)
{
	stop_by(SIGTERM, "SIGTERM");
}

/* A second signal ends netsim at once, by that signal; the previous results stay. */
static void test_second_signal(void)
{
	char *dir = dir_with_results("1s");
	char *before = file_text(dir, "out/summary.json");

	/* A bigger capture, so writing the stopped run's results takes a while. */
	GPid pid = start_run(dir, "--quiet --set apps[1].rate=4Mbps --set apps[1].size=1000");
	g_usleep(1000 * 1000);
	kill(pid, SIGINT);
	/* netsim says at once that it heard the first; then the second. */
	gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
	char *err = NULL;
	while (g_get_monotonic_time() < deadline) {
		g_free(err);
		err = file_text(dir, "stderr.txt");
		if (err && strstr(err, "send it again to abort at once\n"))
			break;
		g_usleep(200);
	}
	g_assert_cmpstr(err, ==,
			"netsim: SIGINT: stopping at the simulated time reached; send it again to "
			"abort at once\n");
	g_free(err);
	kill(pid, SIGINT);
	int status = wait_status(pid);
	g_assert_true(WIFSIGNALED(status));
	g_assert_cmpint(WTERMSIG(status), ==, SIGINT);
	char *after = file_text(dir, "out/summary.json");
	g_assert_cmpstr(after, ==, before);
	g_free(before);
	g_free(after);
	rm_rf(dir);
	g_free(dir);
}

/* A finished run says "stopped": null. */
static void test_not_stopped(void)
{
	char *dir = dir_with_results("2s");
	cJSON *s = read_json(dir, "out/summary.json");
	g_assert_true(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(s, "stopped")));
	g_assert_cmpfloat(cJSON_GetObjectItemCaseSensitive(s, "sim_time_s")->valuedouble, ==, 2.0);
	cJSON_Delete(s);
	rm_rf(dir);
	g_free(dir);
}

/* Redirected, a long run prints plain progress lines at the --progress interval;
 * with --quiet none; the results and their hash are the same either way. */
static void test_progress(void)
{
	char *dir = tmpdir_new();
	g_free(write_file(dir, "t.json", endless_json));
	/* A run of a few seconds of wall time. */
	static const char *const run1[] = {"run", "t.json", "--out", "a", "--until",
					   "1200s", "--progress", "0.5", NULL};
	static const char *const run2[] = {"run", "t.json", "--out", "b", "--until",
					   "1200s", "--quiet", NULL};
	struct netsim_result a = netsim_runv(dir, NULL, run1);
	struct netsim_result b = netsim_runv(dir, NULL, run2);
	g_assert_cmpint(a.status, ==, 0);
	g_assert_cmpint(b.status, ==, 0);
	g_assert_cmpstr(b.err, ==, "");
	GRegex *line = g_regex_new("^netsim: [0-9.]+ s of 1200 s simulated \\([0-9]+%\\), "
				   "[0-9.]+( [kMG])? events/s, [0-9]+ s elapsed, "
				   "ETA ([0-9]+ s|[0-9]+ min [0-9]+ s|unknown)$",
				   0, 0, NULL);
	char **lines = g_strsplit(a.err, "\n", -1);
	int n = 0;
	for (char **l = lines; *l && **l; l++, n++)
		if (!g_regex_match(line, *l, 0, NULL))
			g_error("not a progress line: \"%s\"", *l);
	if (n < 2)
		g_error("expected progress lines every 0.5 s of a run of more than 1 s, got "
			"\"%s\"",
			a.err);
	/* Plain lines (redirected): no carriage returns or terminal escapes. */
	g_assert_null(strchr(a.err, '\r'));
	g_assert_null(strchr(a.err, '\033'));
	char *ha = trace_hash_of(a.out), *hb = trace_hash_of(b.out);
	g_assert_cmpstr(ha, ==, hb);
	g_free(ha);
	g_free(hb);
	g_strfreev(lines);
	g_regex_unref(line);
	netsim_result_clear(&a);
	netsim_result_clear(&b);

	/* Bad values are refused before anything runs. */
	struct netsim_result c =
		netsim_run(dir, NULL, "run", "t.json", "--progress", "soon", NULL);
	g_assert_cmpint(c.status, ==, 2);
	g_assert_cmpstr(c.err, ==,
			"netsim run: --progress: expected a number of seconds greater than 0, got "
			"\"soon\"\n");
	netsim_result_clear(&c);
	rm_rf(dir);
	g_free(dir);
}

/* On a terminal the progress is one live line, rewritten in place (carriage return,
 * erase to the end of line) and erased before the summary. The terminal is a
 * pseudo-terminal from util-linux's script(1). */
static void test_progress_tty(void)
{
	char *script = g_find_program_in_path("script");
	if (!script) {
		g_test_skip("script(1) is not installed: no pseudo-terminal to test the live line");
		return;
	}
	char *dir = tmpdir_new();
	g_free(write_file(dir, "t.json", endless_json));
	/* The live line starts after a second of wall time: however fast the machine,
	 * the run lasts 2.5 s, then timeout(1) stops it with SIGINT (status 130). */
	char *cmd = g_strdup_printf("timeout --preserve-status -s INT 2.5 '%s' run t.json", g_getenv("NETSIM"));
	char *argv[] = {script, "-q", "-e", "-c", cmd, "/dev/null", NULL};
	gchar *out = NULL;
	gint status = 0;
	g_assert_true(g_spawn_sync(dir, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status,
				   NULL));
	g_assert_true(WIFEXITED(status));
	g_assert_cmpint(WEXITSTATUS(status), ==, 128 + SIGINT);
	g_assert_nonnull(strstr(out, "\r\033[Knetsim: "));
	g_assert_nonnull(strstr(out, "ETA "));
	/* Erased before the summary, which starts at the beginning of the line. */
	g_assert_nonnull(strstr(out, "\r\033[Kt: "));
	g_assert_nonnull(strstr(out, " s simulated"));
	/* A live line never ends with a newline of its own. */
	g_assert_null(strstr(out, "ETA 0 s\n"));
	g_free(out);
	g_free(cmd);
	g_free(script);
	rm_rf(dir);
	g_free(dir);
}

/* A routing loop between R1 and R2 whose link duplicates every packet into an
 * unlimited queue: one ping becomes millions of packets. */
static const char loop_json[] =
	"{ \"name\": \"loop\", \"duration\": \"60s\",\n"
	"  \"nodes\": [\n"
	"    { \"name\": \"A\", \"routes\": [ { \"to\": \"0.0.0.0/0\", \"via\": \"10.0.1.2\" } ] },\n"
	"    { \"name\": \"R1\", \"type\": \"router\", \"routes\": [ { \"to\": \"10.9.0.0/16\", "
	"\"via\": \"10.0.2.2\" } ] },\n"
	"    { \"name\": \"R2\", \"type\": \"router\", \"routes\": [ { \"to\": \"10.9.0.0/16\", "
	"\"via\": \"10.0.2.1\" } ] },\n"
	"    { \"name\": \"R3\", \"type\": \"router\" }, { \"name\": \"C\" } ],\n"
	"  \"links\": [\n"
	"    { \"name\": \"a\", \"ends\": [ { \"node\": \"A\", \"address\": \"10.0.1.1/24\" }, "
	"{ \"node\": \"R1\", \"address\": \"10.0.1.2/24\" } ] },\n"
	"    { \"name\": \"loop\", \"ends\": [ { \"node\": \"R1\", \"address\": \"10.0.2.1/24\" }, "
	"{ \"node\": \"R2\", \"address\": \"10.0.2.2/24\" } ], \"delay\": \"1ms\", \"queue\": 0, "
	"\"duplicate\": \"100%\" },\n"
	"    { \"name\": \"b\", \"ends\": [ { \"node\": \"R2\", \"address\": \"10.0.3.1/24\" }, "
	"{ \"node\": \"R3\", \"address\": \"10.0.3.2/24\" } ] },\n"
	"    { \"name\": \"c\", \"ends\": [ { \"node\": \"R3\", \"address\": \"10.9.3.1/24\" }, "
	"{ \"node\": \"C\", \"address\": \"10.9.3.2/24\" } ] } ],\n"
	"  \"apps\": [ { \"type\": \"ping\", \"from\": \"A\", \"to\": \"C\", \"count\": 1, "
	"\"check_route\": false } ] }\n";

static void test_memory_budget(void)
{
	char *dir = tmpdir_new();
	g_free(write_file(dir, "loop.json", loop_json));
	struct netsim_result r =
		netsim_run(dir, NULL, "run", "loop.json", "--max-memory", "300MiB", "--quiet", NULL);
	g_assert_cmpint(r.status, ==, 1);
	/* One line naming what grew, how much netsim used, and where the results are. */
	g_assert_true(g_str_has_prefix(r.err, "netsim run: out of memory budget at "));
	g_assert_nonnull(strstr(r.err, " of 60s simulated: "));
	g_assert_true(strstr(r.err, "link loop") || strstr(r.err, "packet pool"));
	g_assert_nonnull(strstr(r.err, "packets"));
	g_assert_nonnull(strstr(r.err, "the budget is 300.0 MiB (--max-memory)"));
	g_assert_nonnull(strstr(r.err, "summary.json \"stopped\": \"memory\")\n"));
	g_assert_cmpint(strchr(r.err, '\n') - r.err + 1, ==, (long)strlen(r.err));
	cJSON *s = read_json(dir, "results/loop/summary.json");
	g_assert_nonnull(s);
	g_assert_cmpstr(cJSON_GetObjectItemCaseSensitive(s, "stopped")->valuestring, ==, "memory");
	g_assert_cmpfloat(cJSON_GetObjectItemCaseSensitive(s, "sim_time_s")->valuedouble, <, 60);
	cJSON_Delete(s);
	netsim_result_clear(&r);

	/* Many flows: tests/bench/large.json's 10 000 connections outgrow a small budget
	 * too, and the run ends the same way. */
	char *large = g_build_filename(source_root(), "tests", "bench", "large.json", NULL);
	r = netsim_run(dir, NULL, "run", large, "--until", "1s", "--max-memory", "150MiB",
		       "--quiet", "--out", "large", NULL);
	g_assert_cmpint(r.status, ==, 1);
	g_assert_true(g_str_has_prefix(r.err, "netsim run: out of memory budget at "));
	g_assert_nonnull(strstr(r.err, "packets"));
	s = read_json(dir, "large/summary.json");
	g_assert_cmpstr(cJSON_GetObjectItemCaseSensitive(s, "stopped")->valuestring, ==, "memory");
	g_assert_cmpint(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(s, "flows")), ==, 10000);
	cJSON_Delete(s);
	netsim_result_clear(&r);
	g_free(large);

	static const char *const bad[] = {"run", "loop.json", "--max-memory", "lots", NULL};
	r = netsim_runv(dir, NULL, bad);
	g_assert_cmpint(r.status, ==, 2);
	g_assert_cmpstr(r.err, ==,
			"netsim run: --max-memory: expected a size like \"4GiB\", a share of physical "
			"memory like \"50%\", or \"none\", got \"lots\"\n");
	netsim_result_clear(&r);
	rm_rf(dir);
	g_free(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/stop/sigint", test_sigint);
	g_test_add_func("/stop/sigterm", test_sigterm);
	g_test_add_func("/stop/second-signal", test_second_signal);
	g_test_add_func("/stop/not-stopped", test_not_stopped);
	g_test_add_func("/stop/progress", test_progress);
	g_test_add_func("/stop/progress-tty", test_progress_tty);
	g_test_add_func("/stop/memory-budget", test_memory_budget);
	return g_test_run();
}

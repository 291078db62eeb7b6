/* tests/cli/test_results_dir.c — what `netsim run` may replace, as a user meets it:
 * the results marker, destinations refused before the run, the staging directory a
 * killed run leaves behind. (The rules themselves: sim/core/output.h.)
 */
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "sim/core/output.h"
#include "tests/cli/netsim_run.h"

/* A - B, a ping: a run of a few milliseconds. */
static const char small_json[] =
    "{ \"name\": \"t\", \"duration\": \"1s\",\n"
    "  \"nodes\": [ { \"name\": \"A\" }, { \"name\": \"B\" } ],\n"
    "  \"links\": [ { \"name\": \"ab\", \"ends\": [ { \"node\": \"A\", \"address\": "
    "\"10.0.0.1/24\" }, { \"node\": \"B\", \"address\": \"10.0.0.2/24\" } ] } ],\n"
    "  \"apps\": [ { \"type\": \"ping\", \"from\": \"A\", \"to\": \"B\", \"count\": 2 } ] }\n";

/* The same with a UDP source that would run for a day of simulated time (hours of
 * wall time): a run that only ends when killed. */
static const char endless_json[] =
    "{ \"name\": \"t\", \"duration\": \"86400s\",\n"
    "  \"nodes\": [ { \"name\": \"A\" }, { \"name\": \"B\" } ],\n"
    "  \"links\": [ { \"name\": \"ab\", \"ends\": [ { \"node\": \"A\", \"address\": "
    "\"10.0.0.1/24\" }, { \"node\": \"B\", \"address\": \"10.0.0.2/24\" } ] } ],\n"
    "  \"apps\": [ { \"type\": \"udp\", \"from\": \"A\", \"to\": \"B\", \"rate\": \"9Mbps\" } ] "
    "}\n";

static bool exists_in(const char *dir, const char *name)
{
	char *p = g_build_filename(dir, name, NULL);
	bool e = g_file_test(p, G_FILE_TEST_EXISTS);
	g_free(p);
	return e;
}

/* A folder that holds a summary.json but was not made by netsim (no marker) is
 * refused, with every file in it kept. Results netsim wrote carry the marker and are
 * replaced by the next run. */
static void test_marker(void)
{
	char *dir = tmpdir_new();
	g_free(write_file(dir, "t.json", small_json));
	char *mine = g_build_filename(dir, "mine", NULL);
	g_mkdir(mine, 0755);
	g_free(write_file(mine, "summary.json", "{\"my\": \"own data\"}"));
	g_free(write_file(mine, "thesis.tex", "precious"));
	struct netsim_result r = netsim_run(dir, NULL, "run", "t.json", "--out", "mine", NULL);
	g_assert_cmpint(r.status, ==, 1);
	g_assert_cmpstr(r.err, ==,
	                "netsim run: mine: not a netsim results directory (no " SIM_OUTPUT_MARKER
	                " file); netsim replaces only directories it created: choose another "
	                "--out or empty it\n");
	g_assert_true(exists_in(mine, "thesis.tex"));
	g_assert_true(exists_in(mine, "summary.json"));
	g_assert_cmpint(hidden_entries(dir), ==, 0);
	netsim_result_clear(&r);

	r = netsim_run(dir, NULL, "run", "t.json", "--out", "out", NULL);
	g_assert_cmpint(r.status, ==, 0);
	char *out = g_build_filename(dir, "out", NULL);
	g_assert_true(exists_in(out, SIM_OUTPUT_MARKER));
	g_free(write_file(out, "old-only.tsv", "x\n"));
	netsim_result_clear(&r);
	r = netsim_run(dir, NULL, "run", "t.json", "--out", "out", NULL);
	g_assert_cmpint(r.status, ==, 0);
	g_assert_false(exists_in(out, "old-only.tsv"));
	g_assert_true(exists_in(out, SIM_OUTPUT_MARKER));
	netsim_result_clear(&r);
	g_free(out);
	g_free(mine);
	rm_rf(dir);
	g_free(dir);
}

/* `--out .` (or the current directory by any name) can never be swapped into place:
 * refused at once, before the run, instead of after it with "Device or resource
 * busy". (--until keeps the run short should it start anyway.) */
static void test_out_current_dir(void)
{
	char *dir = tmpdir_new();
	g_free(write_file(dir, "t.json", endless_json));
	const char *const outs[] = {".", dir, "..", "sub/."};
	for (size_t i = 0; i < G_N_ELEMENTS(outs); i++) {
		gint64 t0 = g_get_monotonic_time();
		struct netsim_result r = netsim_run(dir, NULL, "run", "t.json", "--out", outs[i],
		                                    "--until", "20s", NULL);
		g_assert_cmpint(r.status, ==, 1);
		g_assert_true(g_str_has_prefix(r.err, "netsim run: "));
		g_assert_null(strstr(r.err, "busy"));
		g_assert_cmpint(g_get_monotonic_time() - t0, <, 5 * G_USEC_PER_SEC);
		netsim_result_clear(&r);
	}
	struct netsim_result r =
	    netsim_run(dir, NULL, "run", "t.json", "--out", ".", "--until", "20s", NULL);
	g_assert_cmpstr(r.err, ==,
	                "netsim run: .: is the current directory or contains it; results go into "
	                "a directory of their own\n");
	netsim_result_clear(&r);
	g_assert_cmpint(hidden_entries(dir), ==, 0);
	rm_rf(dir);
	g_free(dir);
}

/* True once a staging directory in `dir` holds its owner file (the run is past
 * setting up its staging directory). */
static bool staging_owned(const char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *nm;
	bool owned = false;
	while (d && !owned && (nm = g_dir_read_name(d)) != NULL) {
		char *f = g_build_filename(dir, nm, SIM_OUTPUT_OWNER, NULL);
		owned = nm[0] == '.' && g_file_test(f, G_FILE_TEST_IS_REGULAR);
		g_free(f);
	}
	if (d)
		g_dir_close(d);
	return owned;
}

/* A run killed with SIGKILL cannot clean up: its staging directory stays. The next
 * run writing into the same folder removes it. The run is killed once its staging
 * directory holds the owner file: one killed in the instant between creating the
 * directory and writing that file leaves one that cannot be judged (docs/outputs.md). */
static void test_killed_run_leftovers(void)
{
	char *dir = tmpdir_new();
	g_free(write_file(dir, "endless.json", endless_json));
	g_free(write_file(dir, "t.json", small_json));
	const char *prog = g_getenv("NETSIM");
	char *argv[] = {(char *)prog, "run", "endless.json", "--out", "out", NULL};
	GPid pid;
	GError *e = NULL;
	g_spawn_async(dir, argv, NULL,
	              G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL |
	                  G_SPAWN_STDERR_TO_DEV_NULL,
	              NULL, NULL, &pid, &e);
	g_assert_no_error(e);
	for (int i = 0; i < 500 && !staging_owned(dir); i++)
		g_usleep(10 * 1000);
	g_assert_cmpint(hidden_entries(dir), ==, 1);
	kill(pid, SIGKILL);
	int status;
	g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
	g_assert_true(WIFSIGNALED(status));
	g_assert_cmpint(hidden_entries(dir), ==, 1);

	/* A later run into the same folder (another name) removes the leftover. */
	struct netsim_result r = netsim_run(dir, NULL, "run", "t.json", "--out", "other", NULL);
	g_assert_cmpint(r.status, ==, 0);
	g_assert_cmpint(hidden_entries(dir), ==, 0);
	g_assert_false(exists_in(dir, "out"));
	netsim_result_clear(&r);
	rm_rf(dir);
	g_free(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/results-dir/marker", test_marker);
	g_test_add_func("/results-dir/out-current-dir", test_out_current_dir);
	g_test_add_func("/results-dir/killed-run-leftovers", test_killed_run_leftovers);
	return g_test_run();
}

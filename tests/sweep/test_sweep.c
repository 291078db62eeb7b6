/* tests/sweep/test_sweep.c — `netsim sweep` as a user runs it: the tables it writes
 * (columns, SI numbers, statistics checked by hand), their independence from -j, MPI
 * ranks and shards, resuming a killed sweep, failing runs, command-line sweeps, bad
 * sweep files (exact one-line errors, exit 2, nothing written) and the graphs.
 *
 * The sweeps run scenarios/lossy.json for 2 s of simulated time: a few milliseconds
 * per run.
 */
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "tests/cli/netsim_run.h"

/* Two loss rates × three seeds, one extra metric. */
static char *small_sweep(void)
{
	char *lossy = g_build_filename(source_root(), "scenarios", "lossy.json", NULL);
	char *s = g_strdup_printf(
		"{\n"
		"  \"scenario\": \"%s\",\n"
		"  \"until\": \"2s\",\n"
		"  \"set\": [\"apps[0].trace=false\"],\n"
		"  \"vary\": [ {\"path\": \"links[1].forward.loss\", \"values\": [\"1%%\", \"3%%\"]} ],\n"
		"  \"seeds\": \"1-3\",\n"
		"  \"metrics\": [\"flows[*].goodput_bps:sum\", \"flows[0].fast_retransmits\",\n"
		"              \"links[2].lost\"]\n"
		"}\n",
		lossy);
	g_free(lossy);
	return s;
}

static char *slurp(const char *dir, const char *name)
{
	char *p = g_build_filename(dir, name, NULL);
	gchar *text = NULL;
	if (!g_file_get_contents(p, &text, NULL, NULL))
		text = NULL;
	g_free(p);
	return text;
}

/* `netsim sweep ARGS` in dir; asserts the exit status and returns the result. */
static struct netsim_result sweep(const char *dir, int status, const char *const *argv)
{
	struct netsim_result r = netsim_runv(dir, NULL, argv);
	if (r.status != status)
		g_printerr("stdout:\n%s\nstderr:\n%s", r.out, r.err);
	g_assert_cmpint(r.status, ==, status);
	return r;
}

/* Asserts that the tables of two sweep directories are the same bytes. */
static void assert_same_tables(const char *dir, const char *a, const char *b)
{
	static const char *const names[] = {"runs.tsv", "aggregate.tsv"};
	for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
		char *pa = g_build_filename(a, names[i], NULL), *pb = g_build_filename(b, names[i], NULL);
		char *ta = slurp(dir, pa), *tb = slurp(dir, pb);
		g_assert_nonnull(ta);
		g_assert_cmpstr(ta, ==, tb);
		g_free(ta);
		g_free(tb);
		g_free(pa);
		g_free(pb);
	}
}

/* A sweep directory made with -j 1 in dir/ref (the reference of the other tests). */
static void reference(const char *dir)
{
	char *text = small_sweep();
	char *p = write_file(dir, "small.json", text);
	g_free(p);
	g_free(text);
	const char *argv[] = {"sweep", "small.json", "--out", "ref", "-j", "1", NULL};
	struct netsim_result r = sweep(dir, 0, argv);
	g_assert_cmpstr(r.out, ==, "sweep: 6 runs (2 points x 3 seeds): 6 ok, 0 failed, 0 missing\n"
				   "results: ref/runs.tsv, ref/aggregate.tsv\n");
	netsim_result_clear(&r);
}

/* ---- the tables ------------------------------------------------------------------------ */

/* runs.tsv: the header with units, the parameter as written and in SI, every run a
 * normal results directory whose trace hash `netsim run --from` reproduces. */
static void test_runs_table(void)
{
	char *dir = tmpdir_new();
	reference(dir);
	char *runs = slurp(dir, "ref/runs.tsv");
	char **lines = g_strsplit(runs, "\n", -1);
	g_assert_cmpstr(lines[0], ==,
			"point\tlinks[1].forward.loss\tlinks[1].forward.loss_ratio\tseed\tstatus\t"
			"flows[*].goodput_bps:sum\tflows[0].fast_retransmits\tlinks[2].lost\t"
			"trace_hash\tdir\terror");
	g_assert_cmpuint(g_strv_length(lines), ==, 8); /* 6 rows and the final newline */
	char **f = g_strsplit(lines[5], "\t", -1);
	g_assert_cmpstr(f[0], ==, "p00001");
	g_assert_cmpstr(f[1], ==, "3%");
	g_assert_cmpstr(f[2], ==, "0.03");
	g_assert_cmpstr(f[3], ==, "2");
	g_assert_cmpstr(f[4], ==, "ok");
	g_assert_cmpstr(f[9], ==, "runs/p00001/s2");
	g_assert_cmpstr(f[10], ==, "");

	/* The run's own summary says the same. */
	cJSON *sum = read_json(dir, "ref/runs/p00001/s2/summary.json");
	const cJSON *flow = cJSON_GetArrayItem(cJSON_GetObjectItem(sum, "flows"), 0);
	char *fr = g_strdup_printf("%.0f", cJSON_GetObjectItem(flow, "fast_retransmits")->valuedouble);
	g_assert_cmpstr(f[6], ==, fr);
	g_assert_cmpfloat(g_ascii_strtod(f[5], NULL), ==,
			  cJSON_GetObjectItem(flow, "goodput_bps")->valuedouble);
	g_free(fr);
	cJSON_Delete(sum);

	const char *again[] = {"run", "--from", "ref/runs/p00001/s2", "--out", "again", NULL};
	struct netsim_result r = netsim_runv(dir, NULL, again);
	g_assert_cmpint(r.status, ==, 0);
	char *h = trace_hash_of(r.out);
	g_assert_cmpstr(h, ==, f[8]);
	g_free(h);
	netsim_result_clear(&r);
	g_strfreev(f);
	g_strfreev(lines);
	g_free(runs);
	rm_rf(dir);
	g_free(dir);
}

/* aggregate.tsv against mean, sd and the t interval computed here from runs.tsv, with
 * t(0.975, 2) = 4.3026527297494639 (3 seeds). */
static void test_aggregate_by_hand(void)
{
	char *dir = tmpdir_new();
	reference(dir);
	char *runs = slurp(dir, "ref/runs.tsv"), *agg = slurp(dir, "ref/aggregate.tsv");
	char **rl = g_strsplit(runs, "\n", -1), **al = g_strsplit(agg, "\n", -1);
	g_assert_cmpstr(al[0], ==,
			"point\tlinks[1].forward.loss\tlinks[1].forward.loss_ratio\tmetric\tn\tmean\t"
			"sd\tci95\tci95_low\tci95_high\tmin\tmax");
	for (guint point = 0; point < 2; point++) {
		for (guint m = 0; m < 3; m++) {
			double x[3], sum = 0, ss = 0;
			for (guint s = 0; s < 3; s++) {
				char **f = g_strsplit(rl[1 + point * 3 + s], "\t", -1);
				x[s] = g_ascii_strtod(f[5 + m], NULL);
				sum += x[s];
				g_strfreev(f);
			}
			double mean = sum / 3;
			for (guint s = 0; s < 3; s++)
				ss += (x[s] - mean) * (x[s] - mean);
			double sd = sqrt(ss / 2), ci = 4.3026527297494639 * sd / sqrt(3);
			char **a = g_strsplit(al[1 + point * 3 + m], "\t", -1);
			g_assert_cmpstr(a[4], ==, "3");
			g_assert_cmpfloat_with_epsilon(g_ascii_strtod(a[5], NULL), mean, 1e-9 * fabs(mean));
			g_assert_cmpfloat_with_epsilon(g_ascii_strtod(a[6], NULL), sd, 1e-9 * sd + 1e-12);
			g_assert_cmpfloat_with_epsilon(g_ascii_strtod(a[7], NULL), ci, 1e-9 * ci + 1e-12);
			g_assert_cmpfloat_with_epsilon(g_ascii_strtod(a[8], NULL), mean - ci,
						       1e-9 * fabs(mean) + 1e-12);
			g_assert_cmpfloat(g_ascii_strtod(a[10], NULL), ==, MIN(x[0], MIN(x[1], x[2])));
			g_assert_cmpfloat(g_ascii_strtod(a[11], NULL), ==, MAX(x[0], MAX(x[1], x[2])));
			g_strfreev(a);
		}
	}
	g_strfreev(rl);
	g_strfreev(al);
	g_free(runs);
	g_free(agg);
	rm_rf(dir);
	g_free(dir);
}

/* ---- however it was run --------------------------------------------------------------- */

static void test_jobs(void)
{
	char *dir = tmpdir_new();
	reference(dir);
	const char *argv[] = {"sweep", "small.json", "--out", "j2", "-j", "2", NULL};
	struct netsim_result r = sweep(dir, 0, argv);
	netsim_result_clear(&r);
	assert_same_tables(dir, "ref", "j2");
	rm_rf(dir);
	g_free(dir);
}

static void test_mpi(void)
{
	const char *mpirun = g_getenv("NETSIM_MPIRUN");
	if (!mpirun || !*mpirun) {
		g_test_skip("netsim was built without MPI (Debian: apt-get install libopenmpi-dev "
			    "openmpi-bin, then reconfigure)");
		return;
	}
	char *dir = tmpdir_new();
	reference(dir);
	/* Open MPI's own allocations outlive MPI_Finalize: no leak check in the ranks
	 * (the local sweeps check netsim's). */
	const char *argv[] = {mpirun, "--allow-run-as-root", "--oversubscribe", "-np", "3",
			      g_getenv("NETSIM"), "sweep", "small.json", "--out", "mpi", NULL};
	gchar *out = NULL, *err = NULL;
	gint status = 0;
	char **envp = g_environ_setenv(g_get_environ(), "ASAN_OPTIONS", "detect_leaks=0", TRUE);
	g_assert_true(g_spawn_sync(dir, (char **)argv, envp, G_SPAWN_DEFAULT, NULL, NULL, &out,
				   &err, &status, NULL));
	if (!g_spawn_check_wait_status(status, NULL))
		g_printerr("%s%s", out, err);
	g_assert_true(g_spawn_check_wait_status(status, NULL));
	g_assert_nonnull(strstr(out, "6 runs (2 points x 3 seeds): 6 ok"));
	assert_same_tables(dir, "ref", "mpi");
	g_strfreev(envp);
	g_free(out);
	g_free(err);
	rm_rf(dir);
	g_free(dir);
}

/* Three shards, then --collect; collecting early lists what is missing. */
static void test_shards(void)
{
	char *dir = tmpdir_new();
	reference(dir);
	for (int i = 0; i < 3; i++) {
		char *sh = g_strdup_printf("%d/3", i);
		const char *argv[] = {"sweep", "small.json", "--out", "sh", "--shard", sh, NULL};
		struct netsim_result r = sweep(dir, 0, argv);
		g_assert_nonnull(strstr(r.out, "when every shard is: netsim sweep --collect sh"));
		netsim_result_clear(&r);
		g_free(sh);
		if (i == 0) {
			/* Shard 0 of 3 has runs 0 and 3: p00000/s1 and p00001/s1. */
			const char *c[] = {"sweep", "--collect", "sh", NULL};
			r = sweep(dir, 1, c);
			g_assert_cmpstr(r.out, ==, "sweep: 6 runs (2 points x 3 seeds): 2 ok, 0 failed, "
						   "4 missing\nresults: sh/runs.tsv, sh/aggregate.tsv\n");
			g_assert_cmpstr(r.err, ==,
					"netsim sweep: runs/p00000/s2 missing\n"
					"netsim sweep: runs/p00000/s3 missing\n"
					"netsim sweep: runs/p00001/s2 missing\n"
					"netsim sweep: runs/p00001/s3 missing\n");
			netsim_result_clear(&r);
		}
	}
	const char *c[] = {"sweep", "--collect", "sh", NULL};
	struct netsim_result r = sweep(dir, 0, c);
	netsim_result_clear(&r);
	assert_same_tables(dir, "ref", "sh");
	rm_rf(dir);
	g_free(dir);
}

/* ---- interrupted and resumed ------------------------------------------------------------ */

/* Runs recorded in the journals of a sweep directory (status/HOST-PID.tsv). */
static guint count_recorded(const char *dir)
{
	guint n = 0;
	char *sdir = g_build_filename(dir, "status", NULL);
	GDir *d = g_dir_open(sdir, 0, NULL);
	const char *name;
	while (d && (name = g_dir_read_name(d)) != NULL) {
		char *path = g_build_filename(sdir, name, NULL);
		gchar *text = NULL;
		if (g_file_get_contents(path, &text, NULL, NULL))
			for (const char *p = text; (p = strstr(p, "\nruns/")) != NULL; p++)
				n++;
		g_free(text);
		g_free(path);
	}
	if (d)
		g_dir_close(d);
	g_free(sdir);
	return n;
}

static void own_group(gpointer data)
{
	(void)data;
	setpgid(0, 0);
}

/* A sweep killed (with its runs, SIGKILL to the process group) after a few runs, then
 * run again: the finished runs are not run again, the rest are, and the tables equal
 * those of a sweep never interrupted. SIGTERM stops a sweep with 143. */
static void test_resume(void)
{
	char *dir = tmpdir_new();
	char *lossy = g_build_filename(source_root(), "scenarios", "lossy.json", NULL);
	const char *args[] = {"sweep", lossy, "--vary", "links[1].forward.loss=1%,2%,3%,4%",
			      "--seeds", "1-6", "--until", "20s", "-j", "1", "--out", NULL, NULL};
	args[11] = "ref";
	struct netsim_result r = sweep(dir, 0, args);
	netsim_result_clear(&r);

	char *argv[G_N_ELEMENTS(args) + 1];
	argv[0] = (char *)g_getenv("NETSIM");
	for (guint i = 0; i < G_N_ELEMENTS(args); i++)
		argv[i + 1] = (char *)args[i];
	argv[12] = "killed";
	GPid pid;
	g_assert_true(g_spawn_async(dir, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD |
					       G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
				    own_group, NULL, &pid, NULL));
	char *kdir = g_build_filename(dir, "killed", NULL);
	for (int i = 0; i < 20000 && count_recorded(kdir) < 5; i++)
		g_usleep(500);
	kill(-pid, SIGKILL);
	int st;
	waitpid(pid, &st, 0);
	guint done = count_recorded(kdir);
	g_assert_cmpuint(done, >=, 5);
	g_assert_cmpuint(done, <, 24);
	/* The status of a finished run, to see it is not rewritten. */
	struct stat before;
	char *first = g_build_filename(kdir, "runs", "p00000", "s1", "summary.json", NULL);
	g_assert_cmpint(g_stat(first, &before), ==, 0);

	args[11] = "killed";
	r = sweep(dir, 0, args);
	netsim_result_clear(&r);
	struct stat after;
	g_assert_cmpint(g_stat(first, &after), ==, 0);
	g_assert_cmpuint(after.st_ino, ==, before.st_ino);
	g_assert_cmpint(after.st_mtim.tv_nsec, ==, before.st_mtim.tv_nsec);
	assert_same_tables(dir, "ref", "killed");

	/* SIGTERM: the sweep stops its runs and exits 143, keeping what is done. */
	argv[12] = "termed";
	g_assert_true(g_spawn_async(dir, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD |
					       G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
				    NULL, NULL, &pid, NULL));
	char *tdir = g_build_filename(dir, "termed", NULL);
	for (int i = 0; i < 20000 && count_recorded(tdir) < 3; i++)
		g_usleep(500);
	kill(pid, SIGTERM);
	waitpid(pid, &st, 0);
	g_assert_true(WIFEXITED(st));
	g_assert_cmpint(WEXITSTATUS(st), ==, 143);
	args[11] = "termed";
	r = sweep(dir, 0, args);
	netsim_result_clear(&r);
	assert_same_tables(dir, "ref", "termed");
	g_free(tdir);
	g_free(first);
	g_free(kdir);
	g_free(lossy);
	rm_rf(dir);
	g_free(dir);
}

/* ---- failing runs ---------------------------------------------------------------------------- */

/* Every run of one point fails (a directory of the user's is in the way): runs.tsv
 * says why, the point's statistics have n = 0, the other point is aggregated, and
 * the sweep itself succeeds. */
static void test_failing_point(void)
{
	char *dir = tmpdir_new();
	reference(dir);
	const char *one[] = {"sweep", "small.json", "--out", "f", "--seeds", "1", NULL};
	struct netsim_result r = sweep(dir, 0, one);
	netsim_result_clear(&r);
	for (int s = 2; s <= 3; s++) {
		char *d = g_strdup_printf("%s/f/runs/p00001/s%d", dir, s);
		g_assert_cmpint(g_mkdir_with_parents(d, 0755), ==, 0);
		char *f = write_file(d, "notes.txt", "mine\n");
		g_free(f);
		g_free(d);
	}
	char *d1 = g_strdup_printf("%s/f/runs/p00001/s1", dir);
	rm_rf(d1);
	g_assert_cmpint(g_mkdir_with_parents(d1, 0755), ==, 0);
	char *f1 = write_file(d1, "notes.txt", "mine\n");
	g_free(f1);
	g_free(d1);

	const char *all[] = {"sweep", "small.json", "--out", "f", NULL};
	r = sweep(dir, 0, all);
	g_assert_cmpstr(r.out, ==, "sweep: 6 runs (2 points x 3 seeds): 3 ok, 3 failed, 0 missing\n"
				   "results: f/runs.tsv, f/aggregate.tsv\n");
	g_assert_nonnull(strstr(r.err, "netsim sweep: runs/p00001/s1 failed: exit 1: netsim run: "
				       "f/runs/p00001/s1: not a netsim results directory (no "
				       ".netsim-results file); netsim replaces only directories it "
				       "created: choose another --out or empty it\n"));
	netsim_result_clear(&r);
	char *runs = slurp(dir, "f/runs.tsv");
	char **lines = g_strsplit(runs, "\n", -1);
	char **f = g_strsplit(lines[4], "\t", -1);
	g_assert_cmpstr(f[4], ==, "failed");
	g_assert_cmpstr(f[5], ==, "nan");
	g_assert_cmpstr(f[8], ==, "");
	g_assert_cmpstr(f[10], ==, "exit 1: netsim run: f/runs/p00001/s1: not a netsim results "
				   "directory (no .netsim-results file); netsim replaces only "
				   "directories it created: choose another --out or empty it");
	g_strfreev(f);
	char *agg = slurp(dir, "f/aggregate.tsv"), *ref = slurp(dir, "ref/aggregate.tsv");
	char **al = g_strsplit(agg, "\n", -1), **rl = g_strsplit(ref, "\n", -1);
	for (int i = 1; i <= 3; i++) /* point 0 as in the reference */
		g_assert_cmpstr(al[i], ==, rl[i]);
	char **a = g_strsplit(al[4], "\t", -1);
	g_assert_cmpstr(a[4], ==, "0");
	g_assert_cmpstr(a[5], ==, "nan");
	g_strfreev(a);
	g_strfreev(al);
	g_strfreev(rl);
	g_free(agg);
	g_free(ref);
	g_strfreev(lines);
	g_free(runs);
	rm_rf(dir);
	g_free(dir);
}

/* ---- command-line sweeps, ranges, graphs ------------------------------------------------------ */

/* --vary, --set, --until, --seeds and --metric on a scenario equal the sweep file. */
static void test_command_line(void)
{
	char *dir = tmpdir_new();
	reference(dir);
	char *lossy = g_build_filename(source_root(), "scenarios", "lossy.json", NULL);
	const char *argv[] = {"sweep", lossy, "--vary", "links[1].forward.loss=1%,3%", "--seeds",
			      "1-3", "--until", "2s", "--set", "apps[0].trace=false", "--metric",
			      "flows[*].goodput_bps:sum", "--metric", "flows[0].fast_retransmits",
			      "--metric", "links[2].lost", "--out", "cli", NULL};
	struct netsim_result r = sweep(dir, 0, argv);
	netsim_result_clear(&r);
	assert_same_tables(dir, "ref", "cli");
	g_free(lossy);
	rm_rf(dir);
	g_free(dir);
}

/* A log range of durations (exact ends, whole nanoseconds between) and a zip group:
 * points in grid order, the first dimension slowest. */
static void test_ranges_and_zip(void)
{
	char *dir = tmpdir_new();
	char *lossy = g_build_filename(source_root(), "scenarios", "lossy.json", NULL);
	char *text = g_strdup_printf(
		"{\"scenario\": \"%s\", \"until\": \"1s\", \"set\": [\"apps[0].trace=false\"],\n"
		" \"vary\": [{\"path\": \"links[1].delay\", \"from\": \"10ms\", \"to\": \"1s\",\n"
		"             \"steps\": 3, \"scale\": \"log\"}],\n"
		" \"zip\": [[{\"path\": \"links[1].bandwidth\", \"values\": [\"10Mbps\", \"20Mbps\"]},\n"
		"          {\"path\": \"links[1].queue\", \"values\": [100, \"64KiB\"]}]]}\n",
		lossy);
	char *p = write_file(dir, "r.json", text);
	g_free(p);
	const char *argv[] = {"sweep", "r.json", "--out", "o", NULL};
	struct netsim_result r = sweep(dir, 0, argv);
	netsim_result_clear(&r);
	char *runs = slurp(dir, "o/runs.tsv");
	char **lines = g_strsplit(runs, "\n", -1);
	g_assert_true(g_str_has_prefix(lines[0], "point\tlinks[1].delay\tlinks[1].delay_s\t"
						 "links[1].bandwidth\tlinks[1].bandwidth_bps\t"
						 "links[1].queue\tlinks[1].queue_index\tseed\t"));
	static const char *const want[] = {
		"p00000\t10ms\t0.01\t10Mbps\t10000000\t100\t0\t1\tok",
		"p00001\t10ms\t0.01\t20Mbps\t20000000\t64KiB\t1\t1\tok",
		"p00002\t100ms\t0.1\t10Mbps\t10000000\t100\t0\t1\tok",
		"p00003\t100ms\t0.1\t20Mbps\t20000000\t64KiB\t1\t1\tok",
		"p00004\t1s\t1\t10Mbps\t10000000\t100\t0\t1\tok",
		"p00005\t1s\t1\t20Mbps\t20000000\t64KiB\t1\t1\tok",
	};
	for (guint i = 0; i < G_N_ELEMENTS(want); i++)
		g_assert_true(g_str_has_prefix(lines[i + 1], want[i]));
	g_strfreev(lines);
	g_free(runs);
	g_free(text);
	g_free(lossy);
	rm_rf(dir);
	g_free(dir);
}

static void test_plot(void)
{
	char *gnuplot = g_find_program_in_path("gnuplot");
	g_free(gnuplot);
	if (!gnuplot) {
		g_test_skip("gnuplot is not installed");
		return;
	}
	char *dir = tmpdir_new();
	reference(dir);
	const char *argv[] = {"plot", "ref", NULL};
	struct netsim_result r = netsim_runv(dir, NULL, argv);
	g_assert_cmpint(r.status, ==, 0);
	g_assert_cmpstr(r.out, ==, "plots: ref/plots/\n");
	netsim_result_clear(&r);
	static const char *const files[] = {"flows.all.goodput_bps.sum", "flows.0.fast_retransmits",
					    "links.2.lost"};
	for (guint i = 0; i < G_N_ELEMENTS(files); i++) {
		char *png = g_strdup_printf("%s/ref/plots/%s.png", dir, files[i]);
		struct stat sb;
		g_assert_cmpint(g_stat(png, &sb), ==, 0);
		g_assert_cmpint(sb.st_size, >, 1000);
		g_free(png);
	}
	/* The data of a graph: x in SI units, mean and half-width from aggregate.tsv. */
	char *data = slurp(dir, "ref/plots/links.2.lost.tsv");
	char *agg = slurp(dir, "ref/aggregate.tsv");
	char **al = g_strsplit(agg, "\n", -1);
	char **a = g_strsplit(al[3], "\t", -1);
	char *row = g_strdup_printf("0.01\t%s\t%s\n", a[5], a[7]);
	g_assert_true(g_str_has_prefix(data, "mean and 95% confidence interval\n"));
	g_assert_nonnull(strstr(data, row));
	g_free(row);
	g_strfreev(a);
	g_strfreev(al);
	g_free(agg);
	g_free(data);
	rm_rf(dir);
	g_free(dir);
}

/* ---- bad input --------------------------------------------------------------------------- */

/* A sweep file with `body` after "scenario": exit 2, exactly `expected` on stderr,
 * nothing written. */
static void expect_invalid(const char *body, const char *expected)
{
	char *dir = tmpdir_new();
	char *lossy = g_build_filename(source_root(), "scenarios", "lossy.json", NULL);
	char *text = g_strdup_printf("{\"scenario\": \"%s\"%s}\n", lossy, body);
	char *p = write_file(dir, "bad.json", text);
	g_free(p);
	const char *argv[] = {"sweep", "bad.json", "--out", "o", NULL};
	struct netsim_result r = sweep(dir, 2, argv);
	g_assert_cmpstr(r.err, ==, expected);
	g_assert_cmpstr(r.out, ==, "");
	netsim_result_clear(&r);
	char *o = g_build_filename(dir, "o", NULL);
	g_assert_false(g_file_test(o, G_FILE_TEST_EXISTS));
	g_free(o);
	g_free(text);
	g_free(lossy);
	rm_rf(dir);
	g_free(dir);
}

static void test_invalid(void)
{
	expect_invalid(", \"vary\": [{\"path\": \"links[1].forward.loss\", \"values\": [\"1%\", "
		       "\"5 %\"]}]",
		       "bad.json: vary[0].values[1]: links[1].forward.loss: expected a probability "
		       "like \"1%\", got \"5 %\"\n");
	expect_invalid(", \"vary\": [{\"path\": \"links[1].forward.los\", \"values\": [\"1%\"]}]",
		       "bad.json: vary[0].path: links[1].forward.los: unknown key (did you mean "
		       "\"loss\"?)\n");
	expect_invalid(", \"vary\": [{\"path\": \"links[7].delay\", \"values\": [\"1ms\"]}]",
		       "bad.json: vary[0].path: links[7]: no such element (the array has 2 "
		       "elements)\n");
	expect_invalid(", \"vary\": [{\"path\": \"links[1].delay\", \"values\": [\"1ms\"], "
		       "\"steps\": 3}]",
		       "bad.json: vary[0]: give either \"values\" or a range (\"from\", \"to\", "
		       "\"steps\"), not both\n");
	expect_invalid(", \"vary\": [{\"path\": \"links[1].delay\", \"from\": \"1ms\", \"steps\": 3}]",
		       "bad.json: vary[0]: a range needs \"from\", \"to\" and \"steps\"\n");
	expect_invalid(", \"vary\": [{\"path\": \"tcp.cc\", \"from\": 1, \"to\": 3, \"steps\": 3}]",
		       "bad.json: vary[0]: a range needs numbers in the unit of tcp.cc (a duration, "
		       "rate, size, probability or integer), got 1 and 3; list the values instead\n");
	expect_invalid(", \"seeds\": \"1-x\"",
		       "bad.json: seeds: expected a range like \"1-20\" or a list like \"1,5,9\", got "
		       "\"1-x\"\n");
	expect_invalid(", \"seeds\": [1, 2, 1]", "bad.json: seeds: seed 1 is listed twice\n");
	expect_invalid(", \"metrics\": [\"flows[*].goodput_bps\"]",
		       "bad.json: metrics[0]: \"flows[*].goodput_bps\": say how to combine [*]: add "
		       ":sum, :mean, :min or :max\n");
	expect_invalid(", \"metrics\": [\"flows[0].rto_cont\"]",
		       "bad.json: metrics[0]: \"flows[0].rto_cont\": summary.json has no such number "
		       "(docs/outputs.md lists its fields)\n");
	expect_invalid(", \"zip\": [[{\"path\": \"links[1].delay\", \"values\": [\"1ms\", \"2ms\"]}, "
		       "{\"path\": \"links[0].delay\", \"values\": [\"1ms\"]}]]",
		       "bad.json: zip[0][1]: has 1 value but zip[0][0] has 2: the parameters of a zip "
		       "group move together\n");
	expect_invalid(", \"vary\": [{\"path\": \"links[1].delay\", \"values\": [\"1ms\"]}, "
		       "{\"path\": \"links[1].delay\", \"values\": [\"2ms\"]}]",
		       "bad.json: vary[1].path: links[1].delay is varied twice (also vary[0])\n");
	expect_invalid(", \"until\": \"0\"", "bad.json: until: must be greater than 0, got \"0\"\n");
	expect_invalid(", \"vary\": [{\"path\": \"apps[0].start\", \"values\": [\"1s\", \"70s\"]}]",
		       "bad.json: vary[0].values[1]: apps[0].start: starts at 70s, when the run is "
		       "over (duration 60s)\n");
	expect_invalid(", \"bogus\": 1",
		       "bad.json: bogus: unknown key; valid keys here: name, description, scenario, "
		       "set, until, vary, zip, seeds, metrics\n");

	/* Command-line sweeps and options. */
	char *dir = tmpdir_new();
	char *lossy = g_build_filename(source_root(), "scenarios", "lossy.json", NULL);
	const char *a1[] = {"sweep", lossy, "--vary", "links[1].forward.loss=1%,x", NULL};
	struct netsim_result r = sweep(dir, 2, a1);
	char *want = g_strdup_printf("%s: --vary links[1].forward.loss=1%%,x: links[1].forward.loss: "
				     "expected a probability like \"1%%\", got \"x\"\n",
				     lossy);
	g_assert_cmpstr(r.err, ==, want);
	g_free(want);
	netsim_result_clear(&r);
	const char *a2[] = {"sweep", lossy, "--vary", "x=1", "--shard", "3/3", NULL};
	r = sweep(dir, 2, a2);
	g_assert_cmpstr(r.err, ==, "netsim sweep: --shard: expected I/N with 0 <= I < N, got "
				   "\"3/3\"\n");
	netsim_result_clear(&r);
	const char *a3[] = {"sweep", "--collect", "nowhere", NULL};
	r = sweep(dir, 2, a3);
	g_assert_cmpstr(r.err, ==, "netsim sweep: --collect: nowhere: not a sweep directory (no "
				   "sweep.json)\n");
	netsim_result_clear(&r);
	g_free(lossy);
	rm_rf(dir);
	g_free(dir);
}

/* A directory that is not a sweep's is left alone; one holding another sweep too. */
static void test_foreign_directory(void)
{
	char *dir = tmpdir_new();
	reference(dir);
	char *lossy = g_build_filename(source_root(), "scenarios", "lossy.json", NULL);
	const char *argv[] = {"sweep", lossy, "--vary", "links[1].forward.loss=2%", "--until", "1s",
			      "--out", "ref", NULL};
	struct netsim_result r = sweep(dir, 1, argv);
	g_assert_cmpstr(r.err, ==, "netsim sweep: ref holds another sweep (its scenario, fixed "
				   "settings or points differ); use another --out or remove it\n");
	netsim_result_clear(&r);
	char *mine = g_build_filename(dir, "mine", NULL);
	g_mkdir(mine, 0755);
	char *f = write_file(mine, "thesis.tex", "x\n");
	argv[7] = "mine";
	r = sweep(dir, 1, argv);
	g_assert_cmpstr(r.err, ==, "netsim sweep: mine exists and is not a sweep directory (no "
				   "sweep.json); netsim does not write into it\n");
	netsim_result_clear(&r);
	g_free(f);
	g_free(mine);
	g_free(lossy);
	rm_rf(dir);
	g_free(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	g_test_add_func("/sweep/tables/runs", test_runs_table);
	g_test_add_func("/sweep/tables/aggregate-by-hand", test_aggregate_by_hand);
	g_test_add_func("/sweep/same/jobs", test_jobs);
	g_test_add_func("/sweep/same/mpi", test_mpi);
	g_test_add_func("/sweep/same/shards-collect", test_shards);
	g_test_add_func("/sweep/resume", test_resume);
	g_test_add_func("/sweep/failing-point", test_failing_point);
	g_test_add_func("/sweep/command-line", test_command_line);
	g_test_add_func("/sweep/ranges-zip", test_ranges_and_zip);
	g_test_add_func("/sweep/plot", test_plot);
	g_test_add_func("/sweep/invalid", test_invalid);
	g_test_add_func("/sweep/foreign-directory", test_foreign_directory);
	return g_test_run();
}

/* tests/unit/test_output.c — TSV traces, the trace hash, atomic output directories. */
#include <glib.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <stdbool.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/core/output.h"
#include "sim/core/trace.h"

static char *make_tmpdir(void)
{
	char *d = g_dir_make_tmp("netsim-test-XXXXXX", NULL);
	g_assert_nonnull(d);
	return d;
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char *p = g_build_filename(dir, name, NULL);
	g_assert_true(g_file_set_contents(p, text, -1, NULL));
	g_free(p);
}

static char *read_file(const char *dir, const char *name)
{
	char *p = g_build_filename(dir, name, NULL), *text = NULL;
	g_file_get_contents(p, &text, NULL, NULL);
	g_free(p);
	return text;
}

static void test_tsv(void)
{
	char *dir = make_tmpdir();
	char *path = g_build_filename(dir, "t.tsv", NULL);
	GError *err = NULL;
	struct sim_tsv *t = sim_tsv_create(path, "time_s\tcwnd_bytes\tsrtt_ms\tstate", &err);
	g_assert_no_error(err);
	sim_tsv_time(t, SIM_US(1250));
	sim_tsv_u64(t, 14600);
	sim_tsv_ms(t, SIM_US(40500));
	sim_tsv_str(t, "ESTABLISHED");
	sim_tsv_end_row(t);
	sim_tsv_time(t, SIM_S(2));
	sim_tsv_i64(t, -3);
	sim_tsv_ms(t, 1);
	sim_tsv_double(t, 0.1);
	sim_tsv_end_row(t);
	g_assert_cmpuint(sim_tsv_rows(t), ==, 2);
	g_assert_cmpint(sim_tsv_close(t, &err), ==, 0);
	char *text = read_file(dir, "t.tsv");
	g_assert_cmpstr(text, ==,
			"time_s\tcwnd_bytes\tsrtt_ms\tstate\n"
			"0.001250000\t14600\t40.5\tESTABLISHED\n"
			"2.000000000\t-3\t0.000001\t0.1\n");
	g_free(text);
	sim_remove_tree(dir);
	g_free(path);
	g_free(dir);
}

/* A comma-decimal locale must not change a byte. */
static void test_tsv_locale(void)
{
	char *saved = g_strdup(setlocale(LC_ALL, NULL));
	if (setlocale(LC_ALL, "de_DE.UTF-8") == NULL) {
		g_free(saved);
		g_test_skip("de_DE.UTF-8 locale not installed");
		return;
	}
	char *dir = make_tmpdir();
	char *path = g_build_filename(dir, "t.tsv", NULL);
	struct sim_tsv *t = sim_tsv_create(path, "a\tb", NULL);
	sim_tsv_double(t, 2.5);
	sim_tsv_ms(t, SIM_US(1500));
	sim_tsv_end_row(t);
	sim_tsv_close(t, NULL);
	char *text = read_file(dir, "t.tsv");
	g_assert_cmpstr(text, ==, "a\tb\n2.5\t1.5\n");
	g_free(text);
	setlocale(LC_ALL, saved);
	g_free(saved);
	sim_remove_tree(dir);
	g_free(path);
	g_free(dir);
}

static void hash_dir(const char *dir, const char *summary, char hex[65])
{
	GError *err = NULL;
	g_assert_cmpint(sim_output_hash(dir, summary, summary ? strlen(summary) : 0, hex, &err), ==, 0);
	g_assert_no_error(err);
}

static void test_hash(void)
{
	char *a = make_tmpdir(), *b = make_tmpdir();
	char ha[65], hb[65];
	/* Same contents written in a different order hash the same. */
	write_file(a, "flow1.sender.tsv", "time_s\n1\n");
	write_file(a, "h1-eth0.pcap", "PCAP");
	write_file(a, "summary.json", "{\"wall_s\": 1.23}");
	write_file(b, "h1-eth0.pcap", "PCAP");
	write_file(b, "summary.json", "{\"wall_s\": 9.99}");
	write_file(b, "flow1.sender.tsv", "time_s\n1\n");
	hash_dir(a, "{}", ha);
	hash_dir(b, "{}", hb);
	g_assert_cmpstr(ha, ==, hb);
	g_assert_cmpuint(strlen(ha), ==, 64);

	/* Plots are derived and not hashed. */
	char *plots = g_build_filename(b, "plots", NULL);
	g_mkdir(plots, 0755);
	write_file(plots, "cwnd.png", "PNG");
	hash_dir(b, "{}", hb);
	g_assert_cmpstr(ha, ==, hb);

	/* Any changed byte, file name or summary changes the hash. */
	write_file(b, "flow1.sender.tsv", "time_s\n2\n");
	hash_dir(b, "{}", hb);
	g_assert_cmpstr(ha, !=, hb);
	write_file(b, "flow1.sender.tsv", "time_s\n1\n");
	hash_dir(b, "{\"seed\": 2}", hb);
	g_assert_cmpstr(ha, !=, hb);
	hash_dir(b, "{}", hb);
	g_assert_cmpstr(ha, ==, hb);
	char *p1 = g_build_filename(b, "h1-eth0.pcap", NULL), *p2 = g_build_filename(b, "h2-eth0.pcap", NULL);
	g_rename(p1, p2);
	hash_dir(b, "{}", hb);
	g_assert_cmpstr(ha, !=, hb);

	g_free(p1);
	g_free(p2);
	g_free(plots);
	sim_remove_tree(a);
	sim_remove_tree(b);
	g_free(a);
	g_free(b);
}

static void test_atomic_replace(void)
{
	char *root = make_tmpdir();
	char *dir = g_build_filename(root, "results", "lossy", NULL);
	struct sim_output out;
	GError *err = NULL;

	/* First run: the parent folders are created, the result appears on commit. */
	g_assert_cmpint(sim_output_open(&out, dir, &err), ==, 0);
	g_assert_false(g_file_test(dir, G_FILE_TEST_EXISTS));
	write_file(out.work_dir, "summary.json", "{}");
	write_file(out.work_dir, "old-only.tsv", "x");
	g_assert_cmpint(sim_output_commit(&out, &err), ==, 0);
	sim_output_fini(&out);
	g_assert_true(g_file_test(dir, G_FILE_TEST_IS_DIR));

	/* A second run replaces it wholesale: no file of the old run survives. */
	g_assert_cmpint(sim_output_open(&out, dir, &err), ==, 0);
	write_file(out.work_dir, "summary.json", "{\"run\": 2}");
	g_assert_cmpint(sim_output_commit(&out, &err), ==, 0);
	sim_output_fini(&out);
	char *old = g_build_filename(dir, "old-only.tsv", NULL);
	g_assert_false(g_file_test(old, G_FILE_TEST_EXISTS));
	char *s = read_file(dir, "summary.json");
	g_assert_cmpstr(s, ==, "{\"run\": 2}");
	g_free(s);

	/* A failed run is discarded and leaves the previous result untouched. */
	g_assert_cmpint(sim_output_open(&out, dir, &err), ==, 0);
	write_file(out.work_dir, "summary.json", "{\"run\": 3}");
	sim_output_fini(&out);
	s = read_file(dir, "summary.json");
	g_assert_cmpstr(s, ==, "{\"run\": 2}");
	g_free(s);
	/* ...and no staging directory is left behind. */
	char *parent = g_path_get_dirname(dir);
	GDir *d = g_dir_open(parent, 0, NULL);
	const char *name;
	int entries = 0;
	while ((name = g_dir_read_name(d)) != NULL)
		entries++;
	g_dir_close(d);
	g_assert_cmpint(entries, ==, 1);

	/* A directory netsim did not write is never replaced. */
	char *foreign = g_build_filename(root, "home", NULL);
	g_mkdir(foreign, 0755);
	write_file(foreign, "thesis.tex", "precious");
	g_assert_cmpint(sim_output_open(&out, foreign, &err), ==, -1);
	g_assert_error(err, G_FILE_ERROR, G_FILE_ERROR_EXIST);
	g_clear_error(&err);
	sim_output_fini(&out);

	g_free(parent);
	g_free(old);
	g_free(foreign);
	sim_remove_tree(root);
	g_free(dir);
	g_free(root);
}

/* True if dir/name exists (any kind of file). */
static bool exists_in(const char *dir, const char *name)
{
	char *p = g_build_filename(dir, name, NULL);
	bool e = g_file_test(p, G_FILE_TEST_EXISTS);
	g_free(p);
	return e;
}

/* Opens `dir` and commits it with one file and the given summary text. */
static void run_into(const char *dir, const char *summary, enum sim_run_outcome how, int expect)
{
	struct sim_output out;
	GError *err = NULL;
	g_assert_cmpint(sim_output_open(&out, dir, &err), ==, 0);
	g_assert_no_error(err);
	write_file(out.work_dir, "summary.json", summary);
	g_assert_cmpint(sim_output_finish(&out, how, &err), ==, expect);
	if (expect == 0)
		g_assert_no_error(err);
	else
		g_clear_error(&err);
	sim_output_fini(&out);
}

/* Every results directory carries the marker; only a directory with it is replaced.
 * A directory that merely holds a summary.json is someone else's. */
static void test_marker(void)
{
	char *root = make_tmpdir();
	char *dir = g_build_filename(root, "out", NULL);
	run_into(dir, "{}", SIM_RUN_COMPLETE, 0);
	g_assert_true(exists_in(dir, SIM_OUTPUT_MARKER));
	/* The marker is not part of the trace hash: a directory without it hashes the
	 * same. */
	char h1[65], h2[65];
	hash_dir(dir, "{}", h1);
	char *m = g_build_filename(dir, SIM_OUTPUT_MARKER, NULL);
	g_unlink(m);
	hash_dir(dir, "{}", h2);
	g_assert_cmpstr(h1, ==, h2);

	/* Now it looks like a previous run but has no marker: refused, untouched. */
	write_file(dir, "notes.txt", "keep me");
	struct sim_output out;
	GError *err = NULL;
	g_assert_cmpint(sim_output_open(&out, dir, &err), ==, -1);
	g_assert_error(err, G_FILE_ERROR, G_FILE_ERROR_EXIST);
	g_assert_nonnull(strstr(err->message, SIM_OUTPUT_MARKER));
	g_clear_error(&err);
	sim_output_fini(&out);
	g_assert_true(exists_in(dir, "notes.txt"));
	g_assert_true(exists_in(dir, "summary.json"));

	/* An empty directory is fine, and gets the marker. */
	char *empty = g_build_filename(root, "empty", NULL);
	g_mkdir(empty, 0755);
	run_into(empty, "{}", SIM_RUN_COMPLETE, 0);
	g_assert_true(exists_in(empty, SIM_OUTPUT_MARKER));

	g_free(m);
	g_free(empty);
	sim_remove_tree(root);
	g_free(dir);
	g_free(root);
}

/* Complete and deliberately stopped runs replace the previous results; a failed one
 * never does, and neither does a "stopped" run whose summary does not say so. */
static void test_outcomes(void)
{
	char *root = make_tmpdir();
	char *dir = g_build_filename(root, "out", NULL);
	run_into(dir, "{\"run\": 1}", SIM_RUN_COMPLETE, 0);
	run_into(dir, "{\"run\": 2}", SIM_RUN_FAILED, 0);
	char *s = read_file(dir, "summary.json");
	g_assert_cmpstr(s, ==, "{\"run\": 1}");
	g_free(s);
	run_into(dir, "{\"run\": 3}", SIM_RUN_STOPPED, -1);
	run_into(dir, "{\"run\": 3, \"stopped\": null}", SIM_RUN_STOPPED, -1);
	s = read_file(dir, "summary.json");
	g_assert_cmpstr(s, ==, "{\"run\": 1}");
	g_free(s);
	run_into(dir, "{\"run\": 4, \"stopped\": \"SIGINT\"}", SIM_RUN_STOPPED, 0);
	s = read_file(dir, "summary.json");
	g_assert_cmpstr(s, ==, "{\"run\": 4, \"stopped\": \"SIGINT\"}");
	g_free(s);
	/* A run with no summary.json is not a result. */
	struct sim_output out;
	GError *err = NULL;
	g_assert_cmpint(sim_output_open(&out, dir, &err), ==, 0);
	g_assert_cmpint(sim_output_finish(&out, SIM_RUN_COMPLETE, &err), ==, -1);
	g_clear_error(&err);
	sim_output_fini(&out);
	s = read_file(dir, "summary.json");
	g_assert_cmpstr(s, ==, "{\"run\": 4, \"stopped\": \"SIGINT\"}");
	g_free(s);
	/* Nothing is left beside the results. */
	GDir *d = g_dir_open(root, 0, NULL);
	int entries = 0;
	while (g_dir_read_name(d) != NULL)
		entries++;
	g_dir_close(d);
	g_assert_cmpint(entries, ==, 1);
	sim_remove_tree(root);
	g_free(dir);
	g_free(root);
}

/* Destinations that can never be swapped into place are refused before a run starts:
 * the current directory, one of its ancestors, ".", "..". */
static void test_refused_destinations(void)
{
	char *root = make_tmpdir();
	char *sub = g_build_filename(root, "sub", NULL);
	g_mkdir(sub, 0755);
	char *saved = g_get_current_dir();
	g_assert_cmpint(g_chdir(sub), ==, 0);
	static const char *const bad[] = {".", "..", "./", "x/.", "x/..", "/"};
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		struct sim_output out;
		GError *err = NULL;
		g_assert_cmpint(sim_output_open(&out, bad[i], &err), ==, -1);
		g_assert_nonnull(err);
		g_clear_error(&err);
		sim_output_fini(&out);
	}
	/* The current directory and its parent by their full names. */
	const char *absolute[] = {sub, root};
	for (size_t i = 0; i < G_N_ELEMENTS(absolute); i++) {
		struct sim_output out;
		GError *err = NULL;
		g_assert_cmpint(sim_output_open(&out, absolute[i], &err), ==, -1);
		g_assert_nonnull(strstr(err->message, "current directory"));
		g_clear_error(&err);
		sim_output_fini(&out);
	}
	/* Nothing was staged anywhere. */
	GDir *d = g_dir_open(sub, 0, NULL);
	g_assert_null(g_dir_read_name(d));
	g_dir_close(d);
	g_assert_cmpint(g_chdir(saved), ==, 0);
	g_free(saved);
	sim_remove_tree(root);
	g_free(sub);
	g_free(root);
}

/* Makes parent/name a staging directory as netsim makes them (the marker and the
 * owner file `owner`, NULL: this machine's), or without them (marker false). */
static char *make_staging_owned(const char *parent, const char *name, bool marker,
				const char *owner)
{
	char *p = g_build_filename(parent, name, NULL);
	g_assert_cmpint(g_mkdir(p, 0755), ==, 0);
	if (marker) {
		char *mine = sim_output_owner_text();
		write_file(p, SIM_OUTPUT_MARKER, "");
		write_file(p, SIM_OUTPUT_OWNER, owner ? owner : mine);
		g_free(mine);
	}
	write_file(p, "flow1.sender.tsv", "time_s\n");
	return p;
}

static char *make_staging(const char *parent, const char *name, bool marker)
{
	return make_staging_owned(parent, name, marker, NULL);
}

/* Staging directories of runs that died (SIGKILL) are removed by the next run in the
 * same folder, and only those: a live run's, a foreign directory with a similar
 * name, a symbolic link are left alone. */
static void test_stale_staging(void)
{
	char *root = make_tmpdir();
	/* A process that is certainly gone: a child that has exited and been reaped. */
	pid_t dead = fork();
	g_assert_cmpint(dead, >=, 0);
	if (dead == 0)
		_exit(0);
	g_assert_cmpint(waitpid(dead, NULL, 0), ==, dead);
	guint64 me_start = sim_output_process_start(getpid());
	g_assert_cmpuint(me_start, >, 0);

	char *n_dead = g_strdup_printf(".x.tmp-%d-%" G_GUINT64_FORMAT "-AbC123", (int)dead, me_start);
	char *n_dead_old = g_strdup_printf(".y.tmp-%d-1-xyz789.old", (int)dead);
	char *n_reused = g_strdup_printf(".z.tmp-%d-%" G_GUINT64_FORMAT "-q1w2e3", (int)getpid(),
					 me_start + 1);
	char *n_live = g_strdup_printf(".x.tmp-%d-%" G_GUINT64_FORMAT "-LiVe01", (int)getpid(),
				       me_start);
	char *n_foreign = g_strdup_printf(".x.tmp-%d-1-Foreig", (int)dead);
	char *p_dead = make_staging(root, n_dead, true);
	char *p_dead_old = make_staging(root, n_dead_old, true);
	char *p_reused = make_staging(root, n_reused, true);
	char *p_live = make_staging(root, n_live, true);
	char *p_foreign = make_staging(root, n_foreign, false);
	char *n_link = g_strdup_printf(".w.tmp-%d-1-LiNk00", (int)dead);
	char *p_link = g_build_filename(root, n_link, NULL);
	g_assert_cmpint(symlink(p_live, p_link), ==, 0);
	/* Owner files: a dead PID on another host (another container sharing the folder)
	 * is not ours to judge; a live PID from before a reboot is gone. */
	char *n_other_host = g_strdup_printf(".v.tmp-%d-1-OtHeR1", (int)dead);
	char *p_other_host = make_staging_owned(root, n_other_host, true,
						"host elsewhere\nboot 1234\n");
	char *mine = sim_output_owner_text();
	char *host_line = g_strndup(mine, (gsize)(strchr(mine, '\n') - mine));
	char *rebooted = g_strdup_printf("%s\nboot another-boot\n", host_line);
	char *n_rebooted = g_strdup_printf(".u.tmp-%d-%" G_GUINT64_FORMAT "-ReBoOt", (int)getpid(),
					   me_start);
	char *p_rebooted = make_staging_owned(root, n_rebooted, true, rebooted);

	char *dir = g_build_filename(root, "x", NULL);
	run_into(dir, "{}", SIM_RUN_COMPLETE, 0);
	g_assert_false(g_file_test(p_dead, G_FILE_TEST_EXISTS));
	g_assert_false(g_file_test(p_dead_old, G_FILE_TEST_EXISTS));
	g_assert_false(g_file_test(p_reused, G_FILE_TEST_EXISTS));
	g_assert_true(exists_in(p_live, "flow1.sender.tsv"));
	g_assert_true(exists_in(p_foreign, "flow1.sender.tsv"));
	g_assert_true(g_file_test(p_link, G_FILE_TEST_IS_SYMLINK));
	g_assert_true(exists_in(p_other_host, "flow1.sender.tsv"));
	g_assert_false(g_file_test(p_rebooted, G_FILE_TEST_EXISTS));
	/* The results hold the marker but not the owner file. */
	g_assert_true(exists_in(dir, SIM_OUTPUT_MARKER));
	g_assert_false(exists_in(dir, SIM_OUTPUT_OWNER));

	char *names[] = {n_dead,  n_dead_old,   n_reused,     n_live,     n_foreign,
			 n_link,  p_dead,       p_dead_old,   p_reused,   p_live,
			 p_foreign, p_link,     dir,          n_other_host, p_other_host,
			 mine,    host_line,    rebooted,     n_rebooted, p_rebooted};
	for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
		g_free(names[i]);
	sim_remove_tree(root);
	g_free(root);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/output/tsv", test_tsv);
	g_test_add_func("/output/tsv-locale", test_tsv_locale);
	g_test_add_func("/output/hash", test_hash);
	g_test_add_func("/output/atomic-replace", test_atomic_replace);
	g_test_add_func("/output/marker", test_marker);
	g_test_add_func("/output/outcomes", test_outcomes);
	g_test_add_func("/output/refused-destinations", test_refused_destinations);
	g_test_add_func("/output/stale-staging", test_stale_staging);
	return g_test_run();
}

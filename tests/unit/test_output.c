/* tests/unit/test_output.c — TSV traces, the trace hash, atomic output directories. */
#include <glib.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>

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

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/output/tsv", test_tsv);
	g_test_add_func("/output/tsv-locale", test_tsv_locale);
	g_test_add_func("/output/hash", test_hash);
	g_test_add_func("/output/atomic-replace", test_atomic_replace);
	return g_test_run();
}

/* tests/sweep/test_provenance.c — what produced a run, and rerunning it: summary.json's
 * provenance object (version, the scenario file's SHA-256, --set, --seed, --until,
 * the resolved scenario) and `netsim run --from RESULTS_DIR`, whose trace hash must
 * equal the original's for every shipped scenario.
 */
#include <stdbool.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "tests/cli/netsim_run.h"

static char *scenario_path(const char *name)
{
	return g_build_filename(source_root(), "scenarios", name, NULL);
}

/* Runs `netsim ARGS` in dir, asserts success and returns the trace hash (g_free). */
static char *run_ok(const char *dir, const char *const *argv)
{
	struct netsim_result r = netsim_runv(dir, NULL, argv);
	if (r.status != 0)
		g_printerr("%s", r.err);
	g_assert_cmpint(r.status, ==, 0);
	char *h = trace_hash_of(r.out);
	g_assert_nonnull(h);
	netsim_result_clear(&r);
	return h;
}

static const cJSON *get(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

/* The fields of the request: the file as given and its SHA-256, every --set in
 * order, --seed and --until; the netsim version; a resolved scenario with the seed
 * and duration in force and defaults filled in. */
static void test_fields(void)
{
	char *dir = tmpdir_new();
	char *lossy = scenario_path("lossy.json");
	const char *argv[] = {"run", lossy, "--out", "r", "--seed", "7", "--until", "3s",
			      "--set", "links[1].forward.loss=2%", "--set", "tcp.cc=cubic", NULL};
	g_free(run_ok(dir, argv));
	cJSON *sum = read_json(dir, "r/summary.json");
	const cJSON *p = get(sum, "provenance");
	g_assert_true(cJSON_IsObject(p));
	g_assert_cmpstr(get(p, "netsim")->valuestring, ==, "0.1.0");
	g_assert_cmpstr(get(p, "scenario_file")->valuestring, ==, lossy);

	gchar *text;
	gsize len;
	g_assert_true(g_file_get_contents(lossy, &text, &len, NULL));
	char *sha = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (guchar *)text, len);
	g_assert_cmpstr(get(p, "scenario_sha256")->valuestring, ==, sha);
	g_free(sha);
	g_free(text);

	const cJSON *set = get(p, "set");
	g_assert_cmpint(cJSON_GetArraySize(set), ==, 2);
	g_assert_cmpstr(cJSON_GetArrayItem(set, 0)->valuestring, ==, "links[1].forward.loss=2%");
	g_assert_cmpstr(cJSON_GetArrayItem(set, 1)->valuestring, ==, "tcp.cc=cubic");
	g_assert_cmpint(get(p, "seed")->valuedouble, ==, 7);
	g_assert_cmpstr(get(p, "until")->valuestring, ==, "3s");
	g_assert_null(get(p, "from"));

	const cJSON *scn = get(p, "scenario");
	g_assert_cmpstr(get(scn, "name")->valuestring, ==, "lossy");
	g_assert_cmpint(get(scn, "seed")->valuedouble, ==, 7);
	/* The file's duration: --until stays apart (provenance.h). */
	g_assert_cmpstr(get(scn, "duration")->valuestring, ==, "60s");
	/* The whole knob table, the override applied; defaults the file leaves out. */
	const cJSON *tcp = get(scn, "tcp");
	g_assert_cmpstr(get(tcp, "cc")->valuestring, ==, "cubic");
	g_assert_cmpstr(get(tcp, "rto_min")->valuestring, ==, "200ms");
	g_assert_true(cJSON_IsTrue(get(tcp, "delayed_ack")));
	const cJSON *bn = cJSON_GetArrayItem(get(scn, "links"), 1);
	g_assert_cmpstr(get(bn, "name")->valuestring, ==, "bottleneck");
	g_assert_cmpstr(get(bn, "jitter")->valuestring, ==, "0");
	const cJSON *loss = get(get(bn, "forward"), "loss");
	g_assert_cmpstr(get(loss, "model")->valuestring, ==, "bernoulli");
	g_assert_cmpfloat(get(loss, "p")->valuedouble, ==, 0.02);
	const cJSON *ends = get(bn, "ends");
	g_assert_cmpstr(get(cJSON_GetArrayItem(ends, 0), "iface")->valuestring, ==, "eth1");
	const cJSON *app = cJSON_GetArrayItem(get(scn, "apps"), 0);
	g_assert_cmpstr(get(app, "address")->valuestring, ==, "10.0.2.2");
	g_assert_cmpint(get(app, "port")->valuedouble, ==, 5001);
	cJSON_Delete(sum);

	/* A seed typed with leading zeros is still a JSON number. */
	const char *argv3[] = {"run", lossy, "--out", "z", "--until", "1s", "--seed", "007", NULL};
	g_free(run_ok(dir, argv3));
	sum = read_json(dir, "z/summary.json");
	g_assert_nonnull(sum);
	g_assert_cmpint(get(get(sum, "provenance"), "seed")->valuedouble, ==, 7);
	cJSON_Delete(sum);

	/* Without overrides: an empty list and nulls. */
	const char *argv2[] = {"run", lossy, "--out", "q", "--until", "1s", NULL};
	g_free(run_ok(dir, argv2));
	sum = read_json(dir, "q/summary.json");
	p = get(sum, "provenance");
	g_assert_cmpint(cJSON_GetArraySize(get(p, "set")), ==, 0);
	g_assert_true(cJSON_IsNull(get(p, "seed")));
	cJSON_Delete(sum);
	g_free(lossy);
	rm_rf(dir);
	g_free(dir);
}

/* The provenance is not hashed: setting a value to what the file already says
 * changes the request, not the run. */
static void test_not_hashed(void)
{
	char *dir = tmpdir_new();
	char *lossy = scenario_path("lossy.json");
	const char *a[] = {"run", lossy, "--out", "a", "--until", "2s", NULL};
	const char *b[] = {"run", lossy, "--out", "b", "--until", "2s", "--seed", "1", "--set",
			   "links[1].forward.loss=1%", NULL};
	char *ha = run_ok(dir, a), *hb = run_ok(dir, b);
	g_assert_cmpstr(ha, ==, hb);
	g_free(ha);
	g_free(hb);
	g_free(lossy);
	rm_rf(dir);
	g_free(dir);
}

/* Runs scenario `name` (with extra options), reruns it with --from, and checks the
 * hashes match and the rerun records the same resolved scenario. */
static void check_rerun(const char *dir, const char *name, const char *const *extra)
{
	char *path = scenario_path(name);
	GPtrArray *args = g_ptr_array_new();
	const char *head[] = {"run", path, "--out", "orig"};
	for (guint i = 0; i < G_N_ELEMENTS(head); i++)
		g_ptr_array_add(args, (gpointer)head[i]);
	for (const char *const *e = extra; e && *e; e++)
		g_ptr_array_add(args, (gpointer)*e);
	g_ptr_array_add(args, NULL);
	char *h1 = run_ok(dir, (const char *const *)args->pdata);
	const char *again[] = {"run", "--from", "orig", "--out", "again", NULL};
	char *h2 = run_ok(dir, again);
	if (strcmp(h1, h2) != 0)
		g_printerr("%s: --from changed the trace hash\n", name);
	g_assert_cmpstr(h1, ==, h2);

	cJSON *s1 = read_json(dir, "orig/summary.json"), *s2 = read_json(dir, "again/summary.json");
	const cJSON *p2 = get(s2, "provenance");
	g_assert_true(cJSON_Compare(get(get(s1, "provenance"), "scenario"), get(p2, "scenario"),
				    true));
	g_assert_cmpstr(get(p2, "from")->valuestring, ==, "orig");
	g_assert_cmpstr(get(p2, "scenario_file")->valuestring, ==, path);
	cJSON_Delete(s1);
	cJSON_Delete(s2);
	g_ptr_array_free(args, TRUE);
	g_free(h1);
	g_free(h2);
	g_free(path);
}

/* Every shipped scenario (short runs): the resolved scenario holds everything that
 * decides a run: links, loss models, outages, routes, every application type,
 * traces and captures. */
static void test_rerun_all_scenarios(void)
{
	char *sdir = g_build_filename(source_root(), "scenarios", NULL);
	GDir *d = g_dir_open(sdir, 0, NULL);
	g_assert_nonnull(d);
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	const char *n;
	while ((n = g_dir_read_name(d)) != NULL)
		if (g_str_has_suffix(n, ".json"))
			g_ptr_array_add(names, g_strdup(n));
	g_dir_close(d);
	g_assert_cmpuint(names->len, >=, 10);
	for (guint i = 0; i < names->len; i++) {
		char *dir = tmpdir_new();
		const char *extra[] = {"--until", "3s", NULL};
		check_rerun(dir, g_ptr_array_index(names, i), extra);
		rm_rf(dir);
		g_free(dir);
	}
	g_ptr_array_free(names, TRUE);
	g_free(sdir);
}

/* --set overrides and a non-default seed are part of what --from reruns; its own
 * --seed applies on top, like running the file with that seed. */
static void test_rerun_overrides(void)
{
	char *dir = tmpdir_new();
	const char *extra[] = {"--seed", "9", "--until", "5s", "--set",
			       "links[1].forward.loss=3%", "--set", "tcp.cc=newreno", "--set",
			       "links[0].delay=7ms", NULL};
	check_rerun(dir, "lossy.json", extra);

	char *lossy = scenario_path("lossy.json");
	const char *direct[] = {"run", lossy, "--out", "d", "--seed", "4", "--until", "5s",
				"--set", "links[1].forward.loss=3%", "--set", "tcp.cc=newreno",
				"--set", "links[0].delay=7ms", NULL};
	const char *from[] = {"run", "--from", "orig", "--out", "f", "--seed", "4", NULL};
	char *hd = run_ok(dir, direct), *hf = run_ok(dir, from);
	g_assert_cmpstr(hd, ==, hf);
	cJSON *s = read_json(dir, "f/summary.json");
	const cJSON *p = get(s, "provenance");
	g_assert_cmpint(get(p, "seed")->valuedouble, ==, 4);
	g_assert_cmpint(cJSON_GetArraySize(get(p, "set")), ==, 3);
	cJSON_Delete(s);
	g_free(hd);
	g_free(hf);
	g_free(lossy);
	rm_rf(dir);
	g_free(dir);
}

/* Every queue discipline with parameters away from their defaults (thresholds in
 * bytes, a derived wq, sixteenths), without random loss so that the queue fills and
 * the discipline acts; and an ECN codepoint folded into a TOS byte. */
static void test_rerun_queues(void)
{
	static const char *const sets[] = {
		"links[1].forward.queue={\"type\":\"red\",\"min\":\"5KB\",\"max\":\"20KB\","
		"\"burst\":10,\"ecn\":true,\"adaptive\":true}",
		"links[1].forward.queue={\"type\":\"fq_codel\",\"quantum\":300,\"flows\":16,"
		"\"ecn\":false}",
		"links[1].forward.queue={\"type\":\"pie\",\"alpha\":3,\"beta\":17,\"bytemode\":true}",
		"links[1].forward.queue={\"type\":\"step\",\"k\":\"30KB\",\"packets\":50}",
		"links[1].queue={\"type\":\"codel\",\"target\":\"2ms\"}",
	};
	for (guint i = 0; i < G_N_ELEMENTS(sets); i++) {
		char *dir = tmpdir_new();
		const char *extra[] = {"--until", "3s", "--set", "links[1].forward.loss=0", "--set",
				       sets[i], NULL};
		check_rerun(dir, "lossy.json", extra);
		if (i == 0) {
			/* Keys that change nothing without ECN-capable traffic are written
			 * all the same. */
			cJSON *sum = read_json(dir, "orig/summary.json");
			const cJSON *scn = get(get(sum, "provenance"), "scenario");
			const cJSON *q = get(get(cJSON_GetArrayItem(get(scn, "links"), 1), "forward"),
					     "queue");
			g_assert_cmpstr(get(q, "type")->valuestring, ==, "red");
			g_assert_true(cJSON_IsTrue(get(q, "ecn")));
			g_assert_true(cJSON_IsTrue(get(q, "adaptive")));
			g_assert_cmpstr(get(q, "min")->valuestring, ==, "5000B");
			g_assert_cmpint(get(q, "burst")->valuedouble, ==, 10);
			cJSON_Delete(sum);
		}
		rm_rf(dir);
		g_free(dir);
	}
	char *dir = tmpdir_new();
	const char *extra[] = {"--set", "apps[0].ecn=\"ce\"", "--set", "apps[0].tos=16", NULL};
	check_rerun(dir, "ping.json", extra);
	cJSON *s = read_json(dir, "orig/summary.json");
	const cJSON *app = cJSON_GetArrayItem(
		get(get(get(s, "provenance"), "scenario"), "apps"), 0);
	g_assert_cmpint(get(app, "tos")->valuedouble, ==, 16 | 3);
	cJSON_Delete(s);
	rm_rf(dir);
	g_free(dir);
}

static void test_rerun_errors(void)
{
	char *dir = tmpdir_new();
	struct netsim_result r = netsim_run(dir, NULL, "run", "--from", "nothing", NULL);
	g_assert_cmpint(r.status, ==, 2);
	g_assert_cmpstr(r.err, ==, "netsim run: --from: nothing: not a netsim results directory "
				   "(no summary.json)\n");
	netsim_result_clear(&r);

	char *old = g_build_filename(dir, "old", NULL);
	g_assert_cmpint(g_mkdir(old, 0755), ==, 0);
	g_free(old);
	char *p = write_file(dir, "old/summary.json", "{\"scenario\": \"x\"}\n");
	g_free(p);
	r = netsim_run(dir, NULL, "run", "--from", "old", NULL);
	g_assert_cmpint(r.status, ==, 2);
	g_assert_cmpstr(r.err, ==, "netsim run: --from: old/summary.json: no provenance.scenario "
				   "to rerun (written by an older netsim?)\n");
	netsim_result_clear(&r);

	r = netsim_run(dir, NULL, "run", "x.json", "--from", "old", NULL);
	g_assert_cmpint(r.status, ==, 2);
	g_assert_cmpstr(r.err, ==,
			"netsim run: give a scenario file or --from RESULTS_DIR, not both\n");
	netsim_result_clear(&r);

	/* A --set on top of the recorded scenario is checked like any other. */
	char *lossy = scenario_path("lossy.json");
	const char *argv[] = {"run", lossy, "--out", "ok", "--until", "1s", NULL};
	g_free(run_ok(dir, argv));
	r = netsim_run(dir, NULL, "run", "--from", "ok", "--set", "links[1].delay=fast", NULL);
	g_assert_cmpint(r.status, ==, 2);
	g_assert_cmpstr(r.err, ==,
			"ok/summary.json: provenance.scenario: links[1].delay: expected a duration "
			"like \"20ms\", got \"fast\" (from --set links[1].delay=fast)\n");
	netsim_result_clear(&r);
	g_free(lossy);
	rm_rf(dir);
	g_free(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_set_nonfatal_assertions();
	g_test_add_func("/provenance/fields", test_fields);
	g_test_add_func("/provenance/not-hashed", test_not_hashed);
	g_test_add_func("/provenance/rerun/all-scenarios", test_rerun_all_scenarios);
	g_test_add_func("/provenance/rerun/overrides", test_rerun_overrides);
	g_test_add_func("/provenance/rerun/queues", test_rerun_queues);
	g_test_add_func("/provenance/rerun/errors", test_rerun_errors);
	return g_test_run();
}

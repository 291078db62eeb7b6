/* tests/regress/regress.c — the trace-hash regression suite (suite "regress").
 *
 * tests/regress/hashes.txt holds, for every scenario in scenarios/, the trace hash a
 * run with its own seed prints. This program checks that:
 *   - every scenario has a hash and every hash a scenario;
 *   - each scenario's run prints exactly its expected hash;
 *   - a second run prints the same hash (no wall clock, pointer or hash-table order
 *     leaks into an output);
 *   - a run under a comma-decimal locale (de_DE.UTF-8) prints the same hash
 *     (generated for this test with localedef when the system lacks it; skipped
 *     with a message when it cannot be);
 *   - and that this suite does fail when a scenario's behaviour changes (a changed
 *     copy of a scenario is checked against the recorded hashes in a subprocess).
 *
 * After an intended change of behaviour, regenerate the hashes with
 *     meson compile -C build regress-update
 * which reruns every scenario, rewrites hashes.txt and lists what changed.
 *
 * Usage: regress [--update] [--scenarios DIR] [--hashes FILE] [GTest options]
 * (the netsim program comes from $NETSIM; the defaults are the source tree's).
 */
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "tests/cli/netsim_run.h"

static char *scenarios_dir;
static char *hashes_file;
static GHashTable *expected; /* name → hash */
static char *locpath;        /* LOCPATH for a generated de_DE.UTF-8, or NULL */
static bool have_de;         /* de_DE.UTF-8 usable */
static char *no_de_reason;

/* ---- inputs --------------------------------------------------------------------- */

static gint cmp_names(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static GPtrArray *scenario_names(void)
{
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	GDir *d = g_dir_open(scenarios_dir, 0, NULL);
	g_assert_nonnull(d);
	const char *nm;
	while ((nm = g_dir_read_name(d)) != NULL)
		if (g_str_has_suffix(nm, ".json"))
			g_ptr_array_add(names, g_strndup(nm, strlen(nm) - 5));
	g_dir_close(d);
	g_ptr_array_sort(names, cmp_names);
	return names;
}

static bool contains(GPtrArray *names, const char *name)
{
	for (guint i = 0; i < names->len; i++)
		if (strcmp(g_ptr_array_index(names, i), name) == 0)
			return true;
	return false;
}

static GHashTable *read_hashes(const char *path)
{
	GHashTable *h = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	gchar *text = NULL;
	if (!g_file_get_contents(path, &text, NULL, NULL))
		return h;
	char **lines = g_strsplit(text, "\n", -1);
	for (guint i = 0; lines[i]; i++) {
		char *l = g_strstrip(lines[i]);
		if (!*l || *l == '#')
			continue;
		char **f = g_strsplit_set(l, " \t", -1);
		guint n = 0;
		char *name = NULL, *hash = NULL;
		for (guint k = 0; f[k]; k++) {
			if (!*f[k])
				continue;
			if (n == 0)
				name = f[k];
			else if (n == 1)
				hash = f[k];
			n++;
		}
		if (name && hash)
			g_hash_table_insert(h, g_strdup(name), g_strdup(hash));
		g_strfreev(f);
	}
	g_strfreev(lines);
	g_free(text);
	return h;
}

/* ---- running ------------------------------------------------------------------------ */

/* Runs one scenario into a fresh directory; returns its trace hash (g_free) or NULL
 * with the failure in *why. */
static char *run_hash(const char *name, const char *const *env, char **why)
{
	char *dir = tmpdir_new();
	char *file = g_strdup_printf("%s/%s.json", scenarios_dir, name);
	char *abs = g_canonicalize_filename(file, NULL);
	struct netsim_result r = netsim_run(dir, env, "run", abs, "--out", "out", NULL);
	char *h = NULL;
	if (r.status != 0)
		*why = g_strdup_printf("netsim run %s exited %d:\n%s", name, r.status, r.err);
	else if (!(h = trace_hash_of(r.out)))
		*why = g_strdup_printf("netsim run %s printed no trace-hash line", name);
	netsim_result_clear(&r);
	rm_rf(dir);
	g_free(dir);
	g_free(file);
	g_free(abs);
	return h;
}

/* ---- the comma-decimal locale ----------------------------------------------------------- */

static bool locale_is_comma_decimal(void)
{
	const char *ok = setlocale(LC_ALL, "de_DE.UTF-8");
	bool comma = ok && strcmp(localeconv()->decimal_point, ",") == 0;
	setlocale(LC_ALL, "C");
	return comma;
}

/* Makes de_DE.UTF-8 available: the system's, or one generated with localedef into a
 * private LOCPATH (needs the glibc locale sources, as Debian's `locales` ships). */
static void setup_locale(void)
{
	if (locale_is_comma_decimal()) {
		have_de = true;
		return;
	}
	char *localedef = g_find_program_in_path("localedef");
	if (!localedef) {
		no_de_reason = g_strdup("de_DE.UTF-8 is not installed and localedef is missing "
					"(apt-get install locales): the locale test is skipped");
		return;
	}
	char *dir = tmpdir_new();
	char *target = g_build_filename(dir, "de_DE.UTF-8", NULL);
	char *argv[] = {localedef, "-i", "de_DE", "-f", "UTF-8", target, NULL};
	gint status = 0;
	gchar *err = NULL;
	bool spawned = g_spawn_sync(NULL, argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
				    &err, &status, NULL);
	if (spawned && g_spawn_check_wait_status(status, NULL)) {
		g_setenv("LOCPATH", dir, TRUE);
		if (locale_is_comma_decimal()) {
			have_de = true;
			locpath = dir;
			dir = NULL;
		}
		g_unsetenv("LOCPATH");
	}
	if (!have_de)
		no_de_reason = g_strdup_printf("de_DE.UTF-8 is not installed and could not be "
					       "generated with localedef (%s): the locale test "
					       "is skipped",
					       err && *err ? g_strstrip(err) : "no locale sources");
	g_free(err);
	g_free(target);
	g_free(localedef);
	if (dir) {
		rm_rf(dir);
		g_free(dir);
	}
}

/* ---- tests ---------------------------------------------------------------------------- */

static void test_complete(void)
{
	GPtrArray *names = scenario_names();
	g_assert_cmpuint(names->len, >, 0);
	for (guint i = 0; i < names->len; i++) {
		const char *n = g_ptr_array_index(names, i);
		if (!g_hash_table_contains(expected, n))
			g_error("scenarios/%s.json has no hash in %s: run `meson compile -C build "
				"regress-update`",
				n, hashes_file);
	}
	GHashTableIter it;
	gpointer k;
	g_hash_table_iter_init(&it, expected);
	while (g_hash_table_iter_next(&it, &k, NULL)) {
		if (!contains(names, k))
			g_error("%s names %s, which is not in scenarios/: run `meson compile -C "
				"build regress-update`",
				hashes_file, (const char *)k);
	}
	g_ptr_array_free(names, TRUE);
}

/* docs/tour.md shows the output of `netsim run scenarios/lossy.json`, trace hash
 * included, and promises the reader the same line: it must be lossy's current hash.
 * After an intended change, rerun the tour's first command and paste its output. */
static void test_tour_hash(void)
{
	char *tour = g_build_filename(source_root(), "docs", "tour.md", NULL);
	gchar *text = NULL;
	g_assert_true(g_file_get_contents(tour, &text, NULL, NULL));
	const char *line = strstr(text, "trace-hash: ");
	g_assert_nonnull(line);
	char *quoted = g_strndup(line + strlen("trace-hash: "), 64);
	const char *want = g_hash_table_lookup(expected, "lossy");
	g_assert_nonnull(want);
	if (strcmp(quoted, want) != 0)
		g_error("docs/tour.md quotes trace-hash %s for lossy.json, %s holds %s: rerun the "
			"tour's `build/netsim run scenarios/lossy.json --plot` and update its output "
			"(and docs/images/lossy-*.png)",
			quoted, hashes_file, want);
	g_free(quoted);
	g_free(text);
	g_free(tour);
}

static void test_scenario(gconstpointer data)
{
	const char *name = data;
	const char *want = g_hash_table_lookup(expected, name);
	char *why = NULL;

	char *h1 = run_hash(name, NULL, &why);
	if (!h1)
		g_error("%s", why);
	if (!want)
		g_error("%s: no expected hash (run `meson compile -C build regress-update`)", name);
	if (strcmp(h1, want) != 0)
		g_error("%s: trace-hash changed: expected %s, got %s (if the change is intended, "
			"run `meson compile -C build regress-update`)",
			name, want, h1);

	/* Twice: identical. */
	char *h2 = run_hash(name, NULL, &why);
	if (!h2)
		g_error("%s", why);
	if (strcmp(h1, h2) != 0)
		g_error("%s: two runs disagree: %s then %s", name, h1, h2);

	/* Under a comma-decimal locale: identical bytes. */
	if (have_de) {
		const char *env[] = {"LC_ALL=de_DE.UTF-8", "LANG=de_DE.UTF-8",
				     locpath ? g_strdup_printf("LOCPATH=%s", locpath) : NULL, NULL};
		char *h3 = run_hash(name, env, &why);
		g_free((char *)env[2]);
		if (!h3)
			g_error("%s", why);
		if (strcmp(h1, h3) != 0)
			g_error("%s: under de_DE.UTF-8 the hash is %s instead of %s", name, h3, h1);
		g_free(h3);
	} else {
		g_test_message("%s", no_de_reason);
	}
	g_free(h1);
	g_free(h2);
}

static void test_locale_available(void)
{
	if (!have_de)
		g_test_skip(no_de_reason);
}

/* The suite must fail when behaviour changes: check a copy of ping.json whose
 * second link is 1 ms longer against the recorded hashes, in a subprocess. */
static void test_detects_change(void)
{
	char *dir = tmpdir_new();
	char *src = g_strdup_printf("%s/ping.json", scenarios_dir);
	gchar *text = NULL;
	g_assert_true(g_file_get_contents(src, &text, NULL, NULL));
	GString *g = g_string_new(text);
	g_assert_cmpuint(g_string_replace(g, "\"bandwidth\": \"10Mbps\", \"delay\": \"5ms\" },\n    { \"name\": \"r2-r3\"",
					  "\"bandwidth\": \"10Mbps\", \"delay\": \"6ms\" },\n    { \"name\": \"r2-r3\"", 1),
			 ==, 1);
	g_free(write_file(dir, "ping.json", g->str));
	char *hashes = g_strdup_printf("ping %s\n", (const char *)g_hash_table_lookup(expected, "ping"));
	char *hfile = write_file(dir, "hashes.txt", hashes);

	const char *self = g_getenv("REGRESS_SELF");
	g_assert_nonnull(self);
	char *argv[] = {(char *)self, "--scenarios", dir, "--hashes", hfile, "-p", "/regress/ping", NULL};
	gchar *out = NULL, *err = NULL;
	gint status = 0;
	GError *e = NULL;
	g_spawn_sync(NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &e);
	g_assert_no_error(e);
	g_assert_false(g_spawn_check_wait_status(status, NULL));
	g_assert_nonnull(strstr(err, "ping: trace-hash changed: expected "));

	/* ... and passes on the unchanged scenario. */
	g_free(write_file(dir, "ping.json", text));
	g_free(out);
	g_free(err);
	g_spawn_sync(NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &e);
	g_assert_no_error(e);
	if (!g_spawn_check_wait_status(status, NULL))
		g_error("the unchanged scenario failed:\n%s%s", out, err);

	g_free(out);
	g_free(err);
	g_free(hashes);
	g_free(hfile);
	g_string_free(g, TRUE);
	g_free(text);
	g_free(src);
	rm_rf(dir);
	g_free(dir);
}

/* ---- update -------------------------------------------------------------------------- */

static int update(void)
{
	GPtrArray *names = scenario_names();
	GString *out = g_string_new("# Expected trace hashes of scenarios/*.json (netsim run with each "
				    "scenario's own seed).\n"
				    "# Checked by `meson test --suite regress`; regenerate after an "
				    "intended change with\n"
				    "#   meson compile -C build regress-update\n");
	int changed = 0, failed = 0;
	for (guint i = 0; i < names->len; i++) {
		const char *n = g_ptr_array_index(names, i);
		char *why = NULL;
		char *h = run_hash(n, NULL, &why);
		if (!h) {
			fprintf(stderr, "FAILED     %s\n%s\n", n, why);
			g_free(why);
			failed++;
			continue;
		}
		const char *old = g_hash_table_lookup(expected, n);
		if (!old) {
			printf("added      %-24s %s\n", n, h);
			changed++;
		} else if (strcmp(old, h) != 0) {
			printf("changed    %-24s %s -> %s\n", n, old, h);
			changed++;
		} else {
			printf("unchanged  %s\n", n);
		}
		g_string_append_printf(out, "%-24s %s\n", n, h);
		g_free(h);
	}
	GHashTableIter it;
	gpointer k;
	g_hash_table_iter_init(&it, expected);
	while (g_hash_table_iter_next(&it, &k, NULL)) {
		if (!contains(names, k)) {
			printf("removed    %s\n", (const char *)k);
			changed++;
		}
	}
	if (failed) {
		fprintf(stderr, "%d scenario(s) failed to run; %s left as it was\n", failed,
			hashes_file);
		return 1;
	}
	GError *e = NULL;
	if (!g_file_set_contents(hashes_file, out->str, -1, &e)) {
		fprintf(stderr, "%s\n", e->message);
		return 1;
	}
	printf("%d scenario(s) changed; %s written\n", changed, hashes_file);
	g_string_free(out, TRUE);
	g_ptr_array_free(names, TRUE);
	return 0;
}

int main(int argc, char **argv)
{
	bool do_update = false;
	bool custom = false;
	GPtrArray *rest = g_ptr_array_new();
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--update")) {
			do_update = true;
		} else if (!strcmp(argv[i], "--scenarios") && i + 1 < argc) {
			scenarios_dir = g_strdup(argv[++i]);
			custom = true;
		} else if (!strcmp(argv[i], "--hashes") && i + 1 < argc) {
			hashes_file = g_strdup(argv[++i]);
			custom = true;
		} else {
			g_ptr_array_add(rest, argv[i]);
		}
	}
	if (!scenarios_dir)
		scenarios_dir = g_build_filename(source_root(), "scenarios", NULL);
	if (!hashes_file)
		hashes_file = g_build_filename(source_root(), "tests", "regress", "hashes.txt", NULL);
	expected = read_hashes(hashes_file);
	if (!g_getenv("NETSIM")) {
		fprintf(stderr, "regress: set NETSIM to the netsim program\n");
		return 2;
	}
	if (do_update)
		return update();

	int n = (int)rest->len;
	g_ptr_array_add(rest, NULL);
	char **av = (char **)rest->pdata;
	g_test_init(&n, &av, NULL);
	setup_locale();
	g_setenv("REGRESS_SELF", argv[0], TRUE);

	g_test_add_func("/regress/every-scenario-has-a-hash", test_complete);
	g_test_add_func("/regress/comma-decimal-locale-available", test_locale_available);
	GPtrArray *names = scenario_names();
	for (guint i = 0; i < names->len; i++) {
		char *path = g_strdup_printf("/regress/%s", (char *)g_ptr_array_index(names, i));
		g_test_add_data_func(path, g_ptr_array_index(names, i), test_scenario);
		g_free(path);
	}
	if (!custom) {
		g_test_add_func("/regress/detects-a-change", test_detects_change);
		g_test_add_func("/regress/tour-quotes-current-hash", test_tour_hash);
	}
	int rc = g_test_run();
	if (locpath) {
		rm_rf(locpath);
		g_free(locpath);
	}
	return rc;
}

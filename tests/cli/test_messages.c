/* tests/cli/test_messages.c — every error is one line in the documented form
 * (FILE:LINE:COL: message or FILE: PATH: message), whatever the input holds
 * (newlines, control characters, quotes, invalid UTF-8); and the seed's one range,
 * 0 to 2^64−1, on the command line, in the file and through --set.
 */
#include <stdbool.h>
#include <string.h>

#include <glib.h>

#include "tests/cli/netsim_run.h"

/* Writes `json` as s.json into a fresh directory and validates it with extra
 * arguments (NULL-terminated); returns the result. *dirp receives the directory. */
static struct netsim_result validate(char **dirp, const char *json, const char *const *extra)
{
	char *dir = tmpdir_new();
	g_free(write_file(dir, "s.json", json));
	GPtrArray *a = g_ptr_array_new();
	g_ptr_array_add(a, (gpointer) "validate");
	g_ptr_array_add(a, (gpointer) "s.json");
	for (const char *const *e = extra; e && *e; e++)
		g_ptr_array_add(a, (gpointer)*e);
	g_ptr_array_add(a, NULL);
	struct netsim_result r = netsim_runv(dir, NULL, (const char *const *)a->pdata);
	g_ptr_array_free(a, TRUE);
	*dirp = dir;
	return r;
}

/* Exit 2 and exactly `expected` on stderr. */
static void expect_err(const char *json, const char *const *extra, const char *expected)
{
	char *dir;
	struct netsim_result r = validate(&dir, json, extra);
	g_assert_cmpstr(r.err, ==, expected);
	g_assert_cmpint(r.status, ==, 2);
	netsim_result_clear(&r);
	rm_rf(dir);
	g_free(dir);
}

/* Every line of `text` is "s.json" followed by ':' and no control character. */
static void assert_one_line_each(const char *text)
{
	char **lines = g_strsplit(text, "\n", -1);
	for (char **l = lines; *l; l++) {
		if (**l == '\0')
			continue;
		g_assert_true(g_str_has_prefix(*l, "s.json:"));
		for (const char *p = *l; *p; p++)
			g_assert_cmpint((unsigned char)*p, >=, 0x20);
		g_assert_true(g_utf8_validate(*l, -1, NULL));
	}
	g_strfreev(lines);
}

/* The reproduction: a key followed by a line break and a ']' where ':' belongs. The
 * key is quoted as written, without the whitespace that follows it. */
static void test_syntax_key_one_line(void)
{
	expect_err("{\n  \"capture\": { \"A:eth0\"\n ]\n}\n", NULL,
	           "s.json:3:2: expected ':' after the key \"A:eth0\", found ']'\n");
	expect_err("{ \"a\\\"b\"\t\t\n\n  1 }", NULL,
	           "s.json:3:3: expected ':' after the key \"a\\\"b\", found '1'\n");
}

/* Keys and values holding escaped control characters reach messages escaped. */
static void test_control_characters_escaped(void)
{
	const char base[] = "{ \"name\": \"t\", \"duration\": \"1s\", \"nodes\": [ { \"name\": "
	                    "\"A\" } ], \"links\": [], \"apps\": [] ";
	char *j = g_strconcat(base, ", \"col\\nour\\u0001\": 1 }", NULL);
	expect_err(j, NULL,
	           "s.json: col\\nour\\u0001: unknown key; valid keys here: name, description, "
	           "seed, duration, tcp, nodes, links, apps, capture, capture_format\n");
	g_free(j);
	j = g_strconcat(base, ", \"duration\": \"1\\ns\\\"\" }", NULL);
	char *dir;
	struct netsim_result r = validate(&dir, j, NULL);
	g_assert_cmpint(r.status, ==, 2);
	assert_one_line_each(r.err);
	g_assert_nonnull(strstr(r.err, "got \"1\\ns\\\"\""));
	netsim_result_clear(&r);
	rm_rf(dir);
	g_free(dir);
	g_free(j);
	/* Through --set: the assignment is quoted back, escaped too. */
	j = g_strconcat(base, "}", NULL);
	const char *const set[] = {"--set", "duration=1\ns", NULL};
	expect_err(j, set,
	           "s.json: duration: expected a duration like \"20ms\", got \"1\\ns\" (from --set "
	           "duration=1\\ns)\n");
	const char *const set2[] = {"--set", "dura\ntion=1s", NULL};
	r = validate(&dir, j, set2);
	g_assert_cmpint(r.status, ==, 2);
	assert_one_line_each(r.err);
	netsim_result_clear(&r);
	rm_rf(dir);
	g_free(dir);
	g_free(j);
}

/* Bytes that are not UTF-8 inside a string value are shown as \xHH. */
static void test_invalid_utf8_escaped(void)
{
	char *dir;
	struct netsim_result r = validate(
	    &dir,
	    "{ \"name\": \"t\", \"duration\": \"1\xff\xfes\", \"nodes\": [], \"links\": [], "
	    "\"apps\": [] }",
	    NULL);
	g_assert_cmpint(r.status, ==, 2);
	assert_one_line_each(r.err);
	g_assert_nonnull(strstr(r.err, "got \"1\\xff\\xfes\""));
	netsim_result_clear(&r);
	rm_rf(dir);
	g_free(dir);
}

static const char seed_base[] =
    "{ \"name\": \"t\", \"duration\": \"10ms\", \"seed\": SEED,\n"
    "  \"nodes\": [ { \"name\": \"A\" }, { \"name\": \"B\" } ],\n"
    "  \"links\": [ { \"name\": \"ab\", \"ends\": [ { \"node\": \"A\", \"address\": "
    "\"10.0.0.1/24\" }, { \"node\": \"B\", \"address\": \"10.0.0.2/24\" } ], \"loss\": \"10%\" } "
    "],\n"
    "  \"apps\": [ { \"type\": \"ping\", \"from\": \"A\", \"to\": \"B\", \"count\": 2 } ] }\n";

static char *seed_json(const char *seed)
{
	GString *g = g_string_new(seed_base);
	g_string_replace(g, "SEED", seed, 1);
	return g_string_free(g, FALSE);
}

/* Runs a scenario with `seed` in the file and extra arguments; returns the hash (or
 * NULL when the run failed, with *status). */
static char *run_seed(const char *seed, const char *const *extra, int *status, char **err)
{
	char *dir = tmpdir_new();
	char *j = seed_json(seed);
	g_free(write_file(dir, "s.json", j));
	g_free(j);
	GPtrArray *a = g_ptr_array_new();
	g_ptr_array_add(a, (gpointer) "run");
	g_ptr_array_add(a, (gpointer) "s.json");
	for (const char *const *e = extra; e && *e; e++)
		g_ptr_array_add(a, (gpointer)*e);
	g_ptr_array_add(a, NULL);
	struct netsim_result r = netsim_runv(dir, NULL, (const char *const *)a->pdata);
	g_ptr_array_free(a, TRUE);
	*status = r.status;
	char *hash = trace_hash_of(r.out);
	if (err)
		*err = g_strdup(r.err);
	if (r.status == 0) {
		/* summary.json gives the seed back in the form the scenario takes it. */
		cJSON *s = read_json(dir, "results/t/summary.json");
		const cJSON *sd = cJSON_GetObjectItemCaseSensitive(s, "seed");
		g_assert_nonnull(sd);
		if (cJSON_IsString(sd))
			g_assert_cmpuint(g_ascii_strtoull(sd->valuestring, NULL, 10), >,
			                 G_GUINT64_CONSTANT(9007199254740991));
		else
			g_assert_cmpfloat(sd->valuedouble, <=, 9007199254740991.0);
		cJSON_Delete(s);
	}
	netsim_result_clear(&r);
	rm_rf(dir);
	g_free(dir);
	return hash;
}

/* One range for the seed: 0..2^64−1 everywhere. Above 2^53−1 a JSON number cannot
 * hold it exactly, so the file takes it as a string; --seed and --set give the same
 * run for the same value. */
static void test_seed_range(void)
{
	int st;
	static const char *const big[] = {"18446744073709551615", "9007199254740993"};
	for (size_t i = 0; i < G_N_ELEMENTS(big); i++) {
		char *quoted = g_strdup_printf("\"%s\"", big[i]);
		char *h_file = run_seed(quoted, NULL, &st, NULL);
		g_assert_cmpint(st, ==, 0);
		const char *const opt[] = {"--seed", big[i], NULL};
		char *h_opt = run_seed("1", opt, &st, NULL);
		g_assert_cmpint(st, ==, 0);
		char *assign = g_strdup_printf("seed=%s", big[i]);
		const char *const set[] = {"--set", assign, NULL};
		char *h_set = run_seed("1", set, &st, NULL);
		g_assert_cmpint(st, ==, 0);
		g_assert_nonnull(h_file);
		g_assert_cmpstr(h_file, ==, h_opt);
		g_assert_cmpstr(h_file, ==, h_set);
		g_free(h_file);
		g_free(h_opt);
		g_free(h_set);
		g_free(assign);
		g_free(quoted);
	}
	/* A seed below 2^53 reads the same as a number or as a string. */
	char *h_num = run_seed("12345", NULL, &st, NULL);
	char *h_str = run_seed("\"12345\"", NULL, &st, NULL);
	g_assert_cmpstr(h_num, ==, h_str);
	g_free(h_num);
	g_free(h_str);

	/* Out of range, or a number too large to be exact: one clear line. */
	char *err = NULL;
	g_assert_null(run_seed("\"18446744073709551616\"", NULL, &st, &err));
	g_assert_cmpint(st, ==, 2);
	g_assert_cmpstr(err, ==,
	                "s.json: seed: expected an integer from 0 to 18446744073709551615 (a "
	                "string above 9007199254740991, e.g. \"18446744073709551615\"), got "
	                "\"18446744073709551616\"\n");
	g_free(err);
	g_assert_null(run_seed("9007199254740993", NULL, &st, &err));
	g_assert_cmpint(st, ==, 2);
	g_assert_cmpstr(err, ==,
	                "s.json: seed: expected an integer from 0 to 18446744073709551615 (a "
	                "string above 9007199254740991, e.g. \"18446744073709551615\"), got "
	                "9007199254740992\n");
	g_free(err);
	g_assert_null(run_seed("-1", NULL, &st, &err));
	g_assert_cmpint(st, ==, 2);
	g_free(err);
	const char *const opt[] = {"--seed", "18446744073709551616", NULL};
	g_assert_null(run_seed("1", opt, &st, &err));
	g_assert_cmpint(st, ==, 2);
	g_assert_cmpstr(err, ==,
	                "netsim run: --seed: expected an integer from 0 to 18446744073709551615, "
	                "got "
	                "\"18446744073709551616\"\n");
	g_free(err);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/messages/syntax-key-one-line", test_syntax_key_one_line);
	g_test_add_func("/messages/control-characters", test_control_characters_escaped);
	g_test_add_func("/messages/invalid-utf8", test_invalid_utf8_escaped);
	g_test_add_func("/messages/seed-range", test_seed_range);
	return g_test_run();
}

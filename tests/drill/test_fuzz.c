/* tests/drill/test_fuzz.c — the parser and the runner against mutated scripts.
 *
 * Seeds: the scripts of tests/drill/scripts and, when present, the packetdrill corpus.
 * Each round picks a seed, applies one to four seeded mutations (bytes flipped,
 * inserted or deleted; numbers replaced by extreme ones; tokens of the language
 * inserted; lines deleted, duplicated or swapped), parses the result and, when it
 * parses, runs it. Nothing may crash (ASan and UBSan builds make memory errors and
 * leaks fatal), no run may hang (each is bounded in events and wall time), and a
 * parse error (FILE:LINE:COL: message) or a verdict must stay on one line.
 * Deterministic: a fixed seed (NETSIM_DRILL_FUZZ_SEED sets another);
 * NETSIM_DRILL_FUZZ_ROUNDS changes the number of rounds (default 5000).
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "sim/drill/run.h"
#include "sim/drill/script.h"

struct seed {
	char *path;
	char *text;
};

static GPtrArray *seeds;

static int cmp_names(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_dir(const char *dir, int depth)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	if (!d)
		return;
	const char *name;
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	while ((name = g_dir_read_name(d)))
		g_ptr_array_add(names, g_strdup(name));
	g_dir_close(d);
	/* Directory order is the file system's: sort for a stable seed list. */
	g_ptr_array_sort(names, cmp_names);
	for (guint i = 0; i < names->len; i++) {
		char *p = g_build_filename(dir, names->pdata[i], NULL);
		if (depth > 0 && g_file_test(p, G_FILE_TEST_IS_DIR)) {
			add_dir(p, depth - 1);
		} else if (g_str_has_suffix(p, ".pkt")) {
			struct seed *s = g_new0(struct seed, 1);
			s->path = p;
			p = NULL;
			g_assert_true(g_file_get_contents(s->path, &s->text, NULL, NULL));
			g_ptr_array_add(seeds, s);
		}
		g_free(p);
	}
	g_ptr_array_free(names, TRUE);
}

static const char *const tokens[] = {
    "%{",
    "}%",
    "`",
    "<",
    ">",
    "...",
    "~",
    "*",
    "+",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ";",
    "\\",
    "\"",
    "//",
    "/*",
    "*/",
    "0",
    "-1",
    "4294967295",
    "4294967296",
    "0xffffffff",
    "99999999999999999999",
    "1e308",
    ".5",
    "S.",
    "F.",
    "R",
    "P.",
    "<mss",
    "sackOK",
    "TS val 1 ecr 0",
    "wscale 14",
    "sack 1:2",
    "nop",
    "eol",
    "win 0",
    "ack",
    "seq",
    "(tos 0xff)",
    "[ect0]",
    "socket(",
    "close(3)",
    "read(4, ..., 0)",
    "=",
    "-1 EAGAIN",
    "assert",
    "print(",
    "tcpi_rtt",
    "\n",
    "\t",
    "==",
    "<=",
    "and",
    "or",
    "not",
    "%d",
    "'",
    "--tolerance_usecs=0",
};

/* Replaces a number of the text (the first digit run at or after pos) by an extreme one. */
static void mutate_number(GString *t, GRand *rng)
{
	static const char *const nums[] = {
	    "0",          "1",           "65535",      "65536",
	    "2147483647", "-2147483648", "4294967295", "18446744073709551615",
	    "1e9",        "0.000001"};
	guint pos = (guint)g_rand_int_range(rng, 0, (gint32)t->len);
	while (pos < t->len && !g_ascii_isdigit(t->str[pos]))
		pos++;
	guint end = pos;
	while (end < t->len && g_ascii_isdigit(t->str[end]))
		end++;
	if (end > pos) {
		g_string_erase(t, pos, end - pos);
		g_string_insert(t, pos, nums[g_rand_int_range(rng, 0, G_N_ELEMENTS(nums))]);
	}
}

/* Start of the line containing pos, and the end after its newline. */
static void line_at(const GString *t, guint pos, guint *a, guint *b)
{
	*a = pos;
	while (*a > 0 && t->str[*a - 1] != '\n')
		(*a)--;
	*b = pos;
	while (*b < t->len && t->str[*b] != '\n')
		(*b)++;
	if (*b < t->len)
		(*b)++;
}

static void mutate_line(GString *t, GRand *rng)
{
	guint a, b;
	line_at(t, (guint)g_rand_int_range(rng, 0, (gint32)t->len), &a, &b);
	char *line = g_strndup(t->str + a, b - a);
	switch (g_rand_int_range(rng, 0, 3)) {
	case 0: /* delete */
		g_string_erase(t, a, b - a);
		break;
	case 1: /* duplicate */
		g_string_insert(t, b, line);
		break;
	default: { /* move elsewhere */
		g_string_erase(t, a, b - a);
		guint c, d;
		if (t->len == 0)
			break;
		line_at(t, (guint)g_rand_int_range(rng, 0, (gint32)t->len), &c, &d);
		g_string_insert(t, c, line);
		break;
	}
	}
	g_free(line);
}

static void mutate(GString *t, GRand *rng)
{
	if (t->len == 0) {
		g_string_append(t, tokens[g_rand_int_range(rng, 0, G_N_ELEMENTS(tokens))]);
		return;
	}
	guint pos = (guint)g_rand_int_range(rng, 0, (gint32)t->len);
	switch (g_rand_int_range(rng, 0, 6)) {
	case 0: /* flip a byte */
		t->str[pos] = (char)g_rand_int_range(rng, 1, 256);
		break;
	case 1: { /* delete a few bytes */
		gsize n = (gsize)g_rand_int_range(rng, 1, 8);
		g_string_erase(t, pos, (gssize)MIN(n, t->len - pos));
		break;
	}
	case 2: /* insert a token */
		g_string_insert(t, pos, tokens[g_rand_int_range(rng, 0, G_N_ELEMENTS(tokens))]);
		break;
	case 3:
		mutate_number(t, rng);
		break;
	case 4:
		mutate_line(t, rng);
		break;
	default: /* truncate */
		g_string_truncate(t, pos);
		break;
	}
}

static void test_fuzz(void)
{
	int rounds = 5000;
	const char *env = g_getenv("NETSIM_DRILL_FUZZ_ROUNDS");
	if (env)
		rounds = atoi(env);
	g_assert_cmpuint(seeds->len, >, 0);
	const char *seed_env = g_getenv("NETSIM_DRILL_FUZZ_SEED");
	GRand *rng = g_rand_new_with_seed(seed_env ? (guint32)atol(seed_env) : 20240611u);
	FILE *devnull = fopen("/dev/null", "w");
	g_assert_nonnull(devnull);
	int parsed = 0, ran = 0;
	gint64 t0 = g_get_monotonic_time();
	for (int i = 0; i < rounds; i++) {
		const struct seed *sd = seeds->pdata[g_rand_int_range(rng, 0, (gint32)seeds->len)];
		GString *t = g_string_new(sd->text);
		int n = g_rand_int_range(rng, 1, 5);
		for (int k = 0; k < n; k++)
			mutate(t, rng);
		char *err = NULL;
		struct drill_script *s = drill_script_parse(sd->path, t->str, &err);
		if (!s) {
			/* One line: PATH:LINE:COL: message. */
			g_assert_nonnull(err);
			g_assert_true(g_str_has_prefix(err, sd->path));
			if (strchr(err, '\n'))
				g_error("multi-line error: %s\n--- script:\n%s", err, t->str);
			g_free(err);
			g_string_free(t, TRUE);
			continue;
		}
		parsed++;
		struct drill_options o = {
		    .profile = TCP_PROFILE_LINUX, .log = devnull, .tolerance_ns = -1};
		struct drill_result res;
		gint64 w0 = g_get_monotonic_time();
		drill_run(s, &o, &res);
		gint64 wall = g_get_monotonic_time() - w0;
		if (wall > 2 * G_USEC_PER_SEC || res.events > 50000000)
			g_error("round %d (%s): %lld us, %llu events:\n%s", i, sd->path,
			        (long long)wall, (unsigned long long)res.events, t->str);
		if (res.message && strchr(res.message, '\n'))
			g_error("multi-line verdict: %s\n--- script:\n%s", res.message, t->str);
		ran++;
		g_free(res.message);
		drill_script_free(s);
		g_string_free(t, TRUE);
	}
	fclose(devnull);
	g_rand_free(rng);
	g_test_message("%d rounds over %u seeds: %d parsed and ran, %.1f s", rounds, seeds->len,
	               ran, (double)(g_get_monotonic_time() - t0) / 1e6);
	g_assert_cmpint(parsed, ==, ran);
	/* The mutations must exercise both paths. */
	g_assert_cmpint(ran, >, rounds / 20);
	g_assert_cmpint(ran, <, rounds);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	seeds = g_ptr_array_new();
	add_dir(DRILL_SCRIPTS_DIR, 0);
	const char *corpus = g_getenv("NETSIM_PACKETDRILL_DIR");
	char *tcp = g_build_filename(corpus ? corpus : PACKETDRILL_DIR, "tcp", NULL);
	add_dir(tcp, 2);
	g_free(tcp);
	g_test_add_func("/drill/fuzz", test_fuzz);
	int r = g_test_run();
	for (guint i = 0; i < seeds->len; i++) {
		struct seed *s = seeds->pdata[i];
		g_free(s->path);
		g_free(s->text);
		g_free(s);
	}
	g_ptr_array_free(seeds, TRUE);
	return r;
}

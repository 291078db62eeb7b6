/* tests/cli/test_docs.c — the documentation says what the program does: the man page
 * and the bash completion name every command, option and exit status of --help; the
 * runs the docs quote print what they quote; the key reference has each section once.
 */
#include <stdbool.h>
#include <string.h>

#include <glib.h>

#include "tests/cli/netsim_run.h"

static char *source_file(const char *rel)
{
	char *p = g_build_filename(source_root(), rel, NULL);
	gchar *text = NULL;
	if (!g_file_get_contents(p, &text, NULL, NULL))
		g_error("cannot read %s", p);
	g_free(p);
	return text;
}

/* `netsim ARGS --help`'s stdout. */
static char *help_of(const char *cmd)
{
	char *dir = tmpdir_new();
	struct netsim_result r = cmd ? netsim_run(dir, NULL, cmd, "--help", NULL)
				     : netsim_run(dir, NULL, "--help", NULL);
	g_assert_cmpint(r.status, ==, 0);
	char *out = g_strdup(r.out);
	netsim_result_clear(&r);
	rm_rf(dir);
	g_free(dir);
	return out;
}

/* Every "--word" in text (sorted, unique). */
static GPtrArray *long_options(const char *text)
{
	GPtrArray *opts = g_ptr_array_new_with_free_func(g_free);
	GRegex *re = g_regex_new("--[a-z][a-z-]*", 0, 0, NULL);
	GMatchInfo *m;
	g_regex_match(re, text, 0, &m);
	while (g_match_info_matches(m)) {
		char *w = g_match_info_fetch(m, 0);
		bool dup = false;
		for (guint i = 0; i < opts->len; i++)
			dup |= strcmp(g_ptr_array_index(opts, i), w) == 0;
		if (dup)
			g_free(w);
		else
			g_ptr_array_add(opts, w);
		g_match_info_next(m, NULL);
	}
	g_match_info_free(m);
	g_regex_unref(re);
	return opts;
}

/* The commands the top-level help lists under "Commands:". */
static GPtrArray *commands(const char *help)
{
	GPtrArray *cmds = g_ptr_array_new_with_free_func(g_free);
	const char *p = strstr(help, "Commands:\n");
	g_assert_nonnull(p);
	char **lines = g_strsplit(p, "\n", -1);
	for (char **l = lines + 1; *l && **l; l++) {
		if (g_str_has_prefix(*l, "  ") && g_ascii_isalpha((*l)[2])) {
			char **w = g_strsplit(*l + 2, " ", 2);
			g_ptr_array_add(cmds, g_strdup(w[0]));
			g_strfreev(w);
		}
	}
	g_strfreev(lines);
	g_assert_cmpuint(cmds->len, >=, 4);
	return cmds;
}

/* man escapes every '-' of an option as "\-". */
static char *man_form(const char *opt)
{
	GString *g = g_string_new(NULL);
	for (const char *p = opt; *p; p++) {
		if (*p == '-')
			g_string_append(g, "\\-");
		else
			g_string_append_c(g, *p);
	}
	return g_string_free(g, FALSE);
}

static void test_man_page(void)
{
	char *man = source_file("docs/netsim.1");
	char *top = help_of(NULL);
	GPtrArray *cmds = commands(top);
	for (guint i = 0; i < cmds->len; i++) {
		const char *c = g_ptr_array_index(cmds, i);
		char *section = g_strdup_printf(".SS \"netsim %s\"", c);
		char *entry = g_strdup_printf("\n.B %s\n", c);
		if (!strstr(man, entry))
			g_error("docs/netsim.1 does not describe the command %s (no \".B %s\" entry)",
				c, c);
		if (strcmp(c, "schema") != 0 && !strstr(man, section))
			g_error("docs/netsim.1 has no OPTIONS section %s", section);
		char *help = help_of(c);
		GPtrArray *opts = long_options(help);
		for (guint k = 0; k < opts->len; k++) {
			char *m = man_form(g_ptr_array_index(opts, k));
			if (!strstr(man, m))
				g_error("docs/netsim.1 does not mention %s of netsim %s",
					(char *)g_ptr_array_index(opts, k), c);
			g_free(m);
		}
		g_ptr_array_free(opts, TRUE);
		g_free(help);
		g_free(section);
		g_free(entry);
	}
	GPtrArray *topopts = long_options(top);
	for (guint k = 0; k < topopts->len; k++) {
		char *m = man_form(g_ptr_array_index(topopts, k));
		if (!strstr(man, m))
			g_error("docs/netsim.1 does not mention %s of netsim --help",
				(char *)g_ptr_array_index(topopts, k));
		g_free(m);
	}
	g_ptr_array_free(topopts, TRUE);
	/* Every exit status the help names has its entry under EXIT STATUS. */
	const char *exits = strstr(man, ".SH EXIT STATUS\n");
	g_assert_nonnull(exits);
	const char *st = strstr(top, "Exit status:");
	g_assert_nonnull(st);
	char *para = g_strndup(st, (gsize)(strstr(st, "\nDocs:") - st));
	GRegex *num = g_regex_new("\\b[0-9]+\\b", 0, 0, NULL);
	GMatchInfo *m;
	g_regex_match(num, para, 0, &m);
	int n = 0;
	while (g_match_info_matches(m)) {
		char *code = g_match_info_fetch(m, 0);
		char *entry = g_strdup_printf(".TP\n.B %s\n", code);
		if (!strstr(exits, entry))
			g_error("docs/netsim.1: exit status %s of --help is not under EXIT STATUS", code);
		g_free(entry);
		g_free(code);
		n++;
		g_match_info_next(m, NULL);
	}
	g_assert_cmpint(n, >=, 6);
	g_match_info_free(m);
	g_regex_unref(num);
	g_free(para);
	g_ptr_array_free(cmds, TRUE);
	g_free(top);
	g_free(man);
}

/* The completion script offers each command and, per command, each option. */
static void test_bash_completion(void)
{
	char *comp = source_file("sim/cli/netsim.bash-completion");
	char *top = help_of(NULL);
	GPtrArray *cmds = commands(top);
	const char *words = strstr(comp, "compgen -W \"");
	g_assert_nonnull(words);
	char *first = g_strndup(words, (gsize)(strchr(words + 12, '"') - words));
	for (guint i = 0; i < cmds->len; i++) {
		const char *c = g_ptr_array_index(cmds, i);
		char *w = g_strdup_printf(" %s ", c);
		char *w0 = g_strdup_printf("\"%s ", c);
		if (!strstr(first, w) && !strstr(first, w0))
			g_error("the completion does not offer the command %s", c);
		char *line_start = g_strdup_printf("        %s) opts=\"", c);
		const char *line = strstr(comp, line_start);
		if (!line)
			g_error("the completion has no option list for %s", c);
		char *list = g_strndup(line, (gsize)(strchr(line + strlen(line_start), '"') - line));
		char *help = help_of(c);
		GPtrArray *opts = long_options(help);
		for (guint k = 0; k < opts->len; k++) {
			char *o = g_strdup_printf("%s ", (char *)g_ptr_array_index(opts, k));
			char *olast = g_strdup_printf("%s", (char *)g_ptr_array_index(opts, k));
			if (!strstr(list, o) && !g_str_has_suffix(list, olast))
				g_error("the completion does not offer %s of netsim %s",
					(char *)g_ptr_array_index(opts, k), c);
			g_free(o);
			g_free(olast);
		}
		g_ptr_array_free(opts, TRUE);
		g_free(help);
		g_free(list);
		g_free(line_start);
		g_free(w);
		g_free(w0);
	}
	g_free(first);
	g_ptr_array_free(cmds, TRUE);
	g_free(top);
	g_free(comp);
}

/* The run's first line with its wall-clock part cut ("... events in 0.010 s wall
 * (4.97 M events/s)" → "... events"). */
static char *without_wall(const char *out)
{
	GRegex *re = g_regex_new(" in [0-9.]+ s wall \\([0-9.]+( [kMGT])? events/s\\)", 0, 0, NULL);
	char *r = g_regex_replace(re, out, -1, 0, "", 0, NULL);
	g_regex_unref(re);
	return r;
}

/* Runs the command of one quoted console block and compares its output. */
static void check_block(const char *doc, const char *cmdline, const char *quoted)
{
	char **argv = NULL;
	g_assert_true(g_shell_parse_argv(cmdline, NULL, &argv, NULL));
	g_assert_true(strcmp(argv[0], "build/netsim") == 0 || strcmp(argv[0], "netsim") == 0);
	char *gnuplot = g_find_program_in_path("gnuplot");
	bool have_gnuplot = gnuplot != NULL;
	g_free(gnuplot);
	if (strstr(cmdline, "--plot") && !have_gnuplot) {
		g_test_message("%s: gnuplot missing, `%s` not checked", doc, cmdline);
		g_strfreev(argv);
		return;
	}
	/* Scenario paths are relative to the source tree; results to the cwd. */
	for (char **a = argv + 1; *a; a++)
		if (g_str_has_prefix(*a, "scenarios/")) {
			char *abs = g_build_filename(source_root(), *a, NULL);
			g_free(*a);
			*a = abs;
		}
	char *dir = tmpdir_new();
	struct netsim_result r = netsim_runv(dir, NULL, (const char *const *)argv + 1);
	g_assert_cmpint(r.status, ==, 0);
	char *got = without_wall(r.out), *want = without_wall(quoted);
	if (strcmp(got, want) != 0)
		g_error("%s quotes for `%s`:\n%s\nbut netsim prints:\n%s", doc, cmdline, want, got);
	g_free(got);
	g_free(want);
	netsim_result_clear(&r);
	rm_rf(dir);
	g_free(dir);
	g_strfreev(argv);
}

/* Every console block of a doc that shows a whole `netsim run` (up to its trace-hash
 * line) is what that command prints now, but for the wall-clock figures. */
static void test_quoted_runs(gconstpointer data)
{
	const char *doc = data;
	char *text = source_file(doc);
	int checked = 0;
	for (const char *p = text; (p = strstr(p, "```console\n$ ")) != NULL;) {
		p += strlen("```console\n$ ");
		const char *nl = strchr(p, '\n');
		const char *end = strstr(nl, "```");
		char *cmd = g_strndup(p, (gsize)(nl - p));
		char *out = g_strndup(nl + 1, (gsize)(end - nl - 1));
		if ((g_str_has_prefix(cmd, "build/netsim run ") || g_str_has_prefix(cmd, "netsim run ")) &&
		    strstr(out, "trace-hash: ") && !strstr(out, "\n$ ")) {
			check_block(doc, cmd, out);
			checked++;
		}
		g_free(cmd);
		g_free(out);
		p = end;
	}
	g_assert_cmpint(checked, >=, 1);
	g_free(text);
}

/* The generated key reference describes each object once. */
static void test_schema_sections_once(void)
{
	char *dir = tmpdir_new();
	struct netsim_result r = netsim_run(dir, NULL, "schema", NULL);
	g_assert_cmpint(r.status, ==, 0);
	GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
	char **lines = g_strsplit(r.out, "\n", -1);
	for (char **l = lines; *l; l++) {
		if (!g_str_has_prefix(*l, "#"))
			continue;
		if (g_hash_table_contains(seen, *l))
			g_error("netsim schema repeats the section \"%s\"", *l);
		g_hash_table_add(seen, *l);
	}
	g_assert_cmpuint(g_hash_table_size(seen), >, 10);
	g_hash_table_destroy(seen);
	g_strfreev(lines);
	netsim_result_clear(&r);
	rm_rf(dir);
	g_free(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/docs/man-page", test_man_page);
	g_test_add_func("/docs/bash-completion", test_bash_completion);
	g_test_add_data_func("/docs/quoted-runs/outputs", "docs/outputs.md", test_quoted_runs);
	g_test_add_data_func("/docs/quoted-runs/tour", "docs/tour.md", test_quoted_runs);
	g_test_add_func("/docs/schema-sections-once", test_schema_sections_once);
	return g_test_run();
}

/* sim/cli/main.c — the netsim program: parse options, load, build, run, report, plot.
 *
 *   netsim run SCENARIO.json [--out DIR] [--seed N] [--until DURATION]
 *                            [--set PATH=VALUE]... [--plot] [--format png|svg]
 *   netsim validate SCENARIO.json [--set PATH=VALUE]...
 *   netsim plot RESULTS_DIR [--format png|svg]
 *   netsim schema
 *
 * Exit codes: 0 success (also when the scenario's flows fail: that is a result),
 * 2 invalid input (JSON, scenario values, command-line options), 1 anything else.
 */
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "sim/cli/plot.h"
#include "sim/cli/scenario.h"
#include "sim/cli/summary.h"
#include "sim/cli/world.h"
#include "sim/core/output.h"
#include "sim/core/sim.h"

#ifndef NETSIM_VERSION
#define NETSIM_VERSION "unknown"
#endif

enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,    /* a run or a plot failed */
	EXIT_INVALID = 2, /* bad input: scenario or command line */
};

static const char usage_text[] =
	"Usage:\n"
	"  netsim run SCENARIO.json [--out DIR] [--seed N] [--until DURATION]\n"
	"                           [--set PATH=VALUE]... [--plot] [--format png|svg]\n"
	"  netsim validate SCENARIO.json [--set PATH=VALUE]...\n"
	"  netsim plot RESULTS_DIR [--format png|svg]\n"
	"  netsim schema\n"
	"  netsim --help | --version\n"
	"\n"
	"Commands:\n"
	"  run        validate the scenario, run it, write results (default\n"
	"             results/<scenario name>/) and print a summary and its trace hash\n"
	"  validate   only check the scenario; every error is printed as FILE: PATH: message\n"
	"  plot       draw the graphs of a results directory into RESULTS_DIR/plots/\n"
	"  schema     print the scenario key reference (Markdown)\n"
	"\n"
	"Run 'netsim COMMAND --help' for a command's options.\n"
	"Exit status: 0 ok, 1 run or plot failure, 2 invalid scenario or options.\n"
	"Docs: docs/scenario-format.md, docs/outputs.md, docs/tour.md\n";

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
}

/* ---- options ---------------------------------------------------------------------- */

struct opts {
	char *out;
	char *seed;
	char *until;
	char **set;
	gboolean plot;
	char *format;
};

static void opts_free(struct opts *o)
{
	g_free(o->out);
	g_free(o->seed);
	g_free(o->until);
	g_strfreev(o->set);
	g_free(o->format);
}

/* Parses a command's options; positional arguments stay in argv. Returns 0, or
 * EXIT_INVALID after printing the error. */
static int parse_options(const char *cmd, const char *params, const char *summary,
			 GOptionEntry *entries, int *argc, char ***argv)
{
	GOptionContext *ctx = g_option_context_new(params);
	char *sum = g_strdup_printf("netsim %s: %s", cmd, summary);
	g_option_context_set_summary(ctx, sum);
	g_option_context_add_main_entries(ctx, entries, NULL);
	GError *e = NULL;
	bool ok = g_option_context_parse(ctx, argc, argv, &e);
	g_option_context_free(ctx);
	g_free(sum);
	if (!ok) {
		fprintf(stderr, "netsim %s: %s\nTry 'netsim %s --help'.\n", cmd, e->message, cmd);
		g_error_free(e);
		return EXIT_INVALID;
	}
	return 0;
}

static bool valid_format(const char *f)
{
	return f == NULL || strcmp(f, "png") == 0 || strcmp(f, "svg") == 0;
}

/* ---- loading ---------------------------------------------------------------------- */

/* Loads, applies --set, validates. Prints every error; NULL means invalid input. */
static struct scenario *load_scenario(const char *file, char **sets)
{
	char *err = NULL;
	struct scenario_doc *doc = scenario_doc_load(file, &err);
	if (!doc) {
		sch_print_line(stderr, "%s", err);
		g_free(err);
		return NULL;
	}
	bool bad = false;
	for (char **p = sets; p && *p; p++) {
		if (scenario_doc_set(doc, *p, &err) != 0) {
			sch_print_line(stderr, "%s: --set %s: %s", file, *p, err);
			g_free(err);
			bad = true;
		}
	}
	if (bad) {
		scenario_doc_free(doc);
		return NULL;
	}
	struct sch_diags d;
	sch_diags_init(&d, file);
	struct scenario *s = scenario_build(doc, &d);
	sch_diags_print(&d, stderr);
	sch_diags_fini(&d);
	scenario_doc_free(doc);
	return s;
}

/* ---- run -------------------------------------------------------------------------- */

/* "netsim: 12.345 s of 60 s simulated (20%), 3.21 M events/s" */
static void progress(sim_time_t now, sim_time_t end, uint64_t events, double wall)
{
	char a[32], b[32], c[32];
	double rate = wall > 0 ? (double)events / wall : 0.0;
	const char *unit = rate >= 1e6 ? " M" : rate >= 1e3 ? " k" : "";
	double v = rate >= 1e6 ? rate / 1e6 : rate >= 1e3 ? rate / 1e3 : rate;
	fprintf(stderr, "\r\033[Knetsim: %s s of %s s simulated (%d%%), %s%s events/s",
		g_ascii_formatd(a, sizeof(a), "%.3f", sim_time_to_s(now)),
		g_ascii_formatd(b, sizeof(b), "%g", sim_time_to_s(end)),
		(int)(100.0 * (double)now / (double)end),
		g_ascii_formatd(c, sizeof(c), "%.3g", v), unit);
	fflush(stderr);
}

/* Runs the simulation to `end` in slices, so an interrupt is noticed and progress can
 * be shown. Slicing does not change the run: sim_run() executes the same events in
 * the same order whatever the slice boundaries. Returns false when interrupted. */
static bool run_sim(struct sim *sim, sim_time_t end, gint64 wall_start)
{
	bool tty = isatty(STDERR_FILENO);
	bool shown = false;
	sim_time_t slice = SIM_MS(1);
	gint64 last_print = 0;

	while (sim_now(sim) < end && !interrupted) {
		sim_time_t target = end - sim_now(sim) > slice ? sim_now(sim) + slice : end;
		gint64 w0 = g_get_monotonic_time();
		sim_run(sim, target);
		gint64 w1 = g_get_monotonic_time();
		/* Aim for slices of 20–80 ms of wall time. */
		if (w1 - w0 < 20000 && slice < SIM_S(3600))
			slice *= 2;
		else if (w1 - w0 > 80000 && slice > SIM_US(1))
			slice /= 2;
		if (sim_pending_events(sim) == 0) {
			sim_run(sim, end); /* nothing left: move the clock to the end */
			break;
		}
		if (tty && w1 - wall_start > G_USEC_PER_SEC && w1 - last_print > 250000) {
			progress(sim_now(sim), end, sim_executed_events(sim),
				 (double)(w1 - wall_start) / 1e6);
			last_print = w1;
			shown = true;
		}
	}
	if (shown) {
		fprintf(stderr, "\r\033[K");
		fflush(stderr);
	}
	return !interrupted;
}

static char *default_out_dir(const struct scenario *s)
{
	return g_build_filename("results", s->name, NULL);
}

/* --seed and --until (and --format) of `netsim run`: every bad one reported. Returns
 * 0 or EXIT_INVALID. */
static int check_run_options(const struct opts *o, uint64_t *seed, sim_time_t *until)
{
	int rc = 0;
	if (o->seed) {
		guint64 v;
		if (!g_ascii_string_to_unsigned(o->seed, 10, 0, G_MAXUINT64, &v, NULL)) {
			sch_print_line(stderr,
				       "netsim run: --seed: expected an integer from 0 to "
				       "18446744073709551615, got \"%s\"",
				       o->seed);
			rc = EXIT_INVALID;
		}
		*seed = v;
	}
	if (o->until) {
		int e = sim_parse_duration(o->until, until);
		if (e || *until <= 0 || *until > SCH_DURATION_MAX) {
			sch_print_line(stderr, "netsim run: --until: %s, got \"%s\"",
				       e ? sim_unit_error_string(e, "duration")
				       : *until <= 0 ? "must be greater than 0"
						     : "must be at most 100000000s",
				       o->until);
			rc = EXIT_INVALID;
		}
	}
	if (!valid_format(o->format)) {
		sch_print_line(stderr, "netsim run: --format: expected png or svg, got \"%s\"",
			       o->format);
		rc = EXIT_INVALID;
	}
	return rc;
}

/* Writes summary.json into the staging directory, hashes the outputs into hex and
 * swaps the directory into place. Returns 0, or -1 with *e set. */
static int commit_results(struct sim_output *out, const cJSON *summary, char hex[65], GError **e)
{
	char *text = summary_text(summary, false);
	char *hashable = summary_text(summary, true);
	int rc = 0;
	if (sim_output_write(out, "summary.json", text, strlen(text), e) != 0 ||
	    sim_output_hash(out->work_dir, hashable, strlen(hashable), hex, e) != 0 ||
	    sim_output_commit(out, e) != 0)
		rc = -1;
	g_free(text);
	g_free(hashable);
	return rc;
}

/* Builds the world of scenario s, runs it and writes its results into `out`
 * (committed to `outdir`), then prints the summary. Returns 0 with the trace hash in
 * hex, or EXIT_FAIL after a message. */
static int run_scenario(const char *file, const struct scenario *s, struct sim_output *out,
			const char *outdir, gint64 wall_start, char hex[65])
{
	struct sim sim;
	sim_init(&sim, s->seed);
	GError *e = NULL;
	cJSON *summary = NULL;
	int rc = EXIT_FAIL;
	struct world *w = world_new(&sim, s, out->work_dir, &e);
	if (!w) {
		sim_output_name_final(out, e);
		fprintf(stderr, "netsim run: %s: %s\n", file, e->message);
		goto out;
	}
	if (!run_sim(&sim, s->duration, wall_start)) {
		fprintf(stderr, "netsim run: interrupted; %s was left as it was\n", outdir);
		goto out;
	}
	if (world_finish(w, &e) != 0) {
		sim_output_name_final(out, e);
		fprintf(stderr, "netsim run: writing results: %s\n", e->message);
		goto out;
	}
	struct run_info ri = {
		.seed = s->seed,
		.sim_time = sim_now(&sim),
		.events = sim_executed_events(&sim),
	};
	ri.wall_s = (double)(g_get_monotonic_time() - wall_start) / 1e6;
	summary = summary_build(w, &ri);
	world_free(w);
	w = NULL;
	if (commit_results(out, summary, hex, &e) != 0) {
		sim_output_name_final(out, e);
		fprintf(stderr, "netsim run: writing results: %s\n", e->message);
		goto out;
	}
	summary_print_human(stdout, summary);
	printf("results: %s\n", outdir);
	fflush(stdout);
	rc = 0;
out:
	if (e)
		g_error_free(e);
	cJSON_Delete(summary);
	world_free(w);
	sim_fini(&sim);
	return rc;
}

static int cmd_run(int argc, char **argv)
{
	struct opts o = {0};
	GOptionEntry entries[] = {
		{"out", 'o', 0, G_OPTION_ARG_FILENAME, &o.out,
		 "Output directory (default results/<scenario name>)", "DIR"},
		{"seed", 0, 0, G_OPTION_ARG_STRING, &o.seed, "Override the scenario's seed", "N"},
		{"until", 0, 0, G_OPTION_ARG_STRING, &o.until,
		 "Override the scenario's duration", "DURATION"},
		{"set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.set,
		 "Override a scenario value, e.g. links[1].forward.loss=2% (repeatable)",
		 "PATH=VALUE"},
		{"plot", 0, 0, G_OPTION_ARG_NONE, &o.plot, "Draw the graphs after the run", NULL},
		{"format", 0, 0, G_OPTION_ARG_STRING, &o.format,
		 "Graph format with --plot: png (default) or svg", "png|svg"},
		{NULL, 0, 0, G_OPTION_ARG_NONE, NULL, NULL, NULL},
	};
	int rc = parse_options("run", "SCENARIO.json", "run a scenario", entries, &argc, &argv);
	if (rc)
		goto out_opts;
	if (argc != 2) {
		fprintf(stderr, "netsim run: expected one scenario file, got %d arguments\n"
				"Try 'netsim run --help'.\n",
			argc - 1);
		rc = EXIT_INVALID;
		goto out_opts;
	}
	const char *file = argv[1];

	/* Option values: checked before the scenario, all reported. */
	uint64_t seed = 0;
	sim_time_t until = 0;
	rc = check_run_options(&o, &seed, &until);
	if (rc)
		goto out_opts;

	gint64 wall_start = g_get_monotonic_time();
	struct scenario *s = load_scenario(file, o.set);
	if (!s) {
		rc = EXIT_INVALID;
		goto out_opts;
	}
	if (o.seed)
		s->seed = seed;
	if (o.until)
		s->duration = until;

	char *outdir = o.out ? g_strdup(o.out) : default_out_dir(s);
	struct sim_output out;
	GError *e = NULL;
	if (sim_output_open(&out, outdir, &e) != 0) {
		fprintf(stderr, "netsim run: %s\n", e->message);
		g_error_free(e);
		g_free(outdir);
		scenario_free(s);
		rc = EXIT_FAIL;
		goto out_opts;
	}

	struct sigaction sa = {.sa_handler = on_signal};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	char hex[65] = "";
	rc = run_scenario(file, s, &out, outdir, wall_start, hex);
	if (rc == 0) {
		if (o.plot) {
			GError *pe = NULL;
			if (plot_results(outdir, o.format ? o.format : "png", &pe) != 0) {
				fprintf(stderr, "netsim run: plot: %s\n", pe->message);
				g_error_free(pe);
				rc = EXIT_FAIL;
			} else {
				printf("plots: %s/plots/\n", outdir);
			}
		}
		printf("trace-hash: %s\n", hex);
		fflush(stdout);
	}
	sim_output_discard(&out);
	sim_output_fini(&out);
	g_free(outdir);
	scenario_free(s);
out_opts:
	opts_free(&o);
	return rc;
}

/* ---- validate ------------------------------------------------------------------------ */

static int cmd_validate(int argc, char **argv)
{
	struct opts o = {0};
	GOptionEntry entries[] = {
		{"set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.set,
		 "Override a scenario value before validating (repeatable)", "PATH=VALUE"},
		{NULL, 0, 0, G_OPTION_ARG_NONE, NULL, NULL, NULL},
	};
	int rc = parse_options("validate", "SCENARIO.json", "check a scenario without running it",
			       entries, &argc, &argv);
	if (rc == 0 && argc != 2) {
		fprintf(stderr, "netsim validate: expected one scenario file, got %d arguments\n"
				"Try 'netsim validate --help'.\n",
			argc - 1);
		rc = EXIT_INVALID;
	}
	if (rc == 0) {
		struct scenario *s = load_scenario(argv[1], o.set);
		if (s) {
			printf("%s: valid (%u nodes, %u links, %u apps)\n", argv[1], s->nodes->len,
			       s->links->len, s->apps->len);
			scenario_free(s);
		} else {
			rc = EXIT_INVALID;
		}
	}
	opts_free(&o);
	return rc;
}

/* ---- plot ---------------------------------------------------------------------------- */

static int cmd_plot(int argc, char **argv)
{
	struct opts o = {0};
	GOptionEntry entries[] = {
		{"format", 0, 0, G_OPTION_ARG_STRING, &o.format, "png (default) or svg", "png|svg"},
		{NULL, 0, 0, G_OPTION_ARG_NONE, NULL, NULL, NULL},
	};
	int rc = parse_options("plot", "RESULTS_DIR", "draw the graphs of a results directory",
			       entries, &argc, &argv);
	if (rc == 0 && argc != 2) {
		fprintf(stderr, "netsim plot: expected one results directory, got %d arguments\n"
				"Try 'netsim plot --help'.\n",
			argc - 1);
		rc = EXIT_INVALID;
	}
	if (rc == 0 && !valid_format(o.format)) {
		fprintf(stderr, "netsim plot: --format: expected png or svg, got \"%s\"\n", o.format);
		rc = EXIT_INVALID;
	}
	if (rc == 0) {
		GError *e = NULL;
		if (plot_results(argv[1], o.format ? o.format : "png", &e) != 0) {
			fprintf(stderr, "netsim plot: %s\n", e->message);
			g_error_free(e);
			rc = EXIT_FAIL;
		} else {
			printf("plots: %s/plots/\n", argv[1]);
		}
	}
	opts_free(&o);
	return rc;
}

/* ---- schema --------------------------------------------------------------------------- */

static int cmd_schema(int argc, char **argv)
{
	GOptionEntry entries[] = {{NULL, 0, 0, G_OPTION_ARG_NONE, NULL, NULL, NULL}};
	int rc = parse_options("schema", "", "print the scenario key reference (Markdown)",
			       entries, &argc, &argv);
	if (rc)
		return rc;
	if (argc != 1) {
		fprintf(stderr, "netsim schema: takes no arguments\n");
		return EXIT_INVALID;
	}
	GString *md = g_string_new(NULL);
	sch_write_markdown(scenario_schema(), md);
	fputs(md->str, stdout);
	g_string_free(md, TRUE);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	/* The user's locale is honoured for messages, but no output of a run may depend
	 * on it: numbers are formatted by locale-free code (see sim/core/trace.h). The
	 * regress suite runs every scenario under de_DE.UTF-8 to keep it that way. */
	setlocale(LC_ALL, "");

	if (argc < 2) {
		fputs(usage_text, stderr);
		return EXIT_INVALID;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
		fputs(usage_text, stdout);
		return EXIT_OK;
	}
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
		printf("netsim %s\n", NETSIM_VERSION);
		return EXIT_OK;
	}
	/* The command becomes argv[0] for its option parser ("netsim run --help"). */
	if (strcmp(cmd, "run") == 0)
		return cmd_run(argc - 1, argv + 1);
	if (strcmp(cmd, "validate") == 0)
		return cmd_validate(argc - 1, argv + 1);
	if (strcmp(cmd, "plot") == 0)
		return cmd_plot(argc - 1, argv + 1);
	if (strcmp(cmd, "schema") == 0)
		return cmd_schema(argc - 1, argv + 1);
	fprintf(stderr, "netsim: unknown command \"%s\"\n\n%s", cmd, usage_text);
	return EXIT_INVALID;
}

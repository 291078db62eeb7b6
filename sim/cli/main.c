/* sim/cli/main.c — the netsim program: parse options, load, build, run, report, plot.
 *
 *   netsim run SCENARIO.json [--out DIR] [--seed N] [--until DURATION]
 *                            [--set PATH=VALUE]... [--plot] [--format png|svg]
 *                            [--progress SECONDS] [--quiet] [--max-memory SIZE]
 *   netsim run --from RESULTS_DIR [same options]
 *   netsim validate SCENARIO.json [--set PATH=VALUE]...
 *   netsim plot RESULTS_DIR [--format png|svg]
 *   netsim sweep SWEEP.json [options]      (sim/cli/sweep_cli.c, docs/sweeps.md)
 *   netsim schema
 *
 * Exit codes: 0 success (also when the scenario's flows fail: that is a result),
 * 1 anything else (also a run stopped by its memory budget), 2 invalid input (JSON,
 * scenario values, command-line options), 128 + the signal's number for a run
 * stopped by SIGINT (130), SIGTERM (143) or SIGHUP (129). The man page (docs/netsim.1)
 * says the same, and a test keeps it in step with --help.
 */
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "sim/cli/plot.h"
#include "sim/cli/provenance.h"
#include "sim/cli/runloop.h"
#include "sim/cli/scenario.h"
#include "sim/cli/summary.h"
#include "sim/cli/sweep.h"
#include "sim/cli/world.h"
#include "sim/core/output.h"
#include "sim/core/sim.h"
#include "sim/drill/drill.h"

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
	"                           [--progress SECONDS] [--quiet] [--max-memory SIZE]\n"
	"  netsim run --from RESULTS_DIR [options as above]\n"
	"  netsim validate SCENARIO.json [--set PATH=VALUE]...\n"
	"  netsim plot RESULTS_DIR [--format png|svg]\n"
	"  netsim sweep SWEEP.json [--out DIR] [-j N] [--shard I/N]\n"
	"  netsim sweep SCENARIO.json --vary PATH=V1,V2,... [--seeds 1-20]\n"
	"  netsim sweep --collect DIR\n"
	"  netsim schema\n"
	"  netsim drill SCRIPT.pkt... [--profile linux|rfc] [--set tcp.KNOB=V]... [--verbose]\n"
	"                             [--pcap DIR] [--tolerance DURATION]\n"
	"  netsim --help | --version\n"
	"\n"
	"Commands:\n"
	"  run        validate the scenario, run it, write results (default\n"
	"             results/<scenario name>/) and print a summary and its trace hash;\n"
	"             --from reruns what a results directory's summary.json recorded\n"
	"  validate   only check the scenario; every error is printed as FILE: PATH: message\n"
	"  plot       draw the graphs of a results directory into RESULTS_DIR/plots/\n"
	"  sweep      run a scenario over a grid of values x seeds: runs.tsv, aggregate.tsv\n"
	"             (mean, sd, 95% confidence interval); mpirun and --shard for clusters\n"
	"  schema     print the scenario key reference (Markdown)\n"
	"  drill      run packetdrill scripts against netsim's TCP (docs/drill.md)\n"
	"\n"
	"Run 'netsim COMMAND --help' for a command's options.\n"
	"Exit status: 0 ok, 1 run or plot failure (or the memory budget exceeded),\n"
	"2 invalid scenario or options, 130/143/129 run stopped by SIGINT/SIGTERM/SIGHUP.\n"
	"Docs: man netsim; docs/scenario-format.md, docs/outputs.md, docs/tour.md,\n"
	"docs/sweeps.md\n";

/* ---- options ---------------------------------------------------------------------- */

struct opts {
	char *out;
	char *from;
	char *seed;
	char *until;
	char **set;
	gboolean plot;
	char *format;
	char *progress;
	gboolean quiet;
	char *max_memory;
};

static void opts_free(struct opts *o)
{
	g_free(o->out);
	g_free(o->from);
	g_free(o->seed);
	g_free(o->until);
	g_strfreev(o->set);
	g_free(o->format);
	g_free(o->progress);
	g_free(o->max_memory);
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

/* Plotting a run that traced nothing succeeds with no graph: say why. */
static void warn_no_graphs(const char *cmd, unsigned graphs)
{
	if (graphs == 0)
		fprintf(stderr, "netsim %s: warning: nothing to plot: the run traced nothing (set "
				"\"trace\": true on an application or a link, or give a ping "
				"application)\n",
			cmd);
}

/* ---- loading ---------------------------------------------------------------------- */

/* Applies --set to doc (which it frees) and validates. Prints every error; NULL means
 * invalid input. */
static struct scenario *build_scenario(struct scenario_doc *doc, char **sets)
{
	const char *file = doc->file;
	char *err = NULL;
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

/* Loads `file`, applies --set, validates. Prints every error; NULL means invalid
 * input. */
static struct scenario *load_scenario(const char *file, char **sets)
{
	char *err = NULL;
	struct scenario_doc *doc = scenario_doc_load(file, &err);
	if (!doc) {
		sch_print_line(stderr, "%s", err);
		g_free(err);
		return NULL;
	}
	return build_scenario(doc, sets);
}

/* The scenario of `netsim run`: the file, or with --from the resolved scenario a
 * results directory recorded; *prov receives the request. NULL after the errors. */
static struct scenario *load_run_scenario(const struct opts *o, const char *file,
					  struct provenance *prov)
{
	if (!o->from) {
		provenance_init(prov, file, o->set, o->seed, o->until);
		return load_scenario(file, o->set);
	}
	char *err = NULL;
	struct scenario_doc *doc = provenance_load(o->from, prov, &err);
	if (!doc) {
		fprintf(stderr, "netsim run: --from: %s\n", err);
		g_free(err);
		provenance_init(prov, NULL, NULL, NULL, NULL);
		return NULL;
	}
	provenance_override(prov, o->set, o->seed, o->until);
	return build_scenario(doc, o->set);
}

/* ---- run -------------------------------------------------------------------------- */

static char *default_out_dir(const struct scenario *s)
{
	return g_build_filename("results", s->name, NULL);
}

/* The run loop's settings from the options (progress lines, memory budget). */
struct run_ctl {
	struct run_progress progress;
	uint64_t max_memory; /* bytes; 0 = no budget */
};

/* --progress=SECONDS: a number of seconds or a duration ("30s", "1min"). */
static bool parse_progress(const char *text, double *seconds)
{
	char *end = NULL;
	double v = g_ascii_strtod(text, &end);
	if (end != text && *end == '\0' && isfinite(v) && v > 0) {
		*seconds = v;
		return true;
	}
	sim_time_t t;
	if (sim_parse_duration(text, &t) == 0 && t > 0) {
		*seconds = sim_time_to_s(t);
		return true;
	}
	return false;
}

/* --max-memory: a size ("4GiB"), a share of physical memory ("50%") or "none". */
static bool parse_max_memory(const char *text, uint64_t *bytes)
{
	double share;
	if (strcmp(text, "none") == 0) {
		*bytes = 0;
		return true;
	}
	if (strchr(text, '%') != NULL) {
		long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
		if (sim_parse_probability(text, &share) != 0 || share <= 0 || pages <= 0 ||
		    page <= 0)
			return false;
		*bytes = (uint64_t)(share * (double)pages * (double)page);
		return true;
	}
	return sim_parse_size(text, bytes) == 0 && *bytes > 0;
}

/* --progress, --quiet and --max-memory into ctl. Returns 0 or EXIT_INVALID. */
static int check_run_ctl(const struct opts *o, struct run_ctl *ctl)
{
	int rc = 0;
	ctl->progress.quiet = o->quiet;
	ctl->progress.tty = isatty(STDERR_FILENO);
	if (o->progress && !parse_progress(o->progress, &ctl->progress.interval_s)) {
		fprintf(stderr, "netsim run: --progress: expected a number of seconds greater than 0, "
				"got \"%s\"\n",
			o->progress);
		rc = EXIT_INVALID;
	}
	ctl->max_memory = runloop_default_memory_budget();
	if (o->max_memory && !parse_max_memory(o->max_memory, &ctl->max_memory)) {
		fprintf(stderr, "netsim run: --max-memory: expected a size like \"4GiB\", a share "
				"of physical memory like \"50%%\", or \"none\", got \"%s\"\n",
			o->max_memory);
		rc = EXIT_INVALID;
	}
	return rc;
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
	} else if (o->format && !o->plot) {
		fprintf(stderr, "netsim run: warning: --format %s has no effect without --plot\n",
			o->format);
	}
	return rc;
}

/* Writes summary.json into the staging directory, hashes the outputs into hex and
 * swaps the directory into place. A run stopped on purpose (`stopped`: its summary
 * says "stopped") replaces the previous results like a complete one; a failed run
 * never gets here. Returns 0, or -1 with *e set. */
static int commit_results(struct sim_output *out, const cJSON *summary, bool stopped,
			  char hex[65], GError **e)
{
	/* One text at a time: for 1 024 flows each is 5 MiB, the run's peak. */
	char *text = summary_text(summary, false);
	int rc = sim_output_write(out, "summary.json", text, strlen(text), e);
	g_free(text);
	if (rc != 0)
		return -1;
	char *hashable = summary_text(summary, true);
	rc = sim_output_hash(out->work_dir, hashable, strlen(hashable), hex, e);
	g_free(hashable);
	if (rc != 0 ||
	    sim_output_finish(out, stopped ? SIM_RUN_STOPPED : SIM_RUN_COMPLETE, e) != 0)
		return -1;
	return 0;
}

/* How a run ended, for the caller: the exit status and whether results were written. */
struct run_outcome {
	int status;        /* EXIT_OK, EXIT_FAIL, or 128 + the signal that stopped it */
	bool written;      /* results committed (complete or stopped) */
	char hex[65];      /* their trace hash */
};

/* Tells the user how a stopped run ended (stderr). */
static void report_stop(const struct sim *sim, const struct scenario *s, enum run_end how,
			const char *outdir)
{
	char reached[40], total[40];
	sim_format_duration(sim_now(sim), reached, sizeof(reached));
	sim_format_duration(s->duration, total, sizeof(total));
	if (how == RUN_END_SIGNAL) {
		fprintf(stderr, "netsim run: stopped by %s at %s of %s simulated; the results so far "
				"are in %s (summary.json \"stopped\": \"%s\")\n",
			runloop_signal_name(runloop_signal()), reached, total, outdir,
			runloop_signal_name(runloop_signal()));
	} else if (how == RUN_END_MEMORY) {
		char used[32], budget[32];
		runloop_format_bytes(used, sizeof(used), sim->mem.resident);
		runloop_format_bytes(budget, sizeof(budget), sim->mem.budget);
		fprintf(stderr, "netsim run: out of memory budget at %s of %s simulated: %s; netsim "
				"uses %s, the budget is %s (--max-memory). The results so far are "
				"in %s (summary.json \"stopped\": \"memory\")\n",
			reached, total, sim->mem.what, used, budget, outdir);
	}
}

/* Builds the world of scenario s, runs it and writes its results into `out`
 * (committed to `outdir`), then prints the summary. A run stopped by a signal or
 * the memory budget writes what it ran, marked "stopped". Fills *res. */
static void run_scenario(const char *file, const struct scenario *s, struct sim_output *out,
			 const char *outdir, const struct run_ctl *ctl,
			 const struct provenance *prov, gint64 wall_start, struct run_outcome *res)
{
	struct sim sim;
	sim_init(&sim, s->seed);
	sim_set_memory_budget(&sim, ctl->max_memory);
	GError *e = NULL;
	cJSON *summary = NULL;
	res->status = EXIT_FAIL;
	struct world *w = world_new(&sim, s, out->work_dir, &e);
	if (!w) {
		sim_output_name_final(out, e);
		fprintf(stderr, "netsim run: %s: %s\n", file, e->message);
		goto out;
	}
	enum run_end how = runloop_run(&sim, w, s->duration, &ctl->progress, wall_start);
	/* Traces and captures are closed cleanly whichever way the run ended. */
	if (world_finish(w, &e) != 0) {
		sim_output_name_final(out, e);
		fprintf(stderr, "netsim run: writing results: %s\n", e->message);
		goto out;
	}
	struct run_info ri = {
		.seed = s->seed,
		.sim_time = sim_now(&sim),
		.events = sim_executed_events(&sim),
		.stopped = how == RUN_END_SIGNAL   ? runloop_signal_name(runloop_signal())
			   : how == RUN_END_MEMORY ? "memory"
						   : NULL,
		.compact = true,
	};
	ri.wall_s = (double)(g_get_monotonic_time() - wall_start) / 1e6;
	/* The pool's idle buffers (its high-water mark of packets) make room for the
	 * summary, which for 10 000 flows is tens of MiB of JSON tree. */
	sim_packet_pool_trim(&sim.pool);
	summary = summary_build(w, &ri);
	/* The provenance (the resolved scenario, as large as the scenario) is built
	 * after the world is freed, in its memory. */
	world_free(w);
	w = NULL;
	cJSON_AddItemToObject(summary, "provenance", provenance_json(prov, s));
	if (commit_results(out, summary, ri.stopped != NULL, res->hex, &e) != 0) {
		sim_output_name_final(out, e);
		fprintf(stderr, "netsim run: writing results: %s\n", e->message);
		goto out;
	}
	res->written = true;
	summary_print_human(stdout, summary);
	printf("results: %s\n", outdir);
	fflush(stdout);
	report_stop(&sim, s, how, outdir);
	res->status = how == RUN_END_MEMORY ? EXIT_FAIL
		      : runloop_signal()    ? 128 + runloop_signal()
					    : EXIT_OK;
out:
	if (e)
		g_error_free(e);
	cJSON_Delete(summary);
	world_free(w);
	sim_fini(&sim);
}

/* --plot: draws the graphs of a run that reached its end. Returns the exit status. */
static int plot_after_run(const char *outdir, const char *format, int rc)
{
	if (rc != EXIT_OK) {
		fprintf(stderr, "netsim run: the run stopped, so no graphs were drawn; draw them "
				"with: netsim plot %s\n",
			outdir);
		return rc;
	}
	GError *e = NULL;
	unsigned graphs = 0;
	if (plot_results(outdir, format ? format : "png", &graphs, &e) != 0) {
		fprintf(stderr, "netsim run: plot: %s\n", e->message);
		g_error_free(e);
		return EXIT_FAIL;
	}
	warn_no_graphs("run", graphs);
	printf("plots: %s/plots/\n", outdir);
	return rc;
}

/* The positional arguments of `netsim run`: a scenario file, or none with --from.
 * Returns 0 or EXIT_INVALID. */
static int check_run_args(const struct opts *o, int argc)
{
	if (o->from && argc != 1) {
		fprintf(stderr, "netsim run: give a scenario file or --from RESULTS_DIR, not both\n");
		return EXIT_INVALID;
	}
	if (!o->from && argc != 2) {
		fprintf(stderr, "netsim run: expected one scenario file, got %d arguments\n"
				"Try 'netsim run --help'.\n",
			argc - 1);
		return EXIT_INVALID;
	}
	return 0;
}

static int cmd_run(int argc, char **argv)
{
	struct opts o = {0};
	struct provenance prov = {0};
	GOptionEntry entries[] = {
		{"out", 'o', 0, G_OPTION_ARG_FILENAME, &o.out,
		 "Output directory (default results/<scenario name>)", "DIR"},
		{"from", 0, 0, G_OPTION_ARG_FILENAME, &o.from,
		 "Rerun the scenario a results directory recorded (instead of SCENARIO.json)",
		 "RESULTS_DIR"},
		{"seed", 0, 0, G_OPTION_ARG_STRING, &o.seed, "Override the scenario's seed", "N"},
		{"until", 0, 0, G_OPTION_ARG_STRING, &o.until,
		 "Override the scenario's duration", "DURATION"},
		{"set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.set,
		 "Override a scenario value, e.g. links[1].forward.loss=2% (repeatable)",
		 "PATH=VALUE"},
		{"plot", 0, 0, G_OPTION_ARG_NONE, &o.plot, "Draw the graphs after the run", NULL},
		{"format", 0, 0, G_OPTION_ARG_STRING, &o.format,
		 "Graph format with --plot: png (default) or svg", "png|svg"},
		{"progress", 0, 0, G_OPTION_ARG_STRING, &o.progress,
		 "Print a progress line on stderr every SECONDS (default: a live line on a "
		 "terminal, a line every 10 s otherwise)",
		 "SECONDS"},
		{"quiet", 'q', 0, G_OPTION_ARG_NONE, &o.quiet, "No progress lines", NULL},
		{"max-memory", 0, 0, G_OPTION_ARG_STRING, &o.max_memory,
		 "Stop the run when netsim's memory exceeds SIZE (\"4GiB\", \"50%\" of physical "
		 "memory, \"none\"; default 75% of physical memory)",
		 "SIZE"},
		{NULL, 0, 0, G_OPTION_ARG_NONE, NULL, NULL, NULL},
	};
	int rc = parse_options("run", "SCENARIO.json", "run a scenario", entries, &argc, &argv);
	if (rc)
		goto out_opts;
	rc = check_run_args(&o, argc);
	if (rc)
		goto out_opts;
	const char *file = o.from ? NULL : argv[1];

	/* Option values: checked before the scenario, all reported. */
	uint64_t seed = 0;
	sim_time_t until = 0;
	struct run_ctl ctl = {0};
	rc = check_run_options(&o, &seed, &until);
	rc |= check_run_ctl(&o, &ctl);
	if (rc)
		goto out_opts;

	gint64 wall_start = g_get_monotonic_time();
	struct scenario *s = load_run_scenario(&o, file, &prov);
	if (!s) {
		rc = EXIT_INVALID;
		goto out_opts;
	}
	if (!file)
		file = s->file;
	prov.duration = s->duration;
	if (o.seed)
		s->seed = seed;
	provenance_until(&prov, &s->duration); /* --until, or the one --from recorded */

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

	runloop_install_signals();
	struct run_outcome res = {0};
	run_scenario(file, s, &out, outdir, &ctl, &prov, wall_start, &res);
	rc = res.status;
	if (res.written) {
		if (o.plot)
			rc = plot_after_run(outdir, o.format, rc);
		printf("trace-hash: %s\n", res.hex);
		fflush(stdout);
	}
	sim_output_discard(&out);
	sim_output_fini(&out);
	g_free(outdir);
	scenario_free(s);
out_opts:
	provenance_fini(&prov);
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
		unsigned graphs = 0;
		if (plot_results(argv[1], o.format ? o.format : "png", &graphs, &e) != 0) {
			fprintf(stderr, "netsim plot: %s\n", e->message);
			g_error_free(e);
			rc = EXIT_FAIL;
		} else {
			warn_no_graphs("plot", graphs);
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
	if (strcmp(cmd, "drill") == 0)
		return drill_main(argc - 1, argv + 1); /* sim/drill/cli.c */
	if (strcmp(cmd, "sweep") == 0)
		return sweep_main(argc - 1, argv + 1);
	fprintf(stderr, "netsim: unknown command \"%s\"\n\n%s", cmd, usage_text);
	return EXIT_INVALID;
}

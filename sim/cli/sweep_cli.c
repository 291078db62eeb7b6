/* sim/cli/sweep_cli.c — `netsim sweep`: options, then plan → directory → runs →
 * tables (sweep.h, docs/sweeps.md).
 *
 *   netsim sweep SWEEP.json [--out DIR] [-j N] [--shard I/N] [--seeds S]
 *                [--metric M]... [--set PATH=VALUE]... [--until D] [--vary ...]...
 *   netsim sweep SCENARIO.json [--vary PATH=V1,V2,...]... [--zip P=V1,V2;Q=W1,W2]...
 *                [--seeds S] [...]          (a sweep given by its options alone)
 *   netsim sweep --collect DIR
 *   mpirun -n N netsim sweep SWEEP.json --out DIR
 *
 * Exit codes: 0 when the sweep ran (a failed run is a result: runs.tsv says why),
 * 1 when the sweep directory cannot be written or --collect finds runs missing,
 * 2 invalid input (nothing written), 128 + signal when interrupted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/cli/sweep.h"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_INVALID = 2 };

struct sweep_opts {
	char *out;
	char *collect;
	char *shard;
	gint jobs;
	struct sweep_cli cli;
};

static void opts_free(struct sweep_opts *o)
{
	g_free(o->out);
	g_free(o->collect);
	g_free(o->shard);
	g_strfreev(o->cli.vary);
	g_strfreev(o->cli.zip);
	g_free(o->cli.seeds);
	g_strfreev(o->cli.metrics);
	g_strfreev(o->cli.set);
	g_free(o->cli.until);
}

static int parse_opts(struct sweep_opts *o, int *argc, char ***argv)
{
	GOptionEntry entries[] = {
		{"out", 'o', 0, G_OPTION_ARG_FILENAME, &o->out,
		 "Sweep directory (default results/sweeps/<sweep name>)", "DIR"},
		{"jobs", 'j', 0, G_OPTION_ARG_INT, &o->jobs,
		 "Runs at once (default: the number of cores)", "N"},
		{"shard", 0, 0, G_OPTION_ARG_STRING, &o->shard,
		 "Run only the I-th of N disjoint slices of the runs (batch job arrays)", "I/N"},
		{"collect", 0, 0, G_OPTION_ARG_FILENAME, &o->collect,
		 "Write the tables of a sweep directory from the runs it has", "DIR"},
		{"vary", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->cli.vary,
		 "Vary a scenario value: PATH=V1,V2,... or PATH=FROM..TO:STEPS[:log] (repeatable)",
		 "PATH=VALUES"},
		{"zip", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->cli.zip,
		 "Values that move together: P=V1,V2;Q=W1,W2 (repeatable)", "P=..;Q=.."},
		{"seeds", 0, 0, G_OPTION_ARG_STRING, &o->cli.seeds,
		 "Seeds of every point: 1-20 or 1,5,9", "SEEDS"},
		{"metric", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->cli.metrics,
		 "A summary.json field to tabulate, e.g. flows[*].goodput_bps:sum (repeatable)",
		 "FIELD"},
		{"set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->cli.set,
		 "A fixed override of every run (repeatable)", "PATH=VALUE"},
		{"until", 0, 0, G_OPTION_ARG_STRING, &o->cli.until, "--until of every run",
		 "DURATION"},
		{NULL, 0, 0, G_OPTION_ARG_NONE, NULL, NULL, NULL},
	};
	GOptionContext *ctx = g_option_context_new("SWEEP.json | SCENARIO.json");
	g_option_context_set_summary(ctx, "netsim sweep: run a scenario over a grid of values "
					  "and seeds (docs/sweeps.md)");
	g_option_context_add_main_entries(ctx, entries, NULL);
	GError *e = NULL;
	bool ok = g_option_context_parse(ctx, argc, argv, &e);
	g_option_context_free(ctx);
	if (!ok) {
		fprintf(stderr, "netsim sweep: %s\nTry 'netsim sweep --help'.\n", e->message);
		g_error_free(e);
		return EXIT_INVALID;
	}
	return 0;
}

/* "I/N" with 0 <= I < N. */
static bool parse_shard(const char *s, guint *i, guint *n)
{
	char **p = g_strsplit(s, "/", 2);
	guint64 a, b;
	bool ok = p[0] && p[1] && g_ascii_string_to_unsigned(p[0], 10, 0, G_MAXUINT, &a, NULL) &&
		  g_ascii_string_to_unsigned(p[1], 10, 1, G_MAXUINT, &b, NULL) && a < b;
	g_strfreev(p);
	*i = ok ? (guint)a : 0;
	*n = ok ? (guint)b : 1;
	return ok;
}

/* Lists the runs of a list on stderr (at most 20). */
static void list_runs(const struct sweep_status *st, const struct sweep_plan *plan,
		      GArray *runs, const char *what)
{
	for (guint i = 0; i < runs->len && i < 20; i++) {
		guint r = g_array_index(runs, guint, i);
		char *rel = sweep_run_rel(plan, r);
		const struct sweep_result *res = sweep_status_get(st, plan, r);
		bool err = res && !res->ok && res->error;
		fprintf(stderr, "netsim sweep: %s %s%s%s\n", rel, what, err ? ": " : "",
			err ? res->error : "");
		g_free(rel);
	}
	if (runs->len > 20)
		fprintf(stderr, "netsim sweep: ... %u more %s (runs.tsv lists them all)\n",
			runs->len - 20, what);
}

/* Writes the tables and says what they hold. Returns the exit code. */
static int collect(const char *dir, const struct sweep_plan *plan)
{
	GArray *missing = g_array_new(FALSE, FALSE, sizeof(guint));
	GArray *failed = g_array_new(FALSE, FALSE, sizeof(guint));
	char *err = NULL;
	int rc = EXIT_OK;
	struct sweep_status *st = sweep_status_load(dir);
	if (sweep_collect(dir, plan, st, missing, failed, &err) != 0) {
		fprintf(stderr, "netsim sweep: %s\n", err);
		g_free(err);
		rc = EXIT_FAIL;
	} else {
		list_runs(st, plan, failed, "failed");
		list_runs(st, plan, missing, "missing");
		guint n = sweep_n_runs(plan);
		printf("sweep: %u runs (%u point%s x %u seed%s): %u ok, %u failed, %u missing\n", n,
		       plan->n_points, plan->n_points == 1 ? "" : "s", plan->seeds->len,
		       plan->seeds->len == 1 ? "" : "s", n - failed->len - missing->len, failed->len,
		       missing->len);
		printf("results: %s/runs.tsv, %s/aggregate.tsv\n", dir, dir);
		if (missing->len)
			rc = EXIT_FAIL;
	}
	sweep_status_free(st);
	g_array_free(missing, TRUE);
	g_array_free(failed, TRUE);
	return rc;
}

/* The runs still to do (of this shard): those without complete results. */
static GArray *runs_to_do(const char *dir, const struct sweep_plan *plan, guint shard,
			  guint nshards, guint *mine)
{
	GArray *todo = g_array_new(FALSE, FALSE, sizeof(guint));
	struct sweep_status *st = sweep_status_load(dir);
	*mine = 0;
	for (guint r = 0; r < sweep_n_runs(plan); r++) {
		if (r % nshards != shard)
			continue;
		(*mine)++;
		if (!sweep_run_complete(dir, plan, st, r))
			g_array_append_val(todo, r);
	}
	sweep_status_free(st);
	return todo;
}

/* Runs the sweep's runs here, or over MPI ranks. Returns the exit code; *root is
 * false on MPI ranks other than 0 (which write nothing else). */
static int execute(const struct sweep_opts *o, const char *dir, const struct sweep_plan *plan,
		   guint shard, guint nshards, bool *root)
{
	guint mine;
	GArray *todo = runs_to_do(dir, plan, shard, nshards, &mine);
	struct sweep_progress pg;
	sweep_progress_init(&pg, mine, mine - todo->len);
	int rc = EXIT_OK;
	*root = true;
	if (sweep_mpi_wanted()) {
		rc = sweep_exec_mpi(dir, plan, todo, &pg, root) == 0 ? EXIT_OK : EXIT_FAIL;
	} else {
		guint jobs = o->jobs > 0 ? (guint)o->jobs : g_get_num_processors();
		struct sweep_runner rn;
		sweep_runner_init(&rn, jobs);
		int sig = sweep_exec_local(dir, plan, todo, jobs, &rn, &pg);
		sweep_runner_fini(&rn);
		if (sig) {
			sweep_progress_end(&pg);
			fprintf(stderr, "netsim sweep: interrupted; the runs done are kept, run the "
					"same command again to finish\n");
			rc = 128 + sig;
		}
	}
	if (rc == EXIT_OK && *root)
		sweep_progress_end(&pg);
	g_array_free(todo, TRUE);
	return rc;
}

static int run_sweep(struct sweep_opts *o, const char *file)
{
	guint shard = 0, nshards = 1;
	if (o->shard && !parse_shard(o->shard, &shard, &nshards)) {
		fprintf(stderr, "netsim sweep: --shard: expected I/N with 0 <= I < N, got \"%s\"\n",
			o->shard);
		return EXIT_INVALID;
	}
	if (sweep_mpi_missing()) {
		fprintf(stderr, "netsim sweep: started by an MPI launcher, but this netsim was built "
				"without MPI (install libopenmpi-dev and reconfigure; docs/sweeps.md)\n");
		return EXIT_INVALID;
	}
	if (o->jobs < 0) {
		fprintf(stderr, "netsim sweep: --jobs: expected a positive number, got %d\n", o->jobs);
		return EXIT_INVALID;
	}
	struct sweep_plan *plan = sweep_plan_load(file, &o->cli);
	if (!plan)
		return EXIT_INVALID;
	char *dir = o->out ? g_strdup(o->out) : g_build_filename("results", "sweeps", plan->name, NULL);
	char *err = NULL;
	int rc;
	bool root = true;
	/* Over MPI, rank 0 alone prepares the directory (sweep_exec_mpi). */
	if (!sweep_mpi_wanted() && sweep_dir_prepare(dir, plan, &err) != 0) {
		fprintf(stderr, "netsim sweep: %s\n", err);
		g_free(err);
		rc = EXIT_FAIL;
	} else {
		rc = execute(o, dir, plan, shard, nshards, &root);
	}
	if (rc == EXIT_OK && root && nshards == 1) {
		rc = collect(dir, plan);
	} else if (rc == EXIT_OK && root) {
		printf("sweep: shard %u/%u done; when every shard is: netsim sweep --collect %s\n",
		       shard, nshards, dir);
	}
	g_free(dir);
	sweep_plan_free(plan);
	return rc;
}

int sweep_main(int argc, char **argv)
{
	struct sweep_opts o = {0};
	int rc = parse_opts(&o, &argc, &argv);
	if (rc == 0 && o.collect) {
		if (argc != 1) {
			fprintf(stderr, "netsim sweep: --collect DIR takes no other file\n");
			rc = EXIT_INVALID;
		} else {
			char *err = NULL;
			struct sweep_plan *plan = sweep_dir_plan(o.collect, &err);
			if (!plan) {
				fprintf(stderr, "netsim sweep: --collect: %s\n", err);
				g_free(err);
				rc = EXIT_INVALID;
			} else {
				rc = collect(o.collect, plan);
				sweep_plan_free(plan);
			}
		}
	} else if (rc == 0 && argc != 2) {
		fprintf(stderr, "netsim sweep: expected one sweep file (or a scenario with --vary), "
				"got %d arguments\nTry 'netsim sweep --help'.\n",
			argc - 1);
		rc = EXIT_INVALID;
	} else if (rc == 0) {
		rc = run_sweep(&o, argv[1]);
	}
	opts_free(&o);
	return rc;
}

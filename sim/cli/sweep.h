/* sim/cli/sweep.h — `netsim sweep`: a scenario run over a grid of parameter values ×
 * seeds, each run its own results directory, then one table of runs and one of
 * statistics per point (docs/sweeps.md).
 *
 * The pieces, in the order a sweep goes through them:
 *   sweep_file.c     the sweep file (or --vary options) into a plan, every value
 *                    validated as `--set` would, every metric checked against the
 *                    summary.json the scenario produces, before anything runs
 *   sweep_plan.c     the plan's points and runs, and DIR/sweep.json, which records
 *                    the plan so a rerun can resume and --collect needs nothing else
 *   sweep_exec.c     runs: each `netsim run` its own process (the netsim binary
 *                    itself), N at once, the progress line
 *   sweep_status.c   the journals of finished runs, and which runs are complete
 *   sweep_mpi.c      the same over MPI ranks (when built with MPI)
 *   sweep_collect.c  runs.tsv and aggregate.tsv from the run directories
 *   sweep_stats.c    mean, sd, Student's t
 *   sweep_plot.c     `netsim plot DIR` of a sweep directory
 *   sweep_cli.c      `netsim sweep` itself: options, and the steps above
 *
 * A run is identified by (point, seed): its directory is DIR/runs/pNNNNN/sS/, and a
 * line in a journal of DIR/status/ records how it ended (its trace hash, or the
 * error; sweep_status.c). The outputs are written from those alone, in (point, seed)
 * order, so
 * they are byte-identical however many processes or ranks ran the sweep and in
 * whatever order runs finished.
 */
#ifndef SIM_CLI_SWEEP_H
#define SIM_CLI_SWEEP_H

#include <cjson/cJSON.h>
#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

/* How a varied value is turned into a number in SI base units (the second column of
 * runs.tsv), by the schema type of its path. */
enum sweep_unit {
	SWEEP_UNIT_SECONDS, /* durations: "_s" */
	SWEEP_UNIT_BPS,     /* rates: "_bps" */
	SWEEP_UNIT_BYTES,   /* sizes: "_bytes" */
	SWEEP_UNIT_RATIO,   /* probabilities: "_ratio" */
	SWEEP_UNIT_NUMBER,  /* plain numbers, booleans (0/1): "_num" */
	SWEEP_UNIT_INDEX,   /* anything else: the value's position in its list, "_index" */
};

/* One varied parameter. Parameters of one `zip` group share a dimension. */
struct sweep_param {
	char *path;         /* "links[1].forward.loss", as --set takes it */
	char *num_column;   /* "links[1].forward.loss_ratio" */
	enum sweep_unit unit;
	guint dim;          /* its dimension of the grid */
	GPtrArray *values;  /* cJSON* (owned), as written (ranges expanded) */
	GArray *numbers;    /* double: each value in SI base units */
	bool log_scale;     /* a "scale": "log" range (plots use a log axis) */
};

enum sweep_agg { SWEEP_AGG_NONE, SWEEP_AGG_SUM, SWEEP_AGG_MEAN, SWEEP_AGG_MIN, SWEEP_AGG_MAX };

/* A metric: a summary.json field ("flows[0].rto_count"), or one field over every
 * element of an array combined ("flows[*].goodput_bps:sum"). */
struct sweep_metric {
	char *text;         /* as written: the column name */
	GPtrArray *segs;    /* char*: keys, "[N]" indices and one optional "[*]" */
	enum sweep_agg agg;
};

struct sweep_plan {
	char *name;            /* default output directory results/sweeps/NAME */
	char *sweep_file;      /* as given, or NULL for a command-line sweep */
	char *scenario;        /* path of the base scenario, as `netsim run` is given it */
	char *scenario_sha256;
	GPtrArray *set;        /* char*: fixed --set assignments of every run */
	char *until;           /* --until of every run, or NULL */
	GPtrArray *params;     /* struct sweep_param*, in column order */
	GArray *dims;          /* guint: the number of values of each dimension */
	guint n_points;        /* product of dims */
	GArray *seeds;         /* guint64 */
	GPtrArray *metrics;    /* struct sweep_metric* */
};

void sweep_plan_free(struct sweep_plan *p);

/* ---- sweep_file.c ---- */

/* Command-line additions to (or, for a scenario file, the whole of) a sweep. */
struct sweep_cli {
	char **vary;    /* "PATH=V1,V2,..." or "PATH=FROM..TO:STEPS[:log]" */
	char **zip;     /* "PATH=V1,V2;PATH=W1,W2": parameters that move together */
	char *seeds;    /* "1-20", "1,3,5" */
	char **metrics; /* replace the file's */
	char **set;     /* appended to the file's */
	char *until;    /* replaces the file's */
};

/* Builds and validates the plan of `file`: a sweep file (the options add to it), or
 * a scenario file (the options are the whole sweep). Every problem is printed as
 * "FILE: PATH: message" (one line each); NULL means invalid input (exit 2). */
struct sweep_plan *sweep_plan_load(const char *file, const struct sweep_cli *cli);

/* Parses a metric ("flows[*].goodput_bps:sum"); NULL with *err. */
struct sweep_metric *sweep_metric_parse(const char *text, char **err);
void sweep_metric_free(struct sweep_metric *m);

/* The metric's value in a summary (NaN when absent, null or not a number; true and
 * false count 1 and 0). *found is false when a field the path names does not exist
 * at all (a null along the way counts as existing). */
double sweep_metric_eval(const struct sweep_metric *m, const cJSON *summary, bool *found);

/* ---- sweep_plan.c ---- */

/* Index of value of parameter p at point `point`. */
guint sweep_value_index(const struct sweep_plan *plan, const struct sweep_param *p, guint point);

/* The --set assignments of a point (fixed ones first), g_ptr_array_unref. */
GPtrArray *sweep_point_sets(const struct sweep_plan *plan, guint point);

/* A value as a --set VALUE and as written in runs.tsv (strings without quotes);
 * g_free. */
char *sweep_value_assign_text(const cJSON *v);
char *sweep_value_text(const cJSON *v);

/* Runs are numbered point-major: run r is point r / nseeds, seed r % nseeds. */
static inline guint sweep_n_runs(const struct sweep_plan *p) { return p->n_points * p->seeds->len; }

/* "runs/p00007/s3" relative to the sweep directory; g_free. */
char *sweep_run_rel(const struct sweep_plan *plan, guint run);

/* The plan as DIR/sweep.json, and back (NULL with *err). */
cJSON *sweep_plan_to_json(const struct sweep_plan *plan);
struct sweep_plan *sweep_plan_from_json(const cJSON *j, char **err);

/* Prepares DIR for the plan: creates it, or checks a previous sweep there is the same
 * sweep (same scenario, fixed settings and points; seeds and metrics may differ) and
 * writes sweep.json. Returns 0, or -1 with *err (one line). */
int sweep_dir_prepare(const char *dir, const struct sweep_plan *plan, char **err);

/* Reads DIR/sweep.json; NULL with *err. */
struct sweep_plan *sweep_dir_plan(const char *dir, char **err);

/* ---- sweep_status.c ---- */

/* How one run ended. */
struct sweep_result {
	bool ok;
	char hash[65];  /* trace hash when ok */
	char *error;    /* one line when not ok */
};

/* A process's journal of finished runs, DIR/status/HOST-PID.tsv (opened at the first
 * record). */
struct sweep_journal;
struct sweep_journal *sweep_journal_new(const char *dir);
void sweep_journal_record(struct sweep_journal *j, const struct sweep_plan *plan, guint run,
			  const struct sweep_result *res);
void sweep_journal_free(struct sweep_journal *j);

/* Every journal of DIR merged: the latest result of each run. */
struct sweep_status;
struct sweep_status *sweep_status_load(const char *dir);
void sweep_status_free(struct sweep_status *st);

/* The result recorded for run r, or NULL. */
const struct sweep_result *sweep_status_get(const struct sweep_status *st,
					    const struct sweep_plan *plan, guint run);

/* The parsed summary.json of run r (NULL when missing or unreadable), and whether it
 * answers the plan's request: the same scenario file contents, settings and seed. */
cJSON *sweep_run_summary(const char *dir, const struct sweep_plan *plan, guint run);
bool sweep_summary_matches(const cJSON *sum, const struct sweep_plan *plan, guint run);

/* Whether run r is complete: recorded ok, and its summary.json is the one the plan
 * asks for. */
bool sweep_run_complete(const char *dir, const struct sweep_plan *plan,
			const struct sweep_status *st, guint run);

/* ---- sweep_exec.c ---- */

/* How runs are started: the netsim binary, and each run's memory budget. */
struct sweep_runner {
	char *exe;           /* the running program (/proc/self/exe resolved) */
	uint64_t max_memory; /* --max-memory of each run in bytes; 0: netsim run's own */
};

/* Runs run r in its own process and waits for it; records it in the journal. */
void sweep_run_one(const char *dir, const struct sweep_plan *plan, guint run,
		   const struct sweep_runner *rn, struct sweep_journal *journal,
		   struct sweep_result *res);

/* Where each progress report goes: stderr, a live line on a terminal. */
struct sweep_progress {
	guint total, done, failed, skipped;
	gint64 start, last;
	bool tty;
};

void sweep_progress_init(struct sweep_progress *pg, guint total, guint skipped);
void sweep_progress_update(struct sweep_progress *pg, bool force);
void sweep_progress_end(struct sweep_progress *pg);

/* Runs the runs of `todo` (guint run numbers) N at once. Returns 0, or the signal
 * number that interrupted the sweep (the runs in flight are stopped). */
int sweep_exec_local(const char *dir, const struct sweep_plan *plan, GArray *todo, guint jobs,
		     const struct sweep_runner *rn, struct sweep_progress *pg);

/* The runner of `jobs` runs at once on this machine: each gets an equal share of
 * netsim run's default memory budget (three quarters of the physical memory, or of
 * the cgroup's limit). Free with sweep_runner_fini(). */
void sweep_runner_init(struct sweep_runner *rn, guint jobs);
void sweep_runner_fini(struct sweep_runner *rn);

/* ---- sweep_mpi.c ---- */

/* True when this process was started by mpirun and netsim was built with MPI. */
bool sweep_mpi_wanted(void);

/* True when it was started by mpirun but netsim was built without MPI: every rank
 * would run the whole sweep, so the sweep refuses to start. */
bool sweep_mpi_missing(void);

/* The sweep over MPI ranks: rank 0 hands out the runs of `todo` one by one to the
 * other ranks and returns 0 when all are done (*is_root true); the other ranks
 * return 0 when told to stop (*is_root false). Returns -1 (after a message) when MPI
 * could not start. */
int sweep_exec_mpi(const char *dir, const struct sweep_plan *plan, GArray *todo,
		   struct sweep_progress *pg, bool *is_root);

/* ---- sweep_collect.c ---- */

/* Writes DIR/runs.tsv and DIR/aggregate.tsv from the runs' results (st) and
 * summaries. *missing receives the runs without complete results, *failed those
 * that failed. Returns 0, or -1 with *err. */
int sweep_collect(const char *dir, const struct sweep_plan *plan,
		  const struct sweep_status *st, GArray *missing, GArray *failed, char **err);

/* A number of the tables: integers as integers, other values in the shortest form
 * that reads back to the same double, "nan" when not finite; never the locale. buf
 * holds at least 32 bytes. */
void sweep_fmt_number(char *buf, double v);

/* ---- sweep_plot.c ---- */

/* True when dir is a sweep directory (has sweep.json). */
bool sweep_is_dir(const char *dir);

/* `netsim plot DIR` of a sweep: each metric against the first varied parameter, error
 * bars of the 95 % confidence interval, a line per value of the others, into
 * DIR/plots/ (the scripts copied into DIR/plots/gp/); *graphs (may be NULL) receives
 * their number. Returns 0, or -1 with *error. */
int sweep_plot(const char *dir, const char *format, unsigned *graphs, GError **error);

/* ---- sweep_cli.c ---- */

/* `netsim sweep ...` (argv[0] = "sweep"); returns the exit code. */
int sweep_main(int argc, char **argv);

#endif

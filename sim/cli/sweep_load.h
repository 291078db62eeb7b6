/* sim/cli/sweep_load.h — internal to the sweep loader (sweep_file.c reads the sweep
 * file and the options; sweep_values.c checks them against the scenario). */
#ifndef SIM_CLI_SWEEP_LOAD_H
#define SIM_CLI_SWEEP_LOAD_H

#include "sim/cli/scenario.h"
#include "sim/cli/schema.h"
#include "sim/cli/sweep.h"

/* One varied parameter as written: a "vary" entry, a member of a "zip" group, or a
 * --vary / --zip option. */
struct vary_src {
	char *where;          /* "vary[0]", "zip[1][0]", "--vary PATH=..." (message paths) */
	const cJSON *anchor;  /* its object in the sweep file (message order), or NULL */
	char *path;
	cJSON *values;        /* array, or NULL for a range */
	cJSON *from, *to;     /* a range's ends, or NULL */
	guint steps;
	bool have_steps, have_scale, log;
	guint dim;
};

struct sweep_load {
	struct sch_diags *d;
	struct sweep_plan *plan;
	bool scenario_mode;        /* the file is the scenario (--vary) */
	guint n_file_sets;         /* plan->set[0..n) come from the file's "set" */
	GPtrArray *srcs;           /* struct vary_src* */
	guint n_dims;
	GPtrArray *metric_where;   /* char*: message path of each plan metric */
	struct scenario_doc *base; /* the scenario with the fixed settings applied */
};

struct sweep_plan *sweep_plan_new(void);
struct sweep_param *sweep_param_new(const char *path);

/* Loads the base scenario, applies the fixed settings and validates it (its own
 * errors printed as they are). Returns 0 or -1. */
int sweep_load_scenario(struct sweep_load *L);

/* Turns the sources into the plan's parameters and dimensions, every value checked. */
void sweep_load_params(struct sweep_load *L);

/* With two or more dimensions, validates every point's combination of values. */
void sweep_check_points(struct sweep_load *L);

/* Checks that every metric names a field of the summary.json the first point
 * produces (built, not run). */
void sweep_check_metrics(struct sweep_load *L);

#endif

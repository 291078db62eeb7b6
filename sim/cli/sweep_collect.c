/* sim/cli/sweep_collect.c — runs.tsv and aggregate.tsv of a sweep directory, from the
 * runs' journal lines and summary.json files alone, in (point, seed) order: the same
 * runs give the same bytes however and wherever they were run.
 *
 *   runs.tsv       one row per run: point, each varied parameter as written and as a
 *                  number in SI base units, seed, status (ok, failed, missing,
 *                  stale), the metrics, trace hash, directory, error
 *   aggregate.tsv  one row per point and metric: the parameters, metric, n, mean, sd,
 *                  ci95 (half-width, Student's t), ci95_low, ci95_high, min, max
 *
 * Numbers are written in the shortest form that reads back to the same double, never
 * through the locale; a missing value is "nan" (docs/outputs.md's convention).
 */
#include <math.h>
#include <string.h>

#include "sim/cli/summary.h"
#include "sim/cli/sweep.h"
#include "sim/cli/sweep_stats.h"

void sweep_fmt_number(char *buf, double v)
{
	if (!isfinite(v))
		strcpy(buf, "nan");
	else if (v == floor(v) && fabs(v) < 9007199254740992.0)
		g_snprintf(buf, 32, "%" G_GINT64_FORMAT, (gint64)v);
	else
		summary_fmt_double(buf, v);
}

static void put_num(GString *g, double v)
{
	char buf[32];
	sweep_fmt_number(buf, v);
	g_string_append(g, buf);
}

/* The parameter columns' header, or the values of a point. */
static void param_header(GString *g, const struct sweep_plan *plan)
{
	for (guint i = 0; i < plan->params->len; i++) {
		const struct sweep_param *p = g_ptr_array_index(plan->params, i);
		g_string_append_printf(g, "\t%s\t%s", p->path, p->num_column);
	}
}

static void param_cells(GString *g, const struct sweep_plan *plan, guint point)
{
	for (guint i = 0; i < plan->params->len; i++) {
		const struct sweep_param *p = g_ptr_array_index(plan->params, i);
		guint k = sweep_value_index(plan, p, point);
		char *t = sweep_value_text(g_ptr_array_index(p->values, k));
		g_string_append_printf(g, "\t%s\t", t);
		put_num(g, g_array_index(p->numbers, double, k));
		g_free(t);
	}
}

/* Every metric of a summary into vals. */
static void run_metrics(const cJSON *sum, const struct sweep_plan *plan, double *vals)
{
	for (guint m = 0; m < plan->metrics->len; m++) {
		bool found;
		vals[m] = sweep_metric_eval(g_ptr_array_index(plan->metrics, m), sum, &found);
	}
}

/* One row of runs.tsv; vals receives the run's metrics (NaN unless it is ok). */
static void run_row(GString *g, const char *dir, const struct sweep_plan *plan,
		    const struct sweep_status *st, guint run, double *vals, GArray *missing,
		    GArray *failed)
{
	guint point = run / plan->seeds->len;
	char *rel = sweep_run_rel(plan, run);
	const struct sweep_result *res = sweep_status_get(st, plan, run);
	const char *status = "ok";
	char *error = NULL;
	if (!res) {
		status = "missing";
		g_array_append_val(missing, run);
	} else if (!res->ok) {
		status = "failed";
		error = g_strdup(res->error);
		g_array_append_val(failed, run);
	} else {
		cJSON *sum = sweep_run_summary(dir, plan, run);
		if (sum && sweep_summary_matches(sum, plan, run)) {
			run_metrics(sum, plan, vals);
		} else {
			status = "stale";
			error = g_strdup("its summary.json is missing or not the run this sweep "
					 "asks for");
			g_array_append_val(missing, run);
		}
		cJSON_Delete(sum);
	}
	if (strcmp(status, "ok") != 0)
		for (guint m = 0; m < plan->metrics->len; m++)
			vals[m] = NAN;
	g_string_append_printf(g, "p%05u", point);
	param_cells(g, plan, point);
	g_string_append_printf(g, "\t%" G_GUINT64_FORMAT "\t%s",
			       g_array_index(plan->seeds, guint64, run % plan->seeds->len), status);
	for (guint m = 0; m < plan->metrics->len; m++) {
		g_string_append_c(g, '\t');
		put_num(g, vals[m]);
	}
	/* One field: an error never holds a tab or a line break. */
	for (char *c = error; c && *c; c++)
		if (*c == '\t' || *c == '\n' || *c == '\r')
			*c = ' ';
	g_string_append_printf(g, "\t%s\t%s\t%s\n", strcmp(status, "ok") == 0 ? res->hash : "", rel,
			       error ? error : "");
	g_free(error);
	g_free(rel);
}

/* The rows of aggregate.tsv for one point: vals[seed][metric]. */
static void aggregate_rows(GString *g, const struct sweep_plan *plan, guint point,
			   const double *vals)
{
	guint ns = plan->seeds->len, nm = plan->metrics->len;
	double *x = g_new(double, ns);
	for (guint m = 0; m < nm; m++) {
		for (guint s = 0; s < ns; s++)
			x[s] = vals[s * nm + m];
		struct sweep_stats st;
		sweep_stats_compute(x, ns, &st);
		const struct sweep_metric *met = g_ptr_array_index(plan->metrics, m);
		g_string_append_printf(g, "p%05u", point);
		param_cells(g, plan, point);
		g_string_append_printf(g, "\t%s\t%zu", met->text, st.n);
		double cells[] = {st.mean, st.sd, st.ci95, st.mean - st.ci95, st.mean + st.ci95,
				  st.min, st.max};
		for (guint c = 0; c < G_N_ELEMENTS(cells); c++) {
			g_string_append_c(g, '\t');
			put_num(g, cells[c]);
		}
		g_string_append_c(g, '\n');
	}
	g_free(x);
}

static int write_file(const char *dir, const char *name, const GString *g, char **err)
{
	char *path = g_build_filename(dir, name, NULL);
	GError *e = NULL;
	int rc = 0;
	if (!g_file_set_contents(path, g->str, (gssize)g->len, &e)) {
		*err = g_strdup(e->message);
		g_error_free(e);
		rc = -1;
	}
	g_free(path);
	return rc;
}

int sweep_collect(const char *dir, const struct sweep_plan *plan,
		  const struct sweep_status *st, GArray *missing, GArray *failed, char **err)
{
	GString *runs = g_string_new("point"), *agg = g_string_new("point");
	param_header(runs, plan);
	g_string_append(runs, "\tseed\tstatus");
	for (guint m = 0; m < plan->metrics->len; m++)
		g_string_append_printf(runs, "\t%s",
				       ((struct sweep_metric *)g_ptr_array_index(plan->metrics, m))->text);
	g_string_append(runs, "\ttrace_hash\tdir\terror\n");
	param_header(agg, plan);
	g_string_append(agg, "\tmetric\tn\tmean\tsd\tci95\tci95_low\tci95_high\tmin\tmax\n");

	guint ns = plan->seeds->len, nm = plan->metrics->len;
	double *vals = g_new(double, (gsize)ns * (nm ? nm : 1));
	for (guint point = 0; point < plan->n_points; point++) {
		for (guint s = 0; s < ns; s++)
			run_row(runs, dir, plan, st, point * ns + s, vals + s * nm, missing, failed);
		aggregate_rows(agg, plan, point, vals);
	}
	g_free(vals);
	int rc = write_file(dir, "runs.tsv", runs, err);
	if (rc == 0)
		rc = write_file(dir, "aggregate.tsv", agg, err);
	g_string_free(runs, TRUE);
	g_string_free(agg, TRUE);
	return rc;
}

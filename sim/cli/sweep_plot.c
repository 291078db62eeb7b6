/* sim/cli/sweep_plot.c — `netsim plot SWEEP_DIR`: one graph per metric, the metric's
 * mean at each point against the first varied parameter, with the 95 % confidence
 * interval as error bars and one line per combination of the other parameters'
 * values. Reads sweep.json and aggregate.tsv; writes, like plot.c, a driver script
 * (plots/plot-sweep.gp) that loads the copy of plots/sweep.gp in plots/gp/ per
 * graph, the data it draws (plots/METRIC.tsv, a block per line) and the images,
 * replacing plots/ as a whole; every path is relative to the sweep directory.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "sim/cli/plot.h"
#include "sim/cli/summary.h"
#include "sim/cli/sweep.h"
#include "sim/core/output.h"

bool sweep_is_dir(const char *dir)
{
	char *p = g_build_filename(dir, "sweep.json", NULL);
	bool yes = g_file_test(p, G_FILE_TEST_IS_REGULAR);
	g_free(p);
	return yes;
}

/* aggregate.tsv's mean and ci95 cells, by point and metric ("nan" where absent). */
struct agg_table {
	guint n_points, n_metrics;
	char **mean, **ci; /* [point * n_metrics + metric], owned */
};

static void agg_free(struct agg_table *t)
{
	for (guint i = 0; i < t->n_points * t->n_metrics; i++) {
		g_free(t->mean[i]);
		g_free(t->ci[i]);
	}
	g_free(t->mean);
	g_free(t->ci);
}

static int col_of(char **cols, const char *name)
{
	for (int i = 0; cols[i]; i++)
		if (strcmp(cols[i], name) == 0)
			return i;
	return -1;
}

static int agg_read(const char *dir, const struct sweep_plan *plan, struct agg_table *t,
		    GError **error)
{
	char *path = g_build_filename(dir, "aggregate.tsv", NULL);
	gchar *text = NULL;
	bool ok = g_file_get_contents(path, &text, NULL, error);
	g_free(path);
	if (!ok)
		return -1;
	t->n_points = plan->n_points;
	t->n_metrics = plan->metrics->len;
	t->mean = g_new0(char *, t->n_points * t->n_metrics);
	t->ci = g_new0(char *, t->n_points * t->n_metrics);
	char **lines = g_strsplit(text, "\n", -1);
	g_free(text);
	char **head = g_strsplit(lines[0] ? lines[0] : "", "\t", -1);
	int cp = col_of(head, "point"), cm = col_of(head, "metric"), cmean = col_of(head, "mean"),
	    cci = col_of(head, "ci95");
	for (guint i = 1; lines[i] && cp >= 0 && cm >= 0 && cmean >= 0 && cci >= 0; i++) {
		char **f = g_strsplit(lines[i], "\t", -1);
		guint nf = g_strv_length(f);
		guint64 pt;
		guint m = 0;
		while (m < t->n_metrics && nf > (guint)cm &&
		       strcmp(((struct sweep_metric *)g_ptr_array_index(plan->metrics, m))->text,
			      f[cm]) != 0)
			m++;
		if (nf > (guint)MAX(cmean, cci) && f[cp][0] == 'p' &&
		    g_ascii_string_to_unsigned(f[cp] + 1, 10, 0, t->n_points - 1, &pt, NULL) &&
		    m < t->n_metrics) {
			guint k = (guint)pt * t->n_metrics + m;
			g_free(t->mean[k]);
			g_free(t->ci[k]);
			t->mean[k] = g_strdup(f[cmean]);
			t->ci[k] = g_strdup(f[cci]);
		}
		g_strfreev(f);
	}
	g_strfreev(head);
	g_strfreev(lines);
	return 0;
}

/* A metric as a file name: "flows[*].goodput_bps:sum" → "flows.all.goodput_bps.sum". */
static char *metric_file_name(const char *text)
{
	GString *g = g_string_new(NULL);
	for (const char *p = text; *p; p++) {
		if (g_str_has_prefix(p, "[*]")) {
			g_string_append(g, ".all");
			p += 2;
		} else if (*p == '[') {
			g_string_append_c(g, '.');
		} else if (*p == ':') {
			g_string_append_c(g, '.');
		} else if (g_ascii_isalnum(*p) || *p == '_' || *p == '-' || *p == '.') {
			g_string_append_c(g, *p);
		} else if (*p != ']') {
			g_string_append_c(g, '_');
		}
	}
	return g_string_free(g, FALSE);
}

/* The title of the line point `pt` is on: the values of the parameters that are not
 * on the x axis; "" when every parameter is. */
static char *line_title(const struct sweep_plan *plan, guint xdim, guint pt)
{
	GString *g = g_string_new(NULL);
	for (guint i = 0; i < plan->params->len; i++) {
		const struct sweep_param *p = g_ptr_array_index(plan->params, i);
		if (p->dim == xdim)
			continue;
		char *v = sweep_value_text(g_ptr_array_index(p->values, sweep_value_index(plan, p, pt)));
		g_string_append_printf(g, "%s%s=%s", g->len ? ", " : "", p->path, v);
		g_free(v);
	}
	return g_string_free(g, FALSE);
}

/* The data of metric m: one block per line (in the order lines first appear), each
 * headed by its title, rows "x mean ci95". Returns the number of blocks. */
static guint metric_data(const struct sweep_plan *plan, const struct agg_table *t, guint m,
			 GString *out)
{
	const struct sweep_param *xp = plan->params->len ? g_ptr_array_index(plan->params, 0) : NULL;
	guint xdim = xp ? xp->dim : G_MAXUINT;
	GPtrArray *titles = g_ptr_array_new_with_free_func(g_free);
	for (guint pt = 0; pt < plan->n_points; pt++) {
		char *title = line_title(plan, xdim, pt);
		bool seen = false;
		for (guint i = 0; i < titles->len && !seen; i++)
			seen = strcmp(g_ptr_array_index(titles, i), title) == 0;
		if (seen) {
			g_free(title);
			continue;
		}
		g_ptr_array_add(titles, title);
		g_string_append_printf(out, "%s%s\n", titles->len > 1 ? "\n\n" : "",
				       *title ? title : "mean and 95% confidence interval");
		for (guint q = pt; q < plan->n_points; q++) {
			char *tq = line_title(plan, xdim, q);
			if (strcmp(tq, title) == 0) {
				char buf[32] = "0";
				if (xp)
					sweep_fmt_number(buf, g_array_index(xp->numbers, double,
									      sweep_value_index(plan, xp, q)));
				guint k = q * t->n_metrics + m;
				g_string_append_printf(out, "%s\t%s\t%s\n", buf,
						       t->mean[k] ? t->mean[k] : "nan",
						       t->ci[k] ? t->ci[k] : "nan");
			}
			g_free(tq);
		}
	}
	guint n = titles->len;
	g_ptr_array_free(titles, TRUE);
	return n;
}

/* The x axis: its label, whether it is logarithmic, tic labels when the parameter
 * has no numbers. */
static void x_axis(const struct sweep_plan *plan, GString *d)
{
	const struct sweep_param *xp = plan->params->len ? g_ptr_array_index(plan->params, 0) : NULL;
	GString *tics = g_string_new(NULL);
	bool log = false;
	if (xp && xp->unit == SWEEP_UNIT_INDEX) {
		for (guint i = 0; i < xp->values->len; i++) {
			char *v = sweep_value_text(g_ptr_array_index(xp->values, i));
			/* A gnuplot double-quoted label: no quotes, backslashes or % inside. */
			g_strdelimit(v, "\"\\%", '_');
			char *one = g_strdup_printf("%s\"%s\" %u", i ? ", " : "", v, i);
			g_string_append(tics, one);
			g_free(one);
			g_free(v);
		}
	} else if (xp) {
		double lo = INFINITY, hi = 0;
		for (guint i = 0; i < xp->numbers->len; i++) {
			double x = g_array_index(xp->numbers, double, i);
			lo = MIN(lo, x);
			hi = MAX(hi, x);
		}
		/* A log range, or values spanning more than a factor of 20. */
		log = xp->log_scale || (lo > 0 && hi / lo >= 20);
	}
	g_string_append(d, "xlab = ");
	plot_gp_string(d, !xp ? "point" : xp->unit == SWEEP_UNIT_INDEX ? xp->path : xp->num_column);
	g_string_append_printf(d, "; xlog = %d; xticlist = ", log);
	plot_gp_string(d, tics->str);
	g_string_append(d, "\n");
	g_string_free(tics, TRUE);
}

/* Writes the data and driver lines of every metric into tmpdir (rel: its name
 * relative to dir). Returns 0, or -1 with *error. */
static int write_graphs(const struct sweep_plan *plan, const struct agg_table *t,
			const char *tmpdir, const char *rel, const char *fmt, GString *d,
			GError **error)
{
	x_axis(plan, d);
	for (guint m = 0; m < plan->metrics->len; m++) {
		const struct sweep_metric *met = g_ptr_array_index(plan->metrics, m);
		char *name = metric_file_name(met->text);
		GString *data = g_string_new(NULL);
		guint nlines = metric_data(plan, t, m, data);
		char *dpath = g_strdup_printf("%s/%s.tsv", tmpdir, name);
		bool ok = g_file_set_contents(dpath, data->str, (gssize)data->len, error);
		char *dfile = g_strdup_printf("%s/%s.tsv", rel, name);
		char *ofile = g_strdup_printf("%s/%s.%s", rel, name, fmt);
		char *title = g_strdup_printf("%s: %s", plan->name, met->text);
		g_string_append(d, "datafile = ");
		plot_gp_string(d, dfile);
		g_string_append(d, "; outfile = ");
		plot_gp_string(d, ofile);
		g_string_append(d, "; plottitle = ");
		plot_gp_string(d, title);
		g_string_append(d, "; ylab = ");
		plot_gp_string(d, met->text);
		g_string_append_printf(d, "; nlines = %u\nload dir . 'sweep.gp'\n", nlines);
		g_free(title);
		g_free(ofile);
		g_free(dfile);
		g_free(dpath);
		g_string_free(data, TRUE);
		g_free(name);
		if (!ok)
			return -1;
	}
	return 0;
}

/* Runs the driver, keeps it (naming plots/ instead of the staging folder) and
 * replaces dir/plots. */
static int draw(const char *dir, const char *tmpdir, const char *rel, GString *d,
		char *gnuplot, GError **error)
{
	char *abs = g_canonicalize_filename(tmpdir, NULL);
	char *driver = g_build_filename(abs, "plot-sweep.gp", NULL);
	g_free(abs);
	int rc = -1;
	if (g_file_set_contents(driver, d->str, (gssize)d->len, error) &&
	    plot_run_driver(dir, gnuplot, driver, error) == 0) {
		char *from = g_strdup_printf("%s/", rel);
		char **parts = g_strsplit(d->str, from, -1);
		char *kept = g_strjoinv("plots/", parts);
		g_file_set_contents(driver, kept, -1, NULL);
		g_free(kept);
		g_strfreev(parts);
		g_free(from);
		char *plots = g_build_filename(dir, "plots", NULL);
		if (sim_remove_tree(plots) != 0 || g_rename(tmpdir, plots) != 0)
			g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "%s: %s",
				    plots, g_strerror(errno));
		else
			rc = 0;
		g_free(plots);
	}
	g_free(driver);
	return rc;
}

int sweep_plot(const char *dir, const char *format, unsigned *graphs, GError **error)
{
	char *err = NULL;
	struct sweep_plan *plan = sweep_dir_plan(dir, &err);
	if (!plan) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s", err);
		g_free(err);
		return -1;
	}
	struct agg_table t = {0};
	char *gnuplot = NULL, *tmpdir = NULL, *scripts = NULL;
	int rc = -1;
	if (agg_read(dir, plan, &t, error) != 0 || !(gnuplot = plot_gnuplot(dir, error)) ||
	    !(scripts = plot_scripts_dir(error)))
		goto out;
	tmpdir = g_build_filename(dir, ".plots.tmp-XXXXXX", NULL);
	if (!g_mkdtemp(tmpdir)) {
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "%s: %s", tmpdir,
			    g_strerror(errno));
		g_free(tmpdir);
		tmpdir = NULL;
		goto out;
	}
	char *rel = g_path_get_basename(tmpdir);
	/* The scripts travel with the graphs (plots/gp/), every path relative to the
	 * sweep directory, as plot.c does for a run. */
	char *gp = g_build_filename(tmpdir, "gp", NULL);
	GString *d = g_string_new("# Draws the graphs of this sweep; run it from the sweep "
				  "directory:\n#   gnuplot plots/plot-sweep.gp\ndir = ");
	char *with_slash = g_strdup_printf("%s/gp/", rel);
	plot_gp_string(d, with_slash);
	g_string_append(d, strcmp(format, "svg") == 0
				   ? "\nset terminal svg size 900,600 dynamic font 'sans,12'\n"
				   : "\nset terminal pngcairo size 900,600 font 'sans,10'\n");
	if (plot_copy_scripts(scripts, gp, error) == 0 &&
	    write_graphs(plan, &t, tmpdir, rel, format, d, error) == 0 &&
	    draw(dir, tmpdir, rel, d, gnuplot, error) == 0) {
		g_free(tmpdir);
		tmpdir = NULL;
		if (graphs)
			*graphs = plan->metrics->len;
		rc = 0;
	}
	g_string_free(d, TRUE);
	g_free(with_slash);
	g_free(gp);
	g_free(rel);
out:
	if (tmpdir) {
		sim_remove_tree(tmpdir);
		g_free(tmpdir);
	}
	g_free(gnuplot);
	g_free(scripts);
	agg_free(&t);
	sweep_plan_free(plan);
	return rc;
}

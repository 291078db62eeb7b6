/* sim/cli/plot.c — draws a results directory's graphs with gnuplot.
 *
 * One gnuplot process draws everything: this file writes a driver script
 * (plots/plot-all.gp, kept so a user can tweak and re-run it with
 * `cd RESULTS_DIR && gnuplot plots/plot-all.gp`) that sets a few variables per graph
 * and loads the matching script. The scripts are copied into plots/gp/, and gnuplot
 * runs in the results directory with every path relative to it, so a results
 * directory is self-contained: copied elsewhere, it redraws with gnuplot alone.
 *
 * Where the scripts come from: NETSIM_PLOTS_DIR when set, else found beside the
 * running program (/proc/self/exe): PREFIX/share/netsim/plots for an installed netsim
 * (PREFIX/bin/netsim), BUILD/plots (copied there by meson) for one run from its build
 * directory.
 *
 * gnuplot draws a line through undefined points as a gap, so series that must be
 * drawn as lines from rows of one kind (ACKs out of a sequence trace mixing sends and
 * ACKs) are first split into small derived TSV files in plots/. Goodput over time is
 * computed here too (bytes acknowledged per time bin).
 */
#include "sim/cli/plot.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <glib/gstdio.h>

#include "sim/cli/sweep.h"
#include "sim/core/output.h"

/* Where meson installs the program and the scripts, relative to the prefix
 * ("bin", "share"); absolute when configured so (then not relocatable). */
#ifndef NETSIM_BINDIR
#define NETSIM_BINDIR "bin"
#endif
#ifndef NETSIM_DATADIR
#define NETSIM_DATADIR "share"
#endif

/* ---- reading TSV traces ------------------------------------------------------------ */

struct tsv {
	char **cols;     /* header names */
	guint ncols;
	GPtrArray *rows; /* char ** (g_strfreev) */
};

static void tsv_free(struct tsv *t)
{
	if (!t)
		return;
	g_strfreev(t->cols);
	g_ptr_array_free(t->rows, TRUE);
	g_free(t);
}

static struct tsv *tsv_read(const char *path, GError **error)
{
	gchar *text;
	if (!g_file_get_contents(path, &text, NULL, error))
		return NULL;
	struct tsv *t = g_new0(struct tsv, 1);
	t->rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
	char **lines = g_strsplit(text, "\n", -1);
	g_free(text);
	for (guint i = 0; lines[i]; i++) {
		if (lines[i][0] == '\0')
			continue;
		char **f = g_strsplit(lines[i], "\t", -1);
		if (!t->cols) {
			t->cols = f;
			t->ncols = g_strv_length(f);
		} else {
			g_ptr_array_add(t->rows, f);
		}
	}
	g_strfreev(lines);
	if (!t->cols)
		t->cols = g_new0(char *, 1);
	return t;
}

/* True when the file has at least one row after its header. */
static bool tsv_has_rows(const char *dir, const char *name)
{
	char *p = g_build_filename(dir, name, NULL);
	gchar *text = NULL;
	gsize len = 0;
	bool rows = false;
	if (g_file_get_contents(p, &text, &len, NULL)) {
		const char *nl = memchr(text, '\n', len);
		rows = nl && (gsize)(nl - text) + 1 < len;
	}
	g_free(text);
	g_free(p);
	return rows;
}

static int tsv_col(const struct tsv *t, const char *name)
{
	for (guint i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i], name) == 0)
			return (int)i;
	return -1;
}

static const char *tsv_field(const struct tsv *t, guint row, int col)
{
	char **f = g_ptr_array_index(t->rows, row);
	if (col < 0 || (guint)col >= g_strv_length(f))
		return "";
	return f[col];
}

/* The largest finite value of the named columns (NULL-terminated), 0 if none. */
static double tsv_max(const struct tsv *t, const char *const *cols)
{
	double max = 0;
	for (const char *const *c = cols; *c; c++) {
		int ci = tsv_col(t, *c);
		for (guint r = 0; ci >= 0 && r < t->rows->len; r++) {
			double v = g_ascii_strtod(tsv_field(t, r, ci), NULL);
			if (isfinite(v) && v > max)
				max = v;
		}
	}
	return max;
}

/* ---- derived data ------------------------------------------------------------------- */

/* Splits a sequence trace into send / retransmit / ack / sack files; *ymax is the
 * highest sequence number drawn (segment ends, ACK + window). */
static int split_seq(const char *dir, const char *tmpdir, const char *name, const char *stem,
		     double *ymax, GError **error)
{
	char *path = g_build_filename(dir, name, NULL);
	struct tsv *t = tsv_read(path, error);
	g_free(path);
	if (!t)
		return -1;
	int ct = tsv_col(t, "time_s"), ck = tsv_col(t, "kind"), cs = tsv_col(t, "seq"),
	    ce = tsv_col(t, "end"), cw = tsv_col(t, "win_bytes");
	static const char *const kinds[] = {"send", "retransmit", "ack", "sack"};
	enum { NKINDS = G_N_ELEMENTS(kinds) };
	GString *out[NKINDS];
	for (int k = 0; k < NKINDS; k++)
		out[k] = g_string_new("time_s\tseq\tend\twin_bytes\n");
	*ymax = 0;
	for (guint r = 0; r < t->rows->len; r++) {
		const char *kind = tsv_field(t, r, ck);
		double top = g_ascii_strtod(tsv_field(t, r, ce), NULL) +
			     g_ascii_strtod(tsv_field(t, r, cw), NULL);
		if (isfinite(top) && top > *ymax)
			*ymax = top;
		for (int k = 0; k < NKINDS; k++) {
			if (strcmp(kind, kinds[k]) == 0)
				g_string_append_printf(out[k], "%s\t%s\t%s\t%s\n", tsv_field(t, r, ct),
						       tsv_field(t, r, cs), tsv_field(t, r, ce),
						       tsv_field(t, r, cw));
		}
	}
	int rc = 0;
	for (int k = 0; k < NKINDS; k++) {
		char *fn = g_strdup_printf("%s.%s.tsv", stem, kinds[k]);
		char *p = g_build_filename(tmpdir, fn, NULL);
		if (rc == 0 && !g_file_set_contents(p, out[k]->str, (gssize)out[k]->len, error))
			rc = -1;
		g_free(p);
		g_free(fn);
		g_string_free(out[k], TRUE);
	}
	tsv_free(t);
	return rc;
}

/* A "nice" bin width (1, 2, 5 × 10^k seconds) giving about 100 bins over `span`. */
static double bin_width(double span)
{
	double target = span / 100.0;
	if (target < 0.001)
		target = 0.001;
	double p = pow(10.0, floor(log10(target)));
	for (int m = 1; m <= 10; m++) {
		if (m == 1 || m == 2 || m == 5 || m == 10)
			if (m * p >= target)
				return m * p;
	}
	return 10 * p;
}

/* Goodput over time from the ACKs of a sequence trace: bytes newly acknowledged per
 * bin, as Mbit/s. Returns the number of bins written (0: no ACKs). */
static int goodput_from_seq(const char *dir, const char *tmpdir, const char *name,
			    const char *stem, double span, GError **error)
{
	char *path = g_build_filename(dir, name, NULL);
	struct tsv *t = tsv_read(path, error);
	g_free(path);
	if (!t)
		return -1;
	int ct = tsv_col(t, "time_s"), ck = tsv_col(t, "kind"), ce = tsv_col(t, "end");
	double w = bin_width(span);
	guint nbins = (guint)ceil(span / w) + 1;
	double *acked = g_new0(double, nbins);
	double best = 1.0; /* the SYN occupies sequence number 0; data starts at 1 */
	bool any = false;
	for (guint r = 0; r < t->rows->len; r++) {
		if (strcmp(tsv_field(t, r, ck), "ack") != 0)
			continue;
		double tm = g_ascii_strtod(tsv_field(t, r, ct), NULL);
		double ack = g_ascii_strtod(tsv_field(t, r, ce), NULL);
		if (ack > best) {
			guint b = (guint)(tm / w);
			if (b >= nbins)
				b = nbins - 1;
			acked[b] += ack - best;
			best = ack;
			any = true;
		}
	}
	tsv_free(t);
	if (!any) {
		g_free(acked);
		return 0;
	}
	GString *out = g_string_new("time_s\tgoodput_mbps\n");
	for (guint b = 0; b < nbins && b * w < span; b++) {
		char t0[G_ASCII_DTOSTR_BUF_SIZE], g[G_ASCII_DTOSTR_BUF_SIZE];
		g_ascii_formatd(t0, sizeof(t0), "%.6f", b * w);
		g_ascii_formatd(g, sizeof(g), "%.6f", acked[b] * 8.0 / w / 1e6);
		g_string_append_printf(out, "%s\t%s\n", t0, g);
	}
	g_free(acked);
	char *fn = g_strdup_printf("%s.goodput.tsv", stem);
	char *p = g_build_filename(tmpdir, fn, NULL);
	int rc = g_file_set_contents(p, out->str, (gssize)out->len, error) ? 1 : -1;
	g_free(p);
	g_free(fn);
	g_string_free(out, TRUE);
	return rc;
}

/* The time of the first retransmission in a split retransmit file, or -1. */
static double first_retransmit(const char *tmpdir, const char *stem)
{
	char *fn = g_strdup_printf("%s.retransmit.tsv", stem);
	char *p = g_build_filename(tmpdir, fn, NULL);
	struct tsv *t = tsv_read(p, NULL);
	double first = -1;
	if (t && t->rows->len > 0)
		first = g_ascii_strtod(tsv_field(t, 0, tsv_col(t, "time_s")), NULL);
	tsv_free(t);
	g_free(p);
	g_free(fn);
	return first;
}

/* The smoothed RTT (s) in force at time `at` according to an endpoint trace, or a
 * guess of 100 ms when the trace is missing. */
static double srtt_at(const char *dir, const char *endpoint_trace, double at)
{
	char *p = g_build_filename(dir, endpoint_trace, NULL);
	struct tsv *t = tsv_read(p, NULL);
	g_free(p);
	double srtt = 0.1;
	if (t) {
		int ct = tsv_col(t, "time_s"), cs = tsv_col(t, "srtt_ms");
		for (guint r = 0; r < t->rows->len; r++) {
			double tm = g_ascii_strtod(tsv_field(t, r, ct), NULL);
			double v = g_ascii_strtod(tsv_field(t, r, cs), NULL);
			if (tm > at)
				break;
			if (v > 0)
				srtt = v / 1e3;
		}
		tsv_free(t);
	}
	return srtt;
}

/* ---- the driver script -------------------------------------------------------------- */

/* Appends s as a single-quoted gnuplot string. */
static void gp_str(GString *g, const char *s)
{
	g_string_append_c(g, '\'');
	for (const char *p = s; *p; p++) {
		if (*p == '\'')
			g_string_append(g, "''");
		else
			g_string_append_c(g, *p);
	}
	g_string_append_c(g, '\'');
}

struct driver {
	GString *g;
	const char *fmt;
	const char *scenario;
	const char *plotsrel;   /* staging plots dir, relative to the results dir */
	const cJSON *summary;   /* the run's summary.json (flows' MSS) */
	unsigned graphs;
};

/* One graph: datafile (relative to the results dir), output name, title, script. */
static void graph(struct driver *d, const char *datafile, const char *out, const char *what,
		  const char *script)
{
	char *title = g_strdup_printf("%s: %s", d->scenario, what);
	char *outfile = g_strdup_printf("%s/%s.%s", d->plotsrel, out, d->fmt);
	g_string_append(d->g, "datafile = ");
	gp_str(d->g, datafile);
	g_string_append(d->g, "; outfile = ");
	gp_str(d->g, outfile);
	g_string_append(d->g, "; plottitle = ");
	gp_str(d->g, title);
	g_string_append(d->g, "\nload dir . ");
	gp_str(d->g, script);
	g_string_append(d->g, "\n");
	d->graphs++;
	g_free(title);
	g_free(outfile);
}

/* The unit of a byte axis whose data reach `max`: the driver sets yscale and yunit
 * before a graph, and the script divides by yscale and prints ticks with "%g", so
 * 1.5 MB reads "1.5" on an axis labelled MB. ymax (in yunit, 5 % above the data) lets
 * a script fix the range, so that a second axis can be aligned with it. */
static void byte_axis(struct driver *d, double max)
{
	char buf[G_ASCII_DTOSTR_BUF_SIZE];
	double scale = max >= 1e9 ? 1e9 : max >= 1e6 ? 1e6 : max >= 1e4 ? 1e3 : 1;
	g_string_append_printf(d->g, "ymax = %s; ",
			       g_ascii_formatd(buf, sizeof(buf), "%.6g",
					       max > 0 ? max / scale * 1.05 : 1.0));
	const char *unit = scale == 1e9 ? "GB" : scale == 1e6 ? "MB" : scale == 1e3 ? "kB" : "bytes";
	g_string_append_printf(d->g, "yscale = %.0f; yunit = '%s'\n", scale, unit);
}

/* A graph of several series: the driver sets `files` and `titles` as space-separated
 * word lists for the script. Names are scenario names ([A-Za-z0-9_.-]), so gnuplot's
 * word lists are safe. */
static void overlay_graph(struct driver *d, GPtrArray *files, GPtrArray *titles,
			  const char *out, const char *what, const char *script)
{
	GString *fl = g_string_new(NULL), *tl = g_string_new(NULL);
	for (guint i = 0; i < files->len; i++) {
		g_string_append_printf(fl, "%s%s", i ? " " : "", (char *)g_ptr_array_index(files, i));
		g_string_append_printf(tl, "%s%s", i ? " " : "", (char *)g_ptr_array_index(titles, i));
	}
	g_string_append(d->g, "files = ");
	gp_str(d->g, fl->str);
	g_string_append(d->g, "; titles = ");
	gp_str(d->g, tl->str);
	g_string_append(d->g, "\n");
	graph(d, "", out, what, script);
	g_string_free(fl, TRUE);
	g_string_free(tl, TRUE);
}

static bool is_endpoint_trace(const char *name, char **flow, char **side)
{
	static const char *const sides[] = {"sender", "receiver", "client", "server"};
	if (!g_str_has_suffix(name, ".tsv") || g_str_has_suffix(name, ".seq.tsv") ||
	    g_str_has_prefix(name, "link."))
		return false;
	for (int i = 0; i < 4; i++) {
		char *suffix = g_strdup_printf(".%s.tsv", sides[i]);
		bool m = g_str_has_suffix(name, suffix) && strlen(name) > strlen(suffix);
		if (m) {
			*flow = g_strndup(name, strlen(name) - strlen(suffix));
			*side = g_strdup(sides[i]);
		}
		g_free(suffix);
		if (m)
			return true;
	}
	return false;
}

static gint cmp_str(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The series the overlay graphs gather: every endpoint's cwnd, every flow's
 * goodput (data files and titles). */
struct overlays {
	GPtrArray *cwnd, *cwnd_titles;
	GPtrArray *goodput, *goodput_titles;
	double cwnd_max; /* bytes, over every endpoint */
};

/* The MSS summary.json gives flow `name` (flows[].mss_bytes), 0 if unknown. */
static int flow_mss(const cJSON *summary, const char *name)
{
	const cJSON *f;
	cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(summary, "flows"))
	{
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(f, "name");
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(f, "mss_bytes");
		if (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0 && cJSON_IsNumber(m))
			return m->valueint;
	}
	return 0;
}

/* An endpoint trace: cwnd and RTT graphs, and the cwnd overlay. The cwnd graph's
 * right axis counts segments of the flow's MSS. */
static void plot_endpoint(struct driver *d, struct overlays *ov, const char *dir, const char *f,
			  const char *flow, const char *side)
{
	/* A receiver's window never changes: its graphs would be empty. */
	if (strcmp(side, "receiver") == 0)
		return;
	char *path = g_build_filename(dir, f, NULL);
	struct tsv *t = tsv_read(path, NULL);
	g_free(path);
	static const char *const cols[] = {"cwnd_bytes", "ssthresh_bytes", "inflight_bytes", NULL};
	static const char *const cwnd_col[] = {"cwnd_bytes", NULL};
	static const char *const time_col[] = {"time_s", NULL};
	double max = t ? tsv_max(t, cols) : 0;
	double cmax = t ? tsv_max(t, cwnd_col) : 0;
	char xend[G_ASCII_DTOSTR_BUF_SIZE];
	g_ascii_formatd(xend, sizeof(xend), "%.9f", t ? tsv_max(t, time_col) : 0);
	tsv_free(t);
	if (cmax > ov->cwnd_max)
		ov->cwnd_max = cmax;
	byte_axis(d, max);
	g_string_append_printf(d->g, "mss = %d\n", flow_mss(d->summary, flow));
	char *out = g_strdup_printf("%s.%s.cwnd", flow, side);
	char *what = g_strdup_printf("%s %s congestion window", flow, side);
	graph(d, f, out, what, "cwnd.gp");
	g_string_append(d->g, "undefine mss\n");
	g_free(out);
	g_free(what);
	out = g_strdup_printf("%s.%s.rtt", flow, side);
	what = g_strdup_printf("%s %s RTT and RTO", flow, side);
	g_string_append_printf(d->g, "xend = %s\n", xend);
	graph(d, f, out, what, "rtt.gp");
	g_free(out);
	g_free(what);
	g_ptr_array_add(ov->cwnd, g_strdup(f));
	g_ptr_array_add(ov->cwnd_titles, g_strdup_printf("%s.%s", flow, side));
}

/* A whole run's sequence graph is a straight line; the first loss episode, five RTTs
 * wide, shows what happened. `data` is the split trace, `base` the flow. */
static void plot_seq_zoom(struct driver *d, const char *dir, const char *tmpdir, const char *data,
			  const char *stem, const char *base)
{
	double t0 = first_retransmit(tmpdir, stem);
	if (t0 < 0)
		return;
	char *ep = g_strdup_printf("%s.tsv", base);
	double rtt = srtt_at(dir, ep, t0);
	char a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE];
	g_ascii_formatd(a, sizeof(a), "%.9f", t0 - 2 * rtt > 0 ? t0 - 2 * rtt : 0);
	g_ascii_formatd(b, sizeof(b), "%.9f", t0 + 3 * rtt);
	g_string_append_printf(d->g, "xmin = %s; xmax = %s\n", a, b);
	char *out = g_strdup_printf("%s.zoom", stem);
	char *what = g_strdup_printf("%s sequence numbers around the first retransmission", base);
	graph(d, data, out, what, "seq.gp");
	g_string_append(d->g, "undefine xmin xmax\n");
	g_free(out);
	g_free(what);
	g_free(ep);
}

/* A sequence trace: split into series, the sequence graph (and its zoom on the first
 * loss), the goodput graph and the goodput overlay. Returns 0, or -1 with *error. */
static int plot_seq(struct driver *d, struct overlays *ov, const char *dir, const char *tmpdir,
		    const char *f, double span, GError **error)
{
	char *stem = g_strndup(f, strlen(f) - strlen(".tsv"));
	char *base = g_strndup(f, strlen(f) - strlen(".seq.tsv"));
	int rc = -1;
	double ymax;
	if (split_seq(dir, tmpdir, f, stem, &ymax, error) != 0)
		goto out;
	byte_axis(d, ymax);
	char *data = g_strdup_printf("%s/%s", d->plotsrel, stem);
	char *what = g_strdup_printf("%s sequence numbers", base);
	graph(d, data, stem, what, "seq.gp");
	g_free(what);
	plot_seq_zoom(d, dir, tmpdir, data, stem, base);
	g_free(data);
	int n = goodput_from_seq(dir, tmpdir, f, base, span, error);
	if (n < 0)
		goto out;
	if (n > 0) {
		char *gf = g_strdup_printf("%s/%s.goodput.tsv", d->plotsrel, base);
		char *out = g_strdup_printf("%s.goodput", base);
		what = g_strdup_printf("%s goodput", base);
		graph(d, gf, out, what, "goodput.gp");
		g_ptr_array_add(ov->goodput, gf);
		g_ptr_array_add(ov->goodput_titles, g_strdup(base));
		g_free(out);
		g_free(what);
	}
	rc = 0;
out:
	g_free(stem);
	g_free(base);
	return rc;
}

/* A link direction's queue trace: its occupancy (link.<link>.<dir>.queue) and the
 * sojourn time of each packet dequeued (link.<link>.<dir>.sojourn). */
static void plot_queue(struct driver *d, const char *f)
{
	char *stem = g_strndup(f, strlen(f) - strlen(".tsv"));
	char *what = g_strndup(f + 5, strlen(f) - 5 - strlen(".queue.tsv"));
	char *dot = strrchr(what, '.');
	if (dot)
		*dot = '\0';
	char *title = g_strdup_printf("queue of link %s, %s direction", what, dot ? dot + 1 : "");
	graph(d, f, stem, title, "queue.gp");
	char *sstem = g_strdup_printf("%.*s.sojourn", (int)(strlen(stem) - strlen(".queue")), stem);
	char *stitle = g_strdup_printf("sojourn time in the queue of link %s, %s direction", what,
				       dot ? dot + 1 : "");
	graph(d, f, sstem, stitle, "sojourn.gp");
	g_free(sstem);
	g_free(stitle);
	g_free(stem);
	g_free(what);
	g_free(title);
}

/* A ping application's reply trace. */
static void plot_ping(struct driver *d, const char *f)
{
	char *stem = g_strndup(f, strlen(f) - strlen(".tsv"));
	char *app = g_strndup(f, strlen(f) - strlen(".ping.tsv"));
	char *title = g_strdup_printf("%s round-trip times", app);
	graph(d, f, stem, title, "ping.gp");
	g_free(stem);
	g_free(app);
	g_free(title);
}

/* The graphs of every trace in `files` (sorted), then the overlays. Returns 0, or -1
 * with *error. */
static int plot_traces(struct driver *d, const char *dir, const char *tmpdir, GPtrArray *files,
		       double span, GError **error)
{
	struct overlays ov = {
		g_ptr_array_new_with_free_func(g_free), g_ptr_array_new_with_free_func(g_free),
		g_ptr_array_new_with_free_func(g_free), g_ptr_array_new_with_free_func(g_free),
		0,
	};
	int err = 0;
	for (guint i = 0; i < files->len && !err; i++) {
		const char *f = g_ptr_array_index(files, i);
		char *flow = NULL, *side = NULL;
		/* A trace with no rows (a queue that never held a packet) has nothing to
		 * draw, and gnuplot refuses an empty graph. */
		if (!tsv_has_rows(dir, f))
			continue;
		if (is_endpoint_trace(f, &flow, &side))
			plot_endpoint(d, &ov, dir, f, flow, side);
		else if (g_str_has_suffix(f, ".seq.tsv"))
			err = plot_seq(d, &ov, dir, tmpdir, f, span, error) != 0;
		else if (g_str_has_prefix(f, "link.") && g_str_has_suffix(f, ".queue.tsv"))
			plot_queue(d, f);
		else if (g_str_has_suffix(f, ".ping.tsv"))
			plot_ping(d, f);
		g_free(flow);
		g_free(side);
	}
	/* Overlays: every endpoint's cwnd, every flow's goodput. */
	if (!err && ov.cwnd->len >= 2) {
		byte_axis(d, ov.cwnd_max);
		overlay_graph(d, ov.cwnd, ov.cwnd_titles, "cwnd-overlay",
			      "congestion windows of all flows", "overlay.gp");
	}
	if (!err && ov.goodput->len >= 2)
		overlay_graph(d, ov.goodput, ov.goodput_titles, "goodput-overlay",
			      "goodput of all flows", "goodput-overlay.gp");
	g_ptr_array_free(ov.cwnd, TRUE);
	g_ptr_array_free(ov.cwnd_titles, TRUE);
	g_ptr_array_free(ov.goodput, TRUE);
	g_ptr_array_free(ov.goodput_titles, TRUE);
	return err ? -1 : 0;
}

/* True when dir holds netsim's gnuplot scripts. */
static bool has_scripts(const char *dir)
{
	char *probe = g_build_filename(dir, "cwnd.gp", NULL);
	bool ok = g_file_test(probe, G_FILE_TEST_IS_REGULAR);
	g_free(probe);
	return ok;
}

/* PREFIX/DATADIR/netsim/plots for a program installed as PREFIX/BINDIR/netsim: up
 * from the program's directory by BINDIR's components, then down DATADIR. NULL when
 * the directories were configured as absolute paths (nothing to relocate). */
static char *installed_scripts(const char *exedir)
{
	if (g_path_is_absolute(NETSIM_BINDIR) || g_path_is_absolute(NETSIM_DATADIR))
		return g_build_filename(NETSIM_DATADIR, "netsim", "plots", NULL);
	char *prefix = g_strdup(exedir);
	char **parts = g_strsplit(NETSIM_BINDIR, "/", -1);
	for (char **p = parts; *p; p++) {
		if (**p == '\0' || strcmp(*p, ".") == 0)
			continue;
		char *up = g_path_get_dirname(prefix);
		g_free(prefix);
		prefix = up;
	}
	g_strfreev(parts);
	char *dir = g_build_filename(prefix, NETSIM_DATADIR, "netsim", "plots", NULL);
	g_free(prefix);
	return dir;
}

/* The directory of the gnuplot scripts (g_free), or NULL with *error naming where
 * it looked. */
static char *scripts_dir(GError **error)
{
	const char *env = g_getenv("NETSIM_PLOTS_DIR");
	if (env && *env) {
		if (has_scripts(env))
			return g_strdup(env);
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
			    "gnuplot scripts not found in %s (NETSIM_PLOTS_DIR)", env);
		return NULL;
	}
	char *exe = g_file_read_link("/proc/self/exe", NULL);
	char *exedir = exe ? g_path_get_dirname(exe) : g_strdup(".");
	char *candidates[2] = {installed_scripts(exedir), g_build_filename(exedir, "plots", NULL)};
	char *found = NULL;
	for (int i = 0; i < 2 && !found; i++)
		if (has_scripts(candidates[i]))
			found = g_strdup(candidates[i]);
	if (!found)
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
			    "gnuplot scripts not found in %s or %s (is netsim installed? set "
			    "NETSIM_PLOTS_DIR to a directory holding netsim's plots/*.gp)",
			    candidates[0], candidates[1]);
	g_free(candidates[0]);
	g_free(candidates[1]);
	g_free(exedir);
	g_free(exe);
	return found;
}

/* The gnuplot program (g_free), or NULL with *error. */
static char *find_gnuplot(const char *dir, GError **error)
{
	const char *prog = g_getenv("NETSIM_GNUPLOT");
	char *gnuplot = g_find_program_in_path(prog && *prog ? prog : "gnuplot");
	if (!gnuplot)
		g_set_error(error, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT,
			    "gnuplot is not installed (on Debian: apt-get install gnuplot-nox); "
			    "the results in %s are complete, only the graphs are missing",
			    dir);
	return gnuplot;
}

/* Copies every *.gp of `from` into `to` (created), so the results directory keeps
 * the scripts its driver loads. Returns 0, or -1 with *error. */
static int copy_scripts(const char *from, const char *to, GError **error)
{
	if (g_mkdir(to, 0755) != 0) {
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "%s: %s", to,
			    g_strerror(errno));
		return -1;
	}
	GDir *d = g_dir_open(from, 0, error);
	if (!d)
		return -1;
	int rc = 0;
	const char *nm;
	while (rc == 0 && (nm = g_dir_read_name(d)) != NULL) {
		if (!g_str_has_suffix(nm, ".gp"))
			continue;
		char *src = g_build_filename(from, nm, NULL);
		char *dst = g_build_filename(to, nm, NULL);
		gchar *text = NULL;
		gsize len = 0;
		if (!g_file_get_contents(src, &text, &len, error) ||
		    !g_file_set_contents(dst, text, (gssize)len, error))
			rc = -1;
		g_free(text);
		g_free(src);
		g_free(dst);
	}
	g_dir_close(d);
	return rc;
}

/* Every trace of the results directory, sorted so the graphs come out in a stable
 * order; NULL with *error. */
static GPtrArray *list_traces(const char *dir, GError **error)
{
	GDir *gd = g_dir_open(dir, 0, error);
	if (!gd)
		return NULL;
	GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
	const char *nm;
	while ((nm = g_dir_read_name(gd)) != NULL)
		if (g_str_has_suffix(nm, ".tsv"))
			g_ptr_array_add(files, g_strdup(nm));
	g_dir_close(gd);
	g_ptr_array_sort(files, cmp_str);
	return files;
}

/* The driver's preamble: the scripts directory (the copies in plots/gp/) and the
 * terminal. */
static void driver_begin(struct driver *d, const char *format)
{
	g_string_append(d->g, "# Draws every graph of this results directory; run it from there:\n"
			      "#   gnuplot plots/plot-all.gp\n"
			      "# Every path is relative to the results directory, and the scripts\n"
			      "# are the copies in plots/gp/: the directory redraws wherever it is.\n");
	char *sd = g_strdup_printf("%s/gp/", d->plotsrel);
	g_string_append(d->g, "dir = ");
	gp_str(d->g, sd);
	g_free(sd);
	g_string_append(d->g, "\n");
	if (strcmp(format, "svg") == 0)
		g_string_append(d->g, "set terminal svg size 1100,650 dynamic font 'sans,12'\n");
	else
		g_string_append(d->g, "set terminal pngcairo size 1100,650 font 'sans,10'\n");
}

/* Runs gnuplot on the driver in the results directory. Returns 0, or -1 with *error
 * (gnuplot's own messages included). */
static int run_gnuplot(const char *dir, char *gnuplot, char *driver_path, GError **error)
{
	char *argv[] = {gnuplot, driver_path, NULL};
	gchar *err_text = NULL;
	gint status = 0;
	if (!g_spawn_sync(dir, argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err_text,
			  &status, error))
		return -1;
	int rc = 0;
	if (!g_spawn_check_wait_status(status, NULL)) {
		g_set_error(error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED, "gnuplot failed:\n%s",
			    err_text ? err_text : "");
		rc = -1;
	}
	g_free(err_text);
	return rc;
}

/* The driver stays in plots/, rewritten to name plots/ rather than the staging
 * folder, so the graphs can be tweaked and redrawn by hand. Every mention is
 * rewritten, the words of an overlay's file list included. */
static void driver_keep(const struct driver *d, const char *driver_path)
{
	char *from = g_strdup_printf("%s/", d->plotsrel);
	char **parts = g_strsplit(d->g->str, from, -1);
	char *fixed = g_strjoinv("plots/", parts);
	g_strfreev(parts);
	g_free(from);
	g_file_set_contents(driver_path, fixed, -1, NULL);
	g_free(fixed);
}

/* Draws the graphs of `files` into the staging folder tmpdir (driver d, set up but
 * for its graphs) and replaces dir/plots with it. Returns 0, or -1 with *error. */
static int draw_into(struct driver *d, const char *dir, const char *tmpdir, GPtrArray *files,
		     double span, char *gnuplot, GError **error)
{
	if (plot_traces(d, dir, tmpdir, files, span, error) != 0)
		return -1;
	/* Absolute: gnuplot runs in the results directory. */
	char *abs = g_canonicalize_filename(tmpdir, NULL);
	char *driver_path = g_build_filename(abs, "plot-all.gp", NULL);
	g_free(abs);
	int rc = -1;
	if (!g_file_set_contents(driver_path, d->g->str, (gssize)d->g->len, error))
		goto out;
	if (d->graphs > 0 && run_gnuplot(dir, gnuplot, driver_path, error) != 0)
		goto out;
	driver_keep(d, driver_path);
	/* Replace plots/ as a whole. */
	char *plotsdir = g_build_filename(dir, "plots", NULL);
	if (sim_remove_tree(plotsdir) != 0 || g_rename(tmpdir, plotsdir) != 0)
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "%s: %s", plotsdir,
			    g_strerror(errno));
	else
		rc = 0;
	g_free(plotsdir);
out:
	g_free(driver_path);
	return rc;
}

int plot_results(const char *dir, const char *format, unsigned *graphs, GError **error)
{
	if (sweep_is_dir(dir))
		return sweep_plot(dir, format, graphs, error);
	int rc = -1;
	char *summary_path = g_build_filename(dir, "summary.json", NULL);
	gchar *summary_text = NULL;
	cJSON *summary = NULL;
	GPtrArray *files = NULL;
	char *tmpdir = NULL, *gnuplot = NULL, *scripts = NULL;
	struct driver d = {0};

	if (!g_file_get_contents(summary_path, &summary_text, NULL, NULL) ||
	    !(summary = cJSON_Parse(summary_text))) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
			    "%s: not a netsim results directory (no readable summary.json)", dir);
		goto out;
	}
	gnuplot = find_gnuplot(dir, error);
	if (!gnuplot || !(scripts = scripts_dir(error)))
		goto out;
	const cJSON *sn = cJSON_GetObjectItemCaseSensitive(summary, "scenario");
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(summary, "sim_time_s");
	double span = cJSON_IsNumber(st) && st->valuedouble > 0 ? st->valuedouble : 1.0;
	files = list_traces(dir, error);
	if (!files)
		goto out;

	char *tmpl = g_build_filename(dir, ".plots.tmp-XXXXXX", NULL);
	tmpdir = g_mkdtemp(tmpl);
	if (!tmpdir) {
		g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "%s: %s", tmpl,
			    g_strerror(errno));
		g_free(tmpl);
		goto out;
	}
	char *rel = g_path_get_basename(tmpdir);
	char *gp = g_build_filename(tmpdir, "gp", NULL);
	d.g = g_string_new(NULL);
	d.fmt = format;
	d.scenario = cJSON_IsString(sn) ? sn->valuestring : "netsim";
	d.plotsrel = rel;
	d.summary = summary;
	driver_begin(&d, format);
	if (copy_scripts(scripts, gp, error) == 0 &&
	    draw_into(&d, dir, tmpdir, files, span, gnuplot, error) == 0) {
		g_free(tmpdir); /* now plots/ */
		tmpdir = NULL;
		if (graphs)
			*graphs = d.graphs;
		rc = 0;
	}
	g_free(gp);
	g_free(rel);
out:
	if (tmpdir) {
		sim_remove_tree(tmpdir);
		g_free(tmpdir);
	}
	if (d.g)
		g_string_free(d.g, TRUE);
	if (files)
		g_ptr_array_free(files, TRUE);
	g_free(gnuplot);
	g_free(scripts);
	cJSON_Delete(summary);
	g_free(summary_text);
	g_free(summary_path);
	return rc;
}

/* ---- for the other graph writers (sweep_plot.c) ---------------------------------------- */

char *plot_gnuplot(const char *dir, GError **error)
{
	return find_gnuplot(dir, error);
}

char *plot_scripts_dir(GError **error)
{
	return scripts_dir(error);
}

int plot_copy_scripts(const char *from, const char *to, GError **error)
{
	return copy_scripts(from, to, error);
}

int plot_run_driver(const char *dir, char *gnuplot, char *driver_path, GError **error)
{
	return run_gnuplot(dir, gnuplot, driver_path, error);
}

void plot_gp_string(GString *g, const char *s)
{
	gp_str(g, s);
}

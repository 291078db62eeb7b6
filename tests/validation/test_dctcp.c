/* tests/validation/test_dctcp.c — DCTCP's shape (Alizadeh et al., SIGCOMM 2010, §3.3),
 * read from the traces of scenarios/dctcp.json, as docs/validation.md §8 reports it
 * (tests/validation/dctcp.py measures the same in full and draws the figure):
 *
 *   - the DCTCP queue stays in a narrow band around K = 15 (the analysis: between Qmin
 *     = 9.7 and Qmax = K + N = 17) and never runs dry, so the link never idles;
 *   - Reno with ECN on the same marking halves, drains the queue and idles the link;
 *   - DCTCP reduces its window when it reaches about W* + 1 = 25.8 packets, and by
 *     α/2 (about a tenth), Reno by half;
 *   - α at the end is near the fraction of packets the queue marked.
 *
 * Steady state only: from 5 s to the end (20 s). The queue's service time is measured
 * from the trace (back-to-back dequeues), not assumed. */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <glib.h>

#include "tests/cli/netsim_run.h"

#define SKIP_S 5.0
#define END_S 20.0
#define K 15

struct queue_shape {
	double p5, p95;     /* time-weighted percentiles of the queue, packets */
	double idle_s;      /* time the link had nothing to send */
	double marked;      /* marks / dequeues */
};

static gchar **read_lines(const char *dir, const char *name)
{
	char *path = g_build_filename(dir, name, NULL);
	gchar *text = NULL;
	if (!g_file_get_contents(path, &text, NULL, NULL))
		g_error("cannot read %s", path);
	gchar **lines = g_strsplit(text, "\n", -1);
	g_free(text);
	g_free(path);
	return lines;
}

/* Column index of `name` in a TSV header line. */
static int column(const char *header, const char *name)
{
	gchar **h = g_strsplit(header, "\t", -1);
	int k = -1;
	for (int i = 0; h[i]; i++)
		if (!strcmp(h[i], name))
			k = i;
	g_strfreev(h);
	g_assert_cmpint(k, >=, 0);
	return k;
}

/* One full packet's service time: the most common gap between back-to-back dequeues
 * (the queue still holding packets), in whole nanoseconds. */
static double service_time(gchar **lines, int ct, int cq, int ce)
{
	GHashTable *count = g_hash_table_new(g_int64_hash, g_int64_equal);
	gint64 *keys = g_new0(gint64, g_strv_length(lines));
	double prev = -1, best = 0;
	guint best_n = 0, nk = 0;
	for (int i = 1; lines[i] && lines[i][0]; i++) {
		gchar **c = g_strsplit(lines[i], "\t", -1);
		if (!strcmp(c[ce], "dequeue")) {
			double t = g_ascii_strtod(c[ct], NULL);
			if (prev >= 0 && atoi(c[cq]) > 0) {
				keys[nk] = llround((t - prev) * 1e9);
				guint n = GPOINTER_TO_UINT(g_hash_table_lookup(count, &keys[nk])) + 1;
				g_hash_table_insert(count, &keys[nk], GUINT_TO_POINTER(n));
				if (n > best_n) {
					best_n = n;
					best = (double)keys[nk] / 1e9;
				}
				nk++;
			}
			prev = t;
		}
		g_strfreev(c);
	}
	g_hash_table_destroy(count);
	g_free(keys);
	return best;
}

static struct queue_shape queue_shape(const char *dir, const char *name)
{
	gchar **lines = read_lines(dir, name);
	int ct = column(lines[0], "time_s"), cq = column(lines[0], "queue_packets");
	int ce = column(lines[0], "event");
	double time_at[64] = { 0 }; /* seconds spent at each queue length */
	double service = service_time(lines, ct, cq, ce);
	double last_t = SKIP_S;
	int last_q = 0;
	double busy_until = SKIP_S, idle = 0;
	unsigned long deq = 0, marks = 0;
	for (int i = 1; lines[i] && lines[i][0]; i++) {
		gchar **c = g_strsplit(lines[i], "\t", -1);
		double t = g_ascii_strtod(c[ct], NULL);
		int q = atoi(c[cq]);
		bool is_deq = !strcmp(c[ce], "dequeue");
		if (t >= SKIP_S) {
			time_at[MIN(last_q, 63)] += t - last_t;
			last_t = t;
			if (is_deq) {
				deq++;
				if (t > busy_until)
					idle += t - busy_until;
				busy_until = MAX(busy_until, t) + service;
			} else if (!strcmp(c[ce], "mark")) {
				marks++;
			}
		}
		last_q = q;
		g_strfreev(c);
	}
	g_strfreev(lines);
	struct queue_shape s = { .idle_s = idle, .marked = (double)marks / (double)deq };
	double total = 0, acc = 0;
	for (int q = 0; q < 64; q++)
		total += time_at[q];
	s.p5 = s.p95 = -1;
	for (int q = 0; q < 64; q++) {
		acc += time_at[q];
		if (s.p5 < 0 && acc >= 0.05 * total)
			s.p5 = q;
		if (s.p95 < 0 && acc >= 0.95 * total)
			s.p95 = q;
	}
	g_test_message("%s: queue p5 %.0f p95 %.0f, idle %.3f s, marked %.3f, service %.1f us",
		       name, s.p5, s.p95, s.idle_s, s.marked, service * 1e6);
	return s;
}

/* Mean window at the `cwr` rows of a sender's trace (packets) and mean ssthresh/cwnd
 * there, in steady state. */
static void reductions(const char *dir, const char *name, double *window, double *ratio)
{
	gchar **lines = read_lines(dir, name);
	int ct = column(lines[0], "time_s"), ce = column(lines[0], "event");
	int cw = column(lines[0], "cwnd_packets"), cs = column(lines[0], "ssthresh_packets");
	double sw = 0, sr = 0;
	int n = 0;
	for (int i = 1; lines[i] && lines[i][0]; i++) {
		gchar **c = g_strsplit(lines[i], "\t", -1);
		if (!strcmp(c[ce], "cwr") && g_ascii_strtod(c[ct], NULL) >= SKIP_S) {
			double w = g_ascii_strtod(c[cw], NULL), st = g_ascii_strtod(c[cs], NULL);
			sw += w;
			sr += st / w;
			n++;
		}
		g_strfreev(c);
	}
	g_strfreev(lines);
	g_assert_cmpint(n, >, 50);
	*window = sw / n;
	*ratio = sr / n;
	g_test_message("%s: %d reductions, window %.2f, ssthresh/cwnd %.3f", name, n, *window,
		       *ratio);
}

static double final_alpha(const char *dir, const char *flow)
{
	char *path = g_build_filename(dir, "summary.json", NULL);
	gchar *text = NULL;
	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	cJSON *root = cJSON_Parse(text);
	double alpha = -1;
	const cJSON *f;
	cJSON_ArrayForEach(f, cJSON_GetObjectItem(root, "flows"))
	{
		if (!strcmp(cJSON_GetObjectItem(f, "name")->valuestring, flow))
			alpha = cJSON_GetObjectItem(cJSON_GetObjectItem(f, "ecn"), "dctcp_alpha")
					->valuedouble;
	}
	cJSON_Delete(root);
	g_free(text);
	g_free(path);
	return alpha;
}

static void test_dctcp_against_reno(void)
{
	char *dir = tmpdir_new();
	char *file = g_strdup_printf("%s/scenarios/dctcp.json", source_root());
	struct netsim_result r = netsim_run(dir, NULL, "run", file, "--out", "out", NULL);
	g_assert_cmpint(r.status, ==, 0);
	char *out = g_build_filename(dir, "out", NULL);

	struct queue_shape d = queue_shape(out, "link.bneck_dctcp.forward.queue.tsv");
	struct queue_shape n = queue_shape(out, "link.bneck_reno.forward.queue.tsv");
	/* DCTCP: a band around K, within the analysis' 9.7 .. 17 give or take a packet or
	 * two of the unsynchronised flows; never empty, the link never idle. */
	g_assert_cmpfloat(d.p5, >=, K - 6);
	g_assert_cmpfloat(d.p95, <=, K + 4);
	g_assert_cmpfloat(d.idle_s, <, 0.01);
	/* Reno + ECN on the same marking: the queue runs dry, the link idles. */
	g_assert_cmpfloat(n.p5, ==, 0);
	g_assert_cmpfloat(n.idle_s, >, 0.05 * (END_S - SKIP_S));

	double w, ratio;
	for (int i = 0; i < 2; i++) {
		char *name = g_strdup_printf("dctcp%d.sender.tsv", i);
		reductions(out, name, &w, &ratio);
		/* W* + 1 = 25.8 packets for C·RTT = 34.6, K = 15, N = 2. */
		g_assert_cmpfloat(fabs(w - 25.8), <, 3);
		g_assert_cmpfloat(ratio, >, 0.8); /* 1 − α/2 with α about 0.2 */
		g_free(name);
		char *flow = g_strdup_printf("dctcp%d", i);
		double alpha = final_alpha(out, flow);
		g_test_message("%s: alpha %.3f", flow, alpha);
		g_assert_cmpfloat(fabs(alpha - d.marked), <, 0.08);
		g_free(flow);
		name = g_strdup_printf("reno%d.sender.tsv", i);
		reductions(out, name, &w, &ratio);
		g_assert_cmpfloat(fabs(ratio - 0.5), <, 0.05); /* Reno halves */
		g_free(name);
	}
	netsim_result_clear(&r);
	rm_rf(dir);
	g_free(dir);
	g_free(out);
	g_free(file);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/validation/dctcp/against-reno", test_dctcp_against_reno);
	return g_test_run();
}

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

/* The lines of a trace, split in place (NULL-terminated; free with free_lines).
 * Not g_strsplit: under ASan its strstr() rescans the rest of the text for every
 * line, which is quadratic on a trace of a million lines. */
static char **read_lines(const char *dir, const char *name)
{
	char *path = g_build_filename(dir, name, NULL);
	gchar *text = NULL;
	gsize len = 0;
	if (!g_file_get_contents(path, &text, &len, NULL))
		g_error("cannot read %s", path);
	g_free(path);
	GPtrArray *lines = g_ptr_array_new();
	if (len == 0)
		g_ptr_array_add(lines, text); /* one empty line, so that text is freed */
	for (char *p = text; p < text + len;) {
		char *nl = memchr(p, '\n', (size_t)(text + len - p));
		g_ptr_array_add(lines, p);
		if (!nl)
			break;
		*nl = '\0';
		p = nl + 1;
	}
	g_ptr_array_add(lines, NULL);
	return (char **)g_ptr_array_free(lines, FALSE);
}

static void free_lines(char **lines)
{
	if (lines[0])
		g_free(lines[0]); /* the text they point into */
	g_free(lines);
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

/* A queue trace's rows as far as they matter here. */
struct qrow {
	double t;
	int q;
	char ev; /* 'd' dequeue, 'm' mark, 'o' other */
};

/* Splits line (in place) at tabs into at most n fields; returns how many. */
static int fields(char *line, char **f, int n)
{
	int k = 0;
	while (k < n) {
		f[k++] = line;
		char *tab = strchr(line, '\t');
		if (!tab)
			break;
		*tab = '\0';
		line = tab + 1;
	}
	return k;
}

static GArray *load_queue(const char *dir, const char *name)
{
	char **lines = read_lines(dir, name);
	int ct = column(lines[0], "time_s"), cq = column(lines[0], "queue_packets");
	int ce = column(lines[0], "event");
	GArray *rows = g_array_new(FALSE, FALSE, sizeof(struct qrow));
	for (int i = 1; lines[i] && lines[i][0]; i++) {
		char *f[16];
		int n = fields(lines[i], f, 16);
		g_assert_cmpint(n, >, MAX(ct, MAX(cq, ce)));
		struct qrow r = { .t = g_ascii_strtod(f[ct], NULL), .q = atoi(f[cq]),
				  .ev = !strcmp(f[ce], "dequeue") ? 'd' : !strcmp(f[ce], "mark") ? 'm' : 'o' };
		g_array_append_val(rows, r);
	}
	free_lines(lines);
	return rows;
}

#define QR(a, i) (&g_array_index((a), struct qrow, (i)))

/* One full packet's service time: the most common gap between back-to-back dequeues
 * (the queue still holding packets), to the nanosecond. */
static double service_time(GArray *rows)
{
	GHashTable *count = g_hash_table_new(g_direct_hash, g_direct_equal);
	double prev = -1, best = 0;
	guint best_n = 0;
	for (guint i = 0; i < rows->len; i++) {
		const struct qrow *r = QR(rows, i);
		if (r->ev != 'd')
			continue;
		if (prev >= 0 && r->q > 0) {
			gpointer key = GSIZE_TO_POINTER((gsize)llround((r->t - prev) * 1e9) + 1);
			guint n = GPOINTER_TO_UINT(g_hash_table_lookup(count, key)) + 1;
			g_hash_table_insert(count, key, GUINT_TO_POINTER(n));
			if (n > best_n) {
				best_n = n;
				best = (double)(GPOINTER_TO_SIZE(key) - 1) / 1e9;
			}
		}
		prev = r->t;
	}
	g_hash_table_destroy(count);
	return best;
}

static struct queue_shape queue_shape(const char *dir, const char *name)
{
	GArray *rows = load_queue(dir, name);
	double time_at[64] = { 0 }; /* seconds spent at each queue length */
	double service = service_time(rows);
	double last_t = SKIP_S;
	int last_q = 0;
	double busy_until = SKIP_S, idle = 0;
	unsigned long deq = 0, marks = 0;
	for (guint i = 0; i < rows->len; i++) {
		const struct qrow *r = QR(rows, i);
		if (r->t >= SKIP_S) {
			time_at[MIN(last_q, 63)] += r->t - last_t;
			last_t = r->t;
			if (r->ev == 'd') {
				deq++;
				if (r->t > busy_until)
					idle += r->t - busy_until;
				busy_until = MAX(busy_until, r->t) + service;
			} else if (r->ev == 'm') {
				marks++;
			}
		}
		last_q = r->q;
	}
	g_array_free(rows, TRUE);
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
	char **lines = read_lines(dir, name);
	int ct = column(lines[0], "time_s"), ce = column(lines[0], "event");
	int cw = column(lines[0], "cwnd_packets"), cs = column(lines[0], "ssthresh_packets");
	double sw = 0, sr = 0;
	int n = 0;
	for (int i = 1; lines[i] && lines[i][0]; i++) {
		char *c[32];
		g_assert_cmpint(fields(lines[i], c, 32), >, MAX(MAX(ct, ce), MAX(cw, cs)));
		if (!strcmp(c[ce], "cwr") && g_ascii_strtod(c[ct], NULL) >= SKIP_S) {
			double w = g_ascii_strtod(c[cw], NULL), st = g_ascii_strtod(c[cs], NULL);
			sw += w;
			sr += st / w;
			n++;
		}
	}
	free_lines(lines);
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

/* sim/cli/sweep_values.c — a sweep's parameters against its scenario: each path
 * looked up in the scenario schema, ranges expanded in the unit of the parameter's
 * type, every value (and, on a grid, every combination) validated by applying it to
 * the scenario as `--set` does, and the metrics checked against the summary.json the
 * first point produces. Errors go to the sweep file's place of the value.
 */
#include <math.h>
#include <string.h>

#include "sim/cli/summary.h"
#include "sim/cli/sweep_load.h"
#include "sim/cli/world.h"
#include "sim/core/output.h"
#include "sim/core/sim.h"

/* ---- trying assignments on the scenario ----------------------------------------------- */

static struct scenario_doc *doc_copy(const struct scenario_doc *base)
{
	char *text = cJSON_PrintUnformatted(base->root);
	char *err = NULL;
	struct scenario_doc *doc = scenario_doc_parse(base->file, text, strlen(text), &err);
	g_assert(doc); /* printed by cJSON, so it parses */
	cJSON_free(text);
	return doc;
}

/* The scenario with assignments applied, or NULL with the messages ("PATH: message",
 * every problem) in *msgs. */
static struct scenario *try_sets(struct sweep_load *L, GPtrArray *sets, GPtrArray *msgs)
{
	struct scenario_doc *doc = doc_copy(L->base);
	for (guint i = 0; i < sets->len; i++) {
		char *err = NULL;
		if (scenario_doc_set(doc, g_ptr_array_index(sets, i), &err) != 0)
			g_ptr_array_add(msgs, err);
	}
	struct scenario *s = NULL;
	if (msgs->len == 0) {
		struct sch_diags d;
		sch_diags_init(&d, doc->file);
		s = scenario_build(doc, &d);
		for (guint i = 0; i < d.items->len; i++) {
			const struct sch_diag *e = g_ptr_array_index(d.items, i);
			g_ptr_array_add(msgs, e->path[0] ? g_strdup_printf("%s: %s", e->path, e->msg)
							 : g_strdup(e->msg));
		}
		sch_diags_fini(&d);
	}
	scenario_doc_free(doc);
	return s;
}

/* Reports every message of a failed assignment at `where`. */
static bool check_sets(struct sweep_load *L, GPtrArray *sets, const cJSON *anchor,
		       const char *where)
{
	GPtrArray *msgs = g_ptr_array_new_with_free_func(g_free);
	struct scenario *s = try_sets(L, sets, msgs);
	for (guint i = 0; i < msgs->len; i++)
		sch_diag(L->d, anchor, where, "%s", (char *)g_ptr_array_index(msgs, i));
	bool ok = s != NULL;
	scenario_free(s);
	g_ptr_array_free(msgs, TRUE);
	return ok;
}

int sweep_load_scenario(struct sweep_load *L)
{
	struct sweep_plan *p = L->plan;
	char *err = NULL;
	L->base = scenario_doc_load(p->scenario, &err);
	if (!L->base) {
		if (L->scenario_mode)
			sch_print_line(stderr, "%s", err);
		else
			sch_diag(L->d, NULL, "scenario", "%s", err);
		g_free(err);
		return -1;
	}
	gchar *text;
	gsize len;
	if (g_file_get_contents(p->scenario, &text, &len, NULL)) {
		p->scenario_sha256 = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (guchar *)text, len);
		g_free(text);
	}
	for (guint i = 0; i < p->set->len; i++) {
		const char *a = g_ptr_array_index(p->set, i);
		if (scenario_doc_set(L->base, a, &err) != 0) {
			char *where = i < L->n_file_sets ? g_strdup_printf("set[%u]", i)
							 : g_strdup_printf("--set %s", a);
			sch_diag(L->d, NULL, where, "%s", err);
			g_free(where);
			g_free(err);
		}
	}
	if (sch_diags_count(L->d))
		return -1;
	/* The base scenario's own errors, as `netsim validate` prints them. */
	struct sch_diags d;
	sch_diags_init(&d, p->scenario);
	struct scenario *s = scenario_build(L->base, &d);
	sch_diags_print(&d, stderr);
	sch_diags_fini(&d);
	scenario_free(s);
	return s ? 0 : -1;
}

/* ---- numbers and units ------------------------------------------------------------------ */

static const char *const unit_suffix[] = {
	[SWEEP_UNIT_SECONDS] = "_s", [SWEEP_UNIT_BPS] = "_bps",  [SWEEP_UNIT_BYTES] = "_bytes",
	[SWEEP_UNIT_RATIO] = "_ratio", [SWEEP_UNIT_NUMBER] = "_num", [SWEEP_UNIT_INDEX] = "_index",
};

/* A value of schema leaf `leaf` as a number in SI base units; SWEEP_UNIT_INDEX when
 * it has none. */
static enum sweep_unit value_number(const struct sch *leaf, const cJSON *v, double *num)
{
	sim_time_t t;
	uint64_t u;
	int64_t i;
	switch (leaf ? leaf->kind : SCH_ANY) {
	case SCH_DURATION:
		if (cJSON_IsString(v) && sim_parse_duration(v->valuestring, &t) == 0) {
			*num = (double)t / 1e9;
			return SWEEP_UNIT_SECONDS;
		}
		break;
	case SCH_RATE:
		if (cJSON_IsString(v) && sim_parse_rate(v->valuestring, &u) == 0) {
			*num = (double)u;
			return SWEEP_UNIT_BPS;
		}
		break;
	case SCH_SIZE:
		if (sch_size_value(v, &u)) {
			*num = (double)u;
			return SWEEP_UNIT_BYTES;
		}
		break;
	case SCH_PROB:
		if (sch_prob_value(v, num))
			return SWEEP_UNIT_RATIO;
		break;
	case SCH_INT:
		if (sch_int_value(v, &i)) {
			*num = (double)i;
			return SWEEP_UNIT_NUMBER;
		}
		break;
	case SCH_BOOL:
		*num = cJSON_IsTrue(v) ? 1.0 : 0.0;
		return SWEEP_UNIT_NUMBER;
	default:
		break;
	}
	return SWEEP_UNIT_INDEX;
}

/* The numbers of p's values and its unit: the one of its type, or the values'
 * positions when they have none (or not all the same). */
static void param_numbers(struct sweep_param *p, const struct sch *ps)
{
	p->unit = SWEEP_UNIT_INDEX;
	for (guint i = 0; i < p->values->len; i++) {
		const cJSON *v = g_ptr_array_index(p->values, i);
		double x = NAN;
		enum sweep_unit u = value_number(sch_pick(ps, v), v, &x);
		if (i == 0)
			p->unit = u;
		else if (u != p->unit)
			p->unit = SWEEP_UNIT_INDEX;
		g_array_append_val(p->numbers, x);
	}
	if (p->unit == SWEEP_UNIT_INDEX)
		for (guint i = 0; i < p->numbers->len; i++)
			g_array_index(p->numbers, double, i) = (double)i;
	p->num_column = g_strconcat(p->path, unit_suffix[p->unit], NULL);
}

/* ---- ranges -------------------------------------------------------------------------------- */

/* The ends of a range as numbers in the leaf's own unit (ns, bit/s, bytes, ratio,
 * count); false when the leaf has no numeric unit or an end does not parse. */
static bool range_ends(const struct sch *leaf, const cJSON *v, double *x)
{
	sim_time_t t;
	uint64_t u;
	int64_t i;
	switch (leaf ? leaf->kind : SCH_ANY) {
	case SCH_DURATION:
		if (!cJSON_IsString(v) || sim_parse_duration(v->valuestring, &t) != 0)
			return false;
		*x = (double)t;
		return true;
	case SCH_RATE:
		if (!cJSON_IsString(v) || sim_parse_rate(v->valuestring, &u) != 0)
			return false;
		*x = (double)u;
		return true;
	case SCH_SIZE:
		if (!sch_size_value(v, &u))
			return false;
		*x = (double)u;
		return true;
	case SCH_PROB:
		return sch_prob_value(v, x);
	case SCH_INT:
		if (!sch_int_value(v, &i))
			return false;
		*x = (double)i;
		return true;
	default:
		return false;
	}
}

/* Value k of a range in the leaf's notation: whole ns, bit/s, bytes, counts; a
 * probability in % when the range was written in %. */
static cJSON *range_value(const struct sch *leaf, double x, bool percent)
{
	char buf[64];
	switch (leaf->kind) {
	case SCH_DURATION:
		sim_format_duration((sim_time_t)llround(x), buf, sizeof(buf));
		return cJSON_CreateString(buf);
	case SCH_RATE:
		sim_format_rate((uint64_t)llround(x), buf, sizeof(buf));
		return cJSON_CreateString(buf);
	case SCH_PROB:
		g_ascii_formatd(buf, sizeof(buf) - 1, "%.6g", percent ? x * 100.0 : x);
		if (percent) {
			strcat(buf, "%");
			return cJSON_CreateString(buf);
		}
		return cJSON_CreateRaw(buf);
	default:
		g_snprintf(buf, sizeof(buf), "%" G_GINT64_FORMAT, (gint64)llround(x));
		return cJSON_CreateRaw(buf);
	}
}

/* A from/to/steps range expanded into values (the ends exactly as written), or NULL
 * after the message. */
static cJSON *expand_range(struct sweep_load *L, const struct vary_src *s, const struct sch *ps)
{
	const struct sch *leaf = sch_pick(ps, s->from);
	double a, b;
	if (!range_ends(leaf, s->from, &a) || !range_ends(leaf, s->to, &b)) {
		char *ka = sch_describe(s->from), *kb = sch_describe(s->to);
		sch_diag(L->d, s->anchor, s->where,
			 "a range needs numbers in the unit of %s (a duration, rate, size, "
			 "probability or integer), got %s and %s; list the values instead",
			 s->path, ka, kb);
		g_free(ka);
		g_free(kb);
		return NULL;
	}
	if (s->log && (a <= 0 || b <= 0)) {
		sch_diag(L->d, s->anchor, s->where, "a log range needs \"from\" and \"to\" above 0");
		return NULL;
	}
	bool percent = cJSON_IsString(s->from) && g_str_has_suffix(s->from->valuestring, "%");
	cJSON *arr = cJSON_CreateArray();
	char *prev = NULL;
	for (guint k = 0; k < s->steps; k++) {
		double f = (double)k / (double)(s->steps - 1);
		double x = s->log ? exp(log(a) + f * (log(b) - log(a))) : a + f * (b - a);
		cJSON *v = k == 0 ? cJSON_Duplicate(s->from, true)
			 : k + 1 == s->steps ? cJSON_Duplicate(s->to, true)
					    : range_value(leaf, x, percent);
		char *text = sweep_value_text(v);
		bool repeat = prev && strcmp(prev, text) == 0;
		g_free(prev);
		prev = text;
		cJSON_AddItemToArray(arr, v);
		if (repeat) {
			sch_diag(L->d, s->anchor, s->where,
				 "%u steps from %s to %s repeat %s at the parameter's resolution; use "
				 "fewer steps",
				 s->steps, sweep_value_text(s->from), sweep_value_text(s->to), text);
			g_free(prev);
			cJSON_Delete(arr);
			return NULL;
		}
	}
	g_free(prev);
	return arr;
}

/* ---- parameters ------------------------------------------------------------------------------ */

/* The path of s: it must be one the scenario has, varied once. Returns its schema or
 * NULL after the message. */
static const struct sch *check_path(struct sweep_load *L, const struct vary_src *s, guint idx)
{
	char *where = s->anchor ? g_strdup_printf("%s.path", s->where) : g_strdup(s->where);
	const struct sch *ps = NULL;
	char *err = NULL;
	struct scenario_doc *doc = doc_copy(L->base);
	char *probe = g_strdup_printf("%s=null", s->path);
	if (scenario_doc_set(doc, probe, &err) != 0) {
		sch_diag(L->d, s->anchor, where, "%s", err);
		g_free(err);
	} else if ((ps = sch_path_schema(scenario_schema(), L->base->root, s->path)) == NULL) {
		sch_diag(L->d, s->anchor, where, "%s cannot be varied (it selects a type)", s->path);
	}
	for (guint i = 0; ps && i < idx; i++) {
		const struct vary_src *o = g_ptr_array_index(L->srcs, i);
		if (strcmp(o->path, s->path) == 0) {
			sch_diag(L->d, s->anchor, where, "%s is varied twice (also %s)", s->path,
				 o->where);
			ps = NULL;
		}
	}
	g_free(probe);
	scenario_doc_free(doc);
	g_free(where);
	return ps;
}

/* The values of s: its list, or its range expanded. NULL after the message. */
static cJSON *source_values(struct sweep_load *L, const struct vary_src *s, const struct sch *ps)
{
	bool range = s->from || s->to || s->have_steps;
	if (s->values && range) {
		sch_diag(L->d, s->anchor, s->where,
			 "give either \"values\" or a range (\"from\", \"to\", \"steps\"), not both");
		return NULL;
	}
	if (s->values)
		return s->have_scale ? (sch_diag(L->d, s->anchor, s->where,
						 "\"scale\" applies to a from/to range"),
					NULL)
				     : cJSON_Duplicate(s->values, true);
	if (!range) {
		sch_diag(L->d, s->anchor, s->where,
			 "needs \"values\" or a range (\"from\", \"to\", \"steps\")");
		return NULL;
	}
	if (!s->from || !s->to || !s->have_steps) {
		sch_diag(L->d, s->anchor, s->where, "a range needs \"from\", \"to\" and \"steps\"");
		return NULL;
	}
	return expand_range(L, s, ps);
}

/* Each value applied to the scenario on its own; true when all are valid. */
static bool check_values(struct sweep_load *L, const struct vary_src *s, const cJSON *values)
{
	bool ok = true;
	guint i = 0;
	for (const cJSON *v = values->child; v; v = v->next, i++) {
		char *text = sweep_value_assign_text(v);
		GPtrArray *sets = g_ptr_array_new_with_free_func(g_free);
		g_ptr_array_add(sets, g_strdup_printf("%s=%s", s->path, text));
		char *where = s->anchor && s->values ? g_strdup_printf("%s.values[%u]", s->where, i)
						     : g_strdup(s->where);
		ok = check_sets(L, sets, s->anchor, where) && ok;
		g_free(where);
		g_ptr_array_free(sets, TRUE);
		g_free(text);
	}
	return ok;
}

/* Dimension sizes; the members of a zip group must have as many values each. */
static void load_dims(struct sweep_load *L)
{
	struct sweep_plan *p = L->plan;
	for (guint d = 0; d < L->n_dims; d++) {
		const struct sweep_param *first = NULL;
		const struct vary_src *first_src = NULL;
		for (guint i = 0; i < p->params->len; i++) {
			const struct sweep_param *q = g_ptr_array_index(p->params, i);
			const struct vary_src *qs = g_ptr_array_index(L->srcs, i);
			if (q->dim != d)
				continue;
			if (!first) {
				first = q;
				first_src = qs;
			} else if (q->values->len != first->values->len) {
				sch_diag(L->d, qs->anchor, qs->where,
					 "has %u value%s but %s has %u: the parameters of a zip group "
					 "move together",
					 q->values->len, q->values->len == 1 ? "" : "s", first_src->where,
					 first->values->len);
			}
		}
		guint n = first ? first->values->len : 1;
		g_array_append_val(p->dims, n);
	}
}

void sweep_load_params(struct sweep_load *L)
{
	struct sweep_plan *p = L->plan;
	for (guint i = 0; i < L->srcs->len; i++) {
		const struct vary_src *s = g_ptr_array_index(L->srcs, i);
		const struct sch *ps = check_path(L, s, i);
		cJSON *values = ps ? source_values(L, s, ps) : NULL;
		if (!values || !check_values(L, s, values)) {
			cJSON_Delete(values);
			continue;
		}
		struct sweep_param *q = sweep_param_new(s->path);
		q->dim = s->dim;
		q->log_scale = s->log;
		while (values->child)
			g_ptr_array_add(q->values, cJSON_DetachItemViaPointer(values, values->child));
		cJSON_Delete(values);
		param_numbers(q, ps);
		g_ptr_array_add(p->params, q);
	}
	if (sch_diags_count(L->d))
		return;
	load_dims(L);
	double n = 1;
	for (guint d = 0; d < p->dims->len; d++)
		n *= g_array_index(p->dims, guint, d);
	if (n * p->seeds->len > 10000000.0) {
		sch_diag(L->d, NULL, "", "%.0f points × %u seeds is more than 10 million runs", n,
			 p->seeds->len);
		return;
	}
	p->n_points = (guint)n;
}

/* ---- points ---------------------------------------------------------------------------------- */

void sweep_check_points(struct sweep_load *L)
{
	struct sweep_plan *p = L->plan;
	if (p->dims->len < 2)
		return; /* every point is one value, each checked already */
	guint bad = 0;
	for (guint pt = 0; pt < p->n_points; pt++) {
		GPtrArray *sets = sweep_point_sets(p, pt);
		/* Only the varied assignments: the fixed ones are in the base already. */
		g_ptr_array_remove_range(sets, 0, p->set->len);
		GPtrArray *msgs = g_ptr_array_new_with_free_func(g_free);
		struct scenario *s = try_sets(L, sets, msgs);
		if (!s && bad++ < 10) {
			char *with = g_strjoinv(", ", (char **)(void *)sets->pdata);
			char *where = g_strdup_printf("point p%05u (%s)", pt, with);
			for (guint i = 0; i < msgs->len; i++)
				sch_diag(L->d, NULL, where, "%s", (char *)g_ptr_array_index(msgs, i));
			g_free(where);
			g_free(with);
		}
		scenario_free(s);
		g_ptr_array_free(msgs, TRUE);
		g_ptr_array_unref(sets);
	}
	if (bad > 10)
		sch_diag(L->d, NULL, "", "%u more points fail as well", bad - 10);
}

/* ---- metrics ----------------------------------------------------------------------------------- */

/* The summary.json the first point's scenario produces, built but not run. */
static cJSON *probe_summary(struct sweep_load *L)
{
	struct sweep_plan *p = L->plan;
	GPtrArray *sets = sweep_point_sets(p, 0);
	g_ptr_array_remove_range(sets, 0, p->set->len);
	GPtrArray *msgs = g_ptr_array_new_with_free_func(g_free);
	struct scenario *s = try_sets(L, sets, msgs);
	g_ptr_array_free(msgs, TRUE);
	g_ptr_array_unref(sets);
	char *tmp = s ? g_dir_make_tmp("netsim-sweep-XXXXXX", NULL) : NULL;
	cJSON *sum = NULL;
	if (tmp) {
		struct sim sim;
		sim_init(&sim, g_array_index(p->seeds, guint64, 0));
		struct world *w = world_new(&sim, s, tmp, NULL);
		if (w && world_finish(w, NULL) == 0) {
			struct run_info ri = {.seed = sim.seed, .sim_time = 0};
			sum = summary_build(w, &ri);
		}
		world_free(w);
		sim_fini(&sim);
		sim_remove_tree(tmp);
		g_free(tmp);
	}
	scenario_free(s);
	return sum;
}

void sweep_check_metrics(struct sweep_load *L)
{
	struct sweep_plan *p = L->plan;
	cJSON *sum = probe_summary(L);
	if (!sum)
		return; /* the runs will say what is wrong */
	for (guint i = 0; i < p->metrics->len; i++) {
		const struct sweep_metric *m = g_ptr_array_index(p->metrics, i);
		bool found;
		sweep_metric_eval(m, sum, &found);
		if (!found)
			sch_diag(L->d, NULL, g_ptr_array_index(L->metric_where, i),
				 "\"%s\": summary.json has no such number (docs/outputs.md lists "
				 "its fields)",
				 m->text);
	}
	cJSON_Delete(sum);
}

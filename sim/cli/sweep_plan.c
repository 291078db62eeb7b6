/* sim/cli/sweep_plan.c — a plan's points and runs, and DIR/sweep.json: the plan as
 * the sweep directory records it (sweep.h). */
#include <errno.h>
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "sim/cli/summary.h"
#include "sim/cli/sweep.h"
#include "sim/cli/sweep_load.h"

#ifndef NETSIM_VERSION
#define NETSIM_VERSION "unknown"
#endif

/* ---- points and runs ---------------------------------------------------------------------- */

guint sweep_value_index(const struct sweep_plan *plan, const struct sweep_param *p, guint point)
{
	/* Mixed radix, the first dimension the slowest. */
	guint below = 1;
	for (guint d = p->dim + 1; d < plan->dims->len; d++)
		below *= g_array_index(plan->dims, guint, d);
	return (point / below) % g_array_index(plan->dims, guint, p->dim);
}

char *sweep_value_assign_text(const cJSON *v)
{
	if (cJSON_IsString(v)) {
		/* Unquoted unless it would read as JSON ("100" stays a string). */
		cJSON *probe = cJSON_ParseWithOpts(v->valuestring, NULL, true);
		bool json = probe != NULL;
		cJSON_Delete(probe);
		if (!json)
			return g_strdup(v->valuestring);
	}
	char *t = cJSON_PrintUnformatted(v);
	char *r = g_strdup(t);
	cJSON_free(t);
	return r;
}

char *sweep_value_text(const cJSON *v)
{
	char *t;
	if (cJSON_IsString(v)) {
		t = g_strdup(v->valuestring);
	} else {
		char *p = cJSON_PrintUnformatted(v);
		t = g_strdup(p);
		cJSON_free(p);
	}
	/* One TSV field. */
	for (char *c = t; *c; c++)
		if (*c == '\t' || *c == '\n' || *c == '\r')
			*c = ' ';
	return t;
}

GPtrArray *sweep_point_sets(const struct sweep_plan *plan, guint point)
{
	GPtrArray *sets = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 0; i < plan->set->len; i++)
		g_ptr_array_add(sets, g_strdup(g_ptr_array_index(plan->set, i)));
	for (guint i = 0; i < plan->params->len; i++) {
		const struct sweep_param *p = g_ptr_array_index(plan->params, i);
		char *v = sweep_value_assign_text(
			g_ptr_array_index(p->values, sweep_value_index(plan, p, point)));
		g_ptr_array_add(sets, g_strdup_printf("%s=%s", p->path, v));
		g_free(v);
	}
	return sets;
}

char *sweep_run_rel(const struct sweep_plan *plan, guint run)
{
	guint n = plan->seeds->len;
	return g_strdup_printf("runs/p%05u/s%" G_GUINT64_FORMAT, run / n,
			       g_array_index(plan->seeds, guint64, run % n));
}

/* ---- sweep.json ---------------------------------------------------------------------------- */

static const char *const unit_names[] = {
	[SWEEP_UNIT_SECONDS] = "s",      [SWEEP_UNIT_BPS] = "bps",   [SWEEP_UNIT_BYTES] = "bytes",
	[SWEEP_UNIT_RATIO] = "ratio",    [SWEEP_UNIT_NUMBER] = "num", [SWEEP_UNIT_INDEX] = "index",
};

static void add_string_or_null(cJSON *o, const char *key, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

static cJSON *strings_json(const GPtrArray *a)
{
	cJSON *arr = cJSON_CreateArray();
	for (guint i = 0; i < a->len; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(g_ptr_array_index(a, i)));
	return arr;
}

static cJSON *param_json(const struct sweep_param *p)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "path", p->path);
	cJSON_AddStringToObject(o, "column", p->num_column);
	cJSON_AddStringToObject(o, "unit", unit_names[p->unit]);
	cJSON_AddNumberToObject(o, "dim", p->dim);
	cJSON_AddBoolToObject(o, "log", p->log_scale);
	cJSON *vals = cJSON_AddArrayToObject(o, "values");
	cJSON *nums = cJSON_AddArrayToObject(o, "numbers");
	for (guint i = 0; i < p->values->len; i++) {
		char buf[32];
		cJSON_AddItemToArray(vals, cJSON_Duplicate(g_ptr_array_index(p->values, i), true));
		summary_fmt_double(buf, g_array_index(p->numbers, double, i));
		cJSON_AddItemToArray(nums, cJSON_CreateRaw(buf));
	}
	return o;
}

cJSON *sweep_plan_to_json(const struct sweep_plan *plan)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "netsim", NETSIM_VERSION);
	cJSON_AddStringToObject(o, "name", plan->name);
	add_string_or_null(o, "sweep_file", plan->sweep_file);
	cJSON_AddStringToObject(o, "scenario", plan->scenario);
	add_string_or_null(o, "scenario_sha256", plan->scenario_sha256);
	cJSON_AddItemToObject(o, "set", strings_json(plan->set));
	add_string_or_null(o, "until", plan->until);
	cJSON *params = cJSON_AddArrayToObject(o, "params");
	for (guint i = 0; i < plan->params->len; i++)
		cJSON_AddItemToArray(params, param_json(g_ptr_array_index(plan->params, i)));
	cJSON *dims = cJSON_AddArrayToObject(o, "dims");
	for (guint d = 0; d < plan->dims->len; d++)
		cJSON_AddItemToArray(dims, cJSON_CreateNumber(g_array_index(plan->dims, guint, d)));
	cJSON *seeds = cJSON_AddArrayToObject(o, "seeds");
	for (guint i = 0; i < plan->seeds->len; i++) {
		char buf[32];
		g_snprintf(buf, sizeof(buf), "%" G_GUINT64_FORMAT,
			   g_array_index(plan->seeds, guint64, i));
		cJSON_AddItemToArray(seeds, cJSON_CreateRaw(buf));
	}
	cJSON *metrics = cJSON_AddArrayToObject(o, "metrics");
	for (guint i = 0; i < plan->metrics->len; i++) {
		const struct sweep_metric *m = g_ptr_array_index(plan->metrics, i);
		cJSON_AddItemToArray(metrics, cJSON_CreateString(m->text));
	}
	return o;
}

static char *get_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? g_strdup(v->valuestring) : NULL;
}

static bool param_from_json(struct sweep_plan *plan, const cJSON *o)
{
	const cJSON *path = cJSON_GetObjectItemCaseSensitive(o, "path");
	const cJSON *vals = cJSON_GetObjectItemCaseSensitive(o, "values");
	const cJSON *nums = cJSON_GetObjectItemCaseSensitive(o, "numbers");
	const cJSON *unit = cJSON_GetObjectItemCaseSensitive(o, "unit");
	const cJSON *dim = cJSON_GetObjectItemCaseSensitive(o, "dim");
	if (!cJSON_IsString(path) || !cJSON_IsArray(vals) || !cJSON_IsArray(nums) ||
	    cJSON_GetArraySize(vals) != cJSON_GetArraySize(nums) || !cJSON_IsString(unit) ||
	    !cJSON_IsNumber(dim) || dim->valuedouble < 0 || dim->valuedouble >= plan->dims->len)
		return false;
	struct sweep_param *p = sweep_param_new(path->valuestring);
	p->dim = (guint)dim->valuedouble;
	p->log_scale = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "log"));
	p->unit = SWEEP_UNIT_INDEX;
	for (guint u = 0; u < G_N_ELEMENTS(unit_names); u++)
		if (strcmp(unit_names[u], unit->valuestring) == 0)
			p->unit = (enum sweep_unit)u;
	p->num_column = get_str(o, "column");
	if (!p->num_column)
		p->num_column = g_strdup(p->path);
	for (const cJSON *v = vals->child, *n = nums->child; v; v = v->next, n = n->next) {
		g_ptr_array_add(p->values, cJSON_Duplicate(v, true));
		double x = cJSON_IsNumber(n) ? n->valuedouble : NAN;
		g_array_append_val(p->numbers, x);
	}
	g_ptr_array_add(plan->params, p);
	return p->values->len == g_array_index(plan->dims, guint, p->dim);
}

/* The lists of a plan (dims, seeds, set, metrics); false when malformed. */
static bool lists_from_json(struct sweep_plan *p, const cJSON *j, char **err)
{
	const cJSON *dims = cJSON_GetObjectItemCaseSensitive(j, "dims");
	p->n_points = 1;
	for (const cJSON *d = cJSON_IsArray(dims) ? dims->child : NULL; d; d = d->next) {
		guint n = cJSON_IsNumber(d) && d->valuedouble >= 1 ? (guint)d->valuedouble : 1;
		g_array_append_val(p->dims, n);
		p->n_points *= n;
	}
	const cJSON *seeds = cJSON_GetObjectItemCaseSensitive(j, "seeds");
	for (const cJSON *s = cJSON_IsArray(seeds) ? seeds->child : NULL; s; s = s->next) {
		guint64 v = cJSON_IsNumber(s) ? (guint64)s->valuedouble : 0;
		g_array_append_val(p->seeds, v);
	}
	const cJSON *set = cJSON_GetObjectItemCaseSensitive(j, "set");
	for (const cJSON *s = cJSON_IsArray(set) ? set->child : NULL; s; s = s->next)
		if (cJSON_IsString(s))
			g_ptr_array_add(p->set, g_strdup(s->valuestring));
	const cJSON *metrics = cJSON_GetObjectItemCaseSensitive(j, "metrics");
	for (const cJSON *m = cJSON_IsArray(metrics) ? metrics->child : NULL; m; m = m->next) {
		struct sweep_metric *sm = cJSON_IsString(m) ? sweep_metric_parse(m->valuestring, err)
							    : NULL;
		if (!sm)
			return false;
		g_ptr_array_add(p->metrics, sm);
	}
	return p->seeds->len > 0;
}

struct sweep_plan *sweep_plan_from_json(const cJSON *j, char **err)
{
	struct sweep_plan *p = sweep_plan_new();
	*err = NULL;
	p->name = get_str(j, "name");
	p->sweep_file = get_str(j, "sweep_file");
	p->scenario = get_str(j, "scenario");
	p->scenario_sha256 = get_str(j, "scenario_sha256");
	p->until = get_str(j, "until");
	bool ok = p->name && p->scenario && lists_from_json(p, j, err);
	const cJSON *params = cJSON_GetObjectItemCaseSensitive(j, "params");
	for (const cJSON *o = cJSON_IsArray(params) ? params->child : NULL; ok && o; o = o->next)
		ok = param_from_json(p, o);
	if (!ok) {
		if (!*err)
			*err = g_strdup("malformed sweep.json");
		sweep_plan_free(p);
		return NULL;
	}
	return p;
}

/* ---- the sweep directory ---------------------------------------------------------------------- */

/* What makes two plans the same sweep: the scenario, the fixed settings and the
 * points. Seeds and metrics may change between runs into one directory (more seeds
 * add runs; metrics are read from the runs afterwards). */
static bool same_sweep(const cJSON *a, const cJSON *b)
{
	static const char *const keys[] = {"scenario_sha256", "set", "until", "dims"};
	for (guint i = 0; i < G_N_ELEMENTS(keys); i++)
		if (!cJSON_Compare(cJSON_GetObjectItemCaseSensitive(a, keys[i]),
				   cJSON_GetObjectItemCaseSensitive(b, keys[i]), true))
			return false;
	const cJSON *pa = cJSON_GetObjectItemCaseSensitive(a, "params");
	const cJSON *pb = cJSON_GetObjectItemCaseSensitive(b, "params");
	if (cJSON_GetArraySize(pa) != cJSON_GetArraySize(pb))
		return false;
	for (const cJSON *x = pa ? pa->child : NULL, *y = pb->child; x; x = x->next, y = y->next)
		if (!cJSON_Compare(cJSON_GetObjectItemCaseSensitive(x, "path"),
				   cJSON_GetObjectItemCaseSensitive(y, "path"), true) ||
		    !cJSON_Compare(cJSON_GetObjectItemCaseSensitive(x, "values"),
				   cJSON_GetObjectItemCaseSensitive(y, "values"), true))
			return false;
	return true;
}

static cJSON *read_plan_json(const char *dir, char **err)
{
	char *path = g_build_filename(dir, "sweep.json", NULL);
	gchar *text = NULL;
	gsize len = 0;
	cJSON *j = NULL;
	if (!g_file_get_contents(path, &text, &len, NULL))
		*err = g_strdup_printf("%s: not a sweep directory (no sweep.json)", dir);
	else if (!(j = cJSON_ParseWithLength(text, len)))
		*err = g_strdup_printf("%s: not valid JSON", path);
	g_free(text);
	g_free(path);
	return j;
}

struct sweep_plan *sweep_dir_plan(const char *dir, char **err)
{
	cJSON *j = read_plan_json(dir, err);
	if (!j)
		return NULL;
	char *e2 = NULL;
	struct sweep_plan *p = sweep_plan_from_json(j, &e2);
	if (!p) {
		*err = g_strdup_printf("%s/sweep.json: %s", dir, e2);
		g_free(e2);
	}
	cJSON_Delete(j);
	return p;
}

/* An existing directory may take the sweep: empty, or holding the same sweep. */
static int check_existing(const char *dir, const cJSON *mine, char **err)
{
	char *marker = g_build_filename(dir, "sweep.json", NULL);
	bool have = g_file_test(marker, G_FILE_TEST_EXISTS);
	g_free(marker);
	if (!have) {
		GDir *d = g_dir_open(dir, 0, NULL);
		bool empty = d && g_dir_read_name(d) == NULL;
		if (d)
			g_dir_close(d);
		if (empty)
			return 0;
		*err = g_strdup_printf("%s exists and is not a sweep directory (no sweep.json); "
				       "netsim does not write into it",
				       dir);
		return -1;
	}
	cJSON *old = read_plan_json(dir, err);
	if (!old)
		return -1;
	bool same = same_sweep(old, mine);
	cJSON_Delete(old);
	if (!same) {
		*err = g_strdup_printf("%s holds another sweep (its scenario, fixed settings or "
				       "points differ); use another --out or remove it",
				       dir);
		return -1;
	}
	return 0;
}

int sweep_dir_prepare(const char *dir, const struct sweep_plan *plan, char **err)
{
	cJSON *mine = sweep_plan_to_json(plan);
	int rc = -1;
	if (g_file_test(dir, G_FILE_TEST_EXISTS) && !g_file_test(dir, G_FILE_TEST_IS_DIR)) {
		*err = g_strdup_printf("%s exists and is not a directory", dir);
		goto out;
	}
	if (g_file_test(dir, G_FILE_TEST_IS_DIR) && check_existing(dir, mine, err) != 0)
		goto out;
	char *runs = g_build_filename(dir, "runs", NULL);
	int mk = g_mkdir_with_parents(runs, 0755);
	g_free(runs);
	if (mk != 0) {
		*err = g_strdup_printf("%s: %s", dir, g_strerror(errno));
		goto out;
	}
	char *text = cJSON_Print(mine);
	char *withnl = g_strconcat(text, "\n", NULL);
	char *path = g_build_filename(dir, "sweep.json", NULL);
	GError *e = NULL;
	if (g_file_set_contents(path, withnl, -1, &e)) {
		rc = 0;
	} else {
		*err = g_strdup(e->message);
		g_error_free(e);
	}
	g_free(path);
	g_free(withnl);
	cJSON_free(text);
out:
	cJSON_Delete(mine);
	return rc;
}

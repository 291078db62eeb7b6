/* sim/cli/sweep_file.c — a sweep file (or a scenario with --vary options) into a
 * validated plan (sweep.h).
 *
 * The sweep file is described by a schema (struct sch, like scenarios), so its own
 * mistakes read "FILE: PATH: message". Each varied parameter then goes through
 * sweep_values.c: its values (a list, or a from/to range expanded in the unit of the
 * parameter's type) are each applied to the base scenario with the --set machinery
 * and the scenario validated, so a value the run would refuse is refused here, at
 * its place in the sweep file. Metrics are checked against the summary.json of the
 * first point, built but not run (sweep_values.c).
 */
#include <math.h>
#include <string.h>

#include "sim/cli/scenario.h"
#include "sim/cli/sweep.h"
#include "sim/cli/sweep_load.h"

/* ---- the sweep file's schema ----------------------------------------------------------- */

#define JSON_MAX_INT INT64_C(9007199254740991)

static const struct sch t_string = {.kind = SCH_STRING};
static const struct sch t_name = {.kind = SCH_NAME};
static const struct sch t_any = {.kind = SCH_ANY};
static const struct sch t_values = {.kind = SCH_ARRAY, .item = &t_any, .min_items = 1};
static const struct sch t_steps = {.kind = SCH_INT, .min = 2, .max = 100000,
				   .flags = SCH_F_MIN | SCH_F_MAX};
static const char *const scales[] = {"lin", "log", NULL};
static const struct sch t_scale = {.kind = SCH_ENUM, .values = scales};
static const struct sch_key vary_keys[] = {
	{"path", &t_string, SCH_K_REQUIRED, NULL,
	 "the scenario value to vary, as --set writes it: \"links[1].forward.loss\""},
	{"values", &t_values, 0, NULL, "the values, each as the scenario would write it"},
	{"from", &t_any, 0, NULL, "first value of a range"},
	{"to", &t_any, 0, NULL, "last value of a range"},
	{"steps", &t_steps, 0, NULL, "number of values of a range, from and to included"},
	{"scale", &t_scale, 0, "\"lin\"", "spacing of a range: linear or logarithmic"},
	{0},
};
static const struct sch t_vary_entry = {.kind = SCH_OBJECT, .keys = vary_keys};
static const struct sch t_vary = {.kind = SCH_ARRAY, .item = &t_vary_entry};
static const struct sch t_zip_group = {.kind = SCH_ARRAY, .item = &t_vary_entry, .min_items = 1};
static const struct sch t_zip = {.kind = SCH_ARRAY, .item = &t_zip_group};
static const struct sch t_seed = {.kind = SCH_INT, .min = 0, .max = JSON_MAX_INT,
				  .flags = SCH_F_MIN | SCH_F_MAX};
static const struct sch t_seed_list = {.kind = SCH_ARRAY, .item = &t_seed, .min_items = 1};
static const struct sch *const seeds_alts[] = {&t_string, &t_seed_list, NULL};
static const struct sch t_seeds = {.kind = SCH_ANY_OF, .alts = seeds_alts,
				   .what = "a range like \"1-20\" or a list of seeds"};
static const struct sch t_strings = {.kind = SCH_ARRAY, .item = &t_string, .min_items = 1};
static const struct sch t_set = {.kind = SCH_ARRAY, .item = &t_string};
static const struct sch t_until = {.kind = SCH_DURATION, .flags = SCH_F_POSITIVE};
static const struct sch_key top_keys[] = {
	{"name", &t_name, 0, "file name without .json", "results go to results/sweeps/NAME/"},
	{"description", &t_string, 0, "\"\"", "what the sweep shows"},
	{"scenario", &t_string, SCH_K_REQUIRED, NULL,
	 "the base scenario, relative to the sweep file"},
	{"set", &t_set, 0, "[]", "fixed PATH=VALUE overrides of every run, as --set"},
	{"until", &t_until, 0, "the scenario's duration", "--until of every run"},
	{"vary", &t_vary, 0, "[]", "parameters varied independently: their grid"},
	{"zip", &t_zip, 0, "[]", "groups of parameters whose values move together"},
	{"seeds", &t_seeds, 0, "\"1\"", "seeds of each point: \"1-20\", \"1,5,9\" or [1, 5, 9]"},
	{"metrics", &t_strings, 0, "goodput, retransmits, RTOs, mean RTT",
	 "summary.json fields: \"flows[*].goodput_bps:sum\", \"flows[0].rto_count\""},
	{0},
};
static const struct sch t_sweep = {.kind = SCH_OBJECT, .keys = top_keys};

static const char *const default_metrics[] = {
	"flows[*].goodput_bps:sum",
	"flows[*].retransmits:sum",
	"flows[*].rto_count:sum",
	"flows[*].rtt_ms.mean:mean",
	NULL,
};

/* ---- plan ------------------------------------------------------------------------------- */

static void param_free(gpointer p)
{
	struct sweep_param *sp = p;
	g_free(sp->path);
	g_free(sp->num_column);
	g_ptr_array_free(sp->values, TRUE);
	g_array_free(sp->numbers, TRUE);
	g_free(sp);
}

struct sweep_param *sweep_param_new(const char *path)
{
	struct sweep_param *p = g_new0(struct sweep_param, 1);
	p->path = g_strdup(path);
	p->values = g_ptr_array_new_with_free_func((GDestroyNotify)cJSON_Delete);
	p->numbers = g_array_new(FALSE, FALSE, sizeof(double));
	return p;
}

struct sweep_plan *sweep_plan_new(void)
{
	struct sweep_plan *p = g_new0(struct sweep_plan, 1);
	p->set = g_ptr_array_new_with_free_func(g_free);
	p->params = g_ptr_array_new_with_free_func(param_free);
	p->dims = g_array_new(FALSE, FALSE, sizeof(guint));
	p->seeds = g_array_new(FALSE, FALSE, sizeof(guint64));
	p->metrics = g_ptr_array_new_with_free_func((GDestroyNotify)sweep_metric_free);
	return p;
}

void sweep_plan_free(struct sweep_plan *p)
{
	if (!p)
		return;
	g_free(p->name);
	g_free(p->sweep_file);
	g_free(p->scenario);
	g_free(p->scenario_sha256);
	g_free(p->until);
	g_ptr_array_free(p->set, TRUE);
	g_ptr_array_free(p->params, TRUE);
	g_array_free(p->dims, TRUE);
	g_array_free(p->seeds, TRUE);
	g_ptr_array_free(p->metrics, TRUE);
	g_free(p);
}

/* ---- metrics ----------------------------------------------------------------------------- */

void sweep_metric_free(struct sweep_metric *m)
{
	if (!m)
		return;
	g_free(m->text);
	g_ptr_array_free(m->segs, TRUE);
	g_free(m);
}

static enum sweep_agg agg_parse(const char *s)
{
	static const char *const names[] = {"", "sum", "mean", "min", "max"};
	for (int i = 1; i < 5; i++)
		if (strcmp(s, names[i]) == 0)
			return (enum sweep_agg)i;
	return SWEEP_AGG_NONE;
}

/* Splits "flows[*].rtt_ms.mean" into "flows", "[*]", "rtt_ms", "mean". */
static bool metric_segments(const char *sel, GPtrArray *segs)
{
	const char *p = sel;
	bool need_key = true;
	while (*p) {
		if (*p == '[') {
			const char *q = strchr(p, ']');
			if (!q || segs->len == 0 || q == p + 1)
				return false;
			char *idx = g_strndup(p + 1, (gsize)(q - p - 1));
			bool ok = strcmp(idx, "*") == 0;
			for (const char *c = idx; !ok && *c && g_ascii_isdigit(*c); c++)
				ok = c[1] == '\0';
			g_free(idx);
			if (!ok)
				return false;
			g_ptr_array_add(segs, g_strndup(p, (gsize)(q - p + 1)));
			p = q + 1;
			need_key = false;
		} else if (*p == '.') {
			if (need_key)
				return false;
			p++;
			need_key = true;
		} else {
			if (!need_key)
				return false;
			const char *q = p;
			while (*q && *q != '.' && *q != '[')
				q++;
			g_ptr_array_add(segs, g_strndup(p, (gsize)(q - p)));
			p = q;
			need_key = false;
		}
	}
	return segs->len > 0 && !need_key;
}

struct sweep_metric *sweep_metric_parse(const char *text, char **err)
{
	struct sweep_metric *m = g_new0(struct sweep_metric, 1);
	*err = NULL;
	m->text = g_strdup(text);
	m->segs = g_ptr_array_new_with_free_func(g_free);
	const char *colon = strrchr(text, ':');
	char *sel = colon ? g_strndup(text, (gsize)(colon - text)) : g_strdup(text);
	unsigned stars = 0;
	bool ok = metric_segments(sel, m->segs);
	for (guint i = 0; i < m->segs->len; i++)
		stars += strcmp(g_ptr_array_index(m->segs, i), "[*]") == 0;
	if (colon)
		m->agg = agg_parse(colon + 1);
	if (!ok)
		*err = g_strdup_printf("\"%s\": expected a summary.json field like "
				       "\"flows[0].rto_count\" or \"flows[*].goodput_bps:sum\"",
				       text);
	else if (stars > 1)
		*err = g_strdup_printf("\"%s\": at most one [*] per metric", text);
	else if (colon && m->agg == SWEEP_AGG_NONE)
		*err = g_strdup_printf("\"%s\": expected :sum, :mean, :min or :max after the field",
				       text);
	else if (stars && !colon)
		*err = g_strdup_printf("\"%s\": say how to combine [*]: add :sum, :mean, :min or :max",
				       text);
	else if (!stars && colon)
		*err = g_strdup_printf("\"%s\": :%s combines the elements of a [*]; this field is one "
				       "value",
				       text, colon + 1);
	g_free(sel);
	if (*err) {
		sweep_metric_free(m);
		return NULL;
	}
	return m;
}

/* A leaf as a number: numbers, booleans 1/0, JSON null NaN (found); else not found.
 * A summary built in this process holds its numbers as raw JSON text. */
static double leaf_number(const cJSON *v, bool *found)
{
	if (cJSON_IsNumber(v))
		return v->valuedouble;
	if (cJSON_IsRaw(v)) {
		char *end;
		double x = g_ascii_strtod(v->valuestring, &end);
		if (end != v->valuestring && *end == '\0')
			return x;
		*found = strcmp(v->valuestring, "null") == 0;
		return NAN;
	}
	if (cJSON_IsBool(v))
		return cJSON_IsTrue(v) ? 1.0 : 0.0;
	if (!cJSON_IsNull(v))
		*found = false;
	return NAN;
}

/* Follows segs[from..] from v; NaN (and *found false) when a key or index is not
 * there; a null along the way gives NaN and counts as found. */
static double walk(const GPtrArray *segs, guint from, const cJSON *v, bool *found)
{
	for (guint i = from; i < segs->len; i++) {
		const char *s = g_ptr_array_index(segs, i);
		if (cJSON_IsNull(v))
			return NAN;
		if (s[0] == '[') {
			guint64 idx = g_ascii_strtoull(s + 1, NULL, 10);
			v = cJSON_IsArray(v) && idx < (guint64)cJSON_GetArraySize(v)
				    ? cJSON_GetArrayItem(v, (int)idx)
				    : NULL;
		} else {
			v = cJSON_IsObject(v) ? cJSON_GetObjectItemCaseSensitive(v, s) : NULL;
		}
		if (!v) {
			*found = false;
			return NAN;
		}
	}
	return leaf_number(v, found);
}

double sweep_metric_eval(const struct sweep_metric *m, const cJSON *summary, bool *found)
{
	*found = true;
	guint star = 0;
	while (star < m->segs->len && strcmp(g_ptr_array_index(m->segs, star), "[*]") != 0)
		star++;
	if (star == m->segs->len)
		return walk(m->segs, 0, summary, found);
	/* The array before [*]: a sub-path without the rest. */
	const cJSON *arr = summary;
	for (guint i = 0; i < star && arr; i++) {
		const char *s = g_ptr_array_index(m->segs, i);
		if (s[0] == '[') {
			guint64 idx = g_ascii_strtoull(s + 1, NULL, 10);
			arr = cJSON_IsArray(arr) ? cJSON_GetArrayItem(arr, (int)idx) : NULL;
		} else {
			arr = cJSON_IsObject(arr) ? cJSON_GetObjectItemCaseSensitive(arr, s) : NULL;
		}
	}
	if (!cJSON_IsArray(arr)) {
		*found = false;
		return NAN;
	}
	/* Finite values combined in array order; NaN without any. */
	double acc = NAN;
	size_t n = 0;
	for (const cJSON *e = arr->child; e; e = e->next) {
		double x = walk(m->segs, star + 1, e, found);
		if (!isfinite(x))
			continue;
		if (n++ == 0)
			acc = x;
		else if (m->agg == SWEEP_AGG_SUM || m->agg == SWEEP_AGG_MEAN)
			acc += x;
		else if (m->agg == SWEEP_AGG_MIN ? x < acc : x > acc)
			acc = x;
	}
	return m->agg == SWEEP_AGG_MEAN && n ? acc / (double)n : acc;
}

/* ---- seeds --------------------------------------------------------------------------------- */

/* "1-20", "7", "1,3,5-7" into seeds; false on bad syntax. */
static bool seeds_parse(const char *text, GArray *seeds)
{
	char **parts = g_strsplit(text, ",", -1);
	bool ok = parts[0] != NULL;
	for (char **p = parts; ok && *p; p++) {
		char *dash = strchr(*p + (**p == '-'), '-');
		guint64 a, b;
		char *first = dash ? g_strndup(*p, (gsize)(dash - *p)) : g_strdup(*p);
		ok = g_ascii_string_to_unsigned(g_strstrip(first), 10, 0, JSON_MAX_INT, &a, NULL);
		b = a;
		if (ok && dash) {
			char *last = g_strdup(dash + 1);
			ok = g_ascii_string_to_unsigned(g_strstrip(last), 10, 0, JSON_MAX_INT, &b,
							NULL) &&
			     b >= a && b - a < 1000000;
			g_free(last);
		}
		g_free(first);
		for (guint64 s = a; ok && s <= b; s++)
			g_array_append_val(seeds, s);
	}
	g_strfreev(parts);
	return ok;
}

/* The seeds of the sweep: --seeds, else the file's, else 1. Reports bad syntax and
 * repeated seeds. */
static void load_seeds(struct sweep_load *L, const cJSON *doc, const char *cli)
{
	GArray *seeds = L->plan->seeds;
	const cJSON *v = sch_get(doc, "seeds");
	if (cli) {
		if (!seeds_parse(cli, seeds))
			sch_diag(L->d, NULL, "--seeds",
				 "expected a range like \"1-20\" or a list like \"1,5,9\", got \"%s\"",
				 cli);
	} else if (cJSON_IsString(v)) {
		if (!seeds_parse(v->valuestring, seeds))
			sch_diag(L->d, v, "seeds",
				 "expected a range like \"1-20\" or a list like \"1,5,9\", got \"%s\"",
				 v->valuestring);
	} else if (cJSON_IsArray(v)) {
		for (const cJSON *e = v->child; e; e = e->next) {
			int64_t s;
			if (sch_int_value(e, &s) && s >= 0) {
				guint64 u = (guint64)s;
				g_array_append_val(seeds, u);
			}
		}
	} else {
		guint64 one = 1;
		g_array_append_val(seeds, one);
	}
	GHashTable *seen = g_hash_table_new(g_int64_hash, g_int64_equal);
	for (guint i = 0; i < seeds->len; i++) {
		guint64 *s = &g_array_index(seeds, guint64, i);
		if (g_hash_table_contains(seen, s)) {
			sch_diag(L->d, cli ? NULL : v, cli ? "--seeds" : "seeds",
				 "seed %" G_GUINT64_FORMAT " is listed twice", *s);
			break;
		}
		g_hash_table_add(seen, s);
	}
	g_hash_table_destroy(seen);
}

/* One metric, with where it was written (for messages). */
static void add_metric(struct sweep_load *L, const char *text, char *where, const cJSON *anchor)
{
	char *err = NULL;
	struct sweep_metric *m = sweep_metric_parse(text, &err);
	if (m) {
		g_ptr_array_add(L->plan->metrics, m);
		g_ptr_array_add(L->metric_where, where);
		return;
	}
	sch_diag(L->d, anchor, where, "%s", err);
	g_free(err);
	g_free(where);
}

/* The metrics: --metric, else the file's, else the defaults. */
static void load_metrics(struct sweep_load *L, const cJSON *doc, char **cli)
{
	const cJSON *v = sch_get(doc, "metrics");
	if (cli) {
		for (char **m = cli; *m; m++)
			add_metric(L, *m, g_strdup_printf("--metric %s", *m), NULL);
	} else if (cJSON_IsArray(v)) {
		guint i = 0;
		for (const cJSON *e = v->child; e; e = e->next, i++)
			if (cJSON_IsString(e))
				add_metric(L, e->valuestring, g_strdup_printf("metrics[%u]", i), e);
	} else {
		for (const char *const *m = default_metrics; *m; m++)
			add_metric(L, *m, g_strdup_printf("default metric %s", *m), NULL);
	}
}

/* ---- varied parameters: where they come from -------------------------------------------- */

static void src_free(gpointer p)
{
	struct vary_src *s = p;
	g_free(s->where);
	g_free(s->path);
	cJSON_Delete(s->values);
	cJSON_Delete(s->from);
	cJSON_Delete(s->to);
	g_free(s);
}

static cJSON *dup_or_null(const cJSON *v)
{
	return v ? cJSON_Duplicate(v, true) : NULL;
}

/* An entry of the file's "vary" or of a "zip" group (checked by the schema). */
static struct vary_src *src_from_json(const cJSON *o, const char *where, guint dim)
{
	struct vary_src *s = g_new0(struct vary_src, 1);
	const char *path = "";
	sch_get_string(o, "path", &path);
	s->where = g_strdup(where);
	s->anchor = o;
	s->path = g_strdup(path);
	s->values = dup_or_null(sch_get(o, "values"));
	s->from = dup_or_null(sch_get(o, "from"));
	s->to = dup_or_null(sch_get(o, "to"));
	int64_t steps;
	s->have_steps = sch_get_int(o, "steps", &steps);
	s->steps = (guint)(s->have_steps ? steps : 0);
	const char *scale;
	s->have_scale = sch_get_string(o, "scale", &scale);
	s->log = s->have_scale && strcmp(scale, "log") == 0;
	s->dim = dim;
	return s;
}

/* A command-line value: JSON when it parses as JSON, else a string (as --set). */
static cJSON *cli_value(const char *text)
{
	cJSON *v = cJSON_ParseWithOpts(text, NULL, true);
	return v ? v : cJSON_CreateString(text);
}

/* Splits at commas outside brackets, braces and quotes ("[1,2],3" is two values). */
static GPtrArray *split_values(const char *text)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	int depth = 0;
	bool quote = false;
	const char *start = text;
	for (const char *p = text;; p++) {
		if (*p == '\0' || (*p == ',' && depth == 0 && !quote)) {
			g_ptr_array_add(out, g_strndup(start, (gsize)(p - start)));
			if (*p == '\0')
				break;
			start = p + 1;
		} else if (*p == '"' && (p == text || p[-1] != '\\')) {
			quote = !quote;
		} else if (!quote && (*p == '[' || *p == '{')) {
			depth++;
		} else if (!quote && (*p == ']' || *p == '}')) {
			depth--;
		}
	}
	return out;
}

/* "PATH=V1,V2,..." or "PATH=FROM..TO:STEPS[:lin|log]" from --vary or --zip. NULL
 * (reported) when it is not PATH=VALUES. */
static struct vary_src *src_from_cli(struct sweep_load *L, const char *opt, const char *text,
				     guint dim)
{
	struct vary_src *s = g_new0(struct vary_src, 1);
	s->where = g_strdup_printf("%s %s", opt, text);
	s->dim = dim;
	const char *eq = strchr(text, '=');
	if (!eq || eq == text || eq[1] == '\0') {
		sch_diag(L->d, NULL, s->where,
			 "expected PATH=V1,V2,... or PATH=FROM..TO:STEPS[:log]");
		src_free(s);
		return NULL;
	}
	s->path = g_strndup(text, (gsize)(eq - text));
	const char *vals = eq + 1;
	const char *dots = strstr(vals, "..");
	const char *colon = dots ? strchr(dots, ':') : NULL;
	if (dots && colon) {
		char *from = g_strndup(vals, (gsize)(dots - vals));
		char *to = g_strndup(dots + 2, (gsize)(colon - dots - 2));
		char **rest = g_strsplit(colon + 1, ":", 2);
		guint64 steps = 0;
		s->from = cli_value(from);
		s->to = cli_value(to);
		s->have_steps = g_ascii_string_to_unsigned(rest[0], 10, 2, 100000, &steps, NULL);
		s->steps = (guint)steps;
		s->have_scale = rest[1] != NULL;
		s->log = s->have_scale && strcmp(rest[1], "log") == 0;
		if (!s->have_steps || (s->have_scale && !s->log && strcmp(rest[1], "lin") != 0))
			sch_diag(L->d, NULL, s->where,
				 "a range is FROM..TO:STEPS[:lin|log] with 2 to 100000 steps");
		g_strfreev(rest);
		g_free(from);
		g_free(to);
		return s;
	}
	GPtrArray *items = split_values(vals);
	s->values = cJSON_CreateArray();
	for (guint i = 0; i < items->len; i++)
		cJSON_AddItemToArray(s->values, cli_value(g_ptr_array_index(items, i)));
	g_ptr_array_free(items, TRUE);
	return s;
}

/* Every varied parameter, in column order: the file's "vary", its "zip" groups,
 * then --vary and --zip. Each "vary" entry and each zip group is one dimension. */
static void collect_sources(struct sweep_load *L, const cJSON *doc, const struct sweep_cli *cli)
{
	guint dim = 0;
	const cJSON *vary = sch_get(doc, "vary");
	guint i = 0;
	for (const cJSON *o = cJSON_IsArray(vary) ? vary->child : NULL; o; o = o->next, i++) {
		if (!cJSON_IsObject(o))
			continue;
		char *where = g_strdup_printf("vary[%u]", i);
		g_ptr_array_add(L->srcs, src_from_json(o, where, dim++));
		g_free(where);
	}
	const cJSON *zip = sch_get(doc, "zip");
	i = 0;
	for (const cJSON *g = cJSON_IsArray(zip) ? zip->child : NULL; g; g = g->next, i++) {
		guint j = 0;
		for (const cJSON *o = cJSON_IsArray(g) ? g->child : NULL; o; o = o->next, j++) {
			if (!cJSON_IsObject(o))
				continue;
			char *where = g_strdup_printf("zip[%u][%u]", i, j);
			g_ptr_array_add(L->srcs, src_from_json(o, where, dim));
			g_free(where);
		}
		dim++;
	}
	for (char **v = cli->vary; v && *v; v++) {
		struct vary_src *s = src_from_cli(L, "--vary", *v, dim++);
		if (s)
			g_ptr_array_add(L->srcs, s);
	}
	for (char **z = cli->zip; z && *z; z++) {
		char **parts = g_strsplit(*z, ";", -1);
		for (char **p = parts; *p; p++) {
			struct vary_src *s = src_from_cli(L, "--zip", *p, dim);
			if (s)
				g_ptr_array_add(L->srcs, s);
		}
		g_strfreev(parts);
		dim++;
	}
	L->n_dims = dim;
}

/* ---- the document ------------------------------------------------------------------------- */

/* The sweep document: the file (schema-checked), or, when the file is a scenario
 * (it has "nodes", which a sweep file never has), an empty sweep naming it, which
 * the options fill. NULL after the message when the file is unreadable. */
static cJSON *load_doc(struct sweep_load *L, const char *file)
{
	char *err = NULL;
	struct scenario_doc *sd = scenario_doc_load(file, &err);
	if (!sd) {
		sch_print_line(stderr, "%s", err);
		g_free(err);
		return NULL;
	}
	cJSON *doc = sd->root;
	sd->root = NULL;
	scenario_doc_free(sd);
	if (cJSON_IsObject(doc) && cJSON_GetObjectItemCaseSensitive(doc, "nodes")) {
		cJSON_Delete(doc);
		doc = cJSON_CreateObject();
		cJSON_AddStringToObject(doc, "scenario", file);
		L->scenario_mode = true;
		return doc;
	}
	sch_diags_index(L->d, doc, NULL);
	GString *path = g_string_new(NULL);
	sch_check(&t_sweep, doc, path, L->d);
	g_string_free(path, TRUE);
	if (!cJSON_IsObject(doc)) {
		cJSON_Delete(doc);
		return NULL;
	}
	return doc;
}

/* Name, scenario path, fixed settings. */
static void load_header(struct sweep_load *L, const cJSON *doc, const char *file,
			const struct sweep_cli *cli)
{
	struct sweep_plan *p = L->plan;
	const char *str;
	const char *scn = sch_get_string(doc, "scenario", &str) ? str : "";
	char *stem = g_path_get_basename(L->scenario_mode ? scn : file);
	if (g_str_has_suffix(stem, ".json"))
		stem[strlen(stem) - 5] = '\0';
	p->name = g_strdup(sch_get_string(doc, "name", &str) ? str : stem);
	g_free(stem);
	p->sweep_file = L->scenario_mode ? NULL : g_strdup(file);
	if (L->scenario_mode || g_path_is_absolute(scn)) {
		p->scenario = g_strdup(scn);
	} else {
		/* Relative to the sweep file, as the runs see it from here. */
		char *dir = g_path_get_dirname(file);
		p->scenario = strcmp(dir, ".") == 0 ? g_strdup(scn) : g_build_filename(dir, scn, NULL);
		g_free(dir);
	}
	const cJSON *set = sch_get(doc, "set");
	for (const cJSON *e = cJSON_IsArray(set) ? set->child : NULL; e; e = e->next)
		if (cJSON_IsString(e))
			g_ptr_array_add(p->set, g_strdup(e->valuestring));
	L->n_file_sets = p->set->len;
	for (char **s = cli->set; s && *s; s++)
		g_ptr_array_add(p->set, g_strdup(*s));
	if (cli->until)
		p->until = g_strdup(cli->until);
	else if (sch_get_string(doc, "until", &str))
		p->until = g_strdup(str);
	sim_time_t t;
	if (cli->until && (sim_parse_duration(cli->until, &t) != 0 || t <= 0))
		sch_diag(L->d, NULL, "--until", "expected a duration greater than 0 like \"20s\", "
						"got \"%s\"",
			 cli->until);
}

static void load_free(struct sweep_load *L)
{
	g_ptr_array_free(L->srcs, TRUE);
	g_ptr_array_free(L->metric_where, TRUE);
	scenario_doc_free(L->base);
}

struct sweep_plan *sweep_plan_load(const char *file, const struct sweep_cli *cli)
{
	struct sch_diags d;
	sch_diags_init(&d, file);
	struct sweep_load L = {
		.d = &d,
		.plan = sweep_plan_new(),
		.srcs = g_ptr_array_new_with_free_func(src_free),
		.metric_where = g_ptr_array_new_with_free_func(g_free),
	};
	cJSON *doc = load_doc(&L, file);
	bool ok = doc != NULL;
	if (ok) {
		load_header(&L, doc, file, cli);
		load_seeds(&L, doc, cli->seeds);
		load_metrics(&L, doc, cli->metrics);
		collect_sources(&L, doc, cli);
		/* The values are checked against the scenario only when the sweep file
		 * itself is sound: a broken entry would only add noise. */
		ok = sch_diags_count(&d) == 0 && sweep_load_scenario(&L) == 0;
		if (ok && sch_diags_count(&d) == 0)
			sweep_load_params(&L);
		if (ok && sch_diags_count(&d) == 0)
			sweep_check_points(&L);
		if (ok && sch_diags_count(&d) == 0)
			sweep_check_metrics(&L);
	}
	sch_diags_print(&d, stderr);
	ok = ok && sch_diags_count(&d) == 0;
	sch_diags_fini(&d);
	cJSON_Delete(doc);
	load_free(&L);
	if (!ok) {
		sweep_plan_free(L.plan);
		return NULL;
	}
	return L.plan;
}

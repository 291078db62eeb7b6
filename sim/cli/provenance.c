/* sim/cli/provenance.c — summary.json's "provenance" object, written after a run and
 * read back by `netsim run --from` (see provenance.h). */
#include "sim/cli/provenance.h"

#include <string.h>

#include "sim/cli/scenario_json.h"

#ifndef NETSIM_VERSION
#define NETSIM_VERSION "unknown"
#endif

static char *file_sha256(const char *file)
{
	gchar *text;
	gsize len;
	if (!g_file_get_contents(file, &text, &len, NULL))
		return NULL;
	char *hex = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)text, len);
	g_free(text);
	return hex;
}

void provenance_init(struct provenance *p, const char *file, char *const *set,
		     const char *seed, const char *until)
{
	memset(p, 0, sizeof(*p));
	p->scenario_file = g_strdup(file);
	p->scenario_sha256 = file ? file_sha256(file) : NULL;
	p->set = g_ptr_array_new_with_free_func(g_free);
	provenance_override(p, set, seed, until);
}

void provenance_override(struct provenance *p, char *const *set, const char *seed,
			 const char *until)
{
	for (char *const *a = set; a && *a; a++)
		g_ptr_array_add(p->set, g_strdup(*a));
	if (seed) {
		g_free(p->seed);
		p->seed = g_strdup(seed);
	}
	if (until) {
		g_free(p->until);
		p->until = g_strdup(until);
	}
}

void provenance_fini(struct provenance *p)
{
	g_free(p->scenario_file);
	g_free(p->scenario_sha256);
	if (p->set)
		g_ptr_array_free(p->set, TRUE);
	g_free(p->seed);
	g_free(p->until);
	g_free(p->from);
	memset(p, 0, sizeof(*p));
}

static void add_string_or_null(cJSON *o, const char *key, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

cJSON *provenance_json(const struct provenance *p, const struct scenario *s)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "netsim", NETSIM_VERSION);
	add_string_or_null(o, "scenario_file", p->scenario_file);
	add_string_or_null(o, "scenario_sha256", p->scenario_sha256);
	cJSON *set = cJSON_AddArrayToObject(o, "set");
	for (guint i = 0; i < p->set->len; i++)
		cJSON_AddItemToArray(set, cJSON_CreateString(g_ptr_array_index(p->set, i)));
	/* --seed is a non-negative integer (checked before the run), written as a JSON
	 * number however it was typed ("007"). */
	if (p->seed) {
		char buf[32];
		g_snprintf(buf, sizeof(buf), "%" G_GUINT64_FORMAT,
			   g_ascii_strtoull(p->seed, NULL, 10));
		cJSON_AddItemToObject(o, "seed", cJSON_CreateRaw(buf));
	} else {
		cJSON_AddNullToObject(o, "seed");
	}
	add_string_or_null(o, "until", p->until);
	if (p->from)
		cJSON_AddStringToObject(o, "from", p->from);
	cJSON *scn = scenario_to_json(s);
	char buf[48];
	sim_format_duration(p->duration, buf, sizeof(buf));
	cJSON_ReplaceItemInObjectCaseSensitive(scn, "duration", cJSON_CreateString(buf));
	cJSON_AddItemToObject(o, "scenario", scn);
	return o;
}

bool provenance_until(const struct provenance *p, sim_time_t *out)
{
	sim_time_t t;
	if (!p->until || sim_parse_duration(p->until, &t) != 0 || t <= 0)
		return false;
	*out = t;
	return true;
}

static char *json_string(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? g_strdup(v->valuestring) : NULL;
}

/* The request recorded in `prov` into *p (from = dir). */
static void read_request(const cJSON *prov, const char *dir, struct provenance *p)
{
	memset(p, 0, sizeof(*p));
	p->scenario_file = json_string(prov, "scenario_file");
	p->scenario_sha256 = json_string(prov, "scenario_sha256");
	p->set = g_ptr_array_new_with_free_func(g_free);
	const cJSON *set = cJSON_GetObjectItemCaseSensitive(prov, "set");
	for (const cJSON *a = cJSON_IsArray(set) ? set->child : NULL; a; a = a->next)
		if (cJSON_IsString(a))
			g_ptr_array_add(p->set, g_strdup(a->valuestring));
	const cJSON *seed = cJSON_GetObjectItemCaseSensitive(prov, "seed");
	if (cJSON_IsNumber(seed))
		p->seed = g_strdup_printf("%" G_GUINT64_FORMAT, (guint64)seed->valuedouble);
	p->until = json_string(prov, "until");
	p->from = g_strdup(dir);
}

struct scenario_doc *provenance_load(const char *dir, struct provenance *p, char **err)
{
	char *path = g_build_filename(dir, "summary.json", NULL);
	gchar *text = NULL;
	gsize len = 0;
	cJSON *sum = NULL;
	struct scenario_doc *doc = NULL;
	GError *e = NULL;
	if (!g_file_get_contents(path, &text, &len, &e)) {
		*err = g_strdup_printf("%s: not a netsim results directory (%s)", dir,
				       e->code == G_FILE_ERROR_NOENT ? "no summary.json" : e->message);
		g_error_free(e);
		goto out;
	}
	sum = cJSON_ParseWithLength(text, len);
	const cJSON *prov = cJSON_GetObjectItemCaseSensitive(sum, "provenance");
	const cJSON *scn = cJSON_GetObjectItemCaseSensitive(prov, "scenario");
	if (!cJSON_IsObject(scn)) {
		*err = g_strdup_printf("%s: %s", path,
				       sum ? "no provenance.scenario to rerun (written by an older "
					     "netsim?)"
					   : "not valid JSON");
		goto out;
	}
	char *label = g_strdup_printf("%s: provenance.scenario", path);
	char *scn_text = cJSON_PrintUnformatted(scn);
	doc = scenario_doc_parse(label, scn_text, strlen(scn_text), err);
	cJSON_free(scn_text);
	g_free(label);
	if (doc)
		read_request(prov, dir, p);
out:
	cJSON_Delete(sum);
	g_free(text);
	g_free(path);
	return doc;
}

/* sim/cli/schema_set.c — `--set PATH=VALUE`: walks the path through the document
 * and the schema together, so a path the format does not have is refused with the
 * same "unknown key" help as in a file, and creates the objects a path needs.
 */
#include "sim/cli/schema.h"

#include <math.h>
#include <string.h>

/* ---- --set -------------------------------------------------------------------------- */

struct seg {
	char *key; /* NULL for an index */
	gsize index;
};

static void segs_free(GArray *segs)
{
	for (guint i = 0; i < segs->len; i++)
		g_free(g_array_index(segs, struct seg, i).key);
	g_array_free(segs, TRUE);
}

/* Splits "links[1].forward.loss" into segments; NULL with *err on bad syntax. */
static GArray *split_path(const char *path, char **err)
{
	GArray *segs = g_array_new(FALSE, TRUE, sizeof(struct seg));
	const char *p = path;
	bool need_key = true;

	while (*p) {
		if (*p == '[') {
			if (segs->len == 0)
				goto bad;
			const char *q = p + 1;
			if (!g_ascii_isdigit(*q))
				goto bad;
			guint64 idx = 0;
			while (g_ascii_isdigit(*q)) {
				idx = idx * 10 + (guint64)(*q - '0');
				if (idx > G_MAXUINT32)
					goto bad;
				q++;
			}
			if (*q != ']')
				goto bad;
			struct seg s = {NULL, (gsize)idx};
			g_array_append_val(segs, s);
			p = q + 1;
			need_key = false;
			continue;
		}
		if (*p == '.') {
			if (segs->len == 0 || need_key)
				goto bad;
			p++;
			need_key = true;
			continue;
		}
		if (!need_key)
			goto bad;
		const char *q = p;
		while (*q && *q != '.' && *q != '[' && *q != ']')
			q++;
		if (q == p)
			goto bad;
		struct seg s = {g_strndup(p, (gsize)(q - p)), 0};
		g_array_append_val(segs, s);
		p = q;
		need_key = false;
	}
	if (segs->len == 0 || need_key)
		goto bad;
	return segs;
bad:
	*err = g_strdup_printf("bad path \"%s\": write keys separated by '.' and array "
			       "elements as [N], e.g. links[1].forward.loss",
			       path);
	segs_free(segs);
	return NULL;
}

/* The alternative of `s` that holds JSON values like `like` (object, array). */
static const struct sch *container_schema(const struct sch *s, int json_type)
{
	if (s == NULL)
		return NULL;
	if (s->kind == SCH_ANY_OF) {
		for (const struct sch *const *a = s->alts; *a; a++) {
			const struct sch *r = container_schema(*a, json_type);
			if (r)
				return r;
		}
		return NULL;
	}
	if (json_type == cJSON_Object && s->kind == SCH_OBJECT)
		return s;
	if (json_type == cJSON_Array && s->kind == SCH_ARRAY)
		return s;
	return NULL;
}

static void forget_origins(GHashTable *origins, const cJSON *v)
{
	g_hash_table_remove(origins, v);
	for (const cJSON *c = v->child; c; c = c->next)
		forget_origins(origins, c);
}

/* Where a --set walk stands: the value and its schema, the path walked so far. */
struct set_walk {
	cJSON *cur;
	const struct sch *cur_s;
	GString *done;
	GHashTable *origins;
	const char *assignment;
	cJSON *nv; /* the new value; NULL once it is in the tree */
};

/* Creates the object a path needs below key sg->key of w->cur (child: what is there,
 * NULL or null). Returns it, or NULL with *err when the schema has no object there. */
static cJSON *set_create_object(struct set_walk *w, const struct seg *sg, cJSON *child,
				const struct sch *child_s, char **err)
{
	const struct sch *next = sg[1].key ? container_schema(child_s, cJSON_Object) : NULL;
	if (next == NULL) {
		*err = g_strdup_printf(sg[1].key ? "%s: the scenario has no such object to set a "
						   "key in"
						 : "%s: the scenario has no such array",
				       w->done->str);
		return NULL;
	}
	cJSON *o = cJSON_CreateObject();
	if (child)
		cJSON_ReplaceItemInObjectCaseSensitive(w->cur, sg->key, o);
	else
		cJSON_AddItemToObject(w->cur, sg->key, o);
	g_hash_table_insert(w->origins, o, g_strdup(w->assignment));
	return o;
}

/* One key step of the walk: into w->cur's key sg->key, or, when it is the last
 * step, sets it to w->nv. Returns 0, or -1 with *err. */
static int set_step_key(struct set_walk *w, const struct seg *sg, bool last, char **err)
{
	const struct sch *os = container_schema(w->cur_s, cJSON_Object);
	if (!cJSON_IsObject(w->cur) || os == NULL) {
		char *desc = sch_describe(w->cur);
		*err = g_strdup_printf("%s is %s, which has no key \"%s\"", w->done->str, desc,
				       sg->key);
		g_free(desc);
		return -1;
	}
	const struct sch_key *k = sch_find_key(os, w->cur, sg->key);
	const struct sch *child_s;
	sch_path_key(w->done, sg->key);
	if (k == NULL && os->tag && strcmp(sg->key, os->tag) == 0) {
		static const struct sch tag_s = {.kind = SCH_STRING};
		child_s = &tag_s;
	} else if (k == NULL) {
		char *m = sch_unknown_key_msg(os, w->cur, sg->key);
		*err = g_strdup_printf("%s: %s", w->done->str, m);
		g_free(m);
		return -1;
	} else {
		child_s = k->type;
	}
	cJSON *child = cJSON_GetObjectItemCaseSensitive(w->cur, sg->key);
	if (last) {
		if (child) {
			forget_origins(w->origins, child);
			/* (ReplaceItemInObject also gives the new item its key) */
			cJSON_ReplaceItemInObjectCaseSensitive(w->cur, sg->key, w->nv);
		} else {
			cJSON_AddItemToObject(w->cur, sg->key, w->nv);
		}
		return 0;
	}
	if (child == NULL || cJSON_IsNull(child)) {
		child = set_create_object(w, sg, child, child_s, err);
		if (child == NULL)
			return -1;
	}
	w->cur = child;
	w->cur_s = child_s;
	return 0;
}

/* One index step of the walk: into element sg->index of the array w->cur, or, when
 * it is the last step, replaces it with w->nv. Returns 0, or -1 with *err. */
static int set_step_index(struct set_walk *w, const struct seg *sg, bool last, char **err)
{
	const struct sch *as = container_schema(w->cur_s, cJSON_Array);
	if (!cJSON_IsArray(w->cur) || as == NULL) {
		char *desc = sch_describe(w->cur);
		*err = g_strdup_printf("%s is %s, not an array", w->done->str, desc);
		g_free(desc);
		return -1;
	}
	gsize n = (gsize)cJSON_GetArraySize(w->cur);
	sch_path_index(w->done, sg->index);
	if (sg->index >= n) {
		*err = g_strdup_printf("%s: no such element (the array has %" G_GSIZE_FORMAT
				       " element%s)",
				       w->done->str, n, n == 1 ? "" : "s");
		return -1;
	}
	cJSON *child = cJSON_GetArrayItem(w->cur, (int)sg->index);
	if (last) {
		forget_origins(w->origins, child);
		cJSON_ReplaceItemViaPointer(w->cur, child, w->nv);
		return 0;
	}
	w->cur = child;
	w->cur_s = as->item;
	return 0;
}

/* The JSON value of a --set VALUE: JSON when it parses as JSON, else a string. An
 * integer too large for a double to hold exactly (above 2^53 − 1, a 64-bit seed)
 * stays a string of digits, which the keys taking such values accept. */
static cJSON *set_value(const char *value)
{
	cJSON *nv = cJSON_ParseWithOpts(value, NULL, true);
	if (nv && cJSON_IsNumber(nv) && fabs(nv->valuedouble) > 9007199254740991.0 &&
	    value[strspn(value, "0123456789")] == '\0') {
		cJSON_Delete(nv);
		nv = NULL;
	}
	return nv ? nv : cJSON_CreateString(value);
}

int sch_set(cJSON *root, const struct sch *s, const char *assignment, GHashTable *origins,
	    char **err)
{
	const char *eq = strchr(assignment, '=');
	if (eq == NULL || eq == assignment) {
		*err = g_strdup_printf("expected PATH=VALUE (e.g. links[1].loss=2%%), got \"%s\"",
				       assignment);
		return -1;
	}
	char *pathtext = g_strndup(assignment, (gsize)(eq - assignment));
	const char *value = eq + 1;
	GArray *segs = split_path(pathtext, err);
	g_free(pathtext);
	if (!segs)
		return -1;

	struct set_walk w = {
		.cur = root,
		.cur_s = s,
		.done = g_string_new(NULL),
		.origins = origins,
		.assignment = assignment,
		.nv = set_value(value),
	};

	int rc = 0;
	for (guint i = 0; i < segs->len && rc == 0; i++) {
		const struct seg *sg = &g_array_index(segs, struct seg, i);
		bool last = i + 1 == segs->len;
		rc = sg->key ? set_step_key(&w, sg, last, err) : set_step_index(&w, sg, last, err);
	}
	if (rc == 0)
		g_hash_table_insert(origins, w.nv, g_strdup(assignment));
	else
		cJSON_Delete(w.nv);
	g_string_free(w.done, TRUE);
	segs_free(segs);
	return rc;
}

/* ---- the schema of a path ------------------------------------------------------------- */

const struct sch *sch_path_schema(const struct sch *s, const cJSON *root, const char *path)
{
	char *err = NULL;
	GArray *segs = split_path(path, &err);
	g_free(err);
	if (!segs)
		return NULL;
	const cJSON *cur = root;
	const struct sch *cur_s = s;
	for (guint i = 0; i < segs->len && cur_s; i++) {
		const struct seg *sg = &g_array_index(segs, struct seg, i);
		if (sg->key) {
			const struct sch *os = container_schema(cur_s, cJSON_Object);
			const cJSON *obj = cJSON_IsObject(cur) ? cur : NULL;
			const struct sch_key *k = os ? sch_find_key(os, obj, sg->key) : NULL;
			cur_s = k ? k->type : NULL;
			cur = obj ? cJSON_GetObjectItemCaseSensitive(obj, sg->key) : NULL;
		} else {
			const struct sch *as = container_schema(cur_s, cJSON_Array);
			cur_s = as ? as->item : NULL;
			cur = cJSON_IsArray(cur) ? cJSON_GetArrayItem(cur, (int)sg->index) : NULL;
		}
	}
	segs_free(segs);
	return cur_s;
}

/* sim/cli/scenario.c — scenario documents (load, parse, --set) and scenario_build(),
 * which checks a document against the schema (scenario_schema.c) and converts it
 * section by section (scenario_conv.h lists the files), every cross-reference
 * checked (names, addresses, subnets, routes, endpoints, ports).
 */
#include "sim/cli/scenario.h"

#include <string.h>

#include "sim/cli/scenario_conv.h"

static struct scenario_doc *doc_new(const char *file)
{
	struct scenario_doc *doc = g_new0(struct scenario_doc, 1);
	doc->file = g_strdup(file);
	char *base = g_path_get_basename(file);
	if (g_str_has_suffix(base, ".json"))
		base[strlen(base) - 5] = '\0';
	doc->stem = base;
	doc->origins = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
	return doc;
}

struct scenario_doc *scenario_doc_parse(const char *file, const char *text, size_t len,
					char **err)
{
	char *msg = NULL;
	cJSON *root = sch_parse_json(text, len, &msg);
	if (root == NULL) {
		*err = g_strdup_printf("%s:%s", file, msg);
		g_free(msg);
		return NULL;
	}
	struct scenario_doc *doc = doc_new(file);
	doc->root = root;
	return doc;
}

struct scenario_doc *scenario_doc_load(const char *file, char **err)
{
	gchar *text;
	gsize len;
	GError *e = NULL;
	if (!g_file_get_contents(file, &text, &len, &e)) {
		*err = g_strdup_printf("%s: cannot read: %s", file,
				       e->code == G_FILE_ERROR_NOENT ? "no such file"
								      : e->message);
		g_error_free(e);
		return NULL;
	}
	struct scenario_doc *doc = scenario_doc_parse(file, text, len, err);
	g_free(text);
	return doc;
}

int scenario_doc_set(struct scenario_doc *doc, const char *assignment, char **err)
{
	if (!cJSON_IsObject(doc->root)) {
		*err = g_strdup("the scenario is not a JSON object");
		return -1;
	}
	return sch_set(doc->root, scenario_schema(), assignment, doc->origins, err);
}

void scenario_doc_free(struct scenario_doc *doc)
{
	if (!doc)
		return;
	cJSON_Delete(doc->root);
	g_hash_table_destroy(doc->origins);
	g_free(doc->file);
	g_free(doc->stem);
	g_free(doc);
}


/* ======================================================================================
 * Helpers shared by the conversion sections
 * ====================================================================================== */

const char *scn_app_type_name(enum scn_app_type t)
{
	static const char *const names[] = {
		[SCN_APP_BULK] = "bulk",
		[SCN_APP_ECHO] = "echo",
		[SCN_APP_REQUEST_RESPONSE] = "request_response",
		[SCN_APP_HTTP] = "http",
		[SCN_APP_SIMOPEN] = "simultaneous_open",
		[SCN_APP_PING] = "ping",
		[SCN_APP_UDP] = "udp",
		[SCN_APP_SYN_FLOOD] = "syn_flood",
	};
	return names[t];
}

/* Path of a child key, for an error about it, without disturbing c->path. */
static char *child_path(struct scn_conv *c, const char *key)
{
	gsize l = sch_path_key(c->path, key);
	char *p = g_strdup(c->path->str);
	sch_path_pop(c->path, l);
	return p;
}

void scn_err_key(struct scn_conv *c, const cJSON *obj, const char *key, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *m = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	const cJSON *at = key ? sch_get(obj, key) : obj;
	char *p = key ? child_path(c, key) : g_strdup(SCN_PATH(c));
	sch_diag(c->d, at ? at : obj, p, "%s", m);
	g_free(p);
	g_free(m);
}

char *scn_node_list(const struct scenario *s)
{
	GString *g = g_string_new(NULL);
	for (guint i = 0; i < s->nodes->len; i++) {
		const char *name = g_array_index(s->nodes, struct scn_node, i).name;
		bool dup = !*name;
		for (guint k = 0; k < i && !dup; k++)
			dup = strcmp(g_array_index(s->nodes, struct scn_node, k).name, name) == 0;
		if (dup)
			continue;
		if (g->len)
			g_string_append(g, ", ");
		g_string_append(g, name);
	}
	return g_string_free(g, FALSE);
}

/* Looks up key `key` of obj as a node name; -1 (error reported) if unknown, -2 if
 * absent or invalid (already reported by the schema). */
gint scn_lookup_node(struct scn_conv *c, const cJSON *obj, const char *key)
{
	const char *name;
	if (!sch_get_string(obj, key, &name) || !c->have_nodes)
		return -2;
	gpointer v = g_hash_table_lookup(c->node_by_name, name);
	if (v)
		return GPOINTER_TO_INT(v) - 1;
	char *all = scn_node_list(c->s);
	scn_err_key(c, obj, key, "unknown node \"%s\" (nodes: %s)", name, all);
	g_free(all);
	return -1;
}

char *scn_fmt_addr(ipv4_addr_t a)
{
	char buf[IPV4_ADDR_STRLEN];
	return g_strdup(ipv4_format(a, buf));
}

/* ======================================================================================
 * The whole scenario
 * ====================================================================================== */

struct scenario *scenario_build(struct scenario_doc *doc, struct sch_diags *d)
{
	const struct sch *schema = scenario_schema();
	GString *path = g_string_new(NULL);
	const cJSON *root = doc->root;

	sch_diags_index(d, root, doc->origins);
	sch_check(schema, root, path, d);
	if (!cJSON_IsObject(root)) {
		g_string_free(path, TRUE);
		return NULL;
	}

	struct scenario *s = g_new0(struct scenario, 1);
	s->file = g_strdup(doc->file);
	s->nodes = g_array_new(FALSE, TRUE, sizeof(struct scn_node));
	s->ifaces = g_array_new(FALSE, TRUE, sizeof(struct scn_iface));
	s->links = g_array_new(FALSE, TRUE, sizeof(struct scn_link));
	s->apps = g_array_new(FALSE, TRUE, sizeof(struct scn_app));

	struct scn_conv c = {
		.s = s,
		.d = d,
		.path = path,
		.node_by_name = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
		.addr_owner = g_hash_table_new(g_direct_hash, g_direct_equal),
		.app_names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
	};

	const char *str;
	s->name = g_strdup(sch_get_string(root, "name", &str) ? str : doc->stem);
	s->description = g_strdup(sch_get_string(root, "description", &str) ? str : "");
	s->seed = 1;
	sch_get_u64(root, "seed", &s->seed);
	sch_get_duration(root, "duration", &s->duration);

	const cJSON *top_tcp = sch_get(root, "tcp");
	{
		const cJSON *layers[3] = {top_tcp, NULL, NULL};
		gsize l = sch_path_key(path, "tcp");
		scn_conv_tcp(&c, layers, 0, &s->tcp, top_tcp ? top_tcp : root);
		sch_path_pop(path, l);
	}

	c.have_nodes = cJSON_IsArray(sch_get(root, "nodes"));
	gsize l = sch_path_key(path, "nodes");
	scn_conv_nodes(&c, sch_get(root, "nodes"));
	sch_path_pop(path, l);

	l = sch_path_key(path, "links");
	scn_conv_links(&c, sch_get(root, "links"));
	sch_path_pop(path, l);

	l = sch_path_key(path, "nodes");
	scn_conv_routes(&c, sch_get(root, "nodes"));
	sch_path_pop(path, l);

	c.topology_ok = true;
	for (guint i = 0; i < d->items->len; i++) {
		const struct sch_diag *e = g_ptr_array_index(d->items, i);
		if (g_str_has_prefix(e->path, "nodes") || g_str_has_prefix(e->path, "links"))
			c.topology_ok = false;
	}
	l = sch_path_key(path, "apps");
	scn_conv_apps(&c, sch_get(root, "apps"), top_tcp);
	sch_path_pop(path, l);

	l = sch_path_key(path, "capture");
	scn_conv_capture(&c, sch_get(root, "capture"));
	sch_path_pop(path, l);
	const char *format = NULL;
	s->capture_pcapng = sch_get_string(root, "capture_format", &format) &&
			    strcmp(format, "pcapng") == 0;

	g_hash_table_destroy(c.node_by_name);
	g_hash_table_destroy(c.addr_owner);
	g_hash_table_destroy(c.app_names);
	g_string_free(path, TRUE);

	if (sch_diags_count(d) > 0) {
		scenario_free(s);
		return NULL;
	}
	return s;
}

gint scenario_node_index(const struct scenario *s, const char *name)
{
	for (guint i = 0; i < s->nodes->len; i++)
		if (strcmp(scn_node_at(s, i)->name, name) == 0)
			return (gint)i;
	return -1;
}

void scenario_free(struct scenario *s)
{
	if (!s)
		return;
	for (guint i = 0; i < s->nodes->len; i++) {
		struct scn_node *n = scn_node_at(s, i);
		g_free(n->name);
		g_array_free(n->routes, TRUE);
		g_array_free(n->ifaces, TRUE);
	}
	for (guint i = 0; i < s->ifaces->len; i++)
		g_free(scn_iface_at(s, i)->name);
	for (guint i = 0; i < s->links->len; i++) {
		struct scn_link *L = &g_array_index(s->links, struct scn_link, i);
		g_free(L->name);
		g_ptr_array_free(L->storage, TRUE);
	}
	for (guint i = 0; i < s->apps->len; i++) {
		struct scn_app *a = &g_array_index(s->apps, struct scn_app, i);
		g_free(a->name);
		if (a->pauses)
			g_array_free(a->pauses, TRUE);
		if (a->body_sizes)
			g_array_free(a->body_sizes, TRUE);
		if (a->chunk_sizes)
			g_array_free(a->chunk_sizes, TRUE);
		g_free(a->chunk_extension);
		g_free(a->trailer);
	}
	g_array_free(s->nodes, TRUE);
	g_array_free(s->ifaces, TRUE);
	g_array_free(s->links, TRUE);
	g_array_free(s->apps, TRUE);
	g_free(s->file);
	g_free(s->name);
	g_free(s->description);
	g_free(s);
}

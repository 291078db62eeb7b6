/* sim/cli/schema_doc.c — the key reference in Markdown, generated from a schema
 * (`netsim schema`, docs/scenario-format.md).
 */
#include "sim/cli/schema.h"

#include <string.h>

/* ---- docs ----------------------------------------------------------------------------- */

static const char *type_name(const struct sch *s)
{
	if (s->type_name)
		return s->type_name;
	switch (s->kind) {
	case SCH_OBJECT: return "object";
	case SCH_ARRAY: return "array";
	case SCH_ANY_OF: return "see below";
	case SCH_STRING: return "string";
	case SCH_NAME: return "name (≤ 64 chars)";
	case SCH_ENUM: return "string";
	case SCH_BOOL: return "boolean";
	case SCH_INT: return "integer";
	case SCH_U64: return "integer 0–18446744073709551615 (a string above 2^53 − 1)";
	case SCH_DURATION: return "duration";
	case SCH_RATE: return "rate";
	case SCH_SIZE: return "size";
	case SCH_PROB: return "probability";
	case SCH_ADDR: return "address";
	case SCH_CIDR: return "address/len";
	case SCH_PREFIX: return "prefix";
	case SCH_ANY: return "any";
	}
	return "?";
}

static void md_escape(GString *out, const char *text)
{
	for (const char *p = text; *p; p++) {
		if (*p == '|')
			g_string_append(out, "\\|");
		else
			g_string_append_c(out, *p);
	}
}

static void md_type(GString *out, const struct sch *s)
{
	if (s->kind == SCH_ARRAY) {
		g_string_append(out, "array of ");
		md_type(out, s->item);
		return;
	}
	if (s->kind == SCH_ANY_OF) {
		for (const struct sch *const *a = s->alts; *a; a++) {
			if (a != s->alts)
				g_string_append(out, " or ");
			md_type(out, *a);
		}
		return;
	}
	if (s->kind == SCH_ENUM) {
		for (const char *const *p = s->values; *p; p++) {
			if (p != s->values)
				g_string_append(out, ", ");
			g_string_append_printf(out, "`\"%s\"`", *p);
		}
		return;
	}
	g_string_append(out, type_name(s));
	if (s->kind == SCH_INT && (s->flags & (SCH_F_MIN | SCH_F_MAX))) {
		g_string_append(out, " ");
		if ((s->flags & SCH_F_MIN) && (s->flags & SCH_F_MAX))
			g_string_append_printf(out, "%" G_GINT64_FORMAT "–%" G_GINT64_FORMAT, s->min,
					       s->max);
		else if (s->flags & SCH_F_MIN)
			g_string_append_printf(out, "≥ %" G_GINT64_FORMAT, s->min);
		else
			g_string_append_printf(out, "≤ %" G_GINT64_FORMAT, s->max);
	} else if (s->flags & SCH_F_POSITIVE) {
		g_string_append(out, " > 0");
	}
}

static void md_keys(GString *out, const struct sch_key *keys)
{
	for (const struct sch_key *k = keys; k && k->name; k++) {
		g_string_append_printf(out, "| `%s` | ", k->name);
		md_type(out, k->type);
		g_string_append(out, " | ");
		if (k->flags & SCH_K_REQUIRED)
			g_string_append(out, "required");
		else
			md_escape(out, k->def ? k->def : "");
		g_string_append(out, " | ");
		md_escape(out, k->doc ? k->doc : "");
		g_string_append(out, " |\n");
	}
}

static void md_object(const struct sch *s, const char *path, GString *out, GPtrArray *seen,
		      GPtrArray *queue_s, GPtrArray *queue_p);

static void md_enqueue(const struct sch *t, const char *path, GPtrArray *queue_s,
		       GPtrArray *queue_p)
{
	if (t->kind == SCH_OBJECT) {
		g_ptr_array_add(queue_s, (gpointer)t);
		g_ptr_array_add(queue_p, g_strdup(path));
	} else if (t->kind == SCH_ARRAY) {
		char *p = g_strconcat(path, "[]", NULL);
		md_enqueue(t->item, p, queue_s, queue_p);
		g_free(p);
	} else if (t->kind == SCH_ANY_OF) {
		for (const struct sch *const *a = t->alts; *a; a++)
			md_enqueue(*a, path, queue_s, queue_p);
	}
}

static void md_children(const struct sch_key *keys, const char *path, GPtrArray *queue_s,
			GPtrArray *queue_p)
{
	for (const struct sch_key *k = keys; k && k->name; k++) {
		char *p = path[0] ? g_strconcat(path, ".", k->name, NULL) : g_strdup(k->name);
		md_enqueue(k->type, p, queue_s, queue_p);
		g_free(p);
	}
}

static void md_object(const struct sch *s, const char *path, GString *out, GPtrArray *seen,
		      GPtrArray *queue_s, GPtrArray *queue_p)
{
	/* Variants of one tagged object sharing a key (every TCP application's `tcp`)
	 * reach the same object at the same path: it is described once. */
	for (guint i = 0; i < seen->len; i += 2)
		if (g_ptr_array_index(seen, i) == s &&
		    strcmp(g_ptr_array_index(seen, i + 1), path) == 0)
			return;
	for (guint i = 0; i < seen->len; i += 2) {
		if (g_ptr_array_index(seen, i) == s) {
			g_string_append_printf(out, "#### `%s`\n\nSame keys as `%s`.\n\n", path,
					       (const char *)g_ptr_array_index(seen, i + 1));
			g_ptr_array_add(seen, (gpointer)s);
			g_ptr_array_add(seen, g_strdup(path));
			return;
		}
	}
	g_ptr_array_add(seen, (gpointer)s);
	g_ptr_array_add(seen, g_strdup(path));

	if (path[0])
		g_string_append_printf(out, "#### `%s`\n\n", path);
	else
		g_string_append(out, "#### Top level\n\n");
	g_string_append(out, "| key | type | default | meaning |\n|---|---|---|---|\n");
	if (s->tag) {
		g_string_append_printf(out, "| `%s` | ", s->tag);
		for (const struct sch_variant *v = s->variants; v->tag; v++) {
			if (v != s->variants)
				g_string_append(out, ", ");
			g_string_append_printf(out, "`\"%s\"`", v->tag);
		}
		if (s->tag_default)
			g_string_append_printf(out, " | `\"%s\"` | selects the kind; its own keys follow |\n",
					       s->tag_default);
		else
			g_string_append(out, " | required | selects the kind; its own keys follow |\n");
	}
	md_keys(out, s->keys);
	g_string_append_c(out, '\n');
	md_children(s->keys, path, queue_s, queue_p);
	if (s->tag) {
		for (const struct sch_variant *v = s->variants; v->tag; v++) {
			g_string_append_printf(out, "##### `%s` with `\"%s\": \"%s\"`\n\n",
					       path, s->tag, v->tag);
			if (v->doc)
				g_string_append_printf(out, "%s\n\n", v->doc);
			if (v->keys && v->keys->name) {
				g_string_append(out, "| key | type | default | meaning |\n"
						     "|---|---|---|---|\n");
				md_keys(out, v->keys);
				g_string_append_c(out, '\n');
				md_children(v->keys, path, queue_s, queue_p);
			} else {
				g_string_append(out, "No further keys.\n\n");
			}
		}
	}
}

void sch_write_markdown(const struct sch *s, GString *out)
{
	GPtrArray *seen = g_ptr_array_new();
	GPtrArray *queue_s = g_ptr_array_new();
	GPtrArray *queue_p = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(queue_s, (gpointer)s);
	g_ptr_array_add(queue_p, g_strdup(""));
	/* Breadth-first, so the document reads from the top level down. */
	for (guint i = 0; i < queue_s->len; i++)
		md_object(g_ptr_array_index(queue_s, i), g_ptr_array_index(queue_p, i), out, seen,
			  queue_s, queue_p);
	for (guint i = 1; i < seen->len; i += 2)
		g_free(g_ptr_array_index(seen, i));
	g_ptr_array_free(seen, TRUE);
	g_ptr_array_free(queue_s, TRUE);
	g_ptr_array_free(queue_p, TRUE);
}

/* sim/cli/schema.c — schema-driven validation: diagnostics, paths, leaf values,
 * objects, and the getters the conversion reads validated values with.
 *
 * Everything here is generic over `struct sch`; the netsim scenario format itself is
 * described in scenario_schema.c. The rest of the schema engine: --set
 * (schema_set.c), the JSON syntax scanner (schema_json.c), the key reference
 * (schema_doc.c).
 */
#include "sim/cli/schema.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

/* ---- diagnostics ------------------------------------------------------------------- */

static void diag_free(gpointer p)
{
	struct sch_diag *e = p;
	g_free(e->path);
	g_free(e->msg);
	g_free(e->origin);
	g_free(e);
}

void sch_diags_init(struct sch_diags *d, const char *file)
{
	d->file = g_strdup(file);
	d->items = g_ptr_array_new_with_free_func(diag_free);
	d->order = g_hash_table_new(g_direct_hash, g_direct_equal);
	d->origin = g_hash_table_new(g_direct_hash, g_direct_equal);
}

void sch_diags_fini(struct sch_diags *d)
{
	g_free(d->file);
	g_ptr_array_free(d->items, TRUE);
	g_hash_table_destroy(d->order);
	g_hash_table_destroy(d->origin);
	memset(d, 0, sizeof(*d));
}

static void index_node(struct sch_diags *d, const cJSON *v, GHashTable *set_origins,
		       const char *origin, guint *counter)
{
	if (set_origins) {
		const char *o = g_hash_table_lookup(set_origins, v);
		if (o)
			origin = o;
	}
	g_hash_table_insert(d->order, (gpointer)v, GUINT_TO_POINTER(++*counter));
	if (origin)
		g_hash_table_insert(d->origin, (gpointer)v, (gpointer)origin);
	for (const cJSON *c = v->child; c; c = c->next)
		index_node(d, c, set_origins, origin, counter);
}

void sch_diags_index(struct sch_diags *d, const cJSON *root, GHashTable *set_origins)
{
	guint counter = 0;
	g_hash_table_remove_all(d->order);
	g_hash_table_remove_all(d->origin);
	if (root)
		index_node(d, root, set_origins, NULL, &counter);
}

void sch_diag(struct sch_diags *d, const cJSON *at, const char *path, const char *fmt, ...)
{
	struct sch_diag *e = g_new0(struct sch_diag, 1);
	va_list ap;
	va_start(ap, fmt);
	e->msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	e->path = g_strdup(path ? path : "");
	e->order = at ? GPOINTER_TO_UINT(g_hash_table_lookup(d->order, at)) : 0;
	e->seq = d->items->len;
	const char *o = at ? g_hash_table_lookup(d->origin, at) : NULL;
	e->origin = g_strdup(o);
	g_ptr_array_add(d->items, e);
}

static gint diag_cmp(gconstpointer a, gconstpointer b)
{
	const struct sch_diag *x = *(const struct sch_diag *const *)a;
	const struct sch_diag *y = *(const struct sch_diag *const *)b;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void sch_diags_print(struct sch_diags *d, FILE *fp)
{
	g_ptr_array_sort(d->items, diag_cmp);
	for (guint i = 0; i < d->items->len; i++) {
		const struct sch_diag *e = g_ptr_array_index(d->items, i);
		sch_print_line(fp, "%s: %s%s%s%s%s%s", d->file, e->path, e->path[0] ? ": " : "",
			       e->msg, e->origin ? " (from --set " : "", e->origin ? e->origin : "",
			       e->origin ? ")" : "");
	}
}

/* ---- one-line messages ------------------------------------------------------------------ */

/* The character at p (before end): its length in bytes, 1 for a byte that does not
 * start a valid UTF-8 sequence (*bad set). */
static gsize char_len(const char *p, const char *end, bool *bad)
{
	unsigned char c = (unsigned char)*p;
	*bad = false;
	if (c < 0x80)
		return 1;
	gunichar u = g_utf8_get_char_validated(p, end - p);
	if (u == (gunichar)-1 || u == (gunichar)-2) {
		*bad = true;
		return 1;
	}
	return (gsize)(g_utf8_next_char(p) - p);
}

void sch_escape(GString *out, const char *s, gssize len, gboolean quoted, gsize max_chars)
{
	const char *p = s, *end = s + (len < 0 ? (gssize)strlen(s) : len);
	bool bad;
	gsize total = 0;
	for (const char *q = p; max_chars && q < end; total++)
		q += char_len(q, end, &bad);
	gsize show = max_chars && total > max_chars ? max_chars - 3 : G_MAXSIZE;
	for (gsize n = 0; p < end; n++) {
		if (n == show) {
			g_string_append(out, "...");
			return;
		}
		unsigned char c = (unsigned char)*p;
		const char *next = p + char_len(p, end, &bad);
		if (bad)
			g_string_append_printf(out, "\\x%02x", c);
		else if (c == '\n')
			g_string_append(out, "\\n");
		else if (c == '\r')
			g_string_append(out, "\\r");
		else if (c == '\t')
			g_string_append(out, "\\t");
		else if (c < 0x20 || c == 0x7f)
			g_string_append_printf(out, "\\u%04x", c);
		else if (quoted && (c == '"' || c == '\\'))
			g_string_append_printf(out, "\\%c", c);
		else
			g_string_append_len(out, p, next - p);
		p = next;
	}
}

void sch_print_line(FILE *fp, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *text = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	GString *line = g_string_new(NULL);
	sch_escape(line, text, -1, FALSE, 0);
	g_string_append_c(line, '\n');
	fputs(line->str, fp);
	g_string_free(line, TRUE);
	g_free(text);
}

/* ---- paths --------------------------------------------------------------------------- */

gsize sch_path_key(GString *path, const char *key)
{
	gsize len = path->len;
	if (len)
		g_string_append_c(path, '.');
	g_string_append(path, key);
	return len;
}

gsize sch_path_index(GString *path, gsize i)
{
	gsize len = path->len;
	g_string_append_printf(path, "[%" G_GSIZE_FORMAT "]", i);
	return len;
}

/* ---- describing values ---------------------------------------------------------------- */

/* Appends a JSON number as the user would have written it (integers without ".0"). */
static void append_number(GString *s, double v)
{
	char buf[G_ASCII_DTOSTR_BUF_SIZE];
	if (isfinite(v) && v == floor(v) && fabs(v) < 9.2e18)
		g_string_append_printf(s, "%" G_GINT64_FORMAT, (gint64)v);
	else
		g_string_append(s, g_ascii_formatd(buf, sizeof(buf), "%.15g", v));
}

char *sch_describe(const cJSON *v)
{
	GString *s = g_string_new(NULL);
	if (v == NULL || cJSON_IsNull(v)) {
		g_string_append(s, "null");
	} else if (cJSON_IsString(v)) {
		/* Long strings are cut: the message is about the value's kind, not its text. */
		g_string_append_c(s, '"');
		const char *p = v->valuestring;
		sch_escape(s, p, -1, TRUE, 60);
		g_string_append_c(s, '"');
	} else if (cJSON_IsNumber(v)) {
		append_number(s, v->valuedouble);
	} else if (cJSON_IsTrue(v)) {
		g_string_append(s, "true");
	} else if (cJSON_IsFalse(v)) {
		g_string_append(s, "false");
	} else if (cJSON_IsArray(v)) {
		g_string_append(s, "an array");
	} else if (cJSON_IsObject(v)) {
		g_string_append(s, "an object");
	} else {
		g_string_append(s, "an unknown value");
	}
	return g_string_free(s, FALSE);
}

/* ---- leaf parsing ---------------------------------------------------------------------- */

static bool json_integral(const cJSON *v, int64_t *out)
{
	if (!cJSON_IsNumber(v))
		return false;
	double d = v->valuedouble;
	/* Integers up to 2^53 are exact in a double; beyond that JSON numbers are not
	 * reliably integers. */
	if (!isfinite(d) || d != floor(d) || fabs(d) > 9007199254740991.0)
		return false;
	*out = (int64_t)d;
	return true;
}

/* A JSON integer 0..2^53 − 1, or a string of decimal digits 0..2^64 − 1. */
static bool u64_value(const cJSON *v, uint64_t *out)
{
	int64_t i;
	if (cJSON_IsNumber(v)) {
		if (!json_integral(v, &i) || i < 0)
			return false;
		*out = (uint64_t)i;
		return true;
	}
	guint64 u;
	if (!cJSON_IsString(v) || !g_ascii_isdigit(v->valuestring[0]) ||
	    !g_ascii_string_to_unsigned(v->valuestring, 10, 0, G_MAXUINT64, &u, NULL))
		return false;
	*out = u;
	return true;
}

static bool valid_name(const char *s)
{
	if (!*s || *s == '.' || strlen(s) > SCH_NAME_MAX)
		return false;
	for (const char *p = s; *p; p++)
		if (!g_ascii_isalnum(*p) && *p != '_' && *p != '-' && *p != '.')
			return false;
	return true;
}

static bool json_type_accepted(const struct sch *s, const cJSON *v)
{
	switch (s->kind) {
	case SCH_OBJECT:
		return cJSON_IsObject(v);
	case SCH_ARRAY:
		return cJSON_IsArray(v);
	case SCH_ANY_OF:
		for (const struct sch *const *a = s->alts; *a; a++)
			if (json_type_accepted(*a, v))
				return true;
		return false;
	case SCH_BOOL:
		return cJSON_IsBool(v);
	case SCH_INT:
		return cJSON_IsNumber(v);
	case SCH_U64:
	case SCH_SIZE:
	case SCH_PROB:
		return cJSON_IsString(v) || cJSON_IsNumber(v);
	case SCH_ANY:
		return true;
	default:
		return cJSON_IsString(v);
	}
}

const struct sch *sch_pick(const struct sch *s, const cJSON *v)
{
	if (s->kind != SCH_ANY_OF)
		return s;
	for (const struct sch *const *a = s->alts; *a; a++)
		if (json_type_accepted(*a, v))
			return sch_pick(*a, v);
	return NULL;
}

static const char *default_what(const struct sch *s)
{
	if (s->what)
		return s->what;
	switch (s->kind) {
	case SCH_OBJECT: return "an object";
	case SCH_ARRAY: return "an array";
	case SCH_STRING: return "a string";
	case SCH_NAME:
		return "a name of at most 64 letters, digits, '_', '-', '.', not starting with '.'";
	case SCH_ENUM: return "one of the listed names";
	case SCH_BOOL: return "true or false";
	case SCH_INT: return "an integer";
	case SCH_U64:
		return "an integer from 0 to 18446744073709551615 (a string above "
		       "9007199254740991, e.g. \"18446744073709551615\")";
	case SCH_DURATION: return sim_unit_error_string(-SIM_EUNIT_SYNTAX, "duration");
	case SCH_RATE: return sim_unit_error_string(-SIM_EUNIT_SYNTAX, "rate");
	case SCH_SIZE: return sim_unit_error_string(-SIM_EUNIT_SYNTAX, "size");
	case SCH_PROB: return sim_unit_error_string(-SIM_EUNIT_SYNTAX, "probability");
	case SCH_ADDR: return "an IPv4 address like \"10.0.0.1\"";
	case SCH_CIDR: return "an address with prefix length like \"10.0.0.1/24\"";
	case SCH_PREFIX: return "a prefix like \"10.0.0.0/24\" or \"0.0.0.0/0\"";
	case SCH_ANY_OF: return "a value of another type";
	case SCH_ANY: return "a value";
	}
	return "a value";
}

/* "expected a duration like "20ms"" — the unit error strings already say "expected". */
static char *expected_msg(const struct sch *s, const cJSON *v)
{
	const char *what = default_what(s);
	char *desc = sch_describe(v);
	char *m = g_str_has_prefix(what, "expected") ? g_strdup_printf("%s, got %s", what, desc)
						     : g_strdup_printf("expected %s, got %s", what, desc);
	g_free(desc);
	return m;
}

static char *unit_msg(int rc, const char *kind, const cJSON *v)
{
	char *desc = sch_describe(v);
	char *m = g_strdup_printf("%s, got %s", sim_unit_error_string(rc, kind), desc);
	g_free(desc);
	return m;
}

static char *join_values(const char *const *values)
{
	GString *s = g_string_new(NULL);
	for (const char *const *p = values; *p; p++) {
		if (p != values)
			g_string_append(s, ", ");
		g_string_append(s, *p);
	}
	return g_string_free(s, FALSE);
}

/* Bounds messages for unit kinds, in the unit's own notation. */
static char *bound_text(const struct sch *s, int64_t b)
{
	char buf[64];
	switch (s->kind) {
	case SCH_DURATION:
		sim_format_duration(b, buf, sizeof(buf));
		return g_strdup_printf("\"%s\"", buf);
	case SCH_RATE:
		sim_format_rate((uint64_t)b, buf, sizeof(buf));
		return g_strdup_printf("\"%s\"", buf);
	case SCH_SIZE:
		return g_strdup_printf("%" G_GINT64_FORMAT " bytes", b);
	default:
		return g_strdup_printf("%" G_GINT64_FORMAT, b);
	}
}

static char *check_bounds(const struct sch *s, int64_t value, bool value_unsigned_big,
			  const cJSON *v)
{
	char *desc = sch_describe(v);
	char *msg = NULL;
	if ((s->flags & SCH_F_POSITIVE) && value == 0 && !value_unsigned_big) {
		msg = g_strdup_printf("must be greater than 0, got %s", desc);
	} else if ((s->flags & SCH_F_MIN) && !value_unsigned_big && value < s->min) {
		char *b = bound_text(s, s->min);
		msg = g_strdup_printf("must be at least %s, got %s", b, desc);
		g_free(b);
	} else if ((s->flags & SCH_F_MAX) && (value_unsigned_big || value > s->max)) {
		char *b = bound_text(s, s->max);
		msg = g_strdup_printf("must be at most %s, got %s", b, desc);
		g_free(b);
	}
	g_free(desc);
	return msg;
}

/* NULL if string v is one of the enum's values, else the message. */
static char *enum_check(const struct sch *s, const cJSON *v)
{
	for (const char *const *p = s->values; *p; p++)
		if (strcmp(*p, v->valuestring) == 0)
			return NULL;
	char *all = join_values(s->values);
	char *desc = sch_describe(v);
	char *m = g_strdup_printf("expected one of %s, got %s", all, desc);
	g_free(all);
	g_free(desc);
	return m;
}

/* Validates a leaf value; returns NULL or a message (g_free). */
static char *leaf_check(const struct sch *s, const cJSON *v)
{
	if (!json_type_accepted(s, v))
		return expected_msg(s, v);
	switch (s->kind) {
	case SCH_STRING:
		return NULL;
	case SCH_NAME:
		return valid_name(v->valuestring) ? NULL : expected_msg(s, v);
	case SCH_ENUM:
		return enum_check(s, v);
	case SCH_BOOL:
		return NULL;
	case SCH_INT: {
		int64_t i;
		if (!json_integral(v, &i))
			return expected_msg(s, v);
		return check_bounds(s, i, false, v);
	}
	case SCH_U64: {
		uint64_t u;
		return u64_value(v, &u) ? NULL : expected_msg(s, v);
	}
	case SCH_DURATION: {
		sim_time_t t;
		int rc = sim_parse_duration(v->valuestring, &t);
		if (rc)
			return unit_msg(rc, "duration", v);
		if (t > SCH_DURATION_MAX) {
			struct sch capped = *s;
			capped.max = SCH_DURATION_MAX;
			capped.flags |= SCH_F_MAX;
			return check_bounds(&capped, t, false, v);
		}
		return check_bounds(s, t, false, v);
	}
	case SCH_RATE: {
		uint64_t r;
		int rc = sim_parse_rate(v->valuestring, &r);
		if (rc)
			return unit_msg(rc, "rate", v);
		return check_bounds(s, (int64_t)r, r > INT64_MAX, v);
	}
	case SCH_SIZE: {
		uint64_t b;
		if (cJSON_IsNumber(v)) {
			int64_t i;
			if (!json_integral(v, &i) || i < 0)
				return expected_msg(s, v);
			b = (uint64_t)i;
		} else {
			int rc = sim_parse_size(v->valuestring, &b);
			if (rc)
				return unit_msg(rc, "size", v);
		}
		return check_bounds(s, (int64_t)b, b > INT64_MAX, v);
	}
	case SCH_PROB: {
		if (cJSON_IsNumber(v)) {
			double p = v->valuedouble;
			if (!(p >= 0.0 && p <= 1.0))
				return unit_msg(-SIM_EUNIT_RANGE, "probability", v);
			return NULL;
		}
		double p;
		int rc = sim_parse_probability(v->valuestring, &p);
		return rc ? unit_msg(rc, "probability", v) : NULL;
	}
	case SCH_ADDR: {
		ipv4_addr_t a;
		return ipv4_parse(v->valuestring, &a) ? NULL : expected_msg(s, v);
	}
	case SCH_CIDR: {
		ipv4_addr_t a;
		unsigned len;
		if (!ipv4_parse_cidr(v->valuestring, &a, &len))
			return expected_msg(s, v);
		return NULL;
	}
	case SCH_PREFIX: {
		struct ipv4_prefix p;
		if (ipv4_parse_prefix(v->valuestring, &p, false))
			return NULL;
		ipv4_addr_t a;
		unsigned len;
		if (ipv4_parse_cidr(v->valuestring, &a, &len)) {
			char buf[IPV4_ADDR_STRLEN];
			return g_strdup_printf("\"%s\" has host bits set; the prefix is \"%s/%u\"",
					       v->valuestring, ipv4_format(a & ipv4_mask(len), buf),
					       len);
		}
		return expected_msg(s, v);
	}
	default:
		return NULL;
	}
}

/* ---- objects ------------------------------------------------------------------------ */

static const struct sch_key *find_in(const struct sch_key *keys, const char *name)
{
	for (const struct sch_key *k = keys; k && k->name; k++)
		if (strcmp(k->name, name) == 0)
			return k;
	return NULL;
}

const struct sch_variant *sch_variant_of(const struct sch *s, const cJSON *obj)
{
	if (!s->tag || !obj)
		return NULL;
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(obj, s->tag);
	const char *tag = cJSON_IsString(t) ? t->valuestring : NULL;
	if (tag == NULL && (t == NULL || cJSON_IsNull(t)))
		tag = s->tag_default;
	if (tag == NULL)
		return NULL;
	for (const struct sch_variant *v = s->variants; v->tag; v++)
		if (strcmp(v->tag, tag) == 0)
			return v;
	return NULL;
}

const struct sch_key *sch_find_key(const struct sch *s, const cJSON *obj, const char *key)
{
	const struct sch_key *k = find_in(s->keys, key);
	if (k || !s->tag)
		return k;
	const struct sch_variant *var = sch_variant_of(s, obj);
	if (var)
		return find_in(var->keys, key);
	/* No (valid) tag: a key of any variant is plausible; the tag error is the one to
	 * report. */
	for (const struct sch_variant *v = s->variants; v->tag; v++)
		if ((k = find_in(v->keys, key)) != NULL)
			return k;
	return NULL;
}

/* Levenshtein distance, for "did you mean". */
static unsigned edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return 99;
	unsigned row[65];
	for (size_t j = 0; j <= lb; j++)
		row[j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		unsigned prev = row[0];
		row[0] = (unsigned)i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned cur = row[j];
			unsigned cost = g_ascii_tolower(a[i - 1]) == g_ascii_tolower(b[j - 1]) ? 0 : 1;
			unsigned best = prev + cost;
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = cur;
		}
	}
	return row[lb];
}

static void collect_key_names(const struct sch *s, const cJSON *obj, GPtrArray *names)
{
	for (const struct sch_key *k = s->keys; k && k->name; k++)
		g_ptr_array_add(names, (gpointer)k->name);
	const struct sch_variant *var = sch_variant_of(s, obj);
	if (var)
		for (const struct sch_key *k = var->keys; k && k->name; k++)
			g_ptr_array_add(names, (gpointer)k->name);
}

char *sch_unknown_key_msg(const struct sch *s, const cJSON *obj, const char *key)
{
	GPtrArray *names = g_ptr_array_new();
	collect_key_names(s, obj, names);
	const char *best = NULL;
	unsigned best_d = 99;
	for (guint i = 0; i < names->len; i++) {
		unsigned d = edit_distance(key, g_ptr_array_index(names, i));
		if (d < best_d) {
			best_d = d;
			best = g_ptr_array_index(names, i);
		}
	}
	char *m;
	size_t klen = strlen(key);
	if (best && best_d <= (klen <= 4 ? 1u : 2u)) {
		m = g_strdup_printf("unknown key (did you mean \"%s\"?)", best);
	} else {
		g_ptr_array_add(names, NULL);
		char *all = join_values((const char *const *)names->pdata);
		m = g_strdup_printf("unknown key; valid keys here: %s", all);
		g_free(all);
	}
	g_ptr_array_free(names, TRUE);
	return m;
}

static void check_object(const struct sch *s, const cJSON *v, GString *path,
			 struct sch_diags *d)
{
	const struct sch_variant *var = NULL;

	if (s->tag) {
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(v, s->tag);
		GPtrArray *tags = g_ptr_array_new();
		for (const struct sch_variant *x = s->variants; x->tag; x++)
			g_ptr_array_add(tags, (gpointer)x->tag);
		g_ptr_array_add(tags, NULL);
		char *all = join_values((const char *const *)tags->pdata);
		g_ptr_array_free(tags, TRUE);
		if ((t == NULL || cJSON_IsNull(t)) && s->tag_default) {
			var = sch_variant_of(s, v);
		} else if (t == NULL || cJSON_IsNull(t)) {
			sch_diag(d, v, path->str, "missing required key \"%s\" (one of %s)", s->tag,
				 all);
		} else {
			var = sch_variant_of(s, v);
			if (!var) {
				gsize l = sch_path_key(path, s->tag);
				char *desc = sch_describe(t);
				sch_diag(d, t, path->str, "expected one of %s, got %s", all, desc);
				g_free(desc);
				sch_path_pop(path, l);
			}
		}
		g_free(all);
	}

	for (const cJSON *c = v->child; c; c = c->next) {
		gsize l = sch_path_key(path, c->string);
		/* cJSON keeps repeated keys; only the first one is ever read. */
		for (const cJSON *p = v->child; p != c; p = p->next) {
			if (strcmp(p->string, c->string) == 0) {
				sch_diag(d, c, path->str, "duplicate key (a key may appear only once)");
				break;
			}
		}
		const struct sch_key *k = NULL;
		if (s->tag && strcmp(c->string, s->tag) == 0) {
			sch_path_pop(path, l);
			continue; /* checked above */
		}
		k = find_in(s->keys, c->string);
		if (!k && var)
			k = find_in(var->keys, c->string);
		if (!k && s->tag && !var)
			k = sch_find_key(s, v, c->string); /* bad tag: don't pile up errors */
		if (!k) {
			char *m = sch_unknown_key_msg(s, v, c->string);
			sch_diag(d, c, path->str, "%s", m);
			g_free(m);
		} else if (!cJSON_IsNull(c)) {
			sch_check(k->type, c, path, d);
		}
		sch_path_pop(path, l);
	}

	const struct sch_key *sets[2] = {s->keys, var ? var->keys : NULL};
	for (int i = 0; i < 2; i++) {
		for (const struct sch_key *k = sets[i]; k && k->name; k++) {
			if (!(k->flags & SCH_K_REQUIRED))
				continue;
			const cJSON *c = cJSON_GetObjectItemCaseSensitive(v, k->name);
			if (c == NULL || cJSON_IsNull(c))
				sch_diag(d, v, path->str, "missing required key \"%s\"", k->name);
		}
	}
}

void sch_check(const struct sch *s, const cJSON *v, GString *path, struct sch_diags *d)
{
	switch (s->kind) {
	case SCH_OBJECT:
		if (!cJSON_IsObject(v)) {
			char *m = expected_msg(s, v);
			sch_diag(d, v, path->str, "%s", m);
			g_free(m);
			return;
		}
		check_object(s, v, path, d);
		return;
	case SCH_ARRAY: {
		if (!cJSON_IsArray(v)) {
			char *m = expected_msg(s, v);
			sch_diag(d, v, path->str, "%s", m);
			g_free(m);
			return;
		}
		unsigned n = (unsigned)cJSON_GetArraySize(v);
		if (s->min_items && s->min_items == s->max_items && n != s->min_items)
			sch_diag(d, v, path->str, "must have exactly %u elements, got %u",
				 s->min_items, n);
		else if (n < s->min_items)
			sch_diag(d, v, path->str, "must have at least %u element%s", s->min_items,
				 s->min_items == 1 ? "" : "s");
		else if (s->max_items && n > s->max_items)
			sch_diag(d, v, path->str, "must have at most %u elements, got %u",
				 s->max_items, n);
		gsize i = 0;
		for (const cJSON *c = v->child; c; c = c->next, i++) {
			gsize l = sch_path_index(path, i);
			if (cJSON_IsNull(c))
				sch_diag(d, c, path->str, "expected %s, got null",
					 default_what(s->item));
			else
				sch_check(s->item, c, path, d);
			sch_path_pop(path, l);
		}
		return;
	}
	case SCH_ANY_OF:
		for (const struct sch *const *a = s->alts; *a; a++) {
			if (json_type_accepted(*a, v)) {
				sch_check(*a, v, path, d);
				return;
			}
		}
		{
			char *m = expected_msg(s, v);
			sch_diag(d, v, path->str, "%s", m);
			g_free(m);
		}
		return;
	default: {
		char *m = leaf_check(s, v);
		if (m) {
			sch_diag(d, v, path->str, "%s", m);
			g_free(m);
		}
		return;
	}
	}
}

/* ---- getters ------------------------------------------------------------------------ */

const cJSON *sch_get(const cJSON *obj, const char *key)
{
	if (!cJSON_IsObject(obj))
		return NULL;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsNull(v) ? NULL : v;
}

bool sch_get_string(const cJSON *obj, const char *key, const char **out)
{
	const cJSON *v = sch_get(obj, key);
	if (!cJSON_IsString(v))
		return false;
	*out = v->valuestring;
	return true;
}

bool sch_get_bool(const cJSON *obj, const char *key, bool *out)
{
	const cJSON *v = sch_get(obj, key);
	if (!cJSON_IsBool(v))
		return false;
	*out = cJSON_IsTrue(v);
	return true;
}

bool sch_int_value(const cJSON *v, int64_t *out)
{
	return v && json_integral(v, out);
}

bool sch_get_int(const cJSON *obj, const char *key, int64_t *out)
{
	return sch_int_value(sch_get(obj, key), out);
}

bool sch_get_u64(const cJSON *obj, const char *key, uint64_t *out)
{
	const cJSON *v = sch_get(obj, key);
	return v && u64_value(v, out);
}

bool sch_get_duration(const cJSON *obj, const char *key, sim_time_t *out)
{
	const cJSON *v = sch_get(obj, key);
	sim_time_t t;
	if (!cJSON_IsString(v) || sim_parse_duration(v->valuestring, &t) != 0)
		return false;
	*out = t;
	return true;
}

bool sch_get_rate(const cJSON *obj, const char *key, uint64_t *out)
{
	const cJSON *v = sch_get(obj, key);
	uint64_t r;
	if (!cJSON_IsString(v) || sim_parse_rate(v->valuestring, &r) != 0)
		return false;
	*out = r;
	return true;
}

bool sch_size_value(const cJSON *v, uint64_t *out)
{
	if (cJSON_IsNumber(v)) {
		int64_t i;
		if (!json_integral(v, &i) || i < 0)
			return false;
		*out = (uint64_t)i;
		return true;
	}
	uint64_t b;
	if (!cJSON_IsString(v) || sim_parse_size(v->valuestring, &b) != 0)
		return false;
	*out = b;
	return true;
}

bool sch_get_size(const cJSON *obj, const char *key, uint64_t *out)
{
	return sch_size_value(sch_get(obj, key), out);
}

bool sch_prob_value(const cJSON *v, double *out)
{
	if (cJSON_IsNumber(v)) {
		if (!(v->valuedouble >= 0.0 && v->valuedouble <= 1.0))
			return false;
		*out = v->valuedouble;
		return true;
	}
	double p;
	if (!cJSON_IsString(v) || sim_parse_probability(v->valuestring, &p) != 0)
		return false;
	*out = p;
	return true;
}

bool sch_get_prob(const cJSON *obj, const char *key, double *out)
{
	return sch_prob_value(sch_get(obj, key), out);
}

bool sch_get_addr(const cJSON *obj, const char *key, ipv4_addr_t *out)
{
	const cJSON *v = sch_get(obj, key);
	return cJSON_IsString(v) && ipv4_parse(v->valuestring, out);
}

bool sch_get_cidr(const cJSON *obj, const char *key, ipv4_addr_t *addr, unsigned *len)
{
	const cJSON *v = sch_get(obj, key);
	return cJSON_IsString(v) && ipv4_parse_cidr(v->valuestring, addr, len);
}

bool sch_get_prefix(const cJSON *obj, const char *key, struct ipv4_prefix *out)
{
	const cJSON *v = sch_get(obj, key);
	return cJSON_IsString(v) && ipv4_parse_prefix(v->valuestring, out, false);
}

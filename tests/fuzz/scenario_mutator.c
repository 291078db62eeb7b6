/* tests/fuzz/scenario_mutator.c — a structure-aware mutator for scenarios
 * (libFuzzer's LLVMFuzzerCustomMutator), beside libFuzzer's byte mutator.
 *
 * Byte-level mutation of a JSON document mostly breaks its syntax, so it mostly
 * exercises the JSON parser. This mutator parses the input, walks it alongside the
 * scenario schema (the same `struct sch` tables netsim validates with, so every key
 * and its range come from one place) and makes one to three edits that keep the
 * document valid JSON:
 *   - a leaf gets a value at or next to the edge of its key's range: min, max, one
 *     beyond either, 0, powers of two, 2^53, 2^64; durations, rates and sizes as
 *     strings at their bounds and at the limits of their units' arithmetic; names
 *     and addresses taken from elsewhere in the document (so references resolve);
 *   - an object gains a key its schema allows (with a generated value), loses one,
 *     or switches variant ("type", "model");
 *   - an array element is duplicated, removed, moved or a generated one appended
 *     (more nodes, links, apps);
 *   - rarely, a value becomes one of another JSON type.
 * One input in eight, and any input that is not a JSON object, goes to libFuzzer's
 * byte mutator instead. The result is printed compactly; if it would not fit in
 * max_size the byte mutator is used.
 */
#include <cjson/cJSON.h>
#include <glib.h>
#include <string.h>

#include "sim/cli/scenario.h"
#include "sim/cli/schema.h"
#include "tests/fuzz/fuzz.h"

struct mrng {
	uint64_t s;
};

static uint32_t rnd(struct mrng *r)
{
	/* xorshift64*: small, seeded by libFuzzer, so a mutation is reproducible. */
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return (uint32_t)((r->s * UINT64_C(2685821657736338717)) >> 32);
}

static uint32_t below(struct mrng *r, uint32_t n)
{
	return n ? rnd(r) % n : 0;
}

#define PICK(r, arr) ((arr)[below((r), G_N_ELEMENTS(arr))])

/* What the document already holds, to draw references from. */
struct pool {
	GPtrArray *names; /* strings: node names, NODE:IFACE, … (copies) */
	GPtrArray *addrs; /* dotted quads, with or without a prefix length (copies) */
};

/* ---- values near the limits ------------------------------------------------------ */

static cJSON *int_near_limits(const struct sch *s, struct mrng *r)
{
	static const double common[] = {0,          1,          -1,         2,
					255,        256,        65535,      65536,
					2147483647, 2147483648, 4294967295, 4294967296,
					1e15,       9007199254740991.0, 9007199254740992.0, 1.5};
	int64_t lo = (s->flags & SCH_F_MIN) ? s->min : 0;
	int64_t hi = (s->flags & SCH_F_MAX) ? s->max : INT64_C(9007199254740991);
	switch (below(r, 8)) {
	case 0: return cJSON_CreateNumber((double)lo);
	case 1: return cJSON_CreateNumber((double)hi);
	case 2: return cJSON_CreateNumber((double)lo - 1);
	case 3: return cJSON_CreateNumber((double)hi + 1);
	case 4:
	case 5:
	case 6: {
		uint64_t span = (uint64_t)(hi - lo) + 1;
		uint64_t off = span ? ((uint64_t)rnd(r) << 32 | rnd(r)) % span : 0;
		return cJSON_CreateNumber((double)(lo + (int64_t)off));
	}
	default: return cJSON_CreateNumber(PICK(r, common));
	}
}

static cJSON *u64_near_limits(struct mrng *r)
{
	static const char *const strs[] = {"0", "1", "18446744073709551615", "18446744073709551616",
					   "9007199254740992", "00", "-1", "", "1e3", "0x10",
					   " 1", "99999999999999999999999"};
	if (below(r, 2))
		return cJSON_CreateString(PICK(r, strs));
	static const double nums[] = {0, 1, 9007199254740991.0, 9007199254740992.0, -1, 0.5,
				      1.8446744073709552e19};
	return cJSON_CreateNumber(PICK(r, nums));
}

/* A bound of a unit kind, formatted as netsim writes it, maybe one unit off. */
static cJSON *unit_bound(const struct sch *s, struct mrng *r)
{
	char buf[64];
	int64_t b = below(r, 2) && (s->flags & SCH_F_MAX) ? s->max : s->min;
	b += (int64_t)below(r, 3) - 1;
	if (s->kind == SCH_DURATION)
		sim_format_duration(b, buf, sizeof(buf));
	else if (s->kind == SCH_RATE)
		sim_format_rate((uint64_t)b, buf, sizeof(buf));
	else
		g_snprintf(buf, sizeof(buf), "%" G_GINT64_FORMAT "B", b);
	return cJSON_CreateString(buf);
}

static cJSON *duration_near_limits(const struct sch *s, struct mrng *r)
{
	static const char *const strs[] = {
		"0", "0s", "1ns", "-1ns", "1us", "1ms", "0.5ns", "1.5us", "10ms", "1s", "60s",
		"3600s", "86400s", "9223372036854775807ns", "9223372036854775808ns",
		"9223372036s", "9223372037s", "1e3ms", "ms", "", "1 ms", "+1s",
		"1.0000000001s", "100000000000000000000s", "0.000000001s", "-0"};
	if ((s->flags & (SCH_F_MIN | SCH_F_MAX)) && below(r, 3) == 0)
		return unit_bound(s, r);
	return cJSON_CreateString(PICK(r, strs));
}

static cJSON *rate_near_limits(const struct sch *s, struct mrng *r)
{
	static const char *const strs[] = {
		"0bps", "1bps", "8bps", "1kbps", "10Mbps", "1Gbps", "100Gbps", "1Tbps",
		"18446744073709551615bps", "18446744073709551616bps", "1.5Mbps",
		"0.0000001bps", "Mbps", "-1Mbps", "1e3Mbps", "9223372036854775807bps", "1"};
	if ((s->flags & (SCH_F_MIN | SCH_F_MAX)) && below(r, 3) == 0)
		return unit_bound(s, r);
	return cJSON_CreateString(PICK(r, strs));
}

static cJSON *size_near_limits(const struct sch *s, struct mrng *r)
{
	static const char *const strs[] = {"0B", "1B", "1", "64KiB", "4GiB", "4294967295B",
					   "4294967296B", "1EiB", "16EiB", "1.5KiB", "KiB",
					   "-1KiB", "1kB", "18446744073709551615B"};
	static const double nums[] = {0, 1, 40, 41, 536, 1460, 65495, 65535, 65536,
				      4294967295, 4294967296, -1};
	switch (below(r, 3)) {
	case 0: return cJSON_CreateString(PICK(r, strs));
	case 1: return cJSON_CreateNumber(PICK(r, nums));
	default: return (s->flags & SCH_F_MAX) ? unit_bound(s, r) : int_near_limits(s, r);
	}
}

static cJSON *prob_near_limits(struct mrng *r)
{
	static const char *const strs[] = {"0%", "100%", "50%", "100.0001%", "1e-7%", "%",
					   "-0%", "0.5", "99.9999999%", "0.0000001%"};
	static const double nums[] = {0, 1, 0.5, 1e-9, 1.0000001, -1e-300, 0.999999999};
	return below(r, 2) ? cJSON_CreateString(PICK(r, strs)) : cJSON_CreateNumber(PICK(r, nums));
}

static const char *from_pool(GPtrArray *a, struct mrng *r)
{
	return a->len ? g_ptr_array_index(a, below(r, a->len)) : NULL;
}

static cJSON *addr_value(const struct sch *s, const struct pool *p, struct mrng *r)
{
	static const char *const quads[] = {"0.0.0.0", "255.255.255.255", "127.0.0.1", "10.0.0.1",
					    "10.0.0.255", "10.0.0.0", "224.0.0.1", "1.2.3",
					    "1.2.3.4.5", "256.0.0.1", "10.0.1.2", "10.0.2.2"};
	static const unsigned lens[] = {0, 1, 8, 16, 24, 30, 31, 32, 33};
	const char *pooled = from_pool(p->addrs, r);
	char quad[32];
	g_strlcpy(quad, pooled && below(r, 3) ? pooled : PICK(r, quads), sizeof(quad));
	char *slash = strchr(quad, '/');
	if (slash)
		*slash = '\0';
	if (s->kind == SCH_ADDR)
		return cJSON_CreateString(quad);
	char buf[48];
	/* The prefix length it had, usually. */
	unsigned len = pooled && slash == NULL ? 24 : PICK(r, lens);
	if (pooled && strchr(pooled, '/') && below(r, 2))
		len = (unsigned)atoi(strchr(pooled, '/') + 1);
	g_snprintf(buf, sizeof(buf), "%s/%u", quad, len);
	return cJSON_CreateString(buf);
}

static bool plain_name(const char *n)
{
	for (const char *c = n; *c; c++)
		if (!g_ascii_isalnum(*c) && *c != '_' && *c != '-' && *c != '.')
			return false;
	return n[0] && n[0] != '.';
}

static cJSON *name_value(const struct sch *s, const struct pool *p, struct mrng *r)
{
	static const char *const odd[] = {"A",     "B",   "R",  "lo",        "eth0", "A:eth0",
					  "A:lo",  ".x",  "",   "a.b-c_d",   "A:",   ":eth0",
					  "A:eth9", "x y", "\n", "\xc3\xa9t\xc3\xa9"};
	/* Mostly a string of the document (a name that resolves), for a name one that
	 * is a valid name. */
	const char *pooled = from_pool(p->names, r);
	for (int tries = 0; pooled && s->kind == SCH_NAME && !plain_name(pooled) && tries < 4;
	     tries++)
		pooled = from_pool(p->names, r);
	if (pooled && below(r, 4))
		return cJSON_CreateString(pooled);
	if (below(r, 16) == 0) {
		char *longname = g_strnfill(300, 'n');
		cJSON *v = cJSON_CreateString(longname);
		g_free(longname);
		return v;
	}
	return cJSON_CreateString(PICK(r, odd));
}

static cJSON *gen_value(const struct sch *s, const struct pool *p, struct mrng *r, int depth);

static cJSON *leaf_value(const struct sch *s, const struct pool *p, struct mrng *r)
{
	switch (s->kind) {
	case SCH_INT: return int_near_limits(s, r);
	case SCH_U64: return u64_near_limits(r);
	case SCH_DURATION: return duration_near_limits(s, r);
	case SCH_RATE: return rate_near_limits(s, r);
	case SCH_SIZE: return size_near_limits(s, r);
	case SCH_PROB: return prob_near_limits(r);
	case SCH_ADDR:
	case SCH_CIDR:
	case SCH_PREFIX: return addr_value(s, p, r);
	case SCH_BOOL: return cJSON_CreateBool(below(r, 2));
	case SCH_ENUM: {
		guint n = 0;
		while (s->values[n])
			n++;
		return cJSON_CreateString(below(r, 10) ? s->values[below(r, n)] : "nope");
	}
	default: return name_value(s, p, r);
	}
}

/* ---- generated values for a schema ------------------------------------------------- */

static void add_keys(cJSON *o, const struct sch_key *keys, const struct pool *p, struct mrng *r,
		     int depth)
{
	for (const struct sch_key *k = keys; k && k->name; k++)
		if ((k->flags & SCH_K_REQUIRED) || below(r, 6) == 0)
			cJSON_AddItemToObject(o, k->name, gen_value(k->type, p, r, depth + 1));
}

static cJSON *gen_object(const struct sch *s, const struct pool *p, struct mrng *r, int depth)
{
	cJSON *o = cJSON_CreateObject();
	if (s->tag && s->variants) {
		guint n = 0;
		while (s->variants[n].tag)
			n++;
		const struct sch_variant *v = &s->variants[below(r, n)];
		cJSON_AddStringToObject(o, s->tag, v->tag);
		add_keys(o, v->keys, p, r, depth);
	}
	add_keys(o, s->keys, p, r, depth);
	return o;
}

static cJSON *gen_value(const struct sch *s, const struct pool *p, struct mrng *r, int depth)
{
	if (depth > 5)
		return cJSON_CreateNull();
	switch (s->kind) {
	case SCH_ANY_OF: {
		guint n = 0;
		while (s->alts[n])
			n++;
		return gen_value(s->alts[below(r, n)], p, r, depth);
	}
	case SCH_OBJECT: return gen_object(s, p, r, depth);
	case SCH_ARRAY: {
		cJSON *a = cJSON_CreateArray();
		unsigned n = s->min_items + below(r, 3);
		for (unsigned i = 0; i < n; i++)
			cJSON_AddItemToArray(a, gen_value(s->item, p, r, depth + 1));
		return a;
	}
	default: return leaf_value(s, p, r);
	}
}

/* ---- walking the document with its schema ---------------------------------------- */

static bool type_matches(const struct sch *s, const cJSON *v)
{
	switch (s->kind) {
	case SCH_OBJECT: return cJSON_IsObject(v);
	case SCH_ARRAY: return cJSON_IsArray(v);
	case SCH_BOOL: return cJSON_IsBool(v);
	case SCH_INT: return cJSON_IsNumber(v);
	case SCH_U64:
	case SCH_SIZE:
	case SCH_PROB: return cJSON_IsNumber(v) || cJSON_IsString(v);
	case SCH_ANY_OF:
		for (const struct sch *const *a = s->alts; *a; a++)
			if (type_matches(*a, v))
				return true;
		return false;
	default: return cJSON_IsString(v);
	}
}

/* The alternative of an SCH_ANY_OF that describes v (NULL if none does). */
static const struct sch *resolve(const struct sch *s, const cJSON *v)
{
	while (s && s->kind == SCH_ANY_OF) {
		const struct sch *pick = NULL;
		for (const struct sch *const *a = s->alts; *a && !pick; a++)
			if (type_matches(*a, v))
				pick = *a;
		s = pick;
	}
	return s;
}

struct site {
	cJSON *node, *parent;
	const struct sch *s;    /* resolved; NULL where the schema has nothing */
	const struct sch *decl; /* as declared (an SCH_ANY_OF stays one) */
};

static void collect(cJSON *v, cJSON *parent, const struct sch *decl, GArray *sites,
		    struct pool *p)
{
	struct site st = {v, parent, decl ? resolve(decl, v) : NULL, decl};
	g_array_append_val(sites, st);
	/* Short strings without spaces: names, NODE:IFACE, addresses (not descriptions). */
	if (cJSON_IsString(v) && v->valuestring[0] && strlen(v->valuestring) <= 32 &&
	    !strchr(v->valuestring, ' ')) {
		bool quad = g_ascii_isdigit(v->valuestring[0]) && strchr(v->valuestring, '.');
		g_ptr_array_add(quad ? p->addrs : p->names, g_strdup(v->valuestring));
	}
	const struct sch *s = st.s;
	for (cJSON *c = v->child; c; c = c->next) {
		const struct sch *cs = NULL;
		if (s && s->kind == SCH_OBJECT && cJSON_IsObject(v) && c->string) {
			const struct sch_key *k = sch_find_key(s, v, c->string);
			cs = k ? k->type : NULL;
		} else if (s && s->kind == SCH_ARRAY && cJSON_IsArray(v)) {
			cs = s->item;
		}
		collect(c, v, cs, sites, p);
	}
}

/* Replaces node (a child of parent) by nv, under the same key in an object
 * (cJSON_ReplaceItemViaPointer does not carry the key over; cJSON frees it with
 * free(), its default allocator). */
static void replace(cJSON *parent, cJSON *node, cJSON *nv)
{
	if (node->string) {
		nv->string = strdup(node->string);
		nv->type &= ~cJSON_StringIsConst;
	}
	cJSON_ReplaceItemViaPointer(parent, node, nv);
}

static void mutate_object(const struct site *st, const struct pool *p, struct mrng *r)
{
	cJSON *o = st->node;
	const struct sch *s = st->s;
	uint32_t op = below(r, 10);
	switch (op < 6 ? 0 : op < 8 ? 1 : op < 9 ? 2 : 3) {
	case 0: { /* add a key the schema allows (common or of this variant) */
		const struct sch_variant *v = s->tag ? sch_variant_of(s, o) : NULL;
		const struct sch_key *keys = (v && below(r, 2)) ? v->keys : s->keys;
		guint n = 0;
		while (keys && keys[n].name)
			n++;
		if (n == 0)
			return;
		const struct sch_key *k = &keys[below(r, n)];
		cJSON_DeleteItemFromObjectCaseSensitive(o, k->name);
		cJSON_AddItemToObject(o, k->name, gen_value(k->type, p, r, 1));
		return;
	}
	case 1: { /* remove a key */
		int n = cJSON_GetArraySize(o);
		if (n > 0)
			cJSON_DeleteItemFromArray(o, (int)below(r, (uint32_t)n));
		return;
	}
	case 2: /* another variant, keeping the keys that still apply */
		if (s->tag && s->variants) {
			guint n = 0;
			while (s->variants[n].tag)
				n++;
			cJSON_DeleteItemFromObjectCaseSensitive(o, s->tag);
			cJSON_AddStringToObject(o, s->tag, s->variants[below(r, n)].tag);
			for (cJSON *c = o->child, *next; c; c = next) {
				next = c->next;
				if (below(r, 2) && c->string && !sch_find_key(s, o, c->string))
					cJSON_Delete(cJSON_DetachItemViaPointer(o, c));
			}
			add_keys(o, sch_variant_of(s, o) ? sch_variant_of(s, o)->keys : NULL, p, r,
				 1);
		}
		return;
	default: /* a fresh object of the same schema */
		if (st->parent)
			replace(st->parent, o, gen_value(s, p, r, 1));
		return;
	}
}

static void mutate_array(const struct site *st, const struct pool *p, struct mrng *r)
{
	cJSON *a = st->node;
	int n = cJSON_GetArraySize(a);
	const struct sch *s = st->s;
	/* Mostly within the array's bounds (a link has two ends), sometimes not. */
	bool strict = below(r, 8) != 0;
	bool can_grow = !strict || s->max_items == 0 || (unsigned)n < s->max_items;
	bool can_shrink = !strict || (unsigned)n > s->min_items;
	switch (below(r, 4)) {
	case 0: /* duplicate an element: more nodes, links, apps, routes */
		if (n > 0 && can_grow)
			cJSON_AddItemToArray(a, cJSON_Duplicate(cJSON_GetArrayItem(a, (int)below(r, (uint32_t)n)), true));
		return;
	case 1:
		if (n > 0 && can_shrink)
			cJSON_DeleteItemFromArray(a, (int)below(r, (uint32_t)n));
		return;
	case 2: /* move an element to the end (cJSON 1.7.15's InsertItemInArray loses
		 * items, so no insertion in the middle) */
		if (n > 1)
			cJSON_AddItemToArray(a, cJSON_DetachItemFromArray(a, (int)below(r, (uint32_t)n - 1)));
		return;
	default:
		if (can_grow)
			cJSON_AddItemToArray(a, gen_value(s->item, p, r, 1));
		return;
	}
}

static cJSON *another_type(struct mrng *r)
{
	switch (below(r, 6)) {
	case 0: return cJSON_CreateNull();
	case 1: return cJSON_CreateNumber(-1);
	case 2: return cJSON_CreateString("x");
	case 3: return cJSON_CreateArray();
	case 4: return cJSON_CreateObject();
	default: return cJSON_CreateTrue();
	}
}

/* A random site of the given schema kind class (0: leaf, 1: object, 2: array, 3:
 * any), or NULL when there is none. */
static const struct site *pick(GArray *sites, int cls, struct mrng *r)
{
	GPtrArray *c = g_ptr_array_new();
	for (guint i = 0; i < sites->len; i++) {
		const struct site *st = &g_array_index(sites, struct site, i);
		int k = st->s == NULL ? 3 : st->s->kind == SCH_OBJECT ? 1 : st->s->kind == SCH_ARRAY ? 2 : 0;
		if ((cls == 3 || k == cls) && (st->parent || cls == 1))
			g_ptr_array_add(c, (gpointer)st);
	}
	const struct site *st = c->len ? g_ptr_array_index(c, below(r, c->len)) : NULL;
	g_ptr_array_free(c, TRUE);
	return st;
}

/* One edit at a random place of the document. Most edits change one value (which
 * keeps the document a valid scenario unless the value is out of range), fewer add
 * or remove structure, a few break types: so that a good share of the mutants still
 * validate and reach the conversion code behind the schema checks. */
static void mutate_once(cJSON *root, struct mrng *r)
{
	GArray *sites = g_array_new(FALSE, FALSE, sizeof(struct site));
	/* Copies: an edit may free the node a pooled string came from. */
	struct pool p = {g_ptr_array_new_with_free_func(g_free),
			 g_ptr_array_new_with_free_func(g_free)};
	collect(root, NULL, scenario_schema(), sites, &p);
	uint32_t what = below(r, 20);
	const struct site *st;
	if (what < 12 && (st = pick(sites, 0, r)) != NULL) {
		/* A leaf; through the declared schema, an SCH_ANY_OF may switch form. */
		replace(st->parent, st->node,
			below(r, 6) == 0 ? gen_value(st->decl, &p, r, 1) : leaf_value(st->s, &p, r));
	} else if (what < 16 && (st = pick(sites, 1, r)) != NULL) {
		mutate_object(st, &p, r);
	} else if (what < 19 && (st = pick(sites, 2, r)) != NULL) {
		mutate_array(st, &p, r);
	} else if ((st = pick(sites, 3, r)) != NULL) {
		replace(st->parent, st->node,
			st->decl && below(r, 2) ? gen_value(st->decl, &p, r, 1) : another_type(r));
	}
	g_ptr_array_free(p.names, TRUE);
	g_ptr_array_free(p.addrs, TRUE);
	g_array_free(sites, TRUE);
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	struct mrng r = {(uint64_t)seed * UINT64_C(0x9e3779b97f4a7c15) + 1};
	cJSON *root = below(&r, 8) ? cJSON_ParseWithLength((const char *)data, size) : NULL;
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return LLVMFuzzerMutate(data, size, max_size);
	}
	unsigned edits = 1 + below(&r, 3);
	for (unsigned i = 0; i < edits; i++)
		mutate_once(root, &r);
	char *text = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	size_t len = text ? strlen(text) : 0;
	if (text == NULL || len > max_size) {
		free(text);
		return LLVMFuzzerMutate(data, size, max_size);
	}
	memcpy(data, text, len);
	free(text);
	return len;
}

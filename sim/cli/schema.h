/* sim/cli/schema.h — a declarative description of what a JSON document may hold,
 * and the diagnostics that go with it.
 *
 * The scenario format (sim/cli/scenario.c) is described once, as a tree of
 * `struct sch` nodes: objects with their keys (each with a default and a line of
 * documentation), arrays, tagged variants ("type": "bulk" selects the bulk keys),
 * alternatives by JSON type (a loss is a string or an object) and leaves with a unit
 * (duration, rate, size, probability, address…). That one description drives:
 *   - validation: unknown keys, duplicate keys, wrong JSON types, bad units and
 *     out-of-range values, each reported with its JSON path;
 *   - `--set PATH=VALUE`: a PATH is accepted only if the schema has it;
 *   - docs/scenario-format.md: the key reference is generated from it
 *     (`netsim schema`), and a test keeps the two equal.
 * Cross-references (node names, addresses, routes) are checked by scenario.c after
 * the schema pass; both report through `struct sch_diags`, which sorts every error
 * into document order before printing.
 *
 * Leaf values are parsed with the spine's unit parsers (sim/core/time.h) and their
 * error strings, so a bad "delay" reads the same everywhere.
 */
#ifndef SIM_CLI_SCHEMA_H
#define SIM_CLI_SCHEMA_H

#include <cjson/cJSON.h>
#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "models/ip/addr.h"
#include "sim/core/time.h"

enum sch_kind {
	SCH_OBJECT,   /* keys (and, when tagged, variants selected by the tag key) */
	SCH_ARRAY,    /* items of one schema */
	SCH_ANY_OF,   /* alternatives told apart by JSON type (first match wins) */
	SCH_STRING,   /* any string */
	SCH_NAME,     /* a name usable in file names: [A-Za-z0-9_.-]+, not starting with '.',
	               * at most SCH_NAME_MAX characters */
	SCH_ENUM,     /* one of `values` */
	SCH_BOOL,
	SCH_INT,      /* an integral JSON number within [min, max] */
	SCH_U64,      /* 0 to 2^64 − 1: a JSON integer up to 2^53 − 1 (exact in a double),
	               * or any such value as a string of decimal digits */
	SCH_DURATION, /* "20ms" (sim_parse_duration) */
	SCH_RATE,     /* "10Mbps" (sim_parse_rate) */
	SCH_SIZE,     /* "64KiB" or a JSON integer of bytes (sim_parse_size) */
	SCH_PROB,     /* "1%" or a JSON number in [0, 1] (sim_parse_probability) */
	SCH_ADDR,     /* "10.0.0.1" */
	SCH_CIDR,     /* "10.0.0.1/24": an interface address and its prefix length */
	SCH_PREFIX,   /* "10.0.0.0/24" (host bits zero) */
	SCH_ANY,      /* any JSON value (its meaning is checked by the reader) */
};

/* Longest name (SCH_NAME). Names become parts of file names ("NAME.sender.seq.tsv",
 * "link.NAME.forward.queue.tsv", results/NAME/ and its staging directory), which must
 * stay within NAME_MAX (255 bytes) on every file system. */
#define SCH_NAME_MAX 64

/* Longest duration (SCH_DURATION, --until): 100 000 000 s, about 3 years. Simulated
 * time is a signed 64-bit count of nanoseconds (292 years) and the models add
 * durations together (now + serialisation + delay + jitter; an outage's at + for; a
 * start + an interval), so each must leave room for a few more: with this bound no
 * such sum overflows. */
#define SCH_DURATION_MAX SIM_S(100000000)

/* Flags of a schema node. */
enum {
	SCH_F_MIN = 1u << 0,      /* min applies */
	SCH_F_MAX = 1u << 1,      /* max applies */
	SCH_F_POSITIVE = 1u << 2, /* must be > 0 (durations, rates, sizes) */
};

/* Flags of a key. */
enum {
	SCH_K_REQUIRED = 1u << 0,
};

struct sch;

struct sch_key {
	const char *name;
	const struct sch *type;
	unsigned flags;
	const char *def; /* default, as documentation text ("1500", "none") */
	const char *doc; /* one line for docs/scenario-format.md */
};

/* One variant of a tagged object: the tag's value, its extra keys, its doc. */
struct sch_variant {
	const char *tag;
	const struct sch_key *keys; /* terminated by a key with name == NULL */
	const char *doc;
};

struct sch {
	enum sch_kind kind;
	/* Type name for docs and for "expected ..." messages: "a duration like \"20ms\"". */
	const char *what;
	/* Short type name for the docs table ("duration", "object"). */
	const char *type_name;
	/* SCH_OBJECT */
	const struct sch_key *keys;         /* common keys, NULL-name terminated */
	const char *tag;                    /* tag key name, or NULL */
	const char *tag_default;            /* variant taken when the tag is absent;
	                                     * NULL: the tag is required */
	const struct sch_variant *variants; /* NULL-tag terminated */
	/* SCH_ARRAY */
	const struct sch *item;
	unsigned min_items, max_items;      /* max_items 0 = unbounded */
	/* SCH_ANY_OF */
	const struct sch *const *alts;      /* NULL terminated */
	/* SCH_ENUM */
	const char *const *values;          /* NULL terminated */
	/* bounds: SCH_INT in its own units; SCH_DURATION in ns; SCH_RATE in bit/s;
	 * SCH_SIZE in bytes */
	int64_t min, max;
	unsigned flags;
};

/* ---- diagnostics --------------------------------------------------------------- */

struct sch_diag {
	uint64_t order; /* document position of the node it is about */
	uint32_t seq;   /* insertion order, for ties */
	char *path;     /* "links[1].delay", "" for the document itself */
	char *msg;
	char *origin;   /* the --set assignment that put the value there, or NULL */
};

struct sch_diags {
	char *file;             /* as given on the command line */
	GPtrArray *items;       /* struct sch_diag* */
	GHashTable *order;      /* const cJSON* → GUINT_TO_POINTER(preorder index + 1) */
	GHashTable *origin;     /* const cJSON* → const char* (--set text), inherited */
};

void sch_diags_init(struct sch_diags *d, const char *file);
void sch_diags_fini(struct sch_diags *d);

/* Records the document order of every node of `root` (and which --set assignment
 * each node came from, given `set_origins`: cJSON* → assignment text, may be NULL).
 * Call once the document is final, before validating. */
void sch_diags_index(struct sch_diags *d, const cJSON *root, GHashTable *set_origins);

/* Adds an error about node `at` (may be NULL: sorts first) at `path`. */
void sch_diag(struct sch_diags *d, const cJSON *at, const char *path, const char *fmt, ...)
	G_GNUC_PRINTF(4, 5);

/* Number of errors so far. */
static inline guint sch_diags_count(const struct sch_diags *d) { return d->items->len; }

/* Sorts into document order and prints "FILE: PATH: message" lines, each through
 * sch_print_line(). */
void sch_diags_print(struct sch_diags *d, FILE *fp);

/* ---- one-line messages ----------------------------------------------------------
 * Every message netsim prints about its input is one line, whatever the input holds:
 * a key or value may contain line breaks (as JSON escapes), control characters or
 * bytes that are not UTF-8. These helpers show them as escapes: \n \r \t, \u00XX
 * for other control characters (and DEL), \xHH for a byte that is not UTF-8. */

/* Appends `len` bytes of `s` (len < 0: up to the NUL) escaped as above; with
 * `quoted`, '"' and '\' are escaped too (the text goes between double quotes). A
 * text of more than `max_chars` characters (0 = no limit) is cut to max_chars − 3 of
 * them and "...". */
void sch_escape(GString *out, const char *s, gssize len, gboolean quoted, gsize max_chars);

/* Formats a message and prints it with sch_escape() (unquoted) and a newline. */
void sch_print_line(FILE *fp, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* ---- paths ----------------------------------------------------------------------- */

/* Appends ".key" (or "key" at the root) / "[i]" to path; returns the previous length
 * for sch_path_pop(). */
gsize sch_path_key(GString *path, const char *key);
gsize sch_path_index(GString *path, gsize i);
static inline void sch_path_pop(GString *path, gsize len) { g_string_truncate(path, len); }

/* ---- validation -------------------------------------------------------------------- */

/* Checks `v` against `s` and reports every problem at its path (path holds v's path
 * on entry and on return). */
void sch_check(const struct sch *s, const cJSON *v, GString *path, struct sch_diags *d);

/* Describes a JSON value for messages: "fast" in quotes for strings, numbers as
 * written, true/false/null, "an object", "an array". g_free the result. */
char *sch_describe(const cJSON *v);

/* Looks up a key's description in an object schema (common and variant keys; with
 * `obj` given, only its own variant's keys). NULL if the schema has no such key. */
const struct sch_key *sch_find_key(const struct sch *s, const cJSON *obj, const char *key);

/* The message for a key `key` that object `obj` (of schema s) does not have:
 * "unknown key (did you mean "bandwidth"?)" or "unknown key; valid keys here: ...";
 * g_free. */
char *sch_unknown_key_msg(const struct sch *s, const cJSON *obj, const char *key);

/* The alternative of s (an SCH_ANY_OF) a value like v is checked against, or s itself
 * when it is not an SCH_ANY_OF; NULL when no alternative takes v's JSON type. */
const struct sch *sch_pick(const struct sch *s, const cJSON *v);

/* For the docs generator: the variant an object's tag selects, or NULL. */
const struct sch_variant *sch_variant_of(const struct sch *s, const cJSON *obj);

/* ---- reading validated values ------------------------------------------------------
 * The getters read a key of an object that sch_check() has seen. A missing key, a
 * JSON null or a value that failed validation (already reported) yields false and
 * leaves *out untouched, so callers write `x = default; sch_get_...(o, "k", &x);`. */
const cJSON *sch_get(const cJSON *obj, const char *key);
bool sch_get_string(const cJSON *obj, const char *key, const char **out);
bool sch_get_bool(const cJSON *obj, const char *key, bool *out);
bool sch_get_int(const cJSON *obj, const char *key, int64_t *out);
bool sch_get_u64(const cJSON *obj, const char *key, uint64_t *out);
bool sch_get_duration(const cJSON *obj, const char *key, sim_time_t *out);
bool sch_get_rate(const cJSON *obj, const char *key, uint64_t *out);
bool sch_get_size(const cJSON *obj, const char *key, uint64_t *out);
bool sch_get_prob(const cJSON *obj, const char *key, double *out);
bool sch_get_addr(const cJSON *obj, const char *key, ipv4_addr_t *out);
bool sch_get_cidr(const cJSON *obj, const char *key, ipv4_addr_t *addr, unsigned *len);
bool sch_get_prefix(const cJSON *obj, const char *key, struct ipv4_prefix *out);

/* The same parsers on a bare value (array items). */
bool sch_int_value(const cJSON *v, int64_t *out);
bool sch_size_value(const cJSON *v, uint64_t *out);
bool sch_prob_value(const cJSON *v, double *out);

/* ---- --set ------------------------------------------------------------------------- */

/* Applies one "PATH=VALUE" to the document `root` described by `s`. VALUE is JSON when
 * it parses as JSON, else a string. Missing intermediate objects are created; array
 * indices must exist. The new node is recorded in `origins` (cJSON* → g_strdup'd
 * assignment) so errors about it can say where it came from. Returns 0, or -1 with
 * *err set to a message ("links[5]: no such element (links has 2)"). */
int sch_set(cJSON *root, const struct sch *s, const char *assignment, GHashTable *origins,
	    char **err);

/* The schema of the value at PATH ("links[1].forward.loss") in document root
 * described by s, for a --set of that path: variants are chosen by the document's
 * tags where it has the objects on the path. NULL when the schema has no such path
 * (sch_set() says why). */
const struct sch *sch_path_schema(const struct sch *s, const cJSON *root, const char *path);

/* ---- JSON text ----------------------------------------------------------------------- */

/* Parses JSON text. On a syntax error returns NULL and writes "LINE:COL: message"
 * into *err (1-based line and column of the offending character). Objects with a
 * repeated key are accepted here and reported by sch_check(). */
cJSON *sch_parse_json(const char *text, size_t len, char **err);

/* ---- docs ---------------------------------------------------------------------------- */

/* Writes the key reference of `s` as Markdown: one table (key, type, default,
 * meaning) per object, headed by its path ("links[].forward"). */
void sch_write_markdown(const struct sch *s, GString *out);

#endif

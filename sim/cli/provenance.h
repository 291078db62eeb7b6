/* sim/cli/provenance.h — what produced a run: summary.json's "provenance" object.
 *
 *   "provenance": {
 *     "netsim": "0.1.0",                      the program's version
 *     "scenario_file": "scenarios/lossy.json", as given on the command line
 *     "scenario_sha256": "9f86d0...",          SHA-256 of that file's bytes
 *     "set": ["links[1].forward.loss=2%"],     every --set, in order
 *     "seed": 3,                               --seed, or null
 *     "until": "10s",                          --until, or null
 *     "from": "results/lossy",                 only for `netsim run --from`
 *     "scenario": { ... }                      the resolved scenario (scenario_json.h)
 *   }
 *
 * Like wall_s, the object is left out of the trace hash (summary_text()): it says how
 * the run was asked for, not what it did, and a rerun with --from must hash the same.
 * `netsim run --from DIR` reads it back: it runs provenance.scenario (which holds
 * every value, the seed included, so it needs neither the scenario file nor its
 * defaults to be unchanged) for the recorded --until, and records the original
 * request with its own --set, --seed and --until added.
 */
#ifndef SIM_CLI_PROVENANCE_H
#define SIM_CLI_PROVENANCE_H

#include <cjson/cJSON.h>
#include <glib.h>
#include <stdbool.h>

#include "sim/cli/scenario.h"

struct provenance {
	char *scenario_file;   /* as given */
	char *scenario_sha256; /* 64 hex digits, or NULL when the file could not be read */
	GPtrArray *set;        /* char*: every --set assignment, in order */
	char *seed;            /* --seed as given, or NULL */
	char *until;           /* --until as given, or NULL */
	char *from;            /* the results directory of --from, or NULL */
	sim_time_t duration;   /* the scenario's own duration (before --until) */
};

/* A request to run `file` with the given overrides (any may be NULL); the file's
 * SHA-256 is computed here. */
void provenance_init(struct provenance *p, const char *file, char *const *set,
		     const char *seed, const char *until);

void provenance_fini(struct provenance *p);

/* The "provenance" object for a run of the resolved scenario s. Its "scenario" has
 * s's seed (--seed applied) but p->duration: --until stays apart in "until", so the
 * scenario validates as the file did (an application may start after --until). */
cJSON *provenance_json(const struct provenance *p, const struct scenario *s);

/* Reads RESULTS_DIR/summary.json for `netsim run --from`: fills *p with the original
 * request (from = dir) and returns its resolved scenario as a document whose
 * messages name "DIR/summary.json: provenance.scenario". NULL with *err set (one
 * line) when the directory has no readable summary.json or no provenance. */
struct scenario_doc *provenance_load(const char *dir, struct provenance *p, char **err);

/* Adds a rerun's own overrides to a loaded request: --set appended, --seed and
 * --until replaced when given. */
void provenance_override(struct provenance *p, char *const *set, const char *seed,
			 const char *until);

/* The duration --until asked for (given, or recorded by the run --from reruns) into
 * *out; false (and *out untouched) when there is none. */
bool provenance_until(const struct provenance *p, sim_time_t *out);

#endif
